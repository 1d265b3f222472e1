"""`make demo` runs `maid demo`: the same demo, end to end, as a user would see it."""
import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def demo_run():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", "from cloudmaid.cli import main; main()", "demo"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return proc, time.time() - t0


def test_demo_passes_every_expected_outcome(demo_run):
    proc, _ = demo_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "FAILED" not in out
    for expected in ("ec2-tag-compliance got RunInstances and stopped new-untagged",
                     "ec2-require-encrypted-volumes got 'pending', ran mark and terminate on new-unencrypted",
                     "s3-bucket-check schedule fired and saw every bucket",
                     "a second plan is empty"):
        assert f"[ok] {expected}" in out


def test_demo_table_reads_state_back(demo_run):
    out = demo_run[0].stdout
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == [
        "event", "function", "matched", "action", "resulting", "state"])
    rows = lines[header + 2:header + 7]
    assert any("CloudTrail RunInstances new-untagged" in r and "stop 1 ok" in r
               and r.rstrip().endswith("new-untagged stopped") for r in rows)
    assert any("state pending new-unencrypted" in r and "terminate 1 ok" in r
               and "new-unencrypted terminated" in r for r in rows)
    assert any("schedule maid-s3-bucket-check" in r and "3 buckets, 2 without default encryption" in r
               for r in rows)
    assert "lambda.create_function(FunctionName=maid-ec2-tag-compliance" in out   # the applied plan


def test_demo_prints_nothing_alarming_and_is_quick(demo_run):
    proc, seconds = demo_run
    text = proc.stdout + proc.stderr
    for alarming in ("Traceback", "Warning", "WARNING", "ERROR", "error:"):
        assert alarming not in text
    assert proc.stderr == ""
    assert seconds < 60
