# %% [markdown]
# # 06 · Losses: how wrong is the network?
#
# A network turns inputs into outputs. To *improve* it we need one number that says how bad
# those outputs are: the **loss**. Training (lessons 08 and 09) is nothing more than nudging
# the weights so that this number goes down, so the loss decides what the network learns.
#
# In this lesson you will write the losses that almost every network uses:
#
# | task | network output | loss |
# |---|---|---|
# | regression (predict a number) | any real value | mean squared error |
# | yes/no classification | a probability $p \in [0, 1]$ | binary cross-entropy |
# | one of $C$ classes | $C$ probabilities (softmax) or $C$ raw scores (logits) | cross-entropy |
#
# Along the way you will meet the two numerical traps of losses, $\log 0$ and $e^{1000}$,
# and the standard ways around them: **clipping** and the **log-sum-exp trick**.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=06_losses` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/06_losses.ipynb`.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
from nnlib import softmax

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Mean squared error
#
# For a prediction $\hat y$ and a target $y$ of the same shape with $n$ elements in total,
#
# $$\mathrm{MSE}(\hat y, y) = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2 .$$
#
# The mean runs over **all** elements: for a batch of $N$ samples with $K$ outputs each,
# $n = N \cdot K$. Squaring makes every error positive and punishes big errors much more than
# small ones (an error of 10 costs 100 times an error of 1).
#
# To train we also need the **gradient**: how the loss changes when each prediction moves a
# little. Only the term $i$ depends on $\hat y_i$, so
#
# $$\frac{\partial\, \mathrm{MSE}}{\partial \hat y_i} = \frac{2\,(\hat y_i - y_i)}{n}.$$
#
# The gradient has the shape of $\hat y$, and it points *away* from the target: a prediction
# that is too big gets a positive gradient, and gradient descent (subtracting it) moves the
# prediction down. A worked example:

# %%
y_hat = np.array([2.5, 0.0, 2.0])
y = np.array([3.0, -0.5, 2.0])
errors = y_hat - y
print("errors:        ", errors)
print("squared errors:", errors ** 2)
print("MSE:           ", np.mean(errors ** 2))
print("gradient:      ", 2 * errors / errors.size)

# %% [markdown]
# ### Exercise 1: `mse(y_pred, y_true)`
#
# Return the mean squared error of two arrays of the same shape (any shape: `(N,)`, `(N, K)`, ...)
# as a single number (a Python `float` or a NumPy scalar). The mean is over **all** elements.
# Do not modify the inputs.

# %% answer id=mse
def mse(y_pred, y_true):
    """Mean squared error over all elements.

    y_pred, y_true: arrays of the same shape (any shape).
    Returns a scalar: mean((y_pred - y_true) ** 2).
    """
    ### BEGIN SOLUTION
    diff = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.mean(diff ** 2))
    ### END SOLUTION

# %% tests id=test_mse points=1
out = call(mse, np.array([2.5, 0.0, 2.0]), np.array([3.0, -0.5, 2.0]))
assert_close(out, 1 / 6, hint="mean of the squared errors: (0.25 + 0.25 + 0) / 3")
assert_close(call(mse, np.array([1.0, 2.0]), np.array([1.0, 2.0])), 0.0,
             hint="a perfect prediction has zero loss")
assert_close(call(mse, np.array([0.0]), np.array([3.0])), 9.0,
             hint="square the error (do not take its absolute value)")
P_t = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
Y_t = np.array([[1.0, 0.0, 3.0], [0.0, 5.0, 6.0]])
before = snapshot(P_t, Y_t)
out = call(mse, P_t, Y_t)
assert_unchanged(before, [P_t, Y_t], what="mse")
assert_shape(out, (), hint="one number for the whole batch, not one per column")
assert_close(out, (4.0 + 16.0) / 6, hint="for a (2, 3) array, average over all 6 elements (not over the 2 rows)")
out_32 = call(mse, np.array([0.5, 1.5, 2.0], dtype=np.float32), np.array([0.0, 1.0, 2.0], dtype=np.float32))
assert_close(out_32, 1 / 6, rtol=1e-5, hint="float32 inputs: expected (0.25 + 0.25 + 0) / 3 = 0.1667, as in float64")
### BEGIN HIDDEN TESTS
# 2-D: the mean runs over ALL elements and the result is one number
P = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
Y = np.array([[0.0, 2.0], [3.0, 1.0], [2.0, 0.0]])
before = snapshot(P, Y)
out = call(mse, P, Y)
assert_close(out, (1.0 + 9.0 + 4.0) / 6, hint="for a (3, 2) array, average over all 6 elements and return a scalar")
assert_unchanged(before, [P, Y], what="mse")
# (N, 1) column of predictions
assert_close(call(mse, np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]])), 5.0,
             hint="(N, 1) arrays: mean over all elements")
# float32 inputs
P32 = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
Y32 = np.array([0.0, 0.0, 1.0, 1.0], dtype=np.float32)
assert_close(call(mse, P32, Y32), (0.01 + 0.04 + 0.49 + 0.36) / 4, rtol=1e-5,
             hint="float32 inputs must work too")
