"""Bytes to text: byte-order marks, UTF-8, UTF-16 without a mark, then the legacy encodings
``charset-normalizer`` detects; binary files are refused."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from kg.errors import UnreadableFileError

__all__ = ["decode"]

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: File signatures of common binary formats that may hide behind a text suffix.
_MAGIC = {
    b"%PDF-": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"\xd0\xcf\x11\xe0": "an old Office file",
}
#: Bytes charset-normalizer looks at to tell a legacy encoding.
_SAMPLE = 256 * 1024
#: Share of control characters past which decoded bytes are not text.
_MAX_CONTROL = 0.05
#: Scripts whose text a legacy code page other than cp1252 holds (charset-normalizer's names).
_OTHER_SCRIPTS = (
    "Cyrillic",
    "Greek",
    "Arabic",
    "Hebrew",
    "Thai",
    "CJK",
    "Hangul",
    "Hiragana",
    "Katakana",
    "Armenian",
    "Georgian",
    "Devanagari",
)


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when zero bytes fill one of the two byte columns, as in ASCII-range
    UTF-16 text without a byte-order mark."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy(data: bytes) -> str:
    """The text of bytes that are not UTF: cp1252 (Windows Western, a superset of printable
    Latin-1) unless charset-normalizer is confident of a text in another script.

    charset-normalizer looks at a sample (on a whole 24 MB file it took minutes).
    """
    best = from_bytes(data[:_SAMPLE]).best()
    candidates = ["cp1252"]
    if best is not None:
        foreign = [a for a in best.alphabets if a.startswith(_OTHER_SCRIPTS)]
        if best.coherence >= 0.25 and foreign and "cp1252" not in best.could_be_from_charset:
            candidates.insert(0, best.encoding)
        else:
            candidates.append(best.encoding)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


#: Control characters (Unicode category Cc) but the usual white space.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    r"""The share of control characters in the first 64k characters of ``text``.

    >>> _control_share("ab\x00\x01"), _control_share("a\tb\n")
    (0.5, 0.0)
    """
    sample = text[:65536]
    if not sample:
        return 0.0
    return len(_CONTROLS.findall(sample)) / len(sample)


def decode(data: bytes) -> str:
    """The text of a file's bytes.

    Raises:
        UnreadableFileError: the bytes are a binary file, not text.

    >>> decode("García paid €5".encode("cp1252")), decode("García".encode("utf-16"))
    ('García paid €5', 'García')
    >>> decode(b"\\xef\\xbb\\xbfOrbo")
    'Orbo'
    """
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UnreadableFileError(f"binary file ({what}), not text")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    try:
        if encoding:
            text = data[len(next(b for b, e in _BOMS if e == encoding)) :].decode(encoding)
        elif (wide := _utf16_without_mark(data)) is not None:
            text = data.decode(wide)
        elif b"\x00" in data:
            raise UnreadableFileError("binary file (it holds zero bytes), not text")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _legacy(data)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(f"not valid {exc.encoding} text (byte {exc.start})") from None
    if _control_share(text) > _MAX_CONTROL:
        raise UnreadableFileError("binary file (mostly control characters), not text")
    return text
