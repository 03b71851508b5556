"""Exam mode in a real kernel: the course's engines, knowledge base and widgets cannot be
imported, check() still works; outside it, check() warns in an exam.

The exam kernelspec is written into a throwaway Jupyter data folder (``JUPYTER_PATH``)
and started by nbclient, in a copy of the released certification exam with a
``variant-key`` made from a throwaway course secret (as a release makes it; the
repository commits none); check() reads the package's frozen formats, and show()
knows the trainee (``JUPYTERHUB_USER``).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.assignments.allocation import KEY_FILE, course_variant, ensure_secret, recorded_count, write_key
from course.assignments.check import FORMATS, exam_warning
from course.coursedir import Course
from course.exam_kernel import KERNEL_NAME, KERNELSPEC_FOLDER, kernel_module, kernelspec, write_kernelspec

REPO = Path(__file__).resolve().parents[1]
PROBES = [
    "import course.screening",
    "import course.knowledge",
    "import importlib.resources\n"
    "importlib.resources.files('course.knowledge').joinpath('data/screening.yaml').read_text()",
    "from course.assignments import catalog",
    "import course.widgets.screening_intake",
    "import ipywidgets",
    "import yaml",
]


def _run(folder: Path, kernel: str, cells: list[str], monkeypatch: pytest.MonkeyPatch, kernels: Path) -> list:
    monkeypatch.setenv("JUPYTER_PATH", str(kernels.parent))
    monkeypatch.delenv("MESOCOURSE_EXAM", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "ann")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(nb, kernel_name=kernel, timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb.cells


def _errors(cell) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


@pytest.fixture
def exam(tmp_path: Path) -> tuple[Path, Path]:
    folder = shutil.copytree(REPO / "release" / "certification", tmp_path / "exam",
                             ignore=shutil.ignore_patterns(KEY_FILE))
    ensure_secret(Course(tmp_path))
    write_key(Course(tmp_path), folder, "certification")
    kernels = tmp_path / "share" / "kernels"
    write_kernelspec(kernels)
    return folder, kernels


def _setup_and_check(folder: Path) -> list[str]:
    nb = nbformat.read(folder / "certification.ipynb", as_version=4)
    setup = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    return [setup,
            'pregnant_patient_decision = "decline"\npregnant_patient_reasons = "pregnancy"\ncheck("pregnant_patient")']


def test_in_exam_mode_the_engines_and_knowledge_base_cannot_be_imported_and_check_works(
        exam: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, kernels = exam
    cells = _run(folder, KERNEL_NAME, [*PROBES, *_setup_and_check(folder), "import course, sys\n"
                 "print(sorted(m for m in sys.modules if m.startswith('course')))"], monkeypatch, kernels)
    for probe, cell in zip(PROBES, cells):
        errors = _errors(cell)
        assert errors and errors[0].startswith(("ModuleNotFoundError", "ImportError")), (probe, errors)
        assert "not available in exam mode" in errors[0] or "cannot import name 'catalog'" in errors[0], errors
    setup, checked, modules = cells[len(PROBES):]
    assert not _errors(setup) and not _errors(checked), (_errors(setup), _errors(checked))
    variant = course_variant(Course(folder.parent), "certification", "ann",
                             recorded_count(REPO / "source" / "certification" / "certification.ipynb"))
    assert f"Trainee ann: you have variant {variant + 1} of " in _text(setup)  # show() works in exam mode
    report = _text(checked)
    assert "Item 01 (4 points): visible test does not pass yet." in report
    assert "ok  pregnant_patient_decision: the format is right" in report
    assert "FIX pregnant_patient_reasons: must be a list" in report
    assert exam_warning() not in report  # in exam mode: no warning
    loaded = eval(_text(modules))
    assert not [m for m in loaded if m.startswith(("course.screening", "course.knowledge", "course.depth",
                                                     "course.assignments.catalog", "course.widgets"))], loaded


def test_outside_exam_mode_check_warns_in_an_exam(exam: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, kernels = exam
    cells = _run(folder, "python3", _setup_and_check(folder), monkeypatch, kernels)
    assert exam_warning() in _text(cells[1])
    assert "ok  pregnant_patient_decision: the format is right" in _text(cells[1])


def test_only_the_certification_is_an_exam_and_the_formats_hold_no_expected_answer() -> None:
    exams = {path.stem for path in FORMATS.glob("*.json") if '"exam": true' in path.read_text(encoding="utf-8")}
    assert exams == {"certification"}
    for path in FORMATS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert '"expected":' not in text and '"accepted":' not in text and '"first":' not in text


def test_exam_notebooks_name_the_exam_kernel_which_this_environment_offers() -> None:
    """So that nbgrader autograde and mesocourse grade run them in it (make setup installs it)."""
    from jupyter_client.kernelspec import KernelSpecManager

    from course.assignments.catalog import ASSIGNMENTS, load_assignment
    from course.exam_kernel import notebook_kernelspec

    for name in ASSIGNMENTS:
        for folder in ("source", "release"):
            named = nbformat.read(REPO / folder / name / f"{name}.ipynb", as_version=4).metadata.kernelspec
            assert (named == notebook_kernelspec()) is load_assignment(name).exam, (folder, name, named)
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert json.loads(Path(spec.resource_dir, "kernel.json").read_text()) == kernelspec()  # as the package has it
    assert spec.argv[:3] == ["python", "-m", kernel_module()]  # this environment's Python


def test_the_kernelspec_is_written_once_and_the_wheel_installs_it_under_its_name() -> None:
    """pyproject.toml's data-files (static, for a regular pip install) name the package's one kernel.json."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = project["tool"]["setuptools"]["data-files"]
    kernelspec = str((KERNELSPEC_FOLDER / "kernel.json").relative_to(REPO))
    assert data_files == {f"share/jupyter/kernels/{KERNEL_NAME}": [kernelspec]}
