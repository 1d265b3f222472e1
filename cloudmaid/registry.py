"""One small generic registry: policy names -> classes, optionally scoped per resource type.

Filters, actions and modes register explicitly with ``@registry.register("name")``. A name may
be registered for all resource types (``"*"``) or for a few (``resources=("ec2",)``); a scoped
registration wins over the generic one, so ``delete`` can mean a different class per type.
"""
from collections.abc import Mapping


class LazyMapping(Mapping):
    """A read-only mapping whose keys are known up front (a table of the generated index) and
    whose values ``get(key)`` builds on first use (importing only the module holding it)."""

    def __init__(self, names, get, ordered=None):
        self._names, self._get, self._ordered = names, get, ordered

    def __getitem__(self, name):
        value = self._get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return isinstance(name, str) and name in self._names

    def __iter__(self):
        return iter(self._ordered(self._names) if self._ordered else self._names)

    def __len__(self):
        return len(self._names)


class Registry:
    def __init__(self, kind):
        self.kind = kind
        self._by_name = {}

    def register(self, name, resources=("*",), aliases=()):
        def decorate(cls):
            cls.type = name
            for alias in (name, *aliases):
                scopes = self._by_name.setdefault(alias, {})
                for resource in resources:
                    scopes[resource] = cls
            return cls

        return decorate

    def get(self, name, resource="*"):
        scopes = self._by_name.get(name)
        if not scopes:
            return None
        return scopes.get(resource) or scopes.get("*")

    def names(self, resource="*"):
        """Names usable on ``resource`` (all generic ones plus its own), sorted."""
        return sorted(n for n, scopes in self._by_name.items() if "*" in scopes or resource in scopes)

    def scopes(self, name):
        """Resource types ``name`` is registered for (``"*"`` for all), sorted; read-only."""
        return sorted(self._by_name.get(name, ()))

    def items(self, resource="*"):
        """``[(name, class)]`` usable on ``resource``, sorted by name; read-only."""
        return [(n, self.get(n, resource)) for n in self.names(resource)]

    def all_names(self):
        """Every registered name, whatever its scope, sorted."""
        return sorted(self._by_name)

    def __contains__(self, name):
        return name in self._by_name
