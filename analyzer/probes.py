"""Probe failures: what the kubelet's probe said, which container it was about, and what
that means given the probe's own line (port, path, delay, timeout, period, threshold).
kubernetes-failures.md B.3 lists the outputs of each probe kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .crashes import logs, pod_containers
from .model import Container, Event, Probe

KINDS = ("liveness", "readiness", "startup")
_FIELD = {"liveness": "livenessProbe", "readiness": "readinessProbe", "startup": "startupProbe"}

# `Liveness probe failed: <output>`; `... probe errored and resulted in unknown state: <err>` (newer),
# `Liveness probe errored: <err>` (older); OpenShift's ProbeError `Readiness probe error: ... body: ...`.
_MSG = re.compile(r"^(?P<kind>Liveness|Readiness|Startup) probe (?P<how>failed|errored(?: and resulted in \w+ state)?|error):? ?"
                  r"(?P<out>.*)$", re.S | re.I)
_URL = re.compile(r'(?:Get|GET|Head)\s+"?(?P<url>https?://[^"\s]+?)"?:?\s')
_DIAL = re.compile(r"dial tcp (?P<host>\[[0-9a-f:]+\]|[\w.-]+):(?P<port>\d+)")
_STATUS = re.compile(r"status ?code:? (?P<code>\d{3})", re.I)
_ACTION = {"http-get": "httpGet", "tcp-socket": "tcpSocket"}


@dataclass(frozen=True)
class ProbeEvent:
    kind: str                   # liveness | readiness | startup
    event: Event
    output: str                 # what the probe said, after "probe failed: "
    sub: str                    # status | refused | timeout | reset | scheme | unreachable | exec-broken | exec-timeout | output | silent | grpc-*
    status: Optional[int] = None
    port: Optional[str] = None  # the port the kubelet dialled, from the message
    path: Optional[str] = None


def parse_probe_message(message: str) -> Optional[tuple]:
    """-> (kind, errored, output) for an Unhealthy/ProbeError message."""
    m = _MSG.match(message.strip())
    if not m:
        return None
    return m.group("kind").lower(), m.group("how").lower() != "failed", m.group("out").strip()


def classify_output(out: str) -> tuple:
    """-> (sub, status, port, path) for a probe's output."""
    text = re.sub(r"\s+", " ", out)
    port = path = None
    mu = _URL.search(text + " ")
    if mu:
        um = re.match(r"https?://[^/:]*(?::(\d+))?(/[^\s\"]*)?", mu.group("url"))
        if um:
            port, path = um.group(1), um.group(2) or "/"
    md = _DIAL.search(text)
    if md and port is None:
        port = md.group("port")
    ms = _STATUS.search(text)
    low = text.lower()
    if ms:
        return "status", int(ms.group("code")), port, path
    if "not_serving" in low or "service unhealthy" in low:
        return "grpc-not-serving", None, port, path
    if "does not implement the grpc health protocol" in low or "unimplemented" in low:
        return "grpc-unimplemented", None, port, path
    if "oci runtime exec failed" in low or "failed to exec in container" in low or "executable file not found" in low \
            or "exec failed" in low or "cannot exec in a stopped" in low:
        return "exec-broken", None, port, path
    if re.search(r"command [^\n]*timed out|command timed out", low):
        return "exec-timeout", None, port, path
    if "connection refused" in low:
        return "refused", None, port, path
    if "server gave http response to https client" in low or "first record does not look like a tls handshake" in low:
        return "scheme", None, port, path
    if "no route to host" in low or "network is unreachable" in low:
        return "unreachable", None, port, path
    if re.search(r"client\.timeout exceeded|context deadline exceeded|request canceled|i/o timeout|timed out|timeout:", low):
        return "timeout", None, port, path
    if "connection reset by peer" in low or re.search(r"(?:^|: )eof\b", low):
        return "reset", None, port, path
    if not text.strip():
        return "silent", None, port, path
    return "output", None, port, path


def declared_ports(c: Container) -> list:
    """`8080/TCP, 9090/TCP (metrics)` -> [("8080", ""), ("9090", "metrics")]."""
    if not c.ports or str(c.ports) == "<none>":
        return []
    out = []
    for part in str(c.ports).split(","):
        m = re.match(r"\s*(\d+)/\w+(?:\s*\(([^)]*)\))?", part)
        if m:
            out.append((m.group(1), m.group(2) or ""))
    return out


