"""Policy file loading: data plus the source line of every key and list item."""
import pytest

from cloudmaid import loader


def test_lines_of_keys_and_items():
    src = loader.loads("policies:\n  - name: a\n    resource: ec2\n    filters:\n"
                       "      - State.Name: running\n      - tag:Owner: absent\n", "p.yml")
    assert src.data["policies"][0]["filters"][1] == {"tag:Owner": "absent"}
    assert src.line(("policies", 0, "resource")) == 3
    assert src.line(("policies", 0, "filters", 1)) == 6
    # unknown deeper paths fall back to the closest known prefix
    assert src.line(("policies", 0, "filters", 1, "op", "x")) == 6
    assert src.line(("nothing",)) == 1


def test_anchors_and_merge_keys():
    src = loader.loads("vars:\n  base: &base\n    resource: ec2\n    filters: [{a: 1}]\n"
                       "policies:\n  - <<: *base\n    name: a\n", "p.yml")
    assert src.data["policies"][0] == {"resource": "ec2", "filters": [{"a": 1}], "name": "a"}
    assert src.line(("policies", 0, "name")) == 7


def test_duplicate_key_is_an_error_with_line():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies:\n  - name: a\n    name: b\n", "p.yml")
    assert str(e.value) == "p.yml:3: duplicate key 'name'"


def test_yaml_error_line():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies:\n  - name: a\n   resource: ec2\n", "p.yml")
    assert str(e.value).startswith("p.yml:3: invalid YAML: ")


def test_json_file_lines_with_tabs(tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{\n\t"policies": [\n\t\t{"name": "a\\/b",\n\t\t "resource": "ec2"}\n\t]\n}\n')
    src = loader.load(str(f))
    assert src.data == {"policies": [{"name": "a/b", "resource": "ec2"}]}
    assert src.line(("policies", 0, "resource")) == 4


def test_json_error_line(tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"policies": [\n  {"name": "a"\n  "resource": "ec2"}]}\n')
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(f))
    assert str(e.value) == f"{f}:3: invalid JSON: Expecting ',' delimiter (column 3)"


def test_empty_file_has_no_data(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("# nothing yet\n")
    assert loader.load(str(f)).data is None


def test_binary_file(tmp_path):
    f = tmp_path / "p.yml"
    f.write_bytes(b"\xff\xfe\x00policies")
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(f))
    assert str(e.value) == f"{f}:0: cannot read file: not UTF-8 text"
