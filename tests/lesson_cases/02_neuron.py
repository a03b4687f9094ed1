"""Alternative correct and subtly wrong answers for lesson 02 (see tests/lesson_harness.py)."""

CORRECT = {
    "weighted_sum": [
        "def weighted_sum(x, w, b):\n    return x @ w + b\n",
        "def weighted_sum(x, w, b):\n    total = b\n    for xi, wi in zip(x, w):\n        total += xi * wi\n    return total\n",
        "def weighted_sum(x, w, b):\n    return np.dot(w, x) + b\n",
        "def weighted_sum(x, w, b):\n    return float(np.sum(np.multiply(x, w))) + float(b)\n",
    ],
    "step": [
        "def step(z):\n    return (z >= 0).astype(float)\n",
        "def step(z):\n    return np.heaviside(z, 1.0)\n",
        "def step(z):\n    out = np.zeros(np.shape(z))\n    out[np.asarray(z) >= 0] = 1\n    return out\n",
        "def step(z):\n    return np.vectorize(lambda v: 1.0 if v >= 0 else 0.0, otypes=[float])(z)\n",
        "def step(z):\n    return 1.0 - (z < 0)\n",
        "def step(z):\n    return np.greater_equal(z, 0).astype(z.dtype)\n",
        "def step(z):\n    return np.where(z < 0, 0.0, 1.0)\n",
        "def step(z):\n    out = np.ones_like(z, dtype=float)\n    out[z < 0] = 0.0\n    return out\n",
    ],
    "neuron": [
        "def neuron(x, w, b, activation):\n    z = np.dot(w, x) + b\n    return activation(z)\n",
        "def neuron(x, w, b, activation):\n    z = b\n    for i in range(len(x)):\n        z = z + w[i] * x[i]\n    return activation(z)\n",
        "def neuron(x, w, b, activation):\n    return activation(float(x @ w + b))\n",
    ],
    "and_gate": [
        "def and_gate():\n    return np.array([1.0, 1.0]), -2.0\n",
        "def and_gate():\n    w = np.array([0.5, 0.5])\n    b = -0.75\n    return w, b\n",
        "def and_gate():\n    return np.array([2, 2]), np.array([-3])\n",
    ],
    "or_gate": [
        "def or_gate():\n    return np.array([1.0, 1.0]), -1.0\n",
        "def or_gate():\n    return np.array([2.0, 3.0]), -1.5\n",
        "def or_gate():\n    return [1, 1], -1\n",
    ],
    "nand_gate": [
        "def nand_gate():\n    return np.array([-1.0, -1.0]), 1.0\n",
        "def nand_gate():\n    w, b = np.array([-2.0, -2.0]), 3.0\n    return (w, b)\n",
    ],
    "perceptron_fit": [
        # the classic +-1 form: update when y_pm * z <= 0
        "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    s = 2 * np.asarray(y, dtype=float) - 1\n    for _ in range(epochs):\n        for xi, si in zip(X, s):\n            if si * (xi @ w + b) <= 0:\n                w = w + lr * si * xi\n                b = b + lr * si\n    return w, b\n",
        # strict > 0 prediction, no early stop, index loop
        "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    n, d = X.shape\n    w = np.zeros(d)\n    b = 0.0\n    for epoch in range(epochs):\n        for i in range(n):\n            pred = 1 if np.dot(w, X[i]) + b > 0 else 0\n            w += lr * (y[i] - pred) * X[i]\n            b += lr * (y[i] - pred)\n    return w, b\n",
        # augmented weight vector with a column of ones
        "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    Xa = np.hstack([X, np.ones((X.shape[0], 1))])\n    wa = np.zeros(Xa.shape[1])\n    for _ in range(epochs):\n        errors = 0\n        for xi, yi in zip(Xa, y):\n            err = yi - float(xi @ wa >= 0)\n            wa += lr * err * xi\n            errors += err != 0\n        if errors == 0:\n            break\n    return wa[:-1], wa[-1]\n",
    ],
}

