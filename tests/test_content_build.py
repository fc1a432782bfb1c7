"""The content folder in a build (README "Security"): only checked files are published; symlinks,
an unsafe content folder and files taking a generated output's place are errors; a failed build
writes nothing.  Each case here was published by the build before (issue 10)."""

import os
from pathlib import Path

import pytest

import content_files as cf
from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, all_output_bytes, run
from generator.cli import main
from generator.model import ContentAsset
from generator.stages.assets import write_assets

ID = cf.resident_id()


def errors(report):
    return sorted((d.code, d.path, d.row) for d in report.errors)


def set_content(site: Path, value: str) -> None:
    path = site / "site_config.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\ncontent: content\n" in text
    path.write_text(text.replace("\ncontent: content\n", f"\ncontent: {value}\n"), encoding="utf-8")


def record_id() -> str:
    return next(p.name for p in (GOLDEN_EXPECTED / "penalties").iterdir() if p.is_dir() and p.name != "page")


# ---------------------------------------------------------------- links and the folder itself

def test_a_linked_folder_is_refused_not_followed(site):
    (site / "content/raw").symlink_to("../data", target_is_directory=True)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None and errors(report) == [("E-SYMLINK", "content/raw", 0)]
    assert not (site / "public").exists()


def test_a_linked_file_is_refused(site):
    (site / "content/staff.txt").symlink_to("../data/staff.csv")
    (site / "content/about.md").symlink_to("remedies.md")
    result, report = run(site, GOLDEN_AS_OF)
    assert errors(report) == [("E-SYMLINK", "content/about.md", 0), ("E-SYMLINK", "content/staff.txt", 0)]


@pytest.mark.parametrize("value", [".", "./", "data", "data/sub", "templates", "../elsewhere", "public"])
def test_a_content_folder_overlapping_the_site_data_or_output_is_refused(site, value):
    (site / "templates").mkdir(exist_ok=True)
    (site.parent / "elsewhere").mkdir()
    assert run(site, GOLDEN_AS_OF)[0] is not None  # a previous output in public/, not to be read as content
    set_content(site, value)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None and [d.code for d in report.errors] == ["E-CONTENT-DIR"], [d.format() for d in report.errors]
    assert report.errors[0].path == "site_config.yaml" and "P3.1" in report.errors[0].format()


def test_a_content_folder_holding_an_input_is_refused(site):
    (site / "pages").mkdir()
    (site / "data/agencies.yaml").rename(site / "pages/agencies.yaml")
    path = site / "site_config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("data/agencies.yaml", "pages/agencies.yaml"), encoding="utf-8")
    set_content(site, "pages")
    result, report = run(site, GOLDEN_AS_OF)
    assert [d.code for d in report.errors] == ["E-CONTENT-DIR"] and "agencies.yaml" in report.errors[0].format()


def test_a_linked_content_folder_is_refused(site):
    (site / "pages").symlink_to("data", target_is_directory=True)
    set_content(site, "pages")
    result, report = run(site, GOLDEN_AS_OF)
    assert [d.code for d in report.errors] == ["E-CONTENT-DIR"]


def test_hidden_files_and_lock_files_are_skipped(site):
    for name in (".DS_Store", "~$通知.docx", "Thumbs.db"):
        (site / "content" / name).write_bytes(b"\0junk " + ID.encode())
    (site / "content/.git").mkdir()
    (site / "content/.git/config").write_text(ID)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None
    blob = b"".join(data for _, data in all_output_bytes(site / "public"))
    assert ID.encode() not in blob and not (site / "public/.DS_Store").exists()


def test_a_special_file_is_refused(site):
    os.mkfifo(site / "content/pipe.txt")
    result, report = run(site, GOLDEN_AS_OF)
    assert errors(report) == [("E-ASSET-TYPE", "content/pipe.txt", 0)]


# ---------------------------------------------------------------- types and places

@pytest.mark.parametrize("name, code", [
    ("_redirects", "E-ASSET-TYPE"),                # would replace the 410 rules
    ("opendata/penalties.csv", "E-ASSET-TYPE"),    # would replace an export (its hash then wrong)
    ("opendata/说明.txt", "E-ASSET-COLLISION"),
    ("penalties/{id}/index.html", "E-ASSET-TYPE"),  # would replace a record page or withdrawal notice
    ("penalties/{id}/决定书.txt", "E-ASSET-COLLISION"),  # would outlive the record (P2.3)
    ("Penalties/说明.txt", "E-ASSET-COLLISION"),
    ("robots.txt", "E-ASSET-COLLISION"),
    ("lookup/说明.txt", "E-ASSET-COLLISION"),
    ("pagefind/x.txt", "E-ASSET-COLLISION"),
    ("assets/site.css", "E-ASSET-TYPE"),
    ("assets/logo.png", "E-ASSET-COLLISION"),
    ("sitemap.xml", "E-ASSET-TYPE"),
    ("notice.doc", "E-ASSET-TYPE"),
    ("script.js", "E-ASSET-TYPE"),
    ("README", "E-ASSET-TYPE"),
])
def test_a_file_that_would_take_a_generated_place_or_has_another_type_is_refused(site, name, code):
    out = site / "public"
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    path = site / "content" / name.format(id=record_id())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cf.image() if name.endswith(".png") else b"Hello\n")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None and [d.code for d in report.errors] == [code], [d.format() for d in report.errors]
    assert report.errors[0].path == path.relative_to(site).as_posix()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # nothing written


def test_the_cli_reports_a_refused_file_without_a_traceback(site, capsys):
    (site / "content/notice.txt").write_text(f"公告\n当事人身份证号：{ID}\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    line = next(l for l in err.splitlines() if l.startswith("content/notice.txt:2: E-ASSET-PERSONAL-DATA"))
    assert "（规则 P3.3）" in line and "请删除或遮蔽" in line and "Traceback" not in err
    assert ID not in err  # masked (P3.5)
    assert not (site / "public").exists()


def test_check_reports_content_problems_too(site, capsys):
    (site / "content/notice.txt").write_text(f"当事人身份证号：{ID}\n", encoding="utf-8")
    assert main(["check", "--site", str(site), "--as-of", "2025-01-15"]) == 1
    captured = capsys.readouterr()
    assert "content/notice.txt:1: E-ASSET-PERSONAL-DATA 正文含有身份证号码" in captured.out + captured.err


# ---------------------------------------------------------------- what is published

def test_clean_files_are_published_where_they_are(site):
    files = {"notice.txt": cf.txt("投诉电话 12333\n"), "forms/纠错建议表.docx": cf.docx("纠错建议表"),
             "forms/清单.xlsx": cf.xlsx([["事项", "电话"], ["咨询", "12333"]]),
             "guides/办事指南.pdf": cf.pdf("Guide"), "flow/chart.svg": cf.svg(), "hall.jpg": cf.image("JPEG")}
    for name, data in files.items():
        (site / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / name).write_bytes(data)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    for name, data in files.items():
        assert (site / "public" / name).read_bytes() == data, name


def test_a_file_changed_after_its_check_is_not_written(site, tmp_path):
    (site / "content/a.txt").write_text("clean\n", encoding="utf-8")
    import hashlib

    asset = ContentAsset("content/a.txt", "a.txt", hashlib.sha256(b"clean\n").hexdigest())
    (site / "content/a.txt").write_text(f"{ID}\n", encoding="utf-8")
    problems = write_assets(site, [asset], tmp_path)
    assert [d.code for d in problems] == ["E-ASSET-UNREADABLE"] and not (tmp_path / "a.txt").exists()
