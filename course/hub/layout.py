"""Making the hub folder: permissions, the grader account, the course, the exchange, per-role config.

Run by ``mesocourse hub`` before JupyterHub starts, every time (each step is
idempotent), as root. What each role's Jupyter server loads:

* every role: nbgrader's file-system exchange in ``STATE/exchange`` with
  ``path_includes_course``; trainees and instructors also nbgrader's
  ``JupyterHubAuthPlugin`` (courses come from the hub groups ``nbgrader-COURSE``
  and ``formgrade-COURSE``);
* trainees: the Assignments tab and validation only (no formgrader, no course
  list, no create-assignment toolbar), and none of the Jupyter extensions the role does
  not use (:data:`UNUSED_BY_TRAINEES`); a notebook in an exam assignment's folder runs in
  the exam kernel only (:mod:`course.hub.exam_kernels`);
* instructors: the Assignments tab (their own server); they grade in the grader's;
* the grader (a hub user without a password, whose server instructors open and
  start): formgrader and create-assignment, the course folder as its root;
* ``exam``, a trainee sitting an exam (:mod:`course.hub.exams`): as a trainee, but no
  terminals and no kernel but the exam kernel (any other refused with 403); the spawner
  makes the exam's folder the server's root, and nbgrader's Assignments tab still finds
  the exam in the trainee's home (``Exchange.assignment_dir``) to hand it in. The exam
  kernel runs in the grading's Landlock sandbox, the contents API keeps to the exam's
  folder by real path and takes no upload, and every refusal is logged
  (:mod:`course.hub.exam_guard`); the exam clock's end time (:mod:`course.hub.exam_clock`).

Every role's JupyterLab loads the course's own extension (:data:`LAB_EXTENSIONS`, built
from ``course/hub/lab``): for trainees, "(view feedback)" opens the course service's
rendered feedback page; in the exam profile, the exam clock. The page config tells each
plugin where its server-side half is, so a plugin without one does nothing.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
from pathlib import Path

from course.errors import HubError
from course.paths import NBGRADER_CONFIG

from .accounts import as_account, create_os_account
from .authenticator import STAFF_PAGES
from .exam_clock import ROUTE as EXAM_CLOCK_ROUTE
from .state import HubState, write_atomically

# nbgrader's JupyterLab plugins and server extensions, per role: True = enabled
LAB_PLUGINS = ("formgrader", "create-assignment", "course-list", "assignment-list", "validate-assignment")
ENABLED = {
    "trainee": {"assignment-list", "validate-assignment"},
    "instructor": {"assignment-list", "validate-assignment"},
    "grader": {"formgrader", "create-assignment", "validate-assignment"},
    # no Validate in an exam: nbgrader's validator runs the notebook in a kernel of its own, the one its
    # metadata names, which the exam profile's kernel manager and sandbox never see (course.hub.exam_guard)
    "exam": {"assignment-list"},
}
SERVER_EXTENSION = {"formgrader": "formgrader", "course-list": "course_list",
                    "assignment-list": "assignment_list", "validate-assignment": "validate_assignment"}
# The Assignments tab's server extensions, which course.hub.assignments_tab loads when the tab first asks
ON_DEMAND = {"assignment-list", "validate-assignment"}
# What a trainee's server leaves out (a lean server: docs/benchmarks.md): server extensions the role
# does not use, each with its JupyterLab extension, if any, which would call it: the language-server
# bridge, Notebook 7's own pages ("Open in Notebook"), the notebook_shim they need, Voila's preview.
UNUSED_BY_TRAINEES = {"jupyter_lsp": None, "notebook": "@jupyter-notebook/lab-extension", "notebook_shim": None,
                      "voila.server_extension": "@voila-dashboards/jupyterlab-preview"}
# The course's prebuilt JupyterLab extension (committed; `make labextension` rebuilds it from course/hub/lab)
LAB_EXTENSIONS = Path(__file__).with_name("labextension")


def make_folders(state: HubState) -> None:
    """The folder tree with its modes (see :mod:`course.hub.state`)."""
    for folder, mode in ((state.root, 0o755), (state.private, 0o700), (state.homes, 0o755),
                         (state.share, 0o755), (state.exchange, 0o1777)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
    from course.exam_kernel import write_kernelspec

    write_kernelspec(state.share / "kernels")  # the exam kernel, for every server (JUPYTER_PATH)
    token = state.token_file("admin")
    if not token.is_file():
        write_atomically(token, secrets.token_hex(32) + "\n", 0o600)


def make_grader_account(state: HubState) -> None:
    account = state.settings().grader_account
    try:
        pwd.getpwnam(account)
    except KeyError:
        create_os_account(state, account, "mesocourse grader (formgrader, course folder)")


RELATIVE_ROOT = 'c.CourseDirectory.root = "."'


def write_course_config(course: Path, text: str) -> None:
    """The course's ``nbgrader_config.py`` (``text``) with the course folder as an absolute root.

    nbgrader standardizes a relative root with a warning ("root '.' is not absolute")
    on every command; the course folder never moves, so its config names it outright.
    """
    if RELATIVE_ROOT not in text:
        raise RuntimeError(f"{NBGRADER_CONFIG}: no line {RELATIVE_ROOT!r} to make absolute")
    (course / "nbgrader_config.py").write_text(text.replace(RELATIVE_ROOT, f"c.CourseDirectory.root = {str(course)!r}"))


def make_course(state: HubState, python_bin: Path) -> bool:
    """The course folder, as the grader account: the course's nbgrader config, then ``source/``
    built from the case data, ``release/`` and the gradebook (``mesocourse release``).
    False when the course folder already existed (a relative root in its config is made absolute)."""
    course, account = state.course_dir, state.settings().grader_account
    config = course / "nbgrader_config.py"
    if config.is_file():
        if RELATIVE_ROOT in config.read_text():  # made by an earlier version
            write_course_config(course, config.read_text())
        return False
    entry = pwd.getpwnam(account)
    course.mkdir(mode=0o700, exist_ok=True)
    write_course_config(course, NBGRADER_CONFIG.read_text())
    for path in (course, config):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(course, 0o700)
    result = as_account(account, [str(python_bin / "mesocourse"), "release", "--course", str(course)],
                        env={"PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}"},
                        cwd=str(course), capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(course)
        raise HubError(f"building the course in {course} failed: {result.stderr.strip()[-1500:]}")
    return True


def require_exam_sessions(state: HubState) -> None:
    """The course served here requires exam sessions (``COURSE/.mesocourse/exam-sessions.json``, owned by
    the grader): certification refuses an exam result handed in outside one (:mod:`course.exam_record`)."""
    from course.exam_record import require_exam_sessions as write_setting

    entry = pwd.getpwnam(state.settings().grader_account)
    setting = write_setting(state.course_dir, state.root)
    for path in (setting.parent, setting):
        os.chown(path, entry.pw_uid, entry.pw_gid)


def make_exam_folder(state: HubState) -> None:
    """``STATE/exams/`` (the exam sessions, :mod:`course.hub.exams`) belongs to the grader account, 0755:
    the course service, run as the grader, opens and closes sessions from the instructor console;
    the hub and each trainee read them. A session file of an earlier version (``STATE/exams.json``)
    moves in."""
    from .exams import sessions_file, sessions_folder

    entry = pwd.getpwnam(state.settings().grader_account)
    folder = sessions_folder(state)
    folder.mkdir(exist_ok=True)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    os.chmod(folder, 0o755)
    earlier = state.root / "exams.json"
    if earlier.is_file() and not sessions_file(state).exists():
        os.replace(earlier, sessions_file(state))


def make_exchange(state: HubState) -> None:
    """``exchange/COURSE`` belongs to the grader, so no trainee can create or replace it;
    nbgrader's ``release_assignment`` makes ``outbound``, ``inbound`` and ``feedback`` inside."""
    settings = state.settings()
    entry = pwd.getpwnam(settings.grader_account)
    folder = state.exchange / settings.course_id
    folder.mkdir(exist_ok=True)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    os.chmod(folder, 0o755)


