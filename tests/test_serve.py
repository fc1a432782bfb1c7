"""``gongshi serve`` (issue 11.6): started on a free port, it serves the built site with
netlify.toml's headers and the built 410 rules; a changed CSV is rebuilt and the page changes;
a failed rebuild shows its errors above the last good site; changed records are printed."""

import shutil
import threading
import time
import urllib.error
import urllib.request
from datetime import date

import pytest

from conftest import GOLDEN_AS_OF, REPO, edit_row
from generator.serve import serve, watched

PEN = "data/penalties.csv"
ROW = {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}
RECORD = "/penalties/"


class Running:
    """serve() in a thread, its console lines collected."""

    def __init__(self, site, search_index=False):
        self.lines: list[str] = []
        self.stop = threading.Event()
        got = threading.Event()
        self.address = ""

        def ready(address):
            self.address = address
            got.set()

        self.thread = threading.Thread(target=serve, args=(site, 0, lambda: GOLDEN_AS_OF, search_index),
                                       kwargs={"ready": ready, "stop": self.stop, "log": self.lines.append,
                                               "today": lambda: GOLDEN_AS_OF},
                                       daemon=True)
        self.thread.start()
        assert got.wait(60), self.lines

    def get(self, path):
        try:
            with urllib.request.urlopen(self.address + path, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8")

    def until(self, path, test, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.get(path)
            if test(answer):
                return answer
            time.sleep(0.2)
        raise AssertionError(f"{path}: not seen in {timeout} s; console: {self.lines}")

    def close(self):
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def served(site):
    shutil.copyfile(REPO / "netlify.toml", site / "netlify.toml")
    running = Running(site)
    yield site, running
    running.close()


def record_url(running, number: str) -> str:
    """The page of the record whose 文号 is ``number``, found as a reader would: from the list."""
    import re

    for url in re.findall(r'href="(/penalties/[0-9a-f]{16}/)"', running.get(RECORD)[2]):
        if number in running.get(url)[2]:
            return url
    raise AssertionError(number)


def test_a_changed_csv_changes_the_page(served):
    site, running = served
    url = record_url(running, ROW["行政处罚决定书文号"])
    status, headers, page = running.get(url)
    assert status == 200 and "预览测试" not in page
    assert "Content-Security-Policy" in headers and headers["X-Content-Type-Options"] == "nosniff"
    edit_row(site / PEN, ROW, 案件名称="银川某公司未依法缴纳社会保险费案（预览测试）")
    running.until(url, lambda a: "预览测试" in a[2])
    changed = [line for line in running.lines if line.strip().startswith("已更改：")]
    assert len(changed) == 1 and running.address + url in changed[0] and "预览测试" in changed[0]


def test_added_records_are_printed(served):
    site, running = served
    from conftest import read_rows, write_rows

    header, rows = read_rows(site / PEN)
    new = dict(rows[0], 行政处罚决定书文号="银人社监罚〔2024〕99号", 案件名称="新增案件（预览测试）")
    write_rows(site / PEN, header, rows + [new])
    running.until(RECORD, lambda a: "〔2024〕99号" in a[2])
    assert any(line.strip().startswith("新增：") and "新增案件" in line for line in running.lines), running.lines


def test_withdrawn_records_answer_410_and_unknown_urls_the_404_page(served):
    _, running = served
    status, _, page = running.get("/penalties/a633e21e21658175/")
    assert status == 410 and "撤" in page
    status, headers, _ = running.get("/no/such/page/")
    assert status == 404 and headers["Content-Type"].startswith("text/html")


def test_a_failed_rebuild_shows_its_errors_over_the_last_good_site(served):
    site, running = served
    from conftest import read_rows

    good = next(r for r in read_rows(site / PEN)[1] if r["行政处罚决定书文号"] == ROW["行政处罚决定书文号"])["统一社会信用代码"]
    edit_row(site / PEN, ROW, 统一社会信用代码=good[:-1] + ("0" if good[-1] != "0" else "1"))
    status, _, page = running.until("/", lambda a: "gongshi-preview-errors" in a[2])
    assert status == 200 and "E-USCC" in page and "Excel 第2行" in page  # the report, as the build prints it
    assert "<h1>" in page  # the last good site, below the report
    assert any("构建失败" in line for line in running.lines)
    edit_row(site / PEN, ROW, 统一社会信用代码=good)
    running.until("/", lambda a: "gongshi-preview-errors" not in a[2])


def test_reload_script_is_served_as_a_file_the_policy_allows(served):
    _, running = served
    _, _, page = running.get("/")
    assert '<script src="/__gongshi__/reload.js"' in page and "<script>" not in page
    status, headers, script = running.get("/__gongshi__/reload.js")
    assert status == 200 and "location.reload" in script
    before = running.get("/__gongshi__/version")[2]
    assert before.isdigit()


def test_a_first_build_that_fails_is_the_page(site):
    edit_row(site / PEN, ROW, 处罚决定日期="2042-03-05")
    running = Running(site)
    try:
        status, _, page = running.get("/penalties/")
        assert status == 503 and "E-DATE-FUTURE" in page
    finally:
        running.close()


def test_only_inputs_are_watched(site):
    (site / "public").mkdir()
    folders, files = watched(site)
    assert site.resolve() / "data" in folders and site.resolve() / "content" in folders
    assert all(f != site.resolve() and "public" not in f.parts for f in folders)
    assert files == {site.resolve() / "site_config.yaml"}


def test_a_busy_port_is_a_usage_error(site, capsys):
    import socket

    from generator.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--site", str(site), "--port", str(port), "--as-of", "2025-01-15"]) == 2
    assert "--port" in capsys.readouterr().err
