# %% [markdown]
# # 08 · Backpropagation: the chain rule, layer by layer
#
# Training needs the gradient of the loss with respect to **every** weight. A network with a
# million weights would need a million forward passes if we nudged each weight and watched the loss.
# **Backpropagation** gets all of them in one backward pass that costs about as much as the
# forward pass. It is nothing but the chain rule, applied in the right order.
#
# Plan of the lesson:
# 1. the chain rule on a small computational graph (a figure);
# 2. a trustworthy referee: numerical gradients by central differences, and the relative error;
# 3. the backward pass of each building block: linear layer, ReLU, sigmoid, softmax + cross-entropy;
# 4. the gradients of a whole multi-layer network, checked against the referee.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
from nnlib import softmax, sigmoid, relu

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. The chain rule on a computational graph
#
# Write a computation as a graph of small operations. For one neuron with a squared-error loss:
#
# $$q = w x, \qquad z = q + b, \qquad a = \mathrm{relu}(z), \qquad L = (a - y)^2 .$$
#
# **Forward** (left to right) computes every node's value. **Backward** (right to left) computes
# $\partial L / \partial(\text{node})$ for every node, starting from $\partial L/\partial L = 1$. Each node only needs
# its own *local* derivative: the gradient arriving from above (the **upstream** gradient) times the local
# derivative gives the gradient to pass down,
#
# $$\frac{\partial L}{\partial x} = \frac{\partial L}{\partial q}\,\frac{\partial q}{\partial x}
#   \qquad\text{(downstream = upstream} \times \text{local).}$$
#
# With $x = 2$, $w = 1.5$, $b = -1$, $y = 1$: forward values in green, gradients in red.

# %%
def draw_graph():
    fig, ax = plt.subplots(figsize=(11, 3.8))
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 4.2)
    ax.axis("off")
    nodes = {  # name: (x, y, label, forward value, gradient)
        "x": (0.8, 3.2, "x", 2.0, 3.0), "w": (0.8, 1.9, "w", 1.5, 4.0), "b": (3.2, 0.7, "b", -1.0, 2.0),
        "q": (3.2, 2.55, "q = w·x", 3.0, 2.0), "z": (5.6, 1.9, "z = q + b", 2.0, 2.0),
        "a": (7.8, 1.9, "a = relu(z)", 2.0, 2.0), "L": (10.0, 1.9, "L = (a − y)²", 1.0, 1.0),
    }
    edges = [("x", "q"), ("w", "q"), ("q", "z"), ("b", "z"), ("z", "a"), ("a", "L")]
    for src, dst in edges:
        (x0, y0, *_), (x1, y1, *_) = nodes[src], nodes[dst]
        ax.annotate("", xy=(x1 - 0.75, y1), xytext=(x0 + 0.55, y0),
                    arrowprops=dict(arrowstyle="->", color="0.4", lw=1.5))
    for name, (x0, y0, label, value, grad) in nodes.items():
        ax.text(x0, y0, label, ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="round,pad=0.4", fc="#eef3fb", ec="#4a6fa5"))
        ax.text(x0, y0 + 0.48, f"{value:g}", ha="center", color="green", fontsize=11, fontweight="bold")
        ax.text(x0, y0 - 0.52, f"∂L/∂{name} = {grad:g}", ha="center", color="crimson", fontsize=10)
    ax.text(10.0, 3.0, "target y = 1", ha="center", fontsize=10, color="0.3")
    ax.text(5.5, 4.0, "forward: values (green) left to right · backward: gradients (red) right to left",
            ha="center", fontsize=10)
    plt.show()

draw_graph()

# %% [markdown]
# Reading the red numbers from right to left:
#
# * $\partial L/\partial a = 2(a - y) = 2$;
# * relu passes the gradient where $z > 0$: $\partial L/\partial z = 2 \cdot 1 = 2$;
# * an addition copies the upstream gradient to both inputs: $\partial L/\partial q = \partial L/\partial b = 2$;
# * a product swaps its inputs: $\partial L/\partial w = 2 \cdot x = 4$ and $\partial L/\partial x = 2 \cdot w = 3$.
#
# Every layer of a network is such a node, only with arrays instead of numbers.

