"""The browser boundary: one string in, one string out (called from the Web Worker)."""
from __future__ import annotations

import json

from . import analyze


def analyze_json(text: str) -> str:
    return json.dumps(analyze(text).to_dict(), ensure_ascii=False, sort_keys=False)
