# %% [markdown]
# # 11 · The same network in PyTorch, on a GPU when there is one
#
# You have built every piece of a neural network by hand: layers, activations, losses, backprop, optimizers, a
# training loop. **PyTorch** provides the same pieces, plus two things that matter in practice:
#
# * **autograd**: it records the operations of the forward pass and computes every gradient for you, exactly the
#   chain rule of lesson 08, for any network you can write down;
# * **devices**: the same code runs on a CPU, an NVIDIA GPU (`"cuda"`) or an Apple GPU (`"mps"`).
#
# The plan: pick a device, build the MLP in `torch.nn`, copy `nnlib` weights into it and check that both compute the
# same function, compare autograd's gradients with your hand-written backprop, train on the device, and time CPU
# against GPU.
#
# The conventions were chosen to line up: `nnlib.Linear` and `torch.nn.Linear` both store `weight` as
# `(out_features, in_features)` and compute `x @ weight.T + bias`.

# %% readonly id=setup
import copy
import time

import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
import torch
from torch import nn

from nnlib.testing import assert_close, assert_shape, assert_equal, assert_true, assert_float_array, assert_unchanged, call, snapshot
import nnlib
from nnlib import Sequential, Linear, ReLU, CrossEntropyLoss
from nnlib.functional import linear_backward, relu_backward, softmax_cross_entropy_backward
from nnlib.data import moons, spiral
from nnlib.plot import decision_boundary

# One CPU thread for the small networks of this lesson: as fast as several for these sizes, and immune to
# other programs competing for the cores. The timing table of section 7 compares one thread with all of them.
CPU_THREADS = torch.get_num_threads()
torch.set_num_threads(1)

rng = np.random.default_rng(0)
torch.manual_seed(0)
print("torch", torch.__version__, "| CUDA available:", torch.cuda.is_available())

# %% [markdown]
# ## 1. Tensors in one minute
#
# A `torch.Tensor` is PyTorch's array: like a NumPy array, plus a `device` and, optionally, a record of how it was
# computed (`requires_grad=True`). Converting back and forth:
#
# * `torch.as_tensor(X, dtype=torch.float32)`: NumPy -> tensor (shares memory when it can);
# * `torch.from_numpy(a)`: shares memory with `a` (changing one changes the other); `.clone()` makes a copy;
# * `t.detach().cpu().numpy()`: tensor -> NumPy (detach from autograd, bring it to the CPU first).
#
# Networks compute in float32 by default; class labels for the cross-entropy must be `torch.long` (int64).

# %%
a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
t = torch.as_tensor(a)
w = torch.tensor([0.5, -1.0], requires_grad=True)
y = (t @ w).sum()          # forward: autograd records the graph
y.backward()               # backward: fills w.grad with dy/dw
print("t:", t.dtype, t.device, "| y =", y.item(), "| dy/dw =", w.grad.numpy(), "(= column sums of a)")

# %% [markdown]
# ## 2. Choosing a device
#
# ### Exercise 1: `pick_device()`
# Return the string `"cuda"` when `torch.cuda.is_available()`, else `"mps"` when `torch.backends.mps.is_available()`
# (Apple silicon), else `"cpu"`. Check availability **when the function is called** (do not compute it once outside).

# %% answer id=pick_device
def pick_device():
    """The best available device as a string: "cuda", else "mps", else "cpu"."""
    ### BEGIN SOLUTION
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"
    ### END SOLUTION

# %% tests id=test_pick_device points=1
expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
assert_equal(str(call(pick_device)), expected,
             hint="check torch.cuda.is_available() first, then torch.backends.mps.is_available(), else 'cpu'")
### BEGIN HIDDEN TESTS
_real_cuda, _real_mps = torch.cuda.is_available, torch.backends.mps.is_available
try:
    for cuda_ok, mps_ok, want in [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]:
        torch.cuda.is_available = lambda ok=cuda_ok: ok
        torch.backends.mps.is_available = lambda ok=mps_ok: ok
        got = str(call(pick_device))
        assert_equal(got, want, hint=f"with CUDA {'available' if cuda_ok else 'unavailable'} and MPS "
                                     f"{'available' if mps_ok else 'unavailable'} the answer is {want!r}: "
                                     "prefer cuda, then mps, then cpu, checked at call time")
