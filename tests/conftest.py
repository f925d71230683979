"""Shared test set-up: rules run strict (a rule that raises fails the test)."""
from __future__ import annotations

import os
from pathlib import Path

os.environ["KUBECLUE_STRICT"] = "1"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def read_fixture(path: Path) -> str:
    """Fixtures are pasted text; a few are saved as PowerShell does (UTF-16) on purpose."""
    from analyzer.parse.text import decode

    return decode(path.read_bytes())
