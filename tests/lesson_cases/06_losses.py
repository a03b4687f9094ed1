"""Alternative answers for lesson 06_losses: every CORRECT one passes its test cell, every WRONG one fails it."""

CORRECT = {
    "mse": [
        "def mse(y_pred, y_true):\n    return np.mean((y_pred - y_true) ** 2)\n",
        "def mse(y_pred, y_true):\n    return float(np.sum(np.square(np.asarray(y_pred, float) - y_true))) / np.size(y_pred)\n",
        "def mse(y_pred, y_true):\n    d = np.ravel(y_pred) - np.ravel(y_true)\n    return float(d @ d) / d.size\n",
        "def mse(y_pred, y_true):\n    total = 0.0\n    flat_p, flat_t = np.ravel(y_pred), np.ravel(y_true)\n"
        "    for a, b in zip(flat_p, flat_t):\n        total += (float(a) - float(b)) ** 2\n    return total / len(flat_p)\n",
        "def mse(y_pred, y_true):\n    return np.square(np.subtract(y_pred, y_true, dtype=np.float64)).mean()\n",
    ],
    "mse_grad": [
        "def mse_grad(y_pred, y_true):\n    return 2 * (y_pred - y_true) / y_pred.size\n",
        "def mse_grad(y_pred, y_true):\n    y_pred = np.asarray(y_pred, dtype=np.float64)\n    n = np.prod(y_pred.shape)\n"
        "    return (y_pred - y_true) * (2.0 / n)\n",
        "def mse_grad(y_pred, y_true):\n    g = np.empty(np.shape(y_pred))\n    for idx in np.ndindex(g.shape):\n"
        "        g[idx] = 2.0 * (y_pred[idx] - y_true[idx]) / g.size\n    return g\n",
    ],
    "binary_cross_entropy": [
        "def binary_cross_entropy(p, y, eps=1e-7):\n    p = np.clip(p, eps, 1 - eps)\n"
        "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n",
        "def binary_cross_entropy(p, y, eps=1e-7):\n    p = np.minimum(np.maximum(p, eps), 1 - eps)\n"
        "    losses = np.where(y == 1, -np.log(p), -np.log1p(-p))\n    return losses.mean()\n",
        "import math\n"
        "def binary_cross_entropy(p, y, eps=1e-7):\n    total, n = 0.0, 0\n"
        "    for pi, yi in zip(np.ravel(p), np.ravel(y)):\n        pi = min(max(float(pi), eps), 1 - eps)\n"
        "        total -= yi * math.log(pi) + (1 - yi) * math.log(1 - pi)\n        n += 1\n    return total / n\n",
    ],
    "cross_entropy": [
        "def cross_entropy(probs, targets, eps=1e-7):\n    probs = np.clip(probs, eps, 1 - eps)\n"
        "    if targets.ndim == 1:\n        targets = np.eye(probs.shape[1])[targets]\n"
        "    return -np.sum(targets * np.log(probs)) / probs.shape[0]\n",
        "def cross_entropy(probs, targets, eps=1e-7):\n    if targets.ndim == 2:\n        targets = targets.argmax(axis=1)\n"
        "    picked = probs[np.arange(len(probs)), targets]\n    return -np.mean(np.log(np.clip(picked, eps, 1 - eps)))\n",
        "import math\n"
        "def cross_entropy(probs, targets, eps=1e-7):\n    total = 0.0\n    for i in range(len(probs)):\n"
        "        c = int(np.argmax(targets[i])) if np.ndim(targets) == 2 else int(targets[i])\n"
        "        total += -math.log(min(max(float(probs[i][c]), eps), 1 - eps))\n    return total / len(probs)\n",
    ],
    "log_softmax": [
        "def log_softmax(z, axis=-1):\n    m = z.max(axis=axis, keepdims=True)\n"
        "    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))\n",
        "from scipy.special import logsumexp\n"
        "def log_softmax(z, axis=-1):\n    return z - logsumexp(z, axis=axis, keepdims=True)\n",
        "def log_softmax(z, axis=-1):\n    z = np.moveaxis(np.array(z, dtype=float), axis, -1)\n    out = np.empty_like(z)\n"
        "    for idx in np.ndindex(z.shape[:-1]):\n        row = z[idx]\n        m = max(row)\n"
        "        out[idx] = row - m - np.log(sum(np.exp(row - m)))\n    return np.moveaxis(out, -1, axis)\n",
    ],
    "cross_entropy_from_logits": [
        "def cross_entropy_from_logits(logits, labels):\n    m = np.max(logits, axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))\n"
        "    return np.mean(lse - logits[np.arange(len(labels)), labels])\n",
        "from scipy.special import logsumexp\n"
        "def cross_entropy_from_logits(logits, labels):\n    logp = logits - logsumexp(logits, axis=1, keepdims=True)\n"
        "    onehot = np.eye(logits.shape[1])[labels]\n    return -(onehot * logp).sum() / len(logits)\n",
        "import math\n"
        "def cross_entropy_from_logits(logits, labels):\n    total = 0.0\n    for row, c in zip(logits, labels):\n"
        "        m = max(row)\n        lse = m + math.log(sum(math.exp(v - m) for v in row))\n"
        "        total += lse - row[c]\n    return total / len(logits)\n",
    ],
}

