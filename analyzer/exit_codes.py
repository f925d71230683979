"""What a container's exit code says (POSIX: 128 + N means killed by signal N)."""
from __future__ import annotations

SIGNALS = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
           8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM",
           15: "SIGTERM"}

_MEANING = {
    0: "exited successfully",
    1: "a generic application error",
    2: "a usage error: most CLIs, Go's flag package and Python's argparse exit 2 on bad arguments",
    126: "the command was found but could not be executed: permission denied, a directory, or a noexec mount",
    127: "command not found: a missing program in a `sh -c` line, a wrong PATH, or a missing interpreter in a #! line",
    128: "the runtime could not start the process",
    130: "interrupted by SIGINT",
    132: "an illegal instruction (SIGILL): a binary built for CPU features this node lacks",
    134: "aborted (SIGABRT): an assertion, a detected memory corruption or a native crash",
    135: "a bus error (SIGBUS): a native crash",
    136: "a floating-point exception (SIGFPE): a native crash",
    137: "killed by SIGKILL: the OOM killer, the kubelet after the grace period (probe failure, deletion), or kill -9",
    139: "a segmentation fault (SIGSEGV): a native-code bug or an incompatible shared library such as glibc vs musl",
    141: "a broken pipe (SIGPIPE)",
    143: "terminated by SIGTERM: the kubelet or someone stopped it",
    255: "the program exited with status -1 (255): an uncaught fatal error or `exit(-1)` in the program",
}


def meaning(code: int) -> str:
    if code in _MEANING:
        return _MEANING[code]
    if 128 < code < 160:
        sig = SIGNALS.get(code - 128, f"signal {code - 128}")
        return f"killed by {sig}"
    return "an application-defined error code"


# Exit codes of the programs init containers and probes run most (curl(1) and wget(1) manuals).
_TOOLS = {
    "curl": {6: "curl could not resolve the host name", 7: "curl could not connect to the host",
             22: "curl got an HTTP error (400 or above) with --fail", 28: "curl timed out",
             35: "curl failed the TLS handshake", 52: "curl got an empty reply from the server",
             56: "curl failed receiving data", 60: "curl could not verify the server's TLS certificate"},
    "wget": {1: "wget failed (a generic error)", 4: "wget had a network failure (DNS, refused, timeout)",
             5: "wget failed the TLS verification", 6: "wget could not authenticate",
             8: "wget got an error response from the server (4xx/5xx)"},
}


def tool_meaning(code: int, programs) -> str:
    """What `code` means for curl or wget when the container's command runs one of them, else ""."""
    for prog in programs:
        name = str(prog).rsplit("/", 1)[-1]
        if name in _TOOLS and code in _TOOLS[name]:
            return _TOOLS[name][code]
    return ""
