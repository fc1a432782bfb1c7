"""Row cache: each chunk of a table's rows, as an earlier build checked it, reused while the
chunk's cells and everything its checks read are byte for byte the same (issue 15: "validated
rows").  A daily rebuild of 100,000 penalties then reads its rows' answers instead of checking
every cell again.

**What is stored, and how.**  A row's answer (``validate.Checked``) holds its typed values,
private fields included: it is what redaction later takes the public fields from.  The cache
is never published, yet it holds nothing readable without the inputs: each chunk is encrypted
(AES-256-GCM, pyca ``cryptography``) under a key derived from the chunk's own cells and
everything its checks read — the key of *convergent* encryption.  Whoever holds the cache and
not the CSV cannot read a value back; the build, which has just read the CSV, can.  An entry's
name is a digest of the same material under another label: it says which chunk it is, not what
it holds.  GCM's tag also refuses an entry changed by a single bit before it is unpickled, and the
unpickler builds only the few types an answer is made of (``loads``): loading a cache entry
must not be able to run code, even one forged by someone who has the rows.

**When an entry is used.**  Its name is over the chunk's cells (not their line numbers: a row
inserted above moves them), the dataset's configuration, its schema, the CSV's header, the
departments, the work calendar, the hearings held, the tool's version and code (``fingerprint``).
Only chunks whose rows had no problem at all are stored, so no stored answer holds a line
number.  The real date (``today``, E-DATE-FUTURE) is the one input left out of the name: an
entry records the latest event date of its rows, and serves only a build whose ``today`` is
that day or later (else the chunk is checked again, and the error reported as without a cache).
The calendar's provisional years that the chunk's deadlines touched are stored with it and
given back (W-CALENDAR), as a helper process gives them back (``rowpool.py``).

Each build keeps the entries it used and deletes the others (``finish``).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .cache import Cache, key
from .rowpool import Chunk

_NAME, _SECRET = b"gongshi rows: name", b"gongshi rows: secret"
# what a row's answer is made of, beyond pickle's own str, int, bool, None, tuple, list, set, dict
# and bytes: any other global refuses the entry (tests/test_rowcache.py loads every answer of the
# golden and demo sites through this list)
_TYPES = frozenset({("datetime", "date"), ("decimal", "Decimal"), ("generator.model", "Lifecycle"),
                    ("generator.stages.validate", "Checked")})


class _Answers(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}: not a type a row's answer holds")


def loads(data: bytes):
    """A pickle of the row cache, read with no type but ``_TYPES`` (never ``pickle.loads``)."""
    return _Answers(io.BytesIO(data)).load()


def stage_of(dataset: str) -> str:
    return f"rows-{dataset}"


def fingerprint(code: bytes, path: str, header, ds, schema, ctx) -> bytes:
    """Everything a row's checks read besides its cells and the real date (``RowCheck``): the
    code, the CSV's path and header, the dataset's configuration and schema (their ``repr``
    lists every field), the departments and their levels, the hearings, the work calendar."""
    notices = [(y, n.basis, sorted(n.holidays), sorted(n.workdays)) for y, n in sorted(ctx.calendar.notices.items())]
    return bytes.fromhex(key("rows", code, path, repr(tuple(header)), repr(ds), repr(schema),
                             repr(sorted(ctx.agency_names)), repr(sorted(ctx.levels.items())),
                             repr(sorted(ctx.hearings.items())), repr(notices)))


class RowCache:
    """The chunks of one table's rows in ``store`` (stage ``rows-<dataset>``).  ``present``: the
    entries there when the build began — the same listing in every helper process, which skips
    them (``rowpool.py``).  ``events``: the positions, in a row's values, of its event dates."""

    def __init__(self, store: Cache, dataset: str, base: bytes, events: list[int], today: date | None):
        self.store, self.stage, self.base, self.events, self.today = store, stage_of(dataset), base, events, today
        folder = store.root / self.stage
        self.present = frozenset(p.name for p in folder.iterdir() if not p.name.startswith(".")) \
            if folder.is_dir() else frozenset()
        self.used: set[str] = set()
        self.reused = self.checked = 0
        self.why: set[str] = set()
        self._secrets: dict[str, bytes] = {}  # name → key, between ``name`` and ``get`` or ``put``

    def name(self, chunk: Chunk) -> str:
        name, self._secrets[name] = self._digests(chunk)
        return name

    def _secret(self, name: str, chunk: list) -> bytes:
        return self._secrets.pop(name, None) or self._digests(chunk)[1]

    def _digests(self, chunk: Chunk) -> tuple[str, bytes]:
        h = hashlib.sha256(self.base)
        for data in chunk.cells:  # line numbers left out: a row inserted above moves them
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)
        material = h.digest()
        return hashlib.sha256(_NAME + material).hexdigest(), hashlib.sha256(_SECRET + material).digest()

    def get(self, name: str, chunk: list) -> tuple[list, frozenset] | None:
        """(each row's answer; the provisional years) of a stored chunk, or None."""
        self.used.add(name)
        data, why = self.store.get(self.stage, name, name)
        found = None
        if data is not None:
            why = "缓存项已损坏"
            secret = self._secret(name, chunk)
            try:
                latest, years, pickled = loads(AESGCM(secret).decrypt(bytes(data[:12]), bytes(data[12:]),
                                                                      name.encode()))
                if self.today is not None and latest is not None and latest > self.today:
                    why, pickled = "块中有晚于今天的日期，重新校验", None
                answers = [loads(p) for p in pickled] if pickled is not None and len(pickled) == len(chunk) else None
            except (InvalidTag, ValueError, pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError):
                answers = None
            if answers is not None:
                found, why = (answers, frozenset(years)), ""
        if found is None:
            self.why.add(why)
        else:
            self.reused += len(chunk)
        return found

    def put(self, name: str, chunk: list, pickled: list, answers: list, years) -> None:
        """Keep a chunk just checked — unless a row of it had a problem (its answer then holds
        line numbers, and the build reports it anyway)."""
        self.used.add(name)
        if name not in self.present:
            self.why.add("缓存中没有此项" if not self.present else "行已改变")
        self.checked += len(chunk)
        latest = None
        for a in answers:
            if not isinstance(getattr(a, "problems", None), list) or a.problems:  # a row's one Diagnostic, or problems
                return
            for i in self.events:
                if (d := a.values[i]) is not None and (latest is None or d > latest):
                    latest = d
        secret = self._secret(name, chunk)
        nonce = os.urandom(12)
        plain = pickle.dumps((latest, tuple(sorted(years)), pickled), pickle.HIGHEST_PROTOCOL)
        self.store.put(self.stage, name, name, nonce, AESGCM(secret).encrypt(nonce, plain, name.encode()))

    def finish(self) -> None:
        """Drop the entries no chunk of this build asked for; say what was reused (``--explain``)."""
        self.store.keep(self.stage, self.used)
        rows = self.reused + self.checked
        if self.checked:
            self.store.note(self.stage, "rebuilt", f"{self.checked}/{rows} 行重新校验：{'；'.join(sorted(self.why))}")
        else:
            self.store.note(self.stage, "reused", f"{rows} 行输入未变")
