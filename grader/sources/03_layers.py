# %% [markdown]
# # 03 · From neurons to layers to networks
#
# One neuron draws one line (lesson 02). To do more we use **many neurons side by side**, all reading
# the same input: a **layer**. Then we feed one layer's outputs into the next: a **network**.
# Written with matrices, a whole layer, for a whole batch of inputs, is one matrix product.
#
# You will write: the `Dense` layer class, `count_parameters`, `layer_shapes` and `mlp_forward`.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=03_layers` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/03_layers.ipynb`.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import (assert_close, assert_shape, assert_equal, assert_true, assert_float_array,
                           assert_unchanged, call, snapshot)
from nnlib import relu, Linear
from nnlib.plot import activation_histograms

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. A layer is a matrix
#
# Take `out` neurons that all read the same input $\mathbf{x} \in \mathbb{R}^{\text{in}}$. Neuron $j$
# has its own weight vector $\mathbf{w}_j$ and bias $b_j$ and computes $\mathbf{w}_j \cdot \mathbf{x} + b_j$.
# Stack the weight vectors as the **rows** of a matrix and the biases in a vector:
#
# $$W = \begin{pmatrix} \text{---}\ \mathbf{w}_1\ \text{---} \\ \vdots \\ \text{---}\ \mathbf{w}_{\text{out}}\ \text{---} \end{pmatrix}
# \in \mathbb{R}^{\text{out} \times \text{in}}, \qquad
# \mathbf{z} = W\mathbf{x} + \mathbf{b} \in \mathbb{R}^{\text{out}}.$$
#
# For a batch $X$ of shape `(batch, in)` (one sample per row, lesson 01) the whole layer is
#
# $$Z = X W^\top + \mathbf{b} \quad (\text{batch}, \text{in}) \to (\text{batch}, \text{out}).$$
#
# ### Two conventions for the same layer
#
# | | many textbooks and from-scratch tutorials | PyTorch `nn.Linear` (and this course) |
# |---|---|---|
# | weight shape | `(in, out)` | `(out, in)` |
# | batch forward | `X @ W + b` | `X @ W.T + b` |
# | one sample (column vector) | $W^\top \mathbf{x} + \mathbf{b}$ | $W\mathbf{x} + \mathbf{b}$ |
#
# Both compute the same family of functions; the matrices are transposes of each other. **This course
# uses `(out, in)`**: row $j$ of `W` is neuron $j$'s weight vector (exactly the $\mathbf{w}$ of lesson 02),
# the formula matches the math $W\mathbf{x} + \mathbf{b}$, and the weights can be copied straight into
# PyTorch (lesson 11). The price is the `.T` in the batched code.

# %%
W_course = rng.normal(size=(2, 3))        # (out, in): 2 neurons, 3 inputs
W_textbook = W_course.T                    # (in, out): the same layer, the other convention
b_demo = np.array([0.5, -0.5])
X_demo = rng.normal(size=(4, 3))           # a batch of 4 samples
print("course   X @ W.T + b:\n", X_demo @ W_course.T + b_demo)
print("textbook X @ W + b  :\n", X_demo @ W_textbook + b_demo)
print("neuron 0's weight vector is row 0 of W_course:", W_course[0])
assert np.allclose(X_demo @ W_course.T + b_demo, X_demo @ W_textbook + b_demo), "the two conventions must agree"

# %% [markdown]
# ## 2. The `Dense` layer
#
# Before training, a layer's weights are set to **small random numbers**. Random, so that different neurons
# start differently (if all weights were equal, every neuron of a layer would compute the same thing
# and, as we will see in lesson 08, receive the same update forever). Small, so that signals do not blow
# up through many layers (lesson 07 chooses the scale carefully; here we simply use $0.01$). Biases start at zero.
#
# ### Exercise: `Dense(in_features, out_features, rng)`
#
# Write a class with:
#
# * `__init__(self, in_features, out_features, rng)`: set `self.weight` to an array of shape
#   `(out_features, in_features)` of standard normal numbers times $0.01$, drawn **from `rng`**
#   (a `np.random.Generator`: look up its method for standard normal numbers; never `np.random.*`,
#   so that results are reproducible), and `self.bias` to zeros of shape `(out_features,)`.
# * `forward(self, X)`: `X` of shape `(batch, in_features)` -> the layer's output $Z = XW^\top + \mathbf{b}$
#   of section 1, shape `(batch, out_features)`. Read `self.weight` and `self.bias` when `forward` runs
#   (the tests set them to known values), and do not modify `X`.

