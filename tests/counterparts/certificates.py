#!/usr/bin/env python3
"""Checks the certificates the browser flow issued with tools sipe does not use:
the PDF's text as Debian's pdftotext (poppler-utils) extracts it holds the holder's
name and the verification address, and the public JSON agrees with the page.

    BASE_URL=http://127.0.0.1:18080 CODES_FILE=codes.json python3 tests/counterparts/certificates.py

Prints one line per check and exits 1 if any fails.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

BASE = os.environ["BASE_URL"].rstrip("/")
CODES = json.load(open(os.environ["CODES_FILE"]))["codes"]
USER = os.environ.get("TRAINING_USER", "formacion")
PASS = os.environ.get("TRAINING_PASS", "sipe-demo-formacion")

failed = 0


def check(name, ok, detail=""):
    global failed
    print(("PASS " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))
    if not ok:
        failed += 1


jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
form = urllib.parse.urlencode({"next": "/", "username": USER, "password": PASS}).encode()
opener.open(BASE + "/login", form)

check("two certificate codes from the browser flow", len(CODES) == 2, str(CODES))
printed = 0
for code in [c.replace("-", "") for c in CODES]:
    public = json.load(urllib.request.urlopen(f"{BASE}/api/v1/certificates/{code}"))
    if public["status"] == "revoked":
        # A revoked certificate is not printed again: a fresh copy would look valid.
        try:
            opener.open(f"{BASE}/training/certificates/{code}/certificate.pdf")
            refused = None
        except urllib.error.HTTPError as e:
            refused = e.code
        check(f"{code}: revoked, and its PDF is refused", refused == 409, str(refused))
        continue
    pdf = opener.open(f"{BASE}/training/certificates/{code}/certificate.pdf").read()
    check(f"{code}: the answer is a PDF", pdf.startswith(b"%PDF-"), f"{len(pdf)} bytes")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    check(f"{code}: pdftotext finds the holder's name", public["holder_name"] in flat, public["holder_name"])
    grouped = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
    address = f"{BASE}/verificar/{grouped}"
    check(f"{code}: pdftotext finds the verification address", address in flat, address)
    check(f"{code}: and the course", public["course"] in flat, public["course"])
    page = urllib.request.urlopen(address).read().decode()
    check(f"{code}: the printed address opens the verification page", public["holder_name"] in page)
    printed += 1

check("a valid certificate was read back from its PDF", printed >= 1, str(printed))

sys.exit(1 if failed else 0)
