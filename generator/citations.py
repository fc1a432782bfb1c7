"""Legal citations as editors write them — 《中华人民共和国社会保险法》第七十九条第二款第（一）项 — read
into (law, article, paragraph, item), so that one provision is recognised however it is written,
and a provision cited two ways in the published data can be found (rule I4).

Only what follows a 《title》 in the same clause (up to ；or 。) is taken as a reference to it:
“第五章”, “本办法第三条” or a bare “第十七条” are not citations of a law named elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = "[零〇一二两三四五六七八九十百千0-9]+"
_TOKEN = re.compile(
    rf"《(?P<title>[^《》]+)》|第(?P<article>{_NUM})条(?:之(?P<sub>{_NUM}))?"
    rf"(?:第(?P<paragraph>{_NUM})款)?(?:第[（(]?(?P<item>{_NUM})[)）]?项)?|(?P<stop>[；;。])")
NATIONAL = "中华人民共和国"


def number(text: str) -> int | None:
    """第七十九 → 79, 第一百零三 → 103, 第79 → 79; None for what is not a number."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def chinese(n: int) -> str:
    """79 → 七十九, 10 → 十, 103 → 一百零三 (how statutes number their articles)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if not rest:
        return head
    return head + ("零" + digits[rest] if rest < 10 else digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))


def law_name(title: str) -> str:
    """The law a title names, however it is written: without 《》, spaces, a version note in
    brackets, or the 中华人民共和国 prefix (《社会保险法》 and 《中华人民共和国社会保险法》 are one law)."""
    title = re.sub(r"[(（][^()（）]*[)）]$", "", unicodedata.normalize("NFKC", title).replace(" ", ""))
    return title.strip("《》").removeprefix(NATIONAL)


@dataclass(frozen=True, slots=True)
class Citation:
    title: str                  # as written, without 《》
    article: int | None = None  # None: the law as a whole
    sub: int | None = None      # 第十条之一
    paragraph: int | None = None
    item: int | None = None
    text: str = ""              # the reference as written (《…》第…条…)

    @property
    def law(self) -> str:
        return law_name(self.title)

    @property
    def provision(self) -> tuple:
        """What the citation points at, independent of how it is written."""
        return (self.law, self.article, self.sub, self.paragraph, self.item)

    def canonical(self) -> str:
        """The citation written the one way: Chinese numerals, items as （一）; the title as
        written (whether a title takes the 中华人民共和国 prefix depends on the law)."""
        out = f"《{self.title}》"
        if self.article is not None:
            out += f"第{chinese(self.article)}条" + (f"之{chinese(self.sub)}" if self.sub else "")
            out += f"第{chinese(self.paragraph)}款" if self.paragraph else ""
            out += f"第（{chinese(self.item)}）项" if self.item else ""
        return out


def citations(text: str) -> list[Citation]:
    """Every citation in a text, in order; references after a title in the same clause
    (《劳动保障监察条例》第十条、第十一条) belong to that title."""
    out: list[Citation] = []
    title, bare = None, False  # bare: the current title has had no article yet
    for m in _TOKEN.finditer(text or ""):
        if m["stop"]:
            if title is not None and bare:
                out.append(Citation(title, text=f"《{title}》"))
            title, bare = None, False
        elif m["title"] is not None:
            if title is not None and bare:
                out.append(Citation(title, text=f"《{title}》"))
            title, bare = m["title"], True
        elif title is not None:
            bare = False
            out.append(Citation(title, number(m["article"]), m["sub"] and number(m["sub"]),
                                m["paragraph"] and number(m["paragraph"]), m["item"] and number(m["item"]),
                                f"《{title}》{m.group(0)}"))
    if title is not None and bare:
        out.append(Citation(title, text=f"《{title}》"))
    return out


def conflicts(cited) -> list[tuple]:
    """The provisions cited two ways in ``cited`` — an iterable of (where, Citation) — as
    (where, citation, other citation, where the other is): the same law written under two
    titles, or the same item of an article placed under two different paragraphs (a
    paragraph left out is no conflict: it is a less precise citation, not another one).
    The first form seen is the reference; each differing form is reported once per place."""
    titles: dict[str, tuple] = {}    # law → (title, where, citation)
    items: dict[tuple, tuple] = {}   # (law, article, sub, item) → (paragraph, where, citation)
    out = []
    for where, c in cited:
        first = titles.setdefault(c.law, (c.title, where, c))
        if first[0] != c.title:
            out.append((where, c, first[2], first[1]))
        if c.article is not None and c.item is not None and c.paragraph is not None:
            key = (c.law, c.article, c.sub, c.item)
            seen = items.setdefault(key, (c.paragraph, where, c))
            if seen[0] != c.paragraph:
                out.append((where, c, seen[2], seen[1]))
    return out
