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
# 5. putting it all together on the spiral data set.

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

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
import nnlib
from nnlib import Sequential, Linear, ReLU, CrossEntropyLoss, SGD, Adam
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

g1, g2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2.5, 2.5, 200))
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].contour(g1, g2, f_quad(np.array([g1, g2])), levels=20, cmap="Greys", linewidths=0.7)
for lr, color in [(0.02, "tab:blue"), (0.15, "tab:green"), (0.205, "tab:red")]:
    path = gradient_descent(lr)
    axes[0].plot(path[:, 0], path[:, 1], ".-", color=color, label=f"lr = {lr}")
    axes[1].semilogy([f_quad(w) for w in path], ".-", color=color, label=f"lr = {lr}")
axes[0].set_xlim(-5, 5)
axes[0].set_ylim(-2.5, 2.5)
axes[0].set_title("30 steps of gradient descent")
axes[0].legend()
axes[1].set_xlabel("step")
axes[1].set_ylabel("f(w) (log scale)")
axes[1].set_title("loss per step")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Blue crawls, green zig-zags across the valley but arrives, red (just above 0.2) bounces further out
# at every step. In practice one tries learning rates on a log scale (0.3, 0.1, 0.03, ...) and keeps the
# largest one that still decreases the loss steadily.
#
# ## 2. Updating parameters in place
#
# A network's weights live inside its layers; the optimizer receives a **list of those very arrays**
# and must change them **in place**, so that the network sees the new values:
#
# ```python
# p -= lr * g        # in place: the array object the layer holds is changed
# p[...] = p - lr * g   # in place too
# p = p - lr * g     # NOT in place: makes a new array, the layer never sees it
# params[i] = ...    # NOT in place either: replaces the list entry, not the layer's array
# ```
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
call(sgd_update, params, [np.ones((2, 2)), np.array([1.0, -1.0])], 0.1)
assert_close(W, [[0.9, 1.9], [2.9, 3.9]], what="W after the update",
             hint="update the arrays in place (p -= lr * g): the layer holds these very arrays")
assert_close(b, [0.4, -0.4], what="b after the update", hint="every parameter in the list is updated")
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
    assert_close(P[i], ref[i], rtol=1e-9, what=f"params[{i}] after 3 steps", hint="p -= lr * g for every parameter")
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
# Shuffle **indices**, not the data itself: one permutation `perm = rng.permutation(n)`, then
# `X[perm[i:i + batch_size]]` and `y[perm[i:i + batch_size]]` keep every sample with its label.
#
# ### Exercise 2: `minibatches(X, y, batch_size, rng)`
# `X` `(N, ...)`, `y` `(N, ...)`. Return (or `yield`) a sequence of `(X_batch, y_batch)` pairs that visits every
# sample **exactly once**, in a random order drawn from `rng`, in batches of `batch_size` rows; the last batch
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
X = np.arange(20.0).reshape(10, 2)
y = np.arange(10)
batches = list(call(minibatches, X, y, 4, np.random.default_rng(0)))
assert_equal([len(yb) for _, yb in batches], [4, 4, 2],
             hint="batches of batch_size, the last one with the remaining samples (do not drop it)")
seen = np.concatenate([np.asarray(yb) for _, yb in batches])
assert_equal(sorted(seen.tolist()), list(range(10)), hint="every sample exactly once per pass")
for xb, yb in batches:
    assert_close(xb, X[np.asarray(yb)], hint="X_batch and y_batch must stay aligned: index both with the same indices")
