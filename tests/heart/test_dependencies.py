"""Dependencies: every range in pyproject.toml bounded above, and the lock files within them."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


def pinned(lock: str) -> dict[str, str]:
    """{name: version} of a pip-compile lock file."""
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", text, re.M)
    }


@pytest.mark.parametrize("requirement", RUNTIME + DEV + BUILD, ids=str)
def test_it_bounds_every_dependency_above(requirement):
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), (
        f"{requirement} has no upper bound"
    )


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME + DEV)],
)
def test_it_locks_every_dependency_within_its_range(lock, requirements):
    versions = pinned(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{lock} lacks {name}: run make lock"
        assert requirement.specifier.contains(versions[name], prereleases=True), (
            f"{lock} pins {name}=={versions[name]} outside {requirement.specifier}: run make lock"
        )
        if "binary" in requirement.extras:  # psycopg[binary] brings psycopg-binary
            assert f"{name}-binary" in versions, f"{lock} lacks {name}-binary: run make lock"


def test_it_hashes_every_locked_package():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        packages = re.findall(
            r"^[A-Za-z0-9._-]+==\S+ \\\n((?:\s+--hash=sha256:\w+ ?\\?\n)+)", text, re.M
        )
        assert len(packages) == len(pinned(lock)), f"{lock}: a package without its hashes"


def test_it_builds_the_image_from_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert not re.search(r"pip install (?!--require-hashes|--no-deps)", dockerfile)
