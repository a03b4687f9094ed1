# %% [markdown]
# # 05 · What one hidden layer can do, and what depth buys
#
# Lesson 02 ended with XOR, the function no single neuron can compute; lesson 04 showed that layers
# without activations collapse into one. This lesson puts the two together: **one hidden layer of ReLUs**
# computes XOR exactly, and, given enough units, approximates *any* continuous function (the universal
# approximation theorem). Then we see what the theorem does not say, and why depth can be exponentially
# more efficient than width.
#
# You will write: `xor_network`, `hat`, `fit_relu_network`, `tent`, `compose_tent`.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=05_universal_approximation` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/05_universal_approximation.ipynb`.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import (assert_close, assert_shape, assert_equal, assert_true, assert_float_array,
                           assert_unchanged, call, snapshot)
from nnlib import relu
from nnlib.widgets import fit_error

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. XOR with two ReLU units
#
# Take the network $\mathbf{h} = \text{relu}(W_1\mathbf{x} + \mathbf{b}_1)$, $y = W_2\mathbf{h} + b_2$ with two
# hidden units, applied to the batch of the four inputs (`X @ W1.T + b1`, lesson 03). One good choice:
# both hidden units compute $x_1 + x_2$, the second one shifted down by 1:
#
# | $x$ | $s = x_1 + x_2$ | $h_1 = \text{relu}(s)$ | $h_2 = \text{relu}(s - 1)$ | XOR |
# |---|---|---|---|---|
# | (0, 0) | 0 | 0 | 0 | 0 |
# | (0, 1) | 1 | 1 | 0 | 1 |
# | (1, 0) | 1 | 1 | 0 | 1 |
# | (1, 1) | 2 | 2 | 1 | 0 |
#
# Now find output weights $W_2 = (u_1, u_2)$ and $b_2$ so that $u_1 h_1 + u_2 h_2 + b_2$ is the last column
# **exactly**: one equation per row of the table. Check the row $(1, 1)$ carefully, it is the one
# that decides $u_2$.
#
# ### Exercise: `xor_network()`
#
# Return `(W1, b1, W2, b2)` as float arrays of shapes `(2, 2)`, `(2,)`, `(1, 2)`, `(1,)` such that
# `relu(X @ W1.T + b1) @ W2.T + b2` equals XOR **exactly** (no threshold afterwards) for the four rows of
# `X = [[0, 0], [0, 1], [1, 0], [1, 1]]`, giving an output of shape `(4, 1)`.

# %% answer id=xor_network
def xor_network():
    """Weights of a 2-2-1 ReLU network computing XOR exactly.

    Returns (W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,)) such that
    relu(X @ W1.T + b1) @ W2.T + b2 == XOR(X) for X in {0,1}^2, output (4, 1).
    """
    ### BEGIN SOLUTION
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0, -2.0]])
    b2 = np.array([0.0])
    return W1, b1, W2, b2
    ### END SOLUTION

# %% tests id=test_xor_network points=2
params = call(xor_network)
assert_true(isinstance(params, (tuple, list)) and len(params) == 4, hint="return (W1, b1, W2, b2)", what="xor_network()")
W1_x, b1_x, W2_x, b2_x = params
assert_shape(W1_x, (2, 2), hint="W1: (hidden, in) = (2, 2)", what="W1")
assert_shape(b1_x, (2,), hint="b1: (2,)", what="b1")
assert_shape(W2_x, (1, 2), hint="W2: (out, hidden) = (1, 2), a row, not (2,) or (2, 1)", what="W2")
assert_shape(b2_x, (1,), hint="b2: an array of shape (1,), not a plain number", what="b2")
X_x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
W1_x, b1_x, W2_x, b2_x = (np.asarray(p, dtype=float) for p in (W1_x, b1_x, W2_x, b2_x))
assert_true(bool(np.all(np.isfinite(np.concatenate([W1_x.ravel(), b1_x, W2_x.ravel(), b2_x])))),
            hint="all weights must be finite", what="xor_network's weights")
out = np.maximum(X_x @ W1_x.T + b1_x, 0.0) @ W2_x.T + b2_x
assert_shape(out, (4, 1), what="network output")
assert_close(out, [[0.0], [1.0], [1.0], [0.0]], rtol=0.0, atol=1e-12,
             hint="outputs must be exactly 0, 1, 1, 0 for (0,0), (0,1), (1,0), (1,1), with no threshold afterwards: "
                  "work out the hidden values h of each row (section 1's table) and the output u1 h1 + u2 h2 + b2",
             what="relu(X @ W1.T + b1) @ W2.T + b2")
