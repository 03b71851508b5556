"""A trainee's submission, read safely before nbgrader sees it.

The original submission folder is only ever read. :func:`stage_submission` makes
the copy that gets graded and writes down, in plain words, everything wrong
with the submission that grading works around:

- unreadable or oversized files, symbolic links (never followed: one could point
  at the gradebook) and notebooks that are missing or are not notebooks, whose
  cells then score 0, as nbgrader scores a missing notebook;
- grading metadata that is damaged or names a cell the assignment does not have
  (a forged grade or read-only cell): nbgrader fails the notebook on it, so the
  cell becomes an ordinary one;
- duplicated cells: nbgrader aborts a whole batch on a repeated ``grade_id``;
  here the last copy is graded (as nbgrader's ``DeduplicateIds`` intends) and the
  earlier copies become ordinary cells;
- deleted cells: graded cells and read-only cells the trainee deleted are put
  back where they stood, so nbgrader restores their content from the gradebook
  instead of leaving the submission "needs manual grading"; a deleted graded cell
  then scores 0 (:attr:`Intake.deleted_grades`). Damaged grading metadata counts
  as a deleted cell.

Notebooks with nothing to repair are copied byte for byte, so a sound submission
is graded exactly as ``nbgrader autograde`` grades it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .snapshot import AssignmentSnapshot, CellSpec, NotebookSpec

RESTORED = "This cell was deleted from the submission; it was put back for grading."


@dataclass
class Intake:
    """What staging found: notes for the instructor and cells to score 0."""

    notes: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)  # notebook names staged for grading
    deleted_grades: dict[str, list[str]] = field(default_factory=dict)  # notebook -> graded cells to score 0


def fingerprint_submission(folder: Path) -> str:
    """A hash of every file name and content under ``folder`` (links by target, never followed)."""
    digest = hashlib.sha256()
    for directory, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(directory, d))]):
            path = os.path.join(directory, name)
            digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                digest.update(b"link:" + os.readlink(path).encode("utf-8", "surrogateescape"))
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
            digest.update(b"\0")
    return digest.hexdigest()


def _unreadable_reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if error.__class__.__name__ == "NotJSONError" or isinstance(error, ValueError) and "JSON" in str(error):
        return "not valid JSON"
    return f"{error.__class__.__name__}: {str(error)[:120]}"


def _grade_id(cell: NotebookNode) -> str | None:
    grading = cell.get("metadata", {}).get("nbgrader")
    return grading.get("grade_id") if isinstance(grading, dict) else None


def _drop_damaged_metadata(nb: NotebookNode, spec: NotebookSpec, notes: list[str]) -> bool:
    """Grading metadata nbgrader cannot read, or naming no cell of the assignment (a forged cell),
    makes the cell an ordinary one: nbgrader would fail the notebook on it."""
    known = {cell.name for cell in spec.cells}
    changed = False
    for index, cell in enumerate(nb.cells, start=1):
        grading = cell.get("metadata", {}).get("nbgrader")
        if grading is None:
            continue
        if not isinstance(grading, dict) or not isinstance(grading.get("grade_id"), str):
            notes.append(f"cell {index} of {spec.filename} had damaged grading metadata; treated as an ordinary cell")
        elif grading["grade_id"] not in known:
            notes.append(f"cell {index} of {spec.filename} claims to be cell '{grading['grade_id']}', which the "
                         "assignment does not have; treated as an ordinary cell")
        else:
            continue
        del cell.metadata["nbgrader"]
        changed = True
    return changed


def _drop_duplicates(nb: NotebookNode, name: str, notes: list[str]) -> bool:
    """Keep the last copy of each graded or read-only cell; earlier copies become ordinary cells."""
    seen: dict[str, list[NotebookNode]] = {}
    for cell in nb.cells:
        if (grade_id := _grade_id(cell)) is not None:
            seen.setdefault(grade_id, []).append(cell)
    duplicated = {grade_id: copies for grade_id, copies in seen.items() if len(copies) > 1}
    for grade_id, copies in duplicated.items():
        for cell in copies[:-1]:
            del cell.metadata["nbgrader"]
        notes.append(f"cell '{grade_id}' appears {len(copies)} times in {name}; the last copy was graded")
    return bool(duplicated)


def _placeholder(spec: CellSpec, nb: NotebookNode) -> NotebookNode:
    """A stand-in for a deleted cell: nbgrader restores a read-only cell's content from the gradebook."""
    if spec.cell_type == "code":
        cell = nbformat.v4.new_code_cell(f"# {RESTORED}")
    else:
        cell = nbformat.v4.new_markdown_cell(f"*{RESTORED}*")
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)
    cell.metadata["nbgrader"] = {"grade": spec.grade, "grade_id": spec.name, "locked": spec.locked,
                                 "solution": spec.solution, "task": False, "schema_version": 3}
    if spec.grade:
        cell.metadata["nbgrader"]["points"] = spec.points
    return cell


