"""The `encoding` check."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl, lazy_compile

# --------------------------------------------------------------------------
# Mojibake: UTF-8 bytes that were decoded as Windows-1252 or Latin-1
# --------------------------------------------------------------------------

# What a UTF-8 continuation byte (0x80-0xBF) becomes when read as cp1252 or
# Latin-1: the C1 controls and Latin-1 symbols, and cp1252's letters and
# punctuation in 0x80-0x9F.
_CP1252_HIGH = re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore"))
_CONT = "\u0080-\u00bf" + _CP1252_HIGH
# The same without NBSP, guillemets, degree sign and middle dot, which follow
# accented letters in real text (French sets "difficulté" + NBSP + a closing
# guillemet; "ÉTÉ" between guillemets).
_CONT_NARROW = (
    "\u0080-\u009f\u00a1-\u00aa\u00ac-\u00af\u00b1-\u00b6\u00b8-\u00ba\u00bc-\u00bf" + _CP1252_HIGH
)
# The patterns are compiled on first use (the character ones are needed only
# once the fast test on the bytes has matched, which most documents never do).
_MOJIBAKE = lazy_compile(
    # a three-byte sequence (quotes, dashes, the euro sign, CJK), even with its
    # last byte lost
    rf"â€[{_CONT}]?|[àáâãäåæçèéêëìíîï][{_CONT_NARROW}]{{2}}"
    # an emoji (four bytes), a UTF-8 byte-order mark
    rf"|ð[{_CONT}]{{3}}|ï»¿"
    # é è ü ö ä ß ç ñ … (Ã), NBSP © ° « » (Â)
    rf"|[ÂÃ][{_CONT}]"
    # Central European (Ä Å), Greek (Î Ï), Cyrillic (Ð Ñ), Hebrew, Arabic (Ø Ù)
    rf"|[ÄÅÎÏÐÑ\u00d7ØÙ][{_CONT_NARROW}]"
    # "voilÃ" + space: a non-breaking space turned into a plain one (only
    # after a lower-case letter or a digit, tested in find_mojibake)
    r"|[ÂÃ](?= )"
)
# A fast test on the UTF-8 bytes that every match above passes: a character
# of U+00C0-U+00FF (0xC3 0x80-0xBF) followed by a continuation character
# (narrowed as above except after Â, Ã and ï).
_C1_BYTES = rb"\xc2[\x80-\x9f]"
_SPECIAL_BYTES = (
    rb"\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2(?:\x80[\x93-\xba]|\x82\xac|\x84\xa2)"
)
_MOJIBAKE_BYTES = lazy_compile(
    rb"\xc3\xaf\xc2\xbb|\xc3[\x82\x83](?:\xc2[\x80-\xbf]| |" + _SPECIAL_BYTES + rb")"
    rb"|\xc3[\x80-\xbf](?:"
    + _C1_BYTES
    + rb"|\xc2[\xa1-\xaa\xac-\xaf\xb1-\xb6\xb8-\xba\xbc-\xbf]|"
    + _SPECIAL_BYTES
    + rb")"
)
# An accented capital ending a word in capitals, then closing punctuation:
# real Portuguese or French (IRMÃ and a closing quote), never counted.
_CAPS_END = lazy_compile("[\u2019\u201d\u2013\u2014\u2026\u00bb\u00a0\u00ab\u00b0\u00b7]")


def _repair(seq: str) -> str | None:
    """What a mojibake sequence stood for: its cp1252 (or Latin-1) bytes
    read as UTF-8."""
    if seq in ("Â", "Ã"):
        seq += "\u00a0"  # the non-breaking space that became a plain one
    out = bytearray()
    for ch in seq:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))
    text = out.decode("utf-8", "ignore")
    return text or None


def find_mojibake(text: str) -> list[tuple[int, str]]:
    """Offsets and texts of the mojibake sequences in ``text``."""
    return list(iter_mojibake(text))


def iter_mojibake(text: str) -> Iterator[tuple[int, str]]:
    """The mojibake sequences of ``text`` one at a time, in order (what
    :func:`find_mojibake` lists, without holding them all)."""
    if text.isascii() or not _MOJIBAKE_BYTES.search(text.encode("utf-8", "surrogatepass")):
        return
    for m in _MOJIBAKE.finditer(text):
        seq = m.group()
        a = m.start()
        if len(seq) == 1 and not (a > 0 and (text[a - 1].islower() or text[a - 1].isdigit())):
            continue
        if (
            len(seq) == 2
            and _CAPS_END.match(seq[1])
            and a > 0
            and text[a - 1].isupper()
            and not text[m.end() : m.end() + 1].isalpha()
        ):
            continue
        if len(seq) == 3 and seq[0] != "â" and seq[1] in _PUNCT_AFTER and seq[2] in _PUNCT_AFTER:
            continue  # "sé…—" and "irmã…”": an accented letter before real punctuation
        yield a, seq


_PUNCT_AFTER = frozenset("\u2026\u2014\u2013\u201c\u201d\u2018\u2019\u00bb\u00ab")


# --------------------------------------------------------------------------
# Control and invisible characters
# --------------------------------------------------------------------------

_CONTROL = lazy_compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u202a-\u202e\u2066-\u2069\ufeff]"
)
_TIMES = " \u00d7"
_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BACKSPACE",
    "\x0b": "VERTICAL TAB",
    "\x0c": "FORM FEED",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
}


def char_name(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``, ``U+0092 C1 control``."""
    code = ord(ch)
    name = _NAMES.get(ch) or unicodedata.name(ch, "")
    if not name:
        name = "C1 control" if 0x80 <= code <= 0x9F else "control"
    return f"U+{code:04X} {name}"


