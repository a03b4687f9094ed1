"""Alternative correct and subtly wrong answers for lesson 04 (see tests/lesson_harness.py)."""

CORRECT = {
    "collapse_linear": [
        "def collapse_linear(W1, b1, W2, b2):\n    W = np.dot(W2, W1)\n    b = np.dot(W2, b1) + b2\n    return W, b\n",
        "def collapse_linear(W1, b1, W2, b2):\n    return (W1.T @ W2.T).T, b1 @ W2.T + b2\n",
        "def collapse_linear(W1, b1, W2, b2):\n    W = np.matmul(W2, W1)\n    b = W2 @ b1.reshape(-1, 1)\n    return W, b.ravel() + b2\n",
    ],
    "sigmoid": [
        "def sigmoid(z):\n    out = np.empty_like(z, dtype=float)\n    pos = z >= 0\n    out[pos] = 1 / (1 + np.exp(-z[pos]))\n    ez = np.exp(z[~pos])\n    out[~pos] = ez / (1 + ez)\n    return out\n",
        "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(0.5 * z))\n",
        "def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))\n",
        "def sigmoid(z):\n    z = np.clip(z, -500, 500)\n    return 1 / (1 + np.exp(-z))\n",
        "def sigmoid(z):\n    with np.errstate(over='ignore'):\n        return 1.0 / (1.0 + np.exp(-z))\n",
    ],
    "relu": [
        "def relu(z):\n    return np.where(z > 0, z, 0.0)\n",
        "def relu(z):\n    return np.vectorize(lambda v: v if v > 0 else 0.0, otypes=[float])(z)\n",
        "def relu(z):\n    return z * (z > 0)\n",
        "def relu(z):\n    out = z.copy()\n    out[out < 0] = 0\n    return out\n",
        "def relu(z):\n    return np.clip(z, 0, None)\n",
    ],
    "leaky_relu": [
        "def leaky_relu(z, alpha=0.01):\n    return np.maximum(z, alpha * z)\n",
        "def leaky_relu(z, alpha=0.01):\n    out = z.astype(float)\n    out[z < 0] *= alpha\n    return out\n",
        "def leaky_relu(z, alpha=0.01):\n    return z * (z > 0) + alpha * z * (z <= 0)\n",
    ],
    "silu": [
        "def silu(z):\n    from scipy.special import expit\n    return z * expit(z)\n",
        "def silu(z):\n    with np.errstate(over='ignore'):\n        return z / (1 + np.exp(-z))\n",
        "def silu(z):\n    return z * 0.5 * (1 + np.tanh(z / 2))\n",
        "def silu(z):\n    with np.errstate(all='ignore'):\n        return np.where(z >= 0, z / (1 + np.exp(-z)), z * np.exp(z) / (1 + np.exp(z)))\n",
    ],
    "gelu": [
        "def gelu(z, approximate='none'):\n    from scipy.special import erf\n    if approximate == 'tanh':\n        return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * np.power(z, 3))))\n    return 0.5 * z * (1 + erf(z / np.sqrt(2)))\n",
        "def gelu(z, approximate='none'):\n    z = np.asarray(z, dtype=float)\n    if approximate == 'none':\n        phi = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z.ravel()]).reshape(z.shape)\n        return z * phi\n    inner = math.sqrt(2 / math.pi) * (z + 0.044715 * z * z * z)\n    return 0.5 * z * (1 + np.tanh(inner))\n",
        "def gelu(z, approximate='none'):\n    if approximate == 'tanh':\n        c = np.sqrt(2.0 / np.pi)\n        return z * 0.5 * (1.0 + np.tanh(c * (z + 0.044715 * z ** 3)))\n    from scipy.stats import norm\n    return z * norm.cdf(z)\n",
    ],
    "softmax": [
        "def softmax(z, axis=-1):\n    z = np.asarray(z, dtype=float)\n    out = np.empty_like(z)\n    zt, ot = np.moveaxis(z, axis, 0), np.moveaxis(out, axis, 0)\n    m = zt[0].copy()\n    for k in range(1, zt.shape[0]):\n        m = np.maximum(m, zt[k])\n    total = sum(np.exp(zt[k] - m) for k in range(zt.shape[0]))\n    for k in range(zt.shape[0]):\n        ot[k] = np.exp(zt[k] - m) / total\n    return out\n",
        "def softmax(z, axis=-1):\n    m = z.max(axis=axis, keepdims=True)\n    e = np.exp(z - m)\n    return e / e.sum(axis=axis, keepdims=True)\n",
        "def softmax(z, axis=-1):\n    zt = np.moveaxis(z, axis, -1)\n    e = np.exp(zt - zt.max(axis=-1)[..., None])\n    p = e / e.sum(axis=-1)[..., None]\n    return np.moveaxis(p, -1, axis)\n",
        "def softmax(z, axis=-1):\n    shifted = z - np.max(z, axis=axis, keepdims=True)\n    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))\n    return np.exp(log_p)\n",
    ],
    "sigmoid_grad": [
        "def sigmoid_grad(z):\n    from scipy.special import expit\n    s = expit(z)\n    return s * (1 - s)\n",
        "def sigmoid_grad(z):\n    s = 1 / (1 + np.exp(-z))\n    return s - s ** 2\n",
        "def sigmoid_grad(z):\n    e = np.exp(-np.abs(z))\n    return e / (1 + e) ** 2\n",
    ],
    "tanh_grad": [
        "def tanh_grad(z):\n    return 1 - np.tanh(z) ** 2\n",
        "def tanh_grad(z):\n    return 1 / np.cosh(z) ** 2\n",
        "def tanh_grad(z):\n    t = np.tanh(z)\n    return (1 - t) * (1 + t)\n",
    ],
    "relu_grad": [
        "def relu_grad(z):\n    return np.where(z > 0, 1.0, 0.0)\n",
        "def relu_grad(z):\n    return np.heaviside(z, 0.0)\n",
        "def relu_grad(z):\n    return (z > 0) * 1.0\n",
        "def relu_grad(z):\n    g = np.zeros_like(z, dtype=float)\n    g[z > 0] = 1\n    return g\n",
    ],
}

