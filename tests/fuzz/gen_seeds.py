#!/usr/bin/env python3
"""Writes key-shaped fuzz seeds into OUT/<harness>/ at run time.

The repository must hold no key literals (keyhound scans itself), so seeds that look like keys
are built here from the rules' own `examples` and from random characters, never committed.
Usage: gen_seeds.py SOURCE_DIR OUT_DIR
"""
import os
import random
import re
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
rng = random.Random(8)
rules_dir = os.path.join(src, "rules")
examples, keywords = [], []
for name in sorted(os.listdir(rules_dir)):
    if not name.endswith(".toml"):
        continue
    text = open(os.path.join(rules_dir, name), encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'^examples\s*=\s*\[(.*?)\]\s*$', text, re.M | re.S):
        for s in re.findall(r"'''(.*?)'''|'([^'\n]*)'|\"((?:[^\"\\\n]|\\.)*)\"", m.group(1), re.S):
            v = next(x for x in s if x) if any(s) else ""
            if v:
                examples.append(v.encode("utf-8", "replace"))
    for m in re.finditer(r'^keywords\s*=\s*\[(.*?)\]', text, re.M | re.S):
        keywords += [k.encode() for k in re.findall(r'"([^"]+)"', m.group(1))]


def write(h, i, data):
    d = os.path.join(out, h)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "gen-%04d" % i), "wb") as f:
        f.write(data)


def b32(n):
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(n))


def b64(n):
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+") for _ in range(n))


i = 0
# Engine: 8 header bytes (chunking seed) + text.
for ex in examples:
    hdr = struct.pack("<Q", rng.getrandbits(64))
    pad = b"x" * rng.randint(0, 300)
    write("fuzz_engine", i, hdr + pad + b"\nvalue = " + ex + b"\n" + pad)
    i += 1
for k in range(40):
    hdr = struct.pack("<Q", rng.getrandbits(64))
    kid = ("AKIA" + b32(16)).encode()
    sec = b64(40).encode()
    body = b"[default]\naws_access_key_id = " + kid + b"\naws_secret_access_key = " + sec + b"\n"
    if k % 3 == 0:
        body = body.replace(b"\n", b"\r\n")
    if k % 4 == 1:
        body = b"\x00binary\x00" + body
    write("fuzz_engine", i, hdr + body * (1 + k % 3))
    i += 1
for k in range(40):
    hdr = struct.pack("<Q", rng.getrandbits(64))
    kws = b" ".join(rng.choice(keywords) + b"=" + b64(rng.randint(8, 60)).encode() for _ in range(8)) if keywords else b""
    write("fuzz_engine", i, hdr + kws + b"\n")
    i += 1
# Reporters: random bytes are enough (FuzzedDataProvider), but give some with long runs.
for k in range(30):
    write("fuzz_report", k, bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 2000))))
# Rule files: the real ones.
for k, name in enumerate(sorted(os.listdir(rules_dir))):
    if name.endswith(".toml"):
        write("fuzz_rules", k, open(os.path.join(rules_dir, name), "rb").read())
# Decoding: keys written base64- (also MIME-wrapped), percent-, escape-, reference-, hex- and
# UTF-16-encoded (byte 0: depth).
import base64 as _b64
import gzip as _gzip
import io as _io
import tarfile as _tarfile
import urllib.parse as _url
import zipfile as _zipfile
for k in range(40):
    kid = ("AKIA" + b32(16)).encode()
    sec = b64(40).encode()
    body = b"aws_access_key_id = " + kid + b"\naws_secret_access_key = " + sec + b"\n"
    forms = [
        b"data:\n  creds: " + _b64.b64encode(body) + b"\n",
        b"v=" + _b64.urlsafe_b64encode(body).rstrip(b"=") + b"\n",
        b"u=https://h/?k=" + _url.quote(body.decode()).encode() + b"\n",
        b'{"k": "' + body.replace(b"/", b"\\/").replace(b"\n", b"\\n") + b'"}\n',
        b"x: " + _b64.b64encode(b'{"a": "' + body.replace(b"/", b"\\/").replace(b"\n", b"\\n") + b'"}') + b"\n",
        b"\xff\xfe" + body.decode().encode("utf-16-le"),
        body.decode().encode("utf-16-be"),
        b'<a v="' + body.replace(b"/", b"&#x2F;").replace(b"=", b"&#61;").replace(b"\n", b"&#10;") + b'"/>\n',
        b"\r\n".join(_b64.b64encode(body * 3)[i:i + 76] for i in range(0, len(body) * 4, 76)) + b"\r\n",
        b"h: " + ("ghp_" + b64(36).replace("+", "a").replace("/", "b")).encode().hex().encode() + b"\n",
    ]
    write("fuzz_decode", k, bytes([k % 4]) + forms[k % len(forms)])
# Archives: small real ones of every kind (byte 0: 0 = as is).
def _tar(mode):
    b = _io.BytesIO()
    with _tarfile.open(fileobj=b, mode=mode) as t:
        for n, c in (("a/x.env", b"k=v\n" * 20), ("b/y.txt", b"hello\n")):
            ti = _tarfile.TarInfo(n)
            ti.size = len(c)
            t.addfile(ti, _io.BytesIO(c))
    return b.getvalue()
zb = _io.BytesIO()
with _zipfile.ZipFile(zb, "w", _zipfile.ZIP_DEFLATED) as z:
    z.writestr("WEB-INF/app.properties", "k=v\n" * 20)
    z.writestr("inner.tar.gz", _tar("w:gz"))
for k, blob in enumerate([_tar("w"), _tar("w:gz"), _tar("w:bz2"), _tar("w:xz"), zb.getvalue(),
                          _gzip.compress(b"line\n" * 50), _gzip.compress(_gzip.compress(b"x" * 100))]):
    write("fuzz_archive", k, b"\x00" + blob)
write("fuzz_archive", 100, b"\x01" + _tar("w"))
write("fuzz_archive", 101, b"\x02" + zb.getvalue())
