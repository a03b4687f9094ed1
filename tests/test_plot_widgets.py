"""nnlib.plot figures (Agg backend) and nnlib.widgets explorers (built and driven without a kernel)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class _Param:
    def __init__(self, data):
        self.data = data


class _Model:
    def __init__(self, rng):
        self._params = [_Param(rng.standard_normal((4, 3))), _Param(np.zeros(4)), _Param(rng.standard_normal((2, 4)))]

    def parameters(self):
        return self._params


def test_decision_boundary_shades_the_predicted_classes():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.5, 1.0]], dtype=np.float32)
    y = np.array([0, 1, 1])
    seen = {}

    def predict(P):
        seen["shape"] = P.shape
        return (P[:, 0] > 0).astype(int)

    ax = plot.decision_boundary(predict, X, y, resolution=50)
    assert seen["shape"] == (2500, 2)
    assert len(ax.collections) >= 2
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatter) == 1 and len(scatter[0].get_offsets()) == 3
    assert ax.get_xlim()[0] < -1.0 and ax.get_xlim()[1] > 1.0


def test_decision_boundary_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    out = plot.decision_boundary(
        lambda P: np.zeros(len(P), int), np.zeros((2, 2)), np.array([0, 0]), ax=ax, resolution=10, title="t"
    )
    assert out is ax and ax.get_title() == "t"


def test_activation_curves_by_name_and_callable():
    ax = plot.activation_curves(["relu", np.abs], z_range=(-2, 3), n_points=11)
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 11]
    assert [line.get_label() for line in lines] == ["relu", "absolute"]
    np.testing.assert_allclose(lines[0].get_ydata(), np.maximum(np.linspace(-2, 3, 11), 0))
    with pytest.raises(ValueError, match="unknown activation"):
        plot.activation_curves(["no_such_activation"])


def test_loss_curves_panels_follow_the_history():
    fig = plot.loss_curves(
        {"loss": [3, 2, 1], "accuracy": [0.1, 0.5, 0.9], "val_loss": [3.5, 2.5, 2.0], "val_accuracy": [0.1, 0.4, 0.8]}
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2]
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [3, 2, 1])
    fig = plot.loss_curves({"loss": [1.0, 0.5], "accuracy": [], "val_loss": [], "val_accuracy": []})
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_weight_histograms_one_panel_per_weight_matrix():
    model = _Model(np.random.default_rng(0))
    fig = plot.weight_histograms(model, bins=5)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    assert "(4, 3)" in visible[0].get_title() and "(2, 4)" in visible[1].get_title()
    assert sum(p.get_height() for p in visible[0].patches) == 12
    assert len([ax for ax in plot.weight_histograms(model, include_bias=True).axes if ax.get_visible()]) == 3


def test_activation_histograms_report_the_spread():
    rng = np.random.default_rng(0)
    fig = plot.activation_histograms(
        [rng.standard_normal(1000), 0.01 * rng.standard_normal(1000)], labels=["a", "b"], bins=10
    )
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles[0].startswith("a: std 0.9") or titles[0].startswith("a: std 1")
    assert titles[1].startswith("b: std 0.00") or titles[1].startswith("b: std 0.01")


def test_image_grid_flat_images_labels_and_predictions():
    images = np.random.default_rng(0).random((5, 784))
    fig = plot.image_grid(images, labels=[1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5], ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5 and len(fig.axes) == 6
    assert visible[0].images[0].get_array().shape == (28, 28)
    assert visible[2].get_title() == "3 -> 0" and visible[2].title.get_color() == "red"
    with pytest.raises(ValueError, match="not square"):
        plot.image_grid(np.zeros((2, 10)))


def test_confusion_matrix_plot_annotates_every_cell():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    ax = plot.confusion_matrix_plot(cm, class_names=["a", "b", "c"])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["5", "1", "0", "2", "7", "1", "0", "0", "9"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    ax = plot.confusion_matrix_plot(cm, normalize=True)
    assert ax.texts[0].get_text() == "0.83"


def test_plot_never_shows(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot functions must not call plt.show()"))
    plot.activation_curves()
    plot.loss_curves({"loss": [1.0]})


# ------------------------------------------------------------------ widgets

import nnlib.widgets as widgets_mod  # noqa: E402  (ipywidgets is a dependency of the course: never skipped)


def _parts(box):
    controls, summary, out = box.children
    return {w.description: w for w in controls.children}, summary, out


def test_relu_fit_interpolates_and_converges():
    W1, b1, W2, b2 = widgets_mod.relu_fit(np.sin, 0, 2 * np.pi, 32)
    assert W1.shape == (32, 1) and b1.shape == (32,) and W2.shape == (1, 32) and b2.shape == (1,)
    knots = np.linspace(0, 2 * np.pi, 33)[:, None]
    np.testing.assert_allclose(widgets_mod.relu_network(knots, W1, b1, W2, b2), np.sin(knots), atol=1e-12)
    assert widgets_mod.fit_error(np.sin, 0, 2 * np.pi, 32) < 5e-3
    errors = [widgets_mod.fit_error(np.sin, 0, 2 * np.pi, n) for n in (4, 8, 16)]
    assert errors[0] > errors[1] > errors[2]


def test_neuron_pure_functions():
    assert widgets_mod.gate_accuracy(1, 1, -1.5, "AND") == 4
    assert widgets_mod.gate_accuracy(1, 1, -1.5, "OR") == 2
    assert widgets_mod.gate_accuracy(1, 1, -0.5, "OR") == 4
    np.testing.assert_array_equal(widgets_mod.neuron_output(1, -1, 0, [[1, 0], [0, 1]]), [1.0, 0.0])


def test_activation_and_derivative_matches_finite_differences():
    z = np.linspace(-3, 3, 61) + 0.013  # avoid the kink at 0
    for name in widgets_mod.ACTIVATIONS:
        f, g = widgets_mod.activation_and_derivative(name, z, alpha=0.2)
        h = 1e-6
        fp, _ = widgets_mod.activation_and_derivative(name, z + h, alpha=0.2)
        fm, _ = widgets_mod.activation_and_derivative(name, z - h, alpha=0.2)
        np.testing.assert_allclose(g, (fp - fm) / (2 * h), atol=1e-5, err_msg=name)
    with pytest.raises(ValueError, match="unknown activation"):
        widgets_mod.activation_and_derivative("nope", z)


def test_neuron_explorer_reacts_to_its_sliders():
    controls, summary, out = _parts(widgets_mod.neuron_explorer())
    assert set(controls) == {"w1", "w2", "b"}
    assert "AND: 4/4" in summary.value and "OR: 2/4" in summary.value
    before = out.outputs
    assert len(before) == 1 and "image/png" in before[0]["data"]
    controls["b"].value = -0.5
    assert "OR: 4/4" in summary.value
    assert out.outputs != before and len(out.outputs) == 1


def test_activation_explorer_reacts_to_dropdown_and_sliders():
    controls, summary, out = _parts(widgets_mod.activation_explorer(name="relu"))
    before = out.outputs
    controls["activation"].value = "sigmoid"
    assert summary.value.startswith("sigmoid") and out.outputs != before
    after_name = out.outputs
    controls["z range"].value = 2.0
    assert "[-2, 2]" in summary.value and out.outputs != after_name


def test_fit_explorer_reacts_to_hidden_units():
    controls, summary, out = _parts(widgets_mod.fit_explorer(n_hidden=4))
    before_text, before = summary.value, out.outputs
    controls["hidden units"].value = 32
    assert summary.value != before_text and summary.value.startswith("32 hidden units")
    assert float(summary.value.rsplit("=", 1)[1]) < 5e-3
    assert out.outputs != before
    assert plt.get_fignums() == [], "explorers draw on their own Figures, not pyplot's"
