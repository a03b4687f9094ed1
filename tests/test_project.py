"""The project's own wiring: two commands, CI, environment files that agree, no stray state."""

from __future__ import annotations

import os
import re
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the test extra installs tomli
    import tomli as tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def _normalise(requirement: str) -> tuple[str, str]:
    name, _extras, spec = SPEC.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> set[tuple[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs |= {r for r in extra if not r.startswith(project["name"])}
    return {_normalise(r) for r in reqs}


def environment_requirements() -> set[tuple[str, str]]:
    import yaml  # PyYAML comes with the test extra (JupyterLab needs it): never a reason to skip

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    reqs = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            reqs |= {r for r in dep["pip"] if not r.startswith("-e")}
        elif not re.match(r"^(python|pip)\b", dep):
            reqs.add(dep)
    # conda writes python-style specifiers after the name without a space, e.g. numpy>=1.24
    return {_normalise(r) for r in reqs}


def test_environment_yml_matches_pyproject():
    py, env = pyproject_requirements(), environment_requirements()
    assert py == env, (
        "environment.yml and pyproject.toml list different packages or versions:\n"
        f"only in pyproject.toml: {sorted(py - env)}\nonly in environment.yml: {sorted(env - py)}"
    )


def test_torch_is_pinned_everywhere():
    assert ("torch", "==2.13.0") in pyproject_requirements()
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text().split()


def test_ci_runs_make_test_and_lint():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in commands and "make lint" in commands, commands


def test_make_help_lists_the_commands():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in (
        "lab",
        "instructor",
        "test",
        "test-fast",
        "lint",
        "lesson",
        "release",
        "grade",
        "feedback",
        "export",
        "report",
        "check",
        "bench",
    ):
        assert re.search(rf"^\s+{target}\s", out, re.M), f"make help does not list {target}:\n{out}"


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", readme, re.S)
    assert blocks, "README has no command block"
    first = [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.split("#")[0].strip()]
    assert first[:2] == ["make lab", "make test"], first


def test_grader_cli_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "grader", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for command in (
        "setup",
        "lab",
        "build",
        "release",
        "collect",
        "autograde",
        "feedback",
        "export",
        "report",
        "check",
    ):
        assert command in out, f"`python -m grader --help` does not list {command}"


def test_stray_gradebook_finder(tmp_path):
    """conftest.py's end-of-session guard: finds a gradebook anywhere but state/ and the venv."""
    from grader_helpers import stray_gradebooks

    for folder in ("state", ".venv/lib", "grader", "lessons/00_welcome", ""):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "gradebook.db").write_bytes(b"")
    assert stray_gradebooks(tmp_path) == {
        tmp_path / "gradebook.db",
        tmp_path / "grader" / "gradebook.db",
        tmp_path / "lessons" / "00_welcome" / "gradebook.db",
    }


def test_code_compiles_on_python_3_10_which_pyproject_claims():
    """requires-python says >=3.10: every module of the project must at least compile there (3.11-only
    syntax such as ``except*`` fails here), and 3.11-only modules (tomllib) must be guarded."""
    import glob
    import shutil

    candidates = [
        shutil.which("python3.10"),
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10"))),
    ]
    python310 = next(
        (c for c in candidates if c and subprocess.run([c, "-c", "pass"], capture_output=True).returncode == 0), None
    )
    if python310 is None:
        pytest.skip("no working python3.10 on this machine")
    files = [
        str(p)
        for folder in ("nnlib", "grader", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
        if "sources" not in p.parts
    ]
    script = (
        "import sys\nbad = []\nfor f in sys.argv[1:]:\n    try:\n        compile(open(f).read(), f, 'exec')\n"
        "    except SyntaxError as e:\n        bad.append(f'{f}: {e}')\nprint('\\n'.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([python310, "-c", script, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    unguarded = [f for f in files if re.search(r"^import tomllib$", Path(f).read_text(), re.M)]
    assert not unguarded, f"tomllib (3.11+) imported without a fallback in {unguarded}"


def test_readme_layout_matches_the_tree():
    """Every path the README's layout section names exists (state/ is the one ignored runtime folder)."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    missing, folder = [], ""
    for line in block.splitlines():
        names = line.lstrip().split("  ")[0].strip()
        if not names or not line.lstrip()[:1].isalnum():
            continue
        indented = line.startswith("  ")
        if indented and line.startswith("    "):  # a continuation line of a description
            continue
        for name in names.split(", "):
            name = name.strip().replace("<id>", "03_layers")
            path = (folder + name) if indented else name
            if not indented and name.endswith("/"):
                folder = name
            if path == "state/":
                assert "/state/" in (ROOT / ".gitignore").read_text().split(), ".gitignore must ignore /state/"
                continue
            if not (ROOT / path).exists():
                missing.append(path)
    assert not missing, f"the README's layout names paths that do not exist: {missing}"


@pytest.mark.slow
def test_a_non_editable_install_works_and_carries_no_answers(tmp_path):
    """``pip install .`` (a wheel): nnlib and every grader command import from site-packages, and the
    lesson sources (solutions and hidden tests) stay out of it."""
    import zipfile

    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "/sources/" in n], "the wheel carries lesson sources (answers)"
    assert "grader/lms/canvas.py" in names and "grader/hub/install.sh" in names and "nnlib/autograd.py" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    probe = "import nnlib, grader.__main__ as m; m.build_parser(); print(nnlib.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert out.returncode == 0 and out.stdout.startswith(str(target)), out.stdout + out.stderr
