# %% [markdown]
# # 07 · Initialization: starting points that train
#
# Before the first training step every weight needs a value. It sounds like a detail, but the
# wrong choice makes a network untrainable:
#
# * all weights equal (e.g. zero): every hidden unit stays a copy of its neighbours forever;
# * too small: the signal shrinks layer after layer until the last layers see (almost) zeros;
# * too large: it grows layer after layer until activations saturate or overflow.
#
# This lesson shows each failure, derives the two standard cures, **Xavier/Glorot** (for tanh and
# sigmoid) and **He/Kaiming** (for ReLU), and lets you measure their effect through 25 layers: on
# the way forward (the activations) and on the way back (the gradients), and on training itself.
#
# **Notation.** A batch of activations is $H_l$ (one row per sample, as in lesson 03), the
# pre-activations are $Z_l$, and $s_w$ is the standard deviation of the weights ($\sigma$ stays the
# sigmoid, as in lesson 04). The arrays of this lesson are bias-free: $H_0 = X$,
# $Z_l = H_{l-1} W_l^\top$, $H_l = \mathrm{activation}(Z_l)$.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=07_initialization` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/07_initialization.ipynb`.

# %% readonly id=setup
import time

import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from threadpoolctl import threadpool_limits

# One BLAS thread: as fast as several for these matrices on a busy machine, and reproducible numbers.
_ = threadpool_limits(limits=1)

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
from nnlib import Sequential, Linear, Tanh, ReLU, CrossEntropyLoss, SGD, relu, relu_grad, tanh_grad
import nnlib.init
from nnlib.diagnostics import layer_signals
from nnlib.data import moons, spiral

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Zero (or constant) initialization and the symmetry problem
#
# Suppose every weight of a layer starts with the same value. Then every hidden unit computes the
# same function of the input, receives the same gradient (the chain rule sees identical paths), and
# takes the same step. After any number of steps the units are still identical: a layer of 64 units
# behaves like a layer of **one** unit. Zero is the extreme case: with $W_2 = 0$ even the gradient
# reaching the first layer is zero, so the first layer does not move at all.
#
# Let us watch it happen on a small network `2 -> 4 (tanh) -> 2` trained on the two-moons data,
# first with every weight set to 0.5, then with random weights.

# %%
X_moons, y_moons = moons(np.random.default_rng(1), n=200)

def train_small(first_weights):
    net = Sequential(Linear(2, 4, init="zeros"), Tanh(), Linear(4, 2, init="zeros"))
    net[0].weight.data[...] = first_weights
    net[2].weight.data[...] = 0.5
    loss, opt = CrossEntropyLoss(), SGD(net.parameters(), lr=0.5)
    for _ in range(100):
        opt.zero_grad()
        loss.forward(net.forward(X_moons), y_moons)
        net.backward(loss.backward())
        opt.step()
    return net

net_const = train_small(np.full((4, 2), 0.5))
print("constant init, hidden weights after 100 steps (one row per unit):")
print(net_const[0].weight.data.round(4))
net_rand = train_small(np.random.default_rng(2).normal(0.0, 1.0, size=(4, 2)))
print("\nrandom init, hidden weights after 100 steps:")
print(net_rand[0].weight.data.round(4))

# %% [markdown]
# With the constant start all four rows are still identical after 100 steps: the four units are
# one unit repeated. Randomness **breaks the symmetry**. The question is then only *how big* the
# random values should be.

# %% [markdown]
# ## 2. How big? Keep the variance constant from layer to layer
#
# Take one layer $z = W x$ with `fan_in` inputs, independent weights of mean 0 and variance
# $s_w^2$ (standard deviation $s_w$), and independent inputs of mean 0 and variance $s_x^2$. Each output is a sum of
# `fan_in` independent products, so variances add up:
#
# $$\mathrm{Var}(z_j) = \sum_{i=1}^{\text{fan\_in}} \mathrm{Var}(w_{ji} x_i) = \text{fan\_in}\;s_w^2\,s_x^2 .$$
#
# If $\text{fan\_in}\,s_w^2 > 1$ the signal grows by that factor at every layer (explodes), if it
# is $< 1$ it shrinks (vanishes). Through $L$ layers the factor is raised to the power $L$.
#
# **Xavier/Glorot (2010)**, for activations that are roughly linear around 0 (tanh, sigmoid).
# The forward pass wants $\text{fan\_in}\,s_w^2 = 1$; the backward pass, where each input's gradient
# collects one term from every one of the `fan_out` outputs (section 5), wants $\text{fan\_out}\,s_w^2 = 1$;
# the compromise is
#
# $$s_w^2 = \frac{2}{\text{fan\_in} + \text{fan\_out}}, \qquad \text{std} = \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}} .$$
#
# A uniform distribution $U(-a, a)$ has variance $a^2 / 3$, so the same variance needs the bound
#
# $$a = \sqrt{3}\,s_w = \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}} .$$
#
# **He/Kaiming (2015)**, for ReLU. ReLU zeroes the negative half of a symmetric input, so it keeps
# only half of the second moment: $\mathbb{E}[\mathrm{relu}(z)^2] = \tfrac12 \mathrm{Var}(z)$. To compensate,
# double the weight variance (using fan_in, the forward direction):
#
# $$s_w^2 = \frac{2}{\text{fan\_in}}, \qquad \text{std} = \sqrt{\frac{2}{\text{fan\_in}}}, \qquad
#   a = \sqrt{3}\,s_w = \sqrt{\frac{6}{\text{fan\_in}}} .$$
#
# | scheme | normal: std | uniform: bound $a$ in $U(-a, a)$ |
# |---|---|---|
# | Xavier / Glorot | $\sqrt{2 / (\text{fan\_in} + \text{fan\_out})}$ | $\sqrt{6 / (\text{fan\_in} + \text{fan\_out})}$ |
# | He / Kaiming | $\sqrt{2 / \text{fan\_in}}$ | $\sqrt{6 / \text{fan\_in}}$ |
#
# A quick check of the variance rule with 100,000 samples:

# %%
fan_in = 300
x = rng.normal(0.0, 1.0, size=(2000, fan_in))
for name, std in [("too small, std 0.01", 0.01), ("1/sqrt(fan_in)", 1 / np.sqrt(fan_in)), ("too big, std 1", 1.0)]:
    W = rng.normal(0.0, std, size=(50, fan_in))
    z = x @ W.T
    print(f"{name:22s} fan_in * var(w) = {fan_in * std**2:8.3f}   var(z) = {z.var():8.3f}")

