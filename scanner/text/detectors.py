"""Pattern detectors for off-platform contact: phone numbers, QQ/WeChat ids, URLs, e-mail.

They run on the caller's original text (so offsets need no mapping) with
patterns that tolerate the disguises sellers use in numbers: full-width digits
(`\\d` is Unicode-aware), and spaces, dashes, dots or zero-width characters
between digits.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

from scanner._compiled import load as load_compiled
from scanner.text import digit_reading, personal_data

# What may stand between the digits (or the two q's) besides whitespace.
# U+FE0F and U+20E3 (#15, tune9): a keycap digit 1️⃣ is the digit, the emoji selector and the keycap.
# (－, the full-width hyphen of a Chinese keyboard: １３６－８８２１－０４５７, #20)
_GAP_SYMBOLS = "-.*·_\u200b\u200c\u200d\u2060\ufeff\ufe0f\u20e3－"
_GAP = "[\\s" + re.escape(_GAP_SYMBOLS) + "]{0,3}"
# Phone numbers written in Chinese numerals (壹叁捌 零零壹贰 …) are read as digits.
# Also (#15, tune9) the spoken digits of radio and phone talk (洞 0, 两 2, 拐 7) and enclosed digits, one
# character each: circled ①…⑨ ⓪, parenthesised ⑴…⑼, with a full stop ⒈…⒐, dingbat ➀…➈ and ❶…❾.
_ENCLOSED_DIGITS = "⓪①②③④⑤⑥⑦⑧⑨⑴⑵⑶⑷⑸⑹⑺⑻⑼⒈⒉⒊⒋⒌⒍⒎⒏⒐➀➁➂➃➄➅➆➇➈❶❷❸❹❺❻❼❽❾⓿"
_CN_NUMERALS = "零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸幺洞两拐" + _ENCLOSED_DIGITS
_CN_DIGITS = str.maketrans(_CN_NUMERALS, "001234567891234567892361027" + "0" + "123456789" * 5 + "0")
# OCR (and sellers) write digits as look-alike letters: 8O2345671, l38 0013 8000, 1380O13800S. A number is
# read through them only when it keeps most of its real digits (at least LOOKALIKE_MIN_DIGITS of them) and
# holds at least one look-alike, in a second pass after the plain one, so a word beside a number (TEL13800…)
# never costs the plain match.
_LOOKALIKE_LETTERS = "OoIl|SB"
_LOOKALIKE_DIGITS = str.maketrans(_LOOKALIKE_LETTERS, "0011158")
_LOOKALIKE_SET = frozenset(_LOOKALIKE_LETTERS)
_CN_NOT_DIGITS = "".join(c for c in _CN_NUMERALS if not c.isdigit())  # (str.isdigit counts the rest)
LOOKALIKE_MIN_DIGITS = {"phone_number": 8, "qq_number": 6}
_DIGIT_RUN = re.compile(r"(?<!\d)(?:(?:[+＋]|plus\s?)?(?:8" + _GAP + r"6|８６)" + _GAP + r")?\d(?:" + _GAP + r"\d){10}(?!\d)", re.I)
_LANDLINE = re.compile(r"(?<![\d\w])0\d{2,3}[\s\-]{0,2}\d{3,4}[\s\-]{0,2}\d{4}(?!\d)")
# +44 20 7946 0958, +1 (415) 555-0198: an area code may stand in brackets
_INTERNATIONAL = re.compile(r"(?<![\d\w])[+＋][1-9]\d{0,2}[\s\-]?(?:\(\d{1,4}\)[\s\-]?)?\d(?:[\s\-]?\d){6,12}(?!\d)")
# q q 76554321 (letters spaced like digits) and 🐧：28817735 (the penguin is QQ's mascot) as well as QQ/扣扣/企鹅
# 加群/进群/群号 7738 2201 is a QQ group number; the digits may be spaced like a phone number's.
# 加扣/+扣 (#15, tune9) is "add my QQ"; 扣 alone is a button or a buckle, so only with the add sign.
# q群 (#20, tunerev15) is a QQ group: "q群 7 2 8 3 1 6 0 4 5".
_QQ_WORD = r"q" + _GAP + r"q|q ?群|扣扣|[加+＋➕]扣|企鹅|🐧|加群|进群|群号"
# The gaps around the colon are possessive: with plain \s*[:：]?\s* a long blank run has
# quadratically many splits between the two, all tried when no number follows. A colon or a
# digit is never whitespace, so the greedy split is the only one that can match anyway.
# 扣扣找我：…, 微信联系我：… (#15, twenty-second session): a short "reach me" phrase between the word and the colon
_REACH_ME = r"(?:找我|加我|联系我|私我|搜我)"
_QQ = re.compile(r"(?i)(?<![a-z])(?:" + _QQ_WORD + r")(?:号码|号|群号|群)?(?:是|为)?\s*+(?:" + _REACH_ME + r"\s*+[:：]|[:：]?)\s*+[1-9](?:" + _GAP + r"\d){4,10}(?!\d)")
# A weaker QQ word (#20, session 17: eleven review writers): q alone, 扣 alone (a button, a buckle, a deduction, a
# live-stream "扣1"), and the homophones 蔻蔻/寇寇/抠抠, then a blank or a colon, then 7 to 11 digits with blanks or
# a hyphen between them (spaced, spelled in numerals or full width like the strong word's). A model is written
# against q (Q5, Q235), a cheer against 扣 (扣6666666); a size list, a year range or an amount has a unit or another
# number after it (磁扣 18 20 22 25mm, Q: 2023-2024款, 被扣 1000000 积分, 10-12-15mm); 折扣/回扣/直扣 are words of
# their own. `_weak_qq_number` then refuses a run of one or two digits over and over (扣888888888), a counting
# run (立扣 2 3 4 5 6 7 8), a date (20241111), rising sizes or years (35 36 37 38, 2024 2025) and 520 1314.
_WEAK_QQ_WORD = r"(?<![a-z0-9])q(?![a-z群])|(?<![扣折纽回被预直减])扣(?![扣款])|蔻蔻|寇寇|抠抠"
_WEAK_QQ = re.compile(r"(?i)(?:" + _WEAK_QQ_WORD + r")(?:号码|号)?(?:\s*+[:：]\s*+|[ \t\u3000]++)[1-9](?:(?:[ \t\u3000]{0,2}|-)\d){6,10}(?!\d)"
                      r"(?![ \t\u3000]*+(?:[-.*/~][ \t\u3000]*\d|元|块|分|积分|个|次|天|颗|件|粒|只|条|号|款|码|年|月|日|米|编号|型号|货号|配件|%|％|mm|cm|m\b|kg|g\b|ml|k\b|w\b|万|千|百))")


def _weak_qq_number(span: str) -> bool:
    """The digits a weaker QQ word stands before look like an account number, not a repeated, counting or date run."""
    groups = "".join(str(unicodedata.digit(c)) if c.isdigit() else " " for c in span).split()  # runs between blanks/-
    digits = "".join(groups)
    if len(set(digits)) <= 2 or digits in "0123456789" or digits in "9876543210" or digits in _LOVE_NUMBERS:
        return False
    if len(digits) == 8 and digits[:2] in ("19", "20") and "01" <= digits[4:6] <= "12" and "01" <= digits[6:] <= "31":
        return False  # a date (20241111)
    rising = len({len(g) for g in groups}) == 1 and len(groups[0]) >= 2 and all(
        int(a) < int(b) for a, b in zip(groups, groups[1:]))
    if rising and (len(groups) >= 3 or (len(groups) == 2 and all(g[:2] in ("19", "20") for g in groups))):
        return False  # a run of sizes or years (35 36 37 38 39, 2024 2025, 2018-2022)
    return True


# 520 1314 (我爱你一生一世) and its turns: a live-stream cheer, not an account number
_LOVE_NUMBERS = ("5201314", "1314520", "52013141", "5211314")


_WECHAT_WORD = r"微信|威信|薇信|徽信|v信|[加+＋➕]微|[❤♥💚]\ufe0f?信"
# 微信：shop_88, V❤：girl66 (a symbol or two before the colon), and without a colon after a
# Chinese app word when the id has a digit or underscore (加微信 cake_lily, not 微信 支付).
_SAYS_IS = r"(?:是|为|👉|➡\ufe0f?|→|->|=)"
_WECHAT_ID = re.compile(
    r"(?i)(?:" + _WECHAT_WORD + r"|vx|wx|weixin|wechat|(?<![a-z])v)(?:号|id)?[^\w\s:：]{0,2}\s*(?:" + _REACH_ME + r"\s*)?[:：]\s*([a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])"
    r"|(?:" + _WECHAT_WORD + r")号?\s+((?=[-_a-z0-9]*[\d_])[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])"
    # "我 v 是 chihuo_2024", "加主播 V 👉 zb888" (#20, session 16: three review writers): 是/为 or an arrow for the colon,
    # the id made up (a digit or an underscore), as after a weak channel word
    r"|(?:" + _WECHAT_WORD + r"|vx|wx|weixin|wechat|(?<![a-z])v)(?:号|id)?[^\w\s:：]{0,3}\s*+" + _SAYS_IS + r"\s*+"
    r"((?=[-_a-z0-9]*[\d_])[a-z][-_a-z0-9]{4,19})(?![-_a-z0-9])"
)
# The same contact said with a weaker channel word (#15): a homophone character (薇, 威), 卫星/🛰 (wei xing, a
# pun on 微信), V我 / +V (V = WeChat) with a few words before the colon, LINE ids. These words are too
# common to count alone, so the id after the colon must look made up: a digit or an underscore in it.
# 加V/V我 may have a few words before the colon (V我看实拍：…); 加薇 and a bare 薇/威/卫星 only symbols
# (➕薇：…, 威❤：…), and a bare one must not end a Chinese word (嘉薇 and 加薇芯 are listed terms).
_WEAK_CHANNEL = (r"(?:[加+＋➕]v|v我)[\u4e00-\u9fff]{0,4}|[加+＋➕](?:薇|威|卫星|🛰)"
                 r"|(?<![\u4e00-\u9fff])(?:薇|威|卫星(?:联系|私聊|搜)?)|🛰|加line|line\s?id")
_CHANNEL_HANDLE = re.compile(
    r"(?i)(?:" + _WEAK_CHANNEL + r")(?:号|id)?[^\w\s:：]{0,3}\s*+(?:[:：]|" + _SAYS_IS + r")?\s*+"
    r"((?=[-_a-z0-9]*[\d_])[a-z][-_a-z0-9]{4,19})(?![-_a-z0-9])"
)
# An id after a social or messaging app's name and a colon (Discord: inkfox#2231, LINE 我：shop_88, tele: r_ae.2024;
# #15, twenty-second session). The id must look made up (a digit, an underscore, a dot or a # inside, and three
# letters at least: "Signal: strong", "tg: 5g_ready" and "Line: v2.0" are no ids). An app's rare name may have an id
# word and a "reach me" before the colon; a short name that is also a word (tele, ins, ig, snap, signal) only with
# the colon right after it, and line only as LINE id / LINE 我 / LINE 号 ("Production line: L2_speed").
_SOCIAL_APP_RARE = ("discord", "disc0rd", "telegram", "snapchat", "kakaotalk", "kakao", "instagram", "skype", "whatsapp",
                    "messenger")
_SOCIAL_APP_SHORT = ("tele", "tg", "ins", "insta", "ig", "snap", "signal")
_SOCIAL_ID = re.compile(
    r"(?i)(?<![a-z0-9])(?:(?:" + "|".join(_SOCIAL_APP_RARE) + r")(?:[ \t]?(?:id|号|账号|handle))?[ \t]*+(?:我|"
    + _REACH_ME + r")?[ \t]*+[:：]|(?:" + "|".join(_SOCIAL_APP_SHORT) + r")[:：]|line ?(?:id|我|号)[ \t]*+(?:"
    + _REACH_ME + r")?[ \t]*+[:：])"
    r"[ \t]*+[@＠]?((?=[a-z0-9._#-]*[\d_.#])(?=(?:[0-9._#-]*[a-z]){3})[a-z][a-z0-9._#-]{3,29})(?<![.#-])(?![a-z0-9_#])"
)
# could_detect's literals for it, and the hint that runs it: each name as the regex needs it
_SOCIAL_LITERALS = (*_SOCIAL_APP_RARE, *(f"{name}{colon}" for name in _SOCIAL_APP_SHORT for colon in ":："),
                    "line id", "lineid", "line我", "line 我", "line号", "line 号")
_SOCIAL_HINT = "|".join(re.escape(w) for w in _SOCIAL_LITERALS)
_TLDS = "com|cn|net|org|io|me|co|shop|top|xyz|cc|tk|info|biz|app|link|ly|vip|club|site"
_URL = re.compile(
    r"(?i)(?:https?://|www\.)[^\s<>\"'，。、；）)\]]+"
    r"|(?<![@\w.-])(?:[a-z0-9-]++\.)++(?:" + _TLDS + r")"
    r"(?:/[^\s<>\"'，。、；）)\]]*)?(?![\w.])"
)
_EMAIL = re.compile(r"(?i)(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# name [at] gmail [dot] com, name(at)qq(dot)com: the spelled-out form sellers use to slip past filters
_AT, _DOT = r"\s*[\[(（]\s*at\s*[\])）]\s*", r"\s*(?:\.|[\[(（]\s*dot\s*[\])）])\s*"
_SPELLED_EMAIL = re.compile(r"(?i)(?<![\w.+-])[\w.+-]+" + _AT + r"[a-z0-9-]+(?:" + _DOT + r"[a-z0-9-]+)*" + _DOT + r"[a-z]{2,}(?![a-z])")
# name at gmail dot com: no brackets at all. The last dot must be the word "dot" before a known
# top-level domain ("meet us at noon" has none); the address's own dots may stay dots.
_WORDED_EMAIL = re.compile(
    r"(?i)(?<![a-z0-9._%+-])[a-z0-9._%+-]+(?:\s+at\s+|" + _AT + r")[a-z0-9-]+(?:(?:\.|\s+dot\s+)[a-z0-9-]+)*"
    r"\s+dot\s+(?:" + _TLDS + r")(?![a-z0-9])"
)
# w w w 点 shop88 点 com, beanbarn dot shop (slash deals): a link whose dots are spelled out as 点/點 or the word
# "dot" (#15, tune10). Labels are ASCII words of at most 41 characters, at most four of them, so the work per
# start is bounded. With 点 a label may hold single spaces (w w w, mei zhuang 88) and starts only where no word
# or word-and-space stands before it (one start per run of spaced letters). With the English "dot" a label is one
# word, not an article (the dot com era), not polka (polka dot top is a blouse), and the domain is a common
# shop one not followed by era/boom/bubble.
_SPELLED_TLDS = "com|net|org|cn|io|co|shop|store|site"
_ZH_LABEL = r"[a-z0-9](?:[a-z0-9-]|[ \t](?=[a-z0-9])){0,40}+"
_ZH_SEP = r"[ \t]*[点點][ \t]*"
_EN_LABEL = r"(?!(?:the|a|an|of|polka)[ \t])[a-z0-9][a-z0-9-]{0,40}+"
_EN_SEP = r"[ \t]+dot[ \t]+"
_NOT_TLD = r"(?!(?:" + _SPELLED_TLDS + r")(?![a-z0-9]))"
_SPELLED_LINK = re.compile(
    r"(?i)(?<![a-z0-9])(?<![a-z0-9][ \t])" + _ZH_LABEL + r"(?:" + _ZH_SEP + _NOT_TLD + _ZH_LABEL + r"){0,3}+"
    + _ZH_SEP + r"(?:" + _SPELLED_TLDS + r")(?![a-z0-9])"
    + r"|(?<![a-z0-9.])" + _EN_LABEL + r"(?:" + _EN_SEP + _NOT_TLD + _EN_LABEL + r"){0,3}+"
    + _EN_SEP + r"(?:" + _SPELLED_TLDS + r")(?![a-z0-9])(?![ \t]+(?:era|boom|bubble|crash|days|years))"
    + r"(?:[ \t]+slash[ \t]+[a-z0-9-]{1,40})?"
)
# Call or text five five five, two one nine, eight eight four zero: seven to fifteen digits
# written as English words, counted only after a word that says it is a number to call.
_DIGIT_WORDS = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORD_DIGIT = "(?:" + "|".join(_DIGIT_WORDS) + ")"
_SPELLED_PHONE = re.compile(r"(?i)(?<![a-z])" + _WORD_DIGIT + r"(?:[\s,.\-]{1,3}" + _WORD_DIGIT + r"){6,14}(?![a-z])")
_SPELLED_PHONE_CUE = re.compile(
    r"(?i)(?<![a-z])(?:call|text|txt|phone|tel|mobile|cell|sms|dial|ring|whatsapp|contact|reach|number)(?![a-z])"
)
SPELLED_PHONE_CUE_WINDOW = 40  # characters before the number in which the cue must stand
# North American numbers (917.555.0143, (415) 555-0198) without +1: counted only after the same cue
# words as spelled-out numbers less "number" and "ring" (part number 800-555-1234 is a part number).
# (h/p, handphone: Malaysia's and Singapore's word for a mobile: #20)
_NANP_CUE = re.compile(r"(?i)(?<![a-z])(?:call|text|txt|phone|tel|mobile|cell|sms|dial|whatsapp|contact|reach|h/p|handphone)(?![a-z])")
_NANP = re.compile(r"(?<![\w.+])\(?[2-9]\d{2}\)?[\s.\-]?\d{3}[.\-\s]\d{4}(?![\w]|\.\d)")
# Other markets' numbers in national form (UK 07700 900123, Malaysia 012-345 6789, Philippines 0917 123 4567,
# Australia 0412 345 678, France 06 12 34 56 78): a trunk 0 and 9 to 12 more digits, counted only after the same
# cue words (the 0 also opens order, batch and tracking numbers).
_NATIONAL = re.compile(r"(?<![\w.+])0\d(?:[\s.\-]?\d){8,11}(?![\w]|\.\d)")

# Cheap necessary conditions: most copy has no contact details, so each detector runs
# only if its hint matches. A hint must match wherever its detector can (tests run every
# pattern unconditionally as the oracle). Word hints read the lower-cased text.
_ANY_DIGIT = r"[\d" + _CN_NUMERALS + "]"
# 7 digits (Chinese numerals count), at most 3 other characters between each two. The gap
# excludes numerals and is possessive (no backtracking); it still matches wherever a gap of
# any 3 non-digits would, because numerals inside such a gap only shorten the chain's gaps.
_PHONE_HINT = re.compile(_ANY_DIGIT + r"(?:[^\d" + _CN_NUMERALS + r"]{0,3}+" + _ANY_DIGIT + "){6}")
_QQ_HINT = _QQ_WORD
_WECHAT_HINT = r"微信|威信|薇信|徽信|v信|[加+＋➕]微|[❤♥💚]\ufe0f?信|vx|wx|weixin|wechat|v[^\w\s:：]{0,2}\s*(?:[:：]|是|为|👉|➡|→|->|=)|[加+＋➕]v|v我|薇|威|卫星|🛰|加line|line\s?id"
_EMAIL_HINT = r"@|＠|[\[(（]\s*at\s*[\])）]|\sdot\s"
# Two digit words in a row: every spelled-out number has them. It opens with a character
# class so the regex engine can skip ahead (a leading lookbehind made it three times slower);
# the class and tails admit a few non-words (tix), which only makes the hint weaker.
_SPELLED_PHONE_HINT = (
    "[" + "".join(sorted({w[0] for w in _DIGIT_WORDS})) + "](?<![a-z].)(?:" + "|".join(dict.fromkeys(w[1:] for w in _DIGIT_WORDS)) + ")"
    r"[\s,.\-]{1,3}" + _WORD_DIGIT
)
# A link needs a scheme, www. or a dot before a top-level domain -- possibly with spaces
# around the dot or slashes when the seller spaced it out (t . me / shop).
_LINK_HINT = r"\.\s*(?:" + _TLDS + r")(?![a-z0-9])|www\s*\.|:\s*/\s*/"
# A spelled-out dot before a top-level domain (点 com, 點 cn, " dot shop"); the " dot " half is _DOT_WORD_HINT's.
_SPELLED_LINK_HINT = r"[点點]\s*(?:" + _TLDS + r")(?![a-z0-9])|\sdot\s"
# @handles (DM @shop.lab, Telegram @x_99) are contact only where the copy says how to reach them:
# an @ on its own is also a price (2@$5), a mention or a decoration.
_HANDLE = re.compile(r"(?i)(?<![\w.@＠])[@＠][ \t]?[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?(?![\w@])")
_HANDLE_CUE = re.compile(
    r"(?i)(?<![a-z])(?:dm|pm|message|follow|ig|ins|insta|instagram|telegram|tg|tiktok|whatsapp|snapchat|twitter|discord|line)(?![a-z])"
    r"|the gram|私信|私我|找我|关注|联系|小红书|抖音|微博|推特|电报|纸飞机"
)
HANDLE_CUE_WINDOW = 20  # characters before the @ in which a cue must stand
# Whitespace next to . / : @ -- dropped to read a spaced-out link. Whole runs only: a run
# before . / : @ is tried from its first character alone, possessively, since `\s+(?=[./:@])`
# retried from every character of a long blank run (quadratic) and a shorter run never matches.
_LINK_SPACES = re.compile(r"(?<=[./:@])\s+|(?<!\s)\s++(?=[./:@])")

# (start, end, detector name, category, detail)
Hit = tuple[int, int, str, str, str]


class _Covered:
    """The union of some hits' spans, merged and sorted: whether a point lies inside it or a
    span overlaps it, in O(log hits). Asking `any(...)` of every hit for every match was
    O(hits²): a field of 20,000 e-mail addresses or landlines took seconds to a minute.
    Hits a detector adds while it runs need no entry: a regex's own matches never overlap."""

    __slots__ = ("starts", "ends")

    def __init__(self, hits) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in sorted((h[0], h[1]) for h in hits):
            if a >= b:
                continue
            if self.ends and a < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], b)
            else:
                self.starts.append(a)
                self.ends.append(b)

    def contains(self, x: int) -> bool:
        """Some hit h has h.start <= x < h.end."""
        i = bisect_right(self.starts, x) - 1
        return i >= 0 and x < self.ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        """Some hit h has h.start < end and start < h.end."""
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and start < self.ends[i]