# sign does not matter
assert_close(call(mse, np.array([-2.0, 2.0]), np.array([0.0, 0.0])), 4.0, hint="errors are squared")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2: `mse_grad(y_pred, y_true)`
#
# Return the gradient of `mse` with respect to `y_pred`: an array of the same shape as `y_pred`, the
# formula of section 1, with $n$ the total number of elements (not the number of rows). Integer inputs
# must give a float gradient too.

# %% answer id=mse_grad
def mse_grad(y_pred, y_true):
    """Gradient of mse(y_pred, y_true) with respect to y_pred.

    y_pred, y_true: arrays of the same shape.
    Returns an array of y_pred's shape: 2 * (y_pred - y_true) / y_pred.size.
    """
    ### BEGIN SOLUTION
    y_pred = np.asarray(y_pred)
    y_pred = y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(float)
    return 2.0 * (y_pred - y_true) / y_pred.size
    ### END SOLUTION

# %% tests id=test_mse_grad points=1
out = call(mse_grad, np.array([2.5, 0.0, 2.0]), np.array([3.0, -0.5, 2.0]))
assert_float_array(out, hint="return a NumPy array of floats")
assert_close(out, [-1 / 3, 1 / 3, 0.0], hint="the derivative of the mean of squared errors wrt each prediction "
                                              "(section 1), with n = 3 here")
assert_close(call(mse_grad, np.array([5.0]), np.array([1.0])), [8.0],
             hint="the gradient points away from the target: positive when the prediction is too big")
P_t = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
Y_t = np.array([[1.0, 0.0, 3.0], [0.0, 5.0, 6.0]])
before = snapshot(P_t, Y_t)
out = call(mse_grad, P_t, Y_t)
assert_unchanged(before, [P_t, Y_t], what="mse_grad")
assert_shape(out, (2, 3), hint="the gradient has the shape of y_pred")
assert_close(out, [[0.0, 4 / 6, 0.0], [8 / 6, 0.0, 0.0]],
             hint="n is the number of elements (6 here), not the number of rows (2)")
out_int = call(mse_grad, np.array([1, 2]), np.array([0, 0]))
assert_float_array(out_int, hint="integer inputs still give a float gradient")
assert_close(out_int, [1.0, 2.0], hint="integer inputs: the same formula, with true division")
out_32 = call(mse_grad, np.array([1.5, 0.0], dtype=np.float32), np.array([0.5, 1.0], dtype=np.float32))
assert_float_array(out_32, hint="float32 inputs must give a float array (float32 or float64)")
assert_close(out_32, [1.0, -1.0], rtol=1e-5, hint="float32 inputs: expected [1, -1] (errors +1 and -1, n = 2), "
                                                  "as in float64")
### BEGIN HIDDEN TESTS
# 2-D: divide by the total number of elements (6), not by the number of rows (2)
P = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
Y = np.array([[0.0, 2.0], [3.0, 1.0], [2.0, 0.0]])
before = snapshot(P, Y)
out = call(mse_grad, P, Y)
assert_shape(out, (3, 2), hint="the gradient has the shape of y_pred")
assert_close(out, [[2 / 6, 0.0], [0.0, 6 / 6], [-4 / 6, 0.0]],
             hint="divide by the number of elements, not the number of rows")
assert_unchanged(before, [P, Y], what="mse_grad")
# matches a finite difference of the MSE itself
P2 = np.array([[0.3, -1.2], [2.0, 0.7], [-0.4, 0.1]])
Y2 = np.array([[0.0, 1.0], [1.5, 0.5], [0.0, 0.0]])
g = np.asarray(call(mse_grad, P2, Y2), dtype=float)
h = 1e-6
num = np.zeros_like(P2)
for idx in np.ndindex(P2.shape):
    Pp, Pm = P2.copy(), P2.copy()
    Pp[idx] += h
    Pm[idx] -= h
    num[idx] = (np.mean((Pp - Y2) ** 2) - np.mean((Pm - Y2) ** 2)) / (2 * h)
assert_close(g, num, rtol=1e-5, atol=1e-8, hint="should match the derivative of the mean over all elements")
# float32 keeps a floating dtype
out32 = call(mse_grad, np.array([1.0, 2.0], dtype=np.float32), np.array([0.0, 0.0], dtype=np.float32))
assert_float_array(out32, hint="float32 inputs give a floating array")
assert_close(out32, [1.0, 2.0], rtol=1e-5)
# integer inputs still give a float gradient
out_int = call(mse_grad, np.array([1, 2, 3, 4]), np.array([0, 0, 0, 0]))
assert_close(out_int, [0.5, 1.0, 1.5, 2.0], hint="integer inputs: the gradient is still 2 * error / n (use true division)")
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Binary cross-entropy
#
# For yes/no questions the network outputs a probability $p$ that the answer is "yes" (label
# $y = 1$). The **binary cross-entropy** is the negative log-probability that the model gave to
# what actually happened:
#
# $$\mathrm{BCE}(p, y) = -\frac{1}{n} \sum_{i=1}^{n} \Big[\, y_i \log p_i + (1 - y_i) \log (1 - p_i) \Big].$$
#
# For $y_i = 1$ only $-\log p_i$ remains, for $y_i = 0$ only $-\log(1 - p_i)$. Being confidently
# wrong is very expensive: $-\log p \to \infty$ as $p \to 0$, while the squared error $(1 - p)^2$
# (true label 1) never charges more than 1 (left panel).
#
# Why does that matter for learning? Not because of the slope with respect to $p$: the squared error's
# slope $-2(1 - p)$ is *largest* exactly when the model is most wrong. The network does not adjust $p$
# directly, though: $p = \sigma(z)$ is the sigmoid of a logit $z$ that the weights produce, and gradient
# descent follows $\partial L/\partial z$. By the chain rule, with $\sigma'(z) = p(1 - p)$ (lesson 04):
#
# $$\frac{\partial (p - y)^2}{\partial z} = 2\,(p - y)\,p\,(1 - p), \qquad
# \frac{\partial\, \mathrm{BCE}}{\partial z} = \Big(-\frac{y}{p} + \frac{1 - y}{1 - p}\Big)\,p\,(1 - p) = p - y .$$
#
# When the model is confidently wrong ($y = 1$, $p \to 0$) the factor $p(1 - p)$ makes the squared error's
# gradient **vanish**: the sigmoid is saturated and the example barely moves the weights. Cross-entropy's
# $1/p$ cancels that factor exactly, and its gradient $p - y$ stays near $-1$: the most wrong examples
# learn fastest. The right panel shows both gradients against the logit; the cell prints them at $z = -10$.

