"""Customer reviews and Q&A as content kinds (#20): who is speaking decides what counts.

Every expected value below is written by hand from the rule in scanner/speakers.py: a buyer's advertising-style
words (最好, best, cures, a brand name) are not violations; a buyer's report that the goods are fake is a
listing signal, not a finding; contact details, incentives revealed, personal data and illegal services are
findings whoever writes them; a seller's answer is held to the listing's rules.
"""
from __future__ import annotations

import json
import time

import pytest

from tests.text.test_clause_model import KNOWN_FALSE_POSITIVES  # the model's, held there

from scanner.listing import InvalidListing, parse_listing
from scanner.review.masking import reviewer_copy
from scanner.speakers import CONTACT_TERMS, RULES, SELLER_COPY_ONLY

R, Q = "review", "qa"

# (kind, speaker or None, text, decision, {(category, text) of findings}, [text of counterfeit listing signals])
CASES = [
    # -- incentives revealed by the writer: incentivized_review, review
    (R, None, "商家说五星送红包，所以给了好评", "review", {("incentivized_review", "五星送红包，所以给了好评")}, []),
    (R, None, "好评返现5元，质量一般般吧", "review", {("incentivized_review", "好评返现")}, []),
    (R, None, "got this free for a review, works ok so far", "review",
     {("incentivized_review", "free for a review")}, []),
    (R, None, "I received this product free in exchange for my honest review. Battery lasts two days.", "review",
     {("incentivized_review", "in exchange for my honest review")}, []),
    (R, None, "Seller offered a refund for a 5 star rating, so here it is", "review",
     {("incentivized_review", "refund for a 5 star rating")}, []),
    (R, None, "晒图评价送10元红包，东西还行", "review", {("incentivized_review", "晒图评价送10元红包")}, []),
    # a reward on condition of the review, "if review then X", and stars written as signs (two review writers, #20)
    (R, None, "卖家说给好评就补发一个滤芯，不给就算了", "review", {("incentivized_review", "好评就补发")}, []),
    (R, None, "主播讲只要评论里写“回购”就可以下单立减", "review",
     {("incentivized_review", "评论里写“回购”就可以下单立减")}, []),
    (Q, "seller", "Leave 5⭐ and we'll send you a free phone strap!", "review",
     {("incentivized_review", "Leave 5⭐ and we'll send you a free")}, []),
    (R, None, "The insert card says review 5⭐ = $5 PayPal, weird", "review",
     {("incentivized_review", "review 5⭐ = $5 PayPal")}, []),
    (R, None, "Card in the box: R E V I E W = CASH lol", "review", {("incentivized_review", "R E V I E W = CASH")}, []),
    (R, None, "卡片上写着 5* = $5 back，我没理", "review", {("incentivized_review", "5* = $5")}, []),
    (R, None, "客服说给 5 颗⭐就送一双袜子", "review", {("incentivized_review", "5 颗⭐就送")}, []),
    (R, None, "Rated 5* for the quality, 3 * 4 = 12 pieces arrived", "pass", set(), []),
    (R, None, "Honest 5 star review = my own opinion, no one paid me", "pass", set(), []),
    (R, None, "五星好评就送给这家店了，客服超好", "pass", set(), []),
    (R, None, "之前给了好评就退了货，这次不会了", "pass", set(), []),
    (R, None, "Five stars = money well spent!", "pass", set(), []),
    (R, None, "搜“蓝牙耳机”对比了一圈，这家最便宜", "pass", set(), []),
    (R, None, "这不是好评才送的，下单就送小样", "pass", set(), []),
    (R, None, "I rate it five stars and you get what you pay for, free returns too", "pass", set(), []),
    # another shop named in quotes for readers to search, cheaper there (two review writers, #20)
    (R, None, "同款去搜“小李数码铺”，只要一半价格", "review", {("diversion", "搜“小李数码铺”，只要")}, []),
    (R, None, "他在别的平台开了个店叫“阿杰五金”，大家搜一下", "review", {("diversion", "开了个店叫“阿杰五金”，大家搜")}, []),
    (R, None, "店铺“小米之家”发货很快，包装也好", "pass", set(), []),
    (R, None, "搜“加厚浴巾”出来第一个就是，质量不错", "pass", set(), []),
    # -- pushes off the platform
    (R, None, "DM me for cheaper, I have more pairs", "review", {("diversion", "DM me")}, []),
    (R, None, "加我V 138 0013 8000 有更便宜的", "review", {("diversion", "138 0013 8000")}, []),
    (R, None, "想要同款的私聊我，价格更便宜", "review", {("diversion", "私聊我，价格更便宜")}, []),
    # decided: a buyer who names a WeChat group in a public review sends readers off the platform: review
    (R, None, "老板人很好，加了微信群", "review", {("diversion", "微信")}, []),
    # -- a buyer's counterfeit report: a listing signal, the review itself passes
    (R, None, "跟专柜的不一样，明显是假的", "pass", set(), ["跟专柜的不一样", "明显是假的"]),
    (R, None, "clearly a fake, not the same as the one at the counter", "pass", set(),
     ["fake", "not the same as the one at the counter"]),
    (R, None, "质量太差了，假货，退了", "pass", set(), ["假货"]),
    (R, None, "Stitching is off and the logo is crooked, not genuine at all", "pass", set(), ["not genuine"]),
    (R, None, "没想到是假的，白等了一周", "pass", set(), ["没想到是假的"]),
    (R, None, "Total counterfeit, returned it", "pass", set(), ["Total counterfeit"]),
    (R, None, "第一次买这个牌子，不知道是不是正品，先用用看", "pass", set(), []),  # 是不是: asked, not reported
    # -- hard negatives: buyer speech that a listing rule would catch
    (R, None, "物流第一名快，最好的一次购物", "pass", set(), []),
    (R, None, "best purchase ever, this cream cured my dry skin in a week", "pass", set(), []),
    (R, None, "耐克的鞋子穿着舒服，尺码标准", "pass", set(), []),
    (R, None, "没想到是正品，很满意，已经验过了", "pass", set(), []),
    (R, None, "不是假货，放心买", "pass", set(), []),
    (R, None, "Not a fake, I checked the serial number with the brand", "pass", set(), []),
    (R, None, "担心不是正品，结果验过了是真的", "pass", set(), []),
    (R, None, "99元买的，比超市便宜20块，很值", "pass", set(), []),
    (R, None, "订单号 2023112512345678901，快递单号 SF1234567890123，三天就到了", "pass", set(), []),
    (R, None, "客服回复很快，问题都解决了，给五星", "pass", set(), []),
    (R, None, "Message the seller through the app if the size is wrong, they swapped mine", "pass", set(), []),
    # -- violations posted as reviews
    (R, None, "需要代开发票的找我，各类发票都有", "block", None, []),
    # -- Q&A: a buyer asks, a seller answers
    (Q, None, "是正品吗？会不会是假的", "pass", set(), []),
    (Q, "buyer", "Is this genuine? Worried it's a replica", "pass", set(), []),
    (Q, "seller", "全网最低价，治疗失眠效果好", "review", {("absolute_term", "全网最低价"), ("medical_claim", "治疗")}, []),
    (Q, "seller", "亲，是正品，支持专柜验货", "pass", set(), []),
    (Q, "seller", "有问题加微信 wx12345678 联系", "review", None, []),
    # -- #20 tunerev13: paid reviews told another way (homophones, either order, a seller's offer)
    (R, None, "红包换五星，商家亲口说的", "review", {("incentivized_review", "红包换五星")}, []),
    (R, None, "包装不错，郝评反现三块，客服秒发", "review", {("incentivized_review", "郝评反现")}, []),
    # the listing engine's proximity rule (gift card … five-star, tune10) finds it first, with its cue's span
    (R, None, "Got a $10 gift card from the seller for leaving five stars", "review",
     {("incentivized_review", "gift card from the seller for leaving five star")}, []),
    (R, None, "They comped the whole order on condition I leave a 5-star review", "review",
     {("incentivized_review", "comped the whole order on condition I leave a 5-star")}, []),
    (Q, "seller", "答：好的亲，五星加图后私聊客服领奖励", "review", {("incentivized_review", "五星加图后私聊客服领奖励")}, []),
    # ... and their hard negatives: denied, or a platform coupon beside the stars
    (R, None, "商家从不搞好评返现，良心店", "pass", set(), []),
    (R, None, "No one paid me for this review, I bought it myself", "pass", set(), []),
    (R, None, "给五星是因为物流快，没有任何返现", "pass", set(), []),
    (R, None, "五星好评，没有返现也愿意给好评", "pass", set(), []),
    (R, None, "I paid full price for it and my review is honest", "pass", set(), []),
    (R, None, "Worth every penny at $25 for sure, five stars", "pass", set(), []),
    # -- disguised contacts: a channel word bent out of shape, spelled digits, a colour for the app, a handle
    (R, None, "要同款的➕薇 kk_shop2024 私聊", "review", {("diversion", "➕薇 kk_shop2024")}, []),
    # the id after the app's name is the engine's own finding since the twenty-second session (detectors._SOCIAL_ID),
    # and an engine finding is kept over a review phrase on the same words
    (R, None, "Want more? hmu on tele: vintage_finds_22", "review", {("diversion", "tele: vintage_finds_22")}, []),
    (R, None, "Great bulk price, ring me at oh seven seven 9, 0 1 2, 3 4 5 6", "review",
     {("diversion", "ring me at oh seven seven 9, 0 1 2, 3 4 5 6")}, []),
    (R, None, "想拿货的点我头像，主页有联系方式", "review", {("diversion", "点我头像，主页有联系方式")}, []),
    # ... and their hard negatives: the app as a feature, 加微量, the platform's own chat
    (R, None, "Seller replied on the app chat within an hour, very helpful", "pass", set(), []),
    (R, None, "加微量元素的配方，宝宝吃得香", "pass", set(), []),
    (R, None, "I use WhatsApp and Instagram daily and this phone handles both", "pass", set(), []),
    # -- services advertised in a review: block
    (R, None, "Selling Spotify family plan logins, $3 a month", "block",
     {("illegal_service", "Selling Spotify family plan logins, $3")}, []),
    (R, None, "花呗可以tao现，秒到账", "block", {("illegal_service", "花呗可以tao现，秒到账")}, []),  # 花呗 … 秒到 (tune10)
    (R, None, "宝妈在家冲销量，日结三百", "block", {("illegal_service", "冲销量，日结")}, []),
    # ... and their hard negatives
    (R, None, "我是宝妈，平时在家带娃，这个辅食机很好用", "pass", set(), []),
    (R, None, "Spotify plays fine through the speaker's Bluetooth", "pass", set(), []),
    (R, None, "Works great if you have a Netflix subscription", "pass", set(), []),
    (R, None, "Great ring light, I get more views fast on TikTok", "pass", set(), []),
    (R, None, "宝妈们都点赞这个推车，折叠方便", "pass", set(), []),
    (R, None, "用花呗分期买的，免息很划算", "pass", set(), []),
    (R, None, "钻石带GIA证书，网上可查，很放心", "pass", set(), []),
    # -- an order number shaped like a mobile number, labelled as the order's: no phone (the label right before it)
    (R, None, "拼多多订单号：15962984471，耳机降噪不错", "pass", set(), []),
    (R, None, "Order # 13562984471 arrived two days early", "pass", set(), []),
    (R, None, "订单号 88012 的售后找不到人，打13800138000也不接", "review", {("diversion", "13800138000")}, []),
    # -- a buyer's failed check or bare verdict: a listing signal
    (R, None, "专柜一验就是假的，气死", "pass", set(), ["一验就是假的"]),
    (R, None, "Serial number didn't register on the maker's site, returning it", "pass", set(),
     ["Serial number didn't register"]),
    (R, None, "防伪码扫了显示不存在，退了", "pass", set(), ["防伪码扫了显示不存在"]),
    (R, None, "lol it's a rep, sole glue everywhere", "pass", set(), ["it's a rep"]),
    # ... and its hard negatives: the check passed, a fear that proved wrong
    (R, None, "专柜鉴定过了，不是假的，放心", "pass", set(), []),
    (R, None, "鉴定不是假的，放心买", "pass", set(), []),
    (R, None, "Thought these could be fakes but the serial checks out on the brand site", "pass", set(), []),
    # #20 (tunerev14): a reward paid to the writer ("退我N块"), said with money emoji or toned pinyin
    (R, None, "客服说删掉差评就退我20块，算了不删了", "review", {("incentivized_review", "删掉差评就退我20块")}, []),
    (R, None, "好评就给我8块钱，东西一般", "review", {("incentivized_review", "好评就给我8块")}, []),
    (R, None, "⭐⭐⭐⭐⭐=💵 老板爽快", "review", {("incentivized_review", "⭐⭐⭐⭐⭐=💵")}, []),
    (Q, "seller", "亲 好píng返xiàn 哦", "review", {("incentivized_review", "好píng返xiàn")}, []),
    (R, None, "⭐⭐⭐⭐⭐ 物超所值，下次还来", "pass", set(), []),
    # ... the profile pointer with a channel hint; a profile mentioned with no channel
    (R, None, "要同款的看我主页，有wei", "review", {("diversion", "看我主页，有wei")}, []),
    (R, None, "看我头像，有微小色差但能接受", "pass", set(), []),
    # ... loans to the blacklisted and paid-task scams posted as reviews
    (R, None, "征信花了也能下款，急用钱的来", "block", {("illegal_service", "征信花了也能下款")}, []),
    (R, None, "Loans with no credit check, cash the same day", "block",
     {("illegal_service", "Loans with no credit check")}, []),
    (R, None, "Make $50 a day rating products from your phone", "block",
     {("illegal_service", "Make $50 a day rating")}, []),
    (R, None, "我征信不好，还好这个是全款买的", "pass", set(), []),
    (R, None, "Great for my side job, I earn about $15 an hour driving deliveries", "pass", set(), []),
    # ... a phone number read inside a longer code is none; glued letters before it stay a contact
    (R, None, "UPS tracking 9400 1118 9922 3847 5510 42 shows delivered but nothing here", "pass", set(), []),
    (R, None, "礼品卡卡密是15012345678xyz这种格式，已成功兑换", "pass", set(), []),
    (R, None, "有问题打我电话 13912345678，周末也在", "review", {("diversion", "13912345678")}, []),
    # #20 (tunerev14, half B): the reward after the post, an opinion in exchange, homophones of 好评返现
    (R, None, "Got a coupon in exchange for my honest opinion, the blender is loud", "review",
     {("incentivized_review", "in exchange for my honest opinion")}, []),
    (R, None, "The shop reimbursed me after I left a 5 star review. Works fine.", "review",
     {("incentivized_review", "reimbursed me after I left a 5 star")}, []),
    (R, None, "Seller refunded me after I returned the broken one", "pass", set(), []),
    (R, None, "好坪反线3元，东西还行", "review", {("incentivized_review", "好坪反线")}, []),
    (R, None, "桌面好平整，返工都不用", "pass", set(), []),
    # ... invite links, another app's handle, another shop named to search
    (R, None, "For more colours drop me a line on insta: caseworks.jo", "review",
     {("diversion", "insta: caseworks.jo")}, []),  # the id detector's span, as above
    (R, None, "Restock news in our server discord.gg/kicksdrop", "review", {("diversion", "discord.gg/kicksdrop")}, []),
    (R, None, "The discord community was helpful when I had setup questions", "pass", set(), []),
    (R, None, "质量一般，去搜店名「小林家居」更便宜", "review", {("diversion", "搜店名「小林家居」")}, []),
    (R, None, "搜店铺名字就能找到回购", "pass", set(), []),
    # ... accounts sold; a buyer's own account is none
    (R, None, "出售吃鸡成品号，全皮肤", "block", {("prohibited_goods", "出售吃鸡成品号")}, []),
    (R, None, "Selling verified Steam accounts with games, cheap", "block",
     {("prohibited_goods", "Selling verified Steam accounts")}, []),
    (R, None, "卖家帮我注册了账号，很耐心", "pass", set(), []),
    (R, None, "I'm selling my old one, my Amazon account still shows the order", "pass", set(), []),
    # ... a copy word half in pinyin from a seller (the engine's pinyin reading does not join fu+刻); pinyin beside
    # other characters is none
    (Q, "seller", "亲 这款是gao仿的，细节到位", "block", {("counterfeit", "gao仿")}, []),
    # 和原版一样 is 'identical to the genuine' too: 原版 alone needs a brand, and no longer hides the pair (#15, engine16)
    (Q, "seller", "亲 这双是fu刻版，和原版一样", "block", {("counterfeit", "fu刻"), ("counterfeit", "原版一样")}, []),
    (R, None, "gao中生用的台灯，fu母都说好", "pass", set(), []),
    # ... the writer's own family group is no channel offered; joining the seller's group still is
    (R, None, "分享到家族微信群了，都说划算", "pass", set(), []),
    (R, None, "卖家拉我进了微信群，说群里更便宜", "review", {("diversion", "微信"), ("diversion", "群里更便宜")}, []),
    # ... and in English: the app the writer reached a relative on; the seller's own app, or "add me", still count
    (R, None, "Sent a photo to my little sister on WhatsApp and she ordered two", "pass", set(), []),
    (R, None, "Showed it to my mum over Messenger, she loved the colour", "pass", set(), []),
    (R, None, "Seller said message them on WhatsApp for the cheaper price", "review", None, []),
    (R, None, "Add me on WhatsApp if you want one for less", "review", None, []),
    (R, None, "Talk to my brother on WhatsApp, he sells them for half the price", "review", None, []),
    (R, None, "Pay to my wife through Venmo for a lower price", "review", None, []),
    (R, None, "For a discount talk to my brother on WeChat", "review", None, []),
    (Q, "seller", "答：for a discount talk to my brother on WeChat", "review", None, []),
    # ... a gift said not to depend on a review is no reward for one; a gift for the review still is
    (R, None, "赠品gift是下单就送的，不需要好评", "pass", set(), []),
    (R, None, "礼物是小样，不是好评才送，下单就有", "pass", set(), []),
    (R, None, "店家送了一包湿巾，没有要求写评价，很贴心", "pass", set(), []),
    (R, None, "Nobody paid me for this review, I bought it with my own money", "pass", set(), []),
    (R, None, "They paid me for this review, so take it with a grain of salt", "review", None, []),
    (R, None, "gift是评价送的，还不错", "review", {("incentivized_review", "gift是评价")}, []),
    # -- #20 tunerev15: the Chinese phrases read the normalised text too, so a word spaced out character by character
    # or glued to pinyin by a blank reads as typed plainly; the finding still slices the original
    (R, None, "低 价 出 奈 飞 会 员，要的私聊", "block", {("illegal_service", "低 价 出 奈 飞 会 员")}, []),
    (R, None, "在家做shua dan的，一单yong jin 12", "block", {("illegal_service", "shua dan的，一单yong jin")}, []),
    # ... V我 with no id; TV before 我 and the V我50 meme are none
    (Q, "seller", "答：这款断货了，需要的 v 我拿", "review", {("diversion", "v 我")}, []),
    (R, None, "买了个TV我爸很喜欢", "pass", set(), []),
    # ... the review's screenshot sent to customer service for a reward
    (Q, "seller", "答：亲，确认收货后打个五星，截屏私信客服有福利哦", "review",
     {("incentivized_review", "五星，截屏私信客服有福利")}, []),
    # ... streaming accounts sold in Chinese; watching them is none, nor the seller's gift of one
    (R, None, "低价出网飞会员共享车位，一个月十块", "block", {("illegal_service", "网飞会员共享车位")}, []),  # the seat row (#15, thirty-fifth session) names the seat
    (R, None, "卖家送了一个月网飞会员，很惊喜", "pass", set(), []),
    # ... a link whose dot is bracketed, letters spaced; a polka (dot) print is none
    (R, None, "same lamp is half price at l u m o s h o p [dot] com", "review",
     {("diversion", "l u m o s h o p [dot] com")}, []),
    (R, None, "The polka (dot) print is cute and the fabric is thick", "pass", set(), []),
    # ... a drug's cover word with a wink that asks the reader to act; a plant's leaves are none
    (R, None, "朋友那有叶子，懂的来私聊", "block", {("prohibited_goods", "叶子，懂的来")}, []),
    (R, None, "绿萝叶子很精神，懂的都懂", "pass", set(), []),
    # ... a buyer's counterfeit report: a code already queried many times, the verdict said twice over, the return
    (R, None, "扫了防伪码，提示已被查询过12次，呵呵", "pass", set(), ["防伪码，提示已被查询过12次"]),
    (R, None, "防伪码第一次查询，显示正品", "pass", set(), []),
    (R, None, "logo歪的，假得不能再假了", "pass", set(), ["假得不能再假"]),
    (R, None, "Sent it back as counterfeit, the hologram was missing", "pass", set(), ["Sent it back as counterfeit"]),
    (R, None, "Returned as a gift for my sister, she loved it", "pass", set(), []),
    (R, None, "I was nervous about knockoffs but the serial checked out", "pass", set(), []),
    # ... a reward the writer says the seller did not give; a report of one that was given still counts
    (R, None, "送的积分是平台活动，不是店家返现，别误会", "pass", set(), []),
    (R, None, "举报：这家店好评返现，违规", "review", None, []),
    # ... a QQ group's number spaced digit by digit
    (R, None, "想拼单的进 q群 5 3 8 1 7 2 0 6", "review", None, []),
    # -- #20 tunerev15, from half B: a buyer's failed check or verdict told another way; a seller's guarantee is none
    (R, None, "验货结果没通过，卖家还不认", "pass", set(), ["验货结果没通过"]),
    (R, None, "表盘字体发虚，90%是仿的", "pass", set(), ["90%是仿的"]),
    (R, None, "标签是杂牌冒充的，退了", "pass", set(), ["冒充的"]),
    (R, None, "和我在旗舰店买的根本不是一回事", "pass", set(), ["和我在旗舰店买的根本不是一回事"]),
    (R, None, "接口松，这不是原厂配件", "pass", set(), ["不是原厂"]),
    (Q, "seller", "答：放心，不是原装包退", "pass", set(), []),
    # ... money back for the review, told as a transfer or as goods for raising the stars
    (R, None, "追评后商家退了我8块钱", "review", {("incentivized_review", "追评后商家退了我8块")}, []),
    (R, None, "The seller Venmo'd me back $20 after I posted it. Solid blender.", "review",
     {("incentivized_review", "Venmo'd me back $20 after I posted it")}, []),
    (R, None, "They refunded me after I posted it back to them", "pass", set(), []),
    (R, None, "Company mailed me a free pair for changing my two-star rating", "review",
     {("incentivized_review", "mailed me a free pair for changing my two-star")}, []),
    # ... likes farmed for pay with the word half in pinyin; praise with 点赞 is none
    (R, None, "招人dian zan关注，日结50", "block", {("illegal_service", "dian zan关注，日结")}, []),
    (R, None, "快递小哥必须点赞，希望老板给他涨工资", "pass", set(), []),
    (R, None, "代办健康证，不用体检，当天拿", "block", None, []),
    # -- #20, after reviews18/19: a reward for the review in its initials (好评返现 as hp fx); paid to remove or change a
    # review, or to write "this"; an English review act right before 送 in Chinese copy
    (R, None, "hp fx 已到账，东西还行", "review", {("incentivized_review", "hp fx")}, []),
    (R, None, "惠普 hp 打印机，fx 系列的墨盒也通用", "pass", set(), []),
    (R, None, "The seller paid me $20 to remove my 1 star review", "review",
     {("incentivized_review", "paid me $20 to remove my 1 star review")}, []),
    (R, None, "got paid 10 bucks to write this lol", "review", {("incentivized_review", "got paid 10 bucks to write this")}, []),
    (R, None, "I paid for this with my own money and it was worth it", "pass", set(), []),
    (R, None, "Got paid back within a day after the return", "pass", set(), []),
    (R, None, "卖家说 five star 送一个鼠标垫", "review", {("incentivized_review", "five star 送")}, []),
    (R, None, "five stars 送货很快，包装也好", "pass", set(), []),
    (R, None, "五星 送货上门很方便", "pass", set(), []),
    (R, None, "HP FX900 Pro SSD is fast, 5 stars", "pass", set(), []),
    # ... honest refunds and work expenses are no paid review (the code review's cases)
    (R, None, "Item arrived broken but the seller reimbursed me for it within a day", "pass", set(), []),
    (R, None, "Was paid for this by my employer, it is a work laptop", "pass", set(), []),
    (R, None, "I get paid to edit this kind of video and this laptop handles it", "pass", set(), []),
    (R, None, "Nothing to lose: got paid $5 for my review", "review", None, []),
    # ... order brushing offered to shops as a service; a denial or a buyer's question about it is none
    (R, None, "需要刷单冲销量的店家找我", "block",
     {("incentivized_review", "刷单"), ("illegal_service", "刷单冲销量的店家找我")}, []),
    (R, None, "要刷好评的话我们这边有团队，五毛一条", "block",
     {("incentivized_review", "刷好评"), ("illegal_service", "刷好评的话我们这边有团队")}, []),
    (R, None, "我帮你问了客服，不是刷单，是真实销量", "pass", set(), []),
    # -- #20, after reviews30-35: another platform named with a quoted shop to search or buy from, or the writer's own
    # shop elsewhere; a purchase there told as past, and the price there said higher, are none (how a buyer found this
    # shop, 在淘宝搜“防水登山鞋”才找到这家, is flagged by proximity.tsv's marketplace + 搜 row before these phrases run)
    (R, None, "我在快手上也卖这个，更便宜，搜“阿明渔具”就行", "review",
     {("diversion", "快手上也卖这个，更便宜，搜“阿明渔具”")}, []),
    (R, None, "搜 拼夕夕“大熊家纺”有同款", "review", {("diversion", "搜 拼夕夕“大熊家纺”")}, []),
    (R, None, "别在这买了，去我淘宝店“小周茶叶”下单送茶杯", "review", {("diversion", "去我淘宝店“小周茶叶”下单")}, []),
    (R, None, "同款在京东“佳佳母婴”只要59", "review", {("diversion", "在京东“佳佳母婴”只要")}, []),
    (R, None, "Cute mug. I sell hand-painted ones, visit my Etsy shop MugsByMei for more", "review",
     {("diversion", "visit my Etsy shop")}, []),
    (R, None, "For the wholesale price come to our Facebook page and message us", "review",
     {("diversion", "come to our Facebook page")}, []),
    (R, None, "以前在京东“佳佳母婴”买过，这家更便宜", "pass", set(), []),
    (R, None, "在天猫“某某旗舰店”要贵五十，这家便宜", "pass", set(), []),
    (R, None, "I saw this on my Facebook page feed and ordered, no regrets", "pass", set(), []),
    (R, None, "Bought this after I checked my Amazon order history for the old one", "pass", set(), []),
    # -- #20, after reviews32-37: followers sold by the thousand, coursework done for pay, reviews and ratings sold to
    # sellers (block); a blogger's fan count, pink things, a buyer's own homework and a count of real reviews are none
    (R, None, "快手两千粉只要三十，全是真人", "block", {("illegal_service", "千粉只要")}, []),
    (R, None, "小红书500粉8元，秒到", "block", {("illegal_service", "500粉8元")}, []),
    (R, None, "We can complete your statistics coursework, any deadline", "block",
     {("illegal_service", "We can complete your statistics coursework")}, []),
    (R, None, "Need help? I sit quizzes and finals for you, pay after grade", "block",
     {("illegal_service", "I sit quizzes and finals for you")}, []),
    (Q, "seller", "Verified purchase reviews available, $3 each, message the shop", "block",
     {("illegal_service", "Verified purchase reviews available, $")}, []),
    (R, None, "万粉博主推荐的，只要59元就买到了", "pass", set(), []),
    (R, None, "粉扑两个才10块，挺软", "pass", set(), []),
    (R, None, "My daughter does her homework at this desk every evening", "pass", set(), []),
    (R, None, "It has thousands of verified purchase reviews, so I trusted it", "pass", set(), []),
    # ... the code review's hard negatives for the quoted-shop rows: a purchase there told as past, a question about the
    # platform's own programme, this shop said to win, the writer's own store checked
    (R, None, "以前在拼多多“某某专营店”下单，等了十天才到，这家两天就到", "pass", set(), []),
    (R, None, "在京东“百亿补贴”里买会更便宜吗？", "pass", set(), []),
    (R, None, "咸鱼上有人挂“全新未拆”便宜两百，但还是这家靠谱", "pass", set(), []),
    (R, None, "I check my online store orders on this tablet every morning", "pass", set(), []),
    (R, None, "Every order from our Shopify store ships in these mailers", "pass", set(), []),
    (R, None, "1000粉的博主推荐的，才99", "pass", set(), []),
    (Q, "seller", "Yes, I take your exam date into account when planning the lessons", "pass", set(), []),
    # ... a seller telling that customers stopped their medicine
    (Q, "seller", "答：很多老客户吃了都停药了", "review", {("medical_claim", "都停药了")}, []),
    (R, None, "医生说我可以停药了，跟这个没关系", "pass", set(), []),
    # a buyer's claim words are no finding of theirs, yet they still own their negation: the no of "no side effects"
    # and the never of "never fades" deny nothing after them (a code review's counter-examples to matching a buyer's
    # text without the seller's advertising rules, which then read them as denials and passed these)
    (R, None, "no side effects whatsapp me", "review", {("diversion", "whatsapp me")}, []),
    (R, None, "never fades wechat", "review", {("diversion", "wechat")}, []),
    (Q, None, "never fades WeChat me for more", "review", None, []),
]