def _digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in s if c.isdigit())


# The only non-ASCII characters that `(?i)` matches to an ASCII letter but str.lower()
# does not turn into it (İ lowers to two characters).
_ODD_CASE = {0x130: "i", 0x131: "i", 0x17F: "s"}


def _lower(text: str) -> str:
    if not text.isascii() and ("İ" in text or "ı" in text or "ſ" in text):
        text = text.translate(_ODD_CASE)
    return text.lower()


def _qq(text: str, hits: list[Hit]) -> None:
    digits_text = text.translate(_CN_DIGITS)  # 扣扣：伍柒叁捌… (same length: offsets carry over)
    hits += [(m.start(), m.end(), "qq_number", "diversion", "a QQ number") for m in _QQ.finditer(digits_text)]
    if _has_lookalike(text):
        taken = _Covered(hits)
        for m in _QQ.finditer(digits_text.translate(_LOOKALIKE_DIGITS)):
            if not taken.overlaps(m.start(), m.end()) and _read_through_lookalikes(text, m, "qq_number"):
                hits.append((m.start(), m.end(), "qq_number", "diversion", "a QQ number (letters read as digits)"))
    taken = _Covered(hits)
    hits += [(m.start(), m.end(), "qq_number", "diversion", "a QQ number after a weaker QQ word (q, 扣, 蔻蔻)")
             for m in _WEAK_QQ.finditer(digits_text)
             if not taken.overlaps(m.start(), m.end()) and _weak_qq_number(digits_text[m.start():m.end()])]


