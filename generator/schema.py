"""Table Schemas (Frictionless) of the datasets, and the one function that decides what is public.

A schema is a Frictionless Table Schema descriptor; frictionless checks that it is well formed.
gongshi reads a few extra field properties:

- ``public: true`` — the field may be published (P3.1); anything else is private;
- ``identifier`` — ``uscc`` (I1), ``resident-id`` (I2), ``doc-number`` (I3), ``mobile``, ``phone``,
  ``bank-card``, ``passport``; the kinds of ``PERSONAL_IDENTIFIERS`` can never be public (P3.1);
- ``multiValue`` — separator characters of a field that holds several values (e.g. 处罚类别);
- ``references: agencies`` — the value must name a department of ``agencies.yaml``;
- ``optionalColumn: true`` — the column may be left out of the CSV header;
- ``display: list`` — a multi-value field shown as a bulleted list (e.g. 查封清单);
- ``unit`` — the unit a number is in (``元``), shown after its value on pages (80,000 元); the
  machine-readable files keep the plain number;
- ``eventDate: true`` — a date on which something happened (a decision, a check, a receipt): it
  cannot be after today (the validate stage refuses it, E-DATE-FUTURE).  公示日期 is not
  one: a future 公示日期 is a scheduled publication.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .controls import describe, first_control
from .diagnostics import Diagnostic, diag
from .privacy import find_personal_data

TYPES = ("string", "date", "number", "integer")
IDENTIFIERS = ("uscc", "resident-id", "doc-number", "mobile", "phone", "bank-card", "passport")
# a natural person's numbers (P3.1, P3.3): a field of these kinds can never be public, whatever
# its schema says (``"public": true`` on 证件号码 is refused, not obeyed)
PERSONAL_IDENTIFIERS = {"resident-id": "居民身份证号码", "mobile": "手机号码", "bank-card": "银行卡号",
                        "passport": "护照或通行证号码"}


def is_public(descriptor: dict) -> bool:
    """The one decision on what may leave the build (P3.1): only a field whose schema says
    ``"public": true`` — literally true, not "yes" or 1."""
    return descriptor.get("public") is True


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    title: str
    description: str
    public: bool
    required: bool
    enum: tuple[str, ...] | None
    minimum: float | None
    maximum: float | None
    max_length: int | None
    pattern: str | None
    unique: bool
    identifier: str | None
    separators: str
    references: str | None
    optional_column: bool
    display: str = ""          # "list": a multi-value field shown as a bulleted list
    unit: str = ""             # the unit of a number (元), shown after its value on pages
    event_date: bool = False   # the day something happened: never after the as-of date

    @property
    def scanned_for_personal_data(self) -> bool:
        """Every public cell is scanned for personal data (P3.3), whatever its type: an ID number
        typed into a 文号, 名称 or 金额 column is as public as one in 违法事实."""
        return self.public


@dataclass(frozen=True)
class TableSchema:
    path: str
    fields: tuple[FieldSpec, ...]

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> FieldSpec | None:
        return self._by_name.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def public_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.public)


class SchemaError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def load_schema(root: Path, relpath: str) -> TableSchema:
    path = root / relpath
    if not path.is_file():
        raise SchemaError([diag("E-FILE-MISSING", relpath, file=relpath)])
    try:
        text = path.read_text(encoding="utf-8")
        descriptor = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SchemaError([diag("E-SCHEMA", relpath, getattr(exc, "lineno", 0), detail=str(exc))])
    from frictionless import FrictionlessException, Schema  # imported late: it is slow to import

    if not isinstance(descriptor, dict):  # frictionless would read a string as a path to load
        raise SchemaError([diag("E-SCHEMA", relpath, detail="顶层应为对象（{\"fields\": [...]}）")])
    try:
        Schema.from_descriptor(descriptor)
    except FrictionlessException as exc:
        raise SchemaError([diag("E-SCHEMA", relpath, detail=str(exc))])
    if bad := _control_text(descriptor):
        raise SchemaError([diag("E-CONTROL-CHAR", relpath, what=f"表结构中的文字“{bad[:-1][-40:]}”之后", char=describe(bad[-1]))])
    problems, fields, exposed = [], [], []
    for fd in descriptor.get("fields", []):
        name, ftype = fd.get("name", ""), fd.get("type", "string")
        constraints = fd.get("constraints") or {}
        problems += constraint_problems(name, ftype, constraints, fd)
        if ftype not in TYPES:
            problems.append(f"字段“{name}”的类型 {ftype} 不受支持（可用：{'、'.join(TYPES)}）")
        ident = fd.get("identifier")
        if ident is not None and (not isinstance(ident, str) or ident not in IDENTIFIERS):
            problems.append(f"字段“{name}”的 identifier {json.dumps(ident, ensure_ascii=False)} 不受支持")
            ident = None
        if "public" in fd and not isinstance(fd["public"], bool):
            problems.append(f"字段“{name}”的 public 只能是 true 或 false")
        if "eventDate" in fd and (not isinstance(fd["eventDate"], bool) or ftype != "date"):
            problems.append(f"字段“{name}”的 eventDate 只能是 true 或 false，且只用于 date 类型的字段")
        if is_public(fd) and ident in PERSONAL_IDENTIFIERS:
            exposed.append(diag("E-SCHEMA", relpath, _line_of(text, name), detail=(
                f"字段“{name}”是{PERSONAL_IDENTIFIERS[ident]}（identifier: {ident}），属于个人信息，"
                "不能设为 public（规则 P3.1）；请删除 \"public\": true")))
        enum = constraints.get("enum")
        fields.append(FieldSpec(
            name=name, type=ftype, title=str(fd.get("title") or name),
            description=str(fd.get("description", "")), public=is_public(fd),
            required=bool(constraints.get("required", False)),
            enum=tuple(str(v) for v in enum) if enum else None,
            minimum=constraints.get("minimum"), maximum=constraints.get("maximum"),
            max_length=constraints.get("maxLength"), pattern=constraints.get("pattern"),
            unique=bool(constraints.get("unique", False)),
            identifier=ident, separators=str(fd.get("multiValue", "")),
            references=fd.get("references"), optional_column=bool(fd.get("optionalColumn", False)),
            display=str(fd.get("display", "")), unit=str(fd.get("unit", "")),
            event_date=fd.get("eventDate") is True,
        ))
    found = [diag("E-SCHEMA", relpath, _field_line(text, p), detail=p) for p in problems] + exposed + _personal_data(relpath, text, fields)
    if found:
        raise SchemaError(found)
    return TableSchema(relpath, tuple(fields))


def _personal_data(relpath: str, text: str, fields: list[FieldSpec]) -> list[Diagnostic]:
    """A public field's name, title and description reach the output (column headers, the
    open-data field list): they are scanned like cells (P3.3), reported at the field's line."""
    found = []
    for spec in fields:
        for key, value in (("name", spec.name), ("title", spec.title), ("description", spec.description),
                           ("unit", spec.unit)):
            if spec.public and (hit := find_personal_data(value)):
                found.append(diag("E-PERSONAL-DATA", relpath, _line_of(text, spec.name), column=f"{spec.name}.{key}",
                                  kind=hit[0], masked=hit[1]))
    return found


