"""The benchmarks start one way, and they and the tests keep apart: neither imports the other's helpers."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TESTS = ROOT / "tests"
# What the scripts share; locust loads its file itself and only speaks HTTP to the server the load test starts.
NOT_SCRIPTS = {"demo_setup.py", "figures.py", "plain.py", "locustfile.py"}
# The project's packages: a script that imports one of them (or Django) needs the demo set up.
PROJECT = {"django", "accounts", "audit", "config", "curriculum", "downloads", "exports", "translations", "workshops"}
# A script imports bench's modules by their own names: `python bench/x.py` puts bench/ on the path.
BENCH_MODULES = {"bench"} | {path.stem for path in BENCH.glob("*.py")}


def imported(path):
    """The top-level names of the modules a file imports (relative imports excluded)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def calls_django_setup(path):
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setup"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "django"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def bench_scripts():
    """The scripts that run on the platform (a tool that only reads PDF files, like pdf_weight.py, needs no Django)."""
    return sorted(
        path
        for path in BENCH.glob("*.py")
        if path.name not in NOT_SCRIPTS and (imported(path) & PROJECT or "demo_setup" in imported(path))
    )


def test_every_bench_script_starts_through_demo_setup():
    scripts = bench_scripts()
    assert len(scripts) >= 9
    assert [path.name for path in scripts if "demo_setup" not in imported(path)] == []
    assert [path.name for path in scripts if calls_django_setup(path)] == []


def test_bench_imports_nothing_from_the_tests():
    assert [path.name for path in BENCH.glob("*.py") if "tests" in imported(path)] == []


def test_the_tests_import_nothing_from_bench():
    offenders = [str(path.relative_to(ROOT)) for path in TESTS.rglob("*.py") if imported(path) & BENCH_MODULES]
    assert offenders == []


def test_the_translation_memory_benchmark_runs_small(tmp_path):
    """bench/tm_latency.py on a memory of 2,000 segments (SQLite only): it prints its figures and its verdicts."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, str(BENCH / "tm_latency.py"), "--segments", "2000", "--blocks", "5", "--sqlite-only"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env=env | {"TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "SQLite (FTS5): 2000 segments" in result.stdout
    assert "median per block" in result.stdout and "goal ≤ 100 ms" in result.stdout
    assert "sentences in memory found at 100%" in result.stdout
