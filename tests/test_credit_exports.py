"""The 信用中国 data items of the demo's exports (S1 penalties, S2 licences): every item the
platform holds data for is filled."""

import csv
import shutil
from datetime import date

import pytest

from conftest import REPO, run

AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    site = tmp_path_factory.mktemp("demo")
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    result, report = run(site, AS_OF, out=site / "public")
    assert result, [d.format() for d in report.errors]
    return site / "public"


def rows(out, name):
    with (out / f"opendata/{name}-creditchina.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_licence_items_follow_s2(out):
    """S2: the XK_ codes in their order, the licence's dates and department filled."""
    data = rows(out, "licences")
    assert data and list(data[0])[:3] == ["XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM"]
    for row in data:
        assert row["XK_WSH"] and row["XK_JDRQ"] and row["XK_YXQZ"] and row["XK_XKJGDM"] and row["XK_LYDW"]
        assert row["XK_FR_ZJHM"] == "" and row["XK_XDR_ZJHM"] == ""  # never in a public file (S4)