@pytest.mark.parametrize("kind, speaker, text, decision, findings, signals",
                         [c for c in CASES if c[2] not in KNOWN_FALSE_POSITIVES],
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES) if c[2] not in KNOWN_FALSE_POSITIVES])
def test_reviews_and_qa_as_speech(text_scanner, kind, speaker, text, decision, findings, signals):
    item = {"kind": kind, "id": "r-1", "listing_id": "sku-9", "text": text}
    if speaker is not None:
        item["speaker"] = speaker
    result = text_scanner.scan(item)
    d = result.to_dict()
    assert d["decision"] == decision, d
    got = {(f["category"], text[f["start"]:f["end"]]) for f in d["findings"]}
    if findings is not None:
        assert got == findings
    for f in d["findings"]:
        original = text[f["start"]:f["end"]]
        assert f["field"] == "text"
        if f["category"] == "diversion" and f["term"] in CONTACT_TERMS and (speaker or "buyer") == "buyer":
            assert len(f["text"]) == len(original) and "*" in f["text"]  # a buyer's contact, shown masked
        else:
            assert f["text"] == original
    assert [s["text"] for s in d["listing_signals"]] == signals
    for s in d["listing_signals"]:
        assert s["category"] == "counterfeit" and text[s["start"]:s["end"]] == s["text"]
        assert s["explanation"] and s["explanation_zh"]
    assert (d["kind"], d["listing_id"], d["id"]) == (kind, "sku-9", "r-1")
    assert d["speaker"] == (speaker or "buyer")
    assert set(d["versions"]) >= {"wordlists", "scanner", "policy", "speech"}


