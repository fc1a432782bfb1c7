"""CI attaches the supervision report to every run and puts its figures in the job summary; the
daily run keeps that day's report for 90 days (issue 16)."""

import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def steps(workflow: str, job: str) -> list[dict]:
    return yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"][job]["steps"]


def test_every_ci_run_attaches_the_report_and_summarises_it():
    check = steps("ci.yml", "check")
    script = next(s for s in check if "--format html" in s.get("run", ""))
    assert script["if"] == "always()" and '--out check-report/supervision-report.html "${args[@]}"' in script["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in script["run"].split("--format html", 1)[1]  # the figures' line
    upload = next(s for s in check if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "check-report/" and upload["if"] == "always()"


def test_the_daily_report_is_kept_for_90_days_and_summarised():
    daily = yaml.safe_load((WORKFLOWS / "daily-deploy.yml").read_text(encoding="utf-8"))
    job = daily["jobs"]["report"]
    assert job["permissions"] == {"contents": "read"}  # checks out the data, nothing more
    run = next(s["run"] for s in job["steps"] if "--format html" in s.get("run", ""))
    assert "TZ=Asia/Shanghai date +%F" in run and "--as-of" not in run  # today in China, as the build
    assert "GITHUB_STEP_SUMMARY" in run
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["retention-days"] == 90 and upload["with"]["path"] == "supervision-report/"
    assert "deploy" in daily["jobs"]  # beside the rebuild, not instead of it
