"""Errors meant for people: one line, where and what."""


class PolicyError(Exception):
    """A policy that cannot run as written (raised before any API call)."""

    def __init__(self, message, path=()):
        super().__init__(message)
        self.message = message
        self.path = tuple(path)   # key path inside the policy, for the line number


class EventError(Exception):
    """An event the handler cannot use (logged, and the invocation returns cleanly)."""


def jmespath_message(expression, error):
    """A JMESPath compile error as one line: ``invalid JMESPath 'a[.b': unexpected '.' at
    position 2``. (jmespath's own text spans three lines: the expression and a caret.)"""
    kind = type(error).__name__
    position = getattr(error, "lex_position", None)
    if kind == "EmptyExpressionError" or expression == "":
        what = "the expression is empty"
    elif kind == "LexerError":
        message = str(getattr(error, "message", "") or "bad token")
        what = f"{message[:1].lower()}{message[1:]} at position {position}"
    elif kind == "IncompleteExpressionError" or getattr(error, "token_type", None) == "EOF":
        what = "incomplete expression"
    elif position is not None and getattr(error, "token_value", None) is not None:
        what = f"unexpected '{error.token_value}' at position {position}"
    else:   # arity, types, unknown function: jmespath's text is already one line
        lines = str(error).strip().splitlines()
        what = lines[0].rstrip(":") if lines else kind
    return f"invalid JMESPath '{expression}': {what}"


def jmespath_problem(expression, functions=None):
    """None when ``expression`` compiles as JMESPath and calls only known functions with a
    number of arguments they take, else its one-line message. ``functions``: a
    ``jmespath.functions.Functions`` (with custom functions), default jmespath's own. For the
    ``validate()`` of elements that search lazily at run time, where jmespath would raise."""
    import jmespath   # ships with botocore
    try:
        parsed = jmespath.compile(expression).parsed
    except jmespath.exceptions.JMESPathError as e:
        return jmespath_message(expression, e)
    if functions is None:
        functions = jmespath.functions.Functions()
    problem = _call_problem(parsed, functions.FUNCTION_TABLE)
    return f"invalid JMESPath '{expression}': {problem}" if problem else None


def _call_problem(node, table):
    """The first unknown function or wrong argument count in a parsed JMESPath AST."""
    if not isinstance(node, dict):
        return None
    if node.get("type") == "function_expression":
        name, args = node.get("value"), node.get("children") or ()
        spec = table.get(name)
        if spec is None:
            return f"unknown function {name}()"
        signature = spec.get("signature") or ()
        variadic = bool(signature) and signature[-1].get("variadic", False)
        if (len(args) < len(signature)) if variadic else (len(args) != len(signature)):
            n = len(signature)
            return (f"{name}() takes {'at least ' if variadic else ''}{n} "
                    f"argument{'' if n == 1 else 's'}, got {len(args)}")
    for child in node.get("children") or ():
        problem = _call_problem(child, table)
        if problem:
            return problem
    return None


class JMESPathProblem(ValueError):
    """A JMESPath expression that cannot run; ``str()`` is the one-line message and
    ``expression`` the text (validation points at the key holding it)."""

    def __init__(self, expression, message):
        super().__init__(message)
        self.expression = expression


def check_jmespath(expression, functions=None):
    """Raise JMESPathProblem unless ``expression`` compiles and its function calls exist
    (see jmespath_problem): for code that compiles an expression when the policy is built."""
    problem = jmespath_problem(expression, functions)
    if problem:
        raise JMESPathProblem(expression, problem)
