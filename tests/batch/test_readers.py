"""Readers: CSV records to listings, one JSONL item per physical line, gzip input."""
from __future__ import annotations

import io
import json

import pytest
from batch_helpers import FAKE, comparable, opts, read_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.batch import BatchOptions, run_batch, state_path_for
from scanner.batch.rows import ERROR, LISTING


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


# Stray quotes (red-team R06): a quote that opens a field and never closes properly made csv read every following
# line into that field, so 1,002 rows in gave 3 rows out. Now the row where the quote opens is one invalid_csv error
# row and every physical line after it is read again as a row. Each case: the CSV lines (CRLF), then what each
# record becomes, (first physical line, id, title) for a listing or (line, id, "!code") for an error row.
STRAY_QUOTES = {
    "stray quote, never closed: one error row, the rows after it each read": (
        ["id,title", "r1,普通T恤", 'r2,"oops a stray quote', "r3,高仿耐克 运动鞋", "r4,保温杯", "r_last,全网最好"],
        [(2, "r1", "普通T恤"), (3, "r2", "!invalid_csv"), (4, "r3", "高仿耐克 运动鞋"), (5, "r4", "保温杯"),
         (6, "r_last", "全网最好")]),
    "stray quote closed by a later row's quoted field in mid-field": (
        ["id,title,description", 'r1,"高仿 耐克 运动鞋,正品', "r2,保温杯,不锈钢", 'r3,"Nike 跑鞋",透气', "r4,马克杯,"],
        [(2, "r1", "!invalid_csv"), (3, "r2", "保温杯"), (4, "r3", "Nike 跑鞋"), (5, "r4", "马克杯")]),
    "stray quote closed by a later row's quote that ends a field (24\"): the rows it swallowed read again": (
        ["id,title,description", 'r1,"高仿 耐克 运动鞋,正品', "r2,保温杯,不锈钢", 'r3,显示器 24",IPS', "r4,马克杯,"],
        [(2, "r1", "!invalid_csv"), (3, "r2", "保温杯"), (4, "r3", '显示器 24"'), (5, "r4", "马克杯")]),
    "stray quote closed by the very next row's 24\" at its line's end": (
        ["id,title", 'SKU-000121,"oops 全网最低', 'SKU-000122,Monitor 24"', "SKU-000123,保温杯"],
        [(2, "SKU-000121", "!invalid_csv"), (3, "SKU-000122", 'Monitor 24"'), (4, "SKU-000123", "保温杯")]),
    "a stray quote among ASINs, closed by a later row's 24\": the rows it swallowed read again": (
        ["id,title,description", 'B07XJ8C8F5,"oops 全网最低,正品', "B08N5WRWNW,保温杯,不锈钢",
         'B09G9FPHY6,Monitor 24",IPS', "B0BSHF7WHW,马克杯,"],
        [(2, "B07XJ8C8F5", "!invalid_csv"), (3, "B08N5WRWNW", "保温杯"), (4, "B09G9FPHY6", 'Monitor 24"'),
         (5, "B0BSHF7WHW", "马克杯")]),
    "a stray quote among UUIDs": (
        ["id,title", '3f2c8a1e-9b4d-4c2a-8e7f-1a2b3c4d5e6f,"oops', "7d9e0b2c-1f3a-4e5b-9c8d-2b3c4d5e6f70,保温杯",
         '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d,Monitor 24"'],
        [(2, "3f2c8a1e-9b4d-4c2a-8e7f-1a2b3c4d5e6f", "!invalid_csv"),
         (3, "7d9e0b2c-1f3a-4e5b-9c8d-2b3c4d5e6f70", "保温杯"),
         (4, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 'Monitor 24"')]),
    "model numbers inside a field under ASINs: one row (another length, case or first letter)": (
        ["id,title,description", 'B07XJ8C8F5,手机壳,"适用型号,说明', "SM-G991B,Galaxy S21,5G", "A2403BX7Z,iPhone 12,黑",
         "mpn4a1b2c3,备用,无", "b07xj8c8f5,小写,无", 'C07XJ8C8F5,旧款,停产"', "B08N5WRWNW,保温杯,不锈钢"],
        [(2, "B07XJ8C8F5", "手机壳"), (8, "B08N5WRWNW", "保温杯")]),
    "a spec line inside a field under numbered SKU ids: one row (LED-12000W has the dashes, not the number)": (
        ["id,title,description", 'SKU-000121,灯带,"规格:', "LED-12000W,220V,IP65", '防水等级高"', "SKU-000122,灯泡,E27"],
        [(2, "SKU-000121", "灯带"), (5, "SKU-000122", "灯泡")]),
    "a quoted field whose lines are specs with commas is one row (no line of it has an id's shape)": (
        ["id,title,description", 'c1,蓝牙耳机,"规格:', "颜色,黑色,白色", "Colour: black, white", '续航,24小时"',
         "c2,键盘,机械"],
        [(2, "c1", "蓝牙耳机"), (6, "c2", "键盘")]),
    "numeric ids and a price line with the header's count of commas inside a field: one row (not an id's length)": (
        ["id,title,description", '100231,空气净化器,"到手价', "1,299,元起", '送滤网"', "100232,加湿器,静音"],
        [(2, "100231", "空气净化器"), (5, "100232", "加湿器")]),
    "a size chart inside a field under four-digit ids: one row (165 is no neighbour of 1001)": (
        ["id,title,description", '1001,T恤,"尺码表(身高,胸围,衣长):', "165,88,60", "170,92,62", '175,96,64"', "1002,卫衣,加绒"],
        [(2, "1001", "T恤"), (6, "1002", "卫衣")]),
    "a size chart under two-digit ids: one row (no number is a neighbour of the ids 1-99)": (
        ["id,title,description", '12,T恤,"尺码表(身高,胸围,衣长):', "165,88,60", '170,92,62"', "13,卫衣,加绒"],
        [(2, "12", "T恤"), (5, "13", "卫衣")]),
    "a size chart under three-digit ids, one more digit: one row (one more only after 999)": (
        ["id,title,description", '107,T恤,"尺码表:', "1000,88,60", '备注"', "108,卫衣,加绒"],
        [(2, "107", "T恤"), (5, "108", "卫衣")]),
    "sizes inside a field under SKU ids: one row (XL34 has other letters than AB12)": (
        ["id,title,description", 'AB12,外套,"尺码:', "XL34,黑,XL", '备注"', "AB13,裤子,黑"],
        [(2, "AB12", "外套"), (5, "AB13", "裤子")]),
    "a stray quote before r9, closed by r10's 24\"": (
        ["id,title", 'r9,"oops', 'r10,Monitor 24"', "r11,保温杯"],
        [(2, "r9", "!invalid_csv"), (3, "r10", 'Monitor 24"'), (4, "r11", "保温杯")]),
    "a quoted field over two lines is valid CSV: one row": (
        ["id,title,description", 'c1,高仿耐克 运动鞋,"两行', '描述"', "c2,耐克 跑鞋,正品"],
        [(2, "c1", "高仿耐克 运动鞋"), (4, "c2", "耐克 跑鞋")]),
    "a quoted field with a doubled quote over three lines: one row": (
        ["id,title,description", 'c1,"显示器 ""27寸""', "高清", '护眼",IPS', "c2,键盘,机械"],
        [(2, "c1", '显示器 "27寸"\r\n高清\r\n护眼'), (5, "c2", "键盘")]),
    "stray quote on the last row": (
        ["id,title", "r1,普通T恤", 'r_last,"全网最好 正品'],
        [(2, "r1", "普通T恤"), (3, "r_last", "!invalid_csv")]),
    "stray quote in the id column: no id to echo": (
        ["id,title", '"r1,普通T恤', "r2,保温杯"],
        [(2, None, "!invalid_csv"), (3, "r2", "保温杯")]),
    "a quote inside an unquoted field is a literal": (
        ["id,title", "r1,普通T恤", 'r3,5" screen 显示器', "r4,保温杯"],
        [(2, "r1", "普通T恤"), (3, "r3", '5" screen 显示器'), (4, "r4", "保温杯")]),
}