finally:
    torch.cuda.is_available, torch.backends.mps.is_available = _real_cuda, _real_mps
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The MLP in `torch.nn`
#
# `nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 3))` is the exact twin of
# `nnlib.Sequential(Linear(2, 64), ReLU(), Linear(64, 3))`. Calling the model, `model(X)`, runs its forward pass.
#
# ### Exercise 2: `torch_mlp(layer_sizes)`
# `layer_sizes`: a list like `[784, 256, 128, 10]`. Return an `nn.Sequential` of `nn.Linear(layer_sizes[i], layer_sizes[i+1])`
# layers with an `nn.ReLU()` after every Linear **except the last** (the last layer outputs logits). Keep PyTorch's default
# initialisation and float32.

# %% answer id=torch_mlp
def torch_mlp(layer_sizes):
    """nn.Sequential of Linear layers with ReLU in between (none after the last).

    layer_sizes: [in, hidden_1, ..., out]. E.g. [2, 8, 3] -> Sequential(Linear(2, 8), ReLU(), Linear(8, 3)).
    """
    ### BEGIN SOLUTION
    layers = []
    for i in range(len(layer_sizes) - 1):
        layers.append(nn.Linear(layer_sizes[i], layer_sizes[i + 1]))
        if i < len(layer_sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
    ### END SOLUTION

# %% tests id=test_torch_mlp points=2
net = call(torch_mlp, [2, 8, 3])
assert_true(isinstance(net, nn.Sequential), hint="return a torch.nn.Sequential")
kinds = [type(m).__name__ for m in net]
assert_equal(kinds, ["Linear", "ReLU", "Linear"], hint="Linear, ReLU, Linear: no ReLU after the last layer")
assert_equal([(net[0].in_features, net[0].out_features), (net[2].in_features, net[2].out_features)], [(2, 8), (8, 3)],
             hint="nn.Linear(layer_sizes[i], layer_sizes[i + 1])")
### BEGIN HIDDEN TESTS
net = call(torch_mlp, [784, 256, 128, 10])
kinds = [type(m).__name__ for m in net]
assert_equal(kinds, ["Linear", "ReLU", "Linear", "ReLU", "Linear"], hint="a ReLU between every two Linear layers")
assert_equal([tuple(net[i].weight.shape) for i in (0, 2, 4)], [(256, 784), (128, 256), (10, 128)],
             hint="torch stores weights as (out_features, in_features)")
assert_equal(sum(p.numel() for p in net.parameters()), 235146, hint="784-256-128-10 has 235,146 parameters")
with torch.no_grad():
    out = net(torch.zeros(5, 784))
assert_equal(tuple(out.shape), (5, 10))
assert_true(out.dtype == torch.float32, hint="keep the default float32")
single = call(torch_mlp, [4, 2])
assert_equal([type(m).__name__ for m in single], ["Linear"], hint="two sizes: one Linear layer, no activation")
deep = call(torch_mlp, [3, 5, 5, 5, 2])
assert_equal([type(m).__name__ for m in deep], ["Linear", "ReLU"] * 3 + ["Linear"])
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Same weights, same function
#
# To compare the two libraries we give them **identical** weights. Because both use `(out, in)`, a weight copies straight
# across, no transpose. Copy inside `with torch.no_grad():` (this is not part of any computation to differentiate) with
# `layer.weight.copy_(torch.as_tensor(W))`, which writes into PyTorch's existing parameter, keeps its dtype and device,
# and shares no memory with the NumPy array (so training one model later cannot silently change the other).
#
# ### Exercise 3: `copy_from_nnlib(torch_model, nnlib_model)`
# `torch_model`: an `nn.Sequential` (e.g. from `torch_mlp`); `nnlib_model`: an `nnlib.Sequential` with the same layer
# structure. Copy every nnlib `Linear`'s `weight.data` and `bias.data` into the matching `nn.Linear`, in order, **in place**
# (the torch model's parameters stay trainable, float32, and share no memory with nnlib's arrays). Return `torch_model`.
# Do not modify `nnlib_model`.

# %% answer id=copy_from_nnlib
def copy_from_nnlib(torch_model, nnlib_model):
    """Copy the weights and biases of nnlib_model's Linear layers into torch_model's nn.Linear layers.

    Both models have the same layer structure; weights are (out, in) in both, so no transpose.
    Copies in place (no shared memory) and returns torch_model.
    """
    ### BEGIN SOLUTION
    torch_linears = [m for m in torch_model if isinstance(m, nn.Linear)]
    nnlib_linears = [m for m in nnlib_model if isinstance(m, Linear)]
    with torch.no_grad():
        for t_layer, n_layer in zip(torch_linears, nnlib_linears):
            t_layer.weight.copy_(torch.as_tensor(np.asarray(n_layer.weight.data)))
            t_layer.bias.copy_(torch.as_tensor(np.asarray(n_layer.bias.data)))
    return torch_model
    ### END SOLUTION

# %% tests id=test_copy_from_nnlib points=2
r = np.random.default_rng(0)
nn_model = Sequential(Linear(3, 5, rng=r), ReLU(), Linear(5, 2, rng=r))
nn_model[0].bias.data[...] = r.normal(size=5)
nn_model[2].bias.data[...] = r.normal(size=2)
torch.manual_seed(0)
t_model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
call(copy_from_nnlib, t_model, nn_model)
X = r.normal(size=(4, 3)).astype(np.float32)
with torch.no_grad():
    out_t = t_model(torch.as_tensor(X)).numpy()
assert_close(out_t, nn_model.forward(X), rtol=1e-5, atol=1e-5,
             hint="copy weight AND bias of every Linear; both libraries use (out, in), so do not transpose")
### BEGIN HIDDEN TESTS
# a deeper network with square and non-square layers; nnlib model untouched
r = np.random.default_rng(1)
nn_model = Sequential(Linear(4, 6, rng=r), ReLU(), Linear(6, 6, rng=r), ReLU(), Linear(6, 3, rng=r))
for i in (0, 2, 4):
    nn_model[i].bias.data[...] = r.normal(size=nn_model[i].bias.data.shape)
before = snapshot(*[np.asarray(p.data) for p in nn_model.parameters()])
torch.manual_seed(1)
t_model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 3))
call(copy_from_nnlib, t_model, nn_model)
assert_unchanged(before, [np.asarray(p.data) for p in nn_model.parameters()], what="copy_from_nnlib",
                 hint="only write into the torch model")
