"""The packaged corpus: present, fixed, licensed; encoding, splitting and windows."""

import hashlib

import pytest
import torch

from attn_course.data.corpus import CORPUS_FILE, char_vocab, encode_text, load_corpus, random_windows, split_ids


def test_the_corpus_ships_with_its_licence_and_is_the_documented_text():
    text = load_corpus()
    assert len(text) == 465_048 and text.startswith('The "assert" statement')
    assert CORPUS_FILE.stat().st_size <= 2 * 2**20  # at most 2 MB, as the course promises
    assert (CORPUS_FILE.parent / "PYTHON_LICENSE.txt").read_text().count("PYTHON SOFTWARE FOUNDATION LICENSE") >= 1
    assert hashlib.sha256(text.encode()).hexdigest() == hashlib.sha256(CORPUS_FILE.read_bytes()).hexdigest()


def test_encode_text_agrees_with_the_vocabulary_and_rejects_unknown_characters():
    vocab = char_vocab("hello, world\n")
    assert vocab.itos[:3] == ["<pad>", "<bos>", "<eos>"] and vocab.itos[3:] == sorted(set("hello, world\n"))
    ids = encode_text("world, hello", vocab)
    assert ids.dtype == torch.long and ids.tolist() == vocab.encode("world, hello")
    assert vocab.decode(ids) == "world, hello"
    assert encode_text("", vocab).shape == (0,)
    with pytest.raises(ValueError, match=r"characters \['z'\] are not in the vocabulary"):
        encode_text("hellz", vocab)
    with pytest.raises(TypeError, match="text must be a str"):
        encode_text(b"hello", vocab)


def test_split_and_windows():
    ids = torch.arange(100)
    train, val = split_ids(ids, val_fraction=0.2)
    assert torch.equal(train, torch.arange(80)) and torch.equal(val, torch.arange(80, 100))
    inputs, targets = random_windows(ids, 50, 8, torch.Generator().manual_seed(0))
    assert inputs.shape == targets.shape == (50, 8)
    assert torch.equal(targets, inputs + 1)  # the next character, position by position
    assert torch.equal(inputs[:, 1:] - inputs[:, :-1], torch.ones(50, 7, dtype=torch.long))  # contiguous windows
    again, _ = random_windows(ids, 50, 8, torch.Generator().manual_seed(0))
    assert torch.equal(inputs, again)
    with pytest.raises(ValueError, match="val_fraction"):
        split_ids(ids, val_fraction=1.0)
    with pytest.raises(ValueError, match="longer than length=100"):
        random_windows(ids, 1, 100, torch.Generator())