def test_a_contact_phrase_inside_a_persons_block_is_not_shown_plain(text_scanner):
    """A spelled phone number inside a buyer's name + address + phone block belongs to the personal-data finding,
    which shows it masked; a second, diversion finding over the same words would show them as written (the code
    review of pd19). Alone, the same words are still a contact push."""
    text = "ship to: John Smith, 14 Elm Rd, Austin TX 78704, phone five one two five five five zero one nine eight"
    d = text_scanner.scan({"kind": "review", "id": "r-1", "text": text}).to_dict()
    assert [f["category"] for f in d["findings"]] == ["personal_data"]
    assert "five one two" not in json.dumps(d, ensure_ascii=False)
    alone = text_scanner.scan({"kind": "review", "id": "r-2", "text": "text me five one two five five five zero one nine eight"})
    assert [f.category for f in alone.findings] == ["diversion"]


def test_a_listing_result_has_no_kind_fields(text_scanner):
    d = text_scanner.scan({"id": "sku-1", "title": "高仿耐克 运动鞋"}).to_dict()
    assert not {"kind", "listing_id", "speaker", "listing_signals"} & set(d)
    assert "speech" not in d["versions"]
    same = text_scanner.scan({"id": "sku-1", "kind": "listing", "title": "高仿耐克 运动鞋"}).to_dict()
    d.pop("took_ms"), same.pop("took_ms")
    assert same == d


