"""The golden fixture site, built as of its fixed date, equals the reviewed output file by file."""

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, run, tree


def test_golden_site_matches_file_by_file(tmp_path):
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "out")
    assert result is not None, [d.format() for d in report.errors]
    got, want = tree(tmp_path / "out"), tree(GOLDEN_EXPECTED)
    assert sorted(got) == sorted(want), "file set differs (python tests/update_golden.py after an intended change)"
    for name in want:
        assert got[name] == want[name], f"{name} differs from the golden output"
