"""Events from files: CloudTrail log files as the trail delivers them to S3 (``.json.gz``),
plain JSON, LookupEvents answers, files of EventBridge events (one JSON document, or one
event per line); a folder is read recursively (``AWSLogs/<account>/CloudTrail/...``)."""
import gzip
import json
import os

from ..events import records

#: folders a walk skips: CloudTrail's digest files (integrity hashes, no events)
_SKIP_DIRS = ("CloudTrail-Digest",)


class FileError(Exception):
    pass


def paths(path):
    """The files under ``path`` (itself when it is a file), sorted."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise FileError(f"{path}: no such file or folder")
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        out.extend(os.path.join(root, f) for f in sorted(files)
                   if not f.startswith(".") and f.endswith((".json", ".json.gz", ".jsonl", ".gz")))
    return out


def read_text(path):
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":      # gzip, whatever the name says
        data = gzip.decompress(data)
    return data.decode("utf-8")


def events_in(path):
    """The EventBridge events of one file; FileError (one line) when it holds none we know."""
    try:
        text = read_text(path)
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as e:
        raise FileError(f"{path}: cannot read: {e}") from None
    try:
        docs = [json.loads(text)]
    except ValueError as first:
        # JSON lines: one document per line
        try:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise FileError(f"{path}: not JSON: {first}") from None
    try:
        return [e for doc in docs for e in records.from_document(doc)]
    except records.RecordError as e:
        raise FileError(f"{path}: {e}") from None


def read(path_list):
    """``(events, files)`` from files and folders."""
    events, files = [], []
    for path in path_list:
        for p in paths(path):
            events.extend(events_in(p))
            files.append(p)
    return events, files
