"""sandbox-network-failure: the pod sandbox cannot be created, usually because of the CNI plugin."""
from __future__ import annotations

import re

from ..report import Severity
from ..volumes import pod_stuck_creating
from ..workload_edits import node_name
from .rule import RuleMeta

META = RuleMeta(
    id="sandbox-network-failure", cls="sandbox-network-failure", title="Pod network (sandbox) cannot be set up",
    severity=Severity.ERROR, rank=24,
    summary="The container runtime cannot create the pod's sandbox, almost always because the CNI network plugin failed on that node.",
    statuses=("ContainerCreating", "FailedCreatePodSandBox", "NetworkNotReady", "Failed to create pod sandbox"),
    related=("node-not-ready", "volume-mount-failure"),
    quiet_without_events=(),
)

_PLUGIN = re.compile(r'plugin type="([\w-]+)"|NetworkPlugin (\w+) failed|\b(calico|flannel|cilium|weave|aws-cni|multus|'
                     r'canal|kube-router|antrea|ovn-kubernetes|azure-vnet|openshift-sdn|vpc-cni)\b', re.I)
_KNOWN = (
    ("flannel-subnet", "the flannel daemon on this node is not running or has no subnet yet (/run/flannel/subnet.env missing)",
     re.compile(r"subnet\.env", re.I)),
    ("calico-node", "calico-node is not running on this node (/var/lib/calico/nodename missing)",
     re.compile(r"calico/nodename|check that the calico/node container is running", re.I)),
    ("cni-unauthorized", "the CNI plugin's credentials for the API server are invalid or expired",
     re.compile(r"connection is unauthorized|Unauthorized", re.I)),
    ("apiserver", "the CNI plugin cannot reach the API server's service IP (kube-proxy or routing broken)",
     re.compile(r"dial tcp 10\.\d+\.\d+\.\d+:443: i/o timeout|https://10\.\d+\.\d+\.\d+:443", re.I)),
    # The AWS VPC CNI's own wording: ipamd had no free secondary IP on the node's ENIs.
    ("vpc-ip-exhausted", "the AWS VPC CNI has no free IP for the pod on this node: the instance type's ENI/IP limit is "
     "reached or the subnet has run out of free addresses",
     re.compile(r"add cmd: failed to assign an IP address to container", re.I)),
    ("ip-exhausted", "the node has run out of pod IP addresses",
     re.compile(r"no IP addresses available|failed to assign an IP address|failed to allocate for range", re.I)),
    ("cni-binary", "the CNI plugin binaries are not installed on the node",
     re.compile(r"failed to find plugin", re.I)),
    ("cni-config", "the node has no CNI configuration (the network plugin is not installed or not running there)",
     re.compile(r"cni plugin not initialized|no networks found in /etc/cni/net\.d|cni config uninitialized|network plugin is not ready", re.I)),
    ("bridge", "a stale cni0 bridge with an old address is left on the node",
     re.compile(r'already has an IP address different from', re.I)),
    ("pause-image", "the runtime cannot pull the sandbox (pause) image",
     re.compile(r"failed to get sandbox image|pause:\S+.*failed to pull", re.I)),
    ("name-reserved", "an earlier sandbox request timed out and is still running in the runtime (a slow or overloaded node)",
     re.compile(r"failed to reserve sandbox name", re.I)),
    ("silent", "the CNI plugin failed without saying why (netplugin failed with no error message): its binary crashed or "
     "does not match the installed plugin version", re.compile(r"netplugin failed with no error message|failed with no error message", re.I)),
    ("runtime", "the container runtime (runc) failed on the node",
     re.compile(r"OCI runtime create failed|failed to create containerd task", re.I)),
)
_FIX = {
    "flannel-subnet": "Check the kube-flannel pod on this node; if the node has no podCIDR, set --allocate-node-cidrs/--cluster-cidr on the controller manager.",
    "calico-node": "Check the calico-node pod on this node (`kubectl -n kube-system get pods -o wide | grep calico-node`).",
    "cni-unauthorized": "Restart the CNI DaemonSet pod on the node so it refreshes its token.",
    "apiserver": "Fix kube-proxy on the node (the service IP of the API server must be reachable).",
    "vpc-ip-exhausted": "Check the subnet's free IPv4 addresses and the aws-node (ipamd) logs on that node; enable prefix delegation (ENABLE_PREFIX_DELEGATION=true on the aws-node DaemonSet), add subnets, or use instance types with more ENI capacity; keep maxPods within what the instance can address.",
    "ip-exhausted": "Free leaked IP reservations (/var/lib/cni/networks/<net>/ on the node) or enlarge the pod CIDR / subnet; lower maxPods.",
    "cni-binary": "Install the CNI plugins (containernetworking-plugins) into the runtime's bin_dir (/opt/cni/bin).",
    "cni-config": "Install the cluster's CNI plugin, or fix its DaemonSet pod on this node; the node is usually NotReady too.",
    "bridge": "Delete the stale bridge on the node (`ip link delete cni0`) and restart the CNI pod.",
    "pause-image": "Make the pause image pullable from the node (mirror, or containerd sandbox_image).",
    "name-reserved": "Investigate the node's load and disk latency; it usually clears when the first call completes.",
    "silent": "Read the CNI plugin's own log on that node (calico: /var/log/calico/cni/cni.log; others: the kubelet or runtime journal) and check that the plugin binaries in /opt/cni/bin match the CNI DaemonSet's version.",
    "runtime": "Node remediation: check the runtime's logs (journalctl -u containerd) on the node.",
}


