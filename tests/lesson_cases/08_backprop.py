"""Alternative answers for lesson 08_backprop: every CORRECT one passes its test cell, every WRONG one fails it.

Every WRONG variant fails the VISIBLE part of its test cell too (``lesson_harness.py 08_backprop --visible``):
none is marked hidden-only.
"""

CORRECT = {
    "numerical_gradient": [
        "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros_like(x, dtype=float)\n"
        "    it = np.nditer(x, flags=['multi_index'])\n    while not it.finished:\n        i = it.multi_index\n"
        "        old = float(x[i])\n        x[i] = old + eps\n        fp = f(x)\n        x[i] = old - eps\n        fm = f(x)\n"
        "        x[i] = old\n        grad[i] = (fp - fm) / (2 * eps)\n        it.iternext()\n    return grad\n",
        "def numerical_gradient(f, x, eps=1e-6):\n    flat = x.reshape(-1)\n    g = np.empty(flat.size)\n"
        "    for i in range(flat.size):\n        saved = flat[i]\n        flat[i] = saved + eps\n        a = f(x)\n"
        "        flat[i] = saved - eps\n        b = f(x)\n        flat[i] = saved\n        g[i] = (a - b) / (2 * eps)\n"
        "    return g.reshape(x.shape)\n",
        "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(*x.shape):\n"
        "        old = x[idx].copy()\n        try:\n            x[idx] += eps\n            up = f(x)\n            x[idx] = old\n"
        "            x[idx] -= eps\n            down = f(x)\n        finally:\n            x[idx] = old\n"
        "        grad[idx] = (up - down) / (2.0 * eps)\n    return grad\n",
        # .flat indexing, one evaluation pair per entry, the saved value written back
        "def numerical_gradient(f, x, eps=1e-6):\n    out = np.empty(x.size, dtype=np.float64)\n    for k in range(x.size):\n"
        "        keep = x.flat[k]\n        x.flat[k] = keep + eps\n        hi = float(f(x))\n        x.flat[k] = keep - eps\n"
        "        lo = float(f(x))\n        x.flat[k] = keep\n        out[k] = (hi - lo) / eps / 2\n    return out.reshape(x.shape)\n",
    ],
    "relative_error": [
        "def relative_error(a, b):\n    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))\n",
        "def relative_error(a, b):\n    worst = 0.0\n    for x, y in zip(np.ravel(a), np.ravel(b)):\n"
        "        worst = max(worst, abs(x - y) / max(abs(x) + abs(y), 1e-12))\n    return worst\n",
        "def relative_error(a, b):\n    den = np.abs(a) + np.abs(b)\n    den[den < 1e-12] = 1e-12\n"
        "    return (np.abs(a - b) / den).max()\n",
        "def relative_error(a, b):\n    a, b = np.asarray(a, float), np.asarray(b, float)\n"
        "    return float(np.amax(np.divide(np.abs(np.subtract(a, b)), np.fmax(np.abs(a) + np.abs(b), 1e-12))))\n",
    ],
    "linear_backward": [
        "def linear_backward(dout, X, W):\n    return np.dot(dout, W), np.dot(dout.T, X), np.sum(dout, axis=0)\n",
        "def linear_backward(dout, X, W):\n    dW = np.zeros_like(W, dtype=float)\n    for n in range(X.shape[0]):\n"
        "        dW += np.outer(dout[n], X[n])\n    return np.matmul(dout, W), dW, dout.sum(0)\n",
        "def linear_backward(dout, X, W):\n    dX = np.einsum('no,oi->ni', dout, W)\n    dW = np.einsum('no,ni->oi', dout, X)\n"
        "    db = np.einsum('no->o', dout)\n    return [dX, dW, db]\n",
        # the index form, transcribed with loops
        "def linear_backward(dout, X, W):\n    N, out = dout.shape\n    dX = np.zeros(X.shape)\n    dW = np.zeros(W.shape)\n"
        "    db = np.zeros(out)\n    for n in range(N):\n        for j in range(out):\n            db[j] += dout[n, j]\n"
        "            for i in range(X.shape[1]):\n                dW[j, i] += dout[n, j] * X[n, i]\n"
        "                dX[n, i] += dout[n, j] * W[j, i]\n    return dX, dW, db\n",
        "def linear_backward(dout, X, W):\n    return dout @ W, (X.T @ dout).T, np.ones(len(dout)) @ dout\n",
    ],
    "relu_backward": [
        "def relu_backward(dout, z):\n    return dout * (z > 0)\n",
        "def relu_backward(dout, z):\n    dz = np.array(dout, dtype=float, copy=True)\n    dz[z <= 0] = 0\n    return dz\n",
        "def relu_backward(dout, z):\n    return np.where(z <= 0, np.zeros_like(dout), dout)\n",
        "def relu_backward(dout, z):\n    return dout * np.heaviside(z, 0.0)\n",
        "def relu_backward(dout, z):\n    out = np.zeros(np.shape(dout))\n    for idx in np.ndindex(out.shape):\n"
        "        if z[idx] > 0:\n            out[idx] = dout[idx]\n    return out\n",
    ],
    "sigmoid_backward": [
        "from nnlib import sigmoid as lesson04_sigmoid\n"
        "def sigmoid_backward(dout, z):\n    s = lesson04_sigmoid(z)\n    return dout * s * (1 - s)\n",
        "def sigmoid_backward(dout, z):\n    s = 0.5 * (1 + np.tanh(0.5 * z))\n    return dout * s * (1 - s)\n",
        "def sigmoid_backward(dout, z):\n    e = np.exp(-np.abs(z))\n    return dout * e / (1 + e) ** 2\n",
        "def sigmoid_backward(dout, z):\n    with np.errstate(over='ignore'):\n        s = 1 / (1 + np.exp(-z))\n"
        "    return dout * s * (1 - s)\n",
        "def sigmoid_backward(dout, z):\n    z = np.clip(z, -500, 500)\n    s = 1 / (1 + np.exp(-z))\n    return dout * s * (1 - s)\n",
    ],
    "softmax_cross_entropy_backward": [
        "def softmax_cross_entropy_backward(logits, labels):\n    z = logits - logits.max(axis=1, keepdims=True)\n"
        "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n    return (p - np.eye(logits.shape[1])[labels]) / len(logits)\n",
        "from nnlib import softmax as lesson04_softmax\n"
        "def softmax_cross_entropy_backward(logits, labels):\n    g = lesson04_softmax(logits, axis=1)\n"
        "    for i, c in enumerate(labels):\n        g[i, c] -= 1\n    return g / g.shape[0]\n",
        # through the log-softmax (logsumexp), one row at a time
        "def softmax_cross_entropy_backward(logits, labels):\n    N, C = logits.shape\n    out = np.empty((N, C))\n"
        "    for n in range(N):\n        row = logits[n]\n        m = row.max()\n        lse = m + np.log(np.sum(np.exp(row - m)))\n"
        "        out[n] = np.exp(row - lse)\n        out[n, labels[n]] -= 1.0\n    return out / N\n",
    ],
    "mlp_gradients": [
        "def mlp_gradients(X, labels, weights, biases):\n    hs = [X]\n    for W, b in zip(weights[:-1], biases[:-1]):\n"
        "        hs.append(np.maximum(hs[-1] @ W.T + b, 0))\n    logits = hs[-1] @ weights[-1].T + biases[-1]\n"
        "    z = logits - logits.max(axis=1, keepdims=True)\n    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
        "    N = len(X)\n    loss = -np.log(p[np.arange(N), labels]).mean()\n    g = p.copy()\n    g[np.arange(N), labels] -= 1\n"
        "    g /= N\n    dWs, dbs = [], []\n    for l in reversed(range(len(weights))):\n        dWs.insert(0, g.T @ hs[l])\n"
        "        dbs.insert(0, g.sum(axis=0))\n        g = (g @ weights[l]) * (hs[l] > 0)\n    return loss, dWs, dbs\n",
        "def mlp_gradients(X, labels, weights, biases):\n    L = len(weights)\n    cache = []\n    a = X\n"
        "    for i in range(L):\n        z = np.dot(a, weights[i].T) + biases[i]\n        cache.append((a, z))\n"
        "        a = z if i == L - 1 else np.where(z > 0, z, 0.0)\n    m = np.max(a, axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.sum(np.exp(a - m), axis=1))\n    N = X.shape[0]\n"
        "    loss = np.mean(lse - a[np.arange(N), labels])\n    onehot = np.zeros_like(a)\n    onehot[np.arange(N), labels] = 1\n"
        "    d = (np.exp(a - lse[:, None]) - onehot) / N\n    gw, gb = [None] * L, [None] * L\n    for i in range(L - 1, -1, -1):\n"
        "        a_prev, z = cache[i]\n        gw[i] = np.dot(d.T, a_prev)\n        gb[i] = np.sum(d, axis=0)\n"
        "        if i > 0:\n            d = np.dot(d, weights[i]) * (cache[i - 1][1] > 0)\n    return float(loss), gw, gb\n",
        # built from per-block helpers defined inside the cell (section 4's composition)
        "def mlp_gradients(X, labels, weights, biases):\n"
        "    def lin_back(G, H, W):\n        return G @ W, np.einsum('nj,ni->ji', G, H), G.sum(axis=0)\n"
        "    def relu_back(G, Z):\n        return G * (Z > 0)\n"
        "    Hs, Zs = [X], []\n    for l, (W, b) in enumerate(zip(weights, biases)):\n        Zs.append(Hs[-1] @ W.T + b)\n"
        "        Hs.append(np.maximum(Zs[-1], 0.0))\n    logits = Zs[-1]\n    N = logits.shape[0]\n"
        "    shifted = logits - logits.max(axis=1, keepdims=True)\n    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
        "    loss = -logp[np.arange(N), labels].sum() / N\n    G = np.exp(logp)\n    G[np.arange(N), labels] -= 1\n    G = G / N\n"
        "    dW, db = [], []\n    for l in range(len(weights) - 1, -1, -1):\n        dH, gW, gb = lin_back(G, Hs[l], weights[l])\n"
        "        dW.append(gW)\n        db.append(gb)\n        if l > 0:\n            G = relu_back(dH, Zs[l - 1])\n"
        "    return loss, dW[::-1], db[::-1]\n",
    ],
}

