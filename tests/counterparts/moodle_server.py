#!/usr/bin/env python3
"""A local server that speaks Moodle's web-service REST protocol, for the Aula Virtual
sync tests: POST /webservice/rest/server.php with wstoken, wsfunction and
moodlewsrestformat=json, parameters in Moodle's bracketed form encoding, answers as
Moodle's documented JSON, failures as Moodle's exception object (HTTP 200:
{"exception", "errorcode", "message"[, "debuginfo"]}).

    python3 tests/counterparts/moodle_server.py [PORT] [TOKEN]

Prints its port on the first line of standard output. Functions:
core_user_get_users_by_field, core_user_create_users, enrol_manual_enrol_users,
enrol_manual_unenrol_users, core_completion_get_course_completion_status,
gradereport_user_get_grade_items. Courses 101 and 102 exist.

Test controls (not Moodle's): GET /__state; POST /__fail {"count": n} makes the next n
web-service calls answer HTTP 503; POST /__grade {"courseid", "userid", "completed",
"grade"} sets a completion and a course total (out of 100).
"""

import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = sys.argv[2] if len(sys.argv) > 2 else "sipe-test-token"
LOCK = threading.Lock()
STATE = {
    "users": {},  # id -> user
    "courses": {101: set(), 102: set()},  # course -> enrolled user ids
    "grades": {},  # (course, user) -> (completed, grade)
    "calls": {},  # function -> count
    "fail": 0,
    "next_id": 100,
}


def exception(kind, code, message, debug=None):
    out = {"exception": kind, "errorcode": code, "message": message}
    if debug:
        out["debuginfo"] = debug
    return out


def invalid_parameter(debug):
    return exception("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected", debug)


def indexed(params, name):
    """users[0][username]=a&users[0][email]=b -> [{"username": "a", "email": "b"}]"""
    rows = {}
    for key, value in params.items():
        m = re.fullmatch(re.escape(name) + r"\[(\d+)\]\[(\w+)\]", key)
        if m:
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [rows[i] for i in sorted(rows)]


def user_view(u):
    return {
        "id": u["id"], "username": u["username"], "firstname": u["firstname"],
        "lastname": u["lastname"], "fullname": u["firstname"] + " " + u["lastname"],
        "email": u["email"], "idnumber": u.get("idnumber", ""), "auth": u.get("auth", "manual"),
    }


def course_and_user(params):
    try:
        course, user = int(params.get("courseid", "")), int(params.get("userid", ""))
    except ValueError:
        return None, invalid_parameter("courseid and userid must be integers")
    if course not in STATE["courses"]:
        return None, exception("dml_missing_record_exception", "invalidrecord", "Can't find data record in database table course.")
    if user not in STATE["users"]:
        return None, exception("dml_missing_record_exception", "invalidrecord", "Can't find data record in database table user.")
    return (course, user), None


def call(function, params):
    STATE["calls"][function] = STATE["calls"].get(function, 0) + 1
    if function == "core_user_get_users_by_field":
        field, values = params.get("field"), [v for k, v in params.items() if k.startswith("values[")]
        if field not in ("id", "idnumber", "username", "email"):
            return invalid_parameter("Invalid field: " + str(field))
        return [user_view(u) for u in STATE["users"].values() if str(u.get(field, "")) in values]
    if function == "core_user_create_users":
        created = []
        for row in indexed(params, "users"):
            for required in ("username", "firstname", "lastname", "email"):
                if not row.get(required):
                    return invalid_parameter(f"Missing required key in single structure: {required}")
            if not row.get("password") and row.get("createpassword") != "1":
                return invalid_parameter("Invalid password: you must provide a password, or set createpassword.")
            if row["username"] != row["username"].lower() or any(u["username"] == row["username"] for u in STATE["users"].values()):
                return invalid_parameter("Username already exists: " + row["username"])
            STATE["next_id"] += 1
            row["id"] = STATE["next_id"]
            STATE["users"][row["id"]] = row
            created.append({"id": row["id"], "username": row["username"]})
        return created
    if function in ("enrol_manual_enrol_users", "enrol_manual_unenrol_users"):
        for row in indexed(params, "enrolments"):
            pair, error = course_and_user(row)
            if error:
                return error
            course, user = pair
            if function == "enrol_manual_enrol_users":
                if row.get("roleid") != "5":
                    return exception("moodle_exception", "wsusercannotassign", "You don't have the permission to assign this role")
                STATE["courses"][course].add(user)
            else:
                STATE["courses"][course].discard(user)
        return None
    if function == "core_completion_get_course_completion_status":
        pair, error = course_and_user(params)
        if error:
            return error
        if pair[1] not in STATE["courses"][pair[0]]:
            return exception("moodle_exception", "nocourseactivity", "User is not enrolled in this course")
        completed, _ = STATE["grades"].get(pair, (False, None))
        return {"completionstatus": {"completed": completed, "aggregation": 1, "completions": []}, "warnings": []}
    if function == "gradereport_user_get_grade_items":
        pair, error = course_and_user(params)
        if error:
            return error
        _, grade = STATE["grades"].get(pair, (False, None))
        item = {
            "id": 1, "itemname": None, "itemtype": "course", "itemmodule": None, "iteminstance": pair[0],
            "itemnumber": None, "idnumber": "", "categoryid": None, "outcomeid": None, "scaleid": None,
            "locked": False, "graderaw": grade, "gradedatesubmitted": None, "gradedategraded": None,
            "gradehiddenbydate": False, "gradeneedsupdate": False, "gradeishidden": False,
            "gradeislocked": False, "gradeisoverridden": False,
            "gradeformatted": "-" if grade is None else f"{grade:.2f}".replace(".", ","),
            "grademin": 0, "grademax": 100, "rangeformatted": "0,00&ndash;100,00",
        }
        user = STATE["users"][pair[1]]
        return {"usergrades": [{"courseid": pair[0], "userid": pair[1], "userfullname": user["firstname"] + " " + user["lastname"],
                                "useridnumber": user.get("idnumber", ""), "maxdepth": 1, "gradeitems": [item]}], "warnings": []}
    return exception("dml_missing_record_exception", "invalidrecord", "Can't find data record in database table external_functions.")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__state":
            with LOCK:
                self.answer(200, {
                    "users": [user_view(u) for u in STATE["users"].values()],
                    "courses": {str(c): sorted(users) for c, users in STATE["courses"].items()},
                    "calls": STATE["calls"],
                })
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        raw = self.rfile.read(length).decode()
        with LOCK:
            if self.path == "/__fail":
                STATE["fail"] = int(json.loads(raw)["count"])
                return self.answer(200, {"fail": STATE["fail"]})
            if self.path == "/__grade":
                g = json.loads(raw)
                STATE["grades"][(int(g["courseid"]), int(g["userid"]))] = (bool(g["completed"]), g.get("grade"))
                return self.answer(200, {})
            if self.path != "/webservice/rest/server.php":
                return self.answer(404, {"error": "not found"})
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
                return self.answer(503, {"error": "Service Unavailable"})
            params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            if params.get("wstoken") != TOKEN:
                return self.answer(200, exception("moodle_exception", "invalidtoken", "Invalid token - token not found"))
            if params.get("moodlewsrestformat") != "json":
                return self.answer(200, invalid_parameter("moodlewsrestformat must be json in these tests"))
            self.answer(200, call(params.get("wsfunction", ""), params))


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
