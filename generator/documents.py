"""PDF, Word (.docx) and Excel (.xlsx) files of ``content/``: every piece of text in them is read
and scanned for personal data (P3.3), and what a reviewer cannot see when opening the file —
comments, tracked changes, hidden text, sheets, rows and columns, pivot caches, earlier revisions,
image metadata — is either scanned too or refused (P3.1).  Scripts, macros, embedded files and
objects, and references to outside files are refused.  A file that cannot be read is refused.

Each format is read with its maintained library (pypdf, python-docx, openpyxl); an Office file is
also a ZIP of XML parts, and every part is parsed (defusedxml: no DTD, no entity) and scanned, so
that nothing the library does not model (footnotes, text boxes, custom properties …) escapes.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET

from .assets import Refused, check_embedded_image, scan

logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings about odd files are not the editor's

PART_LIMIT = 64 << 20    # bytes of one part, unpacked: beyond this a "document" is a ZIP bomb
TOTAL_LIMIT = 256 << 20  # bytes of all parts, unpacked


def check(kind: str, data: bytes) -> None:
    try:
        {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}[kind](data)
    except Refused:
        raise
    except Exception as exc:  # the libraries raise many kinds on a damaged or unusual file
        raise Refused("E-ASSET-UNREADABLE", f"文件无法读取（{type(exc).__name__}），可能已损坏或加密") from None


# ---------------------------------------------------------------- PDF

_ACTIONS_REFUSED = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
_ANNOTS_REFUSED = {"/FileAttachment": "附件", "/Sound": "声音", "/Movie": "影片", "/RichMedia": "多媒体",
                   "/Screen": "多媒体", "/3D": "三维模型", "/Text": "批注（便笺）", "/Popup": "批注（便笺）"}


def _pdf(data: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise Refused("E-ASSET-UNREADABLE", "PDF 已加密，无法检查其中的文字")
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names or "/EmbeddedFiles" in names:
        raise Refused("E-ASSET-ACTIVE", "PDF 含有脚本或附件")
    if "/AA" in root or _refused_action(root.get("/OpenAction")):
        raise Refused("E-ASSET-ACTIVE", "PDF 打开时会执行动作（脚本或启动程序）")
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        raise Refused("E-ASSET-ACTIVE", "PDF 含有 XFA 动态表单（可含脚本），请打印为普通 PDF")
    seen: set = set()
    for n, page in enumerate(reader.pages, 1):
        text = page.extract_text() or ""
        if not text.strip():
            raise Refused("E-ASSET-UNREADABLE", f"第 {n} 页没有可读取的文字（扫描件或图片），无法检查其中的个人信息")
        scan([(f"第 {n} 页", text)])
        if "/AA" in page:
            raise Refused("E-ASSET-ACTIVE", f"第 {n} 页打开时会执行动作")
        for annot in page.get("/Annots") or ():
            _annotation(annot.get_object(), n)
        _images(page.get("/Resources"), n, seen)
    scan((f"文件属性“{k.lstrip('/')}”", str(v)) for k, v in (reader.metadata or {}).items())
    scan((f"表单域“{k}”", str(f.get("/V", ""))) for k, f in (reader.get_fields() or {}).items())
    scan(("书签", title) for title in _outline(reader.outline))
    if (meta := root.get("/Metadata")) is not None:
        scan(_xml_pieces("文件属性（XMP）", meta.get_object().get_data(), skip=_is_id))
    _earlier_revisions(data)


def _refused_action(action) -> bool:
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and action.get("/S") in _ACTIONS_REFUSED


def _annotation(annot, n: int) -> None:
    if (kind := _ANNOTS_REFUSED.get(annot.get("/Subtype"))) is not None:
        raise Refused("E-ASSET-HIDDEN" if "批注" in kind else "E-ASSET-ACTIVE", f"第 {n} 页含有{kind}，请删除后另存")
    if "/AA" in annot or _refused_action(annot.get("/A")):
        raise Refused("E-ASSET-ACTIVE", f"第 {n} 页的链接或控件会执行脚本或启动程序")
    scan((f"第 {n} 页的注释", str(annot.get(k, ""))) for k in ("/Contents", "/T", "/Subj", "/RC", "/TU"))


def _images(resources, n: int, seen: set) -> None:
    """Photos keep their EXIF (GPS, camera owner) inside a PDF: checked as in Office files."""
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources else None
    for ref in (xobjects.get_object().values() if xobjects is not None else ()):
        key = getattr(ref, "idnum", None)
        if key in seen:
            continue
        seen.add(key)
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Form":
            _images(obj.get("/Resources"), n, seen)
        elif obj.get("/Subtype") == "/Image" and "/DCTDecode" in str(obj.get("/Filter")):
            check_embedded_image(f"第 {n} 页的图片", obj.get_data())


def _outline(items):
    for item in items or ():
        if isinstance(item, list):
            yield from _outline(item)
        else:
            yield str(item.get("/Title", ""))


def _earlier_revisions(data: bytes) -> None:
    """A PDF saved with changes (an "incremental update", also how electronic seals are added)
    keeps every earlier version in the file: text deleted there is still published.  Each
    earlier version ends at an %%EOF and is itself a PDF: its text is scanned as well."""
    from pypdf import PdfReader

    ends = [m.end() for m in re.finditer(rb"%%EOF", data)][:-1]
    linearized = b"/Linearized" in data[:1024]  # its first %%EOF ends the first-page section only
    for k, end in enumerate(ends):
        try:
            earlier = PdfReader(io.BytesIO(data[:end]), strict=False)
            pieces = [(f"修改前的版本第 {n} 页", p.extract_text() or "") for n, p in enumerate(earlier.pages, 1)]
            pieces += [(f"修改前的版本的文件属性“{k.lstrip('/')}”", str(v)) for k, v in (earlier.metadata or {}).items()]
        except Exception:
            if linearized and k == 0:
                continue
            raise Refused("E-ASSET-HIDDEN", "PDF 含有无法读取的修改前版本（增量保存），请“另存为”或“打印为 PDF”生成新文件") from None
        scan(pieces)


def _is_id(name: str) -> bool:
    """XMP's document and instance ids (long runs of digits, not personal data)."""
    return name.endswith(("ID", "Id"))


