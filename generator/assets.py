"""Files of ``content/`` other than Markdown: which types may be published, and what is read in
each before it is (P3.1, P3.3).  Every byte published from ``content/`` is either text that was
scanned for personal data, or image data whose metadata was removed.

``publishable(name, data)`` returns the bytes to publish, or raises ``Refused`` with the code and
what is wrong.  The allow-list and the reason for each refusal are in the README ("Security").
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from collections.abc import Iterable
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image

from .privacy import find_personal_data
from .sanitize import URL_SCHEMES, find_line

# suffix (lower case) → format; everything else is refused
ALLOWED = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg", ".pdf": "pdf",
           ".docx": "docx", ".xlsx": "xlsx", ".txt": "text"}

# what to do instead, for the types editors are likely to drop into content/
INSTEAD = {
    ".doc": "旧版 Word 文件无法可靠读取其中的文字，请另存为 .docx",
    ".xls": "旧版 Excel 文件无法可靠读取其中的文字，请另存为 .xlsx",
    ".wps": "请另存为 .docx", ".et": "请另存为 .xlsx", ".ofd": "请另存为 PDF",
    ".docm": "含宏的文件不能发布，请另存为 .docx", ".xlsm": "含宏的文件不能发布，请另存为 .xlsx",
    ".gif": "请另存为 PNG", ".webp": "请另存为 PNG 或 JPEG", ".bmp": "请另存为 PNG",
    ".tif": "请另存为 PNG", ".tiff": "请另存为 PNG", ".heic": "请另存为 JPEG",
    ".csv": "数据请放在 data/ 中并声明表结构，由构建生成公开的导出文件",
    ".html": "网页请写成 Markdown（.md）", ".htm": "网页请写成 Markdown（.md）",
    ".js": "脚本不能发布", ".css": "样式属于主题（templates/static）",
    ".zip": "压缩包中的文件无法检查，请逐个放入", ".rar": "压缩包中的文件无法检查，请逐个放入",
    ".7z": "压缩包中的文件无法检查，请逐个放入",
}

# OS and editor by-products: never published, never reported (an Office lock file "~$x.docx"
# holds the name of whoever has the document open)
def ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in ("thumbs.db", "desktop.ini")


class Refused(Exception):
    """A content file that cannot be published: ``code`` is a CATALOGUE code, ``detail`` says
    why, ``line`` is the line in the file where there is one."""

    def __init__(self, code: str, detail: str, line: int = 0):
        super().__init__(detail)
        self.code, self.detail, self.line = code, detail, line


def _kind(name: str) -> str | None:
    return ALLOWED.get("." + name.rsplit(".", 1)[-1].lower()) if "." in name else None


def published_bytes(name: str, data: bytes) -> bytes:
    """What is written for a file that passed ``publishable``: images without their metadata,
    every other file as it is."""
    kind = _kind(name)
    return strip_image(data, kind) if kind in ("png", "jpeg") else data


def publishable(name: str, data: bytes) -> bytes:
    """The bytes to publish for the content file ``name``, or raise Refused."""
    kind = _kind(name)
    if kind in ("png", "jpeg"):
        return strip_image(data, kind)
    if kind == "svg":
        check_svg(data)
    elif kind == "text":
        check_text(data)
    elif kind in ("pdf", "docx", "xlsx"):
        from . import documents  # the document libraries load only when a document is there
        documents.check(kind, data)
    else:
        raise ValueError(name)  # the caller checks the allow-list first
    return data


def scan(pieces: Iterable[tuple[str, str]]) -> None:
    """Refuse at the first piece of text that holds personal data: (where, text) pairs."""
    for where, text in pieces:
        if text and (hit := find_personal_data(text)):
            raise Refused("E-ASSET-PERSONAL-DATA", f"{where}含有{hit[0]}（{hit[1]}）")


# ---------------------------------------------------------------- plain text

def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # as the CSV reader: what Windows editors save
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise Refused("E-ASSET-UNREADABLE", "文字编码无法识别（应为 UTF-8 或 GB18030/GBK）")


def check_text(data: bytes) -> None:
    text = decode_text(data)
    try:
        scan([("正文", text)])
    except Refused as refused:  # name the line, when the number sits on one
        lines = text.splitlines()
        refused.line = next((n for n, line in enumerate(lines, 1) if find_personal_data(line)), 0)
        raise


# ---------------------------------------------------------------- images

_PNG = b"\x89PNG\r\n\x1a\n"
# chunks that describe pixels; text (tEXt, zTXt, iTXt), eXIf, tIME and private chunks are dropped
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
             b"bKGD", b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT"}
_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}  # TEM and RST markers stand alone


def strip_image(data: bytes, kind: str) -> bytes:
    """The image without its metadata (EXIF, GPS, XMP, IPTC, comments, text chunks) and without
    anything after its end: chunks and segments are dropped as they are, the pixels are not
    re-encoded, so the result is the same for the same input.  A JPEG's orientation is kept (as a
    minimal EXIF block the build writes itself), so that photos still stand upright."""
    try:
        if kind == "png":
            out = _png_chunks(data)
        else:
            out = _jpeg_segments(data, keep_orientation=True)
        _verify(out, kind)
    except Refused:
        raise
    except Exception as exc:  # a damaged file: Pillow and the walk above raise many kinds
        raise Refused("E-ASSET-UNREADABLE", f"图片无法解码（{type(exc).__name__}）") from None
    return out


# EXIF tags that name or describe a person, or identify a device
_IDENTITY_TAGS = {0x013B: "作者", 0x9C9D: "作者", 0x8298: "版权", 0xA430: "设备主人", 0xA431: "设备序列号",
                  0xA435: "镜头序列号", 0x010E: "图片说明", 0x9286: "用户备注", 0x9C9C: "备注", 0x9C9B: "标题",
                  0x9C9E: "关键词", 0x9C9F: "主题"}


def check_embedded_image(where: str, data: bytes) -> None:
    """An image inside a PDF or Office file, where its metadata cannot be removed without
    rewriting the document: technical tags (size, colour, orientation, camera model) pass;
    position (GPS), names, serial numbers, free-text descriptions, XMP and data hidden after the
    image's end are refused, and text comments are scanned."""
    def refuse(what):
        raise Refused("E-ASSET-HIDDEN", f"{where}带有{what}，请去除图片信息（或截图另存为 PNG）后重新插入")

    kind = "png" if data.startswith(_PNG) else "jpeg" if data.startswith(b"\xff\xd8") else None
    try:
        if kind is None:
            raise ValueError(where)
        whole = _png_chunks(data, keep=None) if kind == "png" else _jpeg_segments(data, keep_orientation=False, keep_all=True)
        with Image.open(io.BytesIO(data)) as im:
            exif, info, texts = im.getexif(), dict(im.info), dict(getattr(im, "text", {}) or {})
    except Exception:
        raise Refused("E-ASSET-UNREADABLE", f"{where}无法解码") from None
    if len(whole.rstrip(b"\x00")) < len(data.rstrip(b"\x00")):
        refuse("结尾之后附加的数据")
    if exif.get_ifd(0x8825):
        refuse("位置信息（GPS）")
    for ifd in (exif, exif.get_ifd(0x8769)):
        for tag, label in _IDENTITY_TAGS.items():
            if ifd.get(tag) not in (None, "", b""):
                refuse(f"拍摄信息“{label}”")
    if info.get("xmp") or info.get("XML:com.adobe.xmp"):
        refuse("XMP 元数据（可含作者、编辑历史）")
    comment = info.get("comment", b"")
    scan([(f"{where}的说明文字", comment.decode("utf-8", "replace") if isinstance(comment, bytes) else str(comment)),
          *((f"{where}的说明文字", str(v)) for v in texts.values())])


