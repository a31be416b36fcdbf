"""Pinned and declared versions agree: every dependency in pyproject.toml is pinned in constraints.txt
at a version its specifier allows (so no pin lies below a lower bound), and binder/requirements.txt
installs the same versions as the tests ran with."""

from __future__ import annotations

import re

from packaging.requirements import Requirement

from .conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path) -> dict[str, str]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    found = {}
    for line in lines:
        if "==" in line:
            name, version = line.split("==", 1)
            found[canonical(name)] = version.strip()
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    return [Requirement(line) for line in lines]


def test_every_dependency_is_pinned_within_its_declared_range():
    pinned = pins(ROOT / "constraints.txt")
    for req in declared():
        if req.marker and not req.marker.evaluate():
            continue  # e.g. tomli, only for Python < 3.11
        name = canonical(req.name)
        assert name in pinned, f"{req.name} is in pyproject.toml but not pinned in constraints.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {req.name}=={pinned[name]}, outside pyproject.toml's {req}"
        )


def test_every_declared_dependency_has_a_lower_bound():
    for req in declared():
        assert any(s.operator in {">=", "=="} for s in req.specifier), f"{req} states no lower bound"


def test_constraints_are_exact_and_leave_out_the_course():
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines), "only name==version lines"
    assert "soft-power-companion" not in pins(ROOT / "constraints.txt")


def test_binder_installs_the_versions_the_tests_ran_with():
    pinned = pins(ROOT / "constraints.txt")
    binder = pins(ROOT / "binder" / "requirements.txt")
    differ = {
        name: (v, pinned.get(name)) for name, v in binder.items() if name != "nbgitpuller" and pinned.get(name) != v
    }
    assert not differ, f"binder/requirements.txt and constraints.txt disagree: {differ}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(line) for line in project["dependencies"]]
    missing = [r.name for r in runtime if (not r.marker or r.marker.evaluate()) and canonical(r.name) not in binder]
    assert not missing, f"binder/requirements.txt does not pin {missing}"


def test_installs_use_the_pins():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -c constraints.txt -e . &&" in readme  # the start command
    assert 'pip install -c constraints.txt -e ".[test]"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_tested_lower_bounds_are_pyprojects_lower_bounds():
    from packaging.version import Version

    tested = pins(ROOT / ".ci" / "lower-bounds.txt")
    for req in declared():
        if req.marker and not req.marker.evaluate():
            continue
        lower = [Version(s.version) for s in req.specifier if s.operator == ">="]
        assert canonical(req.name) in tested, f"{req.name} is missing from .ci/lower-bounds.txt"
        assert lower == [Version(tested[canonical(req.name)])], f"{req} vs .ci/lower-bounds.txt"
