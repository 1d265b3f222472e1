"""Imports every module that registers resource types, filters, actions and modes."""
import importlib
import pkgutil

_loaded = False
PACKAGES = ("cloudmaid.filters", "cloudmaid.actions", "cloudmaid.resources", "cloudmaid.modes")


def load_all():
    global _loaded
    if _loaded:
        return
    for package in PACKAGES:
        mod = importlib.import_module(package)
        for info in pkgutil.iter_modules(mod.__path__):
            importlib.import_module(f"{package}.{info.name}")
    _loaded = True
