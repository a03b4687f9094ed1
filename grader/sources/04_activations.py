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
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=04_activations` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/04_activations.ipynb`.

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
# A quick numerical check, before you write it as a function: if a function is one affine layer, its
# value at $\mathbf{0}$ is the bias and its values at the unit vectors give the columns of the weight
# matrix. The cell reads a layer off two functions that way and checks whether it reproduces them.

# %%
W1_demo, b1_demo = rng.normal(size=(5, 3)), rng.normal(size=5)     # 3 -> 5
W2_demo, b2_demo = rng.normal(size=(2, 5)), rng.normal(size=2)     # 5 -> 2
X_demo = rng.normal(size=(4, 3))
def two_linear(X):
    return (X @ W1_demo.T + b1_demo) @ W2_demo.T + b2_demo

def linear_relu_linear(X):
    return np.maximum(X @ W1_demo.T + b1_demo, 0) @ W2_demo.T + b2_demo

# If f is one affine layer X @ W.T + b, then f(0) = b and f(e_i) - f(0) is column i of W.
# Read (W, b) off each function this way, then check whether that one layer reproduces f everywhere.
for name, f in [("two linear layers", two_linear), ("with a ReLU between", linear_relu_linear)]:
    b_read = f(np.zeros((1, 3)))[0]
    W_read = (f(np.eye(3)) - b_read).T                      # (out, in) = (2, 3)
    gap = np.max(np.abs(f(X_demo) - (X_demo @ W_read.T + b_read)))
    print(f"{name:22s}: max gap between f and the single layer read off it = {gap:.2e}")
    if name == "two linear layers":
        assert gap < 1e-12, "two linear layers must be exactly one affine layer"
    else:
        assert gap > 0.1, "with a ReLU between, no single affine layer should reproduce f"

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
before = snapshot(W1_t, b1_t, W2_t, b2_t)
W_c, b_c = call(collapse_linear, W1_t, b1_t, W2_t, b2_t)
assert_unchanged(before, [W1_t, b1_t, W2_t, b2_t], hint="collapse_linear must not change its inputs")
assert_shape(W_c, (2, 3), hint="the single layer maps in = 3 to out = 2, so W is (out, in) = (2, 3)", what="W")
assert_shape(b_c, (2,), hint="b has shape (out,)", what="b")
assert_float_array(W_c, what="W")
assert_close(W_c, [[2.0, 2.0, -0.5], [0.5, 1.0, 2.5]],
             hint="expand W2 (W1 x + b1) + b2 as in section 1: the x term gives W", what="W")
assert_close(b_c, [-3.0, 6.0],
             hint="expand W2 (W1 x + b1) + b2 as in section 1: everything without x is b (layer 1's bias "
                  "also passes through layer 2)", what="b")
A_t, B_t = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 1.0]])
W_sq, b_sq = call(collapse_linear, A_t, np.array([1.0, 0.0]), B_t, np.array([0.0, 0.5]))
assert_close(W_sq, [[0.0, 1.0], [1.0, 3.0]],
             hint="square matrices: the product's order matters, and layer 2 acts after layer 1", what="W")
assert_close(b_sq, [0.0, 1.5], what="b")
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
assert_close(W_s, W2s @ W1s, rtol=1e-9, hint="square matrices: the product's order matters", what="W")
assert_close(b_s, W2s @ b1s + b2s, rtol=1e-9, hint="layer 1's bias also passes through layer 2", what="b")
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
from nnlib.functional import gelu as library_gelu, silu as library_silu   # the library's copies, for the table
z_fine = np.linspace(-6, 6, 120001)
print(f"lowest value of GELU: {library_gelu(z_fine).min():.3f}, of SiLU: {library_silu(z_fine).min():.3f}")
assert abs(library_gelu(z_fine).min() + 0.17) < 0.005 and abs(library_silu(z_fine).min() + 0.28) < 0.005, \
    "the table says: about -0.17 and -0.28"

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
# choosing between the two *naive* formulas with `np.where` still overflows: only ever exponentiate
# $-|z|$, or compute each half of the array separately with boolean masks.

