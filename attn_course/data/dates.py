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
from collections.abc import Callable, Sequence

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


#: Human formats, from short to long. Each maps a date to a string.
DATE_FORMATS: dict[str, Callable[[dt.date], str]] = {
    "mm/dd/yy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    "d-Mon-yy": lambda d: f"{d.day}-{_month(d)[:3]}-{d.year % 100:02d}",
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "d Mon yyyy": lambda d: f"{d.day} {_month(d)[:3]} {d.year}",
    "D MON YYYY": lambda d: f"{d.day} {_month(d)[:3].upper()} {d.year}",
    "Mon d, yyyy": lambda d: f"{_month(d)[:3]} {d.day}, {d.year}",
    "Wkd d Mon yyyy": lambda d: f"{_weekday(d)[:3]} {d.day} {_month(d)[:3]} {d.year}",
    "d Month yyyy": lambda d: f"{d.day} {_month(d)} {d.year}",
    "Month d, yyyy": lambda d: f"{_month(d)} {d.day}, {d.year}",
    "the dth of Month yyyy": lambda d: f"the {_ordinal(d.day)} of {_month(d)} {d.year}",
    "Weekday d Month yyyy": lambda d: f"{_weekday(d)} {d.day} {_month(d)} {d.year}",
    "Weekday, Month d yyyy": lambda d: f"{_weekday(d)}, {_month(d)} {d.day} {d.year}",
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