_MLP_TEMPLATE = (
    "def mlp_gradients(X, labels, weights, biases):\n    hs, zs = [X], []\n    for l, (W, b) in enumerate(zip(weights, biases)):\n"
    "        z = hs[-1] @ W.T + b\n        zs.append(z)\n        hs.append(__ACT__)\n    logits = hs[-1]\n"
    "    m = logits.max(axis=1, keepdims=True)\n    p = np.exp(logits - m)\n    p /= p.sum(axis=1, keepdims=True)\n"
    "    N = len(X)\n    loss = __LOSS__\n    g = p.copy()\n    g[np.arange(N), labels] -= 1\n"
    "    g = g __SCALE__\n    dW, db = [None] * len(weights), [None] * len(weights)\n    for l in reversed(range(len(weights))):\n"
    "        dW[l] = __DW__\n        db[l] = __DB__\n        if l > 0:\n            g = __BACK__\n    return loss, dW, db\n"
)


def _mlp(
    act="np.maximum(z, 0) if l < len(weights) - 1 else z",
    scale="/ N",
    dw="g.T @ hs[l]",
    db="g.sum(axis=0)",
    back="(g @ weights[l]) * (zs[l - 1] > 0)",
    loss="-np.mean(np.log(p[np.arange(N), labels]))",
):
    return (
        _MLP_TEMPLATE.replace("__ACT__", act)
        .replace("__SCALE__", scale)
        .replace("__DW__", dw)
        .replace("__DB__", db)
        .replace("__BACK__", back)
        .replace("__LOSS__", loss)
    )