def test_same_words_from_a_seller_listing_count(text_scanner):
    """The buyer's hard negatives above are violations in a seller's copy: the table, not the words, differs."""
    for text, category in [("最好的一次购物", "absolute_term"), ("明显是假的 高仿", "counterfeit"),
                           ("耐克的鞋子穿着舒服", "brand")]:
        review = text_scanner.scan({"kind": "review", "text": text}).to_dict()
        listing = text_scanner.scan({"description": text}).to_dict()
        assert category not in {f["category"] for f in review["findings"]}
        assert category in {f["category"] for f in listing["findings"]}


def test_personal_data_in_a_review_is_masked(text_scanner):
    text = "收件人：张伟 13800138000 北京市朝阳区建国路88号，身份证110105199003071234"
    d = text_scanner.scan({"kind": "review", "text": text}).to_dict()
    pd = [f for f in d["findings"] if f["category"] == "personal_data"]
    assert pd and d["decision"] != "pass"
    assert all("*" in f["text"] for f in pd)


# A buyer's contact is a private person's data: the finding shows it masked (personal data's masking, written out
# by hand: at least 40 % of letters and digits hidden, at most the first 3 and last 4 shown; separators stay). The
# same contact from a seller (the shop's own line) is shown as written; a link is a site, not a person.
# (item, the finding's text, the masked copy's text or None when not asked)
CONTACTS = [
    ({"kind": "review", "text": "有问题打我电话 13912345678，周末也在"}, "13*****5678", None),
    ({"kind": "review", "text": "加我V 138 0013 8000 有更便宜的", "options": {"mask": True}}, "13* **** 8000",
     "加我V 13* **** 8000 有更便宜的"),
    ({"kind": "review", "text": "配件找我要 lily.wang88@gmail.com"}, "lil*.******@****l.com", None),
    # the detector's span holds its cue word: 微信 counts among the characters shown
    ({"kind": "qa", "text": "能便宜点吗？加我微信 zhou_1988x 聊", "options": {"mask": True}}, "微信 ****_*988x",
     "能便宜点吗？加我微信 ****_*988x 聊"),
    ({"kind": "qa", "speaker": "seller", "text": "答：缺货，打 13912345678 预订"}, "13912345678", None),
    ({"description": "缺货，打 13912345678 预订", "options": {"mask": True}}, "13912345678",
     "缺货，打 13912345678 预订"),
    ({"kind": "review", "text": "Restock news in our server discord.gg/kicksdrop"}, "discord.gg/kicksdrop", None),
]


