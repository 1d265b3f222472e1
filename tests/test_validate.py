"""Validation: one test per kind of problem, each asserting the whole line (file, line number,
policy, where, message). Nothing here needs AWS."""
import textwrap

import pytest

from cloudmaid import plugins
from cloudmaid.actions.core import Action, actions
from cloudmaid.filters.core import Filter, filters
from cloudmaid.modes.core import Mode, modes
from cloudmaid.validate import load_and_check


def write(tmp_path, text, name="p.yml"):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(f)


def problems(tmp_path, text, name="p.yml"):
    f = write(tmp_path, text, name)
    return f, load_and_check([f])[1]


def ensure(monkeypatch, registry, name, cls, resources=("*",)):
    """Register a stand-in for ``name`` unless the real element is registered already."""
    plugins.load_all()
    if registry.get(name) is None:
        cls.type = name
        monkeypatch.setitem(registry._by_name, name, {r: cls for r in resources})


@pytest.fixture
def mark_for_op(monkeypatch):
    class MarkForOp(Action):
        schema = {"op": {"type": "string"}, "days": {"type": "number", "minimum": 0},
                  "hours": {"type": "number", "minimum": 0}, "tag": {"type": "string"},
                  "msg": {"type": "string"}, "tz": {"type": "string"}}
    ensure(monkeypatch, actions, "mark-for-op", MarkForOp)


@pytest.fixture
def event_filter(monkeypatch):
    class EventFilter(Filter):
        schema = {"key": {"type": "string"}, "value": {}, "op": {"type": "string"}}
        required = ("key",)
    ensure(monkeypatch, filters, "event", EventFilter)


def test_valid_file_has_no_problem(tmp_path):
    f, found = problems(tmp_path, """
        vars:
          untagged: &untagged
            - tag:Owner: absent
        policies:
          - name: stop-untagged
            resource: ec2
            description: stop what nobody owns
            filters: *untagged
            actions: [stop]
          - name: big_ones
            resource: aws.ec2
            max-resources: {amount: 5, percent: 10, op: and}
            filters:
              - or:
                  - InstanceType: m5.24xlarge
                  - type: value
                    key: tag:Name
                    op: regex
                    value: "^big-.*$"
    """)
    assert found == []