# %%
p = np.linspace(0.001, 0.999, 500)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].plot(p, -np.log(p), label="cross-entropy, y = 1: $-\\log p$")
axes[0].plot(p, -np.log(1 - p), label="cross-entropy, y = 0: $-\\log(1-p)$")
axes[0].plot(p, (1 - p) ** 2, "--", label="squared error, y = 1: $(1-p)^2$")
axes[0].set_xlabel("predicted probability p of class 1")
axes[0].set_ylabel("loss")
axes[0].set_ylim(0, 5)
axes[0].set_title("loss vs predicted probability")
axes[0].legend(fontsize=8)
z_logit = np.linspace(-10, 10, 501)
p_z = 1 / (1 + np.exp(-z_logit))                       # p = sigmoid(z), true label y = 1
grad_ce = p_z - 1.0                                     # d BCE / dz
grad_se = 2 * (p_z - 1.0) * p_z * (1 - p_z)             # d (p - 1)^2 / dz
axes[1].plot(z_logit, np.abs(grad_ce), label="|dL/dz| cross-entropy = |p - y|")
axes[1].plot(z_logit, np.abs(grad_se), "--", label="|dL/dz| squared error = |2(p - y) p (1 - p)|")
axes[1].set_yscale("log")
axes[1].set_xlabel("logit z (p = sigmoid(z)), true label y = 1")
axes[1].set_title("gradient wrt the logit: very wrong on the left")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
p10 = 1 / (1 + np.exp(10.0))
print(f"at z = -10 (p = {p10:.1e}): cross-entropy dL/dz = {p10 - 1:.3f}, squared error dL/dz = "
      f"{2 * (p10 - 1) * p10 * (1 - p10):.1e}")
assert abs((p10 - 1) + 1) < 1e-4 and abs(2 * (p10 - 1) * p10 * (1 - p10)) < 1e-4, "the text says: -1 versus almost 0"

# %% [markdown]
# ### The $\log 0$ trap, and clipping
#
# A sigmoid output can round to exactly `1.0` in floating point: $\sigma(40) = 1 - 4.2 \times 10^{-18}$,
# and $1 + 4.2 \times 10^{-18}$ is exactly 1, so `1 / (1 + np.exp(np.float32(-40)))` is exactly `1.0`
# (in float32 this happens for every $z \ge 17$, in float64 for $z \ge 37$). The other end is safer:
# `1 / (1 + np.exp(40.0))` is $4.2 \times 10^{-18}$ in both dtypes, tiny but not 0; the naive formula
# only gives exactly `0.0` once `np.exp(-z)` overflows ($z \le -89$ in float32). For a label $y = 0$ and
# $p = 1.0$ the loss needs $\log(1 - p) = \log 0 = -\infty$, NumPy warns, and one `inf` turns the whole
# loss, and every gradient after it, into `inf` or `nan`. The standard fix is to **clip** the probabilities
# into $[\varepsilon, 1 - \varepsilon]$ before taking the log, e.g. $\varepsilon = 10^{-7}$: the loss of a
# confidently wrong prediction is then large ($-\log 10^{-7} \approx 16.1$) but finite.

# %%
p_one = 1 / (1 + np.exp(np.float32(-40)))
p_small = 1 / (1 + np.exp(40.0)), 1 / (1 + np.exp(np.float32(40)))
print("sigmoid(40) in float32:", p_one, " exactly 1.0:", p_one == 1.0)
print("sigmoid(-40) in float64 and float32:", p_small)
assert p_one == 1.0 and all(3e-18 < v < 5e-18 for v in p_small), "the text says: 1.0 exactly, and 4.2e-18 (not 0)"
p_raw = np.array([0.0, 1.0, 0.5])
eps = 1e-7
with np.errstate(divide="ignore"):
    print("log without clipping:", np.log(p_raw))
print("log after clipping:  ", np.log(np.clip(p_raw, eps, 1 - eps)))
print(f"-log(1e-7) = {-np.log(eps):.1f}")
assert abs(-np.log(eps) - 16.1) < 0.05, "the text says: about 16.1"

