"""Alternative answers for lesson 11_pytorch: every CORRECT one passes its test cell, every WRONG one fails it."""

# ----------------------------------------------------------------------------- Value (the autograd engine)
# A closure-style engine with an iterative topological sort; the WRONG variants below are small edits of it.
_VALUE_BASE = '''class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0
        self._prev = set(_children)
        self._op = _op
        self._backward = lambda: None

    @staticmethod
    def _v(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value._v(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._v(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), "**")
        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")
        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")
        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")
        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")
        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value._v(other))

    def __truediv__(self, other):
        return self * Value._v(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value._v(other) - self

    def __rtruediv__(self, other):
        return Value._v(other) / self

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1
        for node in reversed(order):
            node._backward()
'''


def _edit(source, old, new):
    """source with old replaced by new; old must occur exactly once (a silent no-op edit would prove nothing)."""
    assert source.count(old) == 1, f"variant edit not applicable: {old!r}"
    return source.replace(old, new)


# Op-tag dispatch: no closures; backward() is one big if/elif on the operation; a - b and a / b have their own
# derivatives; a recursive topological sort keyed by id; data kept as given (ints stay ints).
_VALUE_DISPATCH = '''class Value:
    def __init__(self, data, children=(), op="", k=None):
        self.data = data
        self.grad = 0.0
        self.children = tuple(children)
        self.op = op
        self.k = k

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data + o.data, (self, o), "+")

    def __sub__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data - o.data, (self, o), "-")

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data * o.data, (self, o), "*")

    def __truediv__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data / o.data, (self, o), "/")

    def __radd__(self, o):
        return Value(o) + self

    def __rsub__(self, o):
        return Value(o) - self

    def __rmul__(self, o):
        return Value(o) * self

    def __rtruediv__(self, o):
        return Value(o) / self

    def __neg__(self):
        return Value(-self.data, (self,), "neg")

    def __pow__(self, k):
        return Value(self.data ** k, (self,), "pow", k)

    def relu(self):
        return Value(self.data if self.data > 0 else 0, (self,), "relu")

    def tanh(self):
        return Value(math.tanh(self.data), (self,), "tanh")

    def exp(self):
        return Value(math.exp(self.data), (self,), "exp")

    def log(self):
        return Value(math.log(self.data), (self,), "log")

    def _local(self):
        g = self.grad
        if self.op == "+":
            a, b = self.children
            a.grad += g
            b.grad += g
        elif self.op == "-":
            a, b = self.children
            a.grad += g
            b.grad -= g
        elif self.op == "*":
            a, b = self.children
            a.grad += b.data * g
            b.grad += a.data * g
        elif self.op == "/":
            a, b = self.children
            a.grad += g / b.data
            b.grad -= a.data / b.data ** 2 * g
        elif self.op == "neg":
            self.children[0].grad -= g
        elif self.op == "pow":
            x = self.children[0]
            x.grad += self.k * x.data ** (self.k - 1) * g
        elif self.op == "relu":
            x = self.children[0]
            x.grad += g if x.data > 0 else 0.0
        elif self.op == "tanh":
            self.children[0].grad += (1 - self.data ** 2) * g
        elif self.op == "exp":
            self.children[0].grad += self.data * g
        elif self.op == "log":
            self.children[0].grad += g / self.children[0].data

    def backward(self):
        topo, visited = [], set()
        def build(v):
            if id(v) in visited:
                return
            visited.add(id(v))
            for c in v.children:
                build(c)
            topo.append(v)
        build(self)
        self.grad = 1.0
        for v in topo[::-1]:
            v._local()
'''

# NumPy scalars for data (np.float64, np.tanh, ...), local derivatives stored on the edges, Kahn's algorithm
# (count each node's consumers, release a node once all of them have passed their gradient back).
_VALUE_NUMPY_KAHN = '''class Value:
    def __init__(self, data, parents=(), local=()):
        self.data = np.float64(data)
        self.grad = np.float64(0.0)
        self.parents = tuple(parents)
        self.local = tuple(local)

    @staticmethod
    def lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, o):
        o = Value.lift(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __mul__(self, o):
        o = Value.lift(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def relu(self):
        return Value(np.maximum(self.data, 0.0), (self,), (np.float64(self.data > 0),))

    def tanh(self):
        t = np.tanh(self.data)
        return Value(t, (self,), (1.0 - t ** 2,))

    def exp(self):
        e = np.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self):
        return Value(np.log(self.data), (self,), (1.0 / self.data,))

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + (-Value.lift(o))

    def __rsub__(self, o):
        return Value.lift(o) + (-self)

    def __truediv__(self, o):
        return self * Value.lift(o) ** -1

    def __rtruediv__(self, o):
        return Value.lift(o) * self ** -1

    def backward(self):
        consumers, stack, seen = {}, [self], {id(self)}
        while stack:
            node = stack.pop()
            for p in node.parents:
                consumers[id(p)] = consumers.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        self.grad = np.float64(1.0)
        ready = [self]
        while ready:
            node = ready.pop()
            for p, d in zip(node.parents, node.local):
                p.grad = p.grad + d * node.grad
                consumers[id(p)] -= 1
                if consumers[id(p)] == 0:
                    ready.append(p)
'''

