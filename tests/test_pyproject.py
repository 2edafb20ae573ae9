"""pyproject.toml and the lock files agree (CONTRIBUTING.md, "Adding a dependency").

``requirements.txt`` (runtime + test, what CI installs) and ``requirements-dev.txt`` (every group)
are generated from ``pyproject.toml`` by ``make lock``. A pin added to ``requirements.txt`` by hand
is tolerated (``make setup`` installs both files, so nothing is missed), but reported so the next
``make lock`` folds it into ``pyproject.toml``; a pin that disagrees with ``pyproject.toml`` fails.
"""
from __future__ import annotations

import re
import tomllib
import warnings
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*(?:;.*)?$")


def group(name: str) -> list[Requirement]:
    """Requirements of a dependency group, its ``include-group`` entries expanded."""
    out: list[Requirement] = []
    for item in PYPROJECT["dependency-groups"][name]:
        out += group(item["include-group"]) if isinstance(item, dict) else [Requirement(item)]
    return out


def runtime() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def lock(name: str) -> tuple[dict[str, str], set[str]]:
    """``{package: version}`` of a lock file, and the packages with no ``# via`` annotation
    (written by hand rather than by ``make lock``)."""
    pins: dict[str, str] = {}
    unannotated: set[str] = set()
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("-"):  # options such as -r/-c: nothing else may be in a lock
            pytest.fail(f"{name}: unexpected option line {text!r}; regenerate with `make lock`")
        m = PIN.match(text)
        assert m, f"{name}: {text!r} is not an exact pin (name==version); CI installs exactly what is locked"
        package = canonicalize_name(m[1])
        assert pins.get(package, m[2]) == m[2], f"{name}: {package} pinned twice at different versions"
        pins[package] = m[2]
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not following.startswith("# via"):
            unannotated.add(package)
    return pins, unannotated


def unmet(requirements: list[Requirement], pins: dict[str, str]) -> list[str]:
    """Requirements the pins leave out or pin at a version outside the requirement."""
    return [f"{r} (locked: {pins.get(canonicalize_name(r.name), 'missing')})" for r in requirements
            if not r.specifier.contains(pins.get(canonicalize_name(r.name), "0!0"), prereleases=True)]


def test_runtime_and_test_groups_are_locked_in_requirements_txt():
    pins, _ = lock("requirements.txt")
    assert not unmet(runtime() + group("test"), pins), "run `make lock` after editing pyproject.toml"


def test_dev_lock_covers_every_group():
    pins, _ = lock("requirements-dev.txt")
    everything = runtime() + group("test") + group("bench") + group("dev")
    assert not unmet(everything, pins), "run `make lock` after editing pyproject.toml"


def test_both_locks_agree_on_shared_packages():
    main, _ = lock("requirements.txt")
    dev, _ = lock("requirements-dev.txt")
    differ = {p: (main[p], dev[p]) for p in main.keys() & dev.keys() if main[p] != dev[p]}
    assert not differ, f"requirements.txt and requirements-dev.txt disagree: {differ}; run `make lock`"


def test_direct_dependencies_are_pinned_exactly():
    """An application: what runs is what was tested, so direct dependencies are ``==`` pins."""
    loose = [str(r) for r in runtime() + group("dev")
             if [s.operator for s in r.specifier] != ["=="]]
    assert not loose, f"pin these exactly in pyproject.toml: {loose}"


def test_hand_added_pins_are_reported():
    """Pins written into requirements.txt by hand (no ``# via`` from ``make lock``) still install,
    but belong in pyproject.toml; listed here so whoever runs ``make lock`` next moves them."""
    _, unannotated = lock("requirements.txt")
    declared = {canonicalize_name(r.name) for r in runtime() + group("test")}
    by_hand = sorted(unannotated - declared)
    if by_hand:
        warnings.warn(f"requirements.txt pins not declared in pyproject.toml: {by_hand}; "
                      "add them to pyproject.toml and run `make lock`", stacklevel=1)
    # The check that can fail: every declared package carries make lock's annotation.
    assert not (unannotated & declared), "requirements.txt was edited by hand; run `make lock`"
