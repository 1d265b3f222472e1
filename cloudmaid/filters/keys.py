"""Resource value lookup for value filters: plain keys, dotted paths, ``tag:Name`` (with
Custodian's ``tag_key_transforms``) and full JMESPath with Custodian's extra functions.

A missing value is None. A literal key (even with dots) wins over the path, as in Custodian.
"""
import re

import jmespath
from jmespath import functions as jp_functions

_SIMPLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
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
        import json
        try:
            return json.loads(string)
        except ValueError:
            return None


_OPTIONS = jmespath.Options(custom_functions=_Functions())


def compile_path(expression):
    """A JMESPath expression -> ``fn(data)`` (with Custodian's extra functions)."""
    expr = jmespath.compile(expression)
    return lambda data: expr.search(data, _OPTIONS)


def _transform(names):
    fns = [_TAG_TRANSFORMS[n] for n in names or () if n in _TAG_TRANSFORMS]
    if not fns:
        return None

    def apply(k):
        for f in fns:
            k = f(k)
        return k
    return apply


def getter(key, tag_key_transforms=None):
    """Compile a value filter key into ``fn(resource) -> value`` (None when missing)."""
    if key is None:
        return lambda r: None
    if key.startswith("tag:"):
        return _tag_getter(key.split(":", 1)[1], _transform(tag_key_transforms))
    if _SIMPLE_PATH.match(key):
        parts = key.split(".")
        if len(parts) == 1:
            return lambda r: r.get(key)

        def get_path(r):
            if key in r:
                return r[key]
            v = r
            for p in parts:
                if not isinstance(v, dict):
                    return None
                v = v.get(p)
            return v
        return get_path
    search = compile_path(key)
    return lambda r: r[key] if key in r else search(r)


def _tag_getter(tag, transform):
    if transform is None:
        def get_tag(r):
            tags = r.get("Tags")
            if tags is not None:
                for t in tags:
                    if t.get("Key") == tag:
                        return t.get("Value")
                return None
            return _tag_dict(r, tag, None)
        return get_tag

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