@pytest.mark.parametrize("item, shown, masked_copy", CONTACTS)
def test_a_buyers_contact_is_shown_masked(text_scanner, item, shown, masked_copy):
    d = text_scanner.scan(item).to_dict()
    text = item.get("text", item.get("description"))
    (f,) = [f for f in d["findings"] if f["category"] == "diversion"]
    assert f["text"] == shown and len(shown) == f["end"] - f["start"]
    if masked_copy is not None:
        assert list(d["masked"].values()) == [masked_copy]
    if shown != text[f["start"]:f["end"]]:  # masked: the raw value is nowhere in the result
        assert text[f["start"]:f["end"]] not in json.dumps(d, ensure_ascii=False)


# No finding shows what another masks, and overlapping masks hide the union of both (a code review's cases: a buyer's
# spelled phone number overlapping the model's personal-data clause over an address; a paid-review phrase holding the
# buyer's WeChat id). (text, the categories found, values that must appear nowhere in the result or its masked copy)
HIDDEN_EVERYWHERE = [
    ("call Jenna on nine one seven, five five five, zero one four two next time — 23 Orchard St apt 4B, Brooklyn.",
     {"diversion", "personal_data"}, ["one seven", "four two", "23 Orchard", "apt 4B"]),
    ("五星好评截图发到微信 hm_kefu01 返6元，我加了确实返", {"diversion", "incentivized_review"}, ["hm_ke", "hm_kefu01"]),
    # a second review's cases: a phrase's term and explanation quote the phrase, and a listing signal its words
    ("leave us a 5-star review and text 917-555-0142 for a refund", {"diversion", "incentivized_review"},
     ["917-555", "555-0142"]),
    ("serial number 13912345678 doesn't match, returned", {"diversion"}, ["13912345678", "139123"]),
]


