"""The one function that decides whether a record is shown on a given day (P2, P4, P5.2, P6), on
each channel: the portal (this platform's pages, lists, exports and search) or the credit channel
(the 信用中国 data-item exports and the feed, P10)."""

from __future__ import annotations

from datetime import date
from enum import Enum

from .config import STATUS_WITHDRAWN
from .credit import CREDITCHINA, PORTAL
from .model import Lifecycle


class Visibility(str, Enum):
    LISTED = "listed"            # shown in lists, feeds, exports and on its own page
    WITHDRAWN = "withdrawn"      # 撤下/撤销/确认违法/确认无效: only a notice page remains (P5.2, P6)
    REPAIRED = "repaired"        # 信用修复: publication ended on this channel (P10.4)
    NOT_YET = "not-yet"          # no 公示日期, or one after the as-of date
    UNREVIEWED = "unreviewed"    # no completed confidentiality review (P4): reported
    EXPIRED = "expired"          # past its 公示截止期 (P2.3) or no longer valid (P2.6)
    WITHHELD = "withheld"        # never sent on this channel (轻微 on the credit channel, P10.2)


def visibility(life: Lifecycle, as_of: date, channel: str = PORTAL) -> Visibility:
    if life.published_on is None or life.published_on > as_of:
        return Visibility.NOT_YET
    if life.reviewed_on is None or life.reviewed_on > as_of:
        return Visibility.UNREVIEWED
    if channel == CREDITCHINA and not life.credit_sent:
        return Visibility.WITHHELD
    last_day = life.last_day_on(channel)
    if last_day is not None and as_of > last_day:
        return Visibility.EXPIRED
    withdrawn = life.status in STATUS_WITHDRAWN and life.status_on is not None and life.status_on <= as_of
    repaired = life.repaired_on is not None and life.repaired_on <= as_of and channel in life.repair_ends
    if withdrawn and not (repaired and life.repaired_on < life.status_on):
        return Visibility.WITHDRAWN
    if repaired:
        return Visibility.REPAIRED
    return Visibility.LISTED
