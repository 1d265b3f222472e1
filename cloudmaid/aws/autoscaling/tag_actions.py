"""Custodian's Auto Scaling forms of the tag actions: ``tag``/``mark`` with ``propagate``
(whether the tags written propagate to new instances) and ``remove-tag`` with a single
``key``; otherwise the generic actions."""
from ...actions.core import actions
from ...actions.tags import RemoveTag, Tag

ASG = ("asg",)


@actions.register("tag", resources=ASG, aliases=("mark",))
class GroupTag(Tag):
    schema = dict(Tag.schema, propagate={"type": "boolean"})

    @property
    def tagger(self):
        tagger = super().tagger
        tagger.propagate = self.data.get("propagate")
        return tagger


@actions.register("remove-tag", resources=ASG, aliases=("unmark", "untag"))
class GroupRemoveTag(RemoveTag):
    """Delete ``tags`` and/or ``key``."""
    schema = dict(RemoveTag.schema, key={"type": "string"})

    def process(self, resources):
        if self.data.get("key"):
            self.data = dict(self.data, tags=list(self.data.get("tags") or []) + [self.data["key"]])
        super().process(resources)