WRONG = {
    "collapse_linear": [
        (
            "def collapse_linear(W1, b1, W2, b2):\n    return W2 @ W1, b1 + b2\n",
            "adds the biases without passing b1 through W2",
        ),
        ("def collapse_linear(W1, b1, W2, b2):\n    return W2 @ W1, W2 @ b1\n", "forgets b2"),
        (
            "def collapse_linear(W1, b1, W2, b2):\n    b = b2\n    b += W2 @ b1\n    return W2 @ W1, b\n",
            "accumulates into b2 in place (modifies the caller's bias)",
        ),
        (
            "def collapse_linear(W1, b1, W2, b2):\n    return W1.T @ W2.T, W2 @ b1 + b2\n",
            "returns W transposed, (in, out)",
        ),
        (
            "def collapse_linear(W1, b1, W2, b2):\n    if W1.shape[0] == W1.shape[1] and W2.shape[0] == W2.shape[1]:\n        return W1 @ W2, W2 @ b1 + b2\n    return W2 @ W1, W2 @ b1 + b2\n",
            "multiplies in the wrong order (visible only with square matrices)",
        ),
    ],
    "sigmoid": [
        (
            "def sigmoid(z):\n    if z.dtype != np.float64:\n        raise TypeError('float64 only')\n    e = np.exp(-np.abs(z))\n"
            "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n",
            "validates too strictly: rejects a float32 z",
        ),
        ("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n", "naive formula: overflow warning at z = -1000"),
        (
            "def sigmoid(z):\n    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n",
            "np.where evaluates both branches: overflow warning",
        ),
        (
            "def sigmoid(z):\n    return np.exp(z) / (1 + np.exp(z))\n",
            "the other naive form: inf/inf = nan at z = 1000",
        ),
        (
            "def sigmoid(z):\n    z = np.clip(z, -10, 10)\n    return 1 / (1 + np.exp(-z))\n",
            "clips z to [-10, 10]: wrong values beyond the clip",
        ),
        (
            "def sigmoid(z):\n    from scipy.special import expit\n    return expit(z)\n",
            "delegates to scipy.special.expit (own-code rule)",
        ),
        (
            "def sigmoid(z):\n    e = np.exp(-np.abs(z))\n    return np.where(z > 0, 1 / (1 + e), e / (1 + e)) if z.ndim == 1 else 1 / (1 + np.exp(-z))\n",
            "stable only for 1-D input",
        ),
        (
            "def sigmoid(z):\n    z[z < -500] = -500\n    z[z > 500] = 500\n    return 1 / (1 + np.exp(-z))\n",
            "clips z in place (modifies the input)",
        ),
    ],
    "relu": [
        ("def relu(z):\n    z[z < 0] = 0\n    return z\n", "modifies the input in place"),
        ("def relu(z):\n    return np.clip(z, 0, 1)\n", "clips at 1 as well"),
        ("def relu(z):\n    return np.maximum(z, 0).astype(int)\n", "returns integers"),
        ("def relu(z):\n    return np.array([max(v, 0.0) for v in z])\n", "loops over z: fails on 2-D input"),
    ],
    "leaky_relu": [
        ("def leaky_relu(z, alpha=0.01):\n    return np.where(z > 0, z, 0.01 * z)\n", "ignores the alpha argument"),
        (
            "def leaky_relu(z, alpha=0.01):\n    return np.where(z > 0, z, alpha)\n",
            "returns the constant alpha for negative z",
        ),
        ("def leaky_relu(z, alpha=0.01):\n    z[z < 0] *= alpha\n    return z\n", "modifies the input in place"),
        ("def leaky_relu(z, alpha=0.01):\n    return np.maximum(z, alpha * z).astype(int)\n", "returns integers"),
    ],
    "silu": [
        ("def silu(z):\n    return z * np.exp(z) / (1 + np.exp(z))\n", "z e^z / (1 + e^z): inf/inf = nan at z = 1000"),
        ("def silu(z):\n    return 1 / (1 + np.exp(-z))\n", "returns sigmoid(z), forgets the factor z"),
        ("def silu(z):\n    return z * np.tanh(z)\n", "uses tanh instead of sigmoid"),
        (
            "def silu(z):\n    z = z * 1.0\n    z *= 1 / (1 + np.exp(-np.clip(z, -500, 500)))\n    return z if z.ndim == 1 else z.sum(axis=0)\n",
            "collapses 2-D input",
        ),
    ],
    "gelu": [
        (
            "def gelu(z, approximate='none'):\n    return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))\n",
            "always uses the tanh approximation",
        ),
        (
            "def gelu(z, approximate='none'):\n    from scipy.special import erf\n    return 0.5 * z * (1 + erf(z / np.sqrt(2)))\n",
            "ignores approximate='tanh'",
        ),
        (
            "def gelu(z, approximate='none'):\n    return z / (1 + np.exp(-1.702 * z))\n",
            "the sigmoid approximation z * sigmoid(1.702 z)",
        ),
        (
            "def gelu(z, approximate='none'):\n    from scipy.special import erf\n    if approximate == 'tanh':\n        return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))\n    return 0.5 * z * (1 + erf(z / 2))\n",
            "erf(z / 2) instead of erf(z / sqrt(2))",
        ),
        (
            "def gelu(z, approximate='none'):\n    if approximate == 'tanh':\n        return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))\n    return np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in z])\n",
            "list comprehension over z: fails on 2-D input",
        ),
    ],
    "softmax": [
        (
            "def softmax(z, axis=-1):\n    e = np.exp(z)\n    return e / np.sum(e, axis=axis, keepdims=True)\n",
            "no max subtraction: nan for scores of 1e4",
        ),
        (
            "def softmax(z, axis=-1):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e, axis=axis, keepdims=True)\n",
            "subtracts the global max: rows far below it underflow to 0/0",
        ),
        (
            "def softmax(z, axis=-1):\n    e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n    return e / np.sum(e, axis=-1, keepdims=True)\n",
            "ignores the axis argument",
        ),
        (
            "def softmax(z, axis=-1):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)\n",
            "normalises over the whole array, not per row",
        ),
        (
            "def softmax(z, axis=-1):\n    z -= np.max(z, axis=axis, keepdims=True)\n    e = np.exp(z)\n    return e / np.sum(e, axis=axis, keepdims=True)\n",
            "subtracts the max in place (modifies the input)",
        ),
        (
            "def softmax(z, axis=-1):\n    from scipy.special import softmax as sp_softmax\n    return sp_softmax(z, axis=axis)\n",
            "delegates to scipy.special.softmax (own-code rule)",
        ),
        (
            "def softmax(z, axis=-1):\n    e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n    return e / np.sum(e, axis=axis, keepdims=True)\n",
            "shifts by the row maximum whatever the axis: wrong for axis=0",
        ),
    ],
    "sigmoid_grad": [
        ("def sigmoid_grad(z):\n    return z * (1 - z)\n", "treats z as if it were already sigmoid(z)"),
        (
            "def sigmoid_grad(z):\n    return np.exp(-z) / (1 + np.exp(-z)) ** 2\n",
            "unstable formula: inf/inf = nan at z = -1000",
        ),
        (
            "def sigmoid_grad(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 + s)\n",
            "s (1 + s) instead of s (1 - s)",
        ),
        (
            "def sigmoid_grad(z):\n    e = np.exp(z)\n    return e / (1 + e) ** 2\n",
            "e^z / (1 + e^z)^2: inf/inf = nan at z = 1000",
        ),
        (
            "def sigmoid_grad(z):\n    z[z > 0] = -z[z > 0]\n    e = np.exp(z)\n    return e / (1 + e) ** 2\n",
            "uses the symmetry by negating z in place (modifies the input)",
        ),
    ],
    "tanh_grad": [
        ("def tanh_grad(z):\n    return 1 - np.tanh(z)\n", "forgets the square"),
        ("def tanh_grad(z):\n    return 1 - z ** 2\n", "treats z as if it were already tanh(z)"),
        ("def tanh_grad(z):\n    return 1 / np.cosh(z)\n", "sech instead of sech squared"),
        (
            "def tanh_grad(z):\n    return 1 - np.tanh(z) ** 2 if z.ndim == 1 else np.ones_like(z)\n",
            "only handles 1-D input",
        ),
    ],
    "relu_grad": [
        (
            "def relu_grad(z):\n    return (z > 0).astype(float) if z.dtype == np.float64 else (z > 0)\n",
            "converts to float only for float64 input: booleans for float32",
        ),
        ("def relu_grad(z):\n    return (z >= 0).astype(float)\n", "slope 1 at z == 0 (>= instead of >)"),
        ("def relu_grad(z):\n    return z > 0\n", "returns booleans"),
        ("def relu_grad(z):\n    return np.sign(z)\n", "sign(z): -1 for negative z"),
        ("def relu_grad(z):\n    return np.maximum(z, 0)\n", "returns relu(z) instead of its slope"),
        ("def relu_grad(z):\n    z[z > 0] = 1\n    z[z <= 0] = 0\n    return z\n", "overwrites the input in place"),
        ("def relu_grad(z):\n    return np.heaviside(z, 1.0)\n", "heaviside with value 1 at z == 0"),
        (
            "def relu_grad(z):\n    return np.array([1.0 if v > 0 else 0.0 for v in z])\n",
            "loops over z: fails on 2-D input",
        ),
    ],
}
