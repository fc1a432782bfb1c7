"""Record pages reused from the build cache (``--cache``, issue 15): written from what an earlier
build stored instead of rendered, byte for byte the same.

Record pages are nearly all of a big site's outputs (100,000 of 105,000), and each is a
function of its record (its values and lifecycle), its department, the corrections it shows,
and what every page of its dataset shares: the code and templates, the configuration, the
navigation, the header and footer.  A dataset's pages fall into *slots* by record id (about
``PAGES_PER_SLOT`` each, a record in the same slot from build to build); a slot's pages are
stored together, compressed, under a key over all of the above for each of its pages.  A build
that computes the stored key writes the stored pages; any other key renders the slot's pages
as without a cache.  So a changed row renders one slot again, not 100,000 pages.

**The as-of date.** Every page shows it (footer, print line), so a page stored with the day's
date would serve one day only.  Pages are rendered for the cache with the date's place marked:
their templates see ``site.as_of`` as ``AS_OF_MARK``, which ``cn_date`` writes as ``MARK``, and
each page's marks are replaced by the day's date as it is written.  The template's own uses of
the date are the only ones marked: what the Python side reads of it (the corrections shown up to
the day) is in the key.  The byte-identity tests (``tests/test_reuse.py``, ``tests/test_cache.py``)
compare every file with a build without cache, after each kind of change and on each next day.

Rendered as without a cache (never reused):
- every record page of a site whose ``templates/`` overrides a template record pages use: its
  own templates may read anything of the site model, which no key here covers;
- a slot where a record's data holds a private-use character of ``MARK``.

Everything stored is public output (the pages themselves, with the date's place marked), and
the keys are SHA-256 digests: the cache holds nothing the site does not publish.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import struct
import sys
import zlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..cache import Cache
from ..dates import format_cn
from ..history import told
from ..model import lifecycle_fields
from .. import pagefind_pages
from ..site import Site
from ..stages.write import GIVEN
from . import routes
from .html import Renderer

MARK = "\ue000\ue001"           # private-use characters: what the marked date is written as
_MARK = MARK.encode()
_MARK_CHAR = MARK[0]            # a record holding it is never stored (see module doc)
_MARK_PART = _MARK_CHAR.encode()
AS_OF_MARK = date(1, 1, 1)      # what templates of stored pages see as ``site.as_of``: this object only
                                # (``is``), never a record's date, which is another object
RECORD_TEMPLATES = frozenset({"record.html", "base.html", "_header.html", "_footer.html", "_macros.html",
                              "_record_notes.html"})
PAGES_PER_SLOT = 256            # a changed row renders about this many pages again
KIND = "record"                 # the output kind whose pages are reused (kinds.py)
_PACKAGE = Path(__file__).resolve().parent.parent


def slots_for(n: int) -> int:
    """How many slots ``n`` record pages fall into: a power of two, so that it changes only when
    ``n`` doubles or halves (every slot is then rendered anew, once)."""
    return 1 << max(0, math.ceil(math.log2(max(n, 1) / PAGES_PER_SLOT)))


def slot_of(record_id: str, slots: int) -> int:
    return zlib.crc32(record_id.encode()) & (slots - 1)


def stage_of(dataset: str) -> str:
    return f"pages-{dataset}"


@dataclass(frozen=True)
class Group:
    """The pages of one slot: outputs ``start``–``end`` of a render job, ordered by record id."""

    dataset: str
    slot: str
    start: int
    end: int


@dataclass(frozen=True)
class Outcome:
    """What became of one slot of record pages, of a workbook's rows (``kind`` "sheet",
    ``reuse_sheets.py``), of a CSV or JSON download's rows ("export", ``reuse_exports.py``) or
    of a feed archive ("archive", ``reuse_archives.py``), handed back from a render worker
    (``--explain``)."""

    dataset: str
    pages: int          # or rows of the sheet, or 1 archive
    reused: bool
    why: str = ""
    kind: str = "pages"
    stage: str = ""     # of a sheet: its cache stage


class PageReuse:
    """Record pages from and into ``store``, for one build of ``site``.  ``off``: why no page
    is reused in this build ("" when they are)."""

    def __init__(self, site: Site, templates: Path | None, downloads, store: Cache, code: bytes):
        """``code``: ``code_digest()``, computed once per build."""
        self.site, self.store = site, store
        self.off = _why_off(templates, store)
        self.marked = None
        self.base: dict[str, bytes] = {}  # dataset → digest of what all its record pages share
        self._shared: dict = {}  # department → the pickle of its entry
        if self.off:
            return
        self.marked = Renderer(site, templates, downloads)
        self.marked.shown = replace(site, as_of=AS_OF_MARK)
        self.marked.env.filters["cn_date"] = lambda d: MARK if d is AS_OF_MARK else format_cn(d)
        config = repr(site.config)
        shared = hashlib.sha256(code)
        for part in (_tree_digest(templates), config,
                     repr(self.marked.nav), repr(sorted(self.marked.section_nav.items())), MARK):
            update(shared, part.encode() if isinstance(part, str) else part)
        for name, view in site.datasets.items():
            if not view.config.record_pages or not view.listed:
                continue
            url = routes.record(view, view.listed[0].id)
            h = shared.copy()
            for part in (name, repr(view.config), repr(view.fields), self.marked.chrome("_header.html", url),
                         self.marked.chrome("_footer.html", url)):
                update(h, str(part).encode())
            if r"\ue000" not in config + repr((view.config, view.fields, self.marked.nav)):
                # (repr writes the character as this escape) else a text of the configuration holds it
                self.base[name] = h.digest()

    def arrange(self, outputs: tuple) -> tuple[tuple, tuple, list[Group]]:
        """(the outputs not reused, the reused ones grouped by slot, the groups with offsets
        into the second tuple)."""
        counts: dict[str, int] = {}
        for o in outputs:
            if o.kind.name == KIND and o.args[0] in self.base:
                counts[o.args[0]] = counts.get(o.args[0], 0) + 1
        slots = {name: slots_for(n) for name, n in counts.items()}
        kept, by_slot = [], {}
        for o in outputs:
            name = o.args[0] if o.kind.name == KIND else None
            if name not in slots:
                kept.append(o)
                continue
            listed = self.site.datasets[name].listed
            by_slot.setdefault((name, slot_of(listed[o.args[1]].id, slots[name])), []).append(o)
        grouped, groups = [], []
        for (name, slot), members in sorted(by_slot.items()):
            listed = self.site.datasets[name].listed
            members.sort(key=lambda o: listed[o.args[1]].id)
            groups.append(Group(name, f"{slot:04x}", len(grouped), len(grouped) + len(members)))
            grouped += members
        return tuple(kept), tuple(grouped), groups

    def keep_only(self, groups: list[Group]) -> None:
        """Drop the stored slots this build did not use (records gone, a slot count changed)."""
        used: dict[str, set] = {stage_of(n): set() for n in self.base}
        for g in groups:
            used[stage_of(g.dataset)].add(g.slot)
        for stage, slots in used.items():
            self.store.keep(stage, slots)

    def write(self, group: Group, outputs: tuple, writer, direct: Renderer) -> Outcome:
        """Write the pages of ``group`` (``outputs``): stored, or rendered (and stored)."""
        key = hashlib.sha256(self.base[group.dataset])
        for o in outputs:
            update(key, self._material(o))
        k = key.hexdigest()
        stage = stage_of(group.dataset)
        data, why = self.store.get(stage, group.slot, k)
        stored = _unpack(data, len(outputs)) if data is not None else None
        if data is not None and stored is None:
            why = "缓存项已损坏"
        if stored is None:
            # only a slot about to be stored is read for the character: a stored one was clean
            # when it was stored, and its key (the records' fingerprints) says it is the same
            if not all(map(self._clean, outputs)):
                for o in outputs:
                    writer.write(o.url, o.kind.render(direct, o))
                return Outcome(group.dataset, len(outputs), False, "记录中含有保留字符（U+E000），不缓存")
            pages = [b"".join(o.kind.render(self.marked, o)) for o in outputs]
            stored = pages, pagefind_pages.encode([_facts_of_marked(page) for page in pages])
            self.store.put(stage, group.slot, k, _pack(*stored))
        pages, facts = stored
        day = format_cn(self.site.as_of).encode()
        for o, page in zip(outputs, pages):
            writer.write(o.url, (page.replace(_MARK, day),), GIVEN)
        writer.described((o.url for o in outputs), facts)
        return Outcome(group.dataset, len(outputs), not why, why)

    def _material(self, o) -> bytes:
        """All that one record page reads beyond what its dataset's pages share (``pages.record``):
        the record (its fingerprint, ``model.fingerprint``), its department's entry, its URL and
        the corrections it shows (equal bytes: equal pages; unequal bytes only cost a render).
        A department's entry is pickled once: it is shared by thousands of records."""
        name, i = o.args
        view = self.site.datasets[name]
        rec = view.listed[i]
        return view.fingerprints[i] + self._agency(rec.agency) + pickle.dumps((o.url, self._shown(view, rec)), 5)

    def _clean(self, o) -> bool:
        """Whether nothing ``_material`` covers holds ``MARK``'s first character (values: str,
        date, Decimal, int)."""
        view = self.site.datasets[o.args[0]]
        rec = view.listed[o.args[1]]
        strings = (rec.id, rec.agency, *rec.layout.names, *rec.values, *lifecycle_fields(rec.life))
        return _MARK_PART not in self._agency(rec.agency) + pickle.dumps((o.url, self._shown(view, rec)), 5) and \
            not any(type(v) is str and _MARK_CHAR in v for v in strings)

    def _agency(self, name: str | None) -> bytes:
        shared = self._shared.get(name)
        if shared is None:
            shared = self._shared[name] = pickle.dumps(self.site.agency_by_name.get(name), 5)
        return shared

    def _shown(self, view, rec) -> tuple:
        corrections = view.corrections.get(rec.id)
        return tuple(told(rec.life, corrections, self.site.as_of)) if corrections else ()


