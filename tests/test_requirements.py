"""The production image installs requirements.txt alone: no test, lint or benchmark tool may be in it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_TOOLS = {
    "pytest",
    "pytest-django",
    "factory-boy",
    "playwright",
    "ruff",
    "djlint",
    "locust",
    "pre-commit",
    "moto",
}


def pinned(path):
    names = set()
    for line in (ROOT / path).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            names.add(line.split("==")[0].strip().lower().replace("_", "-"))
    return names


def test_the_production_requirements_carry_no_development_tool():
    assert pinned("requirements.txt") & DEVELOPMENT_TOOLS == set()


def test_the_development_requirements_add_the_tools_to_the_production_set():
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in text.splitlines()
    assert pinned("requirements-dev.txt") >= DEVELOPMENT_TOOLS
    assert pinned("requirements.txt") & pinned("requirements-dev.txt") == set()


def test_the_image_installs_the_production_set_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile and "requirements-dev" not in dockerfile
