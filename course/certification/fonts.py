"""The certificates' font: DejaVu Sans, cut down once to the characters certificates
almost always use.

fpdf2 parses the whole font (about 6,000 glyphs) for every PDF, then subsets it:
about half a second per certificate, minutes for a cohort of thousands. A copy
holding only Latin (Basic to Extended-B), general punctuation, arrows and
mathematical operators, made once with fontTools (fpdf2's own dependency) and
kept in the user's cache folder, parses in well under half of that. A certificate
whose text needs any other character (a name in another script) is drawn with
the full font, so every name still prints correctly.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path

COMMON = frozenset([*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC, *range(0x2190, 0x2300)])


def dejavu(style: str) -> Path:
    """DejaVu Sans from matplotlib's data (a dependency), found without importing
    matplotlib (its start-up is slow: docs/benchmarks.md). ``style``: "" or "-Bold"."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is a dependency"
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / f"DejaVuSans{style}.ttf"


def _cache_folder() -> Path:
    """Where the cut-down fonts are kept between runs: ``$XDG_CACHE_HOME/mesocourse/fonts``
    (default ``~/.cache``), else a folder for this process only."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mesocourse" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="mesocourse-fonts-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder


@functools.cache
def _common_dejavu(style: str) -> Path:
    """The cut-down copy, made once (a few seconds) and kept; named after the full
    font's size and date, so a new matplotlib's font makes a new copy."""
    full = dejavu(style)
    stat = full.stat()
    path = _cache_folder() / f"DejaVuSans{style}-common-{stat.st_size}-{stat.st_mtime_ns}.ttf"
    if path.is_file():
        return path
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(full)
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
    subsetter.populate(unicodes=COMMON)
    quiet = logging.getLogger("fontTools.subset")
    level, quiet.level = quiet.level, logging.ERROR  # not "FFTM NOT subset" on every run
    try:
        subsetter.subset(font)
    finally:
        quiet.setLevel(level)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    font.save(partial)
    os.replace(partial, path)  # whole or absent, even with two runs at once
    return path


def certificate_font(style: str, text: str) -> Path:
    """The font file to draw ``text`` with: the cut-down copy when it has every character."""
    return _common_dejavu(style) if all(ord(char) in COMMON or char in "\n\t\r" for char in text) else dejavu(style)
