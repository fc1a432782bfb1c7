"""Shared helpers: the golden fixture site, copies of it to mutate, and builds."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.diagnostics import BuildFailed
from generator.pipeline import build

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_SITE = FIXTURES / "golden" / "site"
GOLDEN_EXPECTED = FIXTURES / "golden" / "expected"
GOLDEN_AS_OF = date(2025, 1, 15)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def site(tmp_path) -> Path:
    """A private copy of the golden site, free to change."""
    dest = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, dest, ignore=shutil.ignore_patterns("public"))
    return dest


def run(site_dir: Path, as_of: date, out: Path | None = None, search: bool = False, today: date | None = None):
    """Build; returns (result or None, report).  ``today``: the real date for E-DATE-FUTURE (None:
    unchecked, so that a build for a past day reads the records decided since)."""
    try:
        result = build(site_dir, out or site_dir / "public", as_of, search_index=search, jobs=1, today=today)
        return result, result.report
    except BuildFailed as failed:
        return None, failed.report


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:  # the repository's CSVs carry a BOM
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


def edit_row(path: Path, match: dict, **changes) -> None:
    """Change the cells of the one row whose cells equal ``match``."""
    header, rows = read_rows(path)
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, hits
    hits[0].update(changes)
    write_rows(path, header, rows)


def edit_config(site_dir: Path, edit) -> None:
    """Change the site's configuration: ``edit`` changes the parsed mapping in place."""
    import yaml

    path = site_dir / "site_config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def config_errors(site_dir: Path, as_of: date = GOLDEN_AS_OF) -> list[str]:
    """The formatted errors of a build that must fail."""
    result, report = run(site_dir, as_of)
    assert result is None
    return [d.format() for d in report.errors]


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path: for asserting two outputs byte-identical."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def all_output_bytes(out: Path):
    """(relative path, bytes) of every output file; gzip files (the search index) unpacked, and
    zip files (the .xlsx downloads) as their members' bytes, one after the other."""
    import gzip
    import io
    import re
    import zipfile

    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        elif data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = b"\n".join(z.read(name) for name in z.namelist())
            # openpyxl writes text as XML character references (&#38134;): as UTF-8, so that it can be found
            data = re.sub(rb"&#(x[0-9a-fA-F]+|[0-9]+);", lambda m: chr(int(b"0" + m[1], 0) if m[1][:1] == b"x"
                                                                        else int(m[1])).encode("utf-8"), data)
        yield path.relative_to(out).as_posix(), data


class Canaries:
    """Planted markers — (dataset, field, marker) — looked for in an output file in one pass: a
    regex of the markers' trie, so that each byte is tried against every marker at once (one
    ``in`` per marker and file took most of the demo's canary tests: thousands of markers times a
    thousand files).  ``found`` is exact: on a hit, each marker is looked for again."""

    def __init__(self, markers):
        import re

        self.markers = [(ds, field, m.encode("utf-8")) for ds, field, m in markers]
        trie: dict = {}
        for _ds, _field, m in self.markers:
            node = trie
            for b in m:
                node = node.setdefault(b, {})
            node[None] = {}  # a marker ends here

        def branches(node) -> bytes:
            alts = [re.escape(bytes([b])) + branches(node[b]) for b in sorted(k for k in node if k is not None)]
            alts += [b""] if None in node else []
            return alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"

        self.pattern = re.compile(branches(trie)) if trie else None

    def found(self, data: bytes | str) -> list[tuple[str, str, bytes]]:
        """The (dataset, field, marker) whose marker is in ``data``."""
        data = data.encode("utf-8") if isinstance(data, str) else data
        if self.pattern is None or not self.pattern.search(data):
            return []
        return [(ds, field, m) for ds, field, m in self.markers if m in data]
