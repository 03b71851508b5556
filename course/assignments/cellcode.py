"""The grading code that autograder test cells carry inside themselves.

The builder copies these functions, as source text, into the test cells: at
grading time a test cell calls nothing outside itself, neither ``course`` nor
the engines nor any builtin an answer could shadow (``len``, ``isinstance``,
``sorted``...). Types come from literals (``''.__class__``) and every comparison
first checks the exact type, so an object with a permissive ``__eq__`` matches
nothing. The only builtin used is ``print``, for the explanation: replacing it
cannot raise a score. ``check()`` calls the same functions directly, so the
format rules a trainee is told are the rules the grader applies.

Keep this module free of imports and of module state other than ``PREAMBLE``'s
trusted types; every function name starts with ``_mc_`` so that the copies in a
trainee's namespace cannot collide with answer names.

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

_mc_type = ().__class__.__class__
_mc_str = "".__class__
_mc_int = (0).__class__
_mc_float = (0.0).__class__
_mc_bool = (True).__class__
_mc_list = [].__class__
_mc_dict = {}.__class__

PREAMBLE = '''_mc_type = ().__class__.__class__
_mc_str = "".__class__
_mc_int = (0).__class__
_mc_float = (0.0).__class__
_mc_bool = (True).__class__
_mc_list = [].__class__
_mc_dict = {}.__class__'''


# --- values ------------------------------------------------------------------
def _mc_is_number(value):
    """An exact int or float (not a bool), finite and of a sane size (no overflow later)."""
    kind = _mc_type(value)
    return (kind is _mc_int or kind is _mc_float) and -1e12 < value < 1e12


def _mc_same(left, right):
    """Equal values of the same trusted kind; ints and floats compare as numbers."""
    if _mc_is_number(left) and _mc_is_number(right):
        return left == right
    kind = _mc_type(left)
    if kind is not _mc_type(right):
        return False
    if kind is _mc_str:
        return left == right
    return (kind is _mc_bool or left is None) and left is right


def _mc_member(value, allowed):
    for item in allowed:
        if _mc_same(value, item):
            return True
    return False


def _mc_show(value):
    """A trainee's value for a message: shown only when it is a plain string or number."""
    if _mc_type(value) is _mc_str:
        return _mc_str.__repr__(value[:40])
    if _mc_is_number(value):
        return f"{value}"
    return "a value of the wrong type"


def _mc_filled(shape, value):
    """The visible test: is the answer filled in, with the right type?

    Shapes: ``text`` (a string), ``flag`` (True or False), ``number``, ``list``,
    ``table`` (a dict without ``None`` left in it).
    """
    kind = _mc_type(value)
    if shape == "text":
        return kind is _mc_str
    if shape == "flag":
        return kind is _mc_bool
    if shape == "number":
        return _mc_is_number(value)
    if shape == "list":
        return kind is _mc_list
    if kind is not _mc_dict:
        return False
    for item in value.values():
        if item is None:
            return False
    return True


# --- dates -------------------------------------------------------------------
def _mc_month_days(year, month):
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month == 4 or month == 6 or month == 9 or month == 11 else 31


def _mc_parse_date(text):
    """(year, month, day) from an exact ``"YYYY-MM-DD"`` string, or None."""
    if _mc_type(text) is not _mc_str:
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
    if year < 1 or month < 1 or month > 12 or day < 1 or day > _mc_month_days(year, month):
        return None
    return year, month, day


def _mc_ordinal(year, month, day):
    """Day number of a date (0001-01-01 is 1), as ``date.toordinal``."""
    before = year - 1
    days = before * 365 + before // 4 - before // 100 + before // 400 + day
    month_before = 1
    while month_before < month:
        days += _mc_month_days(year, month_before)
        month_before += 1
    return days


def _mc_add_months(year, month, day, months):
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = month - 1 + months
    year, month = year + index // 12, index % 12 + 1
    last = _mc_month_days(year, month)
    return year, month, day if day < last else last


