"""``record_title:`` — how a dataset names each of its records: in the page's ``<title>``, its
heading and breadcrumb, and its feed entries.  One column rarely tells records apart (fourteen
departments report "2026年第三季度", many departments list "就业登记"), so the title is a template
of columns, e.g. ``"{实施部门}{统计期间}日常检查情况"`` or ``"{案件名称}（{行政处罚决定书文号}）"``.

A part in full-width brackets ``（…）`` is left out, brackets and all, when every column in it
is empty (a record without a 文号 is not titled "…（）"); a separator (，、；) left at either end
of what remains in the brackets goes too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .options import Kind, shown

_TOKEN = re.compile(r"\{([^{}]*)\}")
_GROUP = re.compile(r"（([^（）]*)）")
_SEPARATORS = "，、；,; "


@dataclass(frozen=True)
class RecordTitle:
    """A parsed ``record_title``: ``parts`` are ("text", literal), ("column", name) or
    ("group", parts) — an optional bracketed part."""

    template: str
    parts: tuple

    @classmethod
    def of_column(cls, column: str) -> "RecordTitle":
        return cls(f"{{{column}}}", (("column", column),))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_columns(self.parts)))

    def render(self, get, text) -> str:
        """The title of the record whose values ``get(column)`` gives, each read by ``text``
        (how a value reads on a page: 2026年3月4日)."""
        return _render(self.parts, get, text)[0].strip(_SEPARATORS)


def _columns(parts):
    for kind, value in parts:
        if kind == "column":
            yield value
        elif kind == "group":
            yield from _columns(value)


def _render(parts, get, text) -> tuple[str, bool]:
    """(the text, whether any column in it has a value)."""
    out, filled = [], False
    for kind, value in parts:
        if kind == "text":
            out.append(value)
        elif kind == "column":
            cell = text(get(value))
            filled = filled or bool(cell)
            out.append(cell)
        else:
            inner, any_value = _render(value, get, text)
            if any_value:
                out.append(f"（{inner.strip(_SEPARATORS)}）")
                filled = True
    return "".join(out), filled


def _split(template: str) -> tuple:
    parts = []
    at = 0
    for m in _TOKEN.finditer(template):
        if m.start() > at:
            parts.append(("text", template[at:m.start()]))
        parts.append(("column", m.group(1).strip()))
        at = m.end()
    if at < len(template):
        parts.append(("text", template[at:]))
    return tuple(parts)


def parse_title(template: str) -> tuple:
    """The parts of ``template``; a bracketed part that holds a column is optional."""
    parts = []
    at = 0
    for m in _GROUP.finditer(template):
        if "{" not in m.group(1):
            continue
        parts += _split(template[at:m.start()])
        parts.append(("group", _split(m.group(1))))
        at = m.end()
    return tuple(parts) + _split(template[at:])


class TitleTemplate(Kind):
    """Text with ``{column}`` placeholders, at least one; braces only around a column name."""

    def parse(self, value, at):
        if not isinstance(value, str):
            at.fail(f"应为文字，如 \"{{行政相对人名称}}（{{行政处罚决定书文号}}）\"，现为{shown(value)}")
            return None
        leftover = _TOKEN.sub("", value)
        names = [m.group(1).strip() for m in _TOKEN.finditer(value)]
        if "{" in leftover or "}" in leftover:
            at.fail(f"“{value}”中的花括号不成对：列名写在 {{ }} 中，如 {{行政处罚决定书文号}}")
        elif not names:
            at.fail(f"“{value}”没有列名：至少写一个 {{列名}}，如 {{行政相对人名称}}（{{行政处罚决定书文号}}）")
        elif not all(names):
            at.fail(f"“{value}”中有空的 {{}}：花括号中应写列名")
        else:
            return RecordTitle(value, parse_title(value))
        return None

    def describe(self):
        return "text with `{column}` placeholders; a `（…）` part whose columns are all empty is left out"