# The same on UTF-8 bytes once printable ASCII is deleted (much faster than
# the character class over the whole text): multi-byte sequences stay whole.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_CONTROL_BYTES = lazy_compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8d\xaa-\xae]"
    rb"|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf"
)


def _joins(text: str, i: int, ch: str) -> bool:
    """A zero-width joiner or non-joiner between two non-ASCII characters is
    doing its job (emoji sequences such as 👩‍🔧, Indic and Persian scripts)."""
    if ch not in "\u200c\u200d" or i == 0 or i + 1 >= len(text):
        return False
    return ord(text[i - 1]) > 0x7F and ord(text[i + 1]) > 0x7F


def find_controls(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[tuple[int, str]]:
    """Offsets and characters of the control and invisible characters in
    ``text`` (tab, newline and carriage return are fine), outside the spans
    in ``skip``."""
    return list(iter_controls(text, sorted(skip)))


def iter_controls(text: str, skip: Iterable[tuple[int, int]] = ()) -> Iterator[tuple[int, str]]:
    """The control and invisible characters of ``text`` one at a time, in
    order, outside the spans of ``skip`` (sorted by start, as
    :func:`iter_mojibake` gives them; it is read lazily)."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PRINTABLE_ASCII)
    if not rest or not _CONTROL_BYTES.search(rest):
        return
    del rest
    spans = iter(skip)
    start, end = next(spans, (-1, -1))
    for m in _CONTROL.finditer(text):
        i = m.start()
        while end <= i and start >= 0:
            start, end = next(spans, (-1, -1))
        if start <= i < end:
            continue
        ch = m.group()
        if not _joins(text, i, ch):
            yield i, ch


# Every character _CONTROL matches, with its UTF-8 bytes: counted with
# bytes.count, a search in C, instead of a match object per character.
_CONTROL_CHARS = tuple(
    chr(c)
    for a, b in (
        (0x00, 0x08),
        (0x0B, 0x0C),
        (0x0E, 0x1F),
        (0x7F, 0x9F),
        (0x200B, 0x200D),
        (0x202A, 0x202E),
        (0x2066, 0x2069),
        (0xFEFF, 0xFEFF),
    )
    for c in range(a, b + 1)
)
_JOINED = lazy_compile("(?<=[^\x00-\x7f])[\u200c\u200d](?=[^\x00-\x7f])")
_C1 = lazy_compile("[\x80-\x9f]")
_CHUNK = 1 << 20


def count_controls(text: str) -> Counter[str]:
    """How many times each control or invisible character occurs in
    ``text``, as :func:`find_controls` finds them (joiners between two
    non-ASCII characters left out). Time linear in the text, memory a copy
    of its non-ASCII and control bytes."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PRINTABLE_ASCII)
    counts: Counter[str] = Counter()
    if not rest or not _CONTROL_BYTES.search(rest):
        return counts
    leads = {b for b in (0xC2, 0xE2, 0xEF) if bytes((b,)) in rest}
    for ch in _CONTROL_CHARS:
        needle = ch.encode("utf-8")
        if len(needle) > 1 and needle[0] not in leads:
            continue
        n = rest.count(needle)
        if n:
            counts[ch] = n
    del rest
    if counts["\u200c"] or counts["\u200d"]:
        # Joiners doing their job; each chunk's search may look one
        # character past it, so a match on its last character is not cut.
        for a in range(0, len(text), _CHUNK):
            counts.subtract(_JOINED.findall(text, a, a + _CHUNK + 1))
    return +counts


# --------------------------------------------------------------------------
# Undecodable bytes: which encoding are they?
# --------------------------------------------------------------------------

_LABELS = {
    "cp1252": "Windows-1252 (cp1252)",
    "windows-1252": "Windows-1252 (cp1252)",
    "latin_1": "ISO-8859-1 (Latin-1)",
    "iso-8859-1": "ISO-8859-1 (Latin-1)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "mac_roman": "Mac OS Roman",
    "mac-roman": "Mac OS Roman",
    "utf_8": "UTF-8",
}
_TYPOGRAPHY = frozenset("\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u2022€£©®°«»§·")


def _plausibility(text: str) -> float:
    """Mean score of the non-ASCII characters of ``text`` as prose: letters
    and typographic punctuation score, controls, stray symbols and a
    capital inside a lower-case word do not."""
    total = 0.0
    n = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        n += 1
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        cat = unicodedata.category(ch)
        if cat == "Cc":
            total -= 3
        elif cat == "Lu" and prev.islower():
            total -= 2
        elif cat[0] == "L":
            total += 2
        elif ch in _TYPOGRAPHY:
            if ch in "\u2019'" and prev.isalpha() and nxt.isalpha():
                total += 3  # an apostrophe in "don't"
            elif ch in "\u2013\u2014" and prev.isalpha() and nxt.isalpha():
                total += 0.5
            else:
                total += 1.5
        else:
            total -= 1
    return total / n if n else 0.0


WESTERN = ("cp1252", "latin_1", "mac_roman")


def heuristic_encoding(raw: bytes) -> str | None:
    """The single-byte encoding among cp1252, Latin-1 and Mac OS Roman that
    reads ``raw`` as the most plausible text, or None when none does (for
    instance Cyrillic, where most letters would come out accented)."""
    best: tuple[float, str, str] | None = None
    for rank, enc in enumerate(WESTERN):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text) - 0.1 * rank  # ties go to the commoner one
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is None or best[0] < 0.5:
        return None
    letters = [ch for ch in best[2] if ch.isalpha()]
    if sum(ch >= "\x80" for ch in letters) > 0.3 * len(letters):
        return None  # Western text is mostly unaccented
    return best[1]