X = r.normal(size=(10, 4)).astype(np.float32)
with torch.no_grad():
    out_t = t_model(torch.as_tensor(X)).numpy()
assert_close(out_t, nn_model.forward(X), rtol=1e-5, atol=1e-5,
             hint="every Linear layer (including the square 6x6 one) must be copied without transposing")
for i in (0, 2, 4):
    assert_true(t_model[i].weight.requires_grad and t_model[i].bias.requires_grad,
                hint="the torch parameters must stay trainable (copy inside torch.no_grad() with .copy_)")
    assert_true(t_model[i].weight.dtype == torch.float32, hint="keep the torch model in float32")
# no shared memory: changing the torch weights must not change nnlib's
with torch.no_grad():
    for i in (0, 2, 4):
        t_model[i].weight.add_(1.0)
        t_model[i].bias.add_(1.0)
assert_unchanged(before, [np.asarray(p.data) for p in nn_model.parameters()], what="copy_from_nnlib",
                 hint="copy the values (e.g. weight.copy_(torch.as_tensor(W))): torch.from_numpy shares memory, "
                      "so training the torch model would also change the nnlib model")
### END HIDDEN TESTS

# %% [markdown]
# Both models on the same 1,000 spiral points: the largest difference between their outputs is at the level of float32
# round-off. (`nnlib.torch.to_torch(model)` does the same conversion in one call.)

