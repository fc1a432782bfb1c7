"""A reference consumer of gongshi's feeds: it keeps an exact local copy of what a dataset has on
display by reading only the Atom subscription document and its RFC 5005 archives.

    python examples/feed_consumer.py https://…/feeds/penalties.xml state.json

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

import json
import sys
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

ATOM = "{http://www.w3.org/2005/Atom}"
GS = "{https://gongshi.example/ns/feed/1}"
AT = "{http://purl.org/atompub/tombstones/1.0}"


def fetch_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (the feed's own URLs)
        return response.read()


@dataclass
class Replica:
    records: dict = field(default_factory=dict)     # record id → {"updated", "status", "fields", "exports"}
    tombstones: dict = field(default_factory=dict)  # record id → (when, reason)
    applied: list = field(default_factory=list)     # archive URLs applied, oldest first

    def sync(self, feed_url: str, fetch=fetch_url) -> int:
        """Bring the copy up to date; returns the number of documents read."""
        current = ET.fromstring(fetch(feed_url))
        done, unseen = set(self.applied), []
        url = _link(current, "prev-archive")
        while url and url not in done:
            doc = ET.fromstring(fetch(url))
            unseen.append((url, doc))
            url = _link(doc, "prev-archive")
        for url, doc in reversed(unseen):
            self.apply(doc)
            self.applied.append(url)
        self.apply(current)
        return len(unseen) + 1

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
        return {"records": self.records, "tombstones": self.tombstones, "applied": self.applied}

    @classmethod
    def load(cls, data: dict) -> "Replica":
        return cls(data.get("records", {}), {k: tuple(v) for k, v in data.get("tombstones", {}).items()},
                   data.get("applied", []))


def _link(doc: ET.Element, rel: str) -> str | None:
    for link in doc.findall(f"{ATOM}link"):
        if link.get("rel") == rel:
            return link.get("href")
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    feed_url, state_file = argv
    try:
        with open(state_file, encoding="utf-8") as f:
            replica = Replica.load(json.load(f))
    except FileNotFoundError:
        replica = Replica()
    read = replica.sync(feed_url)
    with open(state_file, "w", encoding="utf-8") as f:
        json.dump(replica.dump(), f, ensure_ascii=False, indent=1)
    print(f"读取 {read} 个文档；本地副本 {len(replica.records)} 条，已删除 {len(replica.tombstones)} 条")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
