"""The reference consumer (examples/feed_consumer.py) verifies the release before it syncs: across
three consecutive signed, chained builds with an addition, a correction, a withdrawal and a
deletion in between, its copy ends equal to the site's public state; a tampered document, a
forged signature or a rolled-back release is refused and changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from conftest import REPO, edit_row, read_rows, write_rows
from generator.cli import main
from generator.ledger import DELETED
from generator.pipeline import build
from generator.release import MANIFEST, ReleaseInputs, new_key, private_key
from localsite import serve
from test_feeds import snapshot

sys.path.insert(0, str(REPO / "examples"))
from feed_consumer import Replica, Untrusted  # noqa: E402

BASE = "https://gongshi.hrss.nx.example"
PEM, PUBLIC = new_key()
KEY = private_key(PEM)
PEN = "data/penalties.csv"
DAYS = (date(2025, 1, 15), date(2025, 1, 16), date(2025, 1, 17))


def fetcher(out):
    def fetch(url: str) -> bytes:
        assert url.startswith(BASE + "/"), url
        return (out / url[len(BASE) + 1:]).read_bytes()
    return fetch


def public_state(out) -> dict:
    """What the site publishes on the channel its feeds serve: the CSV export's rows of the
    records the 信用中国 file holds too (test_feeds.snapshot: a 轻微 penalty is never sent)."""
    return snapshot(out, "penalties")


def copy_of(replica: Replica) -> dict:
    return {rid: r["fields"] for rid, r in replica.records.items()}


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Three builds of one site, a day apart, each after `gongshi ledger` as CI runs it."""
    import shutil

    from conftest import GOLDEN_SITE

    tmp = tmp_path_factory.mktemp("consumer")
    site = tmp / "site"
    shutil.copytree(GOLDEN_SITE, site)
    outs, previous, ids = [], None, {}
    for n, day in enumerate(DAYS):
        if n == 1:  # an addition and a correction
            edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2025〕1号"}, 公示日期="2025-01-16")
            edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕40号"},
                     **{"罚款金额（元）": "6000", "处罚内容": "罚款人民币6000元"})
            header, rows = read_rows(site / "data/corrections.csv")
            rows.append({"数据集": "penalties", "记录": "银人社监罚〔2024〕40号", "更正日期": "2025-01-16",
                         "更正内容": "罚款金额更正为6000元", "更正原因": "录入错误", "更正依据": "审批单", "经办人": "王某"})
            write_rows(site / "data/corrections.csv", header, rows)
        if n == 2:  # a withdrawal done properly, and a row deleted
            edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕41号"}, 状态="撤下", 状态日期="2025-01-17",
                     状态说明="应处罚机关申请撤下。")
            header, rows = read_rows(site / PEN)
            write_rows(site / PEN, header, [r for r in rows if r["行政处罚决定书文号"] != "贺人社监罚〔2024〕3号"])
        assert main(["ledger", "--site", str(site), "--as-of", day.isoformat()]) == 0
        out = tmp / f"out{n}"
        build(site, out, day, search_index=False, jobs=1,
              release=ReleaseInputs(revision=f"{n:040d}", previous=previous, signing_key=KEY))
        previous = (out / MANIFEST).read_bytes()
        outs.append(out)
    _, rows = read_rows(site / "ledger.csv")
    ids = {r["编号"]: r["记录标识"] for r in rows}
    return outs, ids


def test_consumer_follows_three_releases_to_the_sites_public_state(releases):
    outs, ids = releases
    replica = Replica()
    for out in outs:
        replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(out), key=PUBLIC)
        assert copy_of(replica) == public_state(out)
        assert replica.release["as_of"] == json.loads((out / MANIFEST).read_bytes())["as_of"]
    assert replica.gaps == []  # each release linked to the one before
    fields = replica.records[ids["银人社监罚〔2024〕40号"]]["fields"]
    assert fields["罚款金额（元）"] == "6000"                                     # the correction
    assert ids["银人社监罚〔2025〕1号"] in replica.records                          # the addition
    assert replica.tombstones[ids["银人社监罚〔2024〕41号"]][1] == "撤下"            # the withdrawal
    assert replica.tombstones[ids["贺人社监罚〔2024〕3号"]][1] == DELETED            # the deletion
    # a consumer that starts on the last day holds the same
    fresh = Replica()
    fresh.sync(f"{BASE}/feeds/penalties.xml", fetcher(outs[-1]), key=PUBLIC)
    assert copy_of(fresh) == copy_of(replica)


def test_a_consumer_that_missed_a_release_notes_the_gap(releases):
    outs, _ = releases
    replica = Replica()
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(outs[0]), key=PUBLIC)
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(outs[2]), key=PUBLIC)
    assert replica.gaps == [{"after": "2025-01-15", "before": "2025-01-17"}]
    assert copy_of(replica) == public_state(outs[2])


def test_tampered_document_forged_signature_and_rollback_are_refused(releases, tmp_path):
    import shutil

    outs, _ = releases
    replica = Replica()
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(outs[1]), key=PUBLIC)
    before = json.dumps(replica.dump(), sort_keys=True)
    bad = tmp_path / "bad"
    shutil.copytree(outs[2], bad)
    feed = bad / "feeds/penalties.xml"
    feed.write_bytes(feed.read_bytes().replace("撤下".encode(), "正常".encode(), 1))
    with pytest.raises(Untrusted, match="不符"):
        replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(bad), key=PUBLIC)
    shutil.copyfile(outs[2] / "feeds/penalties.xml", feed)
    (bad / "release.sig").write_bytes(b"AAAA\n")
    with pytest.raises(Untrusted, match="签名无效"):
        replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(bad), key=PUBLIC)
    with pytest.raises(Untrusted, match="回滚"):
        replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(outs[0]), key=PUBLIC)
    assert json.dumps(replica.dump(), sort_keys=True) == before  # nothing applied


def test_the_command_line_consumer_over_http(releases, tmp_path):
    outs, _ = releases
    key = tmp_path / "release-key.pub"
    key.write_bytes(PUBLIC)
    state = tmp_path / "state.json"
    with serve(outs[2]) as (url, _):
        # the documents name the site by its base_url; serve them as if it were this address
        fetch_base = url.rstrip("/")
        script = (f"import sys; sys.path.insert(0, {str(REPO / 'examples')!r}); import feed_consumer as c; "
                  f"real = c.fetch_url; c.fetch_url = lambda u: real(u.replace({BASE!r}, {fetch_base!r})); "
                  f"c.Replica.sync.__defaults__ = (c.fetch_url, None); sys.exit(c.main(sys.argv[1:]))")
        done = subprocess.run([sys.executable, "-c", script, f"{BASE}/feeds/penalties.xml", str(state), str(key)],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "发布 2025-01-17" in done.stdout
    held = json.loads(state.read_text(encoding="utf-8"))
    assert {rid: r["fields"] for rid, r in held["records"].items()} == public_state(outs[2])
