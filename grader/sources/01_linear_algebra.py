# %% [markdown]
# # 01 · Linear algebra: vectors, matrices, shapes
#
# A neural network is, to a first approximation, **a stack of matrix products** with a simple
# nonlinear function squeezed between them. Training one means computing millions of these products.
# This lesson builds the vocabulary: vectors, dot products, matrices, shapes, and the one habit that
# prevents most bugs in deep learning code: **always know the shape of every array**.
#
# You will write: `dot`, `matmul`, `matmul_shape` and `linear`.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=01_linear_algebra` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/01_linear_algebra.ipynb`.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import (assert_close, assert_shape, assert_equal, assert_true, assert_raises,
                           assert_float_array, assert_unchanged, call, snapshot)

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Vectors and the dot product
#
# A vector $\mathbf{u} \in \mathbb{R}^n$ is a list of $n$ numbers; in NumPy a **1-D array** of shape `(n,)`.
# The **dot product** of two vectors of the same length multiplies them entry by entry and adds up:
#
# $$\mathbf{u} \cdot \mathbf{v} = \sum_{i=1}^{n} u_i v_i = u_1 v_1 + u_2 v_2 + \dots + u_n v_n .$$
#
# Geometrically, $\mathbf{u} \cdot \mathbf{v} = \lVert\mathbf{u}\rVert\,\lVert\mathbf{v}\rVert \cos\theta$,
# where $\theta$ is the angle between them: the dot product is large and positive when the vectors
# point the same way, zero when they are perpendicular, negative when they point apart.
# A neuron (lesson 02) is exactly this: it measures how much its input "agrees" with its weight vector.

# %%
u = np.array([1.0, 2.0, 3.0])
v = np.array([4.0, -5.0, 6.0])
print("u * v (elementwise) =", u * v)
print("sum                 =", np.sum(u * v))
print("u @ v               =", u @ v)
assert u @ v == np.sum(u * v) == 1 * 4 + 2 * (-5) + 3 * 6 == 12, "the two spellings of the dot product disagree"

# %%
angles = np.linspace(0, 2 * np.pi, 200)
a = np.array([2.0, 0.0])                                  # fixed vector of length 2
dots = [a @ np.array([np.cos(t), np.sin(t)]) for t in angles]   # unit vectors around the circle

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
for t, color in [(0.3, "tab:green"), (np.pi / 2, "tab:gray"), (2.5, "tab:red")]:
    b = np.array([np.cos(t), np.sin(t)])
    ax1.annotate("", xy=b, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
    ax1.text(*(1.1 * b), f"a·b = {a @ b:+.2f}", color=color, ha="center")
    print(f"angle {t:.2f} rad: a·b = {a @ b:+.2f}")
ax1.annotate("", xy=a, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="k", lw=2))
ax1.text(2.05, -0.2, "a")
ax1.set_xlim(-1.6, 2.4); ax1.set_ylim(-0.6, 1.4); ax1.set_aspect("equal")
ax1.set_title("same direction: positive; perpendicular: 0")
ax2.plot(angles, dots)
ax2.axhline(0, color="0.7", lw=0.8)
ax2.set_xlabel("angle θ between a and b (radians)")
ax2.set_ylabel("a · b")
ax2.set_title("a · b = |a| |b| cos θ")
fig.tight_layout()
plt.show()
assert a @ np.array([np.cos(0.3), np.sin(0.3)]) > 0 and abs(a @ np.array([0.0, 1.0])) < 1e-12, "figure and title disagree"
assert a @ np.array([np.cos(2.5), np.sin(2.5)]) < 0, "an obtuse angle must give a negative dot product"

