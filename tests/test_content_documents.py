"""generator/documents.py: PDF, .docx and .xlsx files of content/ (P3.1, P3.3).  The files are
made with the libraries that read them."""

import io

import pytest

import content_files as cf
from generator.assets import Refused, publishable

ID = cf.resident_id()
MOBILE = "13812345678"


def outcome(name, data):
    try:
        assert publishable(name, data) == data  # documents are published byte for byte
        return None
    except Refused as r:
        assert ID not in r.detail and MOBILE not in r.detail  # masked in every message
        return r


# ---------------------------------------------------------------- PDF

def test_a_clean_pdf_is_published():
    assert outcome("a.pdf", cf.pdf("Complaints: 12333", "Office 0951-5099342", metadata={"/Author": "HRSS"})) is None


@pytest.mark.parametrize("make, where", [
    (lambda: cf.pdf("page one", f"ID {ID}"), "第 2 页"),
    (lambda: cf.pdf("page one", metadata={"/Author": f"{MOBILE}"}), "文件属性“Author”"),
    (lambda: cf.pdf("page one", metadata={"/Subject": f"{ID}"}), "文件属性“Subject”"),
])
def test_personal_data_in_a_pdf_is_refused(make, where):
    r = outcome("a.pdf", make())
    assert r.code == "E-ASSET-PERSONAL-DATA" and where in r.detail, r.detail


def annotate(contents, subtype="/FreeText"):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    def edit(writer):
        annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
                                  NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                  NameObject("/Contents"): TextStringObject(contents)})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return edit


def test_text_in_a_pdf_annotation_is_scanned_and_sticky_notes_are_refused():
    assert outcome("a.pdf", cf.pdf("page", extra=annotate(f"tel {MOBILE}"))).code == "E-ASSET-PERSONAL-DATA"
    assert outcome("a.pdf", cf.pdf("page", extra=annotate("ok"))) is None
    r = outcome("a.pdf", cf.pdf("page", extra=annotate("internal", "/Text")))
    assert r.code == "E-ASSET-HIDDEN" and "批注" in r.detail


def test_scripts_and_attachments_in_a_pdf_are_refused():
    from pypdf.actions import JavaScript

    js = cf.pdf("page", extra=lambda w: w.add_open_action(JavaScript("app.alert(1);")))
    assert outcome("a.pdf", js).code == "E-ASSET-ACTIVE"
    r = outcome("a.pdf", cf.pdf("page", extra=lambda w: w.add_attachment("名单.csv", f"{ID}".encode())))
    assert r.code == "E-ASSET-ACTIVE" and "附件" in r.detail


@pytest.mark.parametrize("data, what", [
    (cf.pdf("secret", encrypt="pw"), "加密"),
    (cf.pdf(""), "第 1 页没有可读取的文字"),  # a scan: nothing to check, so nothing published
    (b"%PDF-1.7\n1 0 obj <<", "无法读取"),
    (cf.pdf("page")[:200], "无法读取"),
])
def test_a_pdf_that_cannot_be_read_is_refused(data, what):
    r = outcome("a.pdf", data)
    assert r.code == "E-ASSET-UNREADABLE" and what in r.detail, r.detail


