"""Region names checked before any API call, against the partitions data botocore ships.

``maid run -r us-westt-2`` would otherwise fail on a connection error after the run started.
"""
import functools
import re

from .suggest import did_you_mean

#: the word ``-r`` takes for every region the account has enabled
ALL = "all"


@functools.lru_cache(maxsize=1)
def known():
    """Every region botocore knows in every partition (aws, aws-cn, aws-us-gov, ...), without
    the ``aws-global``-style pseudo regions that name a partition's global endpoint."""
    from botocore.loaders import create_loader
    out = []
    for partition in create_loader().load_data("partitions")["partitions"]:
        shape = re.compile(partition["regionRegex"])
        out.extend(r for r in partition["regions"] if shape.match(r))
    return tuple(sorted(out))


def problems(names):
    """One line per name that is not a region (``all`` is one), e.g. ``unknown region
    'us-westt-2' (did you mean 'us-west-2'?)``."""
    regions = known()
    out = []
    for name in dict.fromkeys(names or ()):
        if name != ALL and name not in regions:
            out.append(f"unknown region '{name}'" + did_you_mean(name, regions + (ALL,)))
    return out
