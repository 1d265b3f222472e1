"""cloudmaid.record: the frozen records the declarations use instead of dataclasses."""
import pytest

from cloudmaid.record import Factory, record


@record
class Row:
    name: str
    size: int = 1
    extra: dict = Factory(dict)

    @property
    def double(self):
        return self.size * 2


def test_construction_defaults_and_properties():
    assert Row("a") == Row(name="a", size=1, extra={})
    assert Row("a", 3).double == 6
    assert Row("a").extra is not Row("a").extra   # built per instance


def test_bad_arguments_fail_as_a_dataclass_would():
    with pytest.raises(TypeError, match="missing required argument: 'name'"):
        Row()
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Row("a", colour="red")
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        Row("a", name="b")
    with pytest.raises(TypeError, match="takes 3 arguments"):
        Row("a", 1, {}, 4)


def test_frozen_replace_eq_hash_repr():
    row = Row("a", 2)
    with pytest.raises(AttributeError, match="frozen"):
        row.size = 3
    with pytest.raises(AttributeError, match="frozen"):
        del row.size
    other = row.replace(size=5)
    assert (row.size, other.size, other.name) == (2, 5, "a")
    assert row != other and row == Row("a", 2)
    assert repr(row) == "Row(name='a', size=2, extra={})"

    @record
    class Key:
        a: str
        b: int = 0
    assert len({Key("x"), Key("x", 0), Key("y")}) == 2


def test_required_field_after_a_default_is_refused():
    with pytest.raises(TypeError, match="'b' without a default follows one with"):
        @record
        class Bad:
            a: int = 0
            b: int