# Every Value gets a creation number; a node is always created after its inputs, so sorting the graph's nodes by
# creation number, newest first, is a reverse topological order.
_VALUE_CREATION_ORDER = _edit(
    _edit(
        _VALUE_BASE,
        '''    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)''',
        '''    _counter = itertools.count()

    def __init__(self, data, _children=(), _op=""):
        self._birth = next(Value._counter)
        self.data = float(data)''',
    ),
    '''    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1
        for node in reversed(order):
            node._backward()
''',
    '''    def backward(self):
        nodes, stack = {}, [self]
        while stack:
            node = stack.pop()
            if id(node) not in nodes:
                nodes[id(node)] = node
                stack.extend(node._prev)
        self.grad = 1.0
        for node in sorted(nodes.values(), key=lambda n: n._birth, reverse=True):
            node._backward()
''',
)
_VALUE_CREATION_ORDER = "import itertools\n" + _VALUE_CREATION_ORDER

_VALUE_CORRECT = [_VALUE_BASE, _VALUE_DISPATCH, _VALUE_NUMPY_KAHN, _VALUE_CREATION_ORDER]

_BACKWARD_BASE = '''        self.grad = 1
        for node in reversed(order):
            node._backward()
'''
_VALUE_WRONG = [
    (
        _edit(
            _edit(
                _VALUE_BASE,
                "            self.grad += out.grad\n            other.grad += out.grad\n",
                "            self.grad = out.grad\n            other.grad = out.grad\n",
            ),
            "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n",
            "            self.grad = other.data * out.grad\n            other.grad = self.data * out.grad\n",
        ),
        "overwrites grad (=) instead of adding: a * a gives a, not 2a",
    ),
    (
        _edit(
            _VALUE_BASE,
            '''        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1
        for node in reversed(order):
            node._backward()
''',
            '''        self.grad = 1
        seen, queue = set(), [self]
        while queue:
            node = queue.pop()
            if node not in seen:
                seen.add(node)
                node._backward()
                queue.extend(node._prev)
''',
        ),
        "no topological order: each node once, but in depth-first pre-order (a shared node passes on too early)",
    ),
    (
        _edit(_VALUE_BASE, "self.grad += (self.data > 0) * out.grad", "self.grad += (self.data >= 0) * out.grad"),
        "relu derivative 1 at 0",
    ),
    (
        _edit(_VALUE_BASE, "        return Value._v(other) - self\n", "        return self - other\n"),
        "__rsub__ computes self - other: 1 - a gives a - 1",
    ),
    (
        _edit(_VALUE_BASE, "        return Value._v(other) / self\n", "        return self / other\n"),
        "__rtruediv__ computes self / other: 2 / a gives a / 2",
    ),
    (
        _edit(_VALUE_BASE, _BACKWARD_BASE, _BACKWARD_BASE.replace("        self.grad = 1\n", "")),
        "backward() never sets the output's grad to 1 (every gradient stays 0)",
    ),
    (
        _edit(
            _VALUE_BASE, "            elif node not in seen:\n                seen.add(node)\n", "            else:\n"
        ),
        "topological sort without a visited set: shared nodes appear (and pass back) several times",
    ),
    (
        _edit(
            _VALUE_BASE,
            "            self.grad += (1 - t * t) * out.grad",
            "            self.grad += (1 - self.data ** 2) * out.grad",
        ),
        "tanh derivative 1 - x**2 of the input instead of the output",
    ),
    (
        _edit(
            _VALUE_BASE,
            "            self.grad += out.data * out.grad\n        out._backward = _backward\n        return out\n\n    def log",
            "            self.grad += self.data * out.grad\n        out._backward = _backward\n        return out\n\n    def log",
        ),
        "exp derivative taken as the input x instead of exp(x)",
    ),
    (
        _edit(
            _VALUE_BASE,
            "self.grad += k * self.data ** (k - 1) * out.grad",
            "self.grad += k * self.data ** k * out.grad",
        ),
        "power rule with the exponent k instead of k - 1",
    ),
    (
        _edit(
            _VALUE_BASE,
            "            self.grad += out.grad / self.data\n",
            "            self.grad += out.grad / out.data\n",
        ),
        "log derivative 1 / log(x) instead of 1 / x",
    ),
    (
        _edit(
            _VALUE_DISPATCH,
            "            b.grad -= a.data / b.data ** 2 * g",
            "            b.grad += a.data / b.data ** 2 * g",
        ),
        "own derivative of a / b with the wrong sign for the divisor",
    ),
    (
        _edit(
            _VALUE_DISPATCH,
            "        elif self.op == \"neg\":\n            self.children[0].grad -= g\n",
            "        elif self.op == \"neg\":\n            self.children[0].grad += g\n",
        ),
        "-a passes the gradient back with the wrong sign",
    ),
    (
        _edit(
            _VALUE_NUMPY_KAHN,
            _VALUE_NUMPY_KAHN[_VALUE_NUMPY_KAHN.index("    def backward(self):") :],
            '''    def backward(self):
        def push(node, upstream):          # the chain rule along every path separately
            node.grad = node.grad + upstream
            for p, d in zip(node.parents, node.local):
                push(p, upstream * d)
        push(self, np.float64(1.0))
''',
        ),
        "walks every path from the output: right numbers, but exponential work instead of each node once",
    ),
    ("from nnlib.autograd import Value\n", "imports nnlib's Value instead of writing it"),
    ("import nnlib.autograd\nclass Value(nnlib.autograd.Value):\n    pass\n", "subclasses nnlib's Value"),
    (
        _edit(
            _VALUE_BASE,
            '''    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")''',
            '''    def relu(self):
        out = Value(max(self.data, 0.0))''',
        ),
        "relu forgets its input: no gradient flows through it",
    ),
]