### BEGIN HIDDEN TESTS
n = 1000
X = np.stack([np.arange(n, dtype=float), -np.arange(n, dtype=float)], axis=1)
y = np.arange(n)
before = snapshot(X, y)
batches = list(call(minibatches, X, y, 64, np.random.default_rng(1)))
assert_unchanged(before, [X, y], what="minibatches", hint="shuffle indices (rng.permutation), not X and y in place")
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
assert_true(np.array_equal(order, order2), hint="draw the permutation from rng (rng.permutation), not np.random")
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
# $\eta\,\mathrm{sign}(g)$ for every parameter.
#
# ### Exercise 3: `momentum_update(params, grads, velocities, lr, beta=0.9)`
# Lists of arrays, pairwise of the same shapes. Update `velocities` **and** `params` in place:
# first $v \leftarrow \beta v + g$, then $p \leftarrow p - \eta v$. Return `None`.

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
call(momentum_update, [p], [np.array([1.0, -1.0])], [v], 0.1)
assert_close(v, [1.0, -1.0], what="velocity after step 1", hint="v = beta * v + g, updated in place")
assert_close(p, [0.9, 2.1], what="param after step 1", hint="p -= lr * v")
call(momentum_update, [p], [np.array([1.0, -1.0])], [v], 0.1)
assert_close(v, [1.9, -1.9], what="velocity after step 2", hint="v = 0.9 * v + g (PyTorch's form, no (1 - beta) factor)")
assert_close(p, [0.71, 2.29], what="param after step 2", hint="step with the NEW velocity")
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
                 hint="use the beta argument: v = beta * v + g, in place (v *= beta; v += g)")
    assert_close(P[i], ref_p[i], rtol=1e-9, what=f"params[{i}] after 4 steps")
# default beta is 0.9
p1, v1 = np.array([0.0]), np.array([1.0])
call(momentum_update, [p1], [np.array([0.0])], [v1], 1.0)
assert_close(v1, [0.9], what="velocity with the default beta", hint="the default beta is 0.9")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4: `adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)`
# `params`, `grads`, `m`, `v`: lists of arrays of matching shapes (`m` and `v` start as zeros); `t` is the number of
# this step, **starting at 1**. Update `m`, `v` and `params` in place (write into the arrays: `m_i *= beta1`,
# `m_i += ...`, or `m_i[...] = ...`) following the formulas above, with bias correction. Return `None`.

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
call(adam_update, [p], [np.array([0.5, -2.0, 10.0])], [m], [v], 1, lr=0.1)
assert_close(p, [0.9, 1.1, 0.9], rtol=1e-6, what="param after the first step",
             hint="at t = 1 bias correction gives m_hat = g and v_hat = g^2, so the step is lr * sign(g)")
assert_close(m, [0.05, -0.2, 1.0], what="m after the first step", hint="m = beta1 * m + (1 - beta1) * g, in place")
assert_close(v, 0.001 * np.array([0.25, 4.0, 100.0]), what="v after the first step",
             hint="v = beta2 * v + (1 - beta2) * g**2, in place")
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
                 hint="bias-correct with 1 - beta ** t, t counting from 1, and step lr * m_hat / (sqrt(v_hat) + eps)")
# a zero gradient: no nan (eps), no warning, no movement
p0 = np.array([1.0, 2.0])
call(adam_update, [p0], [np.zeros(2)], [np.zeros(2)], [np.zeros(2)], 1, warnings="fail",
     hint="add eps to the denominator so that 0 / 0 never happens")
assert_close(p0, [1.0, 2.0], what="param after a zero gradient", hint="a zero gradient leaves the parameter where it is")
# defaults: lr=1e-3, first step = lr * sign(g)
p1 = np.array([0.0, 0.0])
call(adam_update, [p1], [np.array([3.0, -0.2])], [np.zeros(2)], [np.zeros(2)], 1)
assert_close(p1, [-1e-3, 1e-3], rtol=1e-5, what="param with the default lr", hint="the default learning rate is 1e-3")
### END HIDDEN TESTS

# %% [markdown]
# The three optimizers with your update functions on a **narrower** valley, $f(w) = \tfrac12(w_1^2 + 50\,w_2^2)$,
# 60 steps each (every "parameter list" holds one array of two numbers). Plain SGD must keep its learning rate below
# $2/50$ because of the steep direction, so it crawls along the flat one. Momentum builds up speed along the valley
# while the zig-zags across it cancel. Adam rescales each coordinate by its own gradient size and heads almost
# straight for the minimum; with a constant learning rate it then hovers around it at the scale of its step.

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
    for kind in ["SGD, lr 0.035", "momentum, lr 0.02, beta 0.8", "Adam, lr 0.3"]:
        path = run_optimizer(kind)
        plt.plot(path[:, 0], path[:, 1], ".-", markersize=3, label=f"{kind}: f = {f_narrow(path[-1]):.1e}")
    plt.legend(fontsize=8)
    plt.title("60 steps of each optimizer (f after 60 steps in the legend)")
    plt.show()
