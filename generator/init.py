"""``gongshi init DIR``: a new site that builds at once (issue 11.7).

The site is made from the package's skeleton (``generator/skeleton/``, refreshed from the
repository by ``tests/update_skeleton.py``, and kept equal to it by a test): the configuration of
every item of attachment 2 with its periods, deadlines and legal bases, the Table Schemas, an empty
CSV for each dataset holding its header only (in the canonical form that ``gongshi import``
writes), an empty list of departments with a commented example, one page, and the deployment
files — ``netlify.toml`` with the repository's headers and rules, the CI and daily-rebuild
workflows, and ``requirements.txt`` pinning the gongshi it was made with.

Nothing in it pretends to be real data: the site's name, publisher and address come from the
options, and what only the bureau knows is marked 待填写 where it is shown.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from string import Template

from . import __version__

SKELETON = Path(__file__).resolve().parent / "skeleton"


class InitError(ValueError):
    """The directory cannot take a new site (a usage error)."""


def init_site(target: Path, today: date, *, title: str | None = None, publisher: str | None = None,
              base_url: str | None = None) -> list[str]:
    """Make a new site in ``target`` (absent or empty); the files written, site-relative.
    ``today`` (the CLI's clock) dates the feeds' tag when ``base_url`` is given."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} 已存在且不是空文件夹；请换一个新文件夹名")
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise InitError(f"--base-url “{base_url}”应以 https:// 开头")
    written: list[str] = []

    def put(rel: str, data: str | bytes) -> None:
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        written.append(rel)

    put("site_config.yaml", site_config(today, title, publisher, base_url))
    for schema in sorted((SKELETON / "data").glob("*.schema.json")):
        put(f"data/{schema.name}", schema.read_bytes())
    put("data/agencies.yaml", (SKELETON / "data/agencies.yaml").read_bytes())
    put("content/about.md", (SKELETON / "content/about.md").read_bytes())
    put("netlify.toml", netlify_toml())
    put(".github/workflows/ci.yml", (SKELETON / "workflows/ci.yml").read_bytes())
    put(".github/workflows/daily-deploy.yml", for_site((SKELETON / "workflows/daily-deploy.yml").read_text("utf-8")))
    put(".github/scripts/ledger.sh", for_site((SKELETON / "workflows/ledger.sh").read_text("utf-8")))
    (target / ".github/scripts/ledger.sh").chmod(0o755)
    put(".gitignore", (SKELETON / "gitignore").read_bytes())
    put("requirements.txt", requirements())
    written += _empty_tables(target)
    return sorted(written)


# The repository installs what uv.lock pins into .venv; a site made by init has neither pyproject.toml
# nor uv.lock, and installs the gongshi its requirements.txt pins into the runner's Python.
_INSTALL = ('pip install --quiet "uv==$UV_VERSION" && uv sync --locked', "pip install --quiet -r requirements.txt")


def for_site(text: str) -> str:
    """A workflow or script of the repository (the daily rebuild, the ledger commit) as a new site runs it."""
    if _INSTALL[0] not in text and ".venv/bin/gongshi" not in text:
        raise ValueError("the repository's workflow no longer installs as init expects: update init.for_site")
    lines = [line for line in text.splitlines(keepends=True)
             if not line.lstrip().startswith(("UV_VERSION:", "UV_PYTHON_DOWNLOADS:"))]
    indent = lambda line: len(line) - len(line.lstrip())  # noqa: E731
    lines = [line for i, line in enumerate(lines)  # an env: left empty is a syntax error
             if not (line.strip() == "env:" and (i + 1 == len(lines) or indent(lines[i + 1]) <= indent(line)))]
    return ("".join(lines).replace(*_INSTALL).replace("Install what uv.lock pins", "Install what requirements.txt pins")
            .replace(".venv/bin/gongshi", "gongshi"))


def site_config(today: date, title: str | None, publisher: str | None, base_url: str | None) -> str:
    if base_url:
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        host = base_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0].lower()
        tag = f"  tag: {host},{today.year}      # 订阅源条目标识的域名和年份：上线后永远不要再改\n"
    else:
        tag = ("  # tag: 域名,年份                   # 待填写 base_url 时一并写明（如 hrss.yinchuan.gov.cn,2026），"
               "上线后永远不要再改\n")
    head = Template((SKELETON / "site_config.head.yaml").read_text(encoding="utf-8")).substitute(
        title=_yaml_text(title or "待填写：平台名称"),
        publisher=_yaml_text(publisher or "待填写：主办单位"),
        base_url=base_url or "https://example.invalid/   # 待填写：网站上线后的地址",
        tag=tag)
    return head + (SKELETON / "site_config.datasets.yaml").read_text(encoding="utf-8")


def _yaml_text(text: str) -> str:
    """A one-line YAML string, quoted (a title may hold a colon or start with a bracket)."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def netlify_toml() -> str:
    """The site's build command, then the repository's headers and rules, unchanged."""
    repo = (SKELETON / "netlify.hosting.toml").read_text(encoding="utf-8")
    return (SKELETON / "netlify.head.toml").read_text(encoding="utf-8") + repo


def requirements() -> str:
    """gongshi pinned to what made the site: the commit of the checkout it runs from, when that has
    a remote; else its version.  Its dependencies follow gongshi's own ranges."""
    pin = f"gongshi=={__version__}"
    note = "# 若 gongshi 不在软件包索引上，请改为：gongshi @ git+https://<仓库地址>@<提交编号>\n"
    checkout = SKELETON.parents[1]
    if (checkout / ".git").exists() and shutil.which("git"):
        url, commit = (_git(checkout, *args) for args in (("remote", "get-url", "origin"), ("rev-parse", "HEAD")))
        if url and commit and not Path(url).exists():  # a local path is no source for Netlify
            pin, note = f"gongshi @ git+{url}@{commit}", ""
    return ("# 生成本站点的 gongshi 版本（Netlify 和 CI 按此安装）；升级 gongshi 时修改这一行。\n"
            + note + pin + "\n")


def _git(where: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _empty_tables(target: Path) -> list[str]:
    """Each dataset's CSV (and the corrections log's) with its header only, canonical form."""
    from .config import load_config
    from .excel.canonical import write_csv
    from .schema import load_schema

    config = load_config(target)
    tables = [(ds.file, ds.schema) for ds in config.datasets]
    if config.corrections:
        tables.append((config.corrections.file, config.corrections.schema))
    for file, schema in tables:
        write_csv(target / file, load_schema(target, schema).names, [])
    return [file for file, _ in tables]
