"""course.depth against shared/specs/depth.md (version 3): geometry, possible layers,
layer_at, placements, techniques; facial skin as a measured range, finer sites' own or
inherited figures, and the "never a target" statement below the facial fat.

Every inequality of the contract is tested at and around its boundary, on the course's
own areas and on a synthetic site whose every range has distinct low and high ends
(loaded from a real copy of the knowledge base with that site added).
"""

from __future__ import annotations

import math
import shutil

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from course import knowledge
from course.depth import (
    LAYERS,
    below_the_fat,
    boundaries,
    certain_depths,
    layer_at,
    layer_figures,
    layers_between,
    never_a_target,
    placements,
    possible_layers,
    technique_for_depth,
    technique_values,
    tip_depth_mm,
)

EPS = 1e-6
FIGURED = ["face", "face_forehead", "face_chin", "face_submental", "face_temple", "scalp"]
NO_FIGURES = ["abdomen", "thighs", "neck", "hands", "eyes"]

# The synthetic site: epidermis 0.1-0.2, dermis 1-2 (skin 1.1-2.2), fat 3-5 (fat ends 4.1-7.2).
SYNTHETIC = {
    "id": "test_site", "name": "Test site",
    "layers": {
        "epidermis": {"range_mm": [0.1, 0.2], "sources": ["inaba"], "label": "published_study"},
        "dermis": {"range_mm": [1.0, 2.0], "sources": ["inaba"], "label": "published_study"},
        "subcutaneous_fat": {"range_mm": [3.0, 5.0], "sources": ["iyengar_2018"], "label": "published_study"},
    },
}
E_LO, E_HI, S_LO, S_HI, F_LO, F_HI = 0.1, 0.2, 1.1, 2.2, 3.0, 5.0


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Add a synthetic area to a real copy of the knowledge base, as course.depth reads it."""

    def add(area: dict) -> str:
        target = tmp_path / "kb"
        shutil.copytree(knowledge.DATA_DIR, target)
        path = target / "areas.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["areas"].append(area)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        kb = knowledge.load_from(target)
        monkeypatch.setattr(knowledge, "load", lambda: kb)
        return area["id"]

    return add


@pytest.fixture
def synthetic_site(site):
    return site(SYNTHETIC)


def by_the_formulas(d: float, e_lo: float, e_hi: float, s_lo: float, s_hi: float, f_lo: float, f_hi: float) -> tuple:
    """The contract's four inequalities, written out independently of course.depth."""
    found = []
    if d <= e_hi:
        found.append("epidermis")
    if e_lo < d <= s_hi:
        found.append("dermis")
    if s_lo < d <= s_hi + f_hi:
        found.append("hypodermis")
    if d > s_lo + f_lo:
        found.append("deeper")
    return tuple(found)


def area_figures(area: str) -> tuple[float, ...]:
    edges = boundaries(area)
    fat = edges.hypodermis_end
    assert fat is not None
    return (*edges.epidermis_end, *edges.dermis_end, fat[0] - edges.dermis_end[0], fat[1] - edges.dermis_end[1])


# --- tip depth -------------------------------------------------------------------------
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


# --- the figures behind the layers ------------------------------------------------------
def test_face_boundaries_are_the_low_and_high_ends_of_the_cited_figures():
    kb = knowledge.load()
    face = kb.areas["face"].layers
    edges = boundaries("face")
    assert edges.epidermis_end == tuple(face["epidermis"].range_mm)
    assert edges.dermis_end == tuple(face["epidermis_plus_dermis"].range_mm)
    fat = face["subcutaneous_fat"].range_mm
    assert edges.hypodermis_end == (edges.dermis_end[0] + fat[0], edges.dermis_end[1] + fat[1])
    assert set(edges.sources) == {"inaba", "chopra_2015", "meng_2022", "iyengar_2018"}


def test_scalp_skin_is_epidermis_plus_dermis_and_its_fat_is_unknown():
    edges = boundaries("scalp")
    assert edges.dermis_end == pytest.approx((0.1 + 1.0, 0.15 + 2.0))
    assert edges.hypodermis_end is None and "scalp" in edges.missing


