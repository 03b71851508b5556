"""Sphinx settings for the mesocourse documentation (MyST Markdown sources, built offline).

Jupyter Book 2 (mystmd) downloads its site theme at build time from a host this project's
machines cannot reach, so the site is built with Sphinx, myst-parser and the book theme
(Jupyter Book 1's look), all from PyPI: see developers.md, "The documentation site".
The pages are plain MyST Markdown, so they move to Jupyter Book 2 with a `myst.yml`.
"""

project = "mesocourse"
author = "mesocourse developers"
copyright = "mesocourse developers"  # noqa: A001 (Sphinx's own setting name)
language = "en"

extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links, checked by the build
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

html_theme = "sphinx_book_theme"
html_title = "mesocourse"
html_static_path = ["_static"]
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
html_last_updated_fmt = None
# The theme's sidebar without its logo block: that block sits outside any landmark (axe
# `region`), and the title is already each page's first heading and the browser's title.
html_sidebars = {"**": ["search-button-field.html", "sbt-sidebar-nav.html"]}