def _has_lookalike(text: str) -> bool:
    return any(c in text for c in _LOOKALIKE_LETTERS)


def _read_through_lookalikes(text: str, m: re.Match, kind: str) -> bool:
    """The match of a look-alike pass holds a look-alike letter and enough real digits to be a number: its
    characters that are digits or Chinese numerals (an enclosed digit ① is both, counted once), counted by map()
    rather than a generator per character (a field of o0 o0 … asks this of every 11-digit stretch: red-team R01)."""
    span = text[m.start():m.end()]
    real = sum(map(str.isdigit, span)) + sum(map(_CN_NOT_DIGITS.__contains__, span))
    return real >= LOOKALIKE_MIN_DIGITS[kind] and not _LOOKALIKE_SET.isdisjoint(span)


def _spelled_phones(text: str, hits: list[Hit]) -> None:
    for m in _SPELLED_PHONE.finditer(text):
        if _SPELLED_PHONE_CUE.search(text, max(0, m.start() - SPELLED_PHONE_CUE_WINDOW), m.start()):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a phone number spelled out in words"))


def _wechat(text: str, hits: list[Hit]) -> None:
    hits += [(m.start(), m.end(), "wechat_id", "diversion", "a WeChat id") for m in _WECHAT_ID.finditer(text)]
    taken = _Covered(hits)
    hits += [(m.start(), m.end(), "wechat_id", "diversion", "a messaging id after a disguised channel word")
             for m in _CHANNEL_HANDLE.finditer(text) if not taken.overlaps(m.start(), m.end())]



