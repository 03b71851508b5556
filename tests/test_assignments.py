"""Graded assignments without nbgrader: the frozen grading code, check(), the
autograde sanitiser, the builder and the grade cells' tags.

The real nbgrader pipeline (Validator, generate_assignment, autograde, feedback)
is exercised in ``test_assignments_nbgrader.py``.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import random
from datetime import date, timedelta
from pathlib import Path

import nbformat
import pytest

from course import knowledge
from course.assignments import ASSIGNMENTS, grader
from course.assignments.build import formats_text, source_path, write_sources
from course.assignments.catalog import load_assignment, reference_answers
from course.assignments.check import Checker, check_field, check_format, formats_path, load_formats, report
from course.assignments.items.planning_patients import phases
from course.assignments.tags import course_tags
from course.coursedir import Course
from course.grading.integrity import NOTE, keep_plain_answers
from course.knowledge import KnowledgeError
from course.scheduling import plan_course, validate_schedule

REPO = Path(__file__).resolve().parents[1]


@functools.cache
def _compiled(source: str) -> tuple[object, object]:
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    return compile(tree, "<cell>", "exec"), compile(ast.Expression(last.value), "<cell>", "eval") if last else None


def run_cell(source: str, namespace: dict) -> tuple[object, str, str]:
    """Run a code cell as IPython does (the last expression is its result)."""
    body, last = _compiled(source)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        exec(body, namespace)
        value = eval(last, namespace) if last else None
    return value, out.getvalue(), err.getvalue()


def grade_cells(name: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(source_path(Course(REPO), name), as_version=4)
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


# --- the frozen schedule logic is validate_schedule's -------------------------
def _schedules(protocol_id: str, rng: random.Random) -> list[list[str]]:
    """Valid plans and many broken variants of them."""
    plans = [plan_course(protocol_id, date(2025, 1, 31) + timedelta(days=rng.randrange(400))) for _ in range(6)]
    out: list[list[str]] = []
    for plan in plans:
        days = list(plan.sessions)
        out.append([d.isoformat() for d in days])
        for _ in range(25):
            variant = list(days)
            move = rng.randrange(5)
            k = rng.randrange(len(variant))
            if move == 0:
                variant[k] += timedelta(days=rng.choice([-8, -2, -1, 1, 2, 8, 30]))
            elif move == 1:
                del variant[k]
            elif move == 2:
                variant.append(variant[-1] + timedelta(days=rng.choice([1, 14, 15, 28, 42, 60, 200])))
            elif move == 3:
                variant[0], variant[k] = variant[k], variant[0]
            else:
                variant = variant[: rng.randrange(1, len(variant) + 1)]
            out.append([d.isoformat() for d in variant])
    out += [[], ["2025-02-30"], ["2025-03-03", "tomorrow"], ["2024-02-29", " 2024-03-14 "]]
    return out


@pytest.mark.parametrize("protocol_id", list(knowledge.load().protocols))
def test_frozen_schedule_logic_agrees_with_validate_schedule(protocol_id: str) -> None:
    frozen = phases(knowledge.load().protocols[protocol_id])
    for dates in _schedules(protocol_id, random.Random(protocol_id)):
        engine = [(v.code, v.session) for v in validate_schedule(protocol_id, dates)]
        cell = [(code, session) for code, session, _ in grader.schedule_problems(frozen, dates)]
        assert cell == engine, (protocol_id, dates)


def test_frozen_dates_agree_with_the_calendar() -> None:
    day = date(1999, 12, 25)
    for _ in range(1200):
        assert grader.day_number(day.isoformat()) == day.toordinal()
        day += timedelta(days=11)
    for text in ("2025-13-01", "2025-00-10", "2023-02-29", "25-01-01", "2025/01/01", "２０２５-01-01", 20250101):
        assert grader.day_number(text) is None


# --- test cells: self-contained, type-strict, never on stderr -----------------
class Anything:
    """The permissive answer: equal to everything, and loud."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __len__(self) -> int:
        return 99

    def __iter__(self):
        return iter(["pregnancy", "decline", "2025-03-03"])