def nbgrader_config(state: HubState, role: str) -> str:
    settings = state.settings()
    lines = [
        '"""nbgrader settings for every server of this role (written by mesocourse hub)."""',
        "c = get_config()  # noqa: F821",
        f"c.Exchange.root = {str(state.exchange)!r}",
        "c.Exchange.path_includes_course = True",
        f"c.CourseDirectory.course_id = {settings.course_id!r}",
    ]
    if role == "grader":
        # No JupyterHubAuthPlugin here: release, collect and grading need no hub (grading works with
        # the hub stopped); trainees join the course group through `mesocourse hub add-trainees`.
        lines.append(f"c.CourseDirectory.root = {str(state.course_dir)!r}")
    else:
        lines.append('c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"')
    if role in ("trainee", "exam"):  # the hand-in of an exam that has ended is refused (course.hub.exam_end)
        lines += ['c.ExchangeFactory.submit = "course.hub.exam_end.ExamSubmit"',
                  f"c.ExamSubmit.state_folder = {str(state.root)!r}"]
    if role == "exam":  # the server's root is the exam's folder; the assignments stay in the home
        lines += ["import os", 'c.Exchange.assignment_dir = os.environ["HOME"]']
    return "\n".join(lines) + "\n"


def exam_folders(course_id: str) -> list[str]:
    """Where nbgrader's fetch puts each exam assignment (``exam: true`` in its case data), under
    the trainee's home (``path_includes_course``)."""
    from course.assignments.catalog import exam_assignments

    return [f"{course_id}/{name}" for name in exam_assignments()]