@pytest.mark.parametrize("lines,expected", STRAY_QUOTES.values(), ids=STRAY_QUOTES.keys())
@pytest.mark.parametrize("newline_at_end", [True, False])
def test_a_stray_quote_costs_one_error_row(tmp_path, lines, expected, newline_at_end):
    from scanner.batch.readers import iter_rows

    cat = tmp_path / "listings.csv"
    cat.write_bytes(("\r\n".join(lines) + ("\r\n" if newline_at_end else "")).encode("utf-8"))
    got = []
    for line, kind, payload in iter_rows(cat, "csv"):
        if kind == ERROR:
            code, message, *listing_id = payload
            assert message.startswith(f"line {line}: "), message
            got.append((line, listing_id[0] if listing_id else None, "!" + code))
        else:
            got.append((line, payload.get("id"), payload.get("title")))
    assert got == expected


def test_a_stray_quote_past_the_field_limit_or_in_the_header(tmp_path):
    """A runaway field that outgrows --max-line-bytes is the same stray quote; one in the header ends the run."""
    from scanner.batch.readers import iter_rows
    from scanner.batch.spec import BatchError

    cat = tmp_path / "listings.csv"
    cat.write_text("id,title\r\nr1,\"高仿耐克 运动鞋\r\n" + "".join(f"r{i},保温杯 {i}\r\n" for i in range(2, 12)),
                   encoding="utf-8")
    got = list(iter_rows(cat, "csv", max_line_bytes=64))
    assert [(line, kind) for line, kind, _ in got] == [(2, ERROR)] + [(n, LISTING) for n in range(3, 13)]
    assert got[0][2][0] == "invalid_csv" and "field limit" in got[0][2][1] and got[0][2][2] == "r1"

    cat.write_text('id,"title\r\nr1,高仿耐克 运动鞋\r\nr2,保温杯\r\n', encoding="utf-8")
    with pytest.raises(BatchError, match="CSV header: a quote on line 1 is not closed"):
        list(iter_rows(cat, "csv"))


