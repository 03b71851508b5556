"""A trainee's released feedback, rendered, one click from the hub.

nbgrader's Assignments tab opens a feedback folder, and JupyterLab then shows the
page untrusted; here the trainee's own feedback pages are listed and open, rendered,
in one click. ``feedback/ASSIGNMENT`` is the address the course's JupyterLab extension
opens from "(view feedback)" (``course/hub/lab/src/feedback.ts``): the assignment's page,
or the list of its pages when it has several notebooks. A page is shown only once it is
released: the very same file is in the exchange's feedback folder (``nbgrader
release_feedback`` copies it there unchanged). The service (the grader's account) reads
the course's ``feedback/TRAINEE/``; a trainee can ask only for their own.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from tornado import web

from .roles import CoursePage


def released_digests(exchange_feedback: Path) -> set[str]:
    """The SHA-256 of every feedback page released to the exchange."""
    if not exchange_feedback.is_dir():
        return set()
    return {hashlib.sha256(path.read_bytes()).hexdigest() for path in exchange_feedback.glob("*.html")}


class MyFeedback(CoursePage):
    roles = frozenset({"trainee"})

    def pages(self) -> dict[str, Path]:
        """``ASSIGNMENT/NOTEBOOK`` -> the trainee's released feedback page."""
        settings = self.state.settings()
        released = released_digests(self.state.exchange / settings.course_id / "feedback")
        mine = self.state.course_dir / "feedback" / str(self.person.get("name"))
        found = sorted(mine.glob("*/*.html")) if mine.is_dir() else []
        return {f"{path.parent.name}/{path.stem}": path for path in found
                if hashlib.sha256(path.read_bytes()).hexdigest() in released}

    @web.authenticated
    def get(self, wanted: str | None = None) -> None:
        """The list of her pages (``wanted`` None), one page (``ASSIGNMENT/NOTEBOOK``), or an assignment's."""
        pages = self.pages()
        if wanted is not None and "/" not in wanted:  # an assignment: its one page, or the list of its pages
            pages = {key: path for key, path in pages.items() if key.startswith(f"{wanted}/")}
            if not pages:
                raise web.HTTPError(404, f"no released feedback for {wanted!r} for you")
            wanted = next(iter(pages)) if len(pages) == 1 else None
        if wanted is None:
            items = "".join(f'<li><a href="{self.reverse_url("my_feedback_page", key)}">{html.escape(key)}</a></li>'
                            for key in pages)
            self.page("Your feedback", f"<ul>{items}</ul>" if items else
                      "<p>No feedback has been released to you yet. When your instructor releases it, it appears "
                      "here, one link per assignment.</p>")
            return
        if wanted not in pages:
            raise web.HTTPError(404, f"no released feedback {wanted!r} for you")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(pages[wanted].read_bytes())


def routes(prefix: str, context: dict) -> list[web.URLSpec]:
    return [web.url(prefix + "feedback", MyFeedback, context, name="my_feedback"),
            web.url(prefix + r"feedback/([\w-]+/[\w-]+)", MyFeedback, context, name="my_feedback_page"),
            web.url(prefix + r"feedback/([\w-]+)", MyFeedback, context, name="my_feedback_assignment")]