### BEGIN HIDDEN TESTS
X_perm = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
out_p = np.maximum(X_perm @ W1_x.T + b1_x, 0.0) @ W2_x.T + b2_x
assert_close(out_p, [[0.0], [1.0], [0.0], [1.0], [0.0]], rtol=0.0, atol=1e-12, what="network on reordered inputs")
assert_true(bool(np.all(np.isfinite(np.concatenate([W1_x.ravel(), b1_x, W2_x.ravel(), b2_x])))),
            hint="all weights must be finite", what="xor_network's weights")
out_one = np.maximum(np.array([[1.0, 1.0]]) @ W1_x.T + b1_x, 0.0) @ W2_x.T + b2_x
assert_close(out_one, [[0.0]], rtol=0.0, atol=1e-12, hint="XOR(1, 1) = 0 exactly, also for a batch of one",
             what="network at (1, 1)")
### END HIDDEN TESTS

# %% [markdown]
# A warning about a version of this network that is copied around the web: it uses the same hidden
# weights (all ones) and output weights $(1, -2)$, but hidden biases $-0.5$ and $-1.5$ instead of $0$
# and $-1$. Then $h = (\text{relu}(s - 0.5), \text{relu}(s - 1.5))$, and the outputs for $(0,0), (0,1), (1,0), (1,1)$
# are $0, 0.5, 0.5, 0.5$: at $(1, 1)$, $h = (1.5, 0.5)$ and $1.5 - 2 \cdot 0.5 = 0.5$, not $0$. A threshold
# afterwards does **not** fix it: $(0, 1)$ and $(1, 1)$ give the same output $0.5$, so any threshold puts
# them on the same side (at best the network computes OR). The cell checks these numbers.

# %%
W1_web, b1_web = np.ones((2, 2)), np.array([-0.5, -1.5])
W2_web, b2_web = np.array([[1.0, -2.0]]), np.array([0.0])
X_web = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
out_web = relu(X_web @ W1_web.T + b1_web) @ W2_web.T + b2_web
print("web version's outputs for (0,0), (0,1), (1,0), (1,1):", out_web[:, 0])
assert np.allclose(out_web[:, 0], [0.0, 0.5, 0.5, 0.5]), "the text says 0, 0.5, 0.5, 0.5"
assert out_web[1, 0] == out_web[3, 0], "(0, 1) and (1, 1) coincide: no threshold can separate them"

# %% [markdown]
# Why does your network work? The hidden layer **moves the points**: in the hidden space $(h_1, h_2)$ the
# inputs $(0,1)$ and $(1,0)$ land on the same point, and the four inputs become separable by a line, which
# is all the output neuron can draw (lesson 02).

# %%
try:
    W1_d, b1_d, W2_d, b2_d = (np.asarray(p, dtype=float) for p in xor_network())
    X_d = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    H_d = relu(X_d @ W1_d.T + b1_d)
    colors = ["tab:blue", "tab:red", "tab:red", "tab:blue"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8))
    ax1.scatter(X_d[:, 0], X_d[:, 1], c=colors, s=150, edgecolors="k")
    ax1.set_title("input space: not linearly separable"); ax1.set_xlabel("$x_1$"); ax1.set_ylabel("$x_2$")
    ax2.scatter(H_d[:, 0], H_d[:, 1], c=colors, s=150, edgecolors="k")
    h_line = np.linspace(H_d[:, 0].min() - 0.5, H_d[:, 0].max() + 0.5, 10)
    if abs(W2_d[0, 1]) > 1e-12:   # the output's 0.5 level line: W2 h + b2 = 0.5
        ax2.plot(h_line, (0.5 - b2_d[0] - W2_d[0, 0] * h_line) / W2_d[0, 1], "k--", label="output = 0.5")
        ax2.legend()
    ax2.set_title("hidden space: one line separates them"); ax2.set_xlabel("$h_1$"); ax2.set_ylabel("$h_2$")
    for ax in (ax1, ax2):
        ax.set_xlim(-0.5, 2.5); ax.set_ylim(-0.5, 1.8)
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    print("implement xor_network above to see this")

