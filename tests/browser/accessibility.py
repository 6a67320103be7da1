"""axe-core, run in the page by Playwright: the accessibility check of the browser tests.

axe-core is the npm package that `make test` installs (package.json). It is evaluated in the
page through the DevTools protocol, which the Content-Security-Policy does not govern, so the
pages are checked with the policy they are served with.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 level A and AA, and the earlier versions' rules it keeps; axe's "best-practice"
# rules too, as Lighthouse counts several of them (an empty table header, landmarks).
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
REPORTS = Path(__file__).resolve().parents[2] / "artifacts" / "accessibility"


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm ci, which `make test` runs when npm is there).")
    return AXE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (f" and {len(self.targets) - 5} more" if len(self.targets) > 5 else "")
        return f"{self.page}: {self.rule} ({self.impact}) {self.help}: {shown}"


def check_page(page: Page, name: str) -> list[Violation]:
    """axe's violations on the page as it stands, once scripts run on load have drawn it
    (two animation frames: the admin's widgets are named in the frame after they appear)."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        RULE_TAGS,
    )
    found = [
        Violation(
            page=name,
            rule=v["id"],
            impact=v.get("impact") or "",
            help=v["help"],
            targets=tuple(json.dumps(node["target"]) for node in v["nodes"]),
        )
        for v in result["violations"]
    ]
    if page.viewport_size and page.viewport_size["width"] <= PHONE_WIDTH and "/admin/" not in page.url:
        found += _sideways(page, name)
    return found


PHONE_WIDTH = 400
# The page, and any box of its own, wider than the screen: on a phone BaliTrack's tables fit
# or reflow (the admin's changelists scroll in a box that takes focus, which axe checks).
SIDEWAYS = """() => {
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth) wide.push("the page itself");
  for (const box of document.querySelectorAll("body *")) {
    const overflow = getComputedStyle(box).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1) {
      const classes = String(box.className).trim().split(/\\s+/).filter(Boolean);
      wide.push([box.tagName.toLowerCase(), ...classes].join("."));
    }
  }
  return wide;
}"""


def _sideways(page: Page, name: str) -> list[Violation]:
    wide = page.evaluate(SIDEWAYS)
    if not wide:
        return []
    return [Violation(name, "sideways-scroll", "serious", "Content wider than a phone's screen", tuple(wide))]


def write_report(name: str, checked: list[str], violations: list[Violation]) -> Path:
    """The pages one test checked and what axe found on each, in artifacts/accessibility/."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / f"{name}.txt"
    lines = [f"axe-core {RULE_TAGS}: {len(checked)} pages, {len(violations)} violations", ""]
    for page_name in checked:
        found = [v for v in violations if v.page == page_name]
        lines.append(f"{'FAIL' if found else 'ok  '} {page_name}")
        lines.extend(f"       {v}" for v in found)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
