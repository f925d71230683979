"""Why the kubelet cannot build a container's config (CreateContainerConfigError) or mount a
ConfigMap/Secret volume: the object or key that is missing, or the non-root check that
failed (kubernetes-failures.md B.4; FailedMount wordings of B.7).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .model import Container, Event

# `Error: configmap "app-config" not found`; older kubelets and volume mounts say `configmaps "x"`.
_NOT_FOUND = re.compile(r'\b(?P<kind>configmaps?|secrets?) "(?P<name>[^"]+)" not found', re.I)
# `couldn't find key DB_PASSWORD in Secret default/db-secret`
_NO_KEY = re.compile(r"couldn't find key (?P<key>\S+) in (?P<kind>ConfigMap|Secret) (?:(?P<ns>[^/\s]+)/)?(?P<name>\S+)")
# Volume items: `configmap references non-existent config key: app.yaml`,
# `references non-existent secret key: tls.crt`.
_VOL_KEY = re.compile(r"(?P<kind>configmap|secret) references non-existent (?:config |secret )?key: (?P<key>\S+)", re.I)
_VOLUME = re.compile(r'MountVolume\.SetUp failed for volume "(?P<vol>[^"]+)"')
_OLD_VOLUME = re.compile(r'\(spec\.Name: "(?P<vol>[^"]+)"\)')
# verifyRunAsNonRoot (kuberuntime security_context_others.go), with the newer ` (pod: "...", container: x)` suffix.
_NON_ROOT = (
    ("root", re.compile(r"container has runAsNonRoot and image will run as root")),
    ("non-numeric", re.compile(r"container has runAsNonRoot and image has non-numeric user \((?P<user>[^)]*)\)")),
    ("uid-0", re.compile(r"container's runAsUser breaks non-root policy")),
)
_SUFFIX_CONTAINER = re.compile(r'container: (?P<c>[\w.-]+)\)')


@dataclass(frozen=True)
class ConfigError:
    cls: str                    # missing-configmap | missing-secret | missing-config-key | run-as-non-root
    kind: str                   # ConfigMap | Secret | "" (run-as-non-root)
    name: str                   # the object's name
    key: Optional[str]          # the missing key
    via: str                    # env | volume | security
    event: Event
    volume: Optional[str] = None
    sub: str = ""               # run-as-non-root: root | non-numeric | uid-0
    ns: Optional[str] = None    # the namespace the kubelet names (`couldn't find key k in Secret <ns>/<name>`)
    user: str = ""              # the image's non-numeric user
    named_container: Optional[str] = None


def _kind(word: str) -> str:
    return "ConfigMap" if word.lower().startswith("configmap") else "Secret"


def parse_config_error(e: Event) -> Optional[ConfigError]:
    msg = re.sub(r"\s+", " ", e.message)
    if msg.isascii():
        # Each answer below needs one of these words (the case-insensitive ones compared lower-cased, exact for ASCII):
        # most Failed events of a big paste (pull errors, back-offs) have none and skip the dozen patterns.
        low = msg.lower()
        if not ('" not found' in low or "references non-existent" in low or "couldn't find key" in msg
                or "runAsNonRoot" in msg or "non-root policy" in msg):
            return None
    mv = _VOLUME.search(msg) or _OLD_VOLUME.search(msg)
    # Kubelets before 1.5 repeat a volume's error as `FailedSync  Error syncing pod, skipping: configmaps "x" not found`
    # (an environment reference then read `failed to "StartContainer" … GenerateRunContainerOptions: …`).
    sync_echo = e.reason == "FailedSync" and re.search(r"Error syncing pod, skipping: (?:configmaps?|secrets?) \"", msg)
    via = "volume" if (mv or e.reason == "FailedMount" or sync_echo) else "env"
    vol = mv.group("vol") if mv else None
    for sub, rx in _NON_ROOT:
        m = rx.search(msg)
        if m:
            sc = _SUFFIX_CONTAINER.search(msg)
            return ConfigError("run-as-non-root", "", "", None, "security", e, sub=sub,
                               user=m.groupdict().get("user") or "", named_container=sc.group("c") if sc else None)
    m = _NO_KEY.search(msg)
    if m:
        return ConfigError("missing-config-key", m.group("kind"), m.group("name"), m.group("key"), via, e, vol,
                           ns=m.group("ns"))
    m = _VOL_KEY.search(msg)
    if m:
        return ConfigError("missing-config-key", _kind(m.group("kind")), "", m.group("key"), "volume", e, vol)
    m = _NOT_FOUND.search(msg)
    if m:
        kind = _kind(m.group("kind"))
        return ConfigError("missing-configmap" if kind == "ConfigMap" else "missing-secret", kind, m.group("name"), None,
                           via, e, vol)
    return None


# ---- what the pod references ----------------------------------------------------------

_ENV_REF = re.compile(r"<set to the key '(?P<key>[^']*)' (?:in|of) (?P<kind>secret|config map) '(?P<name>[^']*)'>")


@dataclass(frozen=True)
class Reference:
    kind: str                   # ConfigMap | Secret
    name: str
    key: Optional[str]
    via: str                    # env | envFrom | volume
    line: int
    container: Optional[Container] = None
    optional: Optional[bool] = None
    volume: Optional[str] = None


def references(ctx) -> list:
    """Every ConfigMap/Secret the pod's describe names: env keys, envFrom, volumes."""
    if "config_refs" in ctx.facts:
        return ctx.facts["config_refs"]
    pod = ctx.pod
    out = []
    for c in pod.all_containers:
        for ev in c.env:
            m = _ENV_REF.search(ev.value)
            if m:
                opt = re.search(r"Optional:\s*(true|false)", ev.value)
                out.append(Reference("Secret" if m.group("kind") == "secret" else "ConfigMap", m.group("name"),
                                     m.group("key"), "env", ev.line, c, opt.group(1) == "true" if opt else None))
        for v in c.env_from:
            m = re.match(r"\s*(?P<name>\S+)\s+(?P<kind>ConfigMap|Secret)\b.*?(?:Optional:\s*(?P<opt>true|false))?\s*$", str(v))
            if m:
                out.append(Reference(m.group("kind"), m.group("name"), None, "envFrom", v.line, c,
                                     m.group("opt") == "true" if m.group("opt") else None))
    out.extend(_volume_refs(ctx))
    ctx.facts["config_refs"] = out
    return out