def test_a_stray_quote_in_a_large_file_loses_no_row_and_resume_agrees(tmp_path):
    """The red-team file: a stray quote on line 3, then more rows than a record may span, in a TSV too."""
    lines = ["id\ttitle", "r1\t普通T恤", 'r2\t"oops a stray quote'] + [f"bad{i}\t高仿耐克 运动鞋" for i in range(1_500)]
    cat = tmp_path / "listings.tsv"
    cat.write_text("\r\n".join(lines + ["r_last\t全网最好"]) + "\r\n", encoding="utf-8")
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    summary = run_batch(cat, full, FAKE, opts(chunk_size=100))
    rows = read_rows(full)
    assert [r["line"] for r in rows] == list(range(2, len(lines) + 2))  # every physical line after the header
    assert summary["rows"] == len(lines) and summary["errors"] == {"invalid_csv": 1}
    assert rows[1]["id"] == "r2" and rows[1]["error"]["code"] == "invalid_csv"
    assert "line 3: a quote" in rows[1]["error"]["message"]
    assert [r["decision"] for r in rows[2:-1]] == ["block"] * 1_500 and rows[-1]["id"] == "r_last"

    run_batch(cat, partial, FAKE, opts(chunk_size=100))
    data = partial.read_bytes()
    partial.write_bytes(data[:data.index(b"\n", len(data) // 2) + 5])  # killed mid-write, halfway
    state = json.loads(state_path_for(partial).read_text(encoding="utf-8"))
    state_path_for(partial).write_text(json.dumps({**state, "complete": False}), encoding="utf-8")
    summary = run_batch(cat, partial, FAKE, BatchOptions(resume=True, workers=2, chunk_size=100, progress="none"))
    assert 0 < summary["resumed_from"] < len(rows)
    assert [comparable(r) for r in read_rows(partial)] == [comparable(r) for r in rows]


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
