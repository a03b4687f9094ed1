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
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=08_backprop` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/08_backprop.ipynb`.

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
    return nodes

drawn = draw_graph()

# The drawn numbers, recomputed: forward values, and each gradient by the chain rule and by central differences.
x_, w_, b_, y_ = 2.0, 1.5, -1.0, 1.0
q_ = w_ * x_; z_ = q_ + b_; a_ = max(z_, 0.0); L_ = (a_ - y_) ** 2
dL_da = 2 * (a_ - y_); dL_dz = dL_da * (z_ > 0); dL_dq = dL_db = dL_dz
chain = {"x": dL_dq * w_, "w": dL_dq * x_, "b": dL_db, "q": dL_dq, "z": dL_dz, "a": dL_da, "L": 1.0}
loss_of = lambda x, w, b: (max(w * x + b, 0.0) - y_) ** 2
central = {"x": (loss_of(x_ + 1e-6, w_, b_) - loss_of(x_ - 1e-6, w_, b_)) / 2e-6,
           "w": (loss_of(x_, w_ + 1e-6, b_) - loss_of(x_, w_ - 1e-6, b_)) / 2e-6,
           "b": (loss_of(x_, w_, b_ + 1e-6) - loss_of(x_, w_, b_ - 1e-6)) / 2e-6}
print("forward:", {"q": q_, "z": z_, "a": a_, "L": L_})
print("chain rule:", chain, " central differences:", {k: round(v, 6) for k, v in central.items()})
assert all(drawn[k][3] == v for k, v in {"x": x_, "w": w_, "b": b_, "q": q_, "z": z_, "a": a_, "L": L_}.items())
assert all(drawn[k][4] == v for k, v in chain.items()) and all(abs(central[k] - chain[k]) < 1e-6 for k in central)

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
# has a truncation error of order $\varepsilon^2$ (the forward difference $(f(x + \varepsilon e_i) - f(x))/\varepsilon$
# only of order $\varepsilon$). It costs two evaluations of $f$ per entry: far too slow to train with, perfect to
# test with. How close it gets in float64 is measured below (the demo after Exercise 2).
#
# **In place.** When we check a network, `f` is "run the network and return the loss", and it reads the
# weights from the network itself, not from its argument. So `numerical_gradient` must change the
# entries of `x` **in place**, call `f(x)`, and afterwards leave every entry **exactly** as it was: bit for bit.
# Undoing a perturbation by arithmetic does not do that, because in floating point `(v + eps) - eps` is not
# always `v`:

# %%
v = 0.7
w = v + 1e-6   # perturb up
w -= 2e-6      # perturb down
w += 1e-6      # "restore" by arithmetic
print("0.7 -> +eps, -2 eps, +eps gives back 0.7?", w == v, "  difference:", w - v)
assert w != v
v = 1e-6 / 3
print("(v + eps) - eps == v for v = 1e-6 / 3?", (v + 1e-6) - 1e-6 == v, "  difference:", (v + 1e-6) - 1e-6 - v)
assert (v + 1e-6) - 1e-6 != v

# %% [markdown]
# ### Exercise 1: `numerical_gradient(f, x, eps=1e-6)`
#
# `f`: a function of the array `x` returning a scalar; `x`: a float array of any shape (1-D, 2-D, ...).
# For every entry (`np.ndindex(x.shape)` visits them all), evaluate `f` with that entry moved up by `eps` and
# with it moved down by `eps`, store the central difference, and put the entry back **exactly** as it was
# before moving on. Return an array of `x`'s shape. The test cell checks all of this: the value, the shape,
# the `eps` you are given, an `f` that ignores its argument and reads the array itself, and `x` left as found.

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
# the value: the gradient of sum(x**2) is 2x
x = np.array([1.0, -2.0, 3.0])
g = call(numerical_gradient, lambda v: np.sum(v ** 2), x)
assert_float_array(g, hint="return a NumPy array of floats")
assert_close(g, [2.0, -4.0, 6.0], rtol=1e-6,
             hint="expected 2x for f = sum(x**2); revisit the central difference of section 2")
# central differences with the eps you are given: for sum(x**3) and eps = 0.1 the central difference
# is exactly 3 x^2 + eps^2 (a forward difference gives 3 x^2 + 3 x eps + eps^2)
C = np.array([[1.0, 2.0], [-1.0, 0.5]])
g = call(numerical_gradient, lambda v: float(np.sum(v ** 3)), C, eps=0.1)
assert_shape(g, (2, 2), hint="return an array of x's shape: a 2-D x gives a 2-D gradient")
assert_close(g, [[3.01, 12.01], [3.01, 0.76]], rtol=1e-6,
             hint="with eps=0.1 the central difference of sum(x**3) is 3 x^2 + 0.01; use the eps argument and "
                  "step both up and down")
# f ignores its argument and reads the array itself (as a network reads its own weights)
A = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
g = call(numerical_gradient, lambda _ignored: float(np.sum(A ** 3)), A)
assert_shape(g, (2, 3), hint="return an array of x's shape")
assert_close(g, [[0.75, 6.75, 12.0], [3.0, 0.1875, 1.6875]], rtol=1e-6,
             hint="this f never looks at its argument, it reads A itself: perturb the entries of x itself, "
                  "not of a copy (section 2, 'In place')")