# %%
r = np.random.default_rng(2)
nn_model = Sequential(Linear(2, 64, rng=r), ReLU(), Linear(64, 64, rng=r), ReLU(), Linear(64, 3, rng=r))
X_spiral, y_spiral = spiral(np.random.default_rng(3), n_per_class=333)
try:
    t_model = torch_mlp([2, 64, 64, 3])
    copy_from_nnlib(t_model, nn_model)
    with torch.no_grad():
        diff = np.abs(t_model(torch.as_tensor(X_spiral)).numpy() - nn_model.forward(X_spiral)).max()
    print(f"largest |torch - nnlib| over {len(X_spiral)} points x 3 outputs: {diff:.2e}")
except NotImplementedError:
    print("implement torch_mlp and copy_from_nnlib above to compare the two models")

# %% [markdown]
# ## 5. Autograd versus your backprop
#
# In PyTorch the whole backward pass of lesson 08 is one line: `loss.backward()` walks the recorded graph backwards
# and **adds** each gradient into `param.grad` (so the gradients must be zeroed first, `model.zero_grad()`, or they
# accumulate over calls). `nn.functional.cross_entropy(logits, labels)` is the mean softmax cross-entropy from logits,
# exactly `CrossEntropyLoss` of lesson 06.
#
# ### Exercise 4: `torch_gradients(torch_model, X, labels)`
# `torch_model`: an `nn.Sequential` of `Linear`/`ReLU` (float32, on the CPU); `X`: `(N, in)` NumPy array (float32 or
# float64: convert it with `torch.as_tensor(X, dtype=torch.float32)`); `labels`: `(N,)` integer NumPy array (convert with
# `dtype=torch.long`). Compute the mean cross-entropy of the model's logits, run autograd, and return a **list with one
# `(dW, db)` pair of NumPy arrays per `nn.Linear` layer**, in order, `dW` of shape `(out, in)` and `db` of shape `(out,)`.
# Zero the gradients first, so that calling the function twice gives the same result. Do not change the weights.

# %% answer id=torch_gradients
def torch_gradients(torch_model, X, labels):
    """Gradients of the mean cross-entropy wrt every Linear layer's parameters, by autograd.

    torch_model: nn.Sequential of Linear/ReLU (float32, CPU); X: (N, in) array; labels: (N,) integers.
    Returns [(dW_1, db_1), (dW_2, db_2), ...]: NumPy arrays, dW (out, in), db (out,), one pair per nn.Linear.
    """
    ### BEGIN SOLUTION
    torch_model.zero_grad()
    logits = torch_model(torch.as_tensor(X, dtype=torch.float32))
    loss = nn.functional.cross_entropy(logits, torch.as_tensor(labels, dtype=torch.long))
    loss.backward()
    return [(m.weight.grad.detach().cpu().numpy().copy(), m.bias.grad.detach().cpu().numpy().copy())
            for m in torch_model if isinstance(m, nn.Linear)]
    ### END SOLUTION

# %% tests id=test_torch_gradients points=3
def _hand_gradients(model, X, labels):
    """Lesson 08's backprop with nnlib.functional, in float64."""
    Ws = [m.weight.detach().numpy().astype(np.float64) for m in model if isinstance(m, nn.Linear)]
    bs = [m.bias.detach().numpy().astype(np.float64) for m in model if isinstance(m, nn.Linear)]
    h, inputs, pre = np.asarray(X, dtype=np.float64), [], []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        inputs.append(h)
        z = h @ W.T + b
        pre.append(z)
        h = np.maximum(z, 0.0) if l < len(Ws) - 1 else z
    G = softmax_cross_entropy_backward(h, labels)
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        dX, dW, db = linear_backward(G, inputs[l], Ws[l])
        grads[l] = (dW, db)
        if l > 0:
            G = relu_backward(dX, pre[l - 1])
    return grads

