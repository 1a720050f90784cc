#!/usr/bin/env python3
"""Report import cycles between the project's own modules, and modules that have grown too long.

Every import counts, at module level or inside a function: an import moved into a function
to dodge a cycle still ties the two modules together, so it is reported too.

    python scripts/import_cycles.py            # prints cycles and long modules, exits 1 if any
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "audit", "config", "curriculum", "downloads", "exports", "translations", "workshops")
MAX_LINES = 500
# Long by nature, not by mixing subjects: schema history and demo content.
LONG_ALLOWED = ("/migrations/", "/demo/")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "/migrations/" not in str(path):
                modules[module_name(path)] = path
    return modules


def imported_modules(name, path, known):
    """The project modules that `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph[node]:
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(result)


def long_modules(modules):
    for name, path in sorted(modules.items()):
        if any(part in str(path) for part in LONG_ALLOWED):
            continue
        length = len(path.read_text().splitlines())
        if length > MAX_LINES:
            yield name, length


def main():
    modules = project_modules()
    # A package's __init__ is imported by every module inside it; it must not import them back.
    graph = {name: imported_modules(name, path, modules) for name, path in modules.items()}
    found = cycles(graph)
    for component in found:
        print("import cycle:", " <-> ".join(component))
    too_long = list(long_modules(modules))
    for name, length in too_long:
        print(f"{name}: {length} lines (more than {MAX_LINES})")
    if not found and not too_long:
        print(f"{len(modules)} modules, no import cycles, none over {MAX_LINES} lines")
    return 1 if found or too_long else 0


if __name__ == "__main__":
    sys.exit(main())
