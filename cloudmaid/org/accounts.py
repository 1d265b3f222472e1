"""The accounts file (c7n-org's, unchanged), account selection (``-a``, ``-t``), the regions of
an account, and each account's ``vars`` expanded in the policies.

```yaml
vars: {owner: ops}                  # defaults for every account's vars
accounts:
  - account_id: "111122223333"
    name: dev
    role: arn:aws:iam::111122223333:role/maid   # or a bare role name, or a list (chained)
    external_id: s3cr3t
    regions: [us-east-1, eu-west-1]
    tags: [env:dev, pci]
    vars: {charge_code: xyz}
```
Every problem is one line ``FILE:LINE: account 'NAME': KEY: WHAT``; keys c7n-org would accept
and ignore (a misspelt ``regoins``) are refused.
"""
import json
import re
from dataclasses import dataclass, field

from .. import loader
from ..regions import problems as region_problems
from ..suggest import did_you_mean
from ..validate import PolicySpec, check, where

TOP_KEYS = ("accounts", "vars")
ACCOUNT_KEYS = ("account_id", "name", "role", "profile", "external_id", "regions", "tags",
                "vars", "display_name", "email", "org_id")
#: descriptive keys written by c7n-org's orgaccounts.py: strings, read by people
LABELS = ("display_name", "email", "org_id")
#: variables the run sets: an account's vars may not redefine them (c7n-org silently drops them)
RESERVED = ("account", "account_id", "region", "partition", "now")
#: c7n-org's regions when neither ``-r`` nor the account names any
DEFAULT_REGIONS = ("us-east-1", "us-west-2")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$")
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")


@dataclass(frozen=True)
class Account:
    name: str
    account_id: str
    roles: tuple = ()          # role ARNs, assumed in order (a chain)
    profile: str = None
    external_id: str = None
    regions: tuple = ()
    tags: tuple = ()
    vars: dict = field(default_factory=dict, hash=False)   # the file's vars as defaults
    line: int = 1


class AccountsError(Exception):
    """Problems with the accounts file or the selection; ``lines`` are one line each."""

    def __init__(self, lines):
        super().__init__(lines[0] if lines else "")
        self.lines = list(lines)


def comma_expand(values):
    """``-a a,b -a c`` -> ``[a, b, c]``, unique, in order (c7n-org's)."""
    out = []
    for v in values or ():
        out.extend(p.strip() for p in str(v).split(",") if p.strip())
    return list(dict.fromkeys(out))


def load(path):
    """The accounts of ``path``; raises AccountsError with every problem."""
    try:
        source = loader.load(path)
    except loader.LoadError as e:
        raise AccountsError([str(e)]) from None
    accounts, problems = parse(source)
    if problems:
        raise AccountsError(problems)
    return accounts


def parse(source):
    """``(accounts, problems)`` of a loaded accounts file."""
    data, f = source.data, source.file
    if not isinstance(data, dict) or "accounts" not in data:
        other = [k for k in (data or {}) if k in ("subscriptions", "projects", "tenancies")] \
            if isinstance(data, dict) else []
        if other:
            return [], [f"{f}:{source.line((other[0],))}: {other[0]}: only AWS accounts are "
                        "supported (an 'accounts:' list)"]
        return [], [f"{f}:1: expected a mapping with a top-level 'accounts:' list"]
    problems = [f"{f}:{source.line((k,))}: unknown top-level key '{k}'" + did_you_mean(k, TOP_KEYS)
                for k in data if k not in TOP_KEYS]
    org_vars = data.get("vars") or {}
    if not isinstance(org_vars, dict):
        problems.append(f"{f}:{source.line(('vars',))}: vars: expected a mapping")
        org_vars = {}
    problems += [f"{f}:{source.line(('vars', k))}: vars.{k}: '{k}' is set by the run, "
                 "not by vars" for k in org_vars if k in RESERVED]
    items = data["accounts"]
    if not isinstance(items, list):
        return [], problems + [f"{f}:{source.line(('accounts',))}: accounts: expected a list"]
    accounts, seen = [], {}
    for i, item in enumerate(items):
        account, found = parse_account(item, org_vars, lambda *p, i=i: source.line(("accounts", i) + p))
        problems += [f"{f}:{line}: {label}: {message}" for line, label, message in found]
        if account is None:
            continue
        if account.name in seen:
            problems.append(f"{f}:{account.line}: account '{account.name}': name: duplicate "
                            f"account name (first at line {seen[account.name]}); it names the "
                            "output folder")
            continue
        seen[account.name] = account.line
        accounts.append(account)
    return accounts, problems