def test_every_area_with_figures_has_consistent_ranges():
    """The epidermis ends above where the skin can end, so possible layers stay contiguous."""
    for area in knowledge.load().areas:
        try:
            edges = boundaries(area)
        except ValueError:
            assert area in NO_FIGURES or knowledge.load().areas[area].no_reliable_figure, area
            continue
        assert edges.epidermis_end[0] <= edges.epidermis_end[1] <= edges.dermis_end[0] <= edges.dermis_end[1], area


def test_inconsistent_figures_are_refused_naming_the_area(site):
    layers = {**SYNTHETIC["layers"], "epidermis": {"range_mm": [0.1, 1.5], "sources": ["inaba"],
                                                   "label": "published_study"}}
    area = site({**SYNTHETIC, "id": "bad_site", "layers": layers})  # the epidermis may end below 1.1 mm of skin
    for call in (possible_layers, layer_at):
        with pytest.raises(ValueError, match="bad_site"):
            call(0.5, area)


# --- possible_layers: every inequality at and around its boundary -----------------------
@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0.0, ("epidermis",)),
        (E_LO, ("epidermis",)),                       # dermis needs d > e_lo
        (E_LO + EPS, ("epidermis", "dermis")),
        (E_HI, ("epidermis", "dermis")),              # epidermis while d <= e_hi
        (E_HI + EPS, ("dermis",)),
        (S_LO, ("dermis",)),                          # hypodermis needs d > s_lo
        (S_LO + EPS, ("dermis", "hypodermis")),
        (S_HI, ("dermis", "hypodermis")),             # dermis while d <= s_hi
        (S_HI + EPS, ("hypodermis",)),
        (S_LO + F_LO, ("hypodermis",)),               # deeper needs d > s_lo + f_lo
        (S_LO + F_LO + EPS, ("hypodermis", "deeper")),
        (S_HI + F_HI, ("hypodermis", "deeper")),      # hypodermis while d <= s_hi + f_hi
        (S_HI + F_HI + EPS, ("deeper",)),
        (50.0, ("deeper",)),
    ],
)
def test_each_inequality_at_and_around_its_boundary(synthetic_site, depth, expected):
    assert possible_layers(depth, synthetic_site) == expected
    assert by_the_formulas(depth, E_LO, E_HI, S_LO, S_HI, F_LO, F_HI) == expected
    assert layer_at(depth, synthetic_site) == expected[-1]


@pytest.mark.parametrize(
    ("area", "depth", "expected"),
    [
        ("face", 0.1, ("epidermis",)),
        ("face", 0.12, ("epidermis", "dermis")),
        ("face", 0.15, ("epidermis", "dermis")),
        ("face", 0.16, ("dermis",)),
        ("face", 0.75, ("dermis",)),                  # facial skin 0.75-2.03 mm (Chopra 2015, Meng 2022)
        ("face", 0.76, ("dermis", "hypodermis")),
        ("face", 1.0, ("dermis", "hypodermis")),      # Iyengar's "about 1 mm" lies inside the range
        ("face", 1.04, ("dermis", "hypodermis")),     # 4 mm at 15 degrees: dermis or fat
        ("face", 1.5, ("dermis", "hypodermis")),      # the contract's example
        ("face", 2.03, ("dermis", "hypodermis")),
        ("face", 2.04, ("hypodermis",)),
        ("face", 2.75, ("hypodermis",)),              # fat 2-6 mm: 0.75 + 2
        ("face", 2.76, ("hypodermis", "deeper")),
        ("face", 8.03, ("hypodermis", "deeper")),     # 2.03 + 6
        ("face", 8.04, ("deeper",)),
        ("face_forehead", 1.06, ("dermis",)),         # its own skin, 1.06-1.39 mm (Meng 2022)
        ("face_forehead", 1.07, ("dermis", "hypodermis")),
        ("face_forehead", 1.39, ("dermis", "hypodermis")),
        ("face_forehead", 1.4, ("hypodermis",)),
        ("face_forehead", 3.06, ("hypodermis",)),     # 1.06 + 2
        ("face_forehead", 3.07, ("hypodermis", "deeper")),
        ("face_forehead", 3.39, ("hypodermis", "deeper")),
        ("face_forehead", 3.4, ("deeper",)),
        ("face_chin", 2.04, ("hypodermis",)),         # the face's skin: no source measured the chin's
        ("face_chin", 5.75, ("hypodermis",)),
        ("face_chin", 5.76, ("hypodermis", "deeper")),
        ("face_chin", 7.03, ("hypodermis", "deeper")),
        ("face_chin", 7.04, ("deeper",)),
        ("scalp", 1.1, ("dermis",)),
    ],
)
def test_possible_layers_on_the_course_areas(area, depth, expected):
    assert possible_layers(depth, area) == expected
    assert layer_at(depth, area) == expected[-1]


