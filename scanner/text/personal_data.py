"""Personal-data recognisers (issue #20 item 2): resident IDs, bank cards, passports, and a
buyer's name + phone + address posted together. Category `personal_data`.

Each recogniser is a shape (a regex) plus validation and context, as Presidio's are: a shape
alone fires on order numbers, tracking numbers and barcodes of the same length, so
- a resident ID needs its ISO 7064 MOD 11-2 check character, a province code and a real birth
  date (GB 11643-1999); the old 15-digit ID, which has no check digit, needs a context word;
- a bank card needs the Luhn check and a known issuer prefix for its length (UnionPay, Visa,
  Mastercard, Amex, JCB); 13-digit Visa and ungrouped 15-digit Amex numbers, which collide
  with EAN-13 barcodes and IMEIs, need a card context word;
- a passport is a Chinese `E`/`G` number, or any passport-shaped code after 护照/passport;
- an order, tracking, barcode, IMEI or model cue just before a number vetoes it;
- a number that fails only its check (an ID whose province and birth date are real, a card with a
  known issuer prefix) still counts right after its own context word (身份证 …, 卡号 …, card …):
  a listing that labels a number as someone's ID or card exposes it whether or not it was mistyped;
- a US Social Security number (AAA-GG-SSSS, area not 000/666/9xx, group not 00, serial not 0000)
  needs an SSN word before it (SSN, social security).
- a name + phone + address block needs two of its parts within BLOCK_GAP of each other: a name
  after a buyer's cue, or (#15, tune9) a Chinese name right before a mobile number or an English
  name right before a number or a street; a phone; a Chinese address down to its road or block
  number, or a US street address (number, street words, suffix, optionally unit and City, ST ZIP);
  the last digits of an ID after 身份证后六位. A shop's own address (本店, our showroom) is none.
- the holder's name after a holder's word (持卡人, 实名人, registered to, license of) beside an identifier found
  above (#15, holdout35); alone a name is none.
- a phone number said to be another person's: a third party's word before it in its sentence (房东, 邻居, 室友, 原机主,
  她的电话, her number, my ex's), or right after an identifier found above (#15, forty-second session); a seller's own
  number (a first-person word after the cue, a business's person nearby, 房东直租) stays `diversion`.

Hits have the detectors' shape; `mask` gives each a same-length masked text, so a finding's
`text` and the masked copy of a field never hold the value while offsets still slice the
caller's original. Every pattern is linear (tests/text/test_linear_time.py measures them).
"""
from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from datetime import date
from typing import NamedTuple

from scanner.speakers import CONTACT_TERMS

CATEGORY = "personal_data"
# (start, end, detector name, category, detail): the shape of scanner/text/detectors.Hit
Hit = tuple[int, int, str, str, str]

# what may stand between the digit groups of an ID or a card number; a dot too (1101.0819.8502.2778.26: #20, tunerev15)
# ... and a keycap's marks after a digit (6️⃣2️⃣2️⃣… : U+FE0F, U+20E3; #20, tunerev17) stand between two digits as a separator
_SEP = r"(?:[ \-.\u3000－]|\ufe0f?\u20e3)"
# Digits as typed on a Chinese keyboard may be full-width (１１０１０５…); they are read as digits.
_D, _NOT_ALNUM = "[0-9０-９]", "(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_ID18 = re.compile(_NOT_ALNUM + _D + "(?:" + _SEP + "?" + _D + "){16}" + _SEP + "?[0-9０-９XxＸｘ](?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])")
_ID15 = re.compile(_NOT_ALNUM + _D + "(?:" + _SEP + "?" + _D + "){14}(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])")
_CARD = re.compile(_NOT_ALNUM + _D + "(?:" + _SEP + "?" + _D + "){12,18}(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])")
_SEP_CHARS = str.maketrans("", "", " -.\u3000－\ufe0f\u20e3")
_SSN = re.compile(r"(?<![0-9A-Za-z])([0-8][0-9]{2})[- ]([0-9]{2})[- ]([0-9]{4})(?![0-9A-Za-z])")
# ("my social is …": the number's everyday name, #20, pd19)
_SSN_CUE = re.compile(r"(?<![a-z])(?:ssn|ss#|social security(?: number| no)?|(?:my|his|her|their) social(?! media))(?![a-z])", re.I)
# The SSN word may stand a clause back ("SSN on the customs slip??? they wrote 531-72-4486": #20, tunerev17): the
# shape's own rules (area, group, serial) already leave out most other numbers of its shape.
SSN_CUE_WINDOW = 64  # (… SSN is needed for the warranty form apparently?? It's 541-…: #20, pd19)
# Digits written as Chinese numerals (身份证号三三零一零六一九九九…: #20, tunerev15) are read one for one, so a run long
# enough for an ID or a card is checked like typed digits; offsets stay those of the text.
_HANZI_DIGITS = str.maketrans("零〇一二三四五六七八九", "00123456789")
_HANZI_DIGIT_RUN = re.compile("[零〇一二三四五六七八九]{13,}")
# ... and an ID or a card disguised otherwise, read one for one too: an emoji between its groups (6228🔸4800🔸…) is a
# blank, a letter O beside a digit (42O111 2OO111…) a zero, as detectors.py reads phone numbers
# (a run of O is taken whole from its first letter: retried from each of its letters, "ooo…" would cost its square)
_DIGIT_DISGUISE = re.compile(r"(?<=[0-9])[\u2190-\u2bff\U0001F300-\U0001FAFF](?=[0-9])|(?<=[0-9])[Oo]+|(?<![Oo])[Oo]+(?=[0-9])")
# A Hong Kong identity card number: one or two letters, six digits and a check character (mod 11 over the letters as
# 10..35, a missing first letter as 36), usually with the check in brackets: K539281(0).
_HKID = re.compile(r"(?<![0-9A-Za-z])([A-Z]{1,2})([0-9]{6})(?:[(（]([0-9A])[)）]| ?[(（]([0-9A])[)）]|([0-9A]))(?![0-9A-Za-z])")
_HKID_CUE = re.compile(r"hkid|身份证|身份證|(?<![a-z])(?:id card|identity card|id no|id number)(?![a-z])", re.I)
# Other countries' identity numbers, each by its shape, its validation and a word before it (#20, tunerev17; as
# Presidio's recognisers for them): a driving licence number (letters and digits, at least six digits) after its word;
# a Malaysian identity card (YYMMDD-PB-NNNN, a real birth date) after IC/NRIC/MyKad or with its dashes and a state code
# of the list; an Indian Aadhaar number (12 digits, Verhoeff) after its word.
# (a bare "License No." is a shop's or a food producer's licence: only the driving word or DL says whose it is)
_DL_CUE = re.compile(r"(?<![a-z])(?:driver['’]?s?|driving)[ \t]+licen[cs]e|(?<![a-z])dl[ \t]?(?:#|no\.?|number)", re.I)
_DL = re.compile(r"(?<![0-9A-Za-z])[A-Z]{0,2}[0-9](?:-?[0-9A-Z]){5,15}(?![0-9A-Za-z])")
DL_MIN_DIGITS = 6
# ... or right after a bare DL when the driving word stands a clause back (driver license of Michael R. Dunn, DL D5510-…:
# the holder's name between them, #15 holdout35)
_DL_SHORT = re.compile(r"(?<![A-Za-z])DL[ \t]*+[:#]?+[ \t]*+$")
DL_WORD_WINDOW = 64
_MY_IC = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})(-?)([0-9]{2})(-?)([0-9]{4})(?![0-9A-Za-z])")
_MY_IC_CUE = re.compile(r"(?<![a-z])(?:nric|mykad|i/c|ic(?: no\.?| number)?|kad pengenalan|identity card)(?![a-z])|身份证|大马身份证", re.I)
# state codes of birth (01-16), and of birth abroad by region (21-59 more states, 60-68, 71-72, 74-79, 82-93, 98-99)
_MY_STATES = frozenset(range(1, 17)) | frozenset(range(21, 60)) | frozenset(range(60, 69)) | {71, 72} | frozenset(
    range(74, 80)) | frozenset(range(82, 94)) | {98, 99}
