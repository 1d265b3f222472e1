"""Redshift filters with Cloud Custodian's names and semantics: ``default-vpc`` (redshift),
``age`` (redshift-snapshot), and the network and key filters from the rows' ``related``."""
from ...filters.core import filters
from ...resources.related import AgeFilter, register_related
from ..elb.network import DefaultVpcFilter
from .types import TYPES

register_related(TYPES, __name__)


@filters.register("default-vpc", resources=("redshift",))
class DefaultVpc(DefaultVpcFilter):
    """The cluster is in the region's default VPC."""


@filters.register("age", resources=("redshift-snapshot",))
class SnapshotAge(AgeFilter):
    date_key = "SnapshotCreateTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}