def _check_grads(got, model, X, labels, what):
    want = _hand_gradients(model, X, labels)
    assert_true(len(got) == len(want), hint=f"{what}: one (dW, db) pair per nn.Linear layer ({len(want)} here)")
    for l, ((gw, gb), (ww, wb)) in enumerate(zip(got, want)):
        assert_shape(gw, ww.shape, hint=f"{what}: dW of layer {l} has the weight's shape (out, in)")
        assert_shape(gb, wb.shape, hint=f"{what}: db of layer {l} has the bias's shape (out,)")
        assert_close(gw, ww, rtol=1e-4, atol=1e-6,
                     hint=f"{what}: dW of layer {l} differs from backprop: use the MEAN cross-entropy of the raw "
                          "logits (nn.functional.cross_entropy, no softmax before it) and zero the gradients first")
        assert_close(gb, wb, rtol=1e-4, atol=1e-6, hint=f"{what}: db of layer {l} differs from backprop")

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4))
r = np.random.default_rng(0)
X = r.normal(size=(6, 3)).astype(np.float32)
labels = np.array([0, 3, 1, 1, 2, 0])
_check_grads(call(torch_gradients, model, X, labels), model, X, labels, "network 3-5-4")
### BEGIN HIDDEN TESTS
# called again on the same model: the same gradients (zeroed, not accumulated), weights unchanged
w_before = snapshot(*[p.detach().numpy().copy() for p in model.parameters()])
_check_grads(call(torch_gradients, model, X, labels), model, X, labels, "second call on the same model")
assert_unchanged(w_before, [p.detach().numpy() for p in model.parameters()], what="torch_gradients",
                 hint="compute gradients only; do not take an optimizer step")
# deeper, float64 input, batch of 10
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(4, 7), nn.ReLU(), nn.Linear(7, 6), nn.ReLU(), nn.Linear(6, 3))
X = np.random.default_rng(1).normal(size=(10, 4))
labels = np.random.default_rng(2).integers(0, 3, size=10)
before = snapshot(X, labels)
got = call(torch_gradients, model, X, labels)
assert_unchanged(before, [X, labels], what="torch_gradients")
_check_grads(got, model, X, labels, "network 4-7-6-3 with float64 input")
# a single Linear layer
torch.manual_seed(2)
model = nn.Sequential(nn.Linear(5, 2))
X = np.random.default_rng(3).normal(size=(3, 5)).astype(np.float32)
_check_grads(call(torch_gradients, model, X, np.array([1, 0, 1])), model, X, np.array([1, 0, 1]), "a single layer")
### END HIDDEN TESTS

# %% [markdown]
# The comparison the other way round: an `nnlib` network's own `backward` (lesson 08's code, packaged in modules) against
# autograd on an exact torch copy (`nnlib.torch.to_torch`), on a batch of 64 spiral points.

# %%
from nnlib.torch import to_torch
from nnlib.gradcheck import relative_error

r = np.random.default_rng(4)
nn_model = Sequential(Linear(2, 16, rng=r), ReLU(), Linear(16, 3, rng=r))
Xb, yb = X_spiral[:64], y_spiral[:64]
loss_fn = CrossEntropyLoss()
nn_model.zero_grad()
loss_fn.forward(nn_model.forward(Xb), yb)
nn_model.backward(loss_fn.backward())
try:
    auto = torch_gradients(to_torch(nn_model), Xb, yb)
    for l, i in enumerate((0, 2)):
        print(f"layer {l}: relative error dW {relative_error(nn_model[i].weight.grad, auto[l][0]):.1e}, "
              f"db {relative_error(nn_model[i].bias.grad, auto[l][1]):.1e}")
except NotImplementedError:
    print("implement torch_gradients above to compare autograd with nnlib's backward")

