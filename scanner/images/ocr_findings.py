"""Text findings made in an image's recognised text -> `image_text` findings (issue #16 contract).

The text engine scans each OCR'd image as one more field, `images[i]`, with the copy (so listing rules
such as a brand in the title with 高仿 in a photo see both). Its findings there keep category, start/end
(into that image's recognised text, carried in the result's `image_text`), text, term and reasons, and
gain `kind: "image_text"`, the `box` the span was read from (original image pixels) and `ocr_confidence`.
"""
from __future__ import annotations

from typing import Sequence

from scanner.results import Finding


def as_image_text(findings: Sequence[Finding], image_texts: Sequence) -> list[Finding]:
    by_field = {t.field: t for t in image_texts}
    out = []
    for f in findings:
        read = by_field.get(f.field)
        if read is not None and f.kind == "text" and f.start is not None:
            # the engine read ImageText.scanned (lines joined by spaces, glued words parted); the finding's offsets
            # and quote are the text as read
            start, end = read.read_offset(f.start), read.read_offset(f.end)
            box, confidence = read.span_box(start, end)
            # (a personal-data finding keeps the engine's masked quote: the value read must not be shown)
            quote = f.text if f.category == "personal_data" else read.text[start:end]
            f = f._replace(kind="image_text", start=start, end=end, text=quote, box=tuple(box), ocr_confidence=confidence)
        out.append(f)
    return out
