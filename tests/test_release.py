"""The release log (release.py) and ``gongshi verify`` (verify.py): every output file hashed,
signed with Ed25519, chained to the previous release; each kind of tampering reported, an
untampered release passing, from a folder and from a site served on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from datetime import date

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, run
from generator.cli import main
from generator.diagnostics import BuildFailed
from generator.pipeline import build
from generator.release import MANIFEST, PUBLIC_KEY, SIGNATURE, UNLISTED, ReleaseInputs, key_id, new_key, private_key
from generator.verify import verify
from localsite import serve

PEM, PUBLIC = new_key()
KEY = private_key(PEM)


def build_to(out, as_of=GOLDEN_AS_OF, site=GOLDEN_SITE, search=False, **release):
    release.setdefault("signing_key", KEY)
    try:
        return build(site, out, as_of, search_index=search, jobs=1, release=ReleaseInputs(**release))
    except BuildFailed as failed:
        raise AssertionError([d.format() for d in failed.report.errors]) from None


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    out = tmp_path_factory.mktemp("rel") / "signed"
    build_to(out, revision="0123456789abcdef0123456789abcdef01234567")
    return out


@pytest.fixture
def copy(signed, tmp_path):
    dest = tmp_path / "copy"
    shutil.copytree(signed, dest)
    return dest


def codes(result) -> list[tuple[str, str]]:
    return sorted((p.code, p.path) for p in result.problems)


def test_manifest_lists_every_other_file_with_its_sha256(signed):
    doc = json.loads((signed / MANIFEST).read_bytes())
    on_disk = sorted(p.relative_to(signed).as_posix() for p in signed.rglob("*") if p.is_file())
    # all but the manifest, its signature and the output folder's marker (stages/output_dir.py)
    assert sorted(doc["files"]) == [p for p in on_disk if p not in UNLISTED]
    assert PUBLIC_KEY in doc["files"] and "feeds/penalties.xml" in doc["files"]
    page = "penalties/index.html"
    assert doc["files"][page] == hashlib.sha256((signed / page).read_bytes()).hexdigest()
    assert doc["as_of"] == "2025-01-15" and doc["revision"].startswith("0123456789ab")
    assert doc["counts"]["penalties"]["listed"] > 0 and doc["previous"] is None
    assert doc["signing_key"] == key_id(KEY.public_key())
    assert (signed / PUBLIC_KEY).read_bytes() == PUBLIC


def test_search_indexes_are_in_the_manifest(tmp_path):
    out = tmp_path / "o"
    build_to(out, search=True)
    files = json.loads((out / MANIFEST).read_bytes())["files"]
    assert any(p.startswith("pagefind/") for p in files) and any(p.startswith("lookup/") for p in files)
    assert verify(str(out)).ok


def test_untampered_release_verifies_and_exits_0(signed, capsys):
    result = verify(str(signed), PUBLIC.decode())
    assert result.ok and codes(result) == [] and result.signed_by
    assert main(["verify", str(signed), "--key", key_id(KEY.public_key())]) == 0
    assert "校验通过" in capsys.readouterr().out


def test_one_byte_changed_is_reported(copy):
    page = copy / "penalties/index.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 1
    page.write_bytes(bytes(data))
    assert codes(verify(str(copy), PUBLIC.decode())) == [("E-VERIFY-CHANGED", "penalties/index.html")]


def test_file_removed_is_reported(copy):
    (copy / "feeds/penalties.xml").unlink()
    assert codes(verify(str(copy))) == [("E-VERIFY-MISSING", "feeds/penalties.xml")]


def test_file_added_is_reported(copy):
    (copy / "penalties" / "fake.html").write_text("<p>伪造</p>", encoding="utf-8")
    assert codes(verify(str(copy))) == [("E-VERIFY-ADDED", "penalties/fake.html")]


def test_replaced_manifest_is_reported(copy, tmp_path, capsys):
    other = tmp_path / "other"
    build_to(other, as_of=date(2025, 1, 16))  # the same key signs another day's release
    # an attacker puts a manifest of his own, hashes recomputed over a changed page, with no valid signature
    page = copy / "penalties/index.html"
    page.write_bytes(page.read_bytes().replace("行政处罚".encode(), "行政奖励".encode(), 1))
    doc = json.loads((copy / MANIFEST).read_bytes())
    doc["files"]["penalties/index.html"] = hashlib.sha256(page.read_bytes()).hexdigest()
    (copy / MANIFEST).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert codes(verify(str(copy), PUBLIC.decode())) == [("E-VERIFY-SIGNATURE", SIGNATURE)]
    # another genuine manifest (and its signature) put over this release: the files do not match it
    shutil.copyfile(other / MANIFEST, copy / MANIFEST)
    shutil.copyfile(other / SIGNATURE, copy / SIGNATURE)
    found = codes(verify(str(copy), PUBLIC.decode()))
    assert found and {c for c, _ in found} <= {"E-VERIFY-CHANGED", "E-VERIFY-MISSING", "E-VERIFY-ADDED"}
    assert main(["verify", str(copy)]) == 1
    assert "校验未通过" in capsys.readouterr().out


def test_signature_by_another_key_and_pinned_key(copy):
    stranger = private_key(new_key()[0])
    body = (copy / MANIFEST).read_bytes()
    (copy / SIGNATURE).write_bytes(base64.b64encode(stranger.sign(body)) + b"\n")
    assert codes(verify(str(copy))) == [("E-VERIFY-SIGNATURE", SIGNATURE)]
    pinned = key_id(stranger.public_key())
    assert ("E-VERIFY-KEY", MANIFEST) in codes(verify(str(copy), pinned))
    (copy / SIGNATURE).unlink()
    assert codes(verify(str(copy))) == [("E-VERIFY-UNSIGNED", SIGNATURE)]


def test_unsigned_release_verifies_its_hashes_with_a_warning(tmp_path):
    out = tmp_path / "o"
    build_to(out, signing_key=None)
    assert not (out / SIGNATURE).exists() and not (out / PUBLIC_KEY).exists()
    result = verify(str(out))
    assert result.ok and codes(result) == [("W-VERIFY-UNSIGNED", MANIFEST)]
    assert codes(verify(str(out), key_id(KEY.public_key()))) == [("E-VERIFY-UNSIGNED", SIGNATURE)]


def test_chain_links_each_release_to_the_one_before(signed, tmp_path):
    first = (signed / MANIFEST).read_bytes()
    second = tmp_path / "second"
    build_to(second, as_of=date(2025, 1, 16), previous=first)
    doc = json.loads((second / MANIFEST).read_bytes())
    assert doc["previous"] == {"sha256": hashlib.sha256(first).hexdigest(), "as_of": "2025-01-15",
                               "revision": "0123456789abcdef0123456789abcdef01234567"}
    assert verify(str(second), previous=first).ok
    forged = first.replace(b'"2025-01-15"', b'"2025-01-14"', 1)
    assert codes(verify(str(second), previous=forged)) == [("E-VERIFY-CHAIN", MANIFEST)]


def test_same_inputs_and_state_give_identical_bytes(signed, tmp_path):
    again = tmp_path / "again"
    build_to(again, revision="0123456789abcdef0123456789abcdef01234567")
    for name in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        assert (again / name).read_bytes() == (signed / name).read_bytes(), name


def test_verify_a_site_over_http(signed, copy):
    with serve(signed) as (url, _):
        assert verify(url, PUBLIC.decode()).ok
    (copy / "feeds/penalties.xml").write_bytes(b"<feed/>")
    (copy / "opendata/penalties.csv").unlink()
    with serve(copy) as (url, _):
        result = verify(url, PUBLIC.decode())
    assert codes(result) == [("E-VERIFY-CHANGED", "feeds/penalties.xml"), ("E-VERIFY-MISSING", "opendata/penalties.csv")]


def test_no_manifest_and_unreachable_site(tmp_path):
    (tmp_path / "empty").mkdir()
    assert codes(verify(str(tmp_path / "empty"))) == [("E-VERIFY-MANIFEST", MANIFEST)]
    assert codes(verify("http://127.0.0.1:9/")) == [("E-VERIFY-MANIFEST", MANIFEST)]


def test_build_reads_its_signing_key_from_the_environment(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site)
    monkeypatch.setenv("GONGSHI_SIGNING_KEY", "not a key")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 2
    assert "签名私钥无法读取" in capsys.readouterr().err and not (site / "public").exists()
    monkeypatch.setenv("GONGSHI_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("GONGSHI_PREVIOUS_RELEASE", str(tmp_path / "missing.json"))
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index", "--revision", "abc"]) == 0
    assert "W-RELEASE-PREVIOUS" in capsys.readouterr().err  # the chain has a gap; the build goes on
    assert main(["verify", str(site / "public")]) == 0