def _png_chunks(data: bytes, keep=_PNG_KEEP) -> bytes:
    """The chunks in ``keep`` (all with None) up to IEND."""
    if not data.startswith(_PNG):
        raise Refused("E-ASSET-UNREADABLE", "不是 PNG 图片（文件头不符）")
    out, i = [_PNG], len(_PNG)
    while i + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[i:i + 8])
        end = i + 12 + length
        if end > len(data):
            break
        if keep is None or ctype in keep:
            out.append(data[i:end])
        i = end
        if ctype == b"IEND":
            return b"".join(out)
    raise Refused("E-ASSET-UNREADABLE", "PNG 图片不完整（缺少结尾）")


def _jpeg_segments(data: bytes, keep_orientation: bool, keep_all: bool = False) -> bytes:
    """The segments that describe pixels (all with ``keep_all``) up to EOI."""
    if not data.startswith(b"\xff\xd8"):
        raise Refused("E-ASSET-UNREADABLE", "不是 JPEG 图片（文件头不符）")
    out, i = [b"\xff\xd8"], 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            raise Refused("E-ASSET-UNREADABLE", "JPEG 图片结构损坏")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # EOI: whatever follows (another picture, an archive) is dropped
            out.append(b"\xff\xd9")
            jpeg = b"".join(out)
            return _with_orientation(jpeg, data) if keep_orientation else jpeg
        if marker in _NO_LENGTH:
            out.append(data[i:i + 2])
            i += 2
            continue
        end = i + 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
        segment = data[i:end]
        if marker == 0xDA:  # start of scan: the entropy-coded data runs to the next real marker
            end = _scan_end(data, end)
            out.append(data[i:end])
        elif keep_all or not (0xE0 <= marker <= 0xEF or marker == 0xFE) or _keep_app(marker, segment[4:]):
            out.append(segment)
        i = end
    raise Refused("E-ASSET-UNREADABLE", "JPEG 图片不完整（缺少结尾）")


