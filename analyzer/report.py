"""The report: one shape for the CLI's --json, the web page and the tests."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from .model import _fast_init

SCHEMA = 1


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Confidence(str, Enum):
    CONFIRMED = "confirmed"   # a message in the paste says it
    LIKELY = "likely"         # inferred from what the paste shows
    POSSIBLE = "possible"     # consistent with the paste, other explanations fit as well


class Verdict(str, Enum):
    PROBLEM = "problem"
    HEALTHY = "healthy"
    UNKNOWN = "unknown"
    UNRECOGNIZED = "unrecognized"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
CONFIDENCE_ORDER = {Confidence.CONFIRMED: 0, Confidence.LIKELY: 1, Confidence.POSSIBLE: 2}


@dataclass(frozen=True)
class Evidence:
    line: int
    text: str

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text}


_fast_init(Evidence)                # (its __init__ without object.__setattr__: several per finding, thousands per paste)


@dataclass
class Finding:
    id: str
    cls: str
    title: str
    severity: Severity
    confidence: Confidence
    container: Optional[str]
    cause: str
    evidence: list                 # Evidence, sorted by line
    fix: list                      # str
    commands: list                 # str; risky ones end in "  # risky: ..."
    next: list                     # str: what to paste next
    doc: str
    rank: int = 100                # lower = closer to the root cause (from the rule's metadata)
    current: bool = True           # False when the evidence is history (an old event, a past restart)
    details: dict = field(default_factory=dict)   # class-specific facts (exit code meaning, node counts...)

    def to_dict(self) -> dict:
        d = {
            "id": self.id,
            "class": self.cls,
            "title": self.title,
            "severity": self.severity.value,
            "confidence": self.confidence.value,
            "container": self.container,
            "cause": self.cause,
            "evidence": [e.to_dict() for e in self.evidence],
            "fix": list(self.fix),
            "commands": list(self.commands),
            "next": list(self.next),
            "doc": self.doc,
        }
        if self.details:
            d["details"] = self.details
        return d


@dataclass
class ObjectReport:
    kind: str
    name: Optional[str]
    namespace: Optional[str]
    lines: tuple
    findings: list = field(default_factory=list)
    status: str = ""                   # a one-line status, like `kubectl get` would show
    verdict: Verdict = Verdict.HEALTHY
    summary: str = ""                  # why unknown / what is fine
    next: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.namespace or '?'}/{self.name or '?'}"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
            "lines": list(self.lines),
            "status": self.status,
            "verdict": self.verdict.value,
            "summary": self.summary,
            "sections": list(self.sections),
            "missing": list(self.missing),
            "findings": [f.to_dict() for f in self.findings],
            "next": list(self.next),
        }


@dataclass
class Warning_:
    line: Optional[int]
    message: str

    def to_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class Report:
    version: str
    format: str
    lines: int
    objects: list
    warnings: list
    verdict: Verdict
    primary: Optional[dict] = None
    message: Optional[str] = None
    next: list = field(default_factory=list)
    groups: list = field(default_factory=list)     # identical causes across objects, biggest first

    def to_dict(self) -> dict:
        with collector_paused():      # thousands of dicts while the report's objects are live
            return self._to_dict()

    def _to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "version": self.version,
            "input": {"format": self.format, "lines": self.lines, "objects": len(self.objects)},
            "verdict": self.verdict.value,
            "primary": self.primary,
            "message": self.message,
            "next": list(self.next),
            "groups": list(self.groups),
            "objects": [o.to_dict() for o in self.objects],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@contextmanager
def collector_paused():
    """Python's cycle collector paused for the block (unless the caller paused it already).

    An analysis allocates hundreds of thousands of objects and frees them by reference
    counting; the collector's passes over a heap that holds a big paste's objects only cost
    time (a quarter of it on a 10 MB paste, and more per MB the bigger the paste). The page's
    worker pauses it around the whole call; the CLI gets the same from analyze() and to_dict()."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
