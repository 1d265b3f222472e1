"""Generic resource manager: list, get by ids, details on demand, tags; driven by a declaration.

Service-specific behaviour lives in a subclass registered for the type (``register_manager``,
recorded in the generated index); everything else reads the row. A policy's ``source`` and
``query`` (query.py) decide where the listing comes from and what it selects; listings are
cached per run by type, region and that selection, so policies with the same one share one
describe. Every listing exposes Custodian's ``Tags`` list, whatever the type's tag source.
"""
import importlib

import jmespath
from botocore.exceptions import ClientError

from .. import index
from . import catalog, details, tagsource
from .selection import DEFAULT

#: resource type name -> ResourceManager subclass with behaviour special to that service
MANAGERS = {}


def register_manager(name):
    def decorate(cls):
        MANAGERS[name] = cls
        return cls
    return decorate


def manager_class(name):
    """The manager class of type ``name``, importing its module (the index says which)."""
    if name not in MANAGERS:
        module = (index.TYPES.get(name) or {}).get("manager")
        if module:
            importlib.import_module(module)
    return MANAGERS.get(name, ResourceManager)


class ResourceManager:
    def __init__(self, ctx, rtype, query=DEFAULT):
        self.ctx = ctx
        self.rtype = rtype
        self.query = query
        self._path = jmespath.compile(rtype.enum_path)

    @classmethod
    def for_type(cls, ctx, name, query=None, source=None):
        """The manager of type ``name`` for a policy's ``query`` and ``source`` (PolicyError
        when they are not valid for the type)."""
        rtype = catalog.get(name)
        kind = manager_class(name)
        spec = DEFAULT
        if query is not None or source is not None:
            from . import query as queries   # the parser: only policies that write query/source
            spec = queries.parse(rtype, query, source)
        return kind(ctx, rtype, spec)

    # -- access ------------------------------------------------------------------------------
    @property
    def type(self):
        return self.rtype.name

    @property
    def lazy_keys(self):
        """Detail keys fetched on demand (filters.core.apply fetches them stage by stage)."""
        return frozenset(self.rtype.detail_keys)

    def client(self, service=None, region=None):
        return self.ctx.session_factory.client(service or self.rtype.service, region)

    def resource_id(self, resource):
        return resource[self.rtype.id]

    def arn(self, resource):
        return self.rtype.arn_for(resource, self.ctx.region, self.ctx.account_id,
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
                from . import config_source
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
            items.extend(self.items_of(page))
        if items and not isinstance(items[0], dict):   # bare ids (QueueUrls, TableNames)
            items = [{self.rtype.id: i} for i in items]
        if self.rtype.complete:
            items = self._complete(items)
        tagsource.normalise(self.rtype, items)
        return items

    def items_of(self, page):
        """The resources in one page; with ``carry``, each with its parent's carried keys."""
        carry = self.rtype.carry
        if not carry:
            return self._path.search(page) or ()
        outer, inner = self.rtype.enum_path.rsplit(".", 1)
        out = []
        for parent in jmespath.search(outer, page) or ():
            extra = {k: parent[k] for k in carry if k in parent}
            for item in jmespath.search(inner, parent) or ():
                out.append({**item, **extra})
        return out

    def _complete(self, items):
        """Each listed item merged with its ``get`` answer; items gone meanwhile are dropped."""
        found = self._get_each([self.resource_id(i) for i in items])
        out = []
        for item in items:
            got = found.get(self.resource_id(item))
            if got is not None:
                out.append({**item, **got})
        return out

    def _get_each(self, ids):
        """``{id: resource}`` through the row's ``get``; ids AWS does not know are absent."""
        get = self.rtype.get
        client = self.client()
        path = jmespath.compile(get.path) if get.path else None

        def one(chunk):
            try:
                answer = getattr(client, get.op)(**{get.param: chunk if get.many else chunk[0]},
                                                 **get.params)
            except ClientError as e:
                if details.not_found(e.response["Error"]["Code"]):
                    return []
                raise
            answer.pop("ResponseMetadata", None)
            value = path.search(answer) if path else answer
            if get.many:
                return [v for v in value or () if isinstance(v, dict)]
            # the answer may not repeat the id (GetQueueAttributes): keep the one asked for
            return [{self.rtype.id: chunk[0], **value}] if isinstance(value, dict) else []

        size = self.rtype.batch_size if get.many else 1
        chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
        return {self.resource_id(r): r for found in details.pmap(one, chunks) for r in found}

    def get_resources(self, ids):
        """Resources by id (event modes); ids not found are simply absent."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        if self.query.source == "config":
            from . import config_source
            return config_source.get_resources(self, ids)
        if not self.rtype.ids_param and self.rtype.get:
            found = self._get_each(ids)
            items = [found[i] for i in ids if i in found]
            return tagsource.normalise(self.rtype, items)
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

    # -- details -----------------------------------------------------------------------------
    def detail_allowed(self, key):
        """May detail ``key`` be fetched? Not for config-sourced resources (the configuration
        item holds every detail), and only the ``augment-keys`` of a query that limits them."""
        if self.query.source == "config":
            return False
        return self.query.details is None or key in self.query.details

    def detail_keys(self, keys):
        """The row's detail keys wanted for filters reading ``keys`` (None: every key)."""
        every = keys is None or details.DENIED in keys
        return [k for k in self.rtype.detail_keys
                if (every or k in keys) and self.detail_allowed(k)]

    def run_cache(self):
        """resource id -> details fetched this run (shared by the run's policies)."""
        return self.ctx.cache.setdefault((self.rtype.name + "-details", self.ctx.region), {})

    def ensure_details(self, resources, keys):
        """Fill the detail keys (not in the listing) that filters reading ``keys`` need, once
        per resource per run; tags from the row's tag source. No-op for complete listings."""
        wanted = self.detail_keys(keys)
        if not wanted or not resources:
            return resources
        done = self.run_cache()
        rid = self.resource_id
        for r in resources:
            r.update({k: v for k, v in done.get(rid(r), {}).items() if k in wanted})
        if "Tags" in wanted and self.rtype.tags == tagsource.TAGGING_API:
            todo = [r for r in resources if "Tags" not in done.get(rid(r), {})]
            if todo:
                self.fetch_tags(todo, done)
        rest = [k for k in wanted if k != "Tags" or self.rtype.tags != tagsource.TAGGING_API]
        todo = [r for r in resources if any(k not in done.get(rid(r), {}) for k in rest)]
        details.pmap(lambda r: self.assemble(r, rest, done), todo)
        return resources

    def fetch_tags(self, resources, done):
        """Tags of ``resources`` from the Resource Groups Tagging API (by ARN); denied: the
        type's per-resource tag detail, when it has one."""
        found = tagsource.tagging_api(self, resources)
        if found is None:
            if any(d.key == "Tags" for d in self.rtype.details):
                details.pmap(lambda r: self.assemble(r, ["Tags"], done), resources)
            return
        for r in resources:
            done.setdefault(self.resource_id(r), {})["Tags"] = r["Tags"] = \
                found.get(self.arn(r), [])

    def cached(self, resources, key, fetch):
        """``fetch(resource)`` sets ``resource[key]`` (a filter's annotation); each value is
        fetched once per run and copied onto the resources of later policies."""
        done = self.run_cache()
        todo = []
        for r in resources:
            got = done.get(self.resource_id(r), {})
            if key in got:
                r[key] = got[key]
            elif key not in r:
                todo.append(r)
        details.pmap(fetch, todo)
        for r in todo:
            if key in r:
                done.setdefault(self.resource_id(r), {})[key] = r[key]
        return resources

    def assemble(self, resource, wanted, done):
        got = done.setdefault(self.resource_id(resource), {})
        for key in wanted:
            if key in got:
                resource[key] = got[key]
                continue
            found, value = self.fetch(resource, key)
            if found:
                got[key] = resource[key] = value

    def detail_client(self, resource, detail):
        return self.client()

    def fetch(self, resource, key):
        """``(True, value)`` of detail ``key``, or ``(False, None)`` when access is denied."""
        detail = next(d for d in self.rtype.details if d.key == key)
        name = self.arn(resource) if detail.arn else self.resource_id(resource)
        return details.fetch(self.detail_client(resource, detail), detail, resource, name)

    def invalidate(self):
        """Forget this type's listings (any selection), details and related lookups after a
        write."""
        head = (self.rtype.name, self.ctx.region)
        for key in [k for k in self.ctx.cache if isinstance(k, tuple) and k[:2] == head]:
            del self.ctx.cache[key]
        self.ctx.cache.pop((self.rtype.name + "-details", self.ctx.region), None)
        self.ctx.cache.pop(("related", self.rtype.name, self.ctx.region), None)