# %% answer id=Dense
class Dense:
    """Fully connected layer: weight (out_features, in_features), bias (out_features,).

    forward: X (batch, in_features) -> (batch, out_features) = X @ weight.T + bias.
    """

    def __init__(self, in_features, out_features, rng):
        ### BEGIN SOLUTION
        self.in_features = in_features
        self.out_features = out_features
        self.weight = 0.01 * rng.standard_normal((out_features, in_features))
        self.bias = np.zeros(out_features)
        ### END SOLUTION

    def forward(self, X):
        ### BEGIN SOLUTION
        return X @ self.weight.T + self.bias
        ### END SOLUTION

# %% tests id=test_Dense points=3
layer = call(Dense, 3, 5, np.random.default_rng(0))
assert_shape(layer.weight, (5, 3), hint="weight has shape (out_features, in_features): one row per neuron",
             what="Dense(3, 5).weight")
assert_float_array(layer.weight, what="Dense(3, 5).weight")
assert_shape(layer.bias, (5,), hint="bias has shape (out_features,)", what="Dense(3, 5).bias")
assert_close(layer.bias, np.zeros(5), hint="biases start at zero", what="Dense(3, 5).bias")
stats = call(Dense, 200, 100, np.random.default_rng(2)).weight
assert_true(0.008 < float(np.std(stats)) < 0.012,
            hint=f"weights should be 0.01 times standard normal numbers (std 0.01), got std {float(np.std(stats)):.4g}",
            what="scale of the initial weights")
assert_true(abs(float(np.mean(stats))) < 0.001 and np.mean(stats < 0) > 0.4,
            hint=f"standard normal numbers are centred on 0 (about half negative), got mean {float(np.mean(stats)):.4g} "
                 f"and {100 * float(np.mean(stats < 0)):.0f}% negative", what="distribution of the initial weights")
w_a = np.array(call(Dense, 4, 3, np.random.default_rng(7)).weight, dtype=float)
w_b = np.array(call(Dense, 4, 3, np.random.default_rng(7)).weight, dtype=float)
w_c = np.array(call(Dense, 4, 3, np.random.default_rng(8)).weight, dtype=float)
assert_true(np.allclose(w_a, w_b) and not np.allclose(w_a, w_c),
            hint="draw the weights from the rng argument only (never np.random.*): the same seed must give the same "
                 "weights, another seed other weights", what="Dense with rngs of the same and of different seeds")
X_t = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5], [2.0, 2.0, 2.0], [1.0, 0.0, 0.0]])   # (4, 3)
layer.weight = np.arange(15.0).reshape(5, 3) / 10.0       # rows (0, .1, .2), (.3, .4, .5), ...
layer.bias = np.array([1.0, -1.0, 0.0, 0.5, 2.0])
before = snapshot(X_t)
out = call(layer.forward, X_t)
assert_unchanged(before, [X_t], hint="forward must not change X")
assert_shape(out, (4, 5), hint="forward: (batch, in) -> (batch, out)", what="forward(X)")
assert_close(out, [[1.8, 1.6, 4.4, 6.7, 10.0], [1.0, -1.15, -0.3, 0.05, 1.4], [1.6, 1.4, 4.2, 6.5, 9.8],
                   [1.0, -0.7, 0.6, 1.4, 3.2]],
             hint="entry (i, j) is neuron j (row j of weight) applied to sample i, plus bias j; forward must use "
                  "the current weight and bias (the test has just set them)", what="forward(X)")