# %%
print(f"largest float64: {np.finfo(np.float64).max:.3g} = e^{np.log(np.finfo(np.float64).max):.1f}")
assert abs(np.log(np.finfo(np.float64).max) - 709.8) < 0.05
z_big = np.array([-1000.0, 0.0, 1000.0])
with np.errstate(over="raise"):
    try:
        print(1 / (1 + np.exp(-z_big)))
    except FloatingPointError as err:
        print("naive sigmoid:", err)
z_mid = np.array([-3.0, -0.5, 0.5, 3.0])
form_pos = 1 / (1 + np.exp(-z_mid))                 # the textbook form
form_neg = np.exp(z_mid) / (1 + np.exp(z_mid))      # the same, multiplied by e^z / e^z
print("both forms agree for moderate z:", np.allclose(form_pos, form_neg), form_pos)
assert np.allclose(form_pos, form_neg)
for form, bad in [("1 / (1 + exp(-z))", -1000.0), ("exp(z) / (1 + exp(z))", 1000.0)]:
    with np.errstate(over="ignore", invalid="ignore"):
        value = 1 / (1 + np.exp(-bad)) if bad < 0 else np.exp(bad) / (1 + np.exp(bad))
    print(f"{form:22s} at z = {bad:+.0f} exponentiates {abs(bad):.0f}: overflow, result {value}")

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
before = snapshot(z_t)
out = call(sigmoid, z_t)
assert_unchanged(before, [z_t], hint="sigmoid must not change z")
assert_float_array(out)
assert_close(out, [0.11920292202211755, 0.5, 0.8807970779778823], hint="sigmoid(-2), sigmoid(0), sigmoid(2)")
z_big = np.array([[-1000.0], [1000.0]])
before_big = snapshot(z_big)
out_big = call(sigmoid, z_big, warnings="fail",
               hint="no overflow and no warning at z = +-1000: never exponentiate a large positive number "
                    "(section 3; remember that np.where evaluates both of its branches)")
assert_unchanged(before_big, [z_big], hint="sigmoid must not change z, not even to clip it")
assert_close(out_big, [[0.0], [1.0]], hint="sigmoid(-1000) = 0 and sigmoid(1000) = 1, without nan")
assert_close(call(sigmoid, np.array([-30.0])), [9.3576229688393e-14], rtol=1e-7, atol=1e-12,
             hint="accurate far from 0: sigmoid(-30) = 9.36e-14 (do not clip z to a small range)")
