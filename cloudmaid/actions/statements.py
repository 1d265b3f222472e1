"""Actions editing a resource's embedded policy document: ``remove-statements`` and
``modify-policy`` (Cloud Custodian's names, keys and semantics). A service registers a
subclass naming where the document is read (``policy_key``, or ``get_policy``) and how it is
written back (``set_policy(resource, policy)``; ``policy`` None when no statement is left,
for services that delete the document rather than store an empty one).

``statement_ids: matched`` removes the statements a ``cross-account`` filter of the same
policy matched (its ``CrossAccountViolations``); ``*`` removes all.
"""
import hashlib
import json

from ..filters import policydoc
from ..filters.crossaccount import STATEMENT, CrossAccountFilter, fill
from .core import Action

_IDS = {"oneOf": [{"enum": ["matched", "*"]}, {"type": "array", "items": {"type": "string"}}]}


def remove(statements, ids, matched=()):
    """``(kept, removed)``: ``ids`` is ``*``, ``matched`` (those in ``matched``) or Sids."""
    kept, removed = [], []
    for s in statements:
        if ids == "*" or (ids == "matched" and s in matched) or (
                isinstance(ids, list) and s.get("Sid") in ids):
            removed.append(s)
        else:
            kept.append(s)
    return kept, removed


def statement_key(s):
    """A statement's identity: its Sid, else a digest of its text (Custodian's rule)."""
    return s.get("Sid") or hashlib.sha224(json.dumps(s, sort_keys=True, indent=0).encode()).hexdigest()


class PolicyAction(Action):
    policy_key = "Policy"

    def get_policy(self, resource):
        return resource.get(self.policy_key)

    def set_policy(self, resource, policy):
        raise NotImplementedError

    def fetch_policies(self, resources):
        if self.policy_key in getattr(self.manager, "lazy_keys", ()):
            self.manager.ensure_details(resources, {self.policy_key})

    def process(self, resources):
        self.fetch_policies(resources)
        self.each(resources, self.edit)

    def edit(self, resource):
        policy = policydoc.load(self.get_policy(resource))
        if policy is None:
            return
        statements = policydoc.statements(policy)
        new = self.change(resource, statements)
        if new is None:
            return
        policy = dict(policy, Statement=new)
        self.set_policy(resource, policy if new else None)
        resource[self.policy_key] = json.dumps(policy) if new else None

    def change(self, resource, statements):
        """The new statement list, or None when nothing changes."""
        raise NotImplementedError


class RemoveStatementsAction(PolicyAction):
    """Remove statements by Sid, the ones a cross-account filter matched, or all."""
    schema = {"statement_ids": _IDS}
    required = ("statement_ids",)

    def change(self, resource, statements):
        kept, removed = remove(statements, self.data["statement_ids"],
                               resource.get(CrossAccountFilter.annotation, ()))
        return kept if removed else None


class ModifyPolicyAction(PolicyAction):
    """``remove-statements`` (as above) then ``add-statements`` (replacing statements with the
    same Sid); ``{account_id}`` and ``{region}`` in the statements are filled in."""
    schema = {"add-statements": {"type": "array", "items": STATEMENT},
              "remove-statements": {"oneOf": [{"enum": ["matched", "*"]},
                                              {"type": "array", "items": {"type": "string"}}]}}

    def change(self, resource, statements):
        ids = self.data.get("remove-statements") or []
        kept, removed = remove(statements, ids, resource.get(CrossAccountFilter.annotation, ()))
        ctx = self.manager.ctx
        added = fill(self.data.get("add-statements") or [],
                     {"account_id": ctx.account_id, "region": ctx.region})
        merged = {statement_key(s): s for s in kept}
        merged.update({statement_key(s): s for s in added})
        new = list(merged.values())
        return new if (removed or added) and new != statements else None
