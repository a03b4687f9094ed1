# %% [markdown]
# # 02 · The neuron: weighted sum, bias, activation
#
# An artificial neuron does three things: it **weighs** its inputs, **adds a bias**, and passes the
# result through an **activation function**:
#
# $$y = \varphi(\mathbf{w} \cdot \mathbf{x} + b) = \varphi\Big(\sum_i w_i x_i + b\Big).$$
#
# In this lesson you build one, look at what $\mathbf{w}$ and $b$ mean geometrically, make it compute
# logic gates, train it with the oldest learning rule in the field, and find the simple function
# it can never learn.
#
# You will write: `weighted_sum`, `step`, `neuron`, `and_gate`, `or_gate`, `nand_gate`, `perceptron_fit`.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=02_neuron` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/02_neuron.ipynb`.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import (assert_close, assert_shape, assert_equal, assert_true, assert_float_array,
                           assert_unchanged, call, snapshot)
from nnlib.plot import decision_boundary
from nnlib.widgets import neuron_explorer

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. The weighted sum
#
# The pre-activation $z = \mathbf{w}\cdot\mathbf{x} + b$ is a dot product (lesson 01) plus one number.
# Each weight says how much its input matters and in which direction (positive weights excite,
# negative ones inhibit); the bias $b$ sets how easily the neuron "fires" regardless of the input.
#
# ### Exercise: `weighted_sum(x, w, b)`
#
# * `x`, `w`: 1-D arrays of the same length `(n,)`; `b`: a number.
# * Return $\mathbf{w}\cdot\mathbf{x} + b$ as **one number** (a float), not an array.
# * Add the bias **once**, not once per input.

# %% answer id=weighted_sum
def weighted_sum(x, w, b):
    """Pre-activation of one neuron.

    x: (n,), w: (n,), b: scalar -> float  w . x + b
    """
    ### BEGIN SOLUTION
    return float(np.sum(w * x) + b)
    ### END SOLUTION

# %% tests id=test_weighted_sum points=1
assert_close(call(weighted_sum, np.array([1.0, 2.0]), np.array([3.0, -1.0]), 0.5), 1.5,
             hint="3*1 + (-1)*2 + 0.5 = 1.5")
assert_shape(call(weighted_sum, np.array([1.0, 2.0]), np.array([3.0, -1.0]), 0.5), (),
             hint="return one number, not an array")
x_t, w_t = np.array([1.0, 1.0, 1.0]), np.array([0.5, 0.5, 0.5])
before = snapshot(x_t, w_t)
assert_close(call(weighted_sum, x_t, w_t, -1.0), 0.5,
             hint="3 * 0.5 - 1 = 0.5: the bias is added once, not once per input")
assert_unchanged(before, [x_t, w_t], hint="weighted_sum must not change x or w")
### BEGIN HIDDEN TESTS
assert_close(call(weighted_sum, np.array([1.0, 1.0, 1.0, 1.0]), np.array([0.5, 0.5, 0.5, 0.5]), -3.0), -1.0,
             hint="the bias is added once, not once per input")
assert_close(call(weighted_sum, np.array([2.0]), np.array([-4.0]), 0.0), -8.0, hint="length-1 inputs")
assert_close(call(weighted_sum, np.zeros(3), np.array([1.0, 2.0, 3.0]), 2.5), 2.5, hint="zero input gives the bias")
r = np.random.default_rng(3)
x1, w1 = r.normal(size=20), r.normal(size=20)
before = snapshot(x1, w1)
assert_close(call(weighted_sum, x1, w1, -0.75), float(np.sum(x1 * w1)) - 0.75, rtol=1e-9)
assert_unchanged(before, [x1, w1])
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Geometry: $\mathbf{w}$ is a direction, $b$ is a shift
#
# For two inputs, the set of points where $z = \mathbf{w}\cdot\mathbf{x} + b = 0$ is a **line**
# (in $n$ dimensions, a hyperplane). It is the neuron's **decision boundary**:
#
# * $\mathbf{w}$ is **normal** (perpendicular) to the boundary and points towards the side where $z > 0$:
#   moving along the boundary changes $\mathbf{x}$ by some $\mathbf{d}$ with $\mathbf{w}\cdot\mathbf{d} = 0$.
# * $b$ **shifts** the boundary without turning it: its distance from the origin is $|b| / \lVert\mathbf{w}\rVert$.
#   With $b = 0$ the boundary always passes through the origin.
# * $z$ itself is proportional to the **signed distance** of $\mathbf{x}$ from the boundary:
#   $z / \lVert\mathbf{w}\rVert$.

