"""What keeps a big `kubectl get pods` table fast, checked without a clock.

A table row is a pod without events: the engine does not call the rules that declare they stay quiet on such a pod
(RuleMeta.quiet_without_events). Here each of them runs anyway, on every such pod of every fixture and of a table
with every STATUS kubectl prints, and must yield nothing and mark no event explained; and the engine must give the
same report when it skips them as when it runs every rule.
"""
from __future__ import annotations

import json

import pytest

import analyzer.engine as engine
from analyzer.api import analyze_json
from analyzer.history import explained
from analyzer.model import Pod
from analyzer.parse import parse
from analyzer.rules import RULES
from analyzer.rules.rule import Context, forget_paste, may_act_without_events
from tests.conftest import FIXTURES, read_fixture

ALL = sorted(FIXTURES.glob("**/*.txt"))

STATUSES = ["Running", "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
            "Pending", "Completed", "Error", "OOMKilled", "Init:0/1", "Init:Error", "Init:CrashLoopBackOff",
            "Init:OOMKilled", "Evicted", "Preempting", "DeadlineExceeded", "NodeAffinity", "NodePorts", "OutOfmemory",
            "OutOfcpu", "UnexpectedAdmissionError", "NodeLost", "Shutdown", "ContainerCreating", "PodInitializing",
            "Terminating", "Unknown", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
            "ContainerCannotRun", "StartError", "ContainerStatusUnknown", "Signal:9", "ExitCode:137", "Succeeded",
            "Failed", "SchedulingGated"]


def _table() -> str:
    rows = ["$ kubectl get pods -A -o wide",
            "NAMESPACE   NAME                 READY   STATUS                       RESTARTS        AGE   IP           NODE"]
    for i, status in enumerate(STATUSES):
        for ready, restarts in (("0/1", "0"), ("1/1", "3 (2m ago)"), ("0/2", "7 (40s ago)")):
            rows.append(f"shop        web-{i:02d}-{ready[2]}-x7k2p       {ready:<7} {status:<28} {restarts:<15} 5m    "
                        f"10.0.0.{i}    worker-1")
    return "\n".join(rows) + "\n"


def _pastes():
    for path in ALL:
        yield str(path.relative_to(FIXTURES)), read_fixture(path)
    yield "table of every STATUS", _table()


@pytest.mark.parametrize("quiet", [r for r in RULES if r.meta.quiet_without_events is not None], ids=lambda r: r.meta.id)
def test_a_rule_quiet_without_events_says_and_marks_nothing_on_such_a_pod(quiet):
    checked = 0
    wrong = []
    for name, text in _pastes():
        parsed = parse(text)
        others = tuple(parsed.objects)
        try:
            for obj in parsed.objects:
                if not isinstance(obj, Pod) or obj.events or obj.kind not in quiet.meta.kinds:
                    continue
                if may_act_without_events(quiet.meta, obj):
                    continue
                ctx = Context(obj, parsed.lines, others=others, peers={})
                for rule in RULES:      # the others first, as the engine runs them: what they leave in ctx.facts
                    if rule is quiet:
                        break
                    if obj.kind in rule.meta.kinds:
                        list(rule.check(ctx) or ())
                before = set(explained(ctx))
                got = list(quiet.check(ctx) or ())
                checked += 1
                if got or set(explained(ctx)) != before:
                    wrong.append(f"{name}: {obj.ref}")
        finally:
            forget_paste()
    assert checked > 50
    assert not wrong, f"{quiet.meta.id} acts on pods without events:\n" + "\n".join(wrong[:10])


def test_skipping_the_quiet_rules_changes_no_report(monkeypatch):
    """The table of every STATUS and the fixtures with pods without events: the same report with every rule run."""
    texts = [t for n, t in _pastes() if any(isinstance(o, Pod) and not o.events for o in parse(t).objects)]
    assert len(texts) > 20
    fast = [analyze_json(t) for t in texts]
    monkeypatch.setattr(engine, "_rules_for_quiet_pod", lambda reason: tuple((r, None) for r in engine._rules_for("Pod")))
    slow = [analyze_json(t) for t in texts]
    for a, b in zip(fast, slow):
        assert json.loads(a) == json.loads(b)
