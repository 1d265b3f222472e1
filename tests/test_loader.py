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
    assert str(e.value) == f"{f}:1: not UTF-8 text (byte 0xff)"


def test_undecodable_byte_is_located(tmp_path):
    f = tmp_path / "p.yml"
    f.write_bytes(b"policies:\n  - name: caf\xe9\n")
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(f))
    assert str(e.value) == f"{f}:2: not UTF-8 text (byte 0xe9)"


@pytest.mark.parametrize("name", ["p.yml", "p.json"])
def test_byte_order_mark_is_accepted(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(b"\xef\xbb\xbf" + b'{"policies": []}')
    assert loader.load(str(f)).data == {"policies": []}


@pytest.mark.parametrize("make,message", [
    (lambda d: d / "nope.yml", "no such file"),
    (lambda d: d / "file.yml" / "p.yml", "no such file"),
    (lambda d: d, "is a directory, not a policy file"),
])
def test_unreadable_path_is_one_line_without_a_line_number(tmp_path, make, message):
    (tmp_path / "file.yml").write_text("policies: []\n")
    path = make(tmp_path)
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(path))
    assert str(e.value) == f"{path}: {message}"


def test_dangling_symlink(tmp_path):
    link = tmp_path / "p.yml"
    link.symlink_to(tmp_path / "gone.yml")
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(link))
    assert str(e.value) == f"{link}: no such file"


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_json_has_no_data(tmp_path, text):
    f = tmp_path / "p.json"
    f.write_text(text)
    assert loader.load(str(f)).data is None


def test_duplicate_key_in_json_with_line(tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"policies": [\n  {"name": "a",\n   "name": "b"}]}\n')
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(f))
    assert str(e.value) == f"{f}:3: duplicate key 'name'"


def test_second_document_says_so():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies: []\n---\nx: 1\n", "p.yml")
    assert str(e.value) == ("p.yml:2: invalid YAML: expected a single document in the stream, "
                            "but found another document")


def test_forbidden_character_is_one_line():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies:\n  - name: a\x00\n", "p.yml")
    assert str(e.value) == "p.yml:2: invalid YAML: control characters are not allowed"


def test_tab_indentation_hint():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies:\n\t- name: a\n", "p.yml")
    assert str(e.value) == ("p.yml:2: invalid YAML: found character that cannot start any token "
                            "(tabs are not allowed in YAML indentation; use spaces)")


def test_recursive_alias():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("policies:\n  - &x [*x]\n", "p.yml")
    assert str(e.value) == "p.yml:2: an alias refers to a value that contains it"


def test_alias_expansion_is_bounded(monkeypatch):
    monkeypatch.setattr(loader, "MAX_NODES", 50)
    text = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    with pytest.raises(loader.LoadError) as e:
        loader.loads(text, "p.yml")
    assert str(e.value).endswith(": more than 50 values once aliases are expanded")


def test_reused_anchor_is_not_recursion():
    assert loader.loads("x: &a {b: 1}\ny: *a\nz: [*a]\n").data == {
        "x": {"b": 1}, "y": {"b": 1}, "z": [{"b": 1}]}


def test_deep_nesting_is_one_line():
    with pytest.raises(loader.LoadError) as e:
        loader.loads("[" * 5000 + "]" * 5000, "p.yml")
    assert str(e.value).startswith("p.yml:1: ")


def test_permission_denied_is_one_line(tmp_path, monkeypatch):
    # the suite may run as root, for whom no mode bit denies a read: make open() refuse
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)
    monkeypatch.setattr(loader, "open", refuse, raising=False)
    with pytest.raises(loader.LoadError) as e:
        loader.load(str(tmp_path / "p.yml"))
    assert str(e.value) == f"{tmp_path / 'p.yml'}: cannot read file: permission denied"
