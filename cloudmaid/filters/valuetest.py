"""Value filter data -> a Test (see predicate.py): the one place the value filter's meaning is
decided.

Key lookup (plain key, ``tag:Name``, dotted path or full JMESPath), ``default`` for a missing
value, optional ``value_regex`` capture, ``value_type`` conversion, then Cloud Custodian's
decision chain::

    r = resource value (None for 'in'/'not-in' becomes ())
    v, r = value_type conversion
    r is None and v == 'absent'  -> True
    r is not None and v == 'present' -> True
    v == 'not-null' and r        -> True
    v == 'empty' and not r       -> True
    op given                     -> op(r, v), a TypeError meaning False
    otherwise                    -> r == v

When ``v`` does not depend on the resource (the common case) the chain is specialised once on
the sentinels ``v`` equals and on the operator; everything that does not depend on the
resource (parsed dates, CIDRs, versions, sets, regexes) is computed outside the per-resource
function, the ``age``/``expiration`` threshold once per run from the run's clock.
"""
import datetime
import functools
import re

from ..errors import PolicyError
from .keys import access, compile_path, getter
from .ops import OPERATORS, REGEX_OPERATORS
from .predicate import Leaf, Opaque, Part, chain
from .valuefrom import values
from .valuetypes import CLOCKED, PREPARE, VALUE_TYPES, date_or_zero, parse_date

SENTINELS = ("absent", "present", "empty", "not-null")
_SYMBOLS = {"eq": "==", "equal": "==", "ne": "!=", "not-equal": "!=", "gt": ">",
            "greater-than": ">", "ge": ">=", "gte": ">=", "lt": "<", "less-than": "<",
            "le": "<=", "lte": "<="}


def compile_value(data, manager=None):
    """Value filter data -> Test. ``manager`` reads ``value_from`` urls on S3."""
    if data.get("value_from") is not None:
        return _value_from(data, manager)
    op, vtype, configured = data.get("op"), data.get("value_type"), data.get("value")
    read = [access(data.get("key"), data.get("tag_key_transforms"))]
    if data.get("default") is not None:
        read.append(use_default(data["default"]))
    regex = data.get("value_regex")
    if regex:
        read.append(Part(regex_capture(regex)))
    if op in ("in", "not-in"):   # Custodian turns a missing value into () for these
        read.append(EMPTY_IN)
    if data.get("value_path") is not None or vtype == "expr":
        return _dynamic(read, op, vtype, configured, data.get("value_path"), regex)
    if vtype is None:
        return Leaf(read, compare(op, configured, sentinel_flags(configured)))
    convert = VALUE_TYPES[vtype]
    if vtype in CLOCKED:
        # age: op(threshold, date), "gt 30" reading "older than 30 days";
        # expiration: op(date, threshold)
        threshold = CLOCKED[vtype]
        return Leaf(read + [TO_DATE], functools.partial(compare, op, swapped=vtype == "age"),
                    clock=lambda now: threshold(configured, now))
    cfg = PREPARE[vtype](configured) if vtype in PREPARE else configured
    if vtype in ("swap", "cidr"):   # v depends on the resource
        opfn = OPERATORS[op] if op else None

        def pair(x):
            v, r = convert(cfg, x)
            return decide(v, r, opfn) if vtype == "swap" else compare_plain(opfn, r, v)
        return Leaf(read, Part(pair))
    read.append(Part(lambda x: convert(cfg, x)[1]))
    return Leaf(read, compare(op, cfg, sentinel_flags(cfg)))


def use_default(default):
    """``default``: the value of a key the resource lacks (missing or null), read as if the
    resource had it (then ``value_regex``, ``value_type`` and the op apply to it)."""
    return Part(lambda x: default if x is None else x,
                ("if x is None:", "    x = DEFAULT"), {"DEFAULT": default})


#: 'in'/'not-in': a missing value is ()
EMPTY_IN = Part(lambda x: () if x is None else x, ("if x is None:", "    x = ()"))
#: the resource side of age/expiration (valuetypes.date_or_zero; an aware datetime, as boto3
#: returns dates, is used as it is)
TO_DATE = Part(date_or_zero, (
    "d = x if x.__class__ is DT and x.tzinfo is not None else parse_date(x)",
    "x = 0 if d is None else d"), {"DT": datetime.datetime, "parse_date": parse_date})