def _line_of(text: str, name: str) -> int:
    """The line of a field's name in the schema file (its first mention), for the editor."""
    return text.count("\n", 0, max(text.find(json.dumps(name, ensure_ascii=False)), 0)) + 1


_NAMED_FIELD = re.compile("字段“(.+?)”")


def _field_line(text: str, problem: str) -> int:
    """The line of the field a problem names (``字段“…”``): where its ``"name"`` is written."""
    m = _NAMED_FIELD.search(problem)
    return _line_of(text, m[1]) if m else 0


def _finite_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def constraint_problems(name: str, ftype: str, constraints: dict, fd: dict) -> list[str]:
    """What frictionless lets through but the cell parser cannot use: a bound that is no number,
    a pattern that does not compile, a length that is no positive integer, an enum value that is
    no text or number — each named with its field, never a traceback later."""
    problems = []
    for key in ("minimum", "maximum"):
        if key not in constraints:
            continue
        if ftype not in ("number", "integer"):
            problems.append(f"字段“{name}”的 {key} 只能用于 number 或 integer 类型的字段")
        elif not _finite_number(constraints[key]):
            problems.append(f"字段“{name}”的 {key} 应为数字，而不是 {json.dumps(constraints[key], ensure_ascii=False)}")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if _finite_number(low) and _finite_number(high) and low > high:
        problems.append(f"字段“{name}”的 minimum（{low}）大于 maximum（{high}）")
    if "maxLength" in constraints:
        limit = constraints["maxLength"]
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            problems.append(f"字段“{name}”的 maxLength 应为正整数，而不是 {json.dumps(limit, ensure_ascii=False)}")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        if ftype != "string":
            problems.append(f"字段“{name}”的 pattern 只能用于 string 类型的字段")
        elif not isinstance(pattern, str):
            problems.append(f"字段“{name}”的 pattern 应为正则表达式文本")
        else:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                problems.append(f"字段“{name}”的 pattern“{pattern}”不是有效的正则表达式：{exc}")
    if any(not isinstance(v, (str, int, float)) or isinstance(v, bool) for v in constraints.get("enum") or ()):
        problems.append(f"字段“{name}”的 enum 只能列出文字或数字")
    for key, kind in (("multiValue", str), ("display", str), ("title", str), ("description", str),
                      ("optionalColumn", bool), ("references", str), ("unit", str)):
        if key in fd and not isinstance(fd[key], kind):
            problems.append(f"字段“{name}”的 {key} 应为{'文字' if kind is str else ' true 或 false'}")
    if "unit" in fd and ftype not in ("number", "integer"):
        problems.append(f"字段“{name}”的 unit 只能用于 number 或 integer 类型的字段")
    return problems


def _control_text(value) -> str:
    """The first string of a descriptor (JSON escapes such as \\u0000 included) that holds a
    control character, cut after it; "" when none does."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if (i := first_control(item)) >= 0:
                return item[:i + 1]
        elif isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return ""