# %% [markdown]
# ## 6. Training on the device
#
# The PyTorch training loop has the same five steps as lesson 09's, with tensors that live on the device:
#
# ```python
# model.to(device)                                   # parameters move to the GPU (in place)
# X_t = torch.as_tensor(X, dtype=torch.float32, device=device)   # data moved ONCE, not every batch
# y_t = torch.as_tensor(y, dtype=torch.long, device=device)
# optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
# for epoch in range(epochs):
#     perm = torch.randperm(len(X_t), device=device)   # a fresh order every epoch
#     for start in range(0, len(X_t), 32):
#         idx = perm[start:start + 32]
#         optimizer.zero_grad()
#         loss = nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
#         loss.backward()
#         optimizer.step()
# ```
#
# ### Exercise 5: `train_torch(model, X, y, epochs, device)`
# `model`: an `nn.Module` producing logits; `X` `(N, in)` and `y` `(N,)` NumPy arrays (float features, integer labels);
# `epochs`: number of passes; `device`: `"cpu"`, `"cuda"` or `"mps"` (what `pick_device()` returns). Train the model
# **in place** with the loop above (Adam, `lr=1e-2`, minibatches of 32 in a fresh random order every epoch), leaving it on
# `device`, and return the **list of the mean training loss of every epoch** (`epochs` Python floats; `loss.item()` brings a
# number back from the device). Do not modify `X` or `y`.

# %% answer id=train_torch
def train_torch(model, X, y, epochs, device):
    """Train model in place on device with Adam (lr=1e-2) on minibatches of 32, shuffled every epoch.

    model: nn.Module producing logits; X: (N, in) float array; y: (N,) integer labels; epochs: int;
    device: "cpu", "cuda" or "mps". Returns a list of `epochs` floats: the mean training loss of each epoch.
    """
    ### BEGIN SOLUTION
    model.to(device)
    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32, device=device)
    y_t = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    history = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X_t), device=device)
        total = 0.0
        for start in range(0, len(X_t), 32):
            idx = perm[start:start + 32]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        history.append(total / len(X_t))
    return history
    ### END SOLUTION

# %% tests id=test_train_torch points=3
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))
X, y = moons(np.random.default_rng(0), n=400)
before = snapshot(X, y)
history = call(train_torch, model, X, y, 20, "cpu")
assert_unchanged(before, [X, y], what="train_torch")
assert_true(len(history) == 20, hint="return one mean loss per epoch (a list of `epochs` numbers)")
losses = np.asarray([float(v) for v in history])
assert_true(np.all(np.isfinite(losses)) and losses[-1] < 0.5 * losses[0],
            hint=f"the training loss should fall (first {losses[0]:.3f}, last {losses[-1]:.3f}): "
                 "zero_grad -> forward -> loss -> backward -> step for every minibatch")
X_new, y_new = moons(np.random.default_rng(1), n=400)
with torch.no_grad():
    acc = float((model.cpu()(torch.as_tensor(X_new)).argmax(dim=1).numpy() == y_new).mean())
assert_true(acc >= 0.9, hint=f"the model passed in must be trained in place; accuracy on new points {acc:.3f} < 0.9")
### BEGIN HIDDEN TESTS
# the model ends on the requested device; pick_device's answer works
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 3))
Xs, ys = spiral(np.random.default_rng(2), n_per_class=100)
device = "cuda" if torch.cuda.is_available() else "cpu"
history = call(train_torch, model, Xs, ys, 3, device)
assert_true(len(history) == 3, hint="one loss per epoch")
assert_true(next(model.parameters()).device.type == device, hint="leave the trained model on the device (model.to(device))")
assert_true(all(isinstance(float(v), float) and np.isfinite(float(v)) for v in history), hint="the losses are plain numbers")
# the loss values are means over the epoch: first-epoch loss of a 3-class problem starts near log(3)
assert_true(0.3 < float(history[0]) < 2.0, hint=f"the first epoch's mean loss is {float(history[0]):.3f}; "
                                                  "report the MEAN cross-entropy over the epoch's samples")
### END HIDDEN TESTS

# %% [markdown]
# Your loop on `pick_device()`, on the spiral data: the loss curve and the decision regions.