# x is left exactly as found, also for values where (v + eps) - eps != v
B = np.array([0.7, 1.0 / 3.0, 2.5e-7, -0.3, 1e-6 / 3.0, 123.456])
assert_true(any((v + 1e-6) - 1e-6 != v for v in B) and any(((v + 1e-6) - 2e-6) + 1e-6 != v for v in B))
before = snapshot(B)
g = call(numerical_gradient, lambda v: float(np.sum(np.sin(v))), B)
assert_unchanged(before, [B], what="numerical_gradient",
                 hint="x must end bit for bit as it started; section 2 shows why undoing a step by arithmetic "
                      "does not do that: keep a copy of each entry's value and put that copy back")
assert_close(g, np.cos(B), rtol=1e-6, atol=1e-9, hint="the derivative of sum(sin(x)) is cos(x)")
### BEGIN HIDDEN TESTS
# f ignores its argument: a 3-D array read from the closure
T = np.array([[[0.2, -0.4], [1.5, 2.0]], [[-1.0, 0.3], [0.6, -2.5]]])
g = call(numerical_gradient, lambda _: float(np.sum(np.exp(0.5 * T))), T)
assert_shape(g, (2, 2, 2), hint="return an array of x's shape (a 3-D x gives a 3-D gradient)")
assert_close(g, 0.5 * np.exp(0.5 * np.array([[[0.2, -0.4], [1.5, 2.0]], [[-1.0, 0.3], [0.6, -2.5]]])), rtol=1e-6,
             hint="perturb x itself, not a copy: f may read x without using its argument")
# x left exactly as found, other values (again ones where arithmetic does not round-trip)
B = np.array([[0.1, 2.0 / 3.0, 5e-7], [-0.9, 7.25e-7, 3.3]])
assert_true(any((v + 1e-6) - 1e-6 != v for v in B.ravel()) and any(((v + 1e-6) - 2e-6) + 1e-6 != v for v in B.ravel()))
before = snapshot(B)
g = call(numerical_gradient, lambda v: float(np.sum(v ** 2)), B)
assert_unchanged(before, [B], what="numerical_gradient")
assert_close(g, 2 * B, rtol=1e-6, atol=1e-6)
# central differences with another eps: sum(x**3) gives 3 x^2 + eps^2 exactly
C = np.array([0.5, -2.0, 1.5])
g = call(numerical_gradient, lambda v: float(np.sum(v ** 3)), C, eps=0.05)
assert_close(g, 3 * C ** 2 + 0.05 ** 2, rtol=1e-6,
             hint="use the central difference with the eps argument")
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
# Compare two gradients with a **relative** error, so that large and small gradients are judged alike. This
# course uses one definition everywhere (the tests, the demos and `nnlib.gradcheck.relative_error`):
#
# $$\mathrm{rel}(a, b) = \max_i \frac{|a_i - b_i|}{\max(|a_i| + |b_i|,\ 10^{-12})} .$$
#
# Each entry gets its own denominator, and the answer is the largest entry's relative error, a single number.
# The floor $10^{-12}$ avoids $0/0$ where both entries are zero (their relative error is 0).
# Do not modify `a` or `b`.

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
assert_close(call(relative_error, np.array([1.0, 2.0]), np.array([1.0, 2.0])), 0.0,
             hint="equal arrays have relative error 0")
assert_close(call(relative_error, np.array([1.0, 2.0]), np.array([1.0, 3.0])), 0.2,
             hint="expected 0.2: the second entries differ by 1 and their magnitudes add up to 5; "
                  "the answer is the LARGEST entry's relative error")
assert_close(call(relative_error, np.array([2.0, 1.0]), np.array([2.0, -1.0])), 1.0,
             hint="expected 1.0: the second entries differ by 2 and their magnitudes add up to 2 (magnitudes, "
                  "not the magnitude of the sum)")
# each entry has its own denominator; a and b stay as they were
a = np.array([1000.0, 1e-3])
b = np.array([1000.0, 2e-3])
before = snapshot(a, b)
assert_close(call(relative_error, a, b), 1 / 3, rtol=1e-6,
             hint="expected 1/3, from the small entries (1e-3 against 2e-3): divide each entry's difference "
                  "by that entry's own magnitudes, then take the largest")
assert_unchanged(before, [a, b], what="relative_error")
# entries that are both zero: relative error 0 (the floor keeps 0 / 0 away)
out = call(relative_error, np.array([0.0, 1.0]), np.array([0.0, 1.0]),
           hint="where both entries are 0 the denominator is the floor 1e-12, so 0 / 0 never happens")
assert_close(out, 0.0, hint="entries that are both 0 agree perfectly: relative error 0")
### BEGIN HIDDEN TESTS
a = np.array([5e-4, 7.0, -3.0])
b = np.array([1e-3, 7.0, -3.0])
before = snapshot(a, b)
assert_close(call(relative_error, a, b), 5e-4 / 1.5e-3, rtol=1e-6,
             hint="each entry is divided by its own magnitudes")
assert_unchanged(before, [a, b], what="relative_error")
out = call(relative_error, np.zeros((2, 2)), np.zeros((2, 2)), hint="use the 1e-12 floor")
assert_close(out, 0.0)
# one zero: relative error 1
assert_close(call(relative_error, np.array([0.0, 1.0]), np.array([1e-3, 1.0])), 1.0, rtol=1e-6)
# tiny values below the floor
assert_close(call(relative_error, np.array([1e-14]), np.array([0.0])), 1e-14 / 1e-12, rtol=1e-6,
             hint="the floor of the denominator is 1e-12")
