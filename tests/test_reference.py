"""docs/reference.md is generated from the registries (make docs) and up to date."""
from cloudmaid.tools import reference


def test_reference_is_up_to_date():
    assert reference.main(["--check"]) == 0, "run make docs"


def test_reference_names_every_type_and_generic_element():
    from cloudmaid.resources import catalog
    text = reference.render()
    for name in catalog.CATALOG:
        assert f"\n### {name}\n" in text
    for name in ("`notify`", "`offhour`", "`metrics`", "`webhook`", "`cross-account`"):
        assert name in text
