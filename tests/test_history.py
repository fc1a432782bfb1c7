"""A record's history (generator/history.py): what changed when, derived from data and the as-of
date alone — boundary days included."""

from __future__ import annotations

from datetime import date

from generator.history import history
from generator.model import Correction, Lifecycle


def life(published=date(2025, 3, 3), last_day=date(2026, 3, 1), status="", status_on=None):
    return Lifecycle(published, published, status, status_on, date(2025, 3, 2), last_day, "1 年", "", None, False)


def fix(on, what="罚款金额更正为7500元"):
    return Correction("penalties", "r1", on, (("更正日期", on.isoformat()), ("更正内容", what)), "c.csv", 2)


def kinds(events):
    return [(e.on, e.kind, e.gone) for e in events]


def test_nothing_before_publication():
    assert history(life(), (), date(2025, 3, 2)) == ()
    assert kinds(history(life(), (), date(2025, 3, 3))) == [(date(2025, 3, 3), "公示", False)]


def test_correction_is_told_from_its_day_with_its_public_content():
    c = fix(date(2025, 4, 1))
    assert len(history(life(), (c,), date(2025, 3, 31))) == 1
    events = history(life(), (c,), date(2025, 4, 1))
    assert kinds(events)[-1] == (date(2025, 4, 1), "更正", False)
    assert events[-1].note == "更正内容：罚款金额更正为7500元"


def test_expiry_is_the_day_after_the_last_day():  # P2.3
    assert not any(e.gone for e in history(life(), (), date(2026, 3, 1)))
    assert kinds(history(life(), (), date(2026, 3, 2)))[-1] == (date(2026, 3, 2), "公示期满", True)


def test_withdrawal_is_a_tombstone_and_ends_the_history():  # P5.2, P6
    l = life(status="撤销", status_on=date(2025, 6, 9))
    assert not any(e.gone for e in history(l, (), date(2025, 6, 8)))
    events = history(l, (fix(date(2025, 7, 1)),), date(2026, 5, 1))  # later correction, later expiry: ignored
    assert kinds(events) == [(date(2025, 3, 3), "公示", False), (date(2025, 6, 9), "撤销", True)]


def test_noted_status_is_a_change_unless_the_log_has_it():
    l = life(status="已变更", status_on=date(2025, 5, 5))
    assert kinds(history(l, (), date(2025, 6, 1)))[-1] == (date(2025, 5, 5), "变更", False)
    logged = history(life(status="已更正", status_on=date(2025, 5, 5)), (fix(date(2025, 5, 5)),), date(2025, 6, 1))
    assert [e.kind for e in logged] == ["公示", "更正"]


def test_indefinite_record_never_expires():
    assert not any(e.gone for e in history(life(last_day=None), (), date(2099, 1, 1)))
