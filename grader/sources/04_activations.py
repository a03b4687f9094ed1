# %% [markdown]
# # 04 · Activations: nonlinearity and why it matters
#
# Lesson 03 stacked layers with "an activation in between". This lesson shows why that activation is
# not a detail: **without it, any number of layers is worth exactly one**. Then we meet the activation
# functions used in practice (step, sigmoid, tanh, ReLU, leaky ReLU, GELU, SiLU, and softmax for outputs),
# compute them without overflowing, take their derivatives, and see how some of them make deep networks
# hard to train (vanishing gradients).
#
# You will write: `collapse_linear`, `sigmoid`, `relu`, `leaky_relu`, `silu`, `gelu`, `softmax`,
# `sigmoid_grad`, `tanh_grad`, `relu_grad`.

# %% readonly id=setup
import math
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import (assert_close, assert_shape, assert_true, assert_float_array,
                           assert_unchanged, call, snapshot)
from nnlib.plot import activation_curves
from nnlib.widgets import activation_explorer

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Without an activation, layers collapse
#
# Two linear layers in a row, $\mathbf{h} = W_1\mathbf{x} + \mathbf{b}_1$ then $\mathbf{y} = W_2\mathbf{h} + \mathbf{b}_2$, give
#
# $$\mathbf{y} = W_2(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2 = \underbrace{(W_2 W_1)}_{W}\,\mathbf{x} + \underbrace{(W_2\mathbf{b}_1 + \mathbf{b}_2)}_{\mathbf{b}}.$$
#
# That is **one** linear layer with $W = W_2W_1$ and $\mathbf{b} = W_2\mathbf{b}_1 + \mathbf{b}_2$. By induction,
# any stack of linear layers, however deep and wide, computes an affine function: it can only draw one
# hyperplane, and still cannot do XOR. Depth only helps if something **nonlinear** happens between layers.
# (Shapes: $W_1$ is `(hidden, in)`, $W_2$ is `(out, hidden)`, so $W_2W_1$ is `(out, in)`, as a layer from `in` to `out` should be.)
#
# A quick numerical check, before you write it as a function:

# %%
W1_demo, b1_demo = rng.normal(size=(5, 3)), rng.normal(size=5)     # 3 -> 5
W2_demo, b2_demo = rng.normal(size=(2, 5)), rng.normal(size=2)     # 5 -> 2
X_demo = rng.normal(size=(4, 3))
two_layers = (X_demo @ W1_demo.T + b1_demo) @ W2_demo.T + b2_demo
one_layer = X_demo @ (W2_demo @ W1_demo).T + (W2_demo @ b1_demo + b2_demo)
print("max difference between two linear layers and one:", np.max(np.abs(two_layers - one_layer)))
relu_between = np.maximum(X_demo @ W1_demo.T + b1_demo, 0) @ W2_demo.T + b2_demo
print("with a ReLU in between, the difference is        :", np.max(np.abs(relu_between - one_layer)))

# %% [markdown]
# ### Exercise: `collapse_linear(W1, b1, W2, b2)`
#
# Return `(W, b)`, the single layer equal to layer 1 followed by layer 2 (weights in the course's
# `(out, in)` convention): `W1` `(hidden, in)`, `b1` `(hidden,)`, `W2` `(out, hidden)`, `b2` `(out,)`
# -> `W` `(out, in)`, `b` `(out,)`. Mind the order of the product, and do not forget either bias.

# %% answer id=collapse_linear
def collapse_linear(W1, b1, W2, b2):
    """The one linear layer equal to two stacked linear layers.

    W1: (hidden, in), b1: (hidden,), W2: (out, hidden), b2: (out,) -> (W (out, in), b (out,))
    """
    ### BEGIN SOLUTION
    return W2 @ W1, W2 @ b1 + b2
    ### END SOLUTION