# %% [markdown]
# ### Exercise: `dot(u, v)`
#
# Compute the dot product of two **1-D** arrays **yourself**, with a loop over the entries or with
# NumPy's elementwise product followed by a sum (calling `np.dot` or `@` here would skip the point of
# the exercise; the tests cannot stop you, but you learn less).
#
# * `u`, `v`: NumPy arrays. If either is not 1-D (check `.ndim`), or their lengths differ,
#   `raise ValueError("...")` with a helpful message. Without this check, `u * v` would silently
#   *broadcast* mismatched shapes (section 4), which is how shape bugs hide.
# * Return a single number (a Python `float` or NumPy scalar), not an array.

# %% answer id=dot
def dot(u, v):
    """Dot product of two 1-D vectors.

    u: (n,), v: (n,) -> float.  Raises ValueError if u or v is not 1-D or their lengths differ.
    """
    ### BEGIN SOLUTION
    if u.ndim != 1 or v.ndim != 1:
        raise ValueError(f"dot needs two 1-D vectors, got shapes {u.shape} and {v.shape}")
    if u.shape[0] != v.shape[0]:
        raise ValueError(f"dot needs vectors of equal length, got {u.shape[0]} and {v.shape[0]}")
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return float(total)
    ### END SOLUTION

# %% tests id=test_dot points=2
assert_close(call(dot, np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])), 32.0,
             hint="1*4 + 2*5 + 3*6 = 32")
assert_close(call(dot, np.array([1.0, 0.0]), np.array([0.0, 1.0])), 0.0, hint="perpendicular vectors give 0")
assert_shape(call(dot, np.array([1.0, 2.0]), np.array([3.0, 4.0])), (),
             hint="return one number (the sum of the products), not an array")
assert_raises(ValueError, dot, np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0]),
              hint="vectors of different lengths (3 and 2): raise ValueError")
assert_raises(ValueError, dot, np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]),
              hint="vectors of different lengths (2 and 3, the first shorter): raise ValueError, "
                   "do not stop at the shorter one")
assert_raises(ValueError, dot, np.ones((2, 2)), np.ones((2, 2)),
              hint="two (2, 2) arrays are not vectors, even with equal shapes: check the number of dimensions")
u_t, v_t = np.array([1.0, -2.0, 0.5]), np.array([2.0, 1.0, 4.0])
before = snapshot(u_t, v_t)
call(dot, u_t, v_t)
assert_unchanged(before, [u_t, v_t], hint="dot must not change u or v")
d32 = call(dot, np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([0.5, -1.0, 2.0], dtype=np.float32))
assert_close(d32, 4.5, rtol=1e-5,
             hint="float32 vectors must work too: expected 0.5 - 2 + 6 = 4.5 (section 1's sum of products)")
### BEGIN HIDDEN TESTS
assert_raises(ValueError, dot, np.array([4.0]), np.array([1.0, 2.0, 3.0, 5.0]),
              hint="vectors of different lengths (the first shorter): raise ValueError")
assert_raises(ValueError, dot, np.ones((3, 3)), np.ones((3, 3)), hint="(3, 3) arrays are not vectors")
assert_raises(ValueError, dot, np.ones((1, 3)), np.ones(3), hint="a (1, 3) row matrix is not a 1-D vector")
assert_raises(ValueError, dot, np.ones(3), np.ones((3, 1)), hint="a (3, 1) column matrix is not a 1-D vector")
assert_close(call(dot, np.array([-3.0]), np.array([2.5])), -7.5, hint="length-1 vectors work too")
r = np.random.default_rng(11)
u1, v1 = r.normal(size=50), r.normal(size=50)
assert_close(call(dot, u1, v1), float(np.sum(u1 * v1)), rtol=1e-9, hint="sum of u[i] * v[i]")
assert_shape(call(dot, u1, v1), (), hint="return one number")
before = snapshot(u1, v1)
call(dot, u1, v1)
assert_unchanged(before, [u1, v1])
assert_close(call(dot, np.array([1.5, 2.0], dtype=np.float32), np.array([2.0, -1.0], dtype=np.float32)), 1.0,
             rtol=1e-5, hint="float32 vectors work too")
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Matrices and the matrix product
#
# A matrix $A \in \mathbb{R}^{m \times n}$ is a 2-D array of shape `(m, n)`: `m` rows, `n` columns.
# The product $C = AB$ of $A$ `(m, n)` and $B$ `(n, p)` is the `(m, p)` matrix of **all dot products
# of rows of $A$ with columns of $B$**:
#
# $$C_{ij} = \sum_{k=1}^{n} A_{ik} B_{kj} = (\text{row } i \text{ of } A) \cdot (\text{column } j \text{ of } B).$$
#
# The **inner dimensions must agree** (`n` and `n`); the outer ones give the result's shape:
#
# $$\underbrace{(m, \boxed{n})}_{A} \;@\; \underbrace{(\boxed{n}, p)}_{B} \;\to\; (m, p).$$
#
# The product is **not commutative**: $AB$ and $BA$ differ in general, and for non-square matrices
# one of them usually does not even exist.

