"""What a policy's ``source``/``query`` selects, as the manager holds it (the parser that builds
one from policy data is resources/query.py, imported only by policies that write them)."""
import json
from ..record import Factory, record


@record
class Query:
    """What a policy's ``source``/``query`` asks of the listing: describe parameters (merged
    over the row's own), or a Config expression; ``details`` limits S3's (None: any)."""
    source: str = "describe"
    params: dict = Factory(dict)
    expr: str = None
    details: frozenset = None
    #: the policy wrote a ``query`` that selects (the listing is not the whole type)
    selective: bool = False

    @property
    def key(self):
        """Part of the listing cache key: None for the plain describe every policy shares."""
        if self.source == "describe" and not self.params:
            return None
        return (self.source, self.expr or json.dumps(self.params, sort_keys=True, default=str))


DEFAULT = Query()