# %% tests id=test_collapse_linear points=2
W1_t = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 1.0, 1.0], [-1.0, 0.0, 0.5]])   # (4, 3)
b1_t = np.array([1.0, -1.0, 0.5, 2.0])
W2_t = np.array([[1.0, 2.0, 0.0, -1.0], [0.5, 0.0, 1.0, 1.0]])                            # (2, 4)
b2_t = np.array([0.0, 3.0])
W_c, b_c = call(collapse_linear, W1_t, b1_t, W2_t, b2_t)
assert_shape(W_c, (2, 3), hint="W = W2 @ W1 has shape (out, in)", what="W")
assert_shape(b_c, (2,), hint="b has shape (out,)", what="b")
assert_close(W_c, W2_t @ W1_t, hint="W = W2 @ W1 (layer 2 acts after layer 1)", what="W")
assert_close(b_c, W2_t @ b1_t + b2_t, hint="b = W2 @ b1 + b2: layer 1's bias also goes through W2", what="b")
### BEGIN HIDDEN TESTS
r = np.random.default_rng(41)
W1r, b1r, W2r, b2r = r.normal(size=(6, 2)), r.normal(size=6), r.normal(size=(1, 6)), r.normal(size=1)
before = snapshot(W1r, b1r, W2r, b2r)
W_r, b_r = call(collapse_linear, W1r, b1r, W2r, b2r)
assert_unchanged(before, [W1r, b1r, W2r, b2r])
assert_float_array(W_r, what="W")
assert_float_array(b_r, what="b")
assert_shape(W_r, (1, 2), hint="(out, hidden) @ (hidden, in) -> (out, in) = (1, 2)", what="W")
assert_shape(b_r, (1,), hint="b has shape (out,) = (1,)", what="b")
Xr = r.normal(size=(9, 2))
assert_close(Xr @ np.asarray(W_r, dtype=float).T + np.asarray(b_r, dtype=float),
             (Xr @ W1r.T + b1r) @ W2r.T + b2r, rtol=1e-9, atol=1e-12,
             hint="the single layer must compute exactly what the two layers compute", what="X @ W.T + b")
W1s, b1s, W2s, b2s = r.normal(size=(3, 3)), r.normal(size=3), r.normal(size=(3, 3)), r.normal(size=3)
W_s, b_s = call(collapse_linear, W1s, b1s, W2s, b2s)
assert_close(W_s, W2s @ W1s, rtol=1e-9, hint="square matrices: W2 @ W1, not W1 @ W2 (order matters)", what="W")
assert_close(b_s, W2s @ b1s + b2s, rtol=1e-9, hint="b = W2 @ b1 + b2", what="b")
### END HIDDEN TESTS

# %% [markdown]
# ## 2. A zoo of activations
#
# | name | $\varphi(z)$ | range | notes |
# |---|---|---|---|
# | step | $1$ if $z \ge 0$ else $0$ | $\{0, 1\}$ | the perceptron's; derivative 0 everywhere: no gradient to learn from |
# | sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | $(0, 1)$ | smooth step; a probability |
# | tanh | $\tanh z = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1$ | $(-1, 1)$ | zero-centred sigmoid |
# | ReLU | $\max(z, 0)$ | $[0, \infty)$ | the default for hidden layers since about 2011 |
# | leaky ReLU | $z$ if $z > 0$ else $\alpha z$ | $\mathbb{R}$ | a small slope $\alpha$ for $z < 0$ keeps units alive |
# | GELU | $z\,\Phi(z)$, $\Phi$ the standard normal CDF | $\approx[-0.17, \infty)$ | smooth ReLU used in Transformers (BERT, GPT) |
# | SiLU (swish) | $z\,\sigma(z)$ | $\approx[-0.28, \infty)$ | smooth ReLU; used in many vision models |

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
activation_curves(["step", "sigmoid", "tanh"], ax=axes[0], title="saturating activations")
activation_curves(["relu", "leaky_relu", "gelu", "silu"], z_range=(-3, 3), ax=axes[1], title="ReLU and friends")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Sigmoid, computed safely
#
# The textbook formula `1 / (1 + np.exp(-z))` is fine for moderate `z`, but for `z = -1000` it computes
# `np.exp(1000)`, which **overflows** float64 (the largest float is about $1.8 \times 10^{308} \approx e^{709.8}$).
# NumPy returns `inf` with a `RuntimeWarning`, and the answer happens to be right (`1 / inf = 0`); in
# related formulas (softmax, cross-entropy, SiLU written as $z e^z / (1 + e^z)$) the same overflow produces
# `inf / inf = nan`, which silently poisons a whole training run.
#
# The fix: never exponentiate a large positive number. With $e = e^{-|z|} \in (0, 1]$,
#
# $$\sigma(z) = \frac{1}{1 + e} \text{ for } z \ge 0, \qquad \sigma(z) = \frac{e}{1 + e} \text{ for } z < 0,$$
#
# which are the same function (multiply the top and bottom of $\frac{1}{1 + e^{-z}}$ by $e^{z}$ when $z < 0$).
# Careful: `np.where(cond, a, b)` computes **both** `a` and `b` on every element before choosing, so
# `np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))` still overflows; compute
# `np.exp(-np.abs(z))` once, or use boolean masks.

