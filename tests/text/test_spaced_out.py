"""speech.spaced_out (compiled in scanner/text/_hints_c.pyx) against its definition, the spacing regex
(speech.spaced_out_python): a review's Chinese phrases are read a second time on the normalised text only where
it says so, so the two must agree everywhere."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.text import speech
from tests.support import review_fixture_texts

COMPILED = speech.spaced_out is not speech.spaced_out_python

pytestmark = pytest.mark.skipif(not COMPILED, reason="scanner.text._hints_c is not built")


@pytest.mark.parametrize("text, spaced", [
    ("加 微 信", True),                 # characters spaced out
    ("好*评*返*现", True),              # starred out
    ("shua 单", True),                  # pinyin glued by a blank
    ("V·信 联系", True),
    ("收到了，包装完好", False),         # Chinese punctuation is not spacing
    ("size. 老板人很好", False),         # after a letter, a full stop does not space out: English punctuation
    ("好. 评", True),                   # ...after a Chinese character it does
    ("fits true to size.", False),     # no Chinese at all
    ("好\u200b评", True),                # a zero-width space
    ("好🙂评", True),                    # an emoji between characters
    ("好 ", False),                     # a run with nothing after it
    (" 好", False),
    ("a - b", False),                   # letters either side: the regex wants a Chinese character on one side
    ("7 号", True),
    ("号 7", True),
    ("", False),
])
def test_the_table(text, spaced):
    assert speech.spaced_out_python(text) is spaced
    assert speech.spaced_out(text) is spaced


def _characters():
    """One of each kind the regex tells apart, and the edges of its ranges."""
    edges = [0x20, 0x2A, 0x2D, 0x2E, 0x2F, 0x5F, 0x7C, 0x7E, 0xB7, 0x2022, 0x200A, 0x200B, 0x200D, 0x200E, 0x2060,
             0xFEFF, 0x218F, 0x2190, 0x2BFF, 0x2C00, 0x1F2FF, 0x1F300, 0x1FAFF, 0x1FB00, 0x33FF, 0x3400, 0x4DBF,
             0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0x3000, 0x3001, 0x85, 0xA0, 0x1680, 0x2028, 0x09, 0x0D, 0x1C,
             0x1F, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0xFF10, 0xFF21, 0x0660]
    return [chr(c) for c in edges]


def test_every_pair_of_kinds_either_side_of_every_spacer():
    chars = _characters()
    for a in chars:
        for gap in chars:
            for b in chars:
                text = a + gap + b
                assert speech.spaced_out(text) is speech.spaced_out_python(text), [hex(ord(c)) for c in text]


def test_every_code_point_as_the_spacer():
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        text = "好" + chr(c) + "评"
        assert speech.spaced_out(text) is speech.spaced_out_python(text), hex(c)


def test_the_review_fixtures():
    texts = review_fixture_texts()
    for text in texts:
        assert speech.spaced_out(text) is speech.spaced_out_python(text), text
    assert len(texts) > 3000


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_characters() + ["好", "a", "7", " ", "*", "."]), max_size=12))
def test_generated_text(text):
    assert speech.spaced_out(text) is speech.spaced_out_python(text)