def _shadowing(answers: dict) -> dict:
    """A trainee namespace that shadows the builtins and helper names a test could use."""
    always = lambda *args, **kwargs: True  # noqa: E731
    return {
        **answers,
        "len": lambda *a: 1, "isinstance": always, "type": lambda *a: str, "sorted": lambda *a, **k: [],
        "set": lambda *a: Anything(), "sum": lambda *a: 1000, "min": lambda *a: 0, "max": lambda *a: 1000,
        "abs": lambda *a: 0, "round": lambda *a: 1000, "float": lambda *a: 1000.0, "all": always, "any": always,
        "_mc_grade": lambda *a: 1000.0, "_mc_same": always, "_mc_score": 1000.0,
        "_mc_hidden_test": lambda *a: 1000.0, "_mc_visible_test": lambda *a: None, "_mc_fields": (),
    }


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_grade_honest_answers_despite_shadowing_and_refuse_permissive_objects(name: str) -> None:
    import warnings

    answers = reference_answers(name)
    for cell in grade_cells(name):
        points = cell.metadata.nbgrader.points
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a SyntaxWarning would reach stderr in the kernel
            full, _, err = run_cell(cell.source, _shadowing(answers))
        assert full == points and err == "", cell.metadata.nbgrader.grade_id
        cheat = {k: Anything() for k in answers}
        zero, out, err = run_cell(cell.source, _shadowing(cheat))
        assert zero == 0.0 and err == "", cell.metadata.nbgrader.grade_id
        assert "not right" in out or "not a" in out or "wrong type" in out


EXOTIC = [None, "", "x" * 10_000, 10**400, -1, 1e308, float("nan"), [], [[]], [None], [1, "a"], {}, {1: 2},
          {"a": [1]}, ("a",), b"bytes", {"needle_mm": 4, "angle_deg": True}, set(), 1j, ["2025-02-30"],
          ["2025-03-03"] * 300, ["\u0663\u0660\u0662\u0665-01-01"], Anything()]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_give_a_score_in_range_and_nothing_on_stderr_whatever_the_answer(name: str) -> None:
    answers = reference_answers(name)
    for cell in grade_cells(name):
        points = cell.metadata.nbgrader.points
        for value in EXOTIC:
            score, _, err = run_cell(cell.source, {k: value for k in answers})
            assert type(score) is float and 0 <= score < points and err == "", (cell.metadata.nbgrader.grade_id, value)


def test_test_cells_bind_only_the_trusted_grader_inside_themselves() -> None:
    """Each test cell imports the grader's two entry points under ``_mc_`` names right before
    calling them (visible part, then hidden part: ``variant_test`` for a question that varies
    per trainee), and names nothing else outside itself."""
    for name in ASSIGNMENTS:
        for cell in grade_cells(name):
            visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
            tested = "variant_test" if "variant_test" in hidden else "hidden_test"
            for part, function in ((visible, "visible_test"), (hidden, tested)):
                tree = ast.parse(part.replace("### END HIDDEN TESTS", ""))
                imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert [(i.module, [(a.name, a.asname) for a in i.names]) for i in imports] == \
                    [(grader.__name__, [(function, f"_mc_{function}")])]
                assert tree.body.index(imports[0]) < min(i for i,
                                                         n in enumerate(tree.body)
                                                         if f"_mc_{function}(" in ast.unparse(n))
                loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
                names = {"_mc_visible_test", f"_mc_{tested}", "_mc_fields", "_mc_variants", "_mc_score"}
                assert loaded <= names, loaded
            # the grader is not copied in; the fields once, per variant only what differs
            assert "def " not in cell.source and len(cell.source) < 8_000


_BLOCKED = ("course.screening", "course.depth", "course.scheduling", "course.cocktail", "course.knowledge",
            "course.assignments.catalog", "course.assignments.items", "nbgrader", "yaml", "pydantic", "pandas")
