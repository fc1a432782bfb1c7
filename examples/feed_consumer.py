"""A reference consumer of gongshi's feeds: it keeps an exact local copy of what a dataset has on
display by reading only the Atom subscription document and its RFC 5005 archives — and only from
a release it has verified.

    python examples/feed_consumer.py https://…/feeds/penalties.xml state.json [release-key.pub]

Before anything is applied, the site's release log is checked (README “The release log”):
``/release.json`` is read; with the site's public key, obtained once through a trusted channel
and given here, its Ed25519 signature (``/release.sig``) must be valid (this needs the
``cryptography`` package; without a key only the hashes are checked); its as-of date may not be
older than the release last applied (no rollback); a release that does not link to the last one
applied is noted as a gap (releases were missed, which is normal when syncing less than daily);
and every document read must have the SHA-256 the manifest lists.  On any mismatch nothing is
applied and the state file is left as it was.

Each run syncs: it follows ``prev-archive`` links back to the newest archive it has already
applied (or to the first one), applies the unseen archives oldest first, then the subscription
document.  Entries carry a record's public fields (``gs:record``); RFC 6721 tombstones
(``at:deleted-entry``, before the entries) remove it.  An entry without ``gs:record`` is the
notice for people beside a tombstone (【撤销】, 【公示期满】 …) and is skipped.  Applying is
last-writer-wins on the change date, with a tombstone winning a tie, so applying a document
twice or out of order does no harm.

Standard library only, so that any downstream system can copy it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

ATOM = "{http://www.w3.org/2005/Atom}"
GS = "{https://gongshi.example/ns/feed/1}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
MANIFEST, SIGNATURE = "release.json", "release.sig"


class Untrusted(Exception):
    """The release or a document does not verify: nothing was applied."""


def fetch_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (the feed's own URLs)
        return response.read()


@dataclass
class Replica:
    records: dict = field(default_factory=dict)     # record id → {"updated", "status", "fields", "exports"}
    tombstones: dict = field(default_factory=dict)  # record id → (when, reason)
    applied: list = field(default_factory=list)     # archive URLs applied, oldest first
    release: dict = field(default_factory=dict)     # the last release applied: sha256, as_of, revision
    gaps: list = field(default_factory=list)        # releases that did not link to the one before

    def sync(self, feed_url: str, fetch=fetch_url, key=None) -> int:
        """Bring the copy up to date from a verified release; returns the number of documents
        read.  ``key``: the site's Ed25519 public key (PEM bytes), or None to check hashes only."""
        base = feed_url[:feed_url.index("/feeds/") + 1]
        body, manifest = self._release(base, fetch, key)
        files = manifest["files"]

        def read(url: str) -> ET.Element:
            data = fetch(url)
            path = url[len(base):]
            if files.get(path) != hashlib.sha256(data).hexdigest():
                raise Untrusted(f"{path} 与发布清单 {MANIFEST}（{manifest['as_of']}）不符：未应用任何内容")
            return ET.fromstring(data)

        current = read(feed_url)
        done, unseen = set(self.applied), []
        url = _link(current, "prev-archive")
        while url and url not in done:
            doc = read(url)
            unseen.append((url, doc))
            url = _link(doc, "prev-archive")
        # everything read has verified: now apply
        for url, doc in reversed(unseen):
            self.apply(doc)
            self.applied.append(url)
        self.apply(current)
        link = manifest.get("previous") or {}
        digest = hashlib.sha256(body).hexdigest()
        if self.release and digest != self.release["sha256"] and link.get("sha256") != self.release["sha256"]:
            self.gaps.append({"after": self.release["as_of"], "before": manifest["as_of"]})
        self.release = {"sha256": digest, "as_of": manifest["as_of"], "revision": manifest.get("revision")}
        return len(unseen) + 1

    def _release(self, base: str, fetch, key) -> tuple[bytes, dict]:
        """The site's release.json, verified: signature (with ``key``), no rollback."""
        body = fetch(base + MANIFEST)
        try:
            manifest = json.loads(body)
            files, as_of = manifest["files"], manifest["as_of"]
        except (ValueError, KeyError, TypeError):
            raise Untrusted(f"{MANIFEST} 无法读取") from None
        if key is not None:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.serialization import load_pem_public_key

            try:
                signature = base64.b64decode(fetch(base + SIGNATURE).strip(), validate=True)
                load_pem_public_key(key).verify(signature, body)
            except (InvalidSignature, ValueError) as exc:
                raise Untrusted(f"{MANIFEST} 的签名无效（{type(exc).__name__}）：未应用任何内容") from None
        if self.release and as_of < self.release["as_of"]:
            raise Untrusted(f"{MANIFEST} 是 {as_of} 的，早于已应用的 {self.release['as_of']}：可能是回滚的旧版本")
        return body, manifest

    def apply(self, doc: ET.Element) -> None:
        for el in doc:
            if el.tag == f"{ATOM}entry":
                self._upsert(el)
            elif el.tag == f"{AT}deleted-entry":
                self._delete(el)

    def _upsert(self, entry: ET.Element) -> None:
        record = entry.find(f"{GS}record")
        if record is None:
            return  # a notice for people: its tombstone says the same to machines
        updated = entry.findtext(f"{ATOM}updated")
        rid = record.get("id")
        gone = self.tombstones.get(rid)
        if gone and gone[0] >= updated:
            return  # removed at or after this change
        mine = self.records.get(rid)
        if mine and mine["updated"] > updated:
            return  # we hold a later state
        self.tombstones.pop(rid, None)
        fields = {f.get("name"): f.text or "" for f in record.findall(f"{GS}field")}
        self.records[rid] = {
            "updated": updated, "status": record.get("status"), "fields": fields,
            # an item names the field it copies, or carries its own value; one left out is empty
            "exports": {ex.get("name"): {i.get("code"): fields[i.get("field")] if i.get("field") else i.text or ""
                                         for i in ex.findall(f"{GS}item")}
                        for ex in record.findall(f"{GS}export")},
        }

    def _delete(self, tombstone: ET.Element) -> None:
        rid = tombstone.get("ref").rsplit("/", 1)[-1]
        when = tombstone.get("when")
        mine = self.records.get(rid)
        if mine and mine["updated"] > when:
            return
        self.records.pop(rid, None)
        previous = self.tombstones.get(rid)
        if not previous or previous[0] < when:
            self.tombstones[rid] = (when, tombstone.findtext(f"{AT}comment") or "")

    # ------------------------------------------------------------- persistence
    def dump(self) -> dict:
        return {"records": self.records, "tombstones": self.tombstones, "applied": self.applied,
                "release": self.release, "gaps": self.gaps}

    @classmethod
    def load(cls, data: dict) -> "Replica":
        return cls(data.get("records", {}), {k: tuple(v) for k, v in data.get("tombstones", {}).items()},
                   data.get("applied", []), data.get("release", {}), data.get("gaps", []))


def _link(doc: ET.Element, rel: str) -> str | None:
    for link in doc.findall(f"{ATOM}link"):
        if link.get("rel") == rel:
            return link.get("href")
    return None


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    feed_url, state_file = argv[:2]
    key = open(argv[2], "rb").read() if len(argv) == 3 else None
    try:
        with open(state_file, encoding="utf-8") as f:
            replica = Replica.load(json.load(f))
    except FileNotFoundError:
        replica = Replica()
    try:
        read = replica.sync(feed_url, key=key)
    except Untrusted as exc:
        print(f"未同步：{exc}", file=sys.stderr)
        return 1
    with open(state_file, "w", encoding="utf-8") as f:
        json.dump(replica.dump(), f, ensure_ascii=False, indent=1)
    print(f"发布 {replica.release['as_of']}：读取 {read} 个文档；本地副本 {len(replica.records)} 条，"
          f"已删除 {len(replica.tombstones)} 条")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
