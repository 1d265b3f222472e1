"""``offhour`` / ``onhour``: resources whose schedule says "stop now" / "start now", with Cloud
Custodian's semantics exactly (tests/test_offhours.py replays a table of its decisions).

A policy runs hourly; a resource matches only during the exact hour its schedule names, in its
time zone. The schedule is the policy's default (``offhour`` 19 / ``onhour`` 7, ``default_tz``
et, Monday to Friday unless ``weekends: false`` (every day) or ``weekends-only: true`` (off
Friday, on Monday)) or the resource's tag (``tag``, default ``maid_offhours``; key matched
case-insensitively) holding one of:

- empty or ``on``: the default schedule; ``off``: opted out;
- ``tz=<zone>``: the default schedule in another zone (an alias such as ``pt`` or an IANA name);
- ``off=(M-F,19);on=(M-F,7);tz=pt``, lists ``off=[(M-F,21),(U,18)]``; days M T W H F S U,
  ranges (wrapping: ``F-M``); the characters AWS refuses in some tag values escaped as
  ``u28`` ``u29`` ``u5b`` ``u5d`` ``u2c`` ``u3b`` ``u3d`` ``u2f`` ``u2d``.

Without the tag a resource is left alone, unless ``opt-out: true`` (then it takes the
defaults) or ``fallback-schedule`` gives a schedule. ``skip-days`` / ``skip-days-from`` name
dates (YYYY-MM-DD, in the resource's zone) on which nothing matches.
"""
import logging

from ..resources.tagsource import tag_map
from .tags import TZ_ALIASES
from . import valuefrom
from .base import Filter, filters, now_of

log = logging.getLogger("cloudmaid.offhours")

DAYS = {"m": 0, "t": 1, "w": 2, "h": 3, "f": 4, "s": 5, "u": 6}
ESCAPES = {"u" + hex(ord(c))[2:]: c for c in "()[],;=/-"}
DEFAULT_TAG = "maid_offhours"
DEFAULT_TZ = "et"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"


def get_tz(name):
    """A tzinfo for an alias or zone name (any case), None when unknown."""
    from dateutil import tz   # botocore's dependency: present wherever boto3 is
    if not isinstance(name, str) or not name:
        return None
    if name in TZ_ALIASES:
        return tz.gettz(TZ_ALIASES[name])
    found = tz.gettz(name.title())
    if found is None and name == name.lower():
        real = _lower_zones().get(name)
        found = tz.gettz(real) if real else None
    return found


def _lower_zones():
    """Zones whose name is not title case (``America/Port-au-Prince``), by lower-case name."""
    global _LOWER
    if _LOWER is None:
        from dateutil import zoneinfo
        _LOWER = {z.lower(): z for z in zoneinfo.get_zonefile_instance().zones
                  if z.title() != z and z.lower() not in TZ_ALIASES}
    return _LOWER


_LOWER = None


def raw_data(value):
    """``key=value`` pieces split on spaces and ``;`` (pieces without one ``=`` ignored)."""
    data = {}
    for part in value.split(" "):
        for piece in part.split(";"):
            kv = piece.split("=")
            if len(kv) == 2:
                data[kv[0]] = kv[1]
    return data


def keys_valid(value):
    return all(k in ("on", "off", "tz") for k in raw_data(value))


def day_range(days):
    if days in DAYS:
        return [DAYS[days]]
    ends = [DAYS[d] for d in days.split("-") if d in DAYS]
    if len(ends) != 2:
        return None
    if ends[0] > ends[1]:   # wraps: f-m is Friday to Monday
        return list(range(ends[0], 7)) + list(range(ends[1] + 1))
    return list(range(ends[0], ends[1] + 1))


def parse_times(lexeme):
    """``(M-F,19)`` / ``[(M-F,21),(U,18)]`` -> ``[{days, hour}]``; None when malformed."""
    out = []
    for expr in lexeme.replace("[", "").replace("]", "").split(",("):
        tokens = expr.replace("(", "").replace(")", "").split(",")
        if len(tokens) != 2 or not tokens[1].isdigit() or int(tokens[1]) not in range(24):
            return None
        days = day_range(tokens[0])
        if not days:
            return None
        out.append({"days": days, "hour": int(tokens[1])})
    return out