# 2-D, symmetric in a and b, max not mean
A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[1.1, 2.0], [3.0, 4.0]])
assert_close(call(relative_error, A, B), 0.1 / 2.1, rtol=1e-6, hint="the MAXIMUM over entries, not the mean")
assert_close(call(relative_error, B, A), 0.1 / 2.1, rtol=1e-6)
# signs: magnitudes add up
assert_close(call(relative_error, np.array([1.0]), np.array([-1.0])), 1.0, rtol=1e-6,
             hint="the denominator adds the two magnitudes (here 2)")
### END HIDDEN TESTS

# %% [markdown]
# The referee at work on a function whose gradient we know, $f(x) = \sum_i \sin(x_i)\, x_i$ with
# $\nabla f = \cos(x) \odot x + \sin(x)$, and on a deliberately wrong gradient. With $\varepsilon = 10^{-6}$ in
# float64 the right gradient agrees to about 10 digits (relative error below $10^{-8}$); the wrong one is off
# by more than $10^{-3}$, the rule-of-thumb line above which a gradient is wrong.

# %%
try:
    x = rng.normal(size=5)
    f = lambda v: np.sum(np.sin(v) * v)
    num = numerical_gradient(f, x)
    err_right = relative_error(np.cos(x) * x + np.sin(x), num)
    err_wrong = relative_error(np.cos(x) * x, num)
    print(f"relative error, right gradient: {err_right:.2e}")
    print(f"relative error, wrong gradient: {err_wrong:.2e}")
    assert err_right < 1e-8 and err_wrong > 1e-3, "your numerical_gradient or relative_error disagrees with the text"
except NotImplementedError:
    print("implement numerical_gradient and relative_error above to see this")

# %% [markdown]
# ## 3. Backward through the building blocks
#
# ### The linear layer: derive it yourself
# For a batch, $Y = X W^\top + b$ with $X$ `(N, in)`, $W$ `(out, in)`, $b$ `(out,)`, $Y$ `(N, out)`. Entry by entry,
#
# $$Y_{nj} = \sum_i X_{ni} W_{ji} + b_j .$$
#
# The upstream gradient is $G = \partial L/\partial Y$ `(N, out)`. A weight $W_{ji}$ appears in every $Y_{nj}$ with the
# same $j$ (one per sample $n$), each time multiplied by $X_{ni}$; the chain rule adds up those paths. The same
# reasoning for $X_{ni}$ (it appears in $Y_{nj}$ for every $j$) and for $b_j$ gives the **index form**:
#
# $$\frac{\partial L}{\partial W_{ji}} = \sum_n G_{nj}\, X_{ni}, \qquad
#   \frac{\partial L}{\partial X_{ni}} = \sum_j G_{nj}\, W_{ji}, \qquad
#   \frac{\partial L}{\partial b_j} = \sum_n G_{nj} .$$
#
# **A worked example.** $N = 2$ samples, $2$ inputs, $1$ output:
# $X = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$, $W = \begin{pmatrix} 0.5 & -1 \end{pmatrix}$, $b = (0)$ and
# $G = \begin{pmatrix} 1 \\ 2 \end{pmatrix}$. Then
#
# * $\partial L/\partial W_{00} = G_{00} X_{00} + G_{10} X_{10} = 1 \cdot 1 + 2 \cdot 3 = 7$ and
#   $\partial L/\partial W_{01} = 1 \cdot 2 + 2 \cdot 4 = 10$;
# * $\partial L/\partial X_{n i} = G_{n0} W_{0i}$: the first row is $(0.5, -1)$, the second $(1, -2)$;
# * $\partial L/\partial b_0 = 1 + 2 = 3$.
#
# The referee agrees (the loss $L = \sum_{n,j} G_{nj} Y_{nj}$ has exactly $G$ as its gradient wrt $Y$):

# %%
from nnlib.gradcheck import numerical_gradient as referee_gradient

X_ex = np.array([[1.0, 2.0], [3.0, 4.0]])
W_ex = np.array([[0.5, -1.0]])
b_ex = np.array([0.0])
G_ex = np.array([[1.0], [2.0]])
L_ex = lambda _: float(np.sum(G_ex * (X_ex @ W_ex.T + b_ex)))
dW_ex, dX_ex, db_ex = (referee_gradient(L_ex, A) for A in (W_ex, X_ex, b_ex))
print("dL/dW =", dW_ex.round(6), "  dL/dX =", dX_ex.round(6).tolist(), "  dL/db =", db_ex.round(6))
assert np.allclose(dW_ex, [[7.0, 10.0]]) and np.allclose(dX_ex, [[0.5, -1.0], [1.0, -2.0]]) and np.allclose(db_ex, [3.0])

