"""Kernels forked from a grading worker's zygote: as bounded and as clean as kernels started anew."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from prerequisites import require, root_missing

from course.coursedir import Course
from course.grading import GradingLimits
from course.grading.execution import LimitedKernelManager, execution_session
from course.grading.kernel_launcher import landlock_abi
from course.grading.kernel_zygote import Zygote, forkable
from course.grading.sandbox import kernel_sandbox


@pytest.fixture
def zygote() -> Iterator[Zygote]:
    zygote = Zygote()
    yield zygote
    zygote.close()


SMALL = GradingLimits(memory_mb=300)


def _run(code: str, scratch: Path, zygote: Zygote | None, limits: GradingLimits = SMALL,
         sandbox_root: Path | None = None) -> tuple[str, NotebookClient]:
    """Run one cell in a kernel of a grading session; its printed text and the client."""
    folder = scratch / "notebook"
    folder.mkdir(parents=True, exist_ok=True)
    sandbox = kernel_sandbox(Course(sandbox_root), scratch, "require")[0] if sandbox_root else None
    nb = new_notebook(cells=[new_code_cell(code)])
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=LimitedKernelManager,
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(folder)}})
    with execution_session(limits, scratch, sandbox, zygote):
        client.execute()
    return "".join(output.get("text", "") for output in nb.cells[0].outputs), client


def test_a_kernel_is_forked_in_its_notebook_folder_with_the_session_environment(zygote: Zygote, tmp_path: Path):
    text, _ = _run("import os, sys, tempfile\n"
                   "print(os.getppid(), os.getcwd(), tempfile.gettempdir(), os.environ['OMP_NUM_THREADS'], sep='\\n')\n"
                   "print(sys.path.count(os.getcwd()) + sys.path.count(''))", tmp_path, zygote)
    parent, cwd, temporary, threads, on_path = text.split()
    assert int(parent) == zygote.process.pid
    assert cwd == str(tmp_path / "notebook")
    assert temporary == str(tmp_path / "tmp")  # not the zygote's temporary folder
    assert threads == "1"
    assert on_path == "1"  # the notebook's folder is importable, once, as in any kernel


def test_each_kernel_starts_clean(zygote: Zygote, tmp_path: Path):
    first, _ = _run("import random, sys\nsys.leftover = 1\nprint(random.random())", tmp_path / "a", zygote)
    second, _ = _run("import random, sys\nprint(random.random(), hasattr(sys, 'leftover'))", tmp_path / "b", zygote)
    assert second.split()[1] == "False"
    assert first.split()[0] != second.split()[0]  # no random state shared through the zygote


def test_a_forked_kernel_meets_the_memory_limit(zygote: Zygote, tmp_path: Path):
    text, _ = _run("try:\n    bytearray(1024 ** 3)\nexcept MemoryError:\n    print('MemoryError')", tmp_path, zygote)
    assert text.strip() == "MemoryError"


def test_a_forked_kernel_started_as_root_cannot_lift_its_limits_or_read_any_file(zygote: Zygote, tmp_path: Path):
    require(root_missing())  # only root has capabilities to lose
    private = tmp_path / "private.txt"
    private.write_text("secret")
    private.chmod(0o000)
    text, _ = _run(f"""
import resource
try:
    resource.setrlimit(resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("lifted")
except (ValueError, OSError):
    print("kept")
try:
    open({str(private)!r}).read()
    print("read")
except PermissionError:
    print("denied")
print(open("/proc/self/status").read().split("CapEff:")[1].split()[0])
""", tmp_path, zygote)
    assert text.split() == ["kept", "denied", "0000000000000000"]


@pytest.mark.skipif(landlock_abi() < 1, reason="this Linux kernel has no Landlock")
def test_a_forked_kernel_is_confined_by_landlock(zygote: Zygote, tmp_path: Path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "gradebook.db").write_text("grades")
    scratch = tmp_path / "scratch"
    text, _ = _run(f"""
open("mine.txt", "w").write("ok")
for attempt in (lambda: open({str(course / 'gradebook.db')!r}).read(), lambda: open({str(tmp_path / 'x')!r}, "w")):
    try:
        attempt()
        print("reached")
    except PermissionError:
        print("denied")
""", scratch, zygote, sandbox_root=course)
    assert text.split() == ["denied", "denied"]
    assert (scratch / "notebook" / "mine.txt").read_text() == "ok"


def test_the_end_of_a_forked_kernel_is_reported_as_for_a_process(zygote: Zygote, tmp_path: Path):
    kernel = zygote.start([sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "kernel.json")],
                          dict(os.environ), str(tmp_path), [])
    assert kernel is not None and kernel.poll() is None
    kernel.kill()
    assert kernel.wait(timeout=10) == -signal.SIGKILL  # what SandboxedExecute explains as "killed"
    with pytest.raises(DeadKernelError):  # and through nbclient
        _run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", tmp_path, zygote)


def test_without_a_zygote_or_with_a_dead_one_kernels_start_the_usual_way(zygote: Zygote, tmp_path: Path):
    zygote.process.kill()
    zygote.process.wait()
    text, _ = _run("import os\nprint(os.getppid())", tmp_path / "a", zygote)
    assert int(text) == os.getpid() and not zygote.alive  # kernel_launcher.py exec'd the kernel: our child
    text, _ = _run("import os\nprint(os.getppid())", tmp_path / "b", None)
    assert int(text) == os.getpid()


def test_only_this_pythons_standard_kernel_is_forked():
    assert forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"])
    assert not forkable(["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "kernel.json"])
    assert not forkable([sys.executable, "-m", "other_kernel", "-f", "kernel.json"])
    assert not forkable(["R", "--slave", "-e", "IRkernel::main()"])


def test_kernels_keep_their_history_in_memory_not_in_a_database(zygote: Zygote, tmp_path: Path):
    text, _ = _run("ip = get_ipython()\nprint(ip.history_manager.enabled, ip.history_manager.hist_file, len(In), "
                   "In[-1].startswith('ip = get_ipython()'))", tmp_path, zygote)
    assert text.split() == ["False", ":memory:", "2", "True"]


def test_the_exam_kernel_is_forked_too_and_refuses_what_the_zygote_had_imported(zygote: Zygote, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    """Exam notebooks name the exam kernel: forked like the standard one, behind its import guard."""
    from course.exam_kernel import KERNEL_NAME, write_kernelspec

    write_kernelspec(tmp_path / "share" / "kernels")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    nb = new_notebook(cells=[new_code_cell(
        "import importlib, os\n"
        "for name in ('course.grading.kernel_launcher', 'course.screening', 'yaml'):\n"
        "    try:\n        importlib.import_module(name)\n        print(name, 'imported')\n"
        "    except ImportError as error:\n        print(name, 'refused' if 'exam mode' in str(error) else error)\n"
        "try:\n    from course import grading\n    print('from course import grading: imported')\n"
        "except ImportError:\n    print('from course import grading: refused')\n"
        "import course.assignments.grader\nprint(os.getppid(), os.environ['MESOCOURSE_EXAM'])")])
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, kernel_manager_class=LimitedKernelManager,
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(tmp_path)}})
    with execution_session(SMALL, tmp_path, None, zygote):
        client.execute()
    lines = "".join(output.get("text", "") for output in nb.cells[0].outputs).splitlines()
    assert lines[:4] == ["course.grading.kernel_launcher refused", "course.screening refused", "yaml refused",
                         "from course import grading: refused"], lines
    assert lines[4] == f"{zygote.process.pid} 1"  # forked by the zygote, in exam mode
    assert forkable([sys.executable, "-m", "course.exam_kernel", "-f", "kernel.json"])
