"""image-registry-unreachable: the node could not reach or trust the registry."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from ..workload_edits import node_name
from .rule import RuleMeta

META = RuleMeta(
    id="image-registry-unreachable", cls="image-registry-unreachable", title="Registry unreachable from the node",
    severity=Severity.ERROR, rank=35,
    summary="The node could not reach or trust the registry: DNS, a timeout or refused connection, a proxy, TLS, a plain-HTTP registry, a registry outage or a pull deadline.",
    statuses=("ErrImagePull", "ImagePullBackOff", "RegistryUnavailable"),
    related=("image-auth", "image-rate-limit", "image-not-found"),
)

_FIX = {
    "dns": ["Check the registry hostname for typos.",
            "Fix DNS on the node (its own /etc/resolv.conf, not the cluster DNS: the container runtime resolves the registry)."],
    "network": ["Open egress from the nodes to the registry and its blob storage/CDN (port 443).",
                "If the nodes need a proxy, configure HTTP_PROXY/HTTPS_PROXY/NO_PROXY for the container runtime's systemd unit."],
    "tls": ["Install the registry's CA on every node for the runtime (containerd: /etc/containerd/certs.d/<host>/ca.crt; "
            "Docker: /etc/docker/certs.d/<host>/ca.crt; CRI-O: /etc/containers/certs.d/<host>/ca.crt).",
            "Or fix the certificate itself (expired, or missing the hostname in its SANs)."],
    "plain-http": ["Serve the registry over TLS, or declare it insecure for the runtime (containerd hosts.toml "
                   "`server = \"http://<host>\"`; Docker insecure-registries; CRI-O registries.conf `insecure = true`)."],
    "5xx": ["The registry (or a proxy/mirror in front of it) is failing: check its status page; the kubelet retries by itself.",
            "Pin the image from a mirror if the outage lasts."],
    "deadline": ["The pull is too slow: pre-pull or cache the image near the nodes, shrink it, or raise the runtime's pull "
                 "progress timeout (containerd image_pull_progress_timeout)."],
    "unknown": ["Read the runtime's message below; if it is cut short, paste the full event."],
}
_WHAT = {
    "dns": "the node cannot resolve the registry host{h}",
    "network": "the node cannot connect to the registry{h} (timeout, refused connection or proxy)",
    "tls": "the node does not trust the TLS certificate of the registry{h}",
    "plain-http": "the registry{h} answers plain HTTP but the runtime expects HTTPS",
    "5xx": "the registry{h} answered with a server error",
    "deadline": "the pull of a large or slow image ran past the runtime's deadline",
    "unknown": "the runtime could not pull the image{h}",
}


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        h = f" {case.host}" if case.host else (f" {ref.registry}" if ref.explicit_registry else "")
        cause = f"Pulling {ref.display} failed because " + _WHAT.get(case.sub, _WHAT["unknown"]).format(h=h) + "."
        node = node_name(ctx) or "<node>"
        host = case.host or ref.registry
        cmds = {
            "dns": [f"kubectl debug node/{node} -it --image=busybox -- nslookup {host.split(':')[0]}"],
            "network": [f"kubectl debug node/{node} -it --image=curlimages/curl -- curl -sSI https://{host}/v2/"],
            "tls": [f"openssl s_client -connect {host if ':' in host else host + ':443'} -showcerts </dev/null"],
            "plain-http": [f"curl -sI http://{host}/v2/"],
        }.get(case.sub, [])
        yield finding_for(ctx, META, case, cause=cause, fix=_FIX.get(case.sub, _FIX["unknown"]), commands=cmds)
