"""Which folders a trainee's kernel may read and write under the Landlock sandbox.

Reading is allowed where a kernel needs it to run: the system folders, the Python
installation (prefixes, site-packages, ``PYTHONPATH``, every folder on the import
path), Jupyter's own folders and this package (assignments may import ``course``). Writing is allowed in the
submission's scratch folder (the kernel's working folder) and matplotlib's and
fontconfig's caches (a missing cache makes matplotlib warn on stderr, which
nbgrader scores as a failure). Nothing else: not the course folder, not the
other submissions being graded, not the user's home.

A folder that holds the course (say the course sits inside the Python
installation) cannot be allowed without exposing the gradebook; then the sandbox
is not used and :func:`kernel_sandbox` says why.

The exam kernel of a trainee sitting an exam on the hub (:func:`exam_sandbox`) runs in
the same sandbox with two differences: it writes the exam's folder (not a scratch
folder), and it cannot read this package, the knowledge base and engine sources
included, but the few files the exam kernel imports (:func:`course.exam_kernel.package_files`);
nor the trainee's home outside the exam's folder.
"""

from __future__ import annotations

import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path

from course.coursedir import Course

from . import kernel_launcher
from .kernel_launcher import landlock_abi
from .limits import GradingLimits

SYSTEM_FOLDERS = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/opt", "/proc", "/sys", "/dev",
                  "/run", "/var/lib", "/var/cache/fontconfig", "/snap", "/nix/store")


@dataclass(frozen=True)
class KernelSandbox:
    read: tuple[str, ...]
    write: tuple[str, ...]  # besides the submission's scratch folder
    listed: tuple[str, ...] = ()  # folders whose entries may be listed, not read (the exam kernel's package)

    def launcher_options(self) -> list[str]:
        """``kernel_launcher.py``'s options that put a kernel in this sandbox."""
        return ["--landlock", *[arg for folder in self.read for arg in ("--read", folder)],
                *[arg for folder in self.write for arg in ("--write", folder)],
                *[arg for folder in self.listed for arg in ("--list", folder)]]