def _social_ids(text: str, hits: list[Hit]) -> None:
    taken = _Covered(hits)
    hits += [(m.start(), m.end(), "social_handle", "diversion", "an id on a social or messaging app")
             for m in _SOCIAL_ID.finditer(text) if not taken.overlaps(m.start(), m.end())]


def _handles(text: str, hits: list[Hit]) -> None:
    emails = _Covered(h for h in hits if h[2] == "email")
    for m in _HANDLE.finditer(text):
        # the cue stands just before the handle: "DM @x", "Telegram @x", "关注 @x"
        if _HANDLE_CUE.search(text, max(0, m.start() - HANDLE_CUE_WINDOW), m.start()) and not emails.contains(m.start()):
            hits.append((m.start(), m.end(), "social_handle", "diversion", "a social-media handle to contact off the platform"))


def _emails(text: str, hits: list[Hit]) -> None:
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address") for m in _EMAIL.finditer(text)]
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address spelled out with [at]/[dot]")
             for m in _SPELLED_EMAIL.finditer(text)]
    hits += [(m.start(), m.end(), "email", "diversion", "an e-mail address spelled out with at/dot")
             for m in _WORDED_EMAIL.finditer(text)]


# could_detect: the word hints split into literals (a substring test is a fast search)
# and the few parts that need a regex, each run alone so it can skip ahead on its first
# character: one alternation of everything was twice as slow.
_HINT_LITERALS = ("qq", "q群", "q 群", "扣扣", "加扣", "+扣", "＋扣", "➕扣", "企鹅", "🐧", "加群", "进群", "群号",
                  "微信", "威信", "薇信", "徽信", "v信", "加微", "+微", "＋微", "➕微",
                  "vx", "wx", "weixin", "wechat", "@", "＠", "❤信", "♥信", "💚信", "❤\ufe0f信", "♥\ufe0f信", "💚\ufe0f信",
                  *_SOCIAL_LITERALS,  # an app's name before an id (_SOCIAL_ID)
                  # weaker channel words before an id (_WEAK_CHANNEL)
                  "加v", "+v", "＋v", "➕v", "v我", "薇", "威", "卫星", "🛰", "加line", "line id", "lineid",
                  # personal data without seven digits: a buyer's name cue, a passport word
                  *personal_data.NAME_CUE_WORDS, *personal_data.PASSPORT_WORDS, *personal_data.ID_WORDS)