def guess_encoding(raw: bytes) -> tuple[str, str] | None:
    """(encoding, method) for bytes that are not UTF-8.

    :func:`heuristic_encoding` names a Western single-byte encoding; when
    ``charset_normalizer`` is installed (optional), its answer wins unless
    it agrees the text may be in the heuristic's encoding, finds the text
    chaotic in every encoding it tried, or reads it less plausibly (on a
    few sentences it often prefers a cousin such as cp1250 or cp775)."""
    enc = heuristic_encoding(raw)
    try:
        import charset_normalizer
    except ImportError:
        return (enc, "heuristic") if enc else None
    matches = list(charset_normalizer.from_bytes(raw))
    if not matches:
        return (enc, "heuristic") if enc else None
    low = min(m.chaos for m in matches)
    best = min(matches, key=lambda m: m.chaos)
    if enc is not None:
        near = {c for m in matches if m.chaos <= low + 0.02 for c in m.could_be_from_charset}
        if enc in near:
            return enc, "heuristic, charset_normalizer agreeing"
        try:
            theirs = _plausibility(raw.decode(best.encoding, "replace"))
        except LookupError:
            theirs = float("-inf")
        if low > 0.1 or _plausibility(raw.decode(enc)) >= theirs:
            return enc, "heuristic"
    return best.encoding, "charset_normalizer"


