"""A container whose paste shows how its last run ended but not what it does now (a describe cut between State and
Last State, a lastState fragment): a non-zero exit means it was restarted after a failure the paste does not explain.
Never healthy, never OOMKilled from a bare 137; ask for the previous run's logs."""
from __future__ import annotations

from analyzer import analyze

_CUT = """\
    Last State:     Terminated
      Reason:       {reason}
      Exit Code:    {code}
      Started:      Tue, 10 Oct 2017 17:20:37 +0000
      Finished:     Tue, 10 Oct 2017 17:41:58 +0000
    Ready:          {ready}
    Restart Count:  3
    Environment:    <none>
"""


def _report(reason="Error", code=137, ready="False"):
    return analyze(_CUT.format(reason=reason, code=code, ready=ready)).to_dict()


def test_sigkill_without_oom_mark_and_no_current_state_is_unknown_and_asks_for_previous_logs():
    r = _report()
    assert r["verdict"] == "unknown", r["message"]
    assert r["primary"] is None
    assert "SIGKILL" in r["message"] and "not marked OOMKilled" in r["message"]
    assert any(n.startswith("kubectl logs") and n.endswith("--previous") for n in r["next"]), r["next"]


def test_other_non_zero_last_exit_without_current_state_is_never_healthy():
    r = _report(code=1)
    assert r["verdict"] in ("problem", "unknown"), r["message"]


def test_oomkilled_last_state_is_still_the_rules_business():
    r = _report(reason="OOMKilled")
    assert (r["primary"] or {}).get("class") == "oomkilled", r["message"]


def test_ready_container_last_exit_is_history():
    assert _report(ready="True")["verdict"] == "healthy"


def test_last_run_completed_is_not_a_failure():
    r = _report(reason="Completed", code=0)
    assert "--previous" not in " ".join(r["next"]), r["next"]
    assert "last run ended" not in r["message"] and "SIGKILL" not in r["message"], r["message"]