# %% [markdown]
# ## 3. The four initializers
#
# All four functions take `fan_in` (inputs of the layer), `fan_out` (outputs) and a
# `np.random.Generator` `rng`, and return a float array of shape **`(fan_out, fan_in)`**: the
# `(out, in)` convention of this course and of PyTorch, so that a layer computes `X @ W.T + b`.
# Draw every random number from `rng` (`rng.uniform`, `rng.normal`, `rng.standard_normal`,
# `rng.random`), never from `np.random.*`: the same seed must give the same weights, and two
# different seeds different weights.
#
# The tests check what can be checked of a random array: its shape, its range, its mean and
# standard deviation over many entries (within a few percent), and that it comes from `rng`.
#
# ### Exercise 1: `xavier_uniform(fan_in, fan_out, rng)`
# Entries uniform on $[-a, a]$ with $a = \sqrt{6 / (\text{fan\_in} + \text{fan\_out})}$.

# %% answer id=xavier_uniform
def xavier_uniform(fan_in, fan_out, rng):
    """Glorot/Xavier uniform initialization.

    Returns an array of shape (fan_out, fan_in) with entries drawn from U(-a, a),
    a = sqrt(6 / (fan_in + fan_out)), using only rng.
    """
    ### BEGIN SOLUTION
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))
    ### END SOLUTION

