"""A zip member deflated in parts: each part by a compressor of its own, ended on a byte boundary
(a sync flush), the last one ended as a stream ends.  One after the other they are one valid
deflate stream (no part refers back into another), and a part's bytes depend on its own text
only — so a part made by an earlier build can be written again as it is (``reuse_sheets.py``:
the workbook's records in slots of rows), and the member is the same bytes whether its parts
were made now or kept.  The member's CRC-32 is combined from the parts' (``crc32_combine``, as
zlib computes it), so a kept part is never inflated again.
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

LEVEL = 6                 # zipfile's own (zlib's default): the sizes of the workbooks do not change
SYNC_END = b"\x00\x00\xff\xff"  # how a sync flush ends: every part but the last
_POLY = 0xEDB88320        # CRC-32, reflected


class Part(NamedTuple):
    data: bytes           # raw deflate (no zlib header)
    crc: int              # CRC-32 of the text
    size: int             # bytes of the text


def deflated(text: bytes, last: bool = False) -> Part:
    squeeze = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    data = squeeze.compress(text) + squeeze.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
    return Part(data, zlib.crc32(text), len(text))


def joined(parts) -> tuple[int, int]:
    """(CRC-32, size) of the parts' texts one after the other."""
    crc, size = 0, 0
    for p in parts:
        crc, size = crc32_combine(crc, p.crc, p.size), size + p.size
    return crc, size


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (zlib's crc32.c, multmodp)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> list[int]:
    table, p = [], 1 << 30  # x^1
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return table


_X2N = _powers()          # x^(2^k) modulo the polynomial


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from that of A, that of B and B's length (zlib's crc32_combine)."""
    p, k = 1 << 31, 3     # x^0; x^(8 × len2): a byte is 8 bits
    while len2:
        if len2 & 1:
            p = _multmodp(_X2N[k & 31], p)
        len2 >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2
