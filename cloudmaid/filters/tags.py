"""Tag filters (``tag-count``, ``marked-for-op``) and the mark format they share with the
``mark-for-op`` action: ``<msg>: <op>@<date>`` in tag ``maid_status``, the date being
``%Y/%m/%d`` or, when hours are given, ``%Y/%m/%d %H%M %Z`` (Cloud Custodian's format, so
marks written by either tool are read by both).
"""
import datetime
import functools
import warnings

from dateutil import tz as dateutil_tz
from dateutil.parser import parse as parse_datetime

from ..actions.core import actions
from .base import Filter, filters, now_of
from .ops import OPERATORS

DEFAULT_TAG = "maid_status"

#: Custodian's timezone shorthands (offhours TZ_ALIASES); anything else is an IANA name
TZ_ALIASES = {
    "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "ast": "America/Phoenix", "at": "America/Phoenix",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "gmt": "Etc/GMT", "gt": "Etc/GMT", "bst": "Europe/London", "ist": "Europe/Dublin",
    "cet": "Europe/Berlin", "it": "Asia/Kolkata", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
    "sgt": "Asia/Singapore", "aet": "Australia/Sydney", "brt": "America/Sao_Paulo",
    "nzst": "Pacific/Auckland", "utc": "Etc/UTC",
}


def resolve_tz(name):
    """A tzinfo for an alias or IANA name; None when unknown. (dateutil ships with botocore.)"""
    if not isinstance(name, str) or not name:
        return None
    return dateutil_tz.gettz(TZ_ALIASES.get(name.lower(), name))


def action_date(now, days=0, hours=0, tz="utc"):
    """The date string mark-for-op writes: ``now`` + days/hours, on the clock of ``tz``."""
    when = now.astimezone(resolve_tz(tz)) + datetime.timedelta(days=days or 0, hours=hours or 0)
    return when.strftime("%Y/%m/%d %H%M %Z" if (hours or 0) > 0 else "%Y/%m/%d")


def parse_mark(value):
    """``'... : op@date'`` -> ``(op, date string)``; None for anything else."""
    if not isinstance(value, str) or ":" not in value or "@" not in value:
        return None
    target = value.rsplit(":", 1)[1].strip()
    if "@" not in target:
        return None
    op, date = target.split("@", 1)
    return op, date


def mark_problems(manager, data):
    """What mark-for-op and marked-for-op check alike: the op exists here, the zone is known."""
    problems = []
    p = op_problem(manager, data.get("op"))
    if p:
        problems.append(p)
    if resolve_tz(data.get("tz", "utc")) is None:
        problems.append((("tz",), f"unknown timezone '{data.get('tz')}'"))
    return problems


def op_problem(manager, op, where=("op",)):
    """(where, message) when ``op`` is not an action of the manager's resource type."""
    if op is None:
        return (where, "missing 'op': the action the mark is for")
    rtype = getattr(manager, "type", None)
    if rtype is None:
        return None   # validated without a resource type (schema layer): nothing to check
    names = actions.names(rtype)
    if op in names:
        return None
    from ..suggest import did_you_mean   # validation only
    return (where, f"action '{op}' is not available on {rtype}{did_you_mean(op, names)}")


def abbreviations(tz, year):
    """``{abbreviation: fixed offset}`` of a zone's winter and summer time (EST/EDT, ...)."""
    out = {}
    for month in (1, 7):
        d = datetime.datetime(year, month, 1, 12, tzinfo=tz)
        if d.tzname() and d.tzname()[0].isalpha():
            out[d.tzname()] = datetime.timezone(d.utcoffset())
    return out


@functools.lru_cache(maxsize=4)
def known_abbreviations(year):
    """Abbreviations mark-for-op writes for the zones of TZ_ALIASES, ambiguous ones (IST:
    Dublin or Kolkata) left out. dateutil alone knows only UTC/GMT and reads a date in
    ``EST`` as one without a zone, which Custodian then compares with the machine's clock."""
    seen, ambiguous = {}, set()
    for name in sorted(set(TZ_ALIASES.values())):
        for abbr, offset in abbreviations(resolve_tz(name), year).items():
            if seen.setdefault(abbr, offset) != offset:
                ambiguous.add(abbr)
    return tuple((a, o) for a, o in seen.items() if a not in ambiguous)


def tag_value(resource, key):
    tags = resource.get("Tags") or ()
    if isinstance(tags, dict):
        return tags.get(key)
    for t in tags:
        if t.get("Key") == key:
            return t.get("Value")
    return None


@filters.register("tag-count")
class TagCount(Filter):
    """Resources with ``op`` (default gte) ``count`` (default 10) tags, not counting the
    ``aws:`` tags AWS adds itself."""
    schema = {"count": {"type": "integer", "minimum": 0}, "op": {"enum": sorted(OPERATORS)}}

    def keys(self):
        return {"Tags"}

    def match(self, resource, event=None):
        count = self.data.get("count", 10)
        op = OPERATORS[self.data.get("op", "gte")]
        tags = resource.get("Tags") or ()
        keys = tags.keys() if isinstance(tags, dict) else [t.get("Key", "") for t in tags]
        return op(sum(1 for k in keys if not k.startswith("aws:")), count)


@filters.register("marked-for-op")
class MarkedForOp(Filter):
    """Resources whose mark (tag ``tag``, default maid_status) names ``op`` and is due: now
    (plus ``skew`` days and ``skew_hours``) is at or past the marked date. Dates with a zone
    are compared on the clock of ``tz`` (default utc); dates without one (``%Y/%m/%d``) are
    read on that clock too."""
    schema = {"tag": {"type": "string"}, "tz": {"type": "string"},
              "skew": {"type": "number", "minimum": 0},
              "skew_hours": {"type": "number", "minimum": 0}, "op": {"type": "string"}}

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._dates = {}   # (year, mark date) -> parsed date

    def validate(self):
        return mark_problems(self.manager, self.data)

    def keys(self):
        return {"Tags"}

    def matcher(self, now, event=None):
        """The marks due at ``now`` (the run's clock) plus the skew, on the clock of ``tz``."""
        tz = resolve_tz(self.data.get("tz", "utc")) or resolve_tz("utc")
        now = now.astimezone(tz) + datetime.timedelta(days=self.data.get("skew", 0),
                                                      hours=self.data.get("skew_hours", 0))
        tzinfos = dict(known_abbreviations(now.year))
        tzinfos.update(abbreviations(tz, now.year))   # the filter's own zone decides (IST)
        tag, op = self.data.get("tag", DEFAULT_TAG), self.data.get("op", "stop")
        naive = now.replace(tzinfo=None)

        def due(resource):
            mark = parse_mark(tag_value(resource, tag))
            if mark is None or mark[0] != op:
                return False
            when = self.parse_date(mark[1], now.year, tzinfos)
            if when is None:
                return False
            if when.tzinfo is None:
                return naive >= when
            return now >= when.astimezone(tz)
        return due

    def match(self, resource, event=None):
        return self.matcher(now_of(self.manager), event)(resource)

    def parse_date(self, date, year, tzinfos):
        """The mark's date (a datetime, aware or naive) or None when it does not parse."""
        key = (year, date)
        if key not in self._dates:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")   # UnknownTimezoneWarning: read as naive
                    self._dates[key] = parse_datetime(date, tzinfos=tzinfos)
            except (ValueError, OverflowError):
                self._dates[key] = None
        return self._dates[key]