@settings(max_examples=400, deadline=None)
@given(depth=st.floats(min_value=0, max_value=25, allow_nan=False), area=st.sampled_from(FIGURED[:-1]))
def test_possible_layers_follow_the_formulas_and_stay_contiguous(depth, area):
    found = possible_layers(depth, area)
    assert found == by_the_formulas(depth, *area_figures(area))
    assert found, "a depth is always in some layer"
    positions = [LAYERS.index(layer) for layer in found]
    assert positions == list(range(positions[0], positions[0] + len(positions)))  # contiguous, shallowest first
    assert layer_at(depth, area) in found


@settings(max_examples=200, deadline=None)
@given(shallow=st.floats(min_value=0, max_value=25, allow_nan=False),
       deeper=st.floats(min_value=0, max_value=25, allow_nan=False), area=st.sampled_from(FIGURED[:-1]))
def test_monotonic_a_deeper_point_is_never_in_a_shallower_layer(shallow, deeper, area):
    shallow, deeper = sorted((shallow, deeper))
    upper, lower = possible_layers(shallow, area), possible_layers(deeper, area)
    assert LAYERS.index(layer_at(shallow, area)) <= LAYERS.index(layer_at(deeper, area))
    assert LAYERS.index(upper[0]) <= LAYERS.index(lower[0]) and LAYERS.index(upper[-1]) <= LAYERS.index(lower[-1])


@settings(max_examples=200, deadline=None)
@given(depth=st.floats(min_value=0, max_value=25, allow_nan=False))
def test_scalp_answers_within_the_skin_and_refuses_where_the_tip_may_be_below_it(depth):
    edges = boundaries("scalp")
    if depth > edges.dermis_end[0]:
        with pytest.raises(ValueError, match="scalp"):
            possible_layers(depth, "scalp")
        with pytest.raises(ValueError, match="scalp"):
            layer_at(depth, "scalp")
    else:
        found = possible_layers(depth, "scalp")
        assert layer_at(depth, "scalp") in found and set(found) <= {"epidermis", "dermis"}


def test_beyond_the_skin_and_fat_is_deeper():
    for area in FIGURED[:-1]:
        assert possible_layers(30.0, area) == ("deeper",) and layer_at(30.0, area) == "deeper"


def test_layer_at_names_the_deepest_possible_layer():
    """The boundary convention: for layer_at the generic face's fat ends at its low end (2.75 mm)."""
    assert layer_at(5.0, "face") == "deeper"          # beyond the forehead's 3 mm, within the chin's 6 mm
    assert possible_layers(5.0, "face") == ("hypodermis", "deeper")
    assert layer_at(5.0, "face_chin") == "hypodermis"
    assert layer_at(0.12, "face") == "dermis"


@pytest.mark.parametrize("area", NO_FIGURES)
def test_area_without_reliable_figures_raises_naming_it(area):
    for call in (possible_layers, layer_at):
        with pytest.raises(ValueError, match=area):
            call(1.0, area)


