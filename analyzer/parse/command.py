"""The kubectl command line a person pasted with its output (`$ kubectl describe pod web -n shop`).

It tells what follows when the output alone cannot: the kind and name of a partial
describe (`| grep`, `| sed -n '/Events:/,$p'`), the namespace of a `kubectl get` table, and
whether a pipe cut the output (`| head`, `| tail`, `| grep`).
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Optional

# kubectl's short names and plurals -> Kind (kubectl api-resources).
KIND_ALIASES = {
    "po": "Pod", "pod": "Pod", "pods": "Pod",
    "deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
    "rs": "ReplicaSet", "replicaset": "ReplicaSet", "replicasets": "ReplicaSet",
    "rc": "ReplicationController", "replicationcontroller": "ReplicationController",
    "replicationcontrollers": "ReplicationController",
    "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
    "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
    "job": "Job", "jobs": "Job", "cj": "CronJob", "cronjob": "CronJob", "cronjobs": "CronJob",
    "no": "Node", "node": "Node", "nodes": "Node",
    "pvc": "PersistentVolumeClaim", "persistentvolumeclaim": "PersistentVolumeClaim",
    "persistentvolumeclaims": "PersistentVolumeClaim",
    "pv": "PersistentVolume", "persistentvolume": "PersistentVolume", "persistentvolumes": "PersistentVolume",
    "svc": "Service", "service": "Service", "services": "Service",
    "ev": "Event", "event": "Event", "events": "Event",
    "ep": "Endpoints", "endpoints": "Endpoints",
    "hpa": "HorizontalPodAutoscaler", "horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "horizontalpodautoscalers": "HorizontalPodAutoscaler",
    "dc": "DeploymentConfig", "deploymentconfig": "DeploymentConfig", "deploymentconfigs": "DeploymentConfig",
    "ns": "Namespace", "namespace": "Namespace", "namespaces": "Namespace",
}

_OTHER_BINARIES = r"kubecolor|oc(?:\.exe)?|k"          # (the binaries whose name holds no `kubectl`)
_BINARY = rf"(?:sudo\s+)?(?:microk8s[ .]kubectl|k3s kubectl|minikube kubectl --|kubectl(?:\.exe)?|{_OTHER_BINARIES})"
_VERBS = (r"describe|get|logs|apply|create|delete|rollout|top|exec|edit|patch|run|explain|version|auth|config|label|"
          r"annotate|scale|set|debug|events|cluster-info|api-resources|wait|replace|cordon|uncordon|drain|taint|adm|"
          r"project|new-app|whoami")
_PROMPT_CHARS = "$#%>❯➜→»λ"
# The command itself, after whatever prompt precedes it: the binary (at the line's start, after a space or a prompt
# character), global flags, a verb.
COMMAND = re.compile(
    rf"(?:^|(?<=[\s{_PROMPT_CHARS}]))(?P<cmd>{_BINARY}\s+(?:--?[\w-]+(?:[= ][^\s|]+)?\s+)*(?:{_VERBS})\b.*)$"
)
_OTHER_BINARY = re.compile(rf"(?:{_OTHER_BINARIES})(?=\s)")


def other_binary(text: str) -> bool:
    """Could COMMAND start on `text` at a binary other than kubectl (`k`, `oc`, kubecolor)? False when each of them
    stands inside a word (`unpack image`, `disk pressure`, `doc `): a line without `kubectl` then holds no command,
    and classify() skips COMMAND's search along a long event message. (A loop over the few hits: a lookbehind
    pattern tried at every position is twice as slow.)"""
    for m in _OTHER_BINARY.finditer(text):
        i = m.start()
        if not i or text[i - 1].isspace() or text[i - 1] in _PROMPT_CHARS:
            return True
    return False


@dataclass(frozen=True)
class Command:
    text: str
    verb: str = ""
    kind: str = ""                 # Pod, Deployment, ... ("" when not given)
    names: tuple = ()              # object names given on the line
    targets: tuple = ()            # (kind, name) per object named, e.g. ("Deployment", "api")
    namespace: str = ""
    all_namespaces: bool = False
    output: str = ""               # wide | yaml | json | ...
    pipes: tuple = ()              # "grep -A20 Events", "head -50", ...
    line: int = 0                  # the pasted line it was typed on

    @property
    def cut(self) -> str:
        """`head`, `tail`, `grep`, `sed`... when a pipe keeps only part of kubectl's output."""
        for p in self.pipes:
            word = p.split()[0] if p.split() else ""
            if word in ("head", "tail", "grep", "egrep", "sed", "awk", "less", "more", "cut", "findstr",
                        "Select-String", "select-string", "sls"):
                return word
        return ""


def parse_command(text: str) -> Optional[Command]:
    """`kubectl describe pod web -n shop | grep -A20 Events` -> Command. None if not kubectl."""
    m = COMMAND.search(text)
    if not m:
        return None
    cmd = m.group("cmd").strip()
    head, *pipes = _split_pipes(cmd)
    try:
        words = shlex.split(head, posix=True)
    except ValueError:
        words = head.split()
    # Drop the binary (one or two words) and sudo.
    while words and words[0] in ("sudo", "microk8s", "k3s", "minikube", "--", "microk8s.kubectl"):
        words.pop(0)
    if words:
        words.pop(0)
    verb = ""
    kind = ""
    targets = []
    namespace = ""
    all_ns = False
    output = ""
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in ("-n", "--namespace"):
            namespace = nxt
            i += 2
            continue
        if w.startswith("--namespace=") or (w.startswith("-n") and len(w) > 2 and not w.startswith("--")):
            namespace = w.split("=", 1)[1] if "=" in w else w[2:]
            i += 1
            continue
        if w in ("-A", "--all-namespaces") or w.startswith("--all-namespaces"):
            all_ns = True
            i += 1
            continue
        if w in ("-o", "--output"):
            output = nxt
            i += 2
            continue
        if w.startswith("-o") and not w.startswith("--"):
            output = w[2:].lstrip("=")
            i += 1
            continue
        if w.startswith("--output="):
            output = w.split("=", 1)[1]
            i += 1
            continue
        if w in ("-l", "--selector", "--context", "--kubeconfig", "--field-selector", "-f", "--filename",
                 "--sort-by", "-c", "--container", "--cluster", "--user", "-s", "--server", "--chunk-size",
                 "--for", "--tail", "--since"):
            i += 2
            continue
        if w.startswith("-"):
            i += 1
            continue
        if not verb:
            verb = w
        elif verb in ("describe", "get", "edit", "delete", "logs"):
            for part in w.split(","):
                k, slash, name = part.partition("/")
                alias = KIND_ALIASES.get(k.lower().split(".")[0], "")
                if slash and name:
                    targets.append((alias or k, name))
                    kind = kind or alias or k
                elif not kind and verb != "logs":
                    kind = alias or k
                elif part and not part.startswith(("$(", "`", "\\", "<")) and ":" not in part:
                    targets.append((kind, part))
        i += 1
    return Command(text=cmd, verb=verb, kind=kind, names=tuple(n for _, n in targets),
                   targets=tuple(targets), namespace=namespace, all_namespaces=all_ns,
                   output=output, pipes=tuple(p.strip() for p in pipes if p.strip()))


def _split_pipes(cmd: str) -> list:
    """Split on `|` outside quotes (`grep -E 'a|b'` stays whole)."""
    out, cur, quote = [], [], ""
    for ch in cmd:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            cur.append(ch)
        elif ch == "|":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out
