"""Index: the written site in, a Pagefind full-text search index out (under /pagefind/), built in
parts.

Pagefind's extended build segments Chinese text.  Only what the pages mark with
``data-pagefind-body`` is indexed (record and content pages), and the pages hold public fields
only, so the index cannot hold more than the pages do.

Pagefind's memory grows with the pages of one index (about 34 KB a page: 3.4 GB for 100,000) and it
cannot update an index in place. So a section of the site with more than ``SHARD_MIN`` indexed
pages (the penalties' record pages) is indexed in parts by its pages' ``date`` sort key — 1, 2, 3,
4, 6 or 12 calendar months a part, as many as keep a part near ``PART_PAGES``, or when a month
alone holds more than ``PART_PAGES_MAX``, a half, a third or a sixth of a month (``part_span``) —
each part an index of its own under ``/pagefind/s/<section>-<YYYY-MM>/`` (its first month;
``-<DD>``, its first day, when months are cut), and everything else in ``/pagefind/``;
``/pagefind/shards.json`` lists the parts, which the search page merges into the
main index (Pagefind's ``mergeIndex``: results, filters and their counts across all). Each part is
made in a forked process of its own, at most ``jobs`` at once (``_made_parts``), so the memory is
bounded by the largest part; a part whose pages are unchanged, as Pagefind reads them, is copied
from the cache (``cache.py``), so a correction of an indexed field re-indexes one part (of another
field, none), and a daily rebuild only the parts where records were published or taken down (the
newest and the oldest). Pagefind numbers a sorted result by its place in its own index; the sort
orders of every part are rewritten on one scale for all parts (``sort_places``), so that the
merged results are sorted across the parts.

What Pagefind reads of a page is the ``<html>`` tag and the element marked ``data-pagefind-body``,
without the blocks in it that Pagefind would skip (``data-pagefind-ignore``: the fields a dataset's
``search.fulltext`` leaves out, ``IGNORED``), copied into a work folder (deleted before the output
is swapped in). That is what an index depends on, and so the cache key: the header and footer
(which carry the as-of date, 数据截至) change every day, the indexed text does not, and a
corrected 违法事实 or 罚款金额 that no index reads re-indexes nothing.

The plan needs each page's indexed part's SHA-256 and sort values.  The writers find them as
they write the pages, and record pages from the cache bring them along (``pagefind_pages``), so
the plan reads back only the pages no writer described (3.7 → 1.5 s at 100,000 penalties).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import pagefind_files
from ..pagefind_files import run_pagefind
from ..pagefind_pages import BODY, Facts, indexed_part, sort_values
from ..cache import Cache, key
from ..meanwhile import in_turn
from ..outputs import routes
from ..tree import files_under, read_bytes, write_bytes

PAGEFIND_DIR = routes.PAGEFIND
SHARDS = "s"              # /pagefind/s/<part>/
SHARD_LIST = "shards.json"
SHARD_MIN = 5000          # indexed pages of a section above which it is indexed in parts, by date
PART_PAGES = 12000        # pages a part of whole months aims at: Pagefind takes ~34 KB a page, 2 run at once
PART_PAGES_MAX = 30000    # a month of more pages is cut (about 1 GB a Pagefind run): not below, where
                          # more parts would only cost a first full-text query more bytes
WORK = ".pagefind-work"   # the pages as Pagefind reads them, and the parts being made
SKIPPED = frozenset({PAGEFIND_DIR, routes.LOOKUP, WORK})  # generated indexes, never indexed themselves
_URLS = ".pages.json"     # beside a part's index in the cache only: its pages' URLs, by number
READS = "reads"           # beside a part's index in the cache: the key of what Pagefind read, by the
                          # key of the pages' indexed parts (``Part.seen``), so that a build whose
                          # pages are those of the cached index does not read them again
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_CUTS = (2, 3, 6)    # the parts a month may be cut into, at the same days of every month
# A block Pagefind skips, left out of what it reads: it indexes none of its words, and it holds
# nothing Pagefind takes from a skipped element (a filter, meta or sort value, an anchor's id, the
# title's <h1>, the image's <img>), nor a block of its own name (whose end this cannot find).
# Only block elements: leaving out an inline one could join the words around it.  Pagefind reads
# the same words, filters and sorts either way, and writes the same index (tests/test_index.py).
_BLOCKS = rb"tr|div|section|p|li|ul|ol|dl|dt|dd|table|tbody|thead|tfoot|aside|footer|header|nav|details|figure|blockquote"
# a tag's attributes without an id or a data-pagefind- one: each character taken by one branch,
# possessively, so that a page is read once, never tried again from another branch
_ATTRS = rb"(?:[^>d\s]|d(?!ata-pagefind-)|\s(?!id=|data-pagefind-))*+"
IGNORED = re.compile(rb"<(" + _BLOCKS + rb")(?=[\s>])" + _ATTRS + rb"\sdata-pagefind-ignore(?:=\"(?:index|all)?\")?(?=[\s>])"
                     + _ATTRS + rb">(?:[^<]++|<(?!/?\1[\s>]|h1[\s>]|img[\s>])/?[a-zA-Z][^>\s]*+" + _ATTRS + rb">)*+</\1>")


@dataclass
class Part:
    name: str                                   # "" for the main index, else <section>-<YYYY-MM>[-<DD>]
    pages: list = field(default_factory=list)   # (site path, SHA-256 of its indexed part)

    seen: str = ""                              # the key of its pages' indexed parts
    key: str = ""                               # its cache key: of what Pagefind reads of them

    @property
    def folder(self) -> str:
        """Where it is published."""
        return PAGEFIND_DIR if not self.name else f"{PAGEFIND_DIR}/{SHARDS}/{self.name}"

    @property
    def stage(self) -> str:
        """Its name in the cache and in the work folder."""
        return f"{PAGEFIND_DIR}-{self.name or 'main'}"


def build_index(root: Path, cache: Cache | None = None, jobs: int = 2,
                planned: Callable[[], str | None] | None = None, digests: dict | None = None,
                known: dict[str, Facts] | None = None) -> str | None:
    """Write ``root/pagefind/``; None on success, else the error text.  ``planned``: called once
    the parts are planned and the cached ones restored, before Pagefind takes the cores (the
    lookup index, built meanwhile in another process, is awaited there); its error ends this.
    ``digests``: receives, by site path, the SHA-256 of the index files the cache stored or
    restored that nothing here rewrites afterwards (``pagefind_files.SETTLED``): release.json
    takes them instead of reading 100,000 fragments back.  ``known``: what Pagefind reads of the
    pages the writers described (``plan``)."""
    cache = cache or Cache()
    work = root / WORK  # inside the staging directory, deleted below: a killed build's goes with it
    shutil.rmtree(work, ignore_errors=True)
    try:
        parts, sorts, derive = plan(root, known)
        code = _code_version()
        urls, todo, got = {}, [], {p.name: {} for p in parts}
        for p in parts:
            p.seen = key("pagefind-pages", code, p.name, *(x for page in p.pages for x in page))
            p.key, read_again = _known_key(root, cache, p, derive, code)
            # --explain: when the pages were read again, they changed, but not what Pagefind reads
            if cache.restore(p.stage, p.key or p.seen, work / p.stage,
                             "页面有改动，但检索读到的内容未变" if read_again else "输入未变", got[p.name]):
                urls[p.name] = _take_urls(work / p.stage)
            else:
                todo.append(p)
        if planned is not None and (error := planned()):
            return error
        todo.sort(key=lambda p: -len(p.pages))  # the largest first: the last to end is a small one
        for p, result in _made_parts(todo, (root, work, derive, sorts, code, cache), jobs):
            if isinstance(result, str):
                return result
            urls[p.name], p.key, got[p.name] = result
        places = sort_places(sorts, {u: p.name for p in parts for u in urls[p.name]})
        for p in parts:
            pagefind_files.set_sort_orders(work / p.stage, {k: _ordered(place, urls[p.name]) for k, place in places.items()})
            os.renames(work / p.stage, root / p.folder)  # the main index first: the parts go inside it
        (root / PAGEFIND_DIR / SHARD_LIST).write_text(json.dumps([routes.of_file(f"{p.folder}/") for p in parts if p.name]),
                                                      encoding="utf-8")
        if digests is not None:
            for p in parts:
                digests.update((f"{p.folder}/{rel}", d) for rel, d in got[p.name].items()
                               if rel.startswith(pagefind_files.SETTLED))
    except pagefind_files.ERRORS as exc:
        return f"Pagefind 索引：{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return None


def plan(root: Path, known: dict[str, Facts] | None = None):
    """The parts of the index, the sort values of every indexed page ({key: {url: value}}), and
    the function that gives what Pagefind reads of a page.  ``known``: the facts of the pages the
    writers described, by site path (``pagefind_pages``); the other pages are read back."""
    files = _html_files(root)
    base = os.fspath(root)  # paths as strings, read without pathlib: 100,000 pages (tree.read_bytes)
    known = known or {}
    marked = any(f is not None for f in known.values()) or \
        any(BODY in read_bytes(f"{base}/{rel}") for rel in files if rel not in known)
    derive = indexed_part if marked else (lambda data: data)  # no page marked: Pagefind reads all
    if not marked:
        known = {}  # the facts describe indexed parts; Pagefind reads every page whole
    sections: dict[str, list] = {}
    sorts: dict[str, dict[str, str]] = {}
    for rel in files:
        if rel in known:
            if (facts := known[rel]) is None:
                continue
            digest, values = facts[0], dict(facts[1])
        else:
            page = derive(read_bytes(f"{base}/{rel}"))
            if page is None:
                continue
            digest, values = hashlib.sha256(page).hexdigest(), sort_values(page)
        url = routes.of_file(rel)
        for k, v in values.items():
            sorts.setdefault(k, {})[url] = v
        section = rel.split("/", 1)[0] if "/" in rel else ""
        sections.setdefault(section, []).append((rel, digest, values.get("date", "")))
    main, months = Part(""), {}
    for section, pages in sections.items():
        span = part_span([d for _r, _h, d in pages if _MONTH.match(d)]) if len(pages) > SHARD_MIN else None
        for rel, digest, date in pages:
            if section and span and _MONTH.match(date):
                name = f"{section}-{part_start(date, *span)}"
                months.setdefault(name, Part(name)).pages.append((rel, digest))
            else:
                main.pages.append((rel, digest))
    return [main] + [months[n] for n in sorted(months)], sorts, derive


def _known_key(root: Path, cache: Cache, part: Part, derive, code: str) -> tuple[str, bool]:
    """(the key of what Pagefind reads of ``part``'s pages, whether they were read for it): kept
    beside its index (``READS``) when these pages were indexed; else made from the pages when
    the cache holds an index of the part, which may still be the one (a correction of a field
    no index reads: 违法事实, 罚款金额 …); else "" (no index of it to reuse)."""
    known, _why = cache.get(part.stage, READS, part.seen)
    if known is not None:
        return bytes(known).decode("ascii", "replace"), False
    if cache.root is None or not any((cache.root / part.stage).glob("*.json")):
        return "", False
    read = ((rel, hashlib.sha256(pagefind_reads(derive(read_bytes(f"{root}/{rel}")))).hexdigest())
            for rel, _digest in part.pages)
    return key("pagefind", code, part.name, *(x for page in read for x in page)), True


def part_span(dates: list[str]) -> tuple[int, int] | None:
    """(months a part covers, parts a month is cut into) for a section's page dates: as many
    months as keep a part near ``PART_PAGES`` (a divisor of 12, so that parts start on the same
    months year after year; 1 at least), and a month of more than ``PART_PAGES_MAX`` pages cut in
    as few parts as keep each at most that (``MONTH_CUTS``), so that a Pagefind run's memory does
    not grow with the records a year; None for no dates.  By the section's average month: one
    section's parts are cut alike."""
    if not dates:
        return None
    per_month = len(dates) / len({d[:7] for d in dates})
    if per_month > PART_PAGES_MAX:
        return 1, next((n for n in MONTH_CUTS if per_month / n <= PART_PAGES_MAX), MONTH_CUTS[-1])
    return max([n for n in (1, 2, 3, 4, 6, 12) if n * per_month <= PART_PAGES] or [1]), 1


def part_start(date: str, months: int, cuts: int) -> str:
    """Where the part a page of this ``date`` (YYYY-MM[-DD]) is in starts, which names it: its
    first month, and its first day when months are cut.  Parts start on the calendar — months counted from January,
    cuts at the same days of every month (16; 11, 21; 6, 11 … 26; the 31st with the last) — so a
    page stays in its part whatever else the section holds."""
    year, month = int(date[:4]), int(date[5:7])
    first = month - (month - 1) % months
    if cuts == 1:
        return f"{year:04d}-{first:02d}"
    day = int(date[8:10]) if _DAY.match(date) else 1  # a date without its day: the month's first part
    length = 30 // cuts
    return f"{year:04d}-{first:02d}-{1 + (min(day, 30) - 1) // length * length:02d}"


def sort_places(sorts: dict[str, dict[str, str]], part_of: dict[str, str]) -> dict[str, dict[str, int]]:
    """Every sort key's place of each page, the same scale in every part, ascending by value (by
    number when all its values are numbers, else by text), then by URL within a part.

    The browser merges the parts' results by their places (a stable sort, the main index first,
    then the parts in ``shards.json`` order).  A place is used by at most one page of a part, but
    pages of *equal value* in different parts share places: their order is then the parts' order,
    which is as true a sort.  So a part's list is about as long as the part (the widest run of
    equal values across the parts), not as the site: at 100,000 penalties a month's ``amount``
    list shrinks from 100,000 entries to about 11,000, and what a first full-text search downloads
    with it."""
    places = {}
    for k, values in sorts.items():
        try:
            numbers = {u: float(v) for u, v in values.items()}
            value = numbers.__getitem__
        except ValueError:
            value = values.__getitem__
        runs: dict = {}  # value → part → its pages of that value
        for u in values:
            if u in part_of:  # a page no index holds takes no place
                runs.setdefault(value(u), {}).setdefault(part_of[u], []).append(u)
        at, place = 0, {}
        for v in sorted(runs):
            for pages in runs[v].values():
                for j, u in enumerate(sorted(pages)):
                    place[u] = at + j
            at += max(len(pages) for pages in runs[v].values())
        places[k] = place
    return places


def _ordered(place: dict[str, int], numbers: list[str]) -> list[int | None]:
    """A part's sort order: at each place, the number of the part's page there, None where
    none is (a place of another part's page); up to its last page (trailing places are not
    needed: Pagefind looks a page up in the list)."""
    out: list[int | None] = [None] * (1 + max((place[u] for u in numbers if u in place), default=-1))
    for n, u in enumerate(numbers):
        if u in place:
            out[place[u]] = n
    return out


def _made_parts(todo: list[Part], shared: tuple, jobs: int) -> list[tuple[Part, object]]:
    """(part, its URLs by number, key and file digests — or the error text) for the parts of
    ``todo`` in order, up to the first that failed.  Each part in a forked process of its own,
    ``jobs`` at once (``meanwhile.in_turn``): besides Pagefind's run, a part's work is Python (its
    pages copied as Pagefind reads them, its files rewritten, listed and stored in the cache),
    which in threads of this process took turns on one lock and left a core idle a third of the
    index phase (benchmarks/README.md)."""
    made = in_turn(lambda n: _make_part(todo[n], *shared), len(todo), jobs, failed=lambda r: isinstance(r, str))
    return list(zip(todo, made))


def _make_part(part: Part, root: Path, work: Path, derive, sorts: dict, code: str, cache: Cache):
    """Index one part and keep it in the cache: (its URLs by number, its key, the SHA-256 of its
    files by path), or the error text."""
    result = _index_part(root, work, part, derive, sorts, code)
    if isinstance(result, str):
        return result
    folder, got = work / part.stage, {}
    _keep_urls(folder, result)
    cache.store(part.stage, part.key, folder, got)
    cache.put(part.stage, READS, part.seen, part.key.encode())  # after store(), which empties the stage
    _take_urls(folder)
    return result, part.key, got


def _index_part(root: Path, work: Path, part: Part, derive, sorts: dict, code: str) -> list[str] | str:
    """Run Pagefind over one part into ``work``, and set its key; the URLs of its pages by
    number, or the error text."""
    source = work / f"{part.stage}.src"
    out = work / part.stage
    read, made, base, into = [], set(), os.fspath(root), os.fspath(source)
    try:
        for rel, _digest in part.pages:  # os-level calls on strings: 12,000 small pages a part
            page = pagefind_reads(derive(read_bytes(f"{base}/{rel}")))
            path = f"{into}/{rel}"
            if (parent := path.rpartition("/")[0]) not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            write_bytes(path, page)
            read.append((rel, hashlib.sha256(page).hexdigest()))
        part.key = key("pagefind", code, part.name, *(x for page in read for x in page))
        if error := run_pagefind(source, out):
            return error
    finally:
        _remove(into, (rel for rel, _h in read), made)
    if part.name:  # a merged part needs only its index files: the scripts are the main index's
        for f in out.iterdir():
            if f.is_file() and not f.name.endswith((".pf_meta", ".json")):
                f.unlink()
    urls = pagefind_files.page_urls(out)
    for k, n in pagefind_files.sort_counts(out).items():  # what was read here is what Pagefind read
        if n != sum(1 for u in urls if u in sorts.get(k, ())):
            return f"排序键 {k}：Pagefind 读到 {n} 个页面有值，与生成器读到的不同"
    return urls


def pagefind_reads(part: bytes) -> bytes:
    """What Pagefind reads of an indexed part: without the blocks it skips (``IGNORED``).  The
    element marked ``data-pagefind-body`` is never one: its own tag holds that attribute."""
    return IGNORED.sub(b"", part) if b"data-pagefind-ignore" in part else part


def _remove(folder: str, files, made: set[str]) -> None:
    """Delete the copies of the pages and their folders: what was written, no walk of it (one
    call a file and a folder, where a walk takes several)."""
    with contextlib.suppress(OSError):
        for rel in files:
            os.unlink(f"{folder}/{rel}")
        for parent in sorted(made, key=len, reverse=True):  # the deepest first
            with contextlib.suppress(OSError):  # a folder one of the made ones holds: gone already
                os.rmdir(parent)
    shutil.rmtree(folder, ignore_errors=True)  # whatever is left, when the above could not finish


def _keep_urls(folder: Path, urls: list[str]) -> None:
    (folder / _URLS).write_text(json.dumps(urls, ensure_ascii=False), encoding="utf-8")


def _take_urls(folder: Path) -> list[str]:
    """The URLs kept beside a part's index for the cache, taken out of the output."""
    path = folder / _URLS
    urls = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return urls


def _html_files(root: Path) -> list[str]:
    return [p for p in files_under(root, SKIPPED) if p.endswith(".html")]


def _code_version() -> str:
    """Pagefind's version and the code that makes and rewrites its files: a change to either
    is a new index."""
    code = hashlib.sha256(Path(__file__).read_bytes() + Path(pagefind_files.__file__).read_bytes())
    return metadata.version("pagefind_bin_extended") + code.hexdigest()