_AADHAAR = re.compile(r"(?<![0-9])[2-9][0-9]{3}[ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9])")
_AADHAAR_CUE = re.compile(r"(?<![a-z])(?:aadhaa?r|uidai|uid)(?![a-z])", re.I)
ID_CUE_WINDOW = 24
_VERHOEFF_D = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
               (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
               (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
               (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_VERHOEFF_P = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
               (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
               (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))
# An identifier typed one character at a time (4 4 0 3 0 5 - 1 9 8 8 …, E 8 8 2 3 1 9 0 4, Y 1 2 3 4 5 6 (7),
# 5 4 1 - 2 2 - 0 9 8 7: two independent review writers, #20): single letters or digits, a bracket allowed around
# one, each apart from the next by one or two blanks, a dash or a dot; it is read again with the blanks taken out.
_SPACED_RUN = re.compile(
    r"(?<![0-9A-Za-z０-９])[(（]?[0-9A-Za-z０-９][)）]?"
    r"(?:(?:[ \t]{1,2}(?:[-－.][ \t]{1,2})?|[-－.])[(（]?[0-9A-Za-z０-９][)）]?(?![0-9A-Za-z０-９])){5,}+")
SPACED_DETAIL = ", typed with blanks between its characters"  # explain.py renders it in Chinese too
SPACED_MIN_DIGITS = 6  # a run must hold this many digits to be read again (S M L XL, a b c d e f are not numbers)
_CN_PASSPORT = re.compile(r"(?<![0-9A-Za-z])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})(?![0-9A-Za-z])")
# ... its digits maybe written as keycap emoji, 5️⃣3️⃣8️⃣… (a digit, maybe U+FE0F, then U+20E3: #20, tunerev17)
_ANY_PASSPORT = re.compile(r"(?<![0-9A-Za-z])[A-Z]{0,2}(?:[0-9]{6,9}|(?:[0-9]\ufe0f?\u20e3){6,9})(?![0-9A-Za-z])")

# Bank details other than a card (#20, pd19), each by its shape and its own check, as Presidio's recognisers:
# - an IBAN: country letters, two check digits, 11-30 letters or digits maybe in groups of four; mod 97 = 1
#   (ISO 13616), which no order or tracking number of that shape passes by chance more than once in 97;
# - a US routing number (ABA): nine digits whose weighted sum (3, 7, 1) is 0 mod 10, after its word; the account
#   number after it (acct/account) belongs to the finding;
# - a UK sort code (NN-NN-NN) after its word, with an account number of 8 digits beside it.
# (each of these opens on a character class, the lookbehind after it, so the regex engine skips ahead to candidates)
_IBAN = re.compile(r"[A-Z](?<![0-9A-Za-z][A-Z])[A-Z][0-9]{2}(?:[ ]?[0-9A-Z]){11,30}+(?![0-9A-Za-z])")
_IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20, "CH": 21, "IE": 22,
                 "PL": 28, "PT": 25, "SE": 24, "DK": 18, "NO": 15, "FI": 18, "LU": 20, "AE": 23, "SA": 24, "TR": 26,
                 "GR": 27, "CZ": 24, "SK": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21, "SI": 19, "LT": 20, "LV": 21,
                 "EE": 20, "MT": 31, "CY": 28, "IS": 26, "LI": 21, "MC": 27, "IL": 23, "QA": 29, "KW": 30, "BH": 22,
                 "PK": 24, "BR": 29, "UA": 29, "KZ": 20, "EG": 29}
# (its country's length only: trying every length would give a tracking code 1 in 97 chances per length)
_ROUTING = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])")
_ROUTING_CUE = re.compile(r"(?<![a-z])(?:routing|aba|rtn)(?![a-z])|路由号", re.I)  # not "transit": parcels are in transit
_ACCOUNT_AFTER = re.compile(r"[ \t,;:：]{0,3}(?i:acct|account|a/c)(?i: no\.?| number| #)?[ \t:：#]{0,3}([0-9](?:[ \-]?[0-9]){5,16})(?![0-9])")
_SORT_CODE = re.compile(r"(?i:sort[ \t]?code)[ \t:：]{0,3}([0-9]{2}[ \-][0-9]{2}[ \-][0-9]{2}|[0-9]{6})(?![0-9])")
_UK_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])[0-9]{8}(?![0-9A-Za-z])")
SORT_CODE_REACH = 40
# A Singapore NRIC/FIN (S/T/F/G, seven digits, a check letter over weights 2 7 6 5 4 3 2), valid by its check
# alone (#20, pd19); a UK National Insurance number (two letters, three pairs of digits, A-D) after its word.
_NRIC = re.compile(r"([STFG])(?<![0-9A-Za-z][STFG])([0-9]{7})([A-Z])(?![0-9A-Za-z])")
# ... after a word for it: a part number has the same shape (cartridge S1234562C: the code review of pd19)
_NRIC_CUE = re.compile(r"nric|\bfin\b|\bic\b|i/c|identity|\bid\b|身份证|身份證|新加坡身份", re.I)
_NINO = re.compile(r"(?<![0-9A-Za-z])[A-CEGHJ-PR-TW-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![0-9A-Za-z])")
_NINO_CUE = re.compile(r"(?<![a-z])(?:ni|nino|national insurance)(?: no\.?| number| #)?(?![a-z])", re.I)

# Context words, read in a short window before a number (lower-cased text).
CONTEXT_WINDOW = 16
# "my passport number is K8830192": a passport word may stand a few words further back (#20, tunerev13)
PASSPORT_CUE_WINDOW = 24
# ... a sentence back when the code is typed apart (passport no. here so they could clear it?? fine: E 4 8 2 …: #20, pd19)
PASSPORT_READ_WINDOW = 56
# English cue words stand as words: "card" is not in "cardigan", "part" not in "apartment".
# (a Chinese driving licence, social-security or medical-insurance card is numbered with the holder's ID: #20, tunerev17)
_ID_CUE = re.compile(r"身份|证件号|身份号码|公民身份|驾驶证|驾照|社保卡|医保卡|(?<![a-z])(?:id card|id no|id number|identity card)(?![a-z])", re.I)
_CARD_CUE = re.compile(r"卡号|银行卡|信用卡|借记卡|储蓄卡|银联|(?<![a-z])(?:card|visa|mastercard|amex|unionpay)(?![a-z])", re.I)
_PASSPORT_CUE = re.compile(r"护照|passport", re.I)
# Words that follow a card number given for a transfer (Presidio-style context on the other side, #15, tune10):
# the account holder's name or the bank (6222 … 工行 户名张三). Read in CARD_AFTER_WINDOW characters after the number.
_CARD_AFTER_CUE = re.compile(
    r"户名|开户名|开户行|收款人|工行|建行|农行|中行|招行|交行|邮储|工商银行|建设银行|农业银行|中国银行|招商银行|交通银行|"
    r"(?<![a-z])(?:account name|account holder|beneficiary)(?![a-z])", re.I)
CARD_AFTER_WINDOW = 8
# ... or a bank named before the number, or "my bank's card" (招商银行 6214 …, 建行卡 6217 …, 卡上：…: #20, pd19), read
# after the card words and the words after the number, so what those found keeps its wording
_BANK_BEFORE_CUE = re.compile(r"银行|行卡|卡上|[工建农中招交]行")
# A card's security code or expiry right after a number (5187-… , CVV 318; exp 08/27) says it is a card whatever
# stands before it ("order failed — 5187-…": #20, pd19), with or without a valid Luhn check.
# An expiry counts only with a card's MM/YY after it: 有效期至2027年12月, Exp 2026-01 and Exp 12/2026 date products and
# lots, not cards (the code review of pd19).
_CARD_SECRET_AFTER = re.compile(r"(?<![a-z])(?:cvv2?|cvc2?|cvn|csc|security code)(?![a-z])|安全码|"
                                r"(?:(?<![a-z])(?:exp(?:iry|ires|\.)?|valid thru)(?![a-z])|有效期至?)[ \t:：]{0,3}"
                                r"(?:0[1-9]|1[0-2]) ?/ ?[0-9]{2}(?![0-9/])", re.I)
# A bank account number (any length a bank gives, not only a card's) given for a transfer between its bank and its
# holder's name (Maybank 164233905521 a/n Tan Wei Ming, 工行账号 3602… 户名李娜: #20, tunerev15): both sides are needed,
# since an account number has no check digit.
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ \-]?[0-9]){7,21}(?![0-9A-Za-z])")
_ACCOUNT_CUE = re.compile(r"账号|账户|帐号|帐户|银行|工行|建行|农行|中行|招行|交行|邮储|"
                          r"(?<![a-z])(?:(?!power)[a-z]*bank|acct|account|a/c|iban)(?![a-z])", re.I)
# The bare word for a name after a number counts only after a bank's name (Maybank 1142 …, name Lim Wei Ling): a game
# or shop account's number and its name are no bank details (游戏账号 123456789 名字对得上: the code review of pd19).
_BANK_NAME_CUE = re.compile(r"银行|工行|建行|农行|中行|招行|交行|邮储|(?<![a-z])(?:(?!power)[a-z]*bank|iban)(?![a-z])", re.I)
_WEAK_HOLDER_CUE = re.compile(r"名字|(?<![a-z])name(?![a-z])", re.I)
# ... or just the word for a name after the number (Maybank 1142 …, name Lim Wei Ling; 名字 …: #20, pd19)
_HOLDER_CUE = re.compile(r"户名|开户名|收款人|持卡人|名字|(?<![a-z])(?:name on (?:the )?(?:card|account)|name|a/n|atas nama|account name|account holder|beneficiary)(?![a-z])", re.I)
ACCOUNT_CUE_WINDOW = 24
# A number right after one of these is an order, parcel, barcode, device or product code.
_NOT_PERSONAL_CUE = re.compile(
    r"订单|单号|运单|快递|物流|货号|编号|编码|条码|条形码|型号|序列号|串号|批号|批次|"
    # product registration and licence numbers: 国妆特字G2022…, 国食健注G2019…, 国食健字G2012… (a passport's shape), 国药准字,
    # 食品生产许可证
    r"准字|特字|健注|健字|注准|备字|注册|备案|批准|许可|执照|"
    r"(?<![a-z])(?:sku|ean|upc|gtin|isbn|imei|meid|order|tracking|track|parcel|waybill|serial|model|part|s/n|sn"
    # ... and an invoice's, lot's or receipt's number (Invoice 240315-01-0023 has a Malaysian IC's shape: #20)
    r"|invoice|inv|lot|batch|receipt|ref|reference|po)(?![a-z])",
    re.I,
)

# Province codes of GB/T 2260 (and 83 Taiwan residents' permits, 91 foreigners' permanent residence cards).
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_ID_CHECK = "10X98765432"