except NotImplementedError:
    plt.close("all")
    print("implement sgd_update, momentum_update and adam_update above to see this figure")

# %% [markdown]
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
# exactly `round(n * val_fraction)` validation and `round(n * test_fraction)` test samples (`n = len(X)`); the rest
# is the training set. The three parts are disjoint, together cover every sample, and each `X` part stays aligned
# with its `y` part. Do not modify `X` or `y`.

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
X = np.arange(200.0).reshape(100, 2)
y = np.arange(100)
parts = call(train_val_test_split, X, y, 0.2, 0.1, np.random.default_rng(0))
assert_true(len(parts) == 6, hint="return (X_train, X_val, X_test, y_train, y_val, y_test)")
X_tr, X_va, X_te, y_tr, y_va, y_te = parts
assert_equal([len(y_tr), len(y_va), len(y_te)], [70, 20, 10],
             hint="round(n * val_fraction) validation, round(n * test_fraction) test, the rest for training")
assert_equal(sorted(np.concatenate([y_tr, y_va, y_te]).tolist()), list(range(100)),
             hint="the parts are disjoint and cover every sample")
### BEGIN HIDDEN TESTS
for Xp, yp, name in [(X_tr, y_tr, "train"), (X_va, y_va, "validation"), (X_te, y_te, "test")]:
    assert_close(np.asarray(Xp)[:, 0], 2 * np.asarray(yp), what=f"X_{name}",
                 hint="X and y must be split with the same indices (stay aligned); order: X_train, X_val, X_test, y_train, y_val, y_test")
# shuffled, not the first/last rows
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
# rounding: round(), not int() (7 * 0.25 = 1.75 -> 2)
parts = call(train_val_test_split, np.arange(14.0).reshape(7, 2), np.arange(7), 0.25, 0.4, np.random.default_rng(2))
assert_equal([len(parts[3]), len(parts[4]), len(parts[5])], [2, 2, 3],
             hint="use round(n * fraction): 7 * 0.25 = 1.75 -> 2 validation and 7 * 0.4 = 2.8 -> 3 test "
                  "(int() would truncate), the remaining 2 for training")
# same seed, same split
a = call(train_val_test_split, X, y, 0.15, 0.25, np.random.default_rng(1))
assert_true(np.array_equal(a[5], y_te), hint="draw the permutation from rng, not np.random")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 6: `accuracy(scores, labels)`
# `scores` `(N, C)` (logits or probabilities), `labels` `(N,)` integers. Return the fraction of rows whose largest
# score is at the true label, a number in $[0, 1]$.

# %% answer id=accuracy
def accuracy(scores, labels):
    """Fraction of rows of scores (N, C) whose argmax equals labels (N,), as a float."""
    ### BEGIN SOLUTION
    return float(np.mean(np.argmax(scores, axis=1) == labels))
    ### END SOLUTION

# %% tests id=test_accuracy points=1
S = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
assert_close(call(accuracy, S, np.array([1, 0, 0, 0])), 0.75, hint="3 of the 4 rows have their argmax at the label")
### BEGIN HIDDEN TESTS
# non-square, N < C and N > C
S = np.array([[1.0, 5.0, 2.0, 0.0, -1.0], [3.0, 0.0, 0.0, 0.0, 0.0]])
assert_close(call(accuracy, S, np.array([1, 1])), 0.5, hint="argmax along axis=1 (per row)")
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
# 300 epochs and watch the loss on the training set and on a separate validation set. `tqdm` shows a progress bar;
# after every epoch we keep a copy of the model if its validation loss is the best so far: that is **early stopping**
# (stop, or at least keep, the model at the epoch where the validation loss was lowest).

# %%
from tqdm.auto import tqdm