WRONG = {
    "weighted_sum": [
        ("def weighted_sum(x, w, b):\n    return np.sum(w * x + b)\n", "adds the bias once per input"),
        ("def weighted_sum(x, w, b):\n    return float(np.sum(w * x))\n", "forgets the bias"),
        ("def weighted_sum(x, w, b):\n    return np.array([w @ x + b])\n", "returns a 1-element array, not a number"),
        ("def weighted_sum(x, w, b):\n    x *= w\n    return float(np.sum(x) + b)\n", "multiplies x in place"),
    ],
    "step": [
        (
            "def step(z):\n    if z.dtype != np.float64:\n        raise TypeError('step expects float64')\n    return np.where(z >= 0, 1.0, 0.0)\n",
            "validates too strictly: rejects a float32 z",
        ),
        ("def step(z):\n    return np.where(z > 0, 1.0, 0.0)\n", "uses > instead of >= (step(0) = 0)"),
        ("def step(z):\n    return z >= 0\n", "returns booleans instead of floats"),
        ("def step(z):\n    return np.array([1.0 if v >= 0 else 0.0 for v in z])\n", "loop over z: fails on 2-D input"),
        ("def step(z):\n    z[z >= 0] = 1.0\n    z[z < 0] = 0.0\n    return z\n", "overwrites the input in place"),
        ("def step(z):\n    return (z >= 0).astype(int)\n", "returns integers"),
        ("def step(z):\n    return np.maximum(np.sign(z), 0.0)\n", "sign-based: gives 0 at z = 0"),
        ("def step(z):\n    return np.heaviside(z, 0.0)\n", "heaviside with the other convention: step(0) = 0"),
        (
            "def step(z):\n    z = z.copy() if z.ndim > 1 else z\n    z[z >= 0] = 1.0\n    z[z < 0] = 0.0\n    return z\n",
            "overwrites 1-D inputs in place",
        ),
    ],
    "neuron": [
        (
            "def neuron(x, w, b, activation):\n    return activation(np.dot(w, x)) + b\n",
            "adds the bias after the activation",
        ),
        (
            "def neuron(x, w, b, activation):\n    return np.sum(activation(w * x)) + b\n",
            "activates every product before summing",
        ),
        ("def neuron(x, w, b, activation):\n    return activation(np.dot(w, x))\n", "forgets the bias"),
        (
            "def neuron(x, w, b, activation):\n    w *= x\n    return activation(np.sum(w) + b)\n",
            "multiplies w in place",
        ),
        (
            "def neuron(x, w, b, activation):\n    return activation(np.sum(w * x)) + activation(b)\n",
            "activates the bias separately",
        ),
    ],
    "and_gate": [
        (
            "def and_gate():\n    return np.array([1.0, 1.0]), -1.0\n",
            "bias too small: (0,1) sits on the boundary and gives 1",
        ),
        ("def and_gate():\n    return np.array([1.0, 1.0]), -0.5\n", "that is OR"),
        ("def and_gate():\n    return np.array([[1.0], [1.0]]), -1.5\n", "w of shape (2, 1)"),
    ],
    "or_gate": [
        ("def or_gate():\n    return np.array([1.0, 1.0]), 0.5\n", "positive bias: (0,0) also gives 1"),
        ("def or_gate():\n    return np.array([1.0, 1.0]), -1.5\n", "that is AND"),
        ("def or_gate():\n    return -0.5, np.array([1.0, 1.0])\n", "returns (b, w) in the wrong order"),
    ],
    "nand_gate": [
        (
            "def nand_gate():\n    return np.array([-1.0, -1.0]), 2.0\n",
            "bias too large: (1,1) sits on the boundary and gives 1",
        ),
        ("def nand_gate():\n    return np.array([1.0, 1.0]), -1.5\n", "that is AND (forgot to negate)"),
        ("def nand_gate():\n    return np.array([-1.0, -1.0]), -1.5\n", "negates w but not b"),
    ],
    "perceptron_fit": [
        (
            "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    for _ in range(epochs):\n        for xi, yi in zip(X, y):\n            y_hat = float(xi @ w + b >= 0)\n            w = w + lr * (yi - y_hat) * xi\n    return w, b\n",
            "never updates the bias",
        ),
        (
            "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    for _ in range(epochs):\n        for xi, yi in zip(X, y):\n            if (xi @ w + b >= 0) != (yi == 1):\n                w = w + lr * yi * xi\n                b = b + lr * yi\n    return w, b\n",
            "uses the +-1 update with {0,1} labels: label-0 mistakes never move the boundary",
        ),
        (
            "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    y[y == 0] = -1\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    for _ in range(epochs):\n        for xi, yi in zip(X, y):\n            if yi * (xi @ w + b) <= 0:\n                w = w + lr * yi * xi\n                b = b + lr * yi\n    return w, b\n",
            "relabels y in place to -1/+1 (modifies the caller's labels)",
        ),
        (
            "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    for xi, yi in zip(X, y):\n        y_hat = float(xi @ w + b >= 0)\n        w = w + lr * (yi - y_hat) * xi\n        b = b + lr * (yi - y_hat)\n    return w, b\n",
            "a single pass over the data (ignores epochs)",
        ),
        (
            "def perceptron_fit(X, y, lr=1.0, epochs=20):\n    w = np.zeros(X.shape[1])\n    b = 0.0\n    for _ in range(epochs):\n        for xi, yi in zip(X, y):\n            y_hat = float(xi @ w + b >= 0)\n            w = w + lr * (y_hat - yi) * xi\n            b = b + lr * (y_hat - yi)\n    return w, b\n",
            "error sign flipped (y_hat - y)",
        ),
    ],
}
