"""Why a finding fired: the reasons as data, and their rendering in English and Chinese.

The stages attach `Reason(code, params)` to each finding and decide from those; the
explanation text is rendered from them here, in English, once, at the end of verification
(`render`). A reason added after that (policy.score_findings) is appended with `with_reason`.
A scan asked for another language (categories.LANGUAGES) re-renders the findings it returns
from their reasons at the very end (scanner/engine.py), so the hot path never pays for it.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from scanner.categories import EXPLANATION_LABELS as CATEGORY_LABELS
from scanner.categories import EXPLANATION_LABELS_ZH as CATEGORY_LABELS_ZH
from scanner.results import Finding, Reason
from scanner.text.matcher import Candidate
from scanner.text.normalize import CJK_CLASS, SYMBOL_GAP, normalise_term


def reason(code: str, **params: Any) -> Reason:
    return Reason(code, params)


# -- how a hit was disguised -------------------------------------------------------------------

_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")  # the characters is_cjk accepts
_LEET_CHAR = re.compile(r"[013457@$!|]")
# Disguises that are other ways of writing a word, not attempts to hide it: no score bonus.
SPELLINGS = frozenset({"pinyin", "slang"})


def disguises(c: Candidate) -> tuple[Reason, ...]:
    """How the original differs from the plain spelling: for explanations and scoring."""
    original = c.norm.original[c.start : c.end]
    text = c.norm.text[c.norm_start : c.norm_end]
    notes = []
    if original != text:  # most hits are written plainly: nothing to look for
        if len(original) > len(text):
            notes.append(reason("separators_removed"))
        if any("\uff01" <= ch <= "\uff5e" for ch in original):
            notes.append(reason("full_width"))
        if any("\U0001f150" <= ch <= "\U0001f189" for ch in original):
            notes.append(reason("emoji_letters"))  # 🅽🅸🅺🅴, Pr🅰da
        if _CJK_CHAR.findall(original) != _CJK_CHAR.findall(text):
            notes.append(reason("variant_characters"))
    key = c.norm.key[c.norm_start : c.norm_end]
    if SYMBOL_GAP in key:
        if _alnum_count(key) < _alnum_count(normalise_term(c.pattern.alias)):
            notes.append(reason("symbol_for_letters"))  # Chan🌸l, Lu🍋lemon
        else:
            notes.append(reason("symbol_between_letters"))  # O🔥MEGA, North⭐Face
    if _LEET_CHAR.search(text) and (key != text.replace("l", "i") or _leet_edge(key, normalise_term(c.pattern.alias))):
        notes.append(reason("leetspeak"))  # read as letters by the normaliser, or a leet first or last letter (4didas, Gucc1)
    if c.pattern.form == "variant":
        notes.append(reason("look_alike", alias=c.pattern.alias))
    elif c.pattern.form == "pinyin":
        notes.append(reason("pinyin", alias=c.pattern.alias))
    elif c.pattern.form == "slang":
        notes.append(reason("slang", alias=c.pattern.alias))
    return tuple(notes)


def _alnum_count(key: str) -> int:
    return sum(ch.isalnum() for ch in key)


def _leet_edge(key: str, alias_key: str) -> bool:
    """Does a hit differ from its listed spelling in the first or last character (a digit the
    dictionary carries for that letter)?"""
    return key[:1] != alias_key[:1] or (key[-1:] != alias_key[-1:] and key[-1:].isdigit())


def basis(note: str) -> tuple[Reason, ...]:
    """A word-list note's first clause is its source or legal basis; the rest is for the people
    curating the list."""
    text = note.split(";")[0].strip()
    return (reason("basis", text=text),) if text else ()


def normalised(disguised: tuple[Reason, ...]) -> tuple[Reason, ...]:
    return (reason("normalised", disguises=disguised),) if disguised else ()


# -- rendering -----------------------------------------------------------------------------------

# Closed vocabularies inside reason params, as Chinese explanations name them (the English ones are the
# values themselves). A value missing here is shown as it is: never a failed render.
_DETECTOR_DETAILS_ZH = {  # scanner/text/detectors.py
    "a QQ number": "QQ 号",
    "a QQ number (letters read as digits)": "QQ 号（字母当数字读）",
    "a QQ number after a weaker QQ word (q, 扣, 蔻蔻)": "QQ 号（前面是 q、扣、蔻蔻 等弱写法）",
    "a phone number spelled out in words": "用文字写出的电话号码",
    "a WeChat id": "微信号",
    "a messaging id after a disguised channel word": "变形的联系方式名称（薇、V我、卫星等）后的账号",
    "an id on a social or messaging app": "社交或聊天软件名称（Discord、LINE、Telegram 等）后的账号",
    "a social-media handle to contact off the platform": "用于站外联系的社交媒体账号",
    "an e-mail address": "电子邮箱地址",
    "an e-mail address spelled out with [at]/[dot]": "用 [at]/[dot] 写出的电子邮箱地址",
    "an e-mail address spelled out with at/dot": "用 at/dot 写出的电子邮箱地址",
    "a mainland mobile number": "大陆手机号",
    "a mainland mobile number (letters read as digits)": "大陆手机号（字母当数字读）",
    "an international phone number": "国际电话号码",
    "a landline number": "座机号码",
    "a North American phone number": "北美电话号码",
    "a phone number in national form": "本地格式的电话号码",
    "a phone number in national form (letters read as digits)": "本地格式的电话号码（字母当数字读）",
    "a link to another site": "指向其他网站的链接",
    "a link written with spaces": "用空格隔开写出的链接",
    "a link with its dots spelled out (点, dot)": "用“点”或 dot 代替圆点写出的链接",
}
_PERSONAL_DATA_DETAILS_ZH = {  # scanner/text/personal_data.py
    "a Chinese resident ID number (check digit and birth date valid)": "居民身份证号（校验位和出生日期有效）",
    "a 15-digit Chinese resident ID number after an ID word": "身份证字样后的 15 位旧身份证号",
    "a UnionPay card number (Luhn check valid)": "银联卡号（Luhn 校验有效）",
    "a Visa card number (Luhn check valid)": "Visa 卡号（Luhn 校验有效）",
    "a Mastercard number (Luhn check valid)": "万事达卡号（Luhn 校验有效）",
    "an American Express card number (Luhn check valid)": "美国运通卡号（Luhn 校验有效）",
    "a JCB card number (Luhn check valid)": "JCB 卡号（Luhn 校验有效）",
    "a Chinese passport number": "中国护照号",
    "a Chinese resident ID number after an ID word (province and birth date valid)": "身份证字样后的身份证号（地区和出生日期有效）",
    "a UnionPay card number after a card word (Luhn check not valid)": "卡号字样后的银联卡号（Luhn 校验无效）",
    "a UnionPay card number before its bank or account name (Luhn check not valid)": "后跟开户行或户名的银联卡号（Luhn 校验无效）",
    "a Visa card number after a card word (Luhn check not valid)": "卡号字样后的 Visa 卡号（Luhn 校验无效）",
    "a Visa card number before its bank or account name (Luhn check not valid)": "后跟开户行或户名的 Visa 卡号（Luhn 校验无效）",
    "a Mastercard number after a card word (Luhn check not valid)": "卡号字样后的万事达卡号（Luhn 校验无效）",
    "a Mastercard number before its bank or account name (Luhn check not valid)": "后跟开户行或户名的万事达卡号（Luhn 校验无效）",
    "an American Express card number after a card word (Luhn check not valid)": "卡号字样后的美国运通卡号（Luhn 校验无效）",
    "an American Express card number before its bank or account name (Luhn check not valid)": "后跟开户行或户名的美国运通卡号（Luhn 校验无效）",
    "a JCB card number after a card word (Luhn check not valid)": "卡号字样后的 JCB 卡号（Luhn 校验无效）",
    "a JCB card number before its bank or account name (Luhn check not valid)": "后跟开户行或户名的 JCB 卡号（Luhn 校验无效）",
    "a US Social Security number after an SSN word": "SSN 字样后的美国社会安全号",
    "a passport number after a passport word": "护照字样后的护照号",
    "a Hong Kong identity card number (check character valid)": "香港身份证号（校验位有效）",
    "a bank account number between its bank and its holder's name": "前有银行、后有户名的银行账号",
    "a driving licence number after its word": "驾照字样后的驾照号",
    "a Malaysian identity card number (birth date and state code valid)": "马来西亚身份证号（出生日期和州代码有效）",
    "an Indian Aadhaar number after its word (Verhoeff check valid)": "Aadhaar 字样后的印度 Aadhaar 号（Verhoeff 校验有效）",
    "an IBAN (mod-97 check valid)": "国际银行账号 IBAN（mod-97 校验有效）",
    "a US routing number (ABA check valid) and its account": "美国银行路由号（ABA 校验有效）及其账号",
    "a UK sort code and account number": "英国银行分行代码（sort code）及账号",
    "a Singapore NRIC/FIN number (check letter valid)": "新加坡身份证号 NRIC/FIN（校验字母有效）",
    "a UK National Insurance number after its word": "国民保险字样后的英国 NI 号",
    "a UnionPay card number before its security code or expiry": "后跟安全码或有效期的银联卡号",
    "a UnionPay card number after its bank's name (Luhn check not valid)": "银行名称后的银联卡号（Luhn 校验无效）",
    "a Visa card number after its bank's name (Luhn check not valid)": "银行名称后的 Visa 卡号（Luhn 校验无效）",
    "a Mastercard number after its bank's name (Luhn check not valid)": "银行名称后的万事达卡号（Luhn 校验无效）",
    "an American Express card number after its bank's name (Luhn check not valid)": "银行名称后的美国运通卡号（Luhn 校验无效）",
    "a JCB card number after its bank's name (Luhn check not valid)": "银行名称后的 JCB 卡号（Luhn 校验无效）",
    "a Visa card number before its security code or expiry": "后跟安全码或有效期的 Visa 卡号",
    "a Mastercard number before its security code or expiry": "后跟安全码或有效期的万事达卡号",
    "an American Express card number before its security code or expiry": "后跟安全码或有效期的美国运通卡号",
    "a JCB card number before its security code or expiry": "后跟安全码或有效期的 JCB 卡号",
    "the name of the holder of an ID, card or licence beside it": "证件、卡号或驾照旁其持有人的姓名",
    "a phone number said to be another person's (a landlord's, a neighbour's, a roommate's)": "注明是他人（房东、邻居、室友等）的电话号码",
}
_SPACED_SUFFIX = ", typed with blanks between its characters"  # scanner/text/personal_data.py _spaced_numbers
_READ_SUFFIX = ", read from digits written out or disguised"  # scanner/text/digit_reading.py READ_DETAIL
_PERSON_PARTS_ZH = {"name": "姓名", "phone": "电话", "address": "地址"}


def _personal_data_detail_zh(detail: str) -> str:
    if detail.startswith("a person's ") and detail.endswith(" posted together"):  # name_address_phone
        parts = detail.removeprefix("a person's ").removesuffix(" posted together").split(" + ")
        return "同时贴出的个人" + "、".join(_PERSON_PARTS_ZH.get(p, p) for p in parts)
    if detail.endswith(_SPACED_SUFFIX):
        return _personal_data_detail_zh(detail.removesuffix(_SPACED_SUFFIX)) + "（逐字以空格隔开）"
    if detail.endswith(_READ_SUFFIX):
        return _personal_data_detail_zh(detail.removesuffix(_READ_SUFFIX)) + "（由拼写、空格隔开或伪装的数字读出）"
    return _PERSONAL_DATA_DETAILS_ZH.get(detail, detail)
_SECTORS_ZH = {"luxury": "奢侈品", "cosmetics": "化妆品", "sportswear": "运动服饰"}  # brands.tsv sectors


_FIELDS_ZH = {"title": "标题", "description": "描述", "bullets": "卖点", "attributes": "属性"}
_FIELD_HEAD = re.compile(r"^(title|description|bullets|attributes)\b")


def _field_zh(field: str) -> str:
    """'bullets[1]' -> '卖点[1]', 'attributes.材质' -> '属性.材质': the field as the editor page names it."""
    return _FIELD_HEAD.sub(lambda m: _FIELDS_ZH[m.group(1)], field)


def _label(p: Mapping[str, Any], language: str) -> str:
    """How a finding's category is named: an operator's category (wordlists/custom/, #20) carries its
    own labels in the reason; the built-in ones are scanner/categories.py's."""
    if language == "zh":
        return p.get("label_zh") or CATEGORY_LABELS_ZH[p["category"]]
    return p.get("label_en") or CATEGORY_LABELS[p["category"]]


def _q(text: Any) -> str:
    """A quoted word in a Chinese explanation."""
    return f"“{text}”"


# Each reason code once, with its rendering in every language of categories.LANGUAGES (a test checks).
_TEMPLATES: dict[str, dict[str, Callable[[Mapping[str, Any]], str]]] = {
    # what was found
    "term": {
        "en": lambda p: f"{_label(p, 'en')} {p['term']!r} [{p['source']}]",
        "zh": lambda p: f"{_label(p, 'zh')}{_q(p['term'])} [{p['source']}]",
    },
    "brand": {
        "en": lambda p: f"brand {p['brand']!r} ({p['owner'] or 'owner unknown'}) [{p['source']}]",
        "zh": lambda p: f"品牌{_q(p['brand'])}（{p['owner'] or '权利人不明'}）[{p['source']}]",
    },
    "detector": {
        "en": lambda p: (f"{CATEGORY_LABELS['diversion']}: {p['detail']} [detector {p['name']}]; "
                         "use the platform's messaging instead"),
        "zh": lambda p: (f"{CATEGORY_LABELS_ZH['diversion']}：{_DETECTOR_DETAILS_ZH.get(p['detail'], p['detail'])}"
                         f" [检测器 {p['name']}]；请改用平台内的消息沟通"),
    },
    "personal_data": {
        "en": lambda p: (f"{CATEGORY_LABELS['personal_data']}: {p['detail']} [detector {p['name']}]; "
                         "remove it or ask for the masked copy"),
        "zh": lambda p: (f"{CATEGORY_LABELS_ZH['personal_data']}：{_personal_data_detail_zh(p['detail'])}"
                         f" [检测器 {p['name']}]；请删除，或索取打码后的文本"),
    },
    "proximity_fields": {  # order any_field: the two cues stand in two fields of one listing (#15)
        "en": lambda p: (f"{CATEGORY_LABELS[p['category']]}: {p['first']!r} with {p['second']!r} in this listing's "
                         f"{p['fields']} [{p['source']}]"),
        "zh": lambda p: (f"{CATEGORY_LABELS_ZH[p['category']]}：{_q(p['first'])}与{_q(p['second'])}出现在同一商品的"
                         f"{p['fields']}中 [{p['source']}]"),
    },
    "proximity": {
        "en": lambda p: (f"{CATEGORY_LABELS[p['category']]}: {p['first']!r} with {p['second']!r} in one clause "
                         f"[{p['source']}]"),
        "zh": lambda p: (f"{CATEGORY_LABELS_ZH[p['category']]}：{_q(p['first'])}与{_q(p['second'])}出现在同一分句中 "
                         f"[{p['source']}]"),
    },
    "clause_model": {  # scanner/text/clause_model.py: a learned guess, for a person to confirm
        "en": lambda p: (f"{_label(p, 'en')}: this clause reads like one, says the learned {p.get('model', 'review')} "
                         f"model (score {p['score']} >= {p['threshold']}); a person should confirm it [model]"),
        "zh": lambda p: (f"{_label(p, 'zh')}：{'商品文案' if p.get('model') == 'listing' else ''}学习模型认为此分句像此类内容"
                         f"（得分 {p['score']} ≥ {p['threshold']}）；需人工确认 [模型]"),
    },
    # a word-list note: data, shown as the list wrote it
    "basis": {"en": lambda p: p["text"], "zh": lambda p: p["text"]},
    "normalised": {
        "en": lambda p: "normalised: " + ", ".join(render_reason(d) for d in p["disguises"]),
        "zh": lambda p: "已还原写法：" + "、".join(render_reason(d, "zh") for d in p["disguises"]),
    },
    # disguises
    "separators_removed": {"en": lambda p: "separators or invisible characters removed",
                           "zh": lambda p: "去掉了分隔符或不可见字符"},
    "full_width": {"en": lambda p: "full-width letters", "zh": lambda p: "全角字母"},
    "emoji_letters": {"en": lambda p: "letters drawn as emoji", "zh": lambda p: "用表情符号写成的字母"},
    "variant_characters": {"en": lambda p: "traditional or variant characters", "zh": lambda p: "繁体字或异体字"},
    "symbol_for_letters": {"en": lambda p: "emoji or symbol in place of letters",
                           "zh": lambda p: "用表情或符号代替字母"},
    "symbol_between_letters": {"en": lambda p: "emoji or symbol between letters skipped",
                               "zh": lambda p: "跳过了字母间的表情或符号"},
    "leetspeak": {"en": lambda p: "leetspeak", "zh": lambda p: "用数字或符号代替字母"},
    "look_alike": {"en": lambda p: f"look-alike spelling {p['alias']!r}", "zh": lambda p: f"形近写法{_q(p['alias'])}"},
    "pinyin": {"en": lambda p: f"pinyin {p['alias']!r}", "zh": lambda p: f"拼音{_q(p['alias'])}"},
    "slang": {"en": lambda p: f"seller slang {p['alias']!r}", "zh": lambda p: f"商家黑话{_q(p['alias'])}"},
    # context that changed the finding
    "ambiguous_confirmed": {
        "en": lambda p: (f"ambiguous name confirmed by {p['cue']!r}" if p["cue"]
                         else "ambiguous name confirmed by another of the brand's names"),
        "zh": lambda p: (f"多义名称经{_q(p['cue'])}确认是品牌" if p["cue"]
                         else "多义名称经该品牌的另一名称确认是品牌"),
    },
    "authorized": {"en": lambda p: "seller is authorized for this brand", "zh": lambda p: "卖家已获该品牌授权"},
    "compatibility_mention": {
        "en": lambda p: f"compatibility mention ({p['cue']!r}), not a claim to be the brand",
        "zh": lambda p: f"兼容说明（{_q(p['cue'])}），并非自称该品牌",
    },
    "compatibility_not_exempt": {
        "en": lambda p: f"compatibility wording {p['cue']!r} does not exempt {p['sector']} brands",
        "zh": lambda p: f"兼容用语{_q(p['cue'])}不能豁免{_SECTORS_ZH.get(p['sector'], p['sector'])}品牌",
    },
    "merged_rules": {
        "en": lambda p: f"overlapping rule {', '.join(repr(t) for t in p['terms'])} merged into this finding",
        "zh": lambda p: f"重叠的规则{'、'.join(_q(t) for t in p['terms'])}已并入此项",
    },
    "brand_site": {"en": lambda p: f"a link to the maker's own site ({p['site']!r}), not to another shop",
                   "zh": lambda p: f"链接指向品牌官网（{_q(p['site'])}），不是其他店铺"},
    "provenance": {"en": lambda p: f"the listing says where the goods came from ({p['cue']!r}): a resale or an authorised sale",
                   "zh": lambda p: f"商品说明了货源（{_q(p['cue'])}）：转售或授权销售"},
    "depiction": {"en": lambda p: f"the title sells a picture of the animal ({p['cue']!r}), not the animal or its parts",
                  "zh": lambda p: f"标题表明商品是该动物的形象（{_q(p['cue'])}），不是动物或其制品"},
    "compatible_accessory": {"en": lambda p: "the listing describes a compatible accessory for this brand",
                             "zh": lambda p: "商品描述的是该品牌的兼容配件"},
    "needs_brand": {"en": lambda p: "counts because the listing names a brand", "zh": lambda p: "因商品提到品牌而计入"},
    "with_counterfeit": {
        "en": lambda p: f"named together with counterfeit wording {p['text']!r} ({p['field']})",
        "zh": lambda p: f"与假冒用语{_q(p['text'])}（{_field_zh(p['field'])}）同时出现",
    },
    "names_brand": {"en": lambda p: f"listing names brand {p['brand']!r}", "zh": lambda p: f"商品提到品牌{_q(p['brand'])}"},
    "below_minimum": {
        "en": lambda p: f"confidence {p['score']:.2f} below the policy minimum",
        "zh": lambda p: f"置信度 {p['score']:.2f} 低于策略下限",
    },
    "unsure_read": {
        "en": lambda p: f"read from the image with OCR confidence {p['confidence']:.2f} (below {p['minimum']:.2f}): "
                        "review instead of block",
        "zh": lambda p: f"图片文字识别置信度 {p['confidence']:.2f}（低于 {p['minimum']:.2f}）：改为人工复核，不直接拦截",
    },
}
_JOINERS = {"en": "; ", "zh": "；"}  # between one finding's reasons


def render_reason(r: Reason, language: str = "en") -> str:
    return _TEMPLATES[r.code][language](r.params)


def render(reasons: tuple[Reason, ...], language: str = "en") -> str:
    return _JOINERS[language].join(render_reason(r, language) for r in reasons)


def rendered(findings: list[Finding], unread: frozenset = frozenset()) -> list[Finding]:
    """Each finding with its explanation rendered from its reasons (English, the default: a caller
    asking for another language gets it re-rendered at the end of the scan, `in_language`). Findings of a
    category in `unread` (one a buyer's review never returns as a finding, scanner/speakers.py) are left as
    they are: nobody reads their explanation."""
    if unread:
        return [f if f.category in unread else f._replace(explanation=render(f.reasons)) for f in findings]
    return [f._replace(explanation=render(f.reasons)) for f in findings]


def with_reason(f: Finding, r: Reason, **changes: Any) -> Finding:
    """`f` (already rendered) with one more reason, its text appended to the explanation."""
    return f._replace(reasons=f.reasons + (r,), explanation=f"{f.explanation}; {render_reason(r)}", **changes)
