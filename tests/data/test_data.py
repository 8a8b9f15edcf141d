"""attn_course.data: seeded, offline generators whose labels follow their stated rules."""

import datetime as dt
import re

import pytest
import torch

from attn_course.data import (
    DATE_FORMATS,
    KEYWORDS,
    SHAPES,
    AudioConfig,
    Vocab,
    date_pairs,
    date_split,
    date_vocabs,
    draw_shape,
    encode_dates,
    encode_sentences,
    format_date,
    frame_span,
    keyword_clips,
    random_dates,
    reversal_batch,
    sentiment_label,
    sentiment_sentences,
    sentiment_vocab,
    shape_images,
    spectrogram,
)
from attn_course.data.dates import MONTHS, WEEKDAYS
from attn_course.models import TinyConfig

# ---------------------------------------------------------------- dates


def _parse(human: str) -> dt.date:
    """An independent parser of every format, written from the format names (not from the generator)."""
    months = {m.lower()[:3]: i + 1 for i, m in enumerate(MONTHS)}
    text = human.lower().replace(",", "")
    for day_name in WEEKDAYS:
        text = text.replace(day_name.lower(), "").replace(day_name.lower()[:3] + " ", "")
    text = re.sub(r"^the (\d+)(st|nd|rd|th) of", r"\1", text.strip())
    if m := re.fullmatch(r"(\d\d)/(\d\d)/(\d\d)", text):
        month, day, yy = map(int, m.groups())
        return dt.date(2000 + yy if yy < 50 else 1900 + yy, month, day)
    if m := re.fullmatch(r"(\d+)-([a-z]{3})-(\d\d)", text):
        day, mon, yy = int(m[1]), months[m[2]], int(m[3])
        return dt.date(2000 + yy if yy < 50 else 1900 + yy, mon, day)
    if m := re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})", text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    words = text.split()
    if words[0].isdigit():  # day month year
        return dt.date(int(words[2]), months[words[1][:3]], int(words[0]))
    return dt.date(int(words[2]), months[words[0][:3]], int(words[1]))  # month day year


def test_every_format_parses_back_to_the_iso_target():
    pairs = date_pairs(600, seed=3)
    assert {len(human) for human, _ in pairs} >= {8, 24}  # short and long inputs both occur
    for human, iso in pairs:
        assert _parse(human).isoformat() == iso, human


@pytest.mark.parametrize("fmt", list(DATE_FORMATS))
def test_each_format_on_a_known_date(fmt):
    date = dt.date(2026, 11, 23)
    assert _parse(format_date(date, fmt)) == date


def test_examples_from_the_issue():
    date = dt.date(2026, 11, 23)
    assert format_date(date, "d Mon yyyy") == "23 Nov 2026"
    assert format_date(date, "Weekday, Month d yyyy") == "Monday, November 23 2026"
    assert format_date(date, "mm/dd/yy") == "11/23/26"
    assert format_date(dt.date(2021, 3, 2), "the dth of Month yyyy") == "the 2nd of March 2021"
    assert format_date(dt.date(2021, 3, 12), "the dth of Month yyyy") == "the 12th of March 2021"


def test_dates_are_deterministic_per_seed_and_differ_across_seeds():
    assert date_pairs(50, seed=0) == date_pairs(50, seed=0)
    assert date_pairs(50, seed=0) != date_pairs(50, seed=1)
    generator = torch.Generator().manual_seed(7)
    assert date_pairs(5, generator) != date_pairs(5, generator)  # a generator advances
    dates = random_dates(2000, seed=0)
    assert min(dates) >= dt.date(1950, 1, 1) and max(dates) <= dt.date(2049, 12, 31)


def test_split_holds_out_dates_and_can_change_formats():
    train, test = date_split(500, 200, seed=0, formats=["mm/dd/yy"], test_formats=["Weekday, Month d yyyy"])
    assert not {iso for _, iso in train} & {iso for _, iso in test}
    assert max(len(h) for h, _ in train) == 8 and min(len(h) for h, _ in test) > 15


def test_encoding_round_trips_through_the_vocabularies():
    source, target = date_vocabs()
    pairs = date_pairs(40, seed=5)
    src, tgt = encode_dates(pairs, source, target)
    assert src.dtype == torch.long and tgt.shape == (40, 11)
    assert (tgt[:, -1] == target.eos).all()
    for row, (human, iso) in enumerate(pairs):
        assert source.decode(src[row].tolist()) == human
        assert target.decode(tgt[row].tolist()) == iso
        assert int((src[row] != 0).sum()) == len(human)  # padding is id 0 and only at the end


def test_bad_date_arguments():
    with pytest.raises(ValueError, match="fmt must be one of"):
        format_date(dt.date(2020, 1, 1), "yyyy")
    with pytest.raises(TypeError, match="date must be a datetime.date"):
        format_date("2020-01-01", "mm/dd/yy")
    with pytest.raises(ValueError, match="unknown format"):
        date_pairs(3, seed=0, formats=["nope"])
    with pytest.raises(TypeError, match="seed must be an int or a torch.Generator"):
        date_pairs(3, seed=1.5)
    with pytest.raises(ValueError, match="n must be >= 0"):
        date_pairs(-1, seed=0)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        Vocab("abc").encode("abz")


# ---------------------------------------------------------------- sentiment


def test_sentences_follow_the_polarity_and_negation_rule():
    sentences = sentiment_sentences(500, seed=0)
    assert {s.negated for s in sentences} == {True, False} and {s.label for s in sentences} == {0, 1}
    for s in sentences:
        assert sentiment_label(s.words) == s.label
        assert 5 <= len(s.words) <= 16
        assert (s.words[s.polarity_index - 1] in ("not", "never")) == s.negated