# %%
w_demo = np.array([1.0, 2.0])
grid = np.linspace(-3, 3, 301)
gx, gy = np.meshgrid(grid, grid)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, b_demo in zip(axes, [-2.0, 0.0, 2.0]):
    zz = w_demo[0] * gx + w_demo[1] * gy + b_demo
    ax.contourf(gx, gy, zz, levels=20, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, zz, levels=[0], colors="k", linewidths=2)
    foot = -b_demo * w_demo / (w_demo @ w_demo)          # closest point of the boundary to the origin
    ax.annotate("", xy=foot + w_demo, xytext=foot, arrowprops=dict(arrowstyle="->", lw=2.5, color="k"))
    ax.text(*(foot + 0.5 * w_demo + np.array([0.25, -0.1])), "w", fontsize=13, fontweight="bold")
    ax.plot(0, 0, "k+", ms=12)
    ax.set_title(f"w = (1, 2), b = {b_demo:+.0f}: distance {abs(b_demo) / np.linalg.norm(w_demo):.2f}")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$"); ax.set_ylabel("$x_2$")
fig.suptitle("colour: z = w·x + b (red > 0, blue < 0); black line: the boundary z = 0")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The step activation
#
# The first artificial neurons (McCulloch and Pitts, 1943) were all-or-nothing: they output 1 when the
# weighted sum reaches the threshold and 0 otherwise. With the threshold folded into the bias, that is
# the **Heaviside step function**
#
# $$\text{step}(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}$$
#
# (the convention at exactly $z = 0$ varies between books; **this course uses 1 at $z = 0$**).
#
# ### Exercise: `step(z)`
#
# * `z`: a NumPy array of **any shape** (1-D, 2-D, ...). Return a **float** array of the same shape with
#   1.0 where $z \ge 0$ and 0.0 elsewhere (a comparison gives booleans: those, or integers, are not
#   enough; turn them into floats).
# * Do not modify `z`.

