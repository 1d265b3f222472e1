"""Resource value lookup for value filters: plain keys, dotted paths, ``tag:Name`` (with
Custodian's ``tag_key_transforms``) and full JMESPath with Custodian's extra functions.

A missing value is None. A literal key (even with dots) wins over the path, as in Custodian.
``access`` gives each lookup as a closure and, for the common shapes, as the same lookup in
inline source (see predicate.py).
"""
import json
import re

import jmespath
from jmespath import functions as jp_functions

from ..errors import check_jmespath
from .predicate import Part

_SIMPLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: Custodian's annotation keys (``c7n:AliasName``): not JMESPath, read as they are
_ANNOTATION = re.compile(r"^c7n:[A-Za-z0-9_:-]+$")
_TAG_TRANSFORMS = {
    "noop": lambda k: k, "capitalize": str.capitalize, "lower": str.lower, "strip": str.strip,
    "title": str.title, "upper": str.upper, "nospaces": lambda k: k.replace(" ", ""),
    "nounderscores": lambda k: k.replace("_", ""), "nodashes": lambda k: k.replace("-", ""),
}


class _Functions(jp_functions.Functions):
    """JMESPath extras Custodian policies use in keys: ``split`` and ``from_json``."""

    @jp_functions.signature({"types": ["string"]}, {"types": ["string"]})
    def _func_split(self, sep, string):
        return string.split(sep)

    @jp_functions.signature({"types": ["string"]})
    def _func_from_json(self, string):
        try:
            return json.loads(string)
        except ValueError:
            return None


FUNCTIONS = _Functions()
_OPTIONS = jmespath.Options(custom_functions=FUNCTIONS)


def compile_path(expression):
    """A JMESPath expression -> ``fn(data)`` (with Custodian's extra functions). An expression
    that cannot run (bad syntax, an unknown function, a wrong number of arguments) raises
    errors.JMESPathProblem now, not at the first search."""
    check_jmespath(expression, FUNCTIONS)
    expr = jmespath.compile(expression)
    return lambda data: expr.search(data, _OPTIONS)


def getter(key, tag_key_transforms=None):
    """Compile a value filter key into ``fn(resource) -> value`` (None when missing)."""
    return access(key, tag_key_transforms).fn


def access(key, tag_key_transforms=None):
    """The lookup of ``key`` as a Part: ``fn(resource) -> value`` and, for a plain, dotted or
    untransformed ``tag:`` key, the same as lines setting ``x`` from ``r``."""
    if key is None:
        return Part(lambda r: None, ("x = None",))
    if key.startswith("tag:"):
        tag = key.split(":", 1)[1]
        transform = _transform(tag_key_transforms)
        if transform is not None:
            return Part(_tag_getter_transformed(tag, transform))
        return Part(_tag_getter(tag), _TAG_LINES, {"TAG": tag, "tag_dict": _tag_dict})
    if _SIMPLE_PATH.match(key) or _ANNOTATION.match(key):
        parts = [key] if _ANNOTATION.match(key) else key.split(".")
        if len(parts) == 1:
            return Part(lambda r: r.get(key), ("x = r.get(K)",), {"K": key})
        return _dotted(key, parts)
    search = compile_path(key)
    return Part(lambda r: r[key] if key in r else search(r))


def _dotted(key, parts):
    first, rest = parts[0], parts[1:]

    def get_path(r):
        if key in r:
            return r[key]
        v = r.get(first)
        for p in rest:
            if not isinstance(v, dict):
                return None
            v = v.get(p)
        return v
    env = {"K": key, "P0": first}
    lines = ["if K in r:", "    x = r[K]", "else:", "    x = r.get(P0)"]
    for i, p in enumerate(rest, 1):
        env[f"P{i}"] = p
        lines.append(f"    x = x.get(P{i}) if x.__class__ is dict or isinstance(x, dict) else None")
    return Part(get_path, tuple(lines), env)


def _transform(names):
    fns = [_TAG_TRANSFORMS[n] for n in names or () if n in _TAG_TRANSFORMS]
    if not fns:
        return None

    def apply(k):
        for f in fns:
            k = f(k)
        return k
    return apply


_TAG_LINES = ("x = None",
              "t = r.get('Tags')",
              "if t is not None:",
              "    for i in t:",
              "        if i.get('Key') == TAG:",
              "            x = i.get('Value')",
              "            break",
              "else:",
              "    x = tag_dict(r, TAG, None)")


def _tag_getter(tag):
    def get_tag(r):
        tags = r.get("Tags")
        if tags is not None:
            for t in tags:
                if t.get("Key") == tag:
                    return t.get("Value")
            return None
        return _tag_dict(r, tag, None)
    return get_tag


def _tag_getter_transformed(tag, transform):
    def get_tag_transformed(r):
        tags = r.get("Tags")
        if tags is not None:
            for t in tags:
                k = t.get("Key")
                try:
                    if transform(k) == tag:
                        return t.get("Value")
                except (AttributeError, TypeError):
                    continue
            return None
        return _tag_dict(r, tag, transform)
    return get_tag_transformed


def _tag_dict(r, tag, transform):
    # non-EC2 shapes Custodian also reads: {'labels': {k: v}} or {'tags': {k: v}}
    d = r.get("labels") if "labels" in r else r.get("tags")
    if not isinstance(d, dict):
        return None
    if transform is None:
        return d.get(tag)
    for k, v in d.items():
        if isinstance(k, str) and transform(k) == tag:
            return v
    return None
