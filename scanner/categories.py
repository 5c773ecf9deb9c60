"""The one table of finding categories: everything else is derived from it.

`CATEGORIES` (the ids, in this order: word-list files and messages follow it), the default
action of each category (scanner/text/policy_schema.py), the label explanations use
(scanner/text/verify/explain.py, in each of LANGUAGES) and the editor page's labels in English and
Chinese (served at GET /v1/categories; api/static/categories.js holds no labels of its own).

Operators add categories of their own without code (`wordlists/custom/<id>.tsv`, #20): those are
`Category` values built by scanner/text/wordlists.py from the loaded lists, never added to TABLE, so
this table stays the built-in ones and a reload can add or drop an operator's category.
"""
from __future__ import annotations

from typing import Any, Literal, NamedTuple


class Category(NamedTuple):
    id: str
    en: str  # the editor page's label
    zh: str
    default_action: Literal["block", "review", "none"]  # policy.toml [actions] may change it
    explained_as: str  # how explanations name it ("" for image findings: gallery text of their own)
    kind: Literal["text", "image"]  # which side finds it; the editor marks words for text categories


TABLE: tuple[Category, ...] = (
    Category("absolute_term", "Absolute claim", "极限词", "review", "absolute claim (Advertising Law art. 9(3))", "text"),
    Category("false_claim", "False claim", "虚假承诺", "review", "unverifiable or exaggerated claim", "text"),
    Category("medical_claim", "Medical claim", "医疗用语", "review", "medical claim for goods that are not medicines", "text"),
    Category("counterfeit", "Counterfeit wording", "假冒用语", "block", "counterfeit wording", "text"),
    Category("brand", "Brand", "品牌", "review", "brand name", "text"),
    Category("diversion", "Off-platform contact", "站外引流", "review", "off-platform contact", "text"),
    Category("incentivized_review", "Paid review", "好评返现", "review", "reward for reviews", "text"),
    Category("prohibited_goods", "Prohibited goods", "禁售商品", "block", "prohibited goods", "text"),
    # Services that are crimes or banned outright whatever the goods (刷单, 代考, 赌博, 卖淫, 帮信罪's card
    # trafficking): block like prohibited goods, because no compliant way to list them exists (#20).
    Category("illegal_service", "Illegal service", "违法服务", "block", "illegal service", "text"),
    Category("personal_data", "Personal data", "个人信息", "review", "personal data", "text"),
    Category("counterfeit_image", "Counterfeit image", "假冒图片", "block", "", "image"),
)

# The languages labels and explanations are written in (a scan's `language`); the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")

CATEGORIES: tuple[str, ...] = tuple(c.id for c in TABLE)
DEFAULT_ACTIONS: dict[str, str] = {c.id: c.default_action for c in TABLE}
EXPLANATION_LABELS: dict[str, str] = {c.id: c.explained_as for c in TABLE if c.explained_as}
# Chinese explanations name a category by its editor label (极限词, 站外引流, ...).
EXPLANATION_LABELS_ZH: dict[str, str] = {c.id: c.zh for c in TABLE if c.explained_as}


# Ids an operator's category may not take: the built-in ones, and the keys Wordlists.counts() adds.
RESERVED_IDS: frozenset[str] = frozenset(CATEGORIES) | {"allowlist", "proximity_rules"}


def as_json(custom: tuple[Category, ...] = ()) -> list[dict[str, Any]]:
    """The table as GET /v1/categories serves it, then the operator's categories of the loaded lists."""
    return [c._asdict() for c in (*TABLE, *custom)]
