"""Domains listed by name: ListDomainNames also says each one's ``EngineType``, which the
domain's description does not; only the name is kept, so listings and get-by-ids agree."""
from ...resources.manager import ResourceManager, register_manager


@register_manager("elasticsearch")
class DomainManager(ResourceManager):
    def _complete(self, items):
        return super()._complete([{self.rtype.id: i[self.rtype.id]} for i in items])