@pytest.mark.parametrize("depth", [-0.1, math.nan, math.inf, -math.inf, "1", None, True])
def test_bad_depths_are_refused(depth):
    for call in (possible_layers, layer_at):
        with pytest.raises(ValueError, match="depth_mm"):
            call(depth, "face")


def test_unknown_area_is_named():
    for call in (possible_layers, layer_at):
        with pytest.raises(ValueError, match="mars"):
            call(1.0, "mars")


def test_possible_layers_is_a_tuple_of_strings():
    found = possible_layers(0.12, "face")
    assert type(found) is tuple and all(type(layer) is str for layer in found)


# --- placements ---------------------------------------------------------------------
NEEDLES, ANGLES = [1.5, 4, 13], [15, 30, 45, 60, 90]


def test_placements_in_the_facial_dermis():
    # 1.5 mm at 15 deg = 0.39 mm and at 30 deg = 0.75 mm (the thinnest skin's edge, d <= s_lo): dermis;
    # 4 mm at 15 deg = 1.04 mm and 1.5 mm at 45 deg = 1.06 mm: dermis or fat, so not certain
    assert placements("face", "dermis", NEEDLES, ANGLES) == [(1.5, 15.0), (1.5, 30.0)]


def test_placements_return_floats_in_order_needles_outer_angles_inner():
    found = placements("face_chin", "hypodermis", [6, 4], [90, 45, 30])  # the chin's fat: certain from 2.03 to 5.75 mm
    assert found == [(6.0, 45.0), (6.0, 30.0), (4.0, 90.0), (4.0, 45.0)]
    assert type(found) is list and all(type(p) is tuple and all(type(v) is float for v in p) for p in found)


def test_a_placement_that_may_be_in_two_layers_is_not_certain():
    # 13 mm at 15 deg = 3.36 mm: the generic face's fat ends between 2.75 and 8.03 mm
    assert possible_layers(tip_depth_mm(13, 15), "face") == ("hypodermis", "deeper")
    assert (13.0, 15.0) not in placements("face", "hypodermis", [13], [15])
    assert placements("face", "deeper", [13], [15]) == []
    assert placements("face_chin", "hypodermis", [13], [15]) == [(13.0, 15.0)]


def test_no_placement_is_an_empty_list():
    assert placements("face", "epidermis", [4, 13], [30, 90]) == []
    assert placements("face", "dermis", [], ANGLES) == []


def test_where_the_course_has_no_figure_nothing_is_certain():
    assert placements("scalp", "hypodermis", NEEDLES, ANGLES) == []
    assert placements("scalp", "dermis", [1.5], [30, 90]) == [(1.5, 30.0)]  # 0.75 mm; 1.5 mm may be below the skin
    assert placements("abdomen", "dermis", NEEDLES, ANGLES) == []


@settings(max_examples=200, deadline=None)
@given(needles=st.lists(st.floats(min_value=0.5, max_value=13, allow_nan=False), max_size=4),
       angles=st.lists(st.integers(min_value=1, max_value=90), max_size=5),
       area=st.sampled_from(FIGURED), layer=st.sampled_from(LAYERS))
def test_placements_are_exactly_the_combinations_certainly_in_the_layer(needles, angles, area, layer):
    def certain(needle: float, angle: float) -> bool:
        try:
            return possible_layers(tip_depth_mm(needle, angle), area) == (layer,)
        except ValueError:
            return False

    expected = [(float(n), float(a)) for n in needles for a in angles if certain(n, a)]
    assert placements(area, layer, needles, angles) == expected


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("mars", "dermis", [4], [30]), "mars"),
        (("face", "fat", [4], [30]), "fat"),
        (("face", "dermis", [0], [30]), "needles_mm"),
        (("face", "dermis", [-4], [30]), "needles_mm"),
        (("face", "dermis", [math.nan], [30]), "needles_mm"),
        (("face", "dermis", ["4"], [30]), "needles_mm"),
        (("face", "dermis", [4], [0]), "angles_deg"),
        (("face", "dermis", [4], [91]), "angles_deg"),
        (("face", "dermis", [4], [math.inf]), "angles_deg"),
        (("face", "dermis", [], [120]), "angles_deg"),       # checked even when no needle is given
        (("face", "dermis", 4, [30]), "needles_mm"),
        (("face", "dermis", [4], "30"), "angles_deg"),
    ],
)
def test_placements_refuse_bad_input_naming_it(args, named):
    with pytest.raises(ValueError, match=named):
        placements(*args)


