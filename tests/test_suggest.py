import subprocess
import sys

import pytest

from cloudmaid.suggest import did_you_mean, distance


@pytest.mark.parametrize("word,choices,hint", [
    ("equals", ["eq", "equal", "ne"], "eq"),          # the alias's canonical name is taught
    ("gte", ["ge", "gte", "gt"], None),               # an exact name is no typo
    ("filtrs", ["filters", "actions"], "filters"),
    ("vlaue", ["value", "and"], "value"),             # a swap is one edit
    ("stpo", ["stop", "start"], "stop"),
    ("xor", ["or", "and"], "or"),
    ("EC2", ["ec2", "ebs"], "ec2"),                   # case only
    ("us-westt-2", ["us-west-1", "us-west-2"], "us-west-2"),
    ("RunInstance", ["RunInstances", "StopInstances"], "RunInstances"),
    ("elb", ["ebs", "ec2", "s3"], None),              # two edits in three letters: another name
    ("webhook", ["reboot", "stop"], None),
    ("zzz", ["filters"], None),
    ("z", ["x", "y"], None),                          # no letter in common
    ("s4", ["s3", "ec2"], "s3"),
    ("", ["a"], None),
    (3, ["3"], None),
])
def test_did_you_mean(word, choices, hint):
    assert did_you_mean(word, choices) == (f" (did you mean '{hint}'?)" if hint else "")


def test_nearest_choice_wins():
    assert did_you_mean("stoq", ["start", "stop", "stopped"]) == " (did you mean 'stop'?)"


@pytest.mark.parametrize("a,b,d", [("", "abc", 3), ("abc", "abc", 0), ("ab", "ba", 1),
                                   ("kitten", "sitting", 3), ("ca", "abc", 3)])
def test_distance(a, b, d):
    assert distance(a, b) == d


def test_distance_limit_stops_early():
    assert distance("aaaaaaaa", "bbbbbbbb", limit=2) == 3
    assert distance("a", "abcdef", limit=2) == 3


def test_standard_library_only():
    code = ("import sys, cloudmaid.suggest; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('yaml', 'jsonschema', 'click', 'moto', 'boto3', 'botocore')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
