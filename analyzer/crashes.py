"""How a container ended: the terminated state that explains its restarts, who killed it,
and why a process could not start at all (kubernetes-failures.md B.2, B.5)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Optional

from .exit_codes import meaning, tool_meaning
from .model import Container, ContainerState

# Killing event wordings: `Container %s failed liveness probe, will be restarted` (1.14+),
# `Container %s failed startup probe, will be restarted`, `Init container %s failed startup probe`,
# and the pre-1.14 `Killing container with id docker://<c>:Container failed liveness probe.. Container
# will be killed and recreated.`
# kubelets 1.5-1.6 said `Killing container with id docker://<id>:pod "<pod>" container "<c>" is unhealthy, it will
# be killed and re-created.` (liveness was the only probe that killed then).
PROBE_KILL = re.compile(r"failed (liveness|startup) probe|is unhealthy, it will be killed and re-created", re.IGNORECASE)
_KILL_NAME = re.compile(r"(?:^|\s)(?:Init container|Container|container) (\S+) failed (?:liveness|startup) probe"
                        r"|docker://([^:\s]+):Container failed|container \"([^\"]+)\" is unhealthy")
START_FAILURE_REASONS = {"StartError", "ContainerCannotRun"}
# Waiting reasons of a container whose process could not be created or started.
START_WAITING = {"RunContainerError", "CreateContainerError", "StartError", "ContainerCannotRun"}
# describe prints these as Started for a process that never ran (B.5, Part C #13).
_SENTINEL_YEARS = ("1970", "0001")


@dataclass(frozen=True)
class Exit:
    state: ContainerState
    current: bool              # the container is Terminated now (not just its last state)

    @property
    def code(self) -> Optional[int]:
        return self.state.code

    @property
    def reason(self) -> str:
        return str(self.state.reason or "")


def last_exit(c: Container) -> Optional[Exit]:
    if c.state is not None and c.state.state == "Terminated":
        return Exit(c.state, True)
    if c.last_state is not None and c.last_state.state == "Terminated":
        return Exit(c.last_state, False)
    return None


def is_crashlooping(c: Container) -> bool:
    s = c.state
    return s is not None and s.state == "Waiting" and s.reason is not None and s.reason == "CrashLoopBackOff"


def killed_container(message: str) -> Optional[str]:
    m = _KILL_NAME.search(message)
    return next((g for g in m.groups() if g), None) if m else None


def probe_kills(ctx, c: Container) -> list:
    """`Killing` events that say the kubelet restarted `c` for a failed liveness/startup probe."""
    out = []
    for e in ctx.obj.events:
        if e.reason != "Killing" or not PROBE_KILL.search(e.message):
            continue
        named = e.container or killed_container(e.message)
        if named is not None:
            if named == str(c.name):
                out.append(e)
        elif len(pod_containers(ctx)) <= 1:
            out.append(e)
    return out


def is_trouble_now(c: Container, pod_status: str = "") -> bool:
    """The container is failing now: waiting after a crash, terminated with an error, or
    running-but-not-ready with restarts. A Ready container's past restarts are history."""
    if c.state is None:
        return True
    if is_crashlooping(c):
        return True
    if c.state.state == "Terminated":
        return (c.state.code or 0) != 0 or str(c.state.reason or "") not in ("Completed", "")
    if c.state.state == "Running":
        return not c.is_ready and c.restarts > 0 and not c.init
    return c.state.state == "Waiting"


def first_line(text: Optional[str], limit: int = 160) -> str:
    if not text:
        return ""
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


_ERRORISH = re.compile(r"(?:error|exception|panic|fatal|failed|cannot|can't|could not|unable|refused|denied|not found|"
                       r"no such|invalid|missing|killed|abort|not_found)", re.I)


# The line that names the exception: `psycopg2.OperationalError: …`, `panic: …`, `FATAL …`, `Error: …`.
_EXCEPTION = re.compile(r"^(?:[\w.]*(?:Error|Exception)\b[\w.]*:|panic:|fatal(?: error)?:|FATAL\b|Error:|Caused by:)", re.I)


