"""course.depth against shared/specs/depth.md: geometry, layers, techniques."""

from __future__ import annotations

import math

import pytest

from course import knowledge
from course.depth import boundaries, layer_at, technique_for_depth, technique_values, tip_depth_mm


@pytest.mark.parametrize(
    ("length", "angle", "expected"),
    [(4, 90, 4.0), (4, 30, 2.0), (13, 45, 13 / math.sqrt(2)), (1.5, 90, 1.5), (1, 30, 0.5), (6, 60, 3 * math.sqrt(3))],
)
def test_tip_depth_is_length_times_sine(length, angle, expected):
    assert tip_depth_mm(length, angle) == pytest.approx(expected, abs=1e-9)


def test_tip_depth_grows_with_angle():
    depths = [tip_depth_mm(4, a) for a in range(1, 91)]
    assert depths == sorted(depths) and len(set(depths)) == 90


@pytest.mark.parametrize(
    ("length", "angle"),
    [(0, 45), (-1, 45), (4, 0), (4, -10), (4, 90.0001), (4, 180), (math.nan, 45), (4, math.inf),
     (math.inf, 45), ("4", 45), (4, None), (True, 45)],
)
def test_tip_depth_rejects_bad_input(length, angle):
    with pytest.raises(ValueError):
        tip_depth_mm(length, angle)


def test_face_layers_follow_the_cited_figures():
    kb = knowledge.load()
    face = kb.areas["face"].layers
    edges = boundaries("face")
    assert edges.epidermis_end == face["epidermis"].range_mm[1]
    assert edges.dermis_end == face["epidermis_plus_dermis"].range_mm[1]
    assert edges.hypodermis_end == edges.dermis_end + face["subcutaneous_fat"].range_mm[1]
    assert set(edges.sources) <= set(kb.sources)


@pytest.mark.parametrize(
    ("depth", "layer"),
    [(0, "epidermis"), (0.15, "epidermis"), (0.16, "dermis"), (1.0, "dermis"), (1.01, "hypodermis"),
     (3.0, "hypodermis"), (3.01, "deeper"), (20, "deeper")],
)
def test_forehead_boundaries(depth, layer):
    # forehead: epidermis <= 0.15 (Inaba), skin ~1 mm (Iyengar), fat 2 mm (Iyengar)
    assert layer_at(depth, "face_forehead") == layer


@pytest.mark.parametrize("area", ["face", "face_forehead", "face_chin", "face_submental", "face_temple"])
def test_layer_at_is_monotonic(area):
    order = ["epidermis", "dermis", "hypodermis", "deeper"]
    layers = [order.index(layer_at(d / 20, area)) for d in range(0, 300)]
    assert layers == sorted(layers)
    assert layers[0] == 0 and layers[-1] == 3


def test_finer_site_inherits_skin_and_overrides_fat():
    assert layer_at(5.5, "face_chin") == "hypodermis"   # chin fat 5 mm: 1 + 5 = 6
    assert layer_at(5.5, "face_forehead") == "deeper"   # forehead fat 2 mm: 1 + 2 = 3


def test_scalp_within_the_skin_uses_general_figures_and_refuses_below():
    assert layer_at(0.1, "scalp") == "epidermis"
    assert layer_at(2.0, "scalp") == "dermis"
    with pytest.raises(ValueError, match="scalp"):
        layer_at(3.0, "scalp")


@pytest.mark.parametrize("area", ["abdomen", "thighs", "neck", "hands"])
def test_area_without_reliable_figures_raises_naming_it(area):
    with pytest.raises(ValueError, match=area):
        layer_at(1.0, area)


@pytest.mark.parametrize("depth", [-0.1, math.nan, math.inf, "1"])
def test_layer_at_rejects_bad_depth(depth):
    with pytest.raises(ValueError):
        layer_at(depth, "face")


def test_unknown_area_is_named():
    with pytest.raises(ValueError, match="mars"):
        layer_at(1.0, "mars")


@pytest.mark.parametrize(
    ("depth", "technique"),
    [(0, "epidermal"), (0.49, "epidermal"), (0.5, "superficial_intradermal"), (2.0, "superficial_intradermal"),
     (2.01, "intradermal"), (4.0, "intradermal"), (4.01, "hypodermic"), (10.0, "hypodermic")],
)
def test_technique_for_depth_teaching_scheme(depth, technique):
    assert technique_for_depth(depth) == technique


def test_technique_geometry_edge_one_mm_at_thirty_degrees():
    assert technique_for_depth(tip_depth_mm(1, 30)) == "superficial_intradermal"


def test_beyond_the_scheme_and_bad_depths_raise():
    for depth in (10.01, -1, math.nan):
        with pytest.raises(ValueError):
            technique_for_depth(depth)


def test_sfm_values_kept_beside_the_scheme_where_they_differ():
    intradermal = technique_values("intradermal")
    sfm = [v for v in intradermal.other_values if v.source == "sfm"]
    assert sfm and sfm[0].disagrees and "4 mm" in sfm[0].text
    nappage = technique_values("superficial_intradermal")
    assert any(v.source == "training_sites" and v.disagrees for v in nappage.other_values)