CORRECT["mlp_gradients"].append(_mlp())
CORRECT["mlp_gradients"].append(_mlp(back="(g @ weights[l]) * (hs[l] > 0)"))  # the mask from H = relu(Z): same thing

WRONG = {
    "numerical_gradient": [
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        xp, xm = x.copy(), x.copy()\n        xp[idx] += eps\n        xm[idx] -= eps\n"
            "        grad[idx] = (f(xp) - f(xm)) / (2 * eps)\n    return grad\n",
            "perturbs copies: a function that reads x itself sees no change",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        x[idx] += eps\n        fp = f(x)\n        x[idx] -= 2 * eps\n        fm = f(x)\n        x[idx] += eps\n"
            "        grad[idx] = (fp - fm) / (2 * eps)\n    return grad\n",
            "restores by adding eps back: x drifts in the last bits",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        old = x[idx]\n        f0 = f(x)\n        x[idx] = old + eps\n        fp = f(x)\n        x[idx] = old\n"
            "        grad[idx] = (fp - f0) / eps\n    return grad\n",
            "forward difference instead of central",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    h = 1e-6\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        old = x[idx]\n        x[idx] = old + h\n        fp = f(x)\n        x[idx] = old - h\n        fm = f(x)\n        x[idx] = old\n"
            "        grad[idx] = (fp - fm) / (2 * h)\n    return grad\n",
            "ignores the eps argument",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = []\n    for i in range(x.size):\n"
            "        old = x.flat[i]\n        x.flat[i] = old + eps\n        fp = f(x)\n        x.flat[i] = old - eps\n        fm = f(x)\n"
            "        x.flat[i] = old\n        grad.append((fp - fm) / (2 * eps))\n    return np.array(grad)\n",
            "returns a flat vector instead of x's shape",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        x[idx] = x[idx] + eps\n        fp = f(x)\n        x[idx] = x[idx] - eps\n        x[idx] = x[idx] - eps\n        fm = f(x)\n"
            "        x[idx] = x[idx] + eps\n        grad[idx] = (fp - fm) / (2 * eps)\n    return grad\n",
            "restores by arithmetic (x - eps + eps): tiny values do not round-trip",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        old = x[idx].copy()\n        x[idx] = old + eps\n        fp = f(x)\n        x[idx] = old - eps\n        fm = f(x)\n"
            "        grad[idx] = (fp - fm) / (2 * eps)\n    return grad\n",
            "never restores: every entry is left at old - eps",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
            "        old = x[idx].copy()\n        x[idx] = old + eps\n        fp = f(x)\n        x[idx] = old - eps\n        fm = f(x)\n"
            "        x[idx] = old\n        grad[idx] = (fp - fm) / eps\n    return grad\n",
            "divides by eps instead of 2 eps",
        ),
        (
            "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(len(x))\n    for i in range(len(x)):\n"
            "        old = x[i].copy()\n        x[i] = old + eps\n        fp = f(x)\n        x[i] = old - eps\n        fm = f(x)\n"
            "        x[i] = old\n        grad[i] = (fp - fm) / (2 * eps)\n    return grad\n",
            "loops over the first axis only (a 2-D x perturbs whole rows)",
        ),
    ],
    "relative_error": [
        (
            "def relative_error(a, b):\n    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-12)\n",
            "one global denominator instead of elementwise",
        ),
        (
            "def relative_error(a, b):\n    return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))\n",
            "no floor: 0 / 0 gives nan",
        ),
        (
            "def relative_error(a, b):\n    return np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))\n",
            "mean instead of max",
        ),
        (
            "def relative_error(a, b):\n    return np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12))\n",
            "divides by max(|a|, |b|) instead of |a| + |b|",
        ),
        (
            "def relative_error(a, b):\n    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))\n",
            "norm-based relative error (another definition than the course's)",
        ),
        (
            "def relative_error(a, b):\n    return np.max(np.abs(a - b) / np.maximum(np.abs(a + b), 1e-12))\n",
            "denominator |a + b| instead of |a| + |b|",
        ),
        (
            "def relative_error(a, b):\n    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)\n",
            "returns the elementwise array, not its maximum",
        ),
        (
            "def relative_error(a, b):\n    a /= np.maximum(np.abs(a) + np.abs(b), 1e-12)\n    b /= np.maximum(np.abs(a) + np.abs(b), 1e-12)\n"
            "    return np.max(np.abs(a - b))\n",
            "normalises a and b in place (modifies the inputs)",
        ),
    ],
    "linear_backward": [
        (
            "def linear_backward(dout, X, W):\n    return dout @ W, X.T @ dout, dout.sum(axis=0)\n",
            "dW transposed: (in, out)",
        ),
        (
            "def linear_backward(dout, X, W):\n    return dout @ W, dout.T @ X, dout.mean(axis=0)\n",
            "db is a mean over the batch instead of a sum",
        ),
        (
            "def linear_backward(dout, X, W):\n    return dout @ W, dout.T @ X, dout.sum(axis=1)\n",
            "db summed over the wrong axis",
        ),
        (
            "def linear_backward(dout, X, W):\n    return dout @ W.T, dout.T @ X, dout.sum(axis=0)\n",
            "dX with W transposed",
        ),
        (
            "def linear_backward(dout, X, W):\n    return dout @ W, dout.T @ X / len(X), dout.sum(axis=0)\n",
            "dW averaged over the batch",
        ),
        (
            "def linear_backward(dout, X, W):\n    return dout.T @ X, dout @ W, dout.sum(axis=0)\n",
            "returns (dW, dX, db): the order swapped",
        ),
        (
            "def linear_backward(dout, X, W):\n    return X @ W.T, dout.T @ X, dout.sum(axis=0)\n",
            "dX from the forward pass instead of the upstream gradient",
        ),
    ],
    "relu_backward": [
        ("def relu_backward(dout, z):\n    return dout * (z >= 0)\n", "z >= 0: passes the gradient at the kink z == 0"),
        (
            "def relu_backward(dout, z):\n    return (z > 0).astype(float)\n",
            "returns the mask, forgets the upstream gradient",
        ),
        (
            "def relu_backward(dout, z):\n    dout[z <= 0] = 0\n    return dout\n",
            "zeroes dout in place (modifies the input)",
        ),
        (
            "def relu_backward(dout, z):\n    return np.maximum(dout, 0)\n",
            "applies relu to dout instead of masking by z",
        ),
        (
            "def relu_backward(dout, z):\n    return dout * np.sign(z)\n",
            "multiplies by sign(z): flips the gradient where z < 0",
        ),
        ("def relu_backward(dout, z):\n    return np.where(dout > 0, dout, 0.0)\n", "masks by the sign of dout"),
        (
            "def relu_backward(dout, z):\n    return dout * np.maximum(z, 0)\n",
            "multiplies by relu(z) instead of its derivative",
        ),
    ],
    "sigmoid_backward": [
        (
            "def sigmoid_backward(dout, z):\n    s = 1 / (1 + np.exp(-z))\n    return dout * s * (1 - s)\n",
            "naive sigmoid: exp(1000) overflows with a warning",
        ),
        ("def sigmoid_backward(dout, z):\n    return dout * z * (1 - z)\n", "uses z as if it were the sigmoid output"),
        (
            "def sigmoid_backward(dout, z):\n    s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n"
            "    return dout * s * (1 - s)\n",
            "np.where evaluates both branches: overflow warnings",
        ),
        (
            "from nnlib import sigmoid as lesson04_sigmoid\n"
            "def sigmoid_backward(dout, z):\n    s = lesson04_sigmoid(z)\n    return s * (1 - s)\n",
            "forgets to multiply by the upstream gradient",
        ),
        (
            "def sigmoid_backward(dout, z):\n    return dout * (1 - np.tanh(z) ** 2)\n",
            "the tanh derivative instead of the sigmoid's",
        ),
        (
            "def sigmoid_backward(dout, z):\n    np.clip(z, -500, 500, out=z)\n    s = 1 / (1 + np.exp(-z))\n"
            "    return dout * s * (1 - s)\n",
            "clips z in place (modifies the input)",
        ),
        (
            "from nnlib import sigmoid as lesson04_sigmoid\n"
            "def sigmoid_backward(dout, z):\n    s = lesson04_sigmoid(z)\n    return dout * s\n",
            "multiplies by the sigmoid instead of its slope",
        ),
    ],
    "softmax_cross_entropy_backward": [
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p\n",
            "forgets to divide by N",
        ),
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits)\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p / len(labels)\n",
            "unstable softmax: overflow at 1000",
        ),
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    logits -= logits.max(axis=1, keepdims=True)\n"
            "    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n"
            "    return p / len(labels)\n",
            "shifts the logits in place (modifies the input)",
        ),
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n    return (np.eye(logits.shape[1])[labels] - p) / len(labels)\n",
            "sign flipped: onehot - softmax",
        ),
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p / logits.shape[1]\n",
            "divides by the number of classes C instead of N",
        ),
        (
            "def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=0, keepdims=True))\n"
            "    p = e / e.sum(axis=0, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p / len(labels)\n",
            "softmax over the batch axis instead of each row",
        ),
    ],
    "mlp_gradients": [
        (_mlp(scale="* 1"), "forgets to divide the output gradient by N (gradient of the sum, not the mean)"),
        (_mlp(act="np.maximum(z, 0)"), "ReLU after the last layer too"),
        (_mlp(back="g @ weights[l]"), "forgets the ReLU mask on the way back"),
        (_mlp(dw="hs[l].T @ g"), "dW transposed: (in, out)"),
        (_mlp(db="g.mean(axis=0)"), "bias gradient averaged instead of summed"),
        (_mlp(back="(g @ weights[l]) * (zs[l] > 0)"), "mask from the wrong layer"),
        (_mlp(dw="g.T @ zs[l - 1] if l > 0 else g.T @ X"), "dW from the pre-activation Z instead of H = relu(Z)"),
        (_mlp(loss="-np.sum(np.log(p[np.arange(N), labels]))"), "loss is the sum over the batch, not the mean"),
        (
            _mlp(
                back="(g @ weights[l].T) * (zs[l - 1] > 0) if weights[l].shape[0] == weights[l].shape[1] else (g @ weights[l]) * (zs[l - 1] > 0)"
            ),
            "square layers: W transposed on the way back",
        ),
    ],
}
