"""axe-core's accessibility rules, run inside a Playwright page (the npm package, installed by
`make node_modules/axe-core/axe.min.js`; never fetched at test time).

The script is evaluated through Playwright, not added as a <script> tag: add_script_tag inserts
inline code, which our Content-Security-Policy (script-src 'self') refuses. Evaluating through
the DevTools protocol is outside the page's policy, so the policy stays in force for the page
itself; a context with bypass_csp=True would audit a page users never see (its inline styles,
say, applied)."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent.parent / "node_modules" / "axe-core" / "axe.min.js"

RUN = """async (selector) => {
  const result = await axe.run(selector || document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    impact: v.impact, id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target),
  }));
}"""


def axe_violations(page, selector: str | None = None) -> list[dict]:
    """axe.run()'s violations on the page as it is now (or within `selector`): each rule broken
    with its impact, id, help text and the targets (CSS selectors) of the offending nodes."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN, selector)