CORRECT = {
    "Value": _VALUE_CORRECT,
    "pick_device": [
        "def pick_device():\n    return 'cuda' if torch.cuda.is_available() else ('mps' if torch.backends.mps.is_available() else 'cpu')\n",
        "def pick_device():\n    for name, ok in (('cuda', torch.cuda.is_available), ('mps', torch.backends.mps.is_available)):\n"
        "        if ok():\n            return name\n    return 'cpu'\n",
        "def pick_device():\n    if torch.cuda.is_available():\n        return torch.device('cuda')\n"
        "    elif getattr(torch.backends, 'mps', None) is not None and torch.backends.mps.is_available():\n"
        "        return torch.device('mps')\n    return torch.device('cpu')\n",
    ],
    "torch_mlp": [
        "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
        "        mods += [nn.Linear(a, b), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
        "def torch_mlp(layer_sizes):\n    model = nn.Sequential()\n    n = len(layer_sizes) - 1\n    for i in range(n):\n"
        "        model.append(nn.Linear(layer_sizes[i], layer_sizes[i + 1]))\n        if i != n - 1:\n"
        "            model.append(nn.ReLU())\n    return model\n",
        "from collections import OrderedDict\n"
        "def torch_mlp(layer_sizes):\n    items = []\n    for i in range(len(layer_sizes) - 1):\n"
        "        items.append((f'fc{i}', torch.nn.Linear(layer_sizes[i], layer_sizes[i + 1])))\n"
        "        if i < len(layer_sizes) - 2:\n            items.append((f'act{i}', torch.nn.ReLU()))\n"
        "    return torch.nn.Sequential(OrderedDict(items))\n",
    ],
    "copy_from_nnlib": [
        "def copy_from_nnlib(torch_model, nnlib_model):\n    t_lin = [m for m in torch_model.modules() if isinstance(m, nn.Linear)]\n"
        "    n_lin = [m for m in nnlib_model if hasattr(m, 'weight')]\n    for t, n in zip(t_lin, n_lin):\n"
        "        t.weight.data = torch.tensor(n.weight.data, dtype=torch.float32)\n"
        "        t.bias.data = torch.tensor(n.bias.data, dtype=torch.float32)\n    return torch_model\n",
        "def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
        "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
        "                t.weight[:] = torch.from_numpy(np.array(n.weight.data, dtype=np.float32))\n"
        "                t.bias[:] = torch.from_numpy(np.array(n.bias.data, dtype=np.float32))\n",
        "def copy_from_nnlib(torch_model, nnlib_model):\n    state = {}\n    k = 0\n    for i, m in enumerate(torch_model):\n"
        "        if isinstance(m, nn.Linear):\n            while not isinstance(nnlib_model[k], Linear):\n                k += 1\n"
        "            state[f'{i}.weight'] = torch.tensor(nnlib_model[k].weight.data)\n"
        "            state[f'{i}.bias'] = torch.tensor(nnlib_model[k].bias.data)\n            k += 1\n"
        "    torch_model.load_state_dict(state)\n    return torch_model\n",
    ],
    "torch_gradients": [
        "def torch_gradients(torch_model, X, labels):\n    for p in torch_model.parameters():\n        p.grad = None\n"
        "    out = torch_model(torch.tensor(np.asarray(X, dtype=np.float32)))\n"
        "    loss = torch.nn.CrossEntropyLoss()(out, torch.tensor(labels).long())\n    loss.backward()\n"
        "    result = []\n    for m in torch_model:\n        if isinstance(m, nn.Linear):\n"
        "            result.append((m.weight.grad.numpy(), m.bias.grad.numpy()))\n    return result\n",
        "def torch_gradients(torch_model, X, labels):\n    Xt = torch.as_tensor(X, dtype=torch.float32)\n"
        "    logits = torch_model(Xt)\n    logp = torch.log_softmax(logits, dim=1)\n"
        "    loss = -logp[torch.arange(len(labels)), torch.as_tensor(labels, dtype=torch.long)].mean()\n"
        "    params = [p for m in torch_model if isinstance(m, nn.Linear) for p in (m.weight, m.bias)]\n"
        "    grads = torch.autograd.grad(loss, params)\n"
        "    return [(grads[i].numpy(), grads[i + 1].numpy()) for i in range(0, len(grads), 2)]\n",
    ],
    "train_torch": [
        "def train_torch(model, X, y, epochs, device):\n    model = model.to(device)\n"
        "    ds = torch.utils.data.TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.long))\n"
        "    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)\n"
        "    opt = torch.optim.Adam(model.parameters(), lr=0.01)\n    loss_fn = nn.CrossEntropyLoss()\n    history = []\n"
        "    for _ in range(epochs):\n        losses = []\n        for xb, yb in loader:\n            xb, yb = xb.to(device), yb.to(device)\n"
        "            opt.zero_grad()\n            loss = loss_fn(model(xb), yb)\n            loss.backward()\n            opt.step()\n"
        "            losses.append(loss.item())\n        history.append(float(np.mean(losses)))\n    return history\n",
    ],
}