def parse(value, default_tz):
    """A full tag schedule (``off=...;on=...;tz=...``) -> dict; None when invalid."""
    if not keys_valid(value):
        return None
    schedule = {}
    for piece in value.split(";"):
        kv = piece.split("=")
        if len(kv) != 2:
            return None
        key, val = kv
        if key != "tz":
            val = parse_times(val)
        if val is None:
            return None
        schedule[key] = val
    if not schedule.get("tz"):
        schedule["tz"] = default_tz
    return schedule


class Time(Filter):
    time_type = None          # "off" | "on"
    default_hour = None
    schema = {"tag": {"type": "string"}, "default_tz": {"type": "string"},
              "fallback-schedule": {"type": "string"}, "fallback_schedule": {"type": "string"},
              "weekends": {"type": "boolean"}, "weekends-only": {"type": "boolean"},
              "opt-out": {"type": "boolean"},
              "skip-days": {"type": "array", "items": {"type": "string", "pattern": _DATE}},
              "skip-days-from": valuefrom.SCHEMA}

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.default_tz = d.get("default_tz", DEFAULT_TZ)
        self.opt_out = d.get("opt-out", False)
        self.tag_key = d.get("tag", DEFAULT_TAG).lower()
        self.fallback = d.get("fallback-schedule") or d.get("fallback_schedule")
        self.default = self.default_schedule()
        self._skip = None
        self._parsed = {}

    @property
    def hour(self):
        return self.data.get(f"{self.time_type}hour", self.default_hour)

    def default_schedule(self):
        if self.data.get("weekends-only", False):
            days = [self.weekend_day]
        elif self.data.get("weekends", True):
            days = list(range(5))
        else:
            days = list(range(7))
        return {"tz": self.default_tz, self.time_type: [{"hour": self.hour, "days": days}]}

    def validate(self):
        out = []
        if get_tz(self.default_tz) is None:
            out.append((("default_tz",), f"unknown time zone '{self.default_tz}': use an alias "
                        f"({', '.join(sorted(TZ_ALIASES))}) or an IANA name such as "
                        f"America/New_York"))
        if "skip-days" in self.data and "skip-days-from" in self.data:
            out.append((("skip-days-from",), "give skip-days or skip-days-from, not both"))
        return out

    def tag_value(self, resource):
        """The schedule text on the resource (or the fallback), normalised; False when none."""
        found = self.fallback
        for key, value in tag_map(resource).items():
            if key.lower() == self.tag_key:
                found = value
                break
        if found in (False, None):
            return False
        value = found.lower()
        for escape, char in ESCAPES.items():
            value = value.replace(escape, char)
        return value.strip("'").strip('"')

    def schedule_of(self, value):
        value = ";".join(filter(None, value.split(";")))
        if value not in self._parsed:
            if self.time_type in raw_data(value):
                schedule = parse(value, self.default_tz)
            elif keys_valid(value):
                tz = raw_data(value).get("tz")
                schedule = dict(self.default, tz=tz) if tz else self.default
            else:
                schedule = None
            self._parsed[value] = schedule
        return self._parsed[value]

    def skip_days(self):
        if self._skip is None:
            if "skip-days-from" in self.data:
                self._skip = set(valuefrom.values(self.data["skip-days-from"], self.manager))
            else:
                self._skip = set(self.data.get("skip-days") or ())
        return self._skip

    def matcher(self, now, event=None):
        def match(resource):
            value = self.tag_value(resource)
            if value is False:
                if not self.opt_out:
                    return False
                value = ""
            if value == "off":
                return False
            schedule = self.schedule_of(value)
            tz = get_tz(schedule["tz"]) if schedule else None
            if tz is None:
                log.warning("%s: invalid schedule %r", self.type, value)
                return False
            local = now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
            if local.strftime("%Y-%m-%d") in self.skip_days():
                return False
            return any(local.weekday() in item["days"] and local.hour == item["hour"]
                       for item in schedule.get(self.time_type, ()))
        return match

    def match(self, resource, event=None):
        return self.matcher(now_of(self.manager), event)(resource)

    def keys(self):
        return {"Tags"}


@filters.register("offhour")
class OffHour(Time):
    """Matches at the hour the resource's schedule turns it off (see the module doc)."""
    time_type, default_hour, weekend_day = "off", 19, 4
    schema = dict(Time.schema, offhour={"type": "integer", "minimum": 0, "maximum": 23})


@filters.register("onhour")
class OnHour(Time):
    """Matches at the hour the resource's schedule turns it on (see the module doc)."""
    time_type, default_hour, weekend_day = "on", 7, 0
    schema = dict(Time.schema, onhour={"type": "integer", "minimum": 0, "maximum": 23})
