"""Record Cloud Custodian's offhour/onhour decisions: tests/fixtures/offhours_cases.json.

For every filter configuration and resource tag value below, the hours of one week (UTC,
Monday 2026-12-07 00:00 onward, plus a DST-change week) at which Custodian's filter matches.
Run with the Python that has Cloud Custodian installed (never a project dependency):

    /tmp/c7n-venv/bin/python bench/parity/record_offhours.py

tests/test_offhours.py replays the table through cloudmaid's filters.
"""
import datetime
import json
import os
import subprocess
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "offhours_cases.json")
WEEKS = ["2026-12-07T00:00:00+00:00", "2026-03-08T00:00:00+00:00"]   # a plain week; US DST start

CONFIGS = [
    {"type": "offhour", "default_tz": "et", "offhour": 19},
    {"type": "onhour", "default_tz": "et", "onhour": 7},
    {"type": "offhour", "default_tz": "pt", "offhour": 20, "opt-out": True},
    {"type": "onhour", "default_tz": "pt", "onhour": 8, "opt-out": True},
    {"type": "offhour", "default_tz": "utc", "offhour": 18, "weekends": False},
    {"type": "onhour", "default_tz": "utc", "onhour": 6, "weekends-only": True},
    {"type": "offhour", "default_tz": "utc", "offhour": 18, "weekends-only": True},
    {"type": "offhour", "default_tz": "Europe/Berlin", "offhour": 22, "tag": "custodian_downtime"},
    {"type": "onhour", "default_tz": "america/new_york", "onhour": 9, "tag": "Custodian_Downtime",
     "opt-out": True},
    {"type": "offhour", "default_tz": "et", "offhour": 19, "skip-days": ["2026-12-08"]},
    {"type": "offhour", "default_tz": "et", "offhour": 19,
     "fallback-schedule": "off=(M-F,17);on=(M-F,9)"},
    {"type": "onhour", "default_tz": "et", "onhour": 7, "fallback_schedule": "on=(S,10)"},
]
TAGS = [None, "", "on", "off", "OFF", "'on'", "\"on\"",
        "off=(M-F,19);on=(M-F,7)", "off=[(M-F,21),(U,18)];on=[(M-F,6),(U,10)];tz=pt",
        "tz=pt", "tz=Asia/Tokyo", "tz=nowhere", "off=(m-f,1);", "on=(f-m,5)", "off=(S,25)",
        "off=(X,3)", "garbage", "off=(M-F,19) on=(M-F,7)", "on=(M-F,7);off=(M-F,19);tz=utc",
        "offu3du28M-Fu2c18u29u3btzu3dAustraliau2fSydney", "off=[(M,1),(W,2),(F,3)]"]


def custodian_matches(config, tag, start):
    from c7n.filters import offhours
    cls = offhours.OffHour if config["type"] == "offhour" else offhours.OnHour
    f = cls(dict(config))
    try:
        f.validate()
    except Exception as e:   # noqa: BLE001 -- recorded as invalid
        return {"invalid": str(e)}
    base = datetime.datetime.fromisoformat(start)
    hours = []
    real = offhours.datetime
    for h in range(24 * 7):
        now = base + datetime.timedelta(hours=h)

        class Frozen(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return now.astimezone(tz)
        offhours.datetime = types.SimpleNamespace(datetime=Frozen)
        try:
            tag_key = config.get("tag", "maid_offhours")
            r = {"InstanceId": "i-1", "Tags": [] if tag is None else [{"Key": tag_key,
                                                                        "Value": tag}]}
            if f(r):
                hours.append(h)
        finally:
            offhours.datetime = real
    return {"hours": hours}


def main():
    version = subprocess.run(["custodian", "version"], capture_output=True, text=True).stdout.strip()
    cases = []
    for config in CONFIGS:
        for tag in TAGS:
            for week in WEEKS:
                cases.append({"filter": config, "tag": tag, "week": week,
                              "custodian": custodian_matches(config, tag, week)})
    with open(OUT, "w") as f:
        json.dump({"recorded_with": f"c7n {version}", "cases": cases}, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