# %% [markdown]
# **Your turn: the matrix form.** A matrix product sums over one shared index, $(AB)_{rc} = \sum_k A_{rk} B_{kc}$,
# and a transpose swaps the two indices of a matrix. So:
#
# 1. In $\partial L/\partial W_{ji} = \sum_n G_{nj} X_{ni}$ the summed index $n$ is the *first* index of both $G$ and
#    $X$. For a product it must be the last index of the left factor and the first of the right one: which factor
#    do you transpose so that the result has $W$'s shape `(out, in)`, with $j$ the row and $i$ the column?
# 2. In $\partial L/\partial X_{ni} = \sum_j G_{nj} W_{ji}$: is $j$ already in the right places? The result must have
#    $X$'s shape `(N, in)`.
# 3. $\partial L/\partial b_j = \sum_n G_{nj}$ sums $G$ over one axis: which one leaves shape `(out,)`?
#
# Check your three expressions on the worked example (they must give 7 and 10, the rows $(0.5, -1)$ and $(1, -2)$,
# and 3) before you write the exercise. A rule that always helps: each gradient has the shape of its variable.
#
# ### Exercise 3: `linear_backward(dout, X, W)`
# Return the tuple `(dX, dW, db)` for `dout` `(N, out)`, `X` `(N, in)`, `W` `(out, in)`, with the shapes of `X`, `W`
# and `b`. Use array operations (loops over the indices give the same numbers, only slower). Do not modify the inputs.

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
from nnlib.gradcheck import numerical_gradient as referee_gradient
# N = 3 samples, in = 2, out = 4: every shape differs, so a transposed factor shows
X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]])
W = np.array([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0], [-0.5, 3.0]])
b = np.array([0.1, 0.2, 0.3, 0.4])
dout = np.array([[1.0, 0.0, -1.0, 2.0], [0.5, 1.0, 0.0, -1.0], [2.0, -2.0, 1.0, 0.0]])
before = snapshot(dout, X, W)
result = call(linear_backward, dout, X, W)
assert_true(len(result) == 3, hint="return a tuple (dX, dW, db)")
dX, dW, db = result
assert_unchanged(before, [dout, X, W], what="linear_backward")
assert_shape(dX, (3, 2), what="dX", hint="dX has the shape of X, (N, in)")
assert_shape(dW, (4, 2), what="dW", hint="dW has the shape of W, (out, in): see question 1 of the derivation")
assert_shape(db, (4,), what="db", hint="db has the shape of b, (out,): one number per output")
# the referee: L = sum(dout * Y) has gradient dout wrt Y = X W^T + b
L = lambda _: float(np.sum(dout * (X @ W.T + b)))
assert_close(dX, referee_gradient(L, X), rtol=1e-6, atol=1e-8, what="dX",
             hint="expected the numerical gradient; entry (n, i) sums dout[n, j] * W[j, i] over the outputs j")
assert_close(dW, referee_gradient(L, W), rtol=1e-6, atol=1e-8, what="dW",
             hint="expected the numerical gradient; entry (j, i) sums dout[n, j] * X[n, i] over the batch n")
assert_close(db, referee_gradient(L, b), rtol=1e-6, atol=1e-8, what="db",
             hint="expected the numerical gradient; every sample used the same b, so the batch's contributions add up")
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(5)
X = rng_t.normal(size=(5, 3))
W = rng_t.normal(size=(2, 3))
b = rng_t.normal(size=2)
dout = rng_t.normal(size=(5, 2))
before = snapshot(dout, X, W)
result = call(linear_backward, dout, X, W)
assert_true(len(result) == 3, hint="return a tuple (dX, dW, db)")
dX, dW, db = result
assert_unchanged(before, [dout, X, W], what="linear_backward")
assert_shape(dX, (5, 3), hint="dX has X's shape (N, in)")
assert_shape(dW, (2, 3), hint="dW has W's shape (out, in)")
assert_shape(db, (2,), hint="db has shape (out,)")
assert_close(dX, np.einsum("no,oi->ni", dout, W), hint="dX: sum over the outputs")
assert_close(dW, np.einsum("no,ni->oi", dout, X), hint="dW: sum over the batch")
assert_close(db, np.einsum("no->o", dout), hint="db: a sum over the batch, not a mean")
# a batch of one sample
dX1, dW1, db1 = call(linear_backward, dout[:1], X[:1], W)
assert_shape(dX1, (1, 3))
assert_close(dW1, np.outer(dout[0], X[0]), hint="for one sample dW[j, i] = dout[0, j] * X[0, i]")
assert_close(db1, dout[0])
### END HIDDEN TESTS

# %% [markdown]
# ### ReLU and sigmoid
#
# An activation $H = \phi(Z)$ acts elementwise, $H_{nj} = \phi(Z_{nj})$, so each $Z_{nj}$ reaches the loss through
# $H_{nj}$ alone and the chain rule has a single term per entry:
#
# $$\frac{\partial L}{\partial Z_{nj}} = \frac{\partial L}{\partial H_{nj}}\, \phi'(Z_{nj}), \qquad
#   \mathrm{relu}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}, \qquad
#   \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) .$$
#
# At $z = 0$ ReLU has a kink; the convention (PyTorch's too) is derivative 0 there.
#
# ### Exercise 4: `relu_backward(dout, z)`
# `dout` and `z` have the same shape (any). Return `dout` where `z > 0` and 0 elsewhere (including `z == 0`),
# as a new float array of that shape. Do not modify `dout` or `z`.

# %% answer id=relu_backward
def relu_backward(dout, z):
    """Gradient of the loss wrt the pre-activation z of a ReLU.

    dout: upstream gradient wrt relu(z); z: pre-activation, same shape.
    Returns the upstream gradient where z > 0 and 0 where z <= 0, same shape.
    """
    ### BEGIN SOLUTION
    return np.where(z > 0, dout, 0.0)
    ### END SOLUTION

