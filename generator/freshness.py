"""``gongshi check --live URL``: is the deployed site today's, and built from the repository's data?

Records leave the site on the day after their 公示截止期 only because a build runs every day
(P2.3), unattended.  The site states, in ``/release.json``, the as-of date and the data revision
it was built for; this check reads it and fails when the as-of date is before today in China
(E-LIVE-STALE) or the revision is not the one the repository is at (E-LIVE-REVISION).  With a
wait, it polls until the site is fresh or the time is up (the scheduled workflow waits for the
deploy its build hook started), so a failure means the deploy did not arrive in time.
"""

from __future__ import annotations

import json
import time
from datetime import date

from .diagnostics import Diagnostic, diag
from .release import MANIFEST
from .verify import Unreadable, fetch

POLL_SECONDS = 30


def live_release(url: str) -> dict:
    """The live site's release.json, parsed; Unreadable when it cannot be had."""
    base = url if url.endswith("/") else url + "/"
    body = fetch(base + MANIFEST)
    if body is None:
        raise Unreadable(f"{base}{MANIFEST} 不存在（网站尚未部署带发布清单的版本？）")
    try:
        doc = json.loads(body)
        date.fromisoformat(doc["as_of"])
    except (ValueError, KeyError, TypeError):
        raise Unreadable(f"{base}{MANIFEST} 不是有效的发布清单") from None
    return doc


def live_findings(url: str, today: date, revision: str = "") -> list[Diagnostic]:
    try:
        doc = live_release(url)
    except Unreadable as exc:
        return [diag("E-LIVE-UNREACHABLE", MANIFEST, detail=str(exc))]
    out = []
    live = date.fromisoformat(doc["as_of"])
    if live < today:
        out.append(diag("E-LIVE-STALE", MANIFEST, live=live.isoformat(), today=today.isoformat()))
    built = doc.get("revision") or ""
    if revision and not (built and (built.startswith(revision) or revision.startswith(built))):
        out.append(diag("E-LIVE-REVISION", MANIFEST, live=built or "（未记录）", expected=revision))
    return out


def wait_until_fresh(url: str, today: date, revision: str, seconds: float, *, poll: float = POLL_SECONDS,
                     sleep=time.sleep, clock=time.monotonic, say=None) -> list[Diagnostic]:
    """Poll until the live site is fresh, at most ``seconds``; the last findings (none: fresh)."""
    deadline = clock() + seconds
    while True:
        found = live_findings(url, today, revision)
        if not found or clock() + poll > deadline:
            return found
        if say:
            say(f"线上网站尚未更新（{found[0].message}），{poll:.0f} 秒后再查")
        sleep(poll)
