"""Accessibility audits in the real browser: axe-core (bundled by axe-playwright-python)
injected into a Playwright page, run against WCAG 2.1 A and AA (plus axe's best
practices, reported but only counted when critical or serious).

An audit splits each violation's elements into *ours* (inside ``ours``, a CSS
selector: the notebook's outputs in JupyterLab; the whole page elsewhere) and
*known* (JupyterLab's own chrome, listed with rule ids and not counted). Critical
and serious violations on our elements fail the test; every other finding is
written to ``test-artifacts/a11y/NAME.json`` and raised as an :class:`A11yFinding`
warning, so it shows in pytest's warnings summary (also under xdist).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

from browser_support import ARTIFACTS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("critical", "serious")
REPORTS = ARTIFACTS.parent / "a11y"

# Runs axe on the page, then marks every offending element as ours or not.
RUN = """async ([tags, ours]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => {
      const element = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
      return {target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary,
              ours: !ours || !!(element && element.closest(ours))};
    }),
  }));
}"""


class A11yFinding(UserWarning):
    """A moderate or minor accessibility finding on our pages, or a known one in JupyterLab's chrome."""


@dataclass
class Audit:
    name: str
    violations: list[dict] = field(default_factory=list)

    def _nodes(self, ours: bool) -> list[tuple[dict, dict]]:
        return [(v, n) for v in self.violations for n in v["nodes"] if n["ours"] is ours]

    def blocking(self) -> list[str]:
        """Critical and serious violations on our elements, one line each."""
        return [f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}: {n['html']}\n    {n['summary']}"
                for v, n in self._nodes(True) if v["impact"] in BLOCKING]

    def rule_ids(self, ours: bool, impacts: tuple[str, ...] = ("critical", "serious", "moderate",
                                                               "minor")) -> list[str]:
        return sorted({v["id"] for v, _ in self._nodes(ours) if v["impact"] in impacts})

    def check(self) -> None:
        """Fail on blocking violations; report the rest as warnings."""
        moderate = self.rule_ids(True, ("moderate", "minor"))
        known = self.rule_ids(False)
        if moderate:
            warnings.warn(A11yFinding(f"{self.name}: moderate/minor (not counted): {', '.join(moderate)}"),
                          stacklevel=2)
        if known:
            warnings.warn(A11yFinding(f"{self.name}: known, JupyterLab's own chrome (not counted): {', '.join(known)}"),
                          stacklevel=2)
        problems = self.blocking()
        assert not problems, (f"{self.name}: {len(problems)} critical/serious accessibility violation(s):\n"
                              + "\n".join(problems))


def audit(page, name: str, ours: str | None = None) -> Audit:
    """Run axe-core on ``page`` as it is now; ``ours``: the selector of the elements we produce
    (None: all of the page). Writes the findings to ``test-artifacts/a11y/NAME.json``."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    found = Audit(name, page.evaluate(RUN, [TAGS, ours]))
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(found.violations, indent=1), encoding="utf-8")
    return found
