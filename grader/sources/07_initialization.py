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
# sigmoid) and **He/Kaiming** (for ReLU), and lets you measure their effect through 25 layers.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
from nnlib import Sequential, Linear, Tanh, CrossEntropyLoss, SGD, relu
import nnlib.init
from nnlib.data import moons

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
# $\sigma_w^2$, and independent inputs of mean 0 and variance $\sigma_x^2$. Each output is a sum of
# `fan_in` independent products, so variances add up:
#
# $$\mathrm{Var}(z_j) = \sum_{i=1}^{\text{fan\_in}} \mathrm{Var}(w_{ji} x_i) = \text{fan\_in}\;\sigma_w^2\,\sigma_x^2 .$$
#
# If $\text{fan\_in}\,\sigma_w^2 > 1$ the signal grows by that factor at every layer (explodes), if it
# is $< 1$ it shrinks (vanishes). Through $L$ layers the factor is raised to the power $L$.
#
# **Xavier/Glorot (2010)**, for activations that are roughly linear around 0 (tanh, sigmoid).
# The forward pass wants $\text{fan\_in}\,\sigma_w^2 = 1$, the backward pass (gradients flow through
# $W^\top$) wants $\text{fan\_out}\,\sigma_w^2 = 1$; the compromise is
#
# $$\sigma_w^2 = \frac{2}{\text{fan\_in} + \text{fan\_out}}, \qquad \text{std} = \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}} .$$
#
# A uniform distribution $U(-a, a)$ has variance $a^2 / 3$, so the same variance needs the bound
#
# $$a = \sqrt{3}\,\sigma_w = \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}} .$$
#
# **He/Kaiming (2015)**, for ReLU. ReLU zeroes the negative half of a symmetric input, so it keeps
# only half of the second moment: $\mathbb{E}[\mathrm{relu}(z)^2] = \tfrac12 \mathrm{Var}(z)$. To compensate,
# double the weight variance (using fan_in, the forward direction):
#
# $$\sigma_w^2 = \frac{2}{\text{fan\_in}}, \qquad \text{std} = \sqrt{\frac{2}{\text{fan\_in}}}, \qquad
#   a = \sqrt{3}\,\sigma_w = \sqrt{\frac{6}{\text{fan\_in}}} .$$
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
# `rng.random`), never from `np.random.*`: the same seed must give the same weights.
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
assert_shape(W, (5, 3), hint="the shape is (fan_out, fan_in): one row per output unit")
bound = np.sqrt(6 / (400 + 600))
W = np.asarray(call(xavier_uniform, 400, 600, np.random.default_rng(1)), dtype=float)
assert_shape(W, (600, 400), hint="(fan_out, fan_in)")
assert_true(np.abs(W).max() <= bound * (1 + 1e-6),
            hint=f"every entry must lie in [-a, a] with a = sqrt(6 / (fan_in + fan_out)) = {bound:.5f}")
### BEGIN HIDDEN TESTS
# the bound is (nearly) reached: the distribution spans all of [-a, a]
assert_true(np.abs(W).max() >= 0.99 * bound,
            hint=f"the largest |w| of 240,000 draws should be close to a = {bound:.5f}; got {np.abs(W).max():.5f}")
# mean ~ 0 and std = a / sqrt(3) = sqrt(2 / (fan_in + fan_out)), within 5%
assert_true(abs(W.mean()) < 0.05 * bound, hint="the weights should have mean 0 (symmetric around 0)")
std = np.sqrt(2 / (400 + 600))
assert_true(abs(W.std() / std - 1) < 0.05,
            hint=f"std of U(-a, a) is a / sqrt(3) = {std:.5f}; got {W.std():.5f}")
# both entries of the fan sum matter: swap the fans
W2 = np.asarray(call(xavier_uniform, 600, 400, np.random.default_rng(2)), dtype=float)
assert_shape(W2, (400, 600), hint="(fan_out, fan_in)")
assert_true(abs(W2.std() / std - 1) < 0.05 and np.abs(W2).max() <= bound * (1 + 1e-6),
            hint="Xavier uses fan_in + fan_out")