# %% answer id=step
def step(z):
    """Heaviside step, elementwise: 1.0 where z >= 0, else 0.0.

    z: any shape -> float array of the same shape.
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)
    ### END SOLUTION

# %% tests id=test_step points=1
z_1d = np.array([-2.0, -0.5, 0.5, 3.0])
before = snapshot(z_1d)
out = call(step, z_1d)
assert_unchanged(before, [z_1d], hint="build a new array; do not overwrite z")
assert_close(out, [0.0, 0.0, 1.0, 1.0], hint="1.0 for the non-negative entries, 0.0 for the negative ones")
assert_float_array(out, hint="return a float array: a comparison alone gives booleans")
assert_close(call(step, np.array([0.0, -1e-9, 1e-9])), [1.0, 0.0, 1.0],
             hint="at exactly z = 0 this course's step is 1 (section 3's convention)")
z_t = np.array([[-1.0, 0.0, 2.0], [5.0, -3.0, 0.0]])
before = snapshot(z_t)
out_t = call(step, z_t)
assert_unchanged(before, [z_t], hint="build a new array; do not overwrite z")
assert_shape(out_t, (2, 3), hint="2-D input -> 2-D output of the same shape (elementwise, not a loop over rows)")
assert_close(out_t, [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]], hint="elementwise on every entry of a 2-D array")
out_32 = call(step, np.array([-0.25, 0.0, 2.0], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array (float32 or float64) of 0.0s and 1.0s")
assert_close(out_32, [0.0, 1.0, 1.0], hint="float32 input: expected [0, 1, 1], the same rule as for float64 (section 3)")
### BEGIN HIDDEN TESTS
assert_close(call(step, np.array([0.0, -1e-12, 1e-300, 0.0])), [1.0, 0.0, 1.0, 1.0],
             hint="at exactly z = 0 the step is 1")
z2 = np.array([[[0.0, -2.0]], [[3.0, -0.0]]])
before = snapshot(z2)
out2 = call(step, z2)
assert_unchanged(before, [z2], hint="build a new array; do not overwrite z")
assert_shape(out2, (2, 1, 2), hint="3-D input -> 3-D output of the same shape")
assert_close(out2, [[[1.0, 0.0]], [[1.0, 1.0]]], hint="elementwise on every entry of a 3-D array; -0.0 counts as 0")
assert_float_array(out2)
out3 = call(step, np.array([-1.0, 0.0, 1.0], dtype=np.float32))
assert_float_array(out3, hint="float32 input: return a float array")
assert_close(out3, [0.0, 1.0, 1.0])
assert_close(call(step, np.array([-1e10, 1e10])), [0.0, 1.0], hint="huge inputs are fine")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise: `neuron(x, w, b, activation)`
#
# Put the pieces together: return $\varphi(\mathbf{w}\cdot\mathbf{x} + b)$, where the activation
# $\varphi$ is the argument `activation`, any function of one number (e.g. `step`, `np.tanh`). Compute
# the weighted sum here again (do not call your `weighted_sum`), and apply the activation **after**
# adding the bias, exactly once.

# %% answer id=neuron
def neuron(x, w, b, activation):
    """One neuron: activation(w . x + b).

    x: (n,), w: (n,), b: scalar, activation: function of a number -> activation's output.
    """
    ### BEGIN SOLUTION
    return activation(np.sum(w * x) + b)
    ### END SOLUTION

# %% tests id=test_neuron points=1
assert_close(call(neuron, np.array([1.0, 2.0]), np.array([3.0, -1.0]), 0.5, lambda z: 2.0 * z),
             3.0, hint="activation(w . x + b) = 2 * 1.5")
assert_close(call(neuron, np.array([1.0, 2.0]), np.array([3.0, -1.0]), 0.5, np.tanh), np.tanh(1.5),
             hint="apply the activation to the weighted sum plus the bias")
x_t, w_t = np.array([2.0, 1.0]), np.array([1.0, 1.0])
before = snapshot(x_t, w_t)
assert_close(call(neuron, x_t, w_t, -3.5, lambda z: np.maximum(z, 0.0)), 0.0,
             hint="with activation max(z, 0): max(3 - 3.5, 0) = 0; the bias goes inside the activation")
assert_unchanged(before, [x_t, w_t], hint="neuron must not change x or w")
assert_close(call(neuron, np.array([2.0, -1.0]), np.array([1.0, 1.0]), 0.0, np.square), 1.0,
             hint="with activation z**2: (2 - 1)**2 = 1; activate the sum once, not each product")
### BEGIN HIDDEN TESTS
relu_t = lambda z: np.maximum(z, 0.0)
assert_close(call(neuron, np.array([0.5, 2.0]), np.array([2.0, 1.0]), -5.0, relu_t), 0.0,
             hint="the bias goes inside the activation")
assert_close(call(neuron, np.array([3.0, -2.0, 1.0]), np.array([1.0, 1.0, 1.0]), 0.0, np.square), 4.0,
             hint="activate the sum, not each product")
assert_close(call(neuron, np.array([0.5, 0.5, 0.5]), np.array([1.0, 1.0, 1.0]), -1.5,
                  lambda z: 1.0 if z >= 0 else 0.0), 1.0, hint="step of exactly 0 is 1")
r = np.random.default_rng(4)
x1, w1 = r.normal(size=7), r.normal(size=7)
before = snapshot(x1, w1)
assert_close(call(neuron, x1, w1, 0.25, np.tanh), np.tanh(np.sum(x1 * w1) + 0.25), rtol=1e-9)
assert_unchanged(before, [x1, w1])
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Logic gates, and an explorer
#
# A step neuron with two inputs in $\{0, 1\}$ can compute logic gates. For AND, the output must be 1
# only at $(1, 1)$: the boundary line has to separate that corner from the other three.
#
# Move the sliders below. The shaded region is where the neuron outputs 1, the dashed line is its
# boundary, and the title counts how many of the four inputs it gets right for AND and OR.
# It starts at $w = (1, -1)$, $b = 0.5$, which gets 2 of 4 right for each gate.
# Find weights for both gates; then notice how many different $(w_1, w_2, b)$ work.

# %%
from nnlib.widgets import gate_accuracy
start = dict(w1=1.0, w2=-1.0, b=0.5)
print("at the start: AND", gate_accuracy(gate="AND", **start), "of 4, OR", gate_accuracy(gate="OR", **start), "of 4")
assert gate_accuracy(gate="AND", **start) == gate_accuracy(gate="OR", **start) == 2, "the text says 2 of 4 for each"
neuron_explorer(**start)

# %% [markdown]
# ### Exercises: `and_gate()`, `or_gate()`, `nand_gate()`
#
# Each function returns a pair `(w, b)`: `w` a float array of shape `(2,)` and `b` a number, such that
# `step(w . x + b)` computes the gate on all four inputs $(0,0), (0,1), (1,0), (1,1)$:
#
# | $x_1$ | $x_2$ | AND | OR | NAND |
# |---|---|---|---|---|
# | 0 | 0 | 0 | 0 | 1 |
# | 0 | 1 | 0 | 1 | 1 |
# | 1 | 0 | 0 | 1 | 1 |
# | 1 | 1 | 1 | 1 | 0 |
#
# Remember that `step(0) = 1`: if your boundary passes exactly through an input, that input gets 1.

# %% answer id=and_gate
def and_gate():
    """(w, b) with w of shape (2,) such that step(w . x + b) is AND on {0,1}^2."""
    ### BEGIN SOLUTION
    return np.array([1.0, 1.0]), -1.5
    ### END SOLUTION

# %% tests id=test_and_gate points=1
result = call(and_gate)
assert_true(isinstance(result, (tuple, list)) and len(result) == 2, hint="return a pair (w, b)", what="and_gate()")
w_g, b_g = result
assert_shape(w_g, (2,), hint="w is a 1-D array of two weights, shape (2,)")
assert_true(np.size(b_g) == 1, hint="b is one number", what="and_gate's b")
w_g = np.asarray(w_g, dtype=float)
b_g = float(np.asarray(b_g, dtype=float).reshape(-1)[0])
assert_true(bool(np.all(np.isfinite(w_g))) and np.isfinite(b_g), hint="weights and bias must be finite numbers")
for x1, x2, target in [(0, 0, 0.0), (0, 1, 0.0), (1, 0, 0.0), (1, 1, 1.0)]:
    z = w_g[0] * x1 + w_g[1] * x2 + b_g
    assert_equal(1.0 if z >= 0 else 0.0, target,
                 hint=f"AND({x1}, {x2}) should be {int(target)}: step(w . x + b) with z = {z:g} (step(0) = 1)",
                 what=f"step(w . x + b) at x = ({x1}, {x2})")
### BEGIN HIDDEN TESTS
X_g = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
z_batch = X_g @ w_g + b_g
assert_close((z_batch >= 0).astype(float), [0.0, 0.0, 0.0, 1.0],
             hint="the gate computed on the whole batch at once, step(X @ w + b), must match too", what="step(X @ w + b)")
### END HIDDEN TESTS

# %% answer id=or_gate
def or_gate():
    """(w, b) with w of shape (2,) such that step(w . x + b) is OR on {0,1}^2."""
    ### BEGIN SOLUTION
    return np.array([1.0, 1.0]), -0.5
    ### END SOLUTION

# %% tests id=test_or_gate points=1
result = call(or_gate)
assert_true(isinstance(result, (tuple, list)) and len(result) == 2, hint="return a pair (w, b)", what="or_gate()")
w_g, b_g = result
assert_shape(w_g, (2,), hint="w is a 1-D array of two weights")
assert_true(np.size(b_g) == 1, hint="b is one number", what="or_gate's b")
w_g = np.asarray(w_g, dtype=float)
b_g = float(np.asarray(b_g, dtype=float).reshape(-1)[0])
assert_true(bool(np.all(np.isfinite(w_g))) and np.isfinite(b_g), hint="weights and bias must be finite numbers")
for x1, x2, target in [(0, 0, 0.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 1.0)]:
    z = w_g[0] * x1 + w_g[1] * x2 + b_g
    assert_equal(1.0 if z >= 0 else 0.0, target,
                 hint=f"OR({x1}, {x2}) should be {int(target)}: step(w . x + b) with z = {z:g} (step(0) = 1)",
                 what=f"step(w . x + b) at x = ({x1}, {x2})")
### BEGIN HIDDEN TESTS
X_g = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
z_batch = X_g @ w_g + b_g
assert_close((z_batch >= 0).astype(float), [0.0, 1.0, 1.0, 1.0],
             hint="the gate computed on the whole batch at once, step(X @ w + b), must match too", what="step(X @ w + b)")
### END HIDDEN TESTS

# %% answer id=nand_gate
def nand_gate():
    """(w, b) with w of shape (2,) such that step(w . x + b) is NAND (not AND) on {0,1}^2."""
    ### BEGIN SOLUTION
    return np.array([-1.0, -1.0]), 1.5
    ### END SOLUTION

# %% tests id=test_nand_gate points=1
result = call(nand_gate)
assert_true(isinstance(result, (tuple, list)) and len(result) == 2, hint="return a pair (w, b)", what="nand_gate()")
w_g, b_g = result
assert_shape(w_g, (2,), hint="w is a 1-D array of two weights")
assert_true(np.size(b_g) == 1, hint="b is one number", what="nand_gate's b")
w_g = np.asarray(w_g, dtype=float)
b_g = float(np.asarray(b_g, dtype=float).reshape(-1)[0])
assert_true(bool(np.all(np.isfinite(w_g))) and np.isfinite(b_g), hint="weights and bias must be finite numbers")
for x1, x2, target in [(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 0.0)]:
    z = w_g[0] * x1 + w_g[1] * x2 + b_g
    assert_equal(1.0 if z >= 0 else 0.0, target,
                 hint=f"NAND({x1}, {x2}) should be {int(target)}: step(w . x + b) with z = {z:g}; "
                      "NAND is 1 wherever AND is 0: the boundary can stay, which side is 1 must flip "
                      "(mind step(0) = 1)",
                 what=f"step(w . x + b) at x = ({x1}, {x2})")
### BEGIN HIDDEN TESTS
X_g = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
z_batch = X_g @ w_g + b_g
assert_close((z_batch >= 0).astype(float), [1.0, 1.0, 1.0, 0.0],
             hint="the gate computed on the whole batch at once, step(X @ w + b), must match too", what="step(X @ w + b)")
### END HIDDEN TESTS

# %% [markdown]
# NAND matters more than it looks: **every** Boolean function can be built from NAND gates alone, so
# networks of step neurons can compute anything a digital circuit can, *if we wire them by hand*.
# The real question is how to find the weights automatically, from examples.

# %% [markdown]
# ## 5. The perceptron: learning the weights
#
# In 1958 Frank Rosenblatt described the **perceptron**, a step neuron with a learning rule, and built
# it in hardware (the Mark I Perceptron, which learned to tell simple shapes apart from a 20×20 grid of
# photocells). The rule is simple. Go through the training examples $(\mathbf{x}, y)$ with $y \in \{0, 1\}$;
# predict $\hat{y} = \text{step}(\mathbf{w}\cdot\mathbf{x} + b)$, and correct the weights by the error:
#
# $$\mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}, \qquad b \leftarrow b + \eta\,(y - \hat{y}).$$
#
# A correct prediction changes nothing ($y - \hat{y} = 0$). A missed positive ($y = 1, \hat{y} = 0$) adds
# $\mathbf{x}$ to $\mathbf{w}$, turning the boundary towards that point; a false positive subtracts it.
# One pass over the data is an **epoch**.
#
# The **perceptron convergence theorem** (Novikoff, 1962) is stated for the bias folded into the
# weights. Extend every input by a constant 1, $\tilde{\mathbf{x}} = (x_1, \dots, x_d, 1)$, and write
# $\tilde{\mathbf{w}} = (w_1, \dots, w_d, b)$: then $\mathbf{w}\cdot\mathbf{x} + b = \tilde{\mathbf{w}}\cdot\tilde{\mathbf{x}}$,
# and the bias update above is just the weight update of that constant input. The theorem: if some unit
# vector $\tilde{\mathbf{w}}^*$ separates the classes with a margin $\gamma > 0$
# ($\tilde{\mathbf{w}}^*\cdot\tilde{\mathbf{x}} \ge \gamma$ for every positive example and $\le -\gamma$ for
# every negative one) and every **extended** input has length $\lVert\tilde{\mathbf{x}}\rVert \le R$, then the rule,
# started from $\mathbf{w} = \mathbf{0}$, $b = 0$, makes at most $(R/\gamma)^2$ mistakes in total, whatever the
# learning rate (from zero, $\eta$ only rescales $\mathbf{w}$ and $b$ together, which never changes a
# prediction), and then classifies every training point correctly. Both $R$ and $\gamma$ are measured
# on the extended inputs: $R^2 = \max \lVert\mathbf{x}\rVert^2 + 1$, and $\gamma$ is the margin of a hyperplane
# through the origin one dimension up, not the distance of the points to the line $\mathbf{w}\cdot\mathbf{x} + b = 0$
# in the plane. (Without the constant 1, the bound holds only for boundaries through the origin.)
#
# ### Exercise: `perceptron_fit(X, y, lr=1.0, epochs=20)`
#
# * `X`: `(N, d)` float array of inputs, `y`: `(N,)` labels in {0, 1} (integers or floats).
# * Start from `w = np.zeros(d)` and `b = 0.0`; run `epochs` passes over the examples in order, applying
#   the rule above to each one (you may stop early after an epoch without mistakes).
# * Return `(w, b)`: `w` of shape `(d,)`, `b` a number.
# * Do **not** modify `X` or `y` (no in-place relabelling of `y`).
#
# On linearly separable data, the returned `(w, b)` must classify every training point correctly.

# %% answer id=perceptron_fit
def perceptron_fit(X, y, lr=1.0, epochs=20):
    """Train a perceptron with the perceptron learning rule.

    X: (N, d), y: (N,) labels in {0, 1} -> (w, b) with w: (d,) and b: float.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            y_hat = 1.0 if xi @ w + b >= 0 else 0.0
            error = yi - y_hat
            if error != 0:
                w = w + lr * error * xi
                b = b + lr * error
                mistakes += 1
        if mistakes == 0:
            break
    return w, b
    ### END SOLUTION