@pytest.mark.parametrize("text, categories, hidden", HIDDEN_EVERYWHERE)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_what_one_finding_masks_no_other_shows(text_scanner, text, categories, hidden, language):
    d = text_scanner.scan({"kind": "review", "text": text, "options": {"mask": True, "language": language}}).to_dict()
    assert {f["category"] for f in d["findings"]} == categories
    everything = json.dumps(d, ensure_ascii=False)
    for value in hidden:
        assert value not in everything
    for f in d["findings"]:  # still the text it slices, character for character where not masked
        assert len(f["text"]) == f["end"] - f["start"]
        assert all(a == b or a == "*" for a, b in zip(f["text"], text[f["start"]:f["end"]]))


# A scan a cap or the time budget cut short has not reported everything in the field, yet its masked copy still
# hides every phone number, ID and buyer's contact the detectors see there, and nothing it shows holds one (a paid-
# review phrase over a WeChat id the cap left unreported): the masking rule applied by hand (a mobile: the first 2
# and last 4 digits; a resident ID: the first 6 and last 4; a WeChat id with its cue word: 2 first, 4 last). A
# seller's own number is shown as written. (field cap, cut by the budget, item, the masked copy, values shown nowhere)
CUT_SHORT = [
    (3, False, {"kind": "review", "text": "电话13812345670，电话13812345671，电话13812345672，电话13812345673，"
                                          "电话13812345674，联系13912345678"},
     {"text": "电话13*****5670，电话13*****5671，电话13*****5672，电话13*****5673，电话13*****5674，联系13*****5678"},
     ["13812345673", "13812345674", "13912345678"]),
    (3, False, {"kind": "review", "text": "客服微信 hm_kefu01 ，售后微信 hm_kefu02 ，五星好评截图发到微信 hm_kefu03 返6元，我加了确实返"},
     {"text": "客服微信 **_**fu01 ，售后微信 **_**fu02 ，五星好评截图发到微信 **_**fu03 返6元，我加了确实返"},
     ["hm_kefu", "kefu03"]),
    (2, False, {"description": "登记：身份证110105199003071234 身份证110105199003071234 身份证11010519491231002X，"
                               "店铺电话13912345678"},
     {"description": "登记：身份证110105********1234 身份证110105********1234 身份证110105********002X，"
                     "店铺电话13912345678"},
     ["19491231", "19900307"]),
    # the time budget spent before any field was read: nothing in them was checked, so the copy hides them whole
    # (no detection runs past the budget)
    (100, True, {"title": "实名登记", "description": "买家身份证11010519491231002X"},
     {"title": "****", "description": "***********************"}, ["19491231", "实名"]),
]