### BEGIN HIDDEN TESTS
big = call(Dense, 400, 300, np.random.default_rng(1))
assert_shape(big.weight, (300, 400), hint="weight is (out, in), not (in, out)", what="Dense(400, 300).weight")
assert_float_array(big.weight, what="Dense(400, 300).weight")
w_std, w_mean = float(np.std(big.weight)), float(np.mean(big.weight))
assert_true(0.005 < w_std < 0.02, hint=f"weights should be 0.01 * standard normal (std about 0.01), got std {w_std:.4g}",
            what="scale of the initial weights")
assert_true(abs(w_mean) < 0.002, hint=f"weights should be centred on 0, got mean {w_mean:.4g}",
            what="mean of the initial weights")
assert_close(big.bias, np.zeros(300), hint="biases start at zero", what="Dense(400, 300).bias")
w_a = np.array(call(Dense, 6, 4, np.random.default_rng(123)).weight, dtype=float)
w_b = np.array(call(Dense, 6, 4, np.random.default_rng(123)).weight, dtype=float)
w_c = np.array(call(Dense, 6, 4, np.random.default_rng(124)).weight, dtype=float)
assert_close(w_a, w_b, hint="draw the weights from the rng argument only (not np.random.*): the same seed "
             "must give the same weights", what="Dense with the same rng seed")
assert_true(not np.allclose(w_a, w_c), hint="the weights must come from the rng argument: different rngs give "
            "different weights", what="Dense with different rngs")
assert_true(len(np.unique(w_a)) == w_a.size, hint="every weight is drawn independently", what="distinct weights")
one = call(Dense, 2, 1, np.random.default_rng(5))
assert_shape(one.weight, (1, 2), what="Dense(2, 1).weight")
one.weight = np.array([[2.0, -1.0]])
one.bias = np.array([0.25])
X1 = np.array([[1.0, 1.0], [3.0, 0.0], [0.0, 4.0]])
before = snapshot(X1)
out1 = call(one.forward, X1)
assert_unchanged(before, [X1])
assert_float_array(out1, what="forward(X)")
assert_close(out1, [[1.25], [6.25], [-3.75]], hint="one output neuron: (batch, 1)", what="forward(X)")
sq = call(Dense, 3, 3, np.random.default_rng(6))
sq.weight = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
sq.bias = np.array([0.0, 1.0, 2.0])
X3 = np.array([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
assert_close(call(sq.forward, X3), X3 @ sq.weight.T + sq.bias,
             hint="square weights: rows of weight are neurons (out, in)", what="forward(X)")
X32 = X_t.astype(np.float32)
assert_close(call(layer.forward, X32), X_t @ (np.arange(15.0).reshape(5, 3) / 10.0).T
             + np.array([1.0, -1.0, 0.0, 0.5, 2.0]), rtol=1e-5, atol=1e-6, what="forward(float32 X)")
### END HIDDEN TESTS

# %% [markdown]
# `nnlib` has the same layer, ready-made, as `Linear` (lesson 08 adds its backward pass):
# `Linear(in_features, out_features, rng, init="small")` draws exactly this initialisation.

# %%
lin = Linear(3, 5, rng=np.random.default_rng(0), init="small", dtype=np.float64)
print("nnlib Linear weight shape:", lin.weight.data.shape, " bias shape:", lin.bias.data.shape)
print("output shape for a batch of 4:", lin.forward(np.ones((4, 3))).shape)

# %% [markdown]
# ## 3. Networks: input, hidden and output layers
#
# A **multilayer perceptron** (MLP) chains layers: the output of one is the input of the next. We
# describe one by its list of **layer sizes**, e.g. `[3, 4, 4, 2]`:
#
# * the **input layer** (3) is not a layer of neurons, just the input features;
# * the **hidden layers** (4 and 4) are the ones in between, whose outputs nobody prescribes;
# * the **output layer** (2) produces the network's answer.
#
# `[3, 4, 4, 2]` has three weight layers: `3 -> 4`, `4 -> 4`, `4 -> 2`. Between them sits a nonlinear
# **activation** (lesson 04 explains why it is essential). The drawing below shows every weight as a line.

# %%
def draw_network(sizes, ax):
    """Circles for units, lines for weights (blue positive, red negative, random for illustration)."""
    xs = np.arange(len(sizes))
    pos = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n) for n in sizes]
    for i in range(len(sizes) - 1):
        weights = rng.normal(size=(sizes[i + 1], sizes[i]))
        for j, y_to in enumerate(pos[i + 1]):
            for k, y_from in enumerate(pos[i]):
                ax.plot([xs[i], xs[i + 1]], [y_from, y_to], color="tab:blue" if weights[j, k] > 0 else "tab:red",
                        lw=0.4 + 1.2 * min(abs(weights[j, k]), 1.5), alpha=0.6, zorder=1)
    names = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for x, p, n, name in zip(xs, pos, sizes, names):
        ax.scatter(np.full(n, x), p, s=400, color="white", edgecolors="k", zorder=2)
        ax.text(x, -max(sizes) / 2 - 0.3, f"{name}\n{n}", ha="center", va="top")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(sizes) / 2 - 1.3, max(sizes) / 2)
    ax.axis("off")

