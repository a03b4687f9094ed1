# %% [markdown]
# # 00 · Welcome: how this course works
#
# This course builds neural networks **from first principles**: every idea becomes a few lines of
# NumPy that you write yourself, test immediately, and later find again in `nnlib`, the small library
# the course grows lesson by lesson (and, in the last lesson, in PyTorch).
#
# Each lesson is one Jupyter notebook with three kinds of cells:
#
# | cell | what you do |
# |---|---|
# | **text and demos** | read, run, change the numbers, run again |
# | **exercises** (`raise NotImplementedError()`) | replace that line with your code |
# | **tests** (locked) | run them: silence means every visible check passed |
# | **written answers** ("YOUR ANSWER HERE") | a few sentences in your own words, graded by a person |
#
# This short lesson shows the whole loop (write, check, submit, get feedback) on one tiny exercise.
#
# **How to hand in**
# * with a course server or the local Assignments panel: *Validate*, then *Submit* in the Assignments panel;
# * without a server (Canvas, Moodle): save, then run `make submit LESSON=00_welcome` in a terminal at the course
#   folder; it runs the visible tests, warns about renamed or deleted graded cells, and prints the one file
#   to upload, `state/to-upload/00_welcome.ipynb`.

# %% [markdown]
# ## 1. JupyterLab
#
# Start the course with `make lab` from the repository root (the first run installs everything).
# JupyterLab opens on the `lessons/` folder; open `00_welcome/00_welcome.ipynb`.
#
# * **Shift+Enter** runs a cell and moves to the next one. Run cells **from top to bottom**: later
#   cells use what earlier cells define.
# * **Kernel > Restart Kernel and Run All Cells** is the honest check: it is exactly how the grader
#   runs your notebook, from a clean start.
# * Locked cells (setup, tests) cannot be edited; if you break something, restart the kernel.
#
# The first code cell of every lesson imports what the lesson needs. Run it now.

# %% readonly id=setup
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
from nnlib.testing import assert_equal, assert_true, assert_unchanged, call, snapshot

rng = np.random.default_rng(0)

# %% [markdown]
# ## 2. A first look at NumPy
#
# Everything in this course is built on NumPy arrays. A comparison such as `x > 0` works
# **elementwise** and gives an array of booleans; `True` counts as 1 when you add booleans up.

# %%
x = np.array([3.0, -1.0, 0.0, 2.5, -4.0])
print("x      =", x)
print("x > 0  =", x > 0)
print("sum    =", np.sum(x > 0))

# %% [markdown]
# A picture is often worth more than a printout. Here are 40 random numbers; the positive ones are
# drawn in orange. Every lesson has figures like this one; some (lessons 02, 04, 05, 07 and 09) also
# have sliders to play with (see the course map at the end).

# %%
values = rng.normal(size=40)
colors = np.where(values > 0, "tab:orange", "tab:blue")
fig, ax = plt.subplots(figsize=(7, 2.5))
ax.bar(np.arange(values.size), values, color=colors)
ax.axhline(0, color="k", lw=0.8)
n_positive = int(np.sum(values > 0))
ax.set_title(f"{n_positive} of {values.size} values are strictly positive")
ax.set_xlabel("index")
plt.show()
print(f"{n_positive} of {values.size} values are strictly positive (orange bars)")
assert n_positive == np.count_nonzero(colors == "tab:orange"), "the title and the orange bars disagree"

# %% [markdown]
# ## 3. Your first exercise: `count_positive`
#
# Write `count_positive(x)`, which returns **the number of strictly positive entries** of `x`.
#
# * `x` is **array-like**: a NumPy array of any shape (1-D, 2-D, ...), or a Python list or tuple.
#   `np.asarray(x)` turns any of them into an array.
# * **Strictly** positive: `0` is *not* positive.
# * An empty input has no positive entries: return `0`.
# * Return an **integer** (a Python `int`, or a NumPy integer such as what `np.sum` of booleans gives),
#   not a float and not an array.
# * Do not modify `x`.
#
# Replace `raise NotImplementedError()` with your code, then run the cell (it only defines the
# function) and the test cell below it.

# %% answer id=count_positive
def count_positive(x):
    """Number of strictly positive entries of ``x``.

    x: array-like of numbers, any shape (list, tuple, or np.ndarray; may be empty).
    Returns an int (a Python int or a NumPy integer).
    """
    ### BEGIN SOLUTION
    return int(np.count_nonzero(np.asarray(x, dtype=float) > 0))
    ### END SOLUTION