# %% tests id=test_perceptron_fit points=3
def separates(w, b, X, y):
    """True if (w, b) classifies every row of X as y, with step(0) = 1 (or consistently with step(0) = 0)."""
    w = np.asarray(w, dtype=float).reshape(-1)
    b = float(np.asarray(b, dtype=float).reshape(-1)[0])
    z = np.asarray(X, dtype=float) @ w + b
    y = np.asarray(y, dtype=float)
    return bool(np.all((z >= 0) == (y == 1))) or bool(np.all((z > 0) == (y == 1)))

X_and = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_and = np.array([0, 0, 0, 1])
w_p, b_p = call(perceptron_fit, X_and, y_and)
assert_true(np.size(w_p) == 2, hint="w has one weight per input feature: shape (d,)", what="perceptron_fit's w")
assert_true(np.size(b_p) == 1, hint="b is one number", what="perceptron_fit's b")
assert_true(separates(w_p, b_p, X_and, y_and), what="perceptron_fit on AND",
            hint="after training, every row of X must be classified as its label; revisit the learning rule "
                 "of section 5: every mistake moves both w and b, and training runs for several epochs")
y_nand = np.array([1.0, 1.0, 1.0, 0.0])
w_p, b_p = call(perceptron_fit, X_and, y_nand)
assert_true(separates(w_p, b_p, X_and, y_nand), what="perceptron_fit on NAND (float labels)",
            hint="labels may be floats 0.0/1.0; mistakes on label-0 examples must move the boundary too")
