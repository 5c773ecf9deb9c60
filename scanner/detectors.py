"""Pattern detectors for off-platform contact: phone numbers, QQ/WeChat ids, URLs, e-mail.

They run on the caller's original text (so offsets need no mapping) with
patterns that tolerate the disguises sellers use in numbers: full-width digits
(`\\d` is Unicode-aware), and spaces, dashes, dots or zero-width characters
between digits.
"""
from __future__ import annotations

import re
import unicodedata

_GAP = r"[\s\-.*·_\u200b-\u200d\u2060\ufeff]{0,3}"
# Phone numbers written in Chinese numerals (壹叁捌 零零壹贰 …) are read as digits.
_CN_DIGITS = str.maketrans("零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸幺", "001234567891234567892361")
_DIGIT_RUN = re.compile(r"(?<!\d)(?:(?:[+＋]|plus\s?)?(?:8" + _GAP + r"6|８６)" + _GAP + r")?\d(?:" + _GAP + r"\d){10}(?!\d)", re.I)
_LANDLINE = re.compile(r"(?<![\d\w])0\d{2,3}[\s\-]{0,2}\d{3,4}[\s\-]{0,2}\d{4}(?!\d)")
_INTERNATIONAL = re.compile(r"(?<![\d\w])[+＋][1-9]\d{0,2}[\s\-]?\d(?:[\s\-]?\d){6,12}(?!\d)")
_QQ = re.compile(r"(?i)(?<![a-z])(?:qq|扣扣|企鹅)(?:号码|号)?\s*[:：]?\s*[1-9]\d{4,10}(?!\d)")
_WECHAT_ID = re.compile(
    r"(?i)(?:微信|威信|薇信|徽信|v信|vx|wx|weixin|wechat|(?<![a-z])v)(?:号|id)?\s*[:：]\s*([a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])"
)
_URL = re.compile(
    r"(?i)(?:https?://|www\.)[^\s<>\"'，。、；）)\]]+"
    r"|(?<![@\w.-])(?:[a-z0-9-]++\.)++(?:com|cn|net|org|io|me|co|shop|top|xyz|cc|tk|info|biz|app|link|ly|vip|club|site)"
    r"(?:/[^\s<>\"'，。、；）)\]]*)?(?![\w.])"
)
_QQ_HINT = re.compile(r"(?i)qq|扣扣|企鹅")
_WECHAT_HINT = re.compile(r"(?i)微信|威信|薇信|徽信|v信|vx|wx|weixin|wechat|v\s*[:：]")
_SEVEN_DIGITS = re.compile(r"(?:\d\D{0,3}){7}")
_EMAIL = re.compile(r"(?i)(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")

# Links written with spaces around their dots and slashes: t . me / shop, www . x . com
_SPACED_LINK_HINT = re.compile(r"\S\s+[./]\s*\S|\S[./]\s+\S")
_LINK_PUNCT = "./:@"

# (start, end, detector name, category, detail)
Hit = tuple[int, int, str, str, str]


def _digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in s if c.isdigit())


def detect(text: str) -> list[Hit]:
    if not text:
        return []
    hits: list[Hit] = []
    # Each pattern runs only when a cheap test says it could match: most copy has none.
    digits_text = text.translate(_CN_DIGITS)  # same length, so offsets carry over
    has_digits = _SEVEN_DIGITS.search(digits_text) is not None
    for m in (_DIGIT_RUN.finditer(digits_text) if has_digits else ()):
        digits = _digits(m.group())
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a mainland mobile number"))
    for m in (_INTERNATIONAL.finditer(text) if has_digits and ("+" in text or "＋" in text) else ()):
        if not any(h[0] <= m.start() < h[1] for h in hits):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "an international phone number"))
    for m in (_LANDLINE.finditer(text) if has_digits else ()):
        if not any(h[0] <= m.start() < h[1] for h in hits):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a landline number"))
    for m in (_QQ.finditer(text) if _QQ_HINT.search(text) else ()):
        hits.append((m.start(), m.end(), "qq_number", "diversion", "a QQ number"))
    for m in (_WECHAT_ID.finditer(text) if _WECHAT_HINT.search(text) else ()):
        hits.append((m.start(), m.end(), "wechat_id", "diversion", "a WeChat id"))
    for m in (_EMAIL.finditer(text) if "@" in text or "＠" in text else ()):
        hits.append((m.start(), m.end(), "email", "diversion", "an e-mail address"))
    for m in (_URL.finditer(text) if "." in text or "．" in text else ()):
        if not any(h[0] <= m.start() < h[1] for h in hits if h[2] == "email"):
            hits.append((m.start(), m.end(), "url", "diversion", "a link to another site"))
    if _SPACED_LINK_HINT.search(text):
        squeezed, where = _squeeze_link_spaces(text)
        for m in _URL.finditer(squeezed):
            start, end = where[m.start()], where[m.end() - 1] + 1
            if not any(h[0] < end and start < h[1] for h in hits):
                hits.append((start, end, "url", "diversion", "a link written with spaces"))
    return hits


def _squeeze_link_spaces(text: str) -> tuple[str, list[int]]:
    """Drop whitespace next to . / : @ and map each kept character to its original index."""
    keep: list[str] = []
    where: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            before = keep[-1] if keep else ""
            if before in _LINK_PUNCT or (j < n and text[j] in _LINK_PUNCT):
                continue
        keep.append(ch)
        where.append(i)
    return "".join(keep), where