# %%
z_big = np.array([-1000.0, 0.0, 1000.0])
with np.errstate(over="raise"):
    try:
        print(1 / (1 + np.exp(-z_big)))
    except FloatingPointError as err:
        print("naive sigmoid:", err)
e = np.exp(-np.abs(z_big))
print("stable sigmoid:", np.where(z_big >= 0, 1 / (1 + e), e / (1 + e)))

# %% [markdown]
# ### Exercise: `sigmoid(z)`
#
# `z`: float array of any shape -> float array of the same shape, $\sigma(z)$ elementwise.
# No overflow and **no warning** even for $z = \pm 1000$ (the test turns warnings into failures).
# Do not modify `z`.

# %% answer id=sigmoid
def sigmoid(z):
    """Numerically stable logistic sigmoid 1 / (1 + exp(-z)), elementwise.

    z: any shape -> same shape, values in [0, 1]. No overflow or warning for large |z|.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION

# %% tests id=test_sigmoid points=2
z_t = np.array([-2.0, 0.0, 2.0])
out = call(sigmoid, z_t)
assert_float_array(out)
assert_close(out, [1 / (1 + math.exp(2.0)), 0.5, 1 / (1 + math.exp(-2.0))], hint="sigmoid(z) = 1 / (1 + exp(-z))")
### BEGIN HIDDEN TESTS
big = np.array([-1000.0, -750.0, 750.0, 1000.0])
out_big = call(sigmoid, big, warnings="fail",
               hint="no overflow: np.exp(1000) overflows; use exp(-|z|) (and mind that np.where evaluates both branches)")
assert_close(out_big, [0.0, 0.0, 1.0, 1.0], hint="sigmoid(-1000) = 0 and sigmoid(1000) = 1, without nan")
zs = np.array([-30.0, -5.0, -0.5, 0.5, 5.0, 30.0])
ref = [1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)) for v in zs]
assert_close(call(sigmoid, zs), ref, rtol=1e-7, atol=1e-12, hint="accurate for negative and positive z")
z2 = np.array([[-1.0, 0.0], [1.0, 3.0], [-3.0, 10.0]])
before = snapshot(z2)
out2 = call(sigmoid, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (3, 2), hint="elementwise: same shape as z")
assert_close(out2, 1 / (1 + np.exp(-z2)), rtol=1e-9)
assert_close(call(sigmoid, np.array([-3.0, 0.0, 3.0], dtype=np.float32)), [1 / (1 + math.exp(3.0)), 0.5, 1 / (1 + math.exp(-3.0))],
             rtol=1e-5, hint="float32 input")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercises: `relu(z)`, `leaky_relu(z, alpha=0.01)`, `silu(z)`
#
# All three are elementwise: float array of any shape in, float array of the same shape out, input unchanged.
#
# * `relu(z)` $= \max(z, 0)$.
# * `leaky_relu(z, alpha=0.01)` $= z$ where $z > 0$, else $\alpha z$ (use the `alpha` argument).
# * `silu(z)` $= z\,\sigma(z)$. Compute $\sigma$ inline in this cell (stably, as above), rather than calling
#   your `sigmoid`: each exercise stands on its own. Large $|z|$ (like $\pm 1000$) must give finite values.

# %% answer id=relu
def relu(z):
    """Rectified linear unit max(z, 0), elementwise. z: any shape -> same shape."""
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(z, dtype=float), 0.0)
    ### END SOLUTION

# %% tests id=test_relu points=1
out = call(relu, np.array([-2.0, -0.5, 0.0, 0.5, 3.0]))
assert_float_array(out)
assert_close(out, [0.0, 0.0, 0.0, 0.5, 3.0], hint="relu keeps positive values and replaces the rest by 0")
### BEGIN HIDDEN TESTS
z2 = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 0.0]])
before = snapshot(z2)
out2 = call(relu, z2)
assert_unchanged(before, [z2], hint="return a new array (np.maximum(z, 0)); z[z < 0] = 0 modifies the input")
assert_shape(out2, (2, 3))
assert_close(out2, [[0.0, 2.0, 0.0], [4.0, 0.0, 0.0]], hint="elementwise on 2-D arrays")
assert_close(call(relu, np.array([1e4, -1e4, 1e-300])), [1e4, 0.0, 1e-300], hint="relu is not bounded above: relu(1e4) = 1e4")
out32 = call(relu, np.array([-1.0, 2.5], dtype=np.float32))
assert_float_array(out32)
assert_close(out32, [0.0, 2.5])
### END HIDDEN TESTS

# %% answer id=leaky_relu
def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha * z, elementwise. z: any shape -> same shape."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)
    ### END SOLUTION

# %% tests id=test_leaky_relu points=1
out = call(leaky_relu, np.array([-2.0, 0.0, 3.0]))
assert_float_array(out)
assert_close(out, [-0.02, 0.0, 3.0], hint="negative inputs are multiplied by alpha = 0.01 (not set to 0)")
### BEGIN HIDDEN TESTS
assert_close(call(leaky_relu, np.array([-10.0, -1.0, 0.0, 2.0]), alpha=0.2), [-2.0, -0.2, 0.0, 2.0],
             hint="use the alpha argument: leaky_relu(z, alpha=0.2)")
assert_close(call(leaky_relu, np.array([-10.0, 5.0]), 0.1), [-1.0, 5.0], hint="alpha may be passed positionally")
assert_close(call(leaky_relu, np.array([-3.0, 3.0]), alpha=0.0), [0.0, 3.0], hint="alpha = 0 gives relu")
z2 = np.array([[-1.0, 2.0], [-300.0, 0.5]])
before = snapshot(z2)
out2 = call(leaky_relu, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 2))
assert_close(out2, [[-0.01, 2.0], [-3.0, 0.5]], hint="alpha * z for z < 0: the output is proportional to z, not a constant")
### END HIDDEN TESTS

# %% answer id=silu
def silu(z):
    """SiLU (swish) z * sigmoid(z), elementwise, finite for large |z|. z: any shape -> same shape."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return z * s
    ### END SOLUTION