def _candidates(ctx, kind: str) -> list:
    return [c for c in pod_containers(ctx) if kind in c.probes]


def owner_of_event(ctx, e: Event, kind: str, port: Optional[str], path: Optional[str]) -> Optional[Container]:
    """Which container a probe event is about. kubectl >= 1.35 says it; before that, match the
    dialled port and path against each container's probe line."""
    from .rules.rule import mentions

    all_cs = pod_containers(ctx)
    if e.container is not None:
        return next((c for c in all_cs if str(c.name) == e.container), None)
    named = [c for c in all_cs if mentions(e.message, c)]
    if len(named) == 1:
        return named[0]
    cands = _candidates(ctx, kind)
    if port is not None and len(cands) > 1:
        by_port = [c for c in cands if c.probes[kind].port == port or (
            c.probes[kind].port and any(n == c.probes[kind].port and num == port for num, n in declared_ports(c)))]
        if path is not None and len(by_port) > 1:
            by_port = [c for c in by_port if (c.probes[kind].path or "/") == path] or by_port
        if len(by_port) == 1:
            return by_port[0]
    if len(cands) == 1:
        return cands[0]
    if not cands and len(all_cs) == 1:
        return all_cs[0]
    # Several containers have such a probe: the one the probe is visibly hurting.
    if kind == "readiness":
        hurt = [c for c in cands if c.ready is not None and not c.is_ready]
    else:
        hurt = [c for c in cands if c.restarts > 0]
    if len(hurt) == 1:
        return hurt[0]
    return None


def _index(ctx, kind: str) -> dict:
    """{id(container) or None: [ProbeEvent]} for one probe kind, computed once per pod."""
    key = ("probe_events", kind)
    if key in ctx.facts:
        return ctx.facts[key]
    per = {}
    for e in ctx.obj.events:
        if e.reason not in ("Unhealthy", "ProbeError"):
            continue
        got = parse_probe_message(e.message)
        if not got or got[0] != kind:
            continue
        sub, status, port, path = classify_output(got[2])
        owner = owner_of_event(ctx, e, kind, port, path)
        per.setdefault(id(owner) if owner is not None else None, []).append(
            ProbeEvent(kind, e, got[2], sub, status, port, path))
    # OpenShift repeats each failure as a ProbeError with the body: keep the Unhealthy rows when both exist.
    for k, lst in per.items():
        if any(p.event.reason == "Unhealthy" for p in lst):
            per[k] = [p for p in lst if p.event.reason == "Unhealthy"]
    ctx.facts[key] = per
    return per


def probe_events(ctx, c: Container, kind: str) -> list:
    """The failures of `c`'s `kind` probe in the Events table, oldest row first."""
    return list(_index(ctx, kind).get(id(c), ()))


def unattributed(ctx, kind: str) -> list:
    """Probe failures the paste does not let us pin on one container."""
    return list(_index(ctx, kind).get(None, ()))


def total_failures(pevents: list) -> int:
    return sum(max(p.event.count, 1) for p in pevents)


def newest(ctx, pevents: list) -> Optional[ProbeEvent]:
    e = ctx.newest(p.event for p in pevents)
    return next((p for p in pevents if p.event is e), None)


def budget(p: Optional[Probe]) -> Optional[int]:
    """Seconds from container start to the kill a probe allows: delay + failure x period."""
    if p is None or p.period is None or p.failure is None:
        return None
    return (p.delay or 0) + p.failure * p.period


def probe_words(p: Optional[Probe]) -> str:
    """`http-get :8080/healthz (delay 0s, timeout 1s, period 10s, 3 failures)`."""
    if p is None:
        return "the probe"
    target = p.target.replace("http://", "").replace("https://", "https ") if p.action.startswith("http") else p.target
    bits = []
    for label, v, unit in (("delay", p.delay, "s"), ("timeout", p.timeout, "s"), ("period", p.period, "s")):
        if v is not None:
            bits.append(f"{label} {v}{unit}")
    if p.failure is not None:
        bits.append(f"{p.failure} failures")
    return f"{p.action} {target}" + (f" ({', '.join(bits)})" if bits else "")