fig, ax = plt.subplots(figsize=(7, 4))
draw_network([3, 4, 4, 2], ax)
ax.set_title("an MLP [3, 4, 4, 2]: 3*4 + 4 + 4*4 + 4 + 4*2 + 2 = 46 parameters")
plt.show()
n_lines = sum(a * b for a, b in zip([3, 4, 4], [4, 4, 2]))
print(f"{n_lines} weights (lines) + {4 + 4 + 2} biases = {n_lines + 10} parameters")
assert n_lines + 10 == 46

# %% [markdown]
# ## 4. Counting parameters
#
# A layer from `n_in` to `n_out` units has an `(n_out, n_in)` weight matrix and `n_out` biases:
# $n_\text{in} \cdot n_\text{out} + n_\text{out}$ parameters. A network's total is the sum over its weight
# layers. For `[3, 4, 4, 2]`: $(12 + 4) + (16 + 4) + (8 + 2) = 46$. For the digit classifier of
# lesson 10, `[784, 256, 128, 10]`: $200{,}960 + 32{,}896 + 1{,}290 = 235{,}146$.
#
# ### Exercise: `count_parameters(layer_sizes)`
#
# `layer_sizes` is a list of ints (input size first, output size last). Return the total number of
# weights and biases as an int. Remember: a layer has one bias per **output** unit, and the input
# layer has no parameters of its own.

# %% answer id=count_parameters
def count_parameters(layer_sizes):
    """Total number of weights and biases of a fully connected network.

    layer_sizes: list of ints [n_0, n_1, ..., n_L] -> int  sum of n_{i} * n_{i+1} + n_{i+1}.
    """
    ### BEGIN SOLUTION
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += n_in * n_out + n_out
    return total
    ### END SOLUTION

