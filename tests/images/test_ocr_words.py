"""Where OCR glued English words together, the spaces go back (scanner/images/ocr_words.py, issue #16).

Each case: a text as OCR might read it, and the text the engine should scan. Listed words (the bundled lists'
keys) are never cut; runs that are a word, a name the dictionary does not know, or a code stay as read.
"""
from __future__ import annotations

import pytest

from scanner.images import ocr, ocr_words

pytest.importorskip("symspellpy")

PARTED = [
    # glued by OCR: the words a reviewer would read
    ("RolexSubmariner", "Rolex Submariner"),
    ("AAAreplica", "AAA replica"),                       # the listed grade word stays whole
    ("WhatsAppreplica watches", "WhatsApp replica watches"),  # never "Whats App"
    ("Leavea5-starreview", "Leave a5-star review"),      # digits and hyphens end a run; each side is parted alone
    ("cureseczema naturally", "cures eczema naturally"),
    ("DMforprice", "DM for price"),
    ("Contactusforbulkorders", "Contact us for bulk orders"),
    ("LOWESTPRICEEVER", "LOWESTPRICE EVER"),                # "lowest price" is listed: its glued key stays whole
    ("正品 RolexSubmariner 116610", "正品 Rolex Submariner 116610"),
    ("Handwashonly, dryflat", "Hand wash only, dry flat"),
    # kept as read: a word, a listed name, something not made of known words, a code, too short to be glued
    ("WhatsApp", "WhatsApp"),
    ("Hublot", "Hublot"),                                # listed keys fold l into i: still a listed word
    ("Louboutinheels", "Louboutin heels"),
    ("PayPal", "PayPal"),
    ("iPhone 15 Pro", "iPhone 15 Pro"),
    ("Hypoallergenic", "Hypoallergenic"),
    ("Therapist", "Therapist"),
    ("Scunthorpe", "Scunthorpe"),
    ("XR7S2024", "XR7S2024"),
    ("Nike Air", "Nike Air"),
    ("高仿手表 微信同款", "高仿手表 微信同款"),
]


def spaced(text: str, breaks: tuple[int, ...]) -> str:
    for at in reversed(breaks):
        text = text[:at] + " " + text[at:]
    return text


@pytest.mark.parametrize("read, expected", PARTED, ids=[c[0] for c in PARTED])
def test_glued_words_are_parted_and_listed_words_kept(text_engine, read, expected):
    breaks = ocr_words.breaks(read, text_engine.matcher.is_listed_word)
    assert list(breaks) == sorted(set(breaks))
    assert spaced(read, breaks) == expected


def test_the_word_list_is_part_of_the_version():
    assert ocr_words.version().startswith("symspellpy ")
    assert "sha256:" in ocr_words.version()


def test_offsets_in_the_scanned_text_map_back_to_the_text_as_read(text_engine):
    lines = ["Genuine AAAreplica", "RolexSubmariner 116610"]
    read = ocr.ImageText.of("images[0]", [ocr.OcrLine(t, (0, 0, 10, 10), 0.9, (0, 0, 10, 0, 10, 10, 0, 10)) for t in lines])
    read = read._replace(breaks=ocr_words.breaks(read.text, text_engine.matcher.is_listed_word))
    assert read.scanned == "Genuine AAA replica Rolex Submariner 116610"
    for word in ("replica", "Rolex", "Submariner", "AAA", "116610", "Genuine"):
        at = read.scanned.index(word)
        start, end = read.read_offset(at), read.read_offset(at + len(word))
        assert read.text[start:end] == word
    # every character of the text as read keeps its place in order; only the added spaces are new
    kept = [read.read_offset(i) for i in range(len(read.scanned) + 1)]
    assert kept == sorted(kept) and kept[0] == 0 and kept[-1] == len(read.text)