# %% tests id=test_silu points=1
z_t = np.array([-2.0, 0.0, 1.0, 2.0])
out = call(silu, z_t)
assert_float_array(out)
assert_close(out, [v / (1 + math.exp(-v)) for v in z_t], hint="silu(z) = z * sigmoid(z) = z / (1 + exp(-z))")
### BEGIN HIDDEN TESTS
out_big = call(silu, np.array([-1000.0, 1000.0]))
assert_close(out_big, [0.0, 1000.0], hint="silu(1000) = 1000 and silu(-1000) = 0 (exactly, not nan): "
             "z * exp(z) / (1 + exp(z)) gives inf / inf = nan")
z2 = np.array([[-4.0, -1.0], [0.5, 6.0]])
before = snapshot(z2)
out2 = call(silu, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 2))
assert_close(out2, z2 / (1 + np.exp(-z2)), rtol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. GELU: exact and approximate
#
# GELU weighs its input by the probability that a standard normal variable is below it:
#
# $$\text{GELU}(z) = z\,\Phi(z) = \frac{z}{2}\left(1 + \operatorname{erf}\!\left(\frac{z}{\sqrt{2}}\right)\right).$$
#
# `math.erf` computes the error function of one number (wrap it with `np.vectorize` to apply it to arrays);
# SciPy's `scipy.special.erf` works on arrays directly. Before `erf` was fast on GPUs, GELU was usually
# computed with a tanh **approximation** (PyTorch: `GELU(approximate="tanh")`):
#
# $$\text{GELU}_\text{tanh}(z) = \frac{z}{2}\left(1 + \tanh\!\left(\sqrt{2/\pi}\,\left(z + 0.044715\,z^3\right)\right)\right).$$
#
# The two differ by less than $5 \times 10^{-4}$ (see the figure), but a test that compares with a
# tolerance of $10^{-6}$ tells them apart, and so can a model trained with one and run with the other.
#
# ### Exercise: `gelu(z, approximate="none")`
#
# `z`: float array of any shape (e.g. a batch `(N, features)`) -> same shape. With `approximate="none"`
# return the exact $z\,\Phi(z)$; with `approximate="tanh"` return the tanh formula.

# %% answer id=gelu
def gelu(z, approximate="none"):
    """GELU z * Phi(z) (exact, via erf) or its tanh approximation when approximate == "tanh".

    z: any shape -> same shape.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    if approximate == "tanh":
        return 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z ** 3)))
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))
    ### END SOLUTION

# %% tests id=test_gelu points=2
z_t = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0])
exact = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in z_t]
out = call(gelu, z_t)
assert_float_array(out)
assert_close(out, exact, rtol=1e-6, atol=1e-9,
             hint="exact GELU: z * Phi(z) = 0.5 * z * (1 + erf(z / sqrt(2))); the tanh formula is only approximate")
### BEGIN HIDDEN TESTS
approx = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))) for v in z_t]
assert_close(call(gelu, z_t, approximate="tanh"), approx, rtol=1e-6, atol=1e-9,
             hint="approximate='tanh': 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))")
assert_close(call(gelu, z_t, approximate="none"), exact, rtol=1e-6, atol=1e-9, hint="approximate='none' is the exact GELU")
z2 = np.array([[-1.5, 0.25, 3.0], [0.75, -0.1, 10.0]])
before = snapshot(z2)
out2 = call(gelu, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 3), hint="any shape: a 2-D batch gives a 2-D result")
assert_close(out2, [[0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in row] for row in z2], rtol=1e-6, atol=1e-9)
assert_close(call(gelu, np.array([-10.0, 10.0])), [0.0, 10.0], atol=1e-9, hint="large |z|: GELU(10) = 10, GELU(-10) ~ 0")
### END HIDDEN TESTS

# %%
z_plot = np.linspace(-4, 4, 801)
try:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
    ax1.plot(z_plot, gelu(z_plot), label="exact")
    ax1.plot(z_plot, gelu(z_plot, approximate="tanh"), "--", label="tanh approximation")
    ax1.legend(); ax1.set_title("GELU")
    ax2.plot(z_plot, gelu(z_plot) - gelu(z_plot, approximate="tanh"))
    ax2.set_title("exact minus approximate")
    fig.tight_layout()
    plt.show()
except NotImplementedError:
    plt.close("all")
    print("implement gelu above to see this")

# %% [markdown]
# ## 5. Softmax: from scores to probabilities
#
# For classification the output layer produces one score (logit) $z_k$ per class; **softmax** turns them
# into probabilities that are positive and sum to 1:
#
# $$\text{softmax}(\mathbf{z})_k = \frac{e^{z_k}}{\sum_j e^{z_j}}.$$
#
# Adding the same constant $c$ to every score changes nothing ($e^{z_k - c} / \sum_j e^{z_j - c}$, the
# $e^{-c}$ cancels). Choosing $c = \max_j z_j$ makes every exponent $\le 0$: no overflow, and the largest
# term is exactly $e^0 = 1$, so the denominator is at least 1 (never $0/0$). Without it, scores like
# $[10^4, 0]$ give `inf / inf = nan`.
#
# For a batch of scores `(N, C)` softmax acts on each **row** (`axis=-1`, one distribution per sample);
# `axis=0` would normalise each column. Use `keepdims=True` in `np.max`/`np.sum` so the shapes broadcast.
#
# ### Exercise: `softmax(z, axis=-1)`
#
# `z`: float array (1-D or more); return an array of the same shape whose slices along `axis` are the softmax
# of the corresponding slices of `z`. Subtract the maximum **along the same axis** (a single global maximum
# fails when one row's scores are all far below another's), and do not modify `z` (no `z -= ...`).

# %% answer id=softmax
def softmax(z, axis=-1):
    """Numerically stable softmax along `axis`.

    z: any shape -> same shape; every slice along `axis` is non-negative and sums to 1.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION

# %% tests id=test_softmax points=2
z_t = np.array([1.0, 2.0, 3.0])
out = call(softmax, z_t)
e_t = [math.exp(1.0), math.exp(2.0), math.exp(3.0)]
assert_float_array(out)
assert_close(out, [v / sum(e_t) for v in e_t], hint="softmax(z)_k = exp(z_k) / sum_j exp(z_j)")
Z_t = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
out2 = call(softmax, Z_t)
assert_shape(out2, (2, 3), hint="same shape as z")
assert_close(np.sum(out2, axis=1), [1.0, 1.0], hint="for a 2-D input each row sums to 1 (axis=-1 by default)", what="row sums")
assert_close(out2[1], [1 / 3, 1 / 3, 1 / 3], hint="equal scores give equal probabilities")
### BEGIN HIDDEN TESTS
out_huge = call(softmax, np.array([1e4, 0.0, -1e4]))
assert_close(out_huge, [1.0, 0.0, 0.0], hint="subtract the maximum before exponentiating: exp(1e4) overflows to inf, inf/inf = nan")
Zc = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
out_c = call(softmax, Zc, axis=0)
e0 = np.exp([1.0, 2.0, 3.0])
assert_close(out_c, np.stack([e0 / e0.sum(), [1 / 3, 1 / 3, 1 / 3]], axis=1), rtol=1e-9,
             hint="axis=0: each column sums to 1 (use the axis argument for max and sum, with keepdims=True)")
assert_close(call(softmax, Z_t, axis=1), call(softmax, Z_t), rtol=1e-12, hint="axis=1 on a 2-D array is the default axis=-1")
Zh = np.array([[1e4, 1e4 - 1.0], [0.0, 1.0]])
before = snapshot(Zh)
out_h = call(softmax, Zh)
assert_unchanged(before, [Zh], hint="do not subtract the maximum in place (z -= max modifies the caller's array)")
s = 1 / (1 + math.exp(-1.0))
assert_close(out_h, [[s, 1 - s], [1 - s, s]], rtol=1e-9,
             hint="subtract each row's own maximum (keepdims=True): a global maximum underflows the second row to 0/0")
Zr = np.random.default_rng(44).normal(size=(5, 4)) * 3
ref = np.exp(Zr) / np.exp(Zr).sum(axis=1, keepdims=True)
assert_close(call(softmax, Zr), ref, rtol=1e-9)
assert_close(call(softmax, Zr.astype(np.float32)), ref, rtol=1e-5, atol=1e-7, hint="float32 input")
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Derivatives
#
# Training (lesson 08) needs each activation's derivative. The classic ones have neat forms in terms
# of the function itself:
#
# $$\sigma'(z) = \sigma(z)\,(1 - \sigma(z)), \qquad \tanh'(z) = 1 - \tanh^2(z), \qquad
# \text{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}$$
#
# ReLU has no derivative at exactly 0; like PyTorch we use 0 there. All three take the **pre-activation**
# `z` (not the activation's output) and return an array of the same shape.
#
# ### Exercises: `sigmoid_grad(z)`, `tanh_grad(z)`, `relu_grad(z)`
#
# Float array of any shape in, float array of the same shape out. Compute $\sigma$ inline (stably) in
# `sigmoid_grad`: for $z = \pm 1000$ the answer is $0$, not `nan`. `relu_grad` returns floats (1.0/0.0), not booleans.

# %% answer id=sigmoid_grad
def sigmoid_grad(z):
    """Derivative of the sigmoid at z: sigmoid(z) * (1 - sigmoid(z)). z: any shape -> same shape."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s * (1.0 - s)
    ### END SOLUTION

# %% tests id=test_sigmoid_grad points=1
z_t = np.array([-2.0, 0.0, 1.0])
out = call(sigmoid_grad, z_t)
assert_float_array(out)
assert_close(out, [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in z_t],
             hint="sigmoid'(z) = s (1 - s) with s = sigmoid(z) of the input z; the maximum is 0.25 at z = 0")
### BEGIN HIDDEN TESTS
assert_close(call(sigmoid_grad, np.array([-1000.0, 1000.0])), [0.0, 0.0],
             hint="for huge |z| the slope is 0, not nan: exp(-z) / (1 + exp(-z))**2 gives inf/inf at z = -1000")
z2 = np.array([[-3.0, 0.5], [4.0, 0.0]])
before = snapshot(z2)
out2 = call(sigmoid_grad, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 2))
s2 = 1 / (1 + np.exp(-z2))
assert_close(out2, s2 * (1 - s2), rtol=1e-9)
### END HIDDEN TESTS

# %% answer id=tanh_grad
def tanh_grad(z):
    """Derivative of tanh at z: 1 - tanh(z)**2. z: any shape -> same shape."""
    ### BEGIN SOLUTION
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t
    ### END SOLUTION

# %% tests id=test_tanh_grad points=1
z_t = np.array([-1.0, 0.0, 2.0])
out = call(tanh_grad, z_t)
assert_float_array(out)
assert_close(out, [1 - math.tanh(v) ** 2 for v in z_t], hint="tanh'(z) = 1 - tanh(z)**2 of the input z; 1 at z = 0")
### BEGIN HIDDEN TESTS
assert_close(call(tanh_grad, np.array([-1000.0, 1000.0])), [0.0, 0.0], hint="tanh saturates: slope 0 for huge |z|")
z2 = np.array([[-0.5, 0.25], [3.0, -2.0]])
before = snapshot(z2)
out2 = call(tanh_grad, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 2))
assert_close(out2, 1 - np.tanh(z2) ** 2, rtol=1e-9, hint="square the tanh: 1 - tanh(z)**2")
### END HIDDEN TESTS

# %% answer id=relu_grad
def relu_grad(z):
    """Derivative of ReLU at z: 1.0 where z > 0, else 0.0 (0 at z == 0). z: any shape -> same shape."""
    ### BEGIN SOLUTION
    return (np.asarray(z) > 0).astype(float)
    ### END SOLUTION

# %% tests id=test_relu_grad points=1
out = call(relu_grad, np.array([-2.0, -0.1, 0.3, 5.0]))
assert_float_array(out, hint="return floats, e.g. (z > 0).astype(float)")
assert_close(out, [0.0, 0.0, 1.0, 1.0], hint="slope 1 for z > 0, 0 for z < 0")
### BEGIN HIDDEN TESTS
assert_close(call(relu_grad, np.array([0.0, -0.0, 1e-300, -1e-300])), [0.0, 0.0, 1.0, 0.0],
             hint="at z == 0 the gradient is 0 (use z > 0, not z >= 0)")
z2 = np.array([[1.0, -1.0, 0.0], [-3.0, 2.0, 1e4]])
before = snapshot(z2)
out2 = call(relu_grad, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 3))
assert_close(out2, [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], hint="the slope is 1 (not z) for every positive z")
out32 = call(relu_grad, np.array([-1.0, 2.0], dtype=np.float32))
assert_float_array(out32)
assert_close(out32, [0.0, 1.0])
### END HIDDEN TESTS

# %% [markdown]
# ## 7. Vanishing gradients
#
# Backpropagation (lesson 08) multiplies the derivatives of every layer's activation on the way back.
# The sigmoid's derivative is **at most 0.25** (at $z = 0$) and nearly 0 once $|z| > 5$ (the unit
# **saturates**). Through $L$ sigmoid layers the gradient picks up a factor of at most $0.25^L$:
# after 10 layers, less than $10^{-6}$. The early layers barely learn. tanh is better (slope up to 1)
# but still saturates; ReLU's slope is exactly 1 for every active unit, which is one reason ReLU made
# deep networks trainable (its weakness: a unit whose $z$ is negative for every input gets no gradient
# at all, a "dead" ReLU; leaky ReLU, GELU and SiLU keep a small slope there).

# %%
z_plot = np.linspace(-8, 8, 801)
s_plot = 1 / (1 + np.exp(-z_plot))
depth = np.arange(1, 21)
z_samples = rng.normal(size=(20, 10000))                 # pre-activations ~ N(0, 1) in each layer
sig_slopes = np.exp(-np.abs(z_samples)) / (1 + np.exp(-np.abs(z_samples))) ** 2
typical = np.exp(np.cumsum(np.log(sig_slopes), axis=0)).mean(axis=1)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
ax1.plot(z_plot, s_plot * (1 - s_plot), label="sigmoid'(z)")
ax1.plot(z_plot, 1 - np.tanh(z_plot) ** 2, label="tanh'(z)")
ax1.plot(z_plot, (z_plot > 0).astype(float), label="relu'(z)")
ax1.axhline(0.25, color="0.6", ls=":", lw=1)
ax1.text(-7.8, 0.28, "0.25: the sigmoid's largest slope")
ax1.legend(); ax1.set_xlabel("z"); ax1.set_title("derivatives")
ax2.semilogy(depth, 0.25 ** depth, "o-", ms=3, label="sigmoid, best case 0.25^L")
ax2.semilogy(depth, typical, "s-", ms=3, label="sigmoid, z ~ N(0, 1) (mean)")
ax2.semilogy(depth, np.ones_like(depth, dtype=float), "-", label="ReLU, active path")
ax2.set_xlabel("number of layers L"); ax2.set_ylabel("product of slopes")
ax2.set_title("gradient factor after L layers"); ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 8. Explore
#
# Choose an activation, widen the range, change leaky ReLU's `alpha`: the left panel shows the function,
# the right its derivative. Where is each one flat (slope near 0)? Which ones are unbounded?

# %%
activation_explorer()

# %% [markdown]
# ## 9. In your own words
#
# **Question.** A colleague trains a 20-layer network with sigmoid activations everywhere and notices that
# the weights of the first layers hardly change during training while the last layers learn fine.
# Explain why, using the derivative of the sigmoid, and say what you would change and why it helps.
# Name one drawback of your fix.

# %% [markdown] explain id=explain_vanishing points=3
# Backpropagation computes the gradient of an early layer as a product of one factor per later layer,
# and each factor contains the derivative of that layer's activation. The sigmoid's derivative
# $\sigma(z)(1 - \sigma(z))$ is at most $0.25$ (at $z = 0$) and close to 0 when the unit saturates ($|z|$ large).
# Through about 19 later layers the gradient is multiplied by at most $0.25^{19} \approx 4 \times 10^{-12}$, so the
# first layers receive almost no gradient and their weights barely move: the gradient vanishes.
# I would use ReLU (or leaky ReLU / GELU) in the hidden layers, with a matching initialisation (He, lesson 07):
# ReLU's derivative is exactly 1 for active units, so the product of slopes does not shrink with depth.
# Drawback: ReLU's derivative is 0 for $z < 0$, so a unit that is negative for every input never recovers
# ("dead ReLU"); its output is also not zero-centred and unbounded. Leaky ReLU keeps a small slope to avoid dead units.

# %% [markdown]
# ## Summary
#
# * Stacked linear layers collapse into one: $W = W_2W_1$, $\mathbf{b} = W_2\mathbf{b}_1 + \mathbf{b}_2$. Nonlinearity is what makes depth useful.
# * Compute sigmoid and softmax stably: never exponentiate a large positive number; subtract the max along the axis.
# * GELU is $z\Phi(z)$; the tanh formula is an approximation.
# * $\sigma' \le 0.25$: deep sigmoid networks suffer vanishing gradients; ReLU's slope is 1 where it is active.