def explain(outcomes: list[Outcome], reuse: PageReuse | None, store: Cache) -> None:
    """``--explain``: one line per dataset for its record pages (how many slots were reused, and
    why the others not), one per workbook sheet and per CSV or JSON download."""
    for o in outcomes:
        if o.kind in ("sheet", "export"):
            store.note(o.stage, "reused" if o.reused else "rebuilt", o.why)
    if reuse is None:
        return
    if reuse.off:
        store.note("pages", "rebuilt", reuse.off)
        return
    note_by_dataset(store, outcomes, "pages", reuse.base, stage_of, "组", pages=True)


def note_by_dataset(store: Cache, outcomes: list[Outcome], kind: str, names, stage_of, unit: str,
                    pages: bool = False) -> None:
    """One ``--explain`` line per dataset of ``names`` (in configuration order) for its outcomes of
    ``kind``: how many pieces (``unit``: slots, archives) were reused, and why the others not."""
    by_dataset: dict[str, list[Outcome]] = {name: [] for name in names}
    for o in outcomes:
        if o.kind == kind:
            by_dataset[o.dataset].append(o)
    for name, done in by_dataset.items():
        again = [o for o in done if not o.reused]
        size = f"（{sum(o.pages for o in again or done)} 页）" if pages else ""
        if again:
            why = f"{len(again)}/{len(done)} {unit}{size}重新生成：{'；'.join(sorted({o.why for o in again}))}"
        else:
            why = f"{len(done)} {unit}{size}输入未变"
        store.note(stage_of(name), "rebuilt" if again else "reused", why)


