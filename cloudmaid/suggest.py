""""Did you mean" hints for misspelt names (standard library only: the Lambda runtime imports it).

A hint is offered only for a likely typo: a few edits away for the word's length (a swap of two
neighbouring letters counts as one), or a case difference. ``elb`` is two edits from ``ebs`` and
``webhook`` three from ``reboot``: different names, so no hint rather than a misleading one.
"""
import difflib

#: Custodian's long operator aliases -> the short name a hint should teach
CANONICAL = {"equal": "eq", "not-equal": "ne", "greater-than": "gt", "gte": "ge",
             "less-than": "lt", "lte": "le", "not-in": "ni"}


def distance(a, b, limit=None):
    """Edit distance with adjacent transpositions (optimal string alignment); stops early past
    ``limit`` (returns ``limit + 1``)."""
    if abs(len(a) - len(b)) > (limit if limit is not None else len(a) + len(b)):
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if limit is not None and min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def allowed_edits(word):
    """How many edits still read as a typo of ``word``: 1 up to 5 letters, 2 up to 9, then 3."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


def closest(word, choices):
    """The choice ``word`` is most likely a typo of, or None."""
    choices = [c for c in dict.fromkeys(choices) if isinstance(c, str)]
    if not isinstance(word, str) or not word or word in choices:
        return None
    limit = allowed_edits(word)
    folded = word.casefold()
    scored = []
    for c in choices:
        d = distance(folded, c.casefold(), limit)
        if d <= limit and d < min(len(word), len(c)):   # 'z' is not a typo of 'x'
            # ties: the more similar overall, then the first listed
            scored.append((d, -difflib.SequenceMatcher(None, folded, c.casefold()).ratio(), c))
    if not scored:
        return None
    return min(scored, key=lambda s: (s[0], s[1]))[2]


def did_you_mean(word, choices):
    """`` (did you mean 'x'?)`` when ``word`` looks like a typo of one of ``choices``, else ''."""
    choices = list(choices)
    best = closest(word, choices)
    if best is None:
        return ""
    best = CANONICAL.get(best, best) if CANONICAL.get(best) in choices else best
    return f" (did you mean '{best}'?)"
