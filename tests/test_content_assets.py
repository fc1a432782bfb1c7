"""generator/assets.py: plain text, SVG and images of content/ (P3.1, P3.3)."""

import io

import pytest
from PIL import Image

import content_files as cf
from generator.assets import ALLOWED, Refused, check_embedded_image, ignored, publishable

ID = cf.resident_id()


def refused(name, data) -> Refused:
    with pytest.raises(Refused) as exc:
        publishable(name, data)
    return exc.value


# ---------------------------------------------------------------- the allow-list

def test_the_allow_list_is_the_documented_one():
    assert set(ALLOWED) == {".png", ".jpg", ".jpeg", ".svg", ".pdf", ".docx", ".xlsx", ".txt"}


@pytest.mark.parametrize("name", [".DS_Store", "Thumbs.db", "desktop.ini", "~$通知.docx", ".git"])
def test_by_products_of_editors_are_ignored(name):
    assert ignored(name)


def test_published_files_are_not_ignored():
    assert not ignored("通知.docx") and not ignored("penalty.svg")


# ---------------------------------------------------------------- plain text

def test_clean_text_is_published_as_it_is():
    data = cf.txt("投诉电话 12333，办公电话 0951-5099342\n")
    assert publishable("notice.txt", data) == data


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_an_id_number_in_text_is_refused_at_its_line(encoding):
    r = refused("notice.txt", cf.txt(f"通知\n\n当事人身份证号 {ID}。\n", encoding))
    assert r.code == "E-ASSET-PERSONAL-DATA" and r.line == 3
    assert ID not in r.detail and "6401" in r.detail  # masked: the value never reaches a log (P3.5)


def test_text_in_an_unknown_encoding_is_refused():
    assert refused("a.txt", "通知".encode("utf-16")).code == "E-ASSET-UNREADABLE"


# ---------------------------------------------------------------- SVG

def test_a_clean_svg_is_published_byte_for_byte():
    data = cf.svg('<a href="/remedies/"><text x="1" y="2">救济渠道</text></a>'
                  '<a href="https://www.gov.cn/"><text>中国政府网</text></a><rect fill="url(#g)" width="1" height="1"/>'
                  '<use href="#g"/>')
    assert publishable("flow.svg", data) == data


def test_the_demo_flowcharts_pass():
    from conftest import REPO

    charts = sorted((REPO / "content/flowcharts").glob("*.svg"))
    assert len(charts) == 4
    for path in charts:
        assert publishable(path.name, path.read_bytes()) == path.read_bytes()


