"""The HTML of a Markdown page, cut down to an allow-list of tags and attributes (P3.1: nothing but
text, structure and links leaves the build from ``content/``).

nh3 (the binding of Rust's ammonia, a maintained HTML sanitiser) does the cleaning; this module
holds the allow-list and finds, for the editor's warning, what the allow-list takes away and on
which line of the Markdown source it was written.  The page is published as nh3 returns it, so a
gap in the report can never publish anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What Python-Markdown writes (with tables, attr_list, def_list) and the plain inline HTML editors
# use in prose; no script, style, iframe, form, object, embed, svg, math, base or meta.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
})
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},  # ids and classes: attr_list's {#anchor .class}
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "th": {"style", "scope", "colspan", "rowspan", "abbr"},
    "td": {"style", "colspan", "rowspan"},  # style: the tables extension writes text-align
    "col": {"span"}, "colgroup": {"span"},
    "time": {"datetime"},
    "q": {"cite"}, "blockquote": {"cite"}, "del": {"datetime"}, "ins": {"datetime"},
}
STYLE_PROPERTIES = frozenset({"text-align"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_URL_ATTRIBUTES = {"href", "src", "cite"}
_TOKEN = re.compile(r"[A-Za-z][\w-]*")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def _local_url(value: str) -> bool:
    """A URL on this site: no scheme, not protocol-relative (the site loads nothing from outside)."""
    v = value.strip()
    return not _SCHEME.match(v) and not v.startswith(("//", "\\\\", "/\\"))


def _attribute_ok(tag: str, name: str, value: str) -> bool:
    if name in ("id", "class"):
        return all(_TOKEN.fullmatch(t) for t in value.split()) and bool(value.strip())
    if tag == "img" and name == "src":
        return _local_url(value)
    return True


def _filter(tag: str, name: str, value: str) -> str | None:
    return value if _attribute_ok(tag, name, value) else None


_CLEANER = nh3.Cleaner(tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                       attribute_filter=_filter, filter_style_properties=set(STYLE_PROPERTIES),
                       url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True)


@dataclass(frozen=True, slots=True)
class Removal:
    what: str    # as the editor's warning says it: <script>, onerror, javascript: 链接 …
    needle: str  # what to look for in the Markdown source to find its line


def sanitize(html: str) -> tuple[str, list[Removal]]:
    """(clean HTML, what was taken out), in document order."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return _CLEANER.clean(html), finder.removed


class _Finder(HTMLParser):
    """Walks the HTML as written and notes each tag, attribute and URL the allow-list refuses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removed: list[Removal] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.removed.append(Removal(f"<{tag}>", f"<{tag}"))
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                self.removed.append(Removal(f"<{tag}> 的 {name} 属性", name))
            elif name in _URL_ATTRIBUTES and (m := _SCHEME.match(value)) and m.group(1).lower() not in URL_SCHEMES:
                self.removed.append(Removal(f"{m.group(1).lower()}: 链接", value.strip()[:40]))
            elif not _attribute_ok(tag, name, value):
                what = "站外图片（本站不加载站外资源）" if name == "src" else f"<{tag}> 的 {name} 属性"
                self.removed.append(Removal(what, value.strip()[:40] or name))
            elif name == "style" and _styles(value) - STYLE_PROPERTIES:
                self.removed.append(Removal(f"<{tag}> 的样式 {'、'.join(sorted(_styles(value) - STYLE_PROPERTIES))}",
                                            "style"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _styles(style: str) -> set[str]:
    return {d.split(":", 1)[0].strip().lower() for d in style.split(";") if ":" in d}


def find_line(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """(1-based line of ``needle`` in ``text`` at or after offset ``start``, offset after it), case-
    insensitive; (0, start) when it is not there."""
    i = text.lower().find(needle.lower(), start)
    if i < 0:
        return 0, start
    return text.count("\n", 0, i) + 1, i + len(needle)
