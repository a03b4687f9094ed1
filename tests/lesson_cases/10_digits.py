"""Alternative answers for lesson 10_digits: every CORRECT one passes its test cell, every WRONG one fails it."""

CORRECT = {
    "prepare": [
        "def prepare(X, y, rng):\n    X = X.reshape(X.shape[0], 784) / 255.0\n    idx = rng.permutation(X.shape[0])\n"
        "    n_val = X.shape[0] // 10\n    X, y = X[idx], y[idx]\n    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]\n",
        "def prepare(X, y, rng):\n    flat = np.array(X, dtype=np.float64).reshape(len(X), -1)\n    flat /= 255\n"
        "    order = np.arange(len(flat))\n    rng.shuffle(order)\n    cut = len(flat) - len(flat) // 10\n"
        "    tr, va = order[:cut], order[cut:]\n    return flat[tr], flat[va], y[tr], y[va]\n",
    ],
    "build_model": [
        "def build_model(rng):\n    sizes = [784, 256, 128, 10]\n    layers = []\n    for i in range(3):\n"
        "        layers.append(Linear(sizes[i], sizes[i + 1], rng=rng))\n        if i < 2:\n            layers.append(ReLU())\n"
        "    return Sequential(*layers)\n",
        "def build_model(rng):\n    return nnlib.Sequential(nnlib.Linear(784, 256, rng, init='he_uniform'), nnlib.ReLU(),\n"
        "                            nnlib.Linear(256, 128, rng, init='he_uniform'), nnlib.ReLU(),\n"
        "                            nnlib.Linear(128, 10, rng, init='xavier'))\n",
        # a subclass of nnlib's Sequential is an nnlib Sequential (the two-process grader keeps it a handle)
        "class DigitNet(Sequential):\n    def predict(self, X):\n        return self.forward(X).argmax(axis=1)\n\n\n"
        "def build_model(rng):\n    return DigitNet(Linear(784, 256, rng=rng), ReLU(), Linear(256, 128, rng=rng), ReLU(),\n"
        "                    Linear(128, 10, rng=rng))\n",
    ],
    "train_digits": [
        "def train_digits(rng):\n    X, y, _, _ = digits_split()\n    model = build_model(rng)\n    loss = CrossEntropyLoss()\n"
        "    opt = SGD(model.parameters(), lr=0.05, momentum=0.9)\n    for epoch in range(12):\n"
        "        for xb, yb in nnlib.data.minibatches(X, y, 64, rng):\n            opt.zero_grad()\n"
        "            loss.forward(model.forward(xb), yb)\n            model.backward(loss.backward())\n            opt.step()\n"
        "    return model\n",
        # the student's own model class around a trained nnlib network: anything with forward(X) will do
        "class Classifier:\n    def __init__(self, net):\n        self.net = net\n\n    def forward(self, X):\n"
        "        return self.net.forward(np.asarray(X, dtype=np.float32))\n\n\n"
        "def train_digits(rng):\n    X, y, _, _ = digits_split()\n    net = build_model(rng)\n"
        "    fit(net, CrossEntropyLoss(), Adam(net.parameters(), lr=1e-3), X, y, epochs=15, batch_size=64, rng=rng,\n"
        "        progress=False)\n    return Classifier(net)\n",
    ],
    "confusion_matrix": [
        "def confusion_matrix(y_true, y_pred, n_classes=10):\n    cm = np.zeros((n_classes, n_classes))\n"
        "    for t, p in zip(y_true, y_pred):\n        cm[t, p] += 1\n    return cm\n",
        "def confusion_matrix(y_true, y_pred, n_classes=10):\n"
        "    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)\n",
        "def confusion_matrix(y_true, y_pred, n_classes=10):\n"
        "    return np.array([[np.sum((y_true == i) & (y_pred == j)) for j in range(n_classes)] for i in range(n_classes)])\n",
    ],
}

