"""The layers of DESIGN.md, read from the imports: data flows down, nothing below imports
anything above, side services serve the engine and above, rules stand alone, and no
module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own layer and those below.
LAYERS: list[tuple[str, set[str]]] = [
    ("syntax", {"codemod", "codemod.syntax", "codemod.edits", "codemod.progress"}),
    ("model", {"codemod.model", "codemod.buildtags", "codemod.imports", "codemod.typeexpr"}),
    (
        "library",
        {
            "codemod.scope",
            "codemod.calls",
            "codemod.names",
            "codemod.purity",
            "codemod.startup",
            "codemod.uses",
            "codemod.rewrite",
            "codemod.generated",
            "codemod.oncevalue",
            "codemod.linknames",
            "codemod.rule",
        },
    ),
    ("rules", set()),  # every rules.* module
    (
        "engine",
        {
            "codemod.engine",
            "codemod.changeset",
            "codemod.verify",
            "codemod.registry",
            "codemod.config",
            "codemod.suppress",
            "codemod.diffs",
            "codemod.writer",
            "codemod.summary",
        },
    ),
    ("workflow", {"codemod.workflow", "codemod.deps", "codemod.upstream", "codemod.vendoring"}),
    ("cli", {"codemod.cli", "codemod.testing"}),
]
# Side services: used only by the engine and above; they may use the engine's layer.
SIDE = {
    "codemod.gotool",
    "codemod.gitops",
    "codemod.bench",
    "codemod.render",
    "codemod.render_bench",
    "codemod.render_rules",
    "codemod.render_profile",
    "codemod.profile",
    "codemod.render_html",
    "codemod.graphs",
    "codemod.inittrace",
    "codemod.stats",
    "codemod.scancache",
}
ENGINE = [name for name, _ in LAYERS].index("engine")


def layer_of(module: str) -> int | None:
    """The rank of a module; side services rank with the engine; None: unknown."""
    if module.startswith("rules.") or module == "rules":
        return [name for name, _ in LAYERS].index("rules")
    if module in SIDE:
        return ENGINE
    return next((i for i, (_, members) in enumerate(LAYERS) if module in members), None)


def read_imports(known: set[str]) -> dict[str, set[str]]:
    """Each module of codemod/ and rules/ -> the project modules it imports, anywhere in
    its text (imports inside functions count: they are dependencies all the same)."""
    found: dict[str, set[str]] = {}
    for path in sorted([*REPO.glob("codemod/*.py"), *REPO.glob("rules/*.py")]):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets.add(node.module)
                targets |= {f"{node.module}.{a.name}" for a in node.names} & known
        found[name] = {t for t in targets if t in known and t != name}
    return found


def problems(graph: dict[str, set[str]]) -> list[str]:
    """What breaks the layering in `graph` (module -> modules it imports)."""
    out = []
    for module, targets in sorted(graph.items()):
        rank = layer_of(module)
        if rank is None:
            out.append(f"{module}: no layer; add it to tests/test_layers.py")
            continue
        for target in sorted(targets):
            target_rank = layer_of(target)
            if target_rank is None:
                continue  # reported as a module of its own
            if target in SIDE and rank < ENGINE:
                out.append(f"{module} imports the side service {target}")
            elif target_rank > rank:
                out.append(f"{module} imports {target}, a higher layer")
            elif module.startswith("rules.") and target.startswith("rules."):
                out.append(f"{module} imports another rule, {target}")
    out += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that can reach itself (depth-first)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            found.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def project_modules() -> set[str]:
    names = {".".join(p.relative_to(REPO).with_suffix("").parts) for p in REPO.glob("codemod/*.py")}
    names |= {".".join(p.relative_to(REPO).with_suffix("").parts) for p in REPO.glob("rules/*.py")}
    return {n.removesuffix(".__init__") for n in names}


def test_the_tree_keeps_its_layers() -> None:
    assert problems(read_imports(project_modules())) == []


@pytest.mark.parametrize(
    ("graph", "problem"),
    [
        (
            {"codemod.purity": {"codemod.engine"}},
            "codemod.purity imports codemod.engine, a higher layer",
        ),
        (
            {"codemod.model": {"codemod.scope"}},
            "codemod.model imports codemod.scope, a higher layer",
        ),
        (
            {"codemod.calls": {"rules.lazy_init"}},
            "codemod.calls imports rules.lazy_init, a higher layer",
        ),
        (
            {"rules.lazy_init": {"codemod.gotool"}},
            "rules.lazy_init imports the side service codemod.gotool",
        ),
        ({"rules.x": {"rules.lazy_init"}}, "rules.x imports another rule, rules.lazy_init"),
        ({"codemod.newthing": set()}, "codemod.newthing: no layer; add it to tests/test_layers.py"),
        (
            {"codemod.scope": {"codemod.uses"}, "codemod.uses": {"codemod.scope"}},
            "import cycle: codemod.scope -> codemod.uses -> codemod.scope",
        ),
    ],
)
def test_what_breaks_the_layers_is_caught(graph: dict[str, set[str]], problem: str) -> None:
    assert problem in problems(graph)


def test_imports_are_read_from_every_form() -> None:
    """`from codemod import calls` names the module calls, not the package."""
    graph = read_imports(project_modules())
    assert "codemod.calls" in graph["codemod.purity"]
    assert "codemod.scope" in graph["rules.lazy_init"]
    assert "codemod.verify" in graph["codemod.summary"]  # imported inside a function