def _why_off(templates: Path | None, store: Cache) -> str:
    if store.root is None:
        return "没有缓存目录（未指定 --cache）"
    if templates and templates.is_dir():
        own = {p.name for p in templates.iterdir()}
        if own & RECORD_TEMPLATES:
            return f"站点的 templates/ 覆盖了记录页所用的模板（{'、'.join(sorted(own & RECORD_TEMPLATES))}），记录页每次重新生成"
    return ""


def code_digest() -> bytes:
    """What every stored output depends on: Python's version and every file of the package (its
    code, the theme)."""
    h = hashlib.sha256(sys.version.encode())
    update(h, _tree_digest(_PACKAGE))
    return h.digest()


def _tree_digest(root: Path | None) -> bytes:
    """SHA-256 over the names and bytes of every file under ``root`` (the package: its code and
    theme; a site's ``templates/``)."""
    h = hashlib.sha256()
    if root is None or not root.is_dir():
        return h.digest()
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for n in sorted(names):
            path = os.path.join(dirpath, n)
            update(h, os.path.relpath(path, root).encode())
            with open(path, "rb") as f:
                update(h, f.read())
    return h.digest()


def update(h, data: bytes) -> None:
    h.update(len(data).to_bytes(8, "big"))
    h.update(data)


def get_deflated(store: Cache, stage: str, slot: str, k: str, refused: str) -> tuple[bytes | None, str]:
    """The output stored (deflated, ``put_deflated``) as ``stage``/``slot`` under ``k``, inflated;
    else None and why not — ``refused`` if its key and digest hold but it does not inflate."""
    data, why = store.get(stage, slot, k)
    if data is None:
        return None, why
    try:
        return zlib.decompress(data), ""
    except zlib.error:
        return None, refused


def put_deflated(store: Cache, stage: str, slot: str, k: str, data: bytes) -> None:
    store.put(stage, slot, k, zlib.compress(data, 1))  # level 1: most of the size, a fraction of the time


def _facts_of_marked(page: bytes):
    """What the search index reads of a page rendered with the date's place marked, as it will
    be on any day (``pagefind_pages``); unknown (the page is read back) when its indexed part
    holds the mark, or its sort attribute is refused."""
    described, facts = pagefind_pages.try_facts(page, unless=_MARK)
    return facts if described else pagefind_pages.UNKNOWN


def _pack(pages: list[bytes], facts: bytes) -> bytes:
    """The pages, then their facts (``pagefind_pages.encode``)."""
    lengths = struct.pack(f"<{len(pages)}I", *(len(p) for p in pages))
    return zlib.compress(lengths + b"".join(pages) + facts, 1)


def _unpack(data: bytes, n: int) -> tuple[list[bytes], bytes] | None:
    """The pages of a stored slot and their facts, still encoded (the index stage decodes them,
    and reads back the pages of a slot whose facts do not decode); None if it does not hold
    ``n`` pages as ``_pack`` wrote them."""
    try:
        raw = zlib.decompress(data)
        lengths = struct.unpack_from(f"<{n}I", raw)
    except (zlib.error, struct.error):
        return None
    end = 4 * n + sum(lengths)
    if end > len(raw):
        return None
    pages, at = [], 4 * n
    view = memoryview(raw)
    for length in lengths:
        pages.append(bytes(view[at:at + length]))
        at += length
    return pages, bytes(view[end:])
