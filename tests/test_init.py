"""``gongshi init DIR`` (issue 11.7): a new site that builds and passes the check at once, with the
repository's schemas, datasets, compliance settings and hosting rules."""

import csv
import shutil
import tomllib
from datetime import date

import pytest
import yaml

from conftest import REPO
from generator.cli import main
from generator.compliance import run_check
from generator.config import load_config
from generator.init import SKELETON, init_site
from generator.pipeline import build
from generator.schema import load_schema

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def new_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("init") / "银川站"
    init_site(site, TODAY, title="银川市人力资源和社会保障行政执法公示平台", publisher="银川市人力资源和社会保障局",
              base_url="https://gongshi.yinchuan.example")
    return site


def test_it_builds_and_passes_the_check_at_once(new_site, tmp_path):
    result = build(new_site, tmp_path / "public", TODAY, search_index=False, jobs=1)
    assert result.report.error_count == 0 and (tmp_path / "public/index.html").is_file()
    assert "银川市人力资源和社会保障行政执法公示平台" in (tmp_path / "public/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "public/about/index.html").is_file()  # the sample page
    checked = run_check(new_site, TODAY)
    assert checked.report.error_count == 0, [d.format() for d in checked.report.errors]


def test_the_licence_is_the_bureaus_choice_and_its_example_works_uncommented(new_site, tmp_path):
    """No licence until the bureau decides (the downloads then name none); the commented example,
    uncommented, is a valid setting that the open data names."""
    assert load_config(new_site).licence is None
    site = tmp_path / "site"
    shutil.copytree(new_site, site)
    config = site / "site_config.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  # licence:"))
    for i in range(at, at + 4):
        lines[i] = lines[i].replace("# ", "", 1)
    config.write_text("".join(lines), encoding="utf-8")
    assert load_config(site).licence.name == "CC-BY-4.0"
    result = build(site, tmp_path / "public", TODAY, search_index=False, jobs=1)
    assert result.report.error_count == 0
    assert "CC-BY-4.0" in (tmp_path / "public/opendata/datapackage.json").read_text(encoding="utf-8")


def test_every_dataset_has_an_empty_canonical_csv_with_its_schemas_header(new_site):
    config = load_config(new_site)
    tables = [(ds.file, ds.schema) for ds in config.datasets] + [(config.corrections.file, config.corrections.schema)]
    assert len(tables) == len(list((REPO / "data").glob("*.schema.json")))
    for file, schema in tables:
        data = (new_site / file).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\n") and b"\r" not in data
        rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
        assert rows == [list(load_schema(new_site, schema).names)]


def test_settings_from_the_options_and_the_repositorys_sections(new_site):
    config = load_config(new_site)
    assert config.publisher == "银川市人力资源和社会保障局" and config.base_url == "https://gongshi.yinchuan.example/"
    assert config.tag == "gongshi.yinchuan.example,2026" and config.correction.department == config.publisher
    mine = yaml.safe_load((new_site / "site_config.yaml").read_text(encoding="utf-8"))
    repo = yaml.safe_load((REPO / "site_config.yaml").read_text(encoding="utf-8"))
    for section in ("datasets", "compliance", "corrections", "remedy"):
        assert mine[section] == repo[section], section
    assert load_config(new_site).agencies_file == "data/agencies.yaml"


