"""Alternative correct and subtly wrong answers for lesson 03 (see tests/lesson_harness.py)."""

_DENSE_FORWARD = "\n    def forward(self, X):\n        return X @ self.weight.T + self.bias\n"

CORRECT = {
    "Dense": [
        "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = np.array([[0.01 * rng.normal() for _ in range(in_features)] for _ in range(out_features)])\n        self.bias = np.zeros(out_features)\n\n    def forward(self, X):\n        out = np.zeros((X.shape[0], self.weight.shape[0]))\n        for i in range(X.shape[0]):\n            for j in range(self.weight.shape[0]):\n                out[i, j] = np.sum(X[i] * self.weight[j]) + self.bias[j]\n        return out\n",
        "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = rng.normal(0.0, 0.01, size=(out_features, in_features))\n        self.bias = np.zeros((out_features,))\n\n    def forward(self, X):\n        return np.dot(X, self.weight.T) + self.bias\n",
        "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = (rng.standard_normal((in_features, out_features)) * 0.01).T.copy()\n        self.bias = np.zeros(out_features, dtype=np.float32)\n\n    def forward(self, X):\n        return (self.weight @ X.T).T + self.bias\n",
        "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.n_in, self.n_out = in_features, out_features\n        self.weight = 0.01 * rng.standard_normal(size=(out_features, in_features)).astype(np.float32)\n        self.bias = np.zeros(out_features)\n\n    def forward(self, X):\n        out = np.matmul(X, self.weight.T)\n        out = out + self.bias\n        return out\n",
    ],
    "count_parameters": [
        "def count_parameters(layer_sizes):\n    sizes = list(layer_sizes)\n    total, i = 0, 1\n    while i < len(sizes):\n        total += sizes[i - 1] * sizes[i] + sizes[i]\n        i += 1\n    return total\n",
        "def count_parameters(layer_sizes):\n    return sum(a * b + b for a, b in zip(layer_sizes, layer_sizes[1:]))\n",
        "def count_parameters(layer_sizes):\n    total = 0\n    for i in range(len(layer_sizes) - 1):\n        total += (layer_sizes[i] + 1) * layer_sizes[i + 1]\n    return total\n",
        "def count_parameters(layer_sizes):\n    s = np.asarray(layer_sizes)\n    return int(np.sum(s[:-1] * s[1:] + s[1:]))\n",
    ],
    "layer_shapes": [
        "def layer_shapes(batch, layer_sizes):\n    shapes = []\n    for n in layer_sizes[1:]:\n        shapes.append((batch, n))\n    return shapes\n",
        "def layer_shapes(batch, layer_sizes):\n    return [(batch, layer_sizes[i]) for i in range(1, len(layer_sizes))]\n",
        "def layer_shapes(batch, layer_sizes):\n    return [np.zeros((batch, n)).shape for n in layer_sizes[1:]]\n",
    ],
    "mlp_forward": [
        "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for W, b in zip(weights[:-1], biases[:-1]):\n        h = activation(h @ W.T + b)\n    return h @ weights[-1].T + biases[-1]\n",
        "def mlp_forward(X, weights, biases, activation):\n    n = len(weights)\n    out = X.copy()\n    for i in range(n):\n        out = np.dot(out, weights[i].T) + biases[i]\n        if i != n - 1:\n            out = activation(out)\n    return out\n",
        "def mlp_forward(X, weights, biases, activation):\n    if len(weights) == 1:\n        return X @ weights[0].T + biases[0]\n    return mlp_forward(activation(X @ weights[0].T + biases[0]), weights[1:], biases[1:], activation)\n",
        "def mlp_forward(X, weights, biases, activation):\n    h = X.T\n    for i, (W, b) in enumerate(zip(weights, biases)):\n        h = W @ h + b[:, None]\n        if i < len(weights) - 1:\n            h = activation(h)\n    return h.T\n",
    ],
}

