"""Command line: ``gongshi build [--site DIR] [--out DIR] [--as-of YYYY-MM-DD] [--max-per-code N]``,
``gongshi check [--site DIR] [--as-of DATE] [--format text|github|json|markdown|html] [--out FILE]
[--fail-on error|warning|never] [--max-per-code N] [--since REV]``, ``gongshi check --live URL|site``,
``gongshi ledger``, ``gongshi verify DIR|URL``, ``gongshi keygen``,
``gongshi excel DATASET [--site DIR] [--out FILE.xlsx] [--empty]`` and
``gongshi import FILE.xlsx [--site DIR] [--dataset NAME]``,
``gongshi init DIR [--title T] [--publisher P] [--base-url URL]`` and
``gongshi serve [--site DIR] [--port N] [--as-of DATE] [--search-index]``.

Exit codes: 0 success (warnings allowed), 1 the inputs have errors, 2 usage error.  The CLI is
the only place that reads the clock; "today" is the date in China (P2.4).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from . import __version__
from .dates import CHINA
from .diagnostics import DEFAULT_MAX_PER_CODE, BuildFailed


def today_in_china(now: datetime | None = None) -> date:
    now = now or datetime.now(timezone.utc)
    return now.astimezone(CHINA).date()


def _as_of(text: str) -> date:
    from .dates import EARLIEST, LATEST

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None
    if not EARLIEST <= day <= LATEST:  # the dates the data may hold: no period runs off the calendar
        raise argparse.ArgumentTypeError(f"“{text}”不在 {EARLIEST} 至 {LATEST} 之间")
    return day


def _max_per_code(text: str) -> int | None:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"“{text}”不是非负整数")
    return n or None  # 0: no limit


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"“{text}”不是 0–65535 之间的端口号")
    return int(text)


def _add_max_per_code(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-per-code", type=_max_per_code, default=DEFAULT_MAX_PER_CODE, metavar="N",
                   help=f"同一文件同一代码的问题最多列出 N 条，其余只计数（默认 {DEFAULT_MAX_PER_CODE}；0：全部列出）")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongshi", description="宁夏人社行政执法公示平台的静态网站生成器")
    p.add_argument("--version", action="version", version=f"gongshi {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="校验数据并生成网站")
    b.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    b.add_argument("--out", type=Path, default=None, help="输出目录，默认 <site>/public")
    b.add_argument("--as-of", type=_as_of, default=None, help="按哪一天生成（YYYY-MM-DD），默认北京时间今天")
    b.add_argument("--no-search-index", action="store_true", help="不生成检索索引（全文索引和查询索引；用于快速预览和性能测试）")
    b.add_argument("--jobs", type=int, default=None, help="并行进程数，默认为 CPU 核数")
    b.add_argument("--timings", action="store_true", help="输出各阶段耗时（用于性能测试）")
    b.add_argument("--cache", type=Path, default=None, metavar="DIR",
                   help="构建缓存目录（不得位于输出目录中）：输入未变的检索索引直接复用；输出与不用缓存时逐字节相同")
    b.add_argument("--explain", action="store_true", help="说明哪些部分复用了缓存、哪些重新生成及原因")
    b.add_argument("--revision", default=None, metavar="COMMIT",
                   help="写入 release.json 的数据版本；默认取 Netlify 的 COMMIT_REF、GitHub 的 GITHUB_SHA 或 git 的 HEAD")
    b.add_argument("--previous", default=None, metavar="URL|FILE|live|none",
                   help="上一次发布的 release.json（发布链）：网址、文件，live 为线上网站的（site.base_url），"
                        "默认取环境变量 GONGSHI_PREVIOUS_RELEASE，没有则不链接")
    _add_max_per_code(b)
    c = sub.add_parser("check", help="合规检查：构建会拒绝的问题、公示时限、撤回、纠错答复、法制审核等（不写任何文件）")
    c.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    c.add_argument("--as-of", type=_as_of, default=None, help="按哪一天检查（YYYY-MM-DD），默认北京时间今天")
    c.add_argument("--format", choices=("text", "github", "json", "markdown", "html"), default="text",
                   help="text：逐行文字；github：GitHub Actions 注释（另附文字报告）；markdown：作业摘要"
                        "（写入 $GITHUB_STEP_SUMMARY）；json：机器可读（见 generator/compliance/report.schema.json）；"
                        "html：公示情况监督报告（及时率、今日问题、到期提示，单个网页文件）")
    c.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="把报告写入 FILE（标准输出只打印一行结论），如 --format html --out report.html")
    c.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="有该级别及以上的问题时退出码为 1（默认 error；never：只报告，用于部署前）")
    c.add_argument("--since", metavar="REV", default=None,
                   help="与 git 版本 REV（提交号、分支或标签）比较已公示的内容：删除、改标识、未登记更正的修改、"
                        "改公示日期、倒填日期（拉取请求中用其基准版本，推送时用上一个提交）")
    c.add_argument("--live", metavar="URL", default=None,
                   help="只检查线上网站是否为今天生成、是否为仓库当前的数据版本（读取 URL/release.json）；"
                        "site 表示 site_config.yaml 中的 site.base_url")
    c.add_argument("--revision", default=None, metavar="COMMIT",
                   help="--live：线上网站应有的数据版本，默认为 --site 所在仓库的 HEAD")
    c.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="--live：等待新的部署上线，最多 SECONDS 秒（每 30 秒查一次）")
    _add_max_per_code(c)
    g = sub.add_parser("ledger", help="更新公示台账 ledger.csv：记下已公示的记录和撤下、删除的记录（CI 自动运行并提交）")
    g.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    g.add_argument("--as-of", type=_as_of, default=None, help="按哪一天更新（YYYY-MM-DD），默认北京时间今天")
    v = sub.add_parser("verify", help="核对发布：release.json 中每个文件的 SHA-256、签名和与上一次发布的链接")
    v.add_argument("source", help="gongshi build 的输出目录，或网站地址（https://…/）")
    v.add_argument("--key", default=None, metavar="PEM|ed25519:…",
                   help="从可信渠道取得的签名公钥（PEM 文件或 ed25519:base64）；不指定时用清单中声明的公钥")
    v.add_argument("--previous", default=None, metavar="FILE|URL", help="此前保存的上一份 release.json，核对发布链")
    k = sub.add_parser("keygen", help="生成发布签名密钥（Ed25519）：私钥设为 GONGSHI_SIGNING_KEY 密钥变量，公钥公布")
    k.add_argument("--public", type=Path, default=Path("release-key.pub"), help="公钥文件，默认 release-key.pub")
    x = sub.add_parser("excel", help="把数据集导出为 Excel 工作簿（带填写说明、下拉列表和格式），编辑后用 gongshi import 导回")
    x.add_argument("dataset", help="数据集名（site_config.yaml 中 datasets 下的名称，如 penalties；更正记录为 corrections）")
    x.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    x.add_argument("--out", type=Path, default=None, help="工作簿路径，默认当前目录下的 <数据集名>.xlsx（不能放在 data/ 中）")
    x.add_argument("--empty", action="store_true", help="只要表头和格式，不含现有数据（空白模板）")
    i = sub.add_parser("import", help="校验 Excel 工作簿，无错误时写回数据集的 CSV（UTF-8 带 BOM，LF 换行）")
    i.add_argument("workbook", type=Path, help="由 gongshi excel 生成或按其格式填写的 .xlsx 文件")
    i.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    i.add_argument("--dataset", default=None, help="数据集名；默认按工作簿中的标记、工作表名或文件名确定")
    v = sub.add_parser("serve", help="在本机预览网站（http://127.0.0.1:8000/），数据或页面保存后自动重新生成")
    v.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    v.add_argument("--port", type=_port, default=8000, help="端口，默认 8000（0：任选一个空闲端口）")
    v.add_argument("--as-of", type=_as_of, default=None, help="按哪一天生成（YYYY-MM-DD），默认北京时间今天")
    v.add_argument("--search-index", action="store_true", help="同时生成检索索引（查询页可用，每次生成多用几秒）")
    n = sub.add_parser("init", help="新建一个站点：配置、表结构、空数据表、示例页面和部署文件，可立即生成")
    n.add_argument("directory", type=Path, help="新站点的文件夹（不存在或为空）")
    n.add_argument("--title", default=None, help="平台名称，如“银川市人力资源和社会保障行政执法公示平台”")
    n.add_argument("--publisher", default=None, help="主办单位，如“银川市人力资源和社会保障局”")
    n.add_argument("--base-url", default=None, help="网站上线后的地址，如 https://gongshi.example.gov.cn/")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "ledger":
            return _ledger(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "keygen":
            return _keygen(args)
        if args.command == "init":
            return _init(args)
        if args.command == "serve":
            return _serve(args)
        if args.command in ("excel", "import"):
            from .excel.commands import run  # keeps `gongshi --help` fast (openpyxl)

            return run(args)
    except OSError as exc:  # an input the system would not let us read (permissions, a device)
        print(f"gongshi: 无法读取 {exc.filename or ''}：{exc.strerror or exc}。输出目录未改动。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: an editor's choice, not a fault — no traceback
        print("gongshi: 已按 Ctrl+C 中断。网站只在生成全部完成后才替换输出目录，原有的输出保持不变。", file=sys.stderr)
        return 130
    return 2


def _serve(args) -> int:
    from .serve import serve  # keeps `gongshi --help` fast (watchfiles)

    if not args.site.is_dir():
        print(f"gongshi: 站点目录 {args.site} 不存在", file=sys.stderr)
        return 2
    fixed = args.as_of
    # the preview runs for hours: each rebuild is for that day in China, unless --as-of says otherwise
    return serve(args.site, args.port, lambda: fixed or today_in_china(), args.search_index, today=today_in_china)


def _init(args) -> int:
    from .init import InitError, init_site

    try:
        written = init_site(args.directory, today_in_china(), title=args.title, publisher=args.publisher,
                            base_url=args.base_url)
    except InitError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return 2
    site = args.directory
    unfilled = [k for k, v in (("site.title", args.title), ("site.publisher", args.publisher),
                               ("site.base_url", args.base_url)) if v is None]
    print(f"已新建站点 {site}（{len(written)} 个文件）。接下来：\n"
          f"  1. 修改 {site / 'site_config.yaml'} 中标有“待填写”的设置"
          + (f"（{'、'.join(unfilled)}、correction 纠错建议渠道）" if unfilled else "（correction 纠错建议渠道）") + "\n"
          f"  2. 在 {site / 'data' / 'agencies.yaml'} 中登记执法主体（文件中有格式示例）\n"
          f"  3. 预览：gongshi serve --site {site}\n"
          f"  4. 检查：gongshi check --site {site}\n"
          "  编辑手册：docs/编辑手册.md")
    return 0


def _check(args) -> int:
    from .compliance import run_check  # keeps `gongshi --help` fast
    from .report_formats import FORMATS, failed

    if not args.site.is_dir():
        print(f"gongshi: 站点目录 {args.site} 不存在", file=sys.stderr)
        return 2
    from .gitrev import RevisionError

    if args.live:
        return _live(args)
    if args.out is not None:
        from .compliance.supervision import report_path_problem

        if problem := report_path_problem(args.site, args.out):
            print(f"gongshi: {problem}", file=sys.stderr)
            return 2
    try:
        result = run_check(args.site, args.as_of or today_in_china(), args.max_per_code, since=args.since,
                           today=today_in_china(),
                           figures=args.format == "html")
    except RevisionError as exc:
        print(f"gongshi check --since: {exc}", file=sys.stderr)
        return 2
    if args.format == "html":
        from .compliance.supervision import data_revision

        result.revision = data_revision(args.site, result.inputs)
    text = FORMATS[args.format](result, args.fail_on)
    if args.out is None:
        sys.stdout.write(text)
    else:
        from .compliance.supervision import headline, write_report
        from .report_formats import summary

        try:
            write_report(args.out, text)
        except OSError as exc:
            print(f"gongshi: 无法写入 {args.out}：{exc.strerror or exc}", file=sys.stderr)
            return 2
        figures = f"；{headline(result)}" if args.format == "html" else ""
        print(f"{summary(result, args.fail_on)}{figures}；报告：{args.out}")
    return 1 if failed(result, args.fail_on) else 0


def _release_inputs(args, site: Path):
    """What release.json needs from outside the inputs: the revision (Netlify's COMMIT_REF,
    GitHub's GITHUB_SHA, or git), the previous release (the chain) and the signing key (a secret)."""
    import os

    from .gitrev import head
    from .release import KEY_ENV, ReleaseInputs, private_key

    revision = args.revision or os.environ.get("COMMIT_REF") or os.environ.get("GITHUB_SHA") or head(site)
    key = None
    if text := os.environ.get(KEY_ENV, "").strip():
        key = private_key(text)  # a bad secret stops the build (exit 2): never publish unsigned by mistake
    return ReleaseInputs(revision=revision, previous=_previous(args.previous or os.environ.get("GONGSHI_PREVIOUS_RELEASE"),
                                                                site), signing_key=key)


def _previous(where: str | None, site: Path) -> bytes | None:
    """The previous release.json's bytes, or None (with a warning when it could not be read: the
    chain then has a gap, and nothing else is lost — the memory of what was published is the ledger)."""
    from .diagnostics import diag
    from .release import MANIFEST
    from .verify import Unreadable, read_reference

    if not where or where == "none":
        return None
    if where == "live":
        from .config import load_config

        where = load_config(site).base_url.rstrip("/") + "/" + MANIFEST
    try:
        return read_reference(where)
    except Unreadable as exc:
        print(diag("W-RELEASE-PREVIOUS", MANIFEST, detail=str(exc)).format(), file=sys.stderr)
        return None


def _verify(args) -> int:
    from .verify import Unreadable, read_reference, report_lines, verify

    try:
        key = read_reference(args.key).decode("utf-8", "replace") if args.key and not args.key.startswith("ed25519:") \
            else args.key
        previous = read_reference(args.previous) if args.previous else None
    except Unreadable as exc:
        print(f"gongshi verify: 无法读取 {exc}", file=sys.stderr)
        return 2
    result = verify(args.source, key, previous)
    print("\n".join(report_lines(args.source, result)))
    return 0 if result.ok else 1


def _keygen(args) -> int:
    from .release import KEY_ENV, new_key

    if args.public.exists():
        print(f"gongshi keygen: {args.public} 已存在，未覆盖", file=sys.stderr)
        return 2
    private, public = new_key()
    args.public.write_bytes(public)
    print(private, end="")
    print(f"以上为私钥：请存为 GitHub 和 Netlify 的密钥变量 {KEY_ENV}，不要提交到仓库。公钥已写入 {args.public}。",
          file=sys.stderr)
    return 0


def _live(args) -> int:
    from .compliance import CheckResult
    from .diagnostics import Report
    from .freshness import wait_until_fresh
    from .gitrev import head
    from .report_formats import FORMATS, failed

    today = args.as_of or today_in_china()
    revision = head(args.site) if args.revision is None else args.revision
    url = args.live
    if url == "site":
        from .config import ConfigError, load_config

        try:
            url = load_config(args.site).base_url
        except ConfigError as exc:
            print(f"gongshi check --live site: 无法读取 site_config.yaml 中的 site.base_url（{exc}）", file=sys.stderr)
            return 2
    found = wait_until_fresh(url, today, revision, args.wait,
                             say=lambda text: print(text, file=sys.stderr, flush=True))
    report = Report(args.max_per_code)
    report.extend(found)
    result = CheckResult(today, report)
    sys.stdout.write(FORMATS[args.format](result, args.fail_on))
    return 1 if failed(result, args.fail_on) else 0


def _ledger(args) -> int:
    from .ledger import LEDGER_FILE, run
    from .report_formats import text_report

    if not args.site.is_dir():
        print(f"gongshi: 站点目录 {args.site} 不存在", file=sys.stderr)
        return 2
    as_of = args.as_of or today_in_china()
    report, counts = run(args.site, as_of)
    sys.stderr.write(text_report(report, args.site))
    if counts is None:
        print(f"台账未更新：数据有错误（{report.summary()}），有错误的行会被误记为已删除。{LEDGER_FILE} 未改动。",
              file=sys.stderr)
        return 1
    print(f"公示台账已更新（{as_of.isoformat()}）：新记入 {counts['added']} 条，撤下 {counts['withdrawn']} 条，"
          f"删除 {counts['deleted']} 条 → {args.site / LEDGER_FILE}")
    return 0


def _build(args) -> int:
    from .cache import explain_text
    from .pipeline import UnsafeCache, UnsafeOutput, build  # keeps `gongshi --help` fast
    from .report_formats import text_report

    site = args.site
    if not site.is_dir():
        print(f"gongshi: 站点目录 {site} 不存在", file=sys.stderr)
        return 2
    as_of = args.as_of or today_in_china()
    try:
        release = _release_inputs(args, site)
    except ValueError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return 2
    try:
        result = build(site, args.out, as_of, search_index=not args.no_search_index, jobs=args.jobs,
                       max_per_code=args.max_per_code, release=release, today=today_in_china(),
                       cache=args.cache)
    except UnsafeOutput as exc:
        print(f"gongshi: {exc}；请用 --out 指定别的目录", file=sys.stderr)
        return 2
    except UnsafeCache as exc:
        print(f"gongshi: {exc}；请用 --cache 指定别的目录", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        sys.stderr.write(text_report(failed.report, site))
        print(f"构建失败：{failed.report.summary()}。输出目录未改动。", file=sys.stderr)
        return 1
    sys.stderr.write(text_report(result.report, site))
    shown = "，".join(f"{name} {c['listed']} 条" for name, c in result.counts.items())
    print(f"构建完成（{as_of.isoformat()}）：{result.files} 个页面和文件 → {result.out}；公示中：{shown}；"
          f"{result.report.summary()}")
    if args.timings:
        for phase, seconds in result.timings.items():
            print(f"  {phase}: {seconds:.2f} s", file=sys.stderr)
        print(f"  (phases from {result.started:.3f} s on the monotonic clock)", file=sys.stderr)
    if args.explain:
        print(explain_text(result.explain, args.no_search_index), file=sys.stderr)
    return 0
