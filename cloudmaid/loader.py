"""Read policy files (YAML or JSON) keeping the source line of every key and list item.

``load(path)`` returns a ``Source``: the data, plus ``line(path)`` giving the line of any key
path inside it (e.g. ``("policies", 0, "filters", 2)``), so errors can point at the line.
"""
import json
import os

import yaml


class LoadError(Exception):
    """A file that cannot be read or parsed; ``str()`` is the one-line message
    (``FILE:LINE: WHAT``, or ``FILE: WHAT`` when no line applies)."""

    def __init__(self, file, line, message):
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file, self.line, self.message = file, line, message


#: nodes one file may build: anchors reused inside anchors grow exponentially ("billion laughs")
MAX_NODES = 1_000_000


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


class _Builder:
    """Python data from YAML nodes, recording the line of every key path."""

    def __init__(self, loader):
        self.loader, self.lines, self.count, self.open = loader, {}, 0, set()

    def build(self, node, path=()):
        self.count += 1
        if self.count > MAX_NODES:
            raise LoadError(None, node.start_mark.line + 1,
                            f"more than {MAX_NODES} values once aliases are expanded")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.scalar(node)
        if id(node) in self.open:   # an alias inside its own anchor: &a [*a]
            raise LoadError(None, node.start_mark.line + 1,
                            "an alias refers to a value that contains it")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.open.discard(id(node))

    def scalar(self, node):
        """A plain value; one YAML resolves to a type it cannot hold (a date 2026-13-45, an
        integer of 5000 digits, ``!!float abc``) is a problem at its line, not a crash."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as e:
            value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise LoadError(None, node.start_mark.line + 1,
                            f"invalid value '{value}': {str(e).split(';')[0]}") from None

    def mapping(self, node, path):
        self.loader.flatten_mapping(node)   # merge keys (<<: *anchor)
        out = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise LoadError(None, line, "a key must be a plain value")
            key = self.scalar(key_node)
            if key in out:
                raise LoadError(None, line, f"duplicate key '{key}'")
            self.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,))
        return out


def _yaml_message(error, text):
    """(line, what) of a PyYAML error: its mark, and its text in one line."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problem = error.problem or error.context or "invalid YAML"
        if problem.startswith("but ") and error.context:   # "expected X", "but found Y"
            problem = f"{error.context}, {problem}"
        # the end of a file without a final newline is reported on the line after it
        return min(line, text.count("\n") + 1), problem
    position = getattr(error, "position", None)   # ReaderError: a character YAML forbids
    if isinstance(position, int):
        reason = getattr(error, "reason", None) or "invalid character"
        return text.count("\n", 0, position) + 1, reason
    return 1, (str(error).splitlines() or ["invalid YAML"])[0]


def loads(text, file="<string>"):
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            builder = _Builder(loader)
            data = builder.build(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        line, problem = _yaml_message(e, text)
        source_lines = text.splitlines()
        hint = ""
        if line - 1 < len(source_lines) and "\t" in source_lines[line - 1]:
            hint = " (tabs are not allowed in YAML indentation; use spaces)"
        kind = "JSON" if file.endswith(".json") else "YAML"
        raise LoadError(file, line, f"invalid {kind}: {problem}{hint}") from None
    except LoadError as e:
        raise LoadError(file, e.line, e.message) from None
    except RecursionError:
        raise LoadError(file, 1, "nested too deeply") from None
    return Source(file, data, builder.lines)


def load(path):
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except (FileNotFoundError, NotADirectoryError):
        raise LoadError(path, None, "no such file") from None
    except IsADirectoryError:
        raise LoadError(path, None, "is a directory, not a policy file") from None
    except PermissionError:
        raise LoadError(path, None, "cannot read file: permission denied") from None
    except OSError as e:
        raise LoadError(path, None, f"cannot read file: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")   # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise LoadError(path, line, f"not UTF-8 text (byte 0x{raw[e.start]:02x})") from None
    if path.endswith(".json"):
        return _load_json(path, text)
    return loads(text, path)


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _load_json(path, text):
    """JSON is parsed strictly by ``json``; the YAML parser (JSON is YAML) gives the lines."""
    if not text.strip():
        return Source(path, None, {})
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise LoadError(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
    except RecursionError:
        raise LoadError(path, 1, "invalid JSON: nested too deeply") from None
    except ValueError as e:   # an integer of more digits than Python converts
        raise LoadError(path, 1, f"invalid JSON: {str(e).split(';')[0]}") from None
    except _DuplicateKey as e:
        try:   # the YAML pass rejects it too, with the line
            loads(text.replace("\t", " "), path)
        except LoadError as y:
            if y.message.startswith("duplicate key"):
                raise y from None
        raise LoadError(path, 1, f"duplicate key '{e.args[0]}'") from None
    try:
        # tabs are whitespace in JSON but not in YAML indentation; in valid JSON they never
        # occur inside strings, so replacing them changes no value
        source = loads(text.replace("\t", " "), path)
    except LoadError:
        return Source(path, data, {})
    source.data = data
    return source
