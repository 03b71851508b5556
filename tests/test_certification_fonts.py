"""The certificates' cut-down font keeps every common character the full font has,
and a text needing any other character gets the full font."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from course.certification.fonts import COMMON, certificate_font, dejavu


def test_the_cut_down_font_has_every_common_glyph_of_the_full_one() -> None:
    for style in ("", "-Bold"):
        common = certificate_font(style, "Ana Ruiz-Peña, 80% ≥ pass mark – “quoted”")
        assert common != dejavu(style) and common.stat().st_size < dejavu(style).stat().st_size / 2
        full, cut = TTFont(dejavu(style)), TTFont(common)
        full_cmap, cut_cmap = full.getBestCmap(), cut.getBestCmap()
        assert set(cut_cmap) == {code for code in COMMON if code in full_cmap}
        assert all(cut["hmtx"][cut_cmap[code]] == full["hmtx"][full_cmap[code]] for code in cut_cmap)  # same metrics


def test_a_name_in_another_script_gets_the_full_font() -> None:
    assert certificate_font("", "Ωμέγα Иванова") == dejavu("")
    assert certificate_font("-Bold", "Line one\nline two") != dejavu("-Bold")
