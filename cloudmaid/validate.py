"""Load policy files and check them: JSON Schema from the registries plus semantic checks.

Every problem is one line ``FILE:LINE: policy 'NAME': WHERE: WHAT (did you mean 'X'?)``.
Nothing here calls AWS: elements are built on a resource manager without a context.
"""
import re
import types
from dataclasses import dataclass

from . import loader, schema
from .errors import PolicyError
from .filters.core import BOOLEAN
from .filters.ops import REGEX_OPERATORS
from .resources.catalog import CATALOG

#: element keys that count time and cannot be negative (Custodian's schemas say minimum 0)
NON_NEGATIVE = ("days", "hours", "minutes")
#: elements whose ``op`` names an action of the policy's resource
OP_ELEMENTS = {"mark-for-op", "marked-for-op"}


@dataclass
class PolicySpec:
    data: dict
    source: loader.Source
    index: int

    @property
    def name(self):
        return self.data.get("name") if isinstance(self.data, dict) else None

    @property
    def label(self):
        return f"policy '{self.name}'" if isinstance(self.name, str) else f"policy #{self.index + 1}"

    def line(self, *path):
        return self.source.line(("policies", self.index) + tuple(path))


def load_and_check(paths):
    """Return (specs, problems). ``problems`` is a list of one-line messages; when it is not
    empty nothing may run."""
    specs, problems = [], []
    for path in paths:
        try:
            source = loader.load(path)
        except loader.LoadError as e:
            problems.append(str(e))
            continue
        file_specs, file_problems = read_policies(source)
        specs.extend(file_specs)
        problems.extend(file_problems)
    problems.extend(check(specs))
    return specs, problems


def read_policies(source):
    """The policy specs of one loaded file, and its file-level problems."""
    data, f = source.data, source.file
    if data is None:
        return [], [f"{f}:1: empty file: expected a top-level 'policies:' list"]
    if not isinstance(data, dict):
        return [], [f"{f}:1: expected a mapping with a top-level 'policies:' list, "
                    f"got {schema.describe(data)}"]
    problems = [f"{f}:{source.line((k,))}: unknown top-level key '{k}'"
                + schema.suggest(k, schema.TOP_KEYS) for k in data if k not in schema.TOP_KEYS]
    policies = data.get("policies")
    if policies is None:
        problems.append(f"{f}:1: expected a top-level 'policies:' list")
        return [], problems
    if not isinstance(policies, list):
        problems.append(f"{f}:{source.line(('policies',))}: policies: expected a list, "
                        f"got {schema.describe(policies)}")
        return [], problems
    return [PolicySpec(p, source, i) for i, p in enumerate(policies)], problems