def _mc_day(text):
    """The day number of a ``"YYYY-MM-DD"`` string, or None."""
    parsed = _mc_parse_date(text)
    return None if parsed is None else _mc_ordinal(*parsed)


# --- schedules (the logic of course.scheduling.validate_schedule) ------------
def _mc_interval_problems(phase, first_number, days, previous):
    gaps = phase["interval_days"]
    if gaps is None or not days:
        return []
    chain = ([previous] if previous is not None else []) + days
    offset = first_number - (1 if previous is not None else 0)
    problems, step = [], 1
    while step < chain.__len__():
        gap, number = chain[step] - chain[step - 1], offset + step
        if gap < gaps[0]:
            problems.append(("interval_too_short", number, f"session {number} comes {gap} days after the one before; the protocol needs at least {gaps[0]}"))
        elif gap > gaps[1]:
            problems.append(("interval_too_long", number, f"session {number} comes {gap} days after the one before; the protocol allows at most {gaps[1]}"))
        step += 1
    return problems


def _mc_span_problems(phase, days):
    spans = phase["span_days"]
    if spans is None or days.__len__() < 2:
        return []
    span = days[-1] - days[0]
    if span < spans[0]:
        return [("span_too_short", None, f"the sessions span {span} days; the protocol spreads them over at least {spans[0]}")]
    if span > spans[1]:
        return [("span_too_long", None, f"the sessions span {span} days; the protocol fits them within {spans[1]}")]
    return []


def _mc_period_problems(phase, first_number, dates, days):
    months = phase["period_months"]
    if months is None or not days:
        return []
    end = _mc_ordinal(*_mc_add_months(*dates[0], months))
    problems, number = [], first_number
    for day in days:
        if day >= end:
            problems.append(("outside_period", number, f"session {number} falls after the first {months} months"))
        number += 1
    inside = [day for day in days if day < end]
    gaps = phase["interval_days"]
    longest = gaps[1] if gaps is not None else 0
    if inside and end - inside[-1] > longest:
        problems.append(("period_not_covered", None, f"the sessions stop {end - inside[-1]} days before the end of the first {months} months"))
    return problems


def _mc_schedule_problems(phases, dates):
    """Every way ``dates`` break the protocol ``phases``: (code, session, message)."""
    if _mc_type(dates) is not _mc_list:
        return [("not_a_list", None, "the schedule must be a list of dates in the form YYYY-MM-DD")]
    if dates.__len__() == 0:
        return [("empty", None, "the schedule has no sessions")]
    parsed, problems, number = [], [], 0
    for value in dates:
        number += 1
        found = _mc_parse_date(value)
        if found is None:
            problems.append(("bad_date", number, f"session {number} is not a date in the form YYYY-MM-DD"))
        parsed.append(found)
    if problems:
        return problems
    days = [_mc_ordinal(*found) for found in parsed]
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
        problems += _mc_interval_problems(phase, start + 1, phase_days, previous)
        problems += _mc_span_problems(phase, phase_days)
        problems += _mc_period_problems(phase, start + 1, phase_dates, phase_days)
        previous = phase_days[-1] if phase_days else previous
        start = end
    return problems


# --- format ------------------------------------------------------------------
def _mc_list_problem(field, value):
    if _mc_type(value) is not _mc_list:
        return "must be a list, e.g. [\"id_one\", \"id_two\"], or [] for none"
    seen = {}
    for item in value:
        if not _mc_member(item, field["allowed"]):
            return f"{_mc_show(item)} is not one of the allowed IDs"
        if item in seen:
            return f"{_mc_show(item)} is listed twice"
        seen[item] = True
    return None


