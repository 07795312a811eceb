"""The columns of generated rows, one class per kind of value (ids, pooled text, numbers,
money, dates, ...): each renders a block of rows into words of the CSV row matrix
(`orchestration.demo.words`), or becomes an Arrow array for Parquet."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from orchestration.demo.words import (
    _DAY_S,
    _RAW,
    _csv_quote,
    _CsvStyle,
    _date_words,
    _fill_uint,
    _fixed_layout,
    _gather,
    _ndigits,
    _put_minus,
    _suffix_word,
    _text_words,
    _time_words,
    _words_for,
)


def _bitmap(valid: np.ndarray | None) -> pa.Buffer | None:
    """Arrow validity bitmap (None when every row is valid)."""
    if valid is None or valid.all():
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def _arrow_ints(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    # Built from buffers: converting numpy via pa.array would import pandas.
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [_bitmap(valid), pa.py_buffer(data)])


def _words_to_strings(words: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """(n, k) NUL-padded words -> an Arrow string array (for Parquet)."""
    chars = words.view(np.uint8)
    keep = chars != 0
    offsets = np.zeros(len(words) + 1, dtype=np.int32)
    np.cumsum(keep.sum(axis=1), out=offsets[1:])
    return pa.StringArray.from_buffers(
        len(words), pa.py_buffer(offsets), pa.py_buffer(chars[keep]), _bitmap(valid)
    )


class _StringPool:
    """A fixed list of strings sampled by index; escaped once per CSV dialect."""

    def __init__(self, values: Sequence[str]):
        self.values = tuple(values)
        self._words: dict[tuple[str, str], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.values)

    def words(self, delimiter: str, suffix: str) -> np.ndarray:
        """Escaped value + suffix per value, plus a last row (just the suffix) for null."""
        if (delimiter, suffix) not in self._words:
            escaped = [_csv_quote(value, delimiter) + suffix for value in self.values]
            self._words[delimiter, suffix] = _text_words([*escaped, suffix])
        return self._words[delimiter, suffix]

    @functools.cached_property
    def arrow(self) -> pa.Array:
        encoded = [value.encode() for value in self.values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return pa.StringArray.from_buffers(
            len(encoded), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))
        )


# A column renders a block of rows into words: `plan` returns the block's width in
# words and a function that fills a (rows, width) view of the row matrix, ending with
# `suffix` (the delimiter, the newline, or nothing).
_Fill = Callable[[np.ndarray], None]


class _Column:
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        raise NotImplementedError

    def plan(self, rows: slice, style: _CsvStyle, suffix: str) -> tuple[int, _Fill]:
        raise NotImplementedError

    def to_arrow(self, type_: pa.DataType) -> pa.Array:
        """Default for text: render unescaped and convert."""
        width, fill = self.plan(slice(None), _RAW, "")
        words = np.empty((len(self), width), dtype=np.uint32)
        fill(words)
        return _words_to_strings(words, self.valid)

    def _blank_nulls(self, dest: np.ndarray, rows: slice, suffix: str) -> None:
        """Null rows are empty: nothing but the suffix."""
        if self.valid is not None:
            invalid = ~self.valid[rows]
            if invalid.any():
                dest[invalid] = 0
                dest[invalid, 0] = _suffix_word(suffix)


@dataclass
class _Ids(_Column):
    """Prefixed, zero-padded numbers such as R0000001 (or a bare KvK number)."""

    prefix: str
    numbers: np.ndarray
    digits: int
    valid: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Never truncate: widen when a (non-null) number needs more digits.
        numbers = self.numbers if self.valid is None else self.numbers[self.valid]
        if len(numbers):
            self.digits = max(self.digits, _ndigits(numbers.max()))

    def __len__(self) -> int:
        return len(self.numbers)

    def plan(self, rows, style, suffix):
        layout = _fixed_layout(self.prefix, self.digits, suffix)

        def fill(dest):
            x = self.numbers[rows]
            for j, (divisor, modulus, table) in enumerate(layout):
                part = x // divisor if divisor > 1 else x
                dest[:, j] = table[part % modulus if modulus > 1 else 0]
            self._blank_nulls(dest, rows, suffix)

        return len(layout), fill


@dataclass
class _Pooled(_Column):
    """Text drawn from a pool by index (names, cities, enumerations)."""

    pool: _StringPool
    index: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.index)

    def plan(self, rows, style, suffix):
        table = self.pool.words(style.delimiter, suffix)

        def fill(dest):
            index = self.index[rows]
            if self.valid is not None:
                index = np.where(self.valid[rows], index, len(self.pool))
            _gather(dest, table, index)

        return table.shape[1], fill

    def to_arrow(self, type_):
        return self.pool.arrow.take(_arrow_ints(self.index, self.valid))


@dataclass
class _Const(_Column):
    """The same text on every row: separators inside composed text."""

    text: str
    n: int

    def __len__(self) -> int:
        return self.n

    def plan(self, rows, style, suffix):
        words = _text_words([self.text + suffix])[0]

        def fill(dest):
            dest[:] = words

        return len(words), fill


@dataclass
class _Concat(_Column):
    """Several columns written back to back as one field (e-mail, phone, postcode)."""

    parts: list[_Column]
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.parts[0])

    def plan(self, rows, style, suffix):
        last = len(self.parts) - 1
        plans = [p.plan(rows, style, suffix if i == last else "") for i, p in enumerate(self.parts)]

        def fill(dest):
            at = 0
            for width, part_fill in plans:
                part_fill(dest[:, at : at + width])
                at += width
            self._blank_nulls(dest, rows, suffix)

        return sum(width for width, _ in plans), fill


@dataclass
class _Choice(_Column):
    """Per row one of two renderings, e.g. a Dutch or a Belgian postcode."""

    condition: np.ndarray
    if_true: _Column
    if_false: _Column
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.condition)

    def plan(self, rows, style, suffix):
        (w_true, f_true), (w_false, f_false) = (
            self.if_true.plan(rows, style, suffix),
            self.if_false.plan(rows, style, suffix),
        )

        def fill(dest):
            a, b = np.zeros_like(dest), np.zeros_like(dest)
            f_true(a[:, :w_true])
            f_false(b[:, :w_false])
            dest[:] = np.where(self.condition[rows][:, None], a, b)
            self._blank_nulls(dest, rows, suffix)

        return max(w_true, w_false), fill


@dataclass
class _Int(_Column):
    values: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values)

    @functools.cached_property
    def _layout(self) -> tuple[bool, int]:
        """(any negative, words for the digits and a sign), over the whole column."""
        values = self.values if self.valid is None else np.where(self.valid, self.values, 0)
        signed = bool((values < 0).any())
        return signed, _words_for(_ndigits(np.abs(values).max(initial=0)) + signed)

    def plan(self, rows, style, suffix):
        signed, width = self._layout
        end = _suffix_word(suffix)  # digits are right-aligned: the suffix needs a word

        def fill(dest):
            values = self.values[rows]
            magnitude = np.abs(values)
            _fill_uint(dest[:, :width], magnitude)
            if signed:
                _put_minus(dest[:, :width], values < 0, magnitude)
            dest[:, width] = end
            self._blank_nulls(dest, rows, suffix)

        return width + 1, fill

    def to_arrow(self, type_):
        return _arrow_ints(self.values, self.valid)


@dataclass
class _Money(_Column):
    """Decimal with two places, held as integer cents (exact, fast to render)."""

    cents: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.cents)

    @functools.cached_property
    def _layout(self) -> tuple[bool, int]:
        """(any negative, words for the units and a sign), over the whole column."""
        cents = self.cents if self.valid is None else np.where(self.valid, self.cents, 0)
        signed = bool((cents < 0).any())
        return signed, _words_for(_ndigits(np.abs(cents).max(initial=0) // 100) + signed)

    def plan(self, rows, style, suffix):
        signed, width = self._layout
        frac = style.frac_words(suffix)

        def fill(dest):
            cents = self.cents[rows]
            magnitude = np.abs(cents)
            units = magnitude // 100
            _fill_uint(dest[:, :width], units)
            if signed:
                _put_minus(dest[:, :width], cents < 0, units)
            dest[:, width] = frac[magnitude - units * 100]
            self._blank_nulls(dest, rows, suffix)

        return width + 1, fill

    def to_arrow(self, type_):
        cents = self.cents.astype(np.int64)
        # decimal128 is two little-endian 64-bit halves: the value and its sign extension.
        halves = np.empty((len(cents), 2), dtype=np.int64)
        halves[:, 0] = cents
        halves[:, 1] = cents >> 63
        return pa.Array.from_buffers(
            pa.decimal128(18, 2), len(cents), [_bitmap(self.valid), pa.py_buffer(halves)]
        )


@dataclass
class _Date(_Column):
    days: np.ndarray  # days since 1970-01-01
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.days)

    def plan(self, rows, style, suffix):
        table = _date_words(suffix)

        def fill(dest):
            _gather(dest, table, self.days[rows])
            self._blank_nulls(dest, rows, suffix)

        return 3, fill

    def to_arrow(self, type_):
        days = np.ascontiguousarray(self.days, dtype=np.int32)
        return pa.Array.from_buffers(
            pa.date32(), len(days), [_bitmap(self.valid), pa.py_buffer(days)]
        )


@dataclass
class _Timestamp(_Column):
    seconds: np.ndarray  # seconds since 1970-01-01 00:00:00
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.seconds)

    def plan(self, rows, style, suffix):
        dates, times = _date_words(""), _time_words(suffix)

        def fill(dest):
            seconds = self.seconds[rows]
            days = seconds // _DAY_S
            _gather(dest[:, :3], dates, days)
            day_word = dest[:, 2].copy()  # 'DD\0\0', shared with ' H' of the time
            _gather(dest[:, 2:], times, seconds - days * _DAY_S)
            dest[:, 2] |= day_word
            self._blank_nulls(dest, rows, suffix)

        return 5, fill

    def to_arrow(self, type_):
        micros = np.ascontiguousarray(self.seconds, dtype=np.int64) * 1_000_000
        return pa.Array.from_buffers(
            pa.timestamp("us"), len(micros), [_bitmap(self.valid), pa.py_buffer(micros)]
        )


@dataclass
class _Bool(_Column):
    values: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values)

    def plan(self, rows, style, suffix):
        table = _text_words(["false" + suffix, "true" + suffix])

        def fill(dest):
            _gather(dest, table, self.values[rows].astype(np.intp))
            self._blank_nulls(dest, rows, suffix)

        return table.shape[1], fill

    def to_arrow(self, type_):
        bits = pa.py_buffer(np.packbits(self.values.astype(bool), bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(self.values), [_bitmap(self.valid), bits])


@dataclass
class _Gathered(_Column):
    """Rows of another column repeated by index (an invoice id on each of its lines)."""

    base: _Column
    index: np.ndarray
    _words: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.index)

    def plan(self, rows, style, suffix):
        key = (style.delimiter, suffix)
        if key not in self._words:  # render every base row once, then copy per row
            width, fill = self.base.plan(slice(None), style, suffix)
            self._words[key] = np.empty((len(self.base), width), dtype=np.uint32)
            fill(self._words[key])
        words = self._words[key]

        def fill_rows(dest):
            _gather(dest, words, self.index[rows])

        return words.shape[1], fill_rows

    def to_arrow(self, type_):
        return self.base.to_arrow(type_).take(_arrow_ints(self.index))
