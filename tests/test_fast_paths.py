"""The exceptions to "the hot paths are Django's idiom" (docs/architecture.md), listed.

A module that leaves Django's idiom for speed says so with a module-level ``FAST_PATH`` (what it
is for) and a docstring with the figure that made it necessary (bench/README.md). This test
reads every module of the project with ``ast`` and fails on one that is not listed here, or on
one listed that no longer says it: a new fast path is a decision, made in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_architecture import FLOORS, ROOT

LISTED = {
    "access.permission_cache": "API permissions: call create p95 at 16 clients (issue 12)",
}


def _fast_paths() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in [*FLOORS, "heart"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in tree.body:
                if (
                    isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "FAST_PATH" for t in node.targets)
                    and isinstance(node.value, ast.Constant)
                ):
                    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                    found[module] = str(node.value.value)
    return found


def test_every_fast_path_is_listed():
    assert _fast_paths() == LISTED


def test_each_fast_path_gives_its_figure_and_the_bench_readme_has_it():
    readme = (ROOT / "bench" / "README.md").read_text()
    for module in LISTED:
        path = ROOT / Path(*module.split(".")).with_suffix(".py")
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert "bench/README.md" in doc and " ms" in doc, module
        assert module.replace(".", "/") + ".py" in readme, module
