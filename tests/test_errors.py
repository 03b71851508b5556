"""The error contract's one list (``course.errors.ERRORS``) is whole, and every error class pickles.

Every module of the package is imported and every subclass of ``MesocourseError``
found is compared with the list and its exit status; then one error of each class,
built as its raiser builds it, goes through a pickle round trip (as a worker
process's error reaches its parent) and comes back with its message, attributes and
exit status.
"""

from __future__ import annotations

import functools
import importlib
import pickle
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import course
from course.errors import ERRORS, MesocourseError

# loaded as configuration by JupyterHub, its idle culler or nbgrader (and every ``__main__``: run as a program)
NOT_IMPORTABLE_ALONE = {"course.hub.jupyterhub_config", "course.hub.idle_culler_config",
                        "course.content.nbgrader_config"}


@functools.cache
def every_error_class() -> dict[str, type[MesocourseError]]:
    for module in pkgutil.walk_packages(course.__path__, "course."):
        if module.name not in NOT_IMPORTABLE_ALONE and not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
    found, todo = {}, [MesocourseError]
    while todo:
        cls = todo.pop()
        found[f"{cls.__module__}.{cls.__qualname__}"] = cls
        todo.extend(cls.__subclasses__())
    return found


def test_the_list_names_every_error_class_with_its_exit_status() -> None:
    found = every_error_class()
    assert sorted(found) == sorted(ERRORS)
    assert {name: cls.exit_code for name, cls in found.items()} == ERRORS


def examples() -> dict[str, MesocourseError]:
    """One error of each class, with the arguments its raisers give."""
    classes = every_error_class()
    made = {
        "course.knowledge.errors.KnowledgeError": classes["course.knowledge.errors.KnowledgeError"](
            "areas.yaml", "face", "layers[0].depth_mm", "must be a number"),
        "course.assignments.variants.VariantError": classes["course.assignments.variants.VariantError"](
            "screening.yaml", "case_01", "ranges.age", "the draw breaks a rule"),
        "course.assignments.items.common.DataError": classes["course.assignments.items.common.DataError"](
            SimpleNamespace(id="case_01"), "unknown contraindication 'x'", "answers.decision"),
        "course.quiz.bank.QuizError": classes["course.quiz.bank.QuizError"](
            "quizzes/01.yaml", "q1", "answer", "not an option"),
        "course.review.templates.TemplateError": classes["course.review.templates.TemplateError"](
            "templates.yaml", "depth_tip", "ranges", "ambiguous"),
        "course.progress.AttemptsError": classes["course.progress.AttemptsError"](Path("attempts.json"), "not JSON"),
        "course.narrative.content.NarrativeError": classes["course.narrative.content.NarrativeError"](
            Path("01_intro.md"), 12, "unclosed cell"),
        "course.hub.roster.RosterError": classes["course.hub.roster.RosterError"](
            Path("roster.csv"), ["line 3: id 'Bad Id' is not a valid account name"]),
    }
    return {name: made[name] if name in made else cls(f"{cls.__name__}: something is wrong")
            for name, cls in classes.items()}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_every_error_class_survives_a_pickle_round_trip(name: str) -> None:
    error = examples()[name]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert vars(again) == vars(error) and again.exit_code == error.exit_code == ERRORS[name]
