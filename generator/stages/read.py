"""Read: files in, raw tables, departments and content pages out.

CSV files may be UTF-8, UTF-8 with BOM or GB18030/GBK (as Excel writes them); rows are streamed,
never held in memory all at once.
"""

from __future__ import annotations

import codecs
import csv
import re
from datetime import date
from pathlib import Path

import markdown
import yaml

from ..controls import control_problems, yaml_control_problems
from ..dates import parse_date
from ..diagnostics import Diagnostic, diag
from ..model import Agency, ContentPage, RawTable

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
        problems.append(diag("E-FILE-MISSING", relpath, path=relpath))
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
    return RawTable(relpath, header, _rows(path, encoding, relpath, problems))


# ---------------------------------------------------------------- departments (agencies.yaml)

AGENCY_KEYS = {
    "标识": "id", "名称": "name", "统一社会信用代码": "credit_code", "所属地区": "region",
    "层级": "level", "上级部门": "parent", "复议机关": "review_body", "主要职责": "duties",
    "办公地址": "address", "邮政编码": "postcode", "联系电话": "phone", "投诉举报电话": "complaint_phone",
    "办公时间": "office_hours", "成立或变更日期": "established",
}


def read_agencies(root: Path, relpath: str, problems: list[Diagnostic]) -> list[tuple[int, dict]]:
    """(line, mapping) of each department, as written; checked by the validate stage."""
    path = root / relpath
    if not path.is_file():
        problems.append(diag("E-FILE-MISSING", relpath, path=relpath))
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
        if raw := control_problems(relpath, text):  # NUL, ESC …: YAML cannot read the file either
            problems.extend(raw)
            return []
        problems.extend(yaml_control_problems(relpath, text))  # written as "\0" escapes: it still reads
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(diag("E-YAML", relpath, mark.line + 1 if mark else 0, detail=str(exc).splitlines()[0]))
        return []
    items = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(diag("E-YAML", relpath, 1, detail="顶层应为 agencies: 列表"))
        return []
    seq = next(v for k, v in node.value if k.value == "agencies")
    out = []
    for n, item in zip(seq.value, items):
        if isinstance(item, dict):
            out.append((n.start_mark.line + 1, item))
        else:
            problems.append(diag("E-YAML", relpath, n.start_mark.line + 1,
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


# ---------------------------------------------------------------- content pages (Markdown)

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)


def read_content(root: Path, content_dir: str, problems: list[Diagnostic]) -> list[ContentPage]:
    base = root / content_dir
    pages = []
    if not base.is_dir():
        return pages
    md = markdown.Markdown(extensions=["tables", "attr_list", "def_list", "sane_lists"],
                           output_format="html")
    for path in sorted(base.rglob("*.md")):
        relpath = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            problems.append(diag("E-ENCODING", relpath, 1, offset=0))
            continue
        m = _FRONT.match(text)
        if controls := control_problems(relpath, text) or (m and yaml_control_problems(relpath, m.group(1), 2)):
            problems.extend(controls)
            continue
        meta = None
        if m:
            try:
                meta = yaml.safe_load(m.group(1))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                problems.append(diag("E-CONTENT", relpath, mark.line + 2 if mark else 1,
                                     detail=str(exc).splitlines()[0]))
                continue
        if not isinstance(meta, dict) or not meta.get("title"):
            problems.append(diag("E-CONTENT", relpath, 1, detail="缺少 front matter 或 title"))
            continue
        updated = meta.get("updated")
        if updated is not None and not isinstance(updated, date):
            updated = parse_date(str(updated))
        slug = str(meta.get("slug") or path.relative_to(base).with_suffix("").as_posix())
        md.reset()
        pages.append(ContentPage(
            slug=slug.strip("/"), title=str(meta["title"]),
            item=int(meta["item"]) if str(meta.get("item", "")).isdigit() else None,
            phase=str(meta.get("phase", "")), summary=str(meta.get("summary", "")),
            updated=updated, html=md.convert(m.group(2)), path=relpath,
        ))
    return pages
