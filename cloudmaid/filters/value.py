"""The ``value`` filter: compare a resource attribute with a configured value.

Compiled once per policy into a closure: key lookup (plain key, ``tag:Name``, dotted path or
full JMESPath), optional ``value_regex`` capture, ``value_type`` conversion, then Cloud
Custodian's decision chain::

    r = resource value (None for 'in'/'not-in' becomes ())
    v, r = value_type conversion
    r is None and v == 'absent'  -> True
    r is not None and v == 'present' -> True
    v == 'not-null' and r        -> True
    v == 'empty' and not r       -> True
    op given                     -> op(r, v), a TypeError meaning False
    otherwise                    -> r == v

The common shapes (no value type, plain equality, ``in`` a list, a sentinel) get specialised
closures; everything that does not depend on the resource (parsed dates, CIDRs, versions, the
``age`` threshold once per run) is computed outside the per-resource function.
"""
import datetime
import re

from ..errors import PolicyError
from . import core, fast
from .core import Filter, filters
from .keys import _TAG_TRANSFORMS, _tag_dict, compile_path, getter  # noqa: F401 (re-exported)
from .ops import OPERATORS
from .valuefrom import SCHEMA as VALUE_FROM_SCHEMA
from .valuecheck import _number, regex_problem, value_problems  # noqa: F401 (re-exported)
from .valuetypes import CLOCKED, PREPARE, VALUE_TYPES, parse_date

SENTINELS = ("absent", "present", "empty", "not-null")
#: value types whose compared ``v`` is never a sentinel string (a date, a threshold, a CIDR)
_NEVER_SENTINEL = {"age", "expiration", "date", "cidr"}


def shorthand(item):
    """``{key: value}`` and ``{"tag:Name": value}`` -> the full value filter form."""
    [(key, value)] = item.items()
    return {"type": "value", "key": key, "value": value}


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


def sentinel_flags(v):
    """Which sentinels ``v`` equals (a value type may make ``v`` an object that parses them)."""
    try:
        return tuple(s for s in SENTINELS if v == s)
    except Exception:
        return ()


def decide(v, r, opfn):
    """Custodian's decision for one converted pair (used when nothing could be specialised)."""
    if r is None and v == "absent":
        return True
    if r is not None and v == "present":
        return True
    if v == "not-null" and r:
        return True
    if v == "empty" and not r:
        return True
    if opfn is not None:
        try:
            return bool(opfn(r, v))
        except TypeError:
            return False
    return r == v


def _compare(opfn, v):
    """``fn(r) -> bool`` for a fixed ``v`` that is no sentinel."""
    if opfn is None or opfn is OPERATORS["eq"]:
        return lambda r: r == v
    if opfn is OPERATORS["in"] and isinstance(v, list):
        fast = _hashable_set(v)
        if fast is not None:
            def in_list(r):
                try:
                    return r in fast
                except TypeError:
                    return r in v
            return in_list
    if opfn is OPERATORS["ni"] and isinstance(v, list):
        fast = _hashable_set(v)
        if fast is not None:
            def not_in_list(r):
                try:
                    return r not in fast
                except TypeError:
                    return r not in v
            return not_in_list

    def compare(r):
        try:
            return bool(opfn(r, v))
        except TypeError:
            return False
    return compare


def _hashable_set(items):
    try:
        return frozenset(items)
    except TypeError:
        return None


def _decide_fixed(opfn, v, flags):
    """``fn(r) -> bool`` for a fixed ``v``: specialised on the sentinels it equals."""
    if not flags:
        return _compare(opfn, v)
    absent, present = "absent" in flags, "present" in flags
    notnull, empty = "not-null" in flags, "empty" in flags
    if opfn is None and len(flags) == 1:
        if absent:
            return lambda r: r is None or r == v
        if present:
            return lambda r: r is not None
        if notnull:
            return lambda r: bool(r) or r == v
        return lambda r: not r or r == v
    rest = _compare(opfn, v)

    def decide_sentinel(r):
        if absent and r is None:
            return True
        if present and r is not None:
            return True
        if notnull and r:
            return True
        if empty and not r:
            return True
        return rest(r)
    return decide_sentinel


