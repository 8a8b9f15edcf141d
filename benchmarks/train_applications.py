"""Accuracy, training time and parameter count of the Part II models, with the chapters' settings.

    .venv/bin/python benchmarks/train_applications.py

Wall time depends on how busy the machine is; CPU time (``time.process_time``,
one thread) is what an idle machine's wall time would be close to.
"""

from __future__ import annotations

import time

import torch

from attn_course.data import (
    AudioConfig,
    date_split,
    date_vocabs,
    encode_dates,
    encode_sentences,
    keyword_clips,
    sentiment_sentences,
    sentiment_vocab,
    shape_images,
    spectrogram,
)
from attn_course.models import (
    FrameAttentionClassifier,
    SentimentClassifier,
    Seq2Seq,
    TinyViT,
    accuracy,
    classifier_loss,
    count_parameters,
    seq2seq_loss,
    train,
    translate,
)


def timed(model, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    history = train(model, *args, **kwargs)
    return history, time.perf_counter() - wall, time.process_time() - cpu


def row(name, model, history, wall, cpu, score):
    params = count_parameters(model)
    print(f"| {name:<28} | {score:.4f} | {len(history.loss):>6} | {wall:6.1f} | {cpu:6.1f} | {params:>7,} |")


def main() -> None:
    torch.set_num_threads(1)
    print("| model                        | test   | epochs | wall s | cpu s  | params  |")
    print("|------------------------------|--------|--------|--------|--------|---------|")
    train_pairs, held_out = date_split(4000, 1300, seed=0)
    val_pairs, test_pairs = held_out[:300], held_out[300:]
    source, target = date_vocabs()
    src, tgt = encode_dates(train_pairs, source, target)

    def exact(model, pairs):
        out, _ = translate(model, [h for h, _ in pairs], source, target)
        return sum(o == iso for o, (_, iso) in zip(out, pairs, strict=True)) / len(pairs)

    settings = {"batch_size": 256, "lr": 2e-2, "seed": 0}
    epochs = None
    for attention in (True, False):
        torch.manual_seed(0)
        model = Seq2Seq(len(source), len(target), d_embed=16, d_hidden=32, attention=attention)
        if attention:
            result = timed(model, seq2seq_loss, (src, tgt), epochs=8, eval_fn=lambda m: exact(m, val_pairs),
                           target=0.97, **settings)
            epochs = len(result[0].loss)
        else:
            result = timed(model, seq2seq_loss, (src, tgt), epochs=epochs, **settings)
        row(f"Seq2Seq attention={attention}", model, *result, exact(model, test_pairs))

    vocab = sentiment_vocab()
    x, y = encode_sentences(sentiment_sentences(2000, seed=1), vocab)
    xt, yt = encode_sentences(sentiment_sentences(1000, seed=2), vocab)
    torch.manual_seed(0)
    model = SentimentClassifier(len(vocab), d_model=32)
    result = timed(model, classifier_loss, (x, y), epochs=4, batch_size=64, lr=1e-2, seed=0)
    row("SentimentClassifier", model, *result, accuracy(model, xt, yt))

    images, labels, _ = shape_images(3000, seed=0)
    val_images, val_labels, _ = shape_images(300, seed=1)
    test_images, test_labels, _ = shape_images(1000, seed=2)
    torch.manual_seed(0)
    model = TinyViT(image_size=24, patch_size=6, d_model=32, num_heads=4, num_layers=2, num_classes=4)
    result = timed(model, classifier_loss, (images, labels), epochs=8, batch_size=64, lr=3e-3, seed=0,
                   eval_fn=lambda m: accuracy(m, val_images, val_labels), target=0.97)
    row("TinyViT", model, *result, accuracy(model, test_images, test_labels))

    config = AudioConfig()
    frames = spectrogram(keyword_clips(2000, seed=0, config=config)[0], config)
    labels = keyword_clips(2000, seed=0, config=config)[1]
    val_waves, val_labels, _ = keyword_clips(300, seed=1, config=config)
    test_waves, test_labels, _ = keyword_clips(1000, seed=2, config=config)
    val_frames, test_frames = spectrogram(val_waves, config), spectrogram(test_waves, config)
    torch.manual_seed(0)
    model = FrameAttentionClassifier(n_bins=config.n_bins, d_model=32, num_classes=4)
    result = timed(model, classifier_loss, (frames, labels), epochs=12, batch_size=64, lr=1e-2, seed=0,
                   eval_fn=lambda m: accuracy(m, val_frames, val_labels), target=0.97)
    row("FrameAttentionClassifier", model, *result, accuracy(model, test_frames, test_labels))


if __name__ == "__main__":
    main()