# %% [markdown]
# ## 2. The referee: numerical gradients
#
# How do we know a hand-derived gradient is right? Compare it with the definition of the derivative.
# The **central difference**
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}$$
#
# has an error of order $\varepsilon^2$ (the forward difference $(f(x + \varepsilon e_i) - f(x))/\varepsilon$
# only $\varepsilon$), so with $\varepsilon = 10^{-6}$ in float64 it agrees with the true derivative to about
# 8 to 10 digits. It costs two evaluations of $f$ per entry: far too slow to train with, perfect to test with.
#
# **In place.** When we check a network, `f` is "run the network and return the loss", and it reads the
# weights from the network itself, not from its argument. So `numerical_gradient` must change the
# entries of `x` **in place** (`x[idx] = old + eps`), call `f(x)`, and afterwards put **exactly** the old
# value back. Save `old = x[idx]` and write it back; do not compute `x[idx] -= eps`, because in floating
# point `(v + eps) - eps` is not always `v`:

# %%
v = 0.7
w = v + 1e-6   # perturb up
w -= 2e-6      # perturb down
w += 1e-6      # "restore"
print("0.7 -> +eps, -2 eps, +eps gives back 0.7?", w == v, "  difference:", w - v)
v = 1e-6 / 3
print("(v + eps) - eps == v for v = 1e-6 / 3?", (v + 1e-6) - 1e-6 == v, "  difference:", (v + 1e-6) - 1e-6 - v)

# %% [markdown]
# ### Exercise 1: `numerical_gradient(f, x, eps=1e-6)`
#
# `f`: a function of the array `x` returning a scalar; `x`: a float array of any shape (1-D, 2-D, ...).
# For every entry (`np.ndindex(x.shape)` visits them all), set it to `old + eps`, evaluate `f(x)`,
# set it to `old - eps`, evaluate again, **restore `old`**, and store the central difference.
# Return an array of `x`'s shape. `x` must be left exactly as it was found.

# %% answer id=numerical_gradient
def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f with respect to the array x.

    f: callable, f(x) -> scalar; it may ignore its argument and read x itself.
    x: float array of any shape, perturbed IN PLACE one entry at a time and restored exactly.
    Returns an array of x's shape: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i.
    """
    ### BEGIN SOLUTION
    grad = np.zeros(x.shape, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + eps
        f_plus = float(f(x))
        x[idx] = old - eps
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad
    ### END SOLUTION

# %% tests id=test_numerical_gradient points=3
x = np.array([1.0, -2.0, 3.0])
g = call(numerical_gradient, lambda v: np.sum(v ** 2), x)
assert_float_array(g, hint="return a NumPy array of floats")
assert_close(g, [2.0, -4.0, 6.0], rtol=1e-6, hint="the gradient of sum(x**2) is 2x; use (f(x+eps) - f(x-eps)) / (2 eps)")
assert_close(x, [1.0, -2.0, 3.0], rtol=0, atol=0, what="x after the call",
             hint="x must be left exactly as found: save old = x[idx] and write it back after each perturbation")
### BEGIN HIDDEN TESTS
# f ignores its argument and reads a closure array: x must be perturbed IN PLACE
A = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
f_closure = lambda _ignored: float(np.sum(A ** 3))
g = call(numerical_gradient, f_closure, A)
assert_shape(g, (2, 3), hint="return an array of x's shape (2-D x gives a 2-D gradient)")
assert_close(g, 3 * np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]]) ** 2, rtol=1e-6,
             hint="perturb x itself (x[idx] = old + eps), not a copy: f may read x without using its argument")
# x left EXACTLY as found, also for values where (v + eps) - eps != v
B = np.array([0.7, 1.0 / 3.0, 2.5e-7, -0.3, 1e-6 / 3.0, 123.456])
assert_true(any((v + 1e-6) - 1e-6 != v for v in B) and any(((v + 1e-6) - 2e-6) + 1e-6 != v for v in B))
before = snapshot(B)
g = call(numerical_gradient, lambda v: float(np.sum(np.sin(v))), B)
assert_unchanged(before, [B], what="numerical_gradient",
                 hint="restore each entry by writing back the saved old value (x[idx] = old), "
                      "not by adding and subtracting eps (floating point does not round-trip)")
assert_close(g, np.cos([0.7, 1.0 / 3.0, 2.5e-7, -0.3, 1e-6 / 3.0, 123.456]), rtol=1e-6, atol=1e-9)
# central, not forward differences, and the eps argument is used: for x**3 the central
# difference is exactly 3 x^2 + eps^2
C = np.array([[1.0, 2.0], [-1.0, 0.5]])
g = call(numerical_gradient, lambda v: float(np.sum(v ** 3)), C, eps=0.1)
assert_close(g, 3 * C ** 2 + 0.1 ** 2, rtol=1e-6,
             hint="use the central difference (f(x+eps) - f(x-eps)) / (2 eps) with the eps argument")
# a scalar-valued f of a matrix, checked entry by entry
D = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
M = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
g = call(numerical_gradient, lambda W: float(np.sum(M @ W)), D)
assert_close(g, M.sum(axis=0)[:, None] * np.ones((3, 2)), rtol=1e-6, atol=1e-8,
             hint="every entry needs its own perturbation")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2: `relative_error(a, b)`
#
# Compare two gradients with a **relative** error, so that large and small gradients are judged alike:
#
# $$\mathrm{rel}(a, b) = \max_i \frac{|a_i - b_i|}{\max(|a_i| + |b_i|,\ 10^{-12})} .$$
#
# The floor $10^{-12}$ avoids $0/0$ where both are zero. Return a single number (the largest elementwise
# relative error). Rules of thumb in float64 with $\varepsilon = 10^{-6}$: around $10^{-7}$ or below the gradient is
# right (entries whose gradient is nearly 0 can reach $10^{-6}$ from round-off alone); above $10^{-3}$ something is wrong.

# %% answer id=relative_error
def relative_error(a, b):
    """Largest elementwise relative error between arrays a and b (same shape).

    Returns max over entries of |a - b| / max(|a| + |b|, 1e-12), as a scalar.
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))
    ### END SOLUTION