# %%
A = np.array([[1.0, 2.0, 3.0],
              [4.0, 5.0, 6.0]])          # (2, 3)
B = np.array([[1.0, 0.0],
              [0.0, 1.0],
              [1.0, 1.0]])               # (3, 2)
print("A @ B =\n", A @ B, "shape", (A @ B).shape)
print("B @ A shape", (B @ A).shape, "(a different matrix!)")
print("C[0, 1] = row 0 of A . column 1 of B =", A[0] @ B[:, 1])

# %% [markdown]
# ### Exercise: `matmul(A, B)`
#
# Build the product of two 2-D arrays **from dot products**: allocate an `(m, p)` float result and
# fill entry $(i, j)$ with the dot product of row $i$ of $A$ and column $j$ of $B$ (a double loop;
# compute each dot product as in the exercise above).
#
# * If the inner dimensions differ (`A.shape[1] != B.shape[0]`), raise `ValueError`.
# * Return a float array of shape `(m, p)`. Do not modify `A` or `B`.
# * Test it on **non-square** matrices: with square ones, swapping rows and columns goes unnoticed.

# %% answer id=matmul
def matmul(A, B):
    """Matrix product from dot products.

    A: (m, n), B: (n, p) -> (m, p) float array.  Raises ValueError if A.shape[1] != B.shape[0].
    """
    ### BEGIN SOLUTION
    m, n = A.shape
    n2, p = B.shape
    if n != n2:
        raise ValueError(f"inner dimensions differ: A is {A.shape}, B is {B.shape}")
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            C[i, j] = np.sum(A[i, :] * B[:, j])
    return C
    ### END SOLUTION

# %% tests id=test_matmul points=2
A_t = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
B_t = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
C_t = call(matmul, A_t, B_t)
assert_shape(C_t, (2, 2), hint="(2, 3) @ (3, 2) -> (2, 2)")
assert_close(C_t, [[4.0, 5.0], [10.0, 11.0]], hint="C[i, j] = A[i, :] . B[:, j] (row of A with column of B)")
assert_shape(call(matmul, B_t, A_t), (3, 3), hint="(3, 2) @ (2, 3) -> (3, 3): the shape is (A rows, B columns)")
assert_raises(ValueError, matmul, A_t, A_t, hint="(2, 3) @ (2, 3): inner dimensions 3 and 2 differ -> ValueError")
A_h, B_h = np.array([[0.5, 0.25]]), np.array([[0.5, 0.0, 1.0], [1.5, 1.0, 0.0]])
before = snapshot(A_h, B_h)
C_h = call(matmul, A_h, B_h)
assert_unchanged(before, [A_h, B_h], hint="matmul must not change A or B")
assert_float_array(C_h, hint="return a float array: an integer result array would cut 0.625 down to 0")
assert_close(C_h, [[0.625, 0.25, 0.5]], hint="(1, 2) @ (2, 3) -> (1, 3); entry (0, 0) is 0.5 * 0.5 + 0.25 * 1.5 = 0.625. "
                                        "Compare the inner sizes (A's columns, B's rows), and use a float result array")
