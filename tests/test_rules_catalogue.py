"""The rules catalogue (docs/rules.md) and the rule ids cited everywhere else agree: every id the
code, tests, configuration, schemas, templates and README cite has an entry; every entry is covered
by a test that cites it; the tests an entry lists exist and do cite it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO

CATALOGUE = REPO / "docs" / "rules.md"
# a rule id: a family letter and a number of one or two digits, with an optional sub-number (P2.3,
# L4, C1, S2, I3, P10.1); longer numbers are something else (a passport C12345678, a colour C00000)
RULE_ID = re.compile(r"(?<![A-Za-z0-9_.#+-])([PLRCSI]\d{1,2}(?:\.\d{1,2})?)(?![A-Za-z0-9_]|\.\d)")
ENTRY = re.compile(r"^#{2,4} ([PLRCSI]\d+(?:\.\d+)?) ", re.M)
NOQA = re.compile(r"noqa:[^\n]*|\bd=[\"'][^\"']*[\"']")  # linter codes (S310 …), SVG path data (L10 5)

# where rule ids are cited: source, configuration, schemas, templates, pages, tests
SOURCES = ("generator/**/*.py", "generator/**/*.yaml", "generator/**/*.json", "templates/**/*.html",
           "templates/**/*.js", "data/*.schema.json", "data/*.yaml", "content/**/*.md", "docs/**/*.md",
           "examples/**/*.py", "benchmarks/**/*.py", "tests/**/*.py", "tests/fixtures/**/site_config.yaml",
           "tests/fixtures/**/*.schema.json", "tests/fixtures/**/expected.txt", "README.md", "site_config.yaml")
TESTS = "tests/test_*.py"


def cited_in(text: str) -> set[str]:
    return set(RULE_ID.findall(NOQA.sub("", text)))


def entries(text: str) -> dict[str, list[str]]:
    """Rule id → the test files its entry lists (“- 测试：a、b”)."""
    out: dict[str, list[str]] = {}
    matches = list(ENTRY.finditer(text))
    for i, m in enumerate(matches):
        body = text[m.end(): matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        tests = re.search(r"^- 测试：(.+)$", body, re.M)
        out[m.group(1)] = [t.strip() for t in re.split(r"[、，,]", tests.group(1))] if tests else []
    return out


@pytest.fixture(scope="module")
def catalogue() -> dict[str, list[str]]:
    return entries(CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def citations() -> dict[str, set[str]]:
    """Rule id → the files citing it (the catalogue and this test, which quotes examples, aside)."""
    by_id: dict[str, set[str]] = {}
    seen = set()
    for pattern in SOURCES:
        for path in REPO.glob(pattern):
            rel = path.relative_to(REPO).as_posix()
            if path in (CATALOGUE, Path(__file__)) or rel in seen or not path.is_file():
                continue
            seen.add(rel)
            for rid in cited_in(path.read_text(encoding="utf-8", errors="replace")):
                by_id.setdefault(rid, set()).add(rel)
    return by_id


def family_of(rid: str) -> str:
    return rid.split(".")[0]


def test_every_cited_rule_is_in_the_catalogue(catalogue, citations):
    missing = {rid: sorted(files)[:3] for rid, files in citations.items() if rid not in catalogue}
    assert not missing, f"rule ids cited but not in docs/rules.md: {missing}"


def test_every_rule_has_a_test_that_cites_it(catalogue, citations):
    tests = {rid: {f for f in files if re.fullmatch(r"tests/test_[^/]+\.py", f)}
             for rid, files in citations.items()}
    leaves = [rid for rid in catalogue if not any(other.startswith(rid + ".") for other in catalogue)]
    untested = [rid for rid in leaves if not tests.get(rid)]
    assert not untested, f"rules in docs/rules.md that no test cites: {untested}"
    for rid in catalogue:  # a family is covered through its rules
        assert tests.get(rid) or any(tests.get(leaf) for leaf in leaves if family_of(leaf) == rid), rid


def test_listed_tests_exist_and_cite_the_rule(catalogue, citations):
    wrong = []
    for rid, listed in catalogue.items():
        if any(other.startswith(rid + ".") for other in catalogue):
            continue  # a family lists no tests of its own
        if not listed:
            wrong.append(f"{rid}: no “- 测试：” line")
        wrong += [f"{rid}: {name} does not exist" for name in listed if not (REPO / name).is_file()]
        wrong += [f"{rid}: {name} does not cite {rid}" for name in listed
                  if (REPO / name).is_file() and name not in citations.get(rid, ())]
    assert not wrong, wrong


def test_the_id_pattern_skips_what_is_not_a_rule():
    assert cited_in("规则 P2.3、L1；（规则 P10.1）S1/S2 I3") == {"P2.3", "L1", "P10.1", "S1", "S2", "I3"}
    assert cited_in("#C4 P2.3.1 x.P1 CP1 P1a C12345678 C00000 # noqa: S310") == set()
    assert cited_in('<path d="M0 0 L10 5 L0 10 z"/> 规则 L1') == {"L1"}


def test_entries_are_read_with_their_tests():
    text = "### P1 x\n\n- 测试：tests/a.py、tests/b.py\n\n### P2 y\n\n#### P2.1 z\n- 测试：tests/c.py\n"
    assert entries(text) == {"P1": ["tests/a.py", "tests/b.py"], "P2": [], "P2.1": ["tests/c.py"]}
