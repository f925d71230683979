"""image-arch-mismatch: the image has no variant for the node's platform, or its binary is for another CPU."""
from __future__ import annotations

import re

from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="image-arch-mismatch", cls="image-arch-mismatch", title="Image built for another CPU architecture",
    severity=Severity.ERROR, rank=36,
    summary="The image has no variant for the node's OS/architecture (no match for platform), or its binary is for another CPU (exec format error).",
    statuses=("ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "exec format error"),
    related=("command-not-found", "crashloop-app-error"),
)

_EXEC_FORMAT = re.compile(r"exec format error", re.IGNORECASE)


def _fix(ctx, image: str) -> list:
    return [f"Build {image} for every architecture your nodes run: `docker buildx build --platform linux/amd64,linux/arm64 -t {image} --push .`",
            f"Or keep {ctx.workload_phrase} on nodes of the image's architecture: nodeSelector `kubernetes.io/arch: amd64` (or arm64).",
            "A shell script without a `#!/bin/sh` line fails with the same words: check the entrypoint's first line."]


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        yield finding_for(ctx, META, case,
                          cause=f"{ref.name}:{ref.version} has no variant for the node's platform: the runtime found no match in its manifest list.",
                          fix=_fix(ctx, case.image),
                          commands=[f"docker manifest inspect {case.image}  # lists the platforms the image has",
                                    ctx.kubectl("get", "nodes", "-L", "kubernetes.io/arch", namespaced=False)])
    # At start: the image pulled, but its entrypoint is a binary for another CPU.
    for c in ctx.pod.all_containers:
        hits = []
        for st in (c.state, c.last_state):
            if st is not None and st.message is not None and _EXEC_FORMAT.search(st.message):
                hits.append(st.message)
        evs = [e for e in ctx.container_events(c, "Failed", "BackOff") if _EXEC_FORMAT.search(e.message)]
        if not hits and not evs:
            continue
        current = c.state is not None and c.state.state != "Running" or not c.is_ready
        image = str(c.image or "<image>")
        yield ctx.finding(
            META, container=str(c.name), current=current,
            cause=f"The entrypoint of {image} is a binary for another CPU architecture (exec format error), so {c.name} cannot start.",
            evidence=ctx.evidence(c.image, *hits, *evs, c.state.reason if c.state else None),
            fix=_fix(ctx, image),
            commands=[f"docker manifest inspect {image}",
                      ctx.kubectl("get", "nodes", "-L", "kubernetes.io/arch", namespaced=False)],
            details={"image": image},
        )