# %% tests id=test_relu_backward points=1
dout = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]])
z = np.array([[1.0, -1.0, 0.0], [2.0, -0.0, 0.5]])
before = snapshot(dout, z)
out = call(relu_backward, dout, z)
assert_float_array(out, hint="return a NumPy array of floats")
assert_shape(out, (2, 3), hint="the result has the shape of z")
assert_close(out, [[-1.0, 0.0, 0.0], [4.0, 0.0, 6.0]],
             hint="expected the upstream gradient where z > 0 and 0 elsewhere, z == 0 included (the convention "
                  "above); the mask comes from z, the values (negative ones too) from dout")
assert_unchanged(before, [dout, z], what="relu_backward", hint="build a new array; do not write into dout")
# float32 inputs work too (and give floats)
out = call(relu_backward, np.array([1.5, -2.5, 3.0], dtype=np.float32), np.array([0.0, 1.0, -1.0], dtype=np.float32))
assert_float_array(out, hint="return a NumPy array of floats")
assert_close(out, [0.0, -2.5, 0.0], hint="the same rule for float32 arrays")
### BEGIN HIDDEN TESTS
out = call(relu_backward, np.array([5.0, 5.0, 5.0, -2.0]), np.array([0.0, -0.0, 1e-12, 3.0]))
assert_close(out, [0.0, 0.0, 5.0, -2.0], hint="the derivative at z == 0 is 0")
dout = np.array([[[1.0, -2.0], [3.0, 4.0]]])
z = np.array([[[0.0, 2.0], [-3.0, 0.1]]])
before = snapshot(dout, z)
out = call(relu_backward, dout, z)
assert_shape(out, (1, 2, 2))
assert_close(out, [[[0.0, -2.0], [0.0, 4.0]]])
assert_unchanged(before, [dout, z], what="relu_backward")
# float32
out = call(relu_backward, np.array([1.5, 2.5], dtype=np.float32), np.array([-1.0, 1.0], dtype=np.float32))
assert_float_array(out)
assert_close(out, [0.0, 2.5])
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5: `sigmoid_backward(dout, z)`
# Return the gradient wrt `z`, the upstream gradient times the sigmoid's slope at `z`, same shape as `z`. It must
# be stable: no overflow and no warning for `z = ±1000` (compute the sigmoid from $e^{-|z|}$, as in lesson 04;
# `np.where` evaluates **both** of its branches, so an unstable branch still warns). Do not modify the inputs.

