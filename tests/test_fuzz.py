"""Fuzz (issue 10, point 8): whatever the inputs hold, ``gongshi build`` and ``gongshi check`` end
with exit 0 or 1, never a Python traceback, and no value planted in a private field reaches any
output byte (P3.1).

Hypothesis mutates a copy of the golden site in which every private field holds a canary: cells,
headers, rows and raw bytes of the CSVs, site_config.yaml, the schemas, agencies.yaml, a page's
front matter and body, and a calendar file.  The CLI's ``main()`` runs in-process.

    pytest tests/test_fuzz.py                          # CI size: a fixed set of examples
    GONGSHI_FUZZ_SECONDS=300 pytest tests/test_fuzz.py -s   # long mode: new random cases until the
                                                       # time is up, then prints how many ran
    GONGSHI_FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py     # CI mode, more examples
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import shutil
import tempfile
import time
import traceback
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, read_rows, write_rows
from generator.cli import main
from generator.config import load_config
from generator.controls import first_control
from generator.schema import is_public, load_schema

SECONDS = float(os.environ.get("GONGSHI_FUZZ_SECONDS") or 0)
EXAMPLES = int(os.environ.get("GONGSHI_FUZZ_EXAMPLES") or 60)
AS_OF = GOLDEN_AS_OF.isoformat()
CSVS = ["data/penalties.csv", "data/random_checks.csv", "data/staff.csv", "data/powers.csv", "data/corrections.csv"]
SCHEMAS = [p.replace(".csv", ".schema.json") for p in CSVS]
STRUCTURAL = {"数据集", "记录"}  # the corrections log's references: they must stay real to resolve


# ---------------------------------------------------------------- the planted site

def canary(spec, n: int) -> tuple[str, list[str]]:
    """(cell text, every form in which it could be printed) for a private field."""
    if spec.identifier == "resident-id":
        body = f"640102{date(1961, 1, 1) + timedelta(days=n):%Y%m%d}777"
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))) % 11]
        return body + check, [body + check]
    if spec.identifier == "mobile":
        return f"199{n:08d}", [f"199{n:08d}"]
    if spec.identifier == "doc-number":
        return f"金丝雀{n:04d}审〔1999〕{n}号", [f"金丝雀{n:04d}审"]
    if spec.type == "date":
        d = date(1901, 1, 1) + timedelta(days=n)
        return d.isoformat(), [d.isoformat(), f"{d.year}年{d.month}月{d.day}日"]
    if spec.type in ("number", "integer"):
        v = 987600000 + n
        return str(v), [str(v), f"{v:,}"]
    return f"CANARY{n:04d}金丝雀", [f"CANARY{n:04d}"]


def plant(site: Path) -> list[tuple[str, list[bytes]]]:
    """Canaries in every private, free field of every table: (cell text, forms as bytes)."""
    planted, n = [], 0
    for rel, schema_rel in zip(CSVS, SCHEMAS):
        schema = load_schema(site, schema_rel)
        header, rows = read_rows(site / rel)
        for row in rows:
            for spec in schema.fields:
                if spec.public or spec.enum or spec.references or spec.name not in header or spec.name in STRUCTURAL:
                    continue
                if spec.type == "date" and not row[spec.name]:
                    continue  # an empty review date keeps its meaning
                n += 1
                text, forms = canary(spec, n)
                row[spec.name] = text
                planted.append((text, [f.encode() for f in forms]))
        write_rows(site / rel, header, rows)
    return planted


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    site = tmp_path_factory.mktemp("fuzz") / "site"
    shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
    planted = plant(site)
    assert len(planted) > 50
    return site, planted


# ---------------------------------------------------------------- what the mutations write

NASTY = [
    "", " ", "\x00", "坏\x00值", "\x1b[31m红", "\x7f", "\x85", "\x0b", "\ufeff", "\u202e反转", "\u2028",
    '=HYPERLINK("http://x","y")', "+1", "-1", "@A1", "\t=1", "-", "/", "无", "长期",
    "1e5000", "-1e5000", "NaN", "Infinity", "-0", "0x10", "1_000", "１２３", "9" * 40, "0." + "0" * 30 + "1",
    "1,000,000", "12.345678901", "-20000", "1E+5",
    "9999-06-30", "9999-12-31", "0001-01-01", "2024-02-30", "2024年13月1日", "2024/2/29", "1899-12-31",
    "2199-12-31", "2200-01-01", "2024-03-05 00:00:00", "２０２４年３月５日", "2024-3-5",
    "〔〕", "宁人社监罚〔2024〕", "宁人社监罚〔2024〕12号", "91640000MA76A1B2C0", "00000000000000000X",
    "11010519491231002X", "13800138000", "138 0013 8000",
    "<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "%s%n%x", "../../etc/passwd", "a\\b", "😀" * 10,
    "a" * 3000, '"', '""', ",", "\n", "\r\n", "\r", "罚款；警告", "罚款;;", "是", "否", "同意", "撤下", "撤销",
    "已更正", "法人及非法人组织", "自然人", "银川市人力资源和社会保障局", "penalties", "staff",
]
text_value = st.one_of(st.sampled_from(NASTY), st.text(max_size=40),
                       st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=12))
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.sampled_from([0, -1, 10 ** 20, 2 ** 63]),
                   st.floats(allow_nan=True, allow_infinity=True), text_value)
any_value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(text_value, inner, max_size=3)),
                         max_leaves=6)
index = st.integers(0, 10 ** 6)  # taken modulo what there is

MUTATIONS = {
    "cell": st.tuples(st.just("cell"), index, index, index, text_value),
    "header": st.tuples(st.just("header"), index, st.sampled_from(["rename", "delete", "duplicate", "swap", "append"]),
              index, text_value),
    "row": st.tuples(st.just("row"), index, st.sampled_from(["delete", "duplicate", "short", "long", "blank"]), index),
    "bytes": st.tuples(st.just("bytes"), index, st.sampled_from(["truncate", "insert", "gb18030", "utf-16", "crlf", "bom"]),
              index, st.binary(max_size=6)),
    "config": st.tuples(st.just("config"), st.lists(index, min_size=1, max_size=5),
              st.sampled_from(["set", "delete", "add"]), any_value),
    "config-text": st.tuples(st.just("config-text"), index, st.text(max_size=20)),
    "schema": st.tuples(st.just("schema"), index, index, st.sampled_from([
        "type", "public", "identifier", "multiValue", "optionalColumn", "display", "unit", "references", "name", "title",
        "minimum", "maximum", "maxLength", "pattern", "enum", "required", "unique", "delete", "duplicate"]),
        any_value),
    "front": st.tuples(st.just("front"), st.sampled_from(["title", "slug", "item", "phase", "summary", "updated", "other"]),
              any_value),
    "page": st.tuples(st.just("page"), st.sampled_from(["front-text", "body", "no-front"]), st.text(max_size=60)),
    "agency": st.tuples(st.just("agency"), index, st.sampled_from(["标识", "名称", "层级", "统一社会信用代码", "成立或变更日期",
                                                        "主要职责", "联系电话", "其他"]), any_value),
    "calendar": st.tuples(st.just("calendar"), st.one_of(st.text(max_size=60), any_value.map(lambda v: {"years": {2025: v}}),
                                             st.dictionaries(st.integers(1800, 10000), any_value, max_size=2)
                                             .map(lambda y: {"years": y}))),
}
# GONGSHI_FUZZ_KINDS=cell,schema,calendar narrows a long run to some kinds of mutation
KINDS = [k for k in (os.environ.get("GONGSHI_FUZZ_KINDS") or "").split(",") if k]
mutation = st.one_of([strategy for kind, strategy in MUTATIONS.items() if not KINDS or kind in KINDS])


def _table(site, i):
    path = site / CSVS[i % len(CSVS)]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return path, [list(r) for r in csv.reader(fh)]


def _save(path, table):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)


def _walk_set(node, path, action, value):
    """Set, delete or add at a path chosen by indexes into a YAML/JSON tree."""
    for depth, i in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, dict) and node:
            key = list(node)[i % len(node)]
            if last or not isinstance(node[key], (dict, list)):
                if action == "delete":
                    del node[key]
                elif action == "add":
                    node[f"unknown_{i % 7}"] = value
                else:
                    node[key] = value
                return
            node = node[key]
        elif isinstance(node, list) and node:
            j = i % len(node)
            if last or not isinstance(node[j], (dict, list)):
                if action == "delete":
                    del node[j]
                else:
                    node[j] = value
                return
            node = node[j]
        else:
            return


def _dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def _json_safe(value):
    if isinstance(value, float) and value != value:
        return "NaN-as-text"
    return value


def apply(site: Path, m: tuple) -> None:
    """One mutation; skipped when an earlier one left the file unreadable to the mutator itself."""
    try:
        _apply(site, m)
    except (yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError, IndexError, csv.Error):
        pass


def _apply(site: Path, m: tuple) -> None:
    kind = m[0]
    if kind == "cell":
        path, t = _table(site, m[1])
        row = t[1 + m[2] % max(1, len(t) - 1)] if len(t) > 1 else t[0]
        if row:
            row[m[3] % len(row)] = m[4]
        _save(path, t)
    elif kind == "header":
        path, t = _table(site, m[1])
        head, i = t[0], m[3] % max(1, len(t[0]))
        action = m[2]
        for r_i, row in enumerate(t):
            if not row:
                continue
            if action == "rename" and r_i == 0:
                row[i] = m[4]
            elif action == "delete":
                del row[i % len(row)]
            elif action == "duplicate":
                row.append(row[i % len(row)])
            elif action == "swap" and r_i == 0 and len(head) > 1:
                j = (i + 1 + m[1]) % len(head)
                row[i], row[j] = row[j], row[i]
            elif action == "append":
                row.append(m[4] if r_i == 0 else "x")
        _save(path, t)
    elif kind == "row":
        path, t = _table(site, m[1])
        if len(t) > 1:
            r = 1 + m[3] % (len(t) - 1)
            {"delete": lambda: t.pop(r), "duplicate": lambda: t.insert(r, list(t[r])),
             "short": lambda: t[r].pop() if t[r] else None, "long": lambda: t[r].append("多余"),
             "blank": lambda: t.insert(r, [])}[m[2]]()
        _save(path, t)
    elif kind == "bytes":
        path = site / CSVS[m[1] % len(CSVS)]
        data = path.read_bytes()
        at = m[3] % (len(data) + 1)
        if m[2] == "truncate":
            data = data[:at]
        elif m[2] == "insert":
            data = data[:at] + m[4] + data[at:]
        elif m[2] in ("gb18030", "utf-16"):
            data = data.decode("utf-8-sig", "replace").encode(m[2], "replace")
        elif m[2] == "crlf":
            data = data.replace(b"\n", b"\r\n")
        else:
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)
    elif kind == "config":
        path = site / "site_config.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        _walk_set(config, m[1], m[2], m[3])
        path.write_text(_dump(config), encoding="utf-8")
    elif kind == "config-text":
        path = site / "site_config.yaml"
        text = path.read_text(encoding="utf-8")
        at = m[1] % (len(text) + 1)
        path.write_text(text[:at] + m[2] + text[at:], encoding="utf-8")
    elif kind == "schema":
        path = site / SCHEMAS[m[1] % len(SCHEMAS)]
        schema = json.loads(path.read_text(encoding="utf-8"))
        fields = schema["fields"]
        field = fields[m[2] % len(fields)]
        prop, value = m[3], _json_safe(m[4])
        if prop == "delete":
            fields.remove(field)
        elif prop == "duplicate":
            fields.append(dict(field))
        elif prop in ("minimum", "maximum", "maxLength", "pattern", "enum", "required", "unique"):
            if not isinstance(field.get("constraints"), dict):
                field["constraints"] = {}
            field["constraints"][prop] = value
        else:
            field[prop] = value
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=1, allow_nan=True), encoding="utf-8")
    elif kind in ("front", "page"):
        path = site / "content/remedies.md"
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        if kind == "front":
            meta = yaml.safe_load(front)
            meta[m[1] if m[1] != "other" else "unknown_key"] = m[2]
            front = _dump(meta)
            path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        elif m[1] == "front-text":
            path.write_text(f"---\n{m[2]}\n---\n{body}", encoding="utf-8")
        elif m[1] == "body":
            path.write_text(f"---\n{front}---\n{m[2]}\n{body}", encoding="utf-8")
        else:
            path.write_text(m[2], encoding="utf-8")
    elif kind == "agency":
        path = site / "data/agencies.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        agency = data["agencies"][m[1] % len(data["agencies"])]
        agency[m[2]] = m[3]
        path.write_text(_dump(data), encoding="utf-8")
    elif kind == "calendar":
        (site / "data/calendar-2025.yaml").write_text(m[1] if isinstance(m[1], str) else _dump(m[1]), encoding="utf-8")
        config = site / "site_config.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("# calendar: [data/calendar-2027.yaml]", "calendar: [data/calendar-2025.yaml]"),
                          encoding="utf-8")


# ---------------------------------------------------------------- one case

def run_cli(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue() + err.getvalue()


def protected(site: Path, planted) -> list[list[bytes]]:
    """The canaries that are still private after the mutations: a mutation may have made a column
    public (a schema's "public": true, a header renamed onto a public column); those are not."""
    config = load_config(site)
    tables = [(ds.file, ds.schema) for ds in config.datasets]
    if config.corrections:
        tables.append((config.corrections.file, config.corrections.schema))
    public_text = []
    for rel, schema_rel in tables:
        fields = json.loads((site / schema_rel).read_text(encoding="utf-8"))["fields"]
        public = {f["name"] for f in fields if is_public(f)}
        for encoding in ("utf-8-sig", "gb18030", "utf-16"):
            try:
                rows = list(csv.reader(io.StringIO((site / rel).read_text(encoding=encoding))))
                break
            except (UnicodeError, csv.Error):
                rows = []
        if rows:
            header = [h.strip().lstrip("\ufeff") for h in rows[0]]
            public_text += [cell for row in rows[1:] for name, cell in zip(header, row) if name in public]
    public_blob = "\x1f".join(public_text)
    return [forms for text, forms in planted if text not in public_blob]


def output_bytes(out: Path):
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path.relative_to(out).as_posix(), gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


COUNTS = {"cases": 0, "built": 0, "refused": 0}


def fuzz_case(base, mutations, check_format):
    site_dir, planted = base
    work = Path(tempfile.mkdtemp(prefix="gongshi-fuzz-"))
    try:
        site, out = work / "site", work / "out"
        shutil.copytree(site_dir, site)
        for m in mutations:
            apply(site, m)
        code, printed = run_cli(["build", "--site", str(site), "--out", str(out), "--as-of", AS_OF,
                                 "--no-search-index", "--jobs", "1"])
        assert code in (0, 1), printed[-3000:]
        assert "Traceback" not in printed, printed[-3000:]
        assert first_control(printed) < 0, "a control character reached the terminal: " + printed[-3000:]
        COUNTS["cases"] += 1
        COUNTS["built" if code == 0 else "refused"] += 1
        if code == 0:
            still_private = protected(site, planted)
            for name, data in output_bytes(out):
                for forms in still_private:
                    for form in forms:
                        assert form not in data, f"private value {form.decode()} in {name}"
        else:
            assert not out.exists(), "a failed build wrote its output"
        code, printed = run_cli(["check", "--site", str(site), "--as-of", AS_OF, "--format", check_format])
        assert code in (0, 1), printed[-3000:]
        assert "Traceback" not in printed, printed[-3000:]
        assert first_control(printed) < 0, "a control character reached the terminal: " + printed[-3000:]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def property_for(base, examples: int, derandomize: bool, shrink: bool = True):
    phases = tuple(p for p in Phase if shrink or p is not Phase.shrink)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize, phases=phases,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(mutations=st.lists(mutation, min_size=1, max_size=3),
           check_format=st.sampled_from(["text", "github", "json", "markdown"]))
    def prop(mutations, check_format):
        fuzz_case(base, mutations, check_format)
    return prop


def test_fuzz_build_and_check(base):
    if not SECONDS:
        property_for(base, EXAMPLES, derandomize=True)()
        return
    # long mode: rounds of fresh random cases until the time is up; a failure is printed with the
    # case that caused it (not shrunk: that can take longer than the run) and the rounds go on
    start, rounds, failures = time.monotonic(), 0, []
    while time.monotonic() - start < SECONDS:
        try:
            seed(int(time.time() * 1000) % 2 ** 32 + rounds)(property_for(base, 25, False, shrink=False))()
        except Exception as exc:  # noqa: BLE001 — reported below, the run goes on
            failures.append(exc)
            print(f"\nfuzz failure {len(failures)}:\n" + "".join(traceback.format_exception(exc))[-4000:])
        rounds += 1
    print(f"\nfuzz: {COUNTS['cases']} cases in {time.monotonic() - start:.0f} s "
          f"({COUNTS['built']} built, {COUNTS['refused']} refused with errors); {len(failures)} failing rounds")
    assert not failures


def test_the_unmutated_planted_site_builds_and_hides_every_canary(base, tmp_path):
    """The fuzz's canary check is real: on the planted site itself every form is absent, and the
    public values are there."""
    site_dir, planted = base
    out = tmp_path / "out"
    code, printed = run_cli(["build", "--site", str(site_dir), "--out", str(out), "--as-of", AS_OF,
                             "--no-search-index", "--jobs", "1"])
    assert code == 0, printed
    blob = b"".join(data for _, data in output_bytes(out))
    assert len(protected(site_dir, planted)) == len(planted)
    assert not [forms for _, forms in planted if any(f in blob for f in forms)]
    assert "银川市永固建筑劳务有限公司".encode() in blob
