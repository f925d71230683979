"""command-not-found: the container's program cannot be started (not in the image, not
executable, no command at all)."""
from __future__ import annotations

import posixpath

from ..crashes import cname, is_trouble_now, label, nm, pod_containers, start_failure
from ..history import mark_explained
from ..imageref import parse_image
from ..report import Confidence, Severity
from ..workload_edits import check_step, edit_owner, node_name
from .rule import RuleMeta

META = RuleMeta(
    id="command-not-found", cls="command-not-found", title="Container command cannot be started",
    severity=Severity.ERROR, rank=45,
    summary="The runtime cannot start the container's process: the executable is not in the image, is not executable, or there is no command at all.",
    statuses=("RunContainerError", "StartError", "CreateContainerError", "ContainerCannotRun", "CrashLoopBackOff",
              "executable file not found in $PATH"),
    related=("image-arch-mismatch", "crashloop-app-error", "init-container-failure"),
)

_NO_BASH = ("alpine", "busybox", "distroless", "scratch", "static")


def _origin(c, exe: str) -> str:
    """Where the program came from: the pod's command, its args, or the image."""
    cmd = [str(a) for a in c.command]
    args = [str(a) for a in c.args]
    first = lambda argv: argv[0].split()[0] if argv and argv[0].split() else ""  # noqa: E731
    if cmd and (not exe or first(cmd) == exe or cmd[0] == exe):
        return "its command"
    if not cmd and args and (not exe or first(args) == exe or args[0] == exe):
        return "its first arg: with no command set and no ENTRYPOINT in the image, the args are run as the command"
    if exe and not cmd and not args and c.name.line > 0:
        return "the image's ENTRYPOINT/CMD"
    return ""


def _mount_over(c, exe: str):
    """A volume mounted over the directory that should hold the program hides the image's files."""
    if not exe.startswith("/"):
        return None
    for m in c.mounts:
        path = str(m).split(" from ")[0].strip()
        if path and path != "/" and (exe == path or exe.startswith(path.rstrip("/") + "/")) and \
                "serviceaccount" not in path:
            return m
    return None


def _on_openshift(ctx) -> bool:
    first, last = ctx.obj.lines
    return any("openshift.io/scc" in ctx.lines[n - 1].text for n in range(first, min(last, len(ctx.lines)) + 1))


