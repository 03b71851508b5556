"""The trusted grader that the autograder test cells import.

This module is what grades a trainee's answers, in ``nbgrader autograde`` and in
``mesocourse grade`` alike, and ``check()`` (``course.assignments.check``) calls
the same functions, so the format rules a trainee is told are the rules the
grader applies. It imports nothing but ``sys`` and the calendar arithmetic of
:mod:`course.dates` (not the engines, not the knowledge base, not nbgrader): the
frozen expected answers are in the test cell, so grading needs only these two
files, and it loads in about a millisecond.

**The test-cell format.** Each question's grade cell (written by
``course.assignments.source_notebook``) is::

    # Autograder test for <title>: <points> points (<label> <weight>, ...).
    # Visible test: ... (comments for the trainee)
    from course.assignments.grader import visible_test as _mc_visible_test
    _mc_score = _mc_visible_test("<title>", (("<answer name>", "<shape>"), ...))
    ### BEGIN HIDDEN TESTS
    from course.assignments.grader import hidden_test as _mc_hidden_test
    _mc_fields = (<one frozen field dict per answer>,)
    _mc_score = _mc_hidden_test("<title>", <points>, _mc_fields)
    ### END HIDDEN TESTS
    _mc_score

A question whose patient varies per trainee has, between the hidden-test markers,
the fields once and only what differs per variant (the expected answers)::

    from course.assignments.grader import variant_test as _mc_variant_test
    _mc_fields = (<per answer: the frozen entries every variant shares>,)
    _mc_variants = (<per variant: per answer, the entries that differ>,)
    _mc_score = _mc_variant_test("<title>", <points>, _mc_fields, _mc_variants)

The student version (``release/``) keeps the visible part only: it prints what
is not filled in yet and shows 0.0, or shows nothing once every answer has the
right type. At grading, the hidden part prints one line per answer and shows the
points earned, which nbgrader takes as the cell's partial credit (0 when the cell
fails). Every name the cell binds starts with ``_mc_``, which no answer uses, and
the cell binds the grader itself, by its own ``import`` statement, right before
calling it: an answer cell that rebinds ``_mc_hidden_test``, ``_mc_fields``,
``_mc_score`` or any builtin (``len``, ``isinstance``...) changes nothing. The
test functions read the answers from the namespace of the cell that calls them
(the notebook's), by name.

**What keeps answers from touching the grader.** This module uses no builtin an
answer could replace except ``print`` (for the explanation: replacing it cannot
raise a score): types come from literals (``''.__class__``) and every comparison
first checks the exact type, so an object with a permissive ``__eq__`` matches
nothing. Code that patches modules (this one, ``sys.modules``, ``builtins.__import__``)
or the display of results would run in the kernel before the test cell, which no
in-process grader can defend against; that is why the course's nbgrader config
registers ``course.grading.integrity.LiteralAnswers``, which, before anything
runs, keeps only plain ``name = <literal>`` answers in every cell that is not a
read-only cell of the source, for ``nbgrader autograde`` and ``mesocourse
grade`` alike (``tests/test_assignments_nbgrader.py`` shows the attacks that
would score without it).

A field is a dict: ``name`` (the trainee's variable), ``label``, ``kind``,
``weight``, ``allowed``, ``expected`` and kind-specific frozen data (see
``course.assignments.questions``). Kinds:

- ``choice``: one allowed value, right when it is ``expected`` (or any of
  ``accepted`` when the field has it: e.g. every layer a tip can be in); ``id_set``: a list of allowed IDs, order free;
  ``id_sequence``: a list of allowed IDs in order; ``number``: a number within
  ``tolerance`` of ``expected``; ``date``: ``"YYYY-MM-DD"``;
- ``mapping``: a dict with the template's ``keys``, each an allowed value;
- ``combination``: a dict with the template's ``keys`` whose values match one of
  the ``expected`` dicts (e.g. a needle and an angle that reach a target);
- ``schedule``: session dates graded by the protocol's frozen ``phases`` (the
  logic of ``course.scheduling.validate_schedule``) and the ``expected`` first
  date; ``pre_treatment``: a dict of step dates, each ``days_before[step]`` days
  before the trainee's own first session (``sessions_field``) when that is a
  date, else before the expected one (``first``).
"""

import sys

from course.dates import month_days, shift_months