# %% [markdown]
# ## 4. Tests: the cell below checks your function
#
# Run it. If it prints nothing, every **visible** check passed. If a check fails you get an
# `AssertionError` that says what was expected, what came back, and a hint.
#
# The grader also runs **hidden tests** that you cannot see (they check the same rules from the
# instructions above on other inputs: other shapes, edge cases). Passing the visible tests is
# necessary, not sufficient: read the instructions, and think about edge cases yourself.

# %% tests id=test_count_positive points=1
assert_equal(call(count_positive, np.array([3.0, -1.0, 0.0, 2.5, -4.0])), 2,
             hint="3.0 and 2.5 are the only entries above zero; 0.0 is not strictly positive")
assert_equal(call(count_positive, [1, 2, 3]), 3,
             hint="x may be a Python list: turn it into an array first (section 3)")
assert_equal(call(count_positive, (0.5, -0.5)), 1, hint="x may be a tuple, like a list")
assert_equal(call(count_positive, [-1.0, -2.0]), 0, hint="no positive entries -> 0")
assert_equal(call(count_positive, np.array([[1.0, -2.0], [3.0, 4.0]])), 3,
             hint="x may be 2-D: count every entry (a for loop over a 2-D array visits rows, not numbers)")
assert_equal(call(count_positive, []), 0, hint="an empty input has no positive entries: return 0")
result = call(count_positive, [5, -5, 7])
assert_true(isinstance(result, (int, np.integer)) and not isinstance(result, (bool, np.bool_)),
            hint=f"return an integer count (int or NumPy integer), got {type(result).__name__}",
            what="type of count_positive's result")
data = np.array([2.0, -1.0, 0.0])
before = snapshot(data)
call(count_positive, data)
assert_unchanged(before, [data], hint="count without changing x: the caller's array must be left as it was")
### BEGIN HIDDEN TESTS
assert_equal(call(count_positive, [0, 0, 0.0]), 0, hint="zero is not strictly positive")
assert_equal(call(count_positive, (0.5, -0.5, 2.0)), 2, hint="x may be a tuple")
assert_equal(call(count_positive, np.array([[1.0, -2.0, 0.0], [4.0, 5.0, -6.0]])), 3,
             hint="x may be 2-D: count over every entry, not over rows")
assert_equal(call(count_positive, np.array([[0.0, 0.0], [0.0, 0.0]])), 0, hint="a 2-D array of zeros has none")
assert_equal(call(count_positive, []), 0, hint="an empty list has no positive entries")
assert_equal(call(count_positive, np.array([])), 0, hint="an empty array has no positive entries")
assert_equal(call(count_positive, np.array([1e-12, -1e-12])), 1, hint="tiny positives count too")
assert_equal(call(count_positive, np.arange(-50, 51)), 50, hint="integer arrays work too")
for probe in ([0.0, 1.0], np.array([[2.0, -1.0]]), []):
    result = call(count_positive, probe)
    assert_true(isinstance(result, (int, np.integer)) and not isinstance(result, (bool, np.bool_)),
                hint=f"return an integer count, got {type(result).__name__}", what="type of count_positive's result")
data = np.array([[1.0, -2.0], [0.0, 3.0]])
before = snapshot(data)
call(count_positive, data)
assert_unchanged(before, [data], hint="count without changing x (e.g. x[x <= 0] = 0 modifies the caller's array)")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Checking a whole lesson: Validate and `make check`
#
# Two ways to run every test of a notebook at once:
#
# * **The Validate button** (in the nbgrader toolbar at the top of the notebook, or in the
#   Assignment List) restarts a fresh kernel, runs the whole notebook top to bottom and reports
#   any failing test cell or error. Use it before every submission.
# * **From a terminal**, in the repository root:
#
#   ```
#   make check LESSON=00_welcome
#   ```
#
#   runs your notebook's visible tests and prints a table with one row per exercise
#   (passed / failed / not attempted) and the points it is worth.
#
# Both only see the **visible** tests. Your grade also counts the hidden tests and the written answers.

