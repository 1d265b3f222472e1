"""Base of filters, actions and modes: the policy data, the resource manager, a schema."""


class Element:
    #: policy name, set by Registry.register
    type = None
    #: JSON Schema ``properties`` of the dict form (``type`` is added by the schema builder)
    schema = {}
    #: required keys of the dict form besides ``type``
    required = ()
    #: IAM actions the element needs, for generated least-privilege roles
    permissions = ()

    def __init__(self, data, manager=None):
        self.data = data if isinstance(data, dict) else {"type": data}
        self.manager = manager

    def validate(self):
        """Semantic problems beyond the JSON schema: a list of ``(where, message)``; ``where`` is
        a key path relative to this element (a tuple), message a short sentence."""
        return []

    def __repr__(self):
        return f"<{type(self).__name__} {self.data!r}>"