def last_words(text: Optional[str], limit: int = 200) -> str:
    """The line of a termination message that says what went wrong: the last line that reads
    like an error (a Python exception, a Go panic, a FATAL log), else the last line."""
    if not text:
        return ""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    if not lines:
        return ""
    usable = [ln for ln in lines if not ln.startswith(("File \"", "at ", "goroutine ", "(Background on this error"))]
    pick = next((ln for ln in reversed(usable) if _EXCEPTION.match(ln)), None) or \
        next((ln for ln in reversed(usable) if _ERRORISH.search(ln)), lines[-1])
    return pick if len(pick) <= limit else pick[: limit - 1] + "…"


def said_line(ctx, state: ContainerState, said: str) -> Optional[int]:
    """The pasted line of a multi-line termination message that holds `said` (its last words)."""
    if not said or not state.lines:
        return None
    probe = said.rstrip("…")[:60]
    first, last = state.lines
    for no in range(first, min(last, len(ctx.lines)) + 1):
        if probe and probe in ctx.lines[no - 1].text:
            return no
    return None


# kubectl's own Started/Finished form, `Tue, 18 Mar 2025 09:40:02 +0000`, read by hand: strptime is slow (a locale
# lookup per call) and a paste of many pods has two per container. Anything else goes to strptime as before.
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                       "Dec"), 1)}
_KUBECTL_TIME = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (0[1-9]|[12]\d|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                           r"Oct|Nov|Dec) (\d{4}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) ([+-])([01]\d|2[0-3])([0-5]\d)")
_ZONES: dict = {}
_TIMES: dict = {}


def _time(v) -> Optional[datetime]:
    if not v:
        return None
    text = str(v).strip()
    if text in _TIMES:
        return _TIMES[text]
    if len(_TIMES) > 4096:
        _TIMES.clear()
    _TIMES[text] = got = _read_time(text)
    return got