### BEGIN HIDDEN TESTS
r = np.random.default_rng(21)
A1, B1 = r.normal(size=(3, 4)), r.normal(size=(4, 5))
before = snapshot(A1, B1)
C1 = call(matmul, A1, B1)
assert_unchanged(before, [A1, B1])
assert_float_array(C1, hint="return a NumPy float array")
assert_shape(C1, (3, 5), hint="(3, 4) @ (4, 5) -> (3, 5)")
assert_close(C1, A1 @ B1, rtol=1e-9, atol=1e-12, hint="C[i, j] = sum over k of A[i, k] * B[k, j]")
row, col = r.normal(size=(1, 6)), r.normal(size=(6, 1))
assert_close(call(matmul, row, col), row @ col, rtol=1e-9, hint="(1, 6) @ (6, 1) -> (1, 1)")
assert_close(call(matmul, col, row), col @ row, rtol=1e-9, hint="(6, 1) @ (1, 6) -> (6, 6), the outer product")
assert_raises(ValueError, matmul, np.ones((2, 3)), np.ones((4, 2)), hint="(2, 3) @ (4, 2): 3 != 4 -> ValueError")
assert_raises(ValueError, matmul, np.ones((3, 2)), np.ones((3, 2)), hint="(3, 2) @ (3, 2): 2 != 3 -> ValueError")
assert_raises(ValueError, matmul, np.ones((2, 4)), np.ones((3, 2)),
              hint="(2, 4) @ (3, 2): 4 != 3 -> ValueError (do not silently use only the first 3 entries)")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise: `matmul_shape(shape_a, shape_b)`
#
# Most bugs in network code are shape bugs, and you can find them before computing anything.
# Given two 2-D shapes (tuples or lists of two ints), return the shape tuple of `A @ B`,
# or raise `ValueError` when the product does not exist.
#
# Example: `matmul_shape((64, 784), (784, 256))` is `(64, 256)`.

# %% answer id=matmul_shape
def matmul_shape(shape_a, shape_b):
    """Shape of A @ B for 2-D shapes.

    shape_a: (m, n), shape_b: (n, p) -> (m, p) as a tuple.  Raises ValueError if the inner sizes differ.
    """
    ### BEGIN SOLUTION
    m, n = shape_a
    n2, p = shape_b
    if n != n2:
        raise ValueError(f"cannot multiply shapes {tuple(shape_a)} and {tuple(shape_b)}")
    return (m, p)
    ### END SOLUTION

# %% tests id=test_matmul_shape points=1
assert_equal(call(matmul_shape, (2, 3), (3, 4)), (2, 4), hint="(m, n) @ (n, p) -> (m, p)")
assert_equal(call(matmul_shape, (64, 784), (784, 256)), (64, 256), hint="(batch, in) @ (in, out) -> (batch, out)")
assert_raises(ValueError, matmul_shape, (2, 3), (2, 3), hint="inner sizes 3 and 2 differ -> ValueError")
assert_raises(ValueError, matmul_shape, (3, 5), (2, 3),
              hint="(3, 5) @ (2, 3): A's columns (5) and B's rows (2) differ -> ValueError")
shape_t = call(matmul_shape, [3, 2], [2, 6])
assert_equal(shape_t, (3, 6), hint="shapes given as lists work too")
assert_true(isinstance(shape_t, tuple), hint=f"return a tuple (like .shape), got {type(shape_t).__name__}",
            what="type of matmul_shape's result")
