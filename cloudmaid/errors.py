"""Errors meant for people: one line, where and what."""


class PolicyError(Exception):
    """A policy that cannot run as written (raised before any API call)."""

    def __init__(self, message, path=()):
        super().__init__(message)
        self.message = message
        self.path = tuple(path)   # key path inside the policy, for the line number


class EventError(Exception):
    """An event the handler cannot use (logged, and the invocation returns cleanly)."""
