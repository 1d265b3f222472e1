"""Tags read for many resources per call (ELB's and ELBv2's DescribeTags, 20 per call;
Route 53's ListTagsForResources, 10 per call), as a lazy detail.

The row declares ``tags=DETAIL``: tags are fetched only when a policy's filters or actions
read them, for the resources still alive, once per resource per run, like any detail. A
``Detail`` row is one call per resource; these services answer for a batch, so the manager
fetches the batch before the generic per-resource step, which then finds them done.
"""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager
from ...resources.tagsource import DENIED_CODES


class BatchTagsManager(ResourceManager):
    #: resources per tag call
    tag_batch = 20
    #: the client method, for ``c7n:DeniedMethods``
    tag_op = None
    #: error codes of a describe naming an id that is gone (these services have no id filter)
    gone_codes = ()

    def _describe_ids(self, params, ids):
        """One unknown id fails the whole describe: ask for each id alone, so the others are
        still found."""
        try:
            return self.describe(params)
        except ClientError as e:
            if e.response["Error"]["Code"] not in self.gone_codes:
                raise
        return [r for i in (ids if len(ids) > 1 else ())
                for r in self._describe_ids({**params, self.rtype.ids_param: [i]}, [i])]

    def batch_tags(self, resources):
        """``{resource id: [{Key, Value}]}`` for ``resources`` (one call)."""
        raise NotImplementedError

    def read_tags(self, resources, done):
        """Tags of ``resources`` into the resources and the run's detail cache; a batch whose
        call is denied is recorded in ``c7n:DeniedMethods`` and left without Tags."""
        rid = self.resource_id
        chunks = [resources[i:i + self.tag_batch]
                  for i in range(0, len(resources), self.tag_batch)]

        def one(chunk):
            try:
                found = self.batch_tags(chunk)
            except ClientError as e:
                if e.response["Error"]["Code"] not in DENIED_CODES:
                    raise
                for r in chunk:
                    r.setdefault(details.DENIED, []).append(self.tag_op)
                return False
            for r in chunk:
                r["Tags"] = done.setdefault(rid(r), {})["Tags"] = found.get(rid(r), [])
            return True
        return all(details.pmap(one, chunks))

    def ensure_details(self, resources, keys):
        if resources and "Tags" in self.detail_keys(keys):
            done = self.run_cache()
            todo = [r for r in resources if "Tags" not in done.get(self.resource_id(r), {})]
            if todo:
                self.read_tags(todo, done)
        return super().ensure_details(resources, keys)

    def fetch(self, resource, key):
        if key != "Tags":
            return super().fetch(resource, key)
        if self.tag_op in resource.get(details.DENIED, ()):
            return False, None   # this run's batch call was denied already
        got = {}
        if not self.read_tags([resource], {self.resource_id(resource): got}):
            return False, None
        return True, got["Tags"]