# %% [markdown]
# ### Exercise 3: `binary_cross_entropy(p, y, eps=1e-7)`
#
# `p`: predicted probabilities, `y`: labels in {0, 1}, same shape (any shape). Clip `p` to
# `[eps, 1 - eps]` (both ends!), then return the **mean** binary cross-entropy over all elements
# as a scalar. It must stay finite (no `inf`, no `nan`) when `p` contains exactly 0 or 1.
# Use the `eps` argument (do not hard-code `1e-7`) and do not modify `p`.

# %% answer id=binary_cross_entropy
def binary_cross_entropy(p, y, eps=1e-7):
    """Mean binary cross-entropy.

    p: predicted probabilities of class 1, any shape; y: labels in {0, 1}, same shape.
    p is clipped to [eps, 1 - eps] before the log.
    Returns a scalar: -mean(y * log(p) + (1 - y) * log(1 - p)).
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)
    y = np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))
    ### END SOLUTION

# %% tests id=test_binary_cross_entropy points=2
out = call(binary_cross_entropy, np.array([0.9, 0.2]), np.array([1.0, 0.0]))
assert_close(out, -(np.log(0.9) + np.log(0.8)) / 2,
             hint="expected 0.164: the mean over the samples of minus the log of the probability the model gave "
                  "to the label that actually occurred (section 2); here 0.9 for the first and 0.8 for the second")
assert_close(call(binary_cross_entropy, np.array([0.5, 0.5, 0.5]), np.array([1.0, 0.0, 1.0])), np.log(2),
             hint="p = 0.5 costs log 2 whatever the label")
assert_close(call(binary_cross_entropy, np.array([0.25]), np.array([0.0])), -np.log(0.75),
             hint="p = 0.25 with label y = 0: expected 0.288, minus the log of the 0.75 the model gave to "
                  "label 0; section 2's formula has a term for each label")
P_t = np.array([0.0, 1.0, 1.0, 0.0])
Y_t = np.array([1.0, 0.0, 1.0, 0.0])
before = snapshot(P_t, Y_t)
out = call(binary_cross_entropy, P_t, Y_t)
assert_unchanged(before, [P_t, Y_t], what="binary_cross_entropy", hint="clip into a new array; do not write into p")
assert_close(out, -(2 * np.log(1e-7) + 2 * np.log(1 - 1e-7)) / 4, rtol=1e-4,
             hint="p exactly 0 (with y = 1) and exactly 1 (with y = 0) must be clipped to [eps, 1 - eps] "
                  "before any log: both cost -log(eps), finite")
assert_close(call(binary_cross_entropy, np.array([0.0, 1.0]), np.array([1.0, 0.0]), eps=1e-3), -np.log(1e-3),
             rtol=1e-6, hint="use the eps argument (here 1e-3), not a hard-coded 1e-7")
assert_close(call(binary_cross_entropy, np.array([[0.9, 0.1], [0.3, 0.6]]), np.array([[1, 0], [1, 1]])),
             -(np.log(0.9) + np.log(0.9) + np.log(0.3) + np.log(0.6)) / 4,
             hint="2-D input with integer labels: mean over all 4 elements, one number")
out_32 = call(binary_cross_entropy, np.array([0.8, 0.4], dtype=np.float32), np.array([1.0, 0.0], dtype=np.float32))
assert_close(out_32, -(np.log(0.8) + np.log(0.6)) / 2, rtol=1e-5,
             hint="float32 inputs: expected 0.367, the same loss as in float64")
### BEGIN HIDDEN TESTS
# p exactly 0 and 1: clipped at both ends, finite, no warning
P = np.array([[1.0, 0.0], [0.0, 0.5]])
Y = np.array([[0.0, 1.0], [0.0, 1.0]])
before = snapshot(P, Y)
out = call(binary_cross_entropy, P, Y)
assert_close(out, -(2 * np.log(1e-7) + np.log(1 - 1e-7) + np.log(0.5)) / 4, rtol=1e-4,
             hint="p = 0 with y = 1 and p = 1 with y = 0 both cost -log(eps): clip both ends")
assert_unchanged(before, [P, Y], what="binary_cross_entropy", hint="do not write into p")
# the eps argument is used
out = call(binary_cross_entropy, np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0]), eps=1e-2)
assert_close(out, -(2 * np.log(1e-2) + np.log(1 - 1e-2)) / 3, rtol=1e-6, hint="use the eps argument")
# 2-D, mean over all elements
P2 = np.array([[0.9, 0.1], [0.3, 0.6]])
Y2 = np.array([[1.0, 0.0], [1.0, 1.0]])
expected = -np.mean(Y2 * np.log(P2) + (1 - Y2) * np.log(1 - P2))
assert_close(call(binary_cross_entropy, P2, Y2), expected, hint="2-D input: mean over all elements, one number")
# float32
P32 = np.array([0.9, 0.2, 0.7], dtype=np.float32)
Y32 = np.array([1.0, 0.0, 0.0], dtype=np.float32)
expected32 = -np.mean([np.log(0.9), np.log(0.8), np.log(0.3)])
assert_close(call(binary_cross_entropy, P32, Y32), expected32, rtol=1e-5, hint="float32 inputs must work")
# integer labels
assert_close(call(binary_cross_entropy, np.array([0.9, 0.2]), np.array([1, 0])),
             -(np.log(0.9) + np.log(0.8)) / 2, hint="integer labels must work too")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Cross-entropy for $C$ classes
#
# With $C$ classes the network outputs a probability vector per sample (a softmax, lesson 04).
# The cross-entropy of sample $i$ is the negative log-probability of its **true** class $y_i$;
# the loss is the mean over the $N$ samples:
#
# $$\mathrm{CE} = -\frac{1}{N} \sum_{i=1}^{N} \log p_{i, y_i}.$$
#
# Targets come in two encodings that must give the same number:
#
# * **integer labels**, shape `(N,)`: `targets[i]` is the class index. Indexing an array with two
#   integer arrays, `A[rows, cols]`, picks the entries `A[rows[k], cols[k]]`, one per pair (NumPy's
#   "fancy indexing"): the tool for taking one probability per row.
# * **one-hot**, shape `(N, C)`: row $i$ is 1 at the true class and 0 elsewhere. Then
#   $\mathrm{CE} = -\frac{1}{N}\sum_i \sum_c t_{ic} \log p_{ic}$ (the zeros switch off every other class).

# %%
probs = np.array([[0.7, 0.2, 0.1],
                  [0.1, 0.1, 0.8]])
labels = np.array([0, 2])
onehot = np.eye(3)[labels]
print("one-hot targets:\n", onehot)
A = np.arange(12).reshape(3, 4)
print("fancy indexing: A[[0, 2], [1, 3]] picks A[0, 1] and A[2, 3]:", A[[0, 2], [1, 3]])
ce_by_hand = -(np.log(0.7) + np.log(0.8)) / 2
print(f"true-class probabilities 0.7 and 0.8: CE = -(log 0.7 + log 0.8) / 2 = {ce_by_hand:.4f}")
assert np.allclose(A[[0, 2], [1, 3]], [1, 11]) and abs(ce_by_hand - 0.2899) < 1e-4

# %% [markdown]
# ### Exercise 4: `cross_entropy(probs, targets, eps=1e-7)`
#
# `probs`: `(N, C)` probabilities (rows sum to 1). `targets`: integer labels of shape `(N,)` **or**
# one-hot of shape `(N, C)` (tell them apart by their number of dimensions). Clip the probabilities to
# `[eps, 1 - eps]` and return the mean over the **samples** (divide by $N$, not by $N \cdot C$).
# Probabilities of exactly 0 or 1 (even for classes that are not the target) must not produce an
# `inf` or a `nan`: note that `0 * log(0)` is `nan` in floating point. Use `eps`; do not modify the inputs.

# %% answer id=cross_entropy
def cross_entropy(probs, targets, eps=1e-7):
    """Mean cross-entropy over samples.

    probs: (N, C) class probabilities.
    targets: (N,) integer labels, or (N, C) one-hot rows.
    Probabilities are clipped to [eps, 1 - eps].
    Returns a scalar: -mean_i log(probs[i, true class of i]).
    """
    ### BEGIN SOLUTION
    probs = np.clip(np.asarray(probs, dtype=float), eps, 1.0 - eps)
    targets = np.asarray(targets)
    n = probs.shape[0]
    if targets.ndim == 2:
        return float(-np.sum(targets * np.log(probs)) / n)
    return float(-np.mean(np.log(probs[np.arange(n), targets])))
    ### END SOLUTION

# %% tests id=test_cross_entropy points=2
P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
before = snapshot(P)
out = call(cross_entropy, P, np.array([0, 2]))
assert_unchanged(before, [P], what="cross_entropy", hint="clip into a new array; do not write into probs")
assert_close(out, -(np.log(0.7) + np.log(0.8)) / 2,
             hint="mean over samples of -log(probability of the true class)")
out = call(cross_entropy, P, np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]))
assert_close(out, -(np.log(0.7) + np.log(0.8)) / 2,
             hint="one-hot targets (N, C) must give the same loss as integer labels; divide by N, not N * C")
P0 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
expected0 = -(np.log(1 - 1e-7) + np.log(1e-7)) / 2
before0 = snapshot(P0)
out0 = call(cross_entropy, P0, np.array([0, 2]))
assert_unchanged(before0, [P0], what="cross_entropy", hint="clip into a new array; do not write into probs")
assert_close(out0, expected0, rtol=1e-4,
             hint="probabilities of exactly 1 and 0: clip to [eps, 1 - eps] before the log (finite loss)")
assert_close(call(cross_entropy, P0, np.array([[1, 0, 0], [0, 0, 1]])), expected0, rtol=1e-4,
             hint="one-hot targets with zero probabilities elsewhere: 0 * log(0) is nan, so clip first")
assert_close(call(cross_entropy, np.array([[0.0, 1.0]]), np.array([0], dtype=np.int32), eps=1e-2), -np.log(1e-2),
             hint="use the eps argument (here 1e-2); int32 labels work too")
out_32 = call(cross_entropy, np.array([[0.6, 0.4], [0.3, 0.7]], dtype=np.float32), np.array([0, 1]))
assert_close(out_32, -(np.log(0.6) + np.log(0.7)) / 2, rtol=1e-5,
             hint="float32 probabilities: expected 0.434, the same loss as in float64")
### BEGIN HIDDEN TESTS
# one-hot and integer agree on a bigger, non-square example
rng_t = np.random.default_rng(3)
Z = rng_t.normal(size=(7, 4))
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
labels = np.array([0, 3, 1, 1, 2, 0, 3])
expected = -np.mean(np.log(P[np.arange(7), labels]))
before = snapshot(P, labels)
assert_close(call(cross_entropy, P, labels), expected,
             hint="integer labels: one probability per row, the true class's")
assert_unchanged(before, [P, labels], what="cross_entropy")
onehot = np.eye(4)[labels]
assert_close(call(cross_entropy, P, onehot), expected, hint="one-hot targets: divide by N")
# exact zeros and ones: clipped, finite, no warning, for both encodings
P0 = np.array([[0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0]])
lab0 = np.array([2, 0, 1])
expected0 = -(np.log(1 - 1e-7) + np.log(1e-7) + np.log(0.5)) / 3
out = call(cross_entropy, P0, lab0)
assert_close(out, expected0, rtol=1e-4, hint="exactly 1 is clipped to 1 - eps, exactly 0 to eps")
out = call(cross_entropy, P0, np.eye(4)[lab0])
assert_close(out, expected0, rtol=1e-4, hint="one-hot targets with zero probabilities elsewhere must stay finite")
# eps argument
out = call(cross_entropy, np.array([[0.0, 1.0]]), np.array([0]), eps=1e-2)
assert_close(out, -np.log(1e-2), hint="use the eps argument")
# float32 probabilities, int32 labels
P32 = P.astype(np.float32)
assert_close(call(cross_entropy, P32, labels.astype(np.int32)), expected, rtol=1e-5,
             hint="float32 probabilities and int32 labels must work")
# a single sample
assert_close(call(cross_entropy, np.array([[0.25, 0.75]]), np.array([1])), -np.log(0.75))
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Log-softmax and the log-sum-exp trick
#
# Networks output raw scores $z$ (**logits**); softmax turns them into probabilities,
# $p_c = e^{z_c} / \sum_k e^{z_k}$. The cross-entropy only needs $\log p_c$:
#
# $$\log p_c = z_c - \log \sum_k e^{z_k}.$$
#
# Computed naively this overflows: $e^{1000}$ is `inf` in float64 (and $e^{89}$ already is in
# float32). Subtracting any constant $m$ from every logit changes nothing,
# $\log\sum_k e^{z_k} = m + \log\sum_k e^{z_k - m}$, and with $m = \max_k z_k$ every exponent is
# $\le 0$ (no overflow) and the largest term is $e^0 = 1$ (so the sum is at least 1 and its log never
# sees 0). This is the **log-sum-exp trick**:
#
# $$\log \mathrm{softmax}(z)_c = (z_c - m) - \log \sum_k e^{z_k - m}, \qquad m = \max_k z_k .$$
#
# Compare with taking the log of a (stable!) softmax: the tiny probabilities underflow to 0 and
# their log is $-\infty$, although the true values are perfectly ordinary numbers.

# %%
z = np.array([1000.0, 0.0, -1000.0])
with np.errstate(divide="ignore"):
    naive = np.log(softmax(z))
print("log(softmax(z)):", naive)
# By hand: m = 1000 and log(e^0 + e^-1000 + e^-2000) is log(1 + tiny) = 0 to double precision,
# so the true values are z - 1000 = [0, -1000, -2000]: ordinary numbers, not -inf.
print("true values:    ", z - 1000.0)
with np.errstate(over="ignore"):
    print("exp(1000) in float64:", np.exp(1000.0), "  exp(89) in float32:", np.exp(np.float32(89)))
    assert np.isinf(np.exp(1000.0)) and np.isinf(np.exp(np.float32(89))), "the text says: both overflow to inf"
assert naive[0] == 0.0 and np.all(np.isneginf(naive[1:])), "the text says: the tiny probabilities' logs become -inf"

# %% [markdown]
# ### Exercise 5: `log_softmax(z, axis=-1)`
#
# Return $\log \mathrm{softmax}(z)$ along `axis`, computed with the log-sum-exp trick: same shape as `z`,
# finite for logits like $\pm 1000$. Take the maximum **along `axis`** (keeping that axis, so it
# broadcasts), one maximum per row, not one for the whole array: rows on very different scales must
# each stay accurate. Do not modify `z`.

# %% answer id=log_softmax
def log_softmax(z, axis=-1):
    """Numerically stable log of the softmax along `axis`.

    z: array of logits, any shape. Returns an array of z's shape:
    z - max - log(sum(exp(z - max))), the max and sum taken along `axis`.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z)
    z = z if np.issubdtype(z.dtype, np.floating) else z.astype(float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    ### END SOLUTION

# %% tests id=test_log_softmax points=2
z_t = np.array([1.0, 2.0, 3.0])
before = snapshot(z_t)
out = call(log_softmax, z_t)
assert_unchanged(before, [z_t], what="log_softmax", hint="compute the shifted logits into a new array")
assert_float_array(out, hint="return a NumPy array of floats")
assert_close(out, [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806],
             hint="the log of softmax(z) (section 4): each entry is z_c minus the same log-sum-exp")
out = call(log_softmax, np.array([1000.0, 0.0, -1000.0]))
assert_close(out, [0.0, -1000.0, -2000.0], atol=1e-9,
             hint="logits of +-1000: use the log-sum-exp trick, do not take the log of softmax "
                  "(its tiny values underflow to 0)")
Zs = np.array([[0.0, 1.0], [-2000.0, -2001.0]])
lse = np.log(1 + np.exp(-1.0))
assert_close(call(log_softmax, Zs), [[-1.0 - lse, -lse], [-lse, -1.0 - lse]], rtol=1e-6,
             hint="rows on very different scales: the shift must be each row's own maximum, not one for the array")
Z0 = np.array([[0.0, 3.0], [1.0, 0.0]])
assert_close(call(log_softmax, Z0, axis=0),
             [[-1.3132616875182228, -0.04858735157374196], [-0.31326168751822286, -3.048587351573742]], rtol=1e-9,
             hint="axis=0: each column is one distribution; use the axis argument for every reduction")
out_32 = call(log_softmax, np.array([[0.0, 1.0], [2.0, 2.0]], dtype=np.float32))
assert_float_array(out_32, hint="a float32 input must give a float array (float32 or float64)")
assert_close(out_32, [[-1.0 - lse, -lse], [-np.log(2), -np.log(2)]], rtol=1e-5,
             hint="float32 input: expected rows [-1.313, -0.313] and [-0.693, -0.693], as in float64")
### BEGIN HIDDEN TESTS
# 2-D, default axis=-1 (rows), non-square
Z = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, -1.0, 2.0]])
expected = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
before = snapshot(Z)
out = call(log_softmax, Z)
assert_shape(out, (2, 4), hint="same shape as z")
assert_close(out, expected, hint="for 2-D input the default axis=-1 normalises each row")
assert_unchanged(before, [Z], what="log_softmax", hint="do not write into z")
# axis=0 (columns)
expected0 = Z - np.log(np.exp(Z).sum(axis=0, keepdims=True))
assert_close(call(log_softmax, Z, axis=0), expected0, hint="honour the axis argument")
# rows on very different scales: the max must be taken per row
Zs = np.array([[1500.0, 1502.0], [0.0, -2.0]])
out = call(log_softmax, Zs)
lse = np.log(1 + np.exp(-2.0))
assert_close(out, [[-2.0 - lse, -lse], [-lse, -2.0 - lse]], rtol=1e-6, hint="the shift must be the maximum of each row")
# large logits in 2-D, both axes
Zb = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]])
assert_close(call(log_softmax, Zb, axis=1),
             [[0.0, -2000.0], [-2000.0, 0.0], [-np.log(2), -np.log(2)]], atol=1e-9)
