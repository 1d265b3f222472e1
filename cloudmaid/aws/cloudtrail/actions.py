"""CloudTrail actions with Cloud Custodian's names and semantics: ``set-logging``,
``update-trail``, ``delete``. Shadow trails are skipped (they change through their origin
trail), as in Custodian, and counted in the result's ``skipped``. Each call goes to the
trail's home region, where its name is unique."""
import botocore.session
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import ParamValidator

from ...actions.core import Action, actions
from .filters import origin_trails

TRAILS = ("cloudtrail",)


class TrailAction(Action):

    def process(self, resources):
        own = origin_trails(self.manager, resources)
        self.result["skipped"] = len(resources) - len(own)
        self.each(own, self.change)

    def change(self, trail):
        raise NotImplementedError


@actions.register("set-logging", resources=TRAILS)
class SetLogging(TrailAction):
    """StartLogging (``enabled: true``, the default) or StopLogging."""
    schema = {"enabled": {"type": "boolean"}}
    permissions = ("cloudtrail:StartLogging", "cloudtrail:StopLogging")

    def change(self, trail):
        client = self.manager.trail_client(trail)
        if self.data.get("enabled", True):
            client.start_logging(Name=trail["Name"])
        else:
            client.stop_logging(Name=trail["Name"])


@actions.register("update-trail", resources=TRAILS)
class UpdateTrail(TrailAction):
    """UpdateTrail with ``attributes`` (UpdateTrail's parameters, checked against its model;
    ``Name`` is the trail's own)."""
    schema = {"attributes": {"type": "object"}}
    required = ("attributes",)
    permissions = ("cloudtrail:UpdateTrail",)

    def validate(self):
        attrs = self.data.get("attributes")
        if not isinstance(attrs, dict):
            return []
        if "Name" in attrs:
            return [(("attributes", "Name"), "update-trail names the trail itself: remove Name")]
        shape = botocore.session.get_session().get_service_model("cloudtrail") \
            .operation_model("UpdateTrail").input_shape
        report = ParamValidator().validate(dict(attrs, Name="validation"), shape)
        if report.has_errors():
            return [(("attributes",), report.generate_report().splitlines()[-1].strip())]
        return []

    def change(self, trail):
        try:
            self.manager.trail_client(trail).update_trail(Name=trail["Name"],
                                                          **self.data["attributes"])
        except ParamValidationError as e:   # refused before the call: one resource's failure
            raise ClientError({"Error": {"Code": "ParamValidation", "Message": str(e)}},
                              "UpdateTrail") from e


@actions.register("delete", resources=TRAILS)
class DeleteTrail(TrailAction):
    """DeleteTrail; a trail already gone counts as deleted."""
    permissions = ("cloudtrail:DeleteTrail",)

    def change(self, trail):
        try:
            self.manager.trail_client(trail).delete_trail(Name=trail["Name"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "TrailNotFoundException":
                raise