# ---------------------------------------------------------------- Office files

def _docx(data: bytes) -> None:
    import docx

    package = _open_zip(data)
    document = docx.Document(io.BytesIO(data))
    props = document.core_properties
    pieces = [(f"文件属性“{label}”", str(getattr(props, attr) or "")) for attr, label in _DOCX_PROPS.items()]
    pieces += _blocks("正文", document)
    for section in document.sections:
        for attr, label in (("header", "页眉"), ("first_page_header", "页眉"), ("even_page_header", "页眉"),
                            ("footer", "页脚"), ("first_page_footer", "页脚"), ("even_page_footer", "页脚")):
            part = getattr(section, attr)
            if not part.is_linked_to_previous:
                pieces += _blocks(label, part)
    scan(pieces)
    _sweep(package)


_DOCX_PROPS = {"author": "作者", "last_modified_by": "最后修改者", "title": "标题", "subject": "主题",
               "keywords": "关键词", "comments": "备注", "category": "类别", "content_status": "状态",
               "identifier": "标识", "version": "版本"}


def _blocks(where: str, container) -> list:
    pieces = [(where, p.text) for p in container.paragraphs]
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                pieces += _blocks(f"{where}的表格", cell)
    return pieces


def _xlsx(data: bytes) -> None:
    import openpyxl

    package = _open_zip(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    pieces = []
    for sheet in [*book.worksheets, *book.chartsheets]:
        if sheet.sheet_state != "visible":
            raise Refused("E-ASSET-HIDDEN", f"含有隐藏的工作表“{sheet.title}”，请删除该表或取消隐藏后检查")
    for sheet in book.worksheets:
        hidden_columns = {c for d in sheet.column_dimensions.values() if d.hidden for c in range(d.min, d.max + 1)}
        hidden_rows = {r for r, d in sheet.row_dimensions.items() if d.hidden}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                where = f"工作表“{sheet.title}”{cell.coordinate} 单元格"
                if cell.column in hidden_columns or cell.row in hidden_rows:
                    raise Refused("E-ASSET-HIDDEN", f"{where}在隐藏的行或列中，请删除或取消隐藏后检查")
                pieces.append((where, str(cell.value)))
    props = book.properties
    pieces += [(f"文件属性“{label}”", str(getattr(props, attr) or "")) for attr, label in (
        ("creator", "作者"), ("lastModifiedBy", "最后修改者"), ("title", "标题"), ("subject", "主题"),
        ("description", "备注"), ("keywords", "关键词"), ("category", "类别"))]
    scan(pieces)
    _sweep(package)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("E-ASSET-UNREADABLE", "不是有效的 Office 文件（已加密、已损坏，或是改了扩展名的旧版文件）") from None
    sizes = [i.file_size for i in package.infolist()]
    if any(s > PART_LIMIT for s in sizes) or sum(sizes) > TOTAL_LIMIT:
        raise Refused("E-ASSET-UNREADABLE", "文件解压后过大，无法检查")
    return package


_PART_NAMES = [("document.xml", "正文"), ("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注"),
               ("endnotes", "尾注"), ("core.xml", "文件属性"), ("app.xml", "文件属性"), ("custom.xml", "自定义属性"),
               ("sharedstrings", "单元格文字"), ("worksheets/", "工作表"), ("workbook.xml", "工作簿（名称、定义）"),
               ("charts/", "图表"), ("drawings/", "图形或文本框")]
_REVISIONS = {"del", "ins", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
              "trPrChange", "tcPrChange", "numberingChange"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _where(part: str) -> str:
    low = part.lower()
    return next((label for key, label in _PART_NAMES if key in low), f"文件内部的“{part}”")


def _sweep(package: zipfile.ZipFile) -> None:
    """Every part of the package: XML parsed and scanned, images checked for metadata; macros,
    embedded objects, external links, comments and pivot caches refused."""
    for info in package.infolist():
        name, low = info.filename, info.filename.lower()
        base = low.rsplit("/", 1)[-1]
        if info.is_dir():
            continue
        if "vbaproject" in low or "/activex/" in low or "/embeddings/" in low or base.startswith("oleobject"):
            raise Refused("E-ASSET-ACTIVE", f"含有宏、控件或嵌入的对象（{name}），请删除后另存")
        if low.startswith("xl/externallinks/"):
            raise Refused("E-ASSET-ACTIVE", "含有指向其他工作簿的外部链接，请“断开链接”后另存")
        if "pivotcache" in low:
            raise Refused("E-ASSET-HIDDEN", "含有数据透视表（其缓存保存着全部源数据），请把透视表复制为数值后删除透视表")
        if "comment" in base or "/threadedcomments/" in low:
            raise Refused("E-ASSET-HIDDEN", "含有批注，请删除所有批注后另存")
        data = package.read(info)
        if low.endswith((".xml", ".rels", ".vml")):
            if low.endswith(".rels"):
                _relationships(data)
            scan(_xml_pieces(_where(name), data, word=low.startswith("word/")))
        elif low.endswith((".png", ".jpg", ".jpeg")):
            check_embedded_image(f"内嵌图片 {name} ", data)
        elif low.endswith((".odttf", ".ttf", ".otf", ".fntdata")):
            pass  # embedded fonts: glyphs, no text of the document
        elif base.startswith("printersettings") and low.endswith(".bin"):
            scan([("打印设置", data.decode("utf-16-le", "ignore"))])  # holds the printer's name
        else:
            raise Refused("E-ASSET-UNREADABLE", f"含有无法检查其中文字的内嵌内容（{name}），请删除或改为 PNG 图片后另存")


def _relationships(data: bytes) -> None:
    for rel in SafeET.fromstring(data, forbid_dtd=True):
        if rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith("/hyperlink"):
            raise Refused("E-ASSET-ACTIVE", f"引用了外部文件或模板（{rel.get('Target', '')[:80]}），请删除该引用后另存")


def _xml_pieces(where: str, data: bytes, word: bool = False, skip=lambda name: False) -> list:
    """Text of an XML part: each paragraph (runs joined, as it reads), each text node and each
    attribute value, scanned one by one so that numbers never run together."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except ET.ParseError as exc:
        raise Refused("E-ASSET-UNREADABLE", f"{where}的 XML 无法解析（{exc}）") from None
    pieces = []
    for el in root.iter():
        local = el.tag.rsplit("}", 1)[-1]
        if word and el.tag.startswith(_W):
            if local in _REVISIONS:
                raise Refused("E-ASSET-HIDDEN", "含有修订记录（其中保留着删除前的文字），请接受或拒绝所有修订并关闭修订后另存")
            if local == "vanish" and el.get(f"{_W}val", "true") not in ("0", "false", "off"):
                raise Refused("E-ASSET-HIDDEN", "含有隐藏文字，请取消隐藏后检查")
        if local in ("p", "si", "is"):
            pieces.append((where, "".join(t.text or "" for t in el.iter() if t.tag.rsplit("}", 1)[-1] in ("t", "instrText"))))
        if not skip(local):
            pieces.append((where, el.text or ""))
        pieces += [(where, v) for k, v in el.attrib.items() if not skip(k.rsplit("}", 1)[-1])]
    return pieces