# %% [markdown]
# ## 2. The universal approximation theorem
#
# **Theorem** (Cybenko 1989 for sigmoids; Hornik 1991; Leshno, Lin, Pinkus and Schocken 1993 for every
# continuous activation that is not a polynomial, ReLU included). For every continuous function $f$ on a
# closed bounded set $K \subset \mathbb{R}^d$ and every tolerance $\varepsilon > 0$ there is a network with
# **one hidden layer** whose output $g$ satisfies $|f(\mathbf{x}) - g(\mathbf{x})| < \varepsilon$ for all $\mathbf{x} \in K$.
#
# What it does **not** promise:
#
# * **Size.** The number of hidden units needed can be enormous: in general it grows exponentially with the
#   input dimension $d$ (and as $\varepsilon$ shrinks). Existence, not efficiency.
# * **Learning.** It says nothing about whether gradient descent (or anything else) will *find* those weights.
# * **Generalisation.** It is about approximating a known $f$ everywhere; from finitely many noisy samples,
#   a network that fits them can still be wrong between and beyond them.
# * **Outside $K$.** Nothing is claimed outside the set (ReLU networks extrapolate linearly).
#
# In one dimension the proof is something you can build yourself, with ReLUs.

# %% [markdown]
# ## 3. Hat functions from ReLUs
#
# A ReLU $\text{relu}(x - c)$ is a ramp that starts at $c$ with slope 1. A weighted sum of ramps is
# piecewise linear, and each ramp **changes the slope** by its weight at its start point. A triangular
# **hat** that rises from 0 at `left` to 1 at `peak` and falls back to 0 at `right` needs three slope changes:
#
# * at `left`: from 0 to $s_1 = 1 / (\text{peak} - \text{left})$;
# * at `peak`: from $s_1$ to $-s_2$, with $s_2 = 1 / (\text{right} - \text{peak})$, a change of $-(s_1 + s_2)$;
# * at `right`: from $-s_2$ back to 0, a change of $+s_2$ (forget this one and the hat goes negative forever).
#
# $$\text{hat}(x) = s_1\,\text{relu}(x - \text{left}) - (s_1 + s_2)\,\text{relu}(x - \text{peak}) + s_2\,\text{relu}(x - \text{right}).$$

# %%
x_plot = np.linspace(-1, 4, 501)
ramps = [(1.0, 0.0), (-2.0, 1.0), (1.0, 2.0)]        # (weight, start) of each ramp, symmetric hat on [0, 2]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
total = np.zeros_like(x_plot)
for weight, start in ramps:
    part = weight * relu(x_plot - start)
    total += part
    ax1.plot(x_plot, part, label=f"{weight:+g} relu(x - {start:g})")
ax1.set_ylim(-3, 3); ax1.legend(fontsize=8); ax1.set_title("three weighted ramps")
ax2.plot(x_plot, total, color="k")
ax2.set_title("their sum: a hat on [0, 2] with its peak at 1")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Exercise: `hat(x, left, peak, right)`
#
# `x`: float array of any shape; `left < peak < right` numbers (the hat need **not** be symmetric).
# Return a float array of the same shape: 0 outside `[left, right]`, 1 at `peak`, linear in between.
# Build it from ReLUs as above; do not modify `x`.

