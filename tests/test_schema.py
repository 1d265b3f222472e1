"""The JSON Schema built from the registries, error rendering, and the vocabulary."""
import jsonschema
import pytest

from cloudmaid import schema
from cloudmaid.resources.catalog import CATALOG


def every_element():
    regs = schema.registries()
    for kind in ("filters", "actions", "modes"):
        for name in regs[kind].all_names():
            for scope in regs[kind].scopes(name):
                cls = regs[kind].get(name, scope)
                yield kind, name, cls


def test_every_element_schema_is_a_valid_json_schema():
    checked = 0
    for kind, name, cls in every_element():
        for form in schema.element_forms(name, cls):
            jsonschema.Draft7Validator.check_schema(form)
            checked += 1
    assert checked >= 8


def test_whole_file_schema_is_valid_and_agrees_with_the_checker():
    full = schema.build()
    jsonschema.Draft7Validator.check_schema(full)
    v = jsonschema.Draft7Validator(full)
    good = {"vars": {}, "policies": [
        {"name": "a", "resource": "ec2", "filters": [{"State.Name": "running"},
                                                     {"or": [{"type": "value", "key": "x", "value": 1}]}],
         "actions": ["stop", {"type": "terminate", "force": True}], "max-resources": 3},
        {"name": "b", "resource": "aws.ec2", "mode": {"type": "pull"}}]}
    assert list(v.iter_errors(good)) == []
    for bad in (
        {"policies": [{"name": "a", "resource": "ec2", "filter": []}]},
        {"policies": [{"name": "a", "resource": "ec3"}]},
        {"policies": [{"name": "a", "resource": "ec2", "actions": ["stopp"]}]},
        {"policies": [{"name": "a", "resource": "ec2",
                       "filters": [{"type": "value", "key": "k", "op": "equals"}]}]},
        {"policies": [{"name": "a", "resource": "ec2", "max-resources-percent": 101}]},
        {"policies": [{"name": "a b", "resource": "ec2"}]},
        {"polices": []},
    ):
        assert list(v.iter_errors(bad)), bad


def test_schema_for_one_resource_type():
    one = schema.json_schema("ec2")
    assert one["definitions"]["policy"]["properties"]["resource"]["enum"] == ["ec2", "aws.ec2"]


def test_bare_name_form_only_without_required_keys():
    regs = schema.registries()
    stop = regs["actions"].get("stop", "ec2")
    assert schema.element_forms("stop", stop)[0] == {"enum": ["stop"]}

    class NeedsKey:
        schema = {"key": {"type": "string"}}
        required = ("key",)
    assert [f.get("type") for f in schema.element_forms("x", NeedsKey)] == ["object"]


def test_any_of_renders_the_branch_of_the_items_type():
    s = {"anyOf": [
        {"type": "object", "additionalProperties": False, "required": ["type"],
         "properties": {"type": {"enum": ["a"]}, "x": {"type": "integer"}}},
        {"type": "object", "additionalProperties": False, "required": ["type"],
         "properties": {"type": {"enum": ["b"]}, "y": {"type": "string"}}},
    ]}
    assert schema.validate(s, {"type": "b", "y": 3}) == [(("y",), "expected a string, got number 3", ("y",))]
    assert schema.validate(s, {"type": "a", "z": 1}) == [((), "unknown key 'z'", ("z",))]


def test_vocabulary_lists_resources_and_elements():
    text = schema.vocabulary()
    assert all(f"  - {t}\n" in text for t in CATALOG)
    assert "  - pull\n" in text
    ec2 = schema.vocabulary("ec2")
    assert "  filters:\n" in ec2 and "    - value\n" in ec2 and "    - stop\n" in ec2
    assert schema.vocabulary("ec2.actions") .startswith("actions:\n")
    stop = schema.vocabulary("aws.ec2.actions.stop")
    assert "Schema\n------" in stop and "ec2:StopInstances" in stop
    one = schema.json_schema("ec2.actions.terminate")
    assert one["$schema"] == schema.DRAFT
    assert {"enum": ["terminate"]} in one["anyOf"]


def test_vocabulary_unknown_names_suggest():
    with pytest.raises(schema.SchemaLookupError) as e:
        schema.vocabulary("ec3")
    assert str(e.value) == "unknown resource type 'ec3' (did you mean 'ec2'?)"
    with pytest.raises(schema.SchemaLookupError) as e:
        schema.vocabulary("ec2.actions.stp")
    assert str(e.value) == "unknown action 'stp' for ec2 (did you mean 'stop'?)"
