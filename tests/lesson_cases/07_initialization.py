"""Alternative answers for lesson 07_initialization: every CORRECT one passes its test cell, every WRONG one fails it."""

CORRECT = {
    "xavier_uniform": [
        "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
        "    return a * (2 * rng.random((fan_out, fan_in)) - 1)\n",
        "import math\n"
        "def xavier_uniform(fan_in, fan_out, rng):\n    limit = math.sqrt(6.0 / (fan_in + fan_out))\n"
        "    return rng.uniform(low=-limit, high=limit, size=(fan_out, fan_in)).astype(np.float32)\n",
        "def xavier_uniform(fan_in, fan_out, rng):\n    std = np.sqrt(2.0 / (fan_in + fan_out))\n"
        "    return rng.uniform(-1, 1, (fan_out, fan_in)) * np.sqrt(3) * std\n",
    ],
    "xavier_normal": [
        "def xavier_normal(fan_in, fan_out, rng):\n    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2 / (fan_in + fan_out))\n",
        "import math\n"
        "def xavier_normal(fan_in, fan_out, rng):\n    var = 2.0 / (fan_in + fan_out)\n"
        "    return rng.normal(loc=0.0, scale=math.sqrt(var), size=(fan_out, fan_in)).astype(np.float32)\n",
        "def xavier_normal(fan_in, fan_out, rng):\n    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out)).T\n",
    ],
    "he_uniform": [
        "def he_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / fan_in)\n    return (rng.random((fan_out, fan_in)) - 0.5) * 2 * a\n",
        "import math\n"
        "def he_uniform(fan_in, fan_out, rng):\n    std = math.sqrt(2.0 / fan_in)\n"
        "    bound = math.sqrt(3.0) * std\n    return rng.uniform(-bound, bound, (fan_out, fan_in))\n",
    ],
    "he_normal": [
        "def he_normal(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))\n",
        "def he_normal(fan_in, fan_out, rng):\n    W = np.empty((fan_out, fan_in), dtype=np.float32)\n"
        "    W[:] = rng.standard_normal(W.shape) * (2.0 / fan_in) ** 0.5\n    return W\n",
    ],
    "activation_stds": [
        "def activation_stds(X, weights, activation):\n    out, h = [], X\n    for W in weights:\n"
        "        h = activation(np.dot(h, W.T))\n        out.append(h.std())\n    return out\n",
        "def activation_stds(X, weights, activation):\n    result = []\n    h = X.copy()\n"
        "    for l in range(len(weights)):\n        z = np.matmul(h, np.transpose(weights[l]))\n        h = activation(z)\n"
        "        result.append(float(np.sqrt(np.mean((h - h.mean()) ** 2))))\n    return result\n",
        "def activation_stds(X, weights, activation):\n    h = X\n    stds = np.zeros(len(weights))\n"
        "    for i, W in enumerate(weights):\n        h = activation(h @ W.T)\n        stds[i] = np.std(h, ddof=1)\n    return list(stds)\n",
    ],
    "gradient_stds": [
        # loops with lists, stds collected backwards then reversed
        "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
        "        z = h @ W.T\n        zs.append(z)\n        h = activation(z)\n    out = []\n    g = dout\n"
        "    for l in range(len(weights) - 1, -1, -1):\n        g = (g * activation_grad(zs[l])) @ weights[l]\n"
        "        out.insert(0, g.std())\n    return out\n",
        # recursion: each layer's backward inside the forward's call stack, array return
        "def gradient_stds(X, weights, activation, activation_grad, dout):\n    stds = np.zeros(len(weights))\n"
        "    def run(l, h):\n        if l == len(weights):\n            return dout\n"
        "        z = np.matmul(h, weights[l].T)\n        g = run(l + 1, activation(z)) * activation_grad(z)\n"
        "        g = np.einsum('nj,ji->ni', g, weights[l])\n        stds[l] = np.sqrt(np.mean((g - g.mean()) ** 2))\n"
        "        return g\n    run(0, X)\n    return stds\n",
        # transposed bookkeeping: works with W.T on the left and (features, N) arrays, float32 weights copied
        "def gradient_stds(X, weights, activation, activation_grad, dout):\n    Ws = [np.array(W, dtype=float) for W in weights]\n"
        "    zs, h = [], np.array(X, dtype=float).T\n    for W in Ws:\n        zs.append(W @ h)\n        h = activation(zs[-1])\n"
        "    g = np.array(dout, dtype=float).T\n    res = [0.0] * len(Ws)\n    for l in reversed(range(len(Ws))):\n"
        "        g *= activation_grad(zs[l])\n        g = Ws[l].T @ g\n        res[l] = float(np.std(g))\n    return res\n",
    ],
}