def test_yaml_syntax_error(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - State.Name: [running
          - name: b
    """)
    assert len(found) == 1
    assert found[0].startswith(f"{f}:6: invalid YAML: ")


def test_yaml_tab_indentation_hint(tmp_path):
    f, found = problems(tmp_path, "policies:\n  - name: a\n\tresource: ec2\n")
    assert found[0].startswith(f"{f}:3: invalid YAML")
    assert "tabs are not allowed" in found[0]


def test_json_syntax_error(tmp_path):
    f, found = problems(tmp_path, """
        {"policies": [
          {"name": "a",
           "resource": "ec2",}
        ]}
    """, name="p.json")
    assert found == [f"{f}:3: invalid JSON: Expecting property name enclosed in double quotes "
                     "(column 22)"]


def test_json_problem_has_line_number(tmp_path):
    f, found = problems(tmp_path, '{"policies": [\n\t{"name": "a",\n\t "resource": "ec2",\n'
                                  '\t "filter": []}\n]}\n', name="p.json")
    assert found == [f"{f}:4: policy 'a': unknown key 'filter' (did you mean 'filters'?)"]


def test_unknown_policy_key_with_suggestion(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filter:
              - State.Name: running
    """)
    assert found == [f"{f}:4: policy 'a': unknown key 'filter' (did you mean 'filters'?)"]


def test_unknown_top_level_key(tmp_path):
    f, found = problems(tmp_path, """
        policies: []
        polices: []
    """)
    assert found == [f"{f}:2: unknown top-level key 'polices' (did you mean 'policies'?)"]


def test_missing_policies_list(tmp_path):
    f, found = problems(tmp_path, "- name: a\n")
    assert found == [f"{f}:1: expected a mapping with a top-level 'policies:' list, got a list"]


def test_missing_required_resource(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: ok
            resource: ec2
          - name: no-resource
            filters: []
    """)
    assert found == [f"{f}:4: policy 'no-resource': missing required key 'resource'"]


def test_missing_name_uses_policy_number(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - resource: ec2
    """)
    assert found == [f"{f}:2: policy #1: missing required key 'name'"]


def test_invalid_policy_name(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: stop all
            resource: ec2
    """)
    assert found == [f"{f}:2: policy 'stop all': name: invalid policy name 'stop all': use "
                     "letters, digits, '_' and single '-' between them, starting with a letter"]


def test_unknown_resource_with_suggestion(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec3
            filters:
              - whatever: 1
    """)
    assert found == [f"{f}:3: policy 'a': resource: unknown resource type 'ec3' "
                     "(did you mean 'ec2'?)"]


def test_unknown_filter(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - State.Name: running
              - type: valeu
                key: x
    """)
    assert found == [f"{f}:6: policy 'a': filters[1]: unknown filter 'valeu' "
                     "(did you mean 'value'?)"]


def test_unknown_filter_inside_block(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - not:
                  - and:
                      - vlaue
    """)
    assert found == [f"{f}:7: policy 'a': filters[0].not[0].and[0]: unknown filter 'vlaue' "
                     "(did you mean 'value'?)"]


def test_unknown_action(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions:
              - stop
              - terminat
    """)
    assert found == [f"{f}:6: policy 'a': actions[1]: unknown action 'terminat' "
                     "(did you mean 'terminate'?)"]


def test_unknown_key_in_action(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions:
              - type: stop
                hibernat: true
    """)
    assert found == [f"{f}:6: policy 'a': actions[0]: unknown key 'hibernat' "
                     "(did you mean 'hibernate'?)"]


def test_unknown_op_suggests_canonical_name(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: value
                key: State.Name
                op: equals
                value: running
    """)
    assert found == [f"{f}:7: policy 'a': filters[0].op: unknown op 'equals' (did you mean 'eq'?)"]


def test_unknown_mode_type(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            mode:
              type: pul
    """)
    assert found == [f"{f}:5: policy 'a': mode.type: unknown mode 'pul' (did you mean 'pull'?)"]


def test_mode_validate_problems_are_rendered(tmp_path, monkeypatch):
    class Scheduled(Mode):
        """A stand-in mode whose own validate() finds a problem."""
        schema = {"schedule": {"type": "string"}}
        event_mode = True

        def validate(self):
            assert self.policy.name == "a"   # modes see the policy (function names need it)
            return [(("schedule",), f"invalid schedule '{self.data['schedule']}'")]
    Scheduled.type = "test-scheduled"
    monkeypatch.setitem(modes._by_name, "test-scheduled", {"*": Scheduled})
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            mode:
              type: test-scheduled
              schedule: rate(1 fortnight)
    """)
    assert found == [f"{f}:6: policy 'a': mode.schedule: invalid schedule 'rate(1 fortnight)'"]


def test_element_validate_problems_are_rendered(tmp_path, monkeypatch):
    class Picky(Filter):
        schema = {"size": {"type": "integer"}}

        def validate(self):
            return [(("size",), "size must be even")] if self.data.get("size", 0) % 2 else []
    Picky.type = "test-picky"
    monkeypatch.setitem(filters._by_name, "test-picky", {"ec2": Picky})
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: test-picky
                size: 3
    """)
    assert found == [f"{f}:6: policy 'a': filters[0].size: size must be even"]


def test_wrong_value_type(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            max-resources: "ten"
    """)
    assert found == [f"{f}:4: policy 'a': max-resources: expected an integer or a mapping, "
                     "got string 'ten'"]


def test_wrong_type_in_element(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions:
              - type: stop
                force: "yes please"
    """)
    assert found == [f"{f}:6: policy 'a': actions[0].force: expected true or false, "
                     "got string 'yes please'"]


