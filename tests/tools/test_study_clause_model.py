"""tools.study_clause_model (#15): the clause splitter, clause labels from expected findings, and the threshold."""
from __future__ import annotations

import numpy as np
import pytest

from tools.study_clause_model import clause_labels, listing_fields, pick_threshold, split_clauses

# (field text, the clauses it splits into)
SPLITS = [
    ("纯棉T恤，夏季新款。男女同款！", ["纯棉T恤", "夏季新款", "男女同款"]),
    ("Kills 99.9% of germs, lasts 1,000 hours. Buy now!", ["Kills 99.9% of germs", "lasts 1,000 hours", "Buy now"]),
    ("• 加微信 abc123\n• 好评返现5元", ["加微信 abc123", "好评返现5元"]),
    ("红色、蓝色、黑色可选；包邮", ["红色、蓝色、黑色可选", "包邮"]),   # an enumeration stays one clause
    ("  5⭐ = free gift  |  send the link ", ["5⭐ = free gift", "send the link"]),
    ("", []),
    ("。，", []),
]


@pytest.mark.parametrize("text,clauses", SPLITS)
def test_split_clauses_slices_the_original_text(text, clauses):
    assert [text[s:e] for s, e in split_clauses(text)] == clauses


ROW = {
    "id": "t1",
    "title": "Ｇｕｃｃｉ 竹节包，top quality copy，顺丰包邮",
    "description": "和专柜一模一样，看不出区别。送人自用都可以",
    "bullets": ["全网最低价", "好评返现"],
    "attributes": {"材质": "牛皮"},
    "expected": {"decision": "block", "findings": [
        {"category": "brand", "text": "Ｇｕｃｃｉ", "field": "title"},
        {"category": "counterfeit", "text": "top quality copy", "field": "title"},
        {"category": "counterfeit", "text": "和专柜一模一样，看不出区别", "field": "description"},
        {"category": "incentivized_review", "text": "好评返现", "field": "bullets[1]"},
    ]},
}

# (field, categories of each of its clauses)
LABELS = [
    ("title", [{"brand"}, {"counterfeit"}, set()]),
    ("description", [{"counterfeit"}, {"counterfeit"}, set()]),  # a finding over two clauses labels both
    ("bullets[0]", [set()]),
    ("bullets[1]", [{"incentivized_review"}]),                     # same text in another field does not count
    ("attributes.材质", [set()]),
]


@pytest.mark.parametrize("field,labels", LABELS)
def test_clause_labels_follow_overlap_in_the_same_field(field, labels):
    from tools.evaluation import _field_text

    assert clause_labels(ROW, field, split_clauses(_field_text(ROW, field))) == labels


def test_listing_fields_use_the_evaluation_spelling():
    assert listing_fields(ROW) == ["title", "description", "bullets[0]", "bullets[1]", "attributes.材质"]


# (scores, positive?, precision target, threshold)
THRESHOLDS = [
    ([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0], 0.8, 0.8),    # stop before the first negative
    ([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1], 0.75, 0.6),   # 3/4 at the lowest score still meets 0.75
    ([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1], 0.8, 0.9),    # 2/3 and 3/4 do not meet 0.8
    ([0.9, 0.8], [0, 0], 0.5, float("inf")),           # no positive: the category never fires
]


@pytest.mark.parametrize("scores,positive,precision,threshold", THRESHOLDS)
def test_pick_threshold_keeps_the_precision_target(scores, positive, precision, threshold):
    assert pick_threshold(np.array(scores), np.array(positive, dtype=bool), precision) == threshold