# --- certain depths and bands (what the depth explorer draws) -------------------------------
@settings(max_examples=300, deadline=None)
@given(depth=st.floats(min_value=0, max_value=25, allow_nan=False), area=st.sampled_from(FIGURED),
       layer=st.sampled_from(LAYERS))
def test_certain_depths_are_where_possible_layers_is_that_layer_alone(depth, area, layer):
    span = certain_depths(area, layer)
    inside = span is not None and (span[0] < depth or (layer == "epidermis" and depth == 0)) and depth <= span[1]
    try:
        certain = possible_layers(depth, area) == (layer,)
    except ValueError:
        certain = False
    assert inside == certain


def test_certain_depths_on_the_face():
    assert certain_depths("face", "epidermis") == (0.0, 0.1)
    assert certain_depths("face", "dermis") == (0.15, 0.75)
    assert certain_depths("face", "hypodermis") == (2.03, 2.75)
    assert certain_depths("face", "deeper") == (8.03, math.inf)
    assert certain_depths("scalp", "hypodermis") is None and certain_depths("scalp", "deeper") is None
    with pytest.raises(ValueError, match="fat"):
        certain_depths("face", "fat")
    with pytest.raises(ValueError, match="abdomen"):
        certain_depths("abdomen", "dermis")


@settings(max_examples=200, deadline=None)
@given(a=st.floats(min_value=0, max_value=12, allow_nan=False), b=st.floats(min_value=0, max_value=12, allow_nan=False),
       area=st.sampled_from(FIGURED[:-1]))
@example(a=1.0, b=0.07602246264051796, area="face")  # a sample rounded past the band's bottom (1.0000000000000002)
def test_layers_between_is_the_union_of_possible_layers_over_the_band(a, b, area):
    top, bottom = sorted((a, b))
    # every sample inside the band: top + (bottom - top) can round past bottom
    # (0.076... + 0.923... = 1.0000000000000002)
    sampled = {layer for step in range(101) for layer in possible_layers(min(bottom, top + (bottom - top) * step / 100),
                                                                         area)}
    found = layers_between(top, bottom, area)
    assert set(found) >= sampled
    assert found[0] in possible_layers(top, area) and found[-1] in possible_layers(bottom, area)
    assert list(found) == [layer for layer in LAYERS if layer in found]


def test_the_schemes_intradermal_bands_on_the_face():
    scheme = {t: knowledge.load().depth_techniques[t].scheme for t in ("superficial_intradermal", "intradermal")}
    assert layers_between(scheme["superficial_intradermal"].from_mm, scheme["superficial_intradermal"].up_to_mm,
                          "face") == ("dermis", "hypodermis")
    # the thickest facial skin (2.03 mm) reaches just into the intradermal band (2-4 mm)
    assert layers_between(scheme["intradermal"].from_mm, scheme["intradermal"].up_to_mm, "face") == (
        "dermis", "hypodermis", "deeper")
    assert layers_between(2.04, scheme["intradermal"].up_to_mm, "face") == ("hypodermis", "deeper")
    with pytest.raises(ValueError, match="top_mm"):
        layers_between(2, 1, "face")


# --- facial skin is a range (depth contract v3) ------------------------------------------
FACIAL_SITES = [a for a in FIGURED if a.startswith("face_")]


