"""The browser boundary: one string in, one string out (called from the Web Worker)."""
from __future__ import annotations

import json

from . import analyze


def analyze_json(text: str) -> str:
    from .report import collector_paused

    # One pause over the analysis, the report's dict and its JSON: the collector resumes when all of them are
    # freed. (analyze() and to_dict() each pause it too; between them it resumed with the report live, and its
    # first pass walked all of it.)
    with collector_paused():
        return json.dumps(analyze(text).to_dict(), ensure_ascii=False, sort_keys=False)



def redact_json(text: str, names: bool = False) -> str:
    """For "Copy redacted paste": {"text": the paste with secrets and identifying values
    replaced, "replacements": {kind: number of distinct values}}. The same value gets the same
    placeholder everywhere and the text keeps its line count, so evidence line numbers still
    match. Kinds: secret, value, user, email, ip, host, account, and with `names` name."""
    from .redact import redact

    r = redact(text, names=bool(names))
    return json.dumps({"text": r.text, "replacements": r.replacements}, ensure_ascii=False)


def report_markdown(report_json: str, site: str = "") -> str:
    """A report from analyze_json, as the Markdown `kubeclue --format markdown` prints (for a
    "Copy as Markdown" button). `site`: the base URL docs links start with (the page's origin)."""
    from .markdown_out import render_markdown
    from .textout import SITE

    return render_markdown(json.loads(report_json), site=site or SITE)