r = np.random.default_rng(5)                       # separable, boundary 2 x1 + x2 = 4, away from the origin
X_v = r.uniform(0, 3, size=(60, 2))
s_v = X_v @ np.array([2.0, 1.0]) - 4.0
X_v, y_v = X_v[np.abs(s_v) > 0.6], (s_v[np.abs(s_v) > 0.6] > 0).astype(int)
before = snapshot(X_v, y_v)
w_p, b_p = call(perceptron_fit, X_v, y_v, lr=0.5)
assert_unchanged(before, [X_v, y_v], hint="do not modify X or y (no in-place relabelling of the caller's labels)")
assert_true(separates(w_p, b_p, X_v, y_v), what="perceptron_fit on separable data away from the origin, lr=0.5",
            hint="the boundary does not pass through the origin: the bias must learn too; use the lr argument")
### BEGIN HIDDEN TESTS
y_or = np.array([0.0, 1.0, 1.0, 1.0])
w_p, b_p = call(perceptron_fit, X_and, y_or)
assert_true(separates(w_p, b_p, X_and, y_or), what="perceptron_fit on OR (float labels)",
            hint="labels may be floats 0.0/1.0")
r = np.random.default_rng(9)                       # separable, boundary x1 + x2 = 3, away from the origin
X_s = r.uniform(0, 3, size=(80, 2))
s = X_s @ np.array([1.0, 1.0]) - 3.0
X_s, y_s = X_s[np.abs(s) > 0.5], (s[np.abs(s) > 0.5] > 0).astype(int)
before = snapshot(X_s, y_s)
w_p, b_p = call(perceptron_fit, X_s, y_s)
assert_unchanged(before, [X_s, y_s], hint="do not modify X or y")
assert_true(separates(w_p, b_p, X_s, y_s), what="perceptron_fit on separable data away from the origin",
            hint="update the bias too, and run all the epochs (not just one pass)")
