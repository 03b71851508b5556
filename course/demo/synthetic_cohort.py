"""A synthetic cohort's submissions, written where nbgrader expects them
(``submitted/<trainee>/<assignment>/<assignment>.ipynb``).

Trainees are split across personas by fixed shares; a few hand in broken or hostile
notebooks (not a notebook at all, duplicated or deleted test cells, an infinite
loop, a flood of output, an attempt to read the gradebook), one fault each, in one
assignment, with their other assignments answered as an average trainee would.
Everything is seeded: the same seed writes the same cohort.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

import nbformat

from course.assignments.allocation import assignment_count, course_variant
from course.assignments.build import ASSIGNMENTS, load_assignment
from course.assignments.submission import fill_answers
from course.assignments.variants import load_variants
from course.coursedir import Course

from .personas import PERSONAS, answer

# persona -> share of the cohort (the rest are the broken/hostile few)
SHARES = {"strong": 0.25, "average": 0.40, "careless": 0.15, "format_errors": 0.15}
HOSTILE_CODE = {
    "infinite_loop": "while True:\n    pass",
    "output_flood": "for _ in range(10**7):\n    print('flood' * 100)",
    "reads_gradebook": "import glob\nfor path in glob.glob('/**/gradebook.db', recursive=True):\n"
                       "    open(path, 'w').write('')",
}
FAULTS = ("not_a_notebook", "duplicated_test_cell", "deleted_test_cell", *HOSTILE_CODE)


@dataclass(frozen=True)
class SyntheticTrainee:
    id: str
    persona: str
    fault: str = ""  # for the broken few: what is wrong with one of their notebooks
    faulty_assignment: str = ""


def roster(size: int, seed: int = 0) -> list[SyntheticTrainee]:
    """``size`` trainees with personas in the fixed shares, in a seeded order."""
    broken = min(len(FAULTS), size // 4)
    personas = [name for name, share in SHARES.items() for _ in range(round(share * (size - broken)))]
    personas = (personas + ["average"] * size)[: size - broken]
    rng = random.Random(seed)
    rng.shuffle(personas)
    width = len(str(size))
    trainees = [SyntheticTrainee(f"trainee{n:0{width}d}", persona) for n, persona in enumerate(personas, start=1)]
    for k, fault in enumerate(FAULTS[:broken]):
        number = len(personas) + k + 1
        assignment = ASSIGNMENTS[k % len(ASSIGNMENTS)]
        trainees.append(SyntheticTrainee(f"trainee{number:0{width}d}", "average", fault, assignment))
    return trainees


def answers_for(trainee: SyntheticTrainee, assignment: str, rng: random.Random, course: Course | None = None) -> dict:
    """The persona's answers to the trainee's own variant (in ``course``; the written items without one)."""
    persona = PERSONAS[trainee.persona]
    questions = load_assignment(assignment).questions
    if course is not None:
        count = assignment_count(course.source / assignment)
        drawn = load_variants(assignment, count)
        questions = drawn.variants[course_variant(course, assignment, trainee.id, count)].questions
    return {f.name: answer(persona, q, f, rng) for q in questions for f in q.fields}


def _test_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, cell in enumerate(nb.cells)
            if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")]


def break_notebook(nb: nbformat.NotebookNode, fault: str) -> nbformat.NotebookNode:
    """``nb`` with one fault a real submission has been seen to have."""
    broken = copy.deepcopy(nb)
    first_test = _test_cells(broken)[0]
    if fault == "duplicated_test_cell":  # pasted in JupyterLab: a new cell ID, the same nbgrader metadata
        duplicate = copy.deepcopy(broken.cells[first_test])
        duplicate["id"] = f"{duplicate.get('id', 'cell')}-copy"
        broken.cells.insert(first_test + 1, duplicate)
    elif fault == "deleted_test_cell":
        del broken.cells[first_test]
    else:
        broken.cells.insert(first_test, nbformat.v4.new_code_cell(HOSTILE_CODE[fault]))
    return broken


def write_cohort(course: Course, size: int, seed: int = 0,
                 assignments: tuple[str, ...] = ASSIGNMENTS) -> list[SyntheticTrainee]:
    """Write every trainee's submission of each of ``assignments``; return the roster."""
    trainees = roster(size, seed)
    for trainee in trainees:
        rng = random.Random(f"{seed}:{trainee.id}")
        for assignment in assignments:
            release = course.release / assignment / f"{assignment}.ipynb"
            target = course.folder("submitted", trainee.id, assignment) / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            if trainee.faulty_assignment == assignment and trainee.fault == "not_a_notebook":
                target.write_bytes(b"%PDF-1.4\n% a scanned answer sheet, not a notebook\n")
                continue
            nb = fill_answers(nbformat.read(release, as_version=4), answers_for(trainee, assignment, rng, course))
            if trainee.faulty_assignment == assignment:
                nb = break_notebook(nb, trainee.fault)
            nbformat.write(nb, target)
    return trainees