def _volume_refs(ctx) -> list:
    """ConfigMap/Secret volumes, read from the pasted lines of the pod's `Volumes:` block
    (`Type: ConfigMap (...)` then `Name:`; `Type: Secret (...)` then `SecretName:`; projected
    sources `ConfigMapName:` / `SecretName:`)."""
    first, last = ctx.obj.lines
    out = []
    in_volumes = False
    vol_name = None
    vol_type = ""
    for no in range(first, last + 1):
        text = ctx.lines[no - 1].text if no - 1 < len(ctx.lines) else ""
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip(" "))
        if indent == 0:
            in_volumes = text.startswith("Volumes:")
            continue
        if not in_volumes:
            continue
        stripped = text.strip()
        if indent == 2 and stripped.endswith(":"):
            vol_name, vol_type = stripped[:-1], ""
            continue
        m = re.match(r"(Type|Name|SecretName|ConfigMapName|Optional|ConfigMapOptional|SecretOptionalName):\s*(.*)$", stripped)
        if not m:
            continue
        label, value = m.group(1), m.group(2).strip()
        if label == "Type":
            vol_type = value.split()[0] if value else ""
        elif label == "Name" and vol_type == "ConfigMap":
            out.append(Reference("ConfigMap", value, None, "volume", no, volume=vol_name))
        elif label == "SecretName" and vol_type in ("Secret", "Projected"):
            out.append(Reference("Secret", value, None, "volume", no, volume=vol_name))
        elif label == "ConfigMapName" and vol_type == "Projected":
            out.append(Reference("ConfigMap", value, None, "volume", no, volume=vol_name))
    return out


