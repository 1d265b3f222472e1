"""JMESPath errors as one line (cloudmaid.errors), for validation and the Lambda runtime alike."""
import jmespath
import pytest

from cloudmaid.errors import JMESPathProblem, check_jmespath, jmespath_message, jmespath_problem
from cloudmaid.filters.keys import _Functions


@pytest.mark.parametrize("expr,what", [
    ("a[.b", "unexpected '.' at position 2"),
    ("foo bar", "unexpected 'bar' at position 4"),
    ("a[?b==]", "unexpected ']' at position 6"),
    ("a.", "incomplete expression"),
    ("length(", "incomplete expression"),
    ("Tags[?Key=='x'", "incomplete expression"),
    ("a`", "unclosed ` delimiter at position 1"),
    ("a[?b ~ c]", "unknown token ~ at position 5"),
    ("", "the expression is empty"),
])
def test_compile_errors_are_one_line(expr, what):
    with pytest.raises(jmespath.exceptions.JMESPathError) as e:
        jmespath.compile(expr)
    assert jmespath_message(expr, e.value) == f"invalid JMESPath '{expr}': {what}"
    assert jmespath_problem(expr) == f"invalid JMESPath '{expr}': {what}"


@pytest.mark.parametrize("expr,what", [
    ("nofn(a)", "unknown function nofn()"),
    ("a[?nofn(b)]", "unknown function nofn()"),
    ("length(a, b)", "length() takes 1 argument, got 2"),
    ("merge()", "merge() takes at least 1 argument, got 0"),
    ("split(',', a)", "unknown function split()"),   # one of Custodian's, unknown to jmespath
])
def test_calls_jmespath_would_reject_when_searching(expr, what):
    assert jmespath_problem(expr) == f"invalid JMESPath '{expr}': {what}"


@pytest.mark.parametrize("expr", ["a.b", "a[?length(b) > `1`].sort_by(@, &c) | max_by(@, &x)",
                                  "not_null(a, b, c)", "merge(a)"])
def test_valid_expressions(expr):
    assert jmespath_problem(expr) is None


def test_custom_functions_are_known_when_given():
    assert jmespath_problem("split(',', a)", _Functions()) is None
    assert jmespath_problem("split(',')", _Functions()) == (
        "invalid JMESPath 'split(',')': split() takes 2 arguments, got 1")


def test_check_jmespath_raises_with_the_expression():
    check_jmespath("a.b")
    with pytest.raises(JMESPathProblem) as e:
        check_jmespath("nofn(a)")
    assert e.value.expression == "nofn(a)"
    assert str(e.value) == "invalid JMESPath 'nofn(a)': unknown function nofn()"
    assert isinstance(e.value, ValueError)
