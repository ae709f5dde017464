"""Every example snippet of the seed's StreamingDataFrame and StreamingSeries API
reference (quixstreams.dataframe.dataframe / .series), run on the real sidecar
engine through `test()` / `compile()` with concrete values.

The snippets are copied as they are, except for their obvious typos:
`StreamingDataframe()` / `app.dataframe()` → `app.dataframe(topic)`,
`state.set("k") = v` → `state.set("k", v)`, `return v.upper()` → `return value.upper()`,
`sdf[["column_a"] & (...)]` → `sdf[sdf["column_a"] & (...)]` and
`.contains(filter_func)` → `.contains("NEEDLE")`. Snippets needing
`stateful=True` wait for state support; their stateless lines run separately.
"""

from __future__ import annotations

import pytest

from sidestream import Application, State
from sidestream.core.stream.functions import Filtered
from sidestream.exceptions import PipelineError
from sidestream.models import MessageContext



@pytest.fixture
def app(sidecar_address):
    return Application(consumer_group="snippets", sidecar_address=sidecar_address, loglevel=None)


@pytest.fixture
def sdf(app):
    return app.dataframe(app.topic("input"))


def produced(sdf):
    """(topic, key, value) of what the last dry run's to_topic steps produced."""
    output = sdf._dry_runner()._output
    return [(p.topic, p.key, p.value) for p in output.produced]


# -- quixstreams.dataframe.dataframe -----------------------------------------


def test_streaming_dataframe_class_snippet(sdf):
    def a_func(value):
        return {**value, "a_column_name": value["text"].lower()}

    sdf = sdf.apply(a_func)
    sdf["my_new_bool_field"] = sdf["a_column_name"].contains("a_str")

    assert sdf.test({"text": "Has A_STR"}) == {
        "text": "Has A_STR",
        "a_column_name": "has a_str",
        "my_new_bool_field": True,
    }
    assert sdf.test({"text": "nothing"})["my_new_bool_field"] is False


def test_apply_snippet(sdf):
    def func(d: dict, state: State):
        value = d["store_field"]
        if value != state.get("my_store_key"):
            state.set("my_store_key", value)
        return {k: v.upper() if isinstance(v, str) else v for k, v in d.items()}

    sdf = sdf.apply(func, stateful=True)
    sdf = sdf.apply(lambda d: {k: v for k, v in d.items() if isinstance(v, str)})
    assert sdf.test({"store_field": "s", "n": 1}) == {"store_field": "S"}


def test_apply_snippet_stateless_line(sdf):
    sdf = sdf.apply(lambda d: {k: v for k, v in d.items() if isinstance(v, str)})
    assert sdf.test({"store_field": "s", "n": 1, "t": "x"}) == {"store_field": "s", "t": "x"}


def test_update_snippet(sdf):
    def func(values: list, state: State):
        value = values[0]
        if value != state.get("my_store_key"):
            state.set("my_store_key", value)
        values.append("new_item")

    sdf = sdf.update(func, stateful=True)
    sdf = sdf.update(lambda value: print("Received value: ", value))
    assert sdf.test(["a"]) == ["a", "new_item"]


def test_update_snippet_stateless_line(sdf, capsys):
    sdf = sdf.update(lambda value: print("Received value: ", value))
    assert sdf.test(["a", 1]) == ["a", 1]
    assert "Received value:  ['a', 1]" in capsys.readouterr().out


def test_filter_snippet(sdf):
    def func(d: dict, state: State):
        value = d["my_value"]
        if value > state.get("my_store_key", 0):  # seed typo: no default
            state.set("my_store_key", value)
            return True
        return False

    sdf = sdf.filter(func, stateful=True)
    assert sdf.test({"my_value": 1}) == {"my_value": 1}


def test_contains_snippet(sdf):
    sdf["has_column"] = sdf.contains("column_x")

    assert sdf.test({"column_x": None}) == {"column_x": None, "has_column": True}
    assert sdf.test({"other": 1}) == {"other": 1, "has_column": False}


def test_to_topic_snippet(sidecar_address):
    app = Application(consumer_group="snippets", sidecar_address=sidecar_address, loglevel=None)
    input_topic = app.topic("input_x")
    output_topic_0 = app.topic("output_a")
    output_topic_1 = app.topic("output_b")

    sdf = app.dataframe(input_topic)
    sdf = sdf.to_topic(output_topic_0)
    sdf = sdf.to_topic(output_topic_1, key=lambda data: data["a_field"])

    ctx = MessageContext(b"original-key", "input_x", 0, 5, 20, None)
    # As in the seed, the key must suit the topic's key serializer (bytes by default): a str does not.
    with pytest.raises(PipelineError, match=r"to_topic-2.*bytes serializer"):
        sdf.test({"a_field": "k1"}, ctx)
    assert produced(sdf) == [("output_a", b"original-key", b'{"a_field":"k1"}')]

    output_topic_1 = app.topic("output_b2", key_serializer="string")
    sdf = app.dataframe(input_topic)
    sdf = sdf.to_topic(output_topic_0)
    sdf = sdf.to_topic(output_topic_1, key=lambda data: data["a_field"])
    assert sdf.test({"a_field": "k1"}, ctx) == {"a_field": "k1"}
    assert produced(sdf) == [
        ("output_a", b"original-key", b'{"a_field":"k1"}'),
        ("output_b2", b"k1", b'{"a_field":"k1"}'),
    ]


def test_compile_snippet(app):
    def apply_func(value):
        return {**value, "seen": True}

    def filter_func(value):
        return "my" in value

    sdf = app.dataframe(app.topic("input"))
    sdf = sdf.apply(apply_func)
    sdf = sdf.filter(filter_func)
    sdf = sdf.compile()

    result_0 = sdf({"my": "record"})
    assert result_0 == {"my": "record", "seen": True}
    with pytest.raises(Filtered):
        sdf({"other": "record"})