def parse_account(item, org_vars, line):
    """``(Account or None, [(line, label, message)])``."""
    if not isinstance(item, dict):
        return None, [(line(), "accounts", "each account is a mapping (account_id, name, role, ...)")]
    label = f"account '{item.get('name') or item.get('account_id')}'"
    out = []

    def bad(key, message):
        out.append((line(key), label, f"{key}: {message}"))

    for key in item:
        if key not in ACCOUNT_KEYS:
            out.append((line(key), label, f"unknown key '{key}'" + did_you_mean(str(key), ACCOUNT_KEYS)))
    account_id = item.get("account_id")
    if not (isinstance(account_id, str) and _ACCOUNT_ID.match(account_id)):
        bad("account_id", "expected 12 digits as a string (quote it: '012345678901')"
            if account_id is not None else "missing")
    name = item.get("name", account_id)
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        bad("name", "expected a non-empty string without '/' (it names the output folder)")
    for key in LABELS + ("profile", "external_id"):
        if key in item and not isinstance(item[key], str):
            bad(key, "expected a string")
    if "external_id" in item and isinstance(item["external_id"], str) \
            and not 2 <= len(item["external_id"]) <= 1224:
        bad("external_id", "must be 2 to 1224 characters (AssumeRole's limit)")
    roles = item.get("role")
    if roles is None and not item.get("profile"):
        out.append((line(), label, "needs a 'role' (or a 'profile') to reach the account"))
    elif roles is not None and item.get("profile"):
        bad("role", "give a role or a profile, not both")
    roles = role_arns(roles, account_id, bad) if roles is not None else ()
    regions, tags = item.get("regions") or [], item.get("tags") or []
    for key, value in (("regions", regions), ("tags", tags)):
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            bad(key, "expected a list of strings")
    if isinstance(regions, list):
        for problem in region_problems([r for r in regions if isinstance(r, str)]):
            bad("regions", problem)
    own = item.get("vars") or {}
    if not isinstance(own, dict):
        bad("vars", "expected a mapping")
        own = {}
    for k in own:
        if k in RESERVED:
            out.append((line("vars", k), label, f"vars.{k}: '{k}' is set by the run, not by vars"))
    if out:
        return None, out
    return Account(name=name, account_id=account_id, roles=roles, profile=item.get("profile"),
                   external_id=item.get("external_id"), regions=tuple(regions), tags=tuple(tags),
                   vars={**org_vars, **own}, line=line()), []