### BEGIN HIDDEN TESTS
assert_equal(call(matmul_shape, (1, 5), (5, 1)), (1, 1), hint="(1, 5) @ (5, 1) -> (1, 1)")
assert_equal(call(matmul_shape, (5, 1), (1, 7)), (5, 7), hint="(5, 1) @ (1, 7) -> (5, 7): outer sizes, not inner")
assert_equal(call(matmul_shape, [4, 8], (8, 2)), (4, 2), hint="shapes given as lists work too")
assert_raises(ValueError, matmul_shape, (4, 3), (4, 3), hint="(4, 3) @ (4, 3): 3 != 4 -> ValueError")
assert_raises(ValueError, matmul_shape, (3, 4), (3, 4), hint="(3, 4) @ (3, 4): 4 != 3 -> ValueError")
assert_raises(ValueError, matmul_shape, (2, 5), (3, 2),
              hint="compare A's columns (shape_a[1]) with B's rows (shape_b[0])")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. `@`, `np.dot` and `np.matmul`
#
# NumPy has three spellings of "matrix product". They agree on 1-D and 2-D arrays and **differ on 3-D**:
#
# | inputs | `a @ b` = `np.matmul(a, b)` | `np.dot(a, b)` |
# |---|---|---|
# | 1-D, 1-D | dot product (a number) | dot product |
# | 2-D, 1-D | matrix times vector, shape `(m,)` | same |
# | 2-D, 2-D | matrix product | same |
# | 3-D, 3-D | a **batch** of matrix products: `(k, m, n) @ (k, n, p) -> (k, m, p)` | sums over the last axis of `a` and the second-to-last of `b`: `(k, m, n), (k, n, p) -> (k, m, k, p)` |
# | scalar | error | multiplies |
#
# In this course we write `@`: it reads like math and does the right thing for batches of matrices.

# %%
a3 = rng.normal(size=(4, 2, 3))     # 4 matrices of shape (2, 3)
b3 = rng.normal(size=(4, 3, 5))     # 4 matrices of shape (3, 5)
print("a3 @ b3          :", (a3 @ b3).shape, "(four (2, 5) products, one per batch entry)")
print("np.matmul(a3, b3):", np.matmul(a3, b3).shape)
print("np.dot(a3, b3)   :", np.dot(a3, b3).shape, "(every matrix of a3 times every matrix of b3)")
M, w = rng.normal(size=(2, 3)), rng.normal(size=3)
print("matrix @ vector  :", (M @ w).shape, " vector @ vector:", np.shape(w @ w))
assert (a3 @ b3).shape == (4, 2, 5) and np.dot(a3, b3).shape == (4, 2, 4, 5), "the table's 3-D row is wrong"
assert (M @ w).shape == (2,) and np.shape(w @ w) == (), "the table's 1-D/2-D rows are wrong"

# %% [markdown]
# ## 4. Broadcasting
#
# When two arrays of different shapes meet in an elementwise operation (`+`, `*`, ...), NumPy
# **broadcasts**: it compares shapes from the right, and a dimension of size 1 (or a missing one)
# is stretched to match the other. So a `(3, 2)` matrix plus a `(2,)` vector adds the vector to
# **every row**. That is how a bias is added to a whole batch at once.
#
# Broadcasting is convenient and dangerous: `(3,)` plus `(3, 1)` is not an error, it is a `(3, 3)` matrix.

# %%
X_demo = np.arange(6.0).reshape(3, 2)   # (3, 2)
bias = np.array([100.0, 200.0])         # (2,)
print("X + bias =\n", X_demo + bias)
col_vec = np.array([[1.0], [2.0], [3.0]])   # (3, 1)
row_vec = np.array([10.0, 20.0, 30.0])      # (3,)
print("(3, 1) + (3,) ->", (col_vec + row_vec).shape, " <- probably not what you meant")
assert (X_demo + bias).shape == (3, 2) and (col_vec + row_vec).shape == (3, 3), "broadcasting claims disagree"