z_2d = np.array([[-1.0, 0.0], [1.0, 3.0]])
out_2d = call(sigmoid, z_2d)
assert_shape(out_2d, (2, 2), hint="elementwise: same shape as z")
assert_close(out_2d[0], [0.2689414213699951, 0.5], hint="elementwise on a 2-D array")
out_32 = call(sigmoid, np.array([-1.0, 0.0, 4.0], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array (float32 or float64)")
assert_close(out_32, [0.2689414213699951, 0.5, 0.9820137900379085], rtol=1e-5,
             hint="float32 input: expected sigmoid(-1) = 0.269, sigmoid(0) = 0.5, sigmoid(4) = 0.982")
### BEGIN HIDDEN TESTS
big = np.array([-1000.0, -750.0, 750.0, 1000.0])
out_big = call(sigmoid, big, warnings="fail",
               hint="no overflow and no warning for large |z| (section 3)")
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
z_t = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
before = snapshot(z_t)
out = call(relu, z_t)
assert_unchanged(before, [z_t], hint="return a new array: writing zeros into z modifies the caller's array")
assert_float_array(out)
assert_close(out, [0.0, 0.0, 0.0, 0.5, 3.0], hint="relu keeps positive values and replaces the rest by 0")
out_2d = call(relu, np.array([[-1.0, 2.0], [40.0, -5.0]]))
assert_shape(out_2d, (2, 2), hint="elementwise on a 2-D array (a loop over z visits rows)")
assert_close(out_2d, [[0.0, 2.0], [40.0, 0.0]], hint="relu is not bounded above: relu(40) = 40")
out_32 = call(relu, np.array([-1.5, 0.0, 2.0], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array (float32 or float64)")
assert_close(out_32, [0.0, 0.0, 2.0], hint="float32 input: expected [0, 0, 2], the same rule as for float64")
### BEGIN HIDDEN TESTS
z2 = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 0.0]])
before = snapshot(z2)
out2 = call(relu, z2)
assert_unchanged(before, [z2], hint="return a new array; writing into z modifies the input")
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
z_t = np.array([-2.0, 0.0, 3.0])
before = snapshot(z_t)
out = call(leaky_relu, z_t)
assert_unchanged(before, [z_t], hint="leaky_relu must not change z")
assert_float_array(out)
assert_close(out, [-0.02, 0.0, 3.0], hint="negative inputs are multiplied by alpha = 0.01 (not set to 0)")
assert_close(call(leaky_relu, np.array([[-10.0, 2.0], [-1.0, 0.5]]), alpha=0.3), [[-3.0, 2.0], [-0.3, 0.5]],
             hint="use the alpha argument (here 0.3); the negative part is proportional to z")
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
assert_close(out2, [[-0.01, 2.0], [-3.0, 0.5]],
             hint="default alpha = 0.01: expected -0.01 for z = -1 and -3.0 for z = -300; a negative input is "
                  "scaled down, not replaced by a constant (section 2's leaky ReLU)")
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
before = snapshot(z_t)
out = call(silu, z_t)
assert_unchanged(before, [z_t], hint="silu must not change z")
assert_float_array(out)
assert_close(out, [-0.2384058440442351, 0.0, 0.7310585786300049, 1.7615941559557646],
             hint="silu(z) is z times sigmoid(z): silu(1) = 0.731, silu(2) = 1.762")
out_big = call(silu, np.array([-1000.0, 1000.0]))
assert_close(out_big, [0.0, 1000.0], hint="silu(1000) = 1000 and silu(-1000) = 0, finite, not nan: compute the "
             "sigmoid stably (section 3)")
assert_shape(call(silu, np.array([[0.5, -1.0], [2.0, 3.0]])), (2, 2), hint="elementwise: same shape as z")
### BEGIN HIDDEN TESTS
out_big = call(silu, np.array([-1500.0, -800.0, 900.0, 2000.0]))
assert_close(out_big, [0.0, 0.0, 900.0, 2000.0], hint="silu(2000) = 2000 and silu(-1500) = 0, not nan (section 3)")
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
# The two differ by less than $5 \times 10^{-4}$ (see the figure; the cell below prints the largest
# gap), but a test that compares with a
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
before = snapshot(z_t)
out = call(gelu, z_t)
assert_unchanged(before, [z_t], hint="gelu must not change z")
assert_float_array(out)
assert_close(out, [-0.00404969409489031, -0.15865525393145707, 0.0, 0.34573123063700656, 0.8413447460685429,
                   1.9544997361036416], rtol=1e-6, atol=1e-9,
             hint="the default is the exact GELU z Phi(z) of section 4 (the tanh formula is only approximate)")
out_tanh = call(gelu, z_t, approximate="tanh")
assert_close(out_tanh, [-0.0036373920817729943, -0.15880800939172324, 0.0, 0.34571400982514394, 0.8411919906082768,
                        1.954597694087775], rtol=1e-6, atol=1e-9,
             hint="approximate='tanh' must give section 4's tanh formula (with its 0.044715 z^3 term)")
out_2d = call(gelu, np.array([[-1.0, 0.0], [1.0, 2.0]]))
assert_shape(out_2d, (2, 2), hint="any shape: a 2-D batch gives a 2-D result")
assert_close(out_2d, [[-0.15865525393145707, 0.0], [0.8413447460685429, 1.9544997361036416]], rtol=1e-6, atol=1e-9)
### BEGIN HIDDEN TESTS
approx = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))) for v in z_t]
z_h = np.array([-2.5, -0.3, 0.7, 1.5, 4.0])
approx = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))) for v in z_h]
exact = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in z_h]
assert_close(call(gelu, z_h, approximate="tanh"), approx, rtol=1e-6, atol=1e-9,
             hint="approximate='tanh' is section 4's tanh formula")