def compile_value(data, get=None, manager=None):
    """Value filter data -> ``fn(resource) -> bool``. ``get`` overrides the key lookup."""
    if data.get("value_from") is not None:
        return _compile_value_from(data, get, manager)
    key = data.get("key")
    op = data.get("op")
    vtype = data.get("value_type")
    configured = data.get("value")
    value_path = data.get("value_path")
    opfn = OPERATORS[op] if op else None
    if get is None:
        get = getter(key, data.get("tag_key_transforms"))
    regex = data.get("value_regex")
    if regex:
        capture, plain = regex_capture(regex), get
        get = lambda r: capture(plain(r))  # noqa: E731
    empty_in = op in ("in", "not-in")   # Custodian turns a missing value into () for these

    if value_path is not None or vtype == "expr":
        return _compile_dynamic(get, opfn, empty_in, vtype, configured, value_path, regex)

    if not data.get("tag_key_transforms") and (vtype is None or vtype in CLOCKED):
        fast_fn = _fast(key, op, opfn, vtype, configured, empty_in, regex)
        if fast_fn is not None:
            return fast_fn

    if vtype is None:
        decide_r = _decide_fixed(opfn, configured, sentinel_flags(configured))
        if empty_in:
            return lambda res: decide_r(() if (r := get(res)) is None else r)
        return lambda res: decide_r(get(res))

    convert = VALUE_TYPES[vtype]
    prepare = PREPARE.get(vtype)
    if vtype in CLOCKED:
        return _compile_clocked(get, opfn, empty_in, convert, prepare, configured)
    cfg = prepare(configured) if prepare else configured

    if vtype in ("swap", "age", "cidr"):   # v depends on the resource
        never = vtype in _NEVER_SENTINEL

        def match_pair(res):
            r = get(res)
            if empty_in and r is None:
                r = ()
            v, r = convert(cfg, r)
            return compare_plain(opfn, r, v) if never else decide(v, r, opfn)
        return match_pair

    # v is the (prepared) configured side: specialise the decision once
    decide_r = _decide_fixed(opfn, cfg, () if vtype in _NEVER_SENTINEL else sentinel_flags(cfg))

    def match_converted(res):
        r = get(res)
        if empty_in and r is None:
            r = ()
        return decide_r(convert(cfg, r)[1])
    return match_converted


def _compile_value_from(data, get, manager):
    """``value_from``: the values are read on first use, then compiled like ``value``."""
    rest = {k: v for k, v in data.items() if k != "value_from"}
    state = []

    def match_value_from(res):
        if not state:
            from .valuefrom import values
            state.append(compile_value(dict(rest, value=values(data["value_from"], manager)),
                                       get))
        return state[0](res)
    return match_value_from


_SYMBOLS = {"eq": "==", "equal": "==", "ne": "!=", "not-equal": "!=", "gt": ">",
            "greater-than": ">", "ge": ">=", "gte": ">=", "lt": "<", "less-than": "<",
            "le": "<=", "lte": "<="}


def _fast(key, op, opfn, vtype, configured, empty_in, regex):
    """One generated function for the hot shapes (see fast.py); None when not one of them."""
    if not isinstance(key, str):
        return None
    env = {"tag_dict": _tag_dict, "V": configured, "OP": opfn}
    lines = fast.getter_lines(key, env)
    if lines is None:
        return None
    if regex:
        env["cap"] = regex_capture(regex)
        lines.append("x = cap(x)")
    if empty_in:
        lines += ["if x is None:", "    x = ()"]
    sym = _SYMBOLS.get(op) if op else "=="
    if vtype is not None:   # age / expiration: threshold once per run, then one comparison
        if isinstance(configured, datetime.datetime) or not _number(configured):
            return None
        env.update(RUN=core.RUN, ST=[None, None], prep=PREPARE[vtype], parse_date=parse_date,
                   DT=datetime.datetime)
        lines[:0] = ["if ST[1] != RUN.number:",
                     "    ST[0] = prep(V)",
                     "    ST[1] = RUN.number",
                     "th = ST[0]"]
        lines += ["d = x if x.__class__ is DT and x.tzinfo is not None else parse_date(x)",
                  "if d is None:",
                  "    d = 0"]
        left, right = ("th", "d") if vtype == "age" else ("d", "th")
        if sym:
            lines += ["try:", f"    ok = {left} {sym} {right}",
                      "except TypeError:", "    ok = False"]
        else:
            lines += ["try:", f"    ok = bool(OP({left}, {right}))",
                      "except TypeError:", "    ok = False"]
        return fast.build_src(lines, env, "value_" + vtype)
    flags = sentinel_flags(configured)
    if flags:
        if opfn is not None or len(flags) != 1:
            return None
        lines.append({"absent": "ok = x is None or x == V", "present": "ok = x is not None",
                      "not-null": "ok = bool(x) or x == V",
                      "empty": "ok = not x or x == V"}[flags[0]])
    elif op in ("in", "ni", "not-in") and isinstance(configured, list) \
            and _hashable_set(configured) is not None:
        env["S"] = _hashable_set(configured)
        neg = "not " if op != "in" else ""
        lines += ["try:", f"    ok = x {neg}in S", "except TypeError:",
                  f"    ok = x {neg}in V"]
    elif op in ("regex", "regex-case") and isinstance(configured, str) \
            and regex_problem(configured) is None:
        env["RX"] = re.compile(configured, re.IGNORECASE if op == "regex" else 0)
        lines.append("ok = isinstance(x, str) and RX.match(x) is not None")
    elif sym == "==":
        lines.append("ok = x == V")
    elif sym:
        lines += ["try:", f"    ok = x {sym} V", "except TypeError:", "    ok = False"]
    else:
        lines += ["try:", "    ok = bool(OP(x, V))", "except TypeError:", "    ok = False"]
    return fast.build_src(lines, env, "value")