# %% [markdown]
# ## 5. Batching: a whole data set in one matrix product
#
# A **linear layer** with `in` inputs and `out` outputs has a weight matrix $W$ and a bias $\mathbf{b}$.
# This course follows PyTorch: $W$ has shape `(out, in)`, one **row per output**, so output $j$ is the
# dot product of row $j$ of $W$ with the input, plus $b_j$: $\mathbf{y} = W\mathbf{x} + \mathbf{b}$.
#
# We almost never process one input at a time. Stack `batch` inputs as the **rows** of a matrix
# $X$ of shape `(batch, in)`; then every output of every sample comes from one product:
#
# $$Y = X W^\top + \mathbf{b}, \qquad (\text{batch}, \text{in}) \;@\; (\text{in}, \text{out}) \to (\text{batch}, \text{out}),$$
#
# with $\mathbf{b}$ of shape `(out,)` broadcast to every row. One matrix product instead of a Python
# loop over samples is dramatically faster: NumPy hands it to an optimised BLAS routine.

# %%
import time

X_big = rng.normal(size=(2000, 100))
W_big = rng.normal(size=(50, 100))
b_big = rng.normal(size=50)

def best_time(compute, repeats=5):
    """(result, fastest of `repeats` runs in seconds): the fastest run is the least disturbed by other programs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = compute()
        times.append(time.perf_counter() - start)
    return result, min(times)


Y_loop, t_loop = best_time(lambda: np.array([W_big @ x + b_big for x in X_big]))   # one sample at a time
Y_batch, t_batch = best_time(lambda: X_big @ W_big.T + b_big)                        # the whole batch at once
print(f"same result: {np.allclose(Y_loop, Y_batch)}; loop {t_loop * 1e3:.1f} ms, batched {t_batch * 1e3:.2f} ms "
      f"({t_loop / t_batch:.0f}x faster)")
assert np.allclose(Y_loop, Y_batch), "the loop and the batched product must agree"

# %% [markdown]
# ### Exercise: `linear(X, W, b)`
#
# Return $X W^\top + \mathbf{b}$ for a batch:
#
# * `X`: `(batch, in)`, `W`: `(out, in)` (PyTorch's convention), `b`: `(out,)`;
# * result: a float array of shape `(batch, out)`; do not modify the inputs.
#
# Use `@` (or `np.matmul`/`np.dot`) here; your `matmul` above would work but is slow.
# Think about which side the bias is added on when `batch == out`.

# %% answer id=linear
def linear(X, W, b):
    """Batched affine map.

    X: (batch, in), W: (out, in), b: (out,) -> (batch, out) = X @ W.T + b.
    """
    ### BEGIN SOLUTION
    return X @ W.T + b
    ### END SOLUTION

# %% tests id=test_linear points=2
X_t = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0], [2.0, 0.0, 0.0], [1.0, 1.0, 1.0]])   # (4, 3)
W_t = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])                                     # (2, 3)
b_t = np.array([10.0, -1.0])
before = snapshot(X_t, W_t, b_t)
Y_t = call(linear, X_t, W_t, b_t)
assert_unchanged(before, [X_t, W_t, b_t], hint="linear must not change X, W or b")
assert_shape(Y_t, (4, 2), hint="X (batch=4, in=3) with W (out=2, in=3) must give (batch, out) = (4, 2): "
                                "W is stored (out, in), see section 5")
assert_close(Y_t, [[8.0, 2.0], [9.0, -1.0], [12.0, 0.0], [10.0, 0.5]],
             hint="row i is the layer applied to sample X[i] (section 5); did you forget the bias?")
X_sq, W_sq, b_sq = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 0.0], [1.0, 3.0]]), np.array([10.0, 20.0])
assert_close(call(linear, X_sq, W_sq, b_sq), [[12.0, 21.0], [10.0, 23.0]],
             hint="batch == out == in == 2: output j of every sample gets b[j] (the bias runs along the columns) "
                  "and uses row j of W; square shapes hide both mistakes")
Y32 = call(linear, X_t.astype(np.float32), W_t.astype(np.float32), b_t.astype(np.float32))
assert_float_array(Y32, hint="float32 inputs must give a float array")
assert_close(Y32, [[8.0, 2.0], [9.0, -1.0], [12.0, 0.0], [10.0, 0.5]], rtol=1e-5, hint="float32 inputs work too")
### BEGIN HIDDEN TESTS
r = np.random.default_rng(31)
X1, W1, b1 = r.normal(size=(5, 7)), r.normal(size=(3, 7)), r.normal(size=3)
before = snapshot(X1, W1, b1)
Y1 = call(linear, X1, W1, b1)
assert_unchanged(before, [X1, W1, b1])
assert_float_array(Y1)
assert_shape(Y1, (5, 3), hint="X (batch=5, in=7) with W (out=3, in=7) must give (batch, out) = (5, 3)")
assert_close(Y1, X1 @ W1.T + b1, rtol=1e-9, atol=1e-12, hint="row i is the layer applied to sample X[i] (section 5)")
X2, W2, b2 = r.normal(size=(3, 4)), r.normal(size=(3, 4)), np.array([1.0, 2.0, 3.0])
assert_close(call(linear, X2, W2, b2), X2 @ W2.T + b2, rtol=1e-9, atol=1e-12,
             hint="with batch == out the bias must still be added to every row (b[j] to column j), not down columns")
X3 = r.normal(size=(1, 4))
Y3 = call(linear, X3, W1[:, :4], b1)
assert_shape(Y3, (1, 3), hint="a batch of one sample: (1, in) -> (1, out)")
assert_close(Y3, X3 @ W1[:, :4].T + b1, rtol=1e-9, hint="a batch of one sample: (1, in) -> (1, out)")
W4, b4 = r.normal(size=(1, 7)), np.array([0.5])
assert_close(call(linear, X1, W4, b4), X1 @ W4.T + b4, rtol=1e-9, hint="one output: (batch, in) -> (batch, 1)")
X5, W5, b5 = X1.astype(np.float32), W1.astype(np.float32), b1.astype(np.float32)
assert_close(call(linear, X5, W5, b5), X1 @ W1.T + b1, rtol=1e-4, atol=1e-5, hint="float32 inputs work too")
### END HIDDEN TESTS

# %% [markdown]
# ## 6. In your own words
#
# **Question.** A colleague stores a layer's weights with shape `(in, out)` and computes `X @ W + b`.
# You store them as `(out, in)` and compute `X @ W.T + b`. Do the two layers compute the same kind of
# function? What goes wrong if you load their weight matrix into your code without thinking, when
# `in == out`, and why is that case the dangerous one?

# %% [markdown] explain id=explain_weight_layout points=2
# Both compute the same family of functions: an affine map from `in` to `out` numbers. The two matrices
# are transposes of each other: my `W` equals their `W.T`, and `X @ W_theirs = X @ W_mine.T`.
# If I load their `(in, out)` matrix into code that expects `(out, in)`, I compute `X @ W_theirs.T`,
# which uses the transposed weights. When `in != out` the shapes do not match and NumPy raises an error
# at once, so the mistake is caught. When `in == out` the matrix is square, every shape still fits,
# and the layer silently computes a different function (rows and columns swapped). That is dangerous
# because nothing crashes: the network just gives wrong outputs, which is why tests should use
# non-square matrices.

# %% [markdown]
# ## Summary
#
# * The dot product sums elementwise products; it measures alignment.
# * `(m, n) @ (n, p) -> (m, p)`: inner sizes agree, outer sizes give the result.
# * `@` is `np.matmul`; `np.dot` differs on arrays with more than two dimensions.
# * Broadcasting stretches size-1 dimensions; it adds a bias to every row, and hides shape bugs.
# * A linear layer on a batch is one product: `X @ W.T + b` with `W` of shape `(out, in)`.
