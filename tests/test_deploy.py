"""Deployment files (README “Deployment”): netlify.toml's build command and security headers, no
inline script in any page (so that the CSP needs no 'unsafe-inline'), the CI and daily workflows."""

import re
import tomllib
from datetime import datetime, timedelta, timezone

import yaml

from conftest import GOLDEN_EXPECTED, REPO

NETLIFY = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
WORKFLOWS = REPO / ".github" / "workflows"


def headers_for(path):
    return next(h["values"] for h in NETLIFY["headers"] if h["for"] == path)


def test_build_command_checks_then_builds_and_pins_python():
    command = NETLIFY["build"]["command"]
    assert command.index("gongshi check") < command.index("gongshi build")
    assert "--fail-on never" in command  # a compliance error must not stop the daily expiry
    assert NETLIFY["build"]["publish"] == "public"
    assert re.fullmatch(r"3\.\d+", NETLIFY["build"]["environment"]["PYTHON_VERSION"])


def test_security_headers():
    values = headers_for("/*")
    csp = dict(part.strip().split(" ", 1) for part in values["Content-Security-Policy"].split(";"))
    assert csp["script-src"].split() == ["'self'", "'wasm-unsafe-eval'"]  # no inline script, no eval
    assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'"
    assert values["X-Content-Type-Options"] == "nosniff" and values["Referrer-Policy"]
    assert "max-age=31536000" in values["Strict-Transport-Security"]


def test_hashed_search_files_are_cached_long_and_unknown_urls_get_the_404_page():
    assert "immutable" in headers_for("/pagefind/fragment/*")["Cache-Control"]
    assert NETLIFY["redirects"][-1] == {"from": "/*", "to": "/404.html", "status": 404}


def test_no_page_has_an_inline_script():
    for page in GOLDEN_EXPECTED.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", page.read_text(encoding="utf-8")):
            assert "src=" in tag, f"inline script in {page.relative_to(GOLDEN_EXPECTED)}"


def test_ci_runs_the_check_as_annotations_and_the_tests_on_every_push():
    ci = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    assert set(ci[True]) == {"push", "pull_request"}  # YAML reads the key `on` as True
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert any(r.startswith("gongshi check --format github") for r in runs)
    assert any("python -m pytest" in r for r in runs)


def test_daily_deploy_runs_just_after_midnight_in_beijing():
    daily = yaml.safe_load((WORKFLOWS / "daily-deploy.yml").read_text(encoding="utf-8"))
    minute, hour, *rest = daily[True]["schedule"][0]["cron"].split()
    assert rest == ["*", "*", "*"]
    utc = datetime(2026, 11, 29, int(hour), int(minute), tzinfo=timezone.utc)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))
    assert beijing.hour == 0 and beijing.minute < 30 and beijing.date() == datetime(2026, 11, 30).date()
    script = daily["jobs"]["deploy"]["steps"][0]["run"]
    assert "secrets.NETLIFY_BUILD_HOOK" in daily["jobs"]["deploy"]["steps"][0]["env"]["HOOK"]
    assert "curl --fail" in script and "exit 1" in script
