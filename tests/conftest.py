"""Shared pytest configuration: kept minimal on purpose (markers live in pyproject.toml).

Makes ``tests/`` and the repository root importable, so test modules can ``import lesson_harness``
and ``import grader`` however pytest is started.
"""
from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)
