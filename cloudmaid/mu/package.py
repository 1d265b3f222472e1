"""Deterministic Lambda zip for one policy: our runtime modules, the policy as JSON, an entry module.

The same policy gives byte-identical zips (hence the same sha256) in any process, on any
PYTHONHASHSEED, from any checkout time: entries are sorted, timestamps fixed, modes 0644 and
JSON canonical. That is what lets the planner compare with Lambda's CodeSha256 and never
re-upload an unchanged policy.
"""
import base64
import functools
import hashlib
import io
import json
import os
import threading
import zipfile

PACKAGE = "cloudmaid"
# the folder holding the cloudmaid package
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Modules only the CLI / deploy side needs; they would drag in yaml, jsonschema or click, or
# are simply dead weight in a function. Never shipped, even if a runtime module names them in
# a function-level import (that code path cannot run in a function): of mu/, a function needs
# only its handler (a mode's deploy-side ``models`` imports mu/ lazily).
CLI_SIDE = frozenset({
    "cli.py", "loader.py", "validate.py", "schema.py", "report.py", "progress.py", "runner.py",
})
MU_SHIPPED = frozenset({"mu/__init__.py", "mu/handler.py"})
EXCLUDED = CLI_SIDE | frozenset(
    f"mu/{name}" for name in os.listdir(os.path.join(ROOT, PACKAGE, "mu"))
    if name.endswith(".py") and f"mu/{name}" not in MU_SHIPPED)
# Shipped only to a function whose policy (or a policy embedded in it) writes ``query`` or
# ``source``: the manager imports the query parser and the Config source lazily, on that condition.
ON_DEMAND = frozenset({"resources/query.py", "resources/config_source.py"})
EXCLUDED_DIRS = frozenset({"sandbox", "__pycache__"})
DATA_SUFFIXES = (".py", ".json")
_PARSE_LOCK = threading.Lock()

# What every function imports: the handler and, lazily, the policy engine it builds. The
# policy's own registering modules (plugins.policy_modules) are added per policy.
ENTRY_MODULES = ("cloudmaid.mu.handler", "cloudmaid.policy", "cloudmaid.plugins",
                 "cloudmaid.context", "cloudmaid.session")

HANDLER_MODULE = "maid_handler"
HANDLER = f"{HANDLER_MODULE}.handler"
ENTRY_SOURCE = (
    '"""Lambda entry point of a cloudmaid policy function (generated)."""\n'
    "from cloudmaid.mu.handler import handler  # noqa: F401\n"
)
# 1980-01-01 is the earliest time a zip can hold; any fixed value would do.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def all_files(root=ROOT):
    """Every shippable file of the package (``cloudmaid/...``, '/'-separated, sorted): the
    function of a policy whose modules are unknown gets all of them."""
    base = os.path.join(root, PACKAGE)
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in EXCLUDED_DIRS and not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.endswith(DATA_SUFFIXES) and rel not in EXCLUDED:
                found.append(f"{PACKAGE}/{rel}")
    return sorted(found)


def runtime_files(policy_data=None, root=ROOT):
    """Relative paths (sorted) of the files a function for ``policy_data`` needs: the entry
    modules, the policy's registering modules, everything they import (statically, including
    imports inside functions) and their packages' ``__init__.py``. Without a policy, or for one
    whose resource type or mode plugins.py does not know, every runtime file."""
    from .. import plugins
    wanted = plugins.policy_modules(policy_data) if policy_data is not None else None
    if wanted is None:
        return all_files(root)
    allowed = set(_all_files(root))
    skip = frozenset() if plugins.selects_listing(policy_data) else ON_DEMAND
    return sorted(_closure(ENTRY_MODULES + tuple(wanted), root, skip) & allowed)


@functools.lru_cache(maxsize=64)
def _closure(modules, root, skip=frozenset()):
    return frozenset(closure(modules, root, skip))


@functools.lru_cache(maxsize=4)
def _all_files(root):
    return tuple(all_files(root))


def module_path(name):
    """``cloudmaid.filters.value`` -> ``cloudmaid/filters/value.py`` (or a package's __init__)."""
    return name.replace(".", "/") + ".py"


def closure(modules, root=ROOT, skip=frozenset()):
    """Files of ``modules`` and of every cloudmaid module they import, transitively (less the
    package-relative paths in ``skip``)."""
    seen = set()
    todo = list(modules)
    while todo:
        path = _existing(todo.pop(), root)
        rel = path and path[len(PACKAGE) + 1:]
        if path is None or path in seen or rel in EXCLUDED or rel in skip:
            continue
        seen.add(path)
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):          # the packages on the way
            todo.append(".".join(parts[:i]))
        todo.extend(imported_modules(path, _source(root, path)))
    return seen


