"""The records' sheet of each dataset's workbook (``workbooks.py``), reused from the build cache
(``--cache``, issue 15): byte for byte what openpyxl would write again.

The sheet of 100,000 rows is the longest single task of a build: about 6 s of one core with
its rows written by ``sheet_rows.py`` (17 s when openpyxl wrote every cell), most of it the
rows' XML and its deflate; everything else of the workbook (its properties, the 说明 sheet)
takes well under a second.  The sheet's XML, and the stylesheet its cells registered, are kept under a key
over what they are made of: the listed records (id, public values, 公示截止期, in order), the
dataset's fields and configuration, the site's configuration, the code (every file of the
package), openpyxl's and Python's versions.  A build with the stored key writes the workbook
without its rows and takes the sheet and the stylesheet from the cache.

The as-of date is in the sheet's note (row 1): kept sheets are written with its place marked
(``workbooks.MARK``), and the mark is replaced by the day's date as the sheet goes into the zip
(only in row 1: a record's text is never touched).  So the next day's build reuses the sheet
too; a changed record writes it anew.  Stored: public output only (the sheet as published, its
date marked), compressed.
"""

from __future__ import annotations

import hashlib
import pickle
import struct
import zlib
from importlib.metadata import version

from ..cache import Cache
from ..site import DatasetView, Site
from .reuse import MARK, Outcome, update
from .workbooks import note_text

SLOT = "sheet"


def stage_of(dataset: str) -> str:
    return f"xlsx-{dataset}"


class SheetReuse:
    """The workbooks' records sheets from and into ``store``; ``code``: the digest of the code
    that writes them.  ``take()``: what became of each, for ``--explain``."""

    def __init__(self, store: Cache, code: bytes):
        # openpyxl's version from its metadata: importing it here would put the whole package in
        # the main process (60 MB), which the lookup's forked process then counts as well
        self.store = store
        self.code = hashlib.sha256(code + version("openpyxl").encode()).digest()
        self._outcomes: list[Outcome] = []

    def open(self, site: Site, view: DatasetView) -> SheetEntry | None:
        """The entry of ``view``'s sheet (holding it, or to keep it); None where the note's own
        text holds the mark's private-use character (then the workbook is written as without a cache)."""
        if MARK[0] in note_text(site, view):
            return None
        key = hashlib.sha256(self.code)
        for part in (repr(site.config), repr(view.config), repr(view.fields), str(len(view.listed))):
            update(key, part.encode())
        dumps = pickle.dumps
        for r in view.listed:  # record by record: one pickle of 100,000 would be 300 MB more at the peak
            update(key, dumps((r.id, r.values, r.life.last_day), 5))
        return SheetEntry(self, view.config.name, len(view.listed), key.hexdigest())

    def note(self, outcome: Outcome) -> None:
        self._outcomes.append(outcome)

    def take(self) -> list[Outcome]:
        taken, self._outcomes = self._outcomes, []
        return taken


class SheetEntry:
    """One workbook's sheet: ``stored`` (styles, XML size, compressed XML) when the cache holds it
    under this key; else what the workbook writes is kept (``done``)."""

    def __init__(self, owner: SheetReuse, dataset: str, rows: int, key: str):
        self._owner, self._dataset, self._rows, self._key = owner, dataset, rows, key
        data, self.why = owner.store.get(stage_of(dataset), SLOT, key)
        self.stored = _unpack(data) if data is not None else None
        if data is not None and self.stored is None:
            self.why = "缓存项已损坏"
        self._styles: bytes | None = None
        self._compressed: list[bytes] | None = None  # the XML deflated, in pieces

    def styles(self, made: bytes) -> bytes:
        """The stylesheet: the stored one, or ``made`` (kept)."""
        if self.stored is not None:
            return self.stored[0]
        self._styles = made
        return made

    def sheet(self, size: int, chunks):
        """(size, chunks) of the sheet's XML, its date marked: stored, or the ``size`` bytes of
        ``chunks`` (what the workbook made), kept as they pass."""
        if self.stored is not None:
            return self.stored[1], _inflate(self.stored[2])
        return size, self._keep(size, chunks)

    def _keep(self, size: int, chunks):
        compress, parts = zlib.compressobj(1), []
        for chunk in chunks:
            parts.append(compress.compress(chunk))
            yield chunk
        parts.append(compress.flush())
        self._size, self._compressed = size, parts

    def done(self) -> None:
        """After the workbook is written: keep what was made; note what became of the sheet."""
        if self.stored is not None:
            self._owner.note(Outcome(self._dataset, self._rows, True, kind="sheet", stage=stage_of(self._dataset)))
            return
        if self._styles is not None and self._compressed is not None:
            self._owner.store.put(stage_of(self._dataset), SLOT, self._key,
                                  struct.pack("<QQ", len(self._styles), self._size), self._styles, *self._compressed)
        self._owner.note(Outcome(self._dataset, self._rows, False, self.why, kind="sheet", stage=stage_of(self._dataset)))


def _inflate(compressed: bytes):
    inflate = zlib.decompressobj()
    for at in range(0, len(compressed), 1 << 18):
        yield inflate.decompress(compressed[at:at + (1 << 18)])
    yield inflate.flush()


def _unpack(data: memoryview) -> tuple[bytes, int, memoryview] | None:
    """(styles, size of the XML, the compressed XML) of a stored entry, or None if it is not one
    whose XML inflates whole to that size (checked before a byte of it is written)."""
    try:
        n, size = struct.unpack_from("<QQ", data)
        styles, compressed = bytes(data[16:16 + n]), data[16 + n:]
        inflate, total = zlib.decompressobj(), 0
        for at in range(0, len(compressed), 1 << 20):
            total += len(inflate.decompress(compressed[at:at + (1 << 20)]))
        total += len(inflate.flush())
    except (struct.error, zlib.error):
        return None
    if len(styles) != n or total != size or not inflate.eof:
        return None
    return styles, size, compressed