def exam_server_config(course_id: str) -> dict:
    """A trainee's server: a notebook in an exam assignment's folder runs in the exam kernel only."""
    return {"ServerApp": {"kernel_manager_class": "course.hub.exam_kernels.ExamKernelManager",
                          "session_manager_class": "course.hub.exam_kernels.ExamSessionManager"},
            "ExamKernelManager": {"exam_folders": exam_folders(course_id)}}


def tab_on_demand(role: str) -> bool:
    """Whether the role's nbgrader extensions are only the Assignments tab's, loaded when the tab first asks."""
    return ENABLED[role] <= ON_DEMAND


def server_extensions(role: str) -> dict[str, bool]:
    """The Jupyter server extensions of a role's servers: its nbgrader ones (loaded on first use where
    the role has only the Assignments tab's: :mod:`course.hub.assignments_tab`), busy kernels
    counting as activity for the idle culler (:mod:`course.hub.kernel_activity`), and in the exam
    profile the exam clock's end time (:mod:`course.hub.exam_clock`)."""
    on_demand = tab_on_demand(role)
    nbgrader = {f"nbgrader.server_extensions.{module}": plugin in ENABLED[role] and not on_demand
                for plugin, module in SERVER_EXTENSION.items()}
    unused = dict.fromkeys(UNUSED_BY_TRAINEES, False) if role in ("trainee", "exam") else {}
    extensions = {**nbgrader, **unused, "course.hub.assignments_tab": on_demand, "course.hub.kernel_activity": True}
    if role == "exam":  # terminals refused with 403, every refusal logged; the exam clock's end time
        extensions.update({"course.hub.exam_guard": True, "course.hub.exam_clock": True})
    return extensions


def server_config(state: HubState, role: str) -> dict:
    config: dict = {"ServerApp": {"jpserver_extensions": server_extensions(role)}}
    if tab_on_demand(role):  # the Assignments tab's extensions the role has, loaded when the tab asks
        from .assignments_tab import SERVED

        served = sorted(SERVER_EXTENSION[plugin] for plugin in ENABLED[role])
        config["ServerApp"]["tornado_settings"] = {SERVED: served}
    if role == "grader":
        config["ServerApp"]["root_dir"] = str(state.course_dir)
    if role in ("trainee", "exam"):
        exam = exam_server_config(state.settings().course_id)
        config["ServerApp"].update(exam.pop("ServerApp"))
        config.update(exam)
    if role == "exam":
        exam = exam_profile_config()
        config["ServerApp"].update(exam.pop("ServerApp"))
        config.update(exam)
    return config


