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