# %% [markdown]
# ## 6. Submitting and getting feedback
#
# Lessons are handed out and collected through nbgrader's **Assignments panel**:
# in JupyterLab open **Nbgrader > Assignment List**.
#
# 1. **Fetch**: under *Released assignments*, click *Fetch* next to the lesson. It appears under
#    *Downloaded assignments* and opens from there (work in that copy).
# 2. **Validate**: expand the lesson and click *Validate* next to the notebook (same check as the
#    toolbar button).
# 3. **Submit**: click *Submit*. You can submit again until the deadline; the latest submission counts.
#
# **Without a course server** (your class hands work in through an LMS such as Canvas or Moodle), the
# Assignments panel has nowhere to send your notebook. Instead:
#
# 1. **Save** the notebook (Ctrl+S): the command below reads the file on disk, not what the browser shows.
# 2. In a terminal at the course folder (the repository root), run
#
#    ```
#    make submit LESSON=00_welcome
#    ```
#
#    It runs the visible tests in a fresh kernel and says what fails (you may still hand in), warns when a
#    graded cell was renamed or deleted or a locked cell edited (grading puts the original back, which can
#    cost points), and copies your notebook to the one file to upload, `state/to-upload/00_welcome.ipynb`,
#    with a receipt beside it (`00_welcome.receipt.txt`: time, SHA-256, test summary).
# 3. **Upload** `state/to-upload/00_welcome.ipynb` to the lesson's assignment in the LMS. Upload that file
#    only; to hand in again, save, run `make submit` again and upload the new file.
#
# Then the instructor **autogrades** every submission: your notebook runs from a clean kernel in a
# sandbox, each test cell (visible *and* hidden tests) is worth its points, and written answers are
# read and graded by hand. When grading is done the instructor **releases feedback**; in the
# Assignment List click **Fetch Feedback** to get an HTML report with your score per cell and the
# message of every failing test (hidden tests stay hidden: you see which cell failed and why, not its code).
#
# Rules of thumb that save points:
#
# * keep every function's **name and signature** exactly as given: the tests call them by name;
# * never print to stderr or leave failing cells: a notebook that crashes stops at the crash;
# * do not modify your inputs; return what the instructions say (type, shape);
# * Restart & Run All before submitting.

# %% [markdown]
# ## 7. A written answer
#
# Some cells ask you to explain in words. A person reads these, so write full sentences.
#
# **Question.** The visible test of `count_positive` passed. Name two different inputs that a
# hidden test might use to catch a function that passes the visible test but is still wrong,
# and say what mistake each one would catch.

# %% [markdown] explain id=explain_hidden_tests points=1
# An input containing zeros, such as `[0, 0, 1]`, catches a function that uses `>=` instead of `>`:
# zero is not strictly positive, so the answer is 1, not 3. A 2-D array such as
# `[[1, -2], [3, 4]]` catches a function that loops over `x` with `for v in x`, which visits rows
# instead of numbers (it fails or counts rows). Other good answers: an empty input (must give 0,
# not an error), a tuple (must be accepted like a list), or checking that the function returns
# an integer rather than a float, and that it does not modify `x`.

# %% [markdown]
# ## What's next: the course map
#
# Lesson 01 starts the real work: vectors, matrices and the one operation a neural network spends
# nearly all its time on, the matrix product. The whole course, with an estimate of the time each
# lesson takes a student who reads everything, runs every cell and does every exercise (estimated
# from each lesson's length and number of exercises; your own time may well differ):
#
# | lesson | what you build | exercises | time |
# |---|---|---|---|
# | 00 welcome | how the course works | 1 | 20 min |
# | 01 linear algebra | dot products, matrix products, shapes, a batched linear layer | 4 | 1 h |
# | 02 neuron | a neuron, logic gates, the perceptron and why XOR defeats it (sliders) | 7 | 1.5 h |
# | 03 layers | a dense layer, parameter counts, a whole MLP forward pass | 4 | 1 h |
# | 04 activations | sigmoid, ReLU family, GELU, SiLU, stable softmax, derivatives (sliders) | 10 | 2 h |
# | 05 universal approximation | exact XOR, hats, piecewise-linear fits, what depth buys (sliders) | 5 | 1.5 h |
# | 06 losses | MSE, cross-entropy, stable log-softmax | 6 | 1.5 h |
# | 07 initialization | Xavier and He; the signal forward **and, new, backward** (gradient stds, histograms, short training runs, an init-scale slider, a look at normalization and residual connections) | 6 | 2.5 h |
# | 08 backprop | the chain rule, gradient checks, backward passes, a whole MLP | 7 | 3 h |
# | 09 training | SGD, momentum, Adam, splits, **new: regularization** (weight decay, dropout), a learning-rate slider, sanity checks | 10 | 3.5 h |
# | 10 digits | capstone: real handwritten digits, with the sanity checks of lesson 09 | 4 | 2 h |
# | 11 PyTorch | **new: autograd from scratch** (a scalar `Value` engine), then the same network in PyTorch, on a GPU when there is one | 6 | 3 h |
#
# About 23 hours in all.
