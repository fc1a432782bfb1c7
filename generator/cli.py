"""Command line: ``gongshi build [--site DIR] [--out DIR] [--as-of YYYY-MM-DD] [--max-per-code N]``,
``gongshi check [--site DIR] [--as-of DATE] [--format text|github|json|markdown] [--fail-on error|warning|never]
[--max-per-code N]``, ``gongshi excel DATASET [--site DIR] [--out FILE.xlsx] [--empty]`` and
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
    _add_max_per_code(b)
    c = sub.add_parser("check", help="合规检查：构建会拒绝的问题、公示时限、撤回、纠错答复、法制审核等（不写任何文件）")
    c.add_argument("--site", type=Path, default=Path("."), help="站点目录（含 site_config.yaml），默认当前目录")
    c.add_argument("--as-of", type=_as_of, default=None, help="按哪一天检查（YYYY-MM-DD），默认北京时间今天")
    c.add_argument("--format", choices=("text", "github", "json", "markdown"), default="text",
                   help="text：逐行文字；github：GitHub Actions 注释（另附文字报告）；markdown：作业摘要"
                        "（写入 $GITHUB_STEP_SUMMARY）；json：机器可读（见 generator/compliance/report.schema.json）")
    c.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="有该级别及以上的问题时退出码为 1（默认 error；never：只报告，用于部署前）")
    _add_max_per_code(c)
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
    result = run_check(args.site, args.as_of or today_in_china(), args.max_per_code, today=today_in_china())
    sys.stdout.write(FORMATS[args.format](result, args.fail_on))
    return 1 if failed(result, args.fail_on) else 0


def _build(args) -> int:
    from .pipeline import UnsafeOutput, build  # keeps `gongshi --help` fast
    from .report_formats import text_report

    site = args.site
    if not site.is_dir():
        print(f"gongshi: 站点目录 {site} 不存在", file=sys.stderr)
        return 2
    as_of = args.as_of or today_in_china()
    try:
        result = build(site, args.out, as_of, search_index=not args.no_search_index, jobs=args.jobs,
                       max_per_code=args.max_per_code, today=today_in_china())
    except UnsafeOutput as exc:
        print(f"gongshi: {exc}；请用 --out 指定别的目录", file=sys.stderr)
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
    return 0
