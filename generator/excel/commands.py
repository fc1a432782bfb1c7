"""``gongshi excel`` and ``gongshi import`` on the command line: exit 0 done, 1 the inputs have
errors (nothing written), 2 usage error."""

from __future__ import annotations

import sys
from pathlib import Path

from .importer import import_workbook
from .source import SourceError, UnknownDataset, load_site_config, load_target
from .workbook import WorkbookError, write_workbook


def run(args) -> int:
    if not args.site.is_dir():
        print(f"gongshi: 站点目录 {args.site} 不存在", file=sys.stderr)
        return 2
    try:
        return _excel(args) if args.command == "excel" else _import(args)
    except UnknownDataset as exc:
        print(f"gongshi: 没有数据集“{exc.name}”；可用的数据集：{'、'.join(exc.known)}", file=sys.stderr)
        return 2


def _excel(args) -> int:
    try:
        target = load_target(args.site, load_site_config(args.site), args.dataset)
    except SourceError as exc:
        return _failed(exc.diagnostics, "导出失败")
    out = args.out or Path.cwd() / f"{target.name}.xlsx"
    data_dir = (args.site / Path(target.file).parent).resolve()
    if out.resolve().is_relative_to(data_dir):
        # data/ holds the canonical CSVs only: a workbook there is a second, unreviewable copy
        print(f"gongshi: 工作簿不要放在 {Path(target.file).parent.as_posix()}/ 中（那里只放 CSV），请用 --out 换个位置",
              file=sys.stderr)
        return 2
    try:
        rows = write_workbook(args.site, target, out, empty=args.empty)
    except WorkbookError as exc:
        return _failed(exc.diagnostics, f"导出失败：请先修正 {target.file}")
    except OSError as exc:
        print(f"gongshi: 无法写入 {out}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    what = "空白模板" if args.empty else f"{rows} 行"
    print(f"已导出 {target.title}（{target.file}）{what} → {out}\n填好后运行：gongshi import {out.name}"
          + (f" --site {args.site}" if str(args.site) != "." else ""))
    return 0


def _import(args) -> int:
    if not args.workbook.is_file():
        print(f"gongshi: 找不到文件 {args.workbook}", file=sys.stderr)
        return 2
    from ..cli import today_in_china  # the CLI reads the clock (P2.4)

    result = import_workbook(args.site, args.workbook, args.dataset, today_in_china())
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    summary = f"共 {len(result.errors)} 个错误，{len(result.warnings)} 个警告"
    if not result.written:
        unchanged = f"{result.file} 未改动" if result.file else "没有写入任何文件"
        print(f"导入失败：{summary}。{unchanged}。", file=sys.stderr)
        return 1
    state = "已更新" if result.changed else "内容相同，未改动"
    print(f"已导入工作表“{result.sheet}”{result.rows} 行 → {result.file}（{state}；UTF-8 带 BOM，LF 换行）；{summary}")
    return 0


def _failed(diagnostics, what: str) -> int:
    for d in sorted(diagnostics, key=lambda d: (d.severity.value != "error", d.path, d.row, d.column)):
        print(d.format(), file=sys.stderr)
    print(f"{what}。", file=sys.stderr)
    return 1