w_p, b_p = call(perceptron_fit, X_s, y_s, lr=0.1)
assert_true(separates(w_p, b_p, X_s, y_s), what="perceptron_fit with lr=0.1", hint="use the lr argument")
r = np.random.default_rng(7)                       # 5 features
X_5 = r.uniform(-1, 1, size=(120, 5))
s5 = X_5 @ np.array([1.0, -1.0, 0.5, 2.0, -0.5]) - 0.5
X_5, y_5 = X_5[np.abs(s5) > 0.8], (s5[np.abs(s5) > 0.8] > 0).astype(float)
w_p, b_p = call(perceptron_fit, X_5, y_5, epochs=50)
assert_true(np.size(w_p) == 5, hint="d = 5 features -> w of shape (5,)", what="perceptron_fit's w")
assert_true(separates(w_p, b_p, X_5, y_5), what="perceptron_fit with 5 features")
### END HIDDEN TESTS

# %% [markdown]
# Let us watch it learn. The demo below trains your perceptron on two separable clouds of points and
# draws the boundary it found (it needs your `perceptron_fit`).

# %%
X_blobs = np.vstack([rng.normal([-1.0, -1.0], 0.5, size=(40, 2)), rng.normal([1.5, 1.0], 0.5, size=(40, 2))])
y_blobs = np.repeat([0, 1], 40)
try:
    w_fit, b_fit = perceptron_fit(X_blobs, y_blobs)
    predict = lambda P: (P @ np.asarray(w_fit) + b_fit >= 0).astype(int)
    ax = decision_boundary(predict, X_blobs, y_blobs, title=f"perceptron: w = {np.round(w_fit, 2)}, b = {b_fit:.2f}")
    blob_accuracy = np.mean(predict(X_blobs) == y_blobs)
    print("training accuracy:", blob_accuracy)
    plt.show()
    assert blob_accuracy == 1.0, ("the two clouds are separable, so perceptron_fit should classify every point: "
                                  "check it against its test above")
