"""Frozen records for the declarations a Lambda function loads at cold start.

``@record`` gives a class of annotated fields what ``@dataclass(frozen=True)`` gives (keyword or
positional construction in field order, defaults, equality, hash, repr, immutability) and a
``replace(**changes)``, without generating code: a dataclass costs about half a millisecond
per class to create, and the rows' module is on every function's cold path.
"""


class Factory:
    """A field default built per instance (``Factory(dict)``), as ``field(default_factory=)``."""
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


_REQUIRED = object()


def _init(self, *args, **kwargs):
    cls = type(self)
    names = cls._fields
    if len(args) > len(names):
        raise TypeError(f"{cls.__name__}() takes {len(names)} arguments, {len(args)} given")
    values = dict(zip(names, args))
    for key, value in kwargs.items():
        if key not in cls._defaults:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument '{key}'")
        if key in values:
            raise TypeError(f"{cls.__name__}() got multiple values for argument '{key}'")
        values[key] = value
    for name, default in cls._defaults.items():
        if name not in values:
            if default is _REQUIRED:
                raise TypeError(f"{cls.__name__}() missing required argument: '{name}'")
            values[name] = default.make() if type(default) is Factory else default
    object.__setattr__(self, "__dict__", values)


def _frozen(self, name, value=None):
    raise AttributeError(f"{type(self).__name__} is frozen: cannot change '{name}'")


def _eq(self, other):
    if type(other) is not type(self):
        return NotImplemented
    return self.__dict__ == other.__dict__


def _hash(self):
    return hash((type(self),) + tuple(self.__dict__.values()))


def _repr(self):
    inner = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
    return f"{type(self).__name__}({inner})"


def _replace(self, **changes):
    return type(self)(**{**self.__dict__, **changes})


def record(cls):
    """Make ``cls`` a frozen record of its annotated fields (class values are defaults)."""
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults = {}
    for name in names:
        default = cls.__dict__.get(name, _REQUIRED)
        if default is _REQUIRED and any(d is not _REQUIRED for d in defaults.values()):
            raise TypeError(f"{cls.__name__}: field '{name}' without a default follows one with")
        defaults[name] = default
        if default is not _REQUIRED:
            delattr(cls, name)   # instances always hold every field
    cls._fields = names
    cls._defaults = defaults
    cls.__init__ = _init
    cls.__setattr__ = cls.__delattr__ = _frozen
    cls.__eq__ = _eq
    cls.__hash__ = _hash
    cls.__repr__ = _repr
    cls.replace = _replace
    return cls
