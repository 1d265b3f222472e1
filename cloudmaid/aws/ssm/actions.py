"""SSM parameter actions with Cloud Custodian's names and semantics: ``delete``."""
from ...actions.core import Action, actions


@actions.register("delete", resources=("ssm-parameter",))
class DeleteParameter(Action):
    """DeleteParameters, up to 10 names a call; names AWS no longer knows (its
    InvalidParameters) count as deleted, as in Custodian. A failing call is retried one name
    at a time, so one bad parameter fails alone."""
    batch_size = 10
    permissions = ("ssm:DeleteParameter", "ssm:DeleteParameters")

    def process(self, resources):
        client = self.manager.client()
        self.batched(resources, lambda batch: self.delete(client, batch))

    def delete(self, client, batch):
        client.delete_parameters(Names=[p["Name"] for p in batch])
