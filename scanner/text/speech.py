"""What buyers and answerers say that listing copy does not: extra phrases for reviews and Q&A (#20).

The word lists (wordlists/) were written for a seller's copy. A review says the same things in another voice:
"明显是假的" (a buyer's counterfeit report), "received it free in exchange for my honest review" (an incentive
revealed), "DM me for cheaper" (a push off the platform). These phrases run only for kinds other than `listing`,
after the ordinary engine, on the caller's original text (offsets slice it); what becomes of each category is the
speaker table's business (scanner/speakers.py), not this module's.

Kept here as one table, not in wordlists/, so that adding them leaves every listing's result (and
`versions.wordlists`) unchanged; their own version is `versions.speech` on review and qa results.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from typing import NamedTuple

from scanner.results import Finding
from scanner.text import detectors, personal_data
from scanner.text.first_chars import guarded
from scanner.text.normalize import Normalised, is_cjk
from scanner.text.prefilter import Prefilter
from scanner.text.verify.explain import reason, render
from scanner.text.verify.rules import DETECTOR_SCORES


class Phrase(NamedTuple):
    category: str
    severity: str
    pattern: str       # a regex over the original text, matched case-insensitively
    note: str          # the basis, shown in the explanation
    # lower-case words every match contains, as the row's author saw them. No longer read: which rows run on a text
    # is derived from the patterns themselves (scanner/text/prefilter.py), so it cannot drift from them
    anchors: tuple[str, ...] = ()


_SENT = r"[^。！？!?.\n]"  # inside one sentence
_QUOTED = r"['\"“‘「『【《][^。！？\n'\"“”‘’「」『』【】《》]{2,15}['\"”’」』】》]"  # a name in quotes: 搜“声悦数码”
# another selling platform, as buyers name it (nicknames, a letter or an emoji inside: 拼夕夕, 咸🐟, 抖ㄧ音); lower case,
# as the phrases run on the lower-cased text
_PLATFORM = (r"(?:拼多多|拼夕夕|(?<![a-z])pdd(?![a-z])|闲鱼|咸鱼|[闲咸]\s?🐟|(?<![a-z])xianyu(?![a-z])|抖[^\u4e00-\u9fff\s]?音"
             r"|快手|淘宝|某宝|(?<![a-z])tb(?![a-z])|京东|某东|(?<![a-z])jd(?![a-z])|小红书|微店|得物|唯品会|天猫|苏宁"
             r"|(?<![a-z])(?:shopee|lazada|tiktok|taobao)(?![a-z]))")
# what a buyer says after searching a quoted name on a platform to tell how they found this shop
_FOUND_HERE = r"(?:找到|搜到|看到|发现|刷到|才到|进来|进的|来的|买的|下的单)"
# a word that sends the reader to the other shop, in the sentence of a quoted name to search
_STEERS = (r"(?:更便宜|便宜|半价|只要|才卖|只卖|优惠|包邮|更低|我的|我家|我们家|我在|我也|有店|关注我|找我|联系我|私信|收藏|同款"
           r"|直播间|[才少][0-9一二三四五六七八九十两])")
# the sentence says this shop wins after all (还是这家靠谱, 但这家送了膜): a comparison, not a push
_NOT_THIS_SHOP = (r"(?![^。！？\n]{0,40}?(?:还是|但是?|只有|不如|所以来?|果断|就选了?|最后)(?:在)?(?:这家|这款|这里|这边|本店|你们|你家)"
                  r"|[^。！？\n]{0,40}?(?<!比)(?:这家|这款|本店)的?[^。！？\n]{0,6}?(?:更好|好多了|最稳|最好|靠谱|没问题))")
# a five-star rating written with star signs as well as words (the engine's normaliser drops the signs)
_FIVE_STARS = r"(?:[5５五]\s?颗?\s?[⭐★🌟]|[⭐★🌟]{5}|\b(?:5|five)[- ]stars?\b|\b5\s?\*)"
# money (or a refund, spelled maybe with separators) as a reward is named in an offer
_MONEY = (r"(?:r[.\s\-_*]?e[.\s\-_*]?f[.\s\-_*]?u[.\s\-_*]?n[.\s\-_*]?d|\bcash ?back\b|\bcash\b|\bvoucher|\bcoupon|\brm\s?\d|\$\s?\d|₱\s?\d|[¥￥]\s?\d"
          r"|\d+\s?(?:元|块)|\btouch ?n ?go\b|\bgcash\b|\bpaypal\b)")

PHRASES: tuple[Phrase, ...] = (
    # -- a buyer's report that the goods are copies (a listing signal when a buyer says it)
    Phrase("counterfeit", "high",
           r"(?:明显|肯定|绝对|一看就|一眼就(?:能)?(?:看出)?|分明|根本就|竟然|居然|完全|没想到)(?:是|就是)?(?:假的|假货|仿的|仿品|高仿)",
           "buyer reports the goods are fake", ("假", "仿")),
    Phrase("counterfeit", "high",
           r"(?:跟|和|与)(?:我)?(?:在)?(?:专柜|专卖店|官网|官方|正品|实体店|门店|商场|旗舰店)(?:的|买的|里的|卖的)?(?:完全|根本|明显|一点都)?"
           r"(?:不一样|不同|不是一个东西|不是一回事|两回事)",
           "buyer reports the goods differ from the genuine ones", ("不一样", "不同")),
    # (a guarantee "不是正品全额退款" is no report: a refund or payout follows within a few characters)
    Phrase("counterfeit", "high",
           r"(?<![不会说是])(?:不是|不像)(?:正品|真的|真货|原装|原厂|正版)(?![吗吧么？?])(?![^。！？\n，,]{0,4}?(?:退|赔|包退|包赔))",
           "buyer reports the goods are not genuine", ("不是", "不像")),
    Phrase("counterfeit", "high",
           r"\b(?:clearly|obviously|definitely|totally|total|complete|an? obvious|a cheap|100%)\s+(?:an?\s+)?(?:fake|knock-?off|counterfeit|replica)s?\b",
           "buyer reports the goods are fake", ("fake", "knock", "counterfeit", "replica")),
    Phrase("counterfeit", "high", r"\b(?:not|isn't|aren't|wasn't)\s+(?:genuine|authentic|the real thing|real)\b(?!\s*\?)",
           "buyer reports the goods are not genuine", ("genuine", "authentic", "real")),
    Phrase("counterfeit", "high",
           r"\bnot (?:the same|identical) (?:as|to) (?:the )?(?:ones?|pair|item)?\s*(?:at|in|from|sold at|sold in) (?:the )?(?:counter|store|official store|boutique|mall|shop)\b",
           "buyer reports the goods differ from the genuine ones", ("not the same", "not identical")),
    # the check a buyer ran failed: 鉴定是假的, 序列号在官网查不到, 溯源码扫出来是别的型号, "serial number doesn't match"
    Phrase("counterfeit", "high",
           r"(?:鉴定|验货|查验|检测|一验|验了|验出)(?:结果)?[^。！？\n，,不没非]{0,4}?(?:假的|假货|仿品|高仿|不是正品)"
           # ... or did not pass: 鉴定结果：不通过, 验货没通过 (#20, tunerev15)
           r"|(?:鉴定|验货|查验|验证)(?:结果)?[：: \t]{0,2}(?:不通过|没通过|未通过|没过)",
           "buyer reports a check found the goods fake", ("鉴定", "验货", "查验", "检测", "一验", "验了", "验出")),
    Phrase("counterfeit", "high",
           r"(?:序列号|防伪码|溯源码|防伪标|验证码|串号)[^。！？\n]{0,8}?(?:查不到|查无|不存在|无效|对不上|是别的|扫不出"
           # a code already looked up many times was copied onto many boxes (#20, tunerev15): 已被查询37次, 被扫过很多次
           r"|(?:已经?)?被(?:查询|查|扫描|扫|验证)过?[ \t]?(?:[2-9]|[1-9][0-9]+)[ \t]?次|(?:已经?)?被(?:查询|查|扫描|扫|验证)过?(?:多|好多|很多|无数)次)",
           "buyer reports the goods' code fails the brand's check", ("序列号", "防伪码", "溯源码", "防伪标", "验证码", "串号")),
    Phrase("counterfeit", "high",
           r"\bserial(?: number| no\.?)?\b[^.!?\n]{0,20}?\b(?:doesn't|does not|didn't|did not|won't)\s+(?:match|register|verify|check out|exist)",
           "buyer reports the goods' code fails the brand's check", ("serial",)),
    # a verdict standing alone as its own clause: "…，假的。"; "this is a rep", "counterfeit card"
    Phrase("counterfeit", "high", r"(?<=[，,。！!；;\s])(?:假的|假货)(?=[。！!，,；;\s]|$)",
           "buyer reports the goods are fake", ("假的", "假货")),
    # the verdict said twice over or with odds, or as another brand passed off: 假的不能再假, 99% 是假的, 别的牌子冒充的
    Phrase("counterfeit", "high",
           r"假(?:的|得|到)不能再假|假(?:得|到)(?:离谱|家了|没边)|(?<![0-9])(?:9[0-9]|100)[ \t]?[%％][ \t]?(?:是|就是)?(?:假的|假货|仿的)|(?:冒充|冒牌)(?:的|货)",
           "buyer reports the goods are fake", ("假",)),
    # the buyer's act names it: "Returned as counterfeit", "reported it as a fake", "sent them back as knockoffs"
    Phrase("counterfeit", "high",
           r"\b(?:returned|reported|flagged|sent (?:it |them )?back)\b[^.!?\n]{0,20}?\bas (?:an? )?(?:obvious )?(?:counterfeit|fake|knock-?off|replica)s?\b",
           "buyer reports the goods are fake", ("returned", "reported", "flagged", "sent")),
    Phrase("counterfeit", "high",
           r"\b(?:this|it|it's|its|these|they're|theyre|they|that's|thats)\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:an?\s+)?(?:obvious\s+|total\s+)?(?:rep|reps|knock-?offs?|fakes?|counterfeits?|bootlegs?)\b",
           "buyer reports the goods are fake", ("rep", "knock", "fake", "counterfeit", "bootleg")),
    Phrase("counterfeit", "high",
           r"\b(?:counterfeit|fake|faked|knock-?off|bootleg)\s+(?:card|chip|controller|item|product|unit|pair|one|goods|battery|charger|cable|memory|movement)s?\b",
           "buyer reports the goods are fake", ("counterfeit", "fake", "knock", "bootleg")),
    # a copy word half in pinyin, as sellers type it past a filter: fu刻版, 复ke, gao仿, 高fang, 原单wei货 (#20, tunerev14)
    Phrase("counterfeit", "high",
           r"(?<![a-z])fu\s?刻|复\s?ke(?![a-z])|(?<![a-z])gao\s?仿|高\s?fang(?![a-z])|仿\s?pin(?![a-z])",
           "copy goods named half in pinyin", ("fu", "ke", "gao", "fang", "pin")),
    # -- an incentive revealed by the writer (FTC 16 CFR 465; 反不正当竞争法 第八条)
    Phrase("incentivized_review", "medium",
           r"\bin (?:exchange|return) for (?:an?|my|this|our) (?:honest |unbiased |fair |truthful |positive |good |5[- ]star |five[- ]star )?(?:review|rating|feedback|opinion|thoughts|testimonial)\b",
           "review written in exchange for the goods (FTC 16 CFR 465)", ("exchange for", "return for")),
    Phrase("incentivized_review", "medium",
           rf"\b(?:received|got|was given|was sent|were sent|sent me)\b{_SENT}{{0,30}}?\b(?:for free|free(?: of charge)?|at no cost|a free sample)\b{_SENT}{{0,30}}?\b(?:review|rating|feedback|stars?)\b",
           "goods received free for a review (FTC 16 CFR 465)", ("free", "no cost")),
    Phrase("incentivized_review", "medium",
           r"\b(?:refund(?:ed)?|rebate|gift ?card|voucher|coupon|cash ?back|paypal|venmo|money back)\b[^.!?\n]{0,40}?\b(?:for|after|if|once|when)\b[^.!?\n]{0,25}?\b(?:5|five)[- ]stars?\b",
           "a reward for a five-star review (FTC 16 CFR 465)", ("star",)),
    # "they'd send a free grinder if I bumped it to 5 stars": a free thing or money, then a change or post of the stars
    Phrase("incentivized_review", "medium",
           r"\b(?:free [a-z]+|\$\d+)\b[^.!?\n]{0,30}?\b(?:if|once)\s+(?:i|you|we|they|buyers?|customers?)\s+(?:bump(?:ed)?|chang(?:e|ed|ing)|updat(?:e|ed|ing)|rais(?:e|ed|ing)|edit(?:ed)?|leav(?:e|ing)|left|giv(?:e|ing)|gave|post(?:ed|ing)?|rat(?:e|ed|ing))\b[^.!?\n]{0,15}?\b(?:5|five)[- ]stars?\b",
           "a reward for a five-star review (FTC 16 CFR 465)", ("star",)),
    # 好评返现 in its pinyin initials, standing alone ("hp fx 已到账"); HP's FX900 drive is none (#20, session 16)
    Phrase("incentivized_review", "high", r"(?<![a-z0-9])hp\s?fx(?![a-z0-9])",
           "反不正当竞争法 第八条：好评返现 written as its initials"),
    # "paid $5 to post 5 stars", "I was compensated for this review", "free product provided for review purposes"
    Phrase("incentivized_review", "medium",
           r"\b(?:(?:was|were|got|get|gets|been|am|are|is|being)\s+(?:paid|compensated|reimbursed|rewarded|tipped)|(?:paid|pays|paying|compensated|reimbursed|rewarded)\s+(?:me|us|them|people|buyers|reviewers|customers))\b[^.!?\n]{0,20}?(?:\b(?:for|to (?:post|leave|write|give|remove|delete|change|update|raise|take down))\b[^.!?\n]{0,20}?\b(?:reviews?|ratings?|feedback|(?:5|five)[- ]stars?)\b|\bto (?:post|write|leave) (?:this|it)\b(?! back))",
           "the writer was paid for the review (FTC 16 CFR 465)", ("paid", "pays", "paying", "compensated", "reimbursed", "rewarded", "tipped")),
    Phrase("incentivized_review", "medium",
           r"\b(?:provided|supplied|gifted|sent|given)\b[^.!?\n]{0,25}?\bfor (?:(?:an?|my) (?:honest|unbiased|fair) review|review(?:ing)? purposes|review\b|testing and review)\b",
           "goods provided for a review (FTC 16 CFR 465)", ("review",)),
    Phrase("incentivized_review", "medium",
           r"\b(?:for free|free of charge|at no cost|at no charge|no charge|gifted|comped|complimentary)\b[^.!?\n]{0,40}?\b(?:asked|required|wanted|requested|told|expected|on condition)\b[^.!?\n]{0,20}?\b(?:post|leave|write|give|share)\b[^.!?\n]{0,20}?\b(?:positive|good|glowing|great|5[- ]stars?|five[- ]stars?|reviews?|ratings?)\b",
           "goods given on condition of a positive post (FTC 16 CFR 465)", ("free", "no cost", "no charge", "gifted", "comped", "complimentary")),
    # the reward after the post: "Seller refunded the full price after I posted this review"
    Phrase("incentivized_review", "medium",
           r"\b(?:refunded|reimbursed|paid (?:me )?back|(?:paypal|venmo|zelle)(?:'?d|ed) (?:me|us)(?: back)?|sent (?:me )?(?:\$\d+|money|cash|a gift ?card|a voucher)|gave (?:me )?(?:\$\d+|a gift ?card|a voucher|my money back))\b[^.!?\n]{0,30}?\b(?:after|once|when|because|since)\s+(?:i|we)\s+(?:posted|left|wrote|gave|submitted|updated|put up)\b[^.!?\n]{0,15}?\b(?:review|rating|feedback|(?:5|five)[- ]stars?|this(?! back)|it(?! back))\b",
           "money returned for posting the review (FTC 16 CFR 465)", ("refunded", "reimbursed", "paid", "sent", "gave")),
    # goods given for raising the stars: "the brand sent me a second unit for bumping my 3-star to 5" (#20, tunerev15)
    Phrase("incentivized_review", "medium",
           r"\b(?:sent|gave|offered|shipped|mailed)(?: me| us)? (?:an? |another |one more )?(?:second |extra |free |new |replacement |spare )?(?:unit|one|item|product|pair|set|gift|voucher|coupon|refund)s?\b[^.!?\n]{0,10}?\bfor (?:bumping|changing|updating|raising|editing|upping|fixing) (?:my|the|our) (?:[1-4]|one|two|three|four)[- ]stars?",
           "a reward for raising the rating (FTC 16 CFR 465)", ("for bumping", "for changing", "for updating", "for raising", "for editing", "for upping", "for fixing")),
    # a seller's offer: "leave us positive feedback and we'll refund your shipping"
    Phrase("incentivized_review", "medium",
           r"\b(?:leave|give|post|write|send)\s+(?:us|me)\s+(?:an?\s+)?(?:positive|good|great|5[- ]star|five[- ]star|glowing)\s+(?:feedback|review|rating)\b[^.!?\n]{0,12}?\b(?:and|&|for|to get)\b[^.!?\n]{0,25}?\b(?:refund|rebate|gift ?card|voucher|coupon|cash|discount|free|money back|bonus|\$\d+)",
           "a reward offered for a good review (FTC 16 CFR 465)", ("feedback", "review", "rating")),
    # a reward said in Chinese, either order, with homophones and emoji: 好评返现, 郝评反现, 返5元求好评, 5⭐+📷=🧧
    Phrase("incentivized_review", "medium",
           r"(?:好评|郝评|豪评|号评|hao评|好pin|好p[iīíǐì]ng|好平|好坪|好苹|五星|5星|５星|五颗星|5颗星|[5５五]\s?⭐|⭐{5}|追评|晒图|晒t[uūúǔù]|晒单|带图|图评|买家秀)"
           r"[^。！？\n没不]{0,10}?"
           r"(?:返现|反现|返钱|返利|(?:返|反|f[aāáǎà]n)\s?(?:现|先|线|鲜|xian|xi[aāáǎà]n)|(?:送|返|反|给|领|有|发|得|拿|换|=|＝)[^。！？\n]{0,3}?(?:红包|🧧|现金|💰|💵|💴|🤑)|返\s?\d+|反\s?\d+|(?:返|反|退|给)了?(?:我|你)?[一两二三四五六七八九十]{1,3}(?:元|块)|(?:退|给)了?(?:我|你)?\s?\d+\s?(?:元|块)|免单|退运费(?!险))",
           "反不正当竞争法 第八条：以利益换取好评",
           ("好评", "郝评", "豪评", "号评", "hao评", "好pin", "五星", "5星", "５星", "五颗星", "5颗星", "⭐", "追评", "晒图", "晒单", "带图", "图评", "买家秀")),
    Phrase("incentivized_review", "medium",
           r"(?:返现|反现|返钱|返红包|红包|🧧|现金|返\s?\d+元|(?<![0-9])\d+元红包|免费(?:拿|领|送|试用|寄))"
           r"[^。！？\n没不]{0,12}?"
           r"(?:换|求|要求|条件是|前提是|只要|就要|需要|写|给|打|留)[^。！？\n]{0,4}?(?:好评|郝评|五星|5星|追评|晒图|带图评价|评价)",
           "反不正当竞争法 第八条：以利益换取好评", ("返现", "反现", "返钱", "返红包", "红包", "🧧", "现金", "元", "免费")),
    # a seller's "好评联系客服" and "删差评给退": the reward is behind the customer-service chat
    Phrase("incentivized_review", "medium",
           # its screenshot sent there, maybe with the reward named: 给个5⭐，截图发给在线客服有小惊喜 (#20, tunerev15)
           r"(?:好评|五星|5星|[5５五]\s?⭐|追评|晒图|带图)[^。！？\n]{0,4}?(?:截图|截屏|截个图)[^。！？\n]{0,4}?(?:发给?|给|找|私信?|私聊|联系)(?:在线|人工)?客服"
           r"(?:[^。！？\n]{0,4}?(?:领|返|有|拿|送|得)[^。！？\n]{0,3}?(?:惊喜|礼|红包|🎁|🧧|奖励|现金|福利))?"
           r"|(?:好评|五星|5星|[5５五]\s?⭐|追评|晒图|带图)[^。！？\n]{0,8}?(?:联系|找|私信?|私聊)\s?客服(?:领|返|有|拿|送)?",
           "反不正当竞争法 第八条：好评后找客服领奖励",
           # anchored on the review word, not 客服: most clean reviews thank the customer service
           ("好评", "五星", "5星", "⭐", "追评", "晒图", "带图")),
    # a reward promised on condition of the review, said as "if review then X" (#20: two review writers, 2026-12-05):
    # 给好评就补寄一个新的, 只要评价里写“已回购”就能下次抵扣 (送给/送上 is giving the praise itself)
    Phrase("incentivized_review", "medium",
           r"(?<!不是)(?<!并非)(?:好评|五星|5星|[5５五]\s?颗?\s?⭐|晒图|追评)(?:的话)?(?:就|才|便)(?:能|可以|会|给|帮)?(?:你|您|我)?"
           r"(?:补寄|补发|重发|寄|送(?![给上])|返|退(?![了货])|赠|换新|换个新|发个新|再发|免费)",
           "反不正当竞争法 第八条：以利益换取好评", ("好评", "五星", "5星", "⭐", "晒图", "追评")),
    Phrase("incentivized_review", "medium",
           r"(?:只要|只需|只需要)[^。！？\n]{0,4}?(?:评价|好评|评论|晒图)[^。！？\n]{0,12}?就(?:能|可以|会|可)?[^。！？\n]{0,6}?"
           r"(?:抵扣|抵用|返|送|减|免单|红包|优惠|打折)",
           "反不正当竞争法 第八条：以利益换取好评", ("只要", "只需")),
    # ... and in English, the stars maybe as signs: "leave 5⭐ and we'll send you a free spare battery",
    # "Review 5⭐ + photo = RM10", "r.e.v.i.e.w = r.e.f.u.n.d"
    Phrase("incentivized_review", "medium",
           # the offer said in words may give anything; a bare +, = or "to get" only money (5 stars + free gift inside is
           # a buyer's list of praise)
           r"\b(?:leave|give|post|rate|review|rating)\b[^.!?\n]{0,12}?" + _FIVE_STARS + r"[^.!?\n]{0,20}?"
           r"(?:\band\s+(?:we|we'll|we will|i'll|i will|they'll|you'll|you will)\s+(?:send|give|refund|get|receive)\b"
           r"[^.!?\n]{0,25}?(?:\bfree\b|\bgift|\bbonus\b|" + _MONEY + r")"
           r"|(?:[+=＝→]|\bto get\b)[^.!?\n]{0,25}?" + _MONEY + r")",
           "a reward offered for a five-star review (FTC 16 CFR 465)", ("leave", "give", "post", "rate", "review", "rating")),
    Phrase("incentivized_review", "medium",
           # (five stars = money well spent is praise: stars equal only an amount or a refund)
           r"\br[.\s\-_*]?e[.\s\-_*]?v[.\s\-_*]?i[.\s\-_*]?e[.\s\-_*]?w\s*[=＝→]\s*(?:cash|money|free|gift|" + _MONEY + r")"
           r"|" + _FIVE_STARS + r"\s*[=＝→]\s*" + _MONEY,
           "a review traded for money (FTC 16 CFR 465)", ("=", "＝", "→")),
    Phrase("incentivized_review", "medium",
           r"(?:删|撤|改)(?:掉|除|了|成)?(?:差评|中评|评价|好评)?[^。！？\n]{0,4}?(?:给|就|再|可以)?(?:退|返|补|赔)(?:我|你)?(?:\s?\d+|款|钱|现|红包)",
           "反不正当竞争法 第八条：以利益换取删改评价", ("删", "撤", "改")),
    # -- the writer pushes a reader off the platform
    Phrase("diversion", "medium", r"\b(?:dm|pm|inbox)\s+me\b", "asks readers to message the writer privately", ("dm", "pm", "inbox")),
    Phrase("diversion", "medium",
           r"\b(?:message|text|contact|whatsapp|email) me\b[^.!?\n]{0,30}\b(?:cheap|cheaper|price|deal|discount|wholesale|order)",
           "asks readers to contact the writer for a deal", ("message me", "text me", "contact me", "whatsapp me", "email me")),
    Phrase("diversion", "medium",
           r"(?:私聊|私信|私我|加我|找我|联系我)[^。！？\n]{0,10}(?:更便宜|便宜|优惠|低价|拿货|代购|价格|团购)",
           "引导私下联系交易", ("私聊", "私信", "私我", "加我", "找我", "联系我")),
    # a disguised channel word, with the id after it if there is one: 加V, ➕q 三七五八…, 扣扣, 薇, 绿泡泡
    Phrase("diversion", "medium",
           r"(?:加|➕|＋|\+|添加|搜|找)\s?(?:vx|wx|qq|v|q|微信|薇信|威信|微(?![\u4e00-\u9fff])|微(?=私|聊|详|咨|了解)|薇|扣扣|企鹅|绿泡泡|小绿|飞机|tg)(?![a-z0-9])"
           r"(?:[ \t:：]{0,3}[0-9a-z_零〇一二三四五六七八九幺两-]{5,24})?",
           "引导到站外联系（变形的联系方式）", ("加", "➕", "＋", "+", "搜", "找")),
    # V我 / vx我 / 薇我 with no id: "add me on WeChat", the id left to the profile (要的话直接 V 我; not V我50, a meme)
    Phrase("diversion", "medium", r"(?<![a-z0-9])(?:v|vx|wx|薇|威)\s?我(?![们\s0-9])",
           "引导到站外联系（V我）", ("v", "vx", "wx", "薇", "威")),
    Phrase("diversion", "medium",
           r"(?:绿色|绿|蓝色|蓝|紫色)(?:的)?(?:聊天)?(?:软件|app|泡泡|图标|应用)[^。！？\n]{0,6}?(?:搜|找|加|联系)(?:[ \t:：]{0,3}[0-9a-z_-]{3,24})?",
           "引导到站外联系（隐晦地说聊天软件）", ("软件", "app", "泡泡", "图标", "应用")),
    # a channel named in English, leet or not, with a handle: "d.m me on 1nsta: x", "snap: x", "find me on the green app"
    Phrase("diversion", "medium",
           r"\b(?:(?:d\.?m|p\.?m|msg|hmu|hit me up)\s+(?:me\s+)?|(?:message|text|add|find|follow|contact|reach|ping)\s+me\s+|(?:shoot|send|drop)\s+me\s+an?\s+(?:message|msg|dm|text|line|note)\s+)(?:on|at|via|@)\s+(?:the\s+)?"
           r"(?:ig|[i1!]nsta(?:gram)?|gram|sn[a4]p(?:chat)?|sc|tg|te[l1]e(?:gram)?|wa|wh[a4]ts\s?[a4]pp|viber|line|kik|signal|fb|facebook|messenger|wechat|discord|tiktok|skype|icq|(?:green|blue|purple|yellow)\s+(?:app|bird|chat))\b"
           r"(?:[ \t:：@]{0,3}[a-z0-9_.]{3,30})?",
           "asks readers to contact the writer on another app",
           ("dm", "d.m", "pm", "p.m", "msg", "hmu", "hit me", "message", "text", "add", "find", "follow", "contact", "reach", "ping")),
    Phrase("diversion", "medium",
           r"(?<![a-z0-9])(?:ig|[i1!]nsta(?:gram)?|sn[a4]p(?:chat)?|sc|tg|te[l1]e(?:gram)?|kik|discord|viber|wh[a4]ts\s?[a4]pp|line id|wechat|wx|vx)\s?[:：@]\s?@?[a-z0-9][a-z0-9_.]{2,30}",
           "a messaging handle to contact the writer off the platform", (":", "：", "@")),
    # an invite link to a chat server or group, and an old messenger's number: discord.gg/x, t.me/+x, wa.me/…, ICQ 7731290
    Phrase("diversion", "medium",
           r"(?<![a-z0-9])(?:discord\.gg|discord(?:app)?\.com/invite|t\.me|telegram\.me|chat\.whatsapp\.com|wa\.me|m\.me|line\.me/ti/p)\s?/\s?[+~]?[a-z0-9_\-]{2,40}"
           r"|(?<![a-z0-9])(?:icq|skype)(?: id| number| no\.?)?\s?[:：#]?\s?[a-z0-9_.\-]{5,30}",
           "an invite link or messenger id to contact the writer off the platform", ("/", "icq", "skype")),
    # a link whose dot is bracketed, its name maybe spaced letter by letter: b i g d e a l s (dot) shop, shop88【点】com
    Phrase("diversion", "medium",
           r"(?<![a-z0-9])(?:[a-z0-9][a-z0-9-]{1,40}|[a-z0-9](?:[ \t][a-z0-9]){1,40})[ \t]*[(\[（【{][ \t]*(?:dot|点|\.)[ \t]*[)\]）】}][ \t]*"
           r"(?:com|net|org|shop|store|site|io|co|cn|top|xyz|me)(?![a-z0-9])",
           "a link with its dot spelled in brackets", ("dot", "点", ".")),
    # another shop named for readers to search, its name quoted: 拼多多同款便宜一半，搜店铺'优品百货铺'就有
    Phrase("diversion", "medium",
           r"(?:搜|搜索|查)(?:一下)?(?:店铺|店名|同名店)[ \t:：]{0,2}['\"“‘「『【《][^。！？\n'\"“”‘’「」『』【】《》]{2,15}['\"”’」』】》]",
           "引导到其他平台的店铺", ("店铺", "店名", "这家店", "同名店")),
    # ... any quoted name to search, said to be cheaper there: tb 搜“声悦数码”，比这家便宜二十; 搜 x i a n y u 号“光影小陈”，
    # 比这个便宜三百; and a shop named in quotes, then "search": 在抖音小店“萌娃鞋柜”只要39，大家去搜一下 (#20: two review
    # writers, 2026-12-05)
    Phrase("diversion", "medium",
           # (said cheaper than here, 比这家/比这个, or priced there; 这家最便宜 after a search is this shop's praise)
           r"(?:搜|搜索)(?:一下)?[^。！？\n'\"“‘「『【《]{0,16}?" + _QUOTED
           + r"[^。！？\n]{0,20}?(?:(?<!对)比[^。！？\n]{0,6}?(?:便宜|更低|低价|划算)|只要|只卖)",
           "引导到其他平台的店铺", ("搜",)),
    Phrase("diversion", "medium",
           r"(?:小店|店铺|网店|一家店|上一家|开了(?:个|家)?店)(?:叫|名叫|名字叫)?[ \t:：]{0,2}" + _QUOTED + r"[^。！？\n]{0,24}?(?:搜|search)",
           "引导到其他平台的店铺", ("店",)),
    # another platform named and a quoted name to search there, the platform before the search or after it:
    # 闲鱼上还挂了几只更便宜的，搜“…”; 去抖音搜 “…”; 搜咸🐟“…”, 半价 (#20: four blind writers, reviews31-35). Not how the
    # writer found this shop: 在淘宝搜“防水鞋”才找到这家
    Phrase("diversion", "medium",
           # (a word sending the reader there within the sentence: cheaper, the writer's, follow me; this shop not said
           # to win, 还是这家靠谱, the code review's hard negatives)
           r"(?=[^。！？\n]{0,40}?" + _STEERS + r")" + _NOT_THIS_SHOP +
           r"(?:" + _PLATFORM + r"[^。！？\n]{0,20}?(?:搜|搜索)(?:一下)?|(?:搜|搜索)(?:一下)?[ \t]?" + _PLATFORM + r")"
           r"[^。！？\n'\"“‘「『【《]{0,6}?" + _QUOTED + r"(?![^。！？\n]{0,8}?" + _FOUND_HERE + r")",
           "引导到其他平台的店铺", ("搜",)),
    # going to another platform's (or the next) shop, quoted, to buy or search there, or its price there said lower
    # than here: 去隔壁“…旗舰店”搜同款; 去我拼多多店铺“…”买; 在拼夕夕旗舰店“…”更便宜; 我在拼多多“…”才卖89. (Not a
    # purchase there told as past, 在京东“…”买过, nor this shop said cheaper: 在京东“…”要贵五十，这家便宜)
    Phrase("diversion", "medium",
           # (not a purchase told as past, 以前在…下单; not a question, 在天猫“88VIP”下单能用券吗？; this shop not said to win)
           r"(?<!以前)(?<!之前)(?<!上次)(?<!曾经)(?<!以前是)" + _NOT_THIS_SHOP + r"(?![^。！？\n]{0,40}?[吗么](?:[？?]|$))"
           r"(?:去|到|在)(?:我(?:的|家)?)?(?:" + _PLATFORM + r"|隔壁)(?:上|的)?(?:店铺|小店|旗舰店|网店|店)?[ \t:：]{0,2}"
           # (the platform's own pages and programmes, quoted: 在淘宝“店铺首页”搜型号, 在拼多多“百亿补贴”里买)
           r"(?!.(?:店铺首页|首页|我的订单|已买到|百亿补贴|88vip|以旧换新|特卖|京东超市|自营))" + _QUOTED
           + r"(?:(?!这家|这边|这里|这个|本店|这店|看到|刷到|找到)[^。！？\n]){0,20}?"
           r"(?:搜(?![不到])|下单|(?:买|拍)(?![过了的到])|更便宜|便宜|才卖|只要|只卖|半价|更低|低价)",
           "引导到其他平台的店铺", ("去", "到", "在")),
    # the writer's own shop, page or group elsewhere, with a word sending readers there: "check my Etsy shop X",
    # "join our Facebook group", "check out my shop on the other site"
    Phrase("diversion", "medium",
           # (an order or a check of the writer's own: "every order from my Etsy shop", "I use it to check my online store
           # inventory", the code review's hard negatives)
           r"(?<!\bto )(?<!\bi )(?<!\bwe )(?<!\bevery )(?<!\beach )(?<!\ban )(?<!\bthe )(?<!\bper )(?<!\bone )"
           r"\b(?:check out|check|visit|join|follow|find|search for|search|go to|head to|buy (?:straight |directly |direct )?from"
           r"|order from|shop at|come to)\s+(?:my|our)\s+(?:own\s+)?"
           r"(?:(?:etsy|ebay|depop|poshmark|shopify|amazon|facebook|fb|ig|instagram|tiktok|whatsapp|telegram|carousell"
           r"|mercari|vinted|online|web)\s+(?:shop|store|page|group|site|channel)"
           r"|(?:shop|store|page)\s+on\s+(?:the\s+)?(?:other|another|a different)\s+(?:site|app|platform))\b"
           r"(?!\s+(?:inventory|messages|orders?|listings?|notifications|stats|analytics|account|dashboard|feed))",
           "asks readers to buy from the writer's shop elsewhere", ("my", "our")),
    # a phone number spaced out digit by digit after a phone sign or channel word, or before one: 📱 0 9 1 2 - 4 4 8 …
    Phrase("diversion", "medium",
           r"(?:📱|📞|☎|\btel\b|\bphone\b|\bcall\b|\btext\b|\bwhatsapp\b|\bviber\b|电话|手机|号码)[^\n.。!！?？0-9]{0,6}(?:[0-9][ \t\-.]{1,3}){6,14}[0-9](?:\s?(?:via|on)\s+(?:viber|whatsapp|telegram|signal|line|wechat))?",
           "a phone number spaced out to pass a filter", ("📱", "📞", "☎", "tel", "phone", "call", "text", "whatsapp", "viber", "电话", "手机", "号码")),
    # a phone number said in words and digits mixed after a contact word: "text me at four one five, 3 3 8, 2 2 1 9"
    Phrase("diversion", "medium",
           r"\b(?:text|txt|call|ring|whatsapp|phone|reach|contact)\s+(?:me\s+)?(?:(?:at|on)\s*)?"
           r"(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|[0-9])[\s,.\-]{1,3}){6,14}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|[0-9])(?![a-z0-9])",
           "a phone number spelled out in words and digits", ("text", "txt", "call", "ring", "whatsapp", "phone", "reach", "contact")),
    # the writer points at their profile: 看我头像昵称就能找到我, "check my bio", "link in bio"
    Phrase("diversion", "medium",
           r"(?:看|点|点开|搜|查)(?:我的?)(?:头像|昵称|主页|名字|签名|id|资料)[^。！？\n]{0,8}?(?:找到我|加我|联系我|私我|找我|有联系方式|有方式|有(?:wei|vx|wx|v|微|薇|威|q|扣)(?![a-z\u4e00-\u9fff])|有(?:微信|薇信|威信|扣扣))",
           "引导通过个人资料到站外联系",
           tuple(me + w for me in ("我", "我的") for w in ("头像", "昵称", "主页", "名字", "签名", "id", "资料"))),
    Phrase("diversion", "medium",
           r"\b(?:(?:check|see|look at|visit|click) my (?:profile|bio|page|username|user name)|(?:link|contact|number|info) (?:is )?in (?:my )?bio)\b",
           "points readers to the writer's profile to contact them",
           ("check my", "see my", "look at my", "visit my", "click my", "in bio", "in my bio")),
    # a shop's line pushed for ordering outside: 拨打我们店的售后电话0571-…下单更优惠
    Phrase("diversion", "medium",
           r"(?:拨打|致电|打电话|打我们|联系|call|ring)[^。！？\n]{0,12}?0[0-9]{2,3}[\-－ ]?[0-9]{7,8}(?![0-9])[^。！？\n]{0,10}?(?:下单|订购|购买|优惠|便宜|拿货|团购|直购|order|cheaper|discount)",
           "引导到站外电话下单", ("拨打", "致电", "打电话", "打我们", "联系", "call", "ring")),
    Phrase("diversion", "medium",
           r"\b(?:venmo|paypal|zelle|cash ?app)\s+me\b(?:[ \t:：]{0,3}@?[a-z0-9][a-z0-9_.\-]{2,30})?",
           "asks readers to pay the writer off the platform", ("venmo", "paypal", "zelle", "cash")),
    # -- services advertised in a review (网络交易监督管理办法 第十四条; 反不正当竞争法 第八条)
    Phrase("illegal_service", "high",
           r"(?:刷单|刷销量|做销量|冲销量|刷信誉|刷好评|补单|拍单|代拍|点赞员|做任务|加粉|涨粉|刷粉|刷赞|刷播放|shua\s?(?:单|dan)|刷\s?dan"
           # likes and follows farmed for pay, half in pinyin: 招人点zan关zhu (#20, tunerev15); plain 点赞 is praise
           r"|点\s?zan|dian\s?zan|关\s?zhu|guan\s?zhu)"
           r"[^。！？\n]{0,12}?(?:佣金|yong\s?jin|日结|当天结|秒结|返款|提成|工资|兼职|日赚|日入)",
           "刷单/加粉兼职招募（网络交易监督管理办法 第十四条）",
           ("刷单", "刷销量", "做销量", "冲销量", "刷信誉", "刷好评", "补单", "拍单", "代拍", "点赞员", "做任务", "加粉", "涨粉", "刷粉", "刷赞", "刷播放")),
    Phrase("illegal_service", "high",
           r"(?:兼职|日结|佣金|在家(?:就能|轻松)?(?:赚|挣)|动动手指)[^。！？\n]{0,12}?(?:刷单|刷销量|做销量|冲销量|补单|拍单|代拍|加粉|涨粉|刷粉|shua\s?(?:单|dan)|刷\s?dan)",
           "刷单/加粉兼职招募（网络交易监督管理办法 第十四条）", ("兼职", "日结", "佣金", "在家", "动动手指")),
    # loans offered to the credit-blacklisted, or with no credit check (非法放贷: 最高法 2019 非法放贷意见; 网贷黑户)
    Phrase("illegal_service", "high",
           r"(?:黑户|白户|征信花|征信不好|征信差|逾期)[^。！？\n]{0,8}?(?:也能|也可以?|都能|照样|照常|能|可)(?:下款|放款|借|贷|批)|"
           r"(?:不看|无视|不查|不上|不用|不需要?)征信|包下款|(?:押金|手续费)包过|"
           r"\b(?:no|without)\s+credit\s+checks?\b[^.!?\n]{0,25}?\b(?:loans?|cash|approv\w*|funds?)\b|"
           r"\b(?:loans?|cash)\b[^.!?\n]{0,25}?\b(?:no|without)\s+credit\s+checks?\b|\bbad credit\b[^.!?\n]{0,15}?\b(?:ok|okay|approved|accepted)\b",
           "面向黑户/不看征信的放贷（非法放贷）", ("黑户", "征信", "下款", "包过", "credit")),
    # a task scam: money per day for liking products or placing orders that get refunded
    Phrase("illegal_service", "high",
           r"\b(?:earn|make|get paid)\s+(?:up to\s+)?[$£€¥]?\s?\d[\d,]*(?:\s?(?:usd|dollars|rmb|k))?\s?(?:/\s?|a |an |per |each )?(?:day|daily|hour|hr|week|task)\b[^.!?\n]{0,30}?\b(?:liking|like|likes|clicking|rating|reviewing|placing orders|place orders|orders|boosting|tasks?)\b",
           "a paid-task scam recruiting buyers (网络交易监督管理办法 第十四条)", ("earn", "make", "paid")),
    # credit cashed out: 花呗白条秒tao现 (刑法 第二百二十五条 非法经营; 信用卡套现 in the word lists)
    Phrase("illegal_service", "high",
           r"(?:花呗|白条|借呗|信用卡|分付|月付|额度)[^。！？\n]{0,6}?(?:套现|tao现|t现|套出|提现|取现|变现)",
           "信用卡/花呗套现（刑法 第二百二十五条）", ("花呗", "白条", "借呗", "信用卡", "分付", "月付", "额度")),
    # papers made without the exam: 办zheng, 学历、职称证书都能做
    Phrase("illegal_service", "high",
           r"(?:办证|办zheng|办z证|做证|假证|(?:学历|文凭|毕业证|学位证|四六级|职称|驾照|资格证)[^。！？\n]{0,12}?(?:都能做|都能办|能做|可办|代办|包过)"
           # 代办各类证书：学历、会计证 (#20, tunerev15)
           r"|代办[^。！？\n]{0,4}?(?:证书|证件|学历|文凭|毕业证|学位证|驾照|资格证|会计证|健康证))",
           "办证/伪造证书（刑法 第二百八十条）", ("办证", "办z", "做证", "假证", "学历", "文凭", "毕业证", "学位证", "四六级", "职称", "驾照", "资格证")),
    Phrase("illegal_service", "high",
           r"\b(?:selling|sell|for sale)\b[^.!?\n]{0,30}?\b(?:netflix|disney\+?|spotify|hbo(?: max)?|hulu|youtube premium|prime video|chatgpt(?: plus)?|canva pro|game pass|iptv)\b[^.!?\n]{0,30}?\b(?:accounts?|logins?|subscriptions?|lifetime access)\b(?:[^.!?\n]{0,25}?\$\d+)?",
           "shared or resold streaming accounts (platform rules; 反电信网络诈骗法 第三十一条)",
           ("netflix", "disney", "spotify", "hbo", "hulu", "youtube premium", "prime video", "chatgpt", "canva pro", "game pass", "iptv")),
    # ... and in Chinese: 出 Netflix 共享账号, 奈飞会员合租, Spotify 家庭组车位 (#20, tunerev15)
    Phrase("illegal_service", "high",
           r"(?:出|出售|卖(?![家方])|低价|合租|拼车|上车|车位)[^。！？\n]{0,6}?(?:netflix|奈飞|网飞|disney\+?|迪士尼\+|spotify|hbo(?: max)?|youtube premium|油管会员|chatgpt(?: plus)?|gpt\s?plus|canva pro)"
           r"[^。！？\n]{0,16}?(?:账号|帐号|会员|共享|合租|车位|家庭组|premium|plus)",
           "shared or resold streaming accounts (platform rules; 反电信网络诈骗法 第三十一条)",
           ("netflix", "奈飞", "网飞", "disney", "迪士尼", "spotify", "hbo", "youtube premium", "油管", "chatgpt", "gpt", "canva")),
    # accounts sold: 出售各类王者荣耀账号, "Selling verified PayPal & Amazon seller accounts" (实名账号买卖: 网络安全法 第二十四条)
    Phrase("prohibited_goods", "high",
           r"(?:出售|低价出|便宜出|批发|代售|收售|卖(?![家方]))[^。！？\n，,]{0,10}?(?:账号|帐号|成品号|白号|老号|实名号|小号)"
           r"|\b(?:selling|for sale|sell|cheap)\b[^.!?\n]{0,30}?\b(?:verified|aged|pva|bulk|(?:paypal|amazon|ebay|gmail|steam|instagram|tiktok|facebook|bank|seller|game|gaming)(?: seller)?)\s+(?:accounts|accs)\b",
           "出售账号（网络安全法 第二十四条：账号实名不得转让）", ("账号", "帐号", "号", "account", "accs")),
    # drugs by their cover words, offered with a wink (懂的来, 懂的私): 叶子/糖果/邮票/冰 (刑法 第三百四十七条)
    Phrase("prohibited_goods", "high",
           # the wink asks the reader to act (懂的来, 懂的私); 懂的都懂 after a plant's 叶子 is only a knowing remark
           r"(?:飞叶子|叶子|邮票|糖果|冰糖|溜冰|k粉|猪肉|开心水|听话水|神仙水|小树枝)[^。！？\n]{0,24}?(?:懂的|懂得)(?:来|私|联系|滴滴|加|找我)"
           r"|(?:懂的|懂得)(?:来|私|联系|滴滴|加|找我)[^。！？\n]{0,12}?(?:飞叶子|叶子|邮票|糖果|冰糖|溜冰|k粉|开心水|听话水|神仙水)",
           "毒品隐语加暗示（刑法 第三百四十七条）", ("懂的", "懂得")),
    Phrase("illegal_service", "high",
           r"\b(?:selling|sell|cheap|buy)\s+(?:[0-9]+k?\s+)?(?:real\s+|active\s+)?(?:(?:instagram|insta|ig|tiktok|youtube|twitter|fb)\s+)?(?:followers|likes|views|subscribers)\b[^.!?\n]{0,20}?(?:\$\d+|\bdm\b|\bmessage me|\binbox\b|\bcheap\b)",
           "bought followers or likes (platform rules; 网络交易监督管理办法 第十四条)", ("followers", "likes", "views", "subscribers")),
    # ... and in Chinese, sold by the thousand with a price: 千粉只要十块, 真人粉1000个只要10块, 1000粉10元 (#20: three fresh
    # writers, reviews32-36). Not 粉色/粉底/粉扑, nor a blogger "with ten thousand fans" (万粉博主, 1000粉的博主, 万粉以上)
    Phrase("illegal_service", "high",
           r"(?:真人|活|僵尸|千|万|[0-9０-９]{2,6}\s?个?)粉(?![色底丝条饼末刷剂扑状质红博达网主的以上])[^。！？\n]{0,12}?"
           r"(?:只要|仅需|才|[0-9０-９]+\s?(?:元|块|rmb)|[一二三四五六七八九十百两]+\s?(?:元|块)|十块|二十)",
           "买卖粉丝（网络交易监督管理办法 第十四条）", ("粉",)),
    # coursework and exams done for pay: "I take your exam for you", "we write essays and take online exams for you"
    # (#20: four fresh writers, reviews32-37); a buyer's own homework is none
    Phrase("illegal_service", "high",
           r"\b(?:i|we)\s+(?:can\s+|will\s+|also\s+)?(?:do|take|write|sit|complete|handle|finish)\s+(?:all\s+)?your\s+(?:[a-z\-]+\s+){0,3}?"
           r"(?:exams?|tests?|quiz(?:zes)?|courses?|classes|assignments?|essays?|homework|finals|coursework|thesis|dissertations?)\b"
           # (for pay, or said as the whole offer: not "I take your exam date into account")
           r"(?:\s+for\s+you|[^.!?\n]{0,40}?(?:guarantee|\bpay|\$|\bfee|\bprice|\bcheap|\bdm\b|whatsapp|\bhire)|(?=\s*(?:[.!,;]|$)))"
           r"|\b(?:i|we)\s+(?:can\s+|will\s+|also\s+)?(?:do|take|write|sit|complete)\s+(?:[a-z\-,]+\s+){0,6}?"
           r"(?:exams?|tests?|quiz(?:zes)?|courses?|classes|assignments?|essays?|homework|finals|coursework)\s+for\s+you\b",
           "exams or coursework done for pay (academic fraud; 刑法 第二百八十四条之一 代替考试)", ("i ", "we ")),
    # reviews or ratings sold to sellers: "50 verified-purchase 5-star reviews for your listing", "boost your store rating"
    Phrase("illegal_service", "high",
           r"\bverified[- ]purchase\s+(?:(?:5|five)[- ]star\s+)?reviews\b[^.!?\n]{0,30}?"
           r"(?:for\s+your\s+(?:listing|store|shop|product|page|asin)|per\s+(?:week|day)|\$|\bdm\b|\bcheap|\bundetectable|\d+\+)"
           r"|\bboost\s+your\s+(?:store|shop|seller|listing)(?:'s)?\s+(?:rating|ranking|reviews|sales)\b",
           "reviews or ratings sold to sellers (反不正当竞争法 第八条; 网络交易监督管理办法 第十四条)", ("verified", "boost")),
)

# Matched on the lower-cased text (as fast again as re.IGNORECASE); a text whose length lower() changes (a
# handful of characters such as İ) is matched as it is, with re.IGNORECASE. Compiled with a look-ahead for the
# characters a match can start with (scanner/text/first_chars.py): many rows open with look-behinds or look-aheads,
# which `re` would otherwise try at every position (the two shop-push rows: 0.3-0.5 s each on 100,000 characters).
_COMPILED = tuple((p, re.compile(guarded(p.pattern))) for p in PHRASES)
_COMPILED_ANY_CASE = tuple((p, re.compile(guarded(p.pattern, re.IGNORECASE), re.IGNORECASE)) for p in PHRASES)
# Which rows may match a lower-cased text, and from where, from one pass over the strings each row's every match
# must contain (read off the patterns by scanner/text/prefilter.py): a text holding none (most reviews) is done.
# The same pass says whether the text may hold an address part (_personal_data's gate): one more row after the
# phrases, never run as a regex, whose strings are personal_data.ADDRESS_PART_WORDS lower-cased (a text holding " St"
# holds " st" once lower-cased, so no address is missed; a hit is checked on the text as written).
_ADDRESS_ROW = len(PHRASES)
_GATE = Prefilter([p.pattern for p in PHRASES]
                  + ["|".join(re.escape(w.lower()) for w in personal_data.ADDRESS_PART_WORDS)])
_ALL_ROWS = tuple((row, 0) for row in range(_ADDRESS_ROW + 1))
# The rows written in Chinese are also read on the engine's normalised text (#20, tunerev15), where a word spaced or
# starred out character by character (佣 金, 好*评) or glued to pinyin by a blank (shua 单) reads as typed plainly; its spans map back to the original through the normaliser's offsets. English rows
# are not: normalising turns . ' and - into blanks and glues spaced letters together, so their sentence bounds and
# word edges would move.
_CJK_ROWS = tuple(row for row, p in enumerate(PHRASES) if any(is_cjk(c) for c in p.pattern))
# A Chinese character and a letter, digit or Chinese character with only blanks, stars, dashes, dots, zero-width
# characters or emoji between them: where the second pass can read something the first could not.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_SPACED_OUT = re.compile(
    rf"[{_CJK}][\s*·•_\-~/|.\u200b-\u200d\u2060\ufeff\u2190-\u2bff\U0001F300-\U0001FAFF]+[{_CJK}a-zA-Z0-9]"
    rf"|[a-zA-Z0-9][\s*·•_\-~/|\u200b-\u200d\u2060\ufeff\u2190-\u2bff\U0001F300-\U0001FAFF]+[{_CJK}]")
_GATE_CJK = Prefilter(PHRASES[row].pattern for row in _CJK_ROWS)


def spaced_out_python(text: str) -> bool:
    """Whether `text` has a Chinese character spaced or starred out from the next character (the definition;
    scanner/text/_hints_c.pyx's `spaced_out` answers the same in one pass, tests/text/test_detector_hints.py)."""
    return _SPACED_OUT.search(text) is not None


def clause_ends_python(text: str) -> list[int]:
    """Where each clause of `text` ends: the index of each character of _CLAUSE_END (the definition;
    scanner/text/_hints_c.pyx's `clause_ends` answers the same in one pass, tests/text/test_clause_ends.py)."""
    return [m.start() for m in _CLAUSE_END.finditer(text)]


def _load_hints():
    from scanner._compiled import load

    module = load("text._hints_c", 6, "the spacing and clause regexes")
    if module is None:
        return spaced_out_python, clause_ends_python
    return module.spaced_out, module.clause_ends


spaced_out, clause_ends = _load_hints()

# The table's content hash: `versions.speech` of every review and qa result.
VERSION = "sha256:" + hashlib.sha256(
    "\n".join("\t".join(p[:4]) for p in PHRASES).encode("utf-8")).hexdigest()


# A report denied, doubted or asked about is no report: "不是假货", "以为是假的", "会不会是假的？", "not a fake".
_CLAUSE_END = re.compile(r"[，,。！？!?.;；\n]")
_DOUBT_BEFORE = re.compile(
    r"(?:不是|不会是|并非|绝非|没有(?!想到)|没(?!想到)|以为|还以为|不知道|不确定|担心|怕|害怕|怀疑|会不会|是不是|是否|"
    r"\bnot|\bisn't|\bis not|\bwasn't|\bno|\bnever|\bworried|\bafraid|\bthought|\bif|\bwhether|\bin case|"
    r"\bnervous|\bscared|\bconcerned|\bwary|\bparanoid|\bsuspicious|\bskeptical|\bsceptical|\bfear|"
    r"\bmight be|\bmay be|\bcould be)"
    r"[^，,。！？!?.;；\n]{0,12}$", re.IGNORECASE)


# An offer, contact or service denied or warned against is none: "商家没有搞好评返现那一套", "谨防加V刷单",
# "we never pay for 5 stars", "beware of anyone asking you to text them". (A buyer's counterfeit report has
# its own test above: doubt and questions.) The listing engine's negation rows (exemptions.tsv) drop its own
# findings; this keeps the phrases below from adding them back.
_NEGATIONS = (r"没有|没搞|没(?!想到)|不搞|不做|不会|不是|不要|不用|并非|绝不|从不|从来不|从没|拒绝|"
              r"\bno\b|\bnever\b|\bnot\b|n't\b|\bwithout\b|\bnobody\b|\bno-one\b")
_WARNINGS = r"禁止|严禁|谨防|小心|当心|警惕|别信|举报|骗子|骗局|\bbeware\b|\bwarn|\breport|\bscam"
_DENIED_BEFORE = re.compile(r"(?:" + _NEGATIONS + "|" + _WARNINGS + r")[^，,。！？!?.;；\n]{0,12}$", re.IGNORECASE)
# The listing engine's own reward finding in a review, negated in its clause: "评价送京豆是平台的规则，不是商家返现" (#20,
# tunerev15). Only a negation: a warning (举报这家好评返现, 骗子) reports an offer that was made.
_NEGATED_BEFORE = re.compile(r"(?:" + _NEGATIONS + r")[^，,。！？!?.;；\n]{0,12}$", re.IGNORECASE)


# Longest doubt word (8) + the 12 characters the pattern allows after it, with room: a report's doubt is always
# inside this many characters before it, so a long clause is never re-read for each report in it.
_DOUBT_REACH = 40


class Clauses:
    """Where the clauses of one text end, found once: each report then looks its clause up in O(log n), so a text
    of many reports (a hostile review repeats one 100,000 characters long) stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[int] | None = None  # found on first use: most reviews never ask
        self._asked: dict[int, bool] = {}  # clause end -> is that clause a question

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = clause_ends(self.text)
        return self._ends

    def _clause_start(self, start: int) -> int:
        i = bisect_left(self.ends, start)  # clause ends before the report
        return max(self.ends[i - 1] + 1 if i else 0, start - _DOUBT_REACH)

    def negated(self, start: int) -> bool:
        """Is the offer at `start` negated in its clause (words before it)?"""
        return _NEGATED_BEFORE.search(self.text, self._clause_start(start), start) is not None

    def denied(self, start: int) -> bool:
        """Is the offer or contact at `start` denied or warned against in its clause (words before it)?"""
        return _DENIED_BEFORE.search(self.text, self._clause_start(start), start) is not None

    def doubted(self, start: int, end: int) -> bool:
        text, ends = self.text, self.ends
        if _DOUBT_BEFORE.search(text, self._clause_start(start), start):
            return True
        j = bisect_left(ends, end)
        after = ends[j] if j < len(ends) else len(text)
        asked = self._asked.get(after)
        if asked is None:  # once per clause, however many reports it holds
            tail = text[end:after].rstrip()
            asked = self._asked[after] = ((after < len(text) and text[after] in "？?")
                                          or tail.endswith(("吗", "么", "嘛")))
        return asked


# A number the phone detector read inside a longer code is no phone (#20, tunerev14): the middle stretch of a grouped
# parcel number ("USPS tracking 9405 5112 0620 1843 5521 87") or digits with letters glued after them ("兑换码是
# 13800138000abc"). Letters glued BEFORE the digits stay a contact ("vx13800138000" is a WeChat id).
_GROUP_SEPS = " -.\u3000"


def inside_longer_code(text: str, start: int, end: int) -> bool:
    """Is text[start:end] (a phone number as the detector read it) one stretch of a longer code?"""
    after = text[end:end + 1]
    if after.isascii() and after.isalnum() or text[start - 1:start].isdigit():
        return True
    seps = {c for c in text[start:end] if c in _GROUP_SEPS}
    if len(seps) != 1:  # an ungrouped run: only glued characters join it to something longer
        return False
    sep = seps.pop()  # the same grouping carried on past either end: "5112 [0620 1843 5521] 87"
    return (start >= 2 and text[start - 1] == sep and text[start - 2].isdigit()) or (
        text[end:end + 1] == sep and text[end + 1:end + 2].isdigit())


# A buyer's own circle named, not a channel offered (#20, tunerev14): "推荐给家里微信群的亲戚们", "发到同事群了" — the
# bare app word right before 群, after a word for the writer's family, friends or colleagues or a verb of sharing.
# (Joining a group, "加了微信群", stays a push off the platform.)
_OWN_GROUP_BEFORE = re.compile(
    r"(?:家里|家族|家人|亲戚|亲友|同事|朋友|同学|班级|班上|小区|邻居|公司|单位|宝妈|老乡)的?$|(?:推荐|分享|转发|发|晒)(?:到|给|在)了?$")


# The same in English: the app named as where the writer reached a relative or friend ("sent a pic to my sister on
# WhatsApp", "told my mum over Messenger"); "add me on WhatsApp" and a seller's "message us on WhatsApp" name no one
# of the writer's own.
_OWN_CIRCLE_BEFORE = re.compile(
    r"\b(?:to|with|for)\s+my\s+(?:(?:little|big|older|younger|best)\s+)?(?:sister|brother|sis|bro|mum|mom|mother|"
    r"dad|father|parents|wife|husband|partner|girlfriend|boyfriend|gf|bf|daughter|son|kids|family|cousin|aunt|"
    r"uncle|grandma|grandpa|friends?|bestie|colleagues?|coworkers?|neighbou?r)(?:'s)?\s+(?:on|via|over|through|in)"
    r"(?:\s+(?:our|the|their|her|his))?(?:\s+family)?\s+$", re.IGNORECASE)


# ... but not when the clause goes on to a deal: "talk to my brother on WhatsApp, he sells them for half the price"
_DEAL = r"(?:\b(?:cheap\w*|discount\w*|price\w*|sells?|selling|sale|deals?|off|less|half)\b|[$£€¥￥]|\d)"
_IN_CLAUSE = r"[^.!?。！？;；\n]"
_DEAL_AFTER = re.compile(_IN_CLAUSE + r"{0,60}?" + _DEAL, re.IGNORECASE)


_DEAL_BEFORE = re.compile(_DEAL + _IN_CLAUSE + r"{0,60}$", re.IGNORECASE)


def own_group(text: str, start: int, end: int, buyer: bool = True) -> bool:
    """Is the bare channel word text[start:end] the writer's own group ("家里微信群") or, in a buyer's words, the app
    the writer reached family or friends on ("sent a pic to my sister on WhatsApp")?"""
    word = text[start:end]
    if any(c.isdigit() for c in word):
        return False
    if text[end:end + 1] == "群":
        return _OWN_GROUP_BEFORE.search(text, max(0, start - 8), start) is not None
    return (buyer and word.isalpha()  # the app's name alone (WhatsApp), not a pitch the engine read around it
            and _OWN_CIRCLE_BEFORE.search(text, max(0, start - 48), start) is not None
            and _DEAL_AFTER.match(text, end) is None and _DEAL_BEFORE.search(text, max(0, start - 60), start) is None)


# A gift said NOT to depend on a review: "不是评价才送的", "不用好评也送", "不需要晒图" (#20, tunerev14).
_NOT_FOR_REVIEW = re.compile(r"(?:不是|并非|不用|不需要|无需|不必|没有?要求|不要求|没有?让)(?:给|写|打|留|先)?(?:好评|评价|五星|晒图|追评)")


def not_for_review(text: str, start: int, end: int) -> bool:
    """Does a 'not for a review' denial overlap the reward-for-review finding text[start:end] or stand right after it?"""
    return any(m.start() < end + 2 for m in _NOT_FOR_REVIEW.finditer(text, max(0, start - 6), min(len(text), end + 8)))


def doubted(text: str, start: int, end: int, clauses: Clauses | None = None) -> bool:
    """Is the report at text[start:end] denied, doubted or asked about in its clause?"""
    return (clauses or Clauses(text)).doubted(start, end)


def find(field: str, text: str, policy, covered: list[Finding], unread: frozenset = frozenset(),
         norm: Normalised | None = None, clauses: Clauses | None = None) -> list[Finding]:
    """Findings for the phrases in `text` (field `field`), skipping any span overlapping a finding of the same
    category the engine already made (`covered`); then personal data the engine's detectors were not asked for. A
    finding of a category in `unread` (never returned as a finding to this speaker, scanner/speakers.py) gets no
    rendered explanation. `norm`, the engine's normalised `text`, lets the Chinese rows see through spacing;
    `clauses`: the caller's Clauses of `text`, if it has one (they are found once)."""
    lowered = text.lower()
    # a text whose length lower() changes is matched as it is, case-insensitively: every row runs on it
    # the rows that may match, and where each one's first match can start at the earliest; the address row last
    plan = _GATE.plan(lowered) if len(lowered) == len(text) else _ALL_ROWS
    # the Chinese rows on the normalised text where the normaliser dropped or joined something (its offsets are then
    # a map) and the text has a Chinese character spaced out from the next character. A text it only changed
    # character for character (，→,), or only around English punctuation ("size. 老板"), is not read twice: run on
    # every such text, the second pass made a clean review cost 1.6 times what it had.
    # (the spacing check first: compiled, it is one pass at a tenth of the gate's cost)
    plan_norm = (_GATE_CJK.plan(norm.text) if norm is not None and norm.offsets is not None and spaced_out(text)
                 else ())
    if not plan and not plan_norm:  # most reviews
        return []
    found = _phrases(field, text, lowered, plan, plan_norm, norm, policy, covered, unread, clauses)
    if plan and plan[-1][0] == _ADDRESS_ROW:
        found += _personal_data(field, text, lowered, policy)
    return found


def _personal_data(field: str, text: str, lowered: str, policy) -> list[Finding]:
    """A name and an address posted together with no phone number ("Sent to my mum: Margaret Ellison, 22 Hawthorn
    Road, Leeds", "地址写的赵德明，四川省成都市…27 号"): the listing engine runs the personal-data recognisers only
    behind a digit run or a cue word (most listings hold neither, and a shop's copy seldom holds a customer's
    address). A review is where buyers post them, so here they run whenever the engine's gate was shut; the
    recognisers and their rules are personal_data.py's, unchanged, and the finding is masked as the engine's are.
    Called only when the gate saw an address part in the lower-cased text."""
    if not personal_data.could_hold_address(text):
        return []  # no address part: with no phone either, no block can form
    if personal_data.could_detect(lowered) or detectors.digit_hint(text):
        return []  # the engine ran them on this text already
    out: list[Finding] = []
    for start, end, name, category, detail in personal_data.detect(text, [], lowered):
        reasons = (reason("personal_data", name=name, detail=detail),)
        out.append(Finding(kind="text", category=category, field=field, severity="high",
                           score=DETECTOR_SCORES.get(name, 0.8), explanation=render(reasons),
                           effect=policy.action(category), start=start, end=end,
                           text=personal_data.mask(name, text[start:end]), term=name, suggestion="", reasons=reasons))
    return out


def _phrases(field: str, text: str, lowered: str, plan, plan_norm, norm: Normalised | None, policy,
             covered: list[Finding], unread: frozenset, clauses: Clauses | None) -> list[Finding]:
    out: list[Finding] = []
    same_length = len(lowered) == len(text)
    if not plan_norm and plan[0][0] == _ADDRESS_ROW:  # only the address row: no phrase can match
        return out
    # characters already reported, per category: an overlap test costs the span's length, not the findings' count
    taken: dict[str, bytearray] = {}

    def mark(category: str, start: int, end: int) -> None:
        seen = taken.get(category)
        if seen is None:
            seen = taken[category] = bytearray(len(text))
        seen[start:end] = b"\1" * (end - start)

    for f in covered:
        if f.field == field and f.start is not None:
            mark(f.category, f.start, f.end)
            if f.category == "personal_data":  # a contact inside a person's block is part of it, shown masked there
                mark("diversion", f.start, f.end)

    def matches():  # (row, start, end) in the original text: the original's matches first, then the normalised's
        for row, begin in plan:  # in the table's order: the first row of a category keeps an overlapping span
            if row == _ADDRESS_ROW:  # the gate's last row, never run as a regex
                break
            rx = _COMPILED[row][1] if same_length else _COMPILED_ANY_CASE[row][1]
            # finditer from `begin` sees the text before it (\b, look-behind) and finds what it would from 0
            for m in rx.finditer(lowered, begin) if same_length else rx.finditer(text):
                yield (row, *m.span())
        for j, begin in plan_norm:
            row = _CJK_ROWS[j]
            for m in _COMPILED[row][1].finditer(norm.text, begin):
                if m.start() < m.end():
                    yield (row, *norm.span(*m.span()))

    for row, start, end in matches():
        phrase = PHRASES[row]
        seen = taken.get(phrase.category)
        if start == end or (seen is not None and seen.find(1, start, end) >= 0):
            continue
        if phrase.category != "counterfeit":  # a buyer's report is judged by the speaker step (doubted)
            if clauses is None:
                clauses = Clauses(text)
            if clauses.denied(start):
                continue
        mark(phrase.category, start, end)
        words = text[start:end]
        reasons = (reason("term", category=phrase.category, term=words, source="speech"),
                   reason("basis", text=phrase.note))
        out.append(Finding(kind="text", category=phrase.category, field=field,
                           severity=phrase.severity, score=policy.severity_scores.get(phrase.severity, 0.75),
                           explanation="" if phrase.category in unread else render(reasons),
                           effect=policy.action(phrase.category),
                           start=start, end=end, text=words, term=words, reasons=reasons))
    return out