# %% answer id=hat
def hat(x, left, peak, right):
    """Triangular bump from three ReLUs: 0 outside [left, right], 1 at peak, linear between.

    x: any shape -> same shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    s1 = 1.0 / (peak - left)
    s2 = 1.0 / (right - peak)
    return (s1 * np.maximum(x - left, 0.0) - (s1 + s2) * np.maximum(x - peak, 0.0)
            + s2 * np.maximum(x - right, 0.0))
    ### END SOLUTION

# %% tests id=test_hat points=2
x_t = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
before = snapshot(x_t)
out = call(hat, x_t, 0.0, 1.0, 2.0)
assert_unchanged(before, [x_t], hint="hat must not change x")
assert_float_array(out)
assert_close(out, [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0], atol=1e-12,
             hint="0 outside [left, right], 1 at the peak, straight lines in between")
x_a = np.array([-0.5, 0.0, 1.5, 3.0, 50.0])
before = snapshot(x_a)
out_a = call(hat, x_a, -1.0, 0.0, 3.0)
assert_unchanged(before, [x_a], hint="hat must not change x (work on new arrays)")
assert_close(out_a, [0.5, 1.0, 0.5, 0.0, 0.0], atol=1e-12,
             hint="asymmetric hat on [-1, 3] with its peak at 0: it rises over 1 unit and falls over 3 "
                  "(two different slopes), and stays 0 far to the right (section 3: three slope changes)")
out_2d = call(hat, np.array([[0.25, 1.0], [1.75, 5.0]]), 0.0, 1.0, 2.0)
assert_shape(out_2d, (2, 2), hint="any shape: a 2-D x gives a 2-D result")
assert_close(out_2d, [[0.25, 1.0], [0.25, 0.0]], atol=1e-12)
### BEGIN HIDDEN TESTS
xa = np.array([-2.0, -1.0, -0.5, 0.0, 1.5, 3.0, 4.0, 100.0])
assert_close(call(hat, xa, -1.0, 0.0, 3.0), [0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0], atol=1e-12,
             hint="asymmetric hat on [-1, 3], peak at 0: expected 0.5 halfway up (x = -0.5) and halfway down "
                  "(x = 1.5), and 0 from x = 3 on, even at x = 100; rising over 1 unit and falling over 3 needs "
                  "two different slopes (section 3: three slope changes, one per ReLU)")
assert_close(call(hat, np.array([2.0, 2.25, 2.5, 3.25, 4.0, 1e4]), 2.0, 2.5, 4.0), [0.0, 0.5, 1.0, 0.5, 0.0, 0.0],
             atol=1e-9, hint="a hat that does not start at 0")
x2 = np.array([[0.25, 1.0], [1.75, 5.0]])
before = snapshot(x2)
out2 = call(hat, x2, 0.0, 1.0, 2.0)
assert_unchanged(before, [x2])
assert_shape(out2, (2, 2), hint="any shape: a 2-D x gives a 2-D result")
assert_close(out2, [[0.25, 1.0], [0.25, 0.0]], atol=1e-12)
xs = np.linspace(-3.0, 6.0, 901)
ref = np.interp(xs, [-3.0, 0.5, 1.0, 4.0, 6.0], [0.0, 0.0, 1.0, 0.0, 0.0])
assert_close(call(hat, xs, 0.5, 1.0, 4.0), ref, rtol=1e-9, atol=1e-12, hint="piecewise linear through (left, 0), (peak, 1), (right, 0)")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Any continuous function, one hidden layer
#
# Put knots $x_0 = a < x_1 < \dots < x_n = b$ at equal spacing $h = (b - a)/n$. The **piecewise-linear
# interpolant** of $f$ joins the points $(x_k, f(x_k))$ by straight lines. It is a one-hidden-layer ReLU
# network with $n$ units: start at $f(a)$ with slope $m_0$, and let unit $k$ (a ramp starting at $x_k$)
# change the slope from $m_{k-1}$ to $m_k$, where $m_k = (f(x_{k+1}) - f(x_k)) / h$ is the slope on piece $k$:
#
# $$g(x) = f(a) + m_0\,\text{relu}(x - x_0) + \sum_{k=1}^{n-1} (m_k - m_{k-1})\,\text{relu}(x - x_k), \qquad a \le x \le b.$$
#
# To write $g$ as the network `relu(x @ W1.T + b1) @ W2.T + b2` (inputs `x` of shape `(N, 1)`), read the
# parameters off the formula: which input weight and bias make hidden unit $k$'s pre-activation
# $x - x_k$? Which output weights and output bias turn the hidden values into the sum? For a smooth $f$
# the maximum error is at most
# $\frac{h^2}{8}\max|f''|$: doubling the number of units divides the error by 4. This is the universal
# approximation theorem in one dimension, with a construction instead of an existence proof.
#
# ### Exercise: `fit_relu_network(f, a, b, n_hidden)`
#
# * `f`: a function that maps a NumPy array to an array (like `np.sin`); `a < b`; `n_hidden >= 1`.
# * Return `(W1, b1, W2, b2)` with shapes **exactly** `(n_hidden, 1)`, `(n_hidden,)`, `(1, n_hidden)`, `(1,)`
#   such that `relu(x @ W1.T + b1) @ W2.T + b2` (for `x` of shape `(N, 1)` in `[a, b]`) interpolates `f` at the
#   `n_hidden + 1` equally spaced points `np.linspace(a, b, n_hidden + 1)` and is linear between them.
# * For `np.sin` on $[0, 2\pi]$ with 32 units the maximum error must be below $5 \times 10^{-3}$.

# %% answer id=fit_relu_network
def fit_relu_network(f, a, b, n_hidden):
    """One-hidden-layer ReLU network interpolating f at n_hidden + 1 equally spaced points of [a, b].

    Returns W1 (n_hidden, 1), b1 (n_hidden,), W2 (1, n_hidden), b2 (1,);
    the network is relu(x @ W1.T + b1) @ W2.T + b2 for x of shape (N, 1).
    """
    ### BEGIN SOLUTION
    knots = np.linspace(a, b, n_hidden + 1)
    values = np.asarray(f(knots), dtype=float)
    slopes = np.diff(values) / np.diff(knots)                 # slope of each of the n_hidden pieces
    W1 = np.ones((n_hidden, 1))
    b1 = -knots[:-1]
    W2 = np.concatenate([slopes[:1], np.diff(slopes)])[None, :]
    b2 = np.array([values[0]])
    return W1, b1, W2, b2
    ### END SOLUTION

# %% tests id=test_fit_relu_network points=3
def net_t(x, params):
    W1, b1, W2, b2 = (np.asarray(p, dtype=float) for p in params)
    return np.maximum(x @ W1.T + b1, 0.0) @ W2.T + b2

params = call(fit_relu_network, np.sin, 0.0, 2 * np.pi, 8)
assert_true(isinstance(params, (tuple, list)) and len(params) == 4, hint="return (W1, b1, W2, b2)", what="fit_relu_network")
for p, shape, name in zip(params, [(8, 1), (8,), (1, 8), (1,)], ["W1", "b1", "W2", "b2"]):
    assert_shape(p, shape, hint="shapes (n_hidden, 1), (n_hidden,), (1, n_hidden), (1,)", what=name)
    assert_float_array(np.asarray(p), what=name)
knots = np.linspace(0.0, 2 * np.pi, 9)
assert_close(net_t(knots[:, None], params), np.sin(knots)[:, None], rtol=1e-9, atol=1e-9,
             hint="expected f's values at the n_hidden + 1 = 9 equally spaced knots from a to b, both ends "
                  "included (section 4: one new slope per knot)",
             what="network at the knots")
x_dense = np.linspace(0.0, 2 * np.pi, 2001)[:, None]
err = float(np.max(np.abs(net_t(x_dense, call(fit_relu_network, np.sin, 0.0, 2 * np.pi, 32)) - np.sin(x_dense))))
assert_true(err < 5e-3, hint=f"with 32 units the max error on [0, 2 pi] should be below 5e-3, got {err:.3g}",
            what="approximation of sin")
sq_t = lambda x: x ** 2
p_t = call(fit_relu_network, sq_t, 1.0, 3.0, 4)
x_t = np.linspace(1.0, 3.0, 801)[:, None]
assert_close(net_t(x_t, p_t), np.interp(x_t[:, 0], [1.0, 1.5, 2.0, 2.5, 3.0], [1.0, 2.25, 4.0, 6.25, 9.0])[:, None],
             rtol=1e-9, atol=1e-9, hint="x**2 on [1, 3] with 4 units: the knots start at a = 1, not at 0; the network "
                                        "is f(a) at a and straight between the knots", what="fit of x**2 on [1, 3]")
p_1 = call(fit_relu_network, sq_t, 0.0, 1.0, 1)
assert_close(net_t(np.array([[0.0], [0.5], [1.0]]), p_1), [[0.0], [0.5], [1.0]], rtol=1e-9, atol=1e-12,
             hint="n_hidden = 1: one unit, the straight line from (a, f(a)) to (b, f(b))", what="fit with n_hidden = 1")
### BEGIN HIDDEN TESTS
lin = lambda x: 3.0 * x - 1.0
x_lin = np.linspace(-2.0, 1.0, 601)[:, None]
assert_close(net_t(x_lin, call(fit_relu_network, lin, -2.0, 1.0, 5)), lin(x_lin), rtol=1e-9, atol=1e-9,
             hint="a linear f is reproduced exactly on all of [a, b] (mind a != 0: the ramps start at the knots)",
             what="fit of 3x - 1 on [-2, 1]")
sq = lambda x: x ** 2
p_sq = call(fit_relu_network, sq, -1.0, 2.0, 6)
for p, shape, name in zip(p_sq, [(6, 1), (6,), (1, 6), (1,)], ["W1", "b1", "W2", "b2"]):
    assert_shape(p, shape, what=name)
    assert_float_array(np.asarray(p), what=name)
k_sq = np.linspace(-1.0, 2.0, 7)
assert_close(net_t(k_sq[:, None], p_sq), sq(k_sq)[:, None], rtol=1e-9, atol=1e-9,
             hint="x**2 on [-1, 2] with 6 units: expected f at the 7 equally spaced knots -1, -0.5, ..., 2, "
                  "both ends included (section 4)", what="fit of x**2 at the knots")
x_sq = np.linspace(-1.0, 2.0, 3001)[:, None]
ref_sq = np.interp(x_sq[:, 0], k_sq, sq(k_sq))[:, None]
assert_close(net_t(x_sq, p_sq), ref_sq, rtol=1e-9, atol=1e-9, hint="straight lines between the knots",
             what="fit of x**2 between the knots")
p_one = call(fit_relu_network, sq, 0.0, 1.0, 1)
for p, shape, name in zip(p_one, [(1, 1), (1,), (1, 1), (1,)], ["W1", "b1", "W2", "b2"]):
    assert_shape(p, shape, hint="n_hidden = 1: one unit, one linear piece", what=name)
assert_close(net_t(np.array([[0.0], [0.5], [1.0]]), p_one), [[0.0], [0.5], [1.0]], rtol=1e-9, atol=1e-12,
             hint="one unit: the straight line from (a, f(a)) to (b, f(b))", what="fit with n_hidden = 1")
x_cos = np.linspace(1.0, 4.0, 1501)[:, None]
err_cos = float(np.max(np.abs(net_t(x_cos, call(fit_relu_network, np.cos, 1.0, 4.0, 64)) - np.cos(x_cos))))
assert_true(err_cos < 3.0 ** 2 / 64 ** 2 / 8 + 1e-9, hint=f"cos on [1, 4] with 64 units: error {err_cos:.3g} too large",
            what="approximation of cos")
### END HIDDEN TESTS

# %% [markdown]
# The error falls like $1/n^2$: from 8 units on, each doubling of the units divides it by about 4 (with
# only 2 or 4 units the factor is irregular: it depends on where the few knots fall on the sine). The
# cell prints the factors and checks them, and that every error stays below the bound $h^2/8$. The figure uses
# `nnlib.widgets.fit_error`, which measures the library's copy of the same construction; the explorer
# after it draws **your** `fit_relu_network`: drag the slider to watch the fit improve unit by unit.

# %%
units = np.array([2, 4, 8, 16, 32, 64, 128])
errors = [fit_error(np.sin, 0.0, 2 * np.pi, n) for n in units]
fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.loglog(units, errors, "o-", label="max |sin - network| on [0, 2π]")
ax.loglog(units, (2 * np.pi / units) ** 2 / 8, "k--", lw=1, label="bound h²/8")
ax.set_xlabel("hidden units"); ax.set_ylabel("max error"); ax.legend(fontsize=8)
ax.set_title("one hidden layer: error ~ 1/n²")
plt.show()
factors = np.array(errors[:-1]) / np.array(errors[1:])
print("error divided by, per doubling of the units:", np.round(factors, 2))
assert np.all((factors[2:] > 3.5) & (factors[2:] < 4.5)), "the text says: about 4 per doubling from 8 units on"
assert np.all(np.array(errors) <= (2 * np.pi / units) ** 2 / 8 + 1e-12), "the text says: below h^2/8"

# %%
import ipywidgets as widgets

def draw_your_fit(n_hidden):
    """Your fit_relu_network on sin over [0, 2 pi], its knots and its maximum error."""
    try:
        W1_f, b1_f, W2_f, b2_f = (np.asarray(p, dtype=float) for p in fit_relu_network(np.sin, 0.0, 2 * np.pi, n_hidden))
    except NotImplementedError:
        print("implement fit_relu_network above to see your fit here")
        return
    x_f = np.linspace(0.0, 2 * np.pi, 1001)[:, None]
    y_f = (relu(x_f @ W1_f.T + b1_f) @ W2_f.T + b2_f)[:, 0]
    knots_f = np.linspace(0.0, 2 * np.pi, n_hidden + 1)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(x_f[:, 0], np.sin(x_f[:, 0]), color="0.5", lw=3, label="sin")
    ax.plot(x_f[:, 0], y_f, color="tab:red", lw=1.5, label=f"your network, {n_hidden} units")
    ax.plot(knots_f, np.sin(knots_f), "k.", ms=6, label="knots")
    ax.set_title(f"your fit_relu_network: max error {np.max(np.abs(y_f - np.sin(x_f[:, 0]))):.3g}")
    ax.legend(loc="best", fontsize=8)
    plt.show()

try:
    fit_relu_network(np.sin, 0.0, 2 * np.pi, 4)
    widgets.interact(draw_your_fit, n_hidden=widgets.IntSlider(value=4, min=1, max=64, description="hidden units",
                                                               continuous_update=False))
except NotImplementedError:
    print("implement fit_relu_network above to explore your fit with a slider")

# %% [markdown]
# ## 5. Depth versus width
#
# A one-hidden-layer ReLU network on a line with $n$ units is piecewise linear with **at most $n + 1$
# pieces** (each unit adds one kink). Depth does better. The **tent map** on $[0, 1]$,
#
# $$T(x) = \begin{cases} 2x & x \le \tfrac12 \\ 2 - 2x & x > \tfrac12 \end{cases} \quad (0 \le x \le 1),$$
#
# needs only two ReLUs (section 3's idea: a ramp for the rising slope, and a second ramp where the slope
# changes, weighted by the size of that change) and maps $[0, 1]$ onto itself, up and back down. Composing it, $T \circ T$ goes up and
# down twice, $T^{\circ 3}$ four times: **$T^{\circ d}$ has $2^d$ linear pieces from only $2d$ units** in $d$
# layers. A one-hidden-layer network needs at least $2^d - 1$ units for the same function
# (Telgarsky, 2016, turned this into a proof that some deep networks cannot be approximated by
# shallow ones without exponentially many units).
#
# ### Exercises: `tent(x)` and `compose_tent(x, depth)`
#
# * `tent(x)`: `x` a float array of any shape with values in $[0, 1]$; return $T(x)$, built from two ReLUs,
#   same shape, float. Do not modify `x`.
# * `compose_tent(x, depth)`: apply $T$ `depth` times (`depth >= 1`), e.g. `compose_tent(x, 2)` is `T(T(x))`.
#   You may call your `tent`.
#
# Both are only defined (and tested) on $[0, 1]$.

# %% answer id=tent
def tent(x):
    """Tent map on [0, 1] from two ReLUs: 2x up to 1/2, 2 - 2x after. x: any shape -> same shape."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return 2.0 * np.maximum(x, 0.0) - 4.0 * np.maximum(x - 0.5, 0.0)
    ### END SOLUTION

