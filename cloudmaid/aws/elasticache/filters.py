"""ElastiCache's network and key filters, from the rows' ``related``."""
from ...resources.related import register_related
from .types import TYPES

register_related(TYPES, __name__)
