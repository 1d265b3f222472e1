"""``maid org forward``: the event plumbing of central event mode (``member-role``).

A ``member-role`` policy is deployed once, in the central account (``maid run`` there, as
Cloud Custodian's ``custodian run``); its function assumes the member role of the account each
event comes from. For the member accounts' events to reach it, this module plans, for the
accounts file's accounts (mu/forward.py has the models):

- in the central account, per region and bus the policies listen on: a bus policy statement
  per member account (or one for ``--organization``);
- in each member account: the role EventBridge forwards with (IAM, once per account), and
  per region and policy a forwarding rule on the default bus with the central rule's pattern,
  targeting the central bus.

The central account is the account of the policy's ``mode.role`` ARN (a Lambda function's
execution role is in its own account), or ``--central``. Plan, then apply: ``--plan`` only
reads, an unchanged setup plans to nothing. ``plan_gc`` is the removal side (``maid org gc``).
"""
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import __version__
from ..context import Context
from ..errors import PolicyError
from ..modes.core import ROLE_ARN, PatternMode, function_name, is_event_mode
from ..mu import executor, forward, planner, remote
from ..mu.models import TAG_INFO
from ..policy import Policy, aws_error
from ..session import SessionFactory
from . import accounts as accounts_mod
from .creds import AccountCredentials, CredentialsError, Hub


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


@dataclass(frozen=True)
class Central:
    """One member-role policy as the plumbing sees it."""
    policy: str
    function: str
    pattern: dict          # the central rule's pattern, which the forwarders repeat
    bus: str               # the central bus its rule listens on
    central: str           # the central account id
    member_role: str       # the member-role template ({account_id})
    partition: str = "aws"


class CentralError(Exception):
    def __init__(self, lines):
        super().__init__(lines[0] if lines else "")
        self.lines = list(lines)


def central_policies(specs, central=None):
    """The member-role policies of ``specs`` (others are not forwarded). ``central``: the
    ``--central`` account id, or None. Raises CentralError with one line per problem."""
    out, problems = [], []
    for spec in specs:
        data = spec.data
        mode = data.get("mode") if isinstance(data, dict) else None
        if not is_event_mode(data) or not isinstance(mode, dict) or not mode.get("member-role"):
            continue
        where = f"{spec.source.file}:{spec.line('mode')}: {spec.label}"
        role = mode.get("role")
        account = partition = None
        if isinstance(role, str) and ROLE_ARN.match(role) and "{account_id}" not in role:
            partition, account = role.split(":")[1], role.split(":")[4]
        if central and account and account != central:
            problems.append(f"{where}: mode.role {role} is in account {account}, not in the "
                            f"central account {central} (--central)")
            continue
        account = account or central
        if not account:
            problems.append(f"{where}: mode.role names no account (a role name, or auto): "
                            "give its ARN or --central ACCOUNT to name the central account")
            continue
        try:
            policy = Policy(data, Context(SessionFactory(region="us-east-1"), region="us-east-1",
                                          account_id=account, partition=partition or "aws"))
        except PolicyError as e:
            problems.append(f"{spec.source.file}:{spec.line(*e.path)}: {spec.label}: {e.message}")
            continue
        if not isinstance(policy.mode, PatternMode):
            problems.append(f"{where}: mode {policy.mode.type} is not delivered by an event "
                            "pattern rule: member accounts have no events to forward to it")
            continue
        out.append(Central(policy=policy.name, function=function_name(data),
                           pattern=policy.mode.rule()["pattern"],
                           bus=mode.get("event-bus") or "default", central=account,
                           member_role=mode["member-role"], partition=partition or "aws"))
    if problems:
        raise CentralError(problems)
    return out


def resolve_central(value, accounts):
    """``--central``: an account id, or the name of an account of the file."""
    if value is None:
        return None
    for a in accounts:
        if value in (a.name, a.account_id):
            return a.account_id
    if value.isdigit() and len(value) == 12:
        return value
    raise CentralError([f"--central {value}: neither a 12-digit account id nor an account of the accounts file"])


# -- what each account needs ---------------------------------------------------------------------
@dataclass
class Task:
    """The models of one account in one region (``region`` None: global, IAM), or the
    removals ``remove(view)`` plans there."""
    label: str
    account: str          # account id
    region: str
    models: tuple = ()
    remove: object = None

    def plan(self, view):
        if self.remove is not None:
            return self.remove(view)
        return planner.plan(list(self.models), remote.observe(view, list(self.models)))


