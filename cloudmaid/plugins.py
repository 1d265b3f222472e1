"""Which modules register the resource types, filters, actions and modes, and importing them.

The CLI (validation, schema) imports everything with ``load_all``. A policy needs far less: the
generic filters and actions, its mode, its resource type's own modules, and optional modules
(tag filters/actions, ec2/s3 filters) only when it names one of their filters or actions.
``load_policy`` imports only those, so a Lambda cold start compiles about half the code, and
``mu/package.py`` ships only them (plus what they import) in the function's zip. The mapping
is data, checked by tests/test_plugins.py against ``load_all``: same registrations, per type.
"""
import importlib

PACKAGES = ("cloudmaid.filters", "cloudmaid.actions", "cloudmaid.resources", "cloudmaid.modes")

#: registrations valid on every resource type (``"*"``)
GENERIC = ("cloudmaid.filters.value", "cloudmaid.filters.boolean")
#: modules a policy needs only when it names one of their filters/actions (any alias): every
#: name each registers, checked by tests/test_plugins.py. The others always load.
OPTIONAL = {
    "cloudmaid.filters.event": frozenset({"event"}),
    "cloudmaid.filters.listitem": frozenset({"list-item"}),
    "cloudmaid.filters.reduce": frozenset({"reduce"}),
    "cloudmaid.filters.tags": frozenset({"tag-count", "marked-for-op"}),
    "cloudmaid.actions.tags": frozenset({"tag", "mark", "remove-tag", "unmark", "untag",
                                         "rename-tag", "mark-for-op"}),
    "cloudmaid.resources.ec2_filters": frozenset({
        "instance-age", "instance-uptime", "state-age", "ebs", "security-group", "subnet",
        "image", "image-age"}),
    "cloudmaid.resources.s3_filters": frozenset({
        "bucket-encryption", "global-grants", "check-public-block"}),
}

#: resource type -> the modules (under cloudmaid.resources) registering its filters, actions
#: and manager. A type missing here (added since) makes ``load_for`` load everything.
RESOURCE_MODULES = {
    "ec2": ("ec2", "ec2_filters"),
    "ebs": ("ebs",),
    "ebs-snapshot": ("ebs",),
    "ami": ("ebs",),
    "security-group": ("security_group",),
    "subnet": (),
    "s3": ("s3", "s3_filters", "config_s3"),
}

#: mode type -> its module under cloudmaid.modes
MODE_MODULES = {
    "pull": "core",
    "periodic": "periodic",
    "cloudtrail": "cloudtrail",
    "ec2-instance-state": "ec2_state",
    "asg-instance-state": "asg_state",
    "guard-duty": "guard_duty",
    "config-rule": "config_rule",
    "config-poll-rule": "config_poll",
    "phd": "phd",
    "hub-finding": "security_hub",
    "hub-action": "security_hub",
    "schedule": "scheduler",
}

_all_loaded = False
_loaded = set()


def resource_name(resource):
    """Custodian also spells resource types ``aws.ec2``."""
    if isinstance(resource, str) and resource.startswith("aws."):
        return resource[4:]
    return resource


def modules_for(resource, mode="pull", names=None):
    """Dotted names of the modules a policy on ``resource`` in ``mode`` needs registered, in
    import order; ``None`` when either is unknown here (then load everything). ``names``: the
    strings the policy's filters/actions hold (None: assume any, load every OPTIONAL module)."""
    own = RESOURCE_MODULES.get(resource_name(resource))
    mode_module = MODE_MODULES.get(mode or "pull")
    if own is None or mode_module is None:
        return None

    def needed(module):
        return module not in OPTIONAL or names is None or bool(OPTIONAL[module] & names)

    generic = tuple(m for m in OPTIONAL
                    if m.startswith(("cloudmaid.filters.", "cloudmaid.actions.")))
    own = tuple(f"cloudmaid.resources.{m}" for m in own)
    mode_module = f"cloudmaid.modes.{mode_module}"
    return tuple(m for m in GENERIC + generic + own if needed(m)) + (mode_module,)


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
    return modules_for(policy_data.get("resource"), mode_type, names)


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
    """Every registering module, in a stable order."""
    import pkgutil   # CLI side only
    names = []
    for package in PACKAGES:
        mod = importlib.import_module(package)
        names.extend(f"{package}.{info.name}" for info in sorted(pkgutil.iter_modules(mod.__path__),
                                                                 key=lambda i: i.name))
    return names


def load_names(names):
    """Import the optional modules registering any of ``names`` (a filter or action name)."""
    _load([m for m, registered in OPTIONAL.items() if registered & set(names)])


def load_all():
    global _all_loaded
    if _all_loaded:
        return
    for name in all_modules():
        importlib.import_module(name)
        _loaded.add(name)
    _all_loaded = True
