"""Kubernetes resource quantities and JVM-style memory flags -> bytes."""
from __future__ import annotations

import re
from typing import Optional

_SUFFIX = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "m": 0.001}
_QTY = re.compile(r"^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$")
_JVM = re.compile(r"^(\d+)([kKmMgGtT]?)$")


def to_bytes(q: str) -> Optional[float]:
    m = _QTY.match(q.strip()) if q else None
    if not m:
        return None
    return float(m.group(1)) * _SUFFIX[m.group(2) or ""]


def jvm_bytes(v: str) -> Optional[float]:
    """`-Xmx512m` value (`512m`) -> bytes; JVM units are binary."""
    m = _JVM.match(v.strip())
    if not m:
        return None
    mult = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[m.group(2).lower()]
    return float(m.group(1)) * mult


def human(b: float) -> str:
    for unit, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if b >= size:
            v = b / size
            return f"{v:.0f}{unit}" if v == int(v) else f"{v:.1f}{unit}"
    return f"{b:.0f}"