def test_facial_skin_is_a_measured_range_not_one_figure():
    skin = knowledge.load().areas["face"].layers["epidermis_plus_dermis"]
    low, high = skin.range_mm
    assert low < high
    assert {"chopra_2015", "meng_2022"} <= set(skin.sources) and skin.label == "published_study"
    assert low < 1.0 < high  # Iyengar 2018's "about 1 mm" at malar and nasolabial sites lies inside it
    assert set(possible_layers(1.5, "face")) >= {"dermis", "hypodermis"}  # the contract's example


@settings(max_examples=300, deadline=None)
@given(fraction=st.floats(min_value=0, max_value=1, exclude_min=True, allow_nan=False),
       area=st.sampled_from(["face", *FACIAL_SITES]))
def test_a_tip_inside_the_facial_skin_range_may_be_in_the_dermis_or_the_fat(fraction, area):
    low, high = boundaries(area).dermis_end
    tip = low + (high - low) * fraction
    if tip <= low:  # rounding: a fraction this small lands on the low end itself
        return
    found = possible_layers(tip, area)
    assert {"dermis", "hypodermis"} <= set(found)
    assert layer_at(tip, area) in found


@pytest.mark.parametrize("site", FACIAL_SITES)
def test_a_finer_site_uses_its_own_measurement_or_inherits_the_face_range_exactly(site):
    area = knowledge.load().areas[site]
    face_skin = boundaries("face").dermis_end
    if "epidermis_plus_dermis" in area.layers:  # measured at that site: a narrower range inside the face's
        own = area.layers["epidermis_plus_dermis"]
        assert boundaries(site).dermis_end == tuple(own.range_mm)
        assert face_skin[0] <= own.range_mm[0] <= own.range_mm[1] <= face_skin[1]
        assert "meng_2022" in own.sources
    else:
        assert boundaries(site).dermis_end == face_skin
        face = knowledge.load().areas["face"]
        assert layer_figures(site)["epidermis_plus_dermis"] is face.layers["epidermis_plus_dermis"]
        assert any("face's range" in note.text for note in area.notes), "a site that inherits says so"


# --- below the facial fat: never a target -------------------------------------------------
def test_below_the_facial_fat_is_one_cited_fact_inherited_by_every_facial_site():
    fact = below_the_fat("face")
    assert fact is not None and "konda_thappa_2013" in fact.sources and fact.label == "course_policy" and fact.reason
    assert all(word in fact.text for word in ("muscle", "vessels", "nerves", "never", "4 mm"))
    for site in FACIAL_SITES:
        assert below_the_fat(site) is fact
    assert below_the_fat("scalp") is None
    with pytest.raises(ValueError, match="mars"):
        below_the_fat("mars")


@settings(max_examples=300, deadline=None)
@given(depth=st.floats(min_value=0, max_value=25, allow_nan=False), area=st.sampled_from(["face", *FACIAL_SITES]))
def test_never_a_target_wherever_a_facial_tip_may_be_deeper(depth, area):
    found = possible_layers(depth, area)
    warning = never_a_target(found, area)
    assert (warning is not None) == ("deeper" in found)
    if warning is not None:
        assert warning is below_the_fat("face")


# --- the teaching scheme ------------------------------------------------------------------
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


def test_technique_names_are_not_layers_on_the_face():
    """The scheme's intradermal bands are not the facial dermis (domain reference, coherence rule):
    never certainly from 0.75 mm down, and not at all below the thickest facial skin."""
    for depth in (1.5, 2.0):
        assert technique_for_depth(depth) == "superficial_intradermal"
        assert possible_layers(depth, "face") == ("dermis", "hypodermis")
    for depth in (2.5, 3.0, 4.0):
        assert technique_for_depth(depth) == "intradermal"
        assert "dermis" not in possible_layers(depth, "face")


def test_sfm_values_kept_beside_the_scheme_where_they_differ():
    intradermal = technique_values("intradermal")
    sfm = [v for v in intradermal.other_values if v.source == "sfm"]
    assert sfm and sfm[0].disagrees and "4 mm" in sfm[0].text
    nappage = technique_values("superficial_intradermal")
    assert any(v.source == "training_sites" and v.disagrees for v in nappage.other_values)
