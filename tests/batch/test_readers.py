"""Readers: CSV records to listings, one JSONL item per physical line, gzip input."""
from __future__ import annotations

import io

from batch_helpers import FAKE, comparable, opts, read_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.batch import run_batch


def test_csv_input(tmp_path):
    cat = tmp_path / "listings.csv"
    cat.write_text(
        "id,title,description,image,authorized_brands\n"
        "c1,高仿耐克 运动鞋,\"两行\n描述\",fixtures/images/a.jpg|https://cdn.example/x.jpg,\n"
        "c2,耐克 跑鞋,正品,,Nike|Adidas\n"
        "c3,too,many,fields,here,extra\n"
        "c4,保温杯,,,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(cat, out, FAKE, opts())
    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["c1", "c2", "c3", "c4"]  # a record with too many fields still names its id
    assert [r["line"] for r in rows] == [2, 4, 5, 6]  # c1 spans lines 2-3
    assert rows[0]["decision"] == "block" and rows[2]["error"]["code"] == "invalid_csv"

    from scanner.batch.readers import csv_row_to_listing
    listing = csv_row_to_listing({"id": "c1", "image": "a.jpg|https://cdn.example/x.jpg", "bullets": "a|b",
                                  "authorized_brands": "Nike"})
    assert listing["images"] == [{"path": "a.jpg"}, {"url": "https://cdn.example/x.jpg"}]
    assert listing["bullets"] == ["a", "b"] and listing["seller"] == {"authorized_brands": ["Nike"]}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30), st.booleans())
def test_reader_yields_exactly_one_item_per_physical_line(lines, trailing_newline):
    from scanner.batch.readers import iter_jsonl

    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    items = list(iter_jsonl(io.BytesIO(data), max_line_bytes=16))
    expected = len(lines) if data else 0
    if lines and not trailing_newline and lines[-1] == b"" and len(lines) >= 1:
        expected = len(lines) - 1  # "a\n" + "" : the empty tail after the last newline is not a line
    assert [i[0] for i in items] == list(range(1, expected + 1))
    for (line_no, kind, payload), original in zip(items, lines):
        if len(original) > 16:
            assert payload[0] == "line_too_long"
        else:
            assert payload == original.removesuffix(b"\r")


def test_gzip_input(make_catalogue, tmp_path):
    import gzip

    cat = make_catalogue(300, bad_rate=0.05)
    gz = tmp_path / "catalogue.jsonl.gz"
    gz.write_bytes(gzip.compress(cat.read_bytes()))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_batch(cat, a, FAKE, opts())
    run_batch(gz, b, FAKE, opts())
    assert [comparable(r) for r in read_rows(a)] == [comparable(r) for r in read_rows(b)]