def test_deployment_files_serve_what_the_repository_serves(new_site):
    mine = tomllib.loads((new_site / "netlify.toml").read_text(encoding="utf-8"))
    repo = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    assert mine["headers"] == repo["headers"] and mine.get("redirects") == repo.get("redirects")
    assert mine["build"]["publish"] == "public" and "requirements.txt" in mine["build"]["command"]
    # the repository's daily rebuild and ledger script, installing from requirements.txt instead of uv.lock
    from generator.init import for_site

    daily = (new_site / ".github/workflows/daily-deploy.yml").read_text(encoding="utf-8")
    assert daily == for_site((REPO / ".github/workflows/daily-deploy.yml").read_text(encoding="utf-8"))
    ledger = new_site / ".github/scripts/ledger.sh"
    assert ledger.read_text(encoding="utf-8") == for_site((REPO / ".github/scripts/ledger.sh").read_text(encoding="utf-8"))
    assert ledger.stat().st_mode & 0o111
    for text in (daily, ledger.read_text(encoding="utf-8")):
        assert "uv sync" not in text and ".venv/" not in text and "uv.lock" not in text
    assert daily.count("pip install --quiet -r requirements.txt") == 2  # the deploy job and the report job
    assert ".github/scripts/ledger.sh" in daily
    ci = yaml.safe_load((new_site / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    steps = " ".join(s.get("run", "") for s in ci["jobs"]["check"]["steps"])
    assert "pip install --quiet -r requirements.txt" in steps and "gongshi check --format github" in steps
    ledger_steps = " ".join(s.get("run", "") for s in ci["jobs"]["ledger"]["steps"])
    assert "requirements.txt" in ledger_steps and ".github/scripts/ledger.sh" in ledger_steps
    pin = [line for line in (new_site / "requirements.txt").read_text(encoding="utf-8").splitlines()
           if line and not line.startswith("#")]
    assert len(pin) == 1 and pin[0].startswith("gongshi")
    assert "public/" in (new_site / ".gitignore").read_text(encoding="utf-8")


def test_the_skeleton_is_the_repositorys(tmp_path):
    """The package carries copies of the repository's files (a wheel has no repository):
    refresh them with tests/update_skeleton.py."""
    import update_skeleton

    for rel, data in update_skeleton.copies().items():
        assert (SKELETON / rel).read_bytes() == data, f"{rel}: run python tests/update_skeleton.py"
    assert {p.name for p in (SKELETON / "data").glob("*.schema.json")} == \
        {p.name for p in (REPO / "data").glob("*.schema.json")}


def test_without_options_what_is_unknown_is_marked_to_fill(tmp_path, capsys):
    site = tmp_path / "s"
    assert main(["init", str(site)]) == 0
    out = capsys.readouterr().out
    assert "待填写" in out and "site.base_url" in out and "gongshi serve --site" in out
    text = (site / "site_config.yaml").read_text(encoding="utf-8")
    assert "待填写：平台名称" in text and "\n  tag:" not in text  # no tag until the address is known
    assert main(["build", "--site", str(site), "--as-of", "2026-11-30", "--no-search-index"]) == 0


def test_a_title_with_a_colon_or_quotes_is_quoted(tmp_path):
    site = tmp_path / "s"
    init_site(site, TODAY, title='平台: "试行"', publisher="[局]")
    config = load_config(site)
    assert (config.title, config.publisher) == ('平台: "试行"', "[局]")


@pytest.mark.parametrize("prepare, args, said", [
    (lambda d: (d / "x.txt").write_text("x"), [], "不是空文件夹"),
    (lambda d: None, ["--base-url", "gongshi.example"], "https://"),
])
def test_refusals_are_usage_errors_and_write_nothing(tmp_path, capsys, prepare, args, said):
    site = tmp_path / "s"
    site.mkdir()
    prepare(site)
    before = sorted(site.rglob("*"))
    assert main(["init", str(site), *args]) == 2
    assert said in capsys.readouterr().err and sorted(site.rglob("*")) == before


def test_the_missing_configuration_hint_is_true(tmp_path, capsys):
    assert main(["build", "--site", str(tmp_path), "--as-of", "2026-11-30", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "E-FILE-MISSING" in err and "gongshi init" in err
    assert main(["init", str(tmp_path / "new")]) == 0
    assert main(["build", "--site", str(tmp_path / "new"), "--as-of", "2026-11-30", "--no-search-index"]) == 0


def test_the_new_sites_workflows_pass_actionlint(new_site):
    import subprocess

    from test_deploy import actionlint

    workflows = sorted(str(p) for p in (new_site / ".github/workflows").glob("*.yml"))
    result = subprocess.run([actionlint(), "-color=false", *workflows], cwd=new_site, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_new_sites_actions_are_the_repositorys_versions(new_site):
    """Dependabot updates the repository's workflows; the skeleton follows them."""
    import re

    def uses(path):
        return set(re.findall(r"uses: (\S+)", path.read_text(encoding="utf-8")))

    repo = uses(REPO / ".github/workflows/ci.yml")
    mine = uses(new_site / ".github/workflows/ci.yml")
    assert mine and mine <= repo, mine - repo