def kernel_options(limits: GradingLimits, sandbox: KernelSandbox | None, kernel: list[str], connection_file: str,
                   cpu_seconds: int | None = None) -> list[str]:
    """``kernel_launcher.py``'s options for ``kernel``: the memory and file size of ``limits`` (and a CPU
    limit when given), and ``sandbox``, which then also reads the kernel's Python installation and its
    connection file. Grading's kernels and the exam kernel are launched with these."""
    options = ["--memory-mb", str(limits.memory_mb)]
    options += ["--cpu-seconds", str(cpu_seconds)] if cpu_seconds else []
    options += ["--file-mb", str(max(1, limits.max_file_bytes // 1_000_000))]
    if sandbox:
        kernel_prefix = Path(os.path.realpath(kernel[0])).parents[1]
        options += [*sandbox.launcher_options(), "--read", str(kernel_prefix), "--read", connection_file]
    return options


def launcher_command(kernel: list[str], options: list[str]) -> list[str]:
    """``kernel`` started by ``kernel_launcher.py`` with ``options`` (:func:`kernel_options`)."""
    return [sys.executable, "-I", kernel_launcher.__file__, *options, "--", *kernel]


def _python_folders() -> list[Path]:
    folders = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
               os.path.dirname(os.path.realpath(sys.executable)), *site.getsitepackages(),
               site.getusersitepackages(), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    return [Path(os.path.realpath(folder)) for folder in folders if folder and os.path.isdir(folder)]


def _import_path() -> list[Path]:
    """The folders on the import path, those added by ``.pth`` files included (a kernel imports
    what this process imports), but not the first: the working folder or the script's, which
    may be a checkout holding instructor notebooks. One that holds the course is left out below."""
    return [Path(os.path.realpath(folder)) for folder in sys.path[1:] if folder and os.path.isdir(folder)]


def _jupyter_folders() -> list[Path]:
    from jupyter_core.paths import jupyter_config_path, jupyter_path, jupyter_runtime_dir

    return [Path(folder) for folder in [*jupyter_path(), *jupyter_config_path(), jupyter_runtime_dir()]]


def _cache_folders() -> list[Path]:
    home = Path.home()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    matplotlib = os.environ.get("MPLCONFIGDIR")
    folders = [Path(matplotlib)] if matplotlib else [cache / "matplotlib", config / "matplotlib"]
    return [*folders, cache / "fontconfig"]


def _holds(folder: Path, protected: list[Path]) -> bool:
    return any(path == folder or path.is_relative_to(folder) for path in protected)


def _apart(folder: Path, others: list[Path]) -> bool:
    """Whether ``folder`` neither holds nor lies inside any of ``others``."""
    return not _holds(folder, others) and not any(folder.is_relative_to(other) for other in others)


def kernel_sandbox(course: Course, scratch_root: Path, setting: str) -> tuple[KernelSandbox | None, str]:
    """The sandbox for kernels of this run, or None and the reason it is off."""
    if setting == "off":
        return None, "off by request"
    if landlock_abi() < 1:
        return None, "this system does not offer Linux Landlock"
    protected = [course.root.resolve(), scratch_root.resolve()]
    package = Path(__file__).resolve().parents[1]
    needed = [*_python_folders(), package]
    if blocked := [str(folder) for folder in needed if _holds(folder, protected)]:
        return None, f"the course or scratch folder lies inside {blocked[0]}, which kernels must read"
    others = [Path(folder) for folder in SYSTEM_FOLDERS] + _jupyter_folders() + _import_path()
    read = {str(folder) for folder in [*needed, *others] if folder.exists() and not _holds(folder, protected)}
    return KernelSandbox(tuple(sorted(read)), tuple(_writable_caches(protected))), "Landlock"


def _writable_caches(protected: list[Path]) -> list[str]:
    """The caches kernels write (made if missing), and ``/dev/shm``."""
    writable = _cache_folders()
    for folder in writable:
        folder.mkdir(parents=True, exist_ok=True)
    return [str(folder) for folder in writable if not _holds(folder, protected)] + ["/dev/shm"]


def _around(folder: Path, hidden: Path) -> list[Path]:
    """Every entry of ``folder``, and of its subfolders on the way down to ``hidden``, but that way:
    all a kernel may read of a folder that holds ``hidden``. Entries are taken by their real path
    (Landlock follows links): a link to a folder on the way (a venv's ``lib64``) is that way too."""
    entries: list[Path] = []
    for entry in map(Path.resolve, folder.iterdir()):
        if entry.is_relative_to(hidden) or folder.is_relative_to(entry):
            continue
        entries += _around(entry, hidden) if hidden.is_relative_to(entry) else [entry]
    return entries


def exam_sandbox(exam_folder: Path, package_files: list[Path], scratch: Path) -> tuple[KernelSandbox | None, str]:
    """The sandbox of an exam kernel, or None and the reason it is off.

    It reads what a grading kernel reads, but not this package: a Python folder that holds
    it (site-packages) is listed, and its other entries read; the package itself is listed
    (so ``import course.assignments.check`` finds its files) and only ``package_files`` are
    read. Of the trainee's home it reads and writes only the exam's folder and ``scratch``,
    a fresh folder for the kernel's caches, IPython folder and temporary files: not her
    Jupyter or cache folders, where she could have put anything before the exam."""
    if landlock_abi() < 1:
        return None, "this system does not offer Linux Landlock"
    package = Path(__file__).resolve().parents[1]
    home = Path.home().resolve()
    if blocked := [str(folder) for folder in _python_folders() if _holds(folder, [home])]:
        return None, f"the trainee's home lies inside {blocked[0]}, which kernels must read"
    read: set[Path] = set(package_files)
    listed = {package}
    for folder in _python_folders():
        if _holds(folder, [package]):
            listed.add(folder)
            read.update(_around(folder, package))
        elif _apart(folder, [package, home]):
            read.add(folder)
    others = [Path(folder).resolve() for folder in SYSTEM_FOLDERS]
    others += [folder.resolve() for folder in [*_jupyter_folders(), *_import_path()]]
    read.update(folder for folder in others if folder.exists() and _apart(folder, [package, home]))
    write = [str(exam_folder.resolve()), str(scratch.resolve()), "/dev/shm"]
    return KernelSandbox(tuple(sorted(map(str, read))), tuple(write), tuple(sorted(map(str, listed)))), "Landlock"
