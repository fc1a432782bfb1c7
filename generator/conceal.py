"""Private values stay out of reports too (P3.1, P3.5): CI and Netlify logs are often public.

A diagnostic about a cell of a private column (a column the schema does not declare public)
shows that cell's value masked, whatever its code; and any diagnostic of a row that quotes one of
the row's private cells (a date order, a legal-review detail, a duplicate key, a compliance
finding) shows it masked there too.  Masking happens where diagnostics about cells are made (the
validate stage, the corrections log, the check's findings), so that every format — text, GitHub,
JSON, Markdown, the build's stderr — gets the masked value and no format can forget to mask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from decimal import Decimal

from .diagnostics import Diagnostic
from .privacy import mask

# parameters that name columns or quote the schema and configuration, never a cell
STRUCTURAL = frozenset({"column", "later", "earlier", "start_column", "done_column", "allowed", "pattern",
                        "minimum", "maximum", "limit", "masked", "basis", "got", "expected", "other_row",
                        "dataset", "deadline", "days", "as_of"})
PROSE = frozenset({"detail", "reason"})  # sentences: only what they quote is masked
_IDENTIFIER_LIKE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]*$")
MIN_QUOTED = 2  # a one-character private value (性别 男) is masked in its own cell's problem only


def mask_value(text: str) -> str:
    """An identifier-like value of 11 characters or more keeps its first and last 4 characters, as
    the personal-data error shows it (``1390***0001``), so that an editor can find it; anything
    else (a name, an address, a date, an opinion) becomes at most 8 stars: 4 + 4 characters of a
    12-character address would show most of it."""
    text = str(text)
    if len(text) >= 11 and _IDENTIFIER_LIKE.match(text):
        return mask(text)
    return "*" * min(len(text), 8)


def forms(raw: str | None, value, *extra: str) -> set[str]:
    """The ways a report may quote a private cell: as typed, stripped, upper-cased, as parsed
    (an ISO date, a normalised number, each of several values), and ``extra`` (a key's I3 form)."""
    out = set(extra)
    if raw is not None:
        out |= {raw, raw.strip(), raw.strip().upper()}
    if isinstance(value, tuple):
        out.update(str(v) for v in value)
    elif hasattr(value, "isoformat"):
        out.add(value.isoformat())
    elif isinstance(value, Decimal):
        out |= {str(value), f"{value.normalize():f}"}
    elif value is not None:
        out |= {str(value), str(value).upper()}
    return {t for t in out if len(t) >= MIN_QUOTED}


def conceal_text(text: str, private: Collection[str]) -> str:
    """``text`` with every quoted private value masked, the longest first."""
    for value in sorted((p for p in private if p in text), key=len, reverse=True):
        text = text.replace(value, mask_value(value))
    return text


def conceal(d: Diagnostic, private_columns: Collection[str], private: Collection[str]) -> Diagnostic:
    """``d`` with its private values masked: every parameter but the structural ones of a problem
    about a private column's cell (``column``), and any quotation of ``private`` (the row's private
    cells) in the others and in sentences."""
    own = dict(d.params).get("column") in private_columns
    params, changed = [], False
    for key, value in d.params:
        shown = value
        if key not in STRUCTURAL and value is not None:
            if own and key not in PROSE:
                shown = mask_value(value)
            elif isinstance(value, str):
                shown = conceal_text(value, private)
            elif str(value) in private or (hasattr(value, "isoformat") and value.isoformat() in private):
                shown = mask_value(str(value))
        changed |= shown is not value
        params.append((key, shown))
    return replace(d, params=tuple(params)) if changed else d


def row_concealer(specs, cols: list[int], key_form: Callable | None = None):
    """For one table: a function (problems of a row, its cells, its parsed values) → the problems
    with the row's private values masked.  ``specs``: the schema's fields, ``cols``: each field's
    index in the CSV (-1 when absent), ``key_form(spec, value)``: how keys quote a value (I3)."""
    present = [(i, c, spec) for i, (spec, c) in enumerate(zip(specs, cols)) if c >= 0]
    names = frozenset(spec.name for spec in specs if not spec.public)

    def conceal_row(problems: Iterable[Diagnostic], cells, values) -> list[Diagnostic]:
        problems = list(problems)
        if not problems or not names:
            return problems
        quoted: set[str] = set()
        public: set[str] = set()
        for i, c, spec in present:
            value = values[i] if i < len(values) else None
            extra = (key_form(spec, value),) if key_form and value is not None else ()
            (public if spec.public else quoted).update(forms(cells[c] if c < len(cells) else None, value, *extra))
        # a private value that is also in a public cell of the row (a review on the day of
        # publication) is public already: masking it there would only hide the public date
        return [conceal(d, names, quoted - public) for d in problems]
    return conceal_row


def record_private(schema, record) -> tuple[frozenset[str], set[str]]:
    """(private column names, quoted forms of the record's private values) of a validated record."""
    names = frozenset(f.name for f in schema.fields if not f.public)
    quoted: set[str] = set()
    public: set[str] = set()
    for f in schema.fields:
        (quoted if f.name in names else public).update(forms(None, record.get(f.name)))
    return names, quoted - public


def conceal_findings(findings: Iterable[Diagnostic], tables: dict) -> list[Diagnostic]:
    """Findings of the check about records (``path:row``), masked by their records' private values.
    ``tables``: dataset → (config, schema, records)."""
    findings = list(findings)
    wanted = {(d.path, d.row) for d in findings if d.row}
    private: dict[tuple[str, int], tuple] = {}
    for _ds, schema, records in tables.values():
        for record in records:
            if (record.path, record.line) in wanted:
                private[(record.path, record.line)] = record_private(schema, record)
    out = []
    for d in findings:
        names, quoted = private.get((d.path, d.row), (frozenset(), set()))
        out.append(conceal(d, names, quoted) if quoted or names else d)
    return out
