"""A CSV file's text encoding: UTF-8 as the contract says, or Windows-1252 as Excel saves "CSV (Comma delimited)".

Excel on an English Windows saves "CSV (Comma delimited)" in the Windows-1252 code page, not UTF-8: every
ASCII byte is the same in both, so such a file differs only where it holds a £, an accented letter or a curly
apostrophe, and a single £ in a salary column would make it "not UTF-8". A file that is not UTF-8 but
is Windows-1252 text throughout (no NUL byte, which a UTF-16 "Unicode text" file is full of, and none of the
five bytes that code page leaves undefined) is read as Windows-1252, with a warning; anything else is still
refused. It is the one fallback: no other encoding is guessed, since a wrong guess would misread names
without a word. Up to LIMIT, a council's file: a larger one is a national test's, which is written as UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path

from wres.problems import Problem

WINDOWS = "cp1252"
UTF16 = "utf-16"  # Excel's "Unicode Text": UTF-16 with its byte-order mark (its values separated by tabs)
LIMIT = 64 << 20  # bytes: read whole to be checked (a council's largest export is a few MB)
_CHUNK = 1 << 22


def utf8(path: Path) -> bool:
    """Whether a file is UTF-8 text throughout (DuckDB checks only the columns it lands): a NUL byte is no text
    (UTF-16 without its mark is UTF-8 as far as bytes go). ASCII chunks are quick; they are read into one
    small buffer, not a new one each (a fresh 16 MB of memory a chunk cost 40% of the time), and a small one
    is quicker still: 24 MB of ASCII took 3.3 ms with 256 KB, 6.3 ms with 16 MB."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb", buffering=0) as f:
            buf = bytearray(max(1, min(os.fstat(f.fileno()).st_size, 1 << 18)))
            while n := f.readinto(buf):
                chunk = buf if n == len(buf) else buf[:n]
                if b"\x00" in chunk:
                    return False
                if not (chunk.isascii() and not decoder.getstate()[0]):
                    decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def of(path: Path) -> str | None:
    """The codec to read a CSV file with: UTF-8 (a BOM let through), else UTF-16 that says so, else
    Windows-1252, else None (refused)."""
    return "utf-8-sig" if utf8(path) else UTF16 if utf16(path) else WINDOWS if windows_1252(path) else None


def utf16(path: Path) -> bool:
    """Whether a file is UTF-16 text that says so by its byte-order mark, as Excel saves "Unicode Text" (the
    way to keep a £ or an accent before Excel could save CSV as UTF-8): declared, so not a guess."""
    try:
        if path.stat().st_size > LIMIT:
            return False
        raw = path.read_bytes()
    except OSError:
        return False
    return raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _decodes(raw, UTF16)


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def windows_1252(path: Path) -> bool:
    """Whether a file that is not UTF-8 reads as Windows-1252 text (see the module's docstring)."""
    try:
        return path.stat().st_size <= LIMIT and _windows_text(path.read_bytes()) is not None
    except OSError:
        return False


def _windows_text(raw: bytes) -> str | None:
    if b"\x00" in raw:
        return None
    try:
        return raw.decode(WINDOWS)
    except UnicodeDecodeError:
        return None


def decode(raw: bytes) -> str | None:
    """A small text's bytes (an uploaded settings file) as text: UTF-8, else UTF-16 that says so, else
    Windows-1252, else None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _decodes(raw, UTF16):
        return raw.decode(UTF16)
    if b"\x00" in raw:  # no text (UTF-16 without its mark is UTF-8 as far as bytes go)
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _windows_text(raw)


def read_as_windows(label: str) -> Problem:
    """The warning that a file was read as Windows-1252: said once, where the file is named."""
    settings = label.lower().endswith(".toml")
    return Problem(label, "is not UTF-8 but Windows-1252 text (as " + ("older Notepad saves it" if settings else
                   "Excel's \"CSV (Comma delimited)\" saves it") + "), and was read as such",
                   "check that any £ signs and accented letters in it read right; to be sure, " + (
                       "save it as UTF-8" if settings else "open it in Excel and \"Save As\" CSV UTF-8 (comma delimited)"), severity="warning")


def settings_text(path: Path) -> tuple[str, list[Problem]] | None:
    """A settings file's text (organisation.toml, mapping.toml): UTF-8, else Windows-1252 with the warning that
    says so, else None (the caller refuses it). A Notepad of before 2019 saved "ANSI", Windows-1252, by default."""
    codec = of(path)
    if codec is None:
        return None
    return path.read_text(encoding=codec), [read_as_windows(path.name)] if codec == WINDOWS else []


def utf8_copy(path: Path, folder: Path, codec: str, end: int | None = None, replace: tuple[int, int, str] | None = None,
              sep: str = ",", one_line_end: bool = False) -> Path:
    """A UTF-8 copy in `folder` of a file read with `codec`, to byte `end` if given, with bytes `replace[0]` to
    `replace[1]` written as the text `replace[2]`, its values separated by commas where `sep` separated them
    (raising csv.Error where they cannot be told apart), under the same name (messages name it as the user
    does), with `one_line_end` every Windows line end written as \n. In Windows-1252 each byte is one
    character, and each row is written on as many lines as it was, so the copy has the same lines."""
    copy = folder / path.name
    text = copy.with_name(copy.name + ".text") if sep != "," else copy  # its values separated by commas below
    size = path.stat().st_size if end is None else end
    decoder = codecs.getincrementaldecoder(codec)()  # a chunk may end inside a UTF-8 character
    crlf = False
    with path.open("rb") as src, text.open("w", encoding="utf-8", newline="") as dst:

        held = ""  # a \r at a chunk's end, whose \n may begin the next

        def send(stop: int) -> None:
            nonlocal crlf, held
            while src.tell() < stop and (chunk := src.read(min(_CHUNK, stop - src.tell()))):
                crlf = crlf or b"\r\n" in chunk
                text = decoder.decode(chunk)
                if one_line_end:
                    text = (held + text).replace("\r\n", "\n")
                    held = "\r" if text.endswith("\r") else ""
                    text = text[:-1] if held else text
                dst.write(text)

        if replace is not None:
            send(replace[0])
            dst.write(held + (replace[2].replace("\r\n", "\n") if one_line_end else replace[2]))
            held = ""
            src.seek(replace[1])
        send(size)
        dst.write(held + decoder.decode(b"", final=True))
    if sep != ",":  # row by row: a file's rows, not the whole file, in memory
        with text.open(encoding="utf-8", newline="") as rows, copy.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\r\n" if crlf and not one_line_end else "\n").writerows(csv.reader(rows, delimiter=sep, strict=True))
        text.unlink()
    return copy
