"""``gongshi check --live URL`` (freshness.py, issue 17 point 2): a site served on 127.0.0.1 that
was built for an earlier day fails with both dates; today's passes; a deploy of another revision
fails; the wait polls until the new deploy is live, and gives up when it does not come."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from conftest import GOLDEN_SITE, REPO
from generator.freshness import wait_until_fresh
from generator.pipeline import build
from generator.release import ReleaseInputs
from localsite import serve

REV = "4f2a9c0e1b7d3a5c8e6f0a2b4c6d8e0f1a3b5c7d"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("live")
    out = {}
    for name, day, rev in (("stale", date(2025, 1, 14), REV), ("fresh", date(2025, 1, 15), REV),
                           ("other", date(2025, 1, 15), "9" * 40)):
        out[name] = base / name
        build(GOLDEN_SITE, out[name], day, search_index=False, jobs=1, release=ReleaseInputs(revision=rev))
    return out


def live(url, *args, today="2025-01-15"):
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--live", url, "--as-of", today,
                           "--revision", REV, *args], capture_output=True, text=True, cwd=REPO, timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_a_stale_site_fails_with_the_dates(sites):
    with serve(sites["stale"]) as (url, _):
        code, out = live(url)
    assert code == 1 and "E-LIVE-STALE" in out and "2025-01-14" in out and "2025-01-15" in out


def test_todays_site_of_the_repositorys_revision_passes(sites):
    with serve(sites["fresh"]) as (url, _):
        code, out = live(url)
        assert code == 0, out
        assert live(url, "--revision", REV[:12])[0] == 0  # an abbreviated commit id is the same revision


def test_a_site_of_another_revision_fails(sites):
    with serve(sites["other"]) as (url, _):
        code, out = live(url)
    assert code == 1 and "E-LIVE-REVISION" in out and REV in out


def test_github_annotations_for_the_workflow(sites):
    with serve(sites["stale"]) as (url, _):
        code, out = live(url, "--format", "github")
    assert code == 1 and "::error" in out and "E-LIVE-STALE" in out


def test_an_unreachable_site_fails(tmp_path):
    code, out = live("http://127.0.0.1:9/")
    assert code == 1 and "E-LIVE-UNREACHABLE" in out
    (tmp_path / "index.html").write_text("<p>旧网站</p>", encoding="utf-8")
    with serve(tmp_path) as (url, _):
        code, out = live(url)
    assert code == 1 and "E-LIVE-UNREACHABLE" in out and "release.json" in out


def test_wait_polls_until_the_new_deploy_is_live(sites):
    with serve(sites["stale"]) as (url, served):
        naps = []

        def sleep(seconds):  # the deploy goes live while the check waits
            naps.append(seconds)
            if len(naps) == 2:
                served.folder = sites["fresh"]

        clock = iter(range(0, 10_000, 30))
        found = wait_until_fresh(url, date(2025, 1, 15), REV, 600, poll=30, sleep=sleep, clock=lambda: next(clock))
    assert found == [] and naps == [30, 30]


def test_wait_is_bounded(sites):
    with serve(sites["stale"]) as (url, served):
        naps = []
        clock = iter(range(0, 10_000, 30))
        found = wait_until_fresh(url, date(2025, 1, 15), REV, 120, poll=30, sleep=naps.append,
                                 clock=lambda: next(clock))
    assert [d.code for d in found] == ["E-LIVE-STALE"] and len(naps) <= 4 and served.requests <= 5