# v, a symbol or two, then a colon, 是/为 or an arrow before an id (V❤：id, v 是 id, V 👉 id; _WECHAT_ID)
_V_SAYS = r"v[^\w\s:：]{0,2}\s*(?:[:：]|是|为|👉|➡|→|->|=)"
_V_COLON_HINT = re.compile(_V_SAYS)
_AT_HINT = re.compile(r"[\[(（]\s*at\s*[\])）]")
_SPACED_QQ_HINT = re.compile(r"q" + _GAP + r"q")
_DOT_WORD_HINT = re.compile(r"\sdot\s")
_SPELLED_PHONE_HINT_RE = re.compile(_SPELLED_PHONE_HINT)
_LINK_HINT_RE = re.compile(_LINK_HINT)
_SPELLED_DOT_HINT_RE = re.compile(r"[点點]\s*(?:" + _TLDS + r")(?![a-z0-9])")


def could_detect_python(text: str) -> bool:
    """False only if no detector can match anywhere in `text` (every hint, cheaply).
    The definition; `could_detect` is scanner/text/_hints_c.pyx doing the same in one pass
    when the extension is built."""
    low = _lower(text)
    for literal in _HINT_LITERALS:
        if literal in low:
            return True
    if "v" in low and _V_COLON_HINT.search(low):
        return True
    if "q" in low and _SPACED_QQ_HINT.search(low):
        return True
    if "dot" in low and _DOT_WORD_HINT.search(low):
        return True
    if ("点" in low or "點" in low) and _SPELLED_DOT_HINT_RE.search(low):
        return True
    if _SPELLED_PHONE_HINT_RE.search(low):
        return True
    return bool(_AT_HINT.search(low) or _LINK_HINT_RE.search(low) or _PHONE_HINT.search(text))