# %% tests id=test_xavier_uniform points=2
W = call(xavier_uniform, 3, 5, np.random.default_rng(0))
assert_float_array(W, hint="return a NumPy array of floats")
assert_shape(W, (5, 3), hint="one row per output unit: the shape is (fan_out, fan_in) (section 3)")
for fi, fo in [(400, 600), (600, 400)]:
    W = np.asarray(call(xavier_uniform, fi, fo, np.random.default_rng(1)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    a = np.sqrt(6 / (fi + fo))
    big = np.abs(W).max()
    assert_true(big <= a * (1 + 1e-6) and big >= 0.99 * a,
                hint=f"fan_in={fi}, fan_out={fo}: expected entries filling [-{a:.5f}, {a:.5f}] (largest |w| close to "
                     f"{a:.5f}); got largest |w| = {big:.5f}. Revisit section 2: the uniform bound that gives Xavier's variance")
    assert_true(abs(W.mean()) < 0.05 * a, hint=f"expected mean about 0 (symmetric around 0), got {W.mean():.5f}")
    s = a / np.sqrt(3)
    assert_true(abs(W.std() / s - 1) < 0.05,
                hint=f"expected standard deviation {s:.5f} (within 5%), got {W.std():.5f}: a uniform distribution, "
                     "on the whole interval")
A, B, C = (np.asarray(call(xavier_uniform, 30, 20, np.random.default_rng(k)), dtype=float) for k in (1, 1, 2))
assert_true(np.array_equal(A, B), hint="the same seed gave different weights: draw every number from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="two different seeds gave the same weights: draw every number from rng")
### BEGIN HIDDEN TESTS
for fi, fo, seed in [(2000, 50, 3), (64, 900, 4)]:
    W = np.asarray(call(xavier_uniform, fi, fo, np.random.default_rng(seed)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    a = np.sqrt(6 / (fi + fo))
    assert_true(np.abs(W).max() <= a * (1 + 1e-6) and np.abs(W).max() >= 0.99 * a,
                hint=f"fan_in={fi}, fan_out={fo}: entries should fill [-{a:.5f}, {a:.5f}]")
    assert_true(abs(W.mean()) < 0.05 * a and abs(W.std() / (a / np.sqrt(3)) - 1) < 0.05,
                hint=f"fan_in={fi}, fan_out={fo}: mean 0 and standard deviation {a / np.sqrt(3):.5f} expected")
A, B, C = (np.asarray(call(xavier_uniform, 7, 11, np.random.default_rng(k)), dtype=float) for k in (9, 9, 10))
assert_true(np.array_equal(A, B) and not np.array_equal(A, C), hint="randomness only from rng")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2: `xavier_normal(fan_in, fan_out, rng)`
# Entries from a normal distribution with mean 0 and standard deviation
# $\sqrt{2 / (\text{fan\_in} + \text{fan\_out})}$ (careful: `rng.normal` takes the **standard deviation**,
# not the variance).

# %% answer id=xavier_normal
def xavier_normal(fan_in, fan_out, rng):
    """Glorot/Xavier normal initialization.

    Returns an array of shape (fan_out, fan_in) with entries drawn from N(0, std^2),
    std = sqrt(2 / (fan_in + fan_out)), using only rng.
    """
    ### BEGIN SOLUTION
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=(fan_out, fan_in))
    ### END SOLUTION

# %% tests id=test_xavier_normal points=2
W = call(xavier_normal, 3, 5, np.random.default_rng(0))
assert_float_array(W, hint="return a NumPy array of floats")
assert_shape(W, (5, 3), hint="one row per output unit: the shape is (fan_out, fan_in) (section 3)")
for fi, fo in [(400, 600), (600, 400)]:
    W = np.asarray(call(xavier_normal, fi, fo, np.random.default_rng(1)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    s = np.sqrt(2 / (fi + fo))
    assert_true(abs(W.std() / s - 1) < 0.05,
                hint=f"fan_in={fi}, fan_out={fo}: expected standard deviation {s:.5f} (within 5%), got {W.std():.5f}. "
                     "Revisit the table of section 2, and check what rng.normal's scale argument means")
    assert_true(abs(W.mean()) < 0.05 * s, hint=f"expected mean about 0, got {W.mean():.5f}")
    assert_true(np.abs(W).max() > 3.5 * s,
                hint=f"no entry beyond 3.5 standard deviations in {W.size} draws: that is not a normal distribution "
                     "(a normal one has tails)")
A, B, C = (np.asarray(call(xavier_normal, 30, 20, np.random.default_rng(k)), dtype=float) for k in (1, 1, 2))
assert_true(np.array_equal(A, B), hint="the same seed gave different weights: draw every number from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="two different seeds gave the same weights: draw every number from rng")
### BEGIN HIDDEN TESTS
for fi, fo, seed in [(2000, 50, 3), (64, 900, 4)]:
    W = np.asarray(call(xavier_normal, fi, fo, np.random.default_rng(seed)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    s = np.sqrt(2 / (fi + fo))
    assert_true(abs(W.std() / s - 1) < 0.05 and abs(W.mean()) < 0.05 * s and np.abs(W).max() > 3.5 * s,
                hint=f"fan_in={fi}, fan_out={fo}: a normal distribution with mean 0 and standard deviation {s:.5f}")
A, B, C = (np.asarray(call(xavier_normal, 7, 11, np.random.default_rng(k)), dtype=float) for k in (9, 9, 10))
assert_true(np.array_equal(A, B) and not np.array_equal(A, C), hint="randomness only from rng")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3: `he_uniform(fan_in, fan_out, rng)`
# Entries uniform on $[-a, a]$ with $a = \sqrt{6 / \text{fan\_in}}$.

# %% answer id=he_uniform
def he_uniform(fan_in, fan_out, rng):
    """He/Kaiming uniform initialization (for ReLU).

    Returns an array of shape (fan_out, fan_in) with entries drawn from U(-a, a),
    a = sqrt(6 / fan_in), using only rng.
    """
    ### BEGIN SOLUTION
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))
    ### END SOLUTION

# %% tests id=test_he_uniform points=2
W = call(he_uniform, 3, 5, np.random.default_rng(0))
assert_float_array(W, hint="return a NumPy array of floats")
assert_shape(W, (5, 3), hint="one row per output unit: the shape is (fan_out, fan_in) (section 3)")
for fi, fo in [(400, 600), (600, 400)]:
    W = np.asarray(call(he_uniform, fi, fo, np.random.default_rng(1)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    a = np.sqrt(6 / fi)
    big = np.abs(W).max()
    assert_true(big <= a * (1 + 1e-6) and big >= 0.99 * a,
                hint=f"fan_in={fi}, fan_out={fo}: expected entries filling [-{a:.5f}, {a:.5f}] (largest |w| close to "
                     f"{a:.5f}); got largest |w| = {big:.5f}. Revisit section 2: which fan He's rule uses, and the "
                     "uniform bound that gives its variance")
    assert_true(abs(W.mean()) < 0.05 * a, hint=f"expected mean about 0 (symmetric around 0), got {W.mean():.5f}")
    assert_true(abs(W.std() / (a / np.sqrt(3)) - 1) < 0.05,
                hint=f"expected standard deviation {a / np.sqrt(3):.5f} (within 5%), got {W.std():.5f}")
A, B, C = (np.asarray(call(he_uniform, 30, 20, np.random.default_rng(k)), dtype=float) for k in (1, 1, 2))
assert_true(np.array_equal(A, B), hint="the same seed gave different weights: draw every number from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="two different seeds gave the same weights: draw every number from rng")
### BEGIN HIDDEN TESTS
for fi, fo, seed in [(2000, 50, 3), (64, 900, 4)]:
    W = np.asarray(call(he_uniform, fi, fo, np.random.default_rng(seed)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    a = np.sqrt(6 / fi)
    assert_true(np.abs(W).max() <= a * (1 + 1e-6) and np.abs(W).max() >= 0.99 * a,
                hint=f"fan_in={fi}, fan_out={fo}: entries should fill [-{a:.5f}, {a:.5f}]")
    assert_true(abs(W.mean()) < 0.05 * a and abs(W.std() / (a / np.sqrt(3)) - 1) < 0.05,
                hint=f"fan_in={fi}, fan_out={fo}: mean 0 and standard deviation {a / np.sqrt(3):.5f} expected")
A, B, C = (np.asarray(call(he_uniform, 7, 11, np.random.default_rng(k)), dtype=float) for k in (9, 9, 10))
assert_true(np.array_equal(A, B) and not np.array_equal(A, C), hint="randomness only from rng")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4: `he_normal(fan_in, fan_out, rng)`
# Entries from a normal distribution with mean 0 and standard deviation $\sqrt{2 / \text{fan\_in}}$.

# %% answer id=he_normal
def he_normal(fan_in, fan_out, rng):
    """He/Kaiming normal initialization (for ReLU).

    Returns an array of shape (fan_out, fan_in) with entries drawn from N(0, std^2),
    std = sqrt(2 / fan_in), using only rng.
    """
    ### BEGIN SOLUTION
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_out, fan_in))
    ### END SOLUTION

# %% tests id=test_he_normal points=2
W = call(he_normal, 3, 5, np.random.default_rng(0))
assert_float_array(W, hint="return a NumPy array of floats")
assert_shape(W, (5, 3), hint="one row per output unit: the shape is (fan_out, fan_in) (section 3)")
for fi, fo in [(400, 600), (600, 400)]:
    W = np.asarray(call(he_normal, fi, fo, np.random.default_rng(1)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    s = np.sqrt(2 / fi)
    assert_true(abs(W.std() / s - 1) < 0.05,
                hint=f"fan_in={fi}, fan_out={fo}: expected standard deviation {s:.5f} (within 5%), got {W.std():.5f}. "
                     "Revisit section 2: which fan He's rule uses, and ReLU's factor")
    assert_true(abs(W.mean()) < 0.05 * s, hint=f"expected mean about 0, got {W.mean():.5f}")
    assert_true(np.abs(W).max() > 3.5 * s,
                hint=f"no entry beyond 3.5 standard deviations in {W.size} draws: that is not a normal distribution")
A, B, C = (np.asarray(call(he_normal, 30, 20, np.random.default_rng(k)), dtype=float) for k in (1, 1, 2))
assert_true(np.array_equal(A, B), hint="the same seed gave different weights: draw every number from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="two different seeds gave the same weights: draw every number from rng")
### BEGIN HIDDEN TESTS
for fi, fo, seed in [(2000, 50, 3), (64, 900, 4)]:
    W = np.asarray(call(he_normal, fi, fo, np.random.default_rng(seed)), dtype=float)
    assert_shape(W, (fo, fi), hint="(fan_out, fan_in)")
    s = np.sqrt(2 / fi)
    assert_true(abs(W.std() / s - 1) < 0.05 and abs(W.mean()) < 0.05 * s and np.abs(W).max() > 3.5 * s,
                hint=f"fan_in={fi}, fan_out={fo}: a normal distribution with mean 0 and standard deviation {s:.5f}")
A, B, C = (np.asarray(call(he_normal, 7, 11, np.random.default_rng(k)), dtype=float) for k in (9, 9, 10))
assert_true(np.array_equal(A, B) and not np.array_equal(A, C), hint="randomness only from rng")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Watching the signal on the way forward
#
# ### Exercise 5: `activation_stds(X, weights, activation)`
#
# A bias-free network applies, for each weight matrix $W_l$ of shape `(out, in)` in turn,
#
# $$H_0 = X, \qquad Z_l = H_{l-1} W_l^\top, \qquad H_l = \mathrm{activation}(Z_l), \qquad l = 1, \dots, L .$$
#
# Return a **list** with one number per layer: the standard deviation (`np.std`, over all entries)
# of that layer's activations $H_l$ after the activation function. The list has `len(weights)` entries;
# the input `X` itself is not included. `X`: `(N, in_features)`; `activation`: a function such as
# `np.tanh` or `relu`. Do not modify `X` or the weights.

# %% answer id=activation_stds
def activation_stds(X, weights, activation):
    """Standard deviation of every layer's activations in a bias-free network.

    X: (N, in_features); weights: list of arrays, weights[l] of shape (out_l, in_l);
    activation: elementwise function. Layer l computes H = activation(H @ weights[l].T).
    Returns a list of len(weights) floats: np.std of each layer's output H.
    """
    ### BEGIN SOLUTION
    stds = []
    h = X
    for W in weights:
        h = activation(h @ W.T)
        stds.append(float(np.std(h)))
    return stds
    ### END SOLUTION

# %% tests id=test_activation_stds points=3
X = np.linspace(-1.0, 1.0, 1000).reshape(500, 2)
Ws = [np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0]])]
for name, act, expected in [("tanh", np.tanh, [0.6520590094707108, 0.5013224773578699]),
                            ("relu", lambda z: np.maximum(z, 0.0), [0.5721916503425354, 0.6524330110240544])]:
    before = snapshot(X, *Ws)
    out = call(activation_stds, X, Ws, act)
    assert_unchanged(before, [X, *Ws], what="activation_stds",
                     hint="X and the weights must stay as they were: build new arrays instead of writing into them")
    assert_true(len(out) == 2,
                hint=f"expected 2 numbers (one per weight matrix, the input X not included), got {len(out)}")
    assert_close(np.asarray(out, dtype=float), expected, rtol=2e-3,
                 hint=f"with {name}: expected the std of each layer's output H_l (after the activation), feeding each "
                      "H_l into the next layer; revisit the recipe of section 4 (the weights are (out, in))")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(11)
X = rng_t.normal(size=(200, 30))
sizes = [30, 40, 25, 25, 10]
Ws = [rng_t.normal(0.0, 1.5 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
for name, act in [("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0.0))]:
    before = snapshot(X, *Ws)
    out = call(activation_stds, X, Ws, act)
    assert_unchanged(before, [X, *Ws], what="activation_stds",
                     hint="do not write into X or the weights")
    assert_true(len(out) == len(Ws), hint=f"expected {len(Ws)} standard deviations, one per layer, got {len(out)}")
    h = X
    expected = []
    for W in Ws:
        h = act(h @ W.T)
        expected.append(h.std())
    assert_close(np.asarray(out, dtype=float), expected, rtol=1e-3,
                 hint=f"with {name}: the std of each layer's output, feeding it forward")
# a single layer
out = call(activation_stds, X, Ws[:1], np.tanh)
assert_true(len(out) == 1, hint="one layer -> a list of one number")
assert_close(np.asarray(out, dtype=float), [np.tanh(X @ Ws[0].T).std()], rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. And on the way back: the gradients
#
# Training needs the signal to survive the way back too. Suppose the loss $\mathcal{L}$ sends a
# gradient $\partial\mathcal{L}/\partial H_L$ (call it `dout`, shape `(N, n_L)`) into the last layer.
# The chain rule (lesson 08 derives it in full) carries it back layer by layer, from $l = L$ down to $l = 1$:
#
# * through the activation, elementwise: each entry of $\partial\mathcal{L}/\partial Z_l$ is the
#   matching entry of $\partial\mathcal{L}/\partial H_l$ times the activation's derivative at $Z_l$
#   (the pre-activation, not $H_l$), so $\partial\mathcal{L}/\partial Z_l$ has the shape of $Z_l$;
# * through the weights: $Z_l = H_{l-1} W_l^\top$, so input $i$ of a sample received
#   $W_l[j, i]$ times itself in every output $j$, and its gradient sums those contributions over the outputs:
#   $\big(\partial\mathcal{L}/\partial H_{l-1}\big)_{n,i} = \sum_j \big(\partial\mathcal{L}/\partial Z_l\big)_{n,j}\, W_l[j, i]$,
#   an array of shape `(N, n_{l-1})`, the shape of $H_{l-1}$.
#
# The same variance argument as in section 2 applies: each input's gradient is a sum of `fan_out` terms,
# so the backward pass keeps its scale when $\text{fan\_out}\,s_w^2 \approx 1$ (times the activation's
# factor). That is the half of Xavier's compromise that the forward view cannot show.
#
# ### Exercise 6: `gradient_stds(X, weights, activation, activation_grad, dout)`
#
# For the bias-free network of exercise 5, run the forward pass (keep what the backward pass needs),
# then the backward pass above starting from `dout`, and return the **list** of the standard deviations
# of $\partial\mathcal{L}/\partial H_{l-1}$ for $l = 1, \dots, L$, **first layer first**: entry 0 is
# the gradient that reaches the input $X$ itself ($H_0$), the last entry is the gradient that reaches
# $H_{L-1}$, the input of the last layer; `dout` itself is not included, so the list has `len(weights)`
# entries. Use `np.std` over all entries of each array (ddof 0). `activation_grad` is the derivative of
# `activation`, as a function of the pre-activation (e.g. `tanh_grad` for `np.tanh`). A list or a 1-D
# array of floats is fine; do not modify any argument.

# %% answer id=gradient_stds
def gradient_stds(X, weights, activation, activation_grad, dout):
    """Standard deviation of the gradient reaching every layer's input, in a bias-free network.

    X: (N, n_0); weights: list of L arrays, weights[l - 1] of shape (n_l, n_{l-1});
    activation, activation_grad: elementwise function and its derivative (evaluated at Z_l);
    dout: (N, n_L), the gradient dL/dH_L arriving at the last layer's output.
    Returns a list of L floats: np.std(dL/dH_{l-1}) for l = 1..L, first layer first.
    """
    ### BEGIN SOLUTION
    Zs = []
    h = X
    for W in weights:
        z = h @ W.T
        Zs.append(z)
        h = activation(z)
    stds = []
    grad = dout
    for W, z in zip(reversed(weights), reversed(Zs)):
        dz = grad * activation_grad(z)
        grad = dz @ W
        stds.append(float(np.std(grad)))
    return stds[::-1]
    ### END SOLUTION

# %% tests id=test_gradient_stds points=3
# a small network 3 -> 3 -> 2 on 4 samples; the expected numbers were computed once with the recipe of section 5
X = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.5, 1.5], [-1.0, -0.5, 0.25]])
Ws = [np.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.5], [-0.75, 0.25, 1.0]]),
      np.array([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]])]
dout = np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 0.75], [2.0, -1.5]])
cases = [("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, [0.5977107464561547, 0.5175251691384493]),
         ("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), [1.8512873205910196, 1.498335303113277])]
for name, act, act_grad, expected in cases:
    before = snapshot(X, dout, *Ws)
    out = call(gradient_stds, X, Ws, act, act_grad, dout)
    assert_unchanged(before, [X, dout, *Ws], what="gradient_stds",
                     hint="X, dout and the weights must stay as they were: build new arrays instead of writing into them")
    out = np.asarray(out, dtype=float)
    assert_true(out.shape == (2,),
                hint=f"expected 2 numbers for 2 layers (std of the gradient reaching H_0 and H_1; dout itself is not "
                     f"included), got an array of shape {out.shape}")
    assert_close(out, expected, rtol=1e-5,
                 hint=f"with {name}: expected [std of dL/dH_0, std of dL/dH_1] (first layer first, np.std over all "
                      "entries, ddof 0). Revisit the two steps of section 5: where the activation's derivative is "
                      "evaluated, and which matrix (and which side) carries a gradient from a layer's output to its input")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(12)
X = rng_t.normal(size=(60, 12))
sizes = [12, 20, 16, 16, 7]
Ws = [rng_t.normal(0.0, 1.3 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
dout = rng_t.normal(size=(60, 7))
def _reference(X, Ws, act, act_grad, dout):
    Zs, h = [], X
    for W in Ws:
        Zs.append(h @ W.T)
        h = act(Zs[-1])
    g, res = dout, []
    for W, z in zip(Ws[::-1], Zs[::-1]):
        g = (g * act_grad(z)) @ W
        res.append(g.std())
    return res[::-1]
for name, act, act_grad in [("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
                            ("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
                            ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)]:
    before = snapshot(X, dout, *Ws)
    out = np.asarray(call(gradient_stds, X, Ws, act, act_grad, dout), dtype=float)
    assert_unchanged(before, [X, dout, *Ws], what="gradient_stds", hint="do not write into the arguments")
    assert_true(out.shape == (4,), hint=f"4 layers -> 4 numbers, got shape {out.shape}")
    assert_close(out, _reference(X, Ws, act, act_grad, dout), rtol=1e-5, hint=f"with {name}: first layer first")
# one layer
out = np.asarray(call(gradient_stds, X, Ws[:1], np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, rng_t.normal(size=(60, 20))), dtype=float)
assert_true(out.shape == (1,), hint="one layer -> one number")
### END HIDDEN TESTS
# %% [markdown]
# ## 6. The experiment: 25 layers, forward and backward
#
# 25 layers of width 256, a batch of 250 random inputs, and a random `dout` of standard deviation 1
# (as if the loss sent unit-size gradients), four ways to draw the weights, with tanh and with ReLU.
# The weights come from `nnlib.init` (the library twins of your four functions). First the numbers
# this section's text quotes, measured with `nnlib.diagnostics.layer_signals` (the library's forward and
# backward pass of this network, which returns every $H_l$ and every $\partial\mathcal{L}/\partial H_{l-1}$);
# the `assert`s check that the text below says what this cell prints.

# %%
def deep_weights(init, depth=25, width=256, seed=0):
    r = np.random.default_rng(seed)
    return [init(width, width, r) for _ in range(depth)]

schemes = {
    "small: N(0, 0.01^2)": lambda fi, fo, r: 0.01 * r.standard_normal((fo, fi)),
    "large: N(0, 1)": lambda fi, fo, r: r.standard_normal((fo, fi)),
    "Xavier normal": nnlib.init.xavier_normal,
    "He normal": nnlib.init.he_normal,
}
activations = {"tanh": (np.tanh, tanh_grad), "ReLU": (relu, relu_grad)}
X_deep = np.random.default_rng(3).standard_normal((250, 256))
dout_deep = np.random.default_rng(4).standard_normal((250, 256))

signals = {}     # (activation, scheme) -> (H list, dH list)
print(f"{'':5s} {'scheme':20s} {'std of H_l at l = 1, 5, 25':>30s}   {'std of dL/dH_(l-1) at l = 1, 5, 25':>34s}   saturated")
for act_name, (act, act_grad) in activations.items():
    for name, init in schemes.items():
        H, dH = layer_signals(X_deep, deep_weights(init), act, act_grad, dout_deep)
        signals[act_name, name] = H, dH
        fwd = [H[l].std() for l in (0, 4, 24)]
        bwd = [dH[l].std() for l in (0, 4, 24)]
        sat = [np.mean(np.abs(H[l]) > 0.99) for l in (0, 4, 24)] if act_name == "tanh" else None
        print(f"{act_name:5s} {name:20s} " + " ".join(f"{v:9.3g}" for v in fwd) + "    "
              + " ".join(f"{v:10.3g}" for v in bwd)
              + ("   " + " ".join(f"{100 * v:5.2f}%" for v in sat) if sat else ""))

def _std(act, scheme, which, layer):
    H, dH = signals[act, scheme]
    return float((H if which == "forward" else dH)[layer - 1].std())

# the claims of the text below (layer numbers count from 1)
assert abs(_std("tanh", "He normal", "forward", 1) - 0.72) < 0.01
assert abs(_std("tanh", "He normal", "forward", 5) - 0.57) < 0.01
assert abs(_std("tanh", "He normal", "forward", 25) - 0.56) < 0.01
assert np.mean(np.abs(signals["tanh", "He normal"][0][24]) > 0.99) < 0.002          # about 0.1% saturated
assert 1.5 < _std("tanh", "He normal", "backward", 1) < 3.5                          # gradients of order 1
assert abs(_std("tanh", "Xavier normal", "forward", 25) - 0.14) < 0.01
assert abs(_std("tanh", "Xavier normal", "backward", 1) - 0.17) < 0.01
assert abs((_std("tanh", "small: N(0, 0.01^2)", "forward", 5) / _std("tanh", "small: N(0, 0.01^2)", "forward", 1)) ** 0.25 - 0.16) < 0.01
assert abs((_std("ReLU", "small: N(0, 0.01^2)", "forward", 5) / _std("ReLU", "small: N(0, 0.01^2)", "forward", 1)) ** 0.25 - 0.11) < 0.01
assert _std("tanh", "small: N(0, 0.01^2)", "forward", 25) < 1e-18 and _std("ReLU", "small: N(0, 0.01^2)", "backward", 1) < 1e-18
assert _std("tanh", "large: N(0, 1)", "forward", 25) > 0.97 and np.mean(np.abs(signals["tanh", "large: N(0, 1)"][0][24]) > 0.99) > 0.85
assert _std("tanh", "large: N(0, 1)", "backward", 1) > 1e10 and _std("ReLU", "large: N(0, 1)", "forward", 25) > 1e25
assert _std("ReLU", "Xavier normal", "forward", 25) < 2e-4 and _std("ReLU", "Xavier normal", "backward", 1) < 2e-4
assert all(0.6 < _std("ReLU", "He normal", "forward", l) < 0.85 and 0.9 < _std("ReLU", "He normal", "backward", l) < 1.1
           for l in (1, 5, 25))

# %% [markdown]
# Now the same measurement with **your** `activation_stds` and `gradient_stds`, as a figure: one line per
# scheme, the forward view on top, the backward view below (log scale).

# %%
try:
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for col, (act_name, (act, act_grad)) in enumerate(activations.items()):
        for name, init in schemes.items():
            Ws = deep_weights(init)
            fwd = activation_stds(X_deep, Ws, act)
            bwd = gradient_stds(X_deep, Ws, act, act_grad, dout_deep)
            axes[0, col].plot(range(1, len(fwd) + 1), np.maximum(fwd, 1e-30), marker=".", label=name)
            axes[1, col].plot(range(1, len(bwd) + 1), np.maximum(bwd, 1e-30), marker=".", label=name)
        axes[0, col].set_title(f"{act_name} network: forward, std of $H_l$")
        axes[1, col].set_title(f"{act_name} network: backward, std of $\\partial L / \\partial H_{{l-1}}$")
        axes[1, col].set_xlabel("layer l")
    for ax in axes.ravel():
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0, 1].legend(fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    plt.close("all")
    print("implement activation_stds and gradient_stds above to see this figure")

# %% [markdown]
# What the table and the figure show:
#
# * **small** weights: the signal shrinks by a constant factor per layer, about $0.01\sqrt{256} = 0.16$
#   with tanh and $0.01\sqrt{256/2} \approx 0.11$ with ReLU (the table's layers 1 and 5 give 0.16 and
#   0.11 per layer), and is below $10^{-18}$ after 25 layers.
#   The gradients shrink the same way on the way back: below $10^{-18}$ at the first layer. Nothing
#   reaches the early layers, in either direction.
# * **large** weights: tanh saturates, std above 0.97 and more than 85% of the units beyond $\pm 0.99$;
#   on the way back the few unsaturated units multiply the gradient by about $\sqrt{256} = 16$ per layer,
#   so it reaches the input more than $10^{10}$ times larger (exploding gradients). ReLU explodes
#   forward too, by about $\sqrt{256/2} \approx 11$ per layer, beyond $10^{25}$ at layer 25.
# * **Xavier** keeps tanh in a useful range, but it still decays slowly, to 0.14 at layer 25, because
#   tanh is contractive, and the gradient reaching the input has std 0.17. With ReLU it loses half
#   the variance per layer: below $2 \cdot 10^{-4}$ at layer 25, and the same for the gradient at layer 1.
# * **He** keeps ReLU at a constant scale in both directions: activations between 0.6 and 0.85 and
#   gradients between 0.9 and 1.1 at layers 1, 5 and 25. That factor 2 is exactly ReLU's halving.
# * **He with tanh** is not a disaster either: the activations have std 0.72, 0.57 and 0.56 at layers
#   1, 5 and 25, with about 0.1% of the units saturated at layer 25, and gradients of order 1 (std
#   between 1.5 and 3.5 at the input). The larger weights just make up for tanh's contraction;
#   PyTorch's recommended "gain" for tanh, $5/3$, sits between Xavier's 1 and He's $\sqrt{2}$ for that reason.

# %% [markdown]
# ## 7. The distributions, layer by layer
#
# A standard deviation is one number per layer. The histograms below (the figure of cs231n and of
# Karpathy's makemore) show the whole distribution of the activations (top) and of the gradients
# (bottom) at layers 1, 5, 10, 15 and 25 of the tanh network, for three schemes. Look for a spike at 0
# (the signal vanished), mass piled up at $\pm 1$ (saturation), and gradients whose width changes
# from layer to layer.

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 6))
for col, name in enumerate(["small: N(0, 0.01^2)", "Xavier normal", "He normal"]):
    H, dH = signals["tanh", name]
    for l in (1, 5, 10, 15, 25):
        for row, arrays in enumerate((H, dH)):
            values = arrays[l - 1].ravel()
            spread = max(float(values.std()), 1e-300)
            axes[row, col].hist(values / (spread if row == 1 else 1.0), bins=80, histtype="step",
                                density=True, label=f"layer {l}: std {spread:.2g}")
    axes[0, col].set_title(f"tanh, {name}: activations $H_l$")
    axes[1, col].set_title(f"gradients $\\partial L / \\partial H_{{l-1}}$ / their std")
    for row in (0, 1):
        axes[row, col].legend(fontsize=7)
plt.tight_layout()
plt.show()
for name in ["small: N(0, 0.01^2)", "Xavier normal", "He normal"]:
    H = signals["tanh", name][0]
    print(f"{name:20s} std of H_l at l = 1, 5, 10, 15, 25:", " ".join(f"{H[l - 1].std():.2g}" for l in (1, 5, 10, 15, 25)))
# the claims of the text below
H_small, H_xav, H_he = (signals["tanh", n][0] for n in ["small: N(0, 0.01^2)", "Xavier normal", "He normal"])
assert all(H_small[l - 1].std() < 1e-3 for l in (5, 10, 15, 25))
assert all(H_xav[a - 1].std() > H_xav[b - 1].std() for a, b in [(1, 5), (5, 10), (10, 15), (15, 25)])
assert all(0.54 < H_he[l - 1].std() < 0.58 for l in (5, 10, 15, 25))

# %% [markdown]
# Each gradient histogram is divided by its own standard deviation (in the legend), otherwise the
# small-weights panel would be a line at 0: what stays visible is the **shape**, and the legend gives
# the **scale**. With small weights every activation histogram from layer 5 on is a spike at 0 (std
# below $10^{-3}$); with Xavier the activations narrow from each plotted layer to the next; with He their
# std stays between 0.54 and 0.58 from layer 5 to layer 25.

# %% [markdown]
# ## 8. Does it matter for training?
#
# Statistics at initialization are a prediction; training is the test. The cell below trains the
# same deep network, 8 hidden layers of 32 units, on the 3-class spiral data (300 points), with
# full-batch SGD with momentum (learning rate 0.02, 150 steps), once per initialization scheme, for
# tanh and for ReLU. Only the initial weights differ.

# %%
X_sp, y_sp = spiral(np.random.default_rng(0), n_per_class=100)
X_sp = X_sp.astype(np.float64)
train_inits = {"small: N(0, 0.01^2)": schemes["small: N(0, 0.01^2)"],
               "Xavier normal": nnlib.init.xavier_normal, "He normal": nnlib.init.he_normal}

def train_deep(init, Act, depth=8, width=32, steps=150, lr=0.02):
    r = np.random.default_rng(0)
    layers, n = [], 2
    for _ in range(depth):
        layers += [Linear(n, width, rng=r, init=init, dtype=np.float64), Act()]
        n = width
    net = Sequential(*layers, Linear(n, 3, rng=r, init=init, dtype=np.float64))
    loss, opt = CrossEntropyLoss(), SGD(net.parameters(), lr=lr, momentum=0.9)
    curve = []
    for _ in range(steps):
        opt.zero_grad()
        curve.append(loss.forward(net.forward(X_sp), y_sp))
        net.backward(loss.backward())
        opt.step()
    return curve

t0 = time.perf_counter()
curves = {(a, name): train_deep(init, Act) for a, Act in [("tanh", Tanh), ("ReLU", ReLU)]
          for name, init in train_inits.items()}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, act_name in zip(axes, ["tanh", "ReLU"]):
    for name in train_inits:
        ax.plot(curves[act_name, name], label=name)
    ax.set_title(f"8 hidden {act_name} layers on the spiral")
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("training loss")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
for key, curve in curves.items():
    print(f"{key[0]:5s} {key[1]:20s} loss at step 0: {curve[0]:.4f}   after 150 steps: {curve[-1]:.4f}")
print(f"(6 training runs in {time.perf_counter() - t0:.1f} s)")
# the claims of the text below
assert all(abs(c - np.log(3)) < 1e-3 for a in ("tanh", "ReLU") for c in curves[a, "small: N(0, 0.01^2)"])
assert all(curves[a, "He normal"][-1] < 0.05 < curves[a, "Xavier normal"][-1] for a in ("tanh", "ReLU"))
assert all(curves[a, "Xavier normal"][-1] < 0.5 for a in ("tanh", "ReLU"))

# %% [markdown]
# * With **small** weights the loss sits at $\ln 3 \approx 1.0986$, the loss of a uniform guess among 3
#   classes, for all 150 steps (within $10^{-3}$): the gradients vanish before they reach the early
#   layers (section 6), so nothing moves.
# * **Xavier** learns, and ends between 0.05 and 0.5 after 150 steps in both panels.
# * **He** ends below 0.05 in both panels, the lowest of the three. In this deep and narrow network the
#   tanh network also prefers He's larger scale, as section 6 suggested.

# %% [markdown]
# ## 9. Try it: the scale of the weights
#
# Draw every weight from $N(0, s_w^2)$ with $s_w = \text{gain} / \sqrt{\text{fan\_in}}$: gain 1 is
# LeCun's (and Xavier's for square layers), $\sqrt{2} \approx 1.41$ is He's. Move the slider and watch
# both views of a 25-layer network of width 128 (batch of 200). Which gain keeps ReLU flat? Which
# keeps tanh flat, and how sensitive is each to a gain slightly off? (Without `ipywidgets` the cell
# draws the figure for three gains instead.)

# %%
X_sl = np.random.default_rng(5).standard_normal((200, 128))
dout_sl = np.random.default_rng(6).standard_normal((200, 128))

def scale_figure(gain, depth=25):
    from matplotlib.figure import Figure
    r = np.random.default_rng(0)
    Ws = [gain / np.sqrt(128) * r.standard_normal((128, 128)) for _ in range(depth)]
    fig = Figure(figsize=(10, 3.6))
    ax_f, ax_b = fig.subplots(1, 2, sharey=True)
    for act_name, (act, act_grad) in activations.items():
        H, dH = layer_signals(X_sl, Ws, act, act_grad, dout_sl)
        ax_f.plot(range(1, depth + 1), [max(h.std(), 1e-30) for h in H], marker=".", label=act_name)
        ax_b.plot(range(1, depth + 1), [max(g.std(), 1e-30) for g in dH], marker=".", label=act_name)
    ax_f.set_title(f"gain {gain:.2f}: forward, std of $H_l$")
    ax_b.set_title("backward, std of $\\partial L / \\partial H_{l-1}$")
    for ax in (ax_f, ax_b):
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.grid(alpha=0.3)
    ax_f.legend()
    fig.tight_layout()
    return fig

try:
    import ipywidgets as widgets
    from IPython.display import display

    slider = widgets.FloatSlider(value=1.0, min=0.25, max=3.0, step=0.05, description="gain",
                                 continuous_update=False)
    out = widgets.Output()

    def redraw(change=None):
        out.clear_output(wait=True)
        with out:
            display(scale_figure(slider.value))

    slider.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([slider, out]))
except ImportError:
    for gain in (1.0, np.sqrt(2), 2.0):
        display(scale_figure(gain))

# %% [markdown]
# ## 10. Beyond initialization: normalization and residual connections
#
# Good initialization sets the scale once, at step 0; training then changes the weights. Two ideas,
# which the seed texts present and every modern deep network uses, keep the signal healthy **during**
# training and make very deep networks trainable (ungraded, for your curiosity):
#
# * **Normalization layers** (batch normalization, 2015; layer normalization, 2016) re-standardize the
#   pre-activations inside the network: e.g. layer normalization subtracts each sample's mean over the
#   units and divides by its standard deviation, then applies a learned scale and shift. Whatever the
#   weights do, the next layer sees inputs of standard deviation about 1.
# * **Residual connections** (ResNet, 2015) compute $H_l = H_{l-1} + f(H_{l-1})$: each block adds a
#   correction to its input instead of replacing it. On the way back
#   $\partial\mathcal{L}/\partial H_{l-1} = \partial\mathcal{L}/\partial H_l + (\text{the branch's part})$:
#   the identity gives the gradient a path with no multiplications at all.
#
# The figure uses a deliberately bad initialization, $s_w = 0.2 / \sqrt{\text{fan\_in}}$, in a 50-layer
# ReLU network of width 128: plain, with a (parameter-free) layer normalization before each ReLU, and with
# residual connections around each ReLU layer.

# %%
def norm_rows(z):
    """Layer normalization without its learned scale and shift: each row to mean 0, std 1."""
    return (z - z.mean(axis=1, keepdims=True)) / (z.std(axis=1, keepdims=True) + 1e-5)

depth_r, width_r = 50, 128
r = np.random.default_rng(5)
Ws_r = [0.2 / np.sqrt(width_r) * r.standard_normal((width_r, width_r)) for _ in range(depth_r)]
X_r = np.random.default_rng(6).standard_normal((200, width_r))
dout_r = np.random.default_rng(7).standard_normal((200, width_r))

fwd_stds = {"plain": [], "layer norm": [], "residual": []}
for kind in fwd_stds:
    h = X_r
    for W in Ws_r:
        z = h @ W.T
        if kind == "plain":
            h = relu(z)
        elif kind == "layer norm":
            h = relu(norm_rows(z))
        else:
            h = h + relu(z)
        fwd_stds[kind].append(h.std())

# backward for the plain and the residual network (the normalization's backward pass is longer; skipped)
bwd_stds = {}
for kind in ("plain", "residual"):
    h, Zs = X_r, []
    for W in Ws_r:
        Zs.append(h @ W.T)
        h = relu(Zs[-1]) if kind == "plain" else h + relu(Zs[-1])
    g, stds = dout_r, []
    for W, z in zip(Ws_r[::-1], Zs[::-1]):
        branch = (g * (z > 0)) @ W
        g = branch if kind == "plain" else g + branch
        stds.append(g.std())
    bwd_stds[kind] = stds[::-1]

fig, (ax_f, ax_b) = plt.subplots(1, 2, figsize=(11, 3.8))
for kind, stds in fwd_stds.items():
    ax_f.plot(range(1, depth_r + 1), np.maximum(stds, 1e-300), label=kind)
for kind, stds in bwd_stds.items():
    ax_b.plot(range(1, depth_r + 1), np.maximum(stds, 1e-300), label=kind)
ax_f.set_title("forward: std of $H_l$")
ax_b.set_title("backward: std of $\\partial L / \\partial H_{l-1}$")
for ax in (ax_f, ax_b):
    ax.set_yscale("log")
    ax.set_xlabel("layer l")
    ax.grid(alpha=0.3)
    ax.legend()
plt.tight_layout()
plt.show()
print("std of H_50:", ", ".join(f"{k} {v[-1]:.3g}" for k, v in fwd_stds.items()))
print("std of the gradient at the input:", ", ".join(f"{k} {v[0]:.3g}" for k, v in bwd_stds.items()))
# the claims of the text below
assert fwd_stds["plain"][-1] < 1e-40 and bwd_stds["plain"][0] < 1e-40
assert 0.5 < fwd_stds["layer norm"][-1] < 0.7
assert 1 < fwd_stds["residual"][-1] < 20 and 1 < bwd_stds["residual"][0] < 20

# %% [markdown]
# The plain network's signal is below $10^{-40}$ at layer 50, and so is the gradient at its input. The
# normalized one keeps a standard deviation near 0.6 (a ReLU of standardized inputs) at every layer, whatever
# the weights. The residual one neither vanishes nor stays flat: each block adds a little, so the
# standard deviations grow slowly, to between 1 and 20 after 50 blocks in both directions. That is why real
# residual networks combine both ideas, a normalization inside every residual block, and why their
# branches are often initialized small (or their last layer at zero) so that each block starts close to
# the identity.

# %% [markdown]
# ## 11. In your own words
#
# (a) Why does He initialization use a variance of $2/\text{fan\_in}$ where Xavier uses
# $2/(\text{fan\_in} + \text{fan\_out})$, which is about $1/\text{fan\_in}$ for square layers?
# (b) Which would you choose for a deep tanh network and which for a deep ReLU network, and what
# do the table and the figure of section 6 show for the other choice, forward and backward?
# (c) Why is initializing every weight to zero a bad idea even though it is "perfectly balanced"?

# %% [markdown] explain id=explain_init_choice points=2
# (a) Both aim at keeping the variance of the signal constant from layer to layer:
# $\mathrm{Var}(z) = \text{fan\_in}\,s_w^2\,\mathbb{E}[h^2]$. Tanh is close to the identity around 0,
# so $\mathbb{E}[h^2] \approx \mathrm{Var}(z_{\text{prev}})$ and $s_w^2 = 1/\text{fan\_in}$ suffices
# (Xavier averages fan_in and fan_out to balance the forward pass, a sum over fan_in inputs, and the
# backward pass, a sum over fan_out outputs). ReLU sets half of the inputs to zero, so
# $\mathbb{E}[\mathrm{relu}(z)^2] = \mathrm{Var}(z)/2$: the weights must make up for that factor 1/2,
# hence $2/\text{fan\_in}$.
#
# (b) Xavier (or a gain a little above 1, such as PyTorch's 5/3) for tanh and sigmoid, He for ReLU and its
# relatives. He with tanh is too large by $\sqrt{2}$ for the linear regime, but tanh does not saturate
# because of it: the measured std is 0.72, 0.57 and 0.56 at layers 1, 5 and 25 with about 0.1% of the units
# beyond $\pm 0.99$, and the gradients stay of order 1 (tanh's contraction absorbs the extra scale; in the
# training run it even learned faster than Xavier). Xavier with ReLU halves the variance at every layer, so
# after 25 layers the activations have std about $10^{-4}$, and the gradient reaching the first layer is just as
# small: the early layers barely learn.
#
# (c) With identical weights every unit of a layer computes the same output and receives the same
# gradient, so they stay identical forever (the symmetry is never broken) and the layer has the power
# of a single unit; with exactly zero weights the gradients reaching earlier layers are even zero,
# so those layers do not learn at all.
