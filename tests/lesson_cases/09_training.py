"""Alternative answers for lesson 09_training: every CORRECT one passes its test cell, every WRONG one fails it."""

CORRECT = {
    "sgd_update": [
        "def sgd_update(params, grads, lr):\n    for i in range(len(params)):\n        params[i][...] = params[i] - lr * grads[i]\n",
        "def sgd_update(params, grads, lr):\n    for p, g in zip(params, grads):\n        np.subtract(p, lr * g, out=p)\n    return params\n",
    ],
    "minibatches": [
        "def minibatches(X, y, batch_size, rng):\n    idx = np.arange(len(X))\n    rng.shuffle(idx)\n    batches = []\n"
        "    for s in range(0, len(idx), batch_size):\n        batches.append((X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]))\n"
        "    return batches\n",
        "def minibatches(X, y, batch_size, rng):\n    perm = rng.permutation(len(X))\n    Xs, ys = X[perm], y[perm]\n"
        "    n_batches = int(np.ceil(len(X) / batch_size))\n    for b in range(n_batches):\n"
        "        yield Xs[b * batch_size:(b + 1) * batch_size], ys[b * batch_size:(b + 1) * batch_size]\n",
        "def minibatches(X, y, batch_size, rng):\n    order = rng.permutation(len(X))\n"
        "    splits = np.array_split(order, range(batch_size, len(X), batch_size))\n"
        "    return [(np.take(X, s, axis=0), np.take(y, s, axis=0)) for s in splits]\n",
    ],
    "momentum_update": [
        "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for i in range(len(params)):\n"
        "        velocities[i][:] = beta * velocities[i] + grads[i]\n        params[i][:] -= lr * velocities[i]\n",
        "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for p, g, v in zip(params, grads, velocities):\n"
        "        np.multiply(v, beta, out=v)\n        np.add(v, g, out=v)\n        np.subtract(p, lr * v, out=p)\n",
    ],
    "adam_update": [
        "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    for i in range(len(params)):\n        m[i] *= beta1\n        m[i] += (1 - beta1) * grads[i]\n"
        "        v[i] *= beta2\n        v[i] += (1 - beta2) * grads[i] ** 2\n"
        "        params[i] -= lr * (m[i] / (1 - beta1 ** t)) / (np.sqrt(v[i] / (1 - beta2 ** t)) + eps)\n",
        "import math\n"
        "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    step = lr / (1 - beta1 ** t)\n    corr2 = math.sqrt(1 - beta2 ** t)\n"
        "    for p, g, mi, vi in zip(params, grads, m, v):\n        mi[:] = beta1 * mi + (1 - beta1) * g\n"
        "        vi[:] = beta2 * vi + (1 - beta2) * np.square(g)\n        p[:] = p - step * mi / (np.sqrt(vi) / corr2 + eps)\n",
        "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n    for p, g, mi, vi in zip(params, grads, m, v):\n"
        "        mi += (1 - beta1) * (g - mi)\n        vi += (1 - beta2) * (g * g - vi)\n        p -= lr_t * mi / (np.sqrt(vi) + eps)\n",
    ],
    "train_val_test_split": [
        "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n    idx = rng.permutation(n)\n"
        "    nv, nt = round(n * val_fraction), round(n * test_fraction)\n    te, va, tr = idx[:nt], idx[nt:nt + nv], idx[nt + nv:]\n"
        "    return X[tr], X[va], X[te], y[tr], y[va], y[te]\n",
        "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n    idx = np.arange(n)\n"
        "    rng.shuffle(idx)\n    nv = int(np.round(n * val_fraction))\n    nt = int(np.round(n * test_fraction))\n"
        "    tr, va, te = np.split(idx, [n - nv - nt, n - nt])\n"
        "    return (np.take(X, tr, axis=0), np.take(X, va, axis=0), np.take(X, te, axis=0), y[tr], y[va], y[te])\n",
    ],
    "accuracy": [
        "def accuracy(scores, labels):\n    return np.mean(scores.argmax(axis=-1) == labels)\n",
        "def accuracy(scores, labels):\n    correct = 0\n    for row, lab in zip(scores, labels):\n"
        "        if int(np.argmax(row)) == int(lab):\n            correct += 1\n    return correct / len(labels)\n",
        "def accuracy(scores, labels):\n    return np.count_nonzero(np.argmax(scores, 1) == labels) / labels.shape[0]\n",
    ],
    "train_spiral": [
        "def train_spiral(rng):\n    X, y = spiral(rng, n_per_class=200)\n"
        "    model = Sequential(Linear(2, 100, rng=rng), ReLU(), Linear(100, 3, rng=rng))\n"
        "    loss_fn = CrossEntropyLoss()\n    params = model.parameters()\n"
        "    m = [np.zeros_like(p.data) for p in params]\n    v = [np.zeros_like(p.data) for p in params]\n    t = 0\n"
        "    for epoch in range(300):\n        for xb, yb in minibatches(X, y, 32, rng):\n            model.zero_grad()\n"
        "            loss_fn.forward(model.forward(xb), yb)\n            model.backward(loss_fn.backward())\n            t += 1\n"
        "            adam_update([p.data for p in params], [p.grad for p in params], m, v, t, lr=0.01)\n"
        "    return lambda P: model.forward(np.asarray(P, dtype=np.float32)).argmax(axis=1)\n",
        "def train_spiral(rng):\n    X, y = spiral(rng, n_per_class=300)\n"
        "    model = Sequential(Linear(2, 64, rng=rng), ReLU(), Linear(64, 64, rng=rng), ReLU(), Linear(64, 3, rng=rng))\n"
        "    nnlib.train.fit(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-2), X, y, epochs=200,\n"
        "                    batch_size=64, rng=rng, progress=False)\n"
        "    def predict(P):\n        return model.forward(np.asarray(P, dtype=np.float32))\n    return predict\n",
    ],
    "l2_penalty": [
        "def l2_penalty(weights, lam):\n    total = sum(np.sum(w ** 2) for w in weights)\n"
        "    return lam / 2 * total, [lam * w for w in weights]\n",
        "def l2_penalty(weights, lam):\n    flat = np.concatenate([np.ravel(w) for w in weights])\n"
        "    return 0.5 * lam * float(flat @ flat), tuple(np.multiply(lam, w) for w in weights)\n",
        "def l2_penalty(weights, lam):\n    penalty = 0.0\n    grads = []\n    for w in weights:\n"
        "        for value in np.asarray(w).flat:\n            penalty += value * value\n"
        "        g = np.array(w, dtype=float, copy=True)\n        g *= lam\n        grads.append(g)\n"
        "    return lam * penalty / 2, grads\n",
    ],
    "dropout_forward": [
        "def dropout_forward(x, p, rng, training=True):\n    if not (p >= 0 and p < 1):\n"
        "        raise ValueError('p must be in [0, 1)')\n    x = np.asarray(x, dtype=float)\n"
        "    if not training or p == 0:\n        return x.copy(), np.ones(x.shape)\n"
        "    mask = np.where(rng.uniform(0, 1, size=x.shape) < 1 - p, 1 / (1 - p), 0.0)\n    return x * mask, mask\n",
        "import math\n"
        "def dropout_forward(x, p, rng, training=True):\n    if math.isnan(p) or p < 0 or p >= 1:\n"
        "        raise ValueError(f'p = {p} is not in [0, 1)')\n"
        "    if not training or p == 0:\n        return np.array(x, dtype=float), np.ones_like(x, dtype=float)\n"
        "    mask = rng.binomial(1, 1 - p, size=np.shape(x)).astype(float) / (1 - p)\n"
        "    return np.multiply(x, mask), mask\n",
        "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
        "    out = np.array(x, dtype=float)\n    mask = np.ones_like(out)\n    if training and p > 0:\n"
        "        for idx in np.ndindex(out.shape):\n            if rng.random() < p:\n                mask[idx] = 0.0\n"
        "            else:\n                mask[idx] = 1.0 / (1.0 - p)\n        out = out * mask\n    return out, mask\n",
    ],
    "dropout_backward": [
        "def dropout_backward(dout, mask):\n    return np.multiply(dout, mask)\n",
        "def dropout_backward(dout, mask):\n    return np.where(mask != 0, dout * mask, 0.0)\n",
        "def dropout_backward(dout, mask):\n    dx = np.zeros(np.shape(dout))\n    for idx in np.ndindex(dx.shape):\n"
        "        dx[idx] = dout[idx] * mask[idx]\n    return dx\n",
    ],
}

