"""command-not-found: the container's program cannot be started (not in the image, not
executable, no command at all)."""
from __future__ import annotations

import posixpath

from ..crashes import cname, is_trouble_now, label, last_exit, nm, pod_containers, start_failure
from ..history import mark_explained
from ..imageref import parse_image
from ..report import Confidence, Severity
from ..workload_edits import check_step, edit_owner, node_name
from .rule import RuleMeta

def _exit_message(pod) -> bool:
    """Without events a start failure is read only from the message of a container's last exit."""
    return any((ex := last_exit(c)) is not None and ex.state.message for c in pod.all_containers)


META = RuleMeta(
    id="command-not-found", cls="command-not-found", title="Container command cannot be started",
    severity=Severity.ERROR, rank=45,
    summary="The runtime cannot start the container's process: the executable is not in the image, is not executable, or there is no command at all.",
    statuses=("RunContainerError", "StartError", "CreateContainerError", "ContainerCannotRun", "CrashLoopBackOff",
              "executable file not found in $PATH", "Init:RunContainerError", "no such file or directory",
              "permission denied"),
    related=("image-arch-mismatch", "crashloop-app-error", "init-container-failure"),
    quiet_without_events=_exit_message,
)

_NO_BASH = ("alpine", "busybox", "distroless", "scratch", "static")


def _origin(c, exe: str) -> str:
    """Where the program came from, as the start of a clause: "its command runs /bin/bash"."""
    cmd = [str(a) for a in c.command]
    args = [str(a) for a in c.args]
    first = lambda argv: argv[0].split()[0] if argv and argv[0].split() else ""  # noqa: E731
    shown = exe or "its program"
    if cmd and (not exe or first(cmd) == exe or cmd[0] == exe):
        return f"its command runs {shown}"
    if not cmd and args and (not exe or first(args) == exe or args[0] == exe):
        return (f"it sets args but no command, and the image has no ENTRYPOINT, so its first arg {shown} is run as the "
                "program")
    if exe and not cmd and not args and c.name.line > 0:
        return f"the image's ENTRYPOINT/CMD runs {shown}"
    return f"the runtime tried to run {shown}"


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


def _node_helper(ctx, c, sf):
    node = node_name(ctx) or "its node"
    exe = sf.exe
    cause = (f"The container runtime on {node} cannot create {label(c)}: it runs the helper program \"{exe}\" itself "
             "while creating containers, and that program is not installed on the node. This is not a problem of the "
             "image or of the container's command.")
    pkg = " (package apparmor-parser or apparmor, depending on the distribution)" if exe == "apparmor_parser" else ""
    fix = [f"Install {exe} on {node}{pkg}, or turn off the runtime feature that needs it, then restart the container "
           "runtime.",
           "Every pod scheduled to that node fails the same way until then: cordon it meanwhile."]
    check_txt, check_cmd = check_step(ctx, f"{nm(c)} is created and reaches Running.")
    fix.append(check_txt)
    return ctx.finding(
        META, container=cname(c), cause=cause,
        evidence=ctx.evidence(*sf.sources, c.image, c.state.reason if c.state is not None and c.state.state == "Waiting" else None),
        fix=fix, commands=[ctx.kubectl("cordon", node, namespaced=False) if node != "its node" else None, check_cmd],
        details={"sub_cause": sf.sub, "executable": exe, "runtime_message": sf.message[:500]},
    )


def _what(c, sf, image: str, base: str) -> tuple:
    """-> (clause saying what is wrong, extra fix sentences)."""
    exe = sf.exe
    origin = _origin(c, exe)
    in_image = f"image {image}" if c.image else "the image"
    extra = []
    if sf.sub == "not-found":
        what = f"{origin}, and {in_image} has no such executable in its $PATH"
        if " " in exe:
            what += (" (the whole command line is one argv element, so the runtime looks for a program with spaces in "
                     "its name)")
    elif sf.sub == "no-such-file":
        what = f"{origin}, which does not exist in {in_image}"
        if posixpath.basename(exe) == "bash" and any(b in image for b in _NO_BASH):
            extra.append(f"{base or image} has no bash: use /bin/sh.")
        elif exe and not exe.startswith("/"):
            extra.append(f"{exe} is relative to the container's working directory: use an absolute path, or set workingDir.")
        shadow = _mount_over(c, exe)
        if shadow is not None:
            what += f"; the volume mounted at {str(shadow).split(' from ')[0].strip()} hides the image's files there"
    elif sf.sub == "permission":
        what = (f"{origin}, which cannot be executed: it lacks the execute bit, sits on a noexec mount, or the "
                "container's user cannot read it")
    elif sf.sub == "no-command":
        what = f"neither the pod nor {in_image} says what to run (no command, and no ENTRYPOINT or CMD in the image)"
    elif sf.sub == "is-directory":
        what = f"{origin}, which is a directory, not a program"
    else:
        what = f"the runtime could not start its process: {sf.message[:200]}"
    return what, extra