# Card issuers by prefix, with the lengths each issues; "context" marks lengths that also fit
# barcodes or IMEIs and so count only after a card word.
_ISSUERS = (
    ("62", range(16, 20), "a UnionPay card number"),
    ("4", (16, 19), "a Visa card number"),
    ("4", (13,), "context:a Visa card number"),
    *((str(p), (16,), "a Mastercard number") for p in range(51, 56)),
    *((str(p), (16,), "a Mastercard number") for p in range(2221, 2721)),
    ("34", (15,), "amex:an American Express card number"),
    ("37", (15,), "amex:an American Express card number"),
    *((str(p), range(16, 20), "a JCB card number") for p in range(3528, 3590)),
)


def _issuer_rules(issuers: tuple) -> dict[tuple[str, int], tuple[int, str]]:
    """{(prefix, number length): (the rule's place in `issuers`, its detail)}, the first rule of a key kept. A number
    fits rule i iff digits[:len(prefix)] == prefix and len(digits) is one of its lengths, so the rule card_issuer
    wants is the one of least place among the look-ups of (digits[:k], len(digits)) for each prefix length k."""
    rules: dict[tuple[str, int], tuple[int, str]] = {}
    for i, (prefix, lengths, detail) in enumerate(issuers):
        for n in lengths:
            rules.setdefault((prefix, n), (i, detail))
    return rules


_ISSUER_RULES = _issuer_rules(_ISSUERS)
_ISSUER_PREFIX_LENGTHS = tuple(sorted({len(prefix) for prefix, _, _ in _ISSUERS}))

# -- a buyer's name, phone and address posted together ----------------------------------------
# A name cue is a buyer's word (收件人), never a seller's (联系人, 客服): the seller's own phone
# number stays a `diversion` finding as before.
NAME_CUE_WORDS = ("收件人", "收货人", "寄件人", "姓名", "consignee", "recipient", "ship to", "deliver to")
PASSPORT_WORDS = ("护照", "passport")
# ... and the words of an ID with fewer than seven digits (a UK NI number: #20, pd19)
ID_WORDS = ("ni number", "ni no", "national ins", "nino")
# A Chinese name after the cue starts with a common surname: 收货人签收后…, 姓名贴定制款 are no names.
# (Surnames that are also everyday function words -- 和, 时, 全, 应, 单, 商, 解, 向 -- are left out.)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
             "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
             "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦"
             "戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_NAME = re.compile(
    r"(?i:收件人|收货人|寄件人|买家姓名|客户姓名|(?<![刻印制写绣定])姓名(?![贴牌章印刻签])|consignee|recipient|ship to|deliver to)"
    r"[ \t]*+[:：]?[ \t]*+"
    r"(?:(?:欧阳|司马|上官|诸葛|东方|皇甫|慕容|令狐|夏侯|[" + _SURNAMES + r"])"
    r"(?:[\u4e00-\u9fff]?(?:先生|女士|小姐)|[\u4e00-\u9fff·]{1,3}?(?=[\s,，;；/|:：(（0-9]|$|电话|手机|地址|[\u4e00-\u9fff]{1,8}?(?:省|市|区|县))"
    # a name spaced character by character after the cue (收件人 杨 德 福: #20, tunerev17)
    r"|(?:[ \t][\u4e00-\u9fff]){1,2}(?=[\s,，;；/|:：(（0-9]|$))"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
)
# A street address: a road (or lane) number after a road word, looked up first; the
# administrative units (省/市/区/县) are then required in the same run of characters before it.
# A space may stand around the numbers as typed on a phone (学院路 35 号, 人民南路四段 27 号 5 栋 2 单元 803: #20,
# tunerev13), and a road may have a numbered section (四段) before its number.
# ... or a section named by its direction (天府大道北段1700号, 七一路西段16号: #20, tunerev17)
# ... the number maybe in Chinese numerals (科华北路六十五号), the section a bare direction (江南大道中200号: #20, three
# review writers)
_ROAD_NUMBER = re.compile(r"(?:路|街|道|巷|弄|胡同|里)(?:(?:[一二三四五六七八九十]{1,2}|[东南西北中])段|[东南西北中](?=[ \t]?[0-9]))?[ \t]?"
                          r"(?:[0-9]{1,5}|(?<=[路街道巷弄同里段])[一二三四五六七八九十百零]{1,5})[ \t]?(?:号院|号|弄)"
                          r"(?:[ \t]?[0-9]{1,4}[ \t]?(?:号楼|栋|幢|座|单元|楼|层|室|号)|[\-－][0-9]{1,5}(?:室|号)?){0,4}"
                          # a room number after a space, or right after 单元/楼/层 (2栋1单元603: #20)
                          r"(?:[ \t][0-9]{3,4}(?![0-9])|(?<=[元楼层])[0-9]{3,4}(?![0-9]))?")
# 区/园 before a building number: a residential compound's block (望京西园三区311号楼).
# ... or a plain 号 after a numbered compound area (望京西园二区204号: #20)
_BUILDING = re.compile(r"(?:小区|花园|公寓|大厦|苑|村|新村|家园|[区园])(?:[A-Z]{1,2}[0-9]{0,3}[\-－]?[A-Z0-9]{0,2}|[0-9]{1,4})(?:号楼|栋|幢|座|(?<=[0-9])号(?![码牌档门线展摊铺]))(?:[0-9]{1,4}(?:单元|楼|层|室|号)|[\-－][0-9]{1,5}(?:室|号)?){0,4}")
# A US street address (#15, holdout9): house number, one to three capitalised street words and a
# street suffix, then optionally the unit and "City, ST 12345"; the suffix is what makes it a street.
_US_STREET = re.compile(
    # the street's words may be a compass letter or an ordinal (400 W 57th St: #20)
    r"(?<![0-9A-Za-z])[0-9]{1,6}(?: (?:[A-Z][a-z]+|[NSEW]\.?|[0-9]{1,3}(?:st|nd|rd|th))){1,3} (?:St|Street|Ave|Avenue|Dr|Drive|Rd|Road|Blvd|Boulevard|Ln|Lane"
    r"|Ct|Court|Way|Pl|Place|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle"
    # British street words (41 Elm Row, Leeds LS6 2QT: #20, tunerev15)
    r"|Row|Close|Crescent|Gardens|Grove|Mews|Square|Walk)\.?(?![A-Za-z])"
    r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|#) ?#?[0-9A-Za-z\-]{1,6})?"
    # then the city and a US state (its ZIP maybe left out), an Australian state and postcode, or a UK postcode (#20)
    r"(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? (?:[A-Z]{2}(?: [0-9]{5}(?:-[0-9]{4})?)?|[A-Z]{2,3} [0-9]{4}"
    r"|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})(?![0-9A-Za-z]))?"
)
# A Singapore HDB address (Blk 258 Jurong West St 24 #08-112 Singapore 640258: #20)
_SG_BLOCK = re.compile(r"(?<![0-9A-Za-z])(?:Blk|Block) [0-9]{1,4}[A-Z]?(?: [A-Z][a-z]+){1,3}?"
                       r" (?:St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Cres|Crescent|Central|Ring|Way)(?: [0-9]{1,3})?"
                       r"(?:,? #[0-9]{1,3}-[0-9]{1,5})?(?:,? Singapore [0-9]{6})?")
_PHONE_WORD = re.compile(r"电话|手机|(?<![a-z])(?:tel|phone|ph|mobile|cell|h/p|hp)(?![a-z])", re.I)
# Beside a street, a number in another market's national form (04 1234 5678, 07700 900461) or a Singapore mobile
# (9123 4567) is the person's phone, as a North American one is (alone they need a call word: detectors.py).
_NATIONAL_NEAR_STREET = re.compile(r"(?<![0-9])(?:0[0-9](?:[ \-.]?[0-9]){8,10}|[689][0-9]{3}[ \-][0-9]{4})(?![0-9])")
# Streets of the other markets reviews come from (#20: three review writers), the street word before the name as in
# Malaysia and Vietnam (No 12 Jalan Ampang, 50450 KL; 8 Đường Lê Lợi) or a lower-case street word after it (45 Le Loi
# street); a postcode and city may follow.
_INTL_STREET = re.compile(
    r"(?<![0-9A-Za-z])(?:No\.? ?)?[0-9]{1,5}[A-Z]?,? (?:Jalan|Jln\.?|Lorong|Persiaran|Lebuh|Duong|Đường|Pho|Phố|Soi|Thanon)"
    # (a street's name maybe a section code, Jalan SS2/24, Jalan USJ 1/2: #20, pd19)
    r"(?: (?:[A-ZÀ-Ỹ][a-zà-ỹ]+|[A-Z]{1,4}[0-9]{0,3}(?:/[0-9]{1,3})?|[0-9]{1,3}(?:/[0-9]{1,3})?)){1,4}(?:,? [0-9]{5}(?: [A-Z][A-Za-z]+){1,3})?"
    # (2 Pack street light is a count and a product: no count word after the number, no product noun after the street)
    r"|(?<![0-9A-Za-z])[0-9]{1,5}(?! (?:Pack|Packs|Pcs|Pc|Pieces|Piece|Set|Sets|Pair|Pairs|Pk)\b)(?: [A-ZÀ-Ỹ][a-zà-ỹ]+){1,3}"
    r" (?:street|road|avenue|lane)(?![A-Za-z])(?! (?:light|lights|lamp|lamps|bike|bikes|style|wear|sign|signs|legal|tyre|tire|tires)\b)")
