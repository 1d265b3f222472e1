"""Which modules a policy needs, read from the generated index, and importing them.

The CLI (validation, schema) imports everything with ``load_all``. A policy needs far less:
its resource type's declaration and manager, its mode, the modules registering the filter and
action names it uses (for its type or ``"*"``), and the generic value/boolean filters.
``load_policy`` imports only those, so a Lambda cold start compiles a fraction of the code, and
``mu/package.py`` ships only them (plus what they import) in the function's zip. The mapping
is cloudmaid/index.py, generated from the registrations (``python -m cloudmaid.tools.index``);
tests/test_plugins.py checks it is up to date and that a subset registers what ``load_all``
registers for its type.
"""
import importlib

from . import index

PACKAGES = ("cloudmaid.filters", "cloudmaid.actions", "cloudmaid.resources", "cloudmaid.modes",
            "cloudmaid.aws")

#: registrations valid on every resource type, always loaded (a filter without ``type`` is a
#: value filter; ``or``/``and``/``not`` blocks)
GENERIC = ("cloudmaid.filters.value", "cloudmaid.filters.boolean")
#: the tag actions write through the type's tagger (actions/taggers.py)
TAG_ACTIONS = "cloudmaid.actions.tags"

_all_loaded = False
_loaded = set()


def resource_name(resource):
    """Custodian also spells resource types ``aws.ec2``."""
    if isinstance(resource, str) and resource.startswith("aws."):
        return resource[4:]
    return resource


def registering(table, rtype, names):
    """Modules registering any of ``names`` for ``rtype`` or ``"*"`` in an index table
    (None: every name)."""
    out = []
    for name, scopes in table.items():
        if names is None or name in names:
            out.extend(m for scope, m in scopes.items() if scope in ("*", rtype))
    return out


def modules_for(resource, mode="pull", names=None, source=None):
    """Dotted names of the modules a policy on ``resource`` in ``mode`` needs registered, in
    import order; ``None`` when either is unknown here (then load everything). ``names``: the
    strings the policy's filters/actions hold (None: assume any)."""
    rtype = resource_name(resource)
    own = index.TYPES.get(rtype) if isinstance(rtype, str) else None
    mode_module = index.MODES.get(mode or "pull") if isinstance(mode or "pull", str) else None
    if own is None or mode_module is None:
        return None
    names = None if names is None else set(names)
    elements = registering(index.FILTERS, rtype, names) + registering(index.ACTIONS, rtype, names)
    type_modules = [own["declared"], own["manager"]]
    if TAG_ACTIONS in elements:
        type_modules.append(own.get("tagger"))
    if source == "config" or names is None:
        type_modules.append(own["config"])
    wanted = list(GENERIC) + type_modules + sorted(set(elements)) + [mode_module]
    return tuple(m for m in dict.fromkeys(wanted) if m)


def policy_modules(policy_data):
    """``modules_for`` a policy's dict form: every string in its filters, actions and
    conditions counts as a name it may use (a value that happens to read ``tag`` only costs
    loading the tag module)."""
    if not isinstance(policy_data, dict):
        return None
    mode = policy_data.get("mode")
    mode_type = mode.get("type", "pull") if isinstance(mode, dict) else "pull"
    names = set()
    for key in ("filters", "actions", "conditions"):
        _strings(policy_data.get(key), names)
    found = modules_for(policy_data.get("resource"), mode_type, names, policy_data.get("source"))
    # a policy within the policy (account's ``missing`` filter) needs its own type's modules,
    # and so does a type an action reads (copy-related-tag's ``resource``)
    for inner in [*_embedded(policy_data.get("filters")), *_related(policy_data.get("actions"))]:
        more = policy_modules(inner)
        if found is None or more is None:
            return None
        found = tuple(dict.fromkeys(found + more))
    return found


def selects_listing(policy_data):
    """Whether the policy, or a policy embedded in its filters, writes ``query`` or ``source``
    (its function then needs the query parser and the Config source)."""
    if not isinstance(policy_data, dict):
        return True
    if "query" in policy_data or "source" in policy_data:
        return True
    return any(selects_listing(inner) for inner in _embedded(policy_data.get("filters")))


def _embedded(data):
    """The embedded policies (``policy: {resource: ...}``) of a filter list, at any depth."""
    if isinstance(data, dict):
        inner = data.get("policy")
        if isinstance(inner, dict) and "resource" in inner:
            yield inner
        for v in data.values():
            yield from _embedded(v)
    elif isinstance(data, list):
        for v in data:
            yield from _embedded(v)


def _related(actions):
    """``{resource: type}`` for each type copy-related-tag actions read their tags from."""
    for a in actions if isinstance(actions, list) else ():
        name = a.get("resource") if isinstance(a, dict) and a.get("type") == "copy-related-tag" \
            else None
        name = resource_name(name.split(".")[-1]) if isinstance(name, str) else None
        name = getattr(index, "TYPE_ALIASES", {}).get(name, name)
        if name in index.TYPES:
            yield {"resource": name}


def _strings(data, out):
    if isinstance(data, str):
        out.add(data)
    elif isinstance(data, dict):
        for k, v in data.items():
            _strings(k, out)
            _strings(v, out)
    elif isinstance(data, (list, tuple)):
        for v in data:
            _strings(v, out)


def load_for(resource, mode="pull"):
    """Register what a policy on ``resource`` in ``mode`` needs (everything if unknown)."""
    _load(modules_for(resource, mode))


def load_policy(policy_data):
    """``load_for`` a policy's dict form."""
    _load(policy_modules(policy_data))


def _load(names):
    if _all_loaded:
        return
    if names is None:
        return load_all()
    for name in names:
        if name not in _loaded:
            importlib.import_module(name)
            _loaded.add(name)


def all_modules():
    """Every registering module, in a stable order (the index generator reads it too)."""
    import pkgutil   # CLI side only
    names = []
    for package in PACKAGES:
        mod = importlib.import_module(package)
        for info in sorted(pkgutil.walk_packages(mod.__path__, package + "."),
                           key=lambda i: i.name):
            if not info.ispkg:
                names.append(info.name)
    return names


def load_names(names):
    """Import the modules registering any of ``names`` (a filter or action name), any scope."""
    names = set(names)
    _load(sorted({m for table in (index.FILTERS, index.ACTIONS)
                  for name, scopes in table.items() if name in names for m in scopes.values()}))


def load_all():
    global _all_loaded
    if _all_loaded:
        return
    for name in all_modules():
        importlib.import_module(name)
        _loaded.add(name)
    _all_loaded = True