def check(ctx):
    for c in pod_containers(ctx):
        sf = start_failure(ctx, c)
        if sf is None or sf.sub == "exec-format":
            continue
        evs = [s for s in sf.sources if hasattr(s, "reason") and hasattr(s, "count")]
        mark_explained(ctx, evs)
        if not (is_trouble_now(c) or (c.state is not None and c.state.state == "Waiting")):
            continue                           # it runs now: the start failure is history
        if sf.sub == "node-helper":
            yield _node_helper(ctx, c, sf)
            continue
        exe = sf.exe
        image = str(c.image or "the image")
        ref = parse_image(image) if c.image else None
        base = ref.repository.split("/")[-1] if ref is not None else ""
        what, extra = _what(c, sf, image, base)
        how = ""
        if sf.exit is not None and sf.exit.reason in ("StartError", "ContainerCannotRun") and sf.exit.code is not None:
            how = f" ({sf.exit.reason}, exit {sf.exit.code})"
        elif c.state is not None and c.state.state == "Waiting" and c.state.reason in ("RunContainerError", "CreateContainerError"):
            how = f" ({c.state.reason})"
        stuck = "so the pod never gets past its init containers" if c.init else "so it never runs"
        cause = f"{label(c, True)} cannot start{how}: {what}, {stuck}."
        if sf.sub == "permission" and _on_openshift(ctx):
            extra.append("OpenShift runs containers as an arbitrary UID in group 0: the file needs group read and execute "
                         "permission (`chmod g+rx`, and `chgrp 0`) in the image, not only for its owner.")
        if "distroless" in image:
            extra.append("Distroless images have no shell: `sh -c …` commands cannot work there.")
        commands = []
        if c.image:
            commands.append(f"docker image inspect {image} --format '{{{{.Config.Entrypoint}}}} {{{{.Config.Cmd}}}} "
                            "{{.Config.WorkingDir}}'  # what the image runs by default")
            if exe.startswith("/"):
                commands.append(f"docker run --rm --entrypoint ls {image} -l {exe}  # does the file exist, is it executable?")
            elif exe:
                commands.append(f"docker run --rm --entrypoint sh {image} -c 'command -v {exe}'  # is it in the image's PATH?")
        if sf.sub == "permission":
            first = (f"Make {exe or 'the program'} executable in the image (`RUN chmod +x {exe or '<file>'}` in the "
                     "Dockerfile), or run it through its interpreter (sh script.sh); check the mount is not noexec.")
        elif sf.sub == "no-command":
            first = f"Set command: (and args:) for {nm(c)} in {ctx.workload_phrase} — {edit_owner(ctx)}."
        else:
            first = (f"Change the command/args of {nm(c)} to a program the image contains, or use an image that contains "
                     f"{exe or 'it'} — {edit_owner(ctx)}.")
        fix = [first, *extra]
        check_txt, check_cmd = check_step(ctx, f"{nm(c)} reaches Running and Restart Count stops growing.")
        fix.append(check_txt)
        commands.append(check_cmd)
        ev = ctx.evidence(*sf.sources, *(list(c.command) + list(c.args)), c.image,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=Confidence(sf.confidence),
            commands=commands,
            details={k: v for k, v in (("sub_cause", sf.sub), ("executable", exe or None),
                                       ("image", str(c.image) if c.image else None),
                                       ("runtime_message", sf.message[:500] if sf.message else None),
                                       ("exit_code", sf.exit.code if sf.exit is not None else None)) if v is not None},
        )