_STREET_HINT = re.compile(r"(?:St|Street|Ave|Avenue|Dr|Drive|Rd|Road|Blvd|Boulevard|Ln|Lane|Ct|Court|Way|Pl|Place"
                          r"|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Row|Close|Crescent|Gardens|Grove|Mews"
                          r"|Square|Walk|Jalan|Jln|Lorong|Persiaran|Lebuh|Duong|Đường|Pho|Phố|Soi|Thanon|street|road|avenue|lane|Blk|Block)(?![A-Za-z])")
# A Chinese name with no buyer's cue counts only right before a mobile number (赵海鹏 电话152…, 吴国庆
# 139…), at the start of a run, and not as a seller's contact (联系人/客服/找 … before it) or a title (王经理).
# A name starts a run, or follows 的/给/是/叫/写 (地址写的赵德明, 恶意差评的李秀英: #20, tunerev13).
# (not a trade's title that opens with a surname's character: 师傅手机…, 老板电话…: #20, pd19)
_NAME_OPENS = r"(?:(?<![\u4e00-\u9fff])|(?<=[的给是叫写])|(?<=卖家|买家))(?!师傅|老板|老师|司机|医生)"
_NAME_BEFORE_PHONE = re.compile(
    _NAME_OPENS + r"[" + _SURNAMES + r"](?!经理|老师|师傅|总|姐|哥|店|客服|先生|女士|小姐)[\u4e00-\u9fff]{1,2}"
    r"(?=[ \t:：,，]{0,2}(?:电话|手机|tel|Tel|TEL)?[ \t:：]{0,2}1[ \t]?[3-9][ \t]?[0-9])"
)
# A North American number without +1 (detectors.py wants a cue word for it) is a phone part of a block
# only: alone it makes no finding. An English name counts right before such a number or a street.
# ... or right before an address that starts with its province or city, after a blank or a comma (陈思琪 广东省深圳市…,
# 赵德明，四川省…: #20, tunerev13); counted only where that address is found.
_NAME_BEFORE_ADDRESS = re.compile(
    _NAME_OPENS + r"[" + _SURNAMES + r"](?!经理|老师|师傅|总|姐|哥|店|客服|先生|女士|小姐)[\u4e00-\u9fff]{1,2}"
    r"(?=[ \t,，:：]{1,2}(?:北京|天津|上海|重庆|[\u4e00-\u9fff]{2,3}(?:省|市|自治区)))"
)
_NANP = re.compile(r"(?<![0-9])\(?[2-9][0-9]{2}\)?[ \-.][0-9]{3}[ \-.][0-9]{4}(?![0-9])")
_EN_NAME_BEFORE = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+ [A-Z][a-z]+(?=,? (?:\(?[2-9][0-9]{2}\)?[ \-.][0-9]{3}[ \-.][0-9]{4}|[0-9]{1,6} [A-Z][a-z]"
    r"|0[0-9](?:[ \-.]?[0-9]){8,10}(?![0-9])))")  # ... or before a national-form number (Emily Tran, 04 1234 5678: #20)
# An English name right before any phone number the detectors found, maybe with its label ("Maria Gonzalez, 0917 884
# 2351", "Name: Rahul Verma  Mobile: +91 98204 57731": #20, tunerev13), read in the EN_NAME_REACH characters
# before the number; not after a word asking to call (call John Smith 555…: a seller's contact, a diversion).
_EN_NAME_BEFORE_PHONE = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+ [A-Z][a-z]+[ \t,]{0,3}(?i:(?:mobile|phone|tel|cell|contact)(?: no\.?| number)?[ \t]?[:：]?[ \t]{0,2})?$")
_EN_CALL_CUE = re.compile(r"(?i:call|contact|text|ring|whatsapp|ask for|reach)[ \t]+$")
EN_NAME_REACH = 48
_SELLER_CUE = re.compile(r"联系|客服|店主|老板|掌柜|找|加|咨询|微信|vx|VX")
# The name of whoever holds an ID, card, passport or licence the listing exposes (持卡人赵敏 beside a card, 实名人：刘思雨
# beside an ID, registered to Emily Tran beside a passport, driver license of Michael R. Dunn: #15, holdout35): a name
# after a holder's word, within HOLDER_REACH characters of the identifier on either side. Alone such a name is no
# finding (a listing names authors, brands and sellers all the time); beside the number it says whose it is.
_HOLDER_NAME = re.compile(
    r"(?:持卡人|实名人|开户人|开户名|户名|持有人|持证人|机主|失主|户主|客户|本人姓名|姓名|名字叫|名叫)[ \t]*+[:：]?+[ \t]*+"
    r"(?P<zh>(?:欧阳|司马|上官|诸葛|东方|皇甫|慕容|令狐|夏侯|[" + _SURNAMES + r"])[\u4e00-\u9fff]{1,2}"
    r"(?=[\s,，;；/|:：(（)）。、0-9]|$))"
    r"|(?i:registered to|issued to|in the name of|licen[cs]e of|passport of|card of|belongs to|belonging to"
    r"|card ?holder|holder|owner|tenant)[ \t]*+[:：,]?+[ \t]*+"
    r"(?P<en>[A-Z][a-z]++(?: [A-Z]\.?)?(?: [A-Z][a-z]++){1,2})(?![A-Za-z])"
)
HOLDER_REACH = 40
# what the holder's name is found beside (not a phone or a block: a seller's own contact is no one's exposed number)
HOLDER_OF = ("resident_id", "bank_card", "bank_account", "passport", "us_ssn", "hk_id", "driver_licence", "my_ic",
             "aadhaar", "sg_nric", "uk_nino", "iban")
# The tail of a resident ID given as "身份证后六位 253016": still the person's ID beside their name.
_ID_TAIL = re.compile(r"身份证(?:号码|号)?(?:后|末|尾号)[四六4６6]位[ \t:：]*[0-9]{3,5}[0-9Xx]")
# 区 of 小区/社区/园区/景区 and the like is no district, nor a compound's numbered part (西园三区, 2区: tune9).
_ADMIN_UNIT = re.compile(r"省|市|自治区|自治州|(?<![小社园景校厂片营一二三四五六七八九十0-9])区|县|旗|镇|乡")
# Provincial-level names: where one stands, the address starts there (发到|广东省…); otherwise
# CITY_NAME_CHARS before the first unit (深圳市), as most city names have two characters.
_PROVINCE = re.compile(r"北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西"
                       r"|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾")
CITY_NAME_CHARS = 2
ADDRESS_REACH = 24  # characters of the same run before the road word that may belong to the address
# (a blank after a city or district, 成都市武侯区 人民南路四段 27号, goes on with the address: #20, pd19)
_RUN_BREAK = re.compile(r"(?<![省市区县])[ \t\u3000]|[\r\n,，;；:：、/|()（）【】\[\]]")
BLOCK_GAP = 12  # at most this many characters between two parts of one block
# ... or, where the gap is written in Latin letters (English words are longer than Chinese ones: "14 Elm Rd, her
# number is 555-…", "78704 and will text you at 512-…": #20, pd19), at most this many
EN_BLOCK_GAP = 24
# A business's own address (本店地址：…) is no buyer's: with the shop's phone it stays `diversion`.
_SHOP_CUE = re.compile(r"门店|本店|店铺|店址|实体店|旗舰店|专卖店|公司|厂址|工厂|总部|营业部|展厅|仓库|售后"
                       r"|(?i:our store|our shop|showroom|warehouse|pickup at|pick up at|return address|returns to|visit us)")
SHOP_CUE_WINDOW = 8
EN_SHOP_CUE_WINDOW = 20


# The suffixes _US_STREET ends on, each after a blank: a cheap necessary condition for a US street address.
_STREET_SUFFIX_WORDS = tuple(" " + w for w in ("St", "Ave", "Dr", "Rd", "Road", "Ln", "Lane", "Ct", "Court", "Way", "Pl",
                                               "Blvd", "Boulevard", "Ter", "Pkwy", "Parkway", "Hwy", "Highway", "Cir",
                                               "Row", "Close", "Crescent", "Gardens", "Grove", "Mews", "Square", "Walk"))


# What every address part (_addresses, _US_STREET) holds: a Chinese address ends on 号/栋/幢 (what _address_blocks
# checks), a US one on a street suffix after a blank (" St" also opens " Street").
ADDRESS_PART_WORDS = ("号", "栋", "幢") + _STREET_SUFFIX_WORDS + (
    "Jalan", "Jln", "Lorong", "Persiaran", "Lebuh", "Duong", "Đường", "Pho", "Phố", "Soi", "Thanon", "Blk", "Block",
    " street", " road", " avenue", " lane")  # _INTL_STREET and _SG_BLOCK (#20)


def could_hold_address(text: str) -> bool:
    """False only if no address part can be found in `text` (it holds none of ADDRESS_PART_WORDS)."""
    return any(w in text for w in ADDRESS_PART_WORDS)


def could_detect(low: str) -> bool:
    """A cheap necessary condition for the recognisers that need no seven digits (the digit
    hint of detectors.py covers the rest): a name cue or a passport word."""
    return any(w in low for w in NAME_CUE_WORDS) or any(w in low for w in PASSPORT_WORDS) or any(w in low for w in ID_WORDS)


def _cue_before(cue: re.Pattern, text: str, start: int, window: int = CONTEXT_WINDOW) -> bool:
    return cue.search(text, max(0, start - window), start) is not None


def _cue_after(cue: re.Pattern, text: str, end: int, window: int = CARD_AFTER_WINDOW) -> bool:
    """A cue that starts within `window` characters after a number (it may run past the window)."""
    m = cue.search(text, end, end + window + 16)
    return m is not None and m.start() <= end + window


def _last_end(cue: re.Pattern, text: str, start: int) -> int:
    end = -1
    for m in cue.finditer(text, max(0, start - CONTEXT_WINDOW), start):
        end = m.end()
    return end


def _vetoed(text: str, start: int, own_cue: re.Pattern) -> bool:
    """An order/tracking/product word stands before the number, nearer than any word of its
    own kind (注册用身份证 110105… is still an ID: 身份证 is the nearer word)."""
    veto = _last_end(_NOT_PERSONAL_CUE, text, start)
    return veto >= 0 and veto > _last_end(own_cue, text, start)


def valid_birth_date(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def valid_resident_id(chars: str) -> bool:
    """An 18-character ID (digits, last one maybe X): province, birth date and check character."""
    if len(chars) != 18 or not chars[:17].isdigit():
        return False
    if int(chars[:2]) not in _PROVINCES or not valid_birth_date(chars[6:14]):
        return False
    total = sum(int(c) * w for c, w in zip(chars[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == chars[17].upper()


def resident_id_shape(chars: str) -> bool:
    """An 18-character ID's province and birth date, without its check character."""
    return (len(chars) == 18 and chars[:17].isdigit() and (chars[17].isdigit() or chars[17] in "xX")
            and int(chars[:2]) in _PROVINCES and valid_birth_date(chars[6:14]))


def valid_hkid(letters: str, digits: str, check: str) -> bool:
    """A Hong Kong identity card's check character: weights 9..2 over the letters (A=10 … Z=35; a single letter
    is preceded by a blank worth 36) and the six digits; the check makes the sum 0 mod 11 (10 is written A)."""
    values = ([36] if len(letters) == 1 else []) + [ord(c) - ord("A") + 10 for c in letters] + [int(c) for c in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1)))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def valid_ssn(area: str, group: str, serial: str) -> bool:
    """SSA's rules for numbers it never issues: area 000, 666 or 900-999, group 00, serial 0000."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def verhoeff(digits: str) -> bool:
    """The Verhoeff check (Aadhaar's last digit)."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


def valid_my_ic(birth: str, state: str) -> bool:
    """A Malaysian identity card's YYMMDD is a real date (either century) and its place-of-birth code one of the list."""
    return int(state) in _MY_STATES and (valid_birth_date("19" + birth) or valid_birth_date("20" + birth))


def valid_old_resident_id(digits: str) -> bool:
    """A 15-digit ID (before 1999): province and a 19YYMMDD birth date; it has no check digit."""
    return len(digits) == 15 and int(digits[:2]) in _PROVINCES and valid_birth_date("19" + digits[6:12])


def luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_issuer(digits: str) -> str | None:
    """The issuer rule a number's prefix and length name: its detail, maybe prefixed `context:`/`amex:`.
    The first rule of _ISSUERS that fits, found in _ISSUER_RULES with one dict look-up per prefix length
    (a startswith per rule, ~570 of them, took a third of a scan of a field of digit-like text, which
    asks this for every 13-19 digit run: red-team R01). card_issuer_by_scan is its definition and
    oracle (tests/text/test_personal_data.py compares the two)."""
    n = len(digits)
    best = None
    for k in _ISSUER_PREFIX_LENGTHS:
        rule = _ISSUER_RULES.get((digits[:k], n))
        if rule is not None and (best is None or rule[0] < best[0]):
            best = rule
    return None if best is None else best[1]


def card_issuer_by_scan(digits: str) -> str | None:
    """card_issuer's definition (the oracle): each rule of _ISSUERS in turn, the first that fits."""
    for prefix, lengths, detail in _ISSUERS:
        if digits.startswith(prefix) and len(digits) in lengths:
            return detail
    return None


# A number that fails its check counts only written right after its own card word (卡号 6222 …).
CARD_CUE_WINDOW = 6


class _Spans:
    """Spans that never overlap one another, sorted: whether a new span overlaps or lies
    inside one of them in O(log n). Asking each of them in turn made a field of 10,000 card
    numbers quadratic."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and start < self.ends[i]

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]


def _is_grouped(raw: str) -> bool:
    return raw != raw.translate(_SEP_CHARS)


def detect(text: str, hits: list[Hit], low: str, _spaced: bool = True) -> list[Hit]:
    """`hits` (the contact detectors' hits on `text`) with personal-data hits added; a contact
    hit inside a personal-data span is dropped, since it would show part of the value (the
    digits 19900101 123 of a spaced-out ID read as a mobile number). `low` is the lower-cased
    text the hints read; context words are looked up in `text` itself (offsets line up)."""
    found: list[Hit] = []
    taken = _Spans()

    def free(a: int, b: int) -> bool:
        return not taken.overlaps(a, b)

    def add(a: int, b: int, name: str, detail: str) -> None:
        found.append((a, b, name, CATEGORY, detail))
        taken.add(a, b)

    has_digits = any(c.isdigit() for c in text)
    digits_text = text  # the text with numerals read as digits, where a run of them is long enough
    if not has_digits and _HANZI_DIGIT_RUN.search(text):
        digits_text, has_digits = text.translate(_HANZI_DIGITS), True
    if has_digits and _DIGIT_DISGUISE.search(digits_text):
        digits_text = _DIGIT_DISGUISE.sub(lambda m: (" " if m.group()[0] > "~" else "0") * len(m.group()), digits_text)
    if has_digits:
        for m in _ID18.finditer(digits_text):
            raw = m.group()
            chars = unicodedata.normalize("NFKC", raw.translate(_SEP_CHARS))
            if valid_resident_id(chars) and not _vetoed(text, m.start(), _ID_CUE):
                add(m.start(), m.end(), "resident_id", "a Chinese resident ID number (check digit and birth date valid)")
            elif resident_id_shape(chars) and _cue_before(_ID_CUE, text, m.start()):
                add(m.start(), m.end(), "resident_id", "a Chinese resident ID number after an ID word (province and birth date valid)")
        for m in _ID15.finditer(digits_text):
            digits = unicodedata.normalize("NFKC", m.group().translate(_SEP_CHARS))
            if free(m.start(), m.end()) and valid_old_resident_id(digits) and _cue_before(_ID_CUE, text, m.start()):
                add(m.start(), m.end(), "resident_id", "a 15-digit Chinese resident ID number after an ID word")
        for m in _CARD.finditer(digits_text):
            raw = m.group()
            digits = unicodedata.normalize("NFKC", raw.translate(_SEP_CHARS))
            if not free(m.start(), m.end()):
                continue
            # a number no issuer's prefix and length name is no card, its Luhn check valid or not (so that check is
            # not summed for it: red-team R01, every 13-19 digit run of a field of digit-like text)
            issuer = card_issuer(digits)
            if issuer is None:
                continue
            if not luhn(digits):
                issuer = issuer.split(":")[-1]
                if _cue_before(_CARD_CUE, text, m.start(), CARD_CUE_WINDOW):
                    add(m.start(), m.end(), "bank_card", issuer + " after a card word (Luhn check not valid)")
                elif _cue_after(_CARD_AFTER_CUE, text, m.end()) and not _vetoed(text, m.start(), _CARD_CUE):
                    add(m.start(), m.end(), "bank_card", issuer + " before its bank or account name (Luhn check not valid)")
                elif _cue_before(_BANK_BEFORE_CUE, text, m.start(), CARD_CUE_WINDOW) and not _vetoed(
                        text, m.start(), _BANK_BEFORE_CUE):
                    add(m.start(), m.end(), "bank_card", issuer + " after its bank's name (Luhn check not valid)")
                elif _cue_after(_CARD_SECRET_AFTER, text, m.end()) and not _vetoed(
                        text, m.start(), _CARD_CUE):
                    add(m.start(), m.end(), "bank_card", issuer + " before its security code or expiry")
                continue
            if (_vetoed(text, m.start(), _CARD_CUE) and _vetoed(text, m.start(), _BANK_BEFORE_CUE)
                    and not _cue_after(_CARD_SECRET_AFTER, text, m.end())):
                continue
            if issuer.startswith("context:") or (issuer.startswith("amex:") and not _is_grouped(raw)):
                if not _cue_before(_CARD_CUE, text, m.start()):
                    continue
            add(m.start(), m.end(), "bank_card", issuer.split(":")[-1] + " (Luhn check valid)")
        _bank_details(text, digits_text, free, add)
        for m in _ACCOUNT.finditer(digits_text):
            holder = _HOLDER_CUE.search(text, m.end(), m.end() + CARD_AFTER_WINDOW + 16)
            if holder is None or holder.start() > m.end() + CARD_AFTER_WINDOW:
                continue
            weak = _WEAK_HOLDER_CUE.fullmatch(holder.group()) is not None
            if (free(m.start(), m.end())
                    and _cue_before(_BANK_NAME_CUE if weak else _ACCOUNT_CUE, text, m.start(), ACCOUNT_CUE_WINDOW)
                    and not _vetoed(text, m.start(), _ACCOUNT_CUE)):
                add(m.start(), m.end(), "bank_account", "a bank account number between its bank and its holder's name")
        for m in _NRIC.finditer(text):
            if (free(m.start(), m.end()) and valid_nric(*m.groups()) and not _vetoed(text, m.start(), _HKID_CUE)
                    and _cue_before(_NRIC_CUE, text, m.start(), PASSPORT_READ_WINDOW)):
                add(m.start(), m.end(), "sg_nric", "a Singapore NRIC/FIN number (check letter valid)")
        if any(w in low for w in ID_WORDS):
            for m in _NINO.finditer(text):
                if free(m.start(), m.end()) and _cue_before(_NINO_CUE, text, m.start(), ID_CUE_WINDOW):
                    add(m.start(), m.end(), "uk_nino", "a UK National Insurance number after its word")
        for m in _HKID.finditer(text):
            letters, number, tight, spaced, bare = m.groups()
            check = tight or spaced or bare
            # K539281(0) stands alone; with a blank before the bracket or no bracket it needs an ID word
            # (filter HW123452 (6 pack) is a product code and a count: the code review of pd19)
            if free(m.start(), m.end()) and valid_hkid(letters, number, check) and (
                    tight is not None or _cue_before(_HKID_CUE, text, m.start(), PASSPORT_CUE_WINDOW)):
                add(m.start(), m.end(), "hk_id", "a Hong Kong identity card number (check character valid)")
        for m in _SSN.finditer(text):
            if free(m.start(), m.end()) and valid_ssn(*m.groups()) and _cue_before(_SSN_CUE, text, m.start(), SSN_CUE_WINDOW):
                add(m.start(), m.end(), "us_ssn", "a US Social Security number after an SSN word")
        if _DL_CUE.search(text) is not None:
            for m in _DL.finditer(text):
                if (free(m.start(), m.end()) and sum(c.isdigit() for c in m.group()) >= DL_MIN_DIGITS
                        and (_cue_before(_DL_CUE, text, m.start(), ID_CUE_WINDOW)
                             or (_DL_SHORT.search(text, max(0, m.start() - 6), m.start()) is not None
                                 and _cue_before(_DL_CUE, text, m.start(), DL_WORD_WINDOW)))):
                    add(m.start(), m.end(), "driver_licence", "a driving licence number after its word")
        for m in _MY_IC.finditer(text):
            birth, dash1, state, dash2, _serial = m.groups()
            if not (free(m.start(), m.end()) and valid_my_ic(birth, state)):
                continue
            if _cue_before(_MY_IC_CUE, text, m.start(), ID_CUE_WINDOW) or (
                    dash1 and dash2 and not _vetoed(text, m.start(), _MY_IC_CUE)):
                add(m.start(), m.end(), "my_ic", "a Malaysian identity card number (birth date and state code valid)")
        if _AADHAAR_CUE.search(text) is not None:
            for m in _AADHAAR.finditer(text):
                digits = m.group().replace(" ", "").replace("-", "")
                if free(m.start(), m.end()) and verhoeff(digits) and _cue_before(_AADHAAR_CUE, text, m.start(), ID_CUE_WINDOW):
                    add(m.start(), m.end(), "aadhaar", "an Indian Aadhaar number after its word (Verhoeff check valid)")
        for m in _CN_PASSPORT.finditer(text):
            if free(m.start(), m.end()) and not _vetoed(text, m.start(), _PASSPORT_CUE):
                add(m.start(), m.end(), "passport", "a Chinese passport number")
        if any(w in low for w in PASSPORT_WORDS):
            for m in _ANY_PASSPORT.finditer(text):
                if free(m.start(), m.end()) and _cue_before(_PASSPORT_CUE, text, m.start(),
                                                            PASSPORT_CUE_WINDOW if _spaced else PASSPORT_READ_WINDOW) and not (
                        _vetoed(text, m.start(), _PASSPORT_CUE)):  # passport cover … order number 1234…
                    add(m.start(), m.end(), "passport", "a passport number after a passport word")
        if _spaced and (" " in text or "\t" in text):
            _spaced_numbers(text, free, add)
        _holder_names(text, found, free, add)
    _address_blocks(text, low, hits, free, add)
    if has_digits:
        _third_party_phones(text, hits, found, free, add)
    if not found:
        return hits
    return [h for h in hits if not taken.covers(h[0], h[1])] + found


# A phone number said to be someone else's -- the landlord's, a neighbour's, a roommate's, a former owner's, an ex's
# (看货联系房东张大爷 138…, 有问题打她电话 177…, her number is (312) …: #15, forty-second session): that person's
# data exposed, not the seller's own contact (which stays `diversion`). The cue stands within THIRD_PARTY_REACH
# characters before the number, in its sentence; 房东直租 / 房东本人 is a landlord selling on their own behalf.
_THIRD_PARTY_CUE = re.compile(
    r"房东(?![ \t]*(?:直租|直签|直招|本人|自己|个人|出租))|邻居|室友|舍友|原主人|原机主|原车主|前任|前夫|前妻|前男友|前女友|[她他]的?(?:电话|手机|号码)"
    r"|(?i:(?<![a-z])(?:(?:her|his)(?: phone| cell| mobile)? number|(?:her|his) (?:phone|cell|mobile)(?![a-z])|my ex['’]?s?(?![a-z])))")
THIRD_PARTY_REACH = 24
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
_EXPOSED_LINK = re.compile(r"[ \t,，、]*(?:和|及|还有|与|and)?[ \t]*(?:的)?(?:电话|手机|手机号|phone|tel)?[ \t:：]*", re.I)
EXPOSED_GAP = 8
_FIRST_PERSON = re.compile(r"我|本人|(?i:(?<![a-z])(?:me|my|i)(?![a-z]))")
# a field where the landlord rents out their own flat (房东直租 … 联系房东 138…) names the seller
_LANDLORD_SELLS = re.compile(r"房东[ \t]*(?:直租|直签|直招|本人|自己|个人|出租)")
# A business's people (经纪人小王，他的电话…; the shop's previous owner beside 现老板电话): a trade's contact, not a
# person exposed
_BUSINESS_ROLE = re.compile(r"老板|店主|店长|经纪人|中介|师傅|客服|经理|物业|"
                            r"(?i:(?<![a-z])(?:agent|manager|staff|receptionist|assistant|technician|dealer)(?![a-z]))")


def _third_party_phones(text: str, hits: list[Hit], found: list[Hit], free, add) -> None:
    """Each phone number with a third party's word before it (_THIRD_PARTY_CUE), or right after another identifier the
    listing exposes (她身份证号…和电话139…: the same person's): the contact detectors' numbers, and North American
    ones, which those find only after a call word (her number is (312) 778-4519)."""
    exposed_ends = sorted(b for _a, b, name, _c, _d in found if name in HOLDER_OF)
    landlord_sells = "房东" in text and _LANDLORD_SELLS.search(text) is not None  # once per field: linear
    phones = [(a, b) for a, b, name, _c, _d in hits if name == "phone_number"]
    if "(" in text or "-" in text or "." in text or " " in text:
        phones += [m.span() for m in _NANP.finditer(text)]
    for a, b in phones:
        if not free(a, b):
            continue
        lo = max(0, a - THIRD_PARTY_REACH)
        for m in _SENTENCE_BREAK.finditer(text, lo, a):
            lo = m.end()
        # (the identifiers ending at most EXPOSED_GAP before the number, found by bisection: linear in the text)
        near = exposed_ends[bisect_left(exposed_ends, a - EXPOSED_GAP):bisect_right(exposed_ends, a)]
        cue = None
        for cue in _THIRD_PARTY_CUE.finditer(text, lo, a):
            pass
        # (邻居家的猫粮多买了，要的联系我 138…: the seller's own number after a third party's word)
        third_party = (cue is not None and _FIRST_PERSON.search(text, cue.end(), a) is None
                       and not (landlord_sells and cue.group().startswith("房东"))
                       and _BUSINESS_ROLE.search(text, lo, a) is None)
        if third_party or any(_EXPOSED_LINK.fullmatch(text, end, a) for end in near):
            add(a, b, "third_party_phone", "a phone number said to be another person's (a landlord's, a neighbour's, a roommate's)")


def _holder_names(text: str, found: list[Hit], free, add) -> None:
    """The holder's name after a holder's word near each identifier already found (see _HOLDER_NAME)."""
    for a, b, name, _category, _detail in [h for h in found if h[2] in HOLDER_OF]:
        lo, hi = max(0, a - HOLDER_REACH), min(len(text), b + HOLDER_REACH)
        for m in _HOLDER_NAME.finditer(text, lo, hi):
            group = "zh" if m.group("zh") else "en"
            start, end = m.span(group)
            if free(start, end):
                add(start, end, "holder_name", "the name of the holder of an ID, card or licence beside it")


def _bank_details(text: str, digits_text: str, free, add) -> None:
    """IBANs (mod 97), US routing numbers (ABA check) with the account after them, UK sort codes with the account
    beside them: see _IBAN."""
    for m in _IBAN.finditer(text):
        chars = m.group().replace(" ", "")
        length = _IBAN_LENGTHS.get(chars[:2])
        if length is None or _vetoed(text, m.start(), _ACCOUNT_CUE):
            continue
        if length <= len(chars) and valid_iban(chars[:length]):
            end, seen = m.start(), 0
            while seen < length:
                seen += text[end] != " "
                end += 1
            if free(m.start(), end):
                add(m.start(), end, "iban", "an IBAN (mod-97 check valid)")
    low = text.lower()
    if "routing" in low or "aba" in low or "rtn" in low or "路由号" in text:
        for m in _ROUTING.finditer(digits_text):
            if not (valid_aba(m.group()) and _cue_before(_ROUTING_CUE, text, m.start(), ID_CUE_WINDOW)) or _vetoed(
                    text, m.start(), _ROUTING_CUE):
                continue
            acct = _ACCOUNT_AFTER.match(digits_text, m.end())
            end = acct.end() if acct is not None else m.end()
            if free(m.start(), end):
                add(m.start(), end, "bank_account", "a US routing number (ABA check valid) and its account")
    if "sort" in low:
        for m in _SORT_CODE.finditer(digits_text):
            near = [a for a in _UK_ACCOUNT.finditer(digits_text, max(0, m.start() - SORT_CODE_REACH),
                                                     min(len(text), m.end() + SORT_CODE_REACH))
                    if a.start() >= m.end() or a.end() <= m.start()]
            if near:
                start, end = min(m.start(1), near[0].start()), max(m.end(), near[0].end())
                if free(start, end):
                    add(start, end, "bank_account", "a UK sort code and account number")


def valid_iban(chars: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as 10..35, the number mod 97 is 1."""
    if not (15 <= len(chars) <= 34 and chars[:2].isalpha() and chars[2:4].isdigit()):
        return False
    moved = chars[4:] + chars[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def valid_aba(digits: str) -> bool:
    """A US routing number's check: 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) is 0 mod 10 (and not all zeros)."""
    d = [int(c) for c in digits]
    return len(d) == 9 and any(d) and (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


_NRIC_LETTERS = {"ST": "JZIHGFEDCBA", "FG": "XWUTRQPNMLK"}


def valid_nric(prefix: str, digits: str, check: str) -> bool:
    """A Singapore NRIC/FIN check letter: weights 2 7 6 5 4 3 2, plus 4 for T and G, mod 11."""
    total = sum(int(c) * w for c, w in zip(digits, (2, 7, 6, 5, 4, 3, 2))) + (4 if prefix in "TG" else 0)
    letters = _NRIC_LETTERS["ST" if prefix in "ST" else "FG"]
    return letters[total % 11] == check


def _spaced_numbers(text: str, free, add) -> None:
    """The recognisers above once more on `text` with the blanks inside each spaced-out run (_SPACED_RUN) taken out,
    so every rule (check digits, cue words, vetoes) applies as to the number typed whole; spans map back to `text`."""
    blanks: list[int] = []
    for m in _SPACED_RUN.finditer(text):
        digits = [int(c) for c in m.group() if c.isdigit()]
        # (1 2 3 4 5 6 is a list of styles or sizes, not a number: a run counting up by one is left alone)
        if len(digits) >= SPACED_MIN_DIGITS and any(b - a != 1 for a, b in zip(digits, digits[1:])):
            blanks.extend(i for i in range(m.start(), m.end()) if text[i] in " \t")
    if not blanks:
        return
    dropped = set(blanks)
    where = [i for i in range(len(text)) if i not in dropped]  # position in `text` of each character kept
    squeezed = "".join(text[i] for i in where)
    for a, b, name, _category, detail in detect(squeezed, [], squeezed.lower(), _spaced=False):
        start, end = where[a], where[b - 1] + 1
        if name != "name_address_phone" and free(start, end):
            add(start, end, name, detail + SPACED_DETAIL)


def _address_start(text: str, road_start: int) -> int:
    """Where the address before a road word starts: back along the same run of characters
    (no space or punctuation), at most ADDRESS_REACH, and only if an administrative unit
    (省/市/区/县…) stands there; -1 if none does."""
    lo = max(0, road_start - ADDRESS_REACH)
    run_start = lo
    for m in _RUN_BREAK.finditer(text, lo, road_start):
        run_start = m.end()
    unit = _ADMIN_UNIT.search(text, run_start, road_start)
    if unit is None:
        return -1
    province = _PROVINCE.search(text, run_start, unit.start())
    if province is not None:
        return province.start()
    return max(run_start, unit.start() - CITY_NAME_CHARS)


def _addresses(text: str) -> list[tuple[int, int]]:
    out, taken = [], _Spans()
    for pattern in (_ROAD_NUMBER, _BUILDING):
        for m in pattern.finditer(text):
            start = _address_start(text, m.start())
            if start >= 0 and not taken.overlaps(start, m.end()):
                out.append((start, m.end()))
                taken.add(start, m.end())
    return out


# Digits as typed on a Chinese keyboard (１５８…, 人民南路四段２７号) and runs of three or more Chinese numerals (孙伟
# 一三九 零五七二 八八三一) are read as digits by the address and name parts, one character for one, so spans are
# those of the text (#20: three review writers wrote them); a numeral or two inside a name (王一博) stays a character.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_NUMERAL_RUN = re.compile("[零〇一二三四五六七八九]{3,}")


def _as_digits(text: str) -> str:
    return _CN_NUMERAL_RUN.sub(lambda m: m.group().translate(_HANZI_DIGITS), text.translate(_FULL_WIDTH_DIGITS))


def _address_blocks(text: str, low: str, hits: list[Hit], free, add) -> None:
    """One hit over each block where at least two of a name (after a buyer's cue), a phone
    number and a street address stand within BLOCK_GAP characters of each other."""
    parts: list[tuple[int, int, str]] = []
    text = _as_digits(text)  # same length; cue words hold no run of three numerals, so they read as before
    if could_detect(low):
        parts += [(m.start(), m.end(), "name") for m in _NAME.finditer(text)]
    parts += [(h[0], h[1], "phone") for h in hits if h[2] == "phone_number"]
    if "号" in text or "栋" in text or "幢" in text:
        parts += [(a, b, "address") for a, b in _addresses(text) if not _cue_before(_SHOP_CUE, text, a, SHOP_CUE_WINDOW)]
    # The #15 (tune9) parts cost a regex pass each, so each runs only where it could be found: a US street
    # after its suffix's hint (one skip-ahead search), an uncued name beside a mobile number, an ID's tail
    # after 身份证.
    phones = [(a, b) for a, b, kind in parts if kind == "phone"]
    if _STREET_HINT.search(text):
        streets = [(m.start(), m.end(), "address") for pattern in (_US_STREET, _INTL_STREET, _SG_BLOCK)
                   for m in pattern.finditer(text) if not _cue_before(_SHOP_CUE, text, m.start(), EN_SHOP_CUE_WINDOW)]
        if streets:
            taken_phones = _Spans()
            for a, b in phones:
                taken_phones.add(a, b)
            near = [(m.start(), m.end(), "phone") for pattern in (_NANP, _NATIONAL_NEAR_STREET) for m in pattern.finditer(text)
                    if not _vetoed(text, m.start(), _PHONE_WORD)]
            parts += streets + [(a, b, kind) for a, b, kind in near if not taken_phones.overlaps(a, b)]
            parts += [(m.start(), m.end(), "name") for m in _EN_NAME_BEFORE.finditer(text)]
    if "身份证" in text:
        parts += [(m.start(), m.end(), "id") for m in _ID_TAIL.finditer(text)]
    if phones:
        parts += [(m.start(), m.end(), "name") for m in _NAME_BEFORE_PHONE.finditer(text)
                  if not _cue_before(_SELLER_CUE, text, m.start(), 6) and not _cue_before(_SHOP_CUE, text, m.start(), 6)]
    for a, _b in phones:
        m = _EN_NAME_BEFORE_PHONE.search(text, max(0, a - EN_NAME_REACH), a)
        if m is not None and not _EN_CALL_CUE.search(text, max(0, m.start() - 16), m.start()):
            parts.append((m.start(), m.end(), "name"))
    addresses = [(a, b) for a, b, kind in parts if kind == "address"]
    if addresses:
        parts += [(m.start(), m.end(), "name") for m in _NAME_BEFORE_ADDRESS.finditer(text)
                  if not _cue_before(_SELLER_CUE, text, m.start(), 6) and not _cue_before(_SHOP_CUE, text, m.start(), 6)]
    if len(parts) < 2:
        return
    parts.sort()
    start, end, kinds, last = parts[0][0], parts[0][1], {parts[0][2]}, parts[0][2]
    for a, b, kind in parts[1:] + [(len(text) + EN_BLOCK_GAP + 1, 0, "")]:
        # A part of a kind the block already has, once it has two kinds, is the next person's block (a list of
        # buyers, or one buyer's name and address pasted many times): one finding per block, not one as long as
        # the field (redteam15). A person may give two numbers in a row; a part overlapping the block is its own.
        next_block = a >= end and kind in kinds and len(kinds) >= 2 and not (kind == last == "phone")
        near = a - end <= BLOCK_GAP or (a - end <= EN_BLOCK_GAP and text[end:a].isascii())
        if near and not next_block:  # the block goes on
            end, kinds, last = max(end, b), kinds | {kind}, kind
            continue
        if len(kinds) >= 2 and free(start, end):
            add(start, end, "name_address_phone",
                "a person's " + " + ".join(k for k in ("name", "phone", "address", "id") if k in kinds) + " posted together")
        start, end, kinds, last = a, b, {kind}, kind


# -- masking ------------------------------------------------------------------------------------
# (first, last) characters shown: an ID's region code and check part, a card's issuer and last four.
_KEEP = {"holder_name": (1, 0), "resident_id": (6, 4), "bank_card": (4, 4), "bank_account": (0, 4), "passport": (3, 4), "us_ssn": (0, 4),
         "hk_id": (1, 0), "driver_licence": (0, 4), "my_ic": (0, 4), "aadhaar": (0, 4),
         "iban": (2, 4), "sg_nric": (1, 1), "uk_nino": (2, 1)}
MIN_MASKED = 0.4


def _mask_chars(value: str, first: int, last: int) -> str:
    """Replace every letter or digit with * except the first `first` and last `last` of them
    (separators stay, so the masked text has the original's length and grouping). At least
    MIN_MASKED of the letters and digits are always masked (a passport's 9 characters keep 5)."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    n = len(positions)
    keep = n - math.ceil(n * MIN_MASKED)
    while first + last > keep and first > 1:
        first -= 1
    while first + last > keep and last > 1:
        last -= 1
    hidden = set(positions[first : n - last]) if n > first + last else set(positions)
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def _mask_block(value: str) -> str:
    """A name/phone/address block as delivery slips print it: the cue word, the name's first
    character, a phone's first 3 and last 4 digits, an address down to its last administrative
    unit (北京市朝阳区); every other letter or digit is masked."""
    cue = _cue_length(value)
    shown, hidden = set(range(cue)), set()
    for m in _NAME.finditer(value):
        cue_end = m.start() + _cue_length(value[m.start():])
        shown.update(range(m.start(), cue_end))
        body = [i for i in range(cue_end, m.end()) if value[i].isalnum()]
        shown.update(body[:1])
        hidden.update(body[1:])  # never shown, even where an address reaches back over it
    for m in _MOBILE.finditer(value):
        idx = [i for i in range(m.start(), m.end()) if value[i].isdigit()]
        shown.update(idx[:3] + idx[-4:])
    for a, _ in _addresses(value):
        last_unit = None
        for u in _ADMIN_UNIT.finditer(value, a, min(len(value), a + ADDRESS_REACH)):
            last_unit = u
        if last_unit is not None:
            shown.update(range(a, last_unit.end()))
    return "".join("*" if c.isalnum() and (i in hidden or i not in shown) else c for i, c in enumerate(value))


_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ \-]?[0-9]){8}(?![0-9])")


_CUE_AT = re.compile(r"(?i:收件人|收货人|寄件人|买家姓名|客户姓名|姓名|consignee|recipient|ship to|deliver to)")


def _cue_length(value: str) -> int:
    """Length of the buyer's cue word the text starts with (0 if it starts otherwise)."""
    m = _CUE_AT.match(value)
    return m.end() if m else 0


def mask_whole(value: str) -> str:
    """Every letter and digit of `value` as *, separators kept: a text we cannot mask by its kind (a clause the
    model judged personal data, a finding's text that does not line up with its span)."""
    return "".join("*" if c.isalnum() else c for c in value)


def mask(name: str, value: str) -> str:
    """The text a personal-data finding shows instead of `value`: same length, most of it *."""
    if name == "name_address_phone":
        return _mask_block(value)
    first, last = _KEEP.get(name, (3, 4))
    return _mask_chars(value, first, last)


class Unreported(NamedTuple):
    """Personal data or a person's contact the detectors see in a field the scan did not read in full (`unreported`):
    no finding reports it, but nothing a result shows may show it. Shaped as the findings masked_fields reads."""

    field: str
    start: int
    end: int
    text: str  # masked
    term: str  # the detector's name
    category: str
    kind: str = "text"


def unreported(fields, findings, contacts: bool) -> list[Unreported]:
    """What the detectors find in `fields` ((name, original) pairs: the fields a scan did not read in full, a cap or
    the time budget having cut it short) that no finding in `findings` reports: personal data, and a person's contacts
    (CONTACT_TERMS) when `contacts` (a buyer's: scanner/speakers.py), each with its masked text. Linear in the fields'
    length, as the engine's own detection is."""
    from scanner.text.detectors import detect  # the detectors read this module's recognisers

    reported = {(f.field, f.start, f.end) for f in findings if getattr(f, "kind", None) == "text"}
    out = []
    for field, original in fields:
        for start, end, name, category, _ in detect(original):
            if (category == CATEGORY or (contacts and name in CONTACT_TERMS)) and (field, start, end) not in reported:
                out.append(Unreported(field, start, end, mask(name, original[start:end]), name, category))
    return out


def masked_fields(fields, findings, unreported_too: list | tuple = ()) -> dict[str, str]:
    """Each text field (name, original) with what its findings hide hidden: the masked copy a caller asks for with
    options.mask. A finding hides the characters where its text differs from the original (personal data, a
    buyer's contact, a finding over either: `hide_what_others_mask`), laid character by character, so two
    overlapping masks hide the union of both; so does what `unreported_too` holds (`unreported`)."""
    by_field: dict[str, list] = {}
    for f in (list(findings) + list(unreported_too)) if unreported_too else findings:
        if f.kind == "text" and f.start is not None:
            by_field.setdefault(f.field, []).append(f)
    out = {}
    for name, original in fields:
        chars = None
        for f in by_field.get(name, ()):
            piece = original[f.start : f.end]
            shown = f.text
            if len(shown) != len(piece):  # never trust a text we cannot line up: a personal-data one masked whole
                if f.category != CATEGORY:
                    continue
                shown = mask_whole(piece)
            if shown != piece:
                if chars is None:
                    chars = list(original)
                for i, c in enumerate(shown, f.start):
                    if c != original[i]:
                        chars[i] = c
        out[name] = original if chars is None else "".join(chars)
    return out


def hide_what_others_mask(findings: list, fields, signals: tuple | None = None,
                          unreported_too: list | tuple = ()) -> tuple[list, tuple | None]:
    """(findings, signals) with nothing shown that a personal-data finding or a buyer's contact (scanner/speakers.py)
    masks: a character it shows as `*` is `*` in every text finding and listing signal over it (a paid-review phrase
    holding the buyer's WeChat id, a phone number inside a person's block), and its value as written is replaced by
    its masked text wherever a `term` or an explanation quotes it (a phrase's term is the phrase). `fields`: the
    (name, original) pairs the findings index; `unreported_too`: what `unreported` found that no finding reports (a
    scan cut short), masked the same way. Run last, on the texts as returned (explanations rendered)."""
    originals = dict(fields)
    hidden: dict[str, dict[int, str]] = {}  # field -> {position: the character shown}
    quoted: dict[str, list[tuple[str, str]]] = {}  # field -> (value as written, as shown)
    for f in (list(findings) + list(unreported_too)) if unreported_too else findings:
        original = originals.get(f.field)
        if (f.kind != "text" or f.start is None or original is None or not f.text or len(f.text) != f.end - f.start
                or (f.category != CATEGORY and f.term not in CONTACT_TERMS)):
            continue
        raw = original[f.start : f.end]
        if f.text == raw:  # a seller's contact: shown as written
            continue
        hidden.setdefault(f.field, {}).update((i, c) for i, c in enumerate(f.text, f.start) if c != original[i])
        # a value no finding reports is quoted only by the finding over it (its own words, below): an alternation of
        # every value a field cut short holds would cost their number for every term and explanation
        if type(f) is not Unreported:
            quoted.setdefault(f.field, []).append((raw, f.text))
    if not hidden:  # most scans
        return findings, signals

    def shown(field: str, start: int, end: int, text: str) -> str:
        under = hidden[field]
        if len(text) != end - start or not any(i in under for i in range(start, end)):
            return text
        return "".join(under.get(i, c) for i, c in enumerate(text, start))

    # per field, one pattern of every value it masks (longest first) and what each becomes: one pass a text
    patterns: dict[str, tuple[re.Pattern, dict[str, str]]] = {}
    for field, pairs in quoted.items():
        shown_as = {raw.casefold(): masked for raw, masked in pairs}
        alternatives = "|".join(re.escape(raw) for raw in sorted(dict(pairs), key=len, reverse=True))
        patterns[field] = (re.compile(alternatives, re.IGNORECASE), shown_as)

    def unquoted(field: str, words: str | None, own: tuple[str, str] | None = None) -> str | None:
        if not words:
            return words
        if own is not None and own[0] != own[1]:  # the finding's own words (a phrase's term is the phrase)
            words = re.sub(re.escape(own[0]), lambda _m: own[1], words, flags=re.IGNORECASE)
        if field not in patterns:  # only unreported values in this field
            return words
        pattern, shown_as = patterns[field]
        return pattern.sub(lambda m: shown_as.get(m.group().casefold(), "*" * len(m.group())), words)

    out = []
    for f in findings:
        if f.kind == "text" and f.start is not None and f.field in hidden and f.text:
            text = shown(f.field, f.start, f.end, f.text)
            own = (originals[f.field][f.start : f.end], text)
            f = f._replace(text=text, term=unquoted(f.field, f.term, own),
                           explanation=unquoted(f.field, f.explanation, own))
        out.append(f)
    if signals:
        field = next(iter(originals), None)  # a review or question is one field
        if field in hidden:
            masked_signals = []
            for sig in signals:
                text = shown(field, sig.start, sig.end, sig.text)
                own = (originals[field][sig.start : sig.end], text)
                masked_signals.append(sig._replace(text=text, explanation=unquoted(field, sig.explanation, own),
                                                   explanation_zh=unquoted(field, sig.explanation_zh, own)))
            signals = tuple(masked_signals)
    return out, signals
