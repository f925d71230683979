"""Stage 2 for `kubectl describe node` (describeNode, describeNodeResource; reference A.5).

What carries failures: Taints and Unschedulable, the Conditions table (Ready with its
reason and message, the pressure conditions), Capacity/Allocatable, the Allocated
resources table (two layouts), the pods on the node, System Info (runtime, kubelet,
architecture) and the events."""
from __future__ import annotations

import re
from typing import Optional

from ..model import AllocatedResource, Node as NodeObj, NodePod, Val
from .fields import annotations, conditions, header_cells, is_rule, kv_values, split_at, top_map, val
from .pod import multi
from .tree import Node

# `1850m (92%)`, `2 (100%)`, `0 (0%)`, `1` (extended resources print no percentage).
_QTY = r"(\S+)(?:\s+\((\d+)%\))?"
_ALLOC_ROW = re.compile(rf"^\s*(?P<res>[A-Za-z][\w./-]*)\s+{_QTY}\s+{_QTY}\s*$")
_OLD_ALLOC_ROW = re.compile(rf"^\s*{_QTY}\s+{_QTY}\s+{_QTY}\s+{_QTY}\s*$")


def _children_map(node: Optional[Node]) -> dict:
    if node is None:
        return {}
    return {c.label: Val(c.value, c.line.no) for c in node.labelled()}


def _allocated(node: Optional[Node]) -> dict:
    if node is None:
        return {}
    out = {}
    old_header = False
    for item in node.children:
        text = item.line.text
        s = text.strip()
        if not s or is_rule(s) or s.startswith("("):
            continue
        if s.startswith("Resource") and "Requests" in s:
            continue
        if s.startswith("CPU Requests"):
            old_header = True            # kubectl <= 1.10: one row, cpu and memory side by side
            continue
        m = _OLD_ALLOC_ROW.match(text) if old_header else None
        if m:
            g = m.groups()
            out["cpu"] = AllocatedResource("cpu", Val(g[0], item.line.no), Val(g[2], item.line.no),
                                           _pct(g[1]), _pct(g[3]), item.line.no)
            out["memory"] = AllocatedResource("memory", Val(g[4], item.line.no), Val(g[6], item.line.no),
                                              _pct(g[5]), _pct(g[7]), item.line.no)
            continue
        m = _ALLOC_ROW.match(text)
        if m:
            g = m.groups()
            out[g[0]] = AllocatedResource(g[0], Val(g[1], item.line.no), Val(g[3], item.line.no), _pct(g[2]),
                                          _pct(g[4]), item.line.no)
    return out


def _pct(text: Optional[str]) -> Optional[int]:
    return int(text) if text else None


def _pods(node: Optional[Node]) -> tuple:
    """`Non-terminated Pods:` rows: Namespace Name CPU Requests CPU Limits Memory Requests Memory Limits [Age]."""
    if node is None:
        return ()
    out = []
    cols = None
    for item in node.children:
        text = item.line.text
        s = text.strip()
        if not s or is_rule(s):
            continue
        if s.startswith("Namespace") and "Name" in s:
            cols = [c for c, _ in header_cells(text)]
            continue
        cells = split_at(text, cols) if cols else None
        if cells is None or len(cells) < 6:
            cells = re.findall(r"\S+ \(\d+%\)|\S+", s)
        if len(cells) < 2:
            continue
        cells = list(cells) + [""] * (7 - len(cells))
        out.append(NodePod(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], item.line.no))
    return tuple(out)


def build_node(root: Node, base: dict) -> NodeObj:
    top = top_map(root)
    pods_node = top.get("Non-terminated Pods")
    return NodeObj(
        **base, kind="Node", labels=kv_values(top.get("Labels")), annotations=annotations(top.get("Annotations")),
        conditions=conditions(top.get("Conditions")), roles=val(top.get("Roles")),
        taints=multi(top.get("Taints")), unschedulable=val(top.get("Unschedulable")),
        addresses=_children_map(top.get("Addresses")), capacity=_children_map(top.get("Capacity")),
        allocatable=_children_map(top.get("Allocatable")), allocated=_allocated(top.get("Allocated resources")),
        pods=_pods(pods_node), pods_total=val(pods_node), system_info=_children_map(top.get("System Info")),
    )
