"""speech.clause_ends (compiled in scanner/text/_hints_c.pyx) against its definition, the clause-end regex
(speech.clause_ends_python): a review's reports are judged within their clause (denied, doubted, asked about), so
the two must agree on every character."""

import pytest

from scanner.text import speech
from tests.support import review_fixture_texts

COMPILED = speech.clause_ends is not speech.clause_ends_python


@pytest.mark.parametrize("text, ends", [
    ("收到了，包装完好。", [3, 8]),
    ("不是假货!真的?", [4, 7]),
    ("Fits well. Not a fake, I think; 好！", [9, 21, 30, 33]),
    ("第一行\n第二行；完", [3, 7]),
    ("1.5 kg, 2,000 件", [1, 6, 9]),      # every full stop and comma, digits or not (clause_model splits otherwise)
    ("、：“”——……", []),                 # pauses, colons, quotes and dashes end no clause
    ("", []),
])
def test_the_table(text, ends):
    assert speech.clause_ends_python(text) == ends
    assert speech.clause_ends(text) == ends


@pytest.mark.skipif(not COMPILED, reason="scanner.text._hints_c is not built")
def test_every_code_point():
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        text = "好" + chr(c) + "a"
        assert speech.clause_ends(text) == speech.clause_ends_python(text), hex(c)


@pytest.mark.skipif(not COMPILED, reason="scanner.text._hints_c is not built")
def test_the_review_fixtures():
    texts = review_fixture_texts()
    for text in texts:
        assert speech.clause_ends(text) == speech.clause_ends_python(text), text
    assert len(texts) > 3000
