"""environment.yml and pyproject.toml must describe the same environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent


def _normalise(spec: str) -> tuple[str, str]:
    req = Requirement(spec)
    return req.name.lower().replace("_", "-"), str(req.specifier)


def _pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]


def _environment_pip() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml must have exactly one pip: section"
    return pip_sections[0]


def test_environment_lists_the_same_requirements_as_pyproject():
    project = _pyproject()
    expected = {_normalise(s) for s in project["dependencies"]}
    expected |= {_normalise(s) for s in project["optional-dependencies"]["dev"]}
    listed = [s for s in _environment_pip() if not s.startswith("-e")]
    got = {_normalise(s) for s in listed}
    assert len(listed) == len(got), "environment.yml lists a requirement twice"
    assert got == expected, (
        f"only in environment.yml: {sorted(got - expected)}; "
        f"only in pyproject.toml: {sorted(expected - got)}"
    )


def test_environment_installs_the_package_itself_and_a_supported_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "-e ." in _environment_pip()
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python, "environment.yml must pin a Python version"
    version = python[0].split("=")[-1]
    major, minor = (int(x) for x in version.split(".")[:2])
    required = _pyproject()["requires-python"]
    assert Requirement(f"python{required}").specifier.contains(f"{major}.{minor}")
