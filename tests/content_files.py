"""Files of every allow-listed type, made with the libraries that read them, for the content tests:
clean ones, and ones with a value planted where an editor might leave it."""

from __future__ import annotations

import io
from datetime import date, timedelta

from generator.identifiers import ID_CHECK, ID_WEIGHTS


def resident_id(n: int = 0) -> str:
    born = date(1971, 3, 4) + timedelta(days=n)
    body = f"640102{born:%Y%m%d}315"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def txt(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def svg(body: str = '<text x="10" y="20">立案</text>', head: str = "", attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{head}'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="100" height="40" viewBox="0 0 100 40"{attrs}>\n'
            f'  <title>流程图</title>\n  {body}\n  <path d="M0 0 L10 5 L0 10 z"/>\n</svg>\n').encode()


def pdf(*pages: str, metadata: dict | None = None, encrypt: str = "", extra=None) -> bytes:
    """A PDF whose pages show ``pages`` (ASCII, in Helvetica) as text."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for text in pages:
        page = writer.add_blank_page(300, 200)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1") if text else b"")
        page[NameObject("/Contents")] = writer._add_object(stream)
    if metadata:
        writer.add_metadata(metadata)
    if extra:
        extra(writer)
    if encrypt:
        writer.encrypt(encrypt)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx(*paragraphs: str, author: str = "", table: list | None = None, header: str = "", edit=None) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.core_properties.author = author
    if edit:
        edit(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx(rows: list, title: str = "名单", edit=None) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if edit:
        edit(book)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def image(fmt: str = "PNG", exif: dict | None = None, size=(8, 6), **save) -> bytes:
    """A small picture; ``exif`` as {tag: value} (e.g. 0x0112 orientation, 0x013B artist)."""
    from PIL import Image

    im = Image.new("RGB", size)
    im.putdata([((x * 30) % 256, (y * 40) % 256, 90) for y in range(size[1]) for x in range(size[0])])
    if exif:
        e = Image.Exif()
        for tag, value in exif.items():
            e[tag] = value
        save["exif"] = e.tobytes()
    buf = io.BytesIO()
    im.save(buf, fmt, **save)
    return buf.getvalue()
