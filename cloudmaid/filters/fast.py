"""Source-level specialisation of the hot filter shapes.

A policy's value filters run once per resource, so a Python function call saved per filter is
a large share of the cost. The common shapes (a plain, dotted or ``tag:`` key compared by
equality, ``in`` a list, a sentinel, ``age``) are generated as one flat function each, and runs
of filters are joined into one ``f0(r) and f1(r) ...`` expression. Only names bound here and
function objects appear in the generated source: policy values travel as closure constants,
never as text.
"""
import itertools
import re

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def build(lines, env, name="match"):
    """Compile ``def name(r): <lines>`` with ``env`` as its globals; return the function."""
    src = f"def {name}(r):\n" + "\n".join("    " + line for line in lines)
    namespace = dict(env)
    exec(compile(src, f"<cloudmaid filter {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def join(fns, how):
    """``f0(r) and f1(r) ...`` (``how`` = 'and'/'or') as one function of one argument."""
    if not fns:   # an empty 'and' keeps everything, an empty 'or' nothing (as Custodian)
        return (lambda r: True) if how == "and" else (lambda r: False)
    if len(fns) == 1:
        return fns[0]
    env = {f"f{i}": f for i, f in enumerate(fns)}
    expr = f" {how} ".join(f"f{i}(r)" for i in range(len(fns)))
    return build([f"return bool({expr})" if how == "or" else f"return {expr}"], env,
                 f"{how}_block")


def join2(fns, how):
    """Same as join for ``fn(r, e)`` functions."""
    if not fns:
        return (lambda r, e=None: True) if how == "and" else (lambda r, e=None: False)
    if len(fns) == 1:
        return fns[0]
    env = {f"f{i}": f for i, f in enumerate(fns)}
    expr = f" {how} ".join(f"f{i}(r, e)" for i in range(len(fns)))
    src = f"def {how}2(r, e=None):\n    return {'bool(' + expr + ')' if how == 'or' else expr}"
    namespace = dict(env)
    exec(compile(src, f"<cloudmaid filter {how}>", "exec"), namespace)  # noqa: S102
    return namespace[f"{how}2"]


def getter_lines(key, env):
    """Source lines that set ``x`` to the value of ``key`` in ``r``; None when not handled."""
    env["K"] = key
    if key.startswith("tag:"):
        env["TAG"] = key.split(":", 1)[1]
        return ["x = None",
                "t = r.get('Tags')",
                "if t is not None:",
                "    for i in t:",
                "        if i.get('Key') == TAG:",
                "            x = i.get('Value')",
                "            break",
                "else:",
                "    x = tag_dict(r, TAG, None)"]
    parts = key.split(".")
    if not all(_IDENT.match(p) for p in parts):
        return None
    if len(parts) == 1:
        return ["x = r.get(K)"]
    lines = ["if K in r:", "    x = r[K]", "else:"]
    for i, p in enumerate(parts):
        env[f"P{i}"] = p
        if i == 0:
            lines.append(f"    x = r.get(P{i})")
        else:
            lines.append(f"    x = x.get(P{i}) if x.__class__ is dict or isinstance(x, dict) "
                         f"else None")
    return lines


# -- inlining: a filter's source is (lines setting ``ok`` from ``r``, globals) ---------------
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_uid = itertools.count()


def build_src(lines, env, name):
    """A one-argument function from source lines that set ``ok``; keeps the source on it so
    enclosing blocks and the engine can inline it."""
    fn = build(lines + ["return ok"], env, name)
    fn.src = (list(lines), dict(env))
    return fn


def _rename(src):
    """Give a block's globals unique names so several blocks can share one function."""
    lines, env = src
    tag = next(_uid)
    mapping = {k: f"{k}_{tag}" for k in env}
    sub = lambda m: mapping.get(m.group(0), m.group(0))  # noqa: E731
    return [_NAME.sub(sub, line) for line in lines], {mapping[k]: v for k, v in env.items()}


def combine(srcs, how):
    """Inline ``and``/``or``/``not`` of block sources, short-circuiting like the operators."""
    if how == "not":
        lines, env = combine(srcs, "and")
        return lines + ["ok = not ok"], env
    if not srcs:
        return ["ok = True" if how == "and" else "ok = False"], {}
    env, out = {}, None
    for src in reversed(srcs):
        lines, e = _rename(src)
        env.update(e)
        out = lines if out is None else (
            lines + ["if ok:" if how == "and" else "if not ok:"] + ["    " + x for x in out])
    return out, env


def build_pass(src):
    """``fn(resources) -> kept`` with the whole block inlined in the loop: no call per
    resource at all."""
    lines, env = src
    body = "".join(f"        {line}\n" for line in lines)
    code = ("def run_pass(resources):\n    out = []\n    append = out.append\n"
            "    for r in resources:\n" + body + "        if ok:\n            append(r)\n"
            "    return out\n")
    namespace = dict(env)
    exec(compile(code, "<cloudmaid filter pass>", "exec"), namespace)  # noqa: S102
    return namespace["run_pass"]
