"""Text rendering: 4-byte words, NUL padding squeezed out at the end.

A CSV block is a (rows, words) uint32 matrix. Every field is written into its own
words, text left-aligned and numbers right-aligned, with NUL bytes as padding, and
carries its own trailing delimiter (or the newline): the row is the concatenation of
its fields once the NULs are removed. Words are filled from lookup tables (4-digit
groups, dates, times of day, pools of escaped strings), so each field costs a few
vectorised operations per block instead of Python string work per value.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_DAY_S = 86_400


def _text_words(texts: Sequence[str]) -> np.ndarray:
    """Strings -> (n, k) uint32 words of their UTF-8 bytes, NUL padded on the right."""
    encoded = [text.encode() for text in texts]
    width = 4 * _words_for(max((len(b) for b in encoded), default=0))
    return np.array(encoded, dtype=f"S{width}").view(np.uint8).reshape(-1, width).view(np.uint32)


def _bytes_to_words(chars: np.ndarray) -> np.ndarray:
    """(n, m) uint8 -> (n, ceil(m/4)) uint32, NUL padded on the right."""
    n, m = chars.shape
    padded = np.zeros((n, 4 * _words_for(m)), dtype=np.uint8)
    padded[:, :m] = chars
    return padded.view(np.uint32)


def _words_for(n_bytes: int) -> int:
    return max(1, -(-n_bytes // 4))


def _ndigits(value: int) -> int:
    return len(str(max(int(value), 0)))


def _suffix_word(suffix: str) -> np.uint32:
    return _text_words([suffix])[0, 0]


def _digit_tables() -> tuple[np.ndarray, np.ndarray]:
    """Words for 4-digit groups, 20,000 entries each.

    Index r (< 10,000) is the group with its leading zeros ("0042"); index 10,000 + r
    the most significant group of a number, leading zeros as NULs ("\\0\\042"). In
    `lead` the value 0 of that group is empty, in `units` (the last group) it is "0".
    """
    v = np.arange(10_000)
    chars = (np.stack([v // 1000, v // 100 % 10, v // 10 % 10, v % 10], axis=1) + 48).astype(
        np.uint8
    )
    full = chars.view(np.uint32).ravel()
    ndigits = np.searchsorted([1, 10, 100, 1000], v, side="right")
    lead = np.where(np.arange(4) >= 4 - ndigits[:, None], chars, 0).astype(np.uint8)
    units = np.where(np.arange(4) >= 4 - np.maximum(ndigits, 1)[:, None], chars, 0)
    return (
        np.concatenate([full, lead.view(np.uint32).ravel()]),
        np.concatenate([full, units.astype(np.uint8).view(np.uint32).ravel()]),
    )


_LEAD, _UNITS = _digit_tables()
_POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def _fill_uint(dest: np.ndarray, values: np.ndarray) -> None:
    """Write non-negative integers right-aligned into dest (rows, words), no leading 0s."""
    x = values.astype(np.int64, copy=False)
    last = dest.shape[1] - 1
    for j in range(last, -1, -1):
        q = x // 10_000
        index = x - q * 10_000
        index += (q == 0) * 10_000
        dest[:, j] = (_UNITS if j == last else _LEAD)[index]
        x = q


def _put_minus(dest: np.ndarray, negative: np.ndarray, magnitude: np.ndarray) -> None:
    """Write '-' just before the first digit of right-aligned numbers (rows `negative`)."""
    rows = np.flatnonzero(negative)
    if len(rows):
        digits = np.maximum(1, np.searchsorted(_POWERS_OF_TEN, magnitude[rows], side="right"))
        chars = dest.view(np.uint8)
        chars[rows, chars.shape[1] - 1 - digits] = ord("-")


@functools.cache
def _fixed_layout(prefix: str, digits: int, suffix: str) -> tuple[tuple[int, int, np.ndarray]]:
    """Words of 'prefix + number zero-padded to `digits` + suffix', NUL-padded in front.

    Per word (divisor, modulus, table): the word is table[x // divisor % modulus], the
    table holding the word for every value of the digits that fall in it. Prefix and
    suffix share words with the digits, so R0000001 plus its delimiter takes 3 words.
    """
    roles = [("lit", c) for c in prefix.encode()]
    roles += [("digit", i) for i in range(digits)]
    roles += [("lit", c) for c in suffix.encode()]
    k = _words_for(len(roles))
    roles = [("nul", 0)] * (4 * k - len(roles)) + roles
    words = []
    for w in range(k):
        part = roles[4 * w : 4 * w + 4]
        positions = [i for role, i in part if role == "digit"]
        first, end = (positions[0], positions[-1] + 1) if positions else (0, 0)
        modulus = 10 ** (end - first)
        values = np.arange(modulus)
        chars = np.zeros((modulus, 4), dtype=np.uint8)
        for byte, (role, i) in enumerate(part):
            if role == "lit":
                chars[:, byte] = i
            elif role == "digit":
                chars[:, byte] = 48 + values // 10 ** (end - 1 - i) % 10
        words.append((10 ** (digits - end), modulus, chars.view(np.uint32).ravel()))
    return tuple(words)


def _gather(dest: np.ndarray, table: np.ndarray, index: np.ndarray) -> None:
    """dest[:] = table[index] for rows of words, moving each row as one opaque item.

    Viewing the rows as fixed-size void items makes numpy copy them with one memcpy
    each instead of word by word: 2-3 times faster on these narrow rows.
    """
    item = np.dtype((np.void, 4 * table.shape[1]))
    dest.view(item)[:, 0] = table.view(item)[:, 0][index]


@functools.cache
def _date_words(suffix: str) -> np.ndarray:
    """'YYYY-MM-DD' + suffix as 3 words for every day 1970-01-01 .. 2101-12-31 (due
    dates run into the year after the latest end_date)."""
    days = np.arange((dt.date(2102, 1, 1) - dt.date(1970, 1, 1)).days)
    text = np.char.add(np.datetime_as_string(days.astype("datetime64[D]"), unit="D"), suffix)
    return _bytes_to_words(text.astype("S12").view(np.uint8).reshape(len(days), 12))


@functools.cache
def _time_words(suffix: str) -> np.ndarray:
    """'\\0\\0 H', 'H:MM', ':SS' + suffix for every second of the day: the first word is
    OR-ed into the last date word ('DD\\0\\0'), so a timestamp takes 5 words."""
    s = np.arange(_DAY_S)
    hh, mm, ss = s // 3600, s // 60 % 60, s % 60
    zero, space, colon = np.zeros_like(s), np.full_like(s, ord(" ")), np.full_like(s, ord(":"))
    end = np.full_like(s, ord(suffix)) if suffix else zero
    parts = [zero, zero, space, hh // 10 + 48, hh % 10 + 48, colon, mm // 10 + 48]
    parts += [mm % 10 + 48, colon, ss // 10 + 48, ss % 10 + 48, end]
    return _bytes_to_words(np.stack(parts, axis=1).astype(np.uint8))


def _csv_quote(value: str, delimiter: str) -> str:
    """Quote a value only when it needs it (delimiter, quote, line break), RFC 4180."""
    if delimiter and _needs_quotes(delimiter).search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


@functools.cache
def _needs_quotes(delimiter: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(delimiter) + '"\r\n]')


@dataclass(frozen=True)
class _CsvStyle:
    delimiter: str  # "" renders text unescaped (for Parquet strings)
    decimal: str

    @functools.cache  # noqa: B019 - two styles live as long as the module
    def frac_words(self, suffix: str) -> np.ndarray:
        """Decimal separator, two digits and the suffix, e.g. ',05;', for 0..99 cents."""
        return _text_words([f"{self.decimal}{cents:02d}{suffix}" for cents in range(100)]).ravel()


_STYLES = {"comma": _CsvStyle(",", "."), "semicolon": _CsvStyle(";", ",")}
_RAW = _CsvStyle("", ".")
