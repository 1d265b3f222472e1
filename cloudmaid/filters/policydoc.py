"""Reading IAM policy documents embedded in resources (bucket, queue, topic, key and trust
policies): which statements grant access outside the account, Cloud Custodian's PolicyChecker
rules.

A statement is a violation when it allows (Effect Allow) an action of interest to a principal
outside the allowed set, and no condition of it restricts access back inside. Service
principals never count; ``NotPrincipal`` always does; a principal ``*`` always does. Conditions
are read from the operators Custodian reads (StringEquals, StringLike, ArnEquals, ArnLike,
IpAddress, NotIpAddress and the ForAllValues/ForAnyValue forms); an unknown condition key is
treated as not restricting, as Custodian does.
"""
import fnmatch
import json

CONDITION_OPS = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
                 "IpAddress", "NotIpAddress")
SET_OPS = ("ForAllValues", "ForAnyValue")
ORG_KEYS = ("aws:principalorgid", "aws:resourceorgid", "aws:principalorgpaths")
#: keys whose values name accounts (as account ids or ARNs)
ACCOUNT_KEYS = ("aws:sourceowner", "aws:sourceaccount", "aws:sourcearn", "aws:principalarn",
                "aws:principalaccount", "s3:dataaccesspointaccount")
PRINCIPAL_KEYS = ("aws:principalarn", "aws:principalaccount", "aws:sourceaccount",
                  "aws:sourcearn", "s3:dataaccesspointaccount")


def account_of(value):
    """The account of an ARN (``arn:aws:iam::123:root`` -> ``123``); anything else as is."""
    value = str(value)
    return value.split(":", 5)[4] if value.count(":") >= 4 else value


def load(policy):
    """A policy document from its JSON text or dict; None when absent or unreadable."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return policy if isinstance(policy, dict) else None


def statements(policy):
    found = (load(policy) or {}).get("Statement") or []
    return [found] if isinstance(found, dict) else [s for s in found if isinstance(s, dict)]


def as_list(value):
    return [value] if isinstance(value, str) else list(value or ())


class Checker:
    """Which statements of a policy grant access beyond what the filter allows.

    ``accounts``: principals' accounts that are fine (the resource's own account included);
    ``vpcs``/``vpces``/``orgids``/``org_units``: condition values that are fine;
    ``actions``: only statements granting one of these (fnmatch patterns on both sides);
    ``everyone_only``: only principal ``*`` counts; ``conditions``: condition keys accepted as
    restricting whatever their value; ``patterns``: principals to ignore (fnmatch).
    """

    def __init__(self, accounts=(), vpcs=(), vpces=(), orgids=(), org_units=(), actions=(),
                 everyone_only=False, conditions=(), patterns=()):
        self.accounts = set(accounts)
        self.vpcs, self.vpces = set(vpcs), set(vpces)
        self.orgids, self.org_units = set(orgids), set(org_units)
        self.actions = tuple(actions)
        self.everyone_only = everyone_only
        self.conditions = {c.lower() for c in conditions}
        self.patterns = tuple(patterns)

    def violations(self, policy):
        return [s for s in statements(policy) if self.violates(s)]

    def allowed(self, policy):
        return [s for s in statements(policy) if not self.violates(s)]

    def violates(self, s):
        return (s.get("Effect") == "Allow" and self.principal_outside(s)
                and self.action_of_interest(s) and not self.restricted(s))

    def action_of_interest(self, s):
        if not self.actions:
            return True
        return any(fnmatch.filter(self.actions, a) for a in as_list(s.get("Action")))

    def principal_outside(self, s):
        if "NotPrincipal" in s:
            return True
        principals = s.get("Principal")
        if not principals:
            return True
        if not isinstance(principals, dict):
            principals = {"AWS": principals}
        ids = {p for kind, value in principals.items() if kind != "Service"
               for p in as_list(value)}
        if not ids:
            return False   # service principals only
        outside = False
        for pid in ids:
            if pid == "*":
                outside = True
            elif self.everyone_only or pid.startswith("arn:aws:iam::cloudfront:user"):
                continue
            elif any(fnmatch.fnmatch(pid, p) for p in self.patterns):
                continue
            elif account_of(pid) not in self.accounts:
                outside = True
        return outside

    # -- conditions --------------------------------------------------------------------------
    @staticmethod
    def conditions_of(s):
        out = []
        for op, block in (s.get("Condition") or {}).items():
            if op not in CONDITION_OPS and not op.startswith(SET_OPS):
                continue
            for key, value in (block or {}).items():
                out.append((op, key.lower(), tuple(as_list(value))))
        return out

    def restricted(self, s):
        """Do the statement's conditions keep access inside what is allowed?"""
        conds = self.conditions_of(s)
        if not conds:
            return False
        results = []
        for op, key, values in conds:
            ok = self.condition_restricts(key, values)
            if ok is None:   # a key Custodian has no rule for: not restricting
                return False
            results.append(ok)
        if all(results):
            return True
        # an allowed organisation saves statements whose only failing conditions are
        # principal conditions with wildcards or allowed accounts
        org_ok = any(ok and key in ORG_KEYS for ok, (_, key, _) in zip(results, conds))
        if not org_ok:
            return False
        for ok, (_, key, values) in zip(results, conds):
            if ok:
                continue
            if key not in PRINCIPAL_KEYS:
                return False
            if not all("*" in str(v) or account_of(v) in self.accounts for v in values):
                return False
        return True

    def condition_restricts(self, key, values):
        """True: the condition keeps access inside; False: it does not; None: unknown key."""
        if key in self.conditions:
            return True
        if key in ACCOUNT_KEYS:
            return not {account_of(v) for v in values} - self.accounts
        if key == "aws:sourceip":
            return True
        if key == "aws:sourcevpce":
            return not self.vpces or not {account_of(v) for v in values} - self.vpces
        if key == "aws:sourcevpc":
            return not self.vpcs or not {account_of(v) for v in values} - self.vpcs
        if key == "aws:principalorgid":
            return bool(self.orgids) and not {account_of(v) for v in values} - self.orgids
        if key == "aws:resourceorgid":
            return not {account_of(v) for v in values} - self.orgids
        if key == "aws:principalorgpaths":
            if not self.orgids and not self.org_units:
                return False
            return all(self.org_path_allowed(v) for v in values)
        return None

    def org_path_allowed(self, path):
        segments = str(path).split("/")
        if segments[0] in self.orgids:
            return True
        for allowed in self.org_units:
            wanted = allowed.strip("/").split("/")
            if wanted[0] == segments[0] and wanted[-1] in segments[1:]:
                return True
        return False