@pytest.mark.parametrize("body, attrs, what", [
    ("<script>alert(1)</script>", "", "<script>"),
    ('<text onclick="alert(1)">x</text>', "", "onclick"),
    ("", ' onload="alert(1)"', "onload"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "", "脚本链接"),
    ('<a xlink:href=" JaVa&#x09;Script:alert(1)"><text>x</text></a>', "", "脚本链接"),
    ('<image href="https://evil.example/x.png"/>', "", "站外地址"),
    ('<image xlink:href="//evil.example/x.png"/>', "", "站外地址"),
    ('<image href="data:image/png;base64,iVBORw0KGgo="/>', "", "data:"),
    ('<use href="https://evil.example/sprite.svg#a"/>', "", "站外地址"),
    ('<rect style="fill:url(https://evil.example/p.svg#x)" width="1" height="1"/>', "", "站外地址"),
    ("<style>@import url(https://evil.example/x.css);</style>", "", "@import"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', "", "foreignObject"),
    ('<set attributeName="href" to="/x"/>', "", "改写链接或事件"),
    ('<animate attributeName="onbegin" values="x"/>', "", "改写链接或事件"),
    ('<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="/x"/>', "", "iframe"),
])
def test_active_content_in_svg_is_refused(body, attrs, what):
    r = refused("flow.svg", cf.svg(body, attrs=attrs))
    assert r.code == "E-ASSET-ACTIVE" and what in r.detail, r.detail
    assert r.line in (2, 4)


def test_a_dtd_or_entity_in_svg_is_refused_before_expansion():
    bomb = '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    r = refused("flow.svg", cf.svg("<text>&b;</text>", head=bomb))
    assert r.code == "E-ASSET-ACTIVE" and "DOCTYPE" in r.detail and r.line == 2
    plain = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    assert refused("flow.svg", cf.svg(head=plain)).code == "E-ASSET-ACTIVE"


@pytest.mark.parametrize("body", [
    f"<text x='1' y='2'>当事人 {ID}</text>",
    f"<text x='1' y='2'>当事人 <tspan>{ID[:9]}</tspan><tspan>{ID[9:]}</tspan></text>",  # split over spans
    f"<desc>联系人手机 13812345678</desc>",
    f"<!-- 内部：{ID} -->",
    f'<g data-note="{ID}"/>',
    f'<rect x="{ID}" width="1" height="1"/>',  # a number where a coordinate goes
])
def test_personal_data_anywhere_in_svg_is_refused(body):
    r = refused("flow.svg", cf.svg(body))
    assert r.code == "E-ASSET-PERSONAL-DATA", r.detail
    assert r.line == 4


def test_coordinates_are_not_read_as_numbers_of_people():
    """Path data is many numbers in a row: scanned number by number, never run together."""
    d = " ".join(["M 6401 0219 7103 0431", "L 5301 2345 6789 0123 4567"] * 5)
    data = cf.svg(f'<path d="{d}"/><polyline points="138 1234 5678 4111 1111 1111 1111"/>')
    assert publishable("flow.svg", data) == data


def test_broken_or_foreign_xml_is_refused():
    assert refused("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><text>").code == "E-ASSET-UNREADABLE"
    assert refused("a.svg", b"<html><body/></html>").code == "E-ASSET-UNREADABLE"


# ---------------------------------------------------------------- images

GPS = 0x8825


def pixels(data: bytes):
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGB").tobytes(), im.getexif()


def test_a_clean_png_is_published_byte_for_byte():
    data = cf.image("PNG")
    assert publishable("a.png", data) == data


def test_png_text_chunks_and_trailing_data_are_removed_and_pixels_kept():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "张三")
    info.add_itxt("Comment", f"身份证 {ID}")
    data = cf.image("PNG", pnginfo=info) + b"PK\x03\x04 hidden archive"
    out = publishable("a.png", data)
    assert "张三".encode() not in out and ID.encode() not in out and b"hidden" not in out
    assert pixels(out)[0] == pixels(cf.image("PNG"))[0]
    assert publishable("a.png", data) == out  # the same input, the same bytes


def test_jpeg_exif_is_removed_losslessly_and_orientation_kept():
    exif = {0x013B: "Zhang San", 0x0112: 6, 0xA430: "Owner"}
    data = cf.image("JPEG", exif=exif, quality=90)
    with Image.open(io.BytesIO(data)) as im:
        e = im.getexif()
        e.get_ifd(GPS)[2] = (38.0, 29.0, 1.0)  # a position: written by Pillow into the GPS IFD
        buf = io.BytesIO()
        im.save(buf, "JPEG", exif=e.tobytes(), quality=90, comment=f"拍摄 {ID}".encode())
    data = buf.getvalue() + b"\xff\xd8 second picture after the end"
    out = publishable("photo.JPG", data)
    raw, tags = pixels(out)
    assert raw == pixels(data)[0]  # not re-encoded: the same pixels
    assert dict(tags) == {0x0112: 6}  # upright, and nothing else
    for secret in (b"Zhang San", b"Owner", ID.encode(), b"second picture"):
        assert secret not in out


def test_something_that_only_looks_like_an_image_is_refused():
    assert refused("a.png", b"<html><script>alert(1)</script>").code == "E-ASSET-UNREADABLE"
    assert refused("a.jpg", cf.image("PNG")).code == "E-ASSET-UNREADABLE"
    assert refused("a.png", cf.image("PNG")[:40]).code == "E-ASSET-UNREADABLE"
    jpeg = cf.image("JPEG")
    assert refused("a.jpg", jpeg[:len(jpeg) // 2]).code == "E-ASSET-UNREADABLE"


def test_an_image_that_would_take_gigabytes_to_decode_is_refused():
    huge = cf.image("PNG", size=(1, 1))
    # rewrite IHDR to claim 100,000 × 100,000 pixels (CRC fixed, so only the size is wrong)
    import struct
    import zlib

    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    huge = huge[:8] + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + huge[33:]
    assert refused("a.png", huge).code == "E-ASSET-UNREADABLE"


def test_images_inside_documents_pass_with_technical_tags_only():
    check_embedded_image("图片", cf.image("JPEG", exif={0x0112: 6, 0x0110: "Camera"}))
    check_embedded_image("图片", cf.image("PNG"))
    for bad in (cf.image("JPEG", exif={0x013B: "Zhang San"}), cf.image("PNG") + b"trailing",
                cf.image("JPEG", comment=f"{ID}".encode())):
        with pytest.raises(Refused):
            check_embedded_image("图片", bad)
