"""The repository's canonical CSV: the one form ``gongshi import`` writes, so that one changed
row is one changed line in ``git diff``, and a double-click opens the file in Excel correctly.

- **UTF-8 with a BOM.**  Excel on Chinese Windows opens a CSV without BOM as GBK (mojibake); with
  the BOM it reads UTF-8.  The build reads UTF-8, UTF-8 with BOM and GB18030 alike.
- **LF line endings**, also inside cells (a cell's line break is one LF): the repository's CSVs
  have always had them, and git's diff then shows one line per changed row (Excel's CRLF would
  rewrite every line the first time).
- **Minimal quoting** (RFC 4180): a cell is quoted only when it holds a comma, a quote or a line
  break; a quote inside is doubled.  No trailing spaces are added or removed.
- **Column order**: the order of the file's current header in the repository (a changed column
  order would rewrite every line); schema columns that the file lacks are added after it, in
  schema order, only when a row fills them (or they are required).  A new file has the schema's
  order.  The sheet's own column order does not matter.
- **Rows in sheet order**, one line each (plus one per line break inside a cell); rows whose
  cells are all empty are left out, as the build leaves them out.
- Dates that Excel holds as dates are written ``YYYY-MM-DD``; numbers in plain decimal notation
  (``20000``, ``20000.5``); every other cell as its text.

The file is written beside its target and renamed over it, so an interrupted import never
leaves half a file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

ENCODING = "utf-8-sig"  # UTF-8 with BOM
LINE_END = "\n"


def cell_line_breaks(text: str) -> str:
    """A cell's line breaks as LF (Excel writes CRLF inside quoted cells on Windows)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def canonical_header(names: tuple[str, ...], existing: tuple[str, ...] | None, filled: set[str],
                     required: set[str]) -> tuple[str, ...]:
    """The columns of the canonical file, in order.  ``names``: the schema's columns in schema
    order; ``existing``: the header of the file now in the repository (None: no such file);
    ``filled``: the columns that some row fills."""
    if existing is None:
        return names
    known = set(names)
    kept = [n for n in dict.fromkeys(existing) if n in known]
    added = [n for n in names if n not in kept and (n in filled or n in required)]
    return tuple(kept + added)


def write_csv(path: Path, header: tuple[str, ...], rows) -> None:
    """Write ``rows`` (sequences of cell texts, in ``header``'s order) in the canonical form."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=ENCODING, newline="") as fh:
            writer = csv.writer(fh, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header)
            writer.writerows([cell_line_breaks(c) for c in row] for row in rows)
        install(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` over ``path``, with the mode ``path`` had (else the umask's), not the
    temporary file's owner-only mode."""
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def canonical_bytes(path: Path) -> bytes:
    """The canonical form of a CSV the build can read (any of its encodings, CRLF or LF, any
    quoting), same columns and order: what converting the file to the canonical form writes."""
    from ..stages.read import detect_encoding

    encoding, _ = detect_encoding(path)
    if encoding is None:
        raise ValueError(f"{path}: encoding not recognised")
    with path.open(encoding=encoding, newline="") as fh:
        rows = [[cell_line_breaks(c) for c in row] for row in csv.reader(fh, strict=True)]
    header = [h.strip().lstrip("\ufeff") for h in rows[0]] if rows else []
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(r for r in rows[1:] if any(r))
    return buf.getvalue().encode(ENCODING)