# %% tests id=test_tent points=1
x_t = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
before = snapshot(x_t)
out = call(tent, x_t)
assert_unchanged(before, [x_t], hint="tent must not change x")
assert_float_array(out)
assert_close(out, [0.0, 0.5, 1.0, 0.5, 0.0], atol=1e-12,
             hint="up with slope 2 from (0, 0) to (1/2, 1), then down with slope -2 to (1, 0): at 1/2 the slope "
                  "changes by -4 (section 3)")
out_2d = call(tent, np.array([[0.1, 0.4], [0.6, 0.9]]))
assert_shape(out_2d, (2, 2), hint="any shape: a 2-D x gives a 2-D result")
assert_close(out_2d, [[0.2, 0.8], [0.8, 0.2]], atol=1e-12)
### BEGIN HIDDEN TESTS
xs = np.linspace(0.0, 1.0, 1025)
assert_close(call(tent, xs), np.where(xs <= 0.5, 2 * xs, 2 - 2 * xs), rtol=1e-12, atol=1e-12,
             hint="up with slope 2 to (1/2, 1), down with slope -2 to (1, 0)")
x2 = np.array([[0.1, 0.4], [0.6, 0.9]])
before = snapshot(x2)
out2 = call(tent, x2)
assert_unchanged(before, [x2])
assert_shape(out2, (2, 2), hint="any shape")
assert_close(out2, [[0.2, 0.8], [0.8, 0.2]], atol=1e-12)
### END HIDDEN TESTS