def _compile_clocked(get, opfn, empty_in, convert, prepare, configured):
    """``age``/``expiration``: the threshold is computed once per run (see core.RUN)."""
    state = [None, None]   # threshold, run number it was computed for
    run = core.RUN

    def match_clocked(res):
        if state[1] != run.number:
            state[0], state[1] = prepare(configured), run.number
        r = get(res)
        if empty_in and r is None:
            r = ()
        v, r = convert(state[0], r)
        return compare_plain(opfn, r, v)
    return match_clocked


def compare_plain(opfn, r, v):
    """``op(r, v)`` (equality without an op) with no sentinel; a type mismatch is no match."""
    if opfn is None:
        return r == v
    try:
        return bool(opfn(r, v))
    except TypeError:
        return False


def _compile_dynamic(get, opfn, empty_in, vtype, configured, value_path, regex=None):
    """``value_path`` (the value is another path of the same resource) and ``value_type: expr``
    (the value names another key of the resource, read like the key itself): per resource."""
    path = compile_path(value_path) if value_path is not None else None
    convert = VALUE_TYPES.get(vtype)
    prepare = PREPARE.get(vtype)
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

    def match_dynamic(res):
        v = path(res) if path is not None else configured
        r = get(res)
        if empty_in and r is None:
            r = ()
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


def compile_match(key, value, op=None, value_type=None, value_regex=None, default=None):
    """Return ``fn(resource) -> bool`` for one value filter (keyword form of compile_value).
    ``default`` is accepted and ignored, as Custodian does."""
    data = {"key": key, "value": value, "op": op, "value_type": value_type,
            "value_regex": value_regex}
    return compile_value({k: v for k, v in data.items() if v is not None})


VALUE_SCHEMA = {
    "key": {"type": "string"},
    "value": {"type": ["string", "number", "boolean", "array", "null", "object"]},
    "op": {"enum": sorted(OPERATORS)},
    "value_type": {"enum": sorted(VALUE_TYPES)},
    "value_regex": {"type": "string"},
    "value_path": {"type": "string"},
    "value_from": VALUE_FROM_SCHEMA,
    "tag_key_transforms": {"type": "array", "items": {"enum": sorted(_TAG_TRANSFORMS)}},
    "default": {"type": "object"},
}


@filters.register("value")
class ValueFilter(Filter):
    schema = VALUE_SCHEMA
    required = ()

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.key = d.get("key")
        self.value_type = d.get("value_type")
        if self.value_type == "resource_count":
            self.predicate = False
        else:
            fn = self.test = compile_value(d, manager=manager)
            self.src = getattr(fn, "src", None)
            self.match = lambda r, event=None: fn(r)

    def validate(self):
        return value_problems(self.data)

    def process(self, resources, event=None):
        if self.value_type == "resource_count":
            op = OPERATORS[self.data.get("op") or "eq"]
            try:
                return resources if op(len(resources), self.data.get("value")) else []
            except TypeError:
                return []
        return super().process(resources, event)

    def keys(self):
        k = self.key or ""
        if self.value_type == "resource_count":
            return set()
        if k.startswith("tag:"):
            return {"Tags"}
        if self.value_type == "expr" or "value_path" in self.data:
            return None
        head = re.match(r"[A-Za-z0-9_-]+", k)
        return {head.group(0)} if head else None
