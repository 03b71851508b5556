"""What every widget scenario shares: display of its root, and a step-by-step reveal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import ipywidgets as widgets

WIDE = {"description_width": "initial"}
# ipywidgets marks a focused list box or text box by a faint change of its border only: every
# control of ours gets a clear focus ring (3:1 against white and against the controls' grey)
FOCUS_CSS = """<style>
.jupyter-widgets:focus-visible, .jupyter-widgets :focus-visible,
.jupyter-widgets select:focus, .jupyter-widgets input:focus, .jupyter-widgets textarea:focus {
  outline: 3px solid #1a5fb4 !important; outline-offset: 1px;
}
</style>"""


def focus_style() -> widgets.HTML:
    """An invisible widget whose style sheet draws the focus ring on every control of the page."""
    style = widgets.HTML(FOCUS_CSS, layout=widgets.Layout(display="none"))
    style.add_class("meso-focus-style")
    return style


class View:
    """A widget scenario. Its controls are attributes (tests set ``.value`` and call
    ``.click()`` on them); ``root`` is the widget tree a notebook displays."""

    root: widgets.Widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return widgets.VBox([focus_style(), self.root])._repr_mimebundle_(**kwargs)

    def show(self) -> None:
        from IPython.display import display

        display(self)


class StepReveal(View):
    """Shows a sequence of (heading, body) steps one at a time, on "Next step".

    The heading is plain text, the body HTML.

    Used by the case galleries: the trainee reads a step, thinks about the next,
    then reveals it.
    """

    def __init__(self, steps: Sequence[tuple[str, str]] = ()) -> None:
        self.next_button = widgets.Button(description="Next step", icon="forward")
        self.restart_button = widgets.Button(description="Start again", icon="undo")
        self.progress = widgets.HTML()
        self.steps_html = widgets.HTML()
        self.next_button.on_click(self.next)
        self.restart_button.on_click(self.restart)
        self.root = widgets.VBox([self.steps_html,
                                  widgets.HBox([self.next_button, self.restart_button, self.progress])])
        self.set_steps(steps)

    shown: int  # how many steps are shown

    def set_steps(self, steps: Sequence[tuple[str, str]]) -> None:
        """Replace the steps and show the first one."""
        self.steps = tuple(steps)
        self.restart()

    def next(self, _button: object = None) -> None:
        self.shown = min(self.shown + 1, len(self.steps))
        self._render()

    def restart(self, _button: object = None) -> None:
        self.shown = min(1, len(self.steps))
        self._render()

    def _render(self) -> None:
        visible = self.steps[: self.shown]
        self.steps_html.value = "".join(f"<h3>{escape(heading)}</h3>{body}" for heading, body in visible)
        self.next_button.disabled = self.shown >= len(self.steps)
        self.progress.value = f"step {self.shown} of {len(self.steps)}"


class Gallery(View):
    """A dropdown of items (cases, outbreaks); the chosen item's steps are revealed one at a time."""

    def __init__(self, description: str, items: Sequence[tuple[str, str]],
                 steps_for: Callable[[str], Sequence[tuple[str, str]]]) -> None:
        self.choice = widgets.Dropdown(options=list(items), description=description, style=WIDE,
                                       layout=widgets.Layout(width="560px"))
        self.reveal = StepReveal()
        self._steps_for = steps_for
        self.choice.observe(self._select, names="value")
        self._select()
        self.root = widgets.VBox([self.choice, self.reveal.root])

    def _select(self, _change: object = None) -> None:
        self.reveal.set_steps(self._steps_for(self.choice.value))