def _load_compiled():
    module = load_compiled("text._hints_c", 6, "the Python detector hints")
    if module is not None:
        module.configure(_HINT_LITERALS, _TLDS.split("|"), _DIGIT_WORDS, _CN_NUMERALS, _GAP_SYMBOLS)
    return module


_compiled = _load_compiled()
COMPILED: bool = _compiled is not None
could_detect = _compiled.could_detect if _compiled is not None else could_detect_python


def digit_hint(text: str) -> bool:
    """Does `text` hold the digit run that makes detect() read phone numbers and personal data?"""
    return _PHONE_HINT.search(text) is not None


def detect(text: str) -> list[Hit]:
    if not text:
        return []
    hits: list[Hit] = []
    digits = _PHONE_HINT.search(text) is not None
    if digits:
        _phones(text, hits)
    low = _lower(text)
    words = False
    for hint, run in _DETECTORS:
        if hint.search(low):
            run(text, hits)
            words = words or run is _spelled_phones
    if digits or personal_data.could_detect(low):
        hits = personal_data.detect(text, hits, low)
    # seven digits, or two digit words in a row: a number may be written so only its reading shows it
    if (digits or words) and digit_reading.could_read(text, words):
        hits = _read_numbers(text, hits)
    return hits


def _read_numbers(text: str, hits: list[Hit]) -> list[Hit]:
    """The phone and personal-data recognisers once more on the digit reading of `text` (scanner/text/digit_reading.py:
    spelled, spaced, full-width, Chinese-numeral and look-alike digits as one ASCII run each), for the personal data
    only the reading shows; each such finding maps back onto `text`, and a contact hit inside it is dropped."""
    reading = digit_reading.read(text)
    if reading is None:
        return hits
    read, starts, ends = reading
    read_hits: list[Hit] = []
    _phones(read, read_hits)
    old = [h for h in hits if h[3] == personal_data.CATEGORY]
    new: list[Hit] = []
    for a, b, name, category, detail in personal_data.detect(read, read_hits, _lower(read), _spaced=False):
        if category != personal_data.CATEGORY:
            continue
        start, end = digit_reading.to_original(starts, ends, a, b)
        if read[a:b] == text[start:end]:
            continue  # found as it stands
        # a block of the reading replaces those of the text it holds whole (a block that now has its phone too)
        inside = [h for h in old if start < h[1] and h[0] < end]
        if inside and all((h[0], h[1], h[2]) == (start, end, name) for h in inside):
            continue  # found the same in the text
        if not inside or (name == "name_address_phone" and all(start <= h[0] and h[1] <= end for h in inside)):
            old = [h for h in old if h not in inside]
            new.append((start, end, name, category, detail + digit_reading.READ_DETAIL))
    if not new:
        return hits
    spans = _Covered(new)
    return [h for h in hits if h[3] != personal_data.CATEGORY and not (spans.contains(h[0]) and spans.contains(h[1] - 1))] + old + new


