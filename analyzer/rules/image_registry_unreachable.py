"""image-registry-unreachable: the node could not reach or trust the registry."""
from __future__ import annotations

import re

from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from ..workload_edits import node_name
from .rule import RuleMeta

META = RuleMeta(
    id="image-registry-unreachable", cls="image-registry-unreachable", title="Registry unreachable from the node",
    severity=Severity.ERROR, rank=35,
    summary="The node could not reach or trust the registry: DNS, a timeout or refused connection, a proxy, TLS, a plain-HTTP registry, a registry outage or a pull deadline.",
    statuses=("ErrImagePull", "ImagePullBackOff", "RegistryUnavailable", "Init:ImagePullBackOff", "no such host",
              "i/o timeout", "connection refused", "x509"),
    related=("image-auth", "image-rate-limit", "image-not-found"),
    quiet_without_events=(),
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
    "interrupted": ["A retry often works, and the kubelet retries by itself: if the pull keeps breaking off, pull the "
                    "image by hand on the node (`crictl pull`) to see where.",
                    "Check the MTU on the path from the node to the registry: a VPN, an overlay or a Docker-in-Docker / "
                    "k3d / kind network below 1500 lets small requests through and breaks large downloads.",
                    "If a proxy or firewall sits between the nodes and the registry, let long downloads from the registry "
                    "and its blob storage/CDN through; or pull through a mirror or cache near the nodes."],
    "unknown": ["Read the runtime's message below; if it is cut short, paste the full event."],
}
_WHAT = {
    "dns": "the node cannot resolve the registry host{h}",
    "network": "the node cannot connect to the registry{h} (timeout, refused connection or proxy)",
    "tls": "the node does not trust the TLS certificate of the registry{h}",
    "plain-http": "the registry{h} answers plain HTTP but the runtime expects HTTPS",
    "5xx": "the registry{h} answered with a server error",
    "deadline": "the pull of a large or slow image ran past the runtime's deadline",
    "interrupted": ("the download was cut off by the network between the node and the registry{h} ({said}): a proxy or "
                    "firewall dropping the connection, an MTU mismatch on the path (VPN, overlay, Docker-in-Docker), or "
                    "the registry or its CDN closing it. Such breaks are often transient, so a retry often works"),
    "unknown": "the runtime could not pull the image{h}",
}


# What kind of network failure, from Go's net errors in the runtime's message.
_NETWORK = (
    (re.compile(r"proxyconnect", re.I), "the connection through the HTTP(S) proxy failed (check the runtime's proxy settings)"),
    (re.compile(r"connection refused", re.I), "the connection was refused (nothing listens on that address and port, or a "
                                               "firewall rejects it)"),
    (re.compile(r"no route to host|network is unreachable", re.I), "there is no route from the node to the registry"),
    (re.compile(r"tls handshake timeout", re.I), "the TLS handshake timed out (often an MTU or proxy problem)"),
    (re.compile(r"connection reset by peer", re.I), "the connection was reset (a proxy or firewall cut it)"),
    (re.compile(r"i/o timeout|client\.timeout exceeded|request canceled while waiting for connection|dial tcp.*timeout",
                re.I), "the connection timed out (egress blocked by a firewall or security group, or a proxy is needed)"),
)


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        h = f" {case.host}" if case.host else (f" {ref.registry}" if ref.explicit_registry else "")
        said = next((w for w in ("connection reset by peer", "unexpected EOF", "GOAWAY") if w.lower() in
                     (case.error or "").lower()), "the transfer broke off")
        cause = f"Pulling {ref.display} failed because " + _WHAT.get(case.sub, _WHAT["unknown"]).format(h=h, said=said)
        if case.sub == "network":
            how = next((what for rx, what in _NETWORK if rx.search(case.error or "")), None)
            if how:
                cause = f"Pulling {ref.display} failed because the node cannot connect to the registry{h}: {how}"
        elif case.sub == "5xx":
            m = re.search(r"\b(5\d\d)(?: ([A-Z][A-Za-z ]+?))?(?:$|[,;:)\"]| -)", case.error or "")
            if m:
                cause += f" ({m.group(1)}{' ' + m.group(2).strip() if m.group(2) else ''}): usually an outage of the registry or of a proxy/mirror in front of it"
        elif case.sub == "tls":
            m = re.search(r"x509: ([^\"\n]+?)(?:\"|$|\s*\}|: unknown)", case.error or "")
            if m:
                said = m.group(1).strip().rstrip(".")
                if "unknown authority" in said:
                    why = "the certificate comes from a private or self-signed CA the node does not trust, or from a TLS-intercepting proxy"
                elif "expired" in said or "not yet valid" in said:
                    why = "the certificate has expired (or the node's clock is wrong)"
                elif "valid for" in said or "IP SANs" in said:
                    why = "the certificate does not name the host the image refers to"
                else:
                    why = "the certificate cannot be verified"
                cause += f" (x509: {said}): {why}"
        elif case.sub == "dns":
            err = case.error or ""
            if re.search(r"no such host", err, re.I):
                cause += " (\"no such host\": the name does not exist for the node's DNS — a typo, or a private zone the node cannot see)"
            elif re.search(r"server misbehaving|:53: i/o timeout|temporary failure in name resolution", err, re.I):
                cause += " (the node's DNS resolver did not answer properly: its /etc/resolv.conf or the resolver is broken)"
        cause += "."
        node = node_name(ctx) or "<node>"
        host = case.host or ref.registry
        cmds = {
            "dns": [f"kubectl debug node/{node} -it --image=busybox -- nslookup {host.split(':')[0]}"],
            "network": [f"kubectl debug node/{node} -it --image=curlimages/curl -- curl -sSI https://{host}/v2/"],
            "tls": [f"openssl s_client -connect {host if ':' in host else host + ':443'} -showcerts </dev/null"],
            "plain-http": [f"curl -sI http://{host}/v2/"],
            "interrupted": [f"crictl pull {ref.display}  # on the node {node}: does the download finish by hand?"],
        }.get(case.sub, [])
        yield finding_for(ctx, META, case, cause=cause, fix=_FIX.get(case.sub, _FIX["unknown"]), commands=cmds)
