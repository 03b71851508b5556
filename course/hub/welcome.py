"""The welcome page a trainee finds (and JupyterLab opens) at their first login.

Before the first release, nbgrader's Assignments tab says "No courses found." with no
hint that this is expected; the welcome page says what will happen and where
things are. It is written into the trainee's home, as theirs, when they are enrolled.

It is a Markdown file, which a trainee's JupyterLab opens rendered (Markdown Preview:
:func:`course.hub.layout.setting_overrides`), not a notebook: a notebook would start a
kernel for every trainee who logs in (about 0.5 CPU-seconds and 60-100 MB each, for a
page that runs no code), or, naming no kernel, ask "Select Kernel" in a dialog that took
the front of the page while she clicked in the Assignments tab (docs/benchmarks.md, the
lost Fetch click).
"""

from __future__ import annotations

import os
import pwd

from .state import HubState

WELCOME = "Welcome.md"
TEXT = """# Welcome to the course server

*Training material built from cited sources, not clinical guidance.*

**What to expect**

1. **Assignments** appear in JupyterLab's menu **Nbgrader → Assignment List** once your
   instructor releases them. Until then the list is empty or says *"No courses found."*:
   that is expected, nothing is wrong with your account.
2. **Fetch** an assignment: it appears in your files under `mesocourse/ASSIGNMENT/`.
   Open the notebook, answer in the answer cells, run `check()` to check the format of
   your answers, then **Validate** and **Submit** in the Assignment List. You may submit
   again: the latest submission is graded.
3. **Feedback**: once your instructor releases it, **Your feedback** in the hub's bar
   (menu **File → Hub Control Panel**) opens it in one click: each case with your answer,
   the rule behind it and its source.
4. **Exams** run in the exam kernel ("Exam (mesocourse)"), which your server chooses for you.
5. **Your password**: change it whenever you like with **Change password** in the hub's bar.

Your files are yours alone: other trainees cannot open them, and you cannot open theirs.
"""


def write_welcome(state: HubState, account: str) -> bool:
    """Put the welcome page in ``account``'s home, theirs alone (0600); returns whether it did.

    Created exclusively, so a file (or link) already there, the trainee's own, is never
    overwritten nor followed: this runs as root in a home the trainee controls."""
    path = state.home(account) / WELCOME
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return False
    entry = pwd.getpwnam(account)
    os.fchown(descriptor, entry.pw_uid, entry.pw_gid)
    with open(descriptor, "w", encoding="utf-8") as sink:
        sink.write(TEXT)
    return True