# %%
try:
    device = pick_device()
    torch.manual_seed(0)
    spiral_net = torch_mlp([2, 64, 64, 3])
    t0 = time.perf_counter()
    losses = train_torch(spiral_net, X_spiral, y_spiral, 60, device)
    print(f"trained on {device} in {time.perf_counter() - t0:.1f} s")
    spiral_net = spiral_net.cpu()

    def predict_spiral(P):
        with torch.no_grad():
            return spiral_net(torch.as_tensor(P, dtype=torch.float32)).argmax(dim=1).numpy()

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    axes[0].semilogy(losses)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("mean training loss")
    decision_boundary(predict_spiral, X_spiral, y_spiral, ax=axes[1])
    axes[1].set_title("torch MLP on the spiral")
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("implement pick_device, torch_mlp and train_torch above to see this")

# %% [markdown]
# ## 7. CPU versus GPU: a timing table
#
# A GPU runs thousands of multiply-adds in parallel, but every call has a fixed launch and synchronisation cost, and data
# must cross the PCIe bus. So the GPU wins on **big** matrix products and loses on tiny ones. The cell below times one
# training step (forward, backward, SGD update) of an MLP `1024 -> width -> width -> 10` on a batch of `batch` random
# inputs, on the CPU (with one thread and with all of them: on a machine busy with other programs the extra threads can
# even slow it down) and, when CUDA is present, on the GPU (after a warm-up, with `torch.cuda.synchronize()` so that
# the clock measures finished work, not queued work).

# %%
def time_step(device, batch, width, repeats=3):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1024, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    X = torch.randn(batch, 1024, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()

    step()  # warm-up (allocations, kernel selection)
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats

configs = [(64, 128), (512, 512), (1024, 1024)]
has_cuda = torch.cuda.is_available()
if not has_cuda:
    print("No CUDA GPU on this machine: only the CPU columns are measured. "
          "Run this notebook on a machine with an NVIDIA GPU to fill in the GPU column.")
print(f"{'batch':>6} {'width':>6} {'CPU 1 thread':>13} {f'CPU {CPU_THREADS} threads':>14} {'GPU':>9} "
      f"{'GPU speed-up':>13}   (milliseconds per training step)")
for batch, width in configs:
    cpu1 = 1000 * time_step("cpu", batch, width)
    torch.set_num_threads(CPU_THREADS)  # the CPU at full strength
    try:
        cpu_n = 1000 * time_step("cpu", batch, width)
    finally:
        torch.set_num_threads(1)
    if has_cuda:
        gpu = 1000 * time_step("cuda", batch, width)
        print(f"{batch:>6} {width:>6} {cpu1:>13.2f} {cpu_n:>14.2f} {gpu:>9.2f} {min(cpu1, cpu_n) / gpu:>12.1f}x")
    else:
        print(f"{batch:>6} {width:>6} {cpu1:>13.2f} {cpu_n:>14.2f} {'n/a':>9} {'n/a':>13}")

# %% [markdown]
# ## 8. In your own words
#
# (a) What exactly does `loss.backward()` do that you wrote by hand in lesson 08, and why must the gradients be zeroed
# before each step? (b) Using the timing table (yours, or the typical one: the GPU is slower or no faster for the smallest
# configuration and many times faster for the largest), explain when moving a model to a GPU pays off.

# %% [markdown] explain id=explain_autograd_gpu points=2
# (a) During the forward pass PyTorch records every operation on tensors that require gradients (the computational graph
# of lesson 08). `loss.backward()` walks that graph from the loss back to the parameters, multiplying each node's local
# derivative into the upstream gradient: exactly our `linear_backward`, `relu_backward` and softmax-cross-entropy
# backward, derived automatically for any network. It **adds** the results into each parameter's `.grad` (so that
# gradients from several uses or several losses combine), which is why `zero_grad()` must clear them before every step;
# otherwise each step would use the sum of all previous gradients.
#
# (b) A GPU pays off when each step contains enough arithmetic to keep its thousands of cores busy: large batches, wide
# layers, convolutions. For tiny networks or batches (like the spiral MLP, or batch 64 with width 128) the fixed costs of
# launching kernels, synchronising and copying data dominate, and the CPU is as fast or faster. The data should also be
# moved to the GPU once, not every batch, since the transfer over PCIe is slow compared with the GPU's arithmetic.