# %% tests id=test_relative_error points=1
assert_close(call(relative_error, np.array([1.0, 2.0]), np.array([1.0, 2.0])), 0.0, hint="equal arrays: 0")
assert_close(call(relative_error, np.array([1.0, 2.0]), np.array([1.0, 3.0])), 1 / 5,
             hint="|2 - 3| / (|2| + |3|) = 0.2 is the largest entry")
### BEGIN HIDDEN TESTS
# elementwise denominators, not one global one
a = np.array([1000.0, 1e-3])
b = np.array([1000.0, 2e-3])
before = snapshot(a, b)
assert_close(call(relative_error, a, b), 1e-3 / 3e-3, rtol=1e-6,
             hint="divide each |a_i - b_i| by its own |a_i| + |b_i|, then take the max")
assert_unchanged(before, [a, b], what="relative_error")
# both zero: 0, no nan, no warning
out = call(relative_error, np.array([0.0, 1.0]), np.array([0.0, 1.0]), warnings="fail",
           hint="use the floor: max(|a| + |b|, 1e-12), so 0 / 0 never happens")
assert_close(out, 0.0, hint="entries that are both 0 have relative error 0")
# one zero: relative error 1
assert_close(call(relative_error, np.array([0.0, 1.0]), np.array([1e-3, 1.0])), 1.0, rtol=1e-6,
             hint="|0 - b| / |b| = 1")
# tiny values below the floor
assert_close(call(relative_error, np.array([1e-14]), np.array([0.0])), 1e-14 / 1e-12, rtol=1e-6,
             hint="the denominator is max(|a| + |b|, 1e-12)")
# 2-D, symmetric in a and b, max not mean
A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[1.1, 2.0], [3.0, 4.0]])
assert_close(call(relative_error, A, B), 0.1 / 2.1, rtol=1e-6, hint="the MAXIMUM over entries, not the mean")
assert_close(call(relative_error, B, A), 0.1 / 2.1, rtol=1e-6)
# signs: |a| + |b|, not |a + b|
assert_close(call(relative_error, np.array([1.0]), np.array([-1.0])), 1.0, rtol=1e-6,
             hint="the denominator is |a| + |b| (here 2), not |a + b|")
### END HIDDEN TESTS

# %% [markdown]
# The referee at work on a function whose gradient we know, $f(x) = \sum_i \sin(x_i)\, x_i$ with
# $\nabla f = \cos(x) \odot x + \sin(x)$, and on a deliberately wrong gradient:

# %%
try:
    x = rng.normal(size=5)
    f = lambda v: np.sum(np.sin(v) * v)
    num = numerical_gradient(f, x)
    print("relative error, right gradient:", relative_error(np.cos(x) * x + np.sin(x), num))
    print("relative error, wrong gradient:", relative_error(np.cos(x) * x, num))
except NotImplementedError:
    print("implement numerical_gradient and relative_error above to see this")

