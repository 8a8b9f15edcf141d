"""Dates written by humans -> ISO 8601: a character-level translation task.

The classic first demo of attention is translation (Bahdanau et al., 2015).
A real corpus needs a download; this one is generated. A date such as
2026-11-23 is written in one of many human formats ("23 Nov 2026",
"Monday, November 23 2026", "11/23/26", ...) and the target is always the ten
characters "2026-11-23". Output characters depend on input characters at
*different* positions in different formats, which is exactly what an
alignment (attention) learns.

Dates range over 1950-01-01 .. 2049-12-31 so that two-digit years are
unambiguous: "26" is 2026, "71" is 1971.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from functools import partial

import torch

from .._random import as_generator, randint
from .._validation import check_nonnegative_int
from .vocab import Vocab

FIRST_DAY = dt.date(1950, 1, 1)
LAST_DAY = dt.date(2049, 12, 31)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _month(d: dt.date) -> str:
    return MONTHS[d.month - 1]


def _weekday(d: dt.date) -> str:
    return WEEKDAYS[d.weekday()]


#: What each field of a format's name writes, e.g. "Mon" -> "Mar", "dth" -> "3rd".
_FIELDS: dict[str, Callable[[dt.date], str]] = {
    "yyyy": lambda d: str(d.year), "YYYY": lambda d: str(d.year), "yy": lambda d: f"{d.year % 100:02d}",
    "Month": _month, "MON": lambda d: _month(d)[:3].upper(), "Mon": lambda d: _month(d)[:3],
    "mm": lambda d: f"{d.month:02d}", "Weekday": _weekday, "Wkd": lambda d: _weekday(d)[:3],
    "dth": lambda d: _ordinal(d.day), "dd": lambda d: f"{d.day:02d}", "d": lambda d: str(d.day),
    "D": lambda d: str(d.day),
}
_FIELD = re.compile("|".join(sorted(_FIELDS, key=len, reverse=True)))  # longest first: "Month" before "Mon"


def _render(name: str, date: dt.date) -> str:
    """Write ``date`` in the format ``name``: its fields replaced, everything else kept as written."""
    return _FIELD.sub(lambda field: _FIELDS[field.group()](date), name)


#: Human formats, from short to long. Each name is its own template, and maps a date to a string.
DATE_FORMATS: dict[str, Callable[[dt.date], str]] = {
    name: partial(_render, name)
    for name in ("mm/dd/yy", "d-Mon-yy", "dd.mm.yyyy", "d Mon yyyy", "D MON YYYY", "Mon d, yyyy",
                 "Wkd d Mon yyyy", "d Month yyyy", "Month d, yyyy", "the dth of Month yyyy",
                 "Weekday d Month yyyy", "Weekday, Month d yyyy")
}


def format_date(date: dt.date, fmt: str) -> str:
    """Write ``date`` in the human format named ``fmt`` (a key of :data:`DATE_FORMATS`)."""
    if not isinstance(date, dt.date):
        raise TypeError(f"date must be a datetime.date, got {type(date).__name__}")
    if fmt not in DATE_FORMATS:
        raise ValueError(f"fmt must be one of {list(DATE_FORMATS)}, got {fmt!r}")
    return DATE_FORMATS[fmt](date)


def random_dates(n: int, seed: int | torch.Generator) -> list[dt.date]:
    """``n`` dates drawn uniformly from 1950-01-01 .. 2049-12-31."""
    check_nonnegative_int("n", n)
    generator = as_generator(seed)
    span = LAST_DAY.toordinal() - FIRST_DAY.toordinal() + 1
    offsets = torch.randint(0, span, (n,), generator=generator).tolist()
    return [dt.date.fromordinal(FIRST_DAY.toordinal() + k) for k in offsets]


def date_pairs(
    n: int,
    seed: int | torch.Generator,
    *,
    formats: Sequence[str] | None = None,
    exclude: set[dt.date] | None = None,
) -> list[tuple[str, str]]:
    """``n`` pairs (human date, ISO date), each in a format drawn uniformly from ``formats``.

    ``exclude`` is a set of dates never to use (to hold dates out of training).
    """
    check_nonnegative_int("n", n)
    generator = as_generator(seed)
    names = list(DATE_FORMATS) if formats is None else list(formats)
    if not names:
        raise ValueError("formats must name at least one format")
    for name in names:
        if name not in DATE_FORMATS:
            raise ValueError(f"unknown format {name!r}; formats are {list(DATE_FORMATS)}")
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n:
        (date,) = random_dates(1, generator)
        if exclude is not None and date in exclude:
            continue
        name = names[randint(generator, 0, len(names))]
        pairs.append((format_date(date, name), date.isoformat()))
    return pairs


def date_split(
    n_train: int, n_test: int, seed: int | torch.Generator, *, formats: Sequence[str] | None = None,
    test_formats: Sequence[str] | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Train and test pairs whose *dates* do not overlap (the test set is truly held out).

    ``test_formats`` (default: ``formats``) lets the test set use other
    formats, e.g. train on short inputs and test on long ones.
    """
    generator = as_generator(seed)
    train = date_pairs(n_train, generator, formats=formats)
    seen = {dt.date.fromisoformat(iso) for _, iso in train}
    test = date_pairs(n_test, generator, formats=test_formats or formats, exclude=seen)
    return train, test


def date_vocabs() -> tuple[Vocab, Vocab]:
    """Character vocabularies ``(source, target)``: every character any format can emit, and ``0-9`` plus ``-``."""
    chars = set("0123456789")
    for name in DATE_FORMATS:
        for month in range(1, 13):
            for day in (1, 2, 3, 11, 21):
                chars.update(format_date(dt.date(2024, month, day), name))
    for text in MONTHS + WEEKDAYS:
        chars.update(text + text.upper())
    return Vocab(sorted(chars)), Vocab("0123456789-")


def encode_dates(pairs: Sequence[tuple[str, str]], source: Vocab, target: Vocab) -> tuple[torch.Tensor, torch.Tensor]:
    """Tensors for a list of pairs: source ids (N, L_src) padded with 0, target ids (N, 11) ending in ``<eos>``."""
    src = source.batch([human for human, _ in pairs])  # (N, L_src)
    tgt = target.batch([iso for _, iso in pairs], eos=True)  # (N, 11)
    return src, tgt
