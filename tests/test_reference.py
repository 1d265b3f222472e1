"""docs/reference.md is generated from the registries (make docs) and up to date."""
from cloudmaid.tools import reference


def test_reference_is_up_to_date():
    """In a fresh interpreter: tests register elements of their own in this one."""
    import subprocess
    import sys
    import pathlib
    done = subprocess.run([sys.executable, "-m", "cloudmaid.tools.reference", "--check"],
                          capture_output=True, text=True, cwd=pathlib.Path(__file__).parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_reference_names_every_type_and_generic_element():
    from cloudmaid.resources import catalog
    text = reference.render()
    for name in catalog.CATALOG:
        assert f"\n### {name}\n" in text
    for name in ("`notify`", "`offhour`", "`metrics`", "`webhook`", "`cross-account`"):
        assert name in text


def test_readme_lists_every_type_once():
    import pathlib
    import re

    from cloudmaid.resources import catalog
    text = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    block = text.split("<!-- types:", 1)[1].split("<!-- /types -->", 1)[0]
    listed = re.findall(r"^\s*-[^\n]*|^\s+[^\n]*", block, re.M)
    names = [n for line in listed for n in re.findall(r"`([a-z0-9-]+)`", line)
             if n != "network-addr"]
    assert sorted(names) == sorted(catalog.CATALOG)