def where(path):
    """``("filters", 2, "op")`` -> ``filters[2].op``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def check(specs):
    """One-line problems of the given policies (schema, semantics, duplicate names)."""
    lines = []
    for spec in specs:
        found = PolicyChecker(spec.data).run()
        found.sort(key=lambda p: spec.line(*p[2]))
        for path, message, line_path in found:
            w = where(path)
            lines.append(f"{spec.source.file}:{spec.line(*line_path)}: {spec.label}: "
                         + (f"{w}: " if w else "") + message)
    lines.extend(duplicates(specs))
    return lines


def duplicates(specs):
    out, seen = [], {}
    for spec in specs:
        name = spec.name
        if not isinstance(name, str):
            continue
        here = f"{spec.source.file}:{spec.line('name')}"
        if name in seen:
            out.append(f"{here}: {spec.label}: name: duplicate policy name (first defined at "
                       f"{seen[name]})")
        else:
            seen[name] = here
    return out


def one_line(error):
    """An exception as one line; JMESPath errors name the expression and the position."""
    expression = getattr(error, "expression", None)
    if isinstance(expression, str) and hasattr(error, "lex_position"):
        what = "incomplete" if "Incomplete" in type(error).__name__ else getattr(error, "msg", "invalid")
        return f"JMESPath expression '{expression}': {what} at position {error.lex_position}"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def resource_name(value):
    """Custodian also spells resource types ``aws.ec2``."""
    if isinstance(value, str) and value.startswith("aws.") and value[4:] in CATALOG:
        return value[4:]
    return value


class PolicyChecker:
    """Checks one policy's data; ``run()`` returns ``[(where, message, line_path)]``."""

    def __init__(self, data):
        self.data = data
        self.problems = []
        self.regs = schema.registries()

    def add(self, path, message, line_path=None):
        p = schema.problem(path, message, line_path)
        if p not in self.problems:
            self.problems.append(p)

    def extend(self, prefix, found):
        for path, message, line_path in found:
            self.add(tuple(prefix) + path, message, tuple(prefix) + line_path)

    def has_problem(self, path):
        return any(p[0][:len(path)] == tuple(path) for p in self.problems)

    def run(self):
        data = self.data
        if not isinstance(data, dict):
            self.add((), f"a policy must be a mapping, got {schema.describe(data)}")
            return self.problems
        self.extend((), schema.validate(schema.POLICY, data))
        rtype = resource_name(data.get("resource"))
        if isinstance(rtype, str) and rtype != data["resource"]:
            data["resource"] = rtype   # runtime code knows the short name only
        if isinstance(rtype, str) and rtype not in CATALOG:
            self.add(("resource",), f"unknown resource type '{rtype}'"
                     + schema.suggest(rtype, sorted(CATALOG)))
        known = isinstance(rtype, str) and rtype in CATALOG
        self.rtype = rtype if known else None
        self.manager = self._manager() if known else None
        self.event_mode = self.check_mode(data.get("mode"))
        if known and isinstance(data.get("filters"), list):
            self.check_filters(data["filters"], ("filters",), rtype, self.manager)
        if known and isinstance(data.get("actions"), list):
            for i, item in enumerate(data["actions"]):
                self.check_element("action", item, ("actions", i), rtype, self.manager)
        if isinstance(data.get("conditions"), list):
            self.check_filters(data["conditions"], ("conditions",), "*", None)
        return self.problems

    def _manager(self):
        from .resources.manager import ResourceManager
        try:
            return ResourceManager.for_type(None, self.rtype)
        except Exception:
            return None

    def _stub(self):
        d = self.data
        return types.SimpleNamespace(name=d.get("name"), data=d, raw=d, resource_type=self.rtype,
                                     manager=self.manager, ctx=None)

    # -- mode ------------------------------------------------------------------------------
    def check_mode(self, mode):
        """Check the mode block; return True for an event mode, False for pull, None unknown."""
        if mode is None:
            return False
        if not isinstance(mode, dict):
            return None   # the policy schema reported the type
        name = mode.get("type")
        if name is None:
            self.add(("mode",), "missing required key 'type'")
            return None
        registry = self.regs["modes"]
        cls = registry.get(name) if isinstance(name, str) else None
        if cls is None:
            self.add(("mode", "type"), f"unknown mode '{name}'"
                     + schema.suggest(name, registry.names()))
            return None
        found = schema.validate(schema.element_schema(name, cls), mode)
        self.extend(("mode",), found)
        if not found:
            self.element_problems(("mode",), lambda: cls(mode, self._stub()), f"mode '{name}'")
        return bool(getattr(cls, "event_mode", False))

    # -- filters and actions ---------------------------------------------------------------
    def check_filters(self, items, path, rtype, manager):
        for i, item in enumerate(items):
            p = path + (i,)
            if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in BOOLEAN:
                block = next(iter(item))
                if isinstance(item[block], list):
                    self.check_filters(item[block], p + (block,), rtype, manager)
                else:
                    self.add(p + (block,), f"expected a list of filters, got "
                             f"{schema.describe(item[block])}")
            elif isinstance(item, dict) and "type" not in item:
                if len(item) != 1:
                    self.add(p, "missing required key 'type' (a filter without 'type' is a "
                                "single 'key: value' pair)")
                else:
                    [(key, value)] = item.items()
                    full = {"type": "value", "key": key, "value": value}
                    self.check_element("filter", full, p, rtype, manager, shorthand=True)
            else:
                self.check_element("filter", item, p, rtype, manager)
                name = item.get("type") if isinstance(item, dict) else item
                if name == "event" and path[0] == "filters" and self.event_mode is False:
                    self.add(p, "the 'event' filter needs an event mode; this policy runs in "
                                "pull mode", p + ("type",) if isinstance(item, dict) else p)

    def check_element(self, kind, item, path, rtype, manager, shorthand=False):
        registry = self.regs[kind + "s"]
        if isinstance(item, str):
            name, data, name_path = item, {"type": item}, path
        elif isinstance(item, dict):
            name, data, name_path = item.get("type"), item, path + ("type",)
            if name is None:
                self.add(path, "missing required key 'type'")
                return
        else:
            self.add(path, f"expected a {kind} name or a mapping, got {schema.describe(item)}")
            return
        if shorthand:
            name_path = path
        if not isinstance(name, str):
            self.add(path, f"expected a {kind} name, got {schema.describe(name)}", name_path)
            return
        cls = registry.get(name, rtype) if not (kind == "filter" and name in BOOLEAN) else None
        if cls is None:
            self.add(path, self.unknown(kind, name, registry, rtype), name_path)
            return
        found = schema.validate(schema.element_schema(name, cls), data)
        if shorthand:   # report at the 'key: value' line, without the synthetic keys
            found = [(path_, msg, ()) for path_, msg, _ in found]
        self.extend(path, found)
        if found:
            return
        self.check_values(data, path, rtype, shorthand)
        if self.has_problem(path):
            return
        self.element_problems(path, lambda: cls(data, manager), f"{kind} '{name}'")

    def unknown(self, kind, name, registry, rtype):
        scopes = registry.scopes(name)
        if scopes and name not in BOOLEAN:
            return (f"{kind} '{name}' is not available for resource '{rtype}' "
                    f"(only for {', '.join(scopes)})")
        if kind == "filter" and name in BOOLEAN:
            return f"'{name}' is a block: write '- {name}: [filters...]'"
        return f"unknown {kind} '{name}'" + schema.suggest(name, registry.names(rtype))

    def check_values(self, data, path, rtype, shorthand):
        """Checks shared by many elements: regexes compile, times are not negative, an ``op``
        names an action the resource has."""
        at = (lambda key: ()) if shorthand else (lambda key: (key,))
        if data.get("op") in REGEX_OPERATORS and isinstance(data.get("value"), str):
            self.regex(data["value"], path + at("value"))
        if isinstance(data.get("value_regex"), str):
            self.regex(data["value_regex"], path + at("value_regex"))
        for key in NON_NEGATIVE:
            v = data.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
                self.add(path + at(key), f"must be >= 0, got {v}")
        op = data.get("op")
        if data.get("type") in OP_ELEMENTS and isinstance(op, str):
            actions = self.regs["actions"]
            if op in OP_ELEMENTS or actions.get(op, rtype) is None:
                names = [n for n in actions.names(rtype) if n not in OP_ELEMENTS]
                self.add(path + ("op",), f"resource '{rtype}' has no action '{op}'"
                         + schema.suggest(op, names))

    def regex(self, pattern, path):
        try:
            re.compile(pattern)
        except re.error as e:
            self.add(path, f"invalid regex '{pattern}': {e}")

    def element_problems(self, path, build, label):
        """Build the element (as the runtime will) and collect its own ``validate()``."""
        try:
            found = build().validate() or []
        except PolicyError as e:
            found = [(e.path, e.message)]
        except Exception as e:  # a constructor rejecting the data: say why, in one line
            found = [((), f"invalid {label}: {one_line(e)}")]
        for where_, message in found:
            where_ = (where_,) if isinstance(where_, (str, int)) else tuple(where_ or ())
            if self.has_problem(tuple(path) + where_) and where_:
                continue   # already said by a shared check
            self.add(tuple(path) + where_, message)
