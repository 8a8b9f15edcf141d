"""attn_course.data.spelling and length_batches: NATO-spelled call signs, batched by input length."""

import string

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from attn_course.data import (
    NATO_ALPHABET,
    call_signs,
    length_batches,
    spell,
    spelling_pairs,
    spelling_tokens,
    spelling_vocabs,
)

signs = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=12)


@given(signs)
def test_spelling_has_one_code_word_per_letter_starting_with_it(sign):
    words = spell(sign).split(" ")
    assert len(words) == len(sign)
    assert all(word in NATO_ALPHABET for word in words)
    assert "".join(word[0] for word in words).upper() == sign


def test_the_alphabet_is_the_icao_spelling():
    assert len(NATO_ALPHABET) == len(set(NATO_ALPHABET)) == 26
    assert [w[0] for w in NATO_ALPHABET] == list(string.ascii_lowercase)
    assert {"alfa", "juliett", "x-ray"} <= set(NATO_ALPHABET)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), low=st.integers(1, 6), span=st.integers(1, 4))
def test_call_signs_are_seeded_and_their_lengths_come_from_the_half_open_range(seed, low, span):
    lengths = range(low, low + span)
    drawn = call_signs(50, seed, lengths=lengths)
    assert drawn == call_signs(50, seed, lengths=lengths)
    assert all(len(s) in lengths and set(s) <= set(string.ascii_uppercase) for s in drawn)


def test_letter_counts_are_uniform_and_reach_both_ends():
    drawn = call_signs(3000, 0, lengths=range(3, 9))
    counts = [sum(len(s) == k for s in drawn) for k in range(3, 9)]
    assert all(400 <= c <= 600 for c in counts), counts  # 500 each expected; sd ≈ 20
    assert call_signs(20, 0) != call_signs(20, 1)


def test_a_generator_continues_its_stream():
    g, again = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    first, second = call_signs(10, g), call_signs(10, g)
    assert first == call_signs(10, 5) and second != first
    assert [first, second] == [call_signs(10, again), call_signs(10, again)]


def test_exclude_redraws_and_refuses_to_exclude_everything():
    banned = set(string.ascii_uppercase[:20])
    drawn = call_signs(300, 0, lengths=range(1, 2), exclude=banned)
    assert set(drawn) == set(string.ascii_uppercase[20:])  # every remaining letter turns up in 300 draws
    with pytest.raises(ValueError, match="exclude leaves no call sign"):
        call_signs(1, 0, lengths=range(1, 2), exclude=set(string.ascii_uppercase))


def test_pairs_spell_their_call_sign():
    pairs = spelling_pairs(100, 3, lengths=range(2, 5))
    assert [sign for _, sign in pairs] == call_signs(100, 3, lengths=range(2, 5))
    assert all(spelled == spell(sign) for spelled, sign in pairs)


def test_vocabularies_cover_every_code_word_and_letter():
    source, target = spelling_vocabs()
    spelled = spell(string.ascii_uppercase)
    assert source.decode(source.encode(spelled)) == spelled
    assert target.decode(target.encode(string.ascii_uppercase)) == string.ascii_uppercase
    assert len(target) == 3 + 26


@given(signs)
def test_word_tokens_are_the_code_words_one_per_letter(sign):
    spelled = spell(sign)
    words = spelling_tokens(spelled, "words")
    assert len(words) == len(sign) and " ".join(words) == spelled
    assert spelling_tokens(spelled) == spelled  # characters: the text itself
    source, _ = spelling_vocabs("words")
    assert source.decode(source.encode(words), sep=" ") == spelled and len(source) == 3 + 26


def test_bad_inputs():
    with pytest.raises(TypeError, match="call_sign must be a str"):
        spell(3)
    with pytest.raises(TypeError, match="spelled must be a str"):
        spelling_tokens(["alfa"], "words")
    with pytest.raises(ValueError, match="tokens must be one of"):
        spelling_vocabs("word")
    with pytest.raises(ValueError, match="tokens must be one of"):
        spelling_tokens("alfa", "bytes")
    for bad in ("", "ab", "A B"):
        with pytest.raises(ValueError, match="call_sign must be"):
            spell(bad)
    with pytest.raises(TypeError, match="lengths must be a range of counts"):
        call_signs(3, 0, lengths=(3, 9))
    for bad in (range(0, 3), range(5, 5), range(2, 9, 2)):
        with pytest.raises(ValueError, match="lengths must be"):
            call_signs(3, 0, lengths=bad)
    with pytest.raises(ValueError, match="n must be >= 0"):
        call_signs(-1, 0)
    with pytest.raises(TypeError, match="seed must be"):
        call_signs(3, "0")


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), batches=st.integers(1, 5), batch_size=st.integers(1, 7))
def test_length_batches_keep_every_pair_and_sort_batches_by_length(seed, batches, batch_size):
    pairs = spelling_pairs(batches * batch_size, seed, lengths=range(1, 5))
    source, target = spelling_vocabs()
    src, tgt = length_batches(pairs, source, target, batch_size)
    assert src.shape[:2] == tgt.shape[:2] == (batches, batch_size)
    decoded = [(source.decode(s), target.decode(t)) for s, t in zip(src.flatten(0, 1), tgt.flatten(0, 1), strict=True)]
    assert sorted(decoded) == sorted(pairs)  # the same pairs, each still with its own target
    lengths = (src != 0).sum(-1)  # (N_b, B)
    assert all(lengths[i].max() <= lengths[i + 1].min() for i in range(batches - 1))
    ends = (tgt != 0).sum(-1) - 1  # position of <eos> in each target
    assert bool((tgt.gather(-1, ends[..., None]) == target.eos).all())


def test_length_batches_want_whole_batches():
    source, target = spelling_vocabs()
    pairs = spelling_pairs(10, 0)
    with pytest.raises(ValueError, match="whole batches of 4"):
        length_batches(pairs, source, target, 4)
    with pytest.raises(ValueError, match="whole batches"):
        length_batches([], source, target, 4)
    with pytest.raises(ValueError, match="batch_size must be positive"):
        length_batches(pairs, source, target, 0)
