"""Deployment files (README “Deployment”): what Netlify installs and runs (uv.lock, agreeing with
pyproject.toml), its security headers, the workflows (linted by actionlint), the update path
(Dependabot), and the built pages checked by the Nu HTML Checker."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from conftest import GOLDEN_EXPECTED, REPO, run

NETLIFY = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
WORKFLOWS = REPO / ".github" / "workflows"
CI = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
# actionlint and the Nu HTML Checker must run in CI (.ci/run and ci.yml set this); elsewhere a
# missing tool skips its test
LINT_REQUIRED = os.environ.get("GONGSHI_LINT_REQUIRED") == "1"


def headers_for(path):
    return next(h["values"] for h in NETLIFY["headers"] if h["for"] == path)


def need(tool, found):
    if found:
        return found
    if LINT_REQUIRED:
        raise AssertionError(f"GONGSHI_LINT_REQUIRED=1 but {tool} is missing (.ci/run installs it)")
    pytest.skip(f"{tool} is not installed")


# ---------------------------------------------------------------- what Netlify runs

def test_the_build_cache_is_kept_between_deploys_and_runs():
    """Netlify's local plugin and the CI workflow keep the folder the build command names
    (README "The build cache"), and git never holds it."""
    folder = re.search(r"--cache (\S+)", NETLIFY["build"]["command"]).group(1)
    plugin = REPO / NETLIFY["plugins"][0]["package"].lstrip("/")
    assert (plugin / "manifest.yml").is_file()
    assert f'const CACHE = "{folder}";' in (plugin / "index.js").read_text(encoding="utf-8")
    ci = (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    assert f"path: {folder}\n" in ci and f"gongshi build --cache {folder}" in ci
    assert f"{folder}/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_build_installs_the_lock_checks_then_builds_and_pins_python():
    command = NETLIFY["build"]["command"]
    steps = [s.strip() for s in command.split("&&")]
    assert re.fullmatch(r"pip install --quiet uv==\d+\.\d+\.\d+", steps[0])
    # exactly the lock, nothing resolved at deploy time (not even a build backend for gongshi)
    assert steps[1] == "uv sync --frozen --no-install-project"
    assert steps[2:] == [".venv/bin/python -m generator check --fail-on never",
                         ".venv/bin/python -m generator build --cache .gongshi-cache --timings --explain"]
    assert NETLIFY["build"]["publish"] == "public"
    assert re.fullmatch(r"3\.\d+", NETLIFY["build"]["environment"]["PYTHON_VERSION"])
    assert NETLIFY["build"]["environment"]["UV_PYTHON_DOWNLOADS"] == "never"


def uv_versions():
    """Where uv's version is pinned: Netlify's command, ci.yml, .ci/run."""
    return {
        "netlify.toml": re.search(r"uv==([\d.]+)", NETLIFY["build"]["command"]).group(1),
        "ci.yml": CI["env"]["UV_VERSION"],
        ".ci/run": re.search(r"^UV_VERSION=([\d.]+)", (REPO / ".ci/run").read_text(encoding="utf-8"), re.M).group(1),
    }


def test_every_install_uses_the_same_uv_and_the_lock():
    versions = uv_versions()
    assert len(set(versions.values())) == 1, versions
    from packaging.specifiers import SpecifierSet

    assert next(iter(versions.values())) in SpecifierSet(PYPROJECT["tool"]["uv"]["required-version"])
    installs = [step["run"] for job in CI["jobs"].values() for step in job["steps"] if "uv sync" in step.get("run", "")]
    assert len(installs) == len(CI["jobs"]) and all("uv sync --locked" in r for r in installs)
    assert "uv sync --locked --all-extras" in (REPO / ".ci/run").read_text(encoding="utf-8")


def test_security_headers():
    values = headers_for("/*")
    csp = dict(part.strip().split(" ", 1) for part in values["Content-Security-Policy"].split(";"))
    assert csp == {  # nothing unless named; the site's own files only; WebAssembly for Pagefind
        "default-src": "'none'", "script-src": "'self' 'wasm-unsafe-eval'", "worker-src": "'self'",
        "style-src": "'self'", "img-src": "'self'", "connect-src": "'self'", "font-src": "'self'",
        "manifest-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'",
        "frame-ancestors": "'none'"}
    assert values["X-Content-Type-Options"] == "nosniff" and values["Referrer-Policy"]
    assert "max-age=31536000" in values["Strict-Transport-Security"]
    assert "Cache-Control" not in values  # Netlify's default; set twice for a path would be ambiguous


def test_hashed_search_files_are_cached_long_and_unknown_urls_get_the_404_page():
    for path in ("/pagefind/fragment/*", "/pagefind/index/*", "/pagefind/*.pf_meta"):
        assert headers_for(path)["Cache-Control"] == "public, max-age=31536000, immutable"
    assert NETLIFY["redirects"][-1] == {"from": "/*", "to": "/404.html", "status": 404}


def test_no_page_has_an_inline_script_or_style():
    """style-src 'self' and script-src without 'unsafe-inline': neither may appear in a page."""
    for page in GOLDEN_EXPECTED.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline script in {page.relative_to(GOLDEN_EXPECTED)}"
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", html), page.relative_to(GOLDEN_EXPECTED)


# ---------------------------------------------------------------- uv.lock agrees with pyproject.toml

def _name(name):
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


def _declared():
    """Every requirement of pyproject.toml (dependencies and every extra), as packaging reads it."""
    from packaging.requirements import Requirement

    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra, items in project.get("optional-dependencies", {}).items():
        for r in items:
            marker = Requirement(r).marker
            reqs.append(Requirement(f"{r.split(';')[0]}; " + (f"({marker}) and " if marker else "") + f"extra == '{extra}'"))
    return reqs


def _locked():
    packages = defaultdict(list)
    for p in LOCK["package"]:
        packages[_name(p["name"])].append(p)
    return packages


def test_every_requirement_of_pyproject_is_locked_at_a_version_it_admits():
    from packaging.version import Version

    locked = _locked()
    for req in _declared():
        entries = locked.get(_name(req.name))
        assert entries, f"{req.name} is in pyproject.toml but not in uv.lock: run `uv lock`"
        for entry in entries:
            assert req.specifier.contains(Version(entry["version"]), prereleases=True), \
                f"uv.lock pins {req.name} {entry['version']}, outside {req.specifier} of pyproject.toml: run `uv lock`"
            for extra in req.extras:  # e.g. pagefind[extended]
                assert extra in entry.get("optional-dependencies", {}), f"{req.name}[{extra}] not locked"


def test_the_lock_was_made_from_this_pyproject():
    """uv.lock records the requirements it was resolved for: they are pyproject.toml's own, so a
    requirement added, removed or narrowed without `uv lock` fails here (and `uv sync --locked`)."""
    from packaging.markers import Marker
    from packaging.specifiers import SpecifierSet

    [root] = _locked()[_name(PYPROJECT["project"]["name"])]
    assert root["source"] == {"editable": "."}
    recorded = {(_name(r["name"]), frozenset(r.get("extras", ())), SpecifierSet(r.get("specifier", "")),
                 str(Marker(r["marker"])) if "marker" in r else "") for r in root["metadata"]["requires-dist"]}
    declared = {(_name(r.name), frozenset(r.extras), r.specifier, str(r.marker) if r.marker else "")
                for r in _declared()}
    assert recorded == declared
    assert set(root.get("optional-dependencies", {})) == set(PYPROJECT["project"]["optional-dependencies"])
    assert LOCK["requires-python"] == PYPROJECT["project"]["requires-python"]


def test_nothing_is_locked_that_nothing_needs():
    """Every locked package is reached from gongshi through the dependencies the lock records
    (markers ignored: the lock serves every platform)."""
    locked = _locked()
    root = _name(PYPROJECT["project"]["name"])
    reached, todo = set(), [(root, frozenset(PYPROJECT["project"]["optional-dependencies"]))]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in reached:
            continue
        reached.add((name, extras))
        for entry in locked[name]:
            deps = list(entry.get("dependencies", []))
            for extra in extras:
                deps += entry.get("optional-dependencies", {}).get(extra, [])
            todo += [(_name(d["name"]), frozenset(d.get("extra", ()))) for d in deps]
    assert set(locked) - {name for name, _ in reached} == set()


def test_the_lock_pins_every_file_by_its_hash():
    for entry in LOCK["package"]:
        if entry["source"].get("registry"):
            files = entry.get("wheels", []) + ([entry["sdist"]] if "sdist" in entry else [])
            assert files and all(f["hash"].startswith("sha256:") for f in files), entry["name"]


def test_the_lock_check_catches_a_requirement_added_without_relocking(monkeypatch):
    """The agreement tests fail on the mismatch they exist for."""
    project = dict(PYPROJECT["project"], dependencies=[*PYPROJECT["project"]["dependencies"], "no-such-package>=1"])
    monkeypatch.setitem(PYPROJECT, "project", project)
    with pytest.raises(AssertionError, match="no-such-package is in pyproject.toml but not in uv.lock"):
        test_every_requirement_of_pyproject_is_locked_at_a_version_it_admits()
    project["dependencies"] = [d.replace("jinja2>=3.1", "jinja2>=99") for d in PYPROJECT["project"]["dependencies"]
                               if not d.startswith("no-such-package")]
    with pytest.raises(AssertionError, match="outside >=99"):
        test_every_requirement_of_pyproject_is_locked_at_a_version_it_admits()
    with pytest.raises(AssertionError):
        test_the_lock_was_made_from_this_pyproject()


# ---------------------------------------------------------------- workflows and the update path

def test_ci_reports_the_check_everywhere_it_is_read_and_runs_the_tests():
    check = CI["jobs"]["check"]["steps"]
    runs = [step.get("run", "") for step in check]
    assert any(r.startswith(".venv/bin/gongshi check --format github") for r in runs)
    summary = next(s for s in check if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "always()" and "--format markdown" in summary["run"]
    assert "--format text --max-per-code 0" in summary["run"] and "--format json --max-per-code 0" in summary["run"]
    upload = next(s for s in check if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "check-report/"
    caches = [s for job in CI["jobs"].values() for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")
              and "~/.cache/uv" in s["with"]["path"]]  # the package caches (the build cache is keyed apart)
    assert len(caches) == len(CI["jobs"]) and all("hashFiles('uv.lock'" in s["with"]["key"] for s in caches)
    tests = CI["jobs"]["tests"]["steps"]
    assert any(".venv/bin/python -m pytest" in s.get("run", "") and s["env"]["GONGSHI_LINT_REQUIRED"] == "1"
               for s in tests)
    assert set(CI[True]) == {"push", "pull_request"}  # YAML reads the key `on` as True


def test_daily_deploy_runs_just_after_midnight_in_beijing():
    daily = yaml.safe_load((WORKFLOWS / "daily-deploy.yml").read_text(encoding="utf-8"))
    minute, hour, *rest = daily[True]["schedule"][0]["cron"].split()
    assert rest == ["*", "*", "*"]
    utc = datetime(2026, 11, 29, int(hour), int(minute), tzinfo=timezone.utc)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))
    assert beijing.hour == 0 and beijing.minute < 30 and beijing.date() == datetime(2026, 11, 30).date()
    steps = daily["jobs"]["deploy"]["steps"]
    hook = next(s for s in steps if "HOOK" in s.get("env", {}))
    assert "secrets.NETLIFY_BUILD_HOOK" in hook["env"]["HOOK"]
    assert "curl --fail" in hook["run"] and "exit 1" in hook["run"]
    # after the hook (issue 17.2): the ledger before it, the freshness check after it (bounded),
    # an issue when it fails, and the schedule re-enabled on every run
    runs = [s.get("run", "") for s in steps]
    assert runs.index(".github/scripts/ledger.sh") < steps.index(hook)
    live = next(i for i, r in enumerate(runs) if "gongshi check --live site" in r)
    assert live > steps.index(hook) and "--wait" in runs[live]
    opened = next(s for s in steps if "gh issue create" in s.get("run", ""))
    assert opened["if"] == "failure()" and daily["permissions"]["issues"] == "write"
    alive = next(s for s in steps if "/enable" in s.get("run", ""))
    assert alive["if"] == "always()" and daily["permissions"]["actions"] == "write"


def test_dependabot_proposes_every_pinned_thing_weekly_after_a_cooldown():
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    updates = {(u["package-ecosystem"], u["directory"]): u for u in config["updates"]}
    assert set(updates) == {("uv", "/"), ("npm", "/.ci"), ("github-actions", "/")}
    assert (REPO / "uv.lock").is_file() and (REPO / ".ci/package-lock.json").is_file()
    assert updates["uv", "/"]["versioning-strategy"] == "lockfile-only"  # pyproject's ranges stay
    for u in updates.values():
        assert u["schedule"]["interval"] == "weekly" and u["cooldown"]["default-days"] >= 3
    npm = json.loads((REPO / ".ci/package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / ".ci/package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/vnu-jar"]["version"] == npm["devDependencies"]["vnu-jar"]


def actionlint():
    here = Path(sys.executable).parent / "actionlint"
    return need("actionlint (the lint extra: uv sync --all-extras)", str(here) if here.exists() else shutil.which("actionlint"))


def test_actionlint_passes_on_every_workflow():
    result = subprocess.run([actionlint(), "-color=false"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    if LINT_REQUIRED:  # with shellcheck, the run: scripts are checked too
        need("shellcheck", shutil.which("shellcheck"))


def test_actionlint_finds_a_broken_workflow(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/x.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nonsense }}\n",
        encoding="utf-8")
    result = subprocess.run([actionlint(), "-color=false", ".github/workflows/x.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "nonsense" in result.stdout, result.stdout + result.stderr


# ---------------------------------------------------------------- the Nu HTML Checker

def vnu(paths):
    """Errors of the Nu HTML Checker (vnu.jar from .ci/package-lock.json) on these files."""
    jar = REPO / ".ci/node_modules/vnu-jar/build/dist/vnu.jar"
    need("vnu.jar (npm ci --prefix .ci)", jar.is_file())
    java = need("java (Debian: default-jre-headless)", shutil.which("java"))
    result = subprocess.run([java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, paths)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m["type"] == "error" or m.get("subType") == "fatal"]


def test_nu_html_checker_finds_no_error_in_the_demo_site_and_the_golden_output(tmp_path):
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    result, report = run(site, date(2026, 11, 29), out=site / "public")
    assert result, [d.format() for d in report.errors]
    pages = sorted((site / "public").rglob("*.html")) + sorted(GOLDEN_EXPECTED.rglob("*.html"))
    assert len(pages) > 300
    assert vnu(pages) == []


def test_nu_html_checker_finds_an_error(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="zh-CN"><head><title>x</title></head><body><p><div>x</p></body></html>',
                   encoding="utf-8")
    assert any("“p”" in e for e in vnu([bad]))
