"""train(): the one seeded training loop every model uses; count_parameters."""

import pytest
import torch

from attn_course.models import FrameAttentionClassifier, accuracy, classifier_loss, count_parameters, train


def _tiny_problem():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 4, 3, generator=g)
    y = (x[:, 0, 0] > 0).long()
    return x, y


def _tiny_model():
    torch.manual_seed(0)
    return FrameAttentionClassifier(n_bins=3, d_model=8, num_classes=2, kernel_size=1)


def test_train_is_seeded_and_returns_its_history():
    x, y = _tiny_problem()
    runs = []
    for seed in (0, 0, 1):
        model = _tiny_model()
        calls = []
        history = train(model, classifier_loss, (x, y), epochs=3, batch_size=32, seed=seed,
                        eval_fn=lambda m: accuracy(m, x, y), callback=lambda e, h, calls=calls: calls.append(e))
        assert len(history.loss) == len(history.metric) == 3 and calls == [0, 1, 2]
        runs.append((history.loss, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(torch.equal(a, b) for a, b in zip(runs[0][1], runs[1][1], strict=True))
    assert runs[0][0] != runs[2][0]


def test_train_stops_at_target_and_restores_threads():
    x, y = _tiny_problem()
    before = torch.get_num_threads()
    history = train(_tiny_model(), classifier_loss, (x, y), epochs=50, lr=1e-2, eval_fn=lambda m: accuracy(m, x, y),
                    target=0.0)
    assert len(history.loss) == 1
    assert torch.get_num_threads() == before


def test_train_does_not_touch_the_global_rng():
    x, y = _tiny_problem()
    model = _tiny_model()  # seeds the global RNG itself, so build it first
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train(model, classifier_loss, (x, y), epochs=1)
    assert torch.equal(torch.rand(3), expected)


def test_train_bad_arguments():
    x, y = _tiny_problem()
    with pytest.raises(ValueError, match="share their first dimension"):
        train(_tiny_model(), classifier_loss, (x, y[:10]))
    with pytest.raises(ValueError, match="target needs an eval_fn"):
        train(_tiny_model(), classifier_loss, (x, y), target=0.9)
    with pytest.raises(TypeError, match="epochs must be an int"):
        train(_tiny_model(), classifier_loss, (x, y), epochs=2.0)


def test_count_parameters():
    assert count_parameters(torch.nn.Linear(3, 2)) == 8


def test_step_callback_sees_every_optimiser_step():
    x, y = _tiny_problem()  # 200 examples in batches of 32: 7 steps an epoch
    losses = []
    history = train(_tiny_model(), classifier_loss, (x, y), epochs=2, batch_size=32, step_callback=losses.append)
    assert len(losses) == 14
    assert history.loss == pytest.approx([sum(losses[:7]) / 7, sum(losses[7:]) / 7])


def test_final_lr_decays_linearly_from_the_first_to_the_last_step():
    # loss = w has gradient 1 at every step, so each Adam step moves w by the step's learning rate
    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    weights = []
    train(model, lambda m, x: m.weight.sum() + 0 * x.sum(), (torch.zeros(4, 1),), epochs=2, batch_size=1,
          lr=0.1, final_lr=0.02, step_callback=lambda _: weights.append(float(model.weight.detach())))
    moves = [a - b for a, b in zip([0.0] + weights[:-1], weights, strict=True)]
    assert moves == pytest.approx([0.1 + (0.02 - 0.1) * s / 7 for s in range(8)], rel=1e-4)
    with pytest.raises(ValueError, match="final_lr must be a positive"):
        train(model, classifier_loss, _tiny_problem(), final_lr=0.0)
