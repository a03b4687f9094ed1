"""Alternative correct and subtly wrong answers for lesson 00 (see tests/lesson_harness.py)."""

CORRECT = {
    "count_positive": [
        "def count_positive(x):\n    return np.sum(np.asarray(x) > 0)\n",
        "def count_positive(x):\n    count = 0\n    for v in np.ravel(x):\n        if v > 0:\n            count += 1\n    return count\n",
        "def count_positive(x):\n    arr = np.array(x, dtype=float)\n    return len(arr[arr > 0])\n",
        "def count_positive(x):\n    return int((np.asarray(x) > 0).sum())\n",
        "def count_positive(x):\n    return sum(v > 0 for v in np.ravel(x))\n",
        "def count_positive(x):\n    return len(np.where(np.asarray(x) > 0)[0])\n",
        "def count_positive(x):\n    return np.count_nonzero(np.greater(x, 0))\n",
        "def count_positive(x):\n    flat = np.asarray(x, dtype=float).reshape(-1)\n    return int(np.sum(np.where(flat > 0, 1, 0)))\n",
    ],
}

WRONG = {
    "count_positive": [
        (
            "def count_positive(x):\n    return int(np.sum(np.asarray(x) >= 0))\n",
            "counts zeros as positive (>= instead of >)",
        ),
        (
            "def count_positive(x):\n    return sum(1 for v in x if v > 0)\n",
            "loops over x directly: fails on 2-D arrays (iterates rows)",
        ),
        (
            "def count_positive(x):\n    return float(np.sum(np.asarray(x) > 0))\n",
            "returns a float instead of an integer",
        ),
        (
            "def count_positive(x):\n    x = np.asarray(x)\n    x[x <= 0] = 0\n    return int(np.count_nonzero(x))\n",
            "modifies the caller's array",
        ),
        (
            "def count_positive(x):\n    x = np.asarray(x)\n    return int(np.sum(x > 0)) if x.size else None\n",
            "returns None for an empty input",
        ),
        (
            "def count_positive(x):\n    return np.sum(np.asarray(x) > 0, axis=0)\n",
            "sums along the first axis only: an array, not a count, for 2-D input",
        ),
        ("def count_positive(x):\n    return len([v for v in list(x) if v > 0])\n", "only works for 1-D sequences"),
        (
            "def count_positive(x):\n    flat = np.asarray(x).ravel()\n    flat.sort()\n    return int(flat.size - np.searchsorted(flat, 0, side='right'))\n",
            "sorts the caller's array in place",
        ),
    ],
}