def _mc_table_problem(field, value):
    if _mc_type(value) is not _mc_dict:
        return "must be a dict like the template"
    for key in field["keys"]:
        if key not in value:
            return f"the key {_mc_show(key)} of the template is missing"
    for key in value:
        if not _mc_member(key, field["keys"]):
            return f"{_mc_show(key)} is not a key of the template"
    for key in field["keys"]:
        item = value[key]
        if item is None:
            return f"{_mc_show(key)} is not filled in yet"
        allowed = field["allowed"][key] if _mc_type(field["allowed"]) is _mc_dict else field["allowed"]
        if field["kind"] == "pre_treatment":
            if _mc_parse_date(item) is None:
                return f"{_mc_show(key)}: {_mc_show(item)} is not a date in the form YYYY-MM-DD"
        elif not _mc_member(item, allowed):
            return f"{_mc_show(key)}: {_mc_show(item)} is not one of the allowed values"
    return None


def _mc_problem(field, value):
    """What is wrong with the format of ``value`` for ``field``, or None."""
    kind = field["kind"]
    if value is None:
        return "not answered yet: replace None with your answer"
    if kind == "choice":
        return None if _mc_member(value, field["allowed"]) else f"{_mc_show(value)} is not one of the allowed values"
    if kind == "id_set" or kind == "id_sequence":
        return _mc_list_problem(field, value)
    if kind == "number":
        return None if _mc_is_number(value) else "must be a number, e.g. 1.25"
    if kind == "date":
        return None if _mc_parse_date(value) is not None else "must be a date in the form \"YYYY-MM-DD\""
    if kind == "schedule":
        if _mc_type(value) is not _mc_list or value.__len__() == 0:
            return "must be a list of dates, e.g. [\"2025-03-03\", \"2025-03-17\"]"
        for item in value:
            if _mc_parse_date(item) is None:
                return f"{_mc_show(item)} is not a date in the form YYYY-MM-DD"
        return None
    return _mc_table_problem(field, value)


# --- credit ------------------------------------------------------------------
def _mc_untouched(value):
    """A template dict whose values are all still None."""
    if _mc_type(value) is not _mc_dict or value.__len__() == 0:
        return False
    for item in value.values():
        if item is not None:
            return False
    return True


def _mc_set_credit(field, value):
    if _mc_type(value) is not _mc_list:
        return 0.0, "not a list"
    given = {}
    for item in value:
        if _mc_type(item) is _mc_str:
            given[item] = True
    expected = field["expected"]
    hits = 0
    for item in expected:
        if item in given:
            hits += 1
    extras = [item for item in given if not _mc_member(item, expected)]
    if expected.__len__() == 0:
        return (1.0, "right") if given.__len__() == 0 else (0.0, "not right: there are none here")
    credit = (hits - extras.__len__()) / expected.__len__()
    credit = credit if credit > 0 else 0.0
    if hits == expected.__len__() and not extras:
        return 1.0, "right"
    note = f"partly right: {hits} of the {expected.__len__()} expected"
    if extras:
        note += ", and " + ", ".join([_mc_show(item) for item in extras]) + " should not be there"
    return credit, note


def _mc_sequence_credit(field, value):
    """Credit for the longest run of the expected order kept in the answer."""
    if _mc_type(value) is not _mc_list:
        return 0.0, "not a list"
    expected = field["expected"]
    longest = [0] * (expected.__len__() + 1)
    for item in value:
        previous_row = longest[:]
        position = 1
        for wanted in expected:
            if _mc_same(item, wanted):
                longest[position] = previous_row[position - 1] + 1
            elif longest[position - 1] > longest[position]:
                longest[position] = longest[position - 1]
            position += 1
    kept, size = longest[-1], expected.__len__()
    if kept == size and value.__len__() == kept:
        return 1.0, "right"
    longer = value.__len__() if value.__len__() > size else size
    return kept / longer, f"partly right: {kept} of {size} in the right order"


def _mc_table_credit(field, value):
    if _mc_type(value) is not _mc_dict:
        return 0.0, "not a dict like the template"
    wrong = [key for key in field["keys"] if key not in value or not _mc_same(value[key], field["expected"][key])]
    right = field["keys"].__len__() - wrong.__len__()
    if not wrong:
        return 1.0, "right"
    return right / field["keys"].__len__(), f"{right} of {field['keys'].__len__()} right; not right: " + ", ".join(wrong)


