"""Stage 1: the lines of one described object -> a lossless indentation tree.

kubectl's describers print `Label:<spaces>value` lines through a tabwriter (padding 2,
spaces only) at indent levels of two spaces (PrefixWriter LEVEL_0..LEVEL_4). The value
column is not fixed, so a label ends at the first ":" followed by whitespace or the end
of the line (describe.go `tabbedString`). Lines without a label are items (Mounts,
Command argv, table rows) or continuations of a multi-valued field (Labels,
Annotations, Tolerations) aligned under its value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .text import Line

_TABLE_HEADER = re.compile(r"^Type\s+Status\b")
_LABEL = re.compile(r"^( *)([^\s:/<\[{(\"'=][^:=]{0,60}?):(?:\s+(.*)|)$")

# Fields whose value may run over several raw lines that must not be read as labels:
# a termination message written to /dev/termination-log (stack traces continue at column 0,
# describe.go prints it without splitting), Command/Args argv lines.
RAW_VALUE_LABELS = {"Message"}
RAW_CHILD_LABELS = {"Command", "Args"}

# Labels that end a raw multi-line value when they appear again (describePod,
# describeContainerState and friends).
KNOWN_LABELS = {
    "Name", "Namespace", "Priority", "Priority Class Name", "PriorityClassName", "Runtime Class Name",
    "Service Account", "Node", "Start Time", "Labels", "Annotations", "Status", "Reason", "Message",
    "IP", "IPs", "Controlled By", "Controllers", "NominatedNodeName", "Init Containers", "Containers",
    "Ephemeral Containers", "Conditions", "Volumes", "QoS Class", "QoS Tier", "Node-Selectors",
    "Tolerations", "Events", "Termination Grace Period", "SeccompProfile", "Readiness Gates",
    "Topology Spread Constraints", "Container ID", "Image", "Image ID", "Port", "Ports", "Host Port",
    "Host Ports", "Command", "Args", "State", "Last State", "Ready", "Restart Count", "Limits",
    "Requests", "Liveness", "Readiness", "Startup", "Environment", "Environment Variables",
    "Environment Variables from", "Mounts", "Devices", "Exit Code", "Signal", "Started", "Finished",
    "Created By", "Service Account", "Resources", "SchedulingGroup", "LocalhostProfile", "Restart Policy",
}

# Multi-valued fields: later values continue on lines aligned under the first value, and an
# annotation line (`key: value`) there is a value, not a label (describe.go printLabelsMultiline,
# printAnnotationsMultiline, printTaintsMultiline).
MULTI_VALUE_LABELS = {
    "Labels", "Annotations", "Tolerations", "Node-Selectors", "Taints", "Used By", "Mounted By",
    "Topology Spread Constraints", "Finalizers", "Active Jobs", "IPs", "Node-Selector",
}

# Every label a describer of a supported kind prints, for telling a describe line from prose.
DESCRIBE_LABELS = KNOWN_LABELS | MULTI_VALUE_LABELS | {
    "CreationTimestamp", "Selector", "Replicas", "StrategyType", "MinReadySeconds", "RollingUpdateStrategy",
    "Pod Template", "OldReplicaSets", "NewReplicaSet", "Pods Status", "Pods Statuses", "Update Strategy",
    "Partition", "Volume Claims", "Desired Number of Nodes Scheduled", "Current Number of Nodes Scheduled",
    "Number of Nodes Scheduled with Up-to-date Pods", "Number of Nodes Scheduled with Available Pods",
    "Number of Nodes Misscheduled", "Parallelism", "Completions", "Completion Mode", "Suspend", "Backoff Limit",
    "Start Time", "Completed At", "Duration", "Active Deadline Seconds", "Schedule", "Concurrency Policy",
    "Time Zone", "Successful Job History Limit", "Failed Job History Limit", "Starting Deadline Seconds",
    "Last Schedule Time", "Job Template", "Roles", "Unschedulable", "Lease", "HolderIdentity", "AcquireTime",
    "RenewTime", "Addresses", "Capacity", "Allocatable", "System Info", "PodCIDR", "PodCIDRs", "ProviderID",
    "ExternalID", "Non-terminated Pods", "Allocated resources", "StorageClass", "Volume", "Access Modes",
    "VolumeMode", "DataSource", "Type", "IP Family Policy", "IP Families", "LoadBalancer Ingress", "TargetPort",
    "NodePort", "Endpoints", "Session Affinity", "External Traffic Policy", "Internal Traffic Policy",
    "External IPs", "Image(s)", "Kind", "API Version", "Metadata", "Spec", "Status", "Path", "HostPathType",
    "SecretName", "Optional", "ClaimName", "ReadOnly", "Medium", "SizeLimit", "TokenExpirationSeconds",
    "ConfigMapName", "ConfigMapOptional", "DownwardAPI", "Machine ID", "System UUID", "Boot ID",
    "Kernel Version", "OS Image", "Operating System", "Architecture", "Container Runtime Version",
    "Kubelet Version", "Kube-Proxy Version", "InternalIP", "ExternalIP", "Hostname", "InternalDNS",
    "ExternalDNS", "Latest Version", "Triggers", "Strategy", "Template", "Persistent Volume Claims",
}


@dataclass(slots=True)          # tens of thousands per big paste
class Node:
    label: Optional[str]          # None for an item line
    value: str
    line: Line
    indent: int
    value_col: int
    children: list = field(default_factory=list)
    more: list = field(default_factory=list)     # continuation Lines of a multi-line value

    def child(self, label: str) -> Optional["Node"]:
        for c in self.children:
            if c.label == label:
                return c
        return None

    def labelled(self) -> list:
        return [c for c in self.children if c.label is not None]

    def items(self) -> list:
        return [c for c in self.children if c.label is None]

    @property
    def values(self) -> list:
        """First value plus continuation values (Labels, Tolerations, ...), as (text, line)."""
        out = []
        if self.value:
            out.append((self.value, self.line.no))
        out.extend((m.text.strip(), m.no) for m in self.more if m.text.strip())
        return out

    @property
    def full_value(self) -> str:
        """The value with continuation lines joined by newlines (termination messages)."""
        parts = [self.value] + [m.text for m in self.more]
        return "\n".join(parts).strip()

    @property
    def last_line(self) -> int:
        """The last pasted line of the field: its own, its continuation lines', its children's."""
        last = 0
        todo = [self]
        while todo:
            n = todo.pop()
            no = n.line.no
            if no > last:
                last = no
            if n.more:
                no = n.more[-1].no
                if no > last:
                    last = no
            if n.children:
                todo.extend(n.children)
        return last


@lru_cache(maxsize=65536)
def match_label(text: str):
    """-> (indent, label, value, value_col) or None. (Cached: the same lines recur in every object.)"""
    m = _LABEL.match(text)
    if not m:
        return None
    label = m.group(2).rstrip()
    if "  " in label or label.endswith(" "):
        return None
    value = (m.group(3) or "").strip()
    value_col = m.start(3) if m.group(3) is not None else len(text)
    return len(m.group(1)), label, value, value_col


def build(lines: list) -> Node:
    """Build the tree of one object's lines (noise and blank lines are skipped)."""
    root = Node(None, "", Line(0, "", ""), -1, 0)
    stack = [root]
    raw_parents = 0                        # nodes on the stack labelled Command or Args
    table = None                           # a Conditions node whose flattened rows follow
    prev: Optional[Node] = None
    raw_owner: Optional[Node] = None      # a Message whose following lines belong to it

    for ln in lines:
        if ln.noise or ln.blank:
            if ln.noise == "elision" and ln.text == "--":
                # grep's separator: the next group of lines is not under the fields before it.
                stack[1:] = []
                raw_parents = 0
                prev = raw_owner = table = None
            continue
        text = ln.text
        ind = ln.indent
        lab = match_label(text)

        if raw_owner is not None:
            # A raw value (a termination message) ends at the next field: a known one, or any label
            # at the message's own indent (the generic describer's `Message:` among its siblings).
            ends = lab is not None and ((lab[1] in KNOWN_LABELS and (lab[0] > 0 or raw_owner.indent == 0)) or
                                        (lab[0] == raw_owner.indent and raw_owner.indent > 0))
            if not ends:
                raw_owner.more.append(ln)
                continue
            raw_owner = None

        if raw_parents:
            parent_raw = next((n for n in reversed(stack) if n.label in RAW_CHILD_LABELS), None)
            # argv lines: indented under Command/Args, or at column 0 when an element held newlines (a
            # whole script in Args); they end at the next container field or a shallower label.
            in_argv = parent_raw is not None and bool(parent_raw.children) and prev is parent_raw.children[-1]
            if parent_raw is not None and (lab is None or lab[1] not in KNOWN_LABELS) and (
                    ind > parent_raw.indent or ((ind == 0 or in_argv) and (lab is None or lab[1] not in DESCRIBE_LABELS))):
                item = Node(None, text.strip(), ln, ind, ind)
                parent_raw.children.append(item)
                prev = item
                continue

        if lab is not None and prev is not None and prev.label in MULTI_VALUE_LABELS and (prev.value or prev.more) \
                and lab[0] > prev.indent and lab[0] >= prev.value_col - 2 and lab[1] not in KNOWN_LABELS:
            prev.more.append(ln)        # `key: value` annotation lines under Annotations
            continue

        if lab is not None:
            table = None
            indent, label, value, value_col = lab
            while stack[-1].indent >= indent:
                if stack.pop().label in RAW_CHILD_LABELS:
                    raw_parents -= 1
            node = Node(label, value, ln, indent, value_col)
            stack[-1].children.append(node)
            stack.append(node)
            if label in RAW_CHILD_LABELS:
                raw_parents += 1
            prev = node
            if label in RAW_VALUE_LABELS:
                raw_owner = node
            continue

        # Not a label: a continuation of the previous multi-valued field, or an item. A value goes on
        # aligned under its value column (or, for multi-valued fields, anywhere to the right).
        if prev is not None and prev.label is not None and prev.value and ind > prev.indent and (
                ind >= prev.value_col - 2 or prev.label in MULTI_VALUE_LABELS):
            prev.more.append(ln)
            continue
        if prev is not None and prev.label is not None and prev.value and ind == 0:
            # A line wrapped by the terminal or the chat window continues at column 0.
            prev.more.append(ln)
            continue
        if ind == 0 and table is not None:
            item = Node(None, text.strip(), ln, ind, ind)
            table.children.append(item)   # the next row of a table flattened to column 0
            prev = item
            continue
        if ind == 0 and prev is not None and prev.label == "Conditions" and not prev.value and not prev.children \
                and _TABLE_HEADER.match(text):
            # A describe flattened to column 0 (a blog's copy): `Conditions:`, then its table
            # `Type Status Reason` and rows at column 0 too. They are the table's, up to the next field.
            table = prev
            item = Node(None, text.strip(), ln, ind, ind)
            table.children.append(item)
            prev = item
            continue
        while len(stack) > 1 and stack[-1].indent >= ind:
            if stack.pop().label in RAW_CHILD_LABELS:
                raw_parents -= 1
        item = Node(None, text.strip(), ln, ind, ind)
        stack[-1].children.append(item)
        prev = item
    return root