WRONG = {
    "xavier_uniform": [
        (
            "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return rng.uniform(-a, a, size=(fan_in, fan_out))\n",
            "shape (fan_in, fan_out) instead of (fan_out, fan_in)",
        ),
        (
            "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(2 / (fan_in + fan_out))\n"
            "    return rng.uniform(-a, a, size=(fan_out, fan_in))\n",
            "uses the std formula as the uniform bound",
        ),
        (
            "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return np.random.uniform(-a, a, size=(fan_out, fan_in))\n",
            "draws from the global np.random instead of rng",
        ),
        (
            "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return rng.uniform(0, a, size=(fan_out, fan_in))\n",
            "uniform on [0, a] instead of [-a, a]",
        ),
        (
            "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return rng.uniform(-a, a, size=(fan_out, fan_in)) / np.sqrt(3)\n",
            "divides the uniform draw by sqrt(3): std too small, bound never reached",
        ),
    ],
    "xavier_normal": [
        (
            "def xavier_normal(fan_in, fan_out, rng):\n    return rng.normal(0, 2 / (fan_in + fan_out), size=(fan_out, fan_in))\n",
            "passes the variance to rng.normal instead of the standard deviation",
        ),
        (
            "def xavier_normal(fan_in, fan_out, rng):\n    return rng.normal(0, np.sqrt(1 / fan_in), size=(fan_out, fan_in))\n",
            "LeCun std sqrt(1 / fan_in) instead of Glorot's",
        ),
        (
            "def xavier_normal(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return rng.uniform(-a, a, size=(fan_out, fan_in))\n",
            "uniform instead of normal",
        ),
    ],
    "he_uniform": [
        (
            "def he_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / fan_out)\n    return rng.uniform(-a, a, size=(fan_out, fan_in))\n",
            "fan_out instead of fan_in",
        ),
        (
            "def he_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(2 / fan_in)\n    return rng.uniform(-a, a, size=(fan_out, fan_in))\n",
            "std formula used as the bound",
        ),
        (
            "def he_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / fan_in)\n    return rng.uniform(-a, a, size=(fan_in, fan_out))\n",
            "transposed shape (fan_in, fan_out)",
        ),
    ],
    "he_normal": [
        (
            "def he_normal(fan_in, fan_out, rng):\n    return rng.normal(0, np.sqrt(2 / fan_out), size=(fan_out, fan_in))\n",
            "fan_out instead of fan_in",
        ),
        (
            "def he_normal(fan_in, fan_out, rng):\n    return rng.normal(0, np.sqrt(1 / fan_in), size=(fan_out, fan_in))\n",
            "forgets ReLU's factor 2",
        ),
        (
            "def he_normal(fan_in, fan_out, rng):\n    np.random.seed(0)\n"
            "    return np.random.normal(0, np.sqrt(2 / fan_in), size=(fan_out, fan_in))\n",
            "global np.random with a fixed seed: ignores rng",
        ),
    ],
    "activation_stds": [
        (
            "def activation_stds(X, weights, activation):\n    stds, h = [np.std(X)], X\n    for W in weights:\n"
            "        h = activation(h @ W.T)\n        stds.append(np.std(h))\n    return stds\n",
            "includes the input's std: one entry too many",
        ),
        (
            "def activation_stds(X, weights, activation):\n    stds, h = [], X\n    for W in weights:\n"
            "        z = h @ W.T\n        stds.append(np.std(z))\n        h = activation(z)\n    return stds\n",
            "records the pre-activation std instead of the activation's",
        ),
        (
            "def activation_stds(X, weights, activation):\n    return [np.std(activation(X @ W.T)) for W in weights[:1]] + "
            "[np.std(activation(np.ones((len(X), W.shape[1])) @ W.T)) for W in weights[1:]]\n",
            "does not feed each layer's output into the next",
        ),
        (
            "def activation_stds(X, weights, activation):\n    stds, h = [], X\n    for W in weights:\n"
            "        h = activation(h @ W.T)\n        stds.append(np.mean(np.std(h, axis=0)))\n    return stds\n",
            "mean of per-unit stds instead of the std of all activations",
        ),
        (
            "def activation_stds(X, weights, activation):\n    stds, h = [], X\n    for W in weights:\n"
            "        h = activation(h @ W.T)\n        stds.append(np.var(h))\n    return stds\n",
            "variance instead of standard deviation",
        ),
    ],
    "gradient_stds": [
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z)) @ W\n        out.append(np.std(g))\n"
            "    return out\n",
            "last layer first (forgets to reverse the list)",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        dz = g * activation_grad(z)\n        out.append(np.std(dz))\n"
            "        g = dz @ W\n    return out[::-1]\n",
            "std of dL/dZ_l instead of dL/dH_{l-1}",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(activation(z))) @ W\n"
            "        out.append(np.std(g))\n    return out[::-1]\n",
            "evaluates activation_grad at H_l = activation(Z_l) instead of Z_l",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = g @ W\n        out.append(np.std(g))\n"
            "    return out[::-1]\n",
            "forgets the activation's derivative",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, [np.std(dout)]\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z)) @ W\n        out.append(np.std(g))\n"
            "    return out[::-1]\n",
            "includes std(dout): L + 1 entries",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z)) @ W\n"
            "        out.append(np.std(g, ddof=1))\n    return out[::-1]\n",
            "np.std with ddof=1 (the row says ddof 0)",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = zs[-1]\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z)) @ W\n        out.append(np.std(g))\n"
            "    return out[::-1]\n",
            "forward pass without the activation: Z_l fed to the next layer instead of H_l",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g *= activation_grad(z)\n        g = g @ W\n"
            "        out.append(np.std(g))\n    return out[::-1]\n",
            "multiplies dout in place: modifies the caller's array",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z)) @ W\n"
            "        out.append(np.mean(np.std(g, axis=0)))\n    return out[::-1]\n",
            "mean of per-unit stds instead of the std over all entries",
        ),
        (
            "def gradient_stds(X, weights, activation, activation_grad, dout):\n    zs, h = [], X\n    for W in weights:\n"
            "        zs.append(h @ W.T)\n        h = activation(zs[-1])\n    g, out = dout, []\n"
            "    for W, z in zip(weights[::-1], zs[::-1]):\n        g = (g * activation_grad(z))\n"
            "        g = g @ (W.T if W.shape[0] == W.shape[1] else W)\n        out.append(np.std(g))\n    return out[::-1]\n",
            "multiplies by W.T where the shapes allow it (square layers) instead of W",
        ),
    ],
}