def _existing(name, root):
    """The file of module or package ``name`` (relative path), None if not ours / missing."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    for rel in (module_path(name), name.replace(".", "/") + "/__init__.py"):
        if os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def imported_modules(path, source):
    """Dotted names a module's source imports (absolute and relative, at any depth); for
    ``from X import y`` both ``X`` and ``X.y`` (y may be a submodule). Non-existent names are
    dropped by the caller."""
    import ast   # deploy side only
    is_package = path.endswith("/__init__.py")
    package = (path[:-len("/__init__.py")] if is_package else path.rsplit("/", 1)[0])
    package = package.replace("/", ".")
    # one parse at a time: deploys build packages in threads, and some CPython 3.11 releases
    # fail concurrent parses ("SystemError: AST constructor recursion depth mismatch")
    with _PARSE_LOCK:
        tree = ast.parse(source, path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def canonical_json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def function_policy(policy_data):
    """The policy as the function needs it: the keys its mode declares deploy-only removed
    (modes.core.DEPLOY_ONLY and the mode's own ``deploy_only``)."""
    mode = policy_data.get("mode")
    if not isinstance(mode, dict):
        return policy_data
    from ..modes import core, modes
    from .. import plugins
    plugins.load_policy(policy_data)
    cls = modes.get(mode.get("type", core.PULL)) if isinstance(mode.get("type", core.PULL), str) else None
    keys = getattr(cls, "deploy_only", core.DEPLOY_ONLY)
    return {**policy_data, "mode": {k: v for k, v in mode.items() if k not in keys}}


def config_json(policy_data, options=None):
    return canonical_json({"policy": function_policy(policy_data), "options": options or {}})


def _entry(name):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3                      # unix, so the mode bits below are honoured
    info.external_attr = (0o100644 & 0xFFFF) << 16
    return info


def build(policy_data, options=None, root=ROOT):
    """Return ``(zip bytes, sha256)``; sha256 is base64, like Lambda's ``CodeSha256``."""
    return _build([policy_data], config_json(policy_data, options), root)


def bundle_config(members):
    """config.json of a bundle: ``members`` is ``[(policy data, options)]``, in serving order."""
    return canonical_json({"bundle": [{"policy": function_policy(p), "options": o or {}}
                                      for p, o in members]})


def build_bundle(members, root=ROOT):
    """The zip of one function serving several policies (mu/bundle.py): what each needs."""
    return _build([p for p, _ in members], bundle_config(members), root)


def _build(policies, config, root):
    entries, files = {}, set()
    for policy_data in policies:
        mode = policy_data.get("mode") if isinstance(policy_data, dict) else None
        entries.update(package_files((mode or {}).get("packages") if isinstance(mode, dict) else None))
        files.update(runtime_files(policy_data, root))
    files = tuple(sorted(files))
    entries.update(_sources(root, files))
    index_path = f"{PACKAGE}/index.py"
    if index_path in entries and policies != [None]:
        from .slim_index import source   # the index trimmed to what this zip holds
        shipped = {f[:-3].replace("/", ".").removesuffix(".__init__") for f in files
                   if f.endswith(".py")}
        entries[index_path] = source(shipped).encode("utf-8")
    entries["config.json"] = config.encode("utf-8")
    entries[f"{HANDLER_MODULE}.py"] = ENTRY_SOURCE.encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            zf.writestr(_entry(name), entries[name])
    data = buf.getvalue()
    return data, sha256_b64(data)


def package_files(names):
    """``{zip path: bytes}`` of the Python modules ``names`` (import names, the mode's
    ``packages``) as installed where the deploy runs, as Cloud Custodian adds them: a package's
    whole folder (compiled caches left out), or a single module's file. Raises PolicyError for
    a name that is not installed."""
    import importlib.util   # deploy side only
    from ..errors import PolicyError
    out = {}
    for i, name in enumerate(names or ()):
        if name == PACKAGE:
            continue                                   # always shipped, trimmed to the policy
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not (spec.submodule_search_locations or spec.has_location):
            raise PolicyError(f"package '{name}' is not installed where maid runs: it cannot be "
                              f"added to the function", ("mode", "packages", i))
        if spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                parent = os.path.dirname(location)
                for dirpath, dirnames, filenames in os.walk(location):
                    dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
                    for f in filenames:
                        if not f.endswith((".pyc", ".pyo")):
                            path = os.path.join(dirpath, f)
                            out[os.path.relpath(path, parent).replace(os.sep, "/")] = _raw(path)
        else:
            out[os.path.basename(spec.origin)] = _raw(spec.origin)
    return out


def _raw(path):
    with open(path, "rb") as fh:        # as installed: binaries too
        return fh.read()


def _sources(root, paths):
    """The runtime modules' bytes, each read once per process: every policy of a deploy gets
    the same code even if the checkout changes meanwhile, and 1000 policies do not re-read it."""
    return tuple((path, _source(root, path)) for path in paths)


@functools.lru_cache(maxsize=None)
def _source(root, path):
    return _read(os.path.join(root, path))


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _read(path):
    with open(path, "rb") as fh:
        # Normalise line endings so a Windows checkout builds the same zip.
        return fh.read().replace(b"\r\n", b"\n")