# float32 stays floating and accurate
Z32 = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
out = call(log_softmax, Z32)
assert_float_array(out)
assert_close(out, np.array([[1.0, 2.0, 3.0]]) - np.log(np.exp(1.0) + np.exp(2.0) + np.exp(3.0)), rtol=1e-5)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Cross-entropy straight from the logits
#
# Putting the two together, the cross-entropy of logits $z_i$ with label $y_i$ is
#
# $$\mathrm{CE} = -\frac{1}{N}\sum_{i=1}^{N} \log\mathrm{softmax}(z_i)_{y_i}
#     = \frac{1}{N}\sum_{i=1}^{N}\Big( \log\sum_k e^{z_{ik}} - z_{i y_i} \Big).$$
#
# Computed this way the loss is exact for any logits: no probability is ever rounded to 0, so no
# clipping is needed and the loss of a hopelessly wrong prediction is its true, large value (2000 below)
# instead of the clipped $-\log \varepsilon \approx 16$. This is why every framework's classification loss
# (`torch.nn.CrossEntropyLoss`, `nnlib.CrossEntropyLoss`) takes **logits**, and the network's last
# layer has no softmax.

# %% [markdown]
# ### Exercise 6: `cross_entropy_from_logits(logits, labels)`
#
# `logits`: `(N, C)` raw scores; `labels`: `(N,)` integer class indices. Return the mean
# cross-entropy as a scalar, stable for logits of any size (e.g. 1000): use the log-sum-exp trick,
# not `np.log(softmax(...))`. Do not modify `logits`.

