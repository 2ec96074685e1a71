"""gdcore is pure computation: no streamlit, no plotly, read from the source and seen at import time."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

FORBIDDEN = {"streamlit", "plotly"}
MODULES = {"__init__", "__main__", "chain", "config", "data", "descent", "experiment", "line", "network"}


def imported_roots(source: str) -> set[str]:
    """Top-level names of every module the source imports, including importlib.import_module("...")
    and __import__("...") with a literal name."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import plotly.graph_objects as go",
        "from plotly import express",
        "def f():\n    from streamlit.runtime import exists",
        "import importlib\nst = importlib.import_module('streamlit')",
        "px = __import__('plotly.express')",
    ],
)
def test_the_checker_catches_every_way_of_importing(source):
    assert imported_roots(source) & FORBIDDEN


def gdcore_files(repo_root):
    files = sorted((repo_root / "gdcore").glob("*.py"))
    assert {f.stem for f in files} >= MODULES  # the glob really found the package
    return files


def test_no_gdcore_source_imports_streamlit_or_plotly(repo_root):
    for path in gdcore_files(repo_root):
        found = imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN
        assert not found, f"{path.name} imports {found}"


def test_gdcore_needs_only_numpy_pandas_and_the_standard_library(repo_root):
    allowed = {"numpy", "pandas", "gdcore", "__future__", *sys.stdlib_module_names}
    for path in gdcore_files(repo_root):
        extra = imported_roots(path.read_text(encoding="utf-8")) - allowed
        assert not extra, f"{path.name} imports {extra}"


def test_importing_gdcore_loads_neither(repo_root, tmp_path):
    # Stand-in packages that would import without error, so the check fails even where the real
    # streamlit and plotly are not installed, should gdcore ever import them.
    for name in FORBIDDEN:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    script = (
        "import importlib.util, json, sys\n"
        "import gdcore, gdcore.chain, gdcore.config, gdcore.data, gdcore.descent, gdcore.experiment\n"
        "import gdcore.line, gdcore.network\n"
        "import gdcore.__main__\n"
        f"stubs = {{n: importlib.util.find_spec(n).origin for n in {sorted(FORBIDDEN)!r}}}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in stubs)\n"
        "print(json.dumps({'stubs': stubs, 'loaded': loaded, 'gdcore': gdcore.__file__}))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(repo_root)])}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The stand-ins are what `import streamlit` would find, so the check below could fail.
    assert all(origin.startswith(str(tmp_path)) for origin in report["stubs"].values())
    assert report["gdcore"].startswith(str(repo_root / "gdcore"))
    assert report["loaded"] == []
