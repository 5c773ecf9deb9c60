"""parse_listing: which fields a listing contributes, and the error each bad shape gets."""
from collections import OrderedDict

import pytest

from scanner.listing import InvalidListing, parse_listing


@pytest.mark.parametrize(
    "raw, fields",
    [
        ({"title": "耐克 运动鞋"}, [("title", "耐克 运动鞋")]),
        ({"title": "", "description": None}, []),
        (
            {"title": "t", "description": "d", "bullets": ["b0", "", "b2"], "attributes": {"颜色": "红", "size": 42, "w": 1.5}},
            [("title", "t"), ("description", "d"), ("bullets[0]", "b0"), ("bullets[2]", "b2"),
             ("attributes.颜色", "红"), ("attributes.size", "42"), ("attributes.w", "1.5")],
        ),
        (OrderedDict(title="from another mapping type"), [("title", "from another mapping type")]),
        ({"attributes": {"note": None}}, []),
    ],
)
def test_fields_in_order_with_empty_ones_left_out(raw, fields):
    assert list(parse_listing(raw).fields) == fields


def test_other_parts_are_carried():
    listing = parse_listing({"id": 7, "images": [{"data": "x"}], "seller": {"authorized_brands": ["Nike"]}, "locale": "zh-CN"})
    assert (listing.id, listing.images, listing.authorized_brands, listing.locale) == (7, ({"data": "x"},), ("Nike",), "zh-CN")
    assert parse_listing(listing) is listing
    empty = parse_listing({"seller": None, "images": None})
    assert (empty.images, empty.authorized_brands, empty.fields) == ((), (), ())


@pytest.mark.parametrize(
    "raw, code, words",
    [
        ("not a listing", "invalid_listing", "JSON object, got str"),
        (["a", "list"], "invalid_listing", "JSON object, got list"),
        ({"id": 1.5}, "invalid_listing", "'id'"),
        ({"id": True}, "invalid_listing", "'id' must be a string or an integer"),  # an int to Python, not to JSON
        ({"id": False}, "invalid_listing", "'id' must be a string or an integer"),
        ({"title": 42}, "invalid_listing", "'title' must be a string, got int"),
        ({"description": False}, "invalid_listing", "'description' must be a string, got bool"),
        ({"bullets": "one"}, "invalid_listing", "'bullets' must be a list"),
        ({"bullets": ["ok", 3]}, "invalid_listing", "'bullets[1]' must be a string"),
        ({"attributes": ["x"]}, "invalid_listing", "'attributes' must be an object"),
        ({"attributes": {"k": ["x"]}}, "invalid_listing", "'attributes.k' must be a string"),
        ({"attributes": {"k": True}}, "invalid_listing", "'attributes.k' must be a string, got bool"),
        ({"images": "x"}, "invalid_listing", "'images' must be a list"),
        ({"images": ["x"]}, "invalid_listing", "'images' must be a list"),
        ({"seller": "acme"}, "invalid_listing", "'seller' must be an object"),
        ({"seller": {"authorized_brands": "Nike"}}, "invalid_listing", "authorized_brands"),
        ({"seller": {"authorized_brands": [1]}}, "invalid_listing", "authorized_brands"),
        ({"locale": 5}, "invalid_listing", "'locale'"),
        ({"title": "x" * 11}, "field_too_long", "'title' has 11 characters; the limit is 10"),
        ({"bullets": ["x" * 11]}, "field_too_long", "'bullets[0]' has 11"),
        ({"bullets": ["高仿"] * 6}, "too_many_fields", "6 bullets and attributes; the limit is 5"),
        ({"bullets": ["a", "b"], "attributes": {str(i): "x" for i in range(4)}}, "too_many_fields", "has 6 bullets"),
        # red-team R07: every finding of a value carries its attribute's name, so a long name multiplied the result
        ({"attributes": {"规格" * 101: "x"}}, "invalid_listing", "an attribute's name has 202 characters; the limit is 200"),
    ],
)
def test_bad_shapes_get_a_clear_error_naming_the_field(raw, code, words):
    with pytest.raises(InvalidListing) as info:
        parse_listing(raw, max_field_chars=10, max_fields=5)
    assert info.value.code == code
    assert words in info.value.message


def test_an_attribute_name_at_the_limit_is_read():
    listing = parse_listing({"attributes": {"规" * 200: "高仿"}})
    assert listing.fields == (("attributes." + "规" * 200, "高仿"),)