def _read_time(text: str) -> Optional[datetime]:
    if any(f" {y} " in text for y in _SENTINEL_YEARS):
        return None
    m = _KUBECTL_TIME.fullmatch(text)
    if m is not None:
        d, mon, y, hh, mm, ss, sign, zh, zm = m.groups()
        off = (int(zh) * 60 + int(zm)) * (-1 if sign == "-" else 1)
        tz = _ZONES.get(off)
        if tz is None:
            tz = _ZONES[off] = timezone(timedelta(minutes=off))
        try:
            return datetime(int(y), _MONTHS[mon], int(d), int(hh), int(mm), int(ss), tzinfo=tz)
        except ValueError:
            pass                                   # 31 Feb: strptime refuses it too
    for fmt in ("%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def run_seconds(s: Optional[ContainerState]) -> Optional[float]:
    """How long a terminated process ran (Finished - Started); None when unknown or never started."""
    if s is None:
        return None
    a, b = _time(s.started), _time(s.finished)
    if a is None or b is None:
        return None
    try:
        return max((b - a).total_seconds(), 0.0)
    except TypeError:
        return None


def human_seconds(sec: float) -> str:
    sec = int(round(sec))
    if sec < 120:
        return f"{sec}s"
    if sec < 7200:
        return f"{sec // 60}m"
    if sec < 172800:
        return f"{sec // 3600}h"
    return f"{sec // 86400}d"


# ---- which containers a paste shows ---------------------------------------------------

_NAMED = re.compile(r'^(?:Created|Started) container:? (?P<a>[a-z0-9][a-z0-9.-]*)$|failed container (?P<b>[a-z0-9][a-z0-9.-]*) in pod'
                    r'|[Cc]ontainer "(?P<c>[a-z0-9][a-z0-9.-]*)"|^Stopping container (?P<d>[a-z0-9][a-z0-9.-]*)$')
_IMAGE = re.compile(r'(?:[Pp]ulling image|Container image|Successfully pulled image) "(?P<i>[^"]+)"')


def pod_containers(ctx) -> tuple:
    """The pod's containers; for a paste cut down to its Events table, stand-ins named by the
    events (`Created container web`, the 1.35 fieldPath, `failed to start container "web"`)."""
    pod = ctx.pod
    if getattr(pod, "all_containers", ()):
        return tuple(pod.all_containers)
    if "event_containers" in ctx.facts:
        return ctx.facts["event_containers"]
    from .model import Val

    names = []
    images = []
    image_of = {}
    last_image = None
    for e in ctx.obj.events:
        if e.reason == "Scheduled":
            continue
        mi = _IMAGE.search(e.message)
        if mi:
            last_image = mi.group("i")
        n = e.container
        if n is None and e.reason == "Killing":
            n = killed_container(e.message)
        if n is None and e.reason in ("Created", "Started", "Killing", "BackOff", "Failed"):
            m = _NAMED.search(e.message.strip())
            n = next((g for g in m.groups() if g), None) if m else None
        if n and n not in names:
            names.append(n)
        if n and e.reason == "Created" and last_image and n not in image_of:
            image_of[n] = last_image          # kubectl lists Pulled, then Created, for each container
        if mi and mi.group("i") not in images:
            images.append(mi.group("i"))
    if not names:
        names = ["<container>"]
    if len(images) == 1 and len(names) == 1:
        image_of[names[0]] = images[0]
    out = tuple(Container(name=Val(n, 0), init=False, image=Val(image_of[n], 0) if n in image_of else None)
                for n in names)
    ctx.facts["event_containers"] = out
    return out


def events_about(ctx, c: Container, *reasons: str) -> list:
    """Like Context.container_events, but over `pod_containers` (stand-ins of an Events-only paste)."""
    from .rules.rule import mentions

    cs = pod_containers(ctx)
    out = []
    for e in ctx.events(*reasons):
        if e.container is not None:
            if e.container == str(c.name):
                out.append(e)
        elif mentions(e.message, c) or len(cs) <= 1:
            out.append(e)
        elif _UNNAMED_BACKOFF.search(e.message) and not any(mentions(e.message, o) for o in cs) \
                and restarted_container(ctx) is c:
            out.append(e)
    return out


# Kubelets before 1.26 (and some runtimes since) print `Back-off restarting failed container` without a name.
_UNNAMED_BACKOFF = re.compile(r"^Back-off restarting failed container\s*$", re.I)


def restarted_container(ctx) -> Optional[Container]:
    """In an Events-only paste of several containers: the one container the events show started more
    than once (`Started container web` (x5 over 23m)), which an unnamed back-off row is about."""
    if ctx.pod.all_containers:
        return None
    if "restarted_container" not in ctx.facts:
        from .rules.rule import mentions

        cs = pod_containers(ctx)
        again = [c for c in cs if any(e.count > 1 and (e.container == str(c.name) or
                                                       (e.container is None and mentions(e.message, c)))
                                      for e in ctx.events("Started", "Created"))]
        ctx.facts["restarted_container"] = again[0] if len(again) == 1 else None
    return ctx.facts["restarted_container"]


# ---- processes that cannot start -------------------------------------------------------

@dataclass(frozen=True)
class StartFailure:
    """Why the runtime could not start (or a shell could not find) the container's program."""

    container: Container
    sub: str                   # not-found | no-such-file | permission | no-command | is-directory | exec-format | shell-not-found | other
    exe: str                   # the program the runtime tried, as the message names it ("" when unnamed)
    message: str               # the runtime's words
    sources: tuple             # Vals / Events that prove it
    confidence: str            # confirmed | likely | possible
    exit: Optional[Exit] = None


_Q = r'\\?["`\']'            # Go %q quoting, nested as \" inside an outer %q, or crun's backquotes
_EXEC = rf'exec:? {_Q}(?P<exe>[^"`\'\\]*){_Q}:? '
_START_PATTERNS = (
    ("exec-format", re.compile(r"exec format error", re.I)),
    ("no-command", re.compile(r"no command specified|exec: \\?\"\\?\": executable file not found", re.I)),
    ("not-found", re.compile(_EXEC + r"executable file not found in \$PATH", re.I)),
    ("not-found", re.compile(rf"executable file {_Q}?(?P<exe>[^\s\"`'\\]+){_Q}? not found in \$PATH", re.I)),
    ("no-such-file", re.compile(_EXEC + r"stat [^:]+: no such file or directory", re.I)),
    ("permission", re.compile(_EXEC + r"permission denied", re.I)),
    ("is-directory", re.compile(_EXEC + r"is a directory", re.I)),
    ("no-such-file", re.compile(_EXEC + r"no such file or directory", re.I)),
    # runc >= 1.1 inside CRI-O/containerd: `exec /deployments/run-java.sh: permission denied` (no quotes)
    ("permission", re.compile(r"\bexec (?P<exe>/[^\s:\"]+): permission denied", re.I)),
    ("no-such-file", re.compile(r"\bexec (?P<exe>/[^\s:\"]+): no such file or directory", re.I)),
    ("permission", re.compile(r"(?:starting container process|exec user process|exec)[^\n]*permission denied", re.I)),
    ("no-such-file", re.compile(r"(?:starting container process|exec user process)[^\n]*no such file or directory", re.I)),
)
# One of these is in every text a _START_PATTERNS pattern matches (whitespace squeezed, ASCII lower-cased).
_START_WORDS = ("exec format error", "no command specified", "executable file", "no such file or directory",
                "permission denied", "is a directory")
# A mount that shadows or mismatches a path fails at create with "no such file" or "not a directory":
# that is a volume problem, not a missing program.
_MOUNT_ERROR = re.compile(r"error mounting|mount(?:ing)? .* to rootfs|not a directory|onto a file", re.I)
# The runtime runs helpers of its own on the node while it creates a container; when one is
# missing the message has the same `exec: "x": executable file not found` shape, but no
# "starting container process" around it (k3s: `get apparmor_parser version: exec: "apparmor_parser": ...`).
_CONTAINER_PROCESS = re.compile(r"container process|exec user process|container_linux\.go|container init|failed to start "
                                r"container|failed to create (?:containerd )?task|shim task|OCI runtime (?:create|start)|"
                                r"oci runtime error|runc create failed|System error", re.I)
NODE_HELPERS = ("apparmor_parser", "nvidia-container-cli", "nvidia-container-runtime", "nvidia-container-runtime-hook",
                "runc", "crun", "runsc", "conmon", "kata-runtime", "fuse-overlayfs", "iptables", "ip6tables")


@lru_cache(maxsize=4096)                  # pure; each Failed event is read once per container and rule
def classify_start(message: str) -> Optional[tuple]:
    """-> (sub, exe) for a runtime's start/create error, None when it is not about the program.
    sub `node-helper` means the runtime's own helper program is missing on the node."""
    text = re.sub(r"\s+", " ", message)
    if text.isascii():
        low = text.lower()
        if not any(w in low for w in _START_WORDS):
            return None                    # every pattern needs one of these words (most messages are not about start)
    for sub, rx in _START_PATTERNS:
        m = rx.search(text)
        if m:
            if sub in ("no-such-file",) and _MOUNT_ERROR.search(text) and "exec" not in text[: m.start() + 6]:
                return None
            exe = m.groupdict().get("exe") or ""
            if sub in ("not-found", "no-such-file", "permission") and exe and not _CONTAINER_PROCESS.search(text) and \
                    (exe.rsplit("/", 1)[-1] in NODE_HELPERS or re.search(rf"get {re.escape(exe)} version", text)):
                return "node-helper", exe
            return sub, exe
    return None


def start_events(ctx, c: Container) -> list:
    """`Failed` events carrying a runtime start/create error for `c`. Before 1.35 containerd's
    messages do not name the container: they are `c`'s when no other container is failing to start."""
    from .rules.rule import mentions

    pod = ctx.pod
    out = []
    all_cs = pod_containers(ctx)
    failing = [o for o in all_cs if _start_trouble(o)]
    for e in ctx.obj.events:
        if e.reason not in ("Failed", "FailedSync") or classify_start(e.message) is None:
            continue
        if e.container is not None:
            if e.container == str(c.name):
                out.append(e)
            continue
        if mentions(e.message, c):
            out.append(e)
        elif any(mentions(e.message, o) for o in all_cs if o is not c):
            continue
        elif len(all_cs) <= 1 or failing == [c]:
            out.append(e)
        elif c in failing and _exe_matches(e.message, c):
            out.append(e)
    return out


def _start_trouble(c: Container) -> bool:
    s, ls = c.state, c.last_state
    if s is not None and s.state == "Waiting" and s.reason in START_WAITING:
        return True
    for st in (s, ls):
        if st is not None and st.state == "Terminated" and st.reason in START_FAILURE_REASONS:
            return True
    return False


def _exe_matches(message: str, c: Container) -> bool:
    got = classify_start(message)
    if not got or not got[1]:
        return False
    argv = [str(a) for a in (c.command or c.args)]
    return bool(argv) and argv[0].split()[0] == got[1]


def start_failure(ctx, c: Container) -> Optional[StartFailure]:
    """The container cannot start its program now (or could not, on its last restart)."""
    key = ("start_failure", str(c.name), c.init)
    if key in ctx.facts:
        return ctx.facts[key]
    result = _start_failure(ctx, c)
    ctx.facts[key] = result
    return result


def _start_failure(ctx, c: Container) -> Optional[StartFailure]:
    ex = last_exit(c)
    s = c.state
    waiting = s if s is not None and s.state == "Waiting" else None
    evs = start_events(ctx, c)
    newest = ctx.newest(evs)
    # 1. the terminated state carries the runtime's message (StartError, ContainerCannotRun)
    if ex is not None and ex.state.message:
        got = classify_start(ex.state.message)
        if got and (ex.reason in START_FAILURE_REASONS or ex.code in (126, 127, 128)):
            return StartFailure(c, got[0], got[1], str(ex.state.message),
                                (ex.state.reason, ex.state.message, ex.state.exit_code, newest), "confirmed", ex)
    # 2. waiting to start, and the Failed event says why
    if waiting is not None and waiting.reason in START_WAITING | {"CrashLoopBackOff"} and newest is not None:
        if waiting.reason != "CrashLoopBackOff" or (ex is not None and ex.reason in START_FAILURE_REASONS):
            got = classify_start(newest.message)
            if got:
                return StartFailure(c, got[0], got[1], _strip_error(newest.message),
                                    (waiting.reason, ex.state.reason if ex else None, newest), "confirmed", ex)
    # 2b. an Events-only paste: the Failed event is all there is
    if s is None and ex is None and newest is not None:
        got = classify_start(newest.message)
        if got:
            return StartFailure(c, got[0], got[1], _strip_error(newest.message), (newest,), "confirmed", None)
    # 4. StartError / ContainerCannotRun with no readable message: the runtime could not start it
    return None


def _strip_error(message: str) -> str:
    return message[len("Error: "):] if message.startswith("Error: ") else message


# `sh -c` reports a missing program itself and exits 127 (126 when it is not executable):
# `sh: sleeeep: not found`, `/bin/sh: 1: foo: not found`, `bash: line 1: foo: command not found`.
_SHELL_SAID = re.compile(r"(?:^|\s)(?:/bin/|/usr/bin/)?(?:ba|da|z)?sh: (?:\d+: )?(?:line \d+: )?(?P<exe>[^\s:]+): "
                         r"(?P<what>(?:command )?not found|[Pp]ermission denied)")


_BUILTINS = frozenset("echo printf cd export set unset exit return true false test [ [[ if then else elif fi for while "
                      "until do done case esac read wait trap eval source . : exec local shift { } ! time".split())
_SHELLS = ("sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/bash", "/usr/bin/env")


def script_programs(c: Container) -> list:
    """The programs a command line calls: its program, or for `sh -c '<script>'` the first word of each
    command in the script, builtins left out."""
    argv = [str(a) for a in list(c.command) + list(c.args)]
    if not argv:
        return []
    first = argv[0].split()
    if not first:
        return []
    if first[0] not in _SHELLS:
        return [first[0]]
    try:
        i = argv.index("-c")
        script = "\n".join(argv[i + 1:])
    except ValueError:
        script = " ".join(argv[1:]) if len(first) > 1 else ""
    out = []
    for part in re.split(r"\n|;|&&|\|\||\||\$\(|`|\bthen\b|\bdo\b|\belse\b", script):
        words = part.strip().split()
        while words and (words[0] in ("exec", "nohup", "time", "!", "env") or "=" in words[0]):
            words = words[1:]
        if not words:
            continue
        w = words[0].strip("'\"()")
        if w and w not in _BUILTINS and not w.startswith("-") and w not in out:
            out.append(w)
    return out


def shell_complaint(code: Optional[int], message: str, c: Optional[Container] = None) -> str:
    """A sentence for exit 126/127 of a shell: which program it could not find or run."""
    if code not in (126, 127):
        return ""
    m = _SHELL_SAID.search(message or "")
    if m:
        verb = "find" if "not found" in m.group("what") else "execute"
        return f"The shell could not {verb} the program `{m.group('exe')}`: a typo, or a program the image does not contain."
    argv = [str(a) for a in list(c.command) + list(c.args)] if c is not None else []
    shell = bool(argv) and bool(argv[0].split()) and argv[0].split()[0] in _SHELLS
    progs = script_programs(c) if shell else []
    if code == 127 and progs:
        in_image = f"image {c.image}" if c.image else "the image"
        if len(progs) == 1:
            return (f"Its shell script calls `{progs[0]}`, so that program is most likely misspelt or not in {in_image} "
                    "(the shell exits 127 when it cannot find a command).")
        return (f"Its shell script calls {', '.join('`' + p + '`' for p in progs)}: one of them is most likely misspelt or "
                f"not in {in_image} (the shell exits 127 when it cannot find a command).")
    return ""


# ---- naming a container in prose and commands -------------------------------------------

def known(c: Container) -> bool:
    """False for the stand-in of an Events-only paste that names no container."""
    return bool(c.name) and not str(c.name).startswith("<")


def label(c: Container, capital: bool = False) -> str:
    """`container web`, `init container init-db`, or `the container` when the paste does not name it."""
    if not known(c):
        text = "the container"
    else:
        text = f"{'init container' if c.init else 'container'} {c.name}"
    return text[0].upper() + text[1:] if capital else text


def nm(c: Container) -> str:
    return str(c.name) if known(c) else "the container"


def cname(c: Container) -> Optional[str]:
    """The container field of a finding."""
    return str(c.name) if known(c) else None


def carg(c: Container) -> str:
    """The container name for a command line (a placeholder when unknown)."""
    return str(c.name) if known(c) else "<container>"


def exit_meaning(code: int, c: Optional[Container] = None) -> str:
    """What an exit code means, for the program the container runs when it is one we know (curl, wget)."""
    return (tool_meaning(code, script_programs(c)) if c is not None else "") or meaning(code)


def logs(ctx, c: Container, previous: bool = False) -> str:
    """`kubectl logs <pod> -c <c> [--previous]`; without -c when the paste does not name the container."""
    args = ["logs", ctx.name] + (["-c", str(c.name)] if known(c) else []) + (["--previous"] if previous else [])
    return ctx.kubectl(*args)
