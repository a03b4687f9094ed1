# %% [markdown]
# # 09 · Training: gradient descent that generalises
#
# Lesson 08 gave us the gradient of the loss with respect to every weight. Training is the loop
#
# $$\theta \leftarrow \theta - \eta\, \nabla_\theta L(\theta)$$
#
# repeated thousands of times: step downhill, a little at a time. This lesson is about doing that
# loop well:
#
# 1. the **learning rate** $\eta$: too small, right, too large;
# 2. **minibatches** and stochastic gradient descent (SGD);
# 3. better steps: **momentum** and **Adam**;
# 4. measuring honestly: **train / validation / test** splits, accuracy, **overfitting** and **early stopping**;
# 5. **regularisation**: weight decay and dropout, from scratch;
# 6. a **checklist** of sanity checks to run before any long training;
# 7. putting it all together on the spiral data set.
#
# Every number the text quotes about a figure is printed by the cell that draws it, and checked there
# with an `assert`: if you change a cell and a claim no longer holds, the cell tells you.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=09_training` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/09_training.ipynb`.

# %% readonly id=setup
import copy
import time

import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from threadpoolctl import threadpool_limits

# One BLAS thread: for these small matrices it is as fast as several, it cannot be slowed down by
# other programs competing for the cores, and it makes every number in this lesson reproducible.
_ = threadpool_limits(limits=1)

from nnlib.testing import (assert_close, assert_shape, assert_equal, assert_true, assert_float_array,
                           assert_unchanged, assert_raises, as_floats, call, snapshot)
import nnlib
from nnlib import Sequential, Linear, ReLU, CrossEntropyLoss, SGD, Adam
from nnlib.modules import Module
from nnlib.data import spiral
from nnlib.plot import decision_boundary

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Gradient descent and the learning rate
#
# Take the simplest landscape with a valley that is steeper in one direction than in the other,
#
# $$f(w_1, w_2) = \tfrac12\,(w_1^2 + 10\, w_2^2), \qquad \nabla f = (w_1,\ 10\, w_2).$$
#
# One gradient step multiplies $w_1$ by $(1 - \eta)$ and $w_2$ by $(1 - 10\eta)$. Along $w_2$ the step
# overshoots when $10\eta > 1$ (the iterates flip sign) and **diverges** when $|1 - 10\eta| > 1$, i.e.
# $\eta > 0.2 = 2 / \text{curvature}$. Along $w_1$ a small $\eta$ means painfully slow progress. The largest
# curvature sets the speed limit, the smallest curvature sets how long the trip takes.

# %%
def f_quad(w):
    return 0.5 * (w[0] ** 2 + 10 * w[1] ** 2)

def grad_quad(w):
    return np.array([w[0], 10 * w[1]])

def gradient_descent(lr, steps=30, start=(-4.0, 1.5)):
    w = np.array(start)
    path = [w.copy()]
    for _ in range(steps):
        w = w - lr * grad_quad(w)
        path.append(w.copy())
    return np.array(path)

def draw_descent(lrs_colors, axes, steps=30):
    """Paths on the contour plot (left) and loss per step (right) for each (lr, color)."""
    g1, g2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2.5, 2.5, 200))
    axes[0].contour(g1, g2, f_quad(np.array([g1, g2])), levels=20, cmap="Greys", linewidths=0.7)
    for lr, color in lrs_colors:
        path = gradient_descent(lr, steps)
        axes[0].plot(path[:, 0], path[:, 1], ".-", color=color, label=f"lr = {lr:.3g}")
        axes[1].semilogy([f_quad(w) for w in path], ".-", color=color, label=f"lr = {lr:.3g}")
    axes[0].set_xlim(-5, 5)
    axes[0].set_ylim(-2.5, 2.5)
    axes[0].set_title(f"{steps} steps of gradient descent")
    axes[0].legend()
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("f(w) (log scale)")
    axes[1].set_title("loss per step")
    axes[1].legend()

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
draw_descent([(0.02, "tab:blue"), (0.15, "tab:green"), (0.205, "tab:red")], axes)
plt.tight_layout()
plt.show()

# the claims of the next paragraph, printed and checked
f_start = f_quad(np.array([-4.0, 1.5]))
final = {lr: f_quad(gradient_descent(lr)[-1]) for lr in (0.02, 0.15, 0.205)}
w2_green = gradient_descent(0.15)[:, 1]
print(f"f at the start {f_start:.2f}; after 30 steps: " + ", ".join(f"lr {lr}: {v:.3g}" for lr, v in final.items()))
print(f"lr 0.15: w2 changes sign at {np.sum(np.diff(np.sign(w2_green)) != 0)} of 30 steps")
assert final[0.02] > 0.1 * f_start      # blue: still far from the minimum after 30 steps
assert final[0.15] < 1e-3 * f_start     # green: arrives
assert np.all(np.diff(np.sign(w2_green)) != 0)   # green: zig-zags across the valley at every step
assert final[0.205] > f_start           # red: further out than where it started

# %% [markdown]
# Blue crawls (after 30 steps $f$ is still over a tenth of where it started), green zig-zags across the valley
# ($w_2$ changes sign at every step) but arrives, red (just above 0.2) bounces further out at every step and ends
# above its starting loss. In practice one tries learning rates on a log scale (0.3, 0.1, 0.03, ...) and keeps the
# largest one that still decreases the loss steadily.
#
# Try it yourself: the slider below redraws the same figure for one learning rate between 0.001 and 0.25 (log
# scale). Watch for the three regimes: smooth crawl ($\eta < 0.1$), zig-zag ($0.1 < \eta < 0.2$), divergence
# ($\eta > 0.2$).

# %%
try:
    import ipywidgets as widgets
except ImportError:  # the lesson works without widgets: the figure above shows three learning rates
    widgets = None

def lr_explorer(lr=0.15):
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    draw_descent([(lr, "tab:purple")], axes)
    factor = abs(1 - 10 * lr)
    regime = "diverges" if factor > 1 else ("zig-zags" if 10 * lr > 1 else "no overshoot")
    axes[1].set_title(f"|1 - 10 lr| = {factor:.2f} per step along w2: {regime}")
    plt.tight_layout()
    plt.show()

if widgets is None:
    print("ipywidgets is not installed: the static figure above shows lr = 0.02, 0.15 and 0.205.")
else:
    lr_slider = widgets.FloatLogSlider(value=0.15, base=10, min=-3, max=np.log10(0.25), step=0.02,
                                       description="lr", readout_format=".3f", continuous_update=False)
    widgets.interact(lr_explorer, lr=lr_slider)
    print("(If you see a line of text instead of a slider, this Jupyter has no widget support; "
          "the static figure above shows lr = 0.02, 0.15 and 0.205.)")

# %% [markdown]
# ## 2. Updating parameters in place
#
# A network's weights live inside its layers; the optimizer receives a **list of those very arrays**
# and must change them **in place**, so that the network sees the new values:
#
# ```python
# a -= 0.5 * b          # in place: the array object `a` names is changed
# a[...] = a - 0.5 * b  # in place too: writes into the existing array
# a = a - 0.5 * b       # NOT in place: makes a new array and rebinds the name; the layer never sees it
# arrays[i] = ...       # NOT in place either: replaces the list entry, not the layer's array
# ```
#
# "In place" in this lesson means: the very array objects passed in (each parameter, and each state array of
# the optimizers below) hold the new values afterwards. Rebinding a list entry to a new array is not in place.
#
# ### Exercise 1: `sgd_update(params, grads, lr)`
# `params` and `grads` are lists of arrays (same shapes, pairwise). Update every parameter in place:
# $p \leftarrow p - \eta\, g$. Return nothing (`None`); do not modify the gradients.

# %% answer id=sgd_update
def sgd_update(params, grads, lr):
    """Plain gradient descent step, IN PLACE.

    params: list of float arrays (updated in place); grads: list of arrays, same shapes.
    For every pair: p -= lr * g. Returns None.
    """
    ### BEGIN SOLUTION
    for p, g in zip(params, grads):
        p -= lr * g
    ### END SOLUTION

# %% tests id=test_sgd_update points=1
W = np.array([[1.0, 2.0], [3.0, 4.0]])
b = np.array([0.5, -0.5])
params = [W, b]
grads = [np.ones((2, 2)), np.array([1.0, -1.0])]
before = snapshot(*grads)
call(sgd_update, params, grads, 0.1)
assert_close(W, [[0.9, 1.9], [2.9, 3.9]], what="W (the array object you were given) after the update",
             hint="the layer keeps THIS array: write the new values into it (section 2); rebinding a name or "
                  "a list entry to a new array leaves it unchanged")
assert_close(b, [0.4, -0.4], what="b after the update", hint="every parameter in the list is updated")
assert_true(params[0] is W and params[1] is b, what="the list entries",
            hint="keep the same array objects in the list: update them, do not replace them")
assert_unchanged(before, grads, what="sgd_update", hint="only the parameters change; the gradients stay as they were")
### BEGIN HIDDEN TESTS
# the same objects, several steps, non-square, gradients untouched
rng_t = np.random.default_rng(1)
P = [rng_t.normal(size=(3, 2)), rng_t.normal(size=4), rng_t.normal(size=(1, 5))]
ids = [id(p) for p in P]
ref = [p.copy() for p in P]
for step in range(3):
    G = [rng_t.normal(size=p.shape) for p in P]
    before = snapshot(*G)
    call(sgd_update, P, G, 0.05)
    assert_unchanged(before, G, what="sgd_update", hint="do not modify the gradients")
    ref = [r - 0.05 * g for r, g in zip(ref, G)]
