"""Alternative correct and subtly wrong answers for lesson 01 (see tests/lesson_harness.py)."""

CORRECT = {
    "dot": [
        "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):\n        raise ValueError('need two 1-D vectors of equal length')\n    return np.sum(u * v)\n",
        "def dot(u, v):\n    u = np.asarray(u, dtype=float)\n    v = np.asarray(v, dtype=float)\n    if len(u.shape) != 1 or u.shape != v.shape:\n        raise ValueError('shapes')\n    return float(u @ v)\n",
        "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1 or u.shape != v.shape:\n        raise ValueError('need 1-D vectors of equal length')\n    return np.einsum('i,i->', u, v)\n",
        "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1:\n        raise ValueError('not 1-D')\n    if u.size != v.size:\n        raise ValueError('lengths differ')\n    return sum(u[i] * v[i] for i in range(u.size))\n",
    ],
    "matmul": [
        "def matmul(A, B):\n    if A.shape[1] != B.shape[0]:\n        raise ValueError('inner mismatch')\n    return np.array([[np.dot(A[i], B[:, j]) for j in range(B.shape[1])] for i in range(A.shape[0])], dtype=float)\n",
        "def matmul(A, B):\n    if A.shape[1] != B.shape[0]:\n        raise ValueError('inner mismatch')\n    C = np.empty((A.shape[0], B.shape[1]))\n    for i, row in enumerate(A):\n        for j, col in enumerate(B.T):\n            C[i, j] = row @ col\n    return C\n",
        "def matmul(A, B):\n    m, n = A.shape\n    k, p = B.shape\n    if n != k:\n        raise ValueError('inner mismatch')\n    C = np.zeros((m, p))\n    for i in range(m):\n        for j in range(p):\n            s = 0.0\n            for t in range(n):\n                s += A[i, t] * B[t, j]\n            C[i, j] = s\n    return C\n",
    ],
    "matmul_shape": [
        "def matmul_shape(shape_a, shape_b):\n    if shape_a[1] != shape_b[0]:\n        raise ValueError('incompatible')\n    return (shape_a[0], shape_b[1])\n",
        "def matmul_shape(shape_a, shape_b):\n    (m, n), (k, p) = tuple(shape_a), tuple(shape_b)\n    if n == k:\n        return m, p\n    raise ValueError(f'{n} != {k}')\n",
        "def matmul_shape(shape_a, shape_b):\n    if list(shape_a)[-1] != list(shape_b)[0]:\n        raise ValueError('incompatible')\n    return tuple([shape_a[0], shape_b[-1]])\n",
    ],
    "linear": [
        "def linear(X, W, b):\n    return np.dot(X, W.T) + b\n",
        "def linear(X, W, b):\n    return (W @ X.T).T + b[None, :]\n",
        "def linear(X, W, b):\n    out = np.matmul(X, np.transpose(W))\n    out = out + b\n    return out\n",
        "def linear(X, W, b):\n    return np.einsum('bi,oi->bo', X, W) + b\n",
        "def linear(X, W, b):\n    return np.array([W @ x + b for x in X])\n",
        "def linear(X, W, b):\n    Y = np.zeros((X.shape[0], W.shape[0]))\n    for i in range(X.shape[0]):\n        for j in range(W.shape[0]):\n            Y[i, j] = np.sum(X[i] * W[j]) + b[j]\n    return Y\n",
    ],
}

