"""Writes a Windows .ico holding the given square PNG images as they are (PNG-compressed icon entries).

Usage: python3 make_ico.py OUT.ico A.png B.png ...  (standard library only)."""

from __future__ import annotations

import os
import struct
import sys
import tempfile
from pathlib import Path


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def ico_bytes(images: list[bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    entries, offset = b"", 6 + 16 * len(images)
    for data in images:
        width, height = png_size(data)
        # 256 px is written as 0 in the one-byte size fields
        entries += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


def write_safely(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


if __name__ == "__main__":
    out, *pngs = sys.argv[1:]
    write_safely(Path(out), ico_bytes([Path(p).read_bytes() for p in pngs]))
