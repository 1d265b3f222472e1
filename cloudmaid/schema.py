"""JSON Schema assembled from the registries, and friendly rendering of its errors.

Each filter, action and mode class carries ``schema`` (the JSON Schema ``properties`` of its
dict form) and ``required``; this module turns them into element schemas, a policy schema and
the whole-file schema that ``maid schema --json`` prints for editors. ``render()`` turns a
jsonschema error into ``(path, message)`` pairs a person can act on.
"""
import functools
import inspect
import json
import re

import jsonschema

from . import plugins
from .actions.core import actions
from .filters.core import BOOLEAN, filters
from .modes.core import modes
from .resources.catalog import CATALOG
from .resources.query import SOURCES
from .suggest import did_you_mean

DRAFT = "http://json-schema.org/draft-07/schema#"
#: Cloud Custodian's policy name rule ([A-z] also admits '_', as Custodian's does)
NAME_PATTERN = "^[A-z][A-z0-9]*(-[A-z0-9]+)*$"
TOP_KEYS = ("policies", "vars")

MAX_RESOURCES = {"anyOf": [
    {"type": "integer", "minimum": 1},
    {"type": "object", "additionalProperties": False, "properties": {
        "amount": {"type": "integer", "minimum": 1},
        "percent": {"type": "number", "minimum": 0, "maximum": 100},
        "op": {"enum": ["or", "and"]}}},
]}

