"""Alternative correct and subtly wrong answers for lesson 05 (see tests/lesson_harness.py)."""

_TENT = "def _tent(x):\n    return 2.0 * np.maximum(x, 0.0) - 4.0 * np.maximum(x - 0.5, 0.0)\n\n"

CORRECT = {
    "xor_network": [
        "def xor_network():\n    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])\n    b1 = np.array([0.0, -1.0])\n    W2 = np.array([[1.0, -2.0]])\n    b2 = np.zeros(1)\n    return W1, b1, W2, b2\n",
        # h1 = relu(x1 - x2), h2 = relu(x2 - x1): XOR = h1 + h2
        "def xor_network():\n    return (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([0.0, 0.0]),\n            np.array([[1.0, 1.0]]), np.array([0.0]))\n",
        # 1 - relu(1 - x1 - x2)... : OR-ish minus AND-ish with different scaling
        "def xor_network():\n    W1 = np.array([[2.0, 2.0], [1.0, 1.0]])\n    b1 = np.array([0.0, -1.0])\n    W2 = np.array([[0.5, -2.0]])\n    b2 = np.array([0.0])\n    return W1, b1, W2, b2\n",
    ],
    "hat": [
        "def hat(x, left, peak, right):\n    up = (x - left) / (peak - left)\n    down = (right - x) / (right - peak)\n    return np.maximum(0.0, np.minimum(up, down))\n",
        "def hat(x, left, peak, right):\n    r = lambda t: np.maximum(t, 0)\n    a = 1 / (peak - left)\n    c = 1 / (right - peak)\n    return a * r(x - left) - (a + c) * r(x - peak) + c * r(x - right)\n",
        "def hat(x, left, peak, right):\n    return np.interp(x, [left, peak, right], [0.0, 1.0, 0.0], left=0.0, right=0.0)\n",
        "def hat(x, left, peak, right):\n    x = np.asarray(x, dtype=float)\n    out = np.zeros_like(x)\n    up = (x > left) & (x <= peak)\n    down = (x > peak) & (x < right)\n    out[up] = (x[up] - left) / (peak - left)\n    out[down] = (right - x[down]) / (right - peak)\n    return out\n",
    ],
    "fit_relu_network": [
        "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden + 1)\n    ys = f(xs)\n    m = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])\n    c = np.empty(n_hidden)\n    c[0] = m[0]\n    c[1:] = m[1:] - m[:-1]\n    return np.ones((n_hidden, 1)), -xs[:-1], c.reshape(1, -1), np.array([ys[0]])\n",
        "def fit_relu_network(f, a, b, n_hidden):\n    h = (b - a) / n_hidden\n    knots = [a + k * h for k in range(n_hidden + 1)]\n    vals = [float(f(t)) for t in knots]\n    slopes = [(vals[k + 1] - vals[k]) / h for k in range(n_hidden)]\n    W1 = np.ones((n_hidden, 1))\n    b1 = np.array([-t for t in knots[:-1]])\n    W2 = np.array([[slopes[0]] + [slopes[k] - slopes[k - 1] for k in range(1, n_hidden)]])\n    b2 = np.array([vals[0]])\n    return W1, b1, W2, b2\n",
        # ramps pointing left: relu(x_k - x) for the knots x_1..x_n, anchored at f(b)
        "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden + 1)\n    ys = np.asarray(f(xs), dtype=float)\n    m = np.diff(ys) / np.diff(xs)\n    # g(x) = f(b) - m_last relu(b - x) + sum_k (m_k - m_{k-1}) relu(x_k - x) for interior knots\n    W1 = -np.ones((n_hidden, 1))\n    b1 = xs[1:][::-1].copy()                 # b, x_{n-1}, ..., x_1\n    c = np.concatenate([[-m[-1]], (m[1:] - m[:-1])[::-1]])\n    return W1, b1, c[None, :], np.array([ys[-1]])\n",
    ],
    "tent": [
        "def tent(x):\n    return 1.0 - np.abs(2.0 * x - 1.0)\n",
        "def tent(x):\n    relu = lambda t: np.maximum(t, 0)\n    return 2 * relu(x) - 4 * relu(x - 0.5)\n",
        "def tent(x):\n    return np.where(x <= 0.5, 2.0 * x, 2.0 - 2.0 * x)\n",
        "def tent(x):\n    return np.minimum(2.0 * x, 2.0 - 2.0 * x)\n",
        "def tent(x):\n    r = lambda t: t * (t > 0)\n    return 2.0 * r(x) - 4.0 * r(x - 0.5)\n",
    ],
    "compose_tent": [
        _TENT
        + "def compose_tent(x, depth):\n    y = x\n    for _ in range(depth):\n        y = _tent(y)\n    return y\n",
        _TENT
        + "def compose_tent(x, depth):\n    if depth == 1:\n        return _tent(x)\n    return _tent(compose_tent(x, depth - 1))\n",
        "def compose_tent(x, depth):\n    y = np.array(x, dtype=float)\n    for _ in range(depth):\n        y = np.minimum(2 * y, 2 - 2 * y)\n    return y\n",
        # closed form: T^d(x) = T(frac(2^(d-1) x)) on [0, 1]
        _TENT + "def compose_tent(x, depth):\n    return _tent(np.mod(2.0 ** (depth - 1) * x, 1.0))\n",
    ],
}