# randomness only from rng
A = np.asarray(call(xavier_uniform, 30, 20, np.random.default_rng(1)), dtype=float)
B = np.asarray(call(xavier_uniform, 30, 20, np.random.default_rng(1)), dtype=float)
C = np.asarray(call(xavier_uniform, 30, 20, np.random.default_rng(2)), dtype=float)
assert_true(np.array_equal(A, B), hint="the same seed must give the same weights: draw from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="different seeds must give different weights")
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
assert_shape(W, (5, 3), hint="the shape is (fan_out, fan_in)")
std = np.sqrt(2 / (400 + 600))
W = np.asarray(call(xavier_normal, 400, 600, np.random.default_rng(1)), dtype=float)
assert_shape(W, (600, 400), hint="(fan_out, fan_in)")
assert_true(abs(W.std() / std - 1) < 0.05,
            hint=f"std should be sqrt(2 / (fan_in + fan_out)) = {std:.5f}; got {W.std():.5f} "
                 "(rng.normal takes the standard deviation, not the variance)")
### BEGIN HIDDEN TESTS
assert_true(abs(W.mean()) < 0.05 * std, hint="mean 0")
# a normal distribution has tails: some |w| beyond 3 std in 240,000 draws (not a uniform)
assert_true(np.abs(W).max() > 3.5 * std, hint="draw from a normal distribution, not a uniform one")
W2 = np.asarray(call(xavier_normal, 600, 400, np.random.default_rng(3)), dtype=float)
assert_shape(W2, (400, 600), hint="(fan_out, fan_in)")
assert_true(abs(W2.std() / std - 1) < 0.05, hint="Xavier uses fan_in + fan_out")
# a different size: 50 x 2000
W3 = np.asarray(call(xavier_normal, 2000, 50, np.random.default_rng(4)), dtype=float)
assert_true(abs(W3.std() / np.sqrt(2 / 2050) - 1) < 0.05, hint="std = sqrt(2 / (fan_in + fan_out))")
A = np.asarray(call(xavier_normal, 30, 20, np.random.default_rng(1)), dtype=float)
B = np.asarray(call(xavier_normal, 30, 20, np.random.default_rng(1)), dtype=float)
C = np.asarray(call(xavier_normal, 30, 20, np.random.default_rng(2)), dtype=float)
assert_true(np.array_equal(A, B), hint="the same seed must give the same weights: draw from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="different seeds must give different weights")
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
assert_shape(W, (5, 3), hint="the shape is (fan_out, fan_in)")
bound = np.sqrt(6 / 400)
W = np.asarray(call(he_uniform, 400, 600, np.random.default_rng(1)), dtype=float)
assert_true(np.abs(W).max() <= bound * (1 + 1e-6),
            hint=f"every entry must lie in [-a, a] with a = sqrt(6 / fan_in) = {bound:.5f}")
### BEGIN HIDDEN TESTS
assert_shape(W, (600, 400), hint="(fan_out, fan_in)")
assert_true(np.abs(W).max() >= 0.99 * bound,
            hint=f"the largest |w| should be close to a = sqrt(6 / fan_in) = {bound:.5f}; got {np.abs(W).max():.5f}")
assert_true(abs(W.mean()) < 0.05 * bound, hint="mean 0")
assert_true(abs(W.std() / np.sqrt(2 / 400) - 1) < 0.05,
            hint="std of U(-a, a) is a / sqrt(3) = sqrt(2 / fan_in)")
# fan_in, not fan_out
W2 = np.asarray(call(he_uniform, 600, 400, np.random.default_rng(2)), dtype=float)
b2 = np.sqrt(6 / 600)
assert_shape(W2, (400, 600), hint="(fan_out, fan_in)")
assert_true(np.abs(W2).max() <= b2 * (1 + 1e-6) and np.abs(W2).max() >= 0.99 * b2,
            hint="He uses fan_in (the number of inputs), not fan_out")
A = np.asarray(call(he_uniform, 30, 20, np.random.default_rng(1)), dtype=float)
B = np.asarray(call(he_uniform, 30, 20, np.random.default_rng(1)), dtype=float)
C = np.asarray(call(he_uniform, 30, 20, np.random.default_rng(2)), dtype=float)
assert_true(np.array_equal(A, B), hint="the same seed must give the same weights: draw from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="different seeds must give different weights")
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
assert_shape(W, (5, 3), hint="the shape is (fan_out, fan_in)")
W = np.asarray(call(he_normal, 400, 600, np.random.default_rng(1)), dtype=float)
assert_true(abs(W.std() / np.sqrt(2 / 400) - 1) < 0.05,
            hint=f"std should be sqrt(2 / fan_in) = {np.sqrt(2 / 400):.5f}; got {W.std():.5f}")
### BEGIN HIDDEN TESTS
assert_shape(W, (600, 400), hint="(fan_out, fan_in)")
assert_true(abs(W.mean()) < 0.05 * np.sqrt(2 / 400), hint="mean 0")
assert_true(np.abs(W).max() > 3.5 * np.sqrt(2 / 400), hint="draw from a normal distribution, not a uniform one")
W2 = np.asarray(call(he_normal, 600, 400, np.random.default_rng(2)), dtype=float)
assert_shape(W2, (400, 600), hint="(fan_out, fan_in)")
assert_true(abs(W2.std() / np.sqrt(2 / 600) - 1) < 0.05,
            hint="He uses fan_in (the number of inputs), not fan_out")
W3 = np.asarray(call(he_normal, 50, 3000, np.random.default_rng(5)), dtype=float)
assert_true(abs(W3.std() / np.sqrt(2 / 50) - 1) < 0.05, hint="std = sqrt(2 / fan_in)")
A = np.asarray(call(he_normal, 30, 20, np.random.default_rng(1)), dtype=float)
B = np.asarray(call(he_normal, 30, 20, np.random.default_rng(1)), dtype=float)
C = np.asarray(call(he_normal, 30, 20, np.random.default_rng(2)), dtype=float)
assert_true(np.array_equal(A, B), hint="the same seed must give the same weights: draw from rng, not np.random")
assert_true(not np.array_equal(A, C), hint="different seeds must give different weights")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Watching the signal through a deep network
#
# ### Exercise 5: `activation_stds(X, weights, activation)`
#
# A bias-free network applies, for each weight matrix `W` of shape `(out, in)` in turn,
#
# $$h \leftarrow \mathrm{activation}(h\,W^\top), \qquad h_0 = X .$$
#
# Return a **list** with one number per layer: the standard deviation (`np.std`, over all entries)
# of that layer's activations $h$ after the activation function. The list has `len(weights)` entries;
# the input `X` itself is not included. `X`: `(N, in_features)`; `activation`: a function such as
# `np.tanh` or `relu`. Do not modify `X` or the weights.

# %% answer id=activation_stds
def activation_stds(X, weights, activation):
    """Standard deviation of every layer's activations in a bias-free network.

    X: (N, in_features); weights: list of arrays, weights[l] of shape (out_l, in_l);
    activation: elementwise function. Layer l computes h = activation(h @ weights[l].T).
    Returns a list of len(weights) floats: np.std of each layer's output h.
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
Ws = [np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), np.array([[1.0, -1.0, 0.5]])]
out = call(activation_stds, X, Ws, lambda z: z)
assert_true(len(out) == 2, hint="one standard deviation per weight matrix (the input X is not included)")
h1 = X @ Ws[0].T
h2 = h1 @ Ws[1].T
assert_close(np.asarray(out, dtype=float), [h1.std(), h2.std()], rtol=2e-3,
             hint="layer l computes h = activation(h @ W.T); record np.std(h) after each layer")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(11)
X = rng_t.normal(size=(200, 30))
sizes = [30, 40, 25, 25, 10]
Ws = [rng_t.normal(0.0, 1.5 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
for name, act in [("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0.0))]:
    before = snapshot(X, *Ws)
    out = call(activation_stds, X, Ws, act)
    assert_unchanged(before, [X, *Ws], what="activation_stds",
                     hint="do not write into X or the weights: h = activation(h @ W.T) creates new arrays")
    assert_true(len(out) == len(Ws), hint=f"expected {len(Ws)} standard deviations, one per layer, got {len(out)}")
    h = X
    expected = []
    for W in Ws:
        h = act(h @ W.T)
        expected.append(h.std())
    assert_close(np.asarray(out, dtype=float), expected, rtol=1e-3,
                 hint=f"with {name}: the std of each layer's OUTPUT (after the activation), feeding h forward; "
                      "weights are (out, in), so multiply by W.T")
# a single layer
out = call(activation_stds, X, Ws[:1], np.tanh)
assert_true(len(out) == 1, hint="one layer -> a list of one number")
assert_close(np.asarray(out, dtype=float), [np.tanh(X @ Ws[0].T).std()], rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# Now the experiment: 25 layers of width 256, 1000 random inputs, three ways to draw the
# weights, with tanh and with ReLU. The weights come from `nnlib.init` (the library twins of your
# four functions); the measurement is your `activation_stds`.

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
X_deep = np.random.default_rng(3).standard_normal((1000, 256))
try:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (act_name, act) in zip(axes, [("tanh", np.tanh), ("ReLU", relu)]):
        for name, init in schemes.items():
            stds = activation_stds(X_deep, deep_weights(init), act)
            ax.plot(range(1, len(stds) + 1), np.maximum(stds, 1e-30), marker=".", label=name)
        ax.set_yscale("log")
        ax.set_xlabel("layer")
        ax.set_title(f"{act_name} network")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("std of the activations (log scale)")
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    plt.close("all")
    print("implement activation_stds above to see this figure")

# %% [markdown]
# What the figure shows:
#
# * **small** weights: the signal shrinks by a constant factor per layer, about $0.01\sqrt{256} = 0.16$
#   with tanh and $0.01\sqrt{256/2} \approx 0.11$ with ReLU, and is around $10^{-20}$ after 25 layers.
#   The gradients vanish with it.
# * **large** weights: tanh saturates at $\pm 1$ (std near 1, but the derivative $1 - \tanh^2$ is almost 0
#   everywhere, so nothing learns); ReLU explodes by about $\sqrt{256/2} \approx 11$ per layer.
# * **Xavier** keeps tanh in its useful range (it still decays slowly, because tanh is
#   contractive); with ReLU it loses half the variance per layer.
# * **He** keeps ReLU activations at a constant scale through all 25 layers: that factor 2 is
#   exactly ReLU's halving.

# %% [markdown]
# ## 5. In your own words
#
# (a) Why does He initialization use a variance of $2/\text{fan\_in}$ where Xavier uses
# $2/(\text{fan\_in} + \text{fan\_out})$, which is about $1/\text{fan\_in}$ for square layers?
# (b) Which would you choose for a deep tanh network and which for a deep ReLU network, and what
# would the figure above look like with the other choice?
# (c) Why is initializing every weight to zero a bad idea even though it is "perfectly balanced"?

# %% [markdown] explain id=explain_init_choice points=2
# (a) Both aim at keeping the variance of the signal constant from layer to layer:
# $\mathrm{Var}(z) = \text{fan\_in}\,\sigma_w^2\,\mathbb{E}[h^2]$. Tanh is close to the identity around 0,
# so $\mathbb{E}[h^2] \approx \mathrm{Var}(z_{\text{prev}})$ and $\sigma_w^2 = 1/\text{fan\_in}$ suffices
# (Xavier averages fan_in and fan_out to balance the forward and backward passes). ReLU sets half of the
# inputs to zero, so $\mathbb{E}[\mathrm{relu}(z)^2] = \mathrm{Var}(z)/2$: the weights must make up for
# that factor 1/2, hence $2/\text{fan\_in}$.
#
# (b) Xavier for tanh (and sigmoid), He for ReLU (and its relatives). He with tanh makes the pre-activations
# twice as large, so units drift into saturation (std near 1, gradients near 0); Xavier with ReLU halves
# the variance at every layer, so after 25 layers the signal is about $2^{-12}$ of its start and the
# gradients vanish.
#
# (c) With identical weights every unit of a layer computes the same output and receives the same
# gradient, so they stay identical forever (the symmetry is never broken) and the layer has the power
# of a single unit; with exactly zero weights the gradients reaching earlier layers are even zero,
# so those layers do not learn at all.