# Trusted types, from literals: an answer cannot rebind them as it could ``str`` or ``type``.
_TYPE = ().__class__.__class__
_STR = "".__class__
_INT = (0).__class__
_FLOAT = (0.0).__class__
_BOOL = (True).__class__
_LIST = [].__class__
_DICT = {}.__class__
_getframe = sys._getframe
_environ = sys.modules["os"].environ  # loaded by Python at start-up: no import of our own


# --- the test cells' entry points --------------------------------------------
def _notebook_namespace():
    """The namespace of the test cell that called: the notebook's variables."""
    return _getframe(2).f_globals


def visible_test(title, shapes):
    """The visible test: 0.0 (and what to fix) unless every answer is filled in with the right type.

    ``shapes`` pairs each answer's name with the shape :func:`filled` asks for.
    Returns None when every answer is filled in, so the cell shows nothing.
    """
    answers = _notebook_namespace()
    try:
        missing = [name for name, shape in shapes if not filled(shape, answers.get(name))]
    except:  # noqa: E722 - whatever an answer does, the cell reports and scores 0
        missing = ["your answers"]
    if not missing:
        return None
    print(title + ": not filled in yet, or not the right type: " + ", ".join(missing) + ". Run check() above.")
    return 0.0


def hidden_test(title, points, fields):
    """The hidden test: print a line per answer and return the points earned (see :func:`grade`)."""
    namespace = _notebook_namespace()
    try:
        return grade(title, points, fields, {field["name"]: namespace.get(field["name"]) for field in fields})
    except:  # noqa: E722 - a grader failure scores 0, never more
        print(title + ": the grader could not read these answers: 0 points.")
        return 0.0


def variant_test(title, points, fields, variants):
    """The hidden test of a question that varies per trainee: ``fields`` holds the frozen
    fields' entries every variant shares, ``variants`` per variant and per field the entries
    that differ (the expected answers); the trainee's own variant is graded.

    The variant is ``_mc_allocation`` (an HMAC of the course secret and the gradebook's
    student id, which the grader's preprocessor ``course.assignments.variant_grading.AssignVariant``
    writes into a cell of its own before the notebook runs) modulo the number of variants.
    Nothing the trainee writes can set it: answer cells keep only their answers. Outside
    ``nbgrader autograde`` (the source notebook, ``nbgrader validate``) there is none, and
    variant 1 (the source's solutions) is graded; at autograde without it the cell scores 0.
    """
    namespace = _notebook_namespace()
    allocation = namespace.get("_mc_allocation")
    if _TYPE(allocation) is not _INT or allocation < 0:
        if _environ.get("NBGRADER_EXECUTION") == "autograde":
            print(title + ": the grader did not set this trainee's variant (the course's nbgrader_config.py must run "
                  "course.assignments.variant_grading.AssignVariant): 0 points.")
            return 0.0
        allocation = 0
    fields = _with_variant(fields, variants[allocation % variants.__len__()])
    try:
        return grade(title, points, fields, {field["name"]: namespace.get(field["name"]) for field in fields})
    except:  # noqa: E722 - a grader failure scores 0, never more
        print(title + ": the grader could not read these answers: 0 points.")
        return 0.0


def _with_variant(fields, own):
    """Each shared field completed with its variant's own entries."""
    merged = []
    index = 0
    while index < fields.__len__():
        merged.append({**fields[index], **own[index]})
        index += 1
    return merged


# --- values ------------------------------------------------------------------
def is_number(value):
    """An exact int or float (not a bool), finite and of a sane size (no overflow later)."""
    kind = _TYPE(value)
    return (kind is _INT or kind is _FLOAT) and -1e12 < value < 1e12


def same(left, right):
    """Equal values of the same trusted kind; ints and floats compare as numbers."""
    if is_number(left) and is_number(right):
        return left == right
    kind = _TYPE(left)
    if kind is not _TYPE(right):
        return False
    if kind is _STR:
        return left == right
    return (kind is _BOOL or left is None) and left is right


def member(value, allowed):
    for item in allowed:
        if same(value, item):
            return True
    return False


def show(value):
    """A trainee's value for a message: shown only when it is a plain string or number."""
    if _TYPE(value) is _STR:
        return _STR.__repr__(value[:40])
    if is_number(value):
        return f"{value}"
    return "a value of the wrong type"


def filled(shape, value):
    """The visible test: is the answer filled in, with the right type?

    Shapes: ``text`` (a string), ``flag`` (True or False), ``number``, ``list``,
    ``table`` (a dict without ``None`` left in it).
    """
    kind = _TYPE(value)
    if shape == "text":
        return kind is _STR
    if shape == "flag":
        return kind is _BOOL
    if shape == "number":
        return is_number(value)
    if shape == "list":
        return kind is _LIST
    if kind is not _DICT:
        return False
    for item in value.values():
        if item is None:
            return False
    return True


