"""EventBridge event patterns: content matching and canonical rendering.

Matching follows EventBridge's content-filtering rules: a pattern is a tree of objects whose
leaves are arrays of matchers; a leaf matches when any matcher matches the event's value (or,
when the value is an array, any of its elements). Matchers: exact values (strings, numbers,
booleans, null), ``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``,
``anything-but`` (value, list, prefix or suffix), ``numeric`` ranges, ``exists``, ``cidr``;
``$or`` combines sub-patterns. A field absent from the event only matches ``exists: false``.
"""
import ipaddress
import json
import re

_MISSING = object()


class PatternError(ValueError):
    pass


def matches(pattern, event):
    """True when ``event`` (a dict) matches the EventBridge ``pattern`` (a dict)."""
    return _match_object(pattern, event)


def _match_object(pattern, value):
    if not isinstance(pattern, dict):
        raise PatternError(f"pattern must be an object, got {type(pattern).__name__}")
    for key, sub in pattern.items():
        if key == "$or":
            if not any(_match_object(alt, value) for alt in sub):
                return False
            continue
        field = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(sub, dict):
            # nested object: an absent object behaves as if all its fields were absent
            inner = field if isinstance(field, dict) else {}
            if field is _MISSING or not isinstance(field, dict):
                if not _only_absent_ok(sub):
                    return False
                continue
            if not _match_object(sub, inner):
                return False
        elif isinstance(sub, list):
            if not _match_leaf(sub, field):
                return False
        else:
            raise PatternError(f"pattern value for '{key}' must be an array or an object")
    return True


def mismatch(pattern, event):
    """Why ``event`` does not match ``pattern``, naming the first field that fails
    (``detail-type is "X"; the pattern wants "Y"``), or None when it matches. Top-level fields
    are checked before nested objects: a wrong ``detail-type`` says more than a missing
    ``detail`` field."""
    if not isinstance(event, dict):
        return f"the event is a {type(event).__name__}, not an object"
    return _why(pattern, event, ())


def _why(pattern, value, path):
    for key, sub in sorted(pattern.items(), key=lambda kv: (not isinstance(kv[1], list), kv[0])):
        if key == "$or":
            if not any(_match_object(alt, value) for alt in sub):
                return f"{_dotted(path) or 'the event'} matches none of the pattern's $or alternatives"
            continue
        p = path + (key,)
        field = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(sub, dict):
            # an absent (or non-object) field behaves as an object without fields
            why = _why(sub, field if isinstance(field, dict) else {}, p)
            if why:
                return why
        elif not _match_leaf(sub, field):
            wants = _wants(sub)
            if field is _MISSING:
                return f"the event has no {_dotted(p)}; the pattern wants {wants}"
            return f"{_dotted(p)} is {json.dumps(field, sort_keys=True)}; the pattern wants {wants}"
    return None


def _dotted(path):
    return ".".join(str(p) for p in path)


def _wants(matchers, shown=4):
    text = [json.dumps(m, sort_keys=True) for m in matchers]
    if len(text) == 1:
        return text[0]
    more = f", ... ({len(text)} in all)" if len(text) > shown else ""
    return "one of " + ", ".join(text[:shown]) + more


def _only_absent_ok(sub):
    """A nested pattern applied to an absent object: matches only if every leaf accepts absence."""
    for key, v in sub.items():
        if key == "$or":
            if not any(_only_absent_ok(alt) for alt in v):
                return False
        elif isinstance(v, dict):
            if not _only_absent_ok(v):
                return False
        elif not _match_leaf(v, _MISSING):
            return False
    return True


def _match_leaf(matchers, field):
    if field is _MISSING:
        return any(isinstance(m, dict) and m.get("exists") is False for m in matchers)
    values = field if isinstance(field, list) else [field]
    for m in matchers:
        if isinstance(m, dict) and "exists" in m:
            # exists applies to leaves: an object value is not a leaf
            present = not isinstance(field, dict) and (not isinstance(field, list) or bool(field))
            if m["exists"] == present:
                return True
            continue
        if any(_match_one(m, v) for v in values):
            return True
    return False