WRONG = {
    "Dense": [
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.standard_normal((in_features, out_features))\n        self.bias = np.zeros(out_features)\n\n    def forward(self, X):\n        return X @ self.weight + self.bias\n",
            "textbook (in, out) weight shape",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = rng.standard_normal((out_features, in_features))\n        self.bias = np.zeros(out_features)\n"
            + _DENSE_FORWARD,
            "forgets the 0.01 scale",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * np.random.randn(out_features, in_features)\n        self.bias = np.zeros(out_features)\n"
            + _DENSE_FORWARD,
            "draws from the global np.random instead of rng",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.random((out_features, in_features))\n        self.bias = np.zeros(out_features)\n"
            + _DENSE_FORWARD,
            "uniform on [0, 1) instead of standard normal: all weights positive",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.standard_normal((out_features, in_features))\n        self.bias = np.zeros(out_features)\n        self.WT = self.weight.T\n\n    def forward(self, X):\n        return X @ self.WT + self.bias\n",
            "caches weight.T at construction: forward ignores later changes of weight",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.standard_normal((out_features, in_features))\n        self.bias = 0.01 * rng.standard_normal(out_features)\n"
            + _DENSE_FORWARD,
            "random biases instead of zeros",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.standard_normal((out_features, in_features))\n        self.bias = np.zeros(out_features)\n\n    def forward(self, X):\n        return X @ self.weight.T\n",
            "forward forgets the bias",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = rng.normal(0.0, 0.1, size=(out_features, in_features))\n        self.bias = np.zeros(out_features)\n"
            + _DENSE_FORWARD,
            "scale 0.1 instead of 0.01",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = rng.uniform(-0.01, 0.01, size=(out_features, in_features))\n        self.bias = np.zeros(out_features)\n"
            + _DENSE_FORWARD,
            "uniform in +-0.01 instead of 0.01 * standard normal (std 0.0058)",
        ),
        (
            "class Dense:\n    def __init__(self, in_features, out_features, rng):\n        self.weight = 0.01 * rng.standard_normal((out_features, in_features))\n        self.bias = np.zeros(out_features)\n\n    def forward(self, X):\n        out = X @ self.weight.T + self.bias\n        X *= 0.5\n        return out\n",
            "forward scales X in place afterwards",
        ),
    ],
    "count_parameters": [
        (
            "def count_parameters(layer_sizes):\n    return sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))\n",
            "forgets the biases",
        ),
        (
            "def count_parameters(layer_sizes):\n    return sum(a * b + a for a, b in zip(layer_sizes, layer_sizes[1:]))\n",
            "one bias per input unit instead of per output unit",
        ),
        (
            "def count_parameters(layer_sizes):\n    return sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:])) + sum(layer_sizes)\n",
            "counts a bias for the input layer too",
        ),
        (
            "def count_parameters(layer_sizes):\n    layer_sizes = list(layer_sizes)\n    total = 0\n    for i in range(len(layer_sizes) - 2):\n        total += layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1]\n    return total\n",
            "skips the output layer",
        ),
        (
            "def count_parameters(layer_sizes):\n    total = 0\n    while len(layer_sizes) > 1:\n        n_in = layer_sizes.pop(0)\n        total += n_in * layer_sizes[0] + layer_sizes[0]\n    return total\n",
            "consumes the caller's list with pop (and fails on tuples)",
        ),
    ],
    "layer_shapes": [
        (
            "def layer_shapes(batch, layer_sizes):\n    return [(batch, n) for n in layer_sizes]\n",
            "includes the input as a layer",
        ),
        (
            "def layer_shapes(batch, layer_sizes):\n    return [(n, batch) for n in layer_sizes[1:]]\n",
            "shapes transposed: (units, batch)",
        ),
        (
            "def layer_shapes(batch, layer_sizes):\n    return [(batch, n) for n in layer_sizes[1:-1]]\n",
            "forgets the output layer",
        ),
        (
            "def layer_shapes(batch, layer_sizes):\n    return [[batch, n] for n in layer_sizes[1:]]\n",
            "lists instead of tuples",
        ),
    ],
    "mlp_forward": [
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for W, b in zip(weights, biases):\n        h = activation(h @ W.T + b)\n    return h\n",
            "activation after the last layer too",
        ),
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for i, (W, b) in enumerate(zip(weights, biases)):\n        h = h @ W.T\n        if i < len(weights) - 1:\n            h = activation(h)\n    return h\n",
            "forgets the biases",
        ),
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = activation(X)\n    for i, (W, b) in enumerate(zip(weights, biases)):\n        h = h @ W.T + b\n        if 0 < i < len(weights) - 1:\n            h = activation(h)\n    return h\n",
            "activates the input and skips the first hidden layer's activation",
        ),
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for i, (W, b) in enumerate(zip(weights, biases)):\n        h = h @ W + b\n        if i < len(weights) - 1:\n            h = activation(h)\n    return h\n",
            "uses h @ W (the (in, out) convention)",
        ),
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for i, (W, b) in enumerate(zip(weights, biases)):\n        h = h @ W.T\n        if i < len(weights) - 1:\n            h = activation(h)\n        h = h + b\n    return h\n",
            "adds the bias after the activation",
        ),
        (
            "def mlp_forward(X, weights, biases, activation):\n    h = X\n    for i in range(len(weights) - 1):\n        h = activation(h @ weights[i].T + biases[i])\n    return h @ weights[-1].T + biases[-1] if len(weights) > 1 else activation(h @ weights[0].T + biases[0])\n",
            "activates a single layer",
        ),
    ],
}
