"""Generic resource manager: list, get by ids, details on demand; driven by a catalog row.

Service-specific behaviour (S3's per-bucket details, say) lives in a subclass registered for
that type in ``MANAGERS``; everything else reads the row. A policy's ``source`` and ``query``
(query.py) decide where the listing comes from and what it selects; listings are cached per
run by type, region and that selection, so policies with the same one share one describe.
"""
import jmespath

from . import catalog, config_source
from . import query as queries

#: resource type name -> ResourceManager subclass with behaviour special to that service
MANAGERS = {}


def register_manager(name):
    def decorate(cls):
        MANAGERS[name] = cls
        return cls
    return decorate


class ResourceManager:
    #: detail keys the manager fetches on demand (S3); a query may limit them
    lazy_keys = frozenset()

    def __init__(self, ctx, rtype, query=queries.DEFAULT):
        self.ctx = ctx
        self.rtype = rtype
        self.query = query
        self._path = jmespath.compile(rtype.enum_path)

    @classmethod
    def for_type(cls, ctx, name, query=None, source=None):
        """The manager of type ``name`` for a policy's ``query`` and ``source`` (PolicyError
        when they are not valid for the type)."""
        rtype = catalog.get(name)
        kind = MANAGERS.get(name, ResourceManager)
        spec = queries.parse(rtype, query, source, kind.lazy_keys) \
            if query is not None or source is not None else queries.DEFAULT
        return kind(ctx, rtype, spec)

    # -- access ------------------------------------------------------------------------------
    @property
    def type(self):
        return self.rtype.name

    def client(self, service=None, region=None):
        return self.ctx.session_factory.client(service or self.rtype.service, region)

    def resource_id(self, resource):
        return resource[self.rtype.id]

    def arn(self, resource):
        return self.rtype.arn(self.resource_id(resource), self.ctx.region, self.ctx.account_id,
                              self.ctx.partition)

    # -- listing -----------------------------------------------------------------------------
    def listing_key(self):
        """``(type, region)`` for the plain describe (related lookups read it too), plus the
        source and selection otherwise."""
        key = (self.rtype.name, self.ctx.region)
        return key if self.query.key is None else key + self.query.key

    def resources(self):
        """The resources of this type in the context's region that the policy's source and
        query select; shared by the policies of a run that select the same."""
        key = self.listing_key()
        cached = self.ctx.cache.get(key)
        if cached is None:
            if self.query.source == "config":
                cached = config_source.resources(self)
            else:
                cached = self.describe({**self.rtype.enum_params, **self.query.params})
            self.ctx.cache[key] = cached
        return cached

    def describe(self, params):
        client = self.client()
        op = self.rtype.enum_op
        if client.can_paginate(op):
            pages = client.get_paginator(op).paginate(**params)
        else:
            pages = [getattr(client, op)(**params)]
        items = []
        for page in pages:
            items.extend(self._path.search(page) or ())
        return items

    def get_resources(self, ids):
        """Resources by id (event modes); ids not found are simply absent."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        if self.query.source == "config":
            return config_source.get_resources(self, ids)
        if not self.rtype.ids_param:
            wanted = set(ids)
            return [r for r in self.resources() if self.resource_id(r) in wanted]
        found = []
        size = self.rtype.batch_size
        for start in range(0, len(ids), size):
            params = dict(self.rtype.enum_params)
            params[self.rtype.ids_param] = ids[start:start + size]
            found.extend(self._describe_ids(params, ids[start:start + size]))
        return found

    def _describe_ids(self, params, ids):
        from botocore.exceptions import ClientError
        try:
            return self.describe(params)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if "NotFound" not in code and "Malformed" not in code:
                raise
        # one unknown or malformed id fails the whole call (InvalidInstanceID.NotFound): with
        # other ids in the batch, ask again with the id filter, which skips such ids, so the
        # others are still found. Ids not found are absent; event modes retry them.
        if not self.rtype.id_filter or len(ids) == 1:
            return []
        params = dict(self.rtype.enum_params)
        params["Filters"] = [{"Name": self.rtype.id_filter, "Values": ids}]
        return self.describe(params)

    def ensure_details(self, resources, keys):
        """Fill detail keys (not returned by the enumerate call) that filters read. No-op for
        types whose describe output is complete; S3 overrides it."""
        return resources

    def detail_allowed(self, key):
        """May detail ``key`` be fetched? Not for config-sourced resources (the configuration
        item holds every detail), and only the ``augment-keys`` of an S3 query."""
        if self.query.source == "config":
            return False
        return self.query.details is None or key in self.query.details

    def invalidate(self):
        """Forget this type's listings (any selection) and related lookups after a write."""
        head = (self.rtype.name, self.ctx.region)
        for key in [k for k in self.ctx.cache if isinstance(k, tuple) and k[:2] == head]:
            del self.ctx.cache[key]
        self.ctx.cache.pop(("related", self.rtype.name, self.ctx.region), None)