WRONG = {
    "prepare": [
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / X.max()\n    idx = rng.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], X[idx[:n_val]], y[idx[n_val:]], y[idx[:n_val]]\n",
            "divides by the largest pixel instead of 255",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / 255.0\n    n_val = len(X) // 10\n"
            "    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]\n",
            "no shuffling: sorted labels give a validation set of one class",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / 255.0\n    n_val = len(X) // 10\n"
            "    i, j = rng.permutation(len(X)), rng.permutation(len(X))\n"
            "    return X[i[n_val:]], X[i[:n_val]], y[j[n_val:]], y[j[:n_val]]\n",
            "separate permutations: labels no longer match images",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / 255.0\n    idx = rng.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], y[idx[n_val:]], X[idx[:n_val]], y[idx[:n_val]]\n",
            "returns (X_train, y_train, X_val, y_val): wrong order",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) // 255\n    idx = rng.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], X[idx[:n_val]], y[idx[n_val:]], y[idx[:n_val]]\n",
            "integer division: every pixel becomes 0",
        ),
        (
            "def prepare(X, y, rng):\n    X = np.asarray(X) / 255.0\n    idx = rng.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], X[idx[:n_val]], y[idx[n_val:]], y[idx[:n_val]]\n",
            "does not flatten (N, 28, 28) images",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / 255.0\n    idx = np.random.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], X[idx[:n_val]], y[idx[n_val:]], y[idx[:n_val]]\n",
            "global np.random instead of rng",
        ),
        (
            "def prepare(X, y, rng):\n    X = X.reshape(len(X), -1) / 255.0\n    rng.shuffle(y)\n    idx = rng.permutation(len(X))\n"
            "    n_val = len(X) // 10\n    return X[idx[n_val:]], X[idx[:n_val]], y[idx[n_val:]], y[idx[:n_val]]\n",
            "shuffles y in place: modifies the input and misaligns the labels",
        ),
    ],
    "build_model": [
        (
            "def build_model(rng):\n    return Sequential(Linear(784, 256, rng=rng), ReLU(), Linear(256, 128, rng=rng), ReLU(),\n"
            "                      Linear(128, 10, rng=rng), ReLU())\n",
            "ReLU after the output layer",
        ),
        (
            "def build_model(rng):\n    return Sequential(Linear(784, 256, rng=rng), Linear(256, 128, rng=rng), Linear(128, 10, rng=rng))\n",
            "no nonlinearity",
        ),
        (
            "def build_model(rng):\n    return Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))\n",
            "does not pass rng: a different network every call",
        ),
        (
            "def build_model(rng):\n    return Sequential(Linear(784, 256, rng=rng, init='zeros'), ReLU(), Linear(256, 128, rng=rng, init='zeros'),\n"
            "                      ReLU(), Linear(128, 10, rng=rng, init='zeros'))\n",
            "zero initialisation (symmetry, lesson 07)",
        ),
        (
            "def build_model(rng):\n    return Sequential(Linear(784, 128, rng=rng), ReLU(), Linear(128, 256, rng=rng), ReLU(), Linear(256, 10, rng=rng))\n",
            "hidden sizes swapped",
        ),
    ],
    "train_digits": [
        (
            "def train_digits(rng):\n    X, y, _, _ = digits_split()\n"
            "    model = Sequential(Linear(784, 256, rng=rng), ReLU(), Linear(256, 128, rng=rng), ReLU(), Linear(128, 10, rng=rng))\n"
            "    fit(model, CrossEntropyLoss(), SGD(model.parameters(), lr=1e-3), X, y, epochs=2, batch_size=64, rng=rng,\n"
            "        progress=False)\n    return model\n",
            "far too little training (plain SGD, tiny learning rate, 2 epochs)",
        ),
    ],
    "confusion_matrix": [
        (
            "def confusion_matrix(y_true, y_pred, n_classes=10):\n    cm = np.zeros((n_classes, n_classes), int)\n"
            "    cm[y_true, y_pred] += 1\n    return cm\n",
            "buffered fancy-index +=: repeated pairs counted once",
        ),
        (
            "def confusion_matrix(y_true, y_pred, n_classes=10):\n    cm = np.zeros((n_classes, n_classes))\n"
            "    for t, p in zip(y_true, y_pred):\n        cm[p, t] += 1\n    return cm\n",
            "transposed: rows = predicted",
        ),
        (
            "def confusion_matrix(y_true, y_pred, n_classes=10):\n    k = int(max(y_true.max(), y_pred.max())) + 1\n"
            "    cm = np.zeros((k, k))\n    for t, p in zip(y_true, y_pred):\n        cm[t, p] += 1\n    return cm\n",
            "ignores n_classes: size from the largest label seen",
        ),
        (
            "def confusion_matrix(y_true, y_pred, n_classes=10):\n    cm = np.zeros((n_classes, n_classes))\n"
            "    for t, p in zip(y_true, y_pred):\n        cm[t, p] += 1\n    return cm / len(y_true)\n",
            "fractions instead of counts",
        ),
    ],
}
