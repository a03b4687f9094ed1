"""nnlib.train: fit, evaluate, predict, accuracy, History."""

import numpy as np
import pytest

from nnlib import SGD, Adam, CrossEntropyLoss, Linear, MSELoss, ReLU, Sequential, data
from nnlib.train import History, accuracy, evaluate, fit, predict


def _spiral_model(rng, hidden=64):
    return Sequential(Linear(2, hidden, rng=rng), ReLU(), Linear(hidden, 3, rng=rng))


@pytest.fixture(scope="module")
def spiral():
    return data.spiral(np.random.default_rng(0), n_per_class=100)


def test_fit_reduces_the_loss_on_spiral_and_records_history(spiral):
    X, y = spiral
    rng = np.random.default_rng(1)
    model = _spiral_model(rng)
    opt = Adam(model.parameters(), lr=0.01)
    history = fit(
        model,
        CrossEntropyLoss(),
        opt,
        X,
        y,
        epochs=60,
        batch_size=32,
        rng=rng,
        X_val=X[::3],
        y_val=y[::3],
        progress=False,
    )
    assert isinstance(history, History)
    assert history.keys() == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(history[k]) == 60 for k in history.keys()) and len(history) == 60
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert history["accuracy"][-1] > 0.9 and history["val_accuracy"][-1] > 0.9
    assert all(0.0 <= a <= 1.0 for a in history["accuracy"])
    # the validation numbers are what evaluate reports for the final weights
    val_loss, val_acc = evaluate(model, CrossEntropyLoss(), X[::3], y[::3])
    assert val_loss == pytest.approx(history["val_loss"][-1], rel=1e-5)
    assert val_acc == pytest.approx(history["val_accuracy"][-1])


class _Frozen:
    """An optimizer that clears gradients and never changes a weight."""

    def __init__(self, model):
        self.model = model
        self.steps = 0

    def zero_grad(self):
        self.model.zero_grad()

    def step(self):
        self.steps += 1


def test_fit_epoch_loss_is_the_mean_over_samples(spiral):
    X, y = spiral
    rng = np.random.default_rng(2)
    model = _spiral_model(rng)
    loss = CrossEntropyLoss()
    before, _ = evaluate(model, loss, X, y)
    # an optimizer that never steps: the epoch's running mean must equal the full-batch loss
    history = fit(model, loss, _Frozen(model), X, y, epochs=2, batch_size=64, rng=rng, progress=False)
    assert history["loss"] == pytest.approx([before, before], rel=1e-5)
    assert history["val_loss"] == [] and history["val_accuracy"] == []


def test_fit_takes_one_step_per_minibatch_including_the_last_partial_one(spiral):
    X, y = spiral  # 300 samples, batch 64: 4 full batches and one of 44
    rng = np.random.default_rng(9)
    model = _spiral_model(rng)
    frozen = _Frozen(model)
    fit(model, CrossEntropyLoss(), frozen, X, y, epochs=3, batch_size=64, rng=rng, progress=False)
    assert frozen.steps == 3 * 5


def test_fit_regression_has_no_accuracy():
    rng = np.random.default_rng(3)
    X, y = data.sine(rng, n=128, noise=0.0)
    model = Sequential(Linear(1, 32, rng=rng), ReLU(), Linear(32, 1, rng=rng))
    history = fit(
        model, MSELoss(), Adam(model.parameters(), lr=0.01), X, y, epochs=30, batch_size=16, rng=rng, progress=False
    )
    assert history["accuracy"] == [] and len(history["loss"]) == 30
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    loss_value, acc = evaluate(model, MSELoss(), X, y)
    assert loss_value < history["loss"][0] and np.isnan(acc)


def test_fit_is_deterministic_for_a_seed(spiral):
    X, y = spiral
    runs = []
    for _ in range(2):
        rng = np.random.default_rng(4)
        model = _spiral_model(rng)
        runs.append(
            fit(
                model,
                CrossEntropyLoss(),
                SGD(model.parameters(), lr=0.1),
                X,
                y,
                epochs=3,
                batch_size=50,
                rng=rng,
                progress=False,
            )["loss"]
        )
    assert runs[0] == runs[1]