def test_sentiment_rule_on_hand_written_sentences():
    assert sentiment_label("the movie was good".split()) == 1
    assert sentiment_label("the movie was not good".split()) == 0
    assert sentiment_label("it was never awful".split()) == 1
    assert sentiment_label("not the plot was boring".split()) == 0  # negation must be right before
    with pytest.raises(ValueError, match="exactly one polarity word"):
        sentiment_label("good and bad".split())


def test_sentences_are_deterministic_and_encode_with_padding():
    assert sentiment_sentences(20, seed=4) == sentiment_sentences(20, seed=4)
    assert sentiment_sentences(20, seed=4) != sentiment_sentences(20, seed=5)
    vocab = sentiment_vocab()
    sentences = sentiment_sentences(30, seed=1)
    ids, labels = encode_sentences(sentences, vocab)
    assert ids.shape == (30, max(len(s.words) for s in sentences))
    assert labels.tolist() == [s.label for s in sentences]
    assert ((ids != 0).sum(1) == torch.tensor([len(s.words) for s in sentences])).all()
    with pytest.raises(ValueError, match="min_length"):
        sentiment_sentences(3, seed=0, min_length=8, max_length=4)


# ---------------------------------------------------------------- shapes


def test_shapes_are_deterministic_balanced_and_placed_where_reported():
    images, labels, centers = shape_images(400, seed=0, noise=0.0)
    again = shape_images(400, seed=0, noise=0.0)
    assert torch.equal(images, again[0]) and torch.equal(labels, again[1])
    assert not torch.equal(images, shape_images(400, seed=1, noise=0.0)[0])
    assert images.shape == (400, 1, 24, 24) and set(labels.tolist()) == set(range(len(SHAPES)))
    rows = torch.arange(24.0)[:, None]
    cols = torch.arange(24.0)[None, :]
    for image, center in zip(images[:, 0], centers, strict=True):
        mass = image.sum()
        assert mass > 0
        centroid = torch.stack([(image * rows).sum() / mass, (image * cols).sum() / mass])
        assert torch.allclose(centroid, center, atol=1.5)  # every shape here is symmetric about its centre


def test_shapes_differ_from_each_other():
    drawn = [draw_shape(name, 24, (12.0, 12.0), 6.0) for name in SHAPES]
    for i in range(len(drawn)):
        for j in range(i + 1, len(drawn)):
            assert not torch.equal(drawn[i], drawn[j])
    assert drawn[SHAPES.index("disk")].sum() > drawn[SHAPES.index("plus")].sum()
    with pytest.raises(ValueError, match="shape must be one of"):
        draw_shape("star", 24, (12.0, 12.0), 5.0)
    with pytest.raises(ValueError, match="size must be an int"):
        shape_images(2, seed=0, size=8)


# ---------------------------------------------------------------- audio


def test_audio_is_deterministic_and_the_keyword_is_where_reported():
    config = AudioConfig(noise=0.0)
    waves, labels, spans = keyword_clips(60, seed=0, config=config)
    again = keyword_clips(60, seed=0, config=config)
    assert torch.equal(waves, again[0]) and torch.equal(spans, again[2])
    assert not torch.equal(waves, keyword_clips(60, seed=1, config=config)[0])
    assert set(labels.tolist()) == set(range(len(KEYWORDS)))
    assert ((labels == 0) == (spans[:, 0] == -1)).all()
    for label, (start, end) in zip(labels, spans.tolist(), strict=True):
        if label:
            assert 0 <= start < end < config.n_samples
            assert end - start + 1 == int(config.keyword_duration * config.sample_rate)


def test_spectrogram_shape_and_keyword_energy_in_its_frames():
    config = AudioConfig(noise=0.05)
    waves, labels, spans = keyword_clips(40, seed=3, config=config)
    frames = spectrogram(waves, config)
    assert frames.shape == (40, config.n_frames, config.n_bins)
    assert torch.allclose(frames[0], torch.log1p(torch.stft(
        waves[:1], config.n_fft, hop_length=config.hop_length, window=torch.hann_window(config.n_fft),
        return_complex=True).abs())[0].T)
    fs = frame_span(spans, config)
    for i in (labels > 0).nonzero()[:, 0].tolist():
        first, last = fs[i].tolist()
        assert 0 <= first <= last < config.n_frames
        # the keyword adds energy: its frames are louder than the clip's average frame
        assert frames[i, first : last + 1].sum(1).mean() > frames[i].sum(1).mean()
    assert (fs[labels == 0] == -1).all()
    with pytest.raises(ValueError, match="waves must be a 2-D tensor"):
        spectrogram(torch.zeros(10))


# ---------------------------------------------------------------- reversal (the tiny Transformer's task)


def test_reversal_batch_is_seeded_and_shifted():
    config = TinyConfig(seq_len=5)
    a = reversal_batch(3, config, torch.Generator().manual_seed(0))
    b = reversal_batch(3, config, torch.Generator().manual_seed(0))
    for x, y in zip(a, b, strict=True):
        assert torch.equal(x, y)
    source, decoder_input, target = a
    assert torch.equal(target, source.flip(-1))
    assert (decoder_input[:, 0] == config.bos).all() and torch.equal(decoder_input[:, 1:], target[:, :-1])


def test_reversal_batch_bad_inputs():
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        reversal_batch(4, TinyConfig(), generator=0)
