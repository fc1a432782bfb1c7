"""The records of each dataset's CSV and JSON downloads (``exports.py``) in slots, reused from the
build cache (``--cache``, issue 15): a download is the same bytes whether a slot was made now or
kept.

At 100,000 penalties the CSV, the JSON and the 信用中国 CSV took 5 s of CPU in every build,
though a daily rebuild changes none of their rows.  A record's row (a CSV line, a JSON object)
depends on the record alone and on what all rows of the file share, so the listed records are
cut into slots and each slot's bytes are kept under a key over:

- what every row of the file shares: the code (every file of the package), the file's name,
  the site's and the dataset's configuration (base URL, fields, data items), the departments;
- the slot's records, by their fingerprints (``model.fingerprint``: id, field names, values,
  lifecycle, department), of which a row reads a part;
- for the 信用中国 files, which of the slot's records the credit channel lists that day (P10.2).

**Where slots end** is decided by the records, not by their positions: after a record whose
id's CRC-32 is a multiple of ``SLOT`` (one in ``SLOT`` on average), or after ``LONGEST``
records.  So a record added or taken off the list changes its own slot, not every slot after
it.  The file's head (its header row, the JSON's as-of date) and the JSON's withdrawn records
are made every build.

Stored: public output only (the rows as published, compressed), under SHA-256 keys.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..cache import Cache
from ..site import DatasetView, Site
from .reuse import Outcome, get_deflated, put_deflated, update

SLOT = 512            # records per slot on average (a power of two): a changed record makes this many rows again
LONGEST = 4 * SLOT    # a slot ends here at the latest


def stage_of(url: str) -> str:
    """export-penalties.csv, export-penalties-creditchina.csv: one stage per download."""
    return "export-" + url.rsplit("/", 1)[-1]


def slots(records) -> list[tuple[int, int]]:
    """(start, end) of each slot of ``records`` (see the module's doc: where slots end)."""
    out, start, mask = [], 0, SLOT - 1
    crc = zlib.crc32
    for i, r in enumerate(records):
        if not crc(r.id.encode()) & mask or i + 1 - start >= LONGEST:
            out.append((start, i + 1))
            start = i + 1
    if start < len(records):
        out.append((start, len(records)))
    return out


@dataclass(frozen=True)
class _Slots:
    bounds: list[tuple[int, int]]
    digests: list[bytes]   # of each slot's records' fingerprints


class ExportReuse:
    """The downloads' slots from and into ``store``; ``code``: the digest of the code that makes
    them.  A render worker keeps each dataset's slots and digests once made: the CSV, the JSON
    and the 信用中国 files of a dataset read the same ones.  ``take()``: what became of each
    download's rows, for ``--explain``."""

    def __init__(self, store: Cache, code: bytes):
        self.store, self.code = store, code
        self._slots: dict[str, _Slots] = {}
        self._outcomes: list[Outcome] = []

    def take(self) -> list[Outcome]:
        taken, self._outcomes = self._outcomes, []
        return taken

    def of(self, view: DatasetView) -> _Slots:
        made = self._slots.get(view.config.name)
        if made is None:
            # all that a row reads of its record is in the record's fingerprint (model.py): its
            # public values in the fields' order are the values in its layout's (``text.public_values``),
            # the fields being in ``base``
            fingerprints = view.fingerprints
            bounds = slots(view.listed)
            digests = [hashlib.sha256(b"".join(fingerprints[a:b])).digest() for a, b in bounds]
            made = self._slots[view.config.name] = _Slots(bounds, digests)
        return made

    def base(self, site: Site, view: DatasetView, url: str):
        key = hashlib.sha256(self.code)
        for part in (url, repr(site.config), repr(site.agencies), repr(view.config), repr(view.fields)):
            update(key, part.encode())
        return key


def slotted(site: Site, view: DatasetView, url: str, render: Callable[[list], bytes], reuse: ExportReuse | None,
            sep: bytes = b"", chosen: Callable | None = None) -> Iterator[bytes]:
    """The bytes of the listed records of ``view`` (those ``chosen`` keeps, if given) for the
    download at ``url``, slot by slot: ``render(records)`` made them, now or in an earlier build
    (``reuse``; None: no cache).  ``sep`` goes between the bytes of two slots."""
    listed = view.listed
    if reuse is None:
        bounds, digests, base = slots(listed), None, None
    else:
        made = reuse.of(view)
        bounds, digests, base = made.bounds, made.digests, reuse.base(site, view, url)
    stage, names, again, why, first = stage_of(url), set(), 0, set(), True
    for n, (a, b) in enumerate(bounds):
        records = listed[a:b]
        flags = None if chosen is None else [bool(chosen(r)) for r in records]
        picked = records if flags is None else [r for r, f in zip(records, flags) if f]
        data = None
        if base is not None:
            key = base.copy()
            update(key, digests[n])
            if flags is not None:  # which of the slot's records are in the file
                update(key, bytes(flags))
            k, slot = key.hexdigest(), f"{zlib.crc32(records[0].id.encode()):08x}"
            names.add(slot)
            data, missed = get_deflated(reuse.store, stage, slot, k, "缓存项不是下载文件的记录")
            if data is None:
                again += 1
                why.add(missed)
        if data is None:
            data = render(picked) if picked else b""
            if base is not None:
                put_deflated(reuse.store, stage, slot, k, data)
        if data:
            if not first:
                yield sep
            yield data
            first = False
    if reuse is not None:
        reuse.store.keep(stage, names)  # the slots that no longer start where they did
        n = len(bounds)
        reuse._outcomes.append(Outcome(
            view.config.name, len(listed), not again,
            f"{again}/{n} 组（平均每组 {SLOT} 条）重新生成：{'；'.join(sorted(why))}" if again
            else f"{n} 组（{len(listed)} 条）输入未变", kind="export", stage=stage))