#: policy keys; filters/actions/mode items are checked element by element
POLICY_PROPERTIES = {
    "name": {"type": "string", "pattern": NAME_PATTERN},
    "resource": {"type": "string"},
    "description": {"type": "string"},
    "comment": {"type": "string"},
    "comments": {"type": "string"},
    "mode": {"type": "object"},
    "filters": {"type": "array"},
    "actions": {"type": "array"},
    "conditions": {"type": "array"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "metadata": {"type": "object"},
    "max-resources": MAX_RESOURCES,
    "max-resources-percent": {"type": "number", "minimum": 0, "maximum": 100},
    # accepted for Custodian compatibility (older policy keys)
    "region": {"type": "string"},
    "tz": {"type": "string"},
    "start": {"type": "string"},
    "end": {"type": "string"},
    # where the listing comes from and what it selects; resources/query.py checks the forms
    "source": {"enum": list(SOURCES)},
    "query": {"type": "array", "items": {"type": "object"}},
}
POLICY = {"type": "object", "additionalProperties": False, "required": ["name", "resource"],
          "properties": POLICY_PROPERTIES}

def registries():
    plugins.load_all()
    return {"filters": filters, "actions": actions, "modes": modes}


# -- element schemas -------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def element_schema(name, cls):
    """(Cached: treat the result as read-only.) The dict form of one filter/action/mode: ``type`` plus the class's properties."""
    props = dict(cls.schema or {})
    props["type"] = {"enum": [name]}
    out = {"type": "object", "additionalProperties": False,
           "required": ["type", *[r for r in cls.required if r != "type"]],
           "properties": props}
    if getattr(cls, "schema_patterns", None):   # keys by pattern (guard-duty's Detector.*)
        out["patternProperties"] = dict(cls.schema_patterns)
    return out


def element_forms(name, cls):
    """Schemas an element may take: its dict form, and the bare name when nothing is required."""
    forms = [element_schema(name, cls)]
    if not [r for r in cls.required if r != "type"]:
        forms.insert(0, {"enum": [name]})
    return forms


def elements(registry, resource="*"):
    """``[(name, class)]`` usable on ``resource`` (boolean blocks excluded)."""
    return [(n, registry.get(n, resource)) for n in registry.names(resource) if n not in BOOLEAN]


# -- the whole-file schema for editors -------------------------------------------------------
def _def_name(kind, name, cls, registry, rtype):
    """Definition name: ``filters.value`` for generic classes, ``ec2.actions.stop`` for scoped."""
    return f"{kind}.{name}" if registry.get(name) is cls else f"{rtype}.{kind}.{name}"


def build(resource_types=None):
    """The JSON Schema (draft-07) of a policy file, optionally limited to some resource types."""
    regs = registries()
    types = sorted(resource_types or CATALOG)
    defs = {}
    per_resource = []
    for rtype in types:
        refs = {}
        for kind in ("filters", "actions"):
            refs[kind] = []
            for name, cls in elements(regs[kind], rtype):
                dname = _def_name(kind, name, cls, regs[kind], rtype)
                defs.setdefault(dname, {"anyOf": element_forms(name, cls)}
                                if len(element_forms(name, cls)) > 1 else element_schema(name, cls))
                refs[kind].append({"$ref": f"#/definitions/{dname}"})
        filter_ref = f"#/definitions/resource.{rtype}.filter"
        block = {"type": "array", "items": {"$ref": filter_ref}}
        defs[f"resource.{rtype}.filter"] = {"anyOf": refs["filters"] + [
            {"type": "object", "additionalProperties": False, "minProperties": 1,
             "maxProperties": 1, "properties": {b: block for b in BOOLEAN}},
            {"$ref": "#/definitions/value-shorthand"},
        ]}
        per_resource.append({
            "if": {"properties": {"resource": {"const": rtype}}, "required": ["resource"]},
            "then": {"properties": {
                "filters": {"type": "array", "items": {"$ref": filter_ref}},
                "actions": {"type": "array", "items": {"anyOf": refs["actions"]}}}},
        })
    defs["value-shorthand"] = {"type": "object", "minProperties": 1, "maxProperties": 1,
                               "not": {"required": ["type"]}}
    mode_forms = [element_schema(n, c) for n, c in elements(regs["modes"])]
    policy = {"type": "object", "additionalProperties": False, "required": ["name", "resource"],
              "properties": {**POLICY_PROPERTIES,
                             "resource": {"enum": types + [f"aws.{t}" for t in types]},
                             "mode": {"anyOf": mode_forms}},
              "allOf": per_resource}
    defs["policy"] = policy
    return {"$schema": DRAFT, "title": "cloudmaid policy file", "type": "object",
            "additionalProperties": False, "required": ["policies"],
            "properties": {"vars": {"type": "object"},
                           "policies": {"type": "array", "items": {"$ref": "#/definitions/policy"}}},
            "definitions": defs}


# -- error rendering -------------------------------------------------------------------------
_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping", "null": "null"}


def describe(value):
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"string '{value}'"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def _types(value):
    return [value] if isinstance(value, str) else list(value)


def _phrase(types):
    words = [_TYPE_WORDS.get(t, t) for t in dict.fromkeys(types)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def problem(path, message, line_path=None):
    """A problem: (where, message, key path of the line to show); paths relative to the
    validated instance."""
    return (tuple(path), message, tuple(path if line_path is None else line_path))


_VALIDATORS = {}   # id(schema) -> (schema, validator); schemas here are long-lived


def validate(schema, instance):
    """``[(where, message, line_path)]`` for ``instance`` against ``schema``."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _VALIDATORS[id(schema)] = (schema, jsonschema.Draft7Validator(schema))
    validator = cached[1]
    out = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        for p in render(error):
            if p not in out:
                out.append(p)
    return out


def render(error):
    """One jsonschema error -> ``[(path, message)]``; no schema dumps."""
    path = tuple(error.absolute_path)
    v, inst, value = error.validator, error.instance, error.validator_value
    key = path[-1] if path and isinstance(path[-1], str) else None
    if key is None and len(path) > 1 and isinstance(path[-2], str):
        word = path[-2]   # events[0] -> "event", statuses[0] -> "status", categories[0] -> "category"
        key = (word[:-3] + "y" if word.endswith("ies") else word[:-2] if word.endswith(("uses", "sses"))
               else word[:-1]) if word.endswith("s") else None
    if v == "additionalProperties" and isinstance(inst, dict):
        known = list(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        extras = [k for k in inst if k not in known
                  and not any(re.search(p, k) for p in patterns)]
        return [problem(path, f"unknown key '{k}'" + did_you_mean(k, known), path + (k,)) for k in extras]
    if v == "required":
        missing = [k for k in value if k not in inst]
        return [problem(path, f"missing required key '{k}'") for k in missing]
    if v == "enum":
        what = key or "value"
        if not isinstance(inst, (str, int, float, bool)) or inst is None:
            return [problem(path, f"expected one of {', '.join(map(str, value))}, got {describe(inst)}")]
        hint = did_you_mean(inst, value)
        if not hint and len(value) <= 8:
            hint = f" (expected one of: {', '.join(map(str, value))})"
        return [problem(path, f"unknown {what} '{inst}'{hint}")]
    if v == "const":
        return [problem(path, f"expected {value!r}, got {describe(inst)}")]
    if v == "type":
        return [problem(path, f"expected {_phrase(_types(value))}, got {describe(inst)}")]
    if v == "minimum":
        return [problem(path, f"must be >= {value}, got {inst}")]
    if v == "maximum":
        return [problem(path, f"must be <= {value}, got {inst}")]
    if v == "exclusiveMinimum":
        return [problem(path, f"must be > {value}, got {inst}")]
    if v == "exclusiveMaximum":
        return [problem(path, f"must be < {value}, got {inst}")]
    if v == "pattern":
        if key == "name" and value == NAME_PATTERN:
            return [problem(path, f"invalid policy name '{inst}': use letters, digits, '_' and "
                                  "single '-' between them, starting with a letter")]
        return [problem(path, f"'{inst}' does not match the pattern {value}")]
    if v in ("minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength"):
        n = len(inst)
        bound = "at least" if v.startswith("min") else "at most"
        unit = {"Items": "item", "Properties": "key", "Length": "character"}[v[3:]]
        return [problem(path, f"expected {bound} {value} {unit}(s), got {n}")]
    if v in ("anyOf", "oneOf"):
        return _render_branches(error)
    return [problem(path, error.message.splitlines()[0][:200])]


def _branch_type(schema):
    """The ``type`` name a branch schema requires of a dict (``properties.type.enum``)."""
    if not isinstance(schema, dict):
        return None
    enum = schema.get("properties", {}).get("type", {}).get("enum")
    return enum if isinstance(enum, list) else None


def _render_branches(error):
    """Pick the relevant branch of an anyOf/oneOf: the one for the item's ``type``, else the
    best match; when every branch failed only on type, list the accepted types."""
    path = tuple(error.absolute_path)
    inst = error.instance
    by_branch = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    if isinstance(inst, dict) and "type" in inst:
        for i, branch in enumerate(error.validator_value):
            enum = _branch_type(branch)
            if enum and inst["type"] in enum and by_branch.get(i):
                return [p for sub in by_branch[i] for p in render(sub)]
    leaves = list(error.context)
    if leaves and all(s.validator == "type" and not s.relative_path for s in leaves):
        types = [t for s in leaves for t in _types(s.validator_value)]
        return [problem(path, f"expected {_phrase(types)}, got {describe(inst)}")]
    # drop branches that failed only because the value had another type; when one is left,
    # all its errors are the relevant ones
    def type_miss(s):
        return s.validator == "type" and not s.relative_path
    left = [errs for errs in by_branch.values() if not all(type_miss(s) for s in errs)]
    if len(left) == 1:
        return [p for sub in left[0] for p in render(sub)]
    best = jsonschema.exceptions.best_match([s for errs in left for s in errs] or leaves)
    return render(best) if best is not None else [problem(path, error.message.splitlines()[0][:200])]


# -- `maid schema`: the vocabulary ------------------------------------------------------------
class SchemaLookupError(Exception):
    """An unknown selector; ``str()`` is one line."""


def _resolve(selector):
    """``ec2.filters.value`` -> ``("element", "ec2", "filters", "value", cls)``; also ``ec2``,
    ``ec2.actions``, ``mode`` and ``mode.NAME``."""
    regs = registries()
    parts = selector.split(".")
    if parts[0] == "aws" and len(parts) > 1:
        parts = parts[1:]
    head, rest = parts[0], parts[1:]
    if head in ("mode", "modes"):
        if not rest:
            return ("section", "*", "modes", None, None)
        cls = regs["modes"].get(rest[0])
        if cls is None or len(rest) > 1:
            raise SchemaLookupError(f"unknown mode '{'.'.join(rest)}'"
                                    + did_you_mean(rest[0], regs["modes"].names()))
        return ("element", "*", "modes", rest[0], cls)
    if head not in CATALOG:
        raise SchemaLookupError(f"unknown resource type '{head}'" + did_you_mean(head, sorted(CATALOG)))
    if not rest:
        return ("resource", head, None, None, None)
    section = rest[0]
    if section not in ("filters", "actions"):
        raise SchemaLookupError(f"unknown section '{section}' (use {head}.filters or "
                                f"{head}.actions)")
    if len(rest) == 1:
        return ("section", head, section, None, None)
    name = ".".join(rest[1:])
    cls = regs[section].get(name, head)
    if cls is None:
        raise SchemaLookupError(f"unknown {section[:-1]} '{name}' for {head}"
                                + did_you_mean(name, regs[section].names(head)))
    return ("element", head, section, name, cls)


def vocabulary(selector=None):
    """Text for ``maid schema [SELECTOR]``."""
    import yaml   # CLI-side only
    regs = registries()
    if not selector:
        return ("resources:\n" + "".join(f"  - {t}\n" for t in sorted(CATALOG))
                + "modes:\n" + "".join(f"  - {m}\n" for m in regs["modes"].names()))
    what, rtype, section, name, cls = _resolve(selector)
    if what == "resource":
        out = f"{rtype}:\n"
        for sec in ("filters", "actions"):
            out += f"  {sec}:\n" + "".join(f"    - {n}\n" for n in regs[sec].names(rtype))
        return out
    if what == "section":
        return f"{section}:\n" + "".join(f"  - {n}\n" for n in regs[section].names(rtype))
    doc = inspect.cleandoc(cls.__doc__ or "") or "(no description)"
    plain = json.loads(json.dumps(element_schema(name, cls)))   # no YAML anchors for shared parts
    body = yaml.safe_dump(plain, sort_keys=False, default_flow_style=False)
    perms = "".join(f"  - {p}\n" for p in cls.permissions)
    return (f"Help\n----\n\n{doc}\n\nSchema\n------\n\n{body}"
            + (f"\nPermissions\n-----------\n\n{perms}" if perms else ""))


def json_schema(selector=None):
    """JSON Schema for ``maid schema --json [SELECTOR]``: the whole file, one resource type's
    file, or one element."""
    if not selector:
        return build()
    what, rtype, section, name, cls = _resolve(selector)
    if what == "element":
        forms = element_forms(name, cls)
        return {"$schema": DRAFT, **(forms[0] if len(forms) == 1 else {"anyOf": forms})}
    return build([rtype] if rtype != "*" else None)
