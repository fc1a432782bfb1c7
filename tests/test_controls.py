"""Control characters: one rule for every text the build reads (P5.1), positioned like an editor
counts (line, column)."""

import pytest

from generator.controls import control_problems, describe, first_control, yaml_control_problems


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
    ("a: x\x00\n", "f.yaml:1:5"),                      # raw: YAML itself would refuse it, without a position
])
def test_yaml_escapes_and_raw_characters(text, where):
    [d] = yaml_control_problems("f.yaml", text)
    assert d.location() == where


def test_yaml_alias_bomb_costs_nothing():
    """Composed nodes are shared, never expanded: a billion laughs is walked in microseconds."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    assert yaml_control_problems("f.yaml", "\n".join(lines) + "\n") == []


def test_yaml_that_does_not_parse_is_left_to_its_loader():
    assert yaml_control_problems("f.yaml", "a: [\n") == []
