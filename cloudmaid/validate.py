"""Load policy files and check them: JSON Schema from the registries plus semantic checks.

Every problem is one line ``FILE:LINE: policy 'NAME': WHERE: WHAT (did you mean 'X'?)``.
Nothing here calls AWS: elements are built on a resource manager without a context.
"""
import datetime
import re
import types
from dataclasses import dataclass

from . import loader, schema
from .errors import PolicyError, jmespath_message, jmespath_problem
from .filters.core import BOOLEAN
from .filters.ops import REGEX_OPERATORS
from .resources.catalog import CATALOG, canonical
from .suggest import did_you_mean

#: element keys that count time and cannot be negative (Custodian's schemas say minimum 0)
NON_NEGATIVE = ("days", "hours", "minutes")
#: element keys that count time -> their unit: the date they give must be one Python can hold
DURATIONS = {"days": "days", "hours": "hours", "minutes": "minutes", "skew": "days",
             "skew_hours": "hours"}
#: values of the run variables, to check that ``{now:%Y}``-style format specs work
SAMPLE_VARIABLES = {"account_id": "123456789012", "account": "123456789012",
                    "region": "us-east-1", "partition": "aws",
                    "now": datetime.datetime(2030, 1, 31, 9, 30)}
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
    return specs, [one_line(p) for p in problems]


def one_line(message):
    """A problem as one printable line: control characters a document's keys or values carry
    (a carriage return, a tab) are shown escaped, never written to the terminal."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def read_policies(source):
    """The policy specs of one loaded file, and its file-level problems."""
    data, f = source.data, source.file
    if data is None:
        return [], [f"{f}:1: empty file: expected a top-level 'policies:' list"]
    if not isinstance(data, dict):
        return [], [f"{f}:1: expected a mapping with a top-level 'policies:' list, "
                    f"got {schema.describe(data)}"]
    problems = [f"{f}:{source.line((k,))}: unknown top-level key '{k}'"
                + did_you_mean(k, schema.TOP_KEYS) for k in data if k not in schema.TOP_KEYS]
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
    """An exception as one line (JMESPath errors name the expression and the position)."""
    expression = getattr(error, "expression", None)
    if isinstance(error, ValueError) and type(error).__module__.startswith("jmespath"):
        return jmespath_message(expression if isinstance(expression, str) else "", error)
    text = str(error).strip().splitlines()
    return text[0].rstrip(":") if text else type(error).__name__


def path_of(data, value):
    """The key path inside ``data`` of the string ``value`` (the JMESPath a compile error
    names), or None."""
    if data == value:
        return ()
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for k, v in items:
        if k == "type":
            continue
        found = path_of(v, value)
        if found is not None:
            return (k,) + found
    return None


def duration_problem(value, unit):
    """A message when ``value`` ``unit`` before or after now is past the dates Python holds
    (year 1 to 9999): the run would fail computing the date."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        delta = datetime.timedelta(**{unit: value})
        now - delta, now + delta  # noqa: B018 -- both must be dates
    except (OverflowError, ValueError):
        return f"{value} {unit} is too far from today to be a date"
    return None


def value_from_problems(config):
    """``value_from`` problems known without reading it: a format the url names, an ``expr``
    that compiles."""
    import os
    import urllib.parse
    from .filters.valuefrom import FORMATS
    out = []
    url = config.get("url")
    if isinstance(url, str) and config.get("format") is None:
        ext = os.path.splitext(urllib.parse.urlparse(url).path)[1][1:]
        if ext not in FORMATS:
            out.append((("url",), f"cannot tell the format of '{url}' from its extension: "
                                  f"add format: {', '.join(FORMATS[:-1])} or {FORMATS[-1]}"))
    expr = config.get("expr")
    if isinstance(expr, str):
        from .filters.keys import _Functions   # Custodian's split() and from_json() too
        message = jmespath_problem(expr, _Functions())
        if message:
            out.append((("expr",), message))
    return out


