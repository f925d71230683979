"""What the runtime said when an image pull failed, sorted into kubeclue's image classes.

One classifier for all image rules, so a message lands in exactly one class. The order of
the checks matters: the more specific wording wins (kubernetes-failures.md B.1, table).
Matching is case-insensitive and whitespace-insensitive, since pastes wrap and re-space.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional


@dataclass(frozen=True)
class PullError:
    cls: str               # image-not-found | image-auth | ... | "ambiguous-denied" | "disk-full" | "unknown"
    sub: str               # sub-cause key, e.g. "dns", "x509", "5xx"
    detail: str            # a short phrase for the cause sentence
    host: Optional[str]    # the host the runtime was talking to, when the message names it


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(parts), re.IGNORECASE)


_CHECKS = (
    # (class, sub-cause, description, pattern)
    ("image-arch-mismatch", "platform", "the image has no variant for the node's platform",
     _rx(r"no match for platform in manifest", r"no matching manifest for", r"no image found in manifest list for architecture",
         r"no supported platform found in manifest list")),
    ("image-rate-limit", "429", "the registry is rate-limiting pulls",
     _rx(r"toomanyrequests", r"429 too many requests", r"pull rate limit", r"rate limit exceeded")),
    ("disk-full", "disk", "the node ran out of disk space while unpacking the image",
     _rx(r"no space left on device", r"disk quota exceeded")),
    ("image-registry-unreachable", "plain-http", "the registry speaks plain HTTP but the runtime expects HTTPS",
     _rx(r"server gave http response to https client")),
    ("image-registry-unreachable", "tls", "the node does not trust the registry's TLS certificate",
     _rx(r"x509:", r"certificate signed by unknown authority", r"tls: failed to verify certificate",
         r"certificate has expired", r"certificate is valid for", r"doesn't contain any ip sans")),
    ("image-registry-unreachable", "dns", "the node cannot resolve the registry's hostname",
     _rx(r"no such host", r"server misbehaving", r"temporary failure in name resolution", r"lookup \S+ on \S+:53",
         r"read udp \S+:53: i/o timeout")),
    # Harbor answers a missing project with "unauthorized: project not found".
    ("image-not-found", "project", "the registry has no such project or repository",
     _rx(r"project not found", r"repository name not known to registry", r"repository \S+ not found(?!: does not exist or no pull access)")),
    ("image-auth", "unauthorized", "the registry refused the credentials (or none were sent)",
     _rx(r"401 unauthorized", r"\bunauthorized\b(?!: access to the requested resource is not authorized)",
         r"authentication required", r"no basic auth credentials", r"failed to authorize",
         r"failed to fetch (?:anonymous|oauth) token", r"access to the requested resource is not authorized",
         r"403 forbidden", r"\bdenied: (?!requested access to the resource is denied)")),
    ("ambiguous-denied", "denied", "the registry says the repository does not exist or needs credentials",
     _rx(r"pull access denied", r"insufficient_scope", r"requested access to the resource is denied",
         r"repository does not exist or may require", r"does not exist or no pull access")),
    ("image-not-found", "manifest", "the tag or digest does not exist in the repository",
     _rx(r"manifest unknown", r"not found: manifest unknown", r"manifest for \S+ not found", r"name unknown",
         r"tag \S+ not found in repository", r"code = notfound", r":\s*not found\s*$", r": not found(?:: unknown)?\s*$")),
    ("image-registry-unreachable", "5xx", "the registry answered with a server error",
     _rx(r"\b50[0-4] (?:internal server error|bad gateway|service unavailable|gateway)", r"received unexpected http status: 5\d\d",
         r"unexpected status(?: code)?[^:]*: 5\d\d", r"unexpected status from \w+ request to \S+: 5\d\d")),
    # The connection was up and the download broke off: a reset on an established read, or a body cut short.
    ("image-registry-unreachable", "interrupted", "the download was cut off",
     _rx(r"unexpected EOF", r"failed to read expected number of bytes", r"read tcp \S+: read: connection reset by peer",
         r"failed to copy: .*connection reset by peer", r"http2: server sent GOAWAY", r"stream error: stream ID \d+")),
    ("image-registry-unreachable", "network", "the node cannot connect to the registry",
     _rx(r"dial tcp \S+: i/o timeout", r"connect: connection refused", r"no route to host", r"network is unreachable",
         r"connection reset by peer", r"tls handshake timeout", r"request canceled while waiting for connection",
         r"client\.timeout exceeded", r"net/http: request canceled", r"proxyconnect", r"i/o timeout")),
    ("image-registry-unreachable", "deadline", "the pull ran out of time",
     _rx(r"context deadline exceeded", r"context canceled", r"code = deadlineexceeded", r"code = canceled",
         r"no progress in", r"code = 4 desc")),
)

_HOST = re.compile(r'(?:https?://|lookup |Head "https?://|Get "?https?://|reading manifest \S+ in |registry )([a-z0-9.-]+\.[a-z]{2,}(?::\d+)?|\d+\.\d+\.\d+\.\d+(?::\d+)?|localhost(?::\d+)?)', re.IGNORECASE)


# Pure functions of a message, memoised: a paste of many pods repeats its runtime errors, and each is read by
# several rules.
@lru_cache(maxsize=4096)
def classify(message: str) -> PullError:
    text = re.sub(r"\s+", " ", message)
    host_m = _HOST.search(text)
    host = host_m.group(1) if host_m else None
    for cls, sub, detail, rx in _CHECKS:
        if rx.search(text):
            return PullError(cls, sub, detail, host)
    return PullError("unknown", "unknown", "the pull failed", host)


_PULL_FAILED = re.compile(r'^(?:Failed to pull image|failed to pull image|image pull failed for) (?:"([^"]*)"|([^\s",]+))[:,]?\s*(.*)$',
                          re.DOTALL)
# Issue trackers turn names into Markdown links inside the quotes: "[quay.io/x:v1](http://quay.io/x:v1)".
_MD_LINK = re.compile(r"\[([^\]\s]+)\]\(https?://[^)\s]*\)")
_OLD_SYNC = re.compile(r'failed to "StartContainer" for "([^"]+)" with (ErrImagePull|ImagePullBackOff): "(.*)"')


@lru_cache(maxsize=4096)
def pull_failure(message: str) -> Optional[tuple]:
    """`Failed to pull image "x": <err>` -> (image, err); None for other messages."""
    m = _PULL_FAILED.match(_MD_LINK.sub(r"\1", message.strip()))
    if m:
        image = m.group(1) if m.group(1) is not None else m.group(2)
        # `Failed to pull image ""`: some kubelets print an empty name; the registry URL in the error still names it.
        return (image or image_from_url(m.group(3)) or ""), m.group(3)
    return None


# ---- reading the pull failures of a pod ------------------------------------------------

@dataclass(frozen=True)
class PullCase:
    """One container whose image cannot be pulled, with what the paste says about why."""

    container: object                  # model.Container
    cls: str                           # the resolved class
    sub: str
    detail: str
    host: Optional[str]
    confidence: str                    # confirmed | likely | possible
    event: object = None               # the newest `Failed to pull image` (or InspectFailed, ...) event
    error: str = ""                    # the runtime's words
    image: str = ""
    waiting: object = None             # the `Reason:` Val of the Waiting state
    secret_event: object = None        # FailedToRetrieveImagePullSecret
    alternative: str = ""              # the competing explanation, for ambiguous answers


_SECRET = re.compile(r"Unable to retrieve some image pull secrets \(([^)]*)\)")


def missing_pull_secrets(ctx) -> tuple:
    """-> (event, [secret names]) from a FailedToRetrieveImagePullSecret event, or (None, [])."""
    ev = ctx.newest(ctx.events("FailedToRetrieveImagePullSecret"))
    if ev is None:
        return None, []
    m = _SECRET.search(ev.message)
    names = [n.strip() for n in m.group(1).split(",")] if m else []
    return ev, [n for n in names if n]


def pull_cases(ctx) -> list:
    """Containers (init first) that are failing to pull now, classified by the runtime's message."""
    if "pull_cases" in ctx.facts:      # several rules ask for each pod: read once
        return ctx.facts["pull_cases"]
    from .imageref import near_official, parse_image
    from .rules.rule import PULL_WAITING

    pod = ctx.pod
    cases = []
    secret_ev, _ = missing_pull_secrets(ctx)
    for c in list(pod.all_containers) or _containers_from_events(ctx):
        st = c.state
        pulling_now = st is not None and st.state == "Waiting" and st.reason in PULL_WAITING
        if st is not None and not pulling_now:
            continue                      # running, or stuck for another reason: old pull events are history
        evs = ctx.container_events(c, "Failed", "InspectFailed", "ErrImageNeverPull", "FailedSync", "ErrImagePull")
        fails = [e for e in evs if pull_failure(e.message) or e.reason in ("InspectFailed", "ErrImageNeverPull")]
        if not fails:   # pre-1.5 kubelets: FailedSync `... with ErrImagePull: "<error>"`
            fails = [e for e in evs if (m := _OLD_SYNC.search(e.message)) and m.group(2) == "ErrImagePull"]
        if not pod.all_containers and c.image:
            # Stand-ins of an Events-only paste: each pulls its own image, named in its `Failed to pull image` rows.
            fails = [e for e in fails if (pf := pull_failure(e.message)) is None or not pf[0] or pf[0] == str(c.image)]
        newest = ctx.newest(fails)
        if st is None and newest is None:
            continue
        if st is None and _pulled_after(ctx, c, newest):
            continue                      # a partial paste whose last word is a successful pull
        image = str(c.image or "")
        reason = str(st.reason) if st is not None and st.reason else ""
        if reason == "InvalidImageName" or (newest is not None and newest.reason == "InspectFailed"
                                            and "invalid reference format" in newest.message):
            cases.append(PullCase(c, "invalid-image-name", "reference", "the image reference cannot be parsed", None,
                                  "confirmed", newest, newest.message if newest else "", image, st.reason if st else None))
            continue
        if reason == "ErrImageNeverPull" or (newest is not None and newest.reason == "ErrImageNeverPull"):
            cases.append(PullCase(c, "image-never-pull", "never", "imagePullPolicy is Never and the image is not on the node",
                                  None, "confirmed", newest, newest.message if newest else "", image,
                                  st.reason if st else None))
            continue
        if newest is None:
            continue                      # details expired: the engine says what to paste next
        pf = pull_failure(newest.message)
        if pf:
            image = image or pf[0]
            err = pf[1]
        else:
            m = _OLD_SYNC.search(newest.message)
            err = m.group(3) if m else newest.message
            image = image or image_from_url(err) or ""
        pe = classify(err)
        cls, conf, alt = pe.cls, "confirmed", ""
        if cls == "ambiguous-denied":
            # Docker Hub's ambiguous "pull access denied" next to an earlier, plain "unauthorized: authentication
            # required" for the same image: the plain answer settles it.
            plain = [e for e in fails if e is not newest and (pf2 := pull_failure(e.message)) is not None
                     and (not pf2[0] or not image or pf2[0] == image) and classify(pf2[1]).cls == "image-auth"]
            if plain:
                newest = ctx.newest(plain)
                err = pull_failure(newest.message)[1]
                pe = classify(err)
                cls = pe.cls
        if cls == "ambiguous-denied":
            ref = parse_image(image) if image else None
            near = near_official(ref.repository.split("/")[-1]) if ref and ref.is_official else None
            if secret_ev is not None:
                cls, conf = "image-auth", "likely"
                alt = "the repository may also not exist; the registry gives the same answer for both"
            elif ref is not None and ref.is_official:
                cls, conf = "image-not-found", "likely"
                alt = (f"did you mean {near}? " if near else "") + \
                      "Docker Hub gives the same answer for a private repository without credentials"
            else:
                cls, conf = "image-auth", "likely"
                alt = "Docker Hub gives the same answer for a repository that does not exist (a typo in the name)"
        elif cls == "image-auth" and _gcr_unauthorized(image, err):
            # gcr.io answers a repository or tag that does not exist with the same 401 as a missing credential.
            conf = "likely"
            alt = "gcr.io gives the same answer for a repository or tag that does not exist (a typo in the name or tag)"
        elif cls == "unknown":
            cls, conf = "image-registry-unreachable", "possible"
        cases.append(PullCase(c, cls, pe.sub, pe.detail, pe.host, conf, newest, err.strip(), image,
                              st.reason if st else None, secret_ev, alt))
    ctx.facts["pull_cases"] = cases
    return cases