# --- dates -------------------------------------------------------------------
def parse_date(text):
    """(year, month, day) from an exact ``"YYYY-MM-DD"`` string, or None."""
    if _TYPE(text) is not _STR:
        return None
    text = text.strip()
    if text.__len__() != 10 or text[4] != "-" or text[7] != "-":
        return None
    parts = []
    for piece in (text[0:4], text[5:7], text[8:10]):
        number = 0
        for char in piece:
            digit = "0123456789".find(char)
            if digit < 0:
                return None
            number = number * 10 + digit
        parts.append(number)
    year, month, day = parts
    if year < 1 or month < 1 or month > 12 or day < 1 or day > month_days(year, month):
        return None
    return year, month, day


def ordinal(year, month, day):
    """Day number of a date (0001-01-01 is 1), as ``date.toordinal``."""
    before = year - 1
    days = before * 365 + before // 4 - before // 100 + before // 400 + day
    month_before = 1
    while month_before < month:
        days += month_days(year, month_before)
        month_before += 1
    return days


def day_number(text):
    """The day number of a ``"YYYY-MM-DD"`` string, or None."""
    parsed = parse_date(text)
    return None if parsed is None else ordinal(*parsed)


# --- schedules (the logic of course.scheduling.validate_schedule) ------------
def _interval_problems(phase, first_number, days, previous):
    gaps = phase["interval_days"]
    if gaps is None or not days:
        return []
    chain = ([previous] if previous is not None else []) + days
    offset = first_number - (1 if previous is not None else 0)
    problems, step = [], 1
    while step < chain.__len__():
        gap, number = chain[step] - chain[step - 1], offset + step
        if gap < gaps[0]:
            problems.append(("interval_too_short", number,
                             f"session {number} comes {gap} days after the one before; "
                             f"the protocol needs at least {gaps[0]}"))
        elif gap > gaps[1]:
            problems.append(("interval_too_long", number,
                             f"session {number} comes {gap} days after the one before; "
                             f"the protocol allows at most {gaps[1]}"))
        step += 1
    return problems


def _span_problems(phase, days):
    spans = phase["span_days"]
    if spans is None or days.__len__() < 2:
        return []
    span = days[-1] - days[0]
    if span < spans[0]:
        return [("span_too_short", None,
                 f"the sessions span {span} days; the protocol spreads them over at least {spans[0]}")]
    if span > spans[1]:
        return [("span_too_long", None, f"the sessions span {span} days; the protocol fits them within {spans[1]}")]
    return []


def _period_problems(phase, first_number, dates, days):
    months = phase["period_months"]
    if months is None or not days:
        return []
    end = ordinal(*shift_months(*dates[0], months))
    problems, number = [], first_number
    for day in days:
        if day >= end:
            problems.append(("outside_period", number, f"session {number} falls after the first {months} months"))
        number += 1
    inside = [day for day in days if day < end]
    gaps = phase["interval_days"]
    longest = gaps[1] if gaps is not None else 0
    if inside and end - inside[-1] > longest:
        problems.append(("period_not_covered", None,
                         f"the sessions stop {end - inside[-1]} days before the end of the first {months} months"))
    return problems


def schedule_problems(phases, dates):
    """Every way ``dates`` break the protocol ``phases``: (code, session, message)."""
    if _TYPE(dates) is not _LIST:
        return [("not_a_list", None, "the schedule must be a list of dates in the form YYYY-MM-DD")]
    if dates.__len__() == 0:
        return [("empty", None, "the schedule has no sessions")]
    parsed, problems, number = [], [], 0
    for value in dates:
        number += 1
        found = parse_date(value)
        if found is None:
            problems.append(("bad_date", number, f"session {number} is not a date in the form YYYY-MM-DD"))
        parsed.append(found)
    if problems:
        return problems
    days = [ordinal(*found) for found in parsed]
    number = 1
    while number < days.__len__():
        if days[number] <= days[number - 1]:
            problems.append(("not_in_order", number + 1, f"session {number + 1} is not after session {number}"))
        number += 1
    low, high, counted = 0, 0, True
    for phase in phases:
        if phase["sessions"] is None:
            counted = False
        else:
            low, high = low + phase["sessions"][0], high + phase["sessions"][1]
    total = days.__len__()
    if counted and total < low:
        problems.append(("too_few_sessions", None, f"the protocol needs at least {low} sessions, got {total}"))
    elif counted and total > high:
        problems.append(("too_many_sessions", None, f"the protocol allows at most {high} sessions, got {total}"))
    if problems:
        return problems
    previous, start, position = None, 0, 0
    for phase in phases:
        position += 1
        end = total if position == phases.__len__() else start + phase["sessions"][0]
        phase_days, phase_dates = days[start:end], parsed[start:end]
        problems += _interval_problems(phase, start + 1, phase_days, previous)
        problems += _span_problems(phase, phase_days)
        problems += _period_problems(phase, start + 1, phase_dates, phase_days)
        previous = phase_days[-1] if phase_days else previous
        start = end
    return problems