# Where the CNI's own words start: after the last `network: `, `network "<name>": `, `failed (add): ` or `desc = `.
_SAID = re.compile(r'network(?: "[^"]*")?: |failed \((?:add|delete|check)\): |desc = ')


def _said(text: str) -> str:
    marks = list(_SAID.finditer(text))
    if not marks:
        return ""
    said = text[marks[-1].end():].strip().strip("[]").strip()
    return said if len(said) <= 200 else said[:199] + "…"


def check(ctx):
    pod = ctx.obj
    if not pod_stuck_creating(pod):
        return
    evs = [e for e in ctx.obj.events if e.reason in ("FailedCreatePodSandBox", "NetworkNotReady")
           or re.match(r"Failed (?:to )?create pod sandbox", e.message)]
    e = ctx.newest(evs)
    if e is None:
        return
    text = re.sub(r"\s+", " ", e.message)
    plugin = None
    for pm in _PLUGIN.finditer(text):
        name = next((g for g in pm.groups() if g), None)
        if name and name.lower() not in ("cni", "portmap", "loopback", "bandwidth"):
            plugin = name.lower()
            break
    sub, meaning = "other", "the runtime reported an error while setting up the pod network"
    for key, what, rx in _KNOWN:
        if rx.search(text):
            sub, meaning = key, what
            break
    node = node_name(ctx) or "<node>"
    where = f"on {node}" if node != "<node>" else "on its node"
    if sub == "other":
        said = _said(text)
        if said:
            meaning += f": \"{said}\""
    cause = f"The pod's sandbox cannot be created {where}: {meaning}" + (f" (CNI plugin: {plugin})" if plugin else "") + "."
    fix = [_FIX.get(sub, "Read the CNI error above and the logs of the CNI DaemonSet pod on that node.")]
    fix.append(f"Check: `{ctx.kubectl('get', 'pod', ctx.name, '-o', 'wide')}` shows an IP and the pod leaves ContainerCreating.")
    cmds = [ctx.kubectl("get", "pods", "-n", "kube-system", "-o", "wide", "--field-selector", f"spec.nodeName={node}", namespaced=False),
            ctx.kubectl("describe", "node", node, namespaced=False)]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(e), fix=fix, commands=cmds,
                      details={"cni_plugin": plugin, "sub_cause": sub, "node": node})