assert_close(call(gelu, z_h, approximate="none"), exact, rtol=1e-6, atol=1e-9, hint="approximate='none' is the exact GELU")
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
    gap = np.max(np.abs(gelu(z_plot) - gelu(z_plot, approximate="tanh")))
    ax2.set_title(f"exact minus approximate (largest gap {gap:.1e})")
    fig.tight_layout()
    plt.show()
    print(f"largest |exact - tanh approximation| on [-4, 4]: {gap:.2e}")
    assert 1e-6 < gap < 5e-4, "the text says: below 5e-4, yet far above a 1e-6 tolerance"
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
assert_float_array(out)
assert_close(out, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219],
             hint="softmax(z)_k = exp(z_k) / sum_j exp(z_j)")
Z_t = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
before = snapshot(Z_t)
out2 = call(softmax, Z_t)
assert_unchanged(before, [Z_t], hint="do not modify z: subtracting the maximum in place changes the caller's array")
assert_shape(out2, (2, 3), hint="same shape as z")
assert_close(np.sum(out2, axis=1), [1.0, 1.0], hint="for a 2-D input each row sums to 1 (axis=-1 by default)",
             what="row sums")
assert_close(out2[1], [1 / 3, 1 / 3, 1 / 3], hint="equal scores give equal probabilities")
assert_close(call(softmax, np.array([1000.0, 0.0, -1000.0])), [1.0, 0.0, 0.0],
             hint="scores of +-1000: exp(1000) overflows to inf and inf / inf = nan; shift the scores first "
                  "(section 5)")
s1 = 1 / (1 + math.exp(-1.0))
assert_close(call(softmax, np.array([[1000.0, 999.0], [0.0, 1.0]])), [[s1, 1 - s1], [1 - s1, s1]], rtol=1e-9,
             hint="each row must be shifted by its own maximum: one global maximum underflows the second row to 0/0")
out_c = call(softmax, np.array([[0.0, 3.0], [1.0, 0.0]]), axis=0)
assert_close(out_c, [[0.2689414213699951, 0.9525741268224334], [0.7310585786300049, 0.04742587317756678]],
             hint="axis=0: each column sums to 1; use the axis argument for every reduction")
