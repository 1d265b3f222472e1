"""RDS listings by id: DescribeDBInstances and its siblings take one identifier (an unknown
one fails the call), so resources by id are read through the describe ``Filters`` clause,
which skips unknown ids, up to 100 values per call."""
from ...resources.manager import ResourceManager, register_manager

FILTER_VALUES = 100


class FilteredIdsManager(ResourceManager):
    def get_resources(self, ids):
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids or self.query.source == "config":
            return super().get_resources(ids)
        found = []
        for start in range(0, len(ids), FILTER_VALUES):
            found.extend(self.describe({**self.rtype.enum_params, "Filters": [
                {"Name": self.rtype.id_filter, "Values": ids[start:start + FILTER_VALUES]}]}))
        return found


for _name in ("rds", "rds-snapshot", "rds-cluster", "rds-cluster-snapshot"):
    register_manager(_name)(FilteredIdsManager)