# --- format ------------------------------------------------------------------
def _list_problem(field, value):
    if _TYPE(value) is not _LIST:
        return "must be a list, e.g. [\"id_one\", \"id_two\"], or [] for none"
    seen = {}
    for item in value:
        if not member(item, field["allowed"]):
            return f"{show(item)} is not one of the allowed IDs"
        if item in seen:
            return f"{show(item)} is listed twice"
        seen[item] = True
    return None


def _table_problem(field, value):
    if _TYPE(value) is not _DICT:
        return "must be a dict like the template"
    for key in field["keys"]:
        if key not in value:
            return f"the key {show(key)} of the template is missing"
    for key in value:
        if not member(key, field["keys"]):
            return f"{show(key)} is not a key of the template"
    for key in field["keys"]:
        item = value[key]
        if item is None:
            return f"{show(key)} is not filled in yet"
        allowed = field["allowed"][key] if _TYPE(field["allowed"]) is _DICT else field["allowed"]
        if field["kind"] == "pre_treatment":
            if parse_date(item) is None:
                return f"{show(key)}: {show(item)} is not a date in the form YYYY-MM-DD"
        elif not member(item, allowed):
            return f"{show(key)}: {show(item)} is not one of the allowed values"
    return None


def format_problem(field, value):
    """What is wrong with the format of ``value`` for ``field``, or None."""
    kind = field["kind"]
    if value is None:
        return "not answered yet: replace None with your answer"
    if kind == "choice":
        return None if member(value, field["allowed"]) else f"{show(value)} is not one of the allowed values"
    if kind == "id_set" or kind == "id_sequence":
        return _list_problem(field, value)
    if kind == "number":
        return None if is_number(value) else "must be a number, e.g. 1.25"
    if kind == "date":
        return None if parse_date(value) is not None else "must be a date in the form \"YYYY-MM-DD\""
    if kind == "schedule":
        if _TYPE(value) is not _LIST or value.__len__() == 0:
            return "must be a list of dates, e.g. [\"2025-03-03\", \"2025-03-17\"]"
        for item in value:
            if parse_date(item) is None:
                return f"{show(item)} is not a date in the form YYYY-MM-DD"
        return None
    return _table_problem(field, value)


# --- credit ------------------------------------------------------------------
def untouched(value):
    """A template dict whose values are all still None."""
    if _TYPE(value) is not _DICT or value.__len__() == 0:
        return False
    for item in value.values():
        if item is not None:
            return False
    return True


def _set_credit(field, value):
    if _TYPE(value) is not _LIST:
        return 0.0, "not a list"
    given = {}
    for item in value:
        if _TYPE(item) is _STR:
            given[item] = True
    expected = field["expected"]
    hits = 0
    for item in expected:
        if item in given:
            hits += 1
    extras = [item for item in given if not member(item, expected)]
    if expected.__len__() == 0:
        return (1.0, "right") if given.__len__() == 0 else (0.0, "not right: there are none here")
    credit = (hits - extras.__len__()) / expected.__len__()
    credit = credit if credit > 0 else 0.0
    if hits == expected.__len__() and not extras:
        return 1.0, "right"
    note = f"partly right: {hits} of the {expected.__len__()} expected"
    if extras:
        note += ", and " + ", ".join([show(item) for item in extras]) + " should not be there"
    return credit, note


def _sequence_credit(field, value):
    """Credit for the longest run of the expected order kept in the answer."""
    if _TYPE(value) is not _LIST:
        return 0.0, "not a list"
    expected = field["expected"]
    longest = [0] * (expected.__len__() + 1)
    for item in value:
        previous_row = longest[:]
        position = 1
        for wanted in expected:
            if same(item, wanted):
                longest[position] = previous_row[position - 1] + 1
            elif longest[position - 1] > longest[position]:
                longest[position] = longest[position - 1]
            position += 1
    kept, size = longest[-1], expected.__len__()
    if kept == size and value.__len__() == kept:
        return 1.0, "right"
    longer = value.__len__() if value.__len__() > size else size
    return kept / longer, f"partly right: {kept} of {size} in the right order"