def _match_one(m, v):
    if not isinstance(m, dict):
        return _equal(m, v)
    if len(m) != 1:
        raise PatternError(f"a matcher object has exactly one key: {m!r}")
    (op, arg), = m.items()
    if op == "prefix":
        return _affix(arg, v, str.startswith)
    if op == "suffix":
        return _affix(arg, v, str.endswith)
    if op == "equals-ignore-case":
        return isinstance(v, str) and v.casefold() == str(arg).casefold()
    if op == "wildcard":
        return isinstance(v, str) and _wildcard(arg).fullmatch(v) is not None
    if op == "anything-but":
        return _anything_but(arg, v)
    if op == "numeric":
        return _numeric(arg, v)
    if op == "cidr":
        return _cidr(arg, v)
    raise PatternError(f"unknown matcher '{op}'")


def _equal(m, v):
    if isinstance(m, bool) or isinstance(v, bool) or m is None or v is None:
        return m is v or (m == v and type(m) is type(v))
    if isinstance(m, (int, float)) and isinstance(v, (int, float)):
        return float(m) == float(v)
    return m == v


def _affix(arg, v, test):
    if not isinstance(v, str):
        return False
    if isinstance(arg, dict):     # {"prefix": {"equals-ignore-case": "x"}}
        arg = arg.get("equals-ignore-case", "")
        return test(v.casefold(), str(arg).casefold())
    return test(v, arg)


def _wildcard(arg):
    return re.compile(".*".join(re.escape(part) for part in str(arg).split("*")), re.S)


def _anything_but(arg, v):
    if isinstance(arg, dict):
        return not _match_one(arg, v)
    if isinstance(arg, list):
        return not any(_equal(a, v) for a in arg)
    return not _equal(arg, v)


_NUMERIC_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
                ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _numeric(arg, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    if len(arg) % 2:
        raise PatternError(f"numeric matcher needs operator/value pairs: {arg!r}")
    for op, bound in zip(arg[::2], arg[1::2]):
        if op not in _NUMERIC_OPS:
            raise PatternError(f"unknown numeric operator '{op}'")
        if not _NUMERIC_OPS[op](v, bound):
            return False
    return True


def _cidr(arg, v):
    try:
        return isinstance(v, str) and ipaddress.ip_address(v) in ipaddress.ip_network(arg, strict=False)
    except ValueError:
        return False


MATCHERS = ("prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric",
            "exists", "cidr")


def problems(pattern, path=()):
    """``(path, message)`` for each part of a pattern EventBridge would reject."""
    if not isinstance(pattern, dict):
        return [(path, "an event pattern is an object of fields")]
    out = []
    for key, sub in pattern.items():
        p = path + (key,)
        if key == "$or":
            if not isinstance(sub, list) or len(sub) < 2:
                out.append((p, "$or takes a list of at least two patterns"))
                continue
            for i, alt in enumerate(sub):
                out.extend(problems(alt, p + (i,)))
        elif isinstance(sub, dict):
            out.extend(problems(sub, p))
        elif not isinstance(sub, list):
            out.append((p, "a field's value must be a list of matchers or an object"))
        else:
            for i, m in enumerate(sub):
                if isinstance(m, dict) and (len(m) != 1 or next(iter(m)) not in MATCHERS):
                    out.append((p + (i,), f"unknown matcher {json.dumps(m)} (use one of "
                                          f"{', '.join(MATCHERS)})"))
    return out


# -- canonical form ---------------------------------------------------------------------------
def canonical(pattern):
    """The same pattern with object keys sorted and scalar arrays sorted and deduplicated, so
    that equal patterns always render to the same bytes (no spurious redeploys)."""
    if isinstance(pattern, dict):
        # a numeric matcher's array is an ordered list of operator/value pairs
        return {k: pattern[k] if k == "numeric" else canonical(pattern[k]) for k in sorted(pattern)}
    if isinstance(pattern, list):
        items = [canonical(x) for x in pattern]
        keyed = {json.dumps(x, sort_keys=True): x for x in items}
        return [keyed[k] for k in sorted(keyed)]
    return pattern


def render(pattern):
    """Canonical JSON text of a pattern (what goes into PutRule's EventPattern)."""
    return json.dumps(canonical(pattern), sort_keys=True, separators=(",", ":"))


def merge(base, extra):
    """Merge a user's extra ``pattern`` into a mode's pattern: objects merge recursively,
    arrays from ``extra`` replace."""
    out = dict(base)
    for k, v in (extra or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out
