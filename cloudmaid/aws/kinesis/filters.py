"""Kinesis and Firehose filters with Cloud Custodian's names: stream ``cross-account``
over the stream's resource policy (the row's ``Policy`` detail), and the related filters the
rows declare (``kms-key``)."""
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter
from ...resources.related import register_related
from .types import TYPES

register_related(TYPES, __name__)


@filters.register("cross-account", resources=("kinesis",))
class StreamCrossAccount(CrossAccountFilter):
    permissions = ("kinesis:GetResourcePolicy",)