def test_bad_regex(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: value
                key: tag:Name
                op: regex
                value: "web-(\\\\d+"
    """)
    assert found == [f"{f}:8: policy 'a': filters[0].value: invalid regex 'web-(\\d+': "
                     "missing ), unterminated subpattern at position 4"]


def test_bad_value_regex(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: value
                key: tag:Name
                value_regex: "[a-"
                value: x
    """)
    assert found == [f"{f}:7: policy 'a': filters[0].value_regex: invalid regex '[a-': "
                     "unterminated character set at position 0"]


def test_negative_days(tmp_path, mark_for_op):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions:
              - type: mark-for-op
                op: stop
                days: -2
    """)
    assert found == [f"{f}:7: policy 'a': actions[0].days: must be >= 0, got -2"]


def test_max_resources_percent_over_100(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            max-resources-percent: 150
    """)
    assert found == [f"{f}:4: policy 'a': max-resources-percent: must be <= 100, got 150"]


def test_max_resources_dict_problems(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            max-resources:
              amount: 0
              op: xor
    """)
    assert found == [f"{f}:5: policy 'a': max-resources.amount: must be >= 1, got 0",
                     f"{f}:6: policy 'a': max-resources.op: unknown op 'xor' (did you mean 'or'?)"]


def test_duplicate_policy_names(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
          - name: b
            resource: ec2
          - name: a
            resource: ec2
    """)
    assert found == [f"{f}:6: policy 'a': name: duplicate policy name (first defined at {f}:2)"]


def test_duplicate_policy_names_across_files(tmp_path):
    one = write(tmp_path, "policies:\n  - name: a\n    resource: ec2\n", "one.yml")
    two = write(tmp_path, "policies:\n  - name: b\n    resource: ec2\n  - name: a\n"
                          "    resource: ec2\n", "two.yml")
    assert load_and_check([one, two])[1] == [
        f"{two}:4: policy 'a': name: duplicate policy name (first defined at {one}:2)"]


def test_event_filter_in_pull_policy(tmp_path, event_filter):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: event
                key: detail.eventName
                value: RunInstances
    """)
    assert found == [f"{f}:5: policy 'a': filters[0]: the 'event' filter needs an event mode; "
                     "this policy runs in pull mode"]


def test_mark_for_op_op_not_on_resource(tmp_path, mark_for_op):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions:
              - type: mark-for-op
                op: stopp
                days: 1
    """)
    assert found == [f"{f}:6: policy 'a': actions[0].op: resource 'ec2' has no action 'stopp' "
                     "(did you mean 'stop'?)"]


def test_shorthand_filter_with_two_keys(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - key: State.Name
                value: running
    """)
    assert found == [f"{f}:5: policy 'a': filters[0]: missing required key 'type' (a filter "
                     "without 'type' is a single 'key: value' pair)"]


def test_problems_of_several_policies_are_all_reported(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            actions: [stopp]
          - name: b
            resource: ebz
    """)
    assert [line.split(": ")[0] for line in found] == [f"{f}:4", f"{f}:6"]


def test_aws_prefixed_resource_is_normalised(tmp_path):
    f = write(tmp_path, "policies:\n  - name: a\n    resource: aws.ec2\n")
    specs, found = load_and_check([f])
    assert found == [] and specs[0].data["resource"] == "ec2"


def test_unreadable_file(tmp_path):
    missing = str(tmp_path / "nope.yml")
    assert load_and_check([missing])[1] == [f"{missing}: no such file"]


def test_bad_jmespath_key(tmp_path):
    f, found = problems(tmp_path, """
        policies:
          - name: a
            resource: ec2
            filters:
              - type: value
                key: "Tags[?Key=='x'"
                value: 1
    """)
    assert found == [f"{f}:6: policy 'a': filters[0].key: invalid JMESPath "
                     "'Tags[?Key=='x'': incomplete expression"]