WRONG = {
    "mse": [
        (
            "def mse(y_pred, y_true):\n    if y_pred.dtype != np.float64:\n        raise TypeError('float64 only')\n"
            "    return float(np.mean((y_pred - y_true) ** 2))\n",
            "validates too strictly: rejects float32 predictions",
        ),
        (
            "def mse(y_pred, y_true):\n    return np.mean((y_pred - y_true) ** 2, axis=0)\n",
            "mean over axis 0 only: a vector for 2-D input",
        ),
        (
            "def mse(y_pred, y_true):\n    return np.sum((y_pred - y_true) ** 2) / len(y_pred)\n",
            "divides by the number of rows instead of all elements",
        ),
        (
            "def mse(y_pred, y_true):\n    return np.mean(np.abs(y_pred - y_true))\n",
            "mean absolute error instead of squared",
        ),
        (
            "def mse(y_pred, y_true):\n    y_pred -= y_true\n    return float(np.mean(y_pred ** 2))\n",
            "subtracts in place (modifies y_pred)",
        ),
    ],
    "mse_grad": [
        (
            "def mse_grad(y_pred, y_true):\n    return 2 * (y_pred - y_true) / len(y_pred)\n",
            "divides by the number of rows, not the number of elements",
        ),
        ("def mse_grad(y_pred, y_true):\n    return (y_pred - y_true) / y_pred.size\n", "forgets the factor 2"),
        ("def mse_grad(y_pred, y_true):\n    return 2 * (y_true - y_pred) / y_pred.size\n", "sign flipped"),
        (
            "def mse_grad(y_pred, y_true):\n    return 2 * (y_pred - y_true) // y_pred.size\n",
            "floor division: integer results",
        ),
        (
            "def mse_grad(y_pred, y_true):\n    y_pred -= y_true\n    return 2.0 * y_pred / y_pred.size\n",
            "subtracts in place (modifies y_pred)",
        ),
    ],
    "binary_cross_entropy": [
        (
            "def binary_cross_entropy(p, y, eps=1e-7):\n    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n",
            "no clipping: log(0) gives inf and a warning",
        ),
        (
            "def binary_cross_entropy(p, y, eps=1e-7):\n    p = np.maximum(p, eps)\n"
            "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n",
            "clips only the lower end: p = 1 with y = 0 gives log(0)",
        ),
        (
            "def binary_cross_entropy(p, y, eps=1e-7):\n    p = np.clip(p, 1e-7, 1 - 1e-7)\n"
            "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n",
            "hard-codes 1e-7 and ignores the eps argument",
        ),
        (
            "def binary_cross_entropy(p, y, eps=1e-7):\n    p = np.clip(p, eps, 1 - eps)\n"
            "    return -np.mean(y * np.log(p))\n",
            "forgets the (1 - y) log(1 - p) term",
        ),
        (
            "def binary_cross_entropy(p, y, eps=1e-7):\n    np.clip(p, eps, 1 - eps, out=p)\n"
            "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n",
            "clips p in place (modifies the caller's array)",
        ),
    ],
    "cross_entropy": [
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    probs = np.clip(probs, eps, 1 - eps)\n"
            "    if targets.ndim == 1:\n        targets = np.eye(probs.shape[1])[targets]\n"
            "    return -np.mean(targets * np.log(probs))\n",
            "mean over N * C elements instead of over the N samples",
        ),
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    if targets.ndim == 2:\n"
            "        return -np.sum(targets * np.log(probs)) / len(probs)\n"
            "    picked = np.clip(probs[np.arange(len(probs)), targets], eps, 1 - eps)\n    return -np.mean(np.log(picked))\n",
            "one-hot branch without clipping: 0 * log(0) = nan",
        ),
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    probs = np.clip(probs, eps, 1 - eps)\n"
            "    return -np.mean(np.log(probs[:, targets]))\n",
            "probs[:, labels] picks an (N, N) block instead of one entry per row",
        ),
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    probs = np.clip(probs, eps, 1 - eps)\n"
            "    picked = probs[np.arange(len(probs)), targets]\n    return -np.mean(np.log(picked))\n",
            "handles integer labels only",
        ),
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    np.clip(probs, eps, 1 - eps, out=probs)\n"
            "    if targets.ndim == 1:\n        targets = np.eye(probs.shape[1])[targets]\n"
            "    return -np.sum(targets * np.log(probs)) / probs.shape[0]\n",
            "clips probs in place (modifies the input)",
        ),
        (
            "def cross_entropy(probs, targets, eps=1e-7):\n    probs = np.clip(probs, 1e-7, 1 - 1e-7)\n"
            "    if targets.ndim == 1:\n        targets = np.eye(probs.shape[1])[targets]\n"
            "    return -np.sum(targets * np.log(probs)) / probs.shape[0]\n",
            "hard-codes 1e-7 and ignores eps",
        ),
    ],
    "log_softmax": [
        (
            "def log_softmax(z, axis=-1):\n    e = np.exp(z - z.max(axis=axis, keepdims=True))\n"
            "    return np.log(e / e.sum(axis=axis, keepdims=True))\n",
            "log of a (stable) softmax: tiny probabilities underflow to 0, log gives -inf",
        ),
        (
            "def log_softmax(z, axis=-1):\n    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))\n",
            "no max shift: exp(1000) overflows",
        ),
        (
            "def log_softmax(z, axis=-1):\n    m = np.max(z)\n"
            "    return z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))\n",
            "one global max instead of one per row: rows on a different scale underflow",
        ),
        (
            "def log_softmax(z, axis=-1):\n    z -= np.max(z, axis=axis, keepdims=True)\n"
            "    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))\n",
            "shifts z in place (modifies the input)",
        ),
        (
            "def log_softmax(z, axis=-1):\n    m = np.max(z, axis=-1, keepdims=True)\n"
            "    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))\n",
            "ignores the axis argument",
        ),
    ],
    "cross_entropy_from_logits": [
        (
            "def cross_entropy_from_logits(logits, labels):\n    assert logits.dtype == np.float64, 'float64 logits only'\n"
            "    m = logits.max(axis=1, keepdims=True)\n    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
            "    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))\n",
            "validates too strictly: rejects float32 logits",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n    return -np.mean(np.log(p[np.arange(len(labels)), labels]))\n",
            "log of a stable softmax: the probability of a far-off class underflows, loss inf",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = np.clip(e / e.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)\n"
            "    return -np.mean(np.log(p[np.arange(len(labels)), labels]))\n",
            "softmax + clipping: caps the loss at -log(eps) instead of its exact value",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    lse = np.log(np.sum(np.exp(logits), axis=1))\n"
            "    return np.mean(lse - logits[np.arange(len(labels)), labels])\n",
            "no max shift: exp(1000) overflows",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    m = np.max(logits)\n"
            "    lse = m + np.log(np.sum(np.exp(logits - m), axis=1))\n"
            "    return np.mean(lse - logits[np.arange(len(labels)), labels])\n",
            "one global max: a row far below it underflows to log(0)",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    logits -= logits.max(axis=1, keepdims=True)\n"
            "    lse = np.log(np.sum(np.exp(logits), axis=1))\n"
            "    return np.mean(lse - logits[np.arange(len(labels)), labels])\n",
            "shifts the logits in place (modifies the input)",
        ),
        (
            "def cross_entropy_from_logits(logits, labels):\n    m = logits.max(axis=1, keepdims=True)\n"
            "    lse = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))\n"
            "    return np.sum(lse - logits[np.arange(len(labels)), labels]) / logits.size\n",
            "divides by N * C instead of N",
        ),
    ],
}