WRONG = {
    "xor_network": [
        (
            "def xor_network():\n    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),\n            np.array([[1.0, -1.0]]), np.array([0.0]))\n",
            "the widely copied output weights (1, -1): gives 1 at (1, 1)",
        ),
        (
            "def xor_network():\n    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),\n            np.array([1.0, -2.0]), 0.0)\n",
            "W2 of shape (2,) and a scalar b2",
        ),
        (
            "def xor_network():\n    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),\n            np.array([[1.0], [-2.0]]), np.array([0.0]))\n",
            "W2 as a column (2, 1)",
        ),
        (
            "def xor_network():\n    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]),\n            np.array([[1.0, -2.0]]), np.array([0.0]))\n",
            "threshold-style biases: outputs 0.5/0 need a threshold, not exact",
        ),
    ],
    "hat": [
        (
            "def hat(x, left, peak, right):\n    s1 = 1 / (peak - left)\n    s2 = 1 / (right - peak)\n    return s1 * np.maximum(x - left, 0) - (s1 + s2) * np.maximum(x - peak, 0)\n",
            "forgets the third ReLU: negative beyond right",
        ),
        (
            "def hat(x, left, peak, right):\n    s = 2 / (right - left)\n    return s * np.maximum(x - left, 0) - 2 * s * np.maximum(x - peak, 0) + s * np.maximum(x - right, 0)\n",
            "assumes a symmetric hat",
        ),
        (
            "def hat(x, left, peak, right):\n    s1 = 1 / (peak - left)\n    return s1 * np.maximum(x - left, 0) - 2 * s1 * np.maximum(x - peak, 0) + s1 * np.maximum(x - right, 0)\n",
            "uses the rising slope for the falling side too",
        ),
        (
            "def hat(x, left, peak, right):\n    return np.maximum(0.0, 1.0 - np.abs(x - peak))\n",
            "fixed width 1 around the peak",
        ),
        (
            "def hat(x, left, peak, right):\n    x -= left\n    s1 = 1 / (peak - left)\n    s2 = 1 / (right - peak)\n    return s1 * np.maximum(x, 0) - (s1 + s2) * np.maximum(x - (peak - left), 0) + s2 * np.maximum(x - (right - left), 0)\n",
            "shifts x in place (modifies the input)",
        ),
        (
            "def hat(x, left, peak, right):\n    return np.array([max(0.0, min((v - left) / (peak - left), (right - v) / (right - peak))) for v in x])\n",
            "loops over x: fails on 2-D input",
        ),
    ],
    "fit_relu_network": [
        (
            "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden)\n    ys = f(xs)\n    m = np.diff(ys) / np.diff(xs)\n    c = np.concatenate([m[:1], np.diff(m), [0.0]])\n    return np.ones((n_hidden, 1)), -xs, c[None, :], np.array([ys[0]])\n",
            "n_hidden knots instead of n_hidden + 1 (off by one)",
        ),
        (
            "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden + 1)\n    ys = f(xs)\n    m = np.diff(ys) / np.diff(xs)\n    c = np.concatenate([m[:1], np.diff(m)])\n    return np.ones((n_hidden, 1)), -xs[:-1], c[None, :], np.zeros(1)\n",
            "forgets the offset b2 = f(a)",
        ),
        (
            "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden + 1)\n    ys = f(xs)\n    m = np.diff(ys) / np.diff(xs)\n    return np.ones((n_hidden, 1)), -xs[:-1], m[None, :], np.array([ys[0]])\n",
            "uses the slopes as output weights instead of the slope changes",
        ),
        (
            "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(a, b, n_hidden + 1)\n    ys = f(xs)\n    m = np.diff(ys) / np.diff(xs)\n    c = np.concatenate([m[:1], np.diff(m)])\n    return np.ones((n_hidden, 1)), -xs[:-1], c, np.array([ys[0]])\n",
            "W2 of shape (n_hidden,) instead of (1, n_hidden)",
        ),
        (
            "def fit_relu_network(f, a, b, n_hidden):\n    xs = np.linspace(0, b - a, n_hidden + 1)\n    ys = f(xs + a)\n    m = np.diff(ys) / np.diff(xs)\n    c = np.concatenate([m[:1], np.diff(m)])\n    return np.ones((n_hidden, 1)), -xs[:-1], c[None, :], np.array([ys[0]])\n",
            "knots measured from 0 instead of a (only right when a = 0)",
        ),
    ],
    "tent": [
        (
            "def tent(x):\n    return 2 * np.maximum(x, 0) - 2 * np.maximum(x - 0.5, 0)\n",
            "second ReLU weight -2: flat after 1/2",
        ),
        ("def tent(x):\n    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 1, 0)\n", "kink at 1 instead of 1/2"),
        (
            "def tent(x):\n    return np.maximum(2 * x, 0) - np.maximum(2 * x - 1, 0)\n",
            "ramp up then flat at 1, never comes down",
        ),
        (
            "def tent(x):\n    x *= 2.0\n    return np.maximum(x, 0) - 2 * np.maximum(x - 1.0, 0)\n",
            "doubles x in place (modifies the input)",
        ),
    ],
    "compose_tent": [
        (
            _TENT
            + "def compose_tent(x, depth):\n    y = x\n    for _ in range(depth - 1):\n        y = _tent(y)\n    return y\n",
            "applies the tent depth - 1 times",
        ),
        (
            _TENT + "def compose_tent(x, depth):\n    return _tent(x) ** depth\n",
            "raises the tent to a power instead of composing",
        ),
        (
            _TENT + "def compose_tent(x, depth):\n    return _tent(2 ** (depth - 1) * x)\n",
            "rescales x instead of composing: leaves [0, 1] and goes negative",
        ),
        (
            _TENT
            + "def compose_tent(x, depth):\n    y = x\n    for _ in range(2 * depth):\n        y = _tent(y)\n    return y\n",
            "applies the tent 2 * depth times (one per unit)",
        ),
        (
            "def compose_tent(x, depth):\n    for _ in range(depth):\n        x[:] = 2.0 * np.maximum(x, 0.0) - 4.0 * np.maximum(x - 0.5, 0.0)\n    return x\n",
            "composes in place (modifies the input)",
        ),
    ],
}
