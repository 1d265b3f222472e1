"""``value_type`` conversions of the value filter, with Cloud Custodian's semantics.

A conversion takes ``(configured, resource_value)`` and returns ``(v, r)``: the value filter
then checks the sentinels against ``v`` and compares ``op(r, v)``. Most types convert the
resource side; ``swap``, ``age`` and ``cidr`` (address against network) exchange the sides on
purpose, so that ``age`` with ``op: gt`` and ``value: 30`` reads "older than 30 days" and
``cidr`` with ``op: in`` reads "the configured address is inside the resource's network".

A type may also *prepare* the configured side once (parse a date, a CIDR, a version) instead
of per resource; ``age``/``expiration`` turn a day count into a threshold from the run's clock,
once per run.
"""
import datetime
import ipaddress
import re
import time

from dateutil.parser import parse as _parse_date
from dateutil.tz import tzutc

UTC = tzutc()
#: numbers below this are not epoch timestamps (Custodian uses S3's launch date, local time)
DATE_FLOOR = time.mktime((2006, 3, 19, 0, 0, 0, 0, 0, 0))


def parse_date(value):
    """datetime (aware, UTC) from a datetime, a date string, epoch seconds or milliseconds."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.astimezone(UTC)
    if isinstance(value, str) and not value.isdigit():
        try:
            return _parse_date(value).astimezone(UTC)
        except (AttributeError, TypeError, ValueError, OverflowError):
            pass
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            seconds = float(value)
        except ValueError:
            return None
        if seconds > DATE_FLOOR:
            for scale in (1, 1000):
                try:
                    return datetime.datetime.fromtimestamp(seconds / scale).astimezone(UTC)
                except (ValueError, OverflowError, OSError):
                    continue
    return None


# -- CIDR ------------------------------------------------------------------------------------
class Network(ipaddress.IPv4Network):
    """An IPv4 network where ``net in other`` means "is a subnet of" (Custodian's reading)."""

    def __contains__(self, other):
        if other is None:
            return False
        if isinstance(other, ipaddress._BaseNetwork):
            return self.supernet_of(other)
        return super().__contains__(other)


class CidrList:
    """A configured list of networks/addresses: ``x in CidrList`` if inside any or equal to one."""

    def __init__(self, items):
        self.items = items

    def __contains__(self, other):
        if other is None:
            return False
        return (any(other in n for n in self.items if isinstance(n, Network))
                or any(other == a for a in self.items if isinstance(a, ipaddress.IPv4Address)))


def parse_cidr(value):
    """A network (``a.b.c.d/n``, strict IPv4), an address (v4 or v6), a list of them, or None."""
    if isinstance(value, (list, set)):
        return CidrList([parse_cidr(v) for v in value])
    if not isinstance(value, str):
        return None
    try:
        return Network(value) if "/" in value else ipaddress.ip_address(value)
    except ValueError:
        return None


# -- versions --------------------------------------------------------------------------------
_VERSION_PART = re.compile(r"(\d+|[a-z]+|\.)")


class Version:
    """Loose version ("1.5.2b2", "3.10a"): numbers compare as numbers, letter runs as text.

    Like distutils' LooseVersion: a number against text at the same position cannot be ordered
    (the comparison is false), and comparing with a string parses the string first.
    """
    __slots__ = ("parts",)

    def __init__(self, text):
        if text is None or text == "":
            self.parts = None   # nothing to compare: every comparison is false
            return
        self.parts = [int(p) if p.isdigit() else p
                      for p in _VERSION_PART.split(str(text)) if p and p != "."]

    def _other(self, other):
        other = Version(other).parts if isinstance(other, str) else (
            other.parts if isinstance(other, Version) else None)
        if other is None or self.parts is None:
            raise TypeError("not comparable as versions")
        return other

    def __eq__(self, other):
        try:
            return self.parts == self._other(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __lt__(self, other): return self.parts < self._other(other)
    def __le__(self, other): return self.parts <= self._other(other)
    def __gt__(self, other): return self.parts > self._other(other)
    def __ge__(self, other): return self.parts >= self._other(other)
    __hash__ = None

    def __repr__(self):
        return f"Version({self.parts!r})"


# -- conversions: (configured, resource value) -> (v, r) ------------------------------------
def normalize(configured, value):
    return configured, (value.strip().lower() if isinstance(value, str) else value)


def integer(configured, value):
    try:
        return configured, int(str(value).strip())
    except ValueError:
        return configured, 0


def float_(configured, value):
    try:
        return configured, float(str(value).strip())
    except ValueError:
        return configured, 0.0


def size(configured, value):
    try:
        return configured, len(value)
    except TypeError:
        return configured, 0


def unique_size(configured, value):
    try:
        return configured, len(set(value))
    except TypeError:
        return configured, 0


def swap(configured, value):
    return value, configured


def date(configured, value):
    # configured side prepared by parse_date
    return configured, parse_date(value)


def date_or_zero(value):
    """The resource side of ``age``/``expiration``: its date, 0 when it has none (which then
    compares with no date: a type mismatch, no match)."""
    d = parse_date(value)
    return 0 if d is None else d


def age(threshold, value):
    # compare threshold against the resource's date: "gt 30" means older than 30 days
    return date_or_zero(value), threshold


def expiration(threshold, value):
    return threshold, date_or_zero(value)


def cidr(configured, value):
    # configured side prepared by parse_cidr
    v = parse_cidr(value)
    if isinstance(configured, ipaddress._BaseAddress) and isinstance(v, ipaddress._BaseNetwork):
        return v, configured
    return configured, v


def cidr_size(configured, value):
    net = parse_cidr(value)
    return configured, (getattr(net, "prefixlen", 0) if net else 0)


def version(configured, value):
    # configured side prepared as a Version
    return configured, Version(value)


def age_threshold(configured, now):
    """``now`` less ``configured`` days (a datetime is taken as the threshold itself)."""
    if isinstance(configured, datetime.datetime):
        return configured
    return now - datetime.timedelta(days=configured)


def expiration_threshold(configured, now):
    if isinstance(configured, datetime.datetime):
        return configured
    return now + datetime.timedelta(days=configured)


#: value_type -> conversion returning ``(v, r)``
VALUE_TYPES = {
    "age": age, "expiration": expiration, "integer": integer, "float": float_, "size": size,
    "unique_size": unique_size, "normalize": normalize, "swap": swap, "date": date,
    "cidr": cidr, "cidr_size": cidr_size, "version": version,
    # handled by the value filter itself: the batch size, and a second key of the resource
    "resource_count": None, "expr": None,
}

#: value_type -> preparation of the configured side, done once per policy
PREPARE = {"date": parse_date, "cidr": parse_cidr, "version": Version}
#: value_type -> ``fn(configured, now)``: the threshold, once per run (it reads the clock)
CLOCKED = {"age": age_threshold, "expiration": expiration_threshold}