# %% [markdown]
# ## 3. Backward through the building blocks
#
# ### The linear layer
# For a batch, $Y = X W^\top + b$ with $X$ `(N, in)`, $W$ `(out, in)`, $b$ `(out,)`, $Y$ `(N, out)`. Given the
# upstream gradient $G = \partial L/\partial Y$ `(N, out)`, and since $Y_{nj} = \sum_i X_{ni} W_{ji} + b_j$:
#
# $$\frac{\partial L}{\partial X} = G\,W \;\;\texttt{(N, in)}, \qquad
#   \frac{\partial L}{\partial W} = G^\top X \;\;\texttt{(out, in)}, \qquad
#   \frac{\partial L}{\partial b} = \sum_{n} G_{n,:} \;\;\texttt{(out,)} .$$
#
# A trick that always works: each gradient has the shape of its variable, and there is only one way to
# multiply `G` with the other factor to get that shape. The bias gradient **sums** over the batch
# (every sample used the same $b$).
#
# ### Exercise 3: `linear_backward(dout, X, W)`
# Return the tuple `(dX, dW, db)` for `dout` `(N, out)`, `X` `(N, in)`, `W` `(out, in)`, with the shapes above.

# %% answer id=linear_backward
def linear_backward(dout, X, W):
    """Backward pass of Y = X @ W.T + b.

    dout: (N, out) gradient of the loss wrt Y; X: (N, in); W: (out, in).
    Returns (dX, dW, db) with shapes (N, in), (out, in), (out,).
    """
    ### BEGIN SOLUTION
    dX = dout @ W
    dW = dout.T @ X
    db = dout.sum(axis=0)
    return dX, dW, db
    ### END SOLUTION

# %% tests id=test_linear_backward points=2
X = np.array([[1.0, 2.0], [3.0, 4.0]])
W = np.array([[1.0, 0.0], [0.0, 1.0]])
dout = np.array([[1.0, 0.0], [0.0, 1.0]])
dX, dW, db = call(linear_backward, dout, X, W)
assert_close(dX, [[1.0, 0.0], [0.0, 1.0]], hint="dX = dout @ W")
assert_close(dW, [[1.0, 2.0], [3.0, 4.0]], hint="dW = dout.T @ X, shape (out, in)")
assert_close(db, [1.0, 1.0], hint="db = dout summed over the batch (axis 0)")
### BEGIN HIDDEN TESTS
# non-square everything: N=4, in=3, out=2
rng_t = np.random.default_rng(5)
X = rng_t.normal(size=(4, 3))
W = rng_t.normal(size=(2, 3))
b = rng_t.normal(size=2)
dout = rng_t.normal(size=(4, 2))
before = snapshot(dout, X, W)
result = call(linear_backward, dout, X, W)
assert_true(len(result) == 3, hint="return a tuple (dX, dW, db)")
dX, dW, db = result
assert_shape(dX, (4, 3), hint="dX has X's shape (N, in)")
assert_shape(dW, (2, 3), hint="dW has W's shape (out, in): dout.T @ X, not X.T @ dout")
assert_shape(db, (2,), hint="db has shape (out,): sum over axis 0")
assert_close(dX, dout @ W, hint="dX = dout @ W")
assert_close(dW, dout.T @ X, hint="dW = dout.T @ X")
assert_close(db, dout.sum(axis=0), hint="db = dout.sum(axis=0) (a sum, not a mean)")
assert_unchanged(before, [dout, X, W], what="linear_backward")
# agrees with central differences of L = sum(G * (X W^T + b)) (float64)
def L_of(X_, W_, b_):
    return float(np.sum(dout * (X_ @ W_.T + b_)))
h = 1e-6
num_dW = np.zeros_like(W)
for idx in np.ndindex(W.shape):
    Wp, Wm = W.copy(), W.copy()
    Wp[idx] += h
    Wm[idx] -= h
    num_dW[idx] = (L_of(X, Wp, b) - L_of(X, Wm, b)) / (2 * h)
assert_close(dW, num_dW, rtol=1e-5, atol=1e-7, hint="dW must match the numerical gradient")
# a batch of one sample
dX1, dW1, db1 = call(linear_backward, dout[:1], X[:1], W)
assert_shape(dX1, (1, 3))
assert_close(dW1, np.outer(dout[0], X[0]), hint="for one sample dW is the outer product dout x X")
assert_close(db1, dout[0])
### END HIDDEN TESTS

# %% [markdown]
# ### ReLU and sigmoid
#
# An activation $a = \phi(z)$ acts elementwise, so its backward pass is an elementwise product of the
# upstream gradient with the local derivative:
#
# $$\frac{\partial L}{\partial z} = \frac{\partial L}{\partial a} \odot \phi'(z), \qquad
#   \mathrm{relu}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}, \qquad
#   \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) .$$
#
# At $z = 0$ ReLU has a kink; the convention (PyTorch's too) is derivative 0 there.
#
# ### Exercise 4: `relu_backward(dout, z)`
# `dout` and `z` have the same shape (any). Return `dout` where `z > 0` and 0 elsewhere (including `z == 0`).
# Do not modify `dout`.