def check(ctx):
    for c in pod_containers(ctx):
        sf = start_failure(ctx, c)
        if sf is None or sf.sub == "exec-format":
            continue
        evs = [s for s in sf.sources if hasattr(s, "reason") and hasattr(s, "count")]
        waiting_start = c.state is not None and c.state.state == "Waiting"
        current = is_trouble_now(c) or waiting_start
        mark_explained(ctx, evs)
        if not current:
            continue
        exe = sf.exe
        image = str(c.image or "the image")
        ref = parse_image(image) if c.image else None
        base = ref.repository.split("/")[-1] if ref is not None else ""
        origin = _origin(c, exe)
        from_where = f" ({origin})" if origin else ""
        who = f"{label(c, True)}"
        extra = []
        if sf.sub == "node-helper":
            node = node_name(ctx) or "its node"
            cause = (f"The container runtime on {node} cannot create {label(c)}: it runs the helper program "
                     f"\"{exe}\" itself while creating containers, and that program is not installed on the node. This is "
                     "not a problem of the image or of the container's command.")
            fix = [f"Install {exe} on the node (for apparmor_parser: the apparmor-parser / apparmor package of the node's "
                   "distribution), or turn off the runtime feature that needs it, then restart the container runtime.",
                   "Every pod scheduled to that node fails the same way until then: cordon it meanwhile."]
            check_txt, check_cmd = check_step(ctx, f"{nm(c)} is created and reaches Running.")
            fix.append(check_txt)
            yield ctx.finding(
                META, container=cname(c), cause=cause, evidence=ctx.evidence(*sf.sources, c.image,
                c.state.reason if c.state is not None and c.state.state == "Waiting" else None), fix=fix,
                commands=[ctx.kubectl("cordon", node, namespaced=False) if node != "its node" else None, check_cmd],
                details={"sub_cause": sf.sub, "executable": exe, "runtime_message": sf.message[:500]},
            )
            continue
        if sf.sub == "not-found":
            what = f"there is no executable \"{exe}\" in the $PATH of image {image}{from_where}"
            if " " in exe:
                what += ": the whole command line is one argv element, so the runtime looks for a program with spaces in its name"
        elif sf.sub == "no-such-file":
            what = f"{exe or 'the program'} does not exist in image {image}{from_where}"
            if posixpath.basename(exe) == "bash" and any(b in image for b in _NO_BASH):
                extra.append(f"{base or image} has no bash: use /bin/sh.")
            elif exe.startswith("./") or (exe and not exe.startswith("/")):
                extra.append(f"{exe} is relative to the container's working directory: use an absolute path, or set workingDir.")
            shadow = _mount_over(c, exe)
            if shadow is not None:
                what += f"; the volume mounted at {str(shadow).split(' from ')[0].strip()} hides the image's files there"
        elif sf.sub == "permission":
            what = (f"{exe or 'the program'} cannot be executed{from_where}: it lacks the execute bit, sits on a noexec "
                    "mount, or the container's user cannot read it")
        elif sf.sub == "no-command":
            what = f"neither the pod nor image {image} says what to run (no command, and no ENTRYPOINT or CMD in the image)"
        elif sf.sub == "is-directory":
            what = f"{exe} is a directory, not a program{from_where}"
        else:
            what = f"the runtime could not start its process: {sf.message[:200]}"
        how = ""
        if sf.exit is not None and sf.exit.reason in ("StartError", "ContainerCannotRun") and sf.exit.code is not None:
            how = f" ({sf.exit.reason}, exit {sf.exit.code})"
        elif c.state is not None and c.state.state == "Waiting" and c.state.reason in ("RunContainerError", "CreateContainerError"):
            how = f" ({c.state.reason})"
        if c.init:
            stuck = "so the pod never gets past its init containers"
        else:
            stuck = "so it never runs"
        cause = f"{who} cannot start{how}: {what}, {stuck}."
        if sf.sub == "permission" and _on_openshift(ctx):
            extra.append("OpenShift runs containers as an arbitrary UID in group 0: the file needs group read and execute "
                         "permission (`chmod g+rx`, and `chgrp 0`) in the image, not only for its owner.")
        if any(b in image for b in ("distroless",)):
            extra.append("Distroless images have no shell: `sh -c …` commands cannot work there.")
        argv_lines = list(c.command) + list(c.args)
        inspect = (f"docker image inspect {image} --format '{{{{.Config.Entrypoint}}}} {{{{.Config.Cmd}}}} "
                   f"{{{{.Config.WorkingDir}}}}'  # what the image runs by default")
        probe = None
        if exe.startswith("/"):
            probe = f"docker run --rm --entrypoint ls {image} -l {exe}  # does the file exist, is it executable?"
        elif exe:
            probe = f"docker run --rm --entrypoint sh {image} -c 'command -v {exe}'  # is it in the image's PATH?"
        fix = [f"Change the command/args of {nm(c)} to a program the image contains, or use an image that contains "
               f"{exe or 'it'} — {edit_owner(ctx)}.", *extra]
        if sf.sub == "permission":
            fix[0] = (f"Make {exe or 'the program'} executable in the image (`RUN chmod +x {exe or '<file>'}` in the "
                      "Dockerfile), or run it through its interpreter (sh script.sh); check the mount is not noexec.")
        if sf.sub == "no-command":
            fix[0] = f"Set command: (and args:) for {nm(c)} in {ctx.workload_phrase} — {edit_owner(ctx)}."
        conf = Confidence(sf.confidence)
        nxt = []
        check_txt, check_cmd = check_step(ctx, f"{nm(c)} reaches Running and Restart Count stops growing.")
        fix.append(check_txt)
        ev = ctx.evidence(*sf.sources, *argv_lines, c.image,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=conf,
            commands=[x for x in (inspect, probe, check_cmd) if x], next=nxt,
            details={k: v for k, v in (("sub_cause", sf.sub), ("executable", exe or None), ("image", str(c.image) if c.image else None),
                                       ("runtime_message", sf.message[:500] if sf.message else None),
                                       ("exit_code", sf.exit.code if sf.exit is not None else None)) if v is not None},
        )
