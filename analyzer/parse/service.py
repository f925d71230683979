"""Stage 2 for `kubectl describe service` (describeService; reference A.5).

What carries failures: the Selector and `Endpoints:` (`<none>` with a selector: no Ready pod
matches), the ports (Port / TargetPort / NodePort / Endpoints repeat per port), the load
balancer ingress and the service-controller's events."""
from __future__ import annotations

from ..model import Service, ServicePort, Val
from .fields import annotations, full, kv_values, top_map, val
from .tree import Node


def _ports(root: Node) -> tuple:
    """Each `Port:` line starts a port; the TargetPort/NodePort/Endpoints after it belong to it."""
    out = []
    cur = None
    for c in root.labelled():
        if c.label == "Port":
            if cur is not None:
                out.append(cur)
            words = c.value.split()
            name, port = (words[0], words[1]) if len(words) >= 2 else ("<unset>", c.value)
            cur = {"name": name, "port": port, "line": c.line.no}
        elif cur is not None and c.label in ("TargetPort", "NodePort", "Endpoints"):
            if c.label == "Endpoints":
                cur[c.label] = full(c)
            else:
                # `NodePort:  web  32593/TCP` names the port like `Port:` does: keep the number.
                cur[c.label] = Val(c.value.split()[-1] if c.value.split() else c.value, c.line.no)
    if cur is not None:
        out.append(cur)
    return tuple(ServicePort(p["name"], p["port"], p.get("TargetPort"), p.get("NodePort"), p.get("Endpoints"),
                             p["line"]) for p in out)


def build_service(root: Node, base: dict) -> Service:
    top = top_map(root)
    endpoints = top.get("Endpoints")
    return Service(
        **base, kind="Service", labels=kv_values(top.get("Labels")), annotations=annotations(top.get("Annotations")),
        selector=val(top.get("Selector")), type=val(top.get("Type")), ip=val(top.get("IP")), ips=val(top.get("IPs")),
        external_ips=val(top.get("External IPs")), lb_ingress=val(top.get("LoadBalancer Ingress")),
        ports=_ports(root), endpoints=full(endpoints),
        session_affinity=val(top.get("Session Affinity")),
        external_traffic_policy=val(top.get("External Traffic Policy")),
    )