def tasks(policies, members, requested_regions=(), organization=None, names=None):
    """Central and member tasks, in order: each central account's bus statements per region,
    then each member's role and forwarders. ``members``: accounts (accounts.Account) to
    forward from; a policy's own central account is never its member. ``names``: account
    names by id, for the labels."""
    names = names or {}
    out = []
    centrals = sorted({p.central for p in policies})
    regions_of = {m.account_id: accounts_mod.regions_for(m, requested_regions) for m in members}
    for central in centrals:
        served = [m for m in members if m.account_id != central]
        mine = [p for p in policies if p.central == central]
        for region in sorted({r for m in served for r in regions_of[m.account_id]}):
            models = []
            for bus in sorted({p.bus for p in mine}):
                if organization:
                    models.append(forward.BusPermission(bus=bus, organization=organization))
                else:
                    models += [forward.BusPermission(bus=bus, account=m.account_id) for m in served
                               if region in regions_of[m.account_id]]
            label = f"central {names.get(central, central)} in {region}: bus permissions"
            out.append(Task(label, central, region, tuple(models)))
    for m in members:
        mine = [p for p in policies if p.central != m.account_id]
        if not mine:
            continue
        partition = mine[0].partition
        regions = regions_of[m.account_id]
        buses = tuple(sorted({forward.bus_arn(p.partition, r, p.central, p.bus) for p in mine for r in regions}))
        role = forward.ForwardRole(buses=buses, tags={TAG_INFO: f"{forward.FORWARD_INFO}:version={__version__}"})
        out.append(Task(f"{m.name}: role {role.name}", m.account_id, None, (role,)))
        arn = forward.role_arn(partition, m.account_id)
        for region in regions:
            models = []
            for p in mine:
                models += forward.forward_models(p.policy, p.function, p.pattern,
                                                 forward.bus_arn(p.partition, region, p.central, p.bus), arn)
            out.append(Task(f"{m.name} in {region}: forwarders", m.account_id, region, tuple(models)))
    return out


def member_role_problems(view, policies, account_id):
    """Warnings about the member role the central functions assume in ``account_id``: one
    that does not exist there (events would arrive and fail). Read-only."""
    out = []
    for template in sorted({p.member_role for p in policies if p.central != account_id}):
        arn = template.replace("{account_id}", account_id).replace("{account}", account_id)
        if not ROLE_ARN.match(arn) or arn.split(":")[4] != account_id:
            continue
        name = arn.split(":role/", 1)[1].rsplit("/", 1)[-1]
        if not forward.role_exists(view, name):
            out.append(f"warning: member role {arn} does not exist: the central function cannot act "
                       "in this account (create it, trusting the function's role)")
    return out


# -- running --------------------------------------------------------------------------------------
class Reach:
    """Session factories per (account id, region): an account of the file through its role,
    the central account through the file or, when it is not there, the caller's credentials."""

    def __init__(self, accounts, hub):
        self.hub = hub
        self._creds = {a.account_id: AccountCredentials(a, hub) for a in accounts}
        self._caller = None

    def factory(self, account_id, region):
        region = region or self.hub.region
        if account_id in self._creds:
            return self._creds[account_id].factory(region)
        factory = self.hub.factory(self.hub.credentials(), region)
        if self._caller is None:
            try:
                self._caller = factory.client("sts").get_caller_identity()["Account"]
            except Exception as e:
                raise CredentialsError(f"credentials of the caller: {aws_error(e)}") from None
        if self._caller != account_id:
            raise CredentialsError(f"account {account_id} is not in the accounts file and the "
                                   f"caller's credentials are for account {self._caller}")
        return factory


def run_task(task, reach, policies, plan_only, echo):
    try:
        factory = reach.factory(task.account, task.region)
        view = remote.View(factory)
        steps = task.plan(view)
        if task.region is None and task.remove is None:
            for line in member_role_problems(view, policies, task.account):
                echo(f"{task.label}: {line}", err=True)
    except CredentialsError as e:
        echo(f"{task.label}: failed: {e}", err=True)
        return 1
    except Exception as e:   # AccessDenied, throttled past retries: this account only
        echo(f"{task.label}: reading the deployed state failed: {aws_error(e)}", err=True)
        return 1
    return executor.apply_plan(steps, task.label, factory, plan_only, echo,
                               empty="nothing to remove" if task.remove else "up to date")


