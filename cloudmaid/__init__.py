"""cloudmaid: a policy-as-code rules engine for AWS."""
__version__ = "0.1.0"
