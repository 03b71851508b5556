"""mesocourse: a training and competency toolkit for mesotherapy practitioners.

Training material built from cited sources, not clinical guidance. All patients
in this package are synthetic.

The package is layered: ``course.knowledge`` (validated YAML facts with sources)
feeds the pure engines (``course.screening``, ``course.depth``,
``course.scheduling``, ``course.cocktail``), which the widgets, quizzes,
graded assignments and certification build on. Importing ``course`` is kept
light: heavy libraries load only in the modules that need them.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "Training material built from cited sources, not clinical guidance. "
    "All patients are synthetic."
)