# -- quixstreams.dataframe.series --------------------------------------------


def test_streaming_series_class_snippet(sdf):
    def a_func(value):
        return value

    def diff_func(value, state: State):
        return value

    # Seed typo: `sdf = sdf["column_a"].apply(...)` would turn the dataframe into a
    # series, which the following lines then subscript; the column is meant.
    sdf["column_a"] = sdf["column_a"].apply(a_func).apply(diff_func, stateful=True)
    sdf["my_new_bool_field"] = sdf["column_b"].contains("this_string")
    sdf["new_sum_field"] = sdf["column_c"] + sdf["column_d"] + 2
    sdf = sdf[sdf["column_a"] & (sdf["new_sum_field"] >= 10)]

    value = {"column_a": True, "column_b": "is this_string here", "column_c": 3, "column_d": 5}
    assert sdf.test(value) == {**value, "my_new_bool_field": True, "new_sum_field": 10}


def test_streaming_series_class_snippet_stateless_lines(sdf):
    sdf["my_new_bool_field"] = sdf["column_b"].contains("this_string")
    sdf["new_sum_field"] = sdf["column_c"] + sdf["column_d"] + 2
    sdf = sdf[sdf["column_a"] & (sdf["new_sum_field"] >= 10)]

    value = {"column_a": True, "column_b": "is this_string here", "column_c": 3, "column_d": 5}
    assert sdf.test(value) == {**value, "my_new_bool_field": True, "new_sum_field": 10}
    with pytest.raises(Filtered):
        sdf.test({**value, "column_d": 4.5})  # 9.5 < 10
    with pytest.raises(Filtered):
        sdf.test({**value, "column_a": False})


def test_series_apply_snippet(sdf):
    def func(value: str, state: State):
        if value != state.get("my_store_key"):
            state.set("my_store_key", value)
        return value.upper()

    sdf["new_col"] = sdf["a_column"]["nested_dict_key"].apply(func, stateful=True)
    sdf["new_col_2"] = sdf["str_col"].apply(lambda v: int(v)) + sdf["str_col2"] + 2

    value = {"a_column": {"nested_dict_key": "abc"}, "str_col": "40", "str_col2": 0}
    assert sdf.test(value) == {**value, "new_col": "ABC", "new_col_2": 42}


def test_series_apply_snippet_stateless_line(sdf):
    sdf["new_col_2"] = sdf["str_col"].apply(lambda v: int(v)) + sdf["str_col2"] + 2

    assert sdf.test({"str_col": "40", "str_col2": 0}) == {"str_col": "40", "str_col2": 0, "new_col_2": 42}
    with pytest.raises(TypeError, match="unsupported operand type"):  # int + str, as in Python
        sdf.test({"str_col": "40", "str_col2": "0"})
    with pytest.raises(ValueError, match="invalid literal for int"):  # raised by the lambda itself
        sdf.test({"str_col": "forty", "str_col2": 0})


def test_series_compile_snippet(app):
    def apply_func(value):
        return {"column_b": value.upper()}

    sdf = app.dataframe(app.topic("input"))
    sdf = sdf["column_a"].apply(apply_func)
    sdf = sdf["column_b"].contains("NEEDLE")
    sdf = sdf.compile()

    with pytest.raises(KeyError, match="column_a"):  # the snippet's values have no column_a
        sdf({"my": "record"})
    assert sdf({"column_a": "a needle"}) is True
    assert sdf({"column_a": "a pin"}) is False


def test_isin_snippet(sdf):
    sdf["has_my_str"] = sdf["str_column"].isin(sdf["column_with_list_of_strs"])

    assert sdf.test({"str_column": "b", "column_with_list_of_strs": ["a", "b"]})["has_my_str"] is True
    assert sdf.test({"str_column": "c", "column_with_list_of_strs": ["a", "b"]})["has_my_str"] is False


def test_contains_series_snippet(sdf):
    sdf["has_my_substr"] = sdf["column_a"].contains("my_substring")

    assert sdf.test({"column_a": "xx my_substring yy"})["has_my_substr"] is True
    assert sdf.test({"column_a": "my substring"})["has_my_substr"] is False


def test_is_snippet(sdf):
    sdf["is_same"] = sdf["column_a"].is_(sdf["column_b"])

    assert sdf.test({"column_a": None, "column_b": None})["is_same"] is True
    assert sdf.test({"column_a": True, "column_b": True})["is_same"] is True
    assert sdf.test({"column_a": None, "column_b": False})["is_same"] is False


def test_isnot_snippet(sdf):
    sdf["is_not_same"] = sdf["column_a"].isnot(sdf["column_b"])

    assert sdf.test({"column_a": None, "column_b": None})["is_not_same"] is False
    assert sdf.test({"column_a": False, "column_b": True})["is_not_same"] is True


def test_isnull_snippet(sdf):
    sdf["is_null"] = sdf["column_a"].isnull()

    assert sdf.test({"column_a": None})["is_null"] is True
    assert sdf.test({"column_a": 0})["is_null"] is False


def test_notnull_snippet(sdf):
    sdf["is_not_null"] = sdf["column_a"].notnull()

    assert sdf.test({"column_a": None})["is_not_null"] is False
    assert sdf.test({"column_a": ""})["is_not_null"] is True


def test_abs_snippet(sdf):
    sdf["abs_col_sum"] = sdf["int_col"].abs() + sdf["other_int_col"]

    assert sdf.test({"int_col": -5, "other_int_col": 3}) == {"int_col": -5, "other_int_col": 3, "abs_col_sum": 8}
    assert sdf.test({"int_col": -2.5, "other_int_col": 1})["abs_col_sum"] == 3.5
