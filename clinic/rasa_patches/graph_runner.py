"""Rasa's prediction graph run in order on the calling thread, without dask.

Rasa 3.6 runs the model's graph for every message twice (understanding the
message, then each prediction of the next action) through dask's synchronous
scheduler. For a graph of a dozen nodes the scheduling (building the dask
graph, the minimal schema, ordering, and a debug message that formats the
whole execution context even when debug logging is off) cost about 9% of the
Rasa server's CPU under load, more than several of the nodes themselves
(docs/performance.md). The nodes are the same objects, called with the same
inputs in an order that respects their dependencies, so the results are too.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner


class SequentialGraphRunner(DaskGraphRunner):
    """Runs the nodes a target needs, each once, dependencies first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orders: dict[tuple[str, ...], tuple[str, ...]] = {}

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        run_targets = tuple(targets or self._graph_schema.target_names)
        # As dask does: an input is passed on as (name, value), and a need that
        # nothing provides as its bare name (GraphNode reports it missing).
        results: dict[str, Any] = {
            name: (name, value) for name, value in (inputs or {}).items()
        }
        for node_name in self._order(run_targets):
            if node_name in results:
                raise GraphRunError(
                    f"Input value '{node_name}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are "
                    f"the same as node names in the graph schema."
                )
            results[node_name] = self._run_node(node_name, results)
        return dict(results[target] for target in run_targets)

    def _run_node(self, node_name: str, results: dict[str, Any]) -> Any:
        needs = self._graph_schema.nodes[node_name].needs.values()
        node = self._instantiated_nodes[node_name]
        try:
            return node(*(results.get(need, need) for need in needs))
        except RuntimeError as error:  # as DaskGraphRunner reports it
            raise GraphRunError("Error running runner.") from error

    def _order(self, targets: tuple[str, ...]) -> tuple[str, ...]:
        if targets not in self._orders:
            order = nodes_in_dependency_order(self._graph_schema, targets)
            self._orders[targets] = order
        return self._orders[targets]


def nodes_in_dependency_order(
    schema: GraphSchema, targets: tuple[str, ...]
) -> tuple[str, ...]:
    """The graph nodes ``targets`` need, each after every node it needs."""
    ordered: list[str] = []
    visited: set[str] = set()

    def visit(name: str) -> None:
        if name in visited or name not in schema.nodes:
            return
        visited.add(name)
        for need in schema.nodes[name].needs.values():
            visit(need)
        ordered.append(name)

    for target in targets:
        visit(target)
    return tuple(ordered)
