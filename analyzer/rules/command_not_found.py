"""command-not-found: the container's program cannot be started (not in the image, not
executable, no command at all)."""
from __future__ import annotations

import posixpath

from ..crashes import is_trouble_now, start_failure
from ..history import mark_explained
from ..imageref import parse_image
from ..report import Confidence, Severity
from ..workload_edits import check_step, edit_owner
from .rule import RuleMeta, kind_word

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
        return "its args (with no command set and no ENTRYPOINT in the image, the first arg is run as the program)"
    if exe and not cmd and not args:
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


def check(ctx):
    for c in ctx.pod.all_containers:
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
        from_where = f" (from {origin})" if origin else ""
        who = f"{kind_word(c).capitalize()} {c.name}"
        extra = []
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
            if sf.exit is not None and sf.exit.code == 126 and not exe:
                what = "a command could not be executed (exit 126: permission denied, a directory, or a noexec mount)"
        elif sf.sub == "no-command":
            what = f"neither the pod nor image {image} says what to run (no command, and no ENTRYPOINT or CMD in the image)"
        elif sf.sub == "is-directory":
            what = f"{exe} is a directory, not a program{from_where}"
        elif sf.sub == "shell-not-found":
            what = (f"its shell could not find the program \"{exe}\" (exit 127)" if exe else
                    "it exited with code 127, which a shell returns when it cannot find a command: a program missing from "
                    "the image in `sh -c`, a wrong PATH, or a missing interpreter in a script's #! line")
        else:
            what = f"the runtime could not start its process: {sf.message[:200]}"
        if sf.exit is not None and sf.sub not in ("shell-not-found",) and sf.exit.code is not None:
            what += f" (exit {sf.exit.code}, {sf.exit.reason or 'no reason'})" if sf.exit.reason in ("StartError", "ContainerCannotRun") else ""
        if c.init:
            stuck = "so the pod never gets past its init containers"
        else:
            stuck = "so it never runs"
        cause = f"{who} cannot start: {what}, {stuck}."
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
        fix = [f"Change the command/args of {c.name} to a program the image contains, or use an image that contains "
               f"{exe or 'it'} — {edit_owner(ctx)}.", *extra]
        if sf.sub == "permission":
            fix[0] = (f"Make {exe or 'the program'} executable in the image (`RUN chmod +x {exe or '<file>'}` in the "
                      "Dockerfile), or run it through its interpreter (sh script.sh); check the mount is not noexec.")
        if sf.sub == "no-command":
            fix[0] = f"Set command: (and args:) for {c.name} in {ctx.workload_phrase} — {edit_owner(ctx)}."
        conf = Confidence(sf.confidence)
        nxt = []
        if sf.sub in ("shell-not-found", "permission") and sf.confidence != "confirmed":
            nxt = [ctx.logs_previous(str(c.name))]
            fix.insert(0, f"Read the shell's error in the previous logs: `{ctx.logs_previous(str(c.name))}`.")
        check_txt, check_cmd = check_step(ctx, f"{c.name} reaches Running and Restart Count stops growing.")
        fix.append(check_txt)
        ev = ctx.evidence(*sf.sources, *argv_lines, c.image,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None)
        yield ctx.finding(
            META, container=str(c.name), cause=cause, evidence=ev, fix=fix, confidence=conf,
            commands=[x for x in (inspect, probe, check_cmd) if x], next=nxt,
            details={k: v for k, v in (("sub_cause", sf.sub), ("executable", exe or None), ("image", str(c.image) if c.image else None),
                                       ("runtime_message", sf.message[:500] if sf.message else None),
                                       ("exit_code", sf.exit.code if sf.exit is not None else None)) if v is not None},
        )