def refs_to(ctx, kind: str, name: str, key: Optional[str] = None) -> list:
    return [r for r in references(ctx) if r.kind == kind and (not name or r.name == name)
            and (key is None or r.key is None or r.key == key)]


def config_errors(ctx) -> list:
    """Every config/mount error event of the pod, oldest row first."""
    if "config_errors" not in ctx.facts:
        out = []
        for e in ctx.obj.events:
            if e.reason not in ("Failed", "FailedMount", "FailedSync", "CreateContainerConfigError"):
                continue
            ce = parse_config_error(e)
            if ce is not None:
                out.append(ce)
        ctx.facts["config_errors"] = out
    return ctx.facts["config_errors"]


def blocked_containers(ctx) -> list:
    """Containers waiting on their config now (CreateContainerConfigError)."""
    return [c for c in ctx.pod.all_containers
            if c.state is not None and c.state.state == "Waiting" and c.state.reason == "CreateContainerConfigError"]


def mount_blocked(ctx) -> bool:
    """The pod cannot start because a volume is not mounted yet (ContainerCreating / PodInitializing)."""
    pod = ctx.pod
    if not pod.all_containers:
        return True
    first = pod.init_containers[0] if pod.init_containers else None
    cs = [first] if first is not None and first.state is not None and first.state.state == "Waiting" else list(pod.containers)
    return any(c.state is not None and c.state.state == "Waiting" and c.state.reason in ("ContainerCreating", "PodInitializing")
               for c in cs)


def container_for(ctx, ce: ConfigError) -> Optional[Container]:
    """The container an env/security error is about: the one named by the event, the one whose
    env references the object, or the only one that is waiting on its config."""
    from .crashes import pod_containers

    pod = ctx.pod
    name = ce.event.container or ce.named_container
    if name:
        c = next((c for c in pod_containers(ctx) if str(c.name) == name), None)
        if c is not None:
            return c
        if not pod.all_containers:
            return _named_stand_in(ctx, name)
    if not pod.all_containers:
        cs = pod_containers(ctx)              # an Events-only paste: its one stand-in container
        return cs[0] if len(cs) == 1 else None
    blocked = blocked_containers(ctx)
    if ce.kind:
        refs = [r.container for r in refs_to(ctx, ce.kind, ce.name, ce.key) if r.container is not None]
        for c in blocked:
            if c in refs:
                return c
        if len(set(map(id, refs))) == 1 and not blocked:
            return refs[0]
    if len(blocked) >= 1:
        return blocked[0]
    return None


def _named_stand_in(ctx, name: str) -> Container:
    """An Events-only paste whose message names the container (`(pod: "...", container: web)`, the 1.35
    `spec.containers{web}` prefix) while the other events name none: stand in a container of that name."""
    from .crashes import known, pod_containers
    from .model import Val

    key = ("named_stand_in", name)
    if key not in ctx.facts:
        cs = [c for c in pod_containers(ctx)]
        image = cs[0].image if len(cs) == 1 and not known(cs[0]) else None
        ctx.facts[key] = Container(name=Val(name, 0), init=False, image=image)
    return ctx.facts[key]


def current_errors(ctx, cls: str) -> list:
    """-> [(ConfigError, Container or None, current)] for one class; the newest event per object/key."""
    out = {}
    events_only = not ctx.pod.all_containers
    for ce in config_errors(ctx):
        if ce.cls != cls:
            continue
        if ce.kind == "ConfigMap" and ce.name == "kube-root-ca.crt":
            continue                  # published by kube-controller-manager; a start-up race (volume-mount-failure)
        if ce.via == "volume":
            c = None
            now = mount_blocked(ctx)
        else:
            c = container_for(ctx, ce)
            now = events_only or (c is not None and c.state is not None and c.state.state == "Waiting" and
                                  c.state.reason == "CreateContainerConfigError")
        key = (ce.kind, ce.name, ce.key, ce.volume, str(c.name) if c is not None else None, ce.sub)
        prev = out.get(key)
        if prev is None or ctx.newest([prev[0].event, ce.event]) is ce.event:
            out[key] = (ce, c, now)
    return list(out.values())
