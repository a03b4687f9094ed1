"""nnlib.modules and nnlib.parameter: gradient checks by assert, behaviour, PyTorch reference."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import GELU, LeakyReLU, Linear, Module, Parameter, ReLU, Sequential, Sigmoid, SiLU, Tanh
from nnlib.gradcheck import check_module


def activations():
    return [ReLU(), LeakyReLU(0.1), Sigmoid(), Tanh(), GELU(), GELU(approximate="tanh"), SiLU()]


def mlp(rng, dtype=np.float32, act=ReLU):
    # non-zero biases: a sample whose hidden units are all off would put the next ReLU exactly at
    # its kink (pre-activation == bias == 0), where no finite difference can match
    def layer(fan_in, fan_out):
        return Linear(fan_in, fan_out, rng=rng, dtype=dtype, init="torch")

    return Sequential(layer(4, 6), act(), layer(6, 5), act(), layer(5, 3))


# ------------------------------------------------------------------------------ gradient checks
@pytest.mark.parametrize("module", activations(), ids=repr)
def test_activation_gradients(module):
    x = np.random.default_rng(0).standard_normal((5, 7)) * 2
    errors = check_module(module, x, rng=np.random.default_rng(1))
    assert set(errors) == {"input"}


@pytest.mark.parametrize("init", ["he", "xavier", "torch"])
def test_linear_gradients(init):
    rng = np.random.default_rng(2)
    layer = Linear(4, 3, rng=rng, init=init)
    errors = check_module(layer, rng.standard_normal((6, 4)), rng=rng)
    assert set(errors) == {"input", "weight", "bias"}


@settings(deadline=None, max_examples=15)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_linear_gradients_for_any_shape(fan_in, fan_out, batch, seed):
    rng = np.random.default_rng(seed)
    layer = Linear(fan_in, fan_out, rng=rng, init="torch")
    errors = check_module(layer, rng.standard_normal((batch, fan_in)), rng=rng)
    assert set(errors) == {"input", "weight", "bias"}


def test_linear_without_bias():
    rng = np.random.default_rng(17)
    layer = Linear(4, 3, rng=rng, bias=False)
    assert layer.bias is None and len(layer.parameters()) == 1 and "bias=False" in repr(layer)
    x = rng.standard_normal((5, 4))
    np.testing.assert_allclose(layer(x), x.astype(np.float32) @ layer.weight.data.T, rtol=1e-6)
    assert set(check_module(layer, x, rng=rng)) == {"input", "weight"}


def test_linear_gradients_with_extra_batch_axes():
    rng = np.random.default_rng(3)
    errors = check_module(Linear(3, 2, rng=rng), rng.standard_normal((2, 4, 3)), rng=rng)
    assert set(errors) == {"input", "weight", "bias"}


@pytest.mark.parametrize("act", [ReLU, Tanh, Sigmoid, GELU, SiLU, LeakyReLU])
def test_sequential_gradients(act):
    rng = np.random.default_rng(4)
    model = mlp(rng, act=act)
    errors = check_module(model, rng.standard_normal((8, 4)), rng=rng)
    assert set(errors) == {"input", "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"}


def test_nested_sequential_gradients_and_first_layer_skip():
    rng = np.random.default_rng(5)
    inner = Sequential(Linear(5, 4, rng=rng), Tanh())
    model = Sequential(Linear(3, 5, rng=rng), ReLU(), inner, Linear(4, 2, rng=rng))
    x = rng.standard_normal((6, 3))
    check_module(model, x, rng=rng)
    model.forward(x)
    assert model.backward(np.ones((6, 2), np.float32)) is None
    assert model[0].needs_input_grad is False  # the network's input: no gradient computed
    assert inner.needs_input_grad is True and inner[0].needs_input_grad is True  # inner's input is model[1]'s output


def test_check_module_catches_a_wrong_backward():
    class BadLinear(Linear):
        def backward(self, grad_out):
            dx = super().backward(grad_out)
            self.bias._grad *= 2.0  # wrong bias gradient
            return dx

    rng = np.random.default_rng(6)
    with pytest.raises(AssertionError, match="bias"):
        check_module(BadLinear(3, 2, rng=rng), rng.standard_normal((4, 3)), rng=rng)


# ------------------------------------------------------------------------------ Linear
def test_linear_shapes_dtype_and_init():
    layer = Linear(784, 256, rng=np.random.default_rng(0))
    assert layer.weight.shape == (256, 784) and layer.bias.shape == (256,)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    assert layer.weight.grad.shape == (256, 784) and not layer.weight.grad.any()
    assert abs(layer.weight.data.std() - np.sqrt(2 / 784)) < 0.05 * np.sqrt(2 / 784)
    np.testing.assert_array_equal(layer.bias.data, 0)
    xav = Linear(300, 100, rng=np.random.default_rng(0), init="xavier", dtype=np.float64)
    assert xav.weight.dtype == np.float64
    assert np.abs(xav.weight.data).max() <= np.sqrt(6 / 400)
    torch_like = Linear(100, 10, rng=0, init="torch")
    assert np.abs(torch_like.bias.data).max() <= 0.1 and torch_like.bias.data.any()
    custom = Linear(3, 2, rng=0, init=lambda fan_in, fan_out, rng: np.ones((fan_out, fan_in)))
    np.testing.assert_array_equal(custom.weight.data, 1)
    with pytest.raises(ValueError, match="unknown init"):
        Linear(3, 2, init="bogus")
    with pytest.raises(ValueError):
        Linear(0, 2)


def test_linear_is_deterministic_given_rng():
    a = Linear(5, 4, rng=np.random.default_rng(7))
    b = Linear(5, 4, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    c = Linear(5, 4, rng=np.random.default_rng(8))
    assert not np.array_equal(a.weight.data, c.weight.data)


def test_linear_forward_values_and_shape_errors():
    layer = Linear(3, 2, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((4, 3))
    np.testing.assert_allclose(layer(x), x @ layer.weight.data.T + layer.bias.data, rtol=1e-14)
    assert layer(x[0]).shape == (2,)
    assert layer([[1, 2, 3]]).shape == (1, 2)
    with pytest.raises(ValueError, match="3 features"):
        layer(np.zeros((4, 5)))
    with pytest.raises(RuntimeError):
        Linear(2, 2).backward(np.zeros((1, 2)))


def test_backward_accumulates_and_zero_grad_resets():
    rng = np.random.default_rng(9)
    layer = Linear(3, 2, rng=rng, dtype=np.float64)
    x, g = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    layer(x)
    dx = layer.backward(g).copy()
    first_w, first_b = layer.weight.grad.copy(), layer.bias.grad.copy()
    np.testing.assert_allclose(first_w, g.T @ x)
    np.testing.assert_allclose(first_b, g.sum(axis=0))
    np.testing.assert_allclose(dx, g @ layer.weight.data)
    layer(x)
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * first_w)
    np.testing.assert_allclose(layer.bias.grad, 2 * first_b)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(g)  # the cache of a forward serves one backward, as in PyTorch
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()
    layer(x)
    layer.backward(g)  # after zero_grad the gradient is written, not added to stale values
    np.testing.assert_allclose(layer.weight.grad, first_w)


def test_outputs_are_not_overwritten_by_later_calls():
    rng = np.random.default_rng(10)
    model = mlp(rng)
    x1, x2 = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    a = model(x1)
    a_copy = a.copy()
    b = model(x2)
    assert a is not b
    np.testing.assert_array_equal(a, a_copy)
    view = b[:2]
    b_copy = b.copy()
    del b
    model(x1)
    np.testing.assert_array_equal(view, b_copy[:2])
    relu = ReLU()
    h = relu(x1)
    relu.backward(np.ones_like(x1))
    h2 = relu(x2)
    np.testing.assert_array_equal(h, np.maximum(x1, 0))
    np.testing.assert_array_equal(h2, np.maximum(x2, 0))


# ------------------------------------------------------------------------------ Sequential
def test_sequential_container_protocol():
    rng = np.random.default_rng(12)
    model = mlp(rng)
    assert len(model) == 5
    assert isinstance(model[0], Linear) and isinstance(model[-1], Linear)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    head = model[:2]
    assert isinstance(head, Sequential) and len(head) == 2 and head[0] is model[0]
    assert len(model.parameters()) == 6
    assert [n for n, _ in model.named_parameters()] == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
        "4.weight",
        "4.bias",
    ]
    assert Sequential([ReLU(), Tanh()]).__len__() == 2
    text = repr(model)
    assert text.startswith("Sequential(") and "(0): Linear(in_features=4, out_features=6)" in text
    assert "(1): ReLU()" in text
    with pytest.raises(TypeError):
        Sequential(ReLU(), "relu")


def test_first_layer_skips_input_gradient_but_slices_do_not_break_the_model():
    rng = np.random.default_rng(13)
    model = mlp(rng, dtype=np.float64)
    x = rng.standard_normal((3, 4))
    g = np.ones((3, 3))
    returned = {}
    for i in (0, 2):

        def spy(grad_out, module=model[i], backward=model[i].backward, i=i):
            returned[i] = backward(grad_out)
            return returned[i]

        model[i].backward = spy
    model(x)
    assert model.backward(g) is None
    assert returned[0] is None  # the input-layer dX was never computed
    assert returned[2].shape == (3, 6)
    for i in (0, 2):
        del model[i].backward
    tail = model[2:]  # shares modules: its first layer (model[2]) must keep computing dX for model
    tail(model[:2](x))
    assert tail.backward(g) is None
    model.zero_grad()
    model(x)
    assert model.backward(g) is None
    assert model[0].weight.grad.any()
    model.needs_input_grad = True
    model(x)
    dx = model.backward(g)
    assert dx.shape == x.shape


def test_sequential_call_matches_manual_composition():
    rng = np.random.default_rng(14)
    model = mlp(rng, dtype=np.float64, act=Tanh)
    x = rng.standard_normal((5, 4))
    h = x
    for layer in (model[0], model[2], model[4]):
        h = h @ layer.weight.data.T + layer.bias.data
        if layer is not model[4]:
            h = np.tanh(h)
    np.testing.assert_allclose(model(x), h, rtol=1e-13)


def test_custom_module_parameters_are_discovered():
    class Affine(Module):
        def __init__(self):
            self.scale = Parameter(np.ones(3))
            self.shift = Parameter(np.zeros(3))
            self.blocks = [Linear(3, 3, rng=0)]

        def forward(self, x):
            self.x = x
            return x * self.scale.data + self.shift.data

        def backward(self, grad_out):
            self.scale.accumulate_grad((grad_out * self.x).sum(axis=0))
            self.shift.accumulate_grad(grad_out.sum(axis=0))
            return grad_out * self.scale.data

    m = Affine()
    assert [n for n, _ in m.named_parameters()] == ["scale", "shift", "blocks.0.weight", "blocks.0.bias"]
    m.blocks = []
    check_module(m, np.random.default_rng(0).standard_normal((4, 3)))
    with pytest.raises(NotImplementedError):
        Module().forward(np.zeros(1))


def test_train_eval_and_copies():
    rng = np.random.default_rng(15)
    model = mlp(rng)
    assert model.eval() is model and not model.training and not model[0].training
    model.train()
    assert model[4].training
    x = rng.standard_normal((2, 4)).astype(np.float32)
    out = model(x).copy()
    clone = copy.deepcopy(model)
    clone[0].weight.data += 1
    np.testing.assert_array_equal(model(x), out)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored(x), out)


def test_activation_module_values():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(ReLU()(x), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(LeakyReLU(0.5)(x), [[-1.0, 0.0, 3.0]])
    np.testing.assert_allclose(Sigmoid()(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(Tanh()(x), np.tanh(x))
    assert repr(LeakyReLU(0.5)) == "LeakyReLU(alpha=0.5)" and repr(GELU()) == "GELU()"
    for m in activations():
        with pytest.raises(RuntimeError):
            type(m)().backward(np.ones(3))
        m(x)
        m.backward(np.ones_like(x))
        with pytest.raises(RuntimeError, match="forward"):
            m.backward(np.ones_like(x))


# ------------------------------------------------------------------------------ Parameter
def test_parameter_basics():
    p = Parameter(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert p.shape == (2, 3) and p.dtype == np.float32 and p.size == 6 and p.ndim == 2
    assert p.grad.shape == (2, 3) and p.grad.dtype == np.float32 and not p.grad.any()
    assert Parameter([1, 2]).dtype == np.float64
    text = repr(p)
    assert text.startswith("Parameter(") and "shape=(2, 3)" in text and "float32" in text
    p.grad += 1
    p.zero_grad()
    np.testing.assert_array_equal(p.grad, 0)
    p.grad = np.ones((2, 3))
    assert p.grad.dtype == np.float32 and p.grad.sum() == 6
    with pytest.raises(ValueError):
        p.grad = np.ones(3)
    np.testing.assert_array_equal(np.asarray(p), p.data)


# ------------------------------------------------------------------------------ PyTorch reference
def _torch_twin(torch, module):
    nn = torch.nn
    if isinstance(module, Sequential):
        return nn.Sequential(*(_torch_twin(torch, m) for m in module))
    if isinstance(module, Linear):
        t = nn.Linear(module.in_features, module.out_features, dtype=getattr(torch, str(module.weight.dtype)))
        with torch.no_grad():
            t.weight.copy_(torch.from_numpy(module.weight.data.copy()))
            t.bias.copy_(torch.from_numpy(module.bias.data.copy()))
        return t
    if isinstance(module, LeakyReLU):
        return nn.LeakyReLU(module.alpha)
    if isinstance(module, GELU):
        return nn.GELU(approximate=module.approximate)
    return {ReLU: nn.ReLU, Sigmoid: nn.Sigmoid, Tanh: nn.Tanh, SiLU: nn.SiLU}[type(module)]()


TOL = {np.float32: 1e-5, np.float64: 1e-10}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", [ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU])
def test_modules_match_torch_forward_and_backward(act, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(16)
    model = Sequential(
        Linear(7, 16, rng=rng, dtype=dtype),
        act(),
        Linear(16, 9, rng=rng, dtype=dtype),
        act(),
        Linear(9, 4, rng=rng, dtype=dtype),
    )
    model.needs_input_grad = True
    twin = _torch_twin(torch, model)
    x = rng.standard_normal((10, 7)).astype(dtype)
    g = rng.standard_normal((10, 4)).astype(dtype)
    tx = torch.tensor(x, requires_grad=True)
    out = twin(tx)
    out.backward(torch.tensor(g))
    model.zero_grad()
    ours = model(x)
    dx = model.backward(g)
    tol = TOL[dtype]
    np.testing.assert_allclose(ours, out.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=tol, atol=tol)
    for (name, p), (tname, tp) in zip(model.named_parameters(), twin.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=tol, atol=tol, err_msg=name)


def test_parameter_grad_in_place_update_keeps_the_array():
    p = Parameter(np.zeros((2, 3), np.float32))
    grad = p.grad
    p.grad += 1.0  # the getter's array, updated in place: the setter keeps it (no copy)
    assert p.grad is grad and p.grad.sum() == 6
    p.grad = np.full((2, 3), 2.0)  # a new value: copied, in data's dtype
    assert p.grad is not grad and p.grad.dtype == np.float32