# %% answer id=compose_tent
def compose_tent(x, depth):
    """The tent map applied `depth` times (depth >= 1) on [0, 1]: 2**depth linear pieces.

    x: any shape with values in [0, 1] -> same shape.
    """
    ### BEGIN SOLUTION
    y = np.asarray(x, dtype=float)
    for _ in range(depth):
        y = 2.0 * np.maximum(y, 0.0) - 4.0 * np.maximum(y - 0.5, 0.0)
    return y
    ### END SOLUTION

# %% tests id=test_compose_tent points=2
def pieces_t(values, grid):
    """Number of linear pieces of a function sampled on a fine dyadic grid (slope changes + 1)."""
    slopes = np.diff(np.asarray(values, dtype=float)) / np.diff(grid)
    return int(np.sum(np.abs(np.diff(slopes)) > 1e-6)) + 1

x_t = np.array([0.0, 0.125, 0.25, 0.375, 0.5, 0.75, 1.0])
before = snapshot(x_t)
out = call(compose_tent, x_t, 2)
assert_unchanged(before, [x_t], hint="compose_tent must not change x")
assert_float_array(out)
assert_close(out, [0.0, 0.5, 1.0, 0.5, 0.0, 1.0, 0.0], atol=1e-12, hint="depth 2 is T(T(x)): up and down twice")
assert_close(call(compose_tent, np.array([0.25, 0.5, 0.75]), 1), [0.5, 1.0, 0.5], atol=1e-12,
             hint="depth 1 is the tent map itself, applied once")
