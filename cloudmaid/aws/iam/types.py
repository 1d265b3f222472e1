"""IAM's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

IAM is global: one listing serves every region, and ARNs name no region. Each item carries
its own ``Arn`` (with the entity's path), preferred over the template. IAM's list calls
return a subset of each entity: roles and users are completed with GetRole/GetUser, as Cloud
Custodian does (Tags, RoleLastUsed, PermissionsBoundary, PasswordLastUsed come from there);
policies' and instance profiles' tags are read per resource, only when a policy reads them
(manager.py). Groups and server certificates carry no tags here (Custodian reads none).
"""
from ...resources.declaration import (
    DETAIL, GLOBAL, Detail, Get, ParamsQuery, ResourceType, Shortcut)

_ARN = "arn:{partition}:iam::{account}:"


def _names(param, *events):
    return {e: Shortcut(f"requestParameters.{param}") for e in events}


TYPES = (
    ResourceType(
        name="iam-role", service="iam", enum_op="list_roles", enum_path="Roles[]",
        id="RoleName", name_key="RoleName", date="CreateDate", arn=_ARN + "role/{id}",
        arn_key="Arn", scope=GLOBAL, tagger="iam-role", config_type="AWS::IAM::Role",
        get=Get("get_role", "RoleName", "Role"), complete=True,
        trail=_names("roleName", "CreateRole", "AttachRolePolicy", "PutRolePolicy",
                     "UpdateAssumeRolePolicy", "PutRolePermissionsBoundary"),
    ),
    ResourceType(
        name="iam-user", service="iam", enum_op="list_users", enum_path="Users[]",
        id="UserName", name_key="UserName", date="CreateDate", arn=_ARN + "user/{id}",
        arn_key="Arn", scope=GLOBAL, tagger="iam-user", config_type="AWS::IAM::User",
        get=Get("get_user", "UserName", "User"), complete=True,
        trail=_names("userName", "CreateUser", "CreateAccessKey", "CreateLoginProfile",
                     "AttachUserPolicy", "PutUserPolicy", "AddUserToGroup"),
    ),
    ResourceType(
        # customer-managed policies unless the policy's query says otherwise (Scope: All|AWS)
        name="iam-policy", service="iam", enum_op="list_policies", enum_path="Policies[]",
        id="PolicyId", name_key="PolicyName", date="CreateDate", enum_params={"Scope": "Local"},
        arn=_ARN + "policy/{id}", arn_key="Arn", scope=GLOBAL, tags=DETAIL,
        tagger="iam-policy", config_type="AWS::IAM::Policy",
        details=(Detail("Tags", "list_policy_tags", "PolicyArn", "Tags", default=[],
                        arn=True),),
        trail={"CreatePolicy": Shortcut("responseElements.policy.policyId")},
        query=ParamsQuery("ListPolicies"),
    ),
    ResourceType(
        name="iam-group", service="iam", enum_op="list_groups", enum_path="Groups[]",
        id="GroupName", name_key="GroupName", date="CreateDate", arn=_ARN + "group/{id}",
        arn_key="Arn", scope=GLOBAL, tags=None, config_type="AWS::IAM::Group",
        get=Get("get_group", "GroupName", "Group"),
        trail=_names("groupName", "CreateGroup", "AttachGroupPolicy", "PutGroupPolicy"),
    ),
    ResourceType(
        name="iam-profile", service="iam", enum_op="list_instance_profiles",
        enum_path="InstanceProfiles[]", id="InstanceProfileName",
        name_key="InstanceProfileName", date="CreateDate", arn=_ARN + "instance-profile/{id}",
        arn_key="Arn", scope=GLOBAL, tags=DETAIL, tagger="iam-profile",
        get=Get("get_instance_profile", "InstanceProfileName", "InstanceProfile"),
        details=(Detail("Tags", "get_instance_profile", "InstanceProfileName",
                        "InstanceProfile", default=[]),),
        trail=_names("instanceProfileName", "CreateInstanceProfile",
                     "AddRoleToInstanceProfile"),
    ),
    ResourceType(
        name="iam-certificate", service="iam", enum_op="list_server_certificates",
        enum_path="ServerCertificateMetadataList[]", id="ServerCertificateName",
        name_key="ServerCertificateName", date="Expiration",
        arn=_ARN + "server-certificate/{id}", arn_key="Arn", scope=GLOBAL, tags=None,
        config_type="AWS::IAM::ServerCertificate",
        get=Get("get_server_certificate", "ServerCertificateName",
                "ServerCertificate.ServerCertificateMetadata"),
        trail=_names("serverCertificateName", "UploadServerCertificate"),
    ),
)
