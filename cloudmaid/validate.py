"""Load policy files and check them: JSON Schema from the registries plus semantic checks.

Every problem is one line ``FILE:LINE: policy 'NAME': WHERE: WHAT (did you mean 'X'?)``.
Nothing here calls AWS.
"""
from dataclasses import dataclass

from . import loader


@dataclass
class PolicySpec:
    data: dict
    source: loader.Source
    index: int

    @property
    def name(self):
        return self.data.get("name")

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
        data = source.data
        if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
            problems.append(f"{path}:1: expected a top-level 'policies:' list")
            continue
        for i, p in enumerate(data["policies"]):
            specs.append(PolicySpec(p, source, i))
    problems.extend(check(specs))
    return specs, problems


def check(specs):
    """Schema and semantic problems of the given policies (filled in by the schema module)."""
    from . import schema
    return schema.problems(specs)