def _scan_end(data: bytes, i: int) -> int:
    """Where entropy-coded data starting at ``i`` ends: at the first 0xFF that is neither a stuffed
    0xFF00 nor a restart marker (found with bytes.find: a photo is megabytes)."""
    while (i := data.find(b"\xff", i)) >= 0 and i + 1 < len(data):
        if data[i + 1] != 0x00 and not 0xD0 <= data[i + 1] <= 0xD7:
            return i
        i += 2
    return len(data)


def _keep_app(marker: int, body: bytes) -> bool:
    """APP segments that describe pixels: JFIF, the ICC colour profile and Adobe's colour transform."""
    return ((marker == 0xE0 and body.startswith((b"JFIF\x00", b"JFXX\x00")))
            or (marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"))
            or (marker == 0xEE and body.startswith(b"Adobe")))


def _with_orientation(jpeg: bytes, original: bytes) -> bytes:
    with Image.open(io.BytesIO(original)) as im:
        orientation = im.getexif().get(0x0112, 1)
    if orientation not in range(2, 9):
        return jpeg
    tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01" + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00" * 4
    body = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    at = 2 + (struct.unpack(">H", jpeg[4:6])[0] + 2 if jpeg[2:4] == b"\xff\xe0" else 0)  # after JFIF
    return jpeg[:at] + app1 + jpeg[at:]


def _verify(data: bytes, kind: str) -> None:
    """Decode every pixel: a file that only looks like an image is refused, and so is one that
    would take gigabytes to decode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=["PNG" if kind == "png" else "JPEG"]) as im:
            im.load()
            left = {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(im.info)
    if left - ({"exif"} if kind == "jpeg" else set()):
        raise Refused("E-ASSET-UNREADABLE", f"图片元数据未能去除（{'、'.join(sorted(left))}）")


# ---------------------------------------------------------------- SVG

_SVG_NS = "http://www.w3.org/2000/svg"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_ANIMATION = {"animate", "set", "animateTransform", "animateMotion"}
# attributes that hold numbers: scanned number by number, so that coordinates never run together
_GEOMETRY = {"d", "points", "viewBox", "transform", "gradientTransform", "patternTransform", "x", "y", "x1", "x2",
             "y1", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "width", "height", "dx", "dy", "rotate",
             "stroke-dasharray", "stroke-dashoffset", "refX", "refY", "markerWidth", "markerHeight", "offset",
             "font-size", "stroke-width", "values", "keyTimes", "keySplines", "tableValues", "kernelMatrix"}
_URL_REF = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_NUMBER = re.compile(r"[0-9][0-9.]*[Xx]?")
_TAG = re.compile(r"<[^>]*>")


def _local(name) -> str:
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def check_svg(data: bytes) -> None:
    """An SVG is published as it is, so everything in it is checked: no script, event handler,
    embedded HTML or reference to anything outside the site (it could load or run something
    wherever the file is opened on its own), no DTD or entity (defusedxml refuses them), and no
    personal data in any text, comment or attribute."""
    text = data.decode("utf-8", "replace")
    parser = SafeET.DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True),
                                     forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise Refused("E-ASSET-ACTIVE", f"SVG 含有 DTD 或实体声明（{type(exc).__name__}），请删除文件开头的 <!DOCTYPE …>",
                      find_line(text, "<!DOCTYPE")[0] or find_line(text, "<!ENTITY")[0]) from None
    except ET.ParseError as exc:
        raise Refused("E-ASSET-UNREADABLE", f"SVG 不是合格的 XML（{exc}）", exc.position[0]) from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise Refused("E-ASSET-UNREADABLE", "根元素不是 SVG 命名空间中的 <svg>（缺少 xmlns=\"http://www.w3.org/2000/svg\"）")
    pieces = []
    for el in root.iter():
        if el.tag is ET.Comment or el.tag is ET.ProcessingInstruction:
            pieces.append(("注释", el.text or ""))
            pieces.append(("注释", el.tail or ""))
            continue
        name = _local(el.tag)
        if name in _ACTIVE or el.tag.startswith(f"{{{_XHTML_NS}}}"):
            raise Refused("E-ASSET-ACTIVE", f"SVG 含有 <{name}> 元素（脚本或嵌入的网页）", find_line(text, f"<{name}")[0]
                          or find_line(text, f":{name}")[0])
        if name == "style":
            _check_css(el.text or "", text)
        if name in ("text", "title", "desc"):
            pieces.append((f"<{name}> 文字", "".join(el.itertext())))
        pieces += [(f"<{name}> 文字", el.text or ""), (f"<{name}> 文字", el.tail or "")]
        for attr, value in el.attrib.items():
            _check_attribute(name, _local(attr), value, el, text)
            if _local(attr) in _GEOMETRY:
                pieces += [(f"<{name}> 的 {_local(attr)} 属性", n) for n in _NUMBER.findall(value)]
            else:
                pieces.append((f"<{name}> 的 {_local(attr)} 属性", value))
    try:
        scan(pieces)
    except Refused as refused:  # the line: of the number as written, or with the tags inside it taken out
        lines = text.splitlines()
        refused.line = next((n for n, line in enumerate(lines, 1) if find_personal_data(line)), 0) or next(
            (n for n, line in enumerate(lines, 1) if find_personal_data(_TAG.sub("", line))), 0)
        raise


def _check_attribute(element: str, attr: str, value: str, el, text: str) -> None:
    squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
    if attr.lower().startswith("on"):
        raise Refused("E-ASSET-ACTIVE", f"SVG 的 <{element}> 含有事件处理属性 {attr}", find_line(text, attr + "=")[0])
    if "javascript:" in squeezed or "vbscript:" in squeezed:
        raise Refused("E-ASSET-ACTIVE", f"SVG 的 <{element}> 含有脚本链接", find_line(text, "script:")[0])
    if element in _ANIMATION and attr == "attributeName" and (squeezed.endswith("href") or squeezed.startswith("on")):
        raise Refused("E-ASSET-ACTIVE", f"SVG 的 <{element}> 改写链接或事件（{value}）", find_line(text, value)[0])
    if attr in ("href", "src"):
        _check_reference(element, value.strip(), text, link=element == "a")
    if attr == "style":
        _check_css(value, text)
    for ref in _URL_REF.findall(value) if attr != "style" else ():
        _check_reference(element, ref, text, link=False)


def _check_reference(element: str, ref: str, text: str, link: bool) -> None:
    """Within the file (#id) or on this site; a link (<a>) may also lead to another web site."""
    m = _SCHEME.match(ref)
    if ref.startswith("#") or (not m and not ref.startswith(("//", "\\"))):
        return
    if link and m and m.group(1).lower() in URL_SCHEMES:
        return
    what = "嵌入的数据（data: 地址，其中内容无法检查）" if ref.lower().startswith("data:") else f"站外地址 {ref[:60]}"
    raise Refused("E-ASSET-ACTIVE", f"SVG 的 <{element}> 引用了{what}；本站不加载站外资源",
                  find_line(text, ref[:60])[0])


def _check_css(css: str, text: str) -> None:
    if "@import" in css.lower() or "expression(" in css.lower():
        raise Refused("E-ASSET-ACTIVE", "SVG 的样式含有 @import 或 expression()", find_line(text, "@import")[0])
    for ref in _URL_REF.findall(css):
        _check_reference("style", ref, text, link=False)
