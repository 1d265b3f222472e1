"""Read policy files (YAML or JSON) keeping the source line of every key and list item.

``load(path)`` returns a ``Source``: the data, plus ``line(path)`` giving the line of any key
path inside it (e.g. ``("policies", 0, "filters", 2)``), so errors can point at the line.
"""
import json
import os

import yaml


class LoadError(Exception):
    """A file that cannot be read or parsed; ``str()`` is the one-line message."""

    def __init__(self, file, line, message):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


class Source:
    def __init__(self, file, data, lines):
        self.file = file
        self.data = data
        self._lines = lines

    def line(self, path):
        """Line of the deepest known prefix of ``path`` (1-based)."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), 1)


# libyaml's parser when PyYAML has it (about 10x faster on big policy files); same nodes/marks
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _build(loader, node, path, lines):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)   # merge keys (<<: *anchor)
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise LoadError(None, key_node.start_mark.line + 1, "a key must be a plain value")
            if key in out:
                raise LoadError(None, key_node.start_mark.line + 1, f"duplicate key '{key}'")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def loads(text, file="<string>"):
    lines = {}
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = _build(loader, node, (), lines) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        problem = e.problem or e.context or "invalid YAML"
        hint = ""
        if "\t" in text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else False:
            hint = " (tabs are not allowed in YAML indentation; use spaces)"
        kind = "JSON" if file.endswith(".json") else "YAML"
        raise LoadError(file, line, f"invalid {kind}: {problem}{hint}") from None
    except LoadError as e:
        raise LoadError(file, e.line, e.message) from None
    return Source(file, data, lines)


def load(path):
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise LoadError(path, 0, f"cannot read file: {e.strerror}") from None
    except UnicodeDecodeError:
        raise LoadError(path, 0, "cannot read file: not UTF-8 text") from None
    if path.endswith(".json"):
        return _load_json(path, text)
    return loads(text, path)


def _load_json(path, text):
    """JSON is parsed strictly by ``json``; the YAML parser (JSON is YAML) gives the lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
    try:
        # tabs are whitespace in JSON but not in YAML indentation; in valid JSON they never
        # occur inside strings, so replacing them changes no value
        source = loads(text.replace("\t", " "), path)
    except LoadError:
        return Source(path, data, {})
    source.data = data
    return source