_GCR_401 = re.compile(r"\bunauthorized\b|authentication required|401", re.I)
_GCR_PLAIN = re.compile(r"no basic auth|403|forbidden|denied|permission", re.I)


def _gcr_unauthorized(image: str, err: str) -> bool:
    """gcr.io's plain `unauthorized: authentication required` (not a permission denial, not an absent credential)."""
    from .imageref import parse_image

    if not image:
        return False
    host = parse_image(image).registry
    return (host == "gcr.io" or host.endswith(".gcr.io")) and bool(_GCR_401.search(err)) and not _GCR_PLAIN.search(err)


def _pulled_after(ctx, c, failed) -> bool:
    ok = [e for e in ctx.container_events(c, "Pulled", "Started", "Created")]
    newest_ok = ctx.newest(ok)
    if newest_ok is None or failed is None:
        return False
    if newest_ok.last_seen_s is not None and failed.last_seen_s is not None:
        return newest_ok.last_seen_s < failed.last_seen_s or (
            newest_ok.last_seen_s == failed.last_seen_s and newest_ok.line > failed.line)
    return newest_ok.line > failed.line


def finding_for(ctx, meta, case: PullCase, *, cause: str, fix: list, commands: list, next: list = (),
                rule_id: Optional[str] = None, evidence_extra: tuple = ()):
    """A finding about one PullCase, citing the image, the waiting reason and the runtime's words."""
    from .report import Confidence

    from .workload_edits import check_step

    c = case.container
    ev = ctx.evidence(case.waiting, c.image, case.event, case.secret_event, *evidence_extra)
    check_txt, check = check_step(ctx, "the image is pulled and the pods reach Running.")
    fix = list(fix) + [check_txt]
    return ctx.finding(
        meta, rule_id=rule_id, container=str(c.name) or None, cause=cause, evidence=ev, fix=fix,
        commands=list(commands) + [check], next=list(next), confidence=Confidence(case.confidence),
        details={k: v for k, v in (("image", case.image), ("sub_cause", case.sub), ("registry_host", case.host),
                                   ("runtime_message", case.error), ("alternative", case.alternative)) if v},
    )