def _mc_pre_treatment_credit(field, value, answers):
    if _mc_type(value) is not _mc_dict:
        return 0.0, "not a dict like the template"
    sessions = answers.get(field["sessions_field"])
    first = _mc_day(sessions[0]) if _mc_type(sessions) is _mc_list and sessions.__len__() > 0 else None
    reference = first if first is not None else _mc_day(field["first"])
    wrong = [key for key in field["keys"] if key not in value or _mc_day(value[key]) != reference - field["days_before"][key]]
    right = field["keys"].__len__() - wrong.__len__()
    if not wrong:
        return 1.0, "right (counted from your first session)"
    return right / field["keys"].__len__(), f"{right} of {field['keys'].__len__()} right (counted from your first session); not right: " + ", ".join(wrong)


def _mc_schedule_credit(field, value):
    problems = _mc_schedule_problems(field["phases"], value)
    on_time = _mc_type(value) is _mc_list and value.__len__() > 0 and _mc_day(value[0]) == _mc_day(field["first"])
    credit = (0.5 if on_time else 0.0) + (0.5 if not problems else 0.0)
    note = "first session on the right date" if on_time else "first session not on the right date"
    if problems:
        return credit, note + "; the dates do not follow the right protocol: " + "; ".join([problem[2] for problem in problems])
    return credit, note + "; the dates follow the right protocol"


def _mc_credit(field, value, answers):
    """(credit in 0..1, plain-language note) for one answer; never reveals the expected one."""
    kind = field["kind"]
    if value is None or _mc_untouched(value):
        return 0.0, "not answered"
    if kind == "choice" and "accepted" in field:
        return (1.0, "right") if _mc_member(value, field["accepted"]) else (0.0, "not right")
    if kind == "choice" or kind == "date":
        same = _mc_same(value, field["expected"]) if kind == "choice" else _mc_day(value) == _mc_day(field["expected"])
        return (1.0, "right") if same else (0.0, "not right")
    if kind == "number":
        if not _mc_is_number(value):
            return 0.0, "not a number"
        gap = value - field["expected"]
        return (1.0, "right") if -field["tolerance"] <= gap <= field["tolerance"] else (0.0, "not right")
    if kind == "id_set":
        return _mc_set_credit(field, value)
    if kind == "id_sequence":
        return _mc_sequence_credit(field, value)
    if kind == "mapping":
        return _mc_table_credit(field, value)
    if kind == "pre_treatment":
        return _mc_pre_treatment_credit(field, value, answers)
    if kind == "schedule":
        return _mc_schedule_credit(field, value)
    if _mc_type(value) is _mc_dict and value.__len__() == field["keys"].__len__():
        for combination in field["expected"]:
            matches = 0
            for key in field["keys"]:
                matches += 1 if key in value and _mc_same(value[key], combination[key]) else 0
            if matches == field["keys"].__len__():
                return 1.0, "right: it reaches the target"
    return 0.0, "not right: it does not reach the target"


def _mc_grade(title, points, fields, answers):
    """Score one question: print a line per answer and return the points earned."""
    total = 0.0
    lines = []
    for field in fields:
        value = answers.get(field["name"])
        try:
            credit, note = _mc_credit(field, value, answers)
            problem = _mc_problem(field, value)
        except:  # noqa: E722 - any answer must leave the other answers graded
            credit, note, problem = 0.0, "could not be read", None
        if problem is not None and value is not None and not _mc_untouched(value):
            note += f" (format: {problem})"
        total += field["weight"] * credit
        lines.append(f"  {field['label']}: {note}")
    total = total if total < points else points
    total = (total * 100 + 0.5) // 1 / 100 if total > 0 else 0.0
    print(f"{title}: {total:g} of {points:g} points")
    for line in lines:
        print(line)
    return total
