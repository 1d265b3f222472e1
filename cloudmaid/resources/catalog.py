"""The declared resource types, by policy name, read through the generated index.

``get(name)`` imports only the module declaring that type (the index says which), so a Lambda
function loads and ships one service's declarations, however many types exist. ``CATALOG`` is
the same as a read-only mapping; iterating its values imports every declaration (CLI side).
"""
import importlib
from .. import index
from ..registry import LazyMapping
from .declaration import ResourceType  # noqa: F401 -- the public name

_rows = {}


def canonical(name):
    """The type's name for ``name``, which may be one of its aliases (Custodian's
    ``network-addr`` for ``elastic-ip``); other values unchanged."""
    if isinstance(name, str) and name not in index.TYPES:
        return getattr(index, "TYPE_ALIASES", {}).get(name, name)
    return name


def get(name):
    """The declaration of type ``name`` (or of the type it is an alias of), or None."""
    name = canonical(name)
    row = _rows.get(name)
    if row is None and isinstance(name, str) and name in index.TYPES:
        module = importlib.import_module(index.TYPES[name]["declared"])
        for r in module.TYPES:
            _rows.setdefault(r.name, r)
        row = _rows.get(name)
    return row


CATALOG = LazyMapping(index.TYPES, get, sorted)