def _is_mobile(run: str) -> bool:
    digits = _digits(run)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


# A number labelled as an order or parcel number right before it is that, even when shaped like a mobile number
# (京东订单号 13562984471: #20, tunerev13); only the label itself and a colon or blank may stand between.
_ORDER_LABEL = re.compile(r"(?:订单|单号|运单|快递单|物流单|(?i:order|tracking|waybill|parcel))(?:号|编号|(?i: no\.?| number| #|#))?[ \t:：#]*$")
ORDER_LABEL_REACH = 16


def _labelled_order(text: str, start: int) -> bool:
    return _ORDER_LABEL.search(text, max(0, start - ORDER_LABEL_REACH), start) is not None


def _phones(text: str, hits: list[Hit]) -> None:
    digits_text = text.translate(_CN_DIGITS)  # same length, so offsets carry over
    for m in _DIGIT_RUN.finditer(digits_text):
        if _is_mobile(m.group()) and not _labelled_order(text, m.start()):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a mainland mobile number"))
    if _has_lookalike(text):
        taken = _Covered(hits)
        for m in _DIGIT_RUN.finditer(digits_text.translate(_LOOKALIKE_DIGITS)):
            if (not taken.overlaps(m.start(), m.end()) and _is_mobile(m.group())
                    and _read_through_lookalikes(text, m, "phone_number")):
                hits.append((m.start(), m.end(), "phone_number", "diversion",
                             "a mainland mobile number (letters read as digits)"))
    if "+" in text or "＋" in text:
        taken = _Covered(hits)
        for m in _INTERNATIONAL.finditer(text):
            if not taken.contains(m.start()):
                hits.append((m.start(), m.end(), "phone_number", "diversion", "an international phone number"))
    taken = _Covered(hits)
    for m in _LANDLINE.finditer(text):
        if not taken.contains(m.start()):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a landline number"))
    taken = _Covered(hits)
    for m in _NANP.finditer(text):
        if not taken.overlaps(m.start(), m.end()) and _NANP_CUE.search(
            text, max(0, m.start() - SPELLED_PHONE_CUE_WINDOW), m.start()
        ):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a North American phone number"))
    taken = _Covered(hits)
    for m in _NATIONAL.finditer(text):
        if not taken.overlaps(m.start(), m.end()) and _NANP_CUE.search(
            text, max(0, m.start() - SPELLED_PHONE_CUE_WINDOW), m.start()
        ):
            hits.append((m.start(), m.end(), "phone_number", "diversion", "a phone number in national form"))
    if _has_lookalike(text):  # ... its digits maybe look-alike letters (tel o12-3456 789, phone O9O8 123 456)
        taken = _Covered(hits)
        for m in _NATIONAL.finditer(text.translate(_LOOKALIKE_DIGITS)):
            if (not taken.overlaps(m.start(), m.end()) and _read_through_lookalikes(text, m, "phone_number")
                    and _NANP_CUE.search(text, max(0, m.start() - SPELLED_PHONE_CUE_WINDOW), m.start())):
                hits.append((m.start(), m.end(), "phone_number", "diversion",
                             "a phone number in national form (letters read as digits)"))