# %% answer id=sigmoid_backward
def sigmoid_backward(dout, z):
    """Gradient of the loss wrt the pre-activation z of a sigmoid.

    dout: upstream gradient wrt sigmoid(z); z: pre-activation, same shape.
    Returns the upstream gradient times sigma'(z); stable for z = +-1000.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return dout * s * (1.0 - s)
    ### END SOLUTION

# %% tests id=test_sigmoid_backward points=2
from nnlib.gradcheck import numerical_gradient as referee_gradient
out = call(sigmoid_backward, np.array([1.0]), np.array([0.0]))
assert_close(out, [0.25], hint="expected 0.25: at z = 0 the sigmoid is 0.5, and its slope there is 0.5 times 0.5")
# 2-D, against the referee (the numerical gradient of sum(dout * sigmoid(z))), inputs untouched
z = np.array([[-2.0, -0.5, 0.0], [0.5, 2.0, 10.0]])
dout = np.array([[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]])
before = snapshot(dout, z)
out = call(sigmoid_backward, dout, z)
assert_shape(out, (2, 3), hint="the result has the shape of z")
assert_close(out, referee_gradient(lambda v: float(np.sum(dout * sigmoid(v))), z.copy()), rtol=1e-5, atol=1e-9,
             hint="expected the numerical gradient: z is the PRE-activation, so take the sigmoid of z first, "
                  "and multiply by the upstream gradient")
assert_unchanged(before, [dout, z], what="sigmoid_backward")
# stable at z = +-1000: no overflow, no warning, z untouched
z = np.array([1000.0, -1000.0, 0.0])
before = snapshot(z)
out = call(sigmoid_backward, np.array([2.0, 2.0, 2.0]), z, warnings="fail",
           hint="compute the sigmoid stably (from exp(-|z|), lesson 04) so that exp never overflows")
assert_close(out, [0.0, 0.0, 0.5], atol=1e-12, hint="the sigmoid is flat far from 0: the gradient is 0 there")
assert_unchanged(before, [z], what="sigmoid_backward", hint="compute into new arrays; do not clip or shift z in place")
# float32 inputs work too (and give floats)
out = call(sigmoid_backward, np.array([4.0, 4.0], dtype=np.float32), np.array([0.0, -3.0], dtype=np.float32))
assert_float_array(out, hint="return a NumPy array of floats")
assert_close(out, [1.0, 4 * np.exp(-3.0) / (1 + np.exp(-3.0)) ** 2], rtol=1e-5, hint="the same rule for float32 arrays")
### BEGIN HIDDEN TESTS
zb = np.array([[-1000.0, 0.0], [1000.0, -30.0]])
before = snapshot(zb)
out = call(sigmoid_backward, np.ones((2, 2)), zb, warnings="fail", hint="no overflow for z = +-1000")
assert_close(out, [[0.0, 0.25], [0.0, np.exp(-30.0) / (1 + np.exp(-30.0)) ** 2]], rtol=1e-6, atol=1e-15)
assert_unchanged(before, [zb], what="sigmoid_backward")
z = np.array([-3.0, 0.25, 4.0])
dout = np.array([2.0, -1.0, 0.5])
s = 1.0 / (1.0 + np.exp(-z))
out = call(sigmoid_backward, dout, z)
assert_shape(out, (3,))
assert_close(out, dout * s * (1 - s), rtol=1e-6, hint="z is the PRE-activation")
# float32
out = call(sigmoid_backward, np.array([1.0, 1.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32),
           warnings="fail")
assert_float_array(out)
assert_close(out, [0.25, np.exp(-1.0) / (1 + np.exp(-1.0)) ** 2], rtol=1e-5)
### END HIDDEN TESTS

# %% [markdown]
# ### Softmax and cross-entropy together
#
# The classification output is $P = \mathrm{softmax}(Z)$ row by row, followed by the mean cross-entropy
# $L = -\frac1N \sum_n \log P_{n, y_n}$. Their **combined** gradient is strikingly simple. For one sample,
# $-\log P_{n y_n} = -Z_{n y_n} + \log\sum_k e^{Z_{nk}}$, so
#
# $$\frac{\partial(-\log P_{n y_n})}{\partial Z_{nc}} = -[c = y_n] + \frac{e^{Z_{nc}}}{\sum_k e^{Z_{nk}}} = P_{nc} - [c = y_n],$$
#
# and the mean over the batch divides every entry by $N$:
# $\partial L / \partial Z_{nc} = (P_{nc} - [c = y_n]) / N$, an `(N, C)` array.
#
# Each row sums to 0: the model is pushed up on the true class exactly as much as it is pushed down
# on the others.
#
# ### Exercise 6: `softmax_cross_entropy_backward(logits, labels)`
# `logits` `(N, C)`, `labels` `(N,)` integers. Return the gradient above, shape `(N, C)`. Use a stable softmax
# (logits of $\pm 1000$ must give the right numbers, not `nan`); do not modify `logits` or `labels`.

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
from nnlib import cross_entropy_from_logits
from nnlib.gradcheck import numerical_gradient as referee_gradient
out = call(softmax_cross_entropy_backward, np.array([[0.0, 0.0]]), np.array([0]))
assert_close(out, [[-0.5, 0.5]],
             hint="expected [[-0.5, 0.5]]: softmax([0, 0]) is [0.5, 0.5] and the true class 0 loses 1")
# N = 4 samples, C = 3 classes, against the referee: the numerical gradient of the MEAN cross-entropy
Z = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -1.0], [-0.5, 0.25, 0.0], [3.0, 1.0, -2.0]])
labels = np.array([2, 0, 1, 1])
before = snapshot(Z, labels)
out = call(softmax_cross_entropy_backward, Z, labels)
assert_shape(out, (4, 3), hint="one gradient per logit: shape (N, C)")
assert_close(out, referee_gradient(lambda v: cross_entropy_from_logits(v, labels), Z.copy()), rtol=1e-5, atol=1e-9,
             hint="expected the numerical gradient of the MEAN cross-entropy: the softmax of each row, minus 1 "
                  "at the true class, divided by the number of samples N")
assert_unchanged(before, [Z, labels], what="softmax_cross_entropy_backward",
                 hint="compute the softmax into a new array; do not shift the logits in place")
# stable for logits of +-1000, no warning
out = call(softmax_cross_entropy_backward, np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]),
           np.array([0, 0]), hint="make the softmax stable (lesson 04): no exp may overflow")
assert_close(out, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-12)
### BEGIN HIDDEN TESTS
rng_t = np.random.default_rng(9)
Z = rng_t.normal(size=(5, 3))
labels = np.array([2, 0, 1, 1, 2])
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
expected = (P - np.eye(3)[labels]) / 5
before = snapshot(Z, labels)
out = call(softmax_cross_entropy_backward, Z, labels)
assert_shape(out, (5, 3), hint="one gradient per logit: shape (N, C)")
assert_close(out, expected, rtol=1e-6, atol=1e-9)
assert_unchanged(before, [Z, labels], what="softmax_cross_entropy_backward")
assert_close(np.asarray(out, dtype=float).sum(axis=1), np.zeros(5), atol=1e-12, hint="each row sums to 0")
out = call(softmax_cross_entropy_backward, np.array([[-1000.0, 999.0], [1000.0, 1000.0], [0.0, -1000.0]]),
           np.array([1, 0, 1]))
assert_close(out, [[0.0, 0.0], [-1 / 6, 1 / 6], [1 / 3, -1 / 3]], atol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A whole network
#
# A ReLU MLP with layers $l = 1, \dots, L$ (weights $W_l$ `(out_l, in_l)`, biases $b_l$), in lesson 03's notation:
#
# $$H_0 = X, \qquad Z_l = H_{l-1} W_l^\top + b_l, \qquad H_l = \mathrm{relu}(Z_l) \ (l < L), \qquad
#   \text{logits} = Z_L, \qquad \text{loss} = \mathrm{CE}(Z_L, y) .$$
#
# **Forward**: run the layers and *keep* every $H_{l-1}$ and $Z_l$ (the backward pass needs them).
# **Backward**: the network is a chain of the blocks of section 3, so its backward pass is theirs, in reverse:
# start with $G = \partial\,\text{loss}/\partial Z_L$ (the softmax cross-entropy gradient); then for
# $l = L, \dots, 1$, layer $l$'s linear backward turns $G$ (the gradient wrt $Z_l$) and its input $H_{l-1}$ into
# $\partial\,\text{loss}/\partial W_l$, $\partial\,\text{loss}/\partial b_l$ and $\partial\,\text{loss}/\partial H_{l-1}$; for
# $l > 1$ the ReLU backward at $Z_{l-1}$ turns $\partial\,\text{loss}/\partial H_{l-1}$ into the next $G$.
#
# No ReLU after the last layer: the logits go straight into the softmax cross-entropy.
#
# ### Exercise 7: `mlp_gradients(X, labels, weights, biases)`
# `X` `(N, in)`, `labels` `(N,)` integers, `weights` a list of arrays `(out_l, in_l)`, `biases` a list of `(out_l,)`
# (one or more layers). Return `(loss, dweights, dbiases)`: the mean cross-entropy (a scalar, computed
# stably) and two lists of gradients, each with the shape of its parameter. Write it self-contained (your own
# forward and backward loops; helpers defined inside the cell are fine). Do not modify the inputs. The test
# cell compares every gradient with `nnlib`'s numerical gradient: relative error below $10^{-6}$.

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
    H = X
    for l, (W, b) in enumerate(zip(weights, biases)):
        inputs.append(H)
        Z = H @ W.T + b
        pre.append(Z)
        H = np.maximum(Z, 0.0) if l < len(weights) - 1 else Z
    logits = H
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
# The referee is nnlib: its forward pieces give the loss, nnlib.gradcheck the numerical gradient (eps = 1e-5,
# see section 5) and the relative error (the definition of Exercise 2).
from nnlib import cross_entropy_from_logits, linear
from nnlib.gradcheck import numerical_gradient as referee_gradient, relative_error as referee_error

def _check_network(sizes, n, seed, what):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, sizes[0]))
    labels = r.integers(0, sizes[-1], size=n)
    weights = [r.normal(0.0, 1.0 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [r.normal(0.0, 0.1, size=b) for b in sizes[1:]]

    def loss_now(_ignored):  # reads the arrays themselves, which referee_gradient perturbs in place
        H = X
        for W, b in zip(weights[:-1], biases[:-1]):
            H = relu(linear(H, W, b))
        return cross_entropy_from_logits(linear(H, weights[-1], biases[-1]), labels)

    before = snapshot(X, labels, *weights, *biases)
    result = call(mlp_gradients, X, labels, weights, biases)
    assert_true(len(result) == 3, hint="return a tuple (loss, dweights, dbiases)")
    loss, dW, db = result
    assert_unchanged(before, [X, labels, *weights, *biases], what="mlp_gradients")
    assert_close(loss, loss_now(None), rtol=1e-8, what=f"{what}: the loss",
                 hint="the loss is the MEAN cross-entropy of the last layer's outputs (no ReLU after the last layer)")
    assert_true(len(dW) == len(weights) and len(db) == len(biases), what=what,
                hint="one gradient per weight matrix and per bias vector")
    for l in range(len(weights)):
        assert_shape(dW[l], weights[l].shape, what=f"{what}: dweights[{l}]", hint="the shape of weights[l], (out, in)")
        assert_shape(db[l], biases[l].shape, what=f"{what}: dbiases[{l}]", hint="the shape of biases[l]")
        for name, mine, param in ((f"dweights[{l}]", dW[l], weights[l]), (f"dbiases[{l}]", db[l], biases[l])):
            err = referee_error(mine, referee_gradient(loss_now, param, eps=1e-5))
            assert_true(err < 1e-6, what=f"{what}: {name}",
                        hint=f"relative error {err:.2e} against the numerical gradient (expected below 1e-6); "
                             "revisit section 4: each layer's linear backward, then the ReLU backward at the "
                             "layer below, from the last layer down")

_check_network([4, 5, 3], n=6, seed=0, what="network 4-5-3")
_check_network([3, 5, 5, 2], n=5, seed=9, what="network 3-5-5-2")
_check_network([5, 3], n=4, seed=2, what="a single layer (no hidden layer)")
### BEGIN HIDDEN TESTS
_check_network([3, 7, 6, 4, 2], n=9, seed=1, what="deeper network 3-7-6-4-2")
_check_network([4, 2], n=3, seed=5, what="a single layer (no hidden layer)")
_check_network([2, 16, 3], n=1, seed=3, what="a batch of one sample")
_check_network([6, 8, 8, 5], n=20, seed=4, what="network 6-8-8-5, 20 samples")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Putting the referee to work
#
# ### How small should $\varepsilon$ be?
# Your `mlp_gradients` checked by your `numerical_gradient` on a fresh network, parameter by parameter, for several
# step sizes. `f` ignores its argument: `numerical_gradient` changes the weight arrays in place and `f` simply
# re-runs the network on them. Two errors compete. The truncation error shrinks like $\varepsilon^2$, and a step
# must not cross a ReLU kink (a pre-activation that changes sign inside the step breaks the difference quotient).
# The round-off error grows like $10^{-16}/\varepsilon$: the two losses agree in their first digits and their
# difference keeps only the rest. The cell prints the largest relative error over all parameters: $\varepsilon = 10^{-2}$
# and $10^{-3}$ step across kinks (errors above $10^{-3}$), $\varepsilon = 10^{-8}$ loses digits to round-off (above
# $10^{-6}$), and $\varepsilon = 10^{-5}$ passes the $10^{-6}$ line of Exercise 7 with room to spare. That is why
# the test of Exercise 7 uses $10^{-5}$.

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
    worst = {}
    for eps in (1e-2, 1e-3, 1e-5, 1e-8):
        errors = [relative_error(dW[l], numerical_gradient(f, Wc[l], eps)) for l in range(len(Wc))]
        errors += [relative_error(db[l], numerical_gradient(f, bc[l], eps)) for l in range(len(bc))]
        worst[eps] = max(errors)
        print(f"eps = {eps:.0e}: largest relative error over all weights and biases = {worst[eps]:.2e}")
    assert worst[1e-5] < 1e-6, "with eps = 1e-5 a correct mlp_gradients is below 1e-6: check your three functions"
    assert min(worst[1e-2], worst[1e-3]) > 1e-3 and worst[1e-8] > 1e-6, "the eps trade-off differs from the text"
except NotImplementedError:
    print("implement numerical_gradient, relative_error and mlp_gradients above to see this")

# %% [markdown]
# ### Find the bug (ungraded)
#
# Below is someone's backward pass for a two-layer network (ReLU hidden layer, softmax cross-entropy output), the
# way it often arrives in code review: it runs, every shape is right, the loss is right, and **one** line of the
# backward pass is wrong. Find it with your gradient check, not by reading: compare each of the four gradients with
# `numerical_gradient` of the loss (the returned loss is correct, so `f` can call this function and keep its first
# output), print the four relative errors and set `buggy_parameter` to the name (`"W1"`, `"b1"`, `"W2"` or `"b2"`)
# whose gradient is wrong. Then read that line, fix it in your head, and ask yourself why the other three
# gradients pass although they are computed after it.

# %% readonly id=buggy_network
def two_layer_gradients(X, labels, W1, b1, W2, b2):
    """Loss and (dW1, db1, dW2, db2) of relu(X W1^T + b1) W2^T + b2 with a softmax cross-entropy (ONE BUG)."""
    N = X.shape[0]
    Z1 = X @ W1.T + b1
    H1 = np.maximum(Z1, 0.0)
    Z2 = H1 @ W2.T + b2
    P = softmax(Z2, axis=1)
    loss = float(-np.mean(np.log(P[np.arange(N), labels])))
    G2 = P.copy()
    G2[np.arange(N), labels] -= 1.0
    G2 /= N
    dW2 = G2.T @ Z1
    db2 = G2.sum(axis=0)
    G1 = (G2 @ W2) * (Z1 > 0)
    dW1 = G1.T @ X
    db1 = G1.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

r = np.random.default_rng(8)
X_bug = r.normal(size=(6, 3))
y_bug = r.integers(0, 3, size=6)
params_bug = {"W1": r.normal(0, 0.6, size=(5, 3)), "b1": r.normal(0, 0.1, size=5),
              "W2": r.normal(0, 0.5, size=(3, 5)), "b2": r.normal(0, 0.1, size=3)}

# %% answer id=find_the_bug
# Compare each gradient of two_layer_gradients(X_bug, y_bug, **params_bug) with your numerical_gradient
# (eps=1e-5) and set buggy_parameter to "W1", "b1", "W2" or "b2".
buggy_parameter = None
### BEGIN SOLUTION
loss_bug, grads_bug = two_layer_gradients(X_bug, y_bug, **params_bug)
f_bug = lambda _: two_layer_gradients(X_bug, y_bug, **params_bug)[0]
errors_bug = {name: relative_error(grads_bug[name], numerical_gradient(f_bug, params_bug[name], eps=1e-5))
              for name in ("W1", "b1", "W2", "b2")}
for name, err in errors_bug.items():
    print(f"{name}: relative error {err:.2e}")
buggy_parameter = max(errors_bug, key=errors_bug.get)
print("the bug is in the gradient of", buggy_parameter)
assert sorted(errors_bug.values())[-2] < 1e-6 < 1e-3 < errors_bug[buggy_parameter]  # one far off, three fine
# dW2 multiplies G2 with the PRE-activation Z1; layer 2's input is H1 = relu(Z1). The other three pass:
# dW2 is an output, nothing downstream uses it (G1 is built from W2 and G2, not from dW2).
### END SOLUTION

# %%
if buggy_parameter is None:
    print("set buggy_parameter in the cell above")
else:
    print(f"you suspect {buggy_parameter}; compare each relative error with the 1e-6 line: only one is far above it")

# %% [markdown]
# `nnlib` packs the same logic into modules: every `Linear`, `ReLU`, ... has a `backward` right next to its
# `forward`, and `nnlib.gradcheck.check_module` runs this very comparison on any module (in float64).

# %%
from nnlib import Sequential, Linear, ReLU
from nnlib.gradcheck import check_module

net = Sequential(Linear(3, 6, rng=np.random.default_rng(1)), ReLU(), Linear(6, 2, rng=np.random.default_rng(2)))
errors = check_module(net, np.random.default_rng(3).normal(size=(5, 3)))
print("nnlib's Sequential passes the gradient check; largest relative error:", f"{max(errors.values()):.2e}")

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