def _containers_from_events(ctx) -> list:
    """A paste cut down to its Events table names no containers: stand one in per pulled image."""
    from .model import Container, Val

    seen = {}
    for e in ctx.obj.events:
        pf = pull_failure(e.message)
        image = pf[0] if pf else None
        if image is None:
            m = _OTHER_IMAGE_EVENT.match(e.message.strip())
            image = (m.group(1) or m.group(2)) if m else None
        if image and image not in seen:
            seen[image] = Container(name=Val(e.container or "", 0), init=False, image=Val(image, 0))
            continue
        m = _OLD_SYNC.search(e.message)        # pre-1.5 kubelets: FailedSync naming the container
        if m and m.group(2) == "ErrImagePull":
            image = image_from_url(m.group(3)) or ""
            key = image or m.group(1)
            if key not in seen:
                seen[key] = Container(name=Val(m.group(1), 0), init=False, image=Val(image, 0) if image else None)
    return list(seen.values())


_V2_URL = re.compile(r"https?://([^/\"\n]{1,255}?)/v2/(\S+?)/manifests/([^\s:\"\\]+)")


def image_from_url(text: str) -> Optional[str]:
    """`Get https://<host>/v2/<repo>/manifests/<tag>` -> `<host>/<repo>:<tag>` (the registry API path)."""
    m = _V2_URL.search(text)
    if not m:
        return None
    host, repo, ref = m.groups()
    if host in ("registry-1.docker.io", "index.docker.io"):
        host = "docker.io"
    sep = "@" if ref.startswith("sha256") else ":"
    return f"{host}/{repo}{sep}{ref}"


# Events that name the image without a pull attempt: `Container image "x" is not present with pull
# policy of Never` (ErrImageNeverPull), `Failed to apply default image tag "x": ...` (InspectFailed).
_OTHER_IMAGE_EVENT = re.compile(r'^(?:Container image "([^"]*)" is not present|(?:Failed to apply default image tag|Failed to inspect '
                                r'image) "([^"]*)")')
