"""Control characters: one rule for every text the build reads (P5.1), positioned like an editor
counts (line, column)."""

import pytest

from generator.controls import control_problems, describe, first_control
from generator.yamlfile import YamlError, parse_yaml


@pytest.mark.parametrize("text, index", [
    ("", -1), ("正常文字", -1), ("a\tb\nc\r\nd", -1), ("全角　空格\u3000", -1), ("\u200b零宽", -1),
    ("\x00", 0), ("ab\x07", 2), ("a\x7f", 1), ("a\x85", 1), ("a\x9f", 1), ("\x1b[31m", 0),
])
def test_first_control(text, index):
    assert first_control(text) == index


def test_every_c0_except_tab_lf_cr_and_del_and_c1_are_refused():
    refused = {c for c in range(0x100) if first_control(chr(c)) == 0}
    assert refused == (set(range(0x20)) - {0x09, 0x0A, 0x0D}) | set(range(0x7F, 0xA0))


def test_describe():
    assert describe("\x00") == "U+0000（NUL）"
    assert describe("\x1b") == "U+001B（ESC）"
    assert describe("\x85").startswith("U+0085")


def test_position_in_a_text_file():
    [d] = control_problems("content/a.md", "---\ntitle: x\n---\n正文第一行\n第二\x00行\n")
    assert (d.code, d.location()) == ("E-CONTROL-CHAR", "content/a.md:5:3")


@pytest.mark.parametrize("text, where", [
    ('a: "x\\0y"\n', "f.yaml:1:4"),                    # an escape that only the parser turns into NUL
    ("a:\n  - ok\n  - \"\\e[31m\"\n", "f.yaml:3:5"),
    ("a: {b: [1, 'x', \"\\x01\"]}\n", "f.yaml:1:17"),
    ("a: x\x00\n", "f.yaml:1:5"),                      # raw: PyYAML would refuse it without a position
])
def test_every_yaml_input_refuses_control_characters_at_their_position(text, where):
    """site_config.yaml, agencies.yaml, calendar files and front matter are all read by parse_yaml."""
    with pytest.raises(YamlError) as exc:
        parse_yaml(text, "f.yaml")
    assert (exc.value.diagnostic.code, exc.value.diagnostic.location()) == ("E-CONTROL-CHAR", where)


def test_front_matter_positions_count_from_its_first_line():
    with pytest.raises(YamlError) as exc:
        parse_yaml('title: "a\\bb"', "content/x.md", first_line=2)
    assert exc.value.diagnostic.location() == "content/x.md:2:8"


def test_control_character_in_agencies_yaml_is_reported_first_at_its_position(site):
    """The departments file cannot be used: its error comes first (the records naming its
    departments are reported too, as they cannot be checked)."""
    from conftest import GOLDEN_AS_OF, run

    path = site / "data/agencies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("办公地址: 银川市金凤区北京中路168号", '办公地址: "银川市金凤区\\x1b北京中路168号"', 1),
                    encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    first = report.sorted()[0]
    assert (first.code, first.location()) == ("E-CONTROL-CHAR", "data/agencies.yaml:11:11")


def test_control_character_in_site_config_is_reported_at_its_position(site):
    from conftest import GOLDEN_AS_OF, run

    path = site / "site_config.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines() if l.startswith("  title:"))) + 1
    path.write_text(text.replace("  title: ", '  title: "\\0"  # ', 1), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert [(d.code, d.location()) for d in report.errors] == [("E-CONTROL-CHAR", f"site_config.yaml:{line}:10")]


@pytest.mark.parametrize("fmt", ["text", "github", "json", "markdown"])
def test_no_report_prints_a_control_character(site, fmt, capsys):
    """A header holding ESC or U+009B (CSI) is reported, but what reaches a terminal or a CI log
    carries no control character (an ESC sequence would drive it)."""
    from generator.cli import main

    path = site / "data/penalties.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text("\x1b[2J\x9b" + text, encoding="utf-8")
    assert main(["check", "--site", str(site), "--as-of", "2025-01-15", "--format", fmt]) == 1
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    printed = capsys.readouterr()
    assert "E-CONTROL-CHAR" in printed.out + printed.err
    assert first_control(printed.out + printed.err) < 0


def test_unreadable_input_is_a_message_not_a_traceback(site, monkeypatch, capsys):
    from generator.cli import main
    from generator.stages import read

    def denied(path, *a, **kw):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(read, "detect_encoding", denied)
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "Permission denied" in err and "Traceback" not in err and not (site / "public").exists()


def test_content_file_named_with_a_control_character_is_refused(site, capsys):
    """A file name becomes a URL and is printed in reports: an ESC in it reaches neither."""
    from generator.cli import main

    (site / "content" / "通知\x1b[31m.txt").write_text("公告", encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "content/通知\ufffd[31m.txt: E-CONTROL-CHAR" in err and first_control(err) < 0