_EXAM_KERNEL = f"""
import importlib.abc, json, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith({_BLOCKED!r}):
            raise ImportError(f"{{name}} is not importable in this kernel")
sys.meta_path.insert(0, Refuse())
name, cells, answers = json.load(sys.stdin)
scores = []
for source in cells:
    namespace = dict(answers)
    *body, last = source.splitlines()
    exec("\\n".join(body), namespace)
    scores.append(eval(last, namespace))
graded = sorted(m for m in sys.modules if m.startswith("course"))
from course.assignments.check import report
print(json.dumps([scores, graded, report(name, answers), report(name, {{}})]))
"""


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_and_check_work_where_neither_the_engines_nor_the_knowledge_base_can_be_imported(name: str) -> None:
    """Issue 15's exam kernel: the test cells need only the grader, check() only the grader and its formats."""
    import json
    import subprocess
    import sys

    cells = grade_cells(name)
    answers = reference_answers(name)
    done = subprocess.run([sys.executable, "-c", _EXAM_KERNEL],
                          input=json.dumps([name, [c.source for c in cells], answers]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    scores, graded_with, checked, unanswered = json.loads(done.stdout.splitlines()[-1])
    assert scores == [c.metadata.nbgrader.points for c in cells]
    assert graded_with == ["course", "course.assignments", "course.assignments.grader", "course.dates", "course.errors"]
    assert checked == report(name, answers) and unanswered == report(name, {})
    assert "FIX" not in checked and "FIX" in unanswered


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_check_s_frozen_formats_are_in_sync_and_judge_as_the_fields_do(name: str) -> None:
    assert formats_path(name).read_text(encoding="utf-8") == formats_text(load_assignment(name)), \
        f"course/assignments/formats/{name}.json is stale: run `make release`"
    frozen = {spec["name"]: spec for q in load_formats(name) for spec in q["fields"]}
    wrong = _wrong_but_well_formed(name)
    for question in load_assignment(name).questions:
        for field in question.fields:
            spec = frozen[field.name]
            assert not {"expected", "solution", "accepted", "first", "phases", "days_before"} & set(spec)
            for value in [field.solution, wrong[field.name], field.template, *EXOTIC]:
                assert check_format(spec, value) == check_field(field, value), (field.name, value)


# --- check() ------------------------------------------------------------------
def _wrong_but_well_formed(name: str) -> dict:
    """Every answer changed to another value of the right format."""
    wrong = {}
    for question in load_assignment(name).questions:
        for field in question.fields:
            value = field.solution
            if field.kind == "choice":
                wrong[field.name] = next(v for v in field.allowed if v != value)
            elif field.kind in ("id_set", "id_sequence"):
                last = list(reversed(field.allowed))[:1]
                wrong[field.name] = last if value != last else []
            elif field.kind == "number":
                wrong[field.name] = value + 1
            elif field.kind == "schedule":
                wrong[field.name] = ["2030-01-01", "2030-01-02"]
            elif field.kind == "pre_treatment":
                wrong[field.name] = {k: "2030-01-01" for k in value}
            elif field.kind == "mapping":
                wrong[field.name] = {k: next(a for a in field.allowed if a != v) for k, v in value.items()}
            else:
                wrong[field.name] = {k: field.allowed[k][-1] for k in value}
    return wrong


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_check_reveals_nothing_of_the_hidden_answers(name: str) -> None:
    right, wrong = reference_answers(name), _wrong_but_well_formed(name)
    assert any(right[k] != wrong[k] for k in right)
    assert report(name, right) == report(name, wrong)
    assert "FIX" not in report(name, right)


def test_check_explains_format_problems_in_plain_words() -> None:
    answers = {**reference_answers("screening"), "case_01_decision": "declin", "case_01_reasons": ("pregnancy",),
               "case_02_excluded": ["vitamin-c"]}
    del answers["case_03_decision"]
    text = report("screening", answers)
    assert "FIX case_01_decision: 'declin' is not one of the allowed values" in text
    assert "FIX case_01_reasons: must be a list" in text
    assert "FIX case_02_excluded: 'vitamin-c' is not one of the allowed IDs" in text
    assert "FIX case_03_decision: not answered yet" in text
    assert "Case 03 (4 points): visible test does not pass yet." in text
    field = load_assignment("planning").question("patient_01").fields[2]
    problem = check_field(field, {"stop_aspirin_nsaid": "2025-02-17"}).problem
    assert problem == "the key 'no_makeup_perfume' of the template is missing"


def test_check_reads_the_notebook_namespace_and_is_silent_under_autograde(monkeypatch: pytest.MonkeyPatch) -> None:
    check = Checker("depth")
    out = io.StringIO()
    namespace = {"check": check, "problem_03_technique": "epidermal"}
    with contextlib.redirect_stdout(out):
        exec('check("problem_03")', namespace)
    assert out.getvalue().startswith("Problem 03 (1 point): visible test passes")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec("check()", namespace)
    assert out.getvalue() == ""


# --- the autograde sanitiser ----------------------------------------------------
def test_only_plain_answers_survive() -> None:
    names = {"a", "b", "c"}
    source = (
        "# my answers\n"
        "a = 'decline'\n"
        "b = [\n    'x',\n    'y',\n]\n"
        "import builtins; builtins.len = None\n"
        "c = sorted(['y'])\n"
        "@decorator\ndef f():\n    return 1\n"
        "a = 'x'; print(1)\n"
        "_mc_score = 4.0\n"
        "%config Completer.use_jedi = False\n"
        "!echo hacked\n"
        "c: list = []\n"
    )
    cleaned = keep_plain_answers(source, names).splitlines()
    kept = [line for line in cleaned if not line.startswith(NOTE)]
    assert kept == ["# my answers", "a = 'decline'", "b = [", "    'x',", "    'y',", "]"]
    assert len(cleaned) == len(source.splitlines())
    assert keep_plain_answers("a = 'x'\nb = [1, 2]\n", names) == "a = 'x'\nb = [1, 2]"
    broken = keep_plain_answers("a = 'unterminated\n", names)
    assert broken.startswith(NOTE) and "could not be read" in broken


# --- builder, release data, tags ----------------------------------------------
def test_build_is_deterministic_and_the_committed_sources_are_in_sync(tmp_path: Path) -> None:
    first = write_sources(Course(tmp_path / "one"))
    second = write_sources(Course(tmp_path / "two"))
    for a, b, name in zip(first, second, ASSIGNMENTS):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() == source_path(Course(REPO), name).read_bytes(), \
            f"source/{name} is stale: run `make release`"
        nb = nbformat.read(a, as_version=4)
        assert all(c.get("outputs", []) == [] for c in nb.cells)


def test_assignment_sizes_and_grade_cell_tags() -> None:
    kb = knowledge.load()
    tags = course_tags(Course.open(REPO))
    by_assignment: dict[str, list] = {}
    for (assignment, _, _), tag in tags.items():
        by_assignment.setdefault(assignment, []).append(tag)
        assert tag.competencies and set(tag.competencies) <= set(kb.competencies), tag
    assert len(by_assignment["screening"]) >= 8 and len(by_assignment["planning"]) >= 4
    assert len(by_assignment["depth"]) >= 6
    exam = by_assignment["certification"]
    assert {c for t in exam for c in t.competencies} == set(kb.competencies)
    critical = {t.grade_id: dict(t.params) for t in exam if t.critical}
    assert critical["pregnant_patient"]["family"] == "pregnancy_breastfeeding"  # a family every variant tests
    assert critical["anticoagulant_patient"]["family"] == "bleeding_medicines"
    assert "decision" not in critical["anticoagulant_patient"]  # variants differ in it: no grade-cell tag
    for name in ASSIGNMENTS:
        assignment = load_assignment(name)
        assert [t.max_score for t in by_assignment[name]] == [q.points for q in assignment.questions]


def test_bad_case_data_is_named(tmp_path: Path) -> None:
    source = (Path(knowledge.__file__).parents[1] / "assignments" / "data" / "screening.yaml").read_text()
    (tmp_path / "screening.yaml").write_text(source.replace("conditions: [diabetes]", "conditions: [diabetis]", 1))
    with pytest.raises(KnowledgeError, match=r"screening.yaml: entry 'case_06'.*unknown condition ID 'diabetis'"):
        load_assignment("screening", tmp_path)
    (tmp_path / "screening.yaml").write_text(source.replace("    who: \"{name}, {age}, wants her dull",
                                                            "    whom: \"{name}, {age}, wants her dull", 1))
    with pytest.raises(KnowledgeError, match=r"entry 'case_02', field 'screening.who': Field required"):
        load_assignment("screening", tmp_path)
