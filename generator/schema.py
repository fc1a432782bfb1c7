"""Table Schemas (Frictionless) of the datasets, and the one function that decides what is public.

A schema is a Frictionless Table Schema descriptor; frictionless checks that it is well formed.
gongshi reads a few extra field properties:

- ``public: true`` — the field may be published (P3.1); anything else is private;
- ``identifier`` — ``uscc`` (I1), ``resident-id`` (I2), ``doc-number`` (I3), ``mobile``, ``phone``;
- ``multiValue`` — separator characters of a field that holds several values (e.g. 处罚类别);
- ``references: agencies`` — the value must name a department of ``agencies.yaml``;
- ``optionalColumn: true`` — the column may be left out of the CSV header;
- ``display: list`` — a multi-value field shown as a bulleted list (e.g. 查封清单).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, diag

TYPES = ("string", "date", "number", "integer")
IDENTIFIERS = ("uscc", "resident-id", "doc-number", "mobile", "phone")


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
    @property
    def scanned_for_personal_data(self) -> bool:
        """Public free text is scanned for personal data (P3.3); identifiers are checked by their
        own rules instead."""
        return self.public and self.type == "string" and self.identifier is None


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
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SchemaError([diag("E-SCHEMA", relpath, getattr(exc, "lineno", 0), detail=str(exc))])
    from frictionless import FrictionlessException, Schema  # imported late: it is slow to import

    try:
        Schema.from_descriptor(descriptor)
    except FrictionlessException as exc:
        raise SchemaError([diag("E-SCHEMA", relpath, detail=str(exc))])
    problems, fields = [], []
    for fd in descriptor.get("fields", []):
        name, ftype = fd.get("name", ""), fd.get("type", "string")
        constraints = fd.get("constraints") or {}
        if ftype not in TYPES:
            problems.append(f"字段“{name}”的类型 {ftype} 不受支持（可用：{'、'.join(TYPES)}）")
        ident = fd.get("identifier")
        if ident is not None and ident not in IDENTIFIERS:
            problems.append(f"字段“{name}”的 identifier {ident} 不受支持")
        if "public" in fd and not isinstance(fd["public"], bool):
            problems.append(f"字段“{name}”的 public 只能是 true 或 false")
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
            display=str(fd.get("display", "")),
        ))
    if problems:
        raise SchemaError([diag("E-SCHEMA", relpath, detail=p) for p in problems])
    return TableSchema(relpath, tuple(fields))
