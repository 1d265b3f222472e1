"""Least privilege: the IAM actions a policy's calls need, and the policy document granting
them (``maid iam``). CLI side only: the Lambda runtime never imports this package."""
from .derive import document, permissions  # noqa: F401 -- the public names