# %% tests id=test_count_parameters points=1
assert_equal(call(count_parameters, [3, 4, 4, 2]), 46, hint="(3*4 + 4) + (4*4 + 4) + (4*2 + 2) = 46")
assert_equal(call(count_parameters, [784, 256, 128, 10]), 235146, hint="200960 + 32896 + 1290")
assert_equal(call(count_parameters, [1, 10]), 20, hint="1 -> 10: 10 weights + 10 biases (one bias per output unit)")
sizes_t = (4, 3)
assert_equal(call(count_parameters, sizes_t), 15, hint="a tuple of sizes works too: 4*3 + 3")
sizes_l = [2, 5, 1]
before = snapshot(sizes_l)
call(count_parameters, sizes_l)
assert_unchanged(before, [sizes_l], hint="do not modify layer_sizes")
### BEGIN HIDDEN TESTS
assert_equal(call(count_parameters, [2, 1]), 3, hint="one layer 2 -> 1: 2 weights + 1 bias")
assert_equal(call(count_parameters, [1, 100]), 200, hint="1 -> 100: 100 weights + 100 biases (one per output unit)")
assert_equal(call(count_parameters, [100, 1]), 101, hint="100 -> 1: 100 weights + 1 bias (biases belong to the outputs)")
assert_equal(call(count_parameters, [5, 5, 5, 5, 5]), 120, hint="four 5 -> 5 layers of 30 parameters each")
assert_equal(call(count_parameters, (3, 4, 4, 2)), 46, hint="a tuple of sizes works too")
sizes = [10, 20, 30]
before = snapshot(sizes)
call(count_parameters, sizes)
assert_unchanged(before, [sizes], hint="do not modify layer_sizes")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Shapes through the network
#
# With a batch of `batch` samples, layer $i$ outputs an array of shape `(batch, n_i)`. Knowing every
# intermediate shape is the first step of debugging any network.
#
# ### Exercise: `layer_shapes(batch, layer_sizes)`
#
# Return a **list** with the output shape (a tuple `(batch, n)`) of every weight layer, in order.
# The input is not a layer's output: `layer_shapes(32, [784, 256, 128, 10])` is
# `[(32, 256), (32, 128), (32, 10)]`.

# %% answer id=layer_shapes
def layer_shapes(batch, layer_sizes):
    """Output shape of every layer for a batch.

    batch: int, layer_sizes: [n_0, ..., n_L] -> [(batch, n_1), ..., (batch, n_L)]
    """
    ### BEGIN SOLUTION
    return [(batch, n) for n in layer_sizes[1:]]
    ### END SOLUTION

# %% tests id=test_layer_shapes points=1
shapes_t = call(layer_shapes, 32, [784, 256, 128, 10])
assert_equal(shapes_t, [(32, 256), (32, 128), (32, 10)],
             hint="one (batch, n) per weight layer; the input size is not a layer's output")
assert_true(isinstance(shapes_t, list) and all(isinstance(t, tuple) for t in shapes_t),
            hint="return a list of tuples", what="layer_shapes' result")
assert_equal(call(layer_shapes, 5, [3, 1]), [(5, 1)], hint="a single layer gives a list with one shape")
### BEGIN HIDDEN TESTS
assert_equal(call(layer_shapes, 1, [3, 4, 4, 2]), [(1, 4), (1, 4), (1, 2)], hint="a batch of one sample")
assert_equal(call(layer_shapes, 7, [5, 1]), [(7, 1)], hint="a single layer gives a list with one shape")
assert_equal(call(layer_shapes, 2, [10, 3, 8]), [(2, 3), (2, 8)], hint="shapes are (batch, units), batch first")
assert_true(isinstance(call(layer_shapes, 4, [2, 2]), list), hint="return a list", what="layer_shapes' result")
### END HIDDEN TESTS

# %% [markdown]
# ## 6. The forward pass
#
# The forward pass of an MLP applies every layer in turn, with the activation after every layer
# **except the last** (the output layer's raw values, the **logits**, are turned into probabilities or
# kept as they are by the loss; lessons 04 and 06):
#
# $$H_1 = \varphi(X W_1^\top + \mathbf{b}_1),\quad H_2 = \varphi(H_1 W_2^\top + \mathbf{b}_2),\quad \dots,\quad
# \text{output} = H_{L-1} W_L^\top + \mathbf{b}_L.$$
#
# **Notation, for the whole course**: $H_l$ (capital, one row per sample) is the batch of activations
# that layer $l$ outputs, with $H_0 = X$; $Z_l = H_{l-1} W_l^\top + \mathbf{b}_l$ is the batch of
# pre-activations before $\varphi$. Lessons 07 and 08 use the same letters.
#
# ### Exercise: `mlp_forward(X, weights, biases, activation)`
#
# * `X`: `(batch, n_0)`; `weights`: a list of arrays, `weights[i]` of shape `(n_{i+1}, n_i)`;
#   `biases`: a list of arrays, `biases[i]` of shape `(n_{i+1},)`; `activation`: a function applied elementwise.
# * Return the output `(batch, n_L)`. Apply `activation` after every layer but the last, and none at the end.
#   With a single layer, no activation is applied at all. Do not modify any input.

