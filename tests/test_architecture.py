"""The house's floors (docs/architecture.md): imports between apps run only downward.

Every module of every app is read with `ast`, never imported. Each import of one of our
packages, absolute or relative, at the top of a module or inside a function, and each
`import_module("...")` of a literal name, must go to the same app or to an app on a lower
floor; two apps of one floor may import each other only one way and only as listed in
SIDEWAYS. No app imports the project package `heart` (settings come through
django.conf.settings, the Celery app through celery's shared_task and current_app).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "heart"

FLOORS: dict[str, int] = {
    # 0, the kernel: the web layer's shared pieces, people, places, background work.
    "web": 0,
    "people": 0,
    "location": 0,
    "background": 0,
    # 1: roles, sign-in, API auth and permissions, the audit log, navigation.
    "access": 1,
    "triage": 2,
    # Disciplines, languages and team templates; dispatch keeps the roster on top of it.
    "workforce": 2,
    "dispatch": 3,
    # Care navigation reads calls: it stands above dispatch.
    "care_navigation": 4,
    # NENA EIDO in and out, partner agencies and their deliveries; beside care navigation,
    # never importing it (no care-navigation data goes into an EIDO).
    "interop": 4,
    # The overview and dashboards read every app below.
    "dashboards": 5,
    # The demo department seeds every app, and refreshes the dashboards' rollups at the end.
    "demo": 6,
}
# (importer, imported) pairs of one floor allowed one way. None is needed today; an entry
# here is a decision to write down in docs/architecture.md, not a way to make this pass.
SIDEWAYS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, "dispatch.services.calls"
    target: str  # what it imports, "triage.engine"
    line: int

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.target}"


def imports_of(module: str, source: str, *, is_package: bool = False) -> list[Import]:
    """Every import in `source`, the text of `module`, with relative names made absolute."""
    found: list[Import] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            # `from pkg import name`: name may be a module; the package is what the floors see.
            targets = [prefix] if node.module else [f"{prefix}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        found += [Import(module, target, node.lineno) for target in targets if target]
    return found


def app_imports(app: str) -> Iterator[Import]:
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        yield from imports_of(module, path.read_text(), is_package=is_package)


def violations(
    imports: Iterable[Import],
    floors: Mapping[str, int] = FLOORS,
    sideways: frozenset[tuple[str, str]] = SIDEWAYS,
) -> list[str]:
    problems = []
    for found in imports:
        source, target = found.module.split(".")[0], found.target.split(".")[0]
        if target == source:
            continue
        if target == PROJECT:
            problems.append(f"{found}: an app never imports the project package")
        elif target not in floors:
            continue  # Django, the standard library, a third-party package
        elif floors[target] > floors[source]:
            problems.append(f"{found}: up from floor {floors[source]} to floor {floors[target]}")
        elif floors[target] == floors[source] and (source, target) not in sideways:
            problems.append(f"{found}: across floor {floors[source]}, not listed in SIDEWAYS")
    return problems


# The house.


def test_it_puts_every_app_of_the_project_on_a_floor():
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT and config.label != PROJECT
    }
    assert ours == set(FLOORS)


def test_it_finds_only_downward_imports_between_apps():
    imports = [found for app in FLOORS for found in app_imports(app)]
    # The scan reads real modules: it sees the imports the floors allow.
    assert "triage.engine" in {i.target for i in imports if i.module == "dispatch.services.calls"}
    assert {i.target.split(".")[0] for i in imports if i.module.startswith("dashboards.")} >= {
        "dispatch",
        "care_navigation",
        "access",
    }
    problems = violations(imports)
    assert not problems, "imports against the floors:\n" + "\n".join(problems)


# The test of the test.


def test_it_fails_an_upward_import_naming_the_module_and_the_import():
    upward = imports_of("triage.services", "from dispatch.models import Call\n")
    assert violations(upward) == [
        "triage.services (line 1) imports dispatch.models: up from floor 2 to floor 3"
    ]


def test_it_fails_an_upward_import_inside_a_function_and_by_import_module():
    source = (
        "import importlib\n"
        "def clear():\n"
        "    from care_navigation.services import case_open_from_referral\n"
        "    return importlib.import_module('dashboards.rollups')\n"
    )
    problems = violations(imports_of("dispatch.services.clearing", source))
    assert problems == [
        "dispatch.services.clearing (line 3) imports care_navigation.services: "
        "up from floor 3 to floor 4",
        "dispatch.services.clearing (line 4) imports dashboards.rollups: "
        "up from floor 3 to floor 5",
    ]


def test_it_resolves_relative_imports_within_the_app():
    found = imports_of("dispatch.services.calls", "from ..models import Call\nfrom . import x\n")
    assert [i.target for i in found] == ["dispatch.models", "dispatch.services.x"]
    package = imports_of("dispatch.services", "from .calls import call_create\n", is_package=True)
    assert [i.target for i in package] == ["dispatch.services.calls"]
    assert violations(found + package) == []


def test_it_fails_an_import_across_one_floor_unless_listed():
    across = imports_of("people.models", "import web.models\n")
    assert violations(across) == [
        "people.models (line 1) imports web.models: across floor 0, not listed in SIDEWAYS"
    ]
    assert violations(across, sideways=frozenset({("people", "web")})) == []
    # Listed one way only.
    back = imports_of("web.models", "from people.models import Person\n")
    assert violations(back, sideways=frozenset({("people", "web")})) != []


def test_it_fails_an_app_importing_the_project_and_allows_downward_imports():
    assert violations(imports_of("dispatch.tasks", "from heart.celery import app\n")) == [
        "dispatch.tasks (line 1) imports heart.celery: an app never imports the project package"
    ]
    downward = imports_of("dashboards.views", "from access.audit import audit_record\n")
    assert violations(downward) == []


def test_it_packages_and_typechecks_every_app():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.rstrip("*") for name in include} == {PROJECT, *FLOORS}
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^APPS := (.+)$", makefile, re.M)
    assert listed is not None and set(listed.group(1).split()) == {PROJECT, *FLOORS}
