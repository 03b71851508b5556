"""The course model: one answer to "where is the course, its gradebook and its registry".

Real folders, real nbgrader configs and real gradebooks made with nbgrader's own
``Gradebook``; the report runs as the real ``mesocourse`` command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_support import tree_hashes
from nbgrader.api import Gradebook

from course.assignments.tags import course_tags
from course.certification.registry import Registry
from course.coursedir import Course, registry_url
from course.errors import CourseError
from course.grading.snapshot import empty_gradebook_image


def _tagged_source(root: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "q1",
                                 "points": 2, "schema_version": 3}
    cell.metadata["mesocourse"] = {"competencies": ["screening"]}
    nb.cells.append(cell)
    (root / "source" / "quiz1").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "quiz1" / "nb.ipynb")


def _gradebook(path: Path, students: tuple[str, ...]) -> None:
    """A gradebook as nbgrader creates it (its cached empty image), then filled through nbgrader."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(empty_gradebook_image())
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_assignment("quiz1")
        gb.add_notebook("nb", "quiz1")
        gb.add_grade_cell("q1", "nb", "quiz1", max_score=2, cell_type="code")
        for student in students:
            gb.add_student(student)


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course whose config puts the gradebook at a relative path, with a decoy at the default place."""
    root = tmp_path_factory.mktemp("configured") / "course"
    root.mkdir()
    _tagged_source(root)
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = '.'\n"
                                             "c.CourseDirectory.db_url = 'sqlite:///data/grades.db'\n")
    _gradebook(root / "data" / "grades.db", ("configured_1", "configured_2", "configured_3"))
    _gradebook(root / "gradebook.db", ("decoy",))
    return root


def test_the_gradebook_is_where_the_config_says_relative_to_the_course(configured: Path, tmp_path: Path) -> None:
    course = Course.open(configured)
    assert course.db_url == f"sqlite:///{configured.resolve() / 'data' / 'grades.db'}"
    assert course.gradebook() == course.db_url
    assert (course.source, course.reports, course.registry_file) == (
        configured / "source", configured / "reports", configured / "certification" / "registry.db")
    assert list(course_tags(course)) == [("quiz1", "nb", "q1")]


@pytest.mark.parametrize("config", [
    "",
    "c.CourseDirectory.db_url = 'sqlite:///data/grades.db'\nc.CourseDirectory.source_directory = 'masters'\n",
    "c.CourseDirectory.db_url = 'sqlite:////elsewhere/g.db?mode=ro'\nc.CourseDirectory.autograded_directory = 'ag'\n",
])
def test_the_course_resolves_folders_and_gradebook_as_nbgrader_does(config: str, tmp_path: Path) -> None:
    """Course reads db_url and the step folders without nbgrader; nbgrader's CourseDirectory agrees."""
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n" + config)
    (tmp_path / "source").mkdir()
    fast, nbgrader = Course.open(tmp_path), Course.open(tmp_path).coursedir
    assert fast.db_url == nbgrader.db_url
    for step in ("source", "release", "submitted", "autograded", "feedback"):
        assert fast.step(step) == tmp_path / getattr(nbgrader, f"{step}_directory")


def test_report_reads_the_gradebook_the_config_names(configured: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "course", "report", "--course", str(configured), "--out", str(out)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "(3 trainees)" in done.stdout
    assert "configured_1" in out.with_name("report-scores.csv").read_text()


def test_a_folder_that_is_not_a_course_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a course")
    before = tree_hashes(tmp_path)
    with pytest.raises(CourseError, match=r": no such course folder$"):
        Course.open(tmp_path / "nowhere")
    with pytest.raises(CourseError, match=r"notes.txt: not a folder"):
        Course.open(tmp_path / "notes.txt")
    with pytest.raises(CourseError, match=rf"{tmp_path}: not an nbgrader course folder .*no gradebook at "):
        Course.open(tmp_path)
    with pytest.raises(CourseError, match="not an nbgrader course folder"):
        registry_url(None, Course(tmp_path))
    assert tree_hashes(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_missing_gradebook_is_named_and_not_created(tmp_path: Path) -> None:
    _tagged_source(tmp_path)
    course = Course.open(tmp_path)
    with pytest.raises(CourseError, match=f"no gradebook at {tmp_path / 'gradebook.db'}"):
        course.gradebook()
    with pytest.raises(CourseError, match=f"no gradebook at {tmp_path / 'other.db'}"):
        course.gradebook(f"sqlite:///{tmp_path / 'other.db'}")
    assert not (tmp_path / "gradebook.db").exists() and not (tmp_path / "other.db").exists()


def test_files_that_are_not_gradebooks_are_refused_unchanged(tmp_path: Path) -> None:
    _tagged_source(tmp_path)
    course = Course.open(tmp_path)
    text = tmp_path / "gradebook.db"
    text.write_text("student,score\nana,3\n")
    with Registry(f"sqlite:///{tmp_path / 'registry.db'}", create=True):
        pass
    before = tree_hashes(tmp_path)
    with pytest.raises(CourseError, match=f"{text}: not a gradebook \\(not an SQLite database\\)"):
        course.gradebook()
    with pytest.raises(CourseError, match="registry.db: a database, but not an nbgrader gradebook"):
        course.gradebook(f"sqlite:///{tmp_path / 'registry.db'}")
    with pytest.raises(CourseError, match="is not a database URL"):
        course.gradebook("not a url")
    assert tree_hashes(tmp_path) == before


def test_a_broken_config_is_named(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.db_url = \n")
    with pytest.raises(CourseError, match=r"nbgrader_config.py: cannot be loaded: SyntaxError"):
        Course.open(tmp_path)


def test_the_registry_is_the_option_then_the_environment_then_the_course(
        configured: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MESOCOURSE_REGISTRY", raising=False)
    assert registry_url(None, Course(configured)) == f"sqlite:///{configured / 'certification' / 'registry.db'}"
    monkeypatch.setenv("MESOCOURSE_REGISTRY", "postgresql://clinic/registry")
    assert registry_url(None, Course(tmp_path / "nowhere")) == "postgresql://clinic/registry"
    assert registry_url(str(tmp_path / "r.db"), Course(tmp_path / "nowhere")) == f"sqlite:///{tmp_path / 'r.db'}"
