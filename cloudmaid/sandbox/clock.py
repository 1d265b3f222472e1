"""When schedules fire: the next time of an EventBridge ``rate(...)`` / ``cron(...)``
expression, and the clocks the sandbox's scheduler runs on (the wall clock, or one a test
moves by hand).

Expressions reaching here were checked by cloudmaid.events.schedule (``maid validate``,
EventBridge's PutRule): this reads them, it does not judge them.
"""
import calendar
import datetime
import re
import threading

from ..events.schedule import DAYS, MONTHS

UTC = datetime.timezone.utc
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expr):
    """``rate(5 minutes)`` -> 300; None for anything else."""
    m = re.match(r"^rate\((\d+) +(minute|hour|day)s?\)$", expr.strip())
    return int(m.group(1)) * _UNITS[m.group(2)] if m else None


def next_time(expr, after, anchor=None, tz=None):
    """The first time strictly after ``after`` that ``expr`` fires (None: never again). A
    rate fires every period from ``anchor`` (when the rule was created); a cron on the
    minutes it names and a one-time ``at(...)`` at its time, both in ``tz`` (a zone name;
    UTC by default, as EventBridge rules have no other)."""
    period = rate_seconds(expr)
    if period is not None:
        anchor = anchor or after
        done = int((after - anchor).total_seconds() // period) + 1 if after >= anchor else 1
        return anchor + datetime.timedelta(seconds=period * max(done, 1))
    zone = _zone(tz)
    m = re.match(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$", expr.strip())
    if m:
        when = datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=zone).astimezone(UTC)
        return when if when > after else None
    m = re.match(r"^cron\((.*)\)$", expr.strip())
    if not m:
        return None
    return Cron(m.group(1)).next(after, zone)


def _zone(name):
    if not name or name in ("UTC", "Etc/UTC"):
        return UTC
    import zoneinfo
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def _values(text, low, high, names=()):
    """The numbers a cron field's plain parts name (``*``, lists, ranges, increments)."""
    out = set()
    for part in text.split(","):
        base, _, step = part.partition("/")
        step = int(step) if step else 1
        if base in ("*", "?"):
            a, b = low, high
        elif "-" in base:
            a, b = (_number(x, low, names) for x in base.split("-", 1))
        else:
            a = _number(base, low, names)
            b = high if step > 1 else a
        out.update(range(a, b + 1, step))
    return out


def _number(text, low, names):
    text = text.upper()
    return names.index(text) + low if text in names else int(text)


class Cron:
    """A 6-field AWS cron: minutes hours day-of-month month day-of-week year (UTC)."""

    def __init__(self, text):
        f = text.split()
        self.minutes = _values(f[0], 0, 59)
        self.hours = _values(f[1], 0, 23)
        self.dom, self.months = f[2], _values(f[3], 1, 12, MONTHS)
        self.dow = f[4]
        self.years = _values(f[5], 1970, 2199)

    def day_matches(self, day):
        return self._dom(day) if self.dow == "?" else self._dow(day)

    def _dom(self, day):
        last = calendar.monthrange(day.year, day.month)[1]
        for part in self.dom.split(","):
            if part == "L":
                if day.day == last:
                    return True
            elif part == "LW":
                if day == _weekday_near(day.replace(day=last)):
                    return True
            elif part.endswith("W"):
                wanted = min(int(part[:-1]), last)
                if day == _weekday_near(day.replace(day=wanted)):
                    return True
            elif day.day in _values(part, 1, 31):
                return True
        return False

    def _dow(self, day):
        number = (day.isoweekday() % 7) + 1       # AWS: 1 = SUN ... 7 = SAT
        for part in self.dow.split(","):
            if "#" in part:
                name, _, nth = part.partition("#")
                if number == _number(name, 1, DAYS) and (day.day - 1) // 7 + 1 == int(nth):
                    return True
            elif part.endswith("L") and part != "L":
                last = calendar.monthrange(day.year, day.month)[1]
                if number == _number(part[:-1], 1, DAYS) and day.day + 7 > last:
                    return True
            elif part == "L":
                if number == 7:
                    return True
            elif number in _values(part, 1, 7, DAYS):
                return True
        return False

    def next(self, after, tz=UTC):
        """The first minute strictly after ``after`` it names, read in zone ``tz``; UTC."""
        start = after.astimezone(tz).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
        day = start.date()
        for _ in range(366 * 5):
            if day.year > 2199:
                return None
            if day.year in self.years and day.month in self.months and self.day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        when = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                        if when >= start:
                            return when.astimezone(UTC)
            day += datetime.timedelta(days=1)
        return None


def _weekday_near(day):
    """The weekday nearest ``day`` within its month (cron's ``W``)."""
    if day.weekday() < 5:
        return day
    last = calendar.monthrange(day.year, day.month)[1]
    if day.weekday() == 5:     # Saturday: Friday, unless that leaves the month
        return day - datetime.timedelta(days=1) if day.day > 1 else day + datetime.timedelta(days=2)
    return day + datetime.timedelta(days=1) if day.day < last else day - datetime.timedelta(days=2)


class WallClock:
    def __init__(self):
        self._wake = threading.Event()

    def now(self):
        return datetime.datetime.now(UTC)

    def sleep_until(self, when, cap=30.0):
        """Sleep until ``when`` (at most ``cap`` seconds) or a wake()."""
        seconds = (when - self.now()).total_seconds() if when else cap
        self._wake.wait(max(0.0, min(seconds, cap)))
        self._wake.clear()

    def wake(self):
        self._wake.set()


class ManualClock(WallClock):
    """A clock that moves only when told (tests): ``advance(hours=1)``."""

    def __init__(self, start=None):
        super().__init__()
        self._now = start or datetime.datetime(2026, 1, 1, tzinfo=UTC)
        self._cond = threading.Condition()

    def now(self):
        with self._cond:
            return self._now

    def advance(self, **delta):
        with self._cond:
            self._now += datetime.timedelta(**delta)
        self.wake()

    def sleep_until(self, when, cap=30.0):
        # time passes only through advance(): wait for it (or a wake), never for real time
        self._wake.wait(cap)
        self._wake.clear()
