"""The generated index as a function ships it: only the entries whose modules are in its zip,
so the zip stays the same size however many resource types the project declares. A function
never looks beyond its policy's modules (plugins.policy_modules), which are all shipped."""
from .. import index
from ..tools.index import COMMENTS, render


def source(shipped):
    """index.py's text keeping what the dotted module names ``shipped`` register or declare."""
    types = {t: e for t, e in index.TYPES.items() if e["declared"] in shipped}

    def elements(table):
        out = {}
        for name, scopes in table.items():
            kept = {s: m for s, m in scopes.items() if m in shipped and (s == "*" or s in types)}
            if kept:
                out[name] = kept
        return out
    tables = {
        "TYPES": {t: {k: (m if m in shipped else None) for k, m in e.items()}
                  for t, e in types.items()},
        "FILTERS": elements(index.FILTERS),
        "ACTIONS": elements(index.ACTIONS),
        "MODES": {n: m for n, m in index.MODES.items() if m in shipped},
        "TAGGERS": {n: m for n, m in index.TAGGERS.items() if m in shipped},
        "TYPE_ALIASES": {a: t for a, t in getattr(index, "TYPE_ALIASES", {}).items()
                         if t in types},
        "SHORTCUTS": {s: t for s, t in index.SHORTCUTS.items() if t in types},
        "CONFIG_TYPES": {t: c for t, c in index.CONFIG_TYPES.items() if t in types},
        "GUARD_DUTY": {t: g for t, g in index.GUARD_DUTY.items() if t in types},
    }
    assert set(tables) == set(COMMENTS)
    return render(tables)
