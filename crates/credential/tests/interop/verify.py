"""Verifies a OneCard QR text with independent implementations (pycose, cbor2) and prints what it
read as JSON, for crates/credential/tests/interop.rs. Usage: verify.py QR_TEXT PUBLIC_KEY_HEX"""
import datetime
import json
import sys

import cbor2
from pycose.algorithms import EdDSA
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45_decode(text):
    """RFC 9285, written from the RFC rather than taken from the crate under test."""
    values = [ALPHABET.index(c) for c in text]
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        if len(chunk) == 3:
            assert n <= 0xFFFF
            out += n.to_bytes(2, "big")
        else:
            assert len(chunk) == 2 and n <= 0xFF
            out.append(n)
    return bytes(out)


def days(v):
    # RFC 8943: tag 100, days since 1970-01-01; cbor2 reads it as a date itself.
    if isinstance(v, datetime.date):
        return (v - datetime.date(1970, 1, 1)).days
    assert isinstance(v, cbor2.CBORTag) and v.tag == 100, v
    return v.value


def main():
    text, public_hex = sys.argv[1], sys.argv[2]
    assert text.startswith("OC1:"), "prefix"
    raw = base45_decode(text[4:])
    msg = Sign1Message.decode(raw)
    assert msg.phdr[Algorithm] == EdDSA, msg.phdr
    msg.key = OKPKey(crv=Ed25519, x=bytes.fromhex(public_hex))
    ok = msg.verify_signature()
    claims = cbor2.loads(msg.payload)
    permit = claims[-70001]
    print(json.dumps({
        "signature_valid": ok,
        "kid": msg.phdr[KID].hex(),
        "iss": claims[1],
        "sub": claims[2],
        "exp": claims[4],
        "iat": claims[6],
        "cti": claims[7].hex(),
        "status": claims[65535],
        "profile": permit[1],
        "category": permit[2],
        "surname": permit[3],
        "given_names": permit.get(4),
        "employer": permit[5],
        "valid_from_days": days(permit[6]),
        "valid_to_days": days(permit[7]),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
