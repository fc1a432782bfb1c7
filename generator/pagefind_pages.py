"""What the full-text index reads of a page, and what its plan needs of it (``Facts``): found
once, where the page is written, instead of reading 100,000 pages back.

Pagefind indexes the element a page marks ``data-pagefind-body`` (record and content pages);
``indexed_part`` is that element as a page of its own.  The index stage plans its parts over
every page's indexed part — its SHA-256 and its ``data-pagefind-sort`` values (stages/index.py) —
and the writers hand those facts over as they write each page (stages/write.py), so that the
plan reads only the pages no writer described.  A record page reused from the cache brings its
facts with it (outputs/reuse.py): its indexed part carries no as-of date, so its facts hold from
day to day; one that does (a template that shows the date inside the indexed element) is
described again as it is written.

Shared by the writers and the index stage; neither imports the other.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

BODY = b"data-pagefind-body"
SORT = re.compile(rb"data-pagefind-sort=\"([^\"]*)\"[^>]*>([^<]*)")
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.I)
_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")

# A page's facts: (SHA-256 of its indexed part, its sort values as (key, value) pairs), or None
# when it marks no element (Pagefind skips it once any page of the site is marked)
Facts = tuple[str, tuple[tuple[str, str], ...]] | None
UNKNOWN = object()  # facts not found: the index stage reads the page back


@functools.lru_cache(maxsize=64)
def _tags_named(name: bytes) -> re.Pattern:
    """The opening and closing tags of elements named ``name`` (compiled once per name)."""
    return re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>")


def indexed_part(page: bytes) -> bytes | None:
    """The part of a page that Pagefind indexes: its ``<html>`` tag (the language) and the
    element that carries ``data-pagefind-body``, as a page of its own; None without one."""
    at = page.find(BODY)
    if at < 0:
        return None
    start = page.rfind(b"<", 0, at)
    name = _NAME.match(page, start).group(1)
    depth, end = 0, len(page)
    for m in _tags_named(name).finditer(page, start):  # from ``start`` on, without copying the page
        depth += -1 if m.group(1) else 1
        if depth == 0:
            end = m.end()
            break
    html = _HTML_TAG.search(page)
    return b"<!DOCTYPE html>\n" + (html.group(0) if html else b"<html>") + \
        b"<head><meta charset=\"utf-8\"></head><body>" + page[start:end] + b"</body></html>\n"


def sort_value(m: re.Match) -> tuple[str, str]:
    """(key, value) of a ``data-pagefind-sort`` attribute: ``key`` (the element's text) or
    ``key:value``; the ``key[attribute]`` form is not read here, so it is refused."""
    attr, text = m.group(1).decode(), m.group(2).decode().strip()
    if "[" in attr:
        raise ValueError(f"data-pagefind-sort=\"{attr}\"：模板中的排序键请写成 key 或 key:value 的形式")
    k, _, v = attr.partition(":")
    return k, v if _ else text


def sort_values(part: bytes) -> dict[str, str]:
    """The sort values of an indexed part (or of a whole page), by key."""
    return dict(sort_value(m) for m in SORT.finditer(part))


def try_facts(page: bytes, unless: bytes = b"") -> tuple[bool, Facts]:
    """(whether the page could be described, its facts).  Not described: a page whose sort
    attribute is refused (left to the index stage, which reports it), or whose indexed part
    holds ``unless``."""
    try:
        part = indexed_part(page)
        if part is None:
            return True, None
        if unless and unless in part:
            return False, None
        return True, (hashlib.sha256(part).hexdigest(), tuple(sort_values(part).items()))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return False, None


def encode(facts: list) -> bytes:
    """The facts of a slot of pages (``UNKNOWN`` allowed) as stored with them in the cache: JSON,
    0 for a page not indexed, null for an unknown one."""
    return json.dumps([0 if f is None else None if f is UNKNOWN else f for f in facts],
                      ensure_ascii=False, separators=(",", ":")).encode()


def decode(blob: bytes, n: int) -> list | None:
    """The facts of ``n`` pages as ``encode`` wrote them; None if ``blob`` is not that."""
    try:
        items = json.loads(blob)
    except ValueError:
        return None
    if not isinstance(items, list) or len(items) != n:
        return None
    facts = []
    for f in items:
        if f == 0 and type(f) is int:
            facts.append(None)
        elif f is None:
            facts.append(UNKNOWN)
        elif (isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) and len(f[0]) == 64
              and isinstance(f[1], list)
              and all(isinstance(p, list) and len(p) == 2 and type(p[0]) is str and type(p[1]) is str for p in f[1])):
            facts.append((f[0], tuple((k, v) for k, v in f[1])))
        else:
            return None
    return facts


class Described:
    """The facts the writers found, by site path: of single pages, and of the slots of record
    pages from the cache, whose stored facts stay encoded until the index stage asks for them
    (decoding 100,000 in the render workers would cost them a second)."""

    def __init__(self):
        self.pages: dict[str, Facts] = {}
        self.slots: list[tuple[tuple[str, ...], bytes]] = []  # (site paths, ``encode``d facts)
        self.forgotten: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.pages or self.slots)

    def update(self, other: "Described") -> None:
        self.pages.update(other.pages)
        self.slots += other.slots
        self.forgotten -= other.pages.keys()

    def forget(self, rel: str) -> None:
        """A page written over after it was described (a static file copied over an output)."""
        self.pages.pop(rel, None)
        self.forgotten.add(rel)

    def known(self) -> dict[str, Facts]:
        """The facts of every page described and not written over; a slot whose facts do not
        decode, and a page whose are unknown, are left out (read back)."""
        known: dict[str, Facts] = {}
        for rels, blob in self.slots:
            facts = decode(blob, len(rels))
            if facts is not None:
                known.update((rel, f) for rel, f in zip(rels, facts) if f is not UNKNOWN)
        known.update(self.pages)
        for rel in self.forgotten:
            known.pop(rel, None)
        return known
