"""The text runs of a PDF written by fpdf2 with an embedded TrueType font: what a person reads on
a printed login card. Enough for our own files (Flate streams, one ToUnicode map, 2-byte codes in
literal strings); not a general PDF reader."""

from __future__ import annotations

import re
import zlib

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _streams(data: bytes) -> list[bytes]:
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def _literal(body: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i:i + 1]
        if c == b"\\":
            nxt = body[i + 1:i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
            if octal:
                out.append(int(octal[0], 8))
                i += 1 + len(octal[0])
                continue
            i += 1
            continue
        out += c
        i += 1
    return bytes(out)


def text_runs(data: bytes) -> list[str]:
    streams = _streams(data)
    mapping: dict[int, str] = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    runs = []
    for stream in streams:
        for body in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            raw = _literal(body)
            runs.append("".join(mapping.get(int.from_bytes(raw[i:i + 2], "big"), "?") for i in range(0, len(raw), 2)))
    return runs


def cards(data: bytes, *, username_label="Identifiant",
          passphrase_label="Phrase secrète") -> list[dict]:  # noqa: S107 (a label, not a password)
    """Each card's name, username and passphrase, in print order."""
    runs, found = text_runs(data), []
    for i, run in enumerate(runs):
        if run == username_label:
            found.append({"name": runs[i - 3], "username": runs[i + 1]})
        elif run == passphrase_label:
            found[-1]["passphrase"] = runs[i + 1]
    return found