WRONG = {
    "dot": [
        (
            "def dot(u, v):\n    if u.dtype != np.float64 or v.dtype != np.float64:\n        raise ValueError('need float64 vectors')\n"
            "    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):\n        raise ValueError('bad')\n    return float(np.sum(u * v))\n",
            "validates too strictly: rejects float32 vectors",
        ),
        (
            "def dot(u, v):\n    if len(u) != len(v):\n        raise ValueError('lengths differ')\n    return np.sum(u * v)\n",
            "no 1-D check: 2-D arrays of equal shape give a number instead of ValueError",
        ),
        (
            "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1:\n        raise ValueError('not 1-D')\n    return sum(a * b for a, b in zip(u, v))\n",
            "no length check: zip silently stops at the shorter vector",
        ),
        (
            "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):\n        raise ValueError('bad')\n    return u * v\n",
            "returns the elementwise product instead of its sum",
        ),
        (
            "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1 or len(u) > len(v):\n        raise ValueError('bad')\n    return float(np.sum(u * v[:len(u)]))\n",
            "only rejects a longer first vector",
        ),
        (
            "def dot(u, v):\n    if u.shape != v.shape:\n        raise ValueError('shapes differ')\n    return float(np.sum(u * v))\n",
            "checks equal shapes but not 1-D: two (2, 2) matrices give a number",
        ),
        (
            "def dot(u, v):\n    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):\n        raise ValueError('bad')\n    u *= v\n    return float(np.sum(u))\n",
            "multiplies u in place: changes the caller's vector",
        ),
    ],
    "matmul": [
        (
            "def matmul(A, B):\n    if A.shape[1] != B.shape[0]:\n        raise ValueError('inner mismatch')\n    C = np.zeros((A.shape[0], B.shape[1]))\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            C[i, j] = np.sum(A[i, :] * B[j, :])\n    return C\n",
            "uses rows of B instead of columns",
        ),
        (
            "def matmul(A, B):\n    C = np.zeros((A.shape[0], B.shape[1]))\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            C[i, j] = sum(a * b for a, b in zip(A[i], B[:, j]))\n    return C\n",
            "no inner-dimension check: zip truncates silently",
        ),
        (
            "def matmul(A, B):\n    if A.shape[1] != B.shape[0]:\n        raise ValueError('inner mismatch')\n    C = np.zeros((B.shape[1], A.shape[0]))\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            C[j, i] = np.sum(A[i] * B[:, j])\n    return C\n",
            "result transposed: shape (p, m)",
        ),
        (
            "def matmul(A, B):\n    if A.shape[1] != B.shape[0]:\n        raise ValueError('inner mismatch')\n    C = np.zeros((A.shape[0], B.shape[1]), dtype=int)\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            C[i, j] = np.sum(A[i] * B[:, j])\n    return C\n",
            "integer result array truncates the products",
        ),
        (
            "def matmul(A, B):\n    if A.shape[0] != B.shape[1]:\n        raise ValueError('mismatch')\n    C = np.zeros((A.shape[0], B.shape[1]))\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            C[i, j] = np.sum(A[i] * B[:, j])\n    return C\n",
            "checks the outer dimensions instead of the inner ones",
        ),
    ],
    "matmul_shape": [
        (
            "def matmul_shape(shape_a, shape_b):\n    if shape_a[0] != shape_b[1]:\n        raise ValueError('incompatible')\n    return (shape_a[0], shape_b[1])\n",
            "compares the outer sizes instead of the inner ones",
        ),
        (
            "def matmul_shape(shape_a, shape_b):\n    if shape_a[1] != shape_b[0]:\n        raise ValueError('incompatible')\n    return (shape_a[1], shape_b[0])\n",
            "returns the inner sizes",
        ),
        ("def matmul_shape(shape_a, shape_b):\n    return (shape_a[0], shape_b[1])\n", "never raises ValueError"),
        (
            "def matmul_shape(shape_a, shape_b):\n    if shape_a[1] != shape_b[0]:\n        raise ValueError('incompatible')\n    return [shape_a[0], shape_b[1]]\n",
            "returns a list instead of a tuple",
        ),
    ],
    "linear": [
        ("def linear(X, W, b):\n    return X @ W.T\n", "forgets the bias"),
        (
            "def linear(X, W, b):\n    return (W @ X.T + b).T\n",
            "adds the bias along the batch axis (only runs when batch == out, then wrong)",
        ),
        ("def linear(X, W, b):\n    return X @ W + b\n", "uses the (in, out) convention: X @ W"),
        ("def linear(X, W, b):\n    return X @ W.T + b.reshape(-1, 1)\n", "bias as a column: broadcasts the wrong way"),
        (
            "def linear(X, W, b):\n    X += 0.0\n    X -= X.mean(axis=0)\n    return X @ W.T + b\n",
            "centres X in place (changes the caller's batch)",
        ),
    ],
}