def _links(text: str, hits: list[Hit]) -> None:
    emails = _Covered(h for h in hits if h[2] == "email")
    for m in _URL.finditer(text):
        if not emails.contains(m.start()):
            hits.append((m.start(), m.end(), "url", "diversion", "a link to another site"))
    # Links written with spaces around their dots and slashes: t . me / shop, www . x . com
    gaps = [m.span() for m in _LINK_SPACES.finditer(text)]
    if not gaps:
        return
    squeezed = _LINK_SPACES.sub("", text)
    found = [m.span() for m in _URL.finditer(squeezed)]
    if not found:
        return
    # squeezed index k -> original index: k plus the widths of the gaps removed before it
    kept_starts, shifts, removed = [], [], 0
    for a, b in gaps:
        kept_starts.append(a - removed)
        removed += b - a
        shifts.append(removed)

    def original(k: int) -> int:
        i = bisect_right(kept_starts, k)
        return k + (shifts[i - 1] if i else 0)

    taken = _Covered(hits)
    for a, b in found:
        start, end = original(a), original(b - 1) + 1
        if not taken.overlaps(start, end):
            hits.append((start, end, "url", "diversion", "a link written with spaces"))


def _spelled_links(text: str, hits: list[Hit]) -> None:
    taken = _Covered(hits)  # an e-mail's "gmail dot com" is that e-mail's
    for m in _SPELLED_LINK.finditer(text):
        if not taken.overlaps(m.start(), m.end()):
            hits.append((m.start(), m.end(), "url", "diversion", "a link with its dots spelled out (点, dot)"))


# (hint on the lower-cased text, detector) in the order hits are reported after phones.
_DETECTORS = (
    (re.compile(_QQ_HINT + "|q|扣|蔻蔻|寇寇|抠抠"), _qq),  # the weaker words too: this runs behind the digits' hint
    (re.compile(_WECHAT_HINT), _wechat),
    (re.compile(_SOCIAL_HINT), _social_ids),
    (re.compile(_EMAIL_HINT), _emails),
    (re.compile(r"@|＠"), _handles),
    (re.compile(_LINK_HINT), _links),
    (_SPELLED_PHONE_HINT_RE, _spelled_phones),
    (re.compile(_SPELLED_LINK_HINT), _spelled_links),
)
