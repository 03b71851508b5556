"""Build the graded assignments' source notebooks from their case data.

``write_sources`` writes ``<assignment>/<assignment>.ipynb`` into the course's
source folder (``source/`` unless its nbgrader config says otherwise) for each
assignment of ``course.assignments.catalog``: the expected answers, computed by
the engines when the case data is loaded, are frozen into the hidden tests by
``course.assignments.source_notebook``. ``write_formats`` freezes what ``check()`` needs
(each answer's kind, allowed values and template keys, no answer) into
``course/assignments/formats/<assignment>.json``, so that ``check()``, like the
test cells, works without the engines and the knowledge base. Building is deterministic: rebuilding writes
identical files. The CLI entry point is ``mesocourse release``
(``course.assignments.cli.release``), which builds and then generates ``release/``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import nbformat

from course.assignments.catalog import ASSIGNMENTS, load_assignment, reference_answers
from course.assignments.check import FORMATS, formats_path
from course.assignments.questions import Assignment
from course.assignments.source_notebook import build_notebook
from course.assignments.variant_view import PROMPTS_FILE
from course.assignments.variants import DEFAULT_SEED, DEFAULT_VARIANTS, Variants, load_variants
from course.coursedir import Course

__all__ = ["ASSIGNMENTS", "build_notebook", "load_assignment", "reference_answers", "source_path", "write_formats",
           "write_sources"]


def source_path(course: Course, name: str) -> Path:
    """Where assignment ``name``'s source notebook goes: ``<name>/<name>.ipynb`` in the course's
    source folder (``CourseDirectory.source_directory`` of its config, ``source/`` by default)."""
    return course.source / name / f"{name}.ipynb"


def write_sources(course: Course, names: tuple[str, ...] = ASSIGNMENTS,
                  variants: int = DEFAULT_VARIANTS, seed: str = DEFAULT_SEED) -> list[Path]:
    """Write each assignment's source notebook into ``course``'s source folder (:func:`source_path`).

    ``variants`` draws of every item's parameter ranges are made from ``seed`` and
    checked first (``course.assignments.variants``). Case data the engines refuse, or a
    draw that breaks a constraint, raises ``KnowledgeError`` naming its file, item and
    field (the parameter, for a draw) before any notebook is written."""
    notebooks, prompts = {}, {}
    for name in names:  # every assignment is built before one is written
        drawn = load_variants(name, variants, seed)
        path = source_path(course, name)
        notebooks[path] = build_notebook(shared_tags(drawn), drawn.variants,
                                         drawn.varied if drawn.count > 1 else frozenset())
        notebooks[path].metadata["mesocourse"] = {"variants": drawn.count, "seed": drawn.seed}
        prompts[path.with_name(PROMPTS_FILE)] = variant_prompts(drawn)
    for path, notebook in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    for path, text in prompts.items():
        path.write_text(text, encoding="utf-8")
    return list(notebooks)


def shared_tags(drawn: Variants) -> Assignment:
    """The written assignment with each question's scenario tags reduced to those every variant
    shares: the grade cell's tags stand for every trainee's variant in the reports."""
    questions = []
    for question in drawn.written.questions:
        others = [variant.question(question.id).params for variant in drawn.variants]
        shared = {k: v for k, v in question.params.items() if all(other.get(k) == v for other in others)}
        questions.append(dataclasses.replace(question, params=shared))
    return dataclasses.replace(drawn.written, questions=tuple(questions))


def variant_prompts(drawn: Variants) -> str:
    """``variants.json``: each variant's prompt of every question that varies (no answers)."""
    prompts = [{q.id: q.prompt for q in variant.questions if q.id in drawn.varied} for variant in drawn.variants]
    return json.dumps({"assignment": drawn.name, "count": drawn.count, "prompts": prompts}, indent=1,
                      ensure_ascii=False, sort_keys=False) + "\n"


def formats_text(assignment: Assignment) -> str:
    """``check()``'s frozen formats of ``assignment``, as JSON text (deterministic)."""
    questions = [{"id": q.id, "title": q.title, "points": q.points, "fields": [f.format_spec() for f in q.fields]}
                 for q in assignment.questions]
    return json.dumps({"assignment": assignment.name, "exam": assignment.exam, "questions": questions}, indent=1,
                      ensure_ascii=False) + "\n"


def write_formats(names: tuple[str, ...] = ASSIGNMENTS, folder: Path = FORMATS) -> list[Path]:
    """Write ``<folder>/<name>.json`` for each assignment whose formats changed (default: the
    package's own, which an installed package already has up to date: nothing is written then)."""
    written = []
    for name in names:
        path, text = formats_path(name, folder), formats_text(load_assignment(name))
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
