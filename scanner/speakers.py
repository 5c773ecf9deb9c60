"""Who is speaking, and which rules apply to them: the one table (#20, reviews and Q&A as content kinds).

A listing is the seller's advertising copy: every category applies. A customer review is written by a buyer,
and a Q&A entry by the buyer who asks or the seller who answers (`speaker`, default "buyer"). Each kind's text
goes through the same engine (parse → normalise → match → verify → score → decide); this table then says, per
(kind, speaker), what becomes of each category's findings:

- `applies` (the default): an ordinary finding, counted in the decision;
- `not_applicable`: rules written for a seller's advertising copy (广告法 art. 2: an advertiser's claims). A
  buyer writing "best purchase ever", "治好了我的失眠" or "Nike 的鞋穿着舒服" is reporting, not advertising:
  the finding is dropped;
- `listing_signal`: a buyer's report about the goods ("明显是假的", "clearly a fake") is evidence against the
  LISTING, not a violation by the writer: it goes in the result's `listing_signals` and never moves the
  decision about the review itself.

Everything else (diversion, personal data, incentivized reviews revealed, prohibited goods and illegal services
posted as reviews, operator categories) applies to every speaker.

A buyer's contact (a phone number, QQ, WeChat id, e-mail or handle found as `diversion`) is also a person's data: its
finding's text is masked as personal data's is (`masks_contacts`), so the batch output, the HTML report and the review
store never hold it. A seller's is the shop's own contact, shown as it is.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, NamedTuple

KINDS = ("listing", "review", "qa")
SPEAKERS = ("buyer", "seller")
DEFAULT_SPEAKER = {"review": "buyer", "qa": "buyer"}  # a review is always a buyer's; a question, unless said

# Categories whose rules only make sense for a seller's advertising copy.
SELLER_COPY_ONLY = frozenset({"absolute_term", "false_claim", "medical_claim", "brand"})


# Categories other categories' rules read: a brand decides what a counterfeit word beside it means
# (scanner/text/verify/listing_rules.py). They are matched for every speaker, even one whose findings of them are
# dropped.
READ_BY_OTHER_RULES = frozenset({"brand"})


# The detectors' names (scanner/text/detectors.py) of a contact that identifies a person; a link does not.
CONTACT_TERMS = frozenset({"phone_number", "qq_number", "wechat_id", "email", "social_handle"})


class SpeakerRules(NamedTuple):
    speaker: str
    not_applicable: frozenset[str]   # dropped
    listing_signal: frozenset[str]   # moved to listing_signals
    masks_contacts: bool = False     # the speaker's contacts (CONTACT_TERMS) shown masked

    @property
    def unmatched(self) -> frozenset[str]:
        """Categories whose words are not even looked for in this speaker's text (the matcher's view without them):
        their findings would be dropped, and no other rule reads them."""
        return self.not_applicable - READ_BY_OTHER_RULES

    @property
    def never_findings(self) -> frozenset[str]:
        """Categories that never come back as this speaker's findings (dropped, or signals rendered from their
        reasons): the engine does not render their explanations."""
        never = _NEVER_FINDINGS.get(self.speaker)
        if never is None or never[0] is not self:  # a SpeakerRules built elsewhere (a test's): no cache
            return self.not_applicable | self.listing_signal
        return never[1]


_BUYER = SpeakerRules("buyer", SELLER_COPY_ONLY, frozenset({"counterfeit"}), masks_contacts=True)
_SELLER = SpeakerRules("seller", frozenset(), frozenset())

# (kind, speaker) -> rules. The one place that says who may say what.
RULES: Mapping[tuple[str, str], SpeakerRules] = MappingProxyType({
    ("listing", "seller"): _SELLER,
    ("review", "buyer"): _BUYER,
    ("qa", "buyer"): _BUYER,
    ("qa", "seller"): _SELLER,   # a seller's answer is seller speech: every rule applies, like the listing
})


# What the text matcher builds a view without, once per word-list version (scanner/text/matcher.py)
MATCHER_VIEWS = tuple(dict.fromkeys(r.unmatched for r in RULES.values() if r.unmatched))

# speaker -> (its rules, their never_findings), worked out once
_NEVER_FINDINGS = {r.speaker: (r, r.not_applicable | r.listing_signal) for r in (_BUYER, _SELLER)}


def rules_for(kind: str, speaker: str) -> SpeakerRules:
    """KeyError for a pair the table does not have (parse_listing refuses those first)."""
    return RULES[(kind, speaker)]


def split(findings: list, rules: SpeakerRules) -> tuple[list, list]:
    """(findings that stay, findings that are signals about the listing); not-applicable ones are dropped.
    A brand finding raised to block by counterfeit wording beside it is dropped with the brand (for a buyer
    the counterfeit wording itself is the signal)."""
    if not rules.not_applicable and not rules.listing_signal:
        return findings, []
    kept, signals = [], []
    for f in findings:
        if f.category in rules.listing_signal:
            signals.append(f)
        elif f.category not in rules.not_applicable:
            kept.append(f)
    return kept, signals