out_32 = call(softmax, np.array([[2.0, 0.0], [-1.0, -1.0]], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array (float32 or float64)")
assert_close(out_32, [[0.8807970779778823, 0.11920292202211755], [0.5, 0.5]], rtol=1e-5,
             hint="float32 input: expected rows [0.881, 0.119] and [0.5, 0.5], as in float64")
### BEGIN HIDDEN TESTS
out_huge = call(softmax, np.array([1e4, 0.0, -1e4]))
assert_close(out_huge, [1.0, 0.0, 0.0], hint="scores of +-1e4 must not overflow (section 5)")
Zc = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
out_c = call(softmax, Zc, axis=0)
e0 = np.exp([1.0, 2.0, 3.0])
assert_close(out_c, np.stack([e0 / e0.sum(), [1 / 3, 1 / 3, 1 / 3]], axis=1), rtol=1e-9,
             hint="axis=0: each column sums to 1 (use the axis argument)")
assert_close(call(softmax, Z_t, axis=1), call(softmax, Z_t), rtol=1e-12, hint="axis=1 on a 2-D array is the default axis=-1")
Zh = np.array([[1e4, 1e4 - 1.0], [0.0, 1.0]])
before = snapshot(Zh)
out_h = call(softmax, Zh)
assert_unchanged(before, [Zh], hint="do not modify z")
s = 1 / (1 + math.exp(-1.0))
assert_close(out_h, [[s, 1 - s], [1 - s, s]], rtol=1e-9,
             hint="each row needs its own shift: a global maximum underflows the second row to 0/0")
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
before = snapshot(z_t)
out = call(sigmoid_grad, z_t)
assert_unchanged(before, [z_t], hint="sigmoid_grad must not change z")
assert_float_array(out)
assert_close(out, [0.1049935854035065, 0.25, 0.19661193324148185],
             hint="the slope of the sigmoid at the pre-activation z (section 6); its maximum is 0.25 at z = 0")
assert_close(call(sigmoid_grad, np.array([-1000.0, 1000.0])), [0.0, 0.0],
             hint="for z = +-1000 the slope is 0, not nan: compute the sigmoid stably (section 3)")
assert_shape(call(sigmoid_grad, np.array([[0.0, 1.0], [2.0, 3.0]])), (2, 2), hint="elementwise: same shape as z")
### BEGIN HIDDEN TESTS
assert_close(call(sigmoid_grad, np.array([-1500.0, -900.0, 800.0, 2000.0])), [0.0, 0.0, 0.0, 0.0],
             hint="for huge |z| the slope is 0, not nan (section 3)")
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
before = snapshot(z_t)
out = call(tanh_grad, z_t)
assert_unchanged(before, [z_t], hint="tanh_grad must not change z")
assert_float_array(out)
assert_close(out, [0.41997434161402614, 1.0, 0.07065082485316443],
             hint="the slope of tanh at the pre-activation z (section 6): 1 at z = 0, falling on both sides")
assert_close(call(tanh_grad, np.array([-1000.0, 1000.0])), [0.0, 0.0], hint="tanh saturates: slope 0 for huge |z|")
out_2d = call(tanh_grad, np.array([[0.0, 1.0], [2.0, 3.0]]))
assert_shape(out_2d, (2, 2), hint="elementwise: same shape as z")
assert_close(out_2d, [[1.0, 0.41997434161402614], [0.07065082485316443, 0.009866037165440211]],
             hint="elementwise on a 2-D array")
### BEGIN HIDDEN TESTS
assert_close(call(tanh_grad, np.array([-700.0, 600.0])), [0.0, 0.0], hint="tanh saturates: slope 0 for huge |z|")
z2 = np.array([[-0.5, 0.25], [3.0, -2.0]])
before = snapshot(z2)
out2 = call(tanh_grad, z2)
assert_unchanged(before, [z2])
assert_shape(out2, (2, 2))
assert_close(out2, 1 - np.tanh(z2) ** 2, rtol=1e-9, hint="the slope of tanh at z (section 6)")
### END HIDDEN TESTS

# %% answer id=relu_grad
def relu_grad(z):
    """Derivative of ReLU at z: 1.0 where z > 0, else 0.0 (0 at z == 0). z: any shape -> same shape."""
    ### BEGIN SOLUTION
    return (np.asarray(z) > 0).astype(float)
    ### END SOLUTION

# %% tests id=test_relu_grad points=1
z_t = np.array([-2.0, -0.1, 0.0, 0.3, 5.0])
before = snapshot(z_t)
out = call(relu_grad, z_t)
assert_unchanged(before, [z_t], hint="relu_grad must not change z")
assert_float_array(out, hint="return a float array of 1.0 and 0.0 (a comparison alone gives booleans)")
assert_close(out, [0.0, 0.0, 0.0, 1.0, 1.0],
             hint="slope 1 for z > 0 and 0 for z < 0; at exactly z = 0 this course (like PyTorch) uses 0")
out_2d = call(relu_grad, np.array([[1.0, -1.0], [0.0, 7.0]]))
assert_shape(out_2d, (2, 2), hint="elementwise: same shape as z")
assert_close(out_2d, [[1.0, 0.0], [0.0, 1.0]], hint="the slope is 1 (not z) for every positive z")
out_32 = call(relu_grad, np.array([-0.5, 0.0, 4.0], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array of 1.0 and 0.0 (not booleans)")
assert_close(out_32, [0.0, 0.0, 1.0], hint="float32 input: expected [0, 0, 1], the same rule as for float64")
### BEGIN HIDDEN TESTS
assert_close(call(relu_grad, np.array([0.0, -0.0, 1e-300, -1e-300])), [0.0, 0.0, 1.0, 0.0],
             hint="at z == 0 (and -0.0) the gradient is 0")
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
# Backpropagation (lesson 08) carries the gradient back one layer at a time. Through layer $l$, with
# $Z_l = H_{l-1} W_l^\top + \mathbf{b}_l$ and $H_l = \sigma(Z_l)$, it does two things: it multiplies
# elementwise by the activation's slopes $\sigma'(Z_l)$, and then by the **weight matrix** $W_l$
# (on the way back, $\partial L/\partial H_{l-1} = (\partial L/\partial H_l \odot \sigma'(Z_l))\, W_l$).
# The sigmoid's derivative is **at most 0.25** (at $z = 0$) and nearly 0 once $|z| > 5$ (the unit
# **saturates**). So through $L$ sigmoid layers the **activation slopes alone** contribute a factor of
# at most $0.25^L$ (after 10 layers, less than $10^{-6}$); the weights contribute their own factor,
# up to their largest singular value $\lVert W_l \rVert$ per layer, so the gradient's size is bounded by
# $\prod_l 0.25\,\lVert W_l \rVert$, not by $0.25^L$. Weights could only make up for the slopes by being
# large ($\lVert W_l \rVert > 4$ in every layer), and large weights push $z$ far from 0, where the sigmoid
# saturates and its slope is far below 0.25. With the usual initial weights (lesson 07) the product shrinks
# geometrically: the early layers barely learn (the second figure below measures it). tanh is better
# (slope up to 1) but still saturates; ReLU's slope is exactly 1 for every active unit, which is one
# reason ReLU made deep networks trainable (its weakness: a unit whose $z$ is negative for every input
# gets no gradient at all, a "dead" ReLU; leaky ReLU, GELU and SiLU keep a small slope there).

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
ax2.set_xlabel("number of layers L"); ax2.set_ylabel("product of activation slopes")
ax2.set_title("activation slopes only (weights not included)"); ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()
print(f"0.25^10 = {0.25 ** 10:.2e}")
assert 0.25 ** 10 < 1e-6 and np.all(typical <= 0.25 ** depth), "the slopes' product is at most 0.25^L"

# %% [markdown]
# The slopes are only half of the story, so here is the whole gradient, weights included: a 10-layer
# sigmoid network of width 100 with Xavier-style weights (standard deviation $1/\sqrt{100}$, lesson 07),
# a batch of 256 inputs, and the gradient $\partial L/\partial H_l$ carried back from the output
# (started at all ones) with the rule above. The cell prints its standard deviation at every layer and
# each layer's largest singular value $\lVert W_l \rVert$ (about 2 here: the weights do not make up for
# the slopes, and the gradient at the input is several orders of magnitude smaller than at the output).

# %%
sig = lambda v: 1 / (1 + np.exp(-v))
width, n_layers = 100, 10
Ws_vg = [rng.normal(0.0, 1 / np.sqrt(width), size=(width, width)) for _ in range(n_layers)]
H = rng.normal(size=(256, width))
Zs = []
for W in Ws_vg:                                  # forward: Z_l = H_{l-1} W_l^T, H_l = sigmoid(Z_l)
    Zs.append(H @ W.T)
    H = sig(Zs[-1])
G = np.ones_like(H)                              # dL/dH_L
grad_stds = [float(np.std(G))]
for W, Z in zip(reversed(Ws_vg), reversed(Zs)):  # backward: dL/dH_{l-1} = (dL/dH_l * sigmoid'(Z_l)) W_l
    G = (G * sig(Z) * (1 - sig(Z))) @ W
    grad_stds.append(float(np.std(G)))
norms = [np.linalg.norm(W, 2) for W in Ws_vg]
print("largest singular value per layer:", np.round(norms, 2))
print("std of dL/dH_l from the output (l = 10) back to the input (l = 0):")
print(np.array2string(np.array(grad_stds), precision=2))
ratio = grad_stds[-1] / grad_stds[1]
print(f"input / last hidden layer: {ratio:.1e}")
assert max(norms) < 4 and ratio < 1e-4, "the text says: weight norms near 2, and the gradient shrinks a lot"

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
# Backpropagation computes the gradient of an early layer as a product of one factor per later layer:
# each factor multiplies by that layer's activation derivative (elementwise) and by its weight matrix.
# The sigmoid's derivative $\sigma(z)(1 - \sigma(z))$ is at most $0.25$ (at $z = 0$) and close to 0 when the
# unit saturates ($|z|$ large). Through about 19 later layers the slopes alone contribute at most
# $0.25^{19} \approx 4 \times 10^{-12}$; the weights could only compensate if every weight matrix stretched
# vectors by more than 4, and such large weights push $z$ into saturation where the slope is far smaller
# still. With ordinary weights the first layers receive almost no gradient and their weights barely move:
# the gradient vanishes.
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
