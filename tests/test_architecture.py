"""The house's shape: no import cycles between the project's modules, no module past about 500 lines."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import_cycles.py"
spec = importlib.util.spec_from_file_location("import_cycles", SCRIPT)
import_cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_cycles)


def test_the_project_has_no_import_cycles():
    modules = import_cycles.project_modules()
    graph = {name: import_cycles.imported_modules(name, path, modules) for name, path in modules.items()}
    assert import_cycles.cycles(graph) == []


def test_no_module_outside_migrations_and_demo_data_is_over_500_lines():
    assert list(import_cycles.long_modules(import_cycles.project_modules())) == []


def test_the_cycle_finder_sees_a_cycle_hidden_in_a_function(tmp_path):
    # The check must be able to fail: two modules that import each other, one of them lazily.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from pkg.a import thing\n")
    modules = {f"pkg.{name}": package / f"{name}.py" for name in ("a", "b")}
    modules["pkg"] = package / "__init__.py"
    graph = {name: import_cycles.imported_modules(name, path, modules) for name, path in modules.items()}
    assert import_cycles.cycles(graph) == [["pkg.a", "pkg.b"]]