def test_progress_false_prints_nothing(spiral, capsys):
    X, y = spiral
    rng = np.random.default_rng(5)
    model = _spiral_model(rng)
    fit(
        model,
        CrossEntropyLoss(),
        SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=2,
        batch_size=64,
        rng=rng,
        X_val=X,
        y_val=y,
        progress=False,
    )
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_true_shows_one_bar_with_metrics(spiral, capsys):
    X, y = spiral
    rng = np.random.default_rng(6)
    model = _spiral_model(rng)
    fit(
        model,
        CrossEntropyLoss(),
        SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=3,
        batch_size=64,
        rng=rng,
        progress=True,
    )
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err and "acc=" in err


def test_fit_argument_errors(spiral):
    X, y = spiral
    rng = np.random.default_rng(7)
    model = _spiral_model(rng)
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="different numbers"):
        fit(model, CrossEntropyLoss(), opt, X, y[:-1], 1, 32, rng, progress=False)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        fit(model, CrossEntropyLoss(), opt, X, y, 1, 32, rng, X_val=X, progress=False)


def test_predict_and_evaluate_agree_with_a_full_forward(spiral):
    X, y = spiral
    rng = np.random.default_rng(8)
    model = _spiral_model(rng)
    scores = np.array(model(X))
    pred = predict(model, X, batch_size=7)
    assert pred.dtype == np.int64 and pred.shape == (len(X),)
    np.testing.assert_array_equal(pred, scores.argmax(axis=1))
    loss = CrossEntropyLoss()
    full = loss.forward(scores, y)
    value, acc = evaluate(model, loss, X, y, batch_size=7)
    assert value == pytest.approx(full, rel=1e-5)
    assert acc == pytest.approx(np.mean(scores.argmax(axis=1) == y))


def test_predict_single_output_is_thresholded():
    model = Sequential(Linear(1, 1, init="zeros"))
    model[0].weight.data[...] = 1.0
    X = np.array([[-2.0], [0.5], [3.0]], dtype=np.float32)
    np.testing.assert_array_equal(predict(model, X), [0, 1, 1])
    np.testing.assert_array_equal(predict(model, X, threshold=1.0), [0, 0, 1])


def test_accuracy():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert accuracy(scores, np.array([1, 0, 0, 0])) == 0.75
    assert accuracy(np.array([1, 0, 1]), np.array([1, 1, 1])) == pytest.approx(2 / 3)
    assert isinstance(accuracy(scores, [1, 0, 1, 0]), float)
    with pytest.raises(ValueError, match="do not match"):
        accuracy(scores, np.array([1, 0]))


def test_history_reads_like_a_dict():
    h = History(loss=[1.0, 0.5], accuracy=[0.2, 0.4])
    assert h["loss"] == [1.0, 0.5] and "val_loss" in h and len(h) == 2
    with pytest.raises(KeyError):
        h["nope"]


def test_evaluate_and_predict_run_in_evaluation_mode_and_restore_it():
    from nnlib import Dropout

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 4)).astype(np.float32), rng.integers(0, 3, 64)
    plain = Sequential(Linear(4, 8, rng=np.random.default_rng(1)), ReLU(), Linear(8, 3, rng=np.random.default_rng(2)))
    dropped = Sequential(
        Linear(4, 8, rng=np.random.default_rng(1)),
        ReLU(),
        Dropout(0.5, rng=3),
        Linear(8, 3, rng=np.random.default_rng(2)),
    )
    loss = CrossEntropyLoss()
    assert evaluate(dropped, loss, X, y) == evaluate(plain, loss, X, y)  # dropout off: the same network
    np.testing.assert_array_equal(predict(dropped, X), predict(plain, X))
    assert dropped.training and dropped[2].training  # the training mode is back
    dropped.eval()
    evaluate(dropped, loss, X, y)
    assert not dropped[2].training  # ...and so is the evaluation mode
    fit(dropped, loss, SGD(dropped.parameters(), lr=0.1), X, y, epochs=1, batch_size=16, rng=rng, progress=False)
    assert dropped[2].training  # fit trains in training mode