def test_text_deleted_in_a_later_revision_of_a_pdf_is_still_found():
    """An incremental update keeps the earlier version in the file: its text is scanned too."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    first = cf.pdf(f"ID {ID}")
    writer = PdfWriter(io.BytesIO(first), incremental=True)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 100 Td (removed) Tj ET")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    assert data.startswith(first) and ID not in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    r = outcome("a.pdf", data)
    assert r.code == "E-ASSET-PERSONAL-DATA" and "修改前" in r.detail


# ---------------------------------------------------------------- Word

def test_a_clean_docx_is_published():
    assert outcome("a.docx", cf.docx("投诉举报电话 12333", table=[["部门", "电话"], ["政策法规处", "0951-5099342"]])) is None


@pytest.mark.parametrize("kwargs, where", [
    ({"paragraphs": (f"当事人身份证号 {ID}",)}, "正文"),
    ({"table": [["姓名", "手机"], ["张三", MOBILE]]}, "表格"),
    ({"header": f"联系人 {MOBILE}"}, "页眉"),
    ({"author": MOBILE}, "作者"),
])
def test_personal_data_in_a_docx_is_refused(kwargs, where):
    r = outcome("a.docx", cf.docx(*kwargs.pop("paragraphs", ("通知",)), **kwargs))
    assert r.code == "E-ASSET-PERSONAL-DATA" and where in r.detail, r.detail


def test_an_id_split_over_runs_is_found():
    """Word splits a paragraph into runs wherever formatting or spell-check state changes."""
    def edit(document):
        p = document.add_paragraph("身份证号 ")
        p.add_run(ID[:6]).bold = True
        p.add_run(ID[6:])
    assert outcome("a.docx", cf.docx(edit=edit)).code == "E-ASSET-PERSONAL-DATA"


def test_footnotes_text_boxes_and_custom_properties_are_scanned_too():
    """Parts python-docx does not model are read by the sweep over every XML part."""
    import zipfile

    def with_part(data, name, xml):
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            dst.writestr(name, xml)
        return buf.getvalue()

    xml = (f'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
           f'<property name="承办人电话"><vt xmlns="x">{MOBILE}</vt></property></Properties>')
    r = outcome("a.docx", with_part(cf.docx("通知"), "docProps/custom.xml", xml))
    assert r.code == "E-ASSET-PERSONAL-DATA" and "自定义属性" in r.detail


def test_comments_tracked_changes_and_hidden_text_are_refused():
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    def comment(document):
        document.add_comment(document.paragraphs[0].runs, text="内部意见", author="审核人")

    def tracked(document):
        deleted = OxmlElement("w:del")
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText")
        text.text = "删掉的话"
        run.append(text)
        deleted.append(run)
        document.paragraphs[0]._p.append(deleted)

    def hidden(document):
        run = document.add_paragraph().add_run("看不见的字")
        run.font.hidden = True

    for edit, what in ((comment, "批注"), (tracked, "修订"), (hidden, "隐藏文字")):
        r = outcome("a.docx", cf.docx("通知", edit=edit))
        assert r.code == "E-ASSET-HIDDEN" and what in r.detail, r.detail
    assert qn("w:del")  # the names above are Word's own


def test_macros_objects_and_outside_templates_in_a_docx_are_refused():
    def external(document):
        document.part.relate_to("file://server/模板.dotm",
                                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
                                is_external=True)
    r = outcome("a.docx", cf.docx("通知", edit=external))
    assert r.code == "E-ASSET-ACTIVE" and "外部" in r.detail

    def link(document):  # a hyperlink is an outside target too, but only a link: allowed
        document.part.relate_to("https://www.gov.cn/",
                                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                                is_external=True)
    assert outcome("a.docx", cf.docx("通知", edit=link)) is None


def test_a_photo_with_its_camera_owner_inside_a_docx_is_refused():
    def photo(owner):
        return lambda document: document.add_picture(io.BytesIO(cf.image("JPEG", exif=owner)))
    r = outcome("a.docx", cf.docx("通知", edit=photo({0x013B: "Zhang San"})))
    assert r.code == "E-ASSET-HIDDEN" and "作者" in r.detail
    assert outcome("a.docx", cf.docx("通知", edit=photo({0x0112: 1}))) is None


@pytest.mark.parametrize("data", [b"PK\x03\x04broken", cf.xlsx([["a"]]), b"\xd0\xcf\x11\xe0" + b"\0" * 600])
def test_a_docx_that_cannot_be_read_is_refused(data):
    """A broken ZIP, an Excel file renamed, an encrypted (OLE) or legacy file."""
    assert outcome("a.docx", data).code == "E-ASSET-UNREADABLE"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    import zipfile

    from generator import documents

    monkeypatch.setattr(documents, "PART_LIMIT", 1 << 20)  # the same check, at a size a test can write

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(cf.docx("通知"))) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/bomb.xml", b"<a>" + b" " * (2 << 20) + b"</a>")
    r = outcome("a.docx", buf.getvalue())
    assert r.code == "E-ASSET-UNREADABLE" and "过大" in r.detail


# ---------------------------------------------------------------- Excel

def test_a_clean_xlsx_is_published():
    assert outcome("a.xlsx", cf.xlsx([["部门", "电话", "金额"], ["政策法规处", "0951-5099342", 20000]])) is None


@pytest.mark.parametrize("rows", [[["姓名", "身份证号"], ["张三", ID]], [["手机"], [int(MOBILE)]],
                                  [["公式"], [f'=CONCAT("身份证号","{ID}")']]])
def test_personal_data_in_a_cell_is_refused_naming_the_cell(rows):
    r = outcome("a.xlsx", cf.xlsx(rows))
    assert r.code == "E-ASSET-PERSONAL-DATA" and "工作表“名单”" in r.detail and "单元格" in r.detail, r.detail


def test_hidden_sheets_rows_and_columns_with_values_are_refused():
    def sheet(book):
        s = book.create_sheet("原始数据")
        s["A1"] = "张三"
        s.sheet_state = "veryHidden"

    def column(book):
        book.active["C2"] = "张三"
        book.active.column_dimensions["C"].hidden = True

    def row(book):
        book.active["A3"] = "张三"
        book.active.row_dimensions[3].hidden = True

    for edit in (sheet, column, row):
        assert outcome("a.xlsx", cf.xlsx([["a"]], edit=edit)).code == "E-ASSET-HIDDEN"

    def empty_hidden(book):  # a hidden column with nothing in it hides nothing
        book.active.column_dimensions["F"].hidden = True
    assert outcome("a.xlsx", cf.xlsx([["a"]], edit=empty_hidden)) is None


def test_comments_in_a_workbook_are_refused():
    from openpyxl.comments import Comment

    def comment(book):
        book.active["A1"].comment = Comment("内部意见", "审核人")
    assert outcome("a.xlsx", cf.xlsx([["a"]], edit=comment)).code == "E-ASSET-HIDDEN"


def test_workbook_properties_are_scanned():
    def author(book):
        book.properties.creator = MOBILE
    r = outcome("a.xlsx", cf.xlsx([["a"]], edit=author))
    assert r.code == "E-ASSET-PERSONAL-DATA" and "作者" in r.detail