# %% answer id=cross_entropy_from_logits
def cross_entropy_from_logits(logits, labels):
    """Mean cross-entropy of raw scores against integer labels, stable for any logits.

    logits: (N, C); labels: (N,) integers in [0, C).
    Returns a scalar: mean_i (log sum_k exp(logits[i, k]) - logits[i, labels[i]]).
    """
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    logp = (z - m) - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return float(-np.mean(logp[np.arange(n), labels]))
    ### END SOLUTION

# %% tests id=test_cross_entropy_from_logits points=2
Z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
labels = np.array([0, 1])
before = snapshot(Z, labels)
out = call(cross_entropy_from_logits, Z, labels)
assert_unchanged(before, [Z, labels], what="cross_entropy_from_logits")
assert_close(out, 0.3185397696491856, hint="mean over samples of -log softmax(logits)[i, label_i]")
out = call(cross_entropy_from_logits, np.array([[1000.0, 0.0, -1000.0]]), np.array([0]))
assert_close(out, 0.0, atol=1e-9, hint="a huge logit on the true class means a loss of 0, not nan: use the "
                                       "log-sum-exp trick")
out = call(cross_entropy_from_logits, np.array([[1000.0, 0.0, -1000.0]]), np.array([2]))
assert_close(out, 2000.0, rtol=1e-6, hint="logit -1000 on the true class against a maximum of 1000: the exact loss "
                                          "is 2000 (section 5), no clipping, no inf")
