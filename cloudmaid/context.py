"""Per-run state shared by the policies of one run in one account and region."""
import datetime
import functools
import threading

from .session import SessionFactory


class Context:
    def __init__(self, session_factory=None, region=None, account_id=None, partition="aws",
                 dryrun=False, output_dir=None, cache=None):
        self.session_factory = session_factory or SessionFactory(region=region)
        self.region = region or self.session_factory.region
        if self.session_factory.region != self.region:
            self.session_factory = self.session_factory.for_region(self.region)
        self._account_id = account_id
        self._account_lock = threading.Lock()   # policies may deploy in parallel: ask STS once
        self.partition = partition
        self.dryrun = dryrun
        self.output_dir = output_dir
        #: (resource type, region) -> described resources, shared across the run's policies
        self.cache = {} if cache is None else cache
        self.now = datetime.datetime.now(datetime.timezone.utc)

    @property
    def account_id(self):
        with self._account_lock:
            if self._account_id is None:
                sts = self.session_factory.client("sts")
                self._account_id = sts.get_caller_identity()["Account"]
        return self._account_id

    @functools.cached_property
    def counter(self):
        return self.session_factory.counter

    def variables(self):
        return {"account_id": self.account_id, "region": self.region,
                "partition": self.partition, "now": self.now.isoformat()}