assert_true([id(p) for p in P] == ids, hint="keep the same array objects in the list: update them in place, do not replace them")
for i in range(3):
    assert_close(P[i], ref[i], rtol=1e-9, what=f"params[{i}] after 3 steps", hint="the update rule of section 2, for every parameter")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Minibatches and stochastic gradient descent
#
# The loss is a mean over the whole training set, and so is its gradient. Computing it exactly for a
# million images before every step is wasteful: a random **minibatch** of, say, 64 samples gives an unbiased,
# slightly noisy estimate at a tiny fraction of the cost. One **epoch** is one pass over the training set in
# minibatches: shuffle the sample order, cut it into consecutive chunks of `batch_size`, and step after each
# chunk. The noise is even useful: it helps the optimizer leave flat regions and sharp, poorly generalising minima.
#
# Shuffle **indices**, not the data itself: one random permutation of the sample indices, drawn from `rng`, then
# index `X` and `y` with the same chunk of it, so that every sample keeps its label.
#
# ### Exercise 2: `minibatches(X, y, batch_size, rng)`
# `X` `(N, ...)` (any number of further axes), `y` `(N, ...)`. Return (or `yield`) a sequence of
# `(X_batch, y_batch)` pairs that visits every sample **exactly once**, in a random order drawn from `rng` (and
# only from `rng`: the same generator state gives the same order), in batches of `batch_size` rows; the last batch
# holds the remaining `N % batch_size` samples when `N` is not a multiple (do not drop it). Do not shuffle `X` or
# `y` in place.

# %% answer id=minibatches
def minibatches(X, y, batch_size, rng):
    """Shuffled minibatches for one epoch.

    X: (N, ...); y: (N, ...); batch_size: int; rng: np.random.Generator.
    Yields (X_batch, y_batch) pairs covering every sample exactly once in a random order;
    all batches have batch_size rows except possibly the last one.
    """
    ### BEGIN SOLUTION
    perm = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = perm[start:start + batch_size]
        yield X[idx], y[idx]
    ### END SOLUTION

# %% tests id=test_minibatches points=2
X = np.arange(60.0).reshape(10, 3, 2)   # 10 samples, each a 3x2 array: X may have further axes
y = np.arange(10)
before = snapshot(X, y)
batches = list(call(minibatches, X, y, 4, np.random.default_rng(0)))
assert_unchanged(before, [X, y], what="minibatches",
                 hint="X and y must stay as they were: shuffle a list of indices, not the data")
assert_equal([len(yb) for _, yb in batches], [4, 4, 2],
             hint="batches of batch_size, the last one with the remaining samples (do not drop it)")
seen = np.concatenate([np.asarray(yb) for _, yb in batches])
assert_equal(sorted(seen.tolist()), list(range(10)), hint="every sample exactly once per pass (no repeats, none left out)")
assert_true(not np.array_equal(seen, np.arange(10)), what="the order of the samples",
            hint="the samples came back in their original order: shuffle the order with rng")
for xb, yb in batches:
    assert_shape(xb, (len(yb), 3, 2), what="an X batch", hint="index the first axis of X only; keep the others")
    assert_close(xb, X[np.asarray(yb)], what="an X batch",
                 hint="X_batch and y_batch must stay aligned: take both with the same indices")
again = np.concatenate([np.asarray(yb) for _, yb in call(minibatches, X, y, 4, np.random.default_rng(0))])
assert_true(np.array_equal(seen, again), what="two epochs from generators with the same seed",
            hint="draw the order from the rng argument (not np.random): the same generator state gives the same order")
### BEGIN HIDDEN TESTS
n = 1000
X = np.stack([np.arange(n, dtype=float), -np.arange(n, dtype=float)], axis=1)
y = np.arange(n)
before = snapshot(X, y)
batches = list(call(minibatches, X, y, 64, np.random.default_rng(1)))
assert_unchanged(before, [X, y], what="minibatches", hint="shuffle indices, not X and y in place")
sizes = [len(np.asarray(yb)) for _, yb in batches]
assert_equal(sizes, [64] * 15 + [40], hint="15 full batches of 64 and a last one of 40")
order = np.concatenate([np.asarray(yb) for _, yb in batches])
assert_equal(sorted(order.tolist()), list(range(n)), hint="each sample exactly once (a permutation, not sampling with replacement)")
assert_true(not np.array_equal(order, np.arange(n)), hint="shuffle the order with rng")
assert_true(np.mean(order[:500]) < 600 and np.mean(order[:500]) > 400, hint="the order should be a random permutation")
for xb, yb in batches:
    assert_close(np.asarray(xb)[:, 0], np.asarray(yb), hint="X_batch row i must belong to y_batch[i]")
# the order comes from rng: same seed, same order; another seed, another order
order2 = np.concatenate([np.asarray(yb) for _, yb in call(minibatches, X, y, 64, np.random.default_rng(1))])
order3 = np.concatenate([np.asarray(yb) for _, yb in call(minibatches, X, y, 64, np.random.default_rng(2))])
assert_true(np.array_equal(order, order2), hint="draw the permutation from rng, not np.random")
assert_true(not np.array_equal(order, order3), hint="different rngs should give different orders")
# batch_size larger than n: one batch; 2-D labels and 3-D X
Xs = np.arange(24.0).reshape(3, 4, 2)
ys = np.arange(6.0).reshape(3, 2)
b = list(call(minibatches, Xs, ys, 10, np.random.default_rng(0)))
assert_equal(len(b), 1, hint="batch_size >= N gives a single batch")
assert_shape(b[0][0], (3, 4, 2))
assert_shape(b[0][1], (3, 2))
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Better steps: momentum and Adam
#
# **Momentum** keeps a running velocity $v$ (one array per parameter, initially zero) and steps along it:
#
# $$v \leftarrow \beta\, v + g, \qquad p \leftarrow p - \eta\, v \qquad (\beta = 0.9 \text{ typically}).$$
#
# In the zig-zag valley above, the alternating components of $g$ cancel in $v$ while the consistent
# component accumulates (up to $1/(1-\beta) = 10\times$): faster along the valley, calmer across it.
# (This is PyTorch's form; some texts write $v \leftarrow \beta v + (1 - \beta) g$, a rescaled learning rate.)
#
# **Adam** keeps two running averages per parameter, of the gradient and of its square, and divides one by the
# square root of the other: every parameter gets its own step size. With step counter $t = 1, 2, 3, \dots$:
#
# $$m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2,$$
# $$\hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
#   p \leftarrow p - \eta\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# $m$ and $v$ start at zero, so early on they are biased towards zero; dividing by $1 - \beta^t$ (the
# **bias correction**) undoes exactly that. At $t = 1$: $\hat m = g$, $\hat v = g^2$, and the first step is
# $\eta\,\mathrm{sign}(g)$ for every parameter (up to $\varepsilon$). $\varepsilon$ also keeps a zero gradient
# from dividing zero by zero.
#
# ### Exercise 3: `momentum_update(params, grads, velocities, lr, beta=0.9)`
# Lists of arrays, pairwise of the same shapes. Update `velocities` **and** `params` in place:
# first $v \leftarrow \beta v + g$, then $p \leftarrow p - \eta v$. Return `None`; do not modify the gradients.

# %% answer id=momentum_update
def momentum_update(params, grads, velocities, lr, beta=0.9):
    """SGD with momentum, IN PLACE on params and velocities.

    params, grads, velocities: lists of arrays with matching shapes.
    For every triple: v = beta * v + g; p -= lr * v. Returns None.
    """
    ### BEGIN SOLUTION
    for p, g, v in zip(params, grads, velocities):
        v *= beta
        v += g
        p -= lr * v
    ### END SOLUTION

# %% tests id=test_momentum_update points=2
p = np.array([1.0, 2.0])
v = np.zeros(2)
g = np.array([1.0, -1.0])
before = snapshot(g)
call(momentum_update, [p], [g], [v], 0.1)
assert_close(v, [1.0, -1.0], what="the velocity array after step 1 (default beta)",
             hint="the velocity array you were given must hold the new velocity (in place, section 2)")
assert_close(p, [0.9, 2.1], what="param after step 1", hint="step along the velocity, scaled by lr")
assert_unchanged(before, [g], what="momentum_update", hint="the gradients stay as they were")
call(momentum_update, [p], [g], [v], 0.1)
assert_close(v, [1.9, -1.9], what="velocity after step 2 with the default beta = 0.9",
             hint="the old velocity, scaled by beta, plus the new gradient (PyTorch's form: no (1 - beta) factor)")
assert_close(p, [0.71, 2.29], what="param after step 2", hint="step with the NEW velocity, after updating it")
p, v = np.array([0.0]), np.array([1.0])
call(momentum_update, [p], [np.array([2.0])], [v], 1.0, beta=0.5)
assert_close(v, [2.5], what="velocity with beta=0.5", hint="use the beta argument, not a fixed 0.9")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(3)
P = [rng_t.normal(size=(2, 3)), rng_t.normal(size=3)]
V = [np.zeros((2, 3)), np.zeros(3)]
ids = [id(a) for a in P + V]
ref_p = [a.copy() for a in P]
ref_v = [a.copy() for a in V]
for step in range(4):
    G = [rng_t.normal(size=a.shape) for a in P]
    before = snapshot(*G)
    call(momentum_update, P, G, V, 0.05, beta=0.8)
    assert_unchanged(before, G, what="momentum_update", hint="do not modify the gradients")
    ref_v = [0.8 * rv + g for rv, g in zip(ref_v, G)]
    ref_p = [rp - 0.05 * rv for rp, rv in zip(ref_p, ref_v)]