except NotImplementedError:
    print("implement perceptron_fit above to see this")

# %% [markdown]
# ## 6. XOR: what one neuron can never do
#
# XOR outputs 1 when exactly one input is 1. Put the four inputs on the plane: $(0,1)$ and $(1,0)$ must be
# on one side of the boundary line, $(0,0)$ and $(1,1)$ on the other. **No line does that**: the two
# classes sit on the two diagonals of the square. Algebraically, we would need
# $b < 0$ (from $(0,0)$), $w_1 + b \ge 0$ and $w_2 + b \ge 0$, and $w_1 + w_2 + b < 0$; adding the middle
# two gives $w_1 + w_2 + b \ge -b > 0$, a contradiction.
#
# The figure tries 20,000 random neurons: none gets more than 3 of the 4 points right (and none gets 0:
# that would be a neuron computing XNOR, which is just as impossible). The cell prints and checks both.

# %%
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_xor = np.array([0, 1, 1, 0])
params = rng.normal(size=(20000, 3)) * 2
outputs = (X_xor @ params[:, :2].T + params[:, 2] >= 0).astype(int)      # (4, 20000)
correct = (outputs == y_xor[:, None]).sum(axis=0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.scatter(X_xor[:, 0], X_xor[:, 1], c=np.where(y_xor == 1, "tab:red", "tab:blue"), s=200, edgecolors="k", zorder=3)
line_x = np.linspace(-0.5, 1.5, 10)
for w1, w2, b in params[correct == 3][:4]:
    if abs(w2) > 1e-6:
        ax1.plot(line_x, -(w1 * line_x + b) / w2, lw=1, alpha=0.8)
ax1.set_xlim(-0.5, 1.5); ax1.set_ylim(-0.5, 1.5); ax1.set_aspect("equal")
ax1.set_title("XOR: red = 1, blue = 0; a few of the best lines")
ax2.bar(np.arange(5), np.bincount(correct, minlength=5))
ax2.set_xlabel("inputs classified correctly (of 4)")
ax2.set_ylabel("number of random neurons")
ax2.set_title(f"best of 20,000 random neurons: {correct.max()}/4")
fig.tight_layout()
plt.show()
print(f"best: {correct.max()}/4, worst: {correct.min()}/4 correct")
assert correct.max() == 3 and correct.min() == 1, "the text says: never 4 of 4, never 0 of 4"

# %% [markdown]
# And the perceptron rule, which converges whenever a separating line exists, never settles on XOR.
# The cell trains your `perceptron_fit` for 1, 2, 3, ... epochs and prints, after each epoch, the weights
# and how many of the four points they get wrong. Since no line is right on all four, there is
# **a mistake after every epoch**, so the next epoch updates again: the rule never stops on its own,
# it only stops when it runs out of epochs.

# %%
try:
    for n_epochs in range(1, 9):
        w_x, b_x = perceptron_fit(X_xor, y_xor, epochs=n_epochs)
        wrong = int(np.sum((X_xor @ np.asarray(w_x, dtype=float) + b_x >= 0).astype(int) != y_xor))
        print(f"after epoch {n_epochs}: w = {np.round(np.asarray(w_x, dtype=float), 2)}, b = {float(b_x):+.2f}, "
              f"{wrong} of 4 points wrong")
        assert wrong >= 1, "no neuron can be right on all four XOR points"
except NotImplementedError:
    print("implement perceptron_fit above to see this")

# %% [markdown]
# In 1969 Marvin Minsky and Seymour Papert published *Perceptrons*, a careful mathematical analysis of
# what single-layer perceptrons can and cannot compute: XOR (parity) and "is this figure connected?"
# were among the functions out of reach. The book is often blamed for a decade of reduced interest and
# funding for neural networks. The way out was already known in principle: **stack neurons into
# layers**. Two layers compute XOR easily (`XOR = AND(OR, NAND)`, and you will build one with ReLUs in
# lesson 05); what was missing was a practical rule to *train* hidden layers, which arrived with
# backpropagation (popularised by Rumelhart, Hinton and Williams in 1986; lesson 08).

# %% [markdown]
# ## 7. In your own words
#
# **Question.** A perceptron has weights $\mathbf{w} = (2, -1)$ and bias $b = 1$. Describe its decision
# boundary in the plane, say which side outputs 1, and explain what happens to the boundary if you
# (a) double both $\mathbf{w}$ and $b$, (b) change only $b$ to $3$.

# %% [markdown] explain id=explain_geometry points=2
# The boundary is the line $2x_1 - x_2 + 1 = 0$, i.e. $x_2 = 2x_1 + 1$. The weight vector $(2, -1)$ is
# perpendicular to it and points to the side that outputs 1, where $2x_1 - x_2 + 1 \ge 0$ (below and to the
# right of the line; the origin is on that side since $z = 1 \ge 0$).
# (a) Doubling $\mathbf{w}$ and $b$ multiplies $z$ by 2, which never changes its sign: the boundary and
# the outputs of the step neuron stay exactly the same (only $z$'s scale changes).
# (b) Changing $b$ to 3 keeps the direction of $\mathbf{w}$, so the line keeps its slope, but moves it:
# the boundary becomes $x_2 = 2x_1 + 3$, a parallel line further from the origin
# (distance $|b| / \lVert\mathbf{w}\rVert = 3/\sqrt{5}$ instead of $1/\sqrt{5}$), so the region that outputs 1 grows.

# %% [markdown]
# ## Summary
#
# * A neuron computes $\varphi(\mathbf{w}\cdot\mathbf{x} + b)$; $\mathbf{w}$ is normal to its decision
#   boundary, $b$ shifts the boundary.
# * Step neurons compute AND, OR and NAND; the perceptron rule learns any linearly separable labelling.
# * XOR is not linearly separable: one neuron cannot compute it, whatever the training. Layers can.
