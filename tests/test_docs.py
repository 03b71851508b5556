"""The documentation site (docs/, MyST Markdown) as `make docs` builds it, checked as `make lint` requires:
the build has no warning, every internal link and anchor of the built pages resolves, the pages load
nothing from the internet (the site is built and read offline), and every page passes axe in Chromium.

The site is built once per test process, into a temporary folder, with the same Sphinx as `make docs`.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
AUDIENCES = ("trainees", "instructors", "clinics", "administrators", "authors", "developers")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, str]:
    """The built site's folder and the build's warnings (Sphinx's -w file: empty when clean)."""
    out = tmp_path_factory.mktemp("docs")
    warnings = out / "warnings.txt"
    build = subprocess.run([sys.executable, "-m", "sphinx", "-n", "-q", "-b", "html", "-w", str(warnings),
                            str(DOCS), str(out / "html")], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, f"sphinx-build failed:\n{build.stdout}\n{build.stderr}"
    return out / "html", warnings.read_text(encoding="utf-8")


class _Page(HTMLParser):
    """The ids a page defines and the URLs it links to or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for attribute in ("href", "src"):
            if found.get(attribute):
                self.links.append((tag, str(found[attribute])))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_sources" not in p.parts and "_static" not in p.parts)


def test_the_site_builds_without_a_warning(site):
    _, warnings = site
    assert warnings == "", f"the documentation build warned (make lint treats a warning as an error):\n{warnings}"


def test_every_audience_and_reference_page_is_built(site):
    html, _ = site
    built = {p.stem for p in _pages(html)}
    missing = {*AUDIENCES, "contracts", "benchmarks", "accessibility", "contributing", "index"} - built
    assert not missing, f"pages not built: {sorted(missing)}"


def test_every_internal_link_and_anchor_resolves(site):
    html, _ = site
    parsed = {path: _parse(path) for path in _pages(html)}
    broken = []
    for path, page in parsed.items():
        for tag, url in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(html)}: <{tag}> {url}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: no element with id '{parts.fragment}'")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_the_pages_load_nothing_from_the_internet(site):
    """Scripts, style sheets, fonts and images come with the site: it is built and read offline."""
    html, _ = site
    remote = [f"{path.relative_to(html)}: <{tag}> {url}" for path in _pages(html) for tag, url in _parse(path).links
              if tag != "a" and (urlsplit(url).scheme in ("http", "https") or url.startswith("//"))]
    assert not remote, "assets loaded from the internet:\n" + "\n".join(remote)


@pytest.mark.browser
def test_every_page_passes_axe(site, request):
    """WCAG 2.1 A and AA (axe-core in Chromium): no critical or serious violation on any page of the site."""
    from prerequisites import chromium_missing, require

    require(chromium_missing())
    from a11y_support import audit

    html, _ = site
    page = request.getfixturevalue("page")
    for path in _pages(html):
        if path.stem in ("genindex", "search"):
            continue  # Sphinx's own index and search pages hold no content of ours
        page.goto(path.as_uri())
        audit(page, f"docs-{path.stem}").check()