def resource_name(value):
    """Custodian also spells resource types ``aws.ec2``, and some by an alias."""
    if isinstance(value, str) and value.startswith("aws.") and canonical(value[4:]) in CATALOG:
        return canonical(value[4:])
    return canonical(value)


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
                     + did_you_mean(rtype, sorted(CATALOG)))
        known = isinstance(rtype, str) and rtype in CATALOG
        self.rtype = rtype if known else None
        self.manager = self._manager() if known else None
        if self.manager is not None:   # for elements that need another (modify-listener)
            self.manager.policy_data = data
        self.event_mode = self.check_mode(data.get("mode"))
        if known and not (self.has_problem(("query",)) or self.has_problem(("source",))):
            from .resources import query
            self.extend((), query.problems(data, self.regs["modes"]))
        if known and isinstance(data.get("filters"), list):
            self.check_filters(data["filters"], ("filters",), rtype, self.manager)
        if known and isinstance(data.get("actions"), list):
            for i, item in enumerate(data["actions"]):
                self.check_element("action", item, ("actions", i), rtype, self.manager)
        if isinstance(data.get("conditions"), list):
            self.check_filters(data["conditions"], ("conditions",), "*", None)
        self.check_window(data)
        self.check_variables(data, ())
        return self.problems

    # -- policy keys the runtime reads itself ------------------------------------------------
    def check_window(self, data):
        """``tz``, ``start``, ``end`` and ``region`` (Custodian's older condition keys): a zone
        and dates that parse, a region that exists -- else the policy would silently never run."""
        from dateutil import parser, tz as tzutil
        zone = data.get("tz")
        if isinstance(zone, str) and not self.has_problem(("tz",)):
            try:
                known = tzutil.gettz(zone) is not None if zone else False
            except Exception:   # dateutil raises on some malformed names
                known = False
            if not known:
                import zoneinfo
                self.add(("tz",), f"unknown timezone '{zone}'"
                         + did_you_mean(zone, sorted(zoneinfo.available_timezones())))
        for key in ("start", "end"):
            value = data.get(key)
            if isinstance(value, str) and not self.has_problem((key,)):
                try:
                    parser.parse(value)
                except (ValueError, OverflowError):
                    self.add((key,), f"'{value}' is not a date or time (e.g. '2030-01-31' or "
                                     f"'2030-01-31T09:00')")
        if isinstance(data.get("region"), str) and not self.has_problem(("region",)):
            from . import regions
            for message in regions.problems([data["region"]]):
                self.add(("region",), message)

    def check_variables(self, value, path):
        """``{now:SPEC}`` and the other run variables format when the policy is built."""
        if isinstance(value, dict):
            for k, v in value.items():
                self.check_variables(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.check_variables(v, path + (i,))
        elif isinstance(value, str) and "{" in value:
            from .policy import interpolate
            try:
                interpolate(value, SAMPLE_VARIABLES)
            except (ValueError, TypeError) as e:
                self.add(path, f"'{value}': {one_line(e)}")

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
                     + did_you_mean(name, registry.names()))
            return None
        found = schema.validate(schema.element_schema(name, cls), mode)
        self.extend(("mode",), found)
        if not found:
            self.element_problems(("mode",), lambda: cls(mode, self._stub()), f"mode '{name}'",
                                  mode)
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
        self.element_problems(path, lambda: cls(data, manager), f"{kind} '{name}'", data,
                              shorthand)

    def unknown(self, kind, name, registry, rtype):
        scopes = registry.scopes(name)
        if scopes and name not in BOOLEAN:
            return (f"{kind} '{name}' is not available for resource '{rtype}' "
                    f"(only for {', '.join(scopes)})")
        if kind == "filter" and name in BOOLEAN:
            return f"'{name}' is a block: write '- {name}: [filters...]'"
        return f"unknown {kind} '{name}'" + did_you_mean(name, registry.names(rtype))

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
        for key, unit in DURATIONS.items():
            if not self.has_problem(path + at(key)):
                message = duration_problem(data.get(key), unit)
                if message:
                    self.add(path + at(key), message)
        if data.get("value_type") in ("age", "expiration") and "value" in data:
            message = duration_problem(data["value"], "days")
            if message:
                self.add(path + at("value"), message)
        if isinstance(data.get("value_from"), dict):
            for where_, message in value_from_problems(data["value_from"]):
                self.add(path + at("value_from") + where_, message)
        op = data.get("op")
        if data.get("type") in OP_ELEMENTS and isinstance(op, str):
            actions = self.regs["actions"]
            if op in OP_ELEMENTS or actions.get(op, rtype) is None:
                names = [n for n in actions.names(rtype) if n not in OP_ELEMENTS]
                self.add(path + ("op",), f"resource '{rtype}' has no action '{op}'"
                         + did_you_mean(op, names))

    def regex(self, pattern, path):
        try:
            re.compile(pattern)
        except re.error as e:
            self.add(path, f"invalid regex '{pattern}': {e}")

    def element_problems(self, path, build, label, data=None, shorthand=False):
        """Build the element (as the runtime will) and collect its own ``validate()``."""
        try:
            found = build().validate() or []
        except PolicyError as e:
            found = [(e.path, e.message)]
        except Exception as e:  # a constructor rejecting the data: say why, in one line
            expression = getattr(e, "expression", None)
            at = path_of(data, expression) if isinstance(expression, str) else None
            if at:   # a JMESPath of the element: point at it
                found = [(() if shorthand else at, one_line(e))]
            else:
                found = [((), f"invalid {label}: {one_line(e)}")]
        for where_, message in found:
            where_ = (where_,) if isinstance(where_, (str, int)) else tuple(where_ or ())
            if self.has_problem(tuple(path) + where_) and where_:
                continue   # already said by a shared check
            self.add(tuple(path) + where_, message)