# %% answer id=relu_backward
def relu_backward(dout, z):
    """Gradient of the loss wrt the pre-activation z of a ReLU.

    dout: upstream gradient wrt relu(z); z: pre-activation, same shape.
    Returns dout * (z > 0), same shape (0 where z <= 0).
    """
    ### BEGIN SOLUTION
    return np.where(z > 0, dout, 0.0)
    ### END SOLUTION

# %% tests id=test_relu_backward points=1
out = call(relu_backward, np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 2.0]))
assert_float_array(out, hint="return a NumPy array of floats")
assert_close(out, [0.0, 2.0, 3.0], hint="pass dout through where z > 0, 0 elsewhere (multiply by the upstream gradient)")
### BEGIN HIDDEN TESTS
# z == 0 gives 0
out = call(relu_backward, np.array([5.0, 5.0, 5.0]), np.array([0.0, -0.0, 1e-12]))
assert_close(out, [0.0, 0.0, 5.0], hint="the derivative at z == 0 is 0: use z > 0, not z >= 0")
# 2-D, negative upstream gradients, no mutation
dout = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]])
z = np.array([[1.0, -1.0, 0.0], [2.0, 3.0, -4.0]])
before = snapshot(dout, z)
out = call(relu_backward, dout, z)
assert_shape(out, (2, 3))
assert_close(out, [[-1.0, 0.0, 0.0], [4.0, -5.0, 0.0]],
             hint="the mask depends on z (not on dout): negative upstream gradients pass where z > 0")
assert_unchanged(before, [dout, z], what="relu_backward", hint="build a new array; do not zero entries of dout in place")
# float32
out = call(relu_backward, np.array([1.5, 2.5], dtype=np.float32), np.array([-1.0, 1.0], dtype=np.float32))
assert_float_array(out)
assert_close(out, [0.0, 2.5])
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5: `sigmoid_backward(dout, z)`
# Return `dout * s * (1 - s)` with `s = sigmoid(z)`, same shape as `z`. It must be stable: no overflow
# and no warning for `z = ±1000` (compute the sigmoid with `exp(-|z|)`, as in lesson 04; `np.where`
# evaluates **both** of its branches, so an unstable branch still warns).

