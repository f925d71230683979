"""Give a flattened `describe pod` back its indentation, from its labels.

A paste through an HTML page or a chat that collapses runs of spaces loses describe's
indentation: `Containers:`, the container name, its `Image:` and its `State:`'s `Reason:`
all start at column 0 (or, from reStructuredText, a container sits at the indent of
`Containers:`). The labels still say where each line belongs (describe.go describePod,
describeContainers, describeVolumes), so the indentation kubectl printed is rebuilt from
them and the result goes through the ordinary tree builder.
"""
from __future__ import annotations

import dataclasses
import re

from .tree import match_label

TOP = {
    "Name", "Namespace", "Priority", "Priority Class Name", "PriorityClassName", "Runtime Class Name",
    "Service Account", "Node", "Start Time", "Labels", "Annotations", "Status", "Termination Grace Period",
    "Reason", "Message", "SeccompProfile", "IP", "IPs", "Controlled By", "Controllers", "Created By",
    "NominatedNodeName", "Resources", "Init Containers", "Containers", "Ephemeral Containers", "Readiness Gates",
    "Conditions", "Volumes", "QoS Class", "QoS Tier", "Node-Selectors", "Tolerations",
    "Topology Spread Constraints", "SchedulingGroup", "Events",
}
CONTAINER = {
    "Container ID", "Image", "Image ID", "Port", "Ports", "Host Port", "Host Ports", "SeccompProfile", "Command",
    "Args", "State", "Last State", "Ready", "Restart Count", "Limits", "Requests", "Liveness", "Readiness",
    "Startup", "Environment Variables from", "Environment", "Environment Variables", "Mounts", "Devices",
    "Restart Policy", "Resize Policy", "Allocated Resources",
}
STATE = {"Started", "Reason", "Message", "Exit Code", "Signal", "Finished"}
MULTI = {"Labels", "Annotations", "Node-Selectors", "Tolerations", "Topology Spread Constraints"}
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_CONTINUATION = " " * 16
# Container fields that describe never prints at column 0, and every label looks_flattened() acts on (a label starts
# right after the line's indentation).
_CONTAINER_FIELDS = ("Container ID", "Image ID", "Restart Count", "Last State", "Exit Code")
_TELLING = ("Events", "Containers", "Init Containers") + _CONTAINER_FIELDS


def looks_flattened(lines: list) -> bool:
    """True when container fields sit at column 0, or a container name is not indented under
    `Containers:` — describe never prints either."""
    seen_containers = None
    flat = None                  # most lines at column 0; computed when first needed
    for ln in lines:
        if ln.noise or ln.blank:
            continue
        if seen_containers is None and not ln.text.startswith(_TELLING, ln.indent):
            continue                   # (most lines: only a line labelled one of those can decide or start a check)
        lab = match_label(ln.text)
        if lab is None:
            continue
        indent, label, value, _ = lab
        if label == "Events":
            return False
        if label in ("Containers", "Init Containers") and not value:
            seen_containers = indent
            continue
        if seen_containers is not None:
            if indent <= seen_containers:
                return True
            seen_containers = None
        if indent == 0 and label in _CONTAINER_FIELDS:
            if flat is None:
                content = [c for c in lines if not c.noise and not c.blank]
                flat = sum(1 for c in content if c.indent == 0) >= 0.9 * len(content)
            if flat:
                return True
    return False


def reindent_pod(lines: list) -> list:
    """Lines of one flattened pod -> the same lines (numbers kept) with describe's indentation."""
    out = []
    mode = "top"          # top | multi | ips | containers | container | conditions | volumes | gates
    sub = None            # within a container: state | res | argv | env | items | None
    in_events = False
    for ln in lines:
        if ln.noise or ln.blank or in_events:
            out.append(ln)
            continue
        text = ln.text.strip()
        lab = match_label(text)
        label, value = (lab[1], lab[2]) if lab else (None, "")
        indent = None

        if label == "Events":
            in_events = True
            indent = 0
        elif mode in ("container", "containers") and label in CONTAINER:
            indent = 4
            mode = "container"
            sub = {"State": "state", "Last State": "state", "Limits": "res", "Requests": "res", "Command": "argv",
                   "Args": "argv", "Mounts": "items", "Devices": "items", "Environment Variables from": "items",
                   }.get(label)
            if label in ("Environment", "Environment Variables") and not value:
                sub = "env"
        elif mode == "container" and sub == "state" and label in STATE:
            indent = 6
        elif label in TOP and not (mode == "container" and sub == "env" and label not in ("Conditions", "Volumes")):
            indent = 0
            mode = {"Init Containers": "containers", "Containers": "containers", "Ephemeral Containers": "containers",
                    "Conditions": "conditions", "Volumes": "volumes", "IPs": "ips", "Readiness Gates": "gates",
                    }.get(label, "multi" if label in MULTI else "top")
            sub = None
        elif mode == "multi":
            indent = len(_CONTINUATION)
        elif mode == "ips":
            indent = 2
        elif mode in ("conditions", "gates"):
            indent = 2
        elif mode == "volumes":
            if label is not None and not value and not text.startswith(("Items", "Sources")):
                indent = 2
            elif label is not None:
                indent = 4
            else:
                indent = 6
        elif mode == "containers":
            indent = 2 if label is not None and not value else 4
            mode = "container" if indent == 2 else mode
            sub = None
        elif mode == "container":
            if label is not None and not value and sub in (None, "items", "state", "res", "argv") and \
                    _DNS_LABEL.match(label):
                indent, sub = 2, None            # the next container
            elif label is not None and not value and sub == "env" and _DNS_LABEL.match(label):
                indent, sub = 2, None
            elif sub == "state":
                indent = 8                       # a termination message's own lines
            elif sub == "res" and label is not None:
                indent = 6
            elif sub == "env":
                indent = 6 if label is not None else 8
            elif sub in ("argv", "items"):
                indent = 6
            else:
                indent = 6
        else:
            indent = 0
        out.append(dataclasses.replace(ln, text=" " * indent + text))
    return out
