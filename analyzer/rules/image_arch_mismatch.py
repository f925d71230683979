"""image-arch-mismatch: the image has no variant for the node's platform, or its binary is for another CPU."""
from __future__ import annotations

import re

from ..crashes import cname, events_about, is_crashlooping, label, nm, pod_containers
from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Confidence, Severity
from ..workload_edits import check_step
from .rule import RuleMeta, paste_cache

def _may_say_exec_format(pod) -> bool:
    """Without events: an `exec format error` in a container's state message, or a crash-looping container that
    `kubectl logs` pasted beside it may explain (the pull failures are events)."""
    return any(is_crashlooping(c) or any(st is not None and st.message is not None and _EXEC_FORMAT.search(st.message)
                                         for st in (c.state, c.last_state)) for c in pod.all_containers)


META = RuleMeta(
    id="image-arch-mismatch", cls="image-arch-mismatch", title="Image built for another CPU architecture",
    severity=Severity.ERROR, rank=36,
    summary="The image has no variant for the node's OS/architecture (no match for platform), or its binary is for another CPU (exec format error).",
    statuses=("ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "Error", "exec format error",
              "no match for platform in manifest"),
    related=("command-not-found", "crashloop-app-error"),
    quiet_without_events=_may_say_exec_format,
)

_EXEC_FORMAT = re.compile(r"exec format error", re.IGNORECASE)
# Docker: `no matching manifest for linux/arm64/v8 in the manifest list entries`;
# CRI-O: `no image found in manifest list for architecture arm64, variant "v8", OS linux`.
_PLATFORM = re.compile(r"no matching manifest for (\S+) in|for architecture (\w+)", re.IGNORECASE)


def _fix(ctx, image: str, check: bool = False) -> list:
    out = [f"Build {image if not image.startswith('<') else 'the image'} for every architecture your nodes run: `docker buildx build --platform linux/amd64,linux/arm64 -t {image} --push .`",
           f"Or keep {ctx.workload_phrase} on nodes of the image's architecture: nodeSelector `kubernetes.io/arch: amd64` (or arm64).",
           "A shell script without a `#!/bin/sh` line fails with the same words: check the entrypoint's first line."]
    if check:
        out.append(check_step(ctx, "the new pods stay Running and Restart Count stops growing.")[0])
    return out


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        m = _PLATFORM.search(case.error or "")
        platform = next((g for g in m.groups() if g), None) if m else None
        which = f"the node's platform ({platform})" if platform else "the node's platform"
        yield finding_for(ctx, META, case,
                          cause=(f"{ref.display} has no variant for {which}: the runtime found no match in its manifest "
                                 "list, so the image was built for other CPU architectures only."),
                          fix=_fix(ctx, case.image),
                          commands=[f"docker manifest inspect {case.image}  # lists the platforms the image has",
                                    ctx.kubectl("get", "nodes", "-L", "kubernetes.io/arch", namespaced=False)])
    # At start: the image pulled, but its entrypoint is a binary for another CPU.
    found = False
    # Most pods say nothing of the kind: look once over the pod before going container by container.
    said = any(e.reason in ("Failed", "BackOff") and _EXEC_FORMAT.search(e.message) for e in ctx.obj.events) or any(
        st is not None and st.message is not None and _EXEC_FORMAT.search(st.message)
        for c in ctx.pod.all_containers for st in (c.state, c.last_state))
    for c in ctx.pod.all_containers if said else ():
        hits = []
        for st in (c.state, c.last_state):
            if st is not None and st.message is not None and _EXEC_FORMAT.search(st.message):
                hits.append(st.message)
        evs = [e for e in ctx.container_events(c, "Failed", "BackOff") if _EXEC_FORMAT.search(e.message)]
        if not hits and not evs:
            continue
        found = True
        current = c.state is not None and c.state.state != "Running" or not c.is_ready
        image = str(c.image or "<image>")
        yield ctx.finding(
            META, container=cname(c), current=current,
            cause=f"The entrypoint of {image} is a binary for another CPU architecture (exec format error), so {nm(c)} cannot start.",
            evidence=ctx.evidence(c.image, *hits, *evs, c.state.reason if c.state else None),
            fix=_fix(ctx, image, check=True),
            commands=[f"docker manifest inspect {image}",
                      ctx.kubectl("get", "nodes", "-L", "kubernetes.io/arch", namespaced=False)],
            details={"image": image},
        )
    if not found:
        yield from _from_pasted_logs(ctx)


def _from_pasted_logs(ctx):
    """`kubectl logs` pasted next to the describe (`exec /bin/sh: exec format error`, or runc's
    `standard_init_linux.go:219: exec user process caused: exec format error`): the container that
    keeps restarting is the one whose binary is for another CPU."""
    logs = _log_lines(ctx.lines)
    if not logs:
        return
    looping = [c for c in pod_containers(ctx) if is_crashlooping(c) or (c.state is None and events_about(ctx, c, "BackOff"))]
    if len(looping) != 1:
        return
    c = looping[0]
    image = str(c.image or "<image>")
    yield ctx.finding(
        META, container=cname(c), confidence=Confidence.LIKELY,
        cause=(f"{label(c, True)} keeps restarting, and the logs pasted with it say \"exec format error\": the image's "
               "program is a binary for another CPU architecture than the node's (an amd64-only image on an arm64 node, or "
               "the reverse). A script without a #! line gives the same words."),
        evidence=ctx.evidence(logs[0].no, *events_about(ctx, c, "BackOff")[-1:], c.image,
                              c.state.reason if c.state is not None else None),
        fix=_fix(ctx, image, check=True),
        commands=[f"docker manifest inspect {image}  # lists the platforms the image has",
                  ctx.kubectl("get", "nodes", "-L", "kubernetes.io/arch", namespaced=False)],
        details={"image": image} if c.image else {},
    )


_LOG_CACHE: list = paste_cache(lambda: [None, ()])   # [the paste's line list, its matching lines]


def _log_lines(lines: list) -> list:
    """The lines of the whole paste that say `exec format error`, found once per paste (a paste of many
    pods must not be rescanned for each of them)."""
    if _LOG_CACHE[0] is not lines:
        # Only a line with an x can say it in any case (X is the one character that lower-cases to x): most
        # lines are not lower-cased at all.
        _LOG_CACHE[:] = [lines, [ln for ln in lines if ("x" in ln.text or "X" in ln.text)
                                 and "exec format error" in ln.text.lower()]]
    return _LOG_CACHE[1]