grid_t = np.linspace(0.0, 1.0, 2 ** 10 + 1)
assert_equal(pieces_t(call(compose_tent, grid_t, 3), grid_t), 8, hint="depth 3 has 2**3 = 8 linear pieces",
             what="number of linear pieces of compose_tent(x, 3)")
out_2d = call(compose_tent, np.array([[0.1, 0.3], [0.7, 0.95]]), 2)
assert_shape(out_2d, (2, 2), hint="any shape: a 2-D x gives a 2-D result")
assert_close(out_2d, [[0.4, 0.8], [0.8, 0.2]], atol=1e-12)
### BEGIN HIDDEN TESTS
for d in range(1, 7):
    y_ref = grid_t.copy()
    for _ in range(d):
        y_ref = np.where(y_ref <= 0.5, 2 * y_ref, 2 - 2 * y_ref)
    y_d = call(compose_tent, grid_t, d)
    assert_close(y_d, y_ref, rtol=1e-9, atol=1e-9, hint=f"depth {d}: apply the tent map exactly {d} times",
                 what=f"compose_tent(x, {d})")
    assert_equal(pieces_t(y_d, grid_t), 2 ** d, hint=f"depth {d} has 2**{d} linear pieces",
                 what=f"number of linear pieces at depth {d}")
x2 = np.array([[0.1, 0.3], [0.7, 0.95]])
before = snapshot(x2)
out2 = call(compose_tent, x2, 3)
assert_unchanged(before, [x2], hint="do not modify x")
assert_shape(out2, (2, 2), hint="any shape")
ref2 = x2.copy()
for _ in range(3):
    ref2 = np.where(ref2 <= 0.5, 2 * ref2, 2 - 2 * ref2)
