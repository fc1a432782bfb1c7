"""The one function that decides whether a record is shown on a given day (P2, P4, P5.2, P6)."""

from __future__ import annotations

from datetime import date
from enum import Enum

from .config import STATUS_WITHDRAWN
from .model import Lifecycle


class Visibility(str, Enum):
    LISTED = "listed"            # shown in lists, feeds, exports and on its own page
    WITHDRAWN = "withdrawn"      # 撤下/撤销/确认违法/确认无效: only a notice page remains (P5.2, P6)
    NOT_YET = "not-yet"          # no 公示日期, or one after the as-of date
    UNREVIEWED = "unreviewed"    # no completed confidentiality review (P4): reported
    EXPIRED = "expired"          # past its 公示截止期 (P2.3) or no longer valid (P2.6)


def visibility(life: Lifecycle, as_of: date) -> Visibility:
    if life.published_on is None or life.published_on > as_of:
        return Visibility.NOT_YET
    if life.reviewed_on is None or life.reviewed_on > as_of:
        return Visibility.UNREVIEWED
    if life.last_day is not None and as_of > life.last_day:
        return Visibility.EXPIRED
    if life.status in STATUS_WITHDRAWN and life.status_on is not None and life.status_on <= as_of:
        return Visibility.WITHDRAWN
    return Visibility.LISTED