WRONG = {
    "Value": _VALUE_WRONG,
    "pick_device": [
        (
            "def pick_device():\n    if torch.backends.mps.is_available():\n        return 'mps'\n"
            "    if torch.cuda.is_available():\n        return 'cuda'\n    return 'cpu'\n",
            "checks mps before cuda",
        ),
        ("def pick_device():\n    return 'cuda' if torch.cuda.is_available() else 'cpu'\n", "forgets mps"),
        (
            "_DEVICE = 'cuda' if torch.cuda.is_available() else ('mps' if torch.backends.mps.is_available() else 'cpu')\n"
            "def pick_device():\n    return _DEVICE\n",
            "decides once at definition time instead of when called",
        ),
    ],
    "torch_mlp": [
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        mods += [nn.Linear(a, b), nn.ReLU()]\n    return nn.Sequential(*mods)\n",
            "ReLU after the last layer too",
        ),
        (
            "def torch_mlp(layer_sizes):\n    return nn.Sequential(*[nn.Linear(a, b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])])\n",
            "no ReLU at all",
        ),
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        mods += [nn.Linear(b, a), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
            "in and out swapped",
        ),
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        mods += [nn.Linear(a, b), nn.Sigmoid()]\n    return nn.Sequential(*mods[:-1])\n",
            "sigmoid instead of ReLU",
        ),
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        layer = nn.Linear(a, b)\n        nn.init.kaiming_normal_(layer.weight, nonlinearity='relu')\n"
            "        mods += [layer, nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
            "re-initialises the weights with He instead of keeping PyTorch's default",
        ),
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        mods += [nn.Linear(a, b, bias=False), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
            "Linear layers without bias",
        ),
        (
            "def torch_mlp(layer_sizes):\n    mods = []\n    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
            "        mods += [nn.Linear(a, b).double(), nn.ReLU()]\n    return nn.Sequential(*mods[:-1])\n",
            "float64 layers instead of the default float32",
        ),
    ],
    "copy_from_nnlib": [
        (
            "def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
            "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
            "                t.weight.copy_(torch.as_tensor(n.weight.data.T.copy()).reshape(t.weight.shape))\n"
            "                t.bias.copy_(torch.as_tensor(n.bias.data))\n    return torch_model\n",
            "transposes the weights (torch and nnlib share the (out, in) convention)",
        ),
        (
            "def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
            "        for t, n in zip(torch_model, nnlib_model):\n            if isinstance(t, nn.Linear):\n"
            "                t.weight.copy_(torch.as_tensor(n.weight.data))\n    return torch_model\n",
            "forgets the biases",
        ),
        (
            "def copy_from_nnlib(torch_model, nnlib_model):\n    for t, n in zip(torch_model, nnlib_model):\n"
            "        if isinstance(t, nn.Linear):\n            t.weight.data = torch.from_numpy(n.weight.data)\n"
            "            t.bias.data = torch.from_numpy(n.bias.data)\n    return torch_model\n",
            "torch.from_numpy shares memory: training one model changes the other",
        ),
        (
            "def copy_from_nnlib(torch_model, nnlib_model):\n    with torch.no_grad():\n"
            "        torch_model[0].weight.copy_(torch.as_tensor(nnlib_model[0].weight.data))\n"
            "        torch_model[0].bias.copy_(torch.as_tensor(nnlib_model[0].bias.data))\n"
            "        torch_model[2].weight.copy_(torch.as_tensor(nnlib_model[2].weight.data))\n"
            "        torch_model[2].bias.copy_(torch.as_tensor(nnlib_model[2].bias.data))\n    return torch_model\n",
            "hard-codes two layers",
        ),
    ],
    "torch_gradients": [
        (
            "def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
            "    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
            "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long), reduction='sum')\n"
            "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
            "sum instead of mean of the cross-entropy",
        ),
        (
            "def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
            "    out = torch.softmax(torch_model(torch.as_tensor(X, dtype=torch.float32)), dim=1)\n"
            "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
            "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
            "softmax before cross_entropy (which already applies log-softmax)",
        ),
        (
            "def torch_gradients(torch_model, X, labels):\n    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
            "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
            "    loss.backward()\n    return [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
            "no zero_grad: a second call accumulates",
        ),
        (
            "def torch_gradients(torch_model, X, labels):\n    torch_model.zero_grad()\n"
            "    out = torch_model(torch.as_tensor(X, dtype=torch.float32))\n"
            "    loss = nn.functional.cross_entropy(out, torch.as_tensor(labels, dtype=torch.long))\n"
            "    loss.backward()\n    return [(m.weight.grad.numpy().T.copy(), m.bias.grad.numpy().copy()) for m in torch_model if isinstance(m, nn.Linear)]\n",
            "returns dW transposed (in, out)",
        ),
    ],
    "train_torch": [
        (
            "def train_torch(model, X, y, epochs, device):\n    model = copy.deepcopy(model).to(device)\n"
            "    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)\n    yt = torch.as_tensor(y, dtype=torch.long, device=device)\n"
            "    opt = torch.optim.Adam(model.parameters(), lr=1e-2)\n    hist = []\n    for _ in range(epochs):\n"
            "        perm = torch.randperm(len(Xt))\n        tot = 0.0\n        for s in range(0, len(Xt), 32):\n"
            "            idx = perm[s:s + 32]\n            opt.zero_grad()\n"
            "            loss = nn.functional.cross_entropy(model(Xt[idx]), yt[idx])\n            loss.backward()\n            opt.step()\n"
            "            tot += loss.item() * len(idx)\n        hist.append(tot / len(Xt))\n    return hist\n",
            "trains a copy: the caller's model is never trained",
        ),
        (
            "def train_torch(model, X, y, epochs, device):\n    model.to(device)\n"
            "    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)\n    yt = torch.as_tensor(y, dtype=torch.long, device=device)\n"
            "    opt = torch.optim.Adam(model.parameters(), lr=1e-2)\n    hist = []\n    for _ in range(epochs):\n"
            "        for s in range(0, len(Xt), 32):\n            opt.zero_grad()\n"
            "            loss = nn.functional.cross_entropy(model(Xt[s:s + 32]), yt[s:s + 32])\n            loss.backward()\n"
            "            hist.append(loss.item())\n    return hist\n",
            "never calls optimizer.step() and records per-batch losses",
        ),
    ],
}
