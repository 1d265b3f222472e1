"""Generic resource manager: list, get by ids, details on demand; driven by a catalog row.

Service-specific behaviour (S3's per-bucket details, say) lives in a subclass registered for
that type in ``MANAGERS``; everything else reads the row.
"""
import jmespath

from . import catalog

#: resource type name -> ResourceManager subclass with behaviour special to that service
MANAGERS = {}


def register_manager(name):
    def decorate(cls):
        MANAGERS[name] = cls
        return cls
    return decorate


class ResourceManager:
    def __init__(self, ctx, rtype):
        self.ctx = ctx
        self.rtype = rtype
        self._path = jmespath.compile(rtype.enum_path)

    @classmethod
    def for_type(cls, ctx, name):
        rtype = catalog.get(name)
        return MANAGERS.get(name, ResourceManager)(ctx, rtype)

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
    def resources(self):
        """Every resource of this type in the context's region; shared by the policies of a run."""
        key = (self.rtype.name, self.ctx.region)
        cached = self.ctx.cache.get(key)
        if cached is None:
            cached = self.describe(self.rtype.enum_params)
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
        if not self.rtype.ids_param:
            wanted = set(ids)
            return [r for r in self.resources() if self.resource_id(r) in wanted]
        found = []
        size = self.rtype.batch_size
        for start in range(0, len(ids), size):
            params = dict(self.rtype.enum_params)
            params[self.rtype.ids_param] = ids[start:start + size]
            found.extend(self._describe_ids(params))
        return found

    def _describe_ids(self, params):
        from botocore.exceptions import ClientError
        try:
            return self.describe(params)
        except ClientError as e:
            # one unknown id fails the whole call (e.g. InvalidInstanceID.NotFound): not yet
            # visible or already gone. Event modes retry missing ids with backoff.
            if "NotFound" in e.response["Error"]["Code"] or "Malformed" in e.response["Error"]["Code"]:
                return []
            raise

    def ensure_details(self, resources, keys):
        """Fill detail keys (not returned by the enumerate call) that filters read. No-op for
        types whose describe output is complete; S3 overrides it."""
        return resources

    def invalidate(self):
        """Forget this type's listing and related lookups after a write (actions)."""
        self.ctx.cache.pop((self.rtype.name, self.ctx.region), None)
        self.ctx.cache.pop(("related", self.rtype.name, self.ctx.region), None)
