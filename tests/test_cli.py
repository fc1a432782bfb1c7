"""The command line: the clock is read here only, in China's time zone (P2.4)."""

from datetime import date, datetime, timezone

from conftest import GOLDEN_SITE
from generator.cli import main, today_in_china


def test_today_is_the_date_in_china_whatever_the_machine_zone():
    assert today_in_china(datetime(2026, 11, 29, 15, 59, tzinfo=timezone.utc)) == date(2026, 11, 29)
    assert today_in_china(datetime(2026, 11, 29, 16, 0, tzinfo=timezone.utc)) == date(2026, 11, 30)


def test_python_dash_m_generator_is_the_same_command(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(GOLDEN_SITE), "--out",
                           str(tmp_path / "o"), "--as-of", "2025-01-15", "--no-search-index"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "构建完成（2025-01-15）" in proc.stdout and (tmp_path / "o/index.html").is_file()


def test_warnings_do_not_fail_the_build(tmp_path, capsys):
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(tmp_path / "o"), "--as-of", "2025-01-15",
                 "--no-search-index"]) == 0
    err = capsys.readouterr().err
    assert "W-UNREVIEWED" in err and "E-" not in err


def test_output_directory_that_would_swallow_the_site_is_refused(tmp_path, capsys):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site)
    for out in (site, tmp_path, site / "data" / "x"):
        assert main(["build", "--site", str(site), "--out", str(out), "--as-of", "2025-01-15",
                     "--no-search-index"]) == 2
    assert (site / "data/penalties.csv").is_file() and "请用 --out 指定别的目录" in capsys.readouterr().err


def test_timings_place_each_phase_on_the_clock_the_memory_sampler_uses(tmp_path, capsys):
    """``--timings`` prints each phase's length and where the first began on the monotonic clock:
    benchmarks/tree_rss.py puts its memory samples (taken on that clock, in another process) in
    the phases with it — the memory per stage of the growth table (issue 15)."""
    import sys
    import time

    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import tree_rss
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    before = time.monotonic()
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(tmp_path / "o"), "--as-of", "2025-01-15",
                 "--no-search-index", "--timings"]) == 0
    after = time.monotonic()
    log = tmp_path / "build.log"
    log.write_text(capsys.readouterr().err, encoding="utf-8")
    started, lengths = tree_rss.timings(str(log))
    assert before <= started <= after
    names = [name for name, _s in lengths]
    assert names[:2] == ["read+validate+redact+expire+assemble", "render+write"], names
    # one sample inside each of the first two phases, one before and one after the build
    (_, first), (_, second) = lengths[:2]
    series = tmp_path / "series"
    series.write_text(f"{started - 1:.3f} 999999 999999\n"
                      f"{started + first / 2:.3f} 2048 1024\n"
                      f"{started + first + second / 2:.3f} 4096 3072\n"
                      f"{after + 10:.3f} 999999 999999\n", encoding="utf-8")
    rows = {name: (total, largest) for name, _s, total, largest in tree_rss.phases(str(log), str(series))}
    assert rows[names[0]] == (2, 1) and rows[names[1]] == (4, 3)
    assert all(rows[name] == (None, None) for name in names[2:])


def test_ctrl_c_stops_with_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    """An editor who presses Ctrl+C during a long build sees one line, and the exit code of an
    interrupted command (130); the previous output stays (the build never swapped it)."""
    from generator import pipeline

    out = tmp_path / "public"
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--as-of", "2025-01-15",
                 "--no-search-index", "--jobs", "1"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    capsys.readouterr()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "load", interrupted)
    assert main(["build", "--site", str(GOLDEN_SITE), "--out", str(out), "--as-of", "2025-01-15",
                 "--no-search-index", "--jobs", "1"]) == 130
    err = capsys.readouterr().err
    assert "Ctrl+C" in err and "Traceback" not in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
