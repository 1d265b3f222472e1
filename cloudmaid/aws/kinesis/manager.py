"""The kinesis manager: ListStreams paged by hand. AWS pages with NextToken and still honours
the older ExclusiveStartStreamName; some implementations (moto) answer HasMoreStreams with no
NextToken, which botocore's paginator takes as the last page."""
from ...resources import tagsource
from ...resources.manager import ResourceManager, register_manager


@register_manager("kinesis")
class KinesisManager(ResourceManager):

    def describe(self, params):
        client = self.client()
        names, ask = [], dict(params)
        while True:
            page = client.list_streams(**ask)
            names.extend(page.get("StreamNames") or ())
            if not page.get("HasMoreStreams") or not names:
                break
            # NextToken excludes every other parameter
            ask = {"NextToken": page["NextToken"]} if page.get("NextToken") else \
                dict(params, ExclusiveStartStreamName=names[-1])
        items = self._complete([{self.rtype.id: n} for n in dict.fromkeys(names)])
        return tagsource.normalise(self.rtype, items)
