"""EventBridge schedule expressions: ``rate(N unit)`` and the 6-field AWS ``cron(...)``;
EventBridge Scheduler also takes the one-time ``at(yyyy-mm-ddThh:mm:ss)``.

``problems(expr)`` returns one-line messages, empty when EventBridge would accept the
expression. Checked at ``maid validate`` time so that a deploy never fails on it.
"""
import datetime
import re

_RATE = re.compile(r"^rate\((\S+) +(\S+)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
UNITS = ("minute", "hour", "day")
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
DAYS = "SUN MON TUE WED THU FRI SAT".split()

# field name, low, high, names, extra characters allowed besides , - * /
FIELDS = (
    ("minutes", 0, 59, (), ""),
    ("hours", 0, 23, (), ""),
    ("day-of-month", 1, 31, (), "?LW"),
    ("month", 1, 12, MONTHS, ""),
    ("day-of-week", 1, 7, DAYS, "?L#"),
    ("year", 1970, 2199, (), ""),
)


_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def problems(expr, one_time=False):
    """``one_time``: also accept ``at(...)`` (EventBridge Scheduler)."""
    forms = ("rate(N unit), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)" if one_time
             else "rate(N unit) or cron(6 fields)")
    if not isinstance(expr, str):
        return ["schedule must be a string such as 'rate(1 day)' or 'cron(0 12 * * ? *)'"]
    expr = expr.strip()
    if expr.startswith("rate("):
        return _rate(expr)
    if expr.startswith("cron("):
        return _cron(expr)
    if one_time and expr.startswith("at("):
        return _at(expr)
    return [f"invalid schedule '{expr}': expected {forms}"]


def _at(expr):
    m = _AT.match(expr)
    if m:
        try:
            datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
            return []
        except ValueError:
            pass
    return [f"invalid one-time expression '{expr}': expected at(yyyy-mm-ddThh:mm:ss)"]


def _rate(expr):
    m = _RATE.match(expr)
    if not m:
        return [f"invalid rate expression '{expr}': expected rate(N minute[s]|hour[s]|day[s])"]
    value, unit = m.groups()
    if not value.isdigit() or int(value) < 1:
        return [f"invalid rate expression '{expr}': the value must be a positive whole number"]
    n = int(value)
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in UNITS:
        return [f"invalid rate expression '{expr}': unknown unit '{unit}' "
                f"(use minute(s), hour(s) or day(s))"]
    expected = singular if n == 1 else singular + "s"
    if unit != expected:
        return [f"invalid rate expression '{expr}': use '{expected}' with {n} "
                f"(rate({n} {expected}))"]
    return []


def _cron(expr):
    fields = _CRON.match(expr).group(1).split() if _CRON.match(expr) else None
    if fields is None:
        return [f"invalid cron expression '{expr}'"]
    if len(fields) != 6:
        hint = " (AWS crons have 6 fields: minutes hours day-of-month month day-of-week year)"
        return [f"invalid cron expression '{expr}': {len(fields)} fields{hint}"]
    out = []
    for value, spec in zip(fields, FIELDS):
        msg = _field(value, *spec)
        if msg:
            out.append(f"invalid cron expression '{expr}': {spec[0]} '{value}': {msg}")
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        out.append(f"invalid cron expression '{expr}': exactly one of day-of-month and "
                   f"day-of-week must be '?'")
    return out


def _field(value, name, low, high, names, extra):
    if value == "?":
        return None if "?" in extra else "'?' is only allowed in day-of-month or day-of-week"
    for part in value.split(","):
        msg = _part(part, low, high, names, extra)
        if msg:
            return msg
    return None


def _part(part, low, high, names, extra):
    if part == "*":
        return None
    if "/" in part:
        base, _, step = part.partition("/")
        if not step.isdigit() or int(step) < 1:
            return f"bad increment '{step}'"
        return _part(base, low, high, names, extra) if base != "*" else None
    if "L" in extra and part == "L":
        return None
    if "W" in extra and part.endswith("W"):
        return _number(part[:-1], low, high, names) if part != "LW" else None
    if "#" in extra and "#" in part:
        day, _, nth = part.partition("#")
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            return f"bad '#' occurrence '{nth}' (1-5)"
        return _number(day, low, high, names)
    if "L" in extra and part.endswith("L") and len(part) > 1:
        return _number(part[:-1], low, high, names)
    if "-" in part:
        a, _, b = part.partition("-")
        return _number(a, low, high, names) or _number(b, low, high, names)
    return _number(part, low, high, names)


def _number(text, low, high, names):
    if text.upper() in names:
        return None
    if not text.isdigit():
        return f"'{text}' is not a number" + (f" or a name ({names[0]}-{names[-1]})" if names else "")
    if not low <= int(text) <= high:
        return f"{text} is outside {low}-{high}"
    return None


def as_utc(value):
    """A start/end date (ISO text or datetime) as an aware UTC datetime; naive means UTC, as
    botocore takes it. Raises ValueError for text that is not an ISO date or time."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)