# %% answer id=sigmoid_backward
def sigmoid_backward(dout, z):
    """Gradient of the loss wrt the pre-activation z of a sigmoid.

    dout: upstream gradient wrt sigmoid(z); z: pre-activation, same shape.
    Returns dout * s * (1 - s) with s = sigmoid(z); stable for z = +-1000.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return dout * s * (1.0 - s)
    ### END SOLUTION

# %% tests id=test_sigmoid_backward points=2
out = call(sigmoid_backward, np.array([1.0]), np.array([0.0]))
assert_close(out, [0.25], hint="sigmoid(0) = 0.5, so the local derivative is 0.5 * 0.5 = 0.25")
out = call(sigmoid_backward, np.array([2.0, 2.0]), np.array([1000.0, -1000.0]), warnings="fail",
           hint="compute sigmoid stably (with exp(-|z|)) so exp never overflows")
assert_close(out, [0.0, 0.0], atol=1e-12, hint="the sigmoid is flat far from 0: the gradient is 0")
### BEGIN HIDDEN TESTS
z = np.array([[-2.0, -0.5, 0.0], [0.5, 2.0, 10.0]])
dout = np.array([[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]])
s = 1.0 / (1.0 + np.exp(-z))
before = snapshot(dout, z)
out = call(sigmoid_backward, dout, z)
assert_shape(out, (2, 3))
assert_close(out, dout * s * (1 - s), rtol=1e-6,
             hint="dout * s * (1 - s) with s = sigmoid(z); z is the PRE-activation (do not use z * (1 - z))")
assert_unchanged(before, [dout, z], what="sigmoid_backward")
# extreme values mixed with ordinary ones, 2-D, no warning
zb = np.array([[-1000.0, 0.0], [1000.0, -30.0]])
out = call(sigmoid_backward, np.ones((2, 2)), zb, warnings="fail", hint="no overflow for z = +-1000")
assert_close(out, [[0.0, 0.25], [0.0, np.exp(-30.0) / (1 + np.exp(-30.0)) ** 2]], rtol=1e-6, atol=1e-15)
# float32
out = call(sigmoid_backward, np.array([1.0, 1.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32),
           warnings="fail")
assert_float_array(out)
assert_close(out, [0.25, np.exp(-1.0) / (1 + np.exp(-1.0)) ** 2], rtol=1e-5)
### END HIDDEN TESTS

# %% [markdown]
# ### Softmax and cross-entropy together
#
# The classification output is $p = \mathrm{softmax}(z)$ followed by the mean cross-entropy
# $L = -\frac1N \sum_n \log p_{n, y_n}$. Their **combined** gradient is strikingly simple. For one sample,
# $-\log p_y = -z_y + \log\sum_k e^{z_k}$, so
#
# $$\frac{\partial(-\log p_y)}{\partial z_c} = -[c = y] + \frac{e^{z_c}}{\sum_k e^{z_k}} = p_c - [c = y],$$
#
# and for the mean over a batch
#
# $$\frac{\partial L}{\partial Z} = \frac{\mathrm{softmax}(Z) - \mathrm{onehot}(y)}{N} \quad\texttt{(N, C)}.$$
#
# Each row sums to 0: the model is pushed up on the true class exactly as much as it is pushed down
# on the others.
#
# ### Exercise 6: `softmax_cross_entropy_backward(logits, labels)`
# `logits` `(N, C)`, `labels` `(N,)` integers. Return $(\mathrm{softmax}(Z) - \mathrm{onehot}(y))/N$, shape
# `(N, C)`. Use a stable softmax (logits of $\pm 1000$ must work without warnings); do not modify `logits`.

# %% answer id=softmax_cross_entropy_backward
def softmax_cross_entropy_backward(logits, labels):
    """Gradient of the mean cross-entropy of softmax(logits) wrt the logits.

    logits: (N, C); labels: (N,) integer classes.
    Returns (softmax(logits) - onehot(labels)) / N, shape (N, C).
    """
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=float)
    n = z.shape[0]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    grad = e / e.sum(axis=1, keepdims=True)
    grad[np.arange(n), labels] -= 1.0
    return grad / n
    ### END SOLUTION

# %% tests id=test_softmax_cross_entropy_backward points=2
out = call(softmax_cross_entropy_backward, np.array([[0.0, 0.0]]), np.array([0]))
assert_close(out, [[-0.5, 0.5]], hint="softmax([0, 0]) = [0.5, 0.5]; subtract 1 at the true class")
out = call(softmax_cross_entropy_backward, np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([0, 1]))
assert_close(out, [[-0.25, 0.25], [0.25, -0.25]], hint="divide by N, the number of samples (the loss is a mean)")
### BEGIN HIDDEN TESTS
# non-square, random, against the formula
rng_t = np.random.default_rng(9)
Z = rng_t.normal(size=(5, 3))
labels = np.array([2, 0, 1, 1, 2])
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
expected = (P - np.eye(3)[labels]) / 5
before = snapshot(Z, labels)
out = call(softmax_cross_entropy_backward, Z, labels)
assert_shape(out, (5, 3), hint="one gradient per logit: shape (N, C)")
assert_close(out, expected, rtol=1e-6, atol=1e-9, hint="(softmax(Z) - onehot(labels)) / N")
assert_unchanged(before, [Z, labels], what="softmax_cross_entropy_backward",
                 hint="compute the softmax into a new array; do not subtract the max from logits in place")
assert_close(np.asarray(out, dtype=float).sum(axis=1), np.zeros(5), atol=1e-12, hint="each row sums to 0")
# agrees with central differences of the mean cross-entropy
def ce(Zv):
    m = Zv.max(axis=1, keepdims=True)
    logp = Zv - m - np.log(np.exp(Zv - m).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(5), labels])
num = np.zeros_like(Z)
for idx in np.ndindex(Z.shape):
    Zp, Zm = Z.copy(), Z.copy()
    Zp[idx] += 1e-6
    Zm[idx] -= 1e-6
    num[idx] = (ce(Zp) - ce(Zm)) / 2e-6
assert_close(out, num, rtol=1e-5, atol=1e-9, hint="must match the numerical gradient of the MEAN cross-entropy")
# huge logits: stable, no warning
out = call(softmax_cross_entropy_backward, np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]),
           np.array([0, 0]), warnings="fail", hint="subtract each row's max before exp")
assert_close(out, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A whole network
#
# A ReLU MLP with layers $l = 1, \dots, L$ (weights $W_l$ `(out_l, in_l)`, biases $b_l$):
#
# $$h_0 = X, \qquad z_l = h_{l-1} W_l^\top + b_l, \qquad h_l = \mathrm{relu}(z_l) \ (l < L), \qquad
#   \text{logits} = z_L, \qquad \text{loss} = \mathrm{CE}(\text{logits}, y) .$$
#
# **Forward**: run the layers and *keep* every $h_{l-1}$ and $z_l$ (the backward pass needs them).
# **Backward**: start from $G = \partial\,\text{loss}/\partial z_L = (\mathrm{softmax}(z_L) - \mathrm{onehot}(y))/N$ and,
# for $l = L, \dots, 1$:
#
# $$\frac{\partial\,\text{loss}}{\partial W_l} = G^\top h_{l-1}, \qquad
#   \frac{\partial\,\text{loss}}{\partial b_l} = \textstyle\sum_n G_{n,:}, \qquad
#   G \leftarrow (G\,W_l) \odot [z_{l-1} > 0] \ \ (\text{for } l > 1) .$$
#
# No ReLU after the last layer: the logits go straight into the softmax cross-entropy.
#
# ### Exercise 7: `mlp_gradients(X, labels, weights, biases)`
# `X` `(N, in)`, `labels` `(N,)` integers, `weights` a list of arrays `(out_l, in_l)`, `biases` a list of `(out_l,)`
# (one or more layers). Return `(loss, dweights, dbiases)`: the mean cross-entropy (a scalar, computed
# stably) and two lists of gradients, each with the shape of its parameter. Write it self-contained (your own
# forward and backward loops; helpers defined inside the cell are fine). Do not modify the inputs.

# %% answer id=mlp_gradients
def mlp_gradients(X, labels, weights, biases):
    """Loss and gradients of a ReLU MLP with a softmax cross-entropy output.

    X: (N, in); labels: (N,) integers; weights[l]: (out_l, in_l); biases[l]: (out_l,).
    ReLU after every layer but the last; the last layer's outputs are the logits.
    Returns (loss, dweights, dbiases): the mean cross-entropy (scalar) and lists of
    gradients with the shapes of weights and biases.
    """
    ### BEGIN SOLUTION
    n = X.shape[0]
    inputs, pre = [], []
    h = X
    for l, (W, b) in enumerate(zip(weights, biases)):
        inputs.append(h)
        z = h @ W.T + b
        pre.append(z)
        h = np.maximum(z, 0.0) if l < len(weights) - 1 else z
    logits = h
    m = logits.max(axis=1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    loss = float(-np.mean(logp[np.arange(n), labels]))
    G = np.exp(logp)
    G[np.arange(n), labels] -= 1.0
    G /= n
    dweights = [None] * len(weights)
    dbiases = [None] * len(biases)
    for l in range(len(weights) - 1, -1, -1):
        dweights[l] = G.T @ inputs[l]
        dbiases[l] = G.sum(axis=0)
        if l > 0:
            G = (G @ weights[l]) * (pre[l - 1] > 0)
    return loss, dweights, dbiases
    ### END SOLUTION

# %% tests id=test_mlp_gradients points=3
def _ref_loss(X, labels, weights, biases):
    h = X
    for l, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if l < len(weights) - 1:
            h = np.maximum(h, 0.0)
    m = h.max(axis=1, keepdims=True)
    logp = h - m - np.log(np.exp(h - m).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(X)), labels])

def _num_grad(f, p, eps=1e-6):
    g = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + eps
        fp = f()
        p[idx] = old - eps
        fm = f()
        p[idx] = old
        g[idx] = (fp - fm) / (2 * eps)
    return g

def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))

def _check_network(sizes, n, seed, what):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, sizes[0]))
    labels = r.integers(0, sizes[-1], size=n)
    weights = [r.normal(0.0, 1.0 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [r.normal(0.0, 0.1, size=b) for b in sizes[1:]]
    before = snapshot(X, labels, *weights, *biases)
    result = call(mlp_gradients, X, labels, weights, biases)
    assert_true(len(result) == 3, hint="return a tuple (loss, dweights, dbiases)")
    loss, dW, db = result
    assert_unchanged(before, [X, labels, *weights, *biases], what="mlp_gradients")
    assert_close(loss, _ref_loss(X, labels, weights, biases), rtol=1e-8,
                 hint=f"{what}: the loss is the MEAN cross-entropy of the last layer's logits (no ReLU after the last layer)")
    assert_true(len(dW) == len(weights) and len(db) == len(biases),
                hint=f"{what}: one gradient per weight matrix and per bias vector")
    f = lambda: _ref_loss(X, labels, weights, biases)
    for l in range(len(weights)):
        assert_shape(dW[l], weights[l].shape, hint=f"{what}: dweights[{l}] has the shape of weights[{l}], (out, in)")
        assert_shape(db[l], biases[l].shape, hint=f"{what}: dbiases[{l}] has the shape of biases[{l}]")
        err_w = _rel(dW[l], _num_grad(f, weights[l]))
        err_b = _rel(db[l], _num_grad(f, biases[l]))
        assert_true(err_w < 1e-6, hint=f"{what}: dweights[{l}] differs from the numerical gradient "
                                       f"(relative error {err_w:.2e}); dW = G.T @ h_prev, and G goes back through W and the ReLU mask")
        assert_true(err_b < 1e-6, hint=f"{what}: dbiases[{l}] differs from the numerical gradient "
                                       f"(relative error {err_b:.2e}); db = G summed over the batch")

_check_network([4, 5, 3], n=6, seed=0, what="network 4-5-3")
### BEGIN HIDDEN TESTS
_check_network([3, 7, 6, 4, 2], n=9, seed=1, what="deeper network 3-7-6-4-2")
_check_network([5, 3], n=4, seed=2, what="a single layer (no hidden layer)")
_check_network([2, 16, 3], n=1, seed=3, what="a batch of one sample")
_check_network([6, 8, 8, 5], n=20, seed=4, what="network 6-8-8-5, 20 samples")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Putting the referee to work
#
# Your `mlp_gradients` checked by your `numerical_gradient` on a fresh network, parameter by parameter.
# Note how `f` ignores its argument: `numerical_gradient` changes the weight arrays in place and `f`
# simply re-runs the network on them.

# %%
try:
    r = np.random.default_rng(42)
    sizes = [3, 8, 8, 4]
    Xc = r.normal(size=(10, 3))
    yc = r.integers(0, 4, size=10)
    Wc = [r.normal(0, 1 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    bc = [np.full(b, 0.05) for b in sizes[1:]]
    loss, dW, db = mlp_gradients(Xc, yc, Wc, bc)
    f = lambda _: mlp_gradients(Xc, yc, Wc, bc)[0]
    print(f"loss = {loss:.6f}")
    for l in range(len(Wc)):
        print(f"layer {l}: relative error dW = {relative_error(dW[l], numerical_gradient(f, Wc[l])):.2e}, "
              f"db = {relative_error(db[l], numerical_gradient(f, bc[l])):.2e}")
except NotImplementedError:
    print("implement numerical_gradient, relative_error and mlp_gradients above to see this")

# %% [markdown]
# `nnlib` packs the same logic into modules: every `Linear`, `ReLU`, ... has a `backward` right next to its
# `forward`, and `nnlib.gradcheck.check_module` runs this very comparison on any module.

# %%
from nnlib import Sequential, Linear, ReLU
from nnlib.gradcheck import check_module

net = Sequential(Linear(3, 6, rng=np.random.default_rng(1)), ReLU(), Linear(6, 2, rng=np.random.default_rng(2)))
check_module(net, np.random.default_rng(3).normal(size=(5, 3)))
print("nnlib's Sequential passes the gradient check")

# %% [markdown]
# ## 6. In your own words
#
# (a) Why do we check gradients with **central** differences and in **float64**, and why is a numerical
# gradient never used to train? (b) Why must `numerical_gradient` perturb `x` in place and restore the
# saved value rather than add and subtract `eps`?

# %% [markdown] explain id=explain_gradient_check points=2
# (a) The central difference has a truncation error of order $\varepsilon^2$ (the forward difference only
# $\varepsilon$), so with $\varepsilon = 10^{-6}$ it is accurate to roughly $10^{-10}$; the round-off error of
# subtracting two nearly equal losses is about $10^{-16}/\varepsilon$ in float64 but $10^{-7}/\varepsilon$ in float32,
# which would swamp the comparison. A numerical gradient needs two full forward passes per parameter
# (two million passes for a million weights) where backprop needs one backward pass for all of them, so it
# is only a referee for small test networks.
#
# (b) A network's loss function reads its weights from the network itself, not from the argument we pass,
# so the only way to change what it computes is to change the weight array in place. Afterwards the
# network must be exactly as before, otherwise the next entries are checked on a slightly different network
# and the model we train afterwards is silently changed; in floating point `(v + eps) - eps` is not always `v`,
# so we save `old` and write it back.
