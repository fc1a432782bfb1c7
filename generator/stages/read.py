"""Read: files in, raw tables, departments and content pages out.

CSV files may be UTF-8, UTF-8 with BOM or GB18030/GBK (as Excel writes them); rows are streamed,
never held in memory all at once.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
from datetime import date
from pathlib import Path

import markdown

from ..assets import ignored
from ..config import CONFIG_FILE
from ..controls import CONTROL, control_problems, describe, first_control
from ..dates import parse_date
from ..diagnostics import Diagnostic, diag
from ..frontmatter import read_front_matter
from ..model import Agency, ContentPage, RawTable
from ..sanitize import find_line, sanitize
from ..yamlfile import YamlError, parse_yaml, read_yaml

_CHUNK = 1 << 20


def detect_encoding(path: Path) -> tuple[str | None, int]:
    """('utf-8-sig' | 'gb18030', 0), or (None, offset of the first byte neither can decode)."""
    first_error = None
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        offset = 0
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding, 0
        except UnicodeDecodeError as exc:
            if first_error is None:
                first_error = offset + exc.start
    return None, first_error or 0


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as fh:
        return fh.read(offset).count(b"\n") + 1


def _rows(path: Path, encoding: str, relpath: str, problems: list):
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, strict=True)
        start = 1
        try:
            next(reader, None)  # header, read separately
            start = reader.line_num + 1
            for cells in reader:
                if any(cells):
                    yield start, tuple(cells)
                start = reader.line_num + 1
        except csv.Error as exc:
            problems.append(diag("E-CSV", relpath, start, detail=str(exc)))


def read_table(root: Path, relpath: str, problems: list[Diagnostic]) -> RawTable | None:
    """A CSV's header and a one-shot iterator over its rows; problems met while reading (also
    later, while the rows are consumed) are appended to ``problems``."""
    path = root / relpath
    if not path.is_file():
        problems.append(diag("E-FILE-MISSING", relpath, file=relpath))
        return None
    encoding, offset = detect_encoding(path)
    if encoding is None:
        problems.append(diag("E-ENCODING", relpath, _line_of(path, offset), offset=offset))
        return None
    with path.open("r", encoding=encoding, newline="") as fh:
        try:
            header = next(csv.reader(fh, strict=True), [])
        except csv.Error as exc:
            problems.append(diag("E-CSV", relpath, 1, detail=str(exc)))
            return None
    header = tuple(h.strip().lstrip("\ufeff") for h in header)
    # a forked process may read the rows again (rowpool.py); its reading reports nothing twice
    return RawTable(relpath, header, _rows(path, encoding, relpath, problems),
                    again=lambda: _rows(path, encoding, relpath, []))


# ---------------------------------------------------------------- departments (agencies.yaml)

AGENCY_KEYS = {
    "标识": "id", "名称": "name", "统一社会信用代码": "credit_code", "所属地区": "region",
    "层级": "level", "上级部门": "parent", "复议机关": "review_body", "主要职责": "duties",
    "办公地址": "address", "邮政编码": "postcode", "联系电话": "phone", "投诉举报电话": "complaint_phone",
    "办公时间": "office_hours", "成立或变更日期": "established",
}


_AGENCY_TEXT = re.compile(r"agencies\[(\d+)\]\.([^.\[]+)(.*)")


def read_agencies(root: Path, relpath: str, problems: list[Diagnostic]) -> list[tuple[int, dict, tuple]]:
    """(line, mapping, public texts) of each department, as written; checked by the validate stage.
    The public texts are (key, text, line, column) of the keys that reach the output."""
    path = root / relpath
    if not path.is_file():
        problems.append(diag("E-FILE-MISSING", relpath, file=relpath))
        return []
    try:
        doc = read_yaml(path, relpath)
    except YamlError as exc:
        problems.append(exc.diagnostic)
        return []
    items = doc.data.get("agencies") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        problems.append(diag("E-YAML", relpath, 1, detail="顶层应为 agencies: 列表"))
        return []
    shown: dict[int, list] = {}  # item → (key, text, line, column) of its public keys (AGENCY_KEYS)
    for where, *text in doc.texts:
        if (m := _AGENCY_TEXT.match(where)) and m[2] in AGENCY_KEYS:
            shown.setdefault(int(m[1]), []).append((m[2] + m[3], *text))
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            out.append((doc.line(("agencies", i)), item, tuple(shown.get(i, ()))))
        else:
            problems.append(diag("E-YAML", relpath, doc.line(("agencies", i)),
                                 detail="每个执法主体应为一组“键: 值”（标识、名称 …）"))
    return out


def make_agency(line: int, item: dict) -> Agency:
    def text(key):
        value = item.get(key)
        return "" if value is None else str(value).strip()

    duties = item.get("主要职责") or ()
    established = item.get("成立或变更日期")
    if not isinstance(established, date):
        established = parse_date(str(established)) if established else None
    return Agency(
        id=text("标识"), name=text("名称"), credit_code=text("统一社会信用代码"), region=text("所属地区"),
        level=text("层级"), parent=text("上级部门"), review_body=text("复议机关"),
        duties=tuple(str(d) for d in duties) if isinstance(duties, list) else (str(duties),),
        address=text("办公地址"), postcode=text("邮政编码"), phone=text("联系电话"),
        complaint_phone=text("投诉举报电话"), office_hours=text("办公时间"), established=established,
        line=line,
    )


# ---------------------------------------------------------------- content/ (pages and files)

def content_dir_problem(root: Path, config, out: Path | None = None) -> str | None:
    """Why the content folder may not be published from, or None.  Everything under it can reach
    the output, so it must be a folder of its own inside the site: not the site itself, not data/
    or templates/, holding no input the build reads, not the output, not reached by a link (P3.1)."""
    rel = Path(config.content_dir)
    step = root
    for part in rel.parts:
        step = step / part
        if step.is_symlink():
            return f"“{config.content_dir}”经过符号链接 {step.relative_to(root).as_posix()}"
    top, base = root.resolve(), (root / rel).resolve()
    if base == top:
        return f"“{config.content_dir}”是站点目录本身，会把 data 等全部文件发布出去"
    if not base.is_relative_to(top):
        return f"“{config.content_dir}”在站点目录之外"
    for name in ("data", "templates"):
        if _overlap(base, top / name):
            return f"“{config.content_dir}”与 {name} 文件夹重叠"
    for name in input_files(config):
        if (top / name).resolve().is_relative_to(base):
            return f"“{config.content_dir}”中有构建读取的输入文件 {name}"
    if out is not None and _overlap(base, out.resolve()):
        return f"“{config.content_dir}”与输出目录 {out} 重叠"
    return None


def _overlap(a: Path, b: Path) -> bool:
    b = b.resolve()
    return a.is_relative_to(b) or b.is_relative_to(a)


def input_files(config):
    """Every file the records depend on, as the configuration names them (site-relative, or
    absolute for the calendars shipped with the tool)."""
    yield config.agencies_file
    for ds in config.datasets:
        yield ds.file
        yield ds.schema
    if config.corrections:
        yield config.corrections.file
        yield config.corrections.schema
    yield from (str(p) for p in config.calendar_files)


def content_files(root: Path, config, problems: list[Diagnostic],
                  out: Path | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Markdown pages, other files) under the content folder, as site-root-relative paths in a
    stable order.  Symbolic links are refused, never followed; hidden files and the by-products of
    editors and file managers (.DS_Store, Thumbs.db, ~$ lock files) are skipped."""
    if problem := content_dir_problem(root, config, out):
        problems.append(diag("E-CONTENT-DIR", CONFIG_FILE, detail=problem))
        return (), ()
    base = root / config.content_dir
    if not base.is_dir():
        return (), ()
    pages, assets = [], []
    for folder, dirs, files in os.walk(base):
        here = Path(folder)
        for name in sorted(dirs):
            dirs.remove(name)
            if ignored(name):
                continue
            if (here / name).is_symlink():
                problems.append(diag("E-SYMLINK", (here / name).relative_to(root).as_posix(),
                                     name=(here / name).relative_to(base).as_posix()))
            else:
                dirs.append(name)
        for name in sorted(files):
            path = here / name
            relpath = path.relative_to(root).as_posix()
            if ignored(name):
                continue
            if (c := first_control(relpath)) >= 0:  # it would become a URL, and reach the terminal
                problems.append(diag("E-CONTROL-CHAR", CONTROL.sub("\ufffd", relpath), what="文件名", char=describe(relpath[c])))
            elif path.is_symlink():
                problems.append(diag("E-SYMLINK", relpath, name=path.relative_to(base).as_posix()))
            elif not stat.S_ISREG(path.lstat().st_mode):
                problems.append(diag("E-ASSET-TYPE", relpath, suffix="（特殊文件）", detail=""))
            elif path.suffix.lower() == ".md":
                pages.append(relpath)
            else:
                assets.append(relpath)
    return tuple(sorted(pages)), tuple(sorted(assets))


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)