WRONG = {
    "sgd_update": [
        (
            "def sgd_update(params, grads, lr):\n    for p, g in zip(params, grads):\n        p = p - lr * g\n",
            "rebinds the loop variable: nothing is updated",
        ),
        (
            "def sgd_update(params, grads, lr):\n    for i in range(len(params)):\n        params[i] = params[i] - lr * grads[i]\n",
            "replaces the list entries instead of updating the arrays",
        ),
        (
            "def sgd_update(params, grads, lr):\n    for p, g in zip(params, grads):\n        g *= lr\n        p -= g\n",
            "scales the gradients in place (modifies grads)",
        ),
        (
            "def sgd_update(params, grads, lr):\n    for p, g in zip(params, grads):\n        p += lr * g\n",
            "gradient ascent: wrong sign",
        ),
    ],
    "minibatches": [
        (
            "def minibatches(X, y, batch_size, rng):\n    perm = rng.permutation(len(X))\n"
            "    for s in range(0, len(X) - batch_size + 1, batch_size):\n        yield X[perm[s:s + batch_size]], y[perm[s:s + batch_size]]\n",
            "drops the last partial batch",
        ),
        (
            "def minibatches(X, y, batch_size, rng):\n    px, py = rng.permutation(len(X)), rng.permutation(len(y))\n"
            "    for s in range(0, len(X), batch_size):\n        yield X[px[s:s + batch_size]], y[py[s:s + batch_size]]\n",
            "two different permutations: X and y misaligned",
        ),
        (
            "def minibatches(X, y, batch_size, rng):\n    for s in range(0, len(X), batch_size):\n"
            "        yield X[s:s + batch_size], y[s:s + batch_size]\n",
            "no shuffling",
        ),
        (
            "def minibatches(X, y, batch_size, rng):\n    state = rng.bit_generator.state\n    rng.shuffle(X)\n"
            "    rng.bit_generator.state = state\n    rng.shuffle(y)\n"
            "    for s in range(0, len(X), batch_size):\n        yield X[s:s + batch_size], y[s:s + batch_size]\n",
            "shuffles X and y in place (aligned, but modifies the caller's data)",
        ),
        (
            "def minibatches(X, y, batch_size, rng):\n    perm = np.random.permutation(len(X))\n"
            "    for s in range(0, len(X), batch_size):\n        yield X[perm[s:s + batch_size]], y[perm[s:s + batch_size]]\n",
            "global np.random instead of rng",
        ),
        (
            "def minibatches(X, y, batch_size, rng):\n    for s in range(0, len(X), batch_size):\n"
            "        idx = rng.integers(0, len(X), size=min(batch_size, len(X) - s))\n        yield X[idx], y[idx]\n",
            "samples with replacement: some samples twice, others never",
        ),
    ],
    "momentum_update": [
        (
            "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for p, g, v in zip(params, grads, velocities):\n"
            "        v *= beta\n        v += (1 - beta) * g\n        p -= lr * v\n",
            "EMA form v = beta v + (1 - beta) g instead of the lesson's",
        ),
        (
            "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for i in range(len(params)):\n"
            "        velocities[i] = beta * velocities[i] + grads[i]\n        params[i] -= lr * velocities[i]\n",
            "replaces the velocity arrays instead of updating them in place",
        ),
        (
            "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for p, g, v in zip(params, grads, velocities):\n"
            "        p -= lr * v\n        v *= beta\n        v += g\n",
            "steps with the old velocity",
        ),
        (
            "def momentum_update(params, grads, velocities, lr, beta=0.9):\n    for p, g, v in zip(params, grads, velocities):\n"
            "        v *= 0.9\n        v += g\n        p -= lr * v\n",
            "ignores the beta argument",
        ),
    ],
    "adam_update": [
        (
            "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    for p, g, mi, vi in zip(params, grads, m, v):\n        mi[:] = beta1 * mi + (1 - beta1) * g\n"
            "        vi[:] = beta2 * vi + (1 - beta2) * g * g\n        p -= lr * mi / (np.sqrt(vi) + eps)\n",
            "no bias correction",
        ),
        (
            "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    for p, g, mi, vi in zip(params, grads, m, v):\n        mi[:] = beta1 * mi + (1 - beta1) * g\n"
            "        vi[:] = beta2 * vi + (1 - beta2) * g * g\n"
            "        p -= lr * (mi / (1 - beta1 ** (t + 1))) / (np.sqrt(vi / (1 - beta2 ** (t + 1))) + eps)\n",
            "t counted from 0: bias correction with t + 1",
        ),
        (
            "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    for i in range(len(params)):\n        m[i] = beta1 * m[i] + (1 - beta1) * grads[i]\n"
            "        v[i] = beta2 * v[i] + (1 - beta2) * grads[i] ** 2\n"
            "        params[i] -= lr * (m[i] / (1 - beta1 ** t)) / (np.sqrt(v[i] / (1 - beta2 ** t)) + eps)\n",
            "replaces the m and v arrays instead of updating them in place",
        ),
        (
            "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    for p, g, mi, vi in zip(params, grads, m, v):\n        mi[:] = beta1 * mi + (1 - beta1) * g\n"
            "        vi[:] = beta2 * vi + (1 - beta2) * np.abs(g)\n"
            "        p -= lr * (mi / (1 - beta1 ** t)) / (np.sqrt(vi / (1 - beta2 ** t)) + eps)\n",
            "second moment of |g| instead of g**2",
        ),
        (
            "def adam_update(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    for p, g, mi, vi in zip(params, grads, m, v):\n        mi[:] = beta1 * mi + (1 - beta1) * g\n"
            "        vi[:] = beta2 * vi + (1 - beta2) * g * g\n"
            "        p -= lr * (mi / (1 - beta1 ** t)) / np.sqrt(vi / (1 - beta2 ** t))\n",
            "no eps: 0 / 0 on a zero gradient",
        ),
    ],
    "train_val_test_split": [
        (
            "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n"
            "    nv, nt = int(n * val_fraction), int(n * test_fraction)\n    idx = rng.permutation(n)\n"
            "    va, te, tr = idx[:nv], idx[nv:nv + nt], idx[nv + nt:]\n    return X[tr], X[va], X[te], y[tr], y[va], y[te]\n",
            "int() truncates instead of rounding",
        ),
        (
            "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n"
            "    nv, nt = round(n * val_fraction), round(n * test_fraction)\n    ntr = n - nv - nt\n"
            "    return X[:ntr], X[ntr:ntr + nv], X[ntr + nv:], y[:ntr], y[ntr:ntr + nv], y[ntr + nv:]\n",
            "no shuffling: sorted data gives unrepresentative parts",
        ),
        (
            "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n"
            "    nv, nt = round(n * val_fraction), round(n * test_fraction)\n    ix, iy = rng.permutation(n), rng.permutation(n)\n"
            "    return (X[ix[nv + nt:]], X[ix[:nv]], X[ix[nv:nv + nt]], y[iy[nv + nt:]], y[iy[:nv]], y[iy[nv:nv + nt]])\n",
            "separate permutations for X and y: misaligned",
        ),
        (
            "def train_val_test_split(X, y, val_fraction, test_fraction, rng):\n    n = len(X)\n"
            "    nv, nt = round(n * val_fraction), round(n * test_fraction)\n    idx = rng.permutation(n)\n"
            "    va, te, tr = idx[:nv], idx[nv:nv + nt], idx[nv + nt:]\n    return X[tr], y[tr], X[va], y[va], X[te], y[te]\n",
            "returns (X_train, y_train, X_val, ...) instead of the specified order",
        ),
    ],
    "accuracy": [
        (
            "def accuracy(scores, labels):\n    return np.mean(np.argmax(scores, axis=0) == labels)\n",
            "argmax over axis 0",
        ),
        (
            "def accuracy(scores, labels):\n    return np.sum(np.argmax(scores, axis=1) == labels)\n",
            "count instead of fraction",
        ),
        (
            "def accuracy(scores, labels):\n    return np.mean(np.max(scores, axis=1) == labels)\n",
            "compares the max score, not its index",
        ),
    ],
    "train_spiral": [
        (
            "def train_spiral(rng):\n    X, y = spiral(rng, n_per_class=300)\n"
            "    model = Sequential(Linear(2, 64, rng=rng), Linear(64, 3, rng=rng))\n"
            "    nnlib.train.fit(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-2), X, y, epochs=50,\n"
            "                    batch_size=64, rng=rng, progress=False)\n"
            "    return lambda P: model.forward(np.asarray(P, dtype=np.float32)).argmax(axis=1)\n",
            "no nonlinearity: a linear classifier cannot separate the spirals",
        ),
        (
            "def train_spiral(rng):\n    X, y = spiral(rng, n_per_class=300)\n"
            "    model = Sequential(Linear(2, 64, rng=rng), ReLU(), Linear(64, 64, rng=rng), ReLU(), Linear(64, 3, rng=rng))\n"
            "    nnlib.train.fit(model, CrossEntropyLoss(), SGD(model.parameters(), lr=1e-3), X, y, epochs=5,\n"
            "                    batch_size=64, rng=rng, progress=False)\n"
            "    return lambda P: model.forward(np.asarray(P, dtype=np.float32)).argmax(axis=1)\n",
            "far too little training (tiny learning rate, 5 epochs)",
        ),
    ],
    "l2_penalty": [
        (
            "def l2_penalty(weights, lam):\n    for w in weights:\n        if w.dtype != np.float64:\n            raise TypeError('float64 weights only')\n"
            "    return lam / 2 * sum(float(np.sum(w * w)) for w in weights), [lam * w for w in weights]\n",
            "validates too strictly: rejects float32 weights",
        ),
        (
            "def l2_penalty(weights, lam):\n    total = sum(np.sum(w ** 2) for w in weights)\n"
            "    return lam * total, [lam * w for w in weights]\n",
            "penalty without the 1/2",
        ),
        (
            "def l2_penalty(weights, lam):\n    total = sum(np.sum(w ** 2) for w in weights)\n"
            "    return lam / 2 * total, [2 * lam * w for w in weights]\n",
            "gradient 2 * lam * w (the 1/2 forgotten in the derivative)",
        ),
        (
            "def l2_penalty(weights, lam):\n    penalty = lam / 2 * sum(np.sum(w ** 2) for w in weights)\n"
            "    for w in weights:\n        w *= lam\n    return penalty, weights\n",
            "computes the gradients by scaling the weights in place",
        ),
        (
            "def l2_penalty(weights, lam):\n    return [lam / 2 * np.sum(w ** 2) for w in weights], [lam * w for w in weights]\n",
            "one penalty per array instead of one float",
        ),
        (
            "def l2_penalty(weights, lam):\n    return lam / 2 * sum(np.linalg.norm(w) for w in weights), [lam * w for w in weights]\n",
            "sum of norms instead of sum of squares",
        ),
        (
            "def l2_penalty(weights, lam):\n    return lam / 2 * float(np.sum(weights[0] ** 2)), [lam * w for w in weights]\n",
            "penalises only the first array",
        ),
    ],
    "dropout_forward": [
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('p')\n"
            "    if x.dtype != np.float64:\n        raise TypeError('float64 x only')\n"
            "    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask\n",
            "validates too strictly: rejects a float32 x",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (rng.random(x.shape) >= p).astype(float)\n    return x * mask, mask\n",
            "no 1 / (1 - p) scaling of the kept entries",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (rng.random(x.shape) < p) / (1 - p)\n    return x * mask, mask\n",
            "keeps each entry with probability p instead of 1 - p",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones(x.shape, dtype=bool)\n"
            "    keep = rng.random(x.shape) >= p\n    return x * keep / (1 - p), keep\n",
            "mask of booleans (kept or not) instead of each entry's factor",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    x *= mask\n    return x, mask\n",
            "multiplies x in place",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training:\n        return x * (1 - p), np.full(x.shape, 1 - p)\n"
            "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask\n",
            "scales at evaluation time (mixes inverted and classic dropout)",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if p < 0 or p >= 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask\n",
            "no ValueError for a NaN p (both comparisons are False)",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    x = np.asarray(x, dtype=float)\n"
            "    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n    if not 0 <= p < 1:\n"
            "        raise ValueError('bad p')\n    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask\n",
            "checks p only in training mode",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    mask = (np.random.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask\n",
            "global np.random instead of rng",
        ),
        (
            "def dropout_forward(x, p, rng, training=True):\n    if not 0 <= p < 1:\n        raise ValueError('bad p')\n"
            "    x = np.asarray(x, dtype=float)\n    if not training or p == 0:\n        return x.copy(), np.ones_like(x)\n"
            "    keep = rng.random((x.shape[0],) + (1,) * (x.ndim - 1)) >= p\n"
            "    mask = np.broadcast_to(keep / (1 - p), x.shape).copy()\n    return x * mask, mask\n",
            "one random draw per row instead of per entry",
        ),
    ],
    "dropout_backward": [
        ("def dropout_backward(dout, mask):\n    return dout\n", "ignores the mask"),
        ("def dropout_backward(dout, mask):\n    return dout * (mask > 0)\n", "forgets the 1 / (1 - p) scaling"),
        ("def dropout_backward(dout, mask):\n    return dout / mask\n", "divides by the mask"),
        ("def dropout_backward(dout, mask):\n    dout *= mask\n    return dout\n", "multiplies dout in place"),
        ("def dropout_backward(dout, mask):\n    return mask.copy()\n", "returns the mask, forgetting dout"),
    ],
}