assert_true([id(a) for a in P + V] == ids, hint="update params and velocities in place; keep the same array objects")
for i in range(2):
    assert_close(V[i], ref_v[i], rtol=1e-9, what=f"velocities[{i}] after 4 steps",
                 hint="use the beta argument, and update the velocity arrays in place")
    assert_close(P[i], ref_p[i], rtol=1e-9, what=f"params[{i}] after 4 steps")
# default beta is 0.9
p1, v1 = np.array([0.0]), np.array([1.0])
call(momentum_update, [p1], [np.array([0.0])], [v1], 1.0)
assert_close(v1, [0.9], what="velocity with the default beta", hint="the default beta is 0.9")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4: `adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)`
# `params`, `grads`, `m`, `v`: lists of arrays of matching shapes (`m` and `v` start as zeros); `t` is the number of
# this step, **starting at 1**. Update `m`, `v` and `params` in place (write into the arrays you were given)
# following the formulas above, with bias correction. Return `None`; do not modify the gradients; a zero gradient
# must not produce a NaN or a warning.

# %% answer id=adam_update
def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, IN PLACE on params, m and v.

    params, grads, m, v: lists of arrays with matching shapes; t: step number, starting at 1.
    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    p -= lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    Returns None.
    """
    ### BEGIN SOLUTION
    for p, g, m_i, v_i in zip(params, grads, m, v):
        m_i[...] = beta1 * m_i + (1 - beta1) * g
        v_i[...] = beta2 * v_i + (1 - beta2) * g * g
        m_hat = m_i / (1 - beta1 ** t)
        v_hat = v_i / (1 - beta2 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    ### END SOLUTION

# %% tests id=test_adam_update points=3
p = np.array([1.0, 1.0, 1.0])
m, v = np.zeros(3), np.zeros(3)
g = np.array([0.5, -2.0, 10.0])
before = snapshot(g)
call(adam_update, [p], [g], [m], [v], 1, lr=0.1)
assert_close(p, [0.9, 1.1, 0.9], rtol=1e-6, what="param after the first step (t = 1)",
             hint="at t = 1 the bias-corrected averages are the gradient and its square, so every entry moves by lr "
                  "against the sign of its gradient (section 4)")
assert_close(m, [0.05, -0.2, 1.0], what="the m array after the first step",
             hint="the running average of the gradient, written into the m array you were given")
assert_close(v, 0.001 * np.array([0.25, 4.0, 100.0]), what="the v array after the first step",
             hint="the running average of the SQUARED gradient, written into the v array you were given")
assert_unchanged(before, [g], what="adam_update", hint="the gradients stay as they were")
# a second step, with non-default betas: bias correction at t = 2
call(adam_update, [p], [g], [m], [v], 2, lr=0.1, beta1=0.5, beta2=0.9)
assert_close(m, [0.275, -1.1, 5.5], what="m after step 2 with beta1=0.5", hint="use the beta1 argument")
assert_close(v, [0.025225, 0.4036, 10.09], what="v after step 2 with beta2=0.9", hint="use the beta2 argument")
assert_close(p, [0.799368805, 1.200631197, 0.799368802], rtol=1e-6,
             what="param after step 2", hint="bias-correct with the step number t (counting from 1) and the betas passed in")
# defaults (lr = 1e-3) and a zero gradient: no NaN, no warning, no movement
p0 = np.array([1.0, 2.0])
call(adam_update, [p0], [np.array([0.0, 4.0])], [np.zeros(2)], [np.zeros(2)], 1, warnings="fail",
     hint="a zero gradient must not divide zero by zero: remember eps")
assert_close(p0, [1.0, 1.999], rtol=1e-6, what="param after one step with the default arguments",
             hint="the default learning rate is 1e-3; a zero gradient leaves its entry where it is")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(4)
P = [rng_t.normal(size=(3, 2)), rng_t.normal(size=2)]
M = [np.zeros((3, 2)), np.zeros(2)]
Vv = [np.zeros((3, 2)), np.zeros(2)]
ids = [id(a) for a in P + M + Vv]
rp = [a.copy() for a in P]
rm = [a.copy() for a in M]
rv = [a.copy() for a in Vv]
b1, b2, lr, eps = 0.8, 0.99, 0.01, 1e-8
for t in range(1, 6):
    G = [rng_t.normal(size=a.shape) for a in P]
    before = snapshot(*G)
    call(adam_update, P, G, M, Vv, t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    assert_unchanged(before, G, what="adam_update", hint="do not modify the gradients")
    rm = [b1 * a + (1 - b1) * g for a, g in zip(rm, G)]
    rv = [b2 * a + (1 - b2) * g * g for a, g in zip(rv, G)]
    rp = [p_ - lr * (a / (1 - b1 ** t)) / (np.sqrt(c / (1 - b2 ** t)) + eps) for p_, a, c in zip(rp, rm, rv)]
assert_true([id(a) for a in P + M + Vv] == ids, hint="update params, m and v in place; keep the same array objects")
for i in range(2):
    assert_close(M[i], rm[i], rtol=1e-9, what=f"m[{i}] after 5 steps", hint="use the beta1 argument")
    assert_close(Vv[i], rv[i], rtol=1e-9, what=f"v[{i}] after 5 steps", hint="use the beta2 argument and the SQUARED gradient")
    assert_close(P[i], rp[i], rtol=1e-6, what=f"params[{i}] after 5 steps",
                 hint="bias correction with t counting from 1, then the step of section 4")
# a zero gradient everywhere: no nan (eps), no warning, no movement
p0 = np.array([1.0, 2.0])
call(adam_update, [p0], [np.zeros(2)], [np.zeros(2)], [np.zeros(2)], 1, warnings="fail",
     hint="a zero gradient must not divide zero by zero: remember eps")
assert_close(p0, [1.0, 2.0], what="param after a zero gradient", hint="a zero gradient leaves the parameter where it is")
# defaults: lr=1e-3, first step = lr * sign(g)
p1 = np.array([0.0, 0.0])
call(adam_update, [p1], [np.array([3.0, -0.2])], [np.zeros(2)], [np.zeros(2)], 1)
assert_close(p1, [-1e-3, 1e-3], rtol=1e-5, what="param with the default lr", hint="the default learning rate is 1e-3")
### END HIDDEN TESTS

# %% [markdown]
# The three optimizers with your update functions on a **narrower** valley, $f(w) = \tfrac12(w_1^2 + 50\,w_2^2)$,
# 60 steps each from $(-4, 1)$ (every "parameter list" holds one array of two numbers). Plain SGD must keep its
# learning rate below $2/50$ because of the steep direction, so it crawls along the flat one. Momentum builds up
# speed along the valley while the zig-zags across it cancel, and ends closest to the minimum.
#
# Adam does something different from both. Its first step is $\eta\,\mathrm{sign}(g)$: the same size, 0.3, in both
# coordinates, although one direction is 50 times steeper than the other; for its first steps it keeps moving
# diagonally like that, overshoots the valley floor (down to $w_2 \approx -0.5$), turns, overshoots the minimum
# along $w_1$ as well (to $w_1 \approx 0.85$) and curls back. Its step size is set by $\eta$, not by the gradient,
# so with a constant learning rate it does not settle as quickly: after 60 steps it is closer than SGD but well
# behind momentum.

# %%
def grad_narrow(w):
    return np.array([w[0], 50 * w[1]])

def f_narrow(w):
    return 0.5 * (w[0] ** 2 + 50 * w[1] ** 2)

def run_optimizer(kind, steps=60):
    w = np.array([-4.0, 1.0])
    state1, state2 = np.zeros(2), np.zeros(2)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = grad_narrow(w)
        if kind.startswith("SGD"):
            sgd_update([w], [g], 0.035)
        elif kind.startswith("momentum"):
            momentum_update([w], [g], [state1], 0.02, beta=0.8)
        else:
            adam_update([w], [g], [state1], [state2], t, lr=0.3)
        path.append(w.copy())
    return np.array(path)

try:
    n1, n2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-1.5, 1.5, 200))
    plt.figure(figsize=(7, 3.5))
    plt.contour(n1, n2, f_narrow(np.array([n1, n2])), levels=25, cmap="Greys", linewidths=0.7)
    paths = {}
    for kind in ["SGD, lr 0.035", "momentum, lr 0.02, beta 0.8", "Adam, lr 0.3"]:
        paths[kind.split(",")[0]] = path = run_optimizer(kind)
        plt.plot(path[:, 0], path[:, 1], ".-", markersize=3, label=f"{kind}: f = {f_narrow(path[-1]):.1e}")
    plt.legend(fontsize=8)
    plt.title("60 steps of each optimizer (f after 60 steps in the legend)")
    plt.show()

    # the claims of the text above, printed and checked
    adam = paths["Adam"]
    final = {name: f_narrow(path[-1]) for name, path in paths.items()}
    print("f after 60 steps: " + ", ".join(f"{name} {value:.2g}" for name, value in final.items()))
    print(f"Adam's first three steps: {np.round(np.diff(adam[:4], axis=0), 3).tolist()}")
    print(f"Adam's path: lowest w2 {adam[:, 1].min():.2f}, largest w1 {adam[:, 0].max():.2f}")
    assert np.allclose(np.abs(adam[1] - adam[0]), 0.3)        # first step: lr * sign(g) in both coordinates
    assert np.all(np.abs(np.diff(adam[:4], axis=0)) > 0.1)     # diagonal steps, not straight along the valley
    assert -0.6 < adam[:, 1].min() < -0.35                     # overshoots the valley floor
    assert 0.6 < adam[:, 0].max() < 1.0                        # overshoots the minimum along w1
    assert final["momentum"] < final["Adam"] < final["SGD"]
except NotImplementedError:
    plt.close("all")
    print("implement sgd_update, momentum_update and adam_update above to see this figure")

# %% [markdown]
# Adam's strength is not this two-parameter bowl: it is that every one of a network's millions of parameters gets
# a step size matched to its own gradient scale, without tuning one learning rate per layer. That is why it is the
# usual first choice for networks, and why we use it below.
#
# ## 5. Measuring honestly: train, validation and test sets
#
# A model that memorises its training set scores perfectly on it and may still fail on new data. So we split
# the data once, at random, into three disjoint parts:
#
# * **training set**: the only data the gradients ever see;
# * **validation set**: to choose everything the gradients do not choose (learning rate, size of the network,
#   *when to stop*); we look at it many times, so it slowly leaks into our choices;
# * **test set**: looked at **once**, at the very end, for the number we report.
#
# ### Exercise 5: `train_val_test_split(X, y, val_fraction, test_fraction, rng)`
# Shuffle the sample indices with `rng`, then return `(X_train, X_val, X_test, y_train, y_val, y_test)` with
# exactly `round(n * val_fraction)` validation and `round(n * test_fraction)` test samples (`n = len(X)`; Python's
# `round`, so 1.75 counts as 2); the rest is the training set. The three parts are disjoint, together cover every
# sample, and each `X` part stays aligned with its `y` part. Do not modify `X` or `y`.

# %% answer id=train_val_test_split
def train_val_test_split(X, y, val_fraction, test_fraction, rng):
    """Random split into training, validation and test sets.

    X: (N, ...); y: (N, ...); fractions in [0, 1); rng: np.random.Generator.
    Returns (X_train, X_val, X_test, y_train, y_val, y_test) with round(N * val_fraction)
    validation and round(N * test_fraction) test samples, disjoint and covering all N.
    """
    ### BEGIN SOLUTION
    n = len(X)
    n_val = int(round(n * val_fraction))
    n_test = int(round(n * test_fraction))
    perm = rng.permutation(n)
    val_idx = perm[:n_val]
    test_idx = perm[n_val:n_val + n_test]
    train_idx = perm[n_val + n_test:]
    return X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx]
    ### END SOLUTION

# %% tests id=test_train_val_test_split points=2
X = np.arange(200.0).reshape(100, 2)   # row i is (2i, 2i + 1): its label is y[i] = i
y = np.arange(100)
before = snapshot(X, y)
parts = call(train_val_test_split, X, y, 0.2, 0.1, np.random.default_rng(0))
assert_unchanged(before, [X, y], what="train_val_test_split", hint="X and y stay as they were: shuffle indices, not the data")
assert_true(len(parts) == 6, what="the number of returned parts", hint="return (X_train, X_val, X_test, y_train, y_val, y_test)")
X_tr, X_va, X_te, y_tr, y_va, y_te = parts
assert_equal([len(y_tr), len(y_va), len(y_te)], [70, 20, 10], what="sizes of (y_train, y_val, y_test)",
             hint="the validation and test counts of the exercise text (each rounded to the nearest integer), the rest for "
                  "training, in that order")
assert_equal(sorted(np.concatenate([y_tr, y_va, y_te]).tolist()), list(range(100)),
             hint="the parts are disjoint and cover every sample")
for Xp, yp, name in [(X_tr, y_tr, "train"), (X_va, y_va, "val"), (X_te, y_te, "test")]:
    assert_close(np.asarray(Xp)[:, 0], 2 * np.asarray(yp), what=f"the first column of X_{name}",
                 hint="each X part must stay aligned with its y part (split both with the same indices); "
                      "order: X_train, X_val, X_test, y_train, y_val, y_test")
assert_true(not np.array_equal(np.sort(y_te), np.arange(90, 100)) and not np.array_equal(np.sort(y_va), np.arange(20)),
            what="which samples land in each part", hint="shuffle with rng before splitting: data sets are often sorted (e.g. by class)")
parts = call(train_val_test_split, np.arange(14.0).reshape(7, 2), np.arange(7), 0.25, 0.4, np.random.default_rng(2))
assert_equal([len(parts[3]), len(parts[4]), len(parts[5])], [2, 2, 3], what="sizes for n = 7, fractions 0.25 and 0.4",
             hint="7 * 0.25 = 1.75 and 7 * 0.4 = 2.8: round to the nearest integer, do not truncate")
again = call(train_val_test_split, X, y, 0.2, 0.1, np.random.default_rng(0))
assert_true(np.array_equal(again[5], y_te), what="two splits with generators of the same seed",
            hint="draw the permutation from the rng argument, not np.random")
### BEGIN HIDDEN TESTS
n = 1000
X = np.arange(n, dtype=float)[:, None] * np.ones((1, 3))
y = np.arange(n)
before = snapshot(X, y)
X_tr, X_va, X_te, y_tr, y_va, y_te = call(train_val_test_split, X, y, 0.15, 0.25, np.random.default_rng(1))
assert_unchanged(before, [X, y], what="train_val_test_split", hint="shuffle indices, not X and y in place")
assert_equal([len(y_tr), len(y_va), len(y_te)], [600, 150, 250])
assert_shape(X_tr, (600, 3))
assert_true(not np.array_equal(np.sort(np.asarray(y_va)), np.arange(150)) and
            not np.array_equal(np.sort(np.asarray(y_te)), np.arange(750, 1000)),
            hint="shuffle with rng before splitting: data sets are often sorted (e.g. by class)")
assert_true(abs(np.mean(y_te) - 500) < 100, hint="the test set should be a random sample of the data")
assert_equal(sorted(np.concatenate([y_tr, y_va, y_te]).tolist()), list(range(n)))
for Xp, yp in [(X_tr, y_tr), (X_va, y_va), (X_te, y_te)]:
    assert_close(np.asarray(Xp)[:, 2], np.asarray(yp), hint="X and y stay aligned")
# rounding: 9 * 0.5 = 4.5 -> 4 (Python's round), 9 * 0.3 = 2.7 -> 3
parts = call(train_val_test_split, np.arange(18.0).reshape(9, 2), np.arange(9), 0.3, 0.15, np.random.default_rng(3))
assert_equal([len(parts[3]), len(parts[4]), len(parts[5])], [5, 3, 1],
             hint="round to the nearest integer: 9 * 0.3 = 2.7 gives 3 validation, 9 * 0.15 = 1.35 gives 1 test")
# same seed, same split
a = call(train_val_test_split, X, y, 0.15, 0.25, np.random.default_rng(1))
assert_true(np.array_equal(a[5], y_te), hint="draw the permutation from rng, not np.random")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 6: `accuracy(scores, labels)`
# `scores` `(N, C)` (logits or probabilities, any sign), `labels` `(N,)` integers. Return the fraction of rows whose
# largest score is at the true label, a number in $[0, 1]$. Do not modify the inputs.

# %% answer id=accuracy
def accuracy(scores, labels):
    """Fraction of rows of scores (N, C) whose argmax equals labels (N,), as a float."""
    ### BEGIN SOLUTION
    return float(np.mean(np.argmax(scores, axis=1) == labels))
    ### END SOLUTION

# %% tests id=test_accuracy points=1
S = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
labels = np.array([1, 0, 0, 0])
before = snapshot(S, labels)
assert_close(call(accuracy, S, labels), 0.75, what="accuracy of 4 rows, 3 right",
             hint="a fraction in [0, 1] (not a count) of the rows whose largest score sits at the label's index")
assert_unchanged(before, [S, labels], what="accuracy")
S = np.array([[1.0, 5.0, 2.0, 0.0, -1.0], [3.0, 0.0, 0.0, 0.0, 0.0]])   # N = 2 rows, C = 5 classes
assert_close(call(accuracy, S, np.array([1, 1])), 0.5, what="accuracy with 2 rows and 5 classes",
             hint="one row = one sample: look for the largest score within each row, not within each column")
assert_close(call(accuracy, -S - 10.0, np.array([4, 1])), 1.0, what="accuracy of negative scores",
             hint="compare the POSITION of the largest score with the label, not the score itself")
### BEGIN HIDDEN TESTS
S = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 2.0], [0.0, 3.0, 1.0], [5.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
labels = np.array([0, 2, 1, 1, 2])
before = snapshot(S, labels)
assert_close(call(accuracy, S, labels), 0.8, hint="a fraction, not a count")
assert_unchanged(before, [S, labels], what="accuracy")
assert_close(call(accuracy, S - 10.0, labels), 0.8, hint="negative scores: still the argmax")
assert_close(call(accuracy, S[:1], labels[:1]), 1.0)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Overfitting and early stopping
#
# A network with 128 + 128 hidden units, trained on only 90 noisy spiral points, can memorise them. We train it for
# 300 epochs with Adam and, after every epoch, measure the loss on the training set and on a separate validation
# set of 600 points. After every epoch we also keep a copy of the model if its validation loss is the best so far:
# that is **early stopping** (stop, or at least keep, the model at the epoch where the validation loss was lowest).
#
# `train_curves` below is the training loop of this lesson written out (zero the gradients, forward, loss,
# backward, step); its two options `lam` and `p_drop` add the regularisers of section 7 and stay off for now.
# Note `model.train()` before the training batches and `model.eval()` before measuring: they switch dropout
# on and off (section 7.2).

# %%
from tqdm.auto import tqdm

X_small, y_small = spiral(np.random.default_rng(0), n_per_class=30, noise=0.4)
X_valid, y_valid = spiral(np.random.default_rng(1), n_per_class=200, noise=0.4)


class StudentDropout(Module):
    """Your dropout_forward / dropout_backward (section 7.2) as a module: a new mask at every forward in
    training mode, the identity after model.eval()."""

    def __init__(self, p, rng):
        self.p, self.rng, self.mask = p, rng, None

    def forward(self, x):
        out, self.mask = dropout_forward(x, self.p, self.rng, training=self.training)
        return out

    def backward(self, grad_out):
        return dropout_backward(grad_out, self.mask)


def train_curves(lam=0.0, p_drop=0.0, epochs=300, seed=0, desc="training"):
    """Train 2-128-128-3 on (X_small, y_small) with Adam; lam > 0 adds your l2_penalty on the weight matrices,
    p_drop > 0 puts your dropout after each hidden ReLU. Returns (curves, final model, (best val, epoch, best model))."""
    r = np.random.default_rng(seed)               # initial weights and batch order: the same in every run
    drop_rng = np.random.default_rng(seed + 1)    # dropout masks
    def hidden(n_in):
        layers = [Linear(n_in, 128, rng=r), ReLU()]
        return layers + [StudentDropout(p_drop, drop_rng)] if p_drop else layers
    model = Sequential(*hidden(2), *hidden(128), Linear(128, 3, rng=r))
    weights = [layer.weight for layer in model if isinstance(layer, Linear)]   # the biases are not penalised
    loss_fn, opt = CrossEntropyLoss(), Adam(model.parameters(), lr=1e-2)
    curves = {"train": [], "val": [], "val_acc": []}
    best = (np.inf, -1, None)
    for epoch in tqdm(range(epochs), desc=desc):
        model.train()
        total = 0.0
        for xb, yb in nnlib.data.minibatches(X_small, y_small, 32, r):
            opt.zero_grad()
            total += loss_fn.forward(model.forward(xb), yb) * len(xb)
            model.backward(loss_fn.backward())
            if lam:
                _, decay = l2_penalty([w.data for w in weights], lam)
                for w, d in zip(weights, decay):
                    w.grad += d
            opt.step()
        model.eval()
        scores = model.forward(X_valid)
        curves["train"].append(total / len(X_small))
        curves["val"].append(loss_fn.forward(scores, y_valid))
        curves["val_acc"].append(float(np.mean(scores.argmax(axis=1) == y_valid)))
        if curves["val"][-1] < best[0]:
            best = (curves["val"][-1], epoch, copy.deepcopy(model))
    return {k: np.array(v) for k, v in curves.items()}, model, best


plain, big, (best_val, best_epoch, best_model) = train_curves(desc="no regularisation")

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
axes[0].plot(plain["train"], label="training loss")
axes[0].plot(plain["val"], label="validation loss")
axes[0].axvline(best_epoch, color="k", ls="--", lw=1, label=f"early stopping: epoch {best_epoch}")
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].legend()
axes[0].set_title("overfitting: the two curves part ways")
decision_boundary(lambda P: best_model.forward(P.astype(np.float32)).argmax(axis=1), X_small, y_small, ax=axes[1])
axes[1].set_title(f"early-stopped model (epoch {best_epoch})")
decision_boundary(lambda P: big.forward(P.astype(np.float32)).argmax(axis=1), X_small, y_small, ax=axes[2])
axes[2].set_title("after 300 epochs")
plt.tight_layout()
plt.show()


def softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# the claims of the next paragraph, printed and checked
grid = np.stack(np.meshgrid(np.linspace(-1.2, 1.3, 250), np.linspace(-1.2, 1.3, 250)), axis=-1).reshape(-1, 2)
changed = np.mean(best_model.forward(grid.astype(np.float32)).argmax(1) != big.forward(grid.astype(np.float32)).argmax(1))
wrong_loss = {}
for name, m in [("early-stopped", best_model), ("final", big)]:
    probs = softmax_rows(m.forward(X_valid))
    wrong = probs.argmax(axis=1) != y_valid
    wrong_loss[name] = float(np.mean(-np.log(probs[wrong, y_valid[wrong]])))
print(f"validation loss: best {best_val:.3f} at epoch {best_epoch}, final {plain['val'][-1]:.3f}; "
      f"training loss: {plain['train'][best_epoch]:.3f} -> {plain['train'][-1]:.3f}")
print(f"validation accuracy: {plain['val_acc'][best_epoch]:.3f} at epoch {best_epoch}, {plain['val_acc'][-1]:.3f} at the end")
print(f"the two panels' regions differ on {100 * changed:.1f} % of the plane")
print(f"mean loss on the misclassified validation points: {wrong_loss['early-stopped']:.1f} (early-stopped), "
      f"{wrong_loss['final']:.1f} (final)")
assert plain["val"][-1] > 1.2 * best_val and plain["train"][-1] < plain["train"][best_epoch]
assert abs(plain["val_acc"][-1] - plain["val_acc"][best_epoch]) < 0.02
assert changed < 0.05
assert wrong_loss["final"] > 1.2 * wrong_loss["early-stopped"]

# %% [markdown]
# The training loss keeps falling (slowly) while the validation loss turns around and climbs by more than a fifth. Yet the two
# decision-region panels look almost the same (they differ on a few percent of the plane, printed above) and the
# validation accuracy hardly moves. What changed is **confidence**: after the turn, the network keeps pushing its
# 90 training points towards probability 1, and the validation points it gets wrong it now gets wrong more
# confidently (the mean loss on the misclassified validation points grows, printed above). The cross-entropy
# punishes confident mistakes hard, so the validation loss rises. Early stopping keeps the model from the bottom
# of the validation curve. More data, a smaller network, or **regularisation** are the other cures.
#
# ## 7. Regularisation: weight decay and dropout
#
# ### 7.1 Weight decay (L2 regularisation)
#
# Large weights are what lets a network make very confident, very sharp predictions. **L2 regularisation** adds
# a price for them to the loss,
#
# $$L_\text{total} = L + \frac{\lambda}{2} \sum_i \lVert W_i \rVert^2, \qquad
#   \frac{\partial}{\partial W_i}\Big(\frac{\lambda}{2} \lVert W_i \rVert^2\Big) = \lambda\, W_i,$$
#
# where the sum runs over every entry of every penalised array (usually the weight matrices; biases only shift
# the units and are left alone). The $\tfrac12$ is there so that the gradient comes out as plain $\lambda W$. With
# plain SGD the step becomes $W \leftarrow (1 - \eta\lambda)\,W - \eta\,\partial L/\partial W$: every step first
# shrinks the weights a little, hence the name **weight decay** (PyTorch: `torch.optim.SGD(..., weight_decay=lam)`
# adds exactly $\lambda W$ to every gradient). With Adam, adding $\lambda W$ to the gradient (what we do here) is
# L2 regularisation; `AdamW` instead shrinks the weights outside Adam's rescaling, which usually works better
# in large models.
#
# ### Exercise 7: `l2_penalty(weights, lam)`
# `weights`: a list of arrays of any shapes (the caller passes exactly what is penalised); `lam`: $\lambda \ge 0$.
# Return `(penalty, grads)`: `penalty` the float $\frac{\lambda}{2}$ times the sum of the squares of every entry of
# every array, and `grads` a list (or tuple) with one array per weight, its gradient $\lambda W_i$ (same shape). Do
# not modify the weights.

# %% answer id=l2_penalty
def l2_penalty(weights, lam):
    """L2 penalty and its gradients.

    weights: list of arrays of any shapes (exactly the arrays to penalise); lam: float >= 0.
    Returns (penalty, grads): penalty = lam / 2 * (sum of squares of every entry), a float;
    grads[i] = lam * weights[i]. The weights are not modified.
    """
    ### BEGIN SOLUTION
    penalty = 0.0
    grads = []
    for w in weights:
        penalty += float(np.sum(w * w))
        grads.append(lam * w)
    return 0.5 * lam * penalty, grads
    ### END SOLUTION

# %% tests id=test_l2_penalty points=2
W1 = np.array([[1.0, -2.0], [0.5, 3.0]])     # sum of squares 14.25
w2 = np.array([2.0, -1.0, 0.0])              # 5
W3 = np.arange(8.0).reshape(2, 2, 2)         # 140: weights may have any shape
weights = [W1, w2, W3]
before = snapshot(*weights)
result = call(l2_penalty, weights, 0.1)
assert_true(isinstance(result, tuple) and len(result) == 2, what="the result", hint="return a pair (penalty, grads)")
penalty, grads = result
assert_shape(penalty, (), what="the penalty", hint="one number for all arrays together: sum over every entry of every array")
assert_close(penalty, 7.9625, what="the penalty for lam = 0.1 (sum of squares 159.25)",
             hint="lambda over two times the sum of squares (section 7.1); twice the expected value means the "
                  "one half is missing, a much smaller one that an array or an axis was left out")
assert_unchanged(before, weights, what="l2_penalty",
                 hint="the weights must stay as they were: compute the gradients as new arrays")
assert_true(isinstance(grads, (list, tuple)) and len(grads) == 3, what="grads",
            hint="a list (or tuple) with one gradient array per weight array")
for i, (g, w) in enumerate(zip(grads, weights)):
    assert_shape(g, w.shape, what=f"grads[{i}]", hint="each gradient has the shape of its weight array")
    assert_close(g, 0.1 * np.asarray(before[i]), what=f"grads[{i}]",
                 hint="differentiate the penalty with respect to each entry of that array: what does the one half cancel?")
penalty0, grads0 = call(l2_penalty, [W1], 0.0)
assert_close(penalty0, 0.0, what="the penalty for lam = 0", hint="lam = 0 switches the penalty off")
penalty32, grads32 = call(l2_penalty, [np.array([[3.0, -4.0]], dtype=np.float32)], 0.5)
assert_close(penalty32, 6.25, rtol=1e-6, what="the penalty of float32 weights [[3, -4]] for lam = 0.5",
             hint="float32 weights: expected 0.5 / 2 * 25 = 6.25, as in float64 (section 7.1)")
assert_close(grads32[0], [[1.5, -2.0]], rtol=1e-6, what="the gradient of float32 weights [[3, -4]] for lam = 0.5",
             hint="float32 weights: expected [[1.5, -2.0]], as in float64")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(11)
ws = [rng_t.normal(size=(4, 3)).astype(np.float32), rng_t.normal(size=5), rng_t.normal(size=(1, 2, 3))]
before = snapshot(*ws)
penalty, grads = call(l2_penalty, ws, 0.37)
expected = 0.37 / 2 * sum(float(np.sum(np.asarray(w, dtype=float) ** 2)) for w in ws)
assert_shape(penalty, (), what="the penalty")
assert_close(penalty, expected, rtol=1e-5, what="the penalty for random weights and lam = 0.37",
             hint="lambda over two times the sum of squares of every entry of every array")
assert_unchanged(before, ws, what="l2_penalty", hint="do not modify the weights")
assert_true(isinstance(grads, (list, tuple)) and len(grads) == 3, hint="one gradient per weight array")
for i, (g, w) in enumerate(zip(grads, before)):
    assert_shape(g, w.shape, what=f"grads[{i}]")
    assert_close(g, 0.37 * np.asarray(w, dtype=float), rtol=1e-5, what=f"grads[{i}]",
                 hint="the gradient of the penalty wrt each array")
penalty1, grads1 = call(l2_penalty, [np.array([[3.0]])], 2.0)
assert_close(penalty1, 9.0, what="penalty of a single 1x1 weight 3 with lam = 2")
assert_close(grads1[0], [[6.0]], what="its gradient")
### END HIDDEN TESTS

# %% [markdown]
# Weight decay against the overfitting of section 6: the same network, the same initial weights, the same batches,
# now with $\lambda = 10^{-3}$ on the three weight matrices.

# %%
try:
    decayed, decayed_model, _ = train_curves(lam=1e-3, desc="weight decay")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for curves, name, color in [(plain, "no regularisation", "tab:orange"), (decayed, "weight decay 1e-3", "tab:green")]:
        axes[0].plot(curves["val"], color=color, label=f"{name}: validation")
        axes[0].plot(curves["train"], color=color, ls=":", label=f"{name}: training")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("epoch")
    axes[0].set_title("loss with and without weight decay")
    axes[0].legend(fontsize=8)
    decision_boundary(lambda P: decayed_model.forward(P.astype(np.float32)).argmax(axis=1), X_small, y_small, ax=axes[1])
    axes[1].set_title("weight decay, after 300 epochs")
    plt.tight_layout()
    plt.show()

    rise = {name: c["val"][-1] - c["val"].min() for name, c in [("plain", plain), ("decay", decayed)]}
    print(f"final validation loss: {plain['val'][-1]:.3f} without, {decayed['val'][-1]:.3f} with weight decay")
    print(f"rise of the validation loss above its own minimum: {rise['plain']:.3f} without, {rise['decay']:.3f} with")
    print(f"final training loss: {plain['train'][-1]:.3f} without, {decayed['train'][-1]:.3f} with weight decay")
    print(f"final validation accuracy: {plain['val_acc'][-1]:.3f} without, {decayed['val_acc'][-1]:.3f} with")
    assert decayed["val"][-1] < 0.7 * plain["val"][-1]
    assert rise["decay"] < 0.5 * rise["plain"]
    assert decayed["train"][-1] > plain["train"][-1]
except NotImplementedError:
    plt.close("all")
    print("implement l2_penalty above to see weight decay at work")

# %% [markdown]
# With weight decay the validation loss no longer turns around: it stays near its minimum to the end and finishes
# well below the unregularised run's, while the training loss stays higher. The penalty keeps the weights, and with
# them the network's confidence, from growing without limit; the network can no longer buy a lower training loss
# by becoming ever surer of its 90 points. $\lambda$ is chosen like the learning rate: on a log scale, by the
# validation loss.
#
# ### 7.2 Dropout
#
# **Dropout** (Srivastava, Hinton et al., 2014) attacks overfitting differently: during training, every hidden unit
# is switched off at random, independently, with probability $p$, a new choice at every forward pass. No unit can
# rely on particular other units being there, so the network has to spread what it knows over many units, a bit
# like training a large ensemble of thinned networks that share weights.
#
# At test time we want the whole network, deterministically. In expectation a unit's output during training was
# $(1 - p)$ times its full value, so something must compensate. **Inverted dropout**, what PyTorch and everyone
# else do, compensates during training: each kept value is multiplied by $\frac{1}{1 - p}$, so the expected output
# equals the input, and at test time the layer does nothing at all. Written with a **mask** holding each entry's
# factor,
#
# $$\text{mask}_{ij} = \begin{cases} 0 & \text{with probability } p \\ \frac{1}{1-p} & \text{with probability } 1 - p \end{cases},
#   \qquad \text{out} = x \odot \text{mask}.$$
#
# In a network, the layer needs to know which mode it is in: PyTorch's `model.train()` and `model.eval()` switch
# every dropout layer on and off (nnlib's `nnlib.regularization.Dropout` does the same). Forgetting `model.eval()`
# before measuring is a classic bug: every evaluation then sees a different random network.
#
# ### Exercise 8: `dropout_forward(x, p, rng, training=True)`
# `x`: an array of any shape; `p`: the probability of **dropping** an entry. Return `(out, mask)`:
# * in training, each entry is kept independently with probability `1 - p`, using `rng` (an `np.random.Generator`:
#   its `random`, `uniform` or `binomial` methods all do); `mask` is a float array of `x`'s shape holding each entry's
#   factor, `0` or `1 / (1 - p)`, and `out = x * mask`;
# * with `training=False`, or with `p == 0`: `out` equals `x` and `mask` is all ones;
# * raise `ValueError` unless `0 <= p < 1` (a NaN `p` included), whether or not `training` is True;
# * do not modify `x`.

# %% answer id=dropout_forward
def dropout_forward(x, p, rng, training=True):
    """Inverted dropout.

    x: array of any shape; p: drop probability, 0 <= p < 1 (else ValueError, NaN included);
    rng: np.random.Generator; training: False at evaluation time.
    Returns (out, mask): mask has x's shape, each entry 0 or 1 / (1 - p) (all ones when not
    training or p == 0), and out = x * mask. x is not modified.
    """
    ### BEGIN SOLUTION
    if not 0 <= p < 1:
        raise ValueError(f"dropout probability must satisfy 0 <= p < 1, got {p}")
    x = np.asarray(x, dtype=float)
    if not training or p == 0:
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
    ### END SOLUTION

# %% tests id=test_dropout_forward points=3
x = np.arange(1.0, 2001.0).reshape(40, 50)   # no zeros: a dropped entry shows as a 0 in out
before = snapshot(x)
result = call(dropout_forward, x, 0.25, np.random.default_rng(0))
assert_true(isinstance(result, tuple) and len(result) == 2, what="the result", hint="return a pair (out, mask)")
out, mask = result
assert_unchanged(before, [x], what="dropout_forward", hint="x must stay as it was: build out as a new array")
assert_shape(out, x.shape, what="out", hint="out has x's shape")
assert_shape(mask, x.shape, what="mask", hint="one factor per entry of x: mask has x's shape")
assert_float_array(mask, what="mask", hint="mask holds each entry's factor as a float number, not True/False")
factors = sorted(set(np.round(as_floats(mask).ravel(), 9).tolist()))
assert_equal(factors, [0.0, round(1 / 0.75, 9)], what="the distinct values in mask for p = 0.25",
             hint="a dropped entry's factor is 0 and a kept entry's is the scale that makes the expected output equal x "
                  "(section 7.2)")
assert_close(out, x * as_floats(mask), what="out", hint="out is x multiplied entry by entry by the mask you return")
kept = float(np.mean(as_floats(mask) > 0))
assert_true(abs(kept - 0.75) < 0.05, what=f"the fraction of kept entries for p = 0.25 (yours: {kept:.3f})",
            hint="p is the probability of DROPPING an entry: each entry is kept with probability 1 - p")
m = as_floats(mask)
assert_true(not np.all(m == m[:1]) and not np.all(m == m[:, :1]), what="independence of the entries",
            hint="draw one random number per entry (an array of x's shape), not one per row or per column")
mask_again = call(dropout_forward, x, 0.25, np.random.default_rng(0))[1]
assert_close(mask_again, mask, what="the mask drawn from a generator with the same seed",
             hint="draw the randomness from the rng argument (not np.random): the same generator state gives the same mask")
for p, training in [(0.5, False), (0.0, True)]:
    out, mask = call(dropout_forward, x, p, np.random.default_rng(1), training=training)
    assert_close(out, x, what=f"out for p = {p}, training = {training}",
                 hint="at evaluation time (training=False) and for p = 0 the layer lets x through unchanged (no scaling)")
    assert_close(mask, np.ones_like(x), what=f"mask for p = {p}, training = {training}", hint="all ones in that case")
for p in [1.0, 1.5, -0.1, float("nan")]:
    for training in [True, False]:
        assert_raises(ValueError, dropout_forward, x, p, np.random.default_rng(2), training=training,
                      hint=f"p = {p} is not a probability of dropping with 0 <= p < 1: raise ValueError, whatever "
                           "training says (a comparison with NaN is always False: how does your check treat it?)")
x32 = np.arange(1.0, 201.0, dtype=np.float32).reshape(10, 20)
out32, mask32 = call(dropout_forward, x32, 0.5, np.random.default_rng(6))
assert_float_array(out32, what="out for a float32 x", hint="a float32 x must give a float array (float32 or float64)")
assert_shape(out32, (10, 20), what="out for a float32 x", hint="out has x's shape")
assert_equal(sorted(set(np.round(as_floats(mask32).ravel(), 6).tolist())), [0.0, 2.0],
             what="the distinct values in mask for a float32 x and p = 0.5",
             hint="float32 x: the factors are still 0 and the scale of section 7.2 (2 for p = 0.5)")
assert_close(out32, as_floats(x32) * as_floats(mask32), rtol=1e-6, what="out for a float32 x",
             hint="out is x multiplied entry by entry by the mask you return")
### BEGIN HIDDEN TESTS
x = np.random.default_rng(12).uniform(0.5, 1.5, size=(30, 40, 50)).astype(np.float32)
before = snapshot(x)
out, mask = call(dropout_forward, x, 0.6, np.random.default_rng(3))
assert_unchanged(before, [x], what="dropout_forward", hint="do not modify x")
assert_shape(mask, x.shape, what="mask")
assert_float_array(out, what="out")
m = as_floats(mask)
assert_true(set(np.round(m.ravel(), 5).tolist()) == {0.0, 2.5}, hint="for p = 0.6 the factors are 0 and 2.5")
assert_true(abs(np.mean(m > 0) - 0.4) < 0.01, hint="each entry is kept with probability 1 - p")
assert_true(abs(np.mean(m) - 1.0) < 0.03, hint="inverted dropout keeps the expected value: the mean factor is about 1")
assert_close(out, as_floats(x) * m, rtol=1e-5, what="out")
out2, mask2 = call(dropout_forward, x, 0.6, np.random.default_rng(4))
assert_true(not np.array_equal(as_floats(mask2), m), hint="different generators give different masks")
out, mask = call(dropout_forward, x, 0.9, np.random.default_rng(5), training=False)
assert_close(out, x, what="out at evaluation time")
assert_close(mask, np.ones_like(x), what="mask at evaluation time")
out, mask = call(dropout_forward, x[0], 0, np.random.default_rng(5))
assert_close(out, x[0], what="out for p = 0")
for p in [1.0000001, -1e-9, float("inf"), -float("inf")]:
    for training in [True, False]:
        assert_raises(ValueError, dropout_forward, x, p, np.random.default_rng(2), training=training,
                      hint="raise ValueError unless 0 <= p < 1")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 9: `dropout_backward(dout, mask)`
# `dout` is the gradient of the loss with respect to `out`, `mask` the mask that `dropout_forward` returned for this
# forward pass (same shape). Return the gradient with respect to `x`. (The forward pass multiplied `x` by a fixed
# array; which entries should receive gradient, and how much?) Do not modify the inputs.

# %% answer id=dropout_backward
def dropout_backward(dout, mask):
    """Gradient wrt x of out = x * mask. dout, mask: same shape. Returns an array of that shape."""
    ### BEGIN SOLUTION
    return dout * mask
    ### END SOLUTION

# %% tests id=test_dropout_backward points=1
mask = np.array([[0.0, 2.0, 2.0], [2.0, 0.0, 2.0]])       # p = 0.5
dout = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
before = snapshot(dout, mask)
dx = call(dropout_backward, dout, mask)
assert_unchanged(before, [dout, mask], what="dropout_backward", hint="dout and mask must stay as they were")
assert_close(dx, [[0.0, -4.0, 6.0], [1.0, 0.0, -2.0]], what="dx for p = 0.5",
             hint="out = x times a fixed mask: by the chain rule each entry of dout is multiplied by that entry's "
                  "derivative d out / d x (dropped entries get no gradient, kept ones are scaled like in the forward)")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(13)
mask = (rng_t.random((3, 4, 5)) >= 0.3) / 0.7
dout = rng_t.normal(size=(3, 4, 5))
before = snapshot(dout, mask)
dx = call(dropout_backward, dout, mask)
assert_unchanged(before, [dout, mask], what="dropout_backward")
assert_shape(dx, (3, 4, 5), what="dx")
assert_close(dx, before[0] * before[1], what="dx for a random mask", hint="the chain rule through the forward pass, entry by entry")
### END HIDDEN TESTS

# %% [markdown]
# Dropout against the overfitting of section 6: the same network, initial weights and batches, with your dropout
# ($p = 0.3$) after each hidden ReLU, switched off by `model.eval()` for the validation loss.

# %%
try:
    dropped, dropped_model, _ = train_curves(p_drop=0.3, desc="dropout")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    runs = [(plain, "no regularisation", "tab:orange"), (dropped, "dropout 0.3", "tab:purple")]
    if "decayed" in globals():
        runs.append((decayed, "weight decay 1e-3", "tab:green"))
    for curves, name, color in runs:
        axes[0].plot(curves["val"], color=color, label=f"{name}: validation")
        axes[0].plot(curves["train"], color=color, ls=":", label=f"{name}: training")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("epoch")
    axes[0].set_title("loss with and without dropout")
    axes[0].legend(fontsize=8)
    decision_boundary(lambda P: dropped_model.eval().forward(P.astype(np.float32)).argmax(axis=1),
                      X_small, y_small, ax=axes[1])
    axes[1].set_title("dropout 0.3, after 300 epochs (eval mode)")
    plt.tight_layout()
    plt.show()

    last = {name: float(np.mean(c[key][-50:])) for name, c, key in
            [("plain val", plain, "val"), ("dropout val", dropped, "val"),
             ("plain train", plain, "train"), ("dropout train", dropped, "train")]}
    print(f"mean over the last 50 epochs, validation loss: {last['plain val']:.3f} without, "
          f"{last['dropout val']:.3f} with dropout")
    print(f"mean over the last 50 epochs, training loss: {last['plain train']:.3f} without, "
          f"{last['dropout train']:.3f} with dropout")
    assert last["dropout train"] > last["plain train"]                  # training is harder with dropout
    assert abs(last["dropout val"] - last["plain val"]) < 0.12          # ... but validation hardly changes
    if "decayed" in globals():
        print(f"(weight decay: {np.mean(decayed['val'][-50:]):.3f})")
        assert np.mean(decayed["val"][-50:]) < last["dropout val"]
except NotImplementedError:
    plt.close("all")
    print("implement dropout_forward and dropout_backward above to see dropout at work")

# %% [markdown]
# An honest result: dropout makes training harder and noisier (the training loss stays higher), but here it does
# not lower the validation loss: averaged over the last 50 epochs it ends about where the unregularised run does
# (printed above). It does **not** cure this overfitting, and weight decay does much better. (Your masks come from your own random draws, so your curve differs from a classmate's in the details,
# not in this conclusion.) The reason is the kind of overfitting: with two input features there are no redundant
# features for dropout to spread the knowledge over, and the validation loss rises because the network grows more
# confident, which the noise of dropout does not stop but a penalty on the weights does. Dropout earns its keep in
# large layers fed by rich inputs (images, text), where it was invented. The general lesson: a regulariser is a
# hypothesis, tested like a learning rate, on the validation set.
#
# ## 8. The checklist of lesson 09: sanity checks before a long training run
#
# Most training failures are bugs that a one-minute check would have caught. Before you train for real (on the
# digits of lesson 10, or anything else):
#
# 1. **Look at the data**: shapes of `X` and `y`, the range of `X` (scaled to about $[0, 1]$ or $[-1, 1]$), a few
#    samples with their labels, the number of samples per class.
# 2. **Initial loss near $\ln C$**: before training, a classifier that knows nothing should give each of the $C$
#    classes about $1/C$, so its cross-entropy should be close to $\ln C$ ($\ln 3 \approx 1.10$,
#    $\ln 10 \approx 2.30$). Much higher means the untrained network is already confidently wrong (usually: outputs
#    too large; scale down the last layer's initial weights).
# 3. **Gradients check out**: on a tiny float64 copy of the model, lesson 08's numerical gradient agrees with
#    backprop (`nnlib.gradcheck.check_module`).
# 4. **Overfit a tiny batch on purpose**: 10 to 20 samples, no regularisation. The training loss must go to almost
#    0 and the accuracy to 100 %. If the network cannot even memorise 12 points, something is broken (labels,
#    loss, backward, update), and more data or more epochs will not fix it.
# 5. **Choose the learning rate** on a log scale (section 1): the largest that lowers the loss steadily.
# 6. **Watch both curves**, training and validation loss per epoch: a growing gap means overfitting (stop early,
#    regularise, get more data); both high means underfitting (bigger model, longer training, higher learning rate).
#
# Checks 2 and 4 on the spiral network of the next exercise:

# %%
loss_fn = CrossEntropyLoss()
r = np.random.default_rng(0)
X_check, y_check = spiral(r, n_per_class=300)
net = Sequential(Linear(2, 64, rng=r), ReLU(), Linear(64, 64, rng=r), ReLU(), Linear(64, 3, rng=r))
loss_he = loss_fn.forward(net.forward(X_check), y_check)
net[4].weight.data *= 0.01                     # a last layer with small outputs: every class gets about 1/3
loss_small = loss_fn.forward(net.forward(X_check), y_check)
blown_up = copy.deepcopy(net)
for p in blown_up.parameters():
    p.data *= 30.0                             # a deliberately bad initialisation, to see what the check catches
loss_blown = loss_fn.forward(blown_up.forward(X_check), y_check)
print(f"check 2: ln 3 = {np.log(3):.3f}; initial loss {loss_he:.3f} (He init), {loss_small:.3f} (last layer "
      f"scaled by 0.01), {loss_blown:.1f} (weights far too large)")
assert abs(loss_small - np.log(3)) < 0.01 and abs(loss_he - np.log(3)) < 0.5 and loss_blown > 5

tiny = r.choice(len(X_check), size=12, replace=False)
X_tiny, y_tiny = X_check[tiny], y_check[tiny]
opt = Adam(net.parameters(), lr=1e-2)
for step in range(300):
    opt.zero_grad()
    tiny_loss = loss_fn.forward(net.forward(X_tiny), y_tiny)
    net.backward(loss_fn.backward())
    opt.step()
tiny_acc = float(np.mean(net.forward(X_tiny).argmax(axis=1) == y_tiny))
print(f"check 4: after 300 steps on 12 points: training loss {tiny_loss:.1e}, accuracy {tiny_acc:.0%}")
assert tiny_loss < 1e-3 and tiny_acc == 1.0

# %% [markdown]
# Both checks pass: the scaled network starts at $\ln 3$ to two decimals (He initialisation leaves the outputs a bit
# larger, a few tenths above; weights 30 times too large start far above), and the network memorises 12 points
# perfectly. Lesson 10 runs the same checks on the digits.
#
# ## 9. Putting it together: `train_spiral`
#
# ### Exercise 10: `train_spiral(rng)`
# Train a classifier for the 3-class spiral and return a **predict function**: `predict(X)` takes points `(M, 2)`
# (float32 or float64) and returns their predicted class labels `(M,)` (integers 0, 1, 2).
#
# * Make your own training data with `spiral(rng, n_per_class=...)` (default noise); choose how many points.
# * Build an MLP with `nnlib` modules (`Sequential`, `Linear(..., rng=rng)`, `ReLU`), use `CrossEntropyLoss`, and an
#   optimizer: your `adam_update`/`momentum_update` on the arrays `p.data`/`p.grad` of `model.parameters()`, or
#   nnlib's twins `Adam`/`SGD`; iterate with your `minibatches` or `nnlib.data.minibatches`.
# * Use only `rng` for randomness; no progress bar inside the function.
#
# The test trains it once and measures the accuracy on fresh spiral points drawn with a **different** seed: it
# must reach **at least 0.95**, and training must finish in **under 20 s** (the limit the test checks; the setup
# below takes about 2 s on a laptop CPU: 900 points, a 2-64-64-3 network, Adam with `lr=1e-2`, batches of 64,
# 200 epochs reach about 0.99). Grading trains it once more with another seed: make it reliable, not lucky.

# %% answer id=train_spiral
def train_spiral(rng):
    """Train an MLP on nnlib's 3-class spiral data.

    rng: np.random.Generator, the only source of randomness (data, initial weights, batch order).
    Returns predict(X) -> (M,) integer class labels for points X of shape (M, 2).
    """
    ### BEGIN SOLUTION
    X, y = spiral(rng, n_per_class=300)
    model = Sequential(Linear(2, 64, rng=rng), ReLU(), Linear(64, 64, rng=rng), ReLU(), Linear(64, 3, rng=rng))
    loss_fn = CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=1e-2)
    for epoch in range(200):
        for xb, yb in nnlib.data.minibatches(X, y, 64, rng):
            optimizer.zero_grad()
            loss_fn.forward(model.forward(xb), yb)
            model.backward(loss_fn.backward())
            optimizer.step()

    def predict(X_new):
        return model.forward(np.asarray(X_new, dtype=np.float32)).argmax(axis=1)

    return predict
    ### END SOLUTION

# %% tests id=test_train_spiral points=3
def _held_out_accuracy(predict, seed, n_per_class=200, dtype=np.float32):
    X_new, y_new = spiral(np.random.default_rng(seed), n_per_class=n_per_class, dtype=dtype)
    pred = np.asarray(call(predict, X_new))
    if pred.ndim == 2:  # scores instead of labels: take the argmax
        pred = pred.argmax(axis=1)
    assert_shape(pred, (len(y_new),), what="predict(X)", hint="predict(X) returns one label per row of X")
    return float(np.mean(pred == y_new))

TIME_LIMIT_S = 20
start = time.perf_counter()
predict = call(train_spiral, np.random.default_rng(0))
elapsed = time.perf_counter() - start
assert_true(callable(predict), what="the result of train_spiral", hint="train_spiral returns a function predict(X)")
acc = _held_out_accuracy(predict, seed=2024)
print(f"held-out accuracy {acc:.3f}, trained in {elapsed:.1f} s")
assert_true(acc >= 0.95, what=f"held-out accuracy {acc:.3f}",
            hint="below 0.95: train longer, use more data or a wider network (run the checklist of section 8)")
assert_true(elapsed < TIME_LIMIT_S, what=f"training time {elapsed:.1f} s",
            hint=f"training must finish in under {TIME_LIMIT_S} s: fewer epochs or points, or larger batches")
acc64 = _held_out_accuracy(predict, seed=7, dtype=np.float64)
assert_true(acc64 >= 0.95, what=f"accuracy on float64 points {acc64:.3f}", hint="predict must accept float64 input too")
### BEGIN HIDDEN TESTS
predict2 = call(train_spiral, np.random.default_rng(1))
acc2 = _held_out_accuracy(predict2, seed=99)
assert_true(acc2 >= 0.95, hint=f"with another seed the held-out accuracy is {acc2:.3f} < 0.95: make training reliable")
### END HIDDEN TESTS

# %% [markdown]
# The decision regions of your trained classifier:

# %%
try:
    predict_demo = train_spiral(np.random.default_rng(0))
    X_show, y_show = spiral(np.random.default_rng(5), n_per_class=150)
    decision_boundary(predict_demo, X_show, y_show)
    plt.title("train_spiral: decision regions on fresh points")
    plt.show()
except NotImplementedError:
    print("implement train_spiral above to see its decision regions")

# %% [markdown]
# ## 10. In your own words
#
# In section 6 the validation loss reached its minimum early while the training loss kept falling.
# (a) What is the network doing after that point, and why does the validation loss rise although the decision
# regions and the accuracy barely change? (b) Why do we choose the stopping epoch with the validation set and not
# with the test set? (c) In section 7 weight decay helped and dropout did not: name the difference between the two
# that explains it, and one more remedy for overfitting.

# %% [markdown] explain id=explain_overfitting points=2
# (a) It is overfitting: it keeps lowering the training loss by pushing its 90 training points towards probability
# 1, i.e. by growing its weights and its confidence, which does not carry over to new points. The regions hardly
# move, so the accuracy stays put, but the validation points it gets wrong it now gets wrong with high confidence;
# cross-entropy punishes confident mistakes heavily, so the validation loss rises.
#
# (b) Choosing anything (the epoch, the learning rate, the architecture) by looking at a data set makes the result on
# that set optimistically biased: we picked the value that happens to do best on it. The test set must stay untouched
# until the end so that its accuracy is an honest estimate for unseen data; the validation set is the one we "use up"
# for the choices.
#
# (c) Weight decay limits the size of the weights, and the overconfidence comes from large weights; dropout adds
# noise so that units cannot rely on each other, which helps in large layers with redundant features, not against
# growing confidence in a network with two inputs. Other remedies: more training data (or data augmentation), a
# smaller network, noise on the inputs, early stopping.