def run_all(todo, reach, policies, plan_only, echo, workers=4):
    """Each account's tasks in order, accounts at once; output in task order; exit code."""
    by_account = {}
    for t in todo:
        by_account.setdefault(t.account, []).append(t)

    def one_account(items):
        lines, code = [], 0
        out = lambda message, err=False: lines.append((message, err))   # noqa: E731
        for t in items:
            code |= run_task(t, reach, policies, plan_only, out)
        return code, lines

    code = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for result, lines in pool.map(one_account, by_account.values()):
            for message, err in lines:
                echo(message, err=err)
            code |= result
    return code


def _central_or_say(specs, central, all_accounts, echo):
    """The member-role policies (central_policies), or None after printing the problems."""
    try:
        return central_policies(specs, resolve_central(central, all_accounts))
    except CentralError as e:
        for line in e.lines:
            echo(line, err=True)
        return None


def forward_setup(all_accounts, selected, specs, central=None, organization=None, regions=(),
                  plan_only=False, echo=_echo, hub=None, workers=4):
    """The ``maid org forward`` command; exit code."""
    policies = _central_or_say(specs, central, all_accounts, echo)
    if policies is None:
        return 1
    if not policies:
        echo("no member-role policy with an event pattern: nothing to forward", err=True)
        return 1
    if not _named_regions(selected, regions, echo):
        return 1
    todo = tasks(policies, selected, regions, organization, {a.account_id: a.name for a in all_accounts})
    if not todo:
        echo("no selected account other than the central account: nothing to forward", err=True)
        return 1
    return run_all(todo, Reach(all_accounts, hub or Hub()), policies, plan_only, echo, workers)


def _named_regions(selected, regions, echo):
    """Forwarding pairs a member's region with the same region of the central account: the
    regions must be named (``-r all`` would ask each account which it has)."""
    if any("all" in accounts_mod.regions_for(a, regions) for a in selected):
        echo("-r all: name the regions to forward in (the central account must be deployed in each)", err=True)
        return False
    return True


# -- removal ----------------------------------------------------------------------------------------
def plan_gc(view, account_id, policies, all_accounts):
    """What of the plumbing in ``account_id`` (one region) the files no longer want: bus
    statements of ours for accounts that no longer forward to a policy on that bus (or every
    one of ours on a bus no policy listens on). Returns removal steps."""
    keep_buses = {p.bus for p in policies if p.central == account_id}
    members = {a.account_id for a in all_accounts if a.account_id != account_id}
    steps = []
    from ..mu.eventbridge import list_buses
    for bus in list_buses(view.client("events")):
        for sid in forward.our_statements(view, bus):
            principal = sid[len(forward.SID_PREFIX):]
            wanted = bus in keep_buses and (principal.startswith("o-") or principal in members)
            if not wanted:
                steps.append(forward.remove_statement(bus, sid))
    return steps


def plan_role_gc(view, account_id, policies):
    """The forwarding role goes when no policy of the files forwards from this account."""
    if any(p.central != account_id for p in policies) or not forward.role_exists(view):
        return []
    return forward.remove_role()


def gc_tasks(selected, specs, policies, all_accounts, requested_regions=(), prefix=None):
    """``maid org gc``: per selected account, the forwarding role if nothing forwards from it
    any more, then per region what ``maid gc`` removes there (functions and rules of policies
    gone from the files, forwarding rules included) and our stale bus statements."""
    from ..mu import gc as mu_gc
    keep = mu_gc.wanted(specs)
    out = []
    for a in selected:
        out.append(Task(f"{a.name}: role {forward.FORWARD_ROLE}", a.account_id, None,
                        remove=lambda view, a=a: plan_role_gc(view, a.account_id, policies)))
        for region in accounts_mod.regions_for(a, requested_regions):
            def remove(view, a=a):
                return (mu_gc.plan_gc(view.session_factory, keep, prefix)
                        + plan_gc(view, a.account_id, policies, all_accounts))
            out.append(Task(f"gc {a.name} in {region}", a.account_id, region, remove=remove))
    return out


def org_gc(all_accounts, selected, specs, central=None, regions=(), prefix=None, plan_only=False,
           echo=_echo, hub=None, workers=4):
    """The ``maid org gc`` command; exit code."""
    policies = _central_or_say(specs, central, all_accounts, echo)
    if policies is None:
        return 1
    if not _named_regions(selected, regions, echo):
        return 1
    todo = gc_tasks(selected, specs, policies, all_accounts, regions, prefix)
    return run_all(todo, Reach(all_accounts, hub or Hub()), policies, plan_only, echo, workers)
