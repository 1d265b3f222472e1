"""ECR repository filters with Cloud Custodian's names and semantics: ``cross-account``
over the repository policy (the row's ``Policy`` detail) and ``lifecycle-rule``."""
import json

from botocore.exceptions import ClientError

from ...errors import PolicyError
from ...filters.core import Filter, filters, parse
from ...filters.crossaccount import CrossAccountFilter
from ...filters.value import ValueFilter

ECR = ("ecr",)
LIFECYCLE = "c7n:lifecycle-policy"


@filters.register("cross-account", resources=ECR)
class RepositoryCrossAccount(CrossAccountFilter):
    permissions = ("ecr:GetRepositoryPolicy",)


@filters.register("lifecycle-rule", resources=ECR)
class LifecycleRule(Filter):
    """Repositories with (``state: true``) or without (default) a lifecycle rule matching
    every ``match`` item (value filters over the rule: ``selection.tagStatus: untagged``).
    The lifecycle policy is kept in ``c7n:lifecycle-policy``."""
    predicate = False
    schema = {"state": {"type": "boolean"},
              "match": {"type": "array", "items": {"type": "object", "minProperties": 1}}}
    permissions = ("ecr:GetLifecyclePolicy",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        try:
            self.matchers = parse(self.data.get("match") or [], None, ("match",))
        except PolicyError:
            self.matchers = None   # validate() says why

    def validate(self):
        try:
            matchers = parse(self.data.get("match") or [], None, ("match",))
        except PolicyError as e:
            return [(tuple(e.path or ("match",)), e.message)]
        out = []
        for i, m in enumerate(matchers):
            if not isinstance(m, ValueFilter):
                out.append((("match", i), "match items are value filters"))
            else:
                out.extend((("match", i) + tuple(p), msg) for p, msg in m.validate())
        return out

    def fetch(self, repo):
        try:
            text = self.manager.client().get_lifecycle_policy(
                repositoryName=repo["repositoryName"]).get("lifecyclePolicyText") or "{}"
            repo[LIFECYCLE] = json.loads(text)
        except ClientError as e:
            if e.response["Error"]["Code"] != "LifecyclePolicyNotFoundException":
                raise
            repo[LIFECYCLE] = {}

    def process(self, resources, event=None):
        self.manager.cached(resources, LIFECYCLE, self.fetch)
        state = self.data.get("state", False)
        out = []
        for r in resources:
            rules = (r.get(LIFECYCLE) or {}).get("rules") or []
            found = any(all(m.match(rule) for m in self.matchers) for rule in rules)
            if found == state:
                out.append(r)
        return out
