"""The house rules on imports, read from the source: `analysis` -> `athletes` ->
`coach_platform`, never back; the core is plain Python (no Django, no app) and its stages
import forward only (video -> pose -> reps -> lifts -> images -> pipeline; the detector beside
the pipeline, never known by it); no two service modules (nor two selector or view modules,
nor two core modules) import each other, however far round.

Every import counts, at module level or inside a function (a lazy import is still a
dependency). Migrations are history and are not read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def imports_of(path: Path, module: str | None = None) -> set[str]:
    """Every module `path` (the module named `module`) imports: absolute names, relative
    imports resolved, and for `from X import y` also `X.y`, which is a module when `y` is."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (module or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _is_under(name: str, top: str) -> bool:
    return name == top or name.startswith(top + ".")


def test_the_import_reader_sees_lazy_and_relative_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import django.db\n    from . import decode\n")
    found = imports_of(probe, "core.video.probe")
    assert "django.db" in found and "core.video.decode" in found


# The project's apps in the order they may import one another (as in INSTALLED_APPS): an app's
# models, services, selectors, tasks and commands import only itself and the apps before it.
# Pages and the API (views, api, urls, template tags) of the apps after `athletes` sit on top
# of them all and may read any app.
APPS = ["coach_platform", "athletes", "sets", "notifications", "detectors", "analysis", "uploads",
        "reviews", "sharing", "training"]  # fmt: skip
TOP = {"views", "api", "api_urls", "urls", "templatetags"}


def _app_sources() -> list[Path]:
    return [p for app in APPS for p in _sources(app)]


def _on_top(module: str) -> bool:
    app, *rest = module.split(".")
    return app not in ("coach_platform", "athletes") and bool(rest) and rest[0] in TOP


def test_the_app_order_is_the_installed_order():
    from django.conf import settings

    assert [a for a in settings.INSTALLED_APPS if a in APPS] == APPS[1:]


@pytest.mark.parametrize("path", _app_sources(), ids=_module_name)
def test_apps_import_only_the_apps_before_them(path):
    module = _module_name(path)
    app = module.split(".")[0]
    allowed = APPS if _on_top(module) else APPS[: APPS.index(app) + 1]
    later = [a for a in APPS if a not in allowed]
    bad = sorted(n for n in imports_of(path) if any(_is_under(n, a) for a in later))
    assert not bad, f"{module} imports {bad}"


# The core's stages, in the order they may import one another: a stage imports only itself
# and the stages before it. The detector stands beside the pipeline: it reads a rep's result
# and the lifts' faults, and the pipeline gets its judgement as data (never imports it).
STAGES = [
    "core.errors",
    "core.result",
    "core.video",
    "core.pose",
    "core.reps",
    "core.lifts",
    "core.images",
    "core.pipeline",
]
DETECTOR_READS = {"core.errors", "core.result", "core.lifts", "core.detector"}


def _stage(name: str) -> str | None:
    return next((s for s in [*STAGES, "core.detector"] if _is_under(name, s)), None)


@pytest.mark.parametrize("path", _sources("core"), ids=_module_name)
def test_the_core_is_plain_python_and_its_stages_import_forward(path):
    own = _stage(_module_name(path))
    if own == "core.detector":
        allowed = DETECTOR_READS
    else:  # the package's own __init__ (no stage) imports none
        allowed = set(STAGES[: STAGES.index(own) + 1]) if own else set()
    bad = []
    for name in sorted(imports_of(path)):
        outside = any(_is_under(name, top) for top in ("django", "rest_framework", *APPS))
        if outside or (_is_under(name, "core") and name != "core" and _stage(name) not in allowed):
            bad.append(name)
    assert not bad, f"{_module_name(path)} imports {bad}"


def _kind(module: str) -> str | None:
    """services, selectors or views (pages, API and routes) of any app; the core."""
    parts = module.split(".")
    if parts[0] == "core":
        return "core"
    if parts[0] not in APPS:
        return None
    for kind in ("services", "selectors"):
        if kind in parts[1:2]:
            return kind
    return "views" if _on_top(module) or parts[1:2] in (["views"], ["api"]) else None


@pytest.mark.parametrize("kind", ["services", "selectors", "views", "core"])
def test_no_two_modules_of_a_kind_import_each_other(kind):
    """Nor two selector modules, nor two view modules, in one app or across apps: each is
    split by subject; and no two modules of the core import each other."""
    sources = _app_sources() + _sources("core")
    modules = {_module_name(p): p for p in sources if _kind(_module_name(p)) == kind}
    # A module's own packages are not edges: Python runs them before any of their modules.
    graph = {
        name: {o for o in imports_of(path) if o in modules and not _is_under(name, o)}
        for name, path in modules.items()
    }
    cycles = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycles.append(path[path.index(other) :] + [other])
            elif other not in state:
                visit(other)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("path", _app_sources(), ids=_module_name)
def test_tasks_are_enqueued_by_their_function_not_a_dotted_name(path):
    """A dotted string (written there or in a module constant) hides the import of the work
    it runs from the rules above."""
    tree = ast.parse(path.read_text(), filename=str(path))
    strings = {  # NAME = "..." at module level
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    named = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "async_task"
        and node.args
        and (
            isinstance(node.args[0], ast.Constant)
            or (isinstance(node.args[0], ast.Name) and node.args[0].id in strings)
        )
    ]
    assert not named, f"{_module_name(path)} enqueues by name on lines {named}"