@pytest.mark.parametrize("field_cap, spent, item, masked, hidden", CUT_SHORT)
def test_what_a_scan_cut_short_did_not_report_is_masked_all_the_same(text_engine, field_cap, spent, item, masked,
                                                                      hidden):
    from scanner.config import Settings
    from scanner.engine import Scanner

    scanner = Scanner(text_engine, settings=Settings(max_findings_per_field=field_cap, max_findings_per_listing=500))
    result = scanner.scan({**item, "options": {"mask": True}}, deadline=time.monotonic() - 1 if spent else None)
    assert result.incomplete  # cut short: by the field's cap, or the budget before any field was read
    assert dict(result.masked) == masked
    everything = json.dumps(result.to_dict(), ensure_ascii=False)
    for value in hidden:
        assert value not in everything
    # the review store's copy for reviewers (scanner/review/masking.py) hides them too (a capped scan is never pass)
    stored = json.dumps(reviewer_copy(item, result.to_dict()), ensure_ascii=False)
    for value in hidden:
        if value != "实名":  # a title the store shows: only the masked copy hides an unread field whole
            assert value not in stored


# #20 tunerev13: personal data a review posts without a phone, or beside one the listing rules read as contact.
# (text, the span that must be reported as personal_data, or None when none may be)
PERSONAL = [
    ("帮我妈买的，寄给王桂芳，湖南省长沙市岳麓区麓山南路 12 号 3 栋 502，包装很好",
     "王桂芳，湖南省长沙市岳麓区麓山南路 12 号 3 栋 502"),
    ("Shipped to my sister: Laura Bennett, 41 Maple Avenue, Springfield, IL 62704. Fast delivery.",
     "Laura Bennett, 41 Maple Avenue, Springfield, IL 62704"),
    ("Pls deliver to Carlo Reyes, 0918 223 4471, thanks seller", "Carlo Reyes, 0918 223 4471"),
    ("Customs asked for it, my passport number is K7719203", "K7719203"),
    ("差评的那个买家周建军，电话13912345678，就住在我们小区", "周建军，电话13912345678"),
    # hard negatives: a tracking number, a shop's street, a street with no one's name, a seller's line to call
    ("快递单号 SF1402938475612 一直没更新", None),
    ("Picked it up at their store on 88 Harbor Street, great service", None),
    ("在王府井大街 12 号的专柜买过同款，对比了一下一样", None),
    ("Call John Smith 0917 884 2351 for wholesale orders", None),
    # #20 tunerev15: a British street and postcode beside a name; a street named alone is none
    ("Parcel went next door, it was for Tom Hughes, 7 Birch Close, Bristol BS8 1TH", "Tom Hughes, 7 Birch Close, Bristol BS8 1TH"),
    ("Ordered two, one for our flat on Birch Close. Both fine.", None),
    # ... a name before a mobile spaced digit by digit
    ("投诉那个装修师傅，叫赵海生，手机 1 5 8 2 2 0 9 6 6 1 4", "赵海生，手机 1 5 8 2 2 0 9 6 6 1 4"),
]


@pytest.mark.parametrize("text, span", PERSONAL)
def test_personal_data_a_review_posts(text_scanner, text, span):
    d = text_scanner.scan({"kind": "review", "text": text}).to_dict()
    pd = [(f["start"], f["end"]) for f in d["findings"] if f["category"] == "personal_data"]
    if span is None:
        assert pd == [], d["findings"]
    else:
        at = text.index(span)  # one finding covers the whole of it (a cue word before it may be included)
        assert any(a <= at and at + len(span) <= b for a, b in pd), (pd, [text[a:b] for a, b in pd])
        assert d["decision"] != "pass"


def test_the_speaker_table():
    buyer, seller = RULES[("review", "buyer")], RULES[("qa", "seller")]
    assert buyer.not_applicable == SELLER_COPY_ONLY == {"absolute_term", "false_claim", "medical_claim", "brand"}
    assert buyer.listing_signal == {"counterfeit"} and RULES[("qa", "buyer")] == buyer
    assert not seller.not_applicable and not seller.listing_signal and RULES[("listing", "seller")] == seller
    assert ("review", "seller") not in RULES


@pytest.mark.parametrize("raw, words", [
    ({"kind": "review", "title": "t", "text": "x"}, "may not carry 'title'"),
    ({"kind": "review", "text": "x", "images": [{"data": "x"}]}, "'images'"),
    ({"kind": "qa", "bullets": ["a"], "text": "x"}, "'bullets'"),
    ({"kind": "poem", "text": "x"}, "field 'kind' must be one of"),
    ({"kind": ["review"], "text": "x"}, "field 'kind' must be one of"),
    ({"kind": "qa", "speaker": "bot", "text": "x"}, "field 'speaker' of a qa"),
    ({"kind": "qa", "speaker": ["buyer"], "text": "x"}, "field 'speaker' of a qa"),
    ({"kind": "review", "speaker": "seller", "text": "x"}, "field 'speaker' of a review must be one of 'buyer'"),
    ({"kind": "review", "text": 5}, "'text' must be a string"),
    ({"kind": "review", "listing_id": 1.5, "text": "x"}, "'listing_id'"),
    ({"kind": "review", "listing_id": True, "text": "x"}, "'listing_id'"),
    ({"kind": "review", "id": False, "listing_id": "sku-1", "text": "x"}, "'id'"),
])
def test_bad_items_are_refused(raw, words):
    with pytest.raises(InvalidListing) as exc:
        parse_listing(raw)
    assert exc.value.code == "invalid_listing" and words in exc.value.message


