"""Replay output: a table for people (one row per event a policy's rule delivers) and
``OUT/replay.json`` with everything the table shows and the reasons behind it."""
import json
import os

#: matched ids shown in a table cell before "+N more"
SHOWN = 3


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]

    def line(r):
        return "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def matched_cell(result):
    if result["status"] not in ("ok", "error"):
        # the reason's first clause; replay.json has all of it
        return f"{result['status']}: {result.get('reason', '').split(';')[0]}".strip()
    ids = result["matched"]
    text = ", ".join(ids[:SHOWN]) + (f" +{len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    text = text or "none"
    if result["gone"]:
        text += f" ({result['gone']} of {len(result['ids'])} gone now)"
    return text


def would_cell(result):
    if result.get("limit"):
        return "nothing: max-resources exceeded"
    if result["status"] == "failed":
        return "-"
    parts = [f"{p['action']} {p['resources']}" for p in result["would"]]
    return ", ".join(parts) or "-"


def rows(results):
    return [[r["time"] or "-", r["region"], r["event"], r["policy"], matched_cell(r), would_cell(r)]
            for r in results]


HEADERS = ["TIME", "REGION", "EVENT", "POLICY", "MATCHED NOW", "WOULD"]


def lines(replayer, origin, history=False):
    """The table and the summary lines under it; ``history``: the events came from
    LookupEvents, which holds CloudTrail events only."""
    out = [f"replay of {origin}: {replayer.counts.events} event(s), "
           f"{replayer.counts.delivered} delivered to a policy (dry run: nothing was changed)"]
    if replayer.results:
        out += table(rows(replayer.results), HEADERS)
    verdicts = sorted(replayer.verdicts.values(), key=lambda v: v.reason is not None)
    for v in verdicts:
        if v.reason:
            out.append(f"{v.name}: not replayable: {v.reason}")
        elif not v.cloudtrail and history:
            out.append(f"{v.name}: {v.mode} events are not in CloudTrail's history; replay "
                       f"them --from files of EventBridge events")
        else:
            out.append(f"{v.name}: {v.delivered} event(s) delivered, {v.matched} resource(s) matched")
    counts = replayer.counts
    skipped = [(counts.not_on_bus, "read-only (no rule in state ENABLED receives them)"),
               (counts.other_account, "of other accounts"), (counts.other_region, "of other regions")]
    for n, what in skipped:
        if n:
            out.append(f"{n} event(s) {what} skipped")
    return out


def document(replayer, origin, window=None, regions=(), files=(), api_calls=None):
    counts = replayer.counts
    return {"origin": origin, "window": window, "regions": sorted(regions), "files": list(files),
            "dryrun": True, "account_id": replayer._account_id,
            "counts": {"events": counts.events, "delivered": counts.delivered,
                       "read_only": counts.not_on_bus, "other_account": counts.other_account,
                       "other_region": counts.other_region},
            "policies": [v.as_json() for v in replayer.verdicts.values()],
            "results": replayer.results,
            "api_calls": api_calls or {}}


def write(output_dir, doc):
    """``OUT/replay.json``; returns its path."""
    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, "replay.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=2, sort_keys=True, default=str)
        fh.write("\n")
    return path