# %% answer id=mlp_forward
def mlp_forward(X, weights, biases, activation):
    """Forward pass of an MLP.

    X: (batch, n_0); weights[i]: (n_{i+1}, n_i); biases[i]: (n_{i+1},); activation: elementwise function
    -> (batch, n_L), with the activation after every layer except the last.
    """
    ### BEGIN SOLUTION
    h = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = activation(h)
    return h
    ### END SOLUTION

# %% tests id=test_mlp_forward points=2
relu_t = lambda z: np.maximum(z, 0.0)
X_t = np.array([[1.0, -1.0, 2.0], [0.5, 0.0, -1.0]])                          # (2, 3)
W1_t = np.array([[1.0, 0.0, 1.0], [-1.0, 1.0, 0.0], [0.5, 0.5, 0.5], [0.0, 2.0, -1.0]])   # (4, 3)
b1_t = np.array([0.0, 1.0, -1.0, 0.5])
W2_t = np.array([[1.0, -1.0, 2.0, 0.5], [0.0, 1.0, -1.0, 1.0]])                # (2, 4)
b2_t = np.array([0.1, -0.2])
before = snapshot(X_t, W1_t, b1_t, W2_t, b2_t)
out = call(mlp_forward, X_t, [W1_t, W2_t], [b1_t, b2_t], relu_t)
assert_unchanged(before, [X_t, W1_t, b1_t, W2_t, b2_t], hint="do not modify X, the weights or the biases")
assert_shape(out, (2, 2), hint="(batch, n_0) -> (batch, n_L)")
assert_close(out, [[3.1, -0.2], [0.35, 1.8]],
             hint="H_1 = relu(layer 1 of X) is [[3, 0, 0, 0], [0, 0.5, 0, 1.5]]; the output is layer 2 of H_1, "
                  "with no activation after it (so -0.2 stays negative); see the formula of section 6")
assert_close(call(mlp_forward, X_t, [np.array([[1.0, -2.0, 0.5]])], [np.array([-3.0])], relu_t), [[1.0], [-3.0]],
             hint="a single layer has no activation at all: its outputs may be negative")
Wsq_t = [np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [3.0, 1.0]])]
bsq_t = [np.array([0.0, 1.0]), np.array([1.0, 0.0])]
assert_close(call(mlp_forward, np.array([[1.0, 1.0], [2.0, -1.0]]), Wsq_t, bsq_t, relu_t), [[4.0, 11.0], [1.0, 0.0]],
             hint="square weights hide the convention: W is (out, in), row j of W is unit j (section 1)")
### BEGIN HIDDEN TESTS
W2_neg = np.array([[-1.0, -1.0, -1.0, -1.0], [1.0, 1.0, 1.0, 1.0]])
out_neg = call(mlp_forward, X_t, [W1_t, W2_neg], [b1_t, np.array([-10.0, 0.0])], relu_t)
assert_close(out_neg, relu_t(X_t @ W1_t.T + b1_t) @ W2_neg.T + np.array([-10.0, 0.0]),
             hint="no activation after the last layer: outputs may be negative")
W_single = np.array([[1.0, -2.0, 0.5]])
assert_close(call(mlp_forward, X_t, [W_single], [np.array([-3.0])], relu_t), X_t @ W_single.T - 3.0,
             hint="a single layer has no activation at all")
r = np.random.default_rng(8)
Ws = [r.normal(size=(5, 3)), r.normal(size=(6, 5)), r.normal(size=(4, 6)), r.normal(size=(2, 4))]
bs = [r.normal(size=5), r.normal(size=6), r.normal(size=4), r.normal(size=2)]
X8 = r.normal(size=(7, 3))
before = snapshot(X8, *Ws, *bs)
h = X8
for i in range(4):
    h = h @ Ws[i].T + bs[i]
    if i < 3:
        h = np.tanh(h)
