"""Start a trainee's kernel with limits: ``python -I kernel_launcher.py [limits] -- KERNEL ARGV``.

The grading worker puts this script in front of the kernel's command line. It runs
in the new process before the kernel exists, sets the limits, and then replaces
itself with the kernel (``os.execvp``), so the limits bind the kernel and every
process trainee code starts:

- ``--memory-mb``: RLIMIT_DATA, the kernel's private writable memory (Linux counts
  heap and anonymous mappings, not the address space a bare kernel reserves), so a
  memory hog gets ``MemoryError`` instead of starving the machine;
- ``--cpu-seconds``: RLIMIT_CPU, a backstop that stops a loop that ignores interrupts;
- ``--file-mb``: RLIMIT_FSIZE, the largest file trainee code may write;
- ``--read``/``--write``: with ``--landlock``, the only folders (or files) the kernel may
  read (and execute from) or also write, enforced by the Linux Landlock LSM; the
  course folder and the other submissions are left out, so trainee code cannot
  reach the gradebook or the instructor's notebooks even by absolute path;
- ``--list``: folders whose entries (names) may be listed, but whose files may not be
  read unless a ``--read`` allows them: the exam kernel lists the course package to
  import the few modules it may (:func:`course.grading.sandbox.exam_sandbox`).

The kernel also dies with the worker that started it (``PR_SET_PDEATHSIG``), so a
killed grading run leaves no kernel behind, and it starts with no Linux
capability: graded as root, trainee code can neither raise its limits again nor
bypass file permissions. Standard library only, run with
``python -I``: it must start fast and import nothing from the course.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446

# Landlock filesystem rights (linux/landlock.h).
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM, REFER, TRUNCATE = 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE
READ_RIGHTS = EXECUTE | READ_FILE | READ_DIR
WRITE_RIGHTS = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO
                | MAKE_SYM | REFER | TRUNCATE)
# Devices trainee code may write to: never block devices or the rest of /dev.
WRITABLE_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/urandom", "/dev/random")

_libc = ctypes.CDLL(None, use_errno=True)


class CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapabilityData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class LandlockRulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class LandlockPathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version this Linux kernel offers, 0 when it has none."""
    if not sys.platform.startswith("linux"):
        return 0
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _check(result: int, what: str) -> int:
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")
    return result


def restrict_filesystem(read: list[str], write: list[str], listed: tuple[str, ...] | list[str] = ()) -> None:
    """Allow this process and its children to read only under ``read`` and to
    write only under ``write`` (and to list the folders under ``listed``);
    everything else on the filesystem is denied."""
    abi = landlock_abi()
    if abi < 1:
        raise OSError("landlock: this Linux kernel does not offer Landlock")
    handled = READ_RIGHTS | WRITE_RIGHTS | MAKE_CHAR | MAKE_BLOCK
    if abi < 2:
        handled &= ~REFER
    if abi < 3:
        handled &= ~TRUNCATE
    attr = LandlockRulesetAttr(handled)
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr),
                                   ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0)),
                     "landlock: create ruleset")
    rules = [(path, READ_RIGHTS) for path in read]
    rules += [(path, READ_RIGHTS | WRITE_RIGHTS) for path in write]
    rules += [(path, READ_DIR) for path in listed]
    rules += [(path, READ_FILE | WRITE_FILE) for path in WRITABLE_DEVICES]
    for path, rights in rules:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # a folder this machine does not have
        if not os.path.isdir(path):
            rights &= FILE_RIGHTS
        if not rights & handled:
            os.close(fd)
            continue  # a listing right on a file: nothing to allow
        beneath = LandlockPathBeneathAttr(rights & handled, fd)
        _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset),
                             ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(beneath),
                             ctypes.c_uint32(0)), f"landlock: allow {path}")
        os.close(fd)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "landlock: no_new_privs")
    _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
           "landlock: restrict self")
    os.close(ruleset)


def die_with_parent() -> None:
    """Ask Linux to kill this process when the process that started it ends."""
    if sys.platform.startswith("linux"):
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def keep_memory_private(private: bool = True) -> None:
    """Forbid other processes of the same user (trainee code) to read this process's memory
    and environment (``private=False``: allow it again, as a new program would)."""
    if sys.platform.startswith("linux"):
        _libc.prctl(PR_SET_DUMPABLE, 0 if private else 1, 0, 0, 0)


def drop_capabilities() -> None:
    """Give up every Linux capability for good, so that even as root this process and
    what it runs cannot raise a hard limit or bypass file permissions (a non-root
    process has none to drop): empty the bounding set, which a program executed
    later gets its capabilities from, and this process's own sets."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return
    for capability in range(64):
        _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # fails harmlessly past the last one
    header = CapabilityHeader(LINUX_CAPABILITY_VERSION_3, 0)
    _check(_libc.capset(ctypes.byref(header), (CapabilityData * 2)()), "drop capabilities")


def set_limit(kind: int, value: int) -> None:
    """Set both the soft and the hard limit, so trainee code cannot raise it again."""
    hard = resource.getrlimit(kind)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The limits and the kernel command line (``args.kernel``) from this script's arguments."""
    parser = argparse.ArgumentParser(prog="kernel_launcher")
    parser.add_argument("--memory-mb", type=int)
    parser.add_argument("--cpu-seconds", type=int)
    parser.add_argument("--file-mb", type=int)
    parser.add_argument("--landlock", action="store_true")
    parser.add_argument("--read", action="append", default=[])
    parser.add_argument("--write", action="append", default=[])
    parser.add_argument("--list", action="append", default=[])
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    args.kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel
    if not args.kernel:
        parser.error("no kernel command after --")
    return args


def apply_limits(args: argparse.Namespace) -> None:
    """Bind this process, and whatever it starts, by the limits in ``args``."""
    die_with_parent()
    set_limit(resource.RLIMIT_CORE, 0)
    if args.memory_mb:
        set_limit(resource.RLIMIT_DATA, args.memory_mb * 1024 * 1024)
    if args.cpu_seconds:
        set_limit(resource.RLIMIT_CPU, args.cpu_seconds)
    if args.file_mb:
        set_limit(resource.RLIMIT_FSIZE, args.file_mb * 1024 * 1024)
    if args.landlock:
        restrict_filesystem(args.read, args.write, args.list)
    drop_capabilities()


def main(argv: list[str]) -> None:
    args = parse_arguments(argv)
    apply_limits(args)
    os.execvp(args.kernel[0], args.kernel)


if __name__ == "__main__":
    main(sys.argv[1:])
