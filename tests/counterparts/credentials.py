#!/usr/bin/env python3
"""Checks the Open Badges credentials of the certificates the browser flow issued with
PyJWT (and `cryptography`), a JOSE library sipe does not use: each VC-JWT verifies with
the key its `kid` names on this server, and its bit in the published status list is 0
while the certificate is valid and 1 once it is revoked (this script revokes the valid
one the way an operator does, and looks again).

    BASE_URL=http://127.0.0.1:18080 CODES_FILE=codes.json python tests/counterparts/credentials.py

Prints one line per check and exits 1 if any fails.
"""

import base64
import gzip
import json
import os
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import jwt

BASE = os.environ["BASE_URL"].rstrip("/")
CODES = [c.replace("-", "") for c in json.load(open(os.environ["CODES_FILE"]))["codes"]]
USER = os.environ.get("TRAINING_USER", "formacion")
PASS = os.environ.get("TRAINING_PASS", "sipe-demo-formacion")

failed = 0


def check(name, ok, detail=""):
    global failed
    print(("PASS " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))
    if not ok:
        failed += 1


def get(url):
    return urllib.request.urlopen(url).read().decode()


def verified(token):
    """The payload of `token`, verified with the JWK its `kid` answers (EdDSA only)."""
    header = jwt.get_unverified_header(token)
    check("  header alg is EdDSA", header.get("alg") == "EdDSA", str(header.get("alg")))
    kid = header.get("kid", "")
    check("  kid is an absolute URL of this server", kid.startswith(BASE + "/"), kid)
    key = jwt.PyJWK(json.loads(get(kid)))
    return jwt.decode(token, key=key, algorithms=["EdDSA"])


def status_bit(credential):
    """The credential's bit in its status list, the list itself verified first."""
    entry = credential["credentialStatus"]
    check("  status entry is a BitstringStatusListEntry", entry["type"] == "BitstringStatusListEntry")
    listing = verified(get(entry["statusListCredential"]))
    check("  the list's issuer is the credential's", listing["issuer"] == credential["issuer"]["id"], listing["issuer"])
    subject = listing["credentialSubject"]
    check("  the list is a BitstringStatusList for revocation",
          subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation")
    encoded = subject["encodedList"]
    check("  encodedList is multibase base64url", encoded.startswith("u"))
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    check("  the list has at least 131072 entries", len(bits) * 8 >= 131072, str(len(bits) * 8))
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


def credential_of(code):
    token = get(f"{BASE}/api/v1/certificates/{code}/credential.jwt")
    payload = verified(token)
    check(f"{code}: an OpenBadgeCredential", "OpenBadgeCredential" in payload.get("type", []))
    public = json.loads(get(f"{BASE}/api/v1/certificates/{code}"))
    check(f"{code}: it names the holder", payload["credentialSubject"]["identifier"][0]["identityHash"] == public["holder_name"])
    check(f"{code}: and the course", payload["credentialSubject"]["achievement"]["name"] == public["course"])
    issuer = json.loads(get(payload["issuer"]["id"]))
    check(f"{code}: the issuer's profile names the institution", issuer.get("name") == public["institution"], issuer.get("name"))
    return payload, public


def revoke(code):
    """Revokes `code` through the web form, as an operator does."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"next": "/", "username": USER, "password": PASS}).encode()
    opener.open(BASE + "/login", form)
    page = opener.open(BASE + "/training/certificates").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"_csrf": token, "reason": "Revocada por la prueba de credenciales"}).encode()
    opener.open(f"{BASE}/training/certificates/{code}/revoke", body)


checked = 0
for code in CODES:
    payload, public = credential_of(code)
    bit = status_bit(payload)
    if public["status"] == "revoked":
        check(f"{code}: revoked, and its status bit is 1", bit == 1, str(bit))
    else:
        check(f"{code}: valid, and its status bit is 0", bit == 0, str(bit))
        revoke(code)
        public = json.loads(get(f"{BASE}/api/v1/certificates/{code}"))
        check(f"{code}: revoked now", public["status"] == "revoked", public["status"])
        payload, _ = credential_of(code)
        bit = status_bit(payload)
        check(f"{code}: its status bit flipped to 1", bit == 1, str(bit))
    checked += 1

check("every certificate of the flow was checked", checked == len(CODES) and checked >= 2, str(checked))
sys.exit(1 if failed else 0)