@dataclass
class Diagnosis:
    sub: str                    # wrong-port | wrong-path | needs-auth | unhealthy | timeout-short | slow | not-listening | too-early | scheme | check-failed | exec-broken | network | protocol | unknown
    cause: str                  # a clause: "GET /healthz on port 8080 answers 404 ..."
    confidence: str             # confirmed | likely | possible
    fix: list = field(default_factory=list)
    commands: list = field(default_factory=list)
    competing: str = ""


def _port_phrase(p: Optional[Probe], pe: ProbeEvent) -> str:
    named = p.port if p is not None else None
    if named and not named.isdigit() and pe.port:
        return f"port {named} ({pe.port})"
    port = named or pe.port
    return f"port {port}" if port else "its port"


def diagnose(ctx, c: Container, kind: str, pevents: list, ran: Optional[float] = None) -> Diagnosis:
    """What the failures of `c`'s `kind` probe say, read against the probe's settings.
    `ran`: how long the container ran before the kubelet killed it (liveness/startup)."""
    from .workload_edits import patch_container

    p = c.probes.get(kind)
    pe = newest(ctx, pevents) or pevents[-1]
    subs = {x.sub for x in pevents}
    fieldname = _FIELD[kind]
    port = (p.port if p is not None else None) or pe.port
    path = (p.path if p is not None else None) or pe.path
    pf_cmd = None
    if port and port.isdigit() and (p is None or p.action.startswith("http")):
        pf_cmd = ctx.kubectl("port-forward", f"pod/{ctx.name}", f"{port}:{port}") + \
            f"  # then: curl -i http://localhost:{port}{path or '/'}"
    out = pe.output.strip()
    brief = out if len(out) <= 240 else f"{out[:110]} … {out[-120:]}"
    said = f" (\"{brief}\")" if out else ""
    limit_cpu = c.limits.get("cpu")
    bud = budget(p)

    if pe.sub == "status" and pe.status is not None:
        code = pe.status
        where = (f"{path} on {_port_phrase(p, pe)}" if path and port else path or "request")
        if code == 404:
            return Diagnosis("wrong-path", f"the probe's GET {where} answers 404 Not Found: the app has no such path", "confirmed",
                             [f"Point the {kind} probe of {c.name} at the app's real health endpoint ({fieldname}.httpGet.path)."],
                             [pf_cmd] if pf_cmd else [])
        if code in (401, 403):
            return Diagnosis("needs-auth", f"the probe's GET {where} answers {code}: the endpoint demands credentials, and "
                             "the kubelet sends none", "confirmed",
                             ["Probe an unauthenticated health endpoint, or exempt the health path from authentication."],
                             [pf_cmd] if pf_cmd else [])
        if code >= 500:
            return Diagnosis("unhealthy", f"the app answers the probe's GET {where} with {code}: the app itself reports that "
                             "it is unhealthy", "likely",
                             ["Read the app's logs for why its health check fails — often a dependency it checks (database, "
                              "cache, another service) is down or misconfigured.",
                              "A liveness check should not depend on other services: restarting this container does not fix them."
                              if kind == "liveness" else
                              "Fix that dependency or the app's configuration; the probe is only the messenger."],
                             [logs(ctx, c)],
                             "if the endpoint only fails under load, the app may be overloaded")
        return Diagnosis("wrong-path", f"the probe's GET {where} answers HTTP {code}: that path does not serve a health check "
                         "the kubelet accepts (it needs 200–399)", "likely",
                         [f"Point the {kind} probe at an endpoint that answers 200 without redirects or authentication."],
                         [pf_cmd] if pf_cmd else [])

    if pe.sub in ("refused",):
        declared = declared_ports(c)
        nums = [n for n, _ in declared]
        names = [n for _, n in declared if n]
        if port and port.isdigit() and nums and port not in nums:
            target = nums[0] if len(nums) == 1 else ", ".join(nums)
            action = _ACTION.get(p.action) if p is not None else None
            patch = (patch_container(ctx, c, {fieldname: {action: {"port": int(nums[0])}}})
                     if len(nums) == 1 and action else None)
            return Diagnosis("wrong-port", f"nothing accepts connections on port {port}, and the container declares "
                             f"port {', '.join(nums)}: the probe most likely targets the wrong port", "likely",
                             [f"Set the {kind} probe's port to the one the app listens on ({target}), or better, to the named "
                              "container port."],
                             [patch] if patch else [],
                             "if the app really listens on port " + port + ", it is not up yet or binds 127.0.0.1 only")
        if port and not port.isdigit() and names and port not in names:
            return Diagnosis("wrong-port", f"the probe targets the named port {port}, which the container does not declare "
                             f"({', '.join(names)})", "likely",
                             [f"Use one of the container's port names in the {kind} probe."], [])
        early = ran is not None and bud is not None and ran <= bud + (p.period or 10) + 5
        if kind == "startup":
            when = f" when the startup probe gave up: it was killed after {int(ran)}s" if ran is not None else ""
            allows = f" (the probe allows {bud}s)" if bud is not None else ""
            return Diagnosis("too-early", f"the app had not opened {_port_phrase(p, pe)}{when}{allows}", "likely",
                             [f"If the app never opens {_port_phrase(p, pe)}, the port is wrong or the app binds 127.0.0.1 "
                              "only: it must listen on 0.0.0.0 (the kubelet connects to the pod IP)."],
                             [], "a wrong port or an app bound to 127.0.0.1 looks the same; the app's logs say where it listens")
        if kind == "liveness" and (early or (p is not None and (p.delay or 0) < 10 and "startup" not in c.probes)):
            sc = None
            if p is not None and p.action in ("http-get", "tcp-socket") and port:
                probe_port = int(port) if port.isdigit() else port
                act = {"httpGet": {"path": path or "/", "port": probe_port}} if p.action == "http-get" else \
                    {"tcpSocket": {"port": probe_port}}
                sc = patch_container(ctx, c, {"startupProbe": dict(act, failureThreshold=30, periodSeconds=10)})
            when = f" it was killed after {int(ran)}s," if ran is not None else ""
            return Diagnosis("too-early", f"nothing accepts connections on {_port_phrase(p, pe)} yet when the probe starts "
                             f"checking:{when} before the app opened its port (the probe allows {bud}s)" if bud is not None else
                             f"nothing accepts connections on {_port_phrase(p, pe)} when the probe checks", "likely",
                             ["Give a slow start time with a startupProbe (failureThreshold × periodSeconds ≥ the worst start "
                              "time) instead of a long initialDelaySeconds; liveness only starts after it succeeds.",
                              f"If the app never opens {_port_phrase(p, pe)}, the port is wrong or the app binds 127.0.0.1 only: "
                              "it must listen on 0.0.0.0 (the kubelet connects to the pod IP)."],
                             [sc] if sc else [],
                             "a wrong port or an app bound to 127.0.0.1 looks the same; the app's logs say on which address it listens")
        return Diagnosis("not-listening", f"nothing accepts connections on {_port_phrase(p, pe)}: the app has not opened it "
                         "(still starting, or crashed), listens on another port, or binds 127.0.0.1 only", "likely",
                         ["Check in the app's logs which address and port it listens on; it must listen on 0.0.0.0 at the "
                          "probe's port (the kubelet connects to the pod IP).",
                          "If it is only slow to start, add a startupProbe rather than a long initialDelaySeconds."],
                         [logs(ctx, c)])

    if pe.sub in ("timeout", "exec-timeout") and p is None:
        return Diagnosis("timeout-short", "the app did not answer within the probe's timeoutSeconds (1s unless set)",
                         "likely", [f"Raise timeoutSeconds of the {kind} probe (for example to 5) and keep the health "
                                    "endpoint cheap: no database calls, no heavy work."],
                         [pf_cmd] if pf_cmd else [],
                         "if the endpoint hangs for much longer than that, the app is really stuck: time it with curl")
    if pe.sub in ("timeout", "exec-timeout"):
        t = p.timeout if p is not None else None
        throttle = f"; a CPU limit of {limit_cpu} can throttle it" if limit_cpu else ""
        if t is not None and t <= 1:
            patch = patch_container(ctx, c, {fieldname: {"timeoutSeconds": 5}})
            return Diagnosis("timeout-short", f"the probe gives up after timeoutSeconds={t}s (the default) and the app did not "
                             f"answer in time{throttle}", "likely",
                             [f"Raise timeoutSeconds of the {kind} probe (for example to 5) and keep the health endpoint cheap: "
                              "no database calls, no heavy work."],
                             [patch] if patch else [],
                             "if the endpoint hangs for much longer than that, the app is really stuck: time it with curl")
        return Diagnosis("slow", f"the app did not answer within the probe's timeoutSeconds={t}s",
                         "possible",
                         ["Time the health endpoint by hand; if it is slow, find out why (overload, garbage collection, a "
                          f"stuck thread{', CPU throttling' if limit_cpu else ''}) before raising timeoutSeconds further."],
                         [pf_cmd] if pf_cmd else [],
                         f"an app that is overloaded or stuck looks the same{throttle}")

    if pe.sub == "scheme":
        return Diagnosis("scheme", "the probe and the app disagree on HTTP vs HTTPS (the scheme field)", "confirmed",
                         [f"Set {fieldname}.httpGet.scheme to what the app serves (HTTP or HTTPS)."], [])
    if pe.sub == "reset":
        return Diagnosis("protocol", f"the app closed the connection on {_port_phrase(p, pe)}: it serves another protocol "
                         "there, or it is crashing", "possible",
                         ["Check that the probe's port serves HTTP (a gRPC or database port resets HTTP requests)."],
                         [pf_cmd] if pf_cmd else [])
    if pe.sub == "unreachable":
        return Diagnosis("network", "the node cannot reach the pod's IP (no route to host): a pod-network (CNI) or "
                         "host-firewall problem, not the app", "likely",
                         ["Check the CNI pods on this node and any firewall between the node and its pods."], [])
    if pe.sub == "exec-broken":
        m = re.search(r'exec: \\?"([^"\\]+)\\?"', out)
        exe = m.group(1) if m else ""
        one = " " in exe
        what = (f"the probe command \"{exe}\" is one argv element with spaces in it, so the runtime looks for a program of "
                "that whole name" if one else
                f"the probe command {('`' + exe + '` ') if exe else ''}cannot run in the container: the program is not in the image")
        return Diagnosis("exec-broken", what, "confirmed",
                         ["Split the command into argv elements ([\"cat\", \"/tmp/ready\"]) or run it through a shell "
                          "([\"sh\", \"-c\", \"...\"])." if one else
                          "Use a program the image contains (distroless images have no shell, curl or wget), or switch to an "
                          "httpGet / tcpSocket / grpc probe."], [])
    if pe.sub == "grpc-not-serving":
        return Diagnosis("unhealthy", "the app's gRPC health service answers NOT_SERVING: the app reports itself unhealthy",
                         "likely", ["Read the app's logs for why it reports NOT_SERVING."],
                         [logs(ctx, c)])
    if pe.sub == "grpc-unimplemented":
        return Diagnosis("wrong-path", "the app does not implement the gRPC health protocol (grpc.health.v1.Health) on that "
                         "port", "confirmed",
                         ["Register the standard gRPC health service in the app, or probe it another way."], [])
    if pe.sub in ("output", "silent"):
        target = p.target if p is not None else ""
        what = f"the check command exits non-zero{': ' + said.strip(' ()') if out else ' without printing anything'}"
        return Diagnosis("check-failed", what, "confirmed" if out else "likely",
                         ["Run the check by hand in the container to see why it fails, then fix the app or the check."],
                         [ctx.kubectl("exec", ctx.name, "-c", str(c.name), "--", *_argv(target))] if target.startswith("[")
                         else [])
    return Diagnosis("unknown", f"the probe fails{said}", "likely", [], [])


def _argv(target: str) -> list:
    """The probe's command from describe's Go-slice print `[sh -c test -f /tmp/ok]`. The print loses the
    argv boundaries; for a shell's `-c`, everything after it is the one script argument."""
    inner = target.strip()[1:-1].strip()
    words = inner.split()
    if not words:
        return ["<command>"]
    if len(words) > 2 and words[1] == "-c" or (len(words) > 3 and words[1] == "-i" and words[2] == "-c"):
        i = words.index("-c")
        return words[: i + 1] + [" ".join(words[i + 1:])]
    return words
