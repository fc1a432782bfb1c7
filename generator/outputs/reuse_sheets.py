"""The records' rows of each dataset's workbook (``workbooks.py``) in slots of ``SLOT_ROWS`` rows,
each deflated on its own (``zip_parts.py``), and reused from the build cache (``--cache``,
issue 15): the workbook is the same bytes whether a slot was made now or kept.

The sheet of 100,000 rows was the longest single task of a build (about 6 s of one core: the
rows' XML, ``sheet_rows.py``, and its deflate), and one changed record wrote all of it again.
Now a slot is kept under a key over what its rows are made of: its first row's number (rows
carry their numbers, ``r="…"``), its records (their fingerprints, in order: ``model.fingerprint``), the
dataset's fields and configuration, the site's configuration, the date cells' style, the code
(every file of the package), openpyxl's and Python's versions.  A build with a slot's key
writes the kept bytes; a changed record makes its slot again, not the sheet.  A record added
or taken off the list moves the rows after it, and so their slots (their numbers changed).

The note (row 1, with the as-of date), the header, the sheet's tail, the 说明 sheet and the
styles are openpyxl's, made every build, so the next day reuses every slot.  Stored: public
output only (the rows as published, deflated), with their CRC-32 and size.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from importlib.metadata import version

from ..cache import Cache
from ..site import DatasetView, Site
from .reuse import Outcome, update
from .sheet_rows import Unsupported, rows_xml
from .zip_parts import SYNC_END, Part, deflated

SLOT_ROWS = 512           # a changed record makes this many rows again (about 1 MB of XML)
_HEAD = struct.Struct("<IQ")  # a stored slot: CRC-32 and size of its XML, then its deflated bytes


def stage_of(dataset: str) -> str:
    return f"xlsx-{dataset}"


class SheetReuse:
    """The workbooks' slots of rows from and into ``store``; ``code``: the digest of the code
    that writes them.  ``take()``: what became of each workbook's rows, for ``--explain``."""

    def __init__(self, store: Cache, code: bytes):
        # openpyxl's version from its metadata: importing it here would put the whole package in
        # the main process (60 MB), which the lookup's forked process then counts as well
        self.store = store
        self.code = hashlib.sha256(code + version("openpyxl").encode()).digest()
        self._outcomes: list[Outcome] = []

    def take(self) -> list[Outcome]:
        taken, self._outcomes = self._outcomes, []
        return taken

    def _base(self, site: Site, view: DatasetView, letters: list[str], date_style: int | None):
        key = hashlib.sha256(self.code)
        for part in (repr(site.config), repr(view.config), repr(view.fields), repr(letters), repr(date_style)):
            update(key, part.encode())
        return key

    def _get(self, stage: str, slot: str, key: str) -> tuple[Part | None, str]:
        data, why = self.store.get(stage, slot, key)
        if data is None:
            return None, why
        if len(data) < _HEAD.size + len(SYNC_END) or bytes(data[-len(SYNC_END):]) != SYNC_END:
            return None, "缓存项不是工作表的行"  # its digest holds, but it is not what this module stores
        crc, size = _HEAD.unpack_from(data)
        return Part(bytes(data[_HEAD.size:]), crc, size), ""


def row_parts(site: Site, view: DatasetView, cells: Callable, first_row: int, letters: list[str],
              date_style: int | None, reuse: SheetReuse | None) -> list[Part] | None:
    """The listed records' rows as deflated parts, ``SLOT_ROWS`` rows each: kept ones from
    ``reuse`` (None: no cache), the others made by ``sheet_rows.rows_xml`` from ``cells(records)``
    (each record's cells).  None when a value is one that ``sheet_rows`` leaves to openpyxl
    (``Unsupported``: the workbook then writes every row through openpyxl)."""
    listed, parts, again, why = view.listed, [], 0, set()
    base = reuse._base(site, view, letters, date_style) if reuse is not None else None
    stage, slots = stage_of(view.config.name), set()
    fingerprints = view.fingerprints if base is not None else ()
    for start in range(0, len(listed), SLOT_ROWS):
        records = listed[start:start + SLOT_ROWS]
        part, key, slot = None, "", f"{start // SLOT_ROWS:05d}"
        if base is not None:
            h = base.copy()
            update(h, str(first_row + start).encode())
            # a row's cells read its record's id, values and 公示截止期: all in its fingerprint
            update(h, b"".join(fingerprints[start:start + SLOT_ROWS]))
            key = h.hexdigest()
            part, missed = reuse._get(stage, slot, key)
            slots.add(slot)
        if part is None:
            try:
                xml = b"".join(rows_xml(cells(records), first_row + start, letters, date_style))
            except Unsupported:
                return None
            part = deflated(xml)
            if base is not None:
                again += 1
                why.add(missed)
                reuse.store.put(stage, slot, key, _HEAD.pack(part.crc, part.size), part.data)
        parts.append(part)
    if reuse is not None:
        reuse.store.keep(stage, slots)  # the slots of rows no longer listed
        n = len(parts)
        reuse._outcomes.append(Outcome(
            view.config.name, len(listed), not again, f"{again}/{n} 组（每组 {SLOT_ROWS} 行）重新生成：{'；'.join(sorted(why))}"
            if again else f"{n} 组（{len(listed)} 行）输入未变", kind="sheet", stage=stage))
    return parts
