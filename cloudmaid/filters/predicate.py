"""Compiled predicates ("tests") and the two ways they run.

Each predicate filter compiles once per policy into a Test: a leaf (a value filter: read the
key, convert, compare), an ``and``/``or``/``not`` block of tests, or an opaque per-run function
(any other predicate filter). A test runs one of two ways, with the same meaning:

- ``bind(now, event)`` -> ``fn(resource) -> bool``: plain closures, the reference;
- ``source()``: the same test as Python source, so that a run of predicates becomes one
  generated loop with no function call per filter per resource (``CODEGEN``, on by default:
  a policy's value filters run once per resource, and a call saved per filter is a large share
  of the cost).

Each step of a leaf (a Part) holds both forms side by side; a step without an inline form is
called from the generated code. Policy values reach generated code as names bound to objects
(the generated function's default arguments), never as source text. Values that depend on the
run's clock (``age`` thresholds) are computed once per run: in ``bind``, or in the generated
loop's setup lines.
"""
import itertools
import re

#: generate one Python loop per run of predicates (False: run the closures of ``bind``)
CODEGEN = True


class Part:
    """One step of a leaf: ``fn`` and the same step as inline ``lines`` (None: call ``fn``).
    The first step of a leaf reads the resource ``r`` into ``x``, the next ones map ``x`` to
    ``x``, the last sets ``ok`` from ``x``; ``env`` holds the globals the lines name."""
    __slots__ = ("fn", "lines", "env")

    def __init__(self, fn, lines=None, env=None):
        self.fn, self.lines, self.env = fn, lines, env


class Test:
    #: bind() ignores the run (now, event): its function is built once
    static = True

    def bind(self, now, event=None):
        """``fn(resource) -> bool`` for one run."""
        raise NotImplementedError

    def source(self):
        """``(setup lines, body lines, env)``: setup runs once per run with ``now`` and ``e``
        (the event) in scope; body sets ``ok`` from ``r``; env holds the globals both name."""
        raise NotImplementedError


class Opaque(Test):
    """A per-run ``matcher(now, event) -> fn(resource)``: called, never inlined."""
    static = False

    def __init__(self, matcher):
        self.matcher = matcher

    def bind(self, now, event=None):
        return self.matcher(now, event)

    def source(self):
        return ["M = B(now, e)"], ["ok = M(r)"], {"B": self.matcher, "M": None}


def as_test(f):
    """A predicate filter's test: its compiled one, else its per-run matcher."""
    return f.test if f.test is not None else Opaque(f.matcher)


class Leaf(Test):
    """``compare(read(r))``: ``read`` a list of Parts from the resource to a value, ``compare``
    the Part testing it. With ``clock`` the compared value is ``clock(now)``, once per run:
    ``compare`` is then ``fn(value) -> Part`` and its lines read that value as ``V``."""

    def __init__(self, read, compare, clock=None):
        self.read, self.compare, self.clock = list(read), compare, clock
        self.static = clock is None
        self._fn = self._closure(compare) if self.static else None

    def _closure(self, compare):
        get, cmp = chain([p.fn for p in self.read]), compare.fn
        return lambda r: cmp(get(r))

    def bind(self, now, event=None):
        if self._fn is not None:
            return self._fn
        return self._closure(self.compare(self.clock(now)))

    def source(self):
        env, body, setup = {}, [], []
        for i, part in enumerate(self.read):
            if part.lines is None:
                env[f"F{i}"] = part.fn
                body.append(f"x = F{i}({'x' if i else 'r'})")
            else:
                body.extend(part.lines)
                env.update(part.env or {})
        cmp = self.compare
        if self.clock is not None:
            cmp = self.compare(None)   # the same lines for any value: V is set per run
            env["CLOCK"] = self.clock
            setup.append("V = CLOCK(now)")
        if cmp.lines is None:
            env["C"] = cmp.fn
            body.append("ok = C(x)")
        else:
            body.extend(cmp.lines)
            env.update(cmp.env or {})
        return setup, body, env


def chain(fns):
    """``fn(r)``: ``fns[0](r)``, then each next function on the result."""
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 2:
        a, b = fns
        return lambda r: b(a(r))

    def chained(r):
        for f in fns:
            r = f(r)
        return r
    return chained


class Block(Test):
    """``and``/``or``/``not`` of tests, short-circuiting like Python's operators. An empty
    ``and`` keeps everything, an empty ``or`` and an empty ``not`` nothing (as Custodian)."""

    def __init__(self, how, children):
        self.how, self.children = how, list(children)
        self.static = all(c.static for c in self.children)
        self._fn = self._combine([c.bind(None) for c in self.children]) if self.static else None

    def bind(self, now, event=None):
        if self._fn is not None:
            return self._fn
        return self._combine([c.bind(now, event) for c in self.children])

    def _combine(self, fns):
        if self.how == "not":
            inner = _all(fns)
            return lambda r: not inner(r)
        return _all(fns) if self.how == "and" else _any(fns)

    def source(self):
        if self.how == "not":
            setup, body, env = Block("and", self.children).source()
            return setup, body + ["ok = not ok"], env
        if not self.children:
            return [], ["ok = True" if self.how == "and" else "ok = False"], {}
        setup, env, body = [], {}, None
        for child in reversed(self.children):
            s, b, e = _rename(*child.source())
            setup[:0] = s
            env.update(e)
            body = b if body is None else (
                b + ["if ok:" if self.how == "and" else "if not ok:"] + ["    " + x for x in body])
        return setup, body, env


def _all(fns):
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 2:
        a, b = fns
        return lambda r: bool(a(r) and b(r))

    def all_of(r):
        for f in fns:
            if not f(r):
                return False
        return True
    return all_of


def _any(fns):
    if len(fns) == 1:
        return fns[0]

    def any_of(r):
        for f in fns:
            if f(r):
                return True
        return False
    return any_of


# -- generated code --------------------------------------------------------------------------
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_uid = itertools.count()


def _rename(setup, body, env):
    """Give a test's globals unique names so that several tests share one function."""
    tag = next(_uid)
    mapping = {k: f"{k}_{tag}" for k in env}
    sub = lambda m: mapping.get(m.group(0), m.group(0))  # noqa: E731
    return ([_NAME.sub(sub, line) for line in setup], [_NAME.sub(sub, line) for line in body],
            {mapping[k]: v for k, v in env.items()})


def generate(test):
    """``fn(resources, event, now) -> kept``: the whole test inlined in one loop."""
    setup, body, env = test.source()
    # the test's values as default arguments: locals, read faster than globals in the loop
    params = "".join(f", {name}={name}" for name in env)
    code = (f"def run_pass(resources, e, now{params}):\n"
            + "".join(f"    {line}\n" for line in setup)
            + "    out = []\n    append = out.append\n    for r in resources:\n"
            + "".join(f"        {line}\n" for line in body)
            + "        if ok:\n            append(r)\n    return out\n")
    namespace = dict(env)
    exec(compile(code, "<cloudmaid filter pass>", "exec"), namespace)  # noqa: S102
    return namespace["run_pass"]


class Pass:
    """``pass(resources, event, now) -> kept``: one test over a batch, generated on first use
    when CODEGEN is on, else through the test's closures."""

    def __init__(self, test):
        self.test = test
        self._generated = None

    def __call__(self, resources, event, now):
        if CODEGEN:
            if self._generated is None:
                self._generated = generate(self.test)
            return self._generated(resources, event, now)
        return list(filter(self.test.bind(now, event), resources))
