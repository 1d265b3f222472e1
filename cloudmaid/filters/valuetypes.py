"""``value_type`` conversions of the value filter, with Cloud Custodian's semantics.

Each function takes ``(configured, resource_value)`` and returns the pair to compare as
``op(resource_side, configured_side)``. ``age`` swaps the sides on purpose: ``op: gt`` with
``value: 30`` reads "older than 30 days".
"""
import datetime
import ipaddress
import re

from dateutil.parser import parse as _parse_date
from dateutil.tz import tzutc


def parse_date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tzutc())
    if isinstance(value, (int, float)):
        # epoch seconds or milliseconds
        if value > 1e11:
            value = value / 1000.0
        return datetime.datetime.fromtimestamp(value, tz=tzutc())
    if isinstance(value, str):
        try:
            d = _parse_date(value)
        except (ValueError, OverflowError, TypeError):
            return None
        return d if d.tzinfo else d.replace(tzinfo=tzutc())
    return None


def parse_cidr(value):
    if not isinstance(value, str):
        return None
    try:
        if "/" in value:
            return ipaddress.ip_network(value, strict=False)
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def now():
    return datetime.datetime.now(tz=tzutc())


def _days(value):
    return datetime.timedelta(days=float(value))


def age(configured, value):
    threshold = configured if isinstance(configured, datetime.datetime) else now() - _days(configured)
    resource = parse_date(value)
    return threshold, (0 if resource is None else resource)


def expiration(configured, value):
    threshold = configured if isinstance(configured, datetime.datetime) else now() + _days(configured)
    resource = parse_date(value)
    return (0 if resource is None else resource), threshold


def integer(configured, value):
    try:
        return int(str(value).strip()), configured
    except ValueError:
        return 0, configured


def float_(configured, value):
    try:
        return float(str(value).strip()), configured
    except ValueError:
        return 0.0, configured


def size(configured, value):
    try:
        return len(value), configured
    except TypeError:
        return 0, configured


def unique_size(configured, value):
    try:
        return len(set(value)), configured
    except TypeError:
        return 0, configured


def normalize(configured, value):
    if isinstance(value, str):
        value = value.strip().lower()
    return value, configured


def swap(configured, value):
    return configured, value


def date(configured, value):
    return parse_date(value), parse_date(configured)


def cidr(configured, value):
    s, v = parse_cidr(configured), parse_cidr(value)
    if isinstance(s, ipaddress._BaseAddress) and isinstance(v, ipaddress._BaseNetwork):
        return s, v
    return v, s


def cidr_size(configured, value):
    net = parse_cidr(value)
    return (net.prefixlen if isinstance(net, ipaddress._BaseNetwork) else 0), configured


class Version:
    """Loose version ordering: numeric parts compare as numbers, others as text."""

    def __init__(self, text):
        self.parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                           for p in re.findall(r"\d+|[A-Za-z]+", str(text)))

    def _cmp(self, other):
        if not isinstance(other, Version):
            other = Version(other)
        return (self.parts > other.parts) - (self.parts < other.parts)

    def __eq__(self, other): return self._cmp(other) == 0
    def __ne__(self, other): return self._cmp(other) != 0
    def __lt__(self, other): return self._cmp(other) < 0
    def __le__(self, other): return self._cmp(other) <= 0
    def __gt__(self, other): return self._cmp(other) > 0
    def __ge__(self, other): return self._cmp(other) >= 0
    __hash__ = None


def version(configured, value):
    return Version(value), Version(configured)


#: value_type -> conversion returning (resource_side, configured_side)
VALUE_TYPES = {
    "age": age, "expiration": expiration, "integer": integer, "float": float_, "size": size,
    "unique_size": unique_size, "normalize": normalize, "swap": swap, "date": date,
    "cidr": cidr, "cidr_size": cidr_size, "version": version,
    # resource_count compares the number of resources, handled by the value filter itself
    "resource_count": None,
}
