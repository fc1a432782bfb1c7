"""Feed archive documents reused from the build cache (``--cache``, issue 15): written from what
an earlier build stored instead of rendered, byte for byte the same.

An archive document holds the changes of one day (``feeds.archive``).  It is rendered with
feedgen and lxml, which cost 9 s of CPU for the 344 archives of 100,000 penalties, more than
anything else left in a daily rebuild's render phase once record pages came from the cache.
Yet an archive hardly ever changes: it reads no as-of date, only

- its day and its neighbours' days (the ``prev-archive``/``next-archive`` links),
- its changes: each event, and the record's public values, lifecycle and department as they
  are now (an entry of a corrected record carries its corrected values, P5.1),
- for a tombstone's notice, the withdrawn record it names (its number and note),
- and what every archive of the dataset shares: the code, the configuration, the departments,
  the dataset's fields.

Each archive is stored under a key over all of that (``stage_of(dataset)``/the day).  A build
that computes the stored key writes the stored bytes; any other key renders the archive as
without a cache, and stores it.  A changed row therefore renders the archives of the days it
appears in, not all of them.  Nothing else of the site is read by ``feeds.archive``; the
byte-identity tests (``tests/test_reuse_archives.py``, ``tests/test_cache.py``) compare every
file with a build without a cache after each kind of change.

Everything stored is public output (the documents as published), and keys are SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import pickle

from ..cache import Cache
from ..model import event_fields, fingerprint, lifecycle_fields
from ..site import Site
from .reuse import Outcome, get_deflated, note_by_dataset, put_deflated, update

KIND = "feed-archive"   # the output kind whose documents are reused (kinds.py)


def stage_of(dataset: str) -> str:
    return f"archives-{dataset}"


class ArchiveReuse:
    """Feed archives from and into ``store``, for one build of ``site``."""

    def __init__(self, site: Site, store: Cache, code: bytes):
        """``code``: ``reuse.code_digest()``, computed once per build."""
        self.site, self.store = site, store
        self.base: dict[str, bytes] = {}  # dataset → digest of what all its archives share
        self._known: dict[str, dict] = {}  # dataset → its listed records' fingerprints by object
        shared = hashlib.sha256(code)
        for part in (repr(site.config), repr(site.agencies)):
            update(shared, part.encode())
        for name, view in site.datasets.items():
            if view.config.feed and view.feed_days:
                h = shared.copy()
                for part in (name, repr(view.config), repr(view.fields), repr(view.field_names)):
                    update(h, part.encode())
                self.base[name] = h.digest()

    def takes(self, output) -> bool:
        return output.kind.name == KIND and output.args[0] in self.base

    def write(self, output, writer, renderer) -> Outcome:
        """Write the archive ``output``: stored, or rendered (and stored)."""
        name, k = output.args
        view = self.site.datasets[name]
        days = view.feed_days
        day = days[k]
        key = hashlib.sha256(self.base[name])
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = _listed_fingerprints(view)
        update(key, _material(view, k, known))
        stage, slot = stage_of(name), day.day.isoformat()
        document, why = get_deflated(self.store, stage, slot, key.hexdigest(), "缓存项已损坏")
        if document is None:
            document = b"".join(output.kind.render(renderer, output))
            put_deflated(self.store, stage, slot, key.hexdigest(), document)
        writer.write(output.url, (document,))
        return Outcome(name, 1, not why, why, kind="archive", stage=stage)

    def keep_only(self) -> None:
        """Drop the stored archives of days that no longer have one."""
        for name in self.base:
            self.store.keep(stage_of(name), {d.day.isoformat() for d in self.site.datasets[name].feed_days})


def _material(view, k: int, known: dict | None = None) -> bytes:
    """All that archive ``k`` of ``view`` reads beyond what the dataset's archives share,
    pickled change by change (equal bytes: equal values; unequal bytes only cost a render).
    Records are taken apart: where a row sits in its file (``Record.line``) is in no archive."""
    days = view.feed_days
    day = days[k]
    changes = view.changes[day.start:day.end]
    parts = [pickle.dumps((days[k - 1].day if k > 0 else None, day.day,
                           days[k + 1].day if k + 1 < len(days) else None), 5)]
    gone = set()
    known = _listed_fingerprints(view) if known is None else known
    for c in changes:
        r = c.record
        if r is None:
            gone.add(c.record_id)
            parts.append(pickle.dumps((event_fields(c.event), c.record_id), 5))
        else:  # the record by its fingerprint: the listed one's as made once, another's made here
            parts.append(pickle.dumps((event_fields(c.event), c.record_id), 5) + (known.get(id(r)) or fingerprint(r)))
    if gone:  # what a tombstone's notice names of the withdrawn record (feeds._Notices)
        parts += [pickle.dumps((r.id, r.values, lifecycle_fields(r.life)), 5) for r in view.withdrawn if r.id in gone]
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def _listed_fingerprints(view) -> dict[int, bytes]:
    """The fingerprints of ``view``'s listed records by object (``id``): a change of the feed
    holds the listed record itself unless it is an earlier version or withdrawn."""
    return dict(zip(map(id, view.listed), view.fingerprints))


def explain(outcomes: list[Outcome], reuse: ArchiveReuse, store: Cache) -> None:
    """``--explain``: one line per dataset with archives: how many were reused, why the others not."""
    note_by_dataset(store, outcomes, "archive", reuse.base, stage_of, "份")