def compare(op, v, flags=(), swapped=False):
    """The Part testing a value ``x`` against a fixed ``v``: ``op(x, v)`` (``op(v, x)`` when
    ``swapped``), specialised on the sentinels ``v`` equals (``flags``)."""
    opfn = OPERATORS[op] if op else None
    env = {"V": v, "OP": opfn}
    if flags:
        return _sentinel(op, v, flags, env)
    if opfn is None or op in ("eq", "equal"):
        if swapped:
            return Part(lambda x: v == x, ("ok = V == x",), env)
        return Part(lambda x: x == v, ("ok = x == V",), env)
    members = _hashable_set(v) if isinstance(v, list) and not swapped else None
    if op in ("in", "ni", "not-in") and members is not None:
        env["S"] = members
        if op == "in":
            def member(x):
                try:
                    return x in members
                except TypeError:   # an unhashable value: compare item by item
                    return x in v
            return Part(member, ("try:", "    ok = x in S", "except TypeError:",
                                 "    ok = x in V"), env)

        def not_member(x):
            try:
                return x not in members
            except TypeError:
                return x not in v
        return Part(not_member, ("try:", "    ok = x not in S", "except TypeError:",
                                 "    ok = x not in V"), env)
    rx = _regex(op, v) if not swapped else None
    if rx is not None:
        env["RX"] = rx
        return Part(lambda x: isinstance(x, str) and rx.match(x) is not None,
                    ("ok = isinstance(x, str) and RX.match(x) is not None",), env)
    sym = _SYMBOLS.get(op)
    left, right = ("V", "x") if swapped else ("x", "V")
    expr = f"{left} {sym} {right}" if sym else f"bool(OP({left}, {right}))"
    if swapped:
        def plain(x):
            try:
                return bool(opfn(v, x))
            except TypeError:
                return False
    else:
        def plain(x):
            try:
                return bool(opfn(x, v))
            except TypeError:
                return False
    return Part(plain, ("try:", f"    ok = {expr}", "except TypeError:", "    ok = False"), env)


def _sentinel(op, v, flags, env):
    if op is None and len(flags) == 1:
        fn, line = {
            "absent": (lambda x: x is None or x == v, "ok = x is None or x == V"),
            "present": (lambda x: x is not None, "ok = x is not None"),
            "not-null": (lambda x: bool(x) or x == v, "ok = bool(x) or x == V"),
            "empty": (lambda x: not x or x == v, "ok = not x or x == V"),
        }[flags[0]]
        return Part(fn, (line,), env)
    absent, present, notnull, empty = (s in flags for s in SENTINELS)
    rest = compare(op, v).fn

    def decide_sentinel(x):
        if absent and x is None:
            return True
        if present and x is not None:
            return True
        if notnull and x:
            return True
        if empty and not x:
            return True
        return rest(x)
    return Part(decide_sentinel, None, env)


def _regex(op, pattern):
    if op not in REGEX_OPERATORS or not isinstance(pattern, str):
        return None
    try:
        return re.compile(pattern, re.IGNORECASE if op == "regex" else 0)
    except re.error:   # validation reports it; a run without validation fails in the op
        return None


def _hashable_set(items):
    try:
        return frozenset(items)
    except TypeError:
        return None


def sentinel_flags(v):
    """Which sentinels ``v`` equals (a value type may make ``v`` an object that parses them)."""
    try:
        return tuple(s for s in SENTINELS if v == s)
    except Exception:
        return ()


def decide(v, r, opfn):
    """Custodian's decision for one converted pair, when ``v`` depends on the resource."""
    if r is None and v == "absent":
        return True
    if r is not None and v == "present":
        return True
    if v == "not-null" and r:
        return True
    if v == "empty" and not r:
        return True
    return compare_plain(opfn, r, v)


def compare_plain(opfn, r, v):
    """``op(r, v)`` (equality without an op) with no sentinel; a type mismatch is no match."""
    if opfn is None:
        return r == v
    try:
        return bool(opfn(r, v))
    except TypeError:
        return False


def regex_capture(pattern):
    """``fn(value)``: the first capture group of ``pattern`` matched at the start, else None."""
    try:
        rx = re.compile(pattern)
    except re.error as e:   # validate() reports it; a run without validation fails clearly
        def invalid(value, _msg=f"invalid regex '{pattern}': {e}"):
            raise PolicyError(_msg)
        return invalid

    def capture(value):
        if not isinstance(value, str):
            return None
        m = rx.match(value)
        return m.group(1) if m else None
    return capture


def _value_from(data, manager):
    """``value_from``: the values are read on first use, then compiled like ``value``."""
    rest = {k: v for k, v in data.items() if k != "value_from"}
    compiled = []

    def bind(now, event=None):
        if not compiled:
            compiled.append(compile_value(dict(rest, value=values(data["value_from"], manager))))
        return compiled[0].bind(now, event)
    return Opaque(bind)


def _dynamic(read, op, vtype, configured, value_path, regex):
    """``value_path`` (the value is another path of the same resource) and ``value_type: expr``
    (the value names another key of the resource, read like the key itself): per resource."""
    get = chain([p.fn for p in read])
    opfn = OPERATORS[op] if op else None
    path = compile_path(value_path) if value_path is not None else None
    convert = VALUE_TYPES.get(vtype)
    other = {}   # expr: key name -> compiled lookup

    def lookup(name, res):
        if not isinstance(name, str):
            return None
        fn = other.get(name)
        if fn is None:
            fn = getter(name)
            if regex:
                fn = (lambda g, c: lambda r: c(g(r)))(fn, regex_capture(regex))
            other[name] = fn
        return fn(res)

    def matcher(now, event=None):
        prepare = (functools.partial(CLOCKED[vtype], now=now) if vtype in CLOCKED
                   else PREPARE.get(vtype))

        def match_dynamic(res):
            v = path(res) if path is not None else configured
            r = get(res)
            if vtype == "expr":
                v = lookup(v, res)
            elif convert is not None:
                if prepare is not None:
                    try:
                        v = prepare(v)
                    except TypeError:
                        return False
                v, r = convert(v, r)
            return decide(v, r, opfn)
        return match_dynamic
    return Opaque(matcher)
