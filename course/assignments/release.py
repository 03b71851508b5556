"""``mesocourse release``: build the source notebooks, then generate ``release/``.

The student versions are made by nbgrader's own ``generate_assignment`` (through
``nbgrader.apps.NbGraderAPI``) with the course's ``nbgrader_config.py``, which also
records the assignments in the course's gradebook, ready for ``nbgrader autograde``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.assignments.build import ASSIGNMENTS, load_assignment, write_sources
from course.grading.nbgrader_course import put_python_tools_on_path


def generate_release(course_dir: Path | str, names: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Run nbgrader's generate_assignment for each assignment: ``release/<name>/<name>.ipynb``."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(course_dir).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"{root}: no nbgrader_config.py (is this the course directory?)")
    put_python_tools_on_path()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)  # a relative SQLite db_url then lives in the course too
    api = NbGraderAPI(config=config)
    written = []
    for name in names:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.get('error') or result.get('log')}")
        written.append(root / "release" / name / f"{name}.ipynb")
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), help="the nbgrader course directory (default: .)")
    parser.add_argument("--only", choices=ASSIGNMENTS, action="append", help="only this assignment (repeatable)")
    parser.add_argument("--skip-build", action="store_true", help="keep source/ as it is; only regenerate release/")


def run(args: argparse.Namespace) -> int:
    names = tuple(args.only or ASSIGNMENTS)
    if not args.skip_build:
        for path in write_sources(args.course, names):
            print(f"built   {path}")
    for path in generate_release(args.course, names):
        print(f"release {path}")
    for name in names:
        assignment = load_assignment(name)
        cells = ", ".join(f"{q.id} ({q.points:g})" for q in assignment.questions)
        print(f"{name}: {assignment.points:g} points in {len(assignment.questions)} grade cells: {cells}")
    return 0