def read_content(root: Path, content_dir: str, files, problems: list[Diagnostic]) -> list[ContentPage]:
    """The Markdown pages (``files``, from ``content_files``), rendered and sanitised: what the
    sanitiser took out is reported as a warning at its line (P3.1).  Front matter keys are
    declared (``frontmatter.py``): an unknown or mistyped one is an error."""
    base = root / content_dir
    pages = []
    md = markdown.Markdown(extensions=["tables", "attr_list", "def_list", "sane_lists"],
                           output_format="html")
    for relpath in files:
        path = root / relpath
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            problems.append(_encoding_problem(path, relpath))
            continue
        if controls := control_problems(relpath, text):  # the whole page: front matter and body
            problems.extend(controls)
            continue
        m = _FRONT.match(text)
        if not m:
            problems.append(diag("E-CONTENT", relpath, 1, detail="缺少 front matter 或 title"))
            continue
        try:
            doc = parse_yaml(m.group(1), relpath, first_line=2)
        except YamlError as exc:
            problems.append(exc.diagnostic)
            continue
        meta, wrong = read_front_matter(doc.data, doc, relpath)
        if meta is None:
            problems.extend(wrong)
            continue
        slug = meta.slug or path.relative_to(base).with_suffix("").as_posix()
        md.reset()
        html, removed = sanitize(md.convert(m.group(2)))
        _report_removed(removed, m.group(2), text.count("\n", 0, m.start(2)), relpath, problems)
        pages.append(ContentPage(
            slug=slug.strip("/"), title=meta.title, item=meta.item, phase=meta.phase, summary=meta.summary,
            updated=meta.updated, html=html, path=relpath, front_matter=doc.texts,
            nav=meta.nav, home=meta.home, order=meta.order, unlisted=meta.unlisted,
        ))
    return pages


def _encoding_problem(path: Path, relpath: str) -> Diagnostic:
    """Not UTF-8: at the line of the first bad byte, saying whether it is Notepad's "ANSI" (GBK).
    Pages stay UTF-8 only (unlike CSVs): GitHub's web editor and diffs show GBK as garbage."""
    data = path.read_bytes()
    offset = 0
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    try:
        data.decode("gb18030")
        detail = "：看起来是记事本的“ANSI”（GBK）编码"
    except UnicodeDecodeError:
        detail = ""
    return diag("E-MARKDOWN-ENCODING", relpath, _line_of(path, offset), offset=offset, detail=detail)


def _report_removed(removed, body: str, offset: int, relpath: str, problems: list[Diagnostic]) -> None:
    cursors: dict[str, int] = {}  # the second <script> of a page is on the line of the second
    for r in removed:
        line, cursors[r.needle] = find_line(body, r.needle, cursors.get(r.needle, 0))
        problems.append(diag("W-HTML-REMOVED", relpath, line + offset if line else 0, what=r.what))
