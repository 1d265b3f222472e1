"""Execution modes: pull (poll from the CLI) and the event modes deployed as Lambda functions."""
from .core import Mode, modes  # noqa: F401


def load():
    """Import every mode module so each registers itself."""
    import importlib
    import pkgutil
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