Zr = np.array([[1000.0, 999.0], [-1000.0, -1001.0], [0.0, 3.0]])
lse1 = np.log(1 + np.exp(-1.0))
assert_close(call(cross_entropy_from_logits, Zr, np.array([1, 0, 0])),
             ((1.0 + lse1) + lse1 + (3.0 + np.log(1 + np.exp(-3.0)))) / 3, rtol=1e-6,
             hint="rows on very different scales (3 rows, 2 classes): shift each row by its own maximum, divide by N")
out_32 = call(cross_entropy_from_logits, np.array([[0.0, 0.0], [3.0, 1.0]], dtype=np.float32), np.array([1, 0]))
assert_close(out_32, (np.log(2) + np.log(1 + np.exp(-2.0))) / 2, rtol=1e-5,
             hint="float32 logits: expected 0.410, the same loss as in float64")
### BEGIN HIDDEN TESTS
# the wrong class with a huge margin: the exact loss is 2000, no clipping, no inf
out = call(cross_entropy_from_logits, np.array([[-500.0, 0.0, 1500.0]]), np.array([0]))
assert_close(out, 2000.0, rtol=1e-6, hint="the loss of logit -500 against a max of 1500 is exactly 2000")
# several rows on different scales, non-square
Zs = np.array([[2000.0, 1998.0], [-3000.0, -3002.0], [0.0, 2.0]])
lab = np.array([1, 0, 0])
lse2 = np.log(1 + np.exp(-2.0))
expected = ((2.0 + lse2) + lse2 + (2.0 + lse2)) / 3
before = snapshot(Zs, lab)
out = call(cross_entropy_from_logits, Zs, lab, hint="shift each row by its own maximum")
assert_close(out, expected, rtol=1e-6, hint="mean over rows")
assert_unchanged(before, [Zs, lab], what="cross_entropy_from_logits")
# agreement with a direct computation on random logits
rng_t = np.random.default_rng(7)
Zr = rng_t.normal(scale=3.0, size=(6, 5))
labr = np.array([4, 0, 2, 2, 1, 3])
Pr = np.exp(Zr) / np.exp(Zr).sum(axis=1, keepdims=True)
assert_close(call(cross_entropy_from_logits, Zr, labr), -np.mean(np.log(Pr[np.arange(6), labr])),
             hint="divide by N, the number of rows")