def _table_credit(field, value):
    if _TYPE(value) is not _DICT:
        return 0.0, "not a dict like the template"
    wrong = [key for key in field["keys"] if key not in value or not same(value[key], field["expected"][key])]
    right = field["keys"].__len__() - wrong.__len__()
    if not wrong:
        return 1.0, "right"
    note = f"{right} of {field['keys'].__len__()} right; not right: " + ", ".join(wrong)
    return right / field["keys"].__len__(), note


def _pre_treatment_credit(field, value, answers):
    if _TYPE(value) is not _DICT:
        return 0.0, "not a dict like the template"
    sessions = answers.get(field["sessions_field"])
    first = day_number(sessions[0]) if _TYPE(sessions) is _LIST and sessions.__len__() > 0 else None
    reference = first if first is not None else day_number(field["first"])
    wrong = [key for key in field["keys"] if key not in value
             or day_number(value[key]) != reference - field["days_before"][key]]
    right = field["keys"].__len__() - wrong.__len__()
    if not wrong:
        return 1.0, "right (counted from your first session)"
    note = f"{right} of {field['keys'].__len__()} right (counted from your first session); not right: "
    note += ", ".join(wrong)
    return right / field["keys"].__len__(), note


def _schedule_credit(field, value):
    problems = schedule_problems(field["phases"], value)
    on_time = _TYPE(value) is _LIST and value.__len__() > 0 and day_number(value[0]) == day_number(field["first"])
    credit = (0.5 if on_time else 0.0) + (0.5 if not problems else 0.0)
    note = "first session on the right date" if on_time else "first session not on the right date"
    if problems:
        reasons = "; ".join([problem[2] for problem in problems])
        return credit, note + "; the dates do not follow the right protocol: " + reasons
    return credit, note + "; the dates follow the right protocol"


def answer_credit(field, value, answers):
    """(credit in 0..1, plain-language note) for one answer; never reveals the expected one."""
    kind = field["kind"]
    if value is None or untouched(value):
        return 0.0, "not answered"
    if kind == "choice" and "accepted" in field:
        return (1.0, "right") if member(value, field["accepted"]) else (0.0, "not right")
    if kind == "choice" or kind == "date":
        if kind == "choice":
            right = same(value, field["expected"])
        else:
            right = day_number(value) == day_number(field["expected"])
        return (1.0, "right") if right else (0.0, "not right")
    if kind == "number":
        if not is_number(value):
            return 0.0, "not a number"
        gap = value - field["expected"]
        return (1.0, "right") if -field["tolerance"] <= gap <= field["tolerance"] else (0.0, "not right")
    if kind == "id_set":
        return _set_credit(field, value)
    if kind == "id_sequence":
        return _sequence_credit(field, value)
    if kind == "mapping":
        return _table_credit(field, value)
    if kind == "pre_treatment":
        return _pre_treatment_credit(field, value, answers)
    if kind == "schedule":
        return _schedule_credit(field, value)
    if _TYPE(value) is _DICT and value.__len__() == field["keys"].__len__():
        for combination in field["expected"]:
            matches = 0
            for key in field["keys"]:
                matches += 1 if key in value and same(value[key], combination[key]) else 0
            if matches == field["keys"].__len__():
                return 1.0, "right: it reaches the target"
    return 0.0, "not right: it does not reach the target"


def grade(title, points, fields, answers):
    """Score one question: print a line per answer and return the points earned."""
    total = 0.0
    lines = []
    for field in fields:
        value = answers.get(field["name"])
        try:
            credit, note = answer_credit(field, value, answers)
            problem = format_problem(field, value)
        except:  # noqa: E722 - any answer must leave the other answers graded
            credit, note, problem = 0.0, "could not be read", None
        if problem is not None and value is not None and not untouched(value):
            note += f" (format: {problem})"
        total += field["weight"] * credit
        lines.append(f"  {field['label']}: {note}")
    total = total if total < points else points
    total = (total * 100 + 0.5) // 1 / 100 if total > 0 else 0.0
    print(f"{title}: {total:g} of {points:g} points")
    for line in lines:
        print(line)
    return total
