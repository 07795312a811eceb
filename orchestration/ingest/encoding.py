"""The two encodings a CSV export comes in, UTF-8 and Windows-1252, and the copy that
turns the second into the first for DuckDB."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

UTF_8 = "utf-8"
WINDOWS_1252 = "windows-1252"
# Byte -> character as Windows decodes Windows-1252. Latin-1, which DuckDB reads, differs
# in 0x80-0x9F, where Windows-1252 has the euro sign, curly quotes and dashes. The five
# bytes the code page leaves undefined become the control character of that number.
_WINDOWS_1252_TABLE = "".join(
    bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(256)
)
# A well-formed UTF-8 sequence of two to four bytes: in a file that also has bytes which
# are not UTF-8, it means two encodings are mixed, which no single reading can fix.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_TRANSCODE_CHUNK_BYTES = 1 << 24


def _transcode_windows_1252(source: Path, target: Path) -> int | None:
    """Copy `source`, read as Windows-1252, to `target` as UTF-8, in chunks.

    Returns None, or the first line of `source` that holds a well-formed multi-byte
    UTF-8 sequence, where it stops: a file with such a line besides bytes that are not
    UTF-8 mixes two encodings. (A sequence split across two chunks goes unnoticed.)
    """
    lines_before = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(_TRANSCODE_CHUNK_BYTES):
            if match := _UTF8_MULTIBYTE.search(chunk):
                return lines_before + chunk.count(b"\n", 0, match.start()) + 1
            lines_before += chunk.count(b"\n")
            text, _ = codecs.charmap_decode(chunk, "strict", _WINDOWS_1252_TABLE)
            writer.write(text.encode("utf-8"))
    return None