# float32 logits
assert_close(call(cross_entropy_from_logits, Zr.astype(np.float32), labr),
             -np.mean(np.log(Pr[np.arange(6), labr])), rtol=1e-5, hint="float32 logits must work")
### END HIDDEN TESTS

# %% [markdown]
# Your functions side by side on a batch of random logits: the cross-entropy of the softmax
# probabilities, the cross-entropy from logits, and the mean of your `log_softmax`, should agree.

# %%
try:
    Z = rng.normal(size=(5, 4))
    y_demo = rng.integers(0, 4, size=5)
    print("cross_entropy(softmax(Z), y):  ", cross_entropy(softmax(Z), y_demo))
    print("cross_entropy(softmax, one-hot):", cross_entropy(softmax(Z), np.eye(4)[y_demo]))
    print("cross_entropy_from_logits(Z, y):", cross_entropy_from_logits(Z, y_demo))
    print("-mean log_softmax[label]:       ", -np.mean(log_softmax(Z)[np.arange(5), y_demo]))
    four = [cross_entropy(softmax(Z), y_demo), cross_entropy(softmax(Z), np.eye(4)[y_demo]),
            cross_entropy_from_logits(Z, y_demo), -np.mean(log_softmax(Z)[np.arange(5), y_demo])]
    assert np.allclose(four, four[0], rtol=1e-6), "the four should agree: check your functions against their tests"
except NotImplementedError:
    print("implement cross_entropy, log_softmax and cross_entropy_from_logits above to see this")

# %% [markdown]
# ## 6. In your own words
#
# A classifier gives probability exactly `0.0` to the true class of one training example.
# (a) What would the unclipped cross-entropy be, and what happens to the training run?
# (b) Clipping with $\varepsilon = 10^{-7}$ fixes the crash; what information does it lose?
# (c) Why does computing the loss from the logits with log-sum-exp avoid both problems?

# %% [markdown] explain id=explain_stable_loss points=2
# (a) $-\log 0 = +\infty$: the loss becomes `inf` (NumPy warns), its gradient is infinite or `nan`,
# and one step of gradient descent fills the weights with `nan`, after which the run is dead.
#
# (b) Every probability below $10^{-7}$ is treated as $10^{-7}$, so the loss is capped at
# $-\log 10^{-7} \approx 16.1$ and its gradient wrt $p$ is zero in the clipped region: the model
# cannot tell "very wrong" from "catastrophically wrong" and gets no signal to fix those examples.
#
# (c) With logits we never form the probability: $\log p_c = z_c - m - \log\sum_k e^{z_k - m}$ with
# $m = \max_k z_k$, so every exponent is $\le 0$ (no overflow) and the sum is $\ge 1$ (its log is finite).
# The loss is exact (e.g. 2000 for a margin of 2000), finite, and its gradient
# $(\mathrm{softmax}(z) - \mathrm{onehot}(y))/N$ is bounded, so training keeps a useful signal.