out8 = call(mlp_forward, X8, Ws, bs, np.tanh)
assert_unchanged(before, [X8, *Ws, *bs], hint="do not modify X, the weights or the biases")
assert_shape(out8, (7, 2), hint="four layers 3 -> 5 -> 6 -> 4 -> 2")
assert_float_array(out8)
assert_close(out8, h, rtol=1e-9, atol=1e-12, hint="any activation (here np.tanh), after all but the last layer")
Wsq = [np.array([[2.0, 1.0], [1.0, 1.0]]), np.array([[1.0, -1.0], [0.0, 2.0]])]
bsq = [np.array([1.0, 0.0]), np.array([0.0, -1.0])]
Xsq = np.array([[1.0, -1.0], [0.5, 2.0]])
assert_close(call(mlp_forward, Xsq, Wsq, bsq, relu_t), relu_t(Xsq @ Wsq[0].T + bsq[0]) @ Wsq[1].T + bsq[1],
             hint="square weights: W is (out, in)")
### END HIDDEN TESTS

# %% [markdown]
# Let us push a batch through a randomly initialised `[784, 256, 128, 10]` network (with nnlib's `relu`
# and your `Dense` layers) and look at the values each layer produces. With the tiny $0.01$ scale the
# signal **shrinks by a large factor at every layer** (the cell prints each layer's standard deviation:
# from 1 for the input, it falls by a factor of about 5 to 10 per layer), and after three layers the
# outputs are almost zero (standard deviation below 0.01).
# Lesson 07 shows how to choose the scale so that signals neither vanish nor explode.

# %%
try:
    sizes = [784, 256, 128, 10]
    layers = [Dense(n_in, n_out, rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    h = rng.normal(size=(256, 784))
    outputs = []
    for i, layer in enumerate(layers):
        h = layer.forward(h)
        if i < len(layers) - 1:
            h = relu(h)
        outputs.append(h)
    print("shapes:", [o.shape for o in outputs])
    stds = [1.0] + [float(np.std(o)) for o in outputs]
    print("standard deviations, input first:", np.round(stds, 4))
    fig = activation_histograms(outputs, labels=["hidden 1 (256)", "hidden 2 (128)", "output (10)"], ncols=3)
    plt.show()
    ratios = np.array(stds[:-1]) / np.array(stds[1:])
    print("shrink factor per layer:", np.round(ratios, 1))
    assert np.all((ratios > 4) & (ratios < 12)) and stds[-1] < 0.01, (
        "the text says: a factor of about 5 to 10 per layer, below 0.01 at the output; check your Dense's scale")
except NotImplementedError:
    print("implement Dense above to see this")

# %% [markdown]
# ## 7. In your own words
#
# **Question.** The digit classifier `[784, 256, 128, 10]` has 235,146 parameters. Which layer holds most
# of them, and why? How many parameters would the network have if the images were 56×56 pixels instead
# of 28×28 (everything else unchanged)?

# %% [markdown] explain id=explain_parameter_count points=2
# The first layer, 784 -> 256, holds $784 \cdot 256 + 256 = 200{,}960$ parameters, about 85% of the total,
# because a fully connected layer has $n_\text{in} \cdot n_\text{out}$ weights and it connects the largest
# input (one weight per pixel per hidden unit) to the largest hidden layer. The later layers are much
# smaller ($32{,}896$ and $1{,}290$). With 56×56 images the input has $3{,}136$ features; only the first layer
# changes: $3{,}136 \cdot 256 + 256 = 803{,}072$, so the total becomes $803{,}072 + 32{,}896 + 1{,}290 = 837{,}258$
# parameters. Parameter count grows linearly with the number of pixels, which is one reason image models
# use convolutions instead of fully connected first layers.

# %% [markdown]
# ## Summary
#
# * A layer is `X @ W.T + b` with `W` of shape `(out, in)`: row $j$ is neuron $j$.
# * Other texts store `(in, out)` and compute `X @ W + b`: same functions, transposed matrices.
# * Parameters of a layer: `in * out + out`; a network sums its layers.
# * A forward pass applies every layer, with the activation after all but the last.