# A review or Q&A sent without its `kind` is parsed as a listing, whose fields are title, description...: its
# `text` was ignored as an unknown field and the item passed unscanned (redteam15: a careless client or a CSV of
# reviews with no kind column got "pass" for "高仿耐克 加微信 abc123"). Fail closed: refuse it, saying what to send.
@pytest.mark.parametrize("raw, words", [
    ({"id": 1, "text": "高仿耐克 加微信 abc123"}, "'text'"),
    ({"id": "r-9", "listing_id": "sku-9", "text": "商家说五星送红包，明显是假的"}, "'text'"),
    ({"kind": "listing", "text": "Replica Rolex, DM me for cheaper"}, "'text'"),
    ({"kind": None, "title": "纯棉T恤", "text": "好评返现5元"}, "'text'"),
    ({"speaker": "buyer", "description": "最好的面霜，治好了我的湿疹"}, "'speaker'"),
    ({"speaker": "seller", "text": "加我微信 abc123 便宜"}, "'speaker', 'text'"),
])
def test_a_listing_carrying_review_fields_is_refused(text_scanner, raw, words):
    with pytest.raises(InvalidListing) as exc:
        parse_listing(raw)
    assert exc.value.code == "invalid_listing" and words in exc.value.message and "kind" in exc.value.message
    d = text_scanner.scan(raw).to_dict()
    assert "decision" not in d and d["error"]["code"] == "invalid_listing"


def test_text_has_the_description_limit(text_scanner):
    with pytest.raises(InvalidListing) as exc:
        parse_listing({"kind": "review", "text": "好" * 11}, max_field_chars=10)
    assert exc.value.code == "field_too_long"
    d = text_scanner.scan({"kind": "review", "id": 3, "text": ["x"]}).to_dict()
    assert d["error"]["code"] == "invalid_listing" and d["id"] == 3


def test_a_review_in_chinese_explanations(text_scanner):
    d = text_scanner.scan({"kind": "review", "text": "DM me for cheaper，明显是假的", "options": {"language": "zh"}}).to_dict()
    assert [f["category"] for f in d["findings"]] == ["diversion"]
    assert d["listing_signals"][0]["text"] == "明显是假的"


def _all_texts():
    import json
    from pathlib import Path

    rows = Path(__file__).resolve().parents[2] / "fixtures" / "reviews" / "reviews_dev.jsonl"
    texts = [c[2] for c in CASES] + [json.loads(line)["text"] for line in rows.read_text("utf-8").splitlines()]
    return texts + [t.upper() for t in texts] + ["İ DM ME for cheaper, CLEARLY A FAKE", "text me for a better price"]


def test_the_anchor_prefilter_finds_what_every_phrase_regex_finds():
    """Brute force is the oracle: every phrase's regex run over the whole text (case-insensitively) finds exactly
    the spans speech.find reports with its one-pass anchor prefilter and lower-casing."""
    import re

    from scanner.text import speech
    from scanner.text.policy import Policy

    policy = Policy.from_dict({})
    for text in _all_texts():
        want = set()
        for p in speech.PHRASES:
            for m in re.finditer(p.pattern, text, re.IGNORECASE):
                want.add((p.category, m.start(), m.end()))
        # (find() also reports personal data the engine's gate skipped: no phrase has that category)
        got = {(f.category, f.start, f.end) for f in speech.find("text", text, policy, []) if f.category != "personal_data"}
        # find() keeps the first phrase of a category over an overlapping one: compare on what it kept
        assert got <= want, text
        for cat, s, e in want - got:
            # ... and drops an offer, contact or service denied or warned against in the words before it
            before = re.split(r"[，,。！？!?.;；\n]", text[max(0, s - 40):s])[-1].lower()
            if cat != "counterfeit" and any(w in before for w in _DENIALS):
                continue
            assert any(c == cat and s < ge and gs < e for c, gs, ge in got), (text, cat, text[s:e])


# Written by hand for the oracle above: words that deny or warn against an offer before it.
_DENIALS = ("没有", "没搞", "不搞", "从不", "绝不", "拒绝", "谨防", "小心", "别信", "举报", "no ", "no one", "nobody", "no-one", "never", "not ",
            "n't", "beware", "without")


@pytest.mark.parametrize("unit,cap", [("明显是假的 ", 5), ("clearly a fake, ", 3)])
def test_a_review_repeating_a_report_gets_bounded_signals(text_engine, unit, cap):
    """Signals are capped like findings (SCANNER_MAX_FINDINGS_PER_LISTING): 2,000 repeats give `cap` of them,
    each still slicing the caller's text."""
    from scanner.config import Settings
    from scanner.engine import Scanner

    scanner = Scanner(text_engine, None, Settings.model_construct(max_findings_per_listing=cap, scan_budget_s=0.0))
    text = unit * 2000
    got = scanner.scan({"kind": "review", "id": "r", "text": text}).to_dict()["listing_signals"]
    assert len(got) == cap
    assert all(text[s["start"]:s["end"]] == s["text"] for s in got)


def test_the_phrase_gate_hides_no_overlapping_phrase(monkeypatch):
    """The ungated table is the oracle for the gate that picks which phrases run (scanner/text/prefilter.py): a
    phrase whose words overlap a longer one ('假' in '假的', one starting inside another) is still found."""
    from scanner.text import speech
    from scanner.text.policy import Policy
    from tests.text.test_prefilter import _ungated

    policy = Policy.from_dict({})
    texts = _all_texts() + ["明显是假的", "鉴定是假的，假货", "d.m me on the green app", "加微信加v加q", "text me at 415"]
    gated = [speech.find("text", text, policy, []) for text in texts]
    _ungated(monkeypatch)
    assert [speech.find("text", text, policy, []) for text in texts] == gated
