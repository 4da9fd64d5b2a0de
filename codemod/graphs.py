"""Directed acyclic graphs of packages, as plain data: shared by the profile (the init
graph among the packages with init work) and its HTML report (the same graph collapsed to
the costliest packages)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def init_edges(order: Sequence[str], imports: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """The graph among the packages of `order` (in init order, imports first: the packages
    with init work, or the ones a report keeps): importer -> imported when the importer
    imports it directly or through packages not in `order`, transitively reduced (an edge
    implied by a longer path is left out). Every edge points to a package earlier in
    `order`."""
    traced = set(order)
    nearest: dict[str, frozenset[str]] = {}

    def reach(pkg: str) -> frozenset[str]:
        """The traced packages `pkg` imports directly or through untraced ones (imports
        are acyclic)."""
        found: set[str] = set()
        for child in imports.get(pkg, ()):
            if child in traced:
                found.add(child)
                continue
            if child not in nearest:
                nearest[child] = reach(child)
            found |= nearest[child]
        return frozenset(found)

    successors = {pkg: reach(pkg) for pkg in order}
    below: dict[str, set[str]] = {}  # every traced package reachable from pkg
    for pkg in order:  # imports come first in init order
        below[pkg] = set()
        for child in successors[pkg]:
            below[pkg] |= {child} | below.get(child, set())
    edges = []
    for pkg in order:
        for child in sorted(successors[pkg]):
            implied = any(
                child in below.get(other, ()) for other in successors[pkg] if other != child
            )
            if not implied:
                edges.append((pkg, child))
    return edges
