"""The account's IAM settings: ``password-policy``, ``iam-summary`` (value filters over
GetAccountPasswordPolicy / GetAccountSummary) and ``set-password-policy``, with Cloud
Custodian's names, annotations and semantics."""
import copy

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import filters
from .base import ACCOUNT, AccountValueFilter, error_code

POLICY_ANNOTATION = "c7n:password_policy"


def password_policy(manager):
    """The password policy plus Custodian's ``PasswordPolicyConfigured`` (false, and nothing
    else, when the account has none)."""
    def fetch():
        try:
            found = manager.client("iam").get_account_password_policy().get("PasswordPolicy", {})
        except ClientError as e:
            if error_code(e) != "NoSuchEntity":
                raise
            return {"PasswordPolicyConfigured": False}
        return {**found, "PasswordPolicyConfigured": True}
    return copy.deepcopy(manager.fact("password-policy", fetch))


@filters.register("password-policy", resources=ACCOUNT)
class PasswordPolicy(AccountValueFilter):
    """A value filter over the account's password policy (``key: MinimumPasswordLength``),
    which also holds ``PasswordPolicyConfigured``: false when the account has no policy (then
    every other key is absent). Kept on the account as ``c7n:password_policy``."""
    annotation = POLICY_ANNOTATION
    permissions = ("iam:GetAccountPasswordPolicy",)

    def fetch(self):
        return password_policy(self.manager)


@filters.register("iam-summary", resources=ACCOUNT)
class IamSummary(AccountValueFilter):
    """A value filter over the account's IAM summary (GetAccountSummary's ``SummaryMap``:
    ``AccountMFAEnabled``, ``AccountAccessKeysPresent``, ``Users``, ...). Kept on the account
    as ``c7n:iam_summary``."""
    annotation = "c7n:iam_summary"
    permissions = ("iam:GetAccountSummary",)

    def fetch(self):
        return self.manager.client("iam").get_account_summary()["SummaryMap"]


def request_members(operation):
    import botocore.session
    model = botocore.session.get_session().get_service_model("iam")
    return model.operation_model(operation).input_shape


@actions.register("set-password-policy", resources=ACCOUNT)
class SetPasswordPolicy(Action):
    """UpdateAccountPasswordPolicy with ``policy`` (UpdateAccountPasswordPolicy's parameters)
    merged over the current policy, so only the keys given change; an account without a
    policy gets IAM's defaults for the others. ``policy`` is checked against the API's shape
    at validation."""
    schema = {"policy": {"type": "object"}}
    required = ("policy",)
    permissions = ("iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy")

    def validate(self):
        from botocore.validate import ParamValidator
        shape = request_members("UpdateAccountPasswordPolicy")
        report = ParamValidator().validate(self.data.get("policy") or {}, shape)
        if report.has_errors():
            lines = [line.strip() for line in report.generate_report().splitlines()]
            return [(("policy",), "; ".join(line for line in lines if line))]
        return []

    def process(self, resources):
        client = self.manager.client("iam")
        accepted = set(request_members("UpdateAccountPasswordPolicy").members)

        def update(account):
            current = account.get(POLICY_ANNOTATION) or password_policy(self.manager)
            config = {k: v for k, v in {**current, **self.data["policy"]}.items()
                      if k in accepted}
            client.update_account_password_policy(**config)
        self.each(resources, update)
