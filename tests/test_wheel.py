"""gongshi installed from a built wheel — not editable, and away from the source tree — has its
theme, calendar and schemas, and builds the golden site byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, REPO, tree

PACKAGE_DATA = ("generator/theme/base.html", "generator/theme/_macros.html", "generator/theme/static/site.css",
                "generator/theme/static/search.js", "generator/theme/root/favicon.ico", "generator/holidays.yaml",
                "generator/items.yaml", "generator/compliance/report.schema.json")


REVISION = "0" * 40


def test_a_wheel_install_builds_the_golden_site(tmp_path):
    src = tmp_path / "src"  # what the wheel is built from: the package and its metadata, nothing else
    shutil.copytree(REPO / "generator", src / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, src / name)
    # the PEP 517 hook itself, as pip or uv would call it: a venv made by `uv sync` has no pip
    (tmp_path / "dist").mkdir()
    subprocess.run([sys.executable, "-c", "import sys, setuptools.build_meta as b; b.build_wheel(sys.argv[1])",
                    str(tmp_path / "dist")], cwd=src, check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("gongshi-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(PACKAGE_DATA) <= names, set(PACKAGE_DATA) - names
    assert not any(n.startswith(("tests/", "templates/")) for n in names)
    target = tmp_path / "installed"  # a pure-Python wheel installs by unpacking it (PEP 427)
    zipfile.ZipFile(wheel).extractall(target)

    # run from a directory with neither the source tree nor the wheel's build on the path
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")} | {"PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(target)), where
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(GOLDEN_SITE), "--out", str(out),
                           "--as-of", GOLDEN_AS_OF.isoformat(), "--no-search-index", "--jobs", "1",
                           "--revision", REVISION],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    got, want = tree(out), tree(GOLDEN_EXPECTED)
    # the CLI names the data revision (the golden build, through build(), names none)
    want["release.json"] = want["release.json"].replace(b'"revision": null', f'"revision": "{REVISION}"'.encode())
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []
