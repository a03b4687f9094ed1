"""Alternative answers for lesson 08_backprop: every CORRECT one passes its test cell, every WRONG one fails it."""

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
    ],
    "relative_error": [
        "def relative_error(a, b):\n    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))\n",
        "def relative_error(a, b):\n    worst = 0.0\n    for x, y in zip(np.ravel(a), np.ravel(b)):\n"
        "        worst = max(worst, abs(x - y) / max(abs(x) + abs(y), 1e-12))\n    return worst\n",
        "def relative_error(a, b):\n    den = np.abs(a) + np.abs(b)\n    den[den < 1e-12] = 1e-12\n"
        "    return (np.abs(a - b) / den).max()\n",
    ],
    "linear_backward": [
        "def linear_backward(dout, X, W):\n    return np.dot(dout, W), np.dot(dout.T, X), np.sum(dout, axis=0)\n",
        "def linear_backward(dout, X, W):\n    dW = np.zeros_like(W, dtype=float)\n    for n in range(X.shape[0]):\n"
        "        dW += np.outer(dout[n], X[n])\n    return np.matmul(dout, W), dW, dout.sum(0)\n",
        "def linear_backward(dout, X, W):\n    dX = np.einsum('no,oi->ni', dout, W)\n    dW = np.einsum('no,ni->oi', dout, X)\n"
        "    db = np.einsum('no->o', dout)\n    return [dX, dW, db]\n",
    ],
    "relu_backward": [
        "def relu_backward(dout, z):\n    return dout * (z > 0)\n",
        "def relu_backward(dout, z):\n    dz = np.array(dout, dtype=float, copy=True)\n    dz[z <= 0] = 0\n    return dz\n",
        "def relu_backward(dout, z):\n    return np.where(z <= 0, np.zeros_like(dout), dout)\n",
    ],
    "sigmoid_backward": [
        "from scipy.special import expit\n"
        "def sigmoid_backward(dout, z):\n    s = expit(z)\n    return dout * s * (1 - s)\n",
        "def sigmoid_backward(dout, z):\n    s = 0.5 * (1 + np.tanh(0.5 * z))\n    return dout * s * (1 - s)\n",
        "def sigmoid_backward(dout, z):\n    e = np.exp(-np.abs(z))\n    return dout * e / (1 + e) ** 2\n",
        "def sigmoid_backward(dout, z):\n    with np.errstate(over='ignore'):\n        s = 1 / (1 + np.exp(-z))\n"
        "    return dout * s * (1 - s)\n",
    ],
    "softmax_cross_entropy_backward": [
        "def softmax_cross_entropy_backward(logits, labels):\n    z = logits - logits.max(axis=1, keepdims=True)\n"
        "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n    return (p - np.eye(logits.shape[1])[labels]) / len(logits)\n",
        "from scipy.special import softmax as sp_softmax\n"
        "def softmax_cross_entropy_backward(logits, labels):\n    g = sp_softmax(logits, axis=1)\n"
        "    for i, c in enumerate(labels):\n        g[i, c] -= 1\n    return g / g.shape[0]\n",
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
    ],
}

_MLP_TEMPLATE = (
    "def mlp_gradients(X, labels, weights, biases):\n    hs, zs = [X], []\n    for l, (W, b) in enumerate(zip(weights, biases)):\n"
    "        z = hs[-1] @ W.T + b\n        zs.append(z)\n        hs.append(__ACT__)\n    logits = hs[-1]\n"
    "    m = logits.max(axis=1, keepdims=True)\n    p = np.exp(logits - m)\n    p /= p.sum(axis=1, keepdims=True)\n"
    "    N = len(X)\n    loss = -np.mean(np.log(p[np.arange(N), labels]))\n    g = p.copy()\n    g[np.arange(N), labels] -= 1\n"
    "    g = g __SCALE__\n    dW, db = [None] * len(weights), [None] * len(weights)\n    for l in reversed(range(len(weights))):\n"
    "        dW[l] = __DW__\n        db[l] = __DB__\n        if l > 0:\n            g = __BACK__\n    return loss, dW, db\n"
)


def _mlp(act="np.maximum(z, 0) if l < len(weights) - 1 else z", scale="/ N", dw="g.T @ hs[l]",
         db="g.sum(axis=0)", back="(g @ weights[l]) * (zs[l - 1] > 0)"):
    return (_MLP_TEMPLATE.replace("__ACT__", act).replace("__SCALE__", scale).replace("__DW__", dw)
            .replace("__DB__", db).replace("__BACK__", back))


CORRECT["mlp_gradients"].append(_mlp())

WRONG = {
    "numerical_gradient": [
        ("def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
         "        xp, xm = x.copy(), x.copy()\n        xp[idx] += eps\n        xm[idx] -= eps\n"
         "        grad[idx] = (f(xp) - f(xm)) / (2 * eps)\n    return grad\n",
         "perturbs copies: a function that reads x itself sees no change"),
        ("def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
         "        x[idx] += eps\n        fp = f(x)\n        x[idx] -= 2 * eps\n        fm = f(x)\n        x[idx] += eps\n"
         "        grad[idx] = (fp - fm) / (2 * eps)\n    return grad\n",
         "restores by adding eps back: x drifts in the last bits"),
        ("def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
         "        old = x[idx]\n        f0 = f(x)\n        x[idx] = old + eps\n        fp = f(x)\n        x[idx] = old\n"
         "        grad[idx] = (fp - f0) / eps\n    return grad\n",
         "forward difference instead of central"),
        ("def numerical_gradient(f, x, eps=1e-6):\n    h = 1e-6\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
         "        old = x[idx]\n        x[idx] = old + h\n        fp = f(x)\n        x[idx] = old - h\n        fm = f(x)\n        x[idx] = old\n"
         "        grad[idx] = (fp - fm) / (2 * h)\n    return grad\n",
         "ignores the eps argument"),
        ("def numerical_gradient(f, x, eps=1e-6):\n    grad = []\n    for i in range(x.size):\n"
         "        old = x.flat[i]\n        x.flat[i] = old + eps\n        fp = f(x)\n        x.flat[i] = old - eps\n        fm = f(x)\n"
         "        x.flat[i] = old\n        grad.append((fp - fm) / (2 * eps))\n    return np.array(grad)\n",
         "returns a flat vector instead of x's shape"),
    ],
    "relative_error": [
        ("def relative_error(a, b):\n    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-12)\n",
         "one global denominator instead of elementwise"),
        ("def relative_error(a, b):\n    return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))\n",
         "no floor: 0 / 0 gives nan"),
        ("def relative_error(a, b):\n    return np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))\n",
         "mean instead of max"),
        ("def relative_error(a, b):\n    return np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12))\n",
         "divides by max(|a|, |b|) instead of |a| + |b|"),
    ],
    "linear_backward": [
        ("def linear_backward(dout, X, W):\n    return dout @ W, X.T @ dout, dout.sum(axis=0)\n",
         "dW transposed: (in, out)"),
        ("def linear_backward(dout, X, W):\n    return dout @ W, dout.T @ X, dout.mean(axis=0)\n",
         "db is a mean over the batch instead of a sum"),
        ("def linear_backward(dout, X, W):\n    return dout @ W, dout.T @ X, dout.sum(axis=1)\n",
         "db summed over the wrong axis"),
    ],
    "relu_backward": [
        ("def relu_backward(dout, z):\n    return dout * (z >= 0)\n", "z >= 0: passes the gradient at the kink z == 0"),
        ("def relu_backward(dout, z):\n    return (z > 0).astype(float)\n", "returns the mask, forgets the upstream gradient"),
        ("def relu_backward(dout, z):\n    dout[z <= 0] = 0\n    return dout\n", "zeroes dout in place (modifies the input)"),
        ("def relu_backward(dout, z):\n    return np.maximum(dout, 0)\n", "applies relu to dout instead of masking by z"),
    ],
    "sigmoid_backward": [
        ("def sigmoid_backward(dout, z):\n    s = 1 / (1 + np.exp(-z))\n    return dout * s * (1 - s)\n",
         "naive sigmoid: exp(1000) overflows with a warning"),
        ("def sigmoid_backward(dout, z):\n    return dout * z * (1 - z)\n", "uses z as if it were the sigmoid output"),
        ("def sigmoid_backward(dout, z):\n    s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n"
         "    return dout * s * (1 - s)\n",
         "np.where evaluates both branches: overflow warnings"),
        ("from scipy.special import expit\n"
         "def sigmoid_backward(dout, z):\n    s = expit(z)\n    return s * (1 - s)\n",
         "forgets to multiply by the upstream gradient"),
    ],
    "softmax_cross_entropy_backward": [
        ("def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p\n",
         "forgets to divide by N"),
        ("def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits)\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n    return p / len(labels)\n",
         "unstable softmax: overflow at 1000"),
        ("def softmax_cross_entropy_backward(logits, labels):\n    logits -= logits.max(axis=1, keepdims=True)\n"
         "    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n    p[np.arange(len(labels)), labels] -= 1\n"
         "    return p / len(labels)\n",
         "shifts the logits in place (modifies the input)"),
        ("def softmax_cross_entropy_backward(logits, labels):\n    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n    return (np.eye(logits.shape[1])[labels] - p) / len(labels)\n",
         "sign flipped: onehot - softmax"),
    ],
    "mlp_gradients": [
        (_mlp(scale="* 1"), "forgets to divide the output gradient by N (gradient of the sum, not the mean)"),
        (_mlp(act="np.maximum(z, 0)"), "ReLU after the last layer too"),
        (_mlp(back="g @ weights[l]"), "forgets the ReLU mask on the way back"),
        (_mlp(dw="hs[l].T @ g"), "dW transposed: (in, out)"),
        (_mlp(db="g.mean(axis=0)"), "bias gradient averaged instead of summed"),
        (_mlp(back="(g @ weights[l]) * (zs[l] > 0)"), "mask from the wrong layer"),
    ],
}

WRONG["numerical_gradient"].append((
    "def numerical_gradient(f, x, eps=1e-6):\n    grad = np.zeros(x.shape)\n    for idx in np.ndindex(x.shape):\n"
    "        x[idx] = x[idx] + eps\n        fp = f(x)\n        x[idx] = x[idx] - eps\n        x[idx] = x[idx] - eps\n        fm = f(x)\n"
    "        x[idx] = x[idx] + eps\n        grad[idx] = (fp - fm) / (2 * eps)\n    return grad\n",
    "restores by arithmetic (x - eps + eps): tiny values do not round-trip"))