def exam_profile_config() -> dict:
    """What the exam profile adds to a trainee's server: no terminals, the exam kernel only (in its
    sandbox), the contents of the exam's folder only and no uploads (:mod:`course.hub.exam_guard`)."""
    from course.exam_kernel import KERNEL_NAME

    return {"ServerApp": {"terminals_enabled": False,
                          "contents_manager_class": "course.hub.exam_guard.ExamContentsManager"},
            "ExamKernelManager": {"exam_folders": [], "exam_only": True, "default_kernel_name": KERNEL_NAME,
                                  "kernel_manager_class": "course.hub.exam_guard.SandboxedExamKernel"},
            "KernelSpecManager": {"allowed_kernelspecs": [KERNEL_NAME]}}


def page_config(role: str) -> dict:
    """The role's JupyterLab plugins, and where the course extension's plugins find their server side:
    a trainee's rendered feedback (the course service), an examinee's end time (:mod:`course.hub.exam_clock`)."""
    disabled = {f"@jupyter/nbgrader:{plugin}": True for plugin in LAB_PLUGINS if plugin not in ENABLED[role]}
    config: dict = {"disabledExtensions": disabled}
    if role in ("trainee", "exam"):
        disabled.update({lab: True for lab in UNUSED_BY_TRAINEES.values() if lab})
    if role == "trainee":
        config["mesocourseFeedbackUrl"] = f"{STAFF_PAGES}feedback/"
    if role == "exam":
        config["mesocourseExamClock"] = EXAM_CLOCK_ROUTE
    return config


def lab_config() -> dict:
    """Every role's JupyterLab finds the course's extension in the package, also in an editable
    install. In ``jupyter_lab_config.json``: the server reads it, and so does ``jupyter labextension list``.

    JupyterLab's extension manager is read-only: the course server's extensions are the
    administrator's environment, nobody installs one from PyPI in their own server (the PyPI
    manager also built an HTTPS client at every server start, a tenth of a trainee server's CPU
    to start: docs/benchmarks.md)."""
    return {"LabServerApp": {"extra_labextensions_path": [str(LAB_EXTENSIONS)]},
            "LabApp": {"extension_manager": "readonly"}}


def setting_overrides(role: str) -> dict:
    """JupyterLab settings of the role's servers (``labconfig/default_setting_overrides.json``; a person's
    own settings still win): nobody is asked whether to fetch Jupyter's news from the internet (a
    prompt over a trainee's page at her first login, and over an exam); a trainee's JupyterLab
    opens Markdown rendered, her welcome page first."""
    overrides: dict = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
    if role == "trainee":
        overrides["@jupyterlab/docmanager-extension:plugin"] = {"defaultViewers": {"markdown": "Markdown Preview"}}
    return overrides


def write_role_configs(state: HubState) -> None:
    for role in ENABLED:
        folder = state.config_dir(role)
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        for path in (folder, folder.parent, folder / "labconfig"):
            os.chmod(path, 0o755)
        write_atomically(folder / "nbgrader_config.py", nbgrader_config(state, role), 0o644)
        write_atomically(folder / "jupyter_server_config.json", json.dumps(server_config(state, role), indent=2), 0o644)
        write_atomically(folder / "labconfig" / "page_config.json", json.dumps(page_config(role), indent=2), 0o644)
        write_atomically(folder / "labconfig" / "default_setting_overrides.json",
                         json.dumps(setting_overrides(role), indent=2), 0o644)
        write_atomically(folder / "jupyter_lab_config.json", json.dumps(lab_config(), indent=2), 0o644)


def prepare(state: HubState, python_bin: Path) -> None:
    """Everything the hub needs on disk, made or checked."""
    make_folders(state)
    make_grader_account(state)
    write_role_configs(state)
    make_course(state, python_bin)
    require_exam_sessions(state)
    make_exam_folder(state)
    make_exchange(state)