def _decode_mixed(raw: bytes, encoding: str) -> str:
    """``raw`` read as UTF-8 where it is UTF-8, and as ``encoding`` elsewhere."""
    out: list[str] = []
    pos = 0
    while pos < len(raw):
        try:
            out.append(raw[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            out.append(raw[pos : pos + exc.start].decode("utf-8"))
            out.append(raw[pos + exc.start : pos + exc.end].decode(encoding, "replace"))
            pos += exc.end
    return "".join(out)


def _snippet(raw: bytes, offset: int, encoding: str, mixed: bool) -> str:
    """The words around ``offset``, decoded with ``encoding`` (only the
    bytes that are not UTF-8 when ``mixed``)."""
    start = raw.rfind(b"\n", 0, offset) + 1
    end = raw.find(b"\n", offset)
    end = len(raw) if end < 0 else end
    a = max(start, offset - 24)
    b = min(end, offset + 24)
    chunk = raw[a:b]
    text = _decode_mixed(chunk, encoding) if mixed else chunk.decode(encoding, "replace")
    words = text.split()
    if a > start and len(words) > 1:
        words = words[1:]  # a cut word
    if b < end and len(words) > 1:
        words = words[:-1]
    return " ".join(words)


_SAMPLE = 1 << 16  # bytes of a large file that the guess looks at


def describe_bytes(raw: bytes, offset: int) -> str:
    """What the undecodable bytes of ``raw`` most likely are: how many, and
    the likely encoding with the words around ``offset`` read in it."""
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    if bad <= 0:
        return ""  # the file changed since it was read
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    parts = [f"{bad} undecodable byte sequence{'s' if bad != 1 else ''}"]
    if good:
        # Mostly UTF-8 with foreign bytes pasted in: guess from the bad runs.
        parts.append(
            f"beside {good} valid UTF-8 character{'s' if good != 1 else ''} (mixed encodings)"
        )
        enc = heuristic_encoding(b" ".join(_bad_runs(raw[: offset + _SAMPLE])))
        guess = (enc, "heuristic") if enc else None
    else:
        guess = guess_encoding(raw[:_SAMPLE])
    if guess is None:
        parts.append(
            "not Windows-1252, Latin-1 or Mac OS Roman text (installing charset-normalizer "
            "widens the guess)"
            if not _has_charset_normalizer()
            else "the encoding could not be recognised"
        )
        return "; ".join(parts)
    enc, how = guess
    label = _LABELS.get(enc.lower(), enc)
    try:
        snippet = _snippet(raw, offset, enc, mixed=bool(good))
    except LookupError:
        snippet = ""
    where = f' (reads "{snippet}")' if snippet else ""
    parts.append(f"likely {label}, by {how}{where}")
    return "; ".join(parts)


def _has_charset_normalizer() -> bool:
    try:
        import charset_normalizer  # noqa: F401
    except ImportError:
        return False
    return True


def _bad_runs(raw: bytes) -> list[bytes]:
    """The bytes that are not UTF-8, each with a few bytes of context."""
    out: list[bytes] = []
    pos = 0
    while pos < len(raw) and len(out) < 50:
        try:
            raw[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            start = pos + exc.start
            end = pos + exc.end
            out.append(raw[max(pos, start - 8) : end + 8])
            pos = end
    return out


# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _shown(text: str) -> str:
    """``text`` with its unprintable characters escaped."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def _example(seq: str) -> str:
    fixed = _repair(seq)
    if fixed is None:
        return f'"{_shown(seq)}"'
    if fixed == "\u00a0":
        return f'"{_shown(seq)}" (for a non-breaking space)'
    return f'"{_shown(seq)}" (for "{_shown(fixed)}")'


class _Tally:
    """Occurrences counted as they are found: how many, the offset of the
    first, and how often each distinct text occurs (for the first
    :data:`_DISTINCT` distinct texts: enough to name the commonest)."""

    __slots__ = ("count", "first", "seen")

    def __init__(self) -> None:
        self.count = 0
        self.first = -1
        self.seen: Counter[str] = Counter()

    def add(self, offset: int, what: str) -> None:
        if not self.count:
            self.first = offset
        self.count += 1
        if what in self.seen or len(self.seen) < _DISTINCT:
            self.seen[what] += 1


_DISTINCT = 1000


class Encoding(DocumentCheck):
    """Not clean UTF-8 text: binary data, invalid bytes, UTF-16, mojibake or control characters.

    **What it does.** Decodes every document as UTF-8 (a UTF-8 byte-order
    mark at the start and CRLF line endings are accepted) and reports:

    - binary data (a NUL byte) and bytes that are not valid UTF-8, as
      errors, with the byte offset of the first and how many there are.
      The text is read with replacement characters so the other checks
      still run. The message names the likely encoding of the bad bytes
      and quotes the words around the first one read in it: a small
      heuristic picks among Windows-1252, Latin-1 and Mac OS Roman the one
      that reads as the most plausible letters and punctuation; when
      `charset_normalizer` is installed (optional) its answer is taken
      instead where the two disagree and it reads more plausibly
      (Cyrillic cp1251, for instance). A file that is mostly UTF-8 with a
      few foreign bytes is reported as mixed, with the heuristic's guess
      for those bytes. (The bytes are read again, only for such files,
      once all documents have been read.)
    - a UTF-16 file with a byte-order mark: decoded, and a warning;
    - mojibake, a warning: UTF-8 text that was once read as Windows-1252 or
      Latin-1 and saved again (`â€™` for a right quote, `Ã©` for `é`, `Â `
      for a non-breaking space, `Ã¼`, `Ð¿`, `ï»¿`). A sequence counts only
      when real text does not produce it: a character of U+00C0-U+00FF
      followed by what a UTF-8 continuation byte becomes in Windows-1252,
      or a three-byte sequence, never an accented letter followed by
      ordinary punctuation (French `difficulté` then a non-breaking space
      and a guillemet, Portuguese `SÃO`, `IRMÃ` and a closing quote).
      Replacement characters (U+FFFD) saved in a UTF-8 file are reported
      with it: the text was decoded lossily before it was saved;
    - control and invisible characters, a warning: C0 controls other than
      tab, newline and carriage return, DEL, C1 controls, zero-width space,
      non-joiner and joiner (U+200B-U+200D), a byte-order mark (U+FEFF)
      inside the text, and bidirectional overrides and isolates
      (U+202A-U+202E, U+2066-U+2069), which can make text display
      differently from what it says.

    Each finding sits at the first occurrence and gives the count.

    **Why it matters.** A garbled or binary file under a document's name is
    not the text the catalogue describes, and every text check on it is
    unreliable. Mojibake and invisible characters break searches,
    duplicate detection and quotations without showing on screen.

    **Example.** `seeds/a.txt:3:14: PV301 encoding: invalid UTF-8 byte 0xe9
    at byte offset 212; 2 undecodable byte sequences; likely Windows-1252
    (cp1252), by heuristic (reads "Café crème"); expected UTF-8 text (read
    with replacement characters so the other checks still ran)` and
    `seeds/b.txt:5:8: PV301 encoding: mojibake: 3 sequences such as "Ã©"
    (for "é") at 5:8; the text was decoded as Windows-1252 or Latin-1 after
    being saved as UTF-8`.

    **Options.** None.
    """

    code = "PV301"
    name = "encoding"
    severity = Severity.ERROR
    scope = "document"

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.decode_error is not None:
            offset, what = doc.decode_error
            if doc.text is None:
                yield self.finding(
                    doc.path,
                    1,
                    1,
                    f"{what} at byte offset {offset}; expected a UTF-8 text document, "
                    "so no text check ran on it",
                    doc_id=doc.doc_id,
                    properties={"problem": "not-text", "error": what, "byte_offset": offset},
                )
                return
            if what.startswith("UTF-16"):
                yield self.finding(
                    doc.path,
                    1,
                    1,
                    f"the file is {what}; it was decoded, but tools expect UTF-8",
                    doc_id=doc.doc_id,
                    severity=Severity.WARNING,
                    properties={"problem": "utf-16", "encoding": what},
                )
            else:
                idx = doc.text.find("\ufffd")
                line, col = _position(doc.text, idx) if idx >= 0 else (1, 1)
                raw = doc.raw or b""
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]  # the offset counts from after the mark
                described = describe_bytes(raw, offset) if raw else ""
                detail = f"; {described}" if described else ""
                yield self.finding(
                    doc.path,
                    line,
                    col,
                    f"{what} at byte offset {offset}{detail}; expected UTF-8 text (read with "
                    "replacement characters so the other checks still ran)",
                    doc_id=doc.doc_id,
                    properties={"problem": "invalid-utf-8", "error": what, "byte_offset": offset},
                )
        if doc.text is None:
            return
        yield from self._text_findings(doc, doc.text)

    def _text_findings(self, doc: Document, text: str) -> Iterator[Finding]:
        # Counted as found, never listed: a text of millions of control
        # characters costs a counter, not a tuple per character.
        mojibake = _Tally()
        inside: Counter[str] = Counter()  # C1 controls within mojibake: not counted twice
        for i, seq in iter_mojibake(text):
            mojibake.add(i, seq)
            if _C1.search(seq):
                inside.update(_C1.findall(seq))
        lossy = _Tally()
        if doc.decode_error is None and "\ufffd" in text:
            lossy.count = text.count("\ufffd")
            lossy.first = text.find("\ufffd")
        if mojibake.count or lossy.count:
            firsts = [t.first for t in (mojibake, lossy) if t.count]
            line, col = _position(text, min(firsts))
            parts = []
            data: dict[str, Any] = {"problem": "mojibake" if mojibake.count else "lossy"}
            if mojibake.count:
                n = mojibake.count
                examples = [_example(seq) for seq, _n in mojibake.seen.most_common(3)]
                m_line, m_col = _position(text, mojibake.first)
                parts.append(
                    f"mojibake: {n} sequence{'s' if n != 1 else ''} "
                    f"such as {', '.join(examples)} at {m_line}:{m_col}; the text was decoded "
                    "as Windows-1252 or Latin-1 after being saved as UTF-8"
                )
                data["mojibake"] = {
                    "count": n,
                    "examples": [seq for seq, _n in mojibake.seen.most_common(3)],
                    "line": m_line,
                    "column": m_col,
                }
            if lossy.count:
                n = lossy.count
                l_line, l_col = _position(text, lossy.first)
                parts.append(
                    f"{n} replacement character{'s' if n != 1 else ''} "
                    f"(U+FFFD) saved in the file, first at {l_line}:{l_col}: the text was "
                    "decoded lossily before it was saved"
                )
                data["replacement_characters"] = {"count": n, "line": l_line, "column": l_col}
            yield self.finding(
                doc.path,
                line,
                col,
                "; ".join(parts),
                doc_id=doc.doc_id,
                severity=Severity.WARNING,
                properties=data,
            )
        counts = count_controls(text)
        if counts and inside:
            counts.subtract(inside)
            counts = +counts
        if counts:
            skip = ((i, i + len(seq)) for i, seq in iter_mojibake(text)) if mojibake.count else ()
            first, _ = next(iter_controls(text, skip), (0, ""))
            line, col = _position(text, first)
            # The commonest first; a tie in the order of first occurrence.
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], text.find(kv[0])))
            listed = ", ".join(
                char_name(ch) + (f"{_TIMES}{n}" if n > 1 else "") for ch, n in ranked[:3]
            )
            if len(counts) > 3:
                listed += ", …"
            c1 = any("\x80" <= ch <= "\x9f" for ch in counts)
            n = sum(counts.values())
            yield self.finding(
                doc.path,
                line,
                col,
                f"{n} control or invisible character"
                f"{'s' if n != 1 else ''} ({listed}), first at {line}:{col}"
                + (
                    "; C1 controls are usually Windows-1252 punctuation read as Latin-1"
                    if c1
                    else ""
                ),
                doc_id=doc.doc_id,
                severity=Severity.WARNING,
                properties={
                    "problem": "controls",
                    "count": n,
                    "characters": {f"U+{ord(ch):04X}": k for ch, k in ranked[:10]},
                },
                end_line=line,
                end_column=col,
            )

@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [Encoding]