def _restore_deleted(nb: NotebookNode, spec: NotebookSpec, intake: Intake) -> bool:
    """Put deleted graded and read-only cells back after the nearest cell before them that is still there."""
    present = [_grade_id(cell) for cell in nb.cells]
    changed = False
    for order, cell_spec in enumerate(spec.cells):
        if cell_spec.name in present or cell_spec.task:
            continue  # nbgrader itself appends deleted task cells
        if not (cell_spec.grade or cell_spec.locked):
            intake.notes.append(f"answer cell '{cell_spec.name}' was deleted from {spec.filename}")
            continue
        earlier = [c.name for c in spec.cells[:order] if c.name in present]
        position = present.index(earlier[-1]) + 1 if earlier else 0
        nb.cells.insert(position, _placeholder(cell_spec, nb))
        present.insert(position, cell_spec.name)
        changed = True
        if cell_spec.grade:
            kind = "test cell" if cell_spec.is_test else "graded answer cell"
            intake.deleted_grades.setdefault(spec.name, []).append(cell_spec.name)
            intake.notes.append(f"{kind} '{cell_spec.name}' was deleted from {spec.filename}; it scores 0")
        else:
            intake.notes.append(f"read-only cell '{cell_spec.name}' was deleted from {spec.filename}; it was put back")
    return changed


def _stage_notebook(original: Path, staged: Path, spec: NotebookSpec, intake: Intake) -> None:
    try:
        nb = nbformat.read(original, as_version=4)
    except Exception as error:  # any way a file can fail to be a notebook
        intake.notes.append(f"{spec.filename} is not a readable notebook ({_unreadable_reason(error)}); "
                            "its cells score 0")
        return
    changed = _drop_damaged_metadata(nb, spec, intake.notes)
    changed |= _drop_duplicates(nb, spec.filename, intake.notes)
    changed |= _restore_deleted(nb, spec, intake)
    if changed:
        nbformat.write(nb, staged)
    else:
        shutil.copyfile(original, staged)
    intake.notebooks.append(spec.name)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.0f} kB"


def _copyable(path: Path, relative: str, max_file_bytes: int, notes: list[str]) -> bool:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        notes.append(f"ignored the symbolic link {relative}")
        return False
    if not stat.S_ISREG(info.st_mode):
        notes.append(f"ignored {relative}: not a regular file")
        return False
    if info.st_size > max_file_bytes:
        notes.append(f"ignored {relative}: {_size(info.st_size)} is over the {_size(max_file_bytes)} limit per file")
        return False
    return True


def stage_submission(original: Path, staged: Path, snapshot: AssignmentSnapshot, max_file_bytes: int) -> Intake:
    """Copy the submission in ``original`` to ``staged`` (created), repaired for grading."""
    expected = {spec.filename: spec for spec in snapshot.notebooks}
    intake = Intake()
    staged.mkdir(parents=True, exist_ok=True)
    for directory, dirnames, filenames in os.walk(original):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(directory, d))]):
            path = Path(directory, name)
            relative = path.relative_to(original).as_posix()
            if not _copyable(path, relative, max_file_bytes, intake.notes):
                continue
            target = staged / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative in expected:
                _stage_notebook(path, target, expected[relative], intake)
            else:
                shutil.copyfile(path, target)
    others = sorted(p.name for p in staged.glob("*.ipynb") if p.name not in expected)
    for filename in sorted(set(expected) - {path.relative_to(original).as_posix() for path in original.glob("*")}):
        found = f" (found instead: {', '.join(others)})" if others else ""
        intake.notes.append(f"{filename} is missing{found}; its cells score 0")
    return intake
