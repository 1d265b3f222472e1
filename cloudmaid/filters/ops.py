"""Comparison operators of the value filter, Cloud Custodian's names and aliases."""
import fnmatch
import functools
import operator
import re


@functools.lru_cache(maxsize=512)
def _regex(pattern, flags):
    return re.compile(pattern, flags)


def glob(value, pattern):
    return isinstance(value, str) and fnmatch.fnmatch(value, pattern)


def regex(value, pattern):
    return isinstance(value, str) and bool(_regex(pattern, re.IGNORECASE).match(value))


def regex_case(value, pattern):
    return isinstance(value, str) and bool(_regex(pattern, 0).match(value))


def difference(value, other):
    return bool(set(value).difference(other))


def intersect(value, other):
    return bool(set(value).intersection(other))


def mod(value, other):
    # Custodian's reading: true when ``value`` is NOT a multiple of ``other``
    try:
        return bool(value % other)
    except ZeroDivisionError:
        return False


OPERATORS = {
    "eq": operator.eq, "equal": operator.eq,
    "ne": operator.ne, "not-equal": operator.ne,
    "gt": operator.gt, "greater-than": operator.gt,
    "ge": operator.ge, "gte": operator.ge,
    "lt": operator.lt, "less-than": operator.lt,
    "le": operator.le, "lte": operator.le,
    "glob": glob,
    "regex": regex,
    "regex-case": regex_case,
    "in": lambda value, other: value in other,
    "ni": lambda value, other: value not in other,
    "not-in": lambda value, other: value not in other,
    "contains": operator.contains,
    "difference": difference,
    "intersect": intersect,
    "mod": mod,
}

#: operators whose configured value is a list (``mod`` takes a number, as in Custodian)
LIST_OPERATORS = {"in", "ni", "not-in", "difference", "intersect"}
REGEX_OPERATORS = {"regex", "regex-case"}