assert_close(out2, ref2, rtol=1e-9, atol=1e-12)
### END HIDDEN TESTS

# %%
try:
    x_fine = np.linspace(0.0, 1.0, 2 ** 10 + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
    for d in range(1, 5):
        ax1.plot(x_fine, compose_tent(x_fine, d) + 1.2 * (d - 1), label=f"depth {d}: {2 ** d} pieces, {2 * d} units")
    ax1.set_ylim(-0.1, 5.9)
    ax1.set_yticks([]); ax1.legend(fontsize=7, loc="upper center", ncol=2); ax1.set_title("tent map composed d times (shifted up)")
    units_deep = np.arange(2, 21, 2)
    ax2.semilogy(units_deep, 2.0 ** (units_deep / 2), "o-", label="deep: 2 units per layer, 2^(units/2) pieces")
    ax2.semilogy(units_deep, units_deep + 1.0, "s-", label="one hidden layer: at most units + 1 pieces")
    ax2.set_xlabel("ReLU units"); ax2.set_ylabel("linear pieces"); ax2.legend(fontsize=8)
    ax2.set_title("depth buys pieces exponentially")
    fig.tight_layout()
    plt.show()
    counted = [pieces_t(compose_tent(x_fine, d), x_fine) for d in range(1, 5)]
    print("linear pieces of your compose_tent at depth 1..4:", counted)
    assert counted == [2, 4, 8, 16], "the legend says 2**d pieces at depth d: check compose_tent against its test"
except NotImplementedError:
    plt.close("all")
    print("implement tent and compose_tent above to see this")

# %% [markdown]
# ## 6. In your own words
#
# **Question.** The universal approximation theorem says one hidden layer is enough to approximate any
# continuous function. Give two reasons why practitioners still use deep networks, and one thing the
# theorem does not guarantee even for a one-hidden-layer network that is wide enough.

# %% [markdown] explain id=explain_depth points=3
# First, efficiency: the theorem only says a wide enough layer exists, and the width needed can be
# exponential (in the input dimension, or in the complexity of the function). Depth can be exponentially
# cheaper: the composed tent map has $2^d$ linear pieces with only $2d$ ReLU units, while one hidden layer
# needs about $2^d$ units for the same function. Second, deep networks build features hierarchically
# (edges, then shapes, then objects), reuse them, and in practice they train well with gradient descent
# and generalise better for the same number of parameters.
# What the theorem does not guarantee: that training (gradient descent on data) will find the
# approximating weights, that the network generalises from a finite, noisy sample to new inputs, or
# anything about its behaviour outside the bounded set where the approximation holds; nor does it say how
# many units are needed.

# %% [markdown]
# ## Summary
#
# * A 2-2-1 ReLU network computes XOR exactly: the hidden layer makes the classes linearly separable.
# * One hidden layer of ReLUs can approximate any continuous function on a bounded set (1-D: hats and
#   piecewise-linear interpolation, error $\sim h^2$), but the theorem promises nothing about size, training or generalisation.
# * Depth composes: $2d$ units in $d$ layers make $2^d$ linear pieces; one layer would need about $2^d$ units.