def role_arns(roles, account_id, bad):
    """c7n-org's rule: a bare role name is the account's own role; a list is a chain of ARNs."""
    if isinstance(roles, str):
        if not roles.startswith("arn"):
            roles = f"arn:aws:iam::{account_id}:role/{roles}"
        roles = [roles]
    elif not (isinstance(roles, list) and roles and all(isinstance(r, str) for r in roles)):
        bad("role", "expected a role ARN or name, or a list of role ARNs (assumed in order)")
        return ()
    for r in roles:
        if not _ROLE_ARN.match(r):
            bad("role", f"'{r}' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
    return tuple(roles)


def select(accounts, names=(), tags=(), not_names=()):
    """c7n-org's selection: ``-a`` names or ids (any), ``-t`` tags (all), ``--not-accounts``.
    An ``-a`` or ``--not-accounts`` value that names no account is an error (a typo would
    otherwise run everything or nothing)."""
    names, tags, not_names = comma_expand(names), comma_expand(tags), comma_expand(not_names)
    known = [a.name for a in accounts] + [a.account_id for a in accounts]
    problems = [f"-a {n}: no such account" + did_you_mean(n, known)
                for n in names + not_names if n not in known]
    if problems:
        raise AccountsError(problems)
    picked = [a for a in accounts
              if (not names or a.name in names or a.account_id in names)
              and a.name not in not_names and a.account_id not in not_names
              and all(t in a.tags for t in tags)]
    if not picked:
        raise AccountsError(["no account matches the selection" + (f" (tags: {', '.join(tags)})"
                                                                   if tags else "")])
    return picked


def regions_for(account, requested=()):
    """``-r`` when given, else the account's ``regions``, else c7n-org's default; may hold
    ``all`` (the runner asks the account which regions it has)."""
    return comma_expand(requested) or list(account.regions) or list(DEFAULT_REGIONS)


# -- vars in policies ----------------------------------------------------------------------------
def variables(account):
    """What an account's policies are formatted with before the run's own variables
    (``{account_id}``, ``{region}``, ``{partition}``, ``{now}``): its vars and ``{account}``,
    the account's name (as in c7n-org's run-script and output folders)."""
    return {**account.vars, "account": account.name}


def expand(data, values, missing=None, path=()):
    """``data`` with ``{name}`` / ``{name:spec}`` replaced where ``name`` is in ``values``;
    other placeholders stay for the engine (``{region}``) or the element (``{op}``). A string
    that is exactly one ``{name}`` takes the value itself, list or number (Custodian's
    VarFormat). ``missing``: names to report, as ``(path, name)``, when left unexpanded."""
    if isinstance(data, str):
        if "{" not in data:
            return data
        whole = _FIELD.fullmatch(data)
        if whole and whole.group(2) is None and whole.group(1) in values:
            return values[whole.group(1)]

        def one(m):
            name, spec = m.group(1), m.group(2) or ""
            if name not in values:
                if missing is not None:
                    missing.append((path, name))
                return m.group(0)
            try:
                return format(values[name], spec)
            except (ValueError, TypeError):
                raise VarError(path, f"'{{{name}:{spec}}}' cannot format "
                                     f"{type(values[name]).__name__} value of vars.{name}") from None
        return _FIELD.sub(one, data)
    if isinstance(data, dict):
        return {k: expand(v, values, missing, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [expand(v, values, missing, path + (i,)) for i, v in enumerate(data)]
    return data


class VarError(Exception):
    def __init__(self, path, message):
        super().__init__(message)
        self.path, self.message = path, message


def policies_for(account, specs, var_names=(), by_name=False):
    """The account's policy specs, vars expanded; ``(specs, problems)``. A placeholder naming a
    var other accounts set but this one lacks is a problem: left as text it would match
    nothing, silently, in that account only."""
    from ..policy import keep_mailer_subjects
    values, out, problems = variables(account), [], []
    for spec in specs:
        missing = []
        try:
            data = keep_mailer_subjects(spec.data, expand(spec.data, values, missing))
        except VarError as e:
            problems.append(f"{spec.source.file}:{spec.line(*e.path)}: {spec.label}: "
                            f"{where(e.path)}: {e.message}")
            continue
        for path, name in missing:
            if name in var_names:
                problems.append(f"{spec.source.file}:{spec.line(*path)}: {spec.label}: "
                                f"{where(path)}: uses {{{name}}}, which this account's "
                                "vars do not set" + ("" if by_name else f" (account '{account.name}')"))
        out.append(PolicySpec(data, spec.source, spec.index))
    return out, problems


def check_accounts(accounts, specs):
    """Validate the policies as each account will run them (vars expanded), before any API
    call. Accounts whose expanded policies are the same are checked once. A problem common to
    every account is one line; one that only some accounts have names them."""
    var_names = {k for a in accounts for k in a.vars}
    seen, where_found = {}, {}
    for account in accounts:
        expanded, problems = policies_for(account, specs, var_names, by_name=True)
        if not problems:
            key = json.dumps([s.data for s in expanded], sort_keys=True, default=str)
            if key not in seen:
                seen[key] = check(expanded)
            problems = seen[key]
        for p in problems:
            where_found.setdefault(p, []).append(account.name)
    lines = []
    for problem, names in where_found.items():
        if len(names) == len(accounts):
            lines.append(problem)
        else:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            lines.append(f"{problem} (account {shown})")
    return lines