r = np.random.default_rng(0)
X_small, y_small = spiral(r, n_per_class=30, noise=0.4)
X_valid, y_valid = spiral(np.random.default_rng(1), n_per_class=200, noise=0.4)
big = Sequential(Linear(2, 128, rng=r), ReLU(), Linear(128, 128, rng=r), ReLU(), Linear(128, 3, rng=r))
loss_fn, opt = CrossEntropyLoss(), Adam(big.parameters(), lr=1e-2)
train_curve, val_curve = [], []
best_val, best_epoch, best_model = np.inf, -1, None
for epoch in tqdm(range(300), desc="training"):
    h = nnlib.train.fit(big, loss_fn, opt, X_small, y_small, epochs=1, batch_size=32, rng=r,
                        X_val=X_valid, y_val=y_valid, progress=False)
    train_curve.append(h.loss[-1])
    val_curve.append(h.val_loss[-1])
    if h.val_loss[-1] < best_val:
        best_val, best_epoch, best_model = h.val_loss[-1], epoch, copy.deepcopy(big)

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
axes[0].plot(train_curve, label="training loss")
axes[0].plot(val_curve, label="validation loss")
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
print(f"validation loss: best {best_val:.3f} at epoch {best_epoch}, final {val_curve[-1]:.3f}")

# %% [markdown]
# The training loss keeps falling while the validation loss turns around: from then on the network fits the
# noise of its 90 points (look at the little islands in the last panel), and its predictions on new points get
# more confidently wrong. Early stopping keeps the model from the bottom of the validation curve. (More data,
# a smaller network, or regularisation such as weight decay are the other cures.)

# %% [markdown]
# ## 7. Putting it together: `train_spiral`
#
# ### Exercise 7: `train_spiral(rng)`
# Train a classifier for the 3-class spiral and return a **predict function**: `predict(X)` takes points `(M, 2)`
# (float32 or float64) and returns their predicted class labels `(M,)` (integers 0, 1, 2).
#
# * Make your own training data with `spiral(rng, n_per_class=...)` (default noise); choose how many points.
# * Build an MLP with `nnlib` modules (`Sequential`, `Linear(..., rng=rng)`, `ReLU`), use `CrossEntropyLoss`, and an
#   optimizer: your `adam_update`/`momentum_update` on the arrays `p.data`/`p.grad` of `model.parameters()`, or
#   nnlib's twins `Adam`/`SGD`; iterate with your `minibatches` or `nnlib.data.minibatches`.
# * Use only `rng` for randomness; no progress bar inside the function.
#
# The grader trains it once and measures the accuracy on fresh spiral points drawn with a **different** seed: it
# must reach **at least 0.95**, and training must take well under 20 s (about 1 s is plenty: 900 points, a
# 2-64-64-3 network, Adam with `lr=1e-2`, batches of 64, 200 epochs reach about 0.99).

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
    assert_shape(pred, (len(y_new),), hint="predict(X) returns one label per row of X")
    return float(np.mean(pred == y_new))

start = time.perf_counter()
predict = call(train_spiral, np.random.default_rng(0))
elapsed = time.perf_counter() - start
assert_true(callable(predict), hint="train_spiral returns a function predict(X)")
acc = _held_out_accuracy(predict, seed=2024)
assert_true(acc >= 0.95, hint=f"held-out accuracy {acc:.3f} is below 0.95: train longer, use more data or a wider network")
print(f"held-out accuracy {acc:.3f}, trained in {elapsed:.1f} s")
### BEGIN HIDDEN TESTS
assert_true(elapsed < 60, hint=f"training took {elapsed:.0f} s; it should take well under 20 s")
acc64 = _held_out_accuracy(predict, seed=7, dtype=np.float64)
assert_true(acc64 >= 0.95, hint=f"accuracy on float64 points {acc64:.3f}: predict must accept float64 input")
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
# ## 8. In your own words
#
# In section 6 the validation loss reached its minimum early while the training loss kept falling.
# (a) What is the network doing after that point? (b) Why do we choose the stopping epoch with the validation
# set and not with the test set? (c) Name one other remedy besides early stopping.

# %% [markdown] explain id=explain_overfitting points=2
# (a) It is overfitting: it keeps lowering the training loss by fitting the noise and the individual positions of its
# 90 training points (the small islands in the decision regions), which does not carry over to new points; on those it
# becomes more confidently wrong, so the validation loss rises.
#
# (b) Choosing anything (the epoch, the learning rate, the architecture) by looking at a data set makes the result on
# that set optimistically biased: we picked the value that happens to do best on it. The test set must stay untouched
# until the end so that its accuracy is an honest estimate for unseen data; the validation set is the one we "use up"
# for the choices.
#
# (c) More training data (or data augmentation), a smaller network, weight decay (L2 regularisation), dropout, or
# noise on the inputs.
