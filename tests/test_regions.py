import pytest

from cloudmaid import regions


def test_known_regions_span_partitions_without_pseudo_regions():
    known = regions.known()
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"} <= set(known)
    assert not [r for r in known if r.endswith("-global")]


@pytest.mark.parametrize("names", [[], ["us-east-1"], ["all"], ["us-west-2", "cn-north-1", "all"]])
def test_valid_names(names):
    assert regions.problems(names) == []


def test_typo_is_named_with_a_hint():
    assert regions.problems(["us-east-1", "us-westt-2"]) == [
        "unknown region 'us-westt-2' (did you mean 'us-west-2'?)"]


def test_each_bad_name_once_and_no_wild_guess():
    assert regions.problems(["mars", "mars", "al"]) == [
        "unknown region 'mars'", "unknown region 'al' (did you mean 'all'?)"]
