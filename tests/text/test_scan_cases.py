"""Real-looking listings through the whole text pipeline with the bundled word lists.

Each row: listing fields, the expected decision, and (category, exact original text)
pairs that must be among the findings that count. Hard negatives expect `pass`.
"""
import pytest

# --- every evasion from the issue: the finding must cover the disguised original -----------
EVASIONS = [
    ({"title": "高*仿耐克运动鞋"}, "block", [("counterfeit", "高*仿"), ("brand", "耐克")]),
    ({"title": "耐 克 气垫跑步鞋 男款"}, "review", [("brand", "耐 克")]),
    ({"title": "N-I-K-E Air running shoes"}, "review", [("brand", "N-I-K-E")]),
    ({"title": "ＮＩＫＥ 运动鞋 新款"}, "review", [("brand", "ＮＩＫＥ")]),
    ({"title": "高\u200b仿 女士手提包"}, "block", [("counterfeit", "高\u200b仿")]),
    ({"title": "好 评 返 现 5元 亲"}, "review", [("incentivized_review", "好 评 返 现")]),
    ({"title": "好·评·返·现 晒图有礼"}, "review", [("incentivized_review", "好·评·返·现")]),
    ({"title": "N1ke running shoes for men"}, "review", [("brand", "N1ke")]),
    ({"title": "Ch@nel classic flap bag"}, "review", [("brand", "Ch@nel")]),
    ({"title": "L0UIS VUITTON Neverfull tote"}, "review", [("brand", "L0UIS VUITTON")]),
    ({"title": "4didas 三叶草 运动裤"}, "review", [("brand", "4didas")]),
    ({"title": "1ouis Vuitton 老花 钱包"}, "review", [("brand", "1ouis Vuitton")]),
    ({"title": "5upreme box logo hoodie"}, "review", [("brand", "5upreme")]),
    ({"title": "這款高倣包包 質量好"}, "block", [("counterfeit", "高倣")]),
    ({"title": "款式多 加薇信 看实拍"}, "review", [("diversion", "加薇信")]),
    ({"title": "更多款式 加威信 咨询"}, "review", [("diversion", "加威信")]),
    ({"title": "私聊 V信 发图"}, "review", [("diversion", "V信")]),
    ({"title": "gaofang naike xie"}, "block", [("counterfeit", "gaofang"), ("brand", "naike")]),
    ({"title": "顶级A货 驴牌 老花包"}, "block", [("counterfeit", "顶级A货"), ("brand", "驴牌")]),
    ({"title": "1:1 复刻 椰子 350 运动鞋"}, "block", [("counterfeit", "1:1"), ("brand", "椰子")]),
    ({"title": "REPLICA Rolex Submariner watch"}, "block", [("counterfeit", "REPLICA"), ("brand", "Rolex")]),
    ({"title": "联系电话 138-1234-5678 发货快"}, "review", [("diversion", "138-1234-5678")]),
    ({"title": "电话 1 3 8 1 2 3 4 5 6 7 8"}, "review", [("diversion", "1 3 8 1 2 3 4 5 6 7 8")]),
    # digits as look-alike letters (a seller's trick, and OCR's O/0, l/1, S/5 confusions in a banner)
    ({"title": "实拍图 联系 l38-0013-8O00 看货"}, "review", [("diversion", "l38-0013-8O00")]),
    ({"description": "款式多 QQ：8O2345671 发图"}, "review", [("diversion", "QQ：8O2345671")]),
    ({"title": "不锈钢螺丝 M8 SUS304 100只装 长度 IO-3Omm"}, "pass", []),
    # found by the second independent holdout (holdout2.jsonl)
    ({"description": "For more items email vintagetoys [at] gmail [dot] com"}, "review", [("diversion", "vintagetoys [at] gmail [dot] com")]),
    ({"description": "Call or text +1 (415) 555-0198 for pricing"}, "review", [("diversion", "+1 (415) 555-0198")]),
    # numbers in other markets' national form, after a word that says to call (found by an independent image set, ocr17)
    ({"description": "Genuine parts, call 07700 900123 for trade prices"}, "review", [("diversion", "07700 900123")]),
    ({"description": "Baju raya ready stock, WhatsApp 012-345 6789"}, "review", [("diversion", "WhatsApp"), ("diversion", "012-345 6789")]),
    ({"description": "Pre-loved bag, text me 0917 123 4567 to meet up"}, "review", [("diversion", "0917 123 4567")]),
    ({"description": "Tracking no. 0912345678901, ships in 2 days"}, "pass", []),
    ({"description": "Batch 07700 900123, best before 03/2027"}, "pass", []),
    # the QQ number after "号是" (the number "is"), in Chinese numerals (a review writer, #20)
    ({"description": "售后请加扣扣号是 八八六七二一三五零"}, "review", [("diversion", "扣扣号是 八八六七二一三五零")]),
    ({"description": "可定制颜色图案，详聊扣扣：伍柒叁捌贰玖壹零。"}, "review", [("diversion", "扣扣：伍柒叁捌贰玖壹零")]),
    # ... after a weaker QQ word: q alone, 扣 alone, 蔻蔻 (#20, session 17), 7 to 11 digits however written
    ({"description": "要同款的加我 q 2 6 6 1 9 0 8 5 3"}, "review", [("diversion", "q 2 6 6 1 9 0 8 5 3")]),
    ({"description": "拿货价更低，扣：四七七零二八一九三"}, "review", [("diversion", "扣：四七七零二八一九三")]),
    ({"description": "蔻蔻 5567 2031 88 发实拍"}, "review", [("diversion", "蔻蔻 5567 2031 88")]),
    ({"description": "被扣了 1000000 积分，客服也不管"}, "pass", []),  # a deduction names its unit
    ({"description": "金属纽扣 2000000 颗起批"}, "pass", []),
    ({"description": "折扣码：88886666，结算时填写"}, "pass", []),
    ({"description": "Q1 2024 sales up 1234567 units"}, "pass", []),
    ({"description": "更多款式请➕微：rlx_watch"}, "review", [("diversion", "➕微：rlx_watch")]),
    ({"description": "更多新款👉V❤：fashion_girl66"}, "review", [("diversion", "V❤：fashion_girl66")]),
    # ... 是/为 or an arrow for the colon, or only a symbol after a weak channel word, the id made up (#20, session 16)
    ({"description": "有问题找我 v 是 chihuo_2024"}, "review", [("diversion", "v 是 chihuo_2024")]),
    ({"description": "加主播 V 👉 zb888 进粉丝群"}, "review", [("diversion", "V 👉 zb888")]),
    ({"description": "不走这个平台，威❤️ naifen_hk"}, "review", [("diversion", "威❤️ naifen_hk")]),
    ({"description": "v = 速度, a 是加速度, 公式 v=at"}, "pass", []),
    ({"description": "V 领设计 显瘦 是 2024 新款"}, "pass", []),
    ({"description": "蛋糕需提前预订，请加微信 cake_lily 确认款式"}, "review", [("diversion", "微信 cake_lily")]),
    ({"title": "华强北 AirPods Pro 2代 主动降噪"}, "block", [("counterfeit", "华强北"), ("brand", "AirPods")]),
    ({"title": "莆田 AJ1 芝加哥 高帮篮球鞋"}, "block", [("counterfeit", "莆田")]),
    ({"title": "大勾子 运动短袖 速干T恤 男"}, "review", [("brand", "勾子")]),
    ({"title": "North Face Nuptse Puffer Jacket 700 Fill"}, "review", [("brand", "North Face")]),
    ({"description": "全國銷量第壹，補血養顏。"}, "review", [("absolute_term", "銷量第壹"), ("medical_claim", "補血")]),
    ({"description": "Calming serum. DM @glowskin.lab for bundles."}, "review", [("diversion", "@glowskin.lab")]),
    ({"description": "DM on Telegram @mt_baijiu for case discounts."}, "review", [("diversion", "@mt_baijiu")]),
    # found by the third independent holdout (holdout3.jsonl)
    ({"description": "数字商品，拍下自动发货。更多资源加我 q q 76554321"}, "review", [("diversion", "q q 76554321")]),
    ({"description": "纸质版九成新，电子版更便宜，🐧：28817735"}, "review", [("diversion", "🐧：28817735")]),
    ({"description": "Send photos to petart.studio at gmail dot com"}, "review", [("diversion", "petart.studio at gmail dot com")]),
    ({"description": "Call or text five five five, two one nine, eight eight four zero"}, "review",
     [("diversion", "five five five, two one nine, eight eight four zero")]),
    ({"description": "孤品一件。更多款式去闲鱼搜「阿花的衣橱」"}, "review", [("diversion", "闲鱼搜")]),
    ({"title": "香奶奶 菱格链条包 羊皮 黑金 A货"}, "block", [("brand", "香奶奶"), ("counterfeit", "A货")]),
    ({"title": "B家 老爹鞋 增高 厚底 复刻"}, "block", [("brand", "B家"), ("counterfeit", "复刻")]),
    ({"title": "卡Di亚 钉子手镯 钛钢 玫瑰金色"}, "review", [("brand", "卡Di亚")]),
    ({"title": "L0uis V Monogram Keepall 45"}, "review", [("brand", "L0uis V")]),
    ({"description": "1OO%有效除螨，一喷即净。"}, "review", [("false_claim", "1OO%有效"), ("false_claim", "一喷即净")]),
    ({"description": "降血唐、调理三高，饭后一杯。"}, "review", [("medical_claim", "降血唐"), ("medical_claim", "调理三高")]),
]

# --- one listing per category ----------------------------------------------------------
CATEGORIES = [
    ({"title": "全网最低价 国家级品质 保温杯"}, "review", [("absolute_term", "全网最低价"), ("absolute_term", "国家级")]),
    ({"title": "best ever wireless earbuds"}, "review", [("absolute_term", "best ever")]),
    ({"title": "祛痘霜 100%有效 无效退款"}, "review", [("false_claim", "100%有效"), ("false_claim", "无效退款")]),
    ({"title": "保健茶 降血压 根治失眠"}, "review", [("medical_claim", "降血压"), ("medical_claim", "根治失眠")]),
    ({"title": "Herbal tea that cures diabetes"}, "review", [("medical_claim", "cures diabetes")]),
    ({"title": "仿真枪 金属 可发射"}, "block", [("prohibited_goods", "仿真枪")]),
    ({"title": "天然象牙 手镯 收藏"}, "block", [("prohibited_goods", "象牙")]),
    ({"title": "代开发票 各类 正规"}, "block", [("illegal_service", "代开发票")]),
    ({"title": "加微信 发更多款式"}, "review", [("diversion", "加微信")]),
    ({"title": "好评返现 五元 亲"}, "review", [("incentivized_review", "好评返现")]),
    ({"title": "LV 老花 手提包", "description": "原单品质 专柜同款"}, "block", [("brand", "LV"), ("counterfeit", "原单")]),
]

# --- said in two words, weak words beside a brand, numbers in disguise ------------------------
PHRASINGS = [
    ({"title": "五星好评后私信客服返3元"}, "review", [("incentivized_review", "五星好评后私信客服返")]),
    ({"title": "Leave a 5-star review and get a full refund"}, "review", [("incentivized_review", "5-star review and get a full refund")]),
    ({"title": "Free gift for a 5-star review"}, "review", [("incentivized_review", "Free gift for a 5-star review")]),
    ({"title": "Herbal tea treats diabetes naturally"}, "review", [("medical_claim", "treats diabetes")]),
    ({"title": "祖传秘方 专治咳嗽"}, "review", [("medical_claim", "专治咳嗽")]),
    ({"title": "羊毛衫 永不起球"}, "review", [("false_claim", "永不起球")]),
    ({"title": "伪造证件 加急"}, "block", [("prohibited_goods", "伪造证件")]),
    ({"title": "户外狩猎弩 套装"}, "block", [("prohibited_goods", "弩")]),
    ({"title": "Rolex 1:1 Submariner"}, "block", [("counterfeit", "1:1"), ("brand", "Rolex")]),
    ({"title": "Rolex Submariner 1:1 copy"}, "block", [("counterfeit", "1:1 copy"), ("brand", "Rolex")]),
    ({"title": "Guc¢i belt for men"}, "review", [("brand", "Guc¢i")]),
    ({"title": "B-E-S-T E-V-E-R earbuds"}, "review", [("absolute_term", "B-E-S-T E-V-E-R")]),
    ({"title": "耳机", "description": "电话 壹叁捌 零零壹贰 叁肆伍陆"}, "review", [("diversion", "壹叁捌 零零壹贰 叁肆伍陆")]),
    ({"title": "耳机", "description": "门店电话 0595-2388 6721"}, "review", [("diversion", "0595-2388 6721")]),
    ({"title": "耳机", "description": "V：shop_wendy"}, "review", [("diversion", "V：shop_wendy")]),
    ({"title": "Patches", "description": "join t . me / patchfactory now"}, "review", [("diversion", "t . me / patchfactory")]),
    ({"title": "Patches", "description": "ask on tele gram"}, "review", [("diversion", "tele gram")]),
    # found by the third independent holdout (holdout3.jsonl)
    ({"description": "Simply the best cordless vacuum on the market for pet hair."}, "review",
     [("absolute_term", "the best cordless vacuum on the market")]),
    ({"description": "The #1 kettle in America, boils in 3 minutes."}, "review", [("absolute_term", "#1 kettle in America")]),
    ({"title": "#1 Best-Selling Memory Foam Mattress Topper"}, "review", [("absolute_term", "#1 Best-Selling")]),
    ({"title": "圣罗兰小金条口红 21号 跟专柜一模一样"}, "block", [("counterfeit", "专柜一模一样"), ("brand", "圣罗兰")]),
    ({"title": "ＮＩＫＥ 低帮板鞋", "description": "得物可过，鞋盒配件齐全。"}, "block", [("counterfeit", "得物可过")]),
    ({"title": "沛纳海 镜面版 夜光 男表 44mm"}, "block", [("counterfeit", "镜面版"), ("brand", "沛纳海")]),
    ({"title": "R0lex 41mm Automatic Men's Watch – Swiss Clone"}, "block", [("counterfeit", "Swiss Clone"), ("brand", "R0lex")]),
    ({"description": "治疗痛经，一贴见效。"}, "review", [("false_claim", "一贴见效")]),
    ({"description": "同类产品中效果第一，100%驱蚊。"}, "review", [("false_claim", "100%驱蚊")]),
    ({"description": "Never scratches and lasts forever."}, "review", [("false_claim", "Never scratches")]),
    ({"description": "Heals joint pain in 3 days."}, "review", [("medical_claim", "Heals joint pain")]),
    ({"description": "暖宫贴，缓解痛经。"}, "review", [("medical_claim", "缓解痛经")]),
    ({"description": "Leave a 5-star review and email us a screenshot for a full refund!"}, "review",
     [("incentivized_review", "5-star review and email us a screenshot")]),
    ({"description": "带图 haoping fanxian 2元"}, "review", [("incentivized_review", "带图 haoping fanxian")]),
    ({"title": "Oxycodone 30mg – No Prescription Needed"}, "block", [("prohibited_goods", "Oxycodone")]),
    ({"title": "5.5mm 气枪弹 500粒"}, "block", [("prohibited_goods", "气枪弹")]),
    ({"title": "Compound Hunting Crossbow 400 FPS with Scope"}, "block", [("prohibited_goods", "Crossbow")]),
    ({"title": "Novelty ID Card – Scannable, Any State, Hologram"}, "block", [("prohibited_goods", "Novelty ID")]),
]
PHRASING_NEGATIVES = [
    {"title": "AB胶 环氧树脂 配比 1:1 固化后透明"},  # 1:1 without a brand is a ratio
    {"title": "UV resin curing lamp, cures gel polish in 60 seconds"},  # cures without a disease
    {"title": "Jaguar print silk scarf"},  # "car" is not in "scarf"
    {"title": "Size M / L. Length 5 . 5 cm"},  # spaced slashes and dots that are not links
    {"title": "好评如潮。买一送一"},  # praise and a promotion in two sentences
    {"title": "V领口 针织衫 好评如潮"},  # 领 inside 领口 is a collar
    {"title": "汽车脚垫 适用于 丰田 凯美瑞", "description": "根据丰田凯美瑞原车数据开版"},
    # the third holdout's new rules, where they must stay quiet
    {"title": "不锈钢保温杯 镜面版 500ml"},  # 镜面版 without a brand is a finish (镜面版/磨砂版)
    {"title": "厨房防油贴纸 一擦即净"},  # easy-clean surfaces are not an efficacy claim
    {"title": "纯棉浴巾", "description": "100%纯棉 抑菌 除螨 吸水"},  # fibre content, then features
    {"title": "正品行货", "description": "保证正品，一样的价格更好的服务"},  # 正品 … 一样 apart is a genuine seller
    {"title": "One of the best espresso machines on the market"},  # hedged, not absolute
    {"title": "Best Mom in the World T-shirt"},  # novelty slogan
    {"title": "Counting book", "description": "Count with me: one, two, three, four, five, six, seven, eight, nine"},
    {"title": "Please send a screenshot of any damage for a quick refund"},  # no review
    {"title": "奶香瓜子", "description": "很香奶奶都爱吃"},  # 香奶奶 needs Chanel context
]

# --- hard negatives from the issue: a reader would not flag these -----------------------
HARD_NEGATIVES = [
    {"title": "付款方式：支持微信 支付宝 银行卡"},  # a payment method, not contact
    {"title": "天然缅甸翡翠A货手镯 附国检证书"},  # A货 jade is untreated jadeite
    {"title": "Tennis Coach Training Kit – 12 Agility Cones", "description": "Used by club coaches. Includes a carry bag."},
    {"title": "Dinosaur Fossil Replica Kit", "description": "Museum-style resin replica of a T-Rex skull."},
    {"title": "象牙果手串 植物雕刻", "description": "象牙果又称植物象牙，是棕榈科植物的种子。"},
    {"title": "Python编程 第3版", "description": "第一部分讲解基础知识，第二部分为实战项目。"},
    {"title": "足金999小金豆 转运珠手链 红绳"},
    {"title": "Ivory Coast coffee beans"},  # a place name
    {"title": "Bamboo Knitting Needles Set, Sizes No.1 to No.10"},  # a numbered range, not a ranking
    {"title": "钩针 No.1至No.10 全套"},
    {"title": "Storage jars, 3 @ $5 each", "description": "Follow the care guide. Sizes S/M/L @home or @work."},  # @ as a price or a word
    {"title": "3pcs 收纳盒 5star酒店同款 4ever love 项链 7days 退换"},  # digits at a word's start stay digits
    {"title": "高仿真多肉植物 盆栽摆件 办公室"},
    {"title": "象牙白 纯棉衬衫 女 长袖"},
    {"title": "QQ糖 水果味 儿童零食 500g"},
    {"title": "治愈系 毛绒玩具 抱枕"},
    {"title": "最近很火的 法式连衣裙"},
    {"title": "第一次 购买 送 收纳袋"},
    {"title": "护肤步骤 第一步 洁面"},
    {"title": "This classic bag is great for class"},
    {"title": "新鲜 苹果 水果 5斤装 脆甜"},
    {"title": "东北 小米 黄小米 熬小米粥 2.5kg"},
    {"title": "Puma plush toy, a soft mountain lion for kids"},
    {"title": "Polo衫 男士 短袖 纯棉 翻领"},
    {"title": "Coach whistle for referees and PE teachers"},
    {"title": "适用于 iPhone 15 手机壳 防摔 透明"},
    {"title": "Compatible with Samsung Galaxy S23 charger cable"},
    {"title": "replacement for Dyson V8 filter"},
    {"title": "精品咖啡豆 最佳赏味期 30天"},
    {"title": "特级初榨橄榄油 1L"},
    {"title": "折叠椅 最大承重150kg 户外便携"},
    {"title": "faux fur coat, warm and soft"},
    {"title": "假睫毛 自然款 10对装"},
    {"title": "Nike Air Zoom 跑步鞋 正品", "seller": {"authorized_brands": ["Nike"]}},
    {"title": "耐克 运动鞋 专柜正品", "seller": {"authorized_brands": ["nike"]}},
    {"title": "保温杯 316不锈钢 大容量 办公室"},
    # false positives of the third holdout (holdout3.jsonl)
    {"title": "微信扫码点餐桌贴 定制亚克力台卡 餐厅奶茶店"},
    {"title": "2024明前龙井 一级", "description": "冲泡建议：85℃水温，第一泡约30秒即可出汤。"},
    {"title": "张爱玲《第一炉香》 中短篇小说集", "description": "收录《沉香屑·第一炉香》《倾城之恋》。"},
    {"title": "家用投影仪", "description": "建议最佳观看距离2-3米，此时投射画面约100英寸。"},
    {"title": "精酿小麦白啤", "description": "建议最佳饮用温度4-8℃。"},
    {"title": "World's Best Dad Coffee Mug – 11 oz Ceramic Father's Day Gift"},
    {"title": "Ivory Lace Wedding Dress", "description": "Scalloped lace overlay, satin lining, back zipper."},
    {"title": "QQ软糖 水果味 独立小包装 办公室零食 500g"},
]


# --- spellings the normaliser and matcher read as categories, not single strings ----------------
SPELLINGS = [
    # an emoji or other symbol inside a Latin name: the joined reading is tried as well
    ({"title": "O🔥MEGA 海马系列 自动机械男表"}, "review", [("brand", "O🔥MEGA")]),
    ({"title": "Bal🔥enciaga Triple S 老爹鞋 男女同款"}, "review", [("brand", "Bal🔥enciaga")]),
    ({"title": "Gu💎cci Marmont 链条单肩包"}, "review", [("brand", "Gu💎cci")]),
    ({"title": "Pra✨da re-edition nylon shoulder bag"}, "review", [("brand", "Pra✨da")]),
    ({"title": "Ro⭐️lex Submariner 复刻 机械表"}, "block", [("brand", "Ro⭐️lex"), ("counterfeit", "复刻")]),
    ({"title": "Rolex Submariner rep💯lica, swiss movement"}, "block", [("counterfeit", "rep💯lica"), ("brand", "Rolex")]),
    # an emoji in place of one or two letters of a name (the first and last letters stand)
    ({"title": "Chan🌸l No.5 香水 100ml 正品小样"}, "review", [("brand", "Chan🌸l")]),
    ({"title": "Herm💎s Birkin 30 togo leather"}, "review", [("brand", "Herm💎s")]),
    ({"title": "Lu🍋lemon Align High-Rise Leggings 25\""}, "review", [("brand", "Lu🍋lemon")]),
    ({"title": "Balen🔥iaga Triple S rep💯ica"}, "block", [("brand", "Balen🔥iaga"), ("counterfeit", "rep💯ica")]),
    # letters drawn as emoji (negative circled and squared capitals)
    ({"title": "🅽🅸🅺🅴 Dunk Low 板鞋 男女同款"}, "review", [("brand", "🅽🅸🅺🅴")]),
    ({"title": "Pr🅰da Re-Edition 2005 尼龙包"}, "review", [("brand", "Pr🅰da")]),
    ({"title": "🅶🆄🅲🅲🅸 同款 老花 托特包 1:1"}, "block", [("brand", "🅶🆄🅲🅲🅸"), ("counterfeit", "1:1")]),
    # ...while the symbol still reads as a word break between two words
    ({"title": "Nike🔥Air Max 90 running shoes"}, "review", [("brand", "Nike")]),
    ({"title": "Rolex⌚watch box, green leather"}, "review", [("brand", "Rolex")]),
    ({"title": "North⭐Face puffer jacket 700 fill"}, "review", [("brand", "North⭐Face")]),
    ({"title": "Best🔥Ever wireless earbuds"}, "review", [("absolute_term", "Best🔥Ever")]),
    # a leetspeak digit for a name's last letter
    ({"title": "Gucc1 Marmont 女士斜挎包"}, "review", [("brand", "Gucc1")]),
    ({"title": "Prad4 Re-Nylon backpack black"}, "review", [("brand", "Prad4")]),
    ({"title": "Chane1 No.5 香水 100ml"}, "review", [("brand", "Chane1")]),
    ({"title": "Rolex Submariner replic4 watch"}, "block", [("counterfeit", "replic4"), ("brand", "Rolex")]),
    # the letter O for a zero in a number
    ({"title": "活性炭包 除醛率1OO% 新房必备"}, "review", [("false_claim", "除醛率1OO%")]),
    ({"title": "Insta36O ONE X2 全景运动相机"}, "review", [("brand", "Insta36O")]),
    ({"description": "祛痘精华，1O0%有效。"}, "review", [("false_claim", "1O0%有效")]),
    # book-title marks around a name or a term (these already matched: kept as guards)
    ({"title": "《Gucci》同款 老花托特包"}, "review", [("brand", "Gucci")]),
    ({"title": "爆款《耐克》同款 运动鞋"}, "review", [("brand", "耐克")]),
    ({"title": "《最佳》保温杯 316不锈钢"}, "review", [("absolute_term", "最佳")]),
    ({"description": "全网《销量第一》的扫地机器人"}, "review", [("absolute_term", "销量第一")]),
]
SPELLING_NEGATIVES = [
    {"title": "Summer☀Sale beach towel, quick dry"},  # a symbol between two ordinary words
    {"title": "Coffee☕Time ceramic mug 350ml"},
    {"title": "I❤NY T-shirt, cotton, unisex"},
    {"title": "3oz paper cups 1OOO pcs"},  # 3oz stays ounces; 1OOO is a count
    {"title": "GPT-4o 入门教程 电子书 5OO页"},
    {"title": "Omega-3 fish oil 1000mg softgels"},  # a digit after a word is not a letter
    {"title": "适用于 iPhone 11 手机壳 防摔 透明"},
    {"title": "Size 4 running socks, pack of 5"},
    {"title": "Bamboo Knitting Needles No.4 and No.5"},
    # an emoji glued inside ordinary words: no brand is one or two letters away
    {"title": "Sum🌸mer floral dress, Beau🌸tiful print, Hap🎉py birthday"},
    {"title": "Won🌟erful gift set, Col🌸r options: red, Coo🔥l summer"},
    {"title": "🅿️ 停车场指示牌 铝板反光"},  # a lone letter drawn as an emoji names nothing
]

# --- found by the fourth independent holdout (holdout4.jsonl): each a variant of a missed family ---
HOLDOUT4_FINDS = [
    ({"description": "加工定制请私聊，嘉薇：tea_house99"}, "review", [("diversion", "嘉薇")]),
    ({"description": "二手出，走平台要加钱，加薇芯：phone_ok66"}, "review", [("diversion", "加薇芯")]),
    ({"description": "For bulk orders call me at 646.555.0172 directly."}, "review", [("diversion", "646.555.0172")]),
    ({"description": "有问题找我，🐧 3391 2847 66"}, "review", [("diversion", "🐧 3391 2847 66")]),
    ({"description": "资料持续更新，进群 8812 3390 领取"}, "review", [("diversion", "进群 8812 3390")]),
    ({"title": "椰子 350 斑马 pk版 男女鞋"}, "block", [("counterfeit", "pk版"), ("brand", "椰子")]),
    ({"title": "Nike Dunk Low Panda", "description": "God batch, comes with box."}, "block", [("counterfeit", "God batch"), ("brand", "Nike")]),
    ({"title": "Omega Seamaster 300 Men's Watch", "description": "Looks just like the real thing up close."}, "block",
     [("counterfeit", "Looks just like the real thing"), ("brand", "Omega")]),
    ({"title": "Gucci 3A精品 腰带 男"}, "block", [("counterfeit", "3A精品"), ("brand", "Gucci")]),
    ({"title": "男士机械表", "description": "外观参照经典款，一比一还原，钢带可调节。"}, "block", [("counterfeit", "一比一还原")]),
    ({"title": "欧米茄 海马 男表", "description": "一比一开模，走时精准。"}, "block", [("counterfeit", "一比一开模"), ("brand", "欧米茄")]),
    ({"title": "纳豆激酶 胶囊", "description": "中老年人长期吃，疏通血管、预防脑梗。"}, "review",
     [("medical_claim", "疏通血管"), ("medical_claim", "预防脑梗")]),
    ({"title": "山楂茶", "description": "降xue压，喝一个月见分晓。"}, "review", [("medical_claim", "降xue压")]),
    ({"title": "猪蹄汤料包", "description": "月子必备，喝了催奶快。"}, "review", [("medical_claim", "催奶")]),
    ({"title": "红糖姜茶", "description": "调理月经，经期喝一杯。"}, "review", [("medical_claim", "调理月经")]),
    ({"title": "Turmeric Capsules", "description": "Fights inflammation and no more medication for your joints."}, "review",
     [("medical_claim", "Fights inflammation"), ("medical_claim", "no more medication")]),
    ({"title": "Zinc Lozenges", "description": "Shortens the flu by days."}, "review", [("medical_claim", "Shortens the flu")]),
    ({"title": "Slimming Tea", "description": "Lose weight while you sleep, without diet or exercise."}, "review",
     [("false_claim", "Lose weight while you sleep"), ("false_claim", "without diet or exercise")]),
    ({"title": "Detox Patches", "description": "Draws out toxins while you rest."}, "review", [("false_claim", "Draws out toxins")]),
    ({"title": "祛痘膏", "description": "7天祛痘不留印。"}, "review", [("false_claim", "7天祛痘")]),
    ({"title": "宠物药浴", "description": "专治猫癣、皮肤病，一盒见效。"}, "review",
     [("medical_claim", "专治猫癣、皮肤病"), ("false_claim", "一盒见效")]),
    ({"title": "Phone Case", "description": "Leave a 5-star review and get a $3 red packet."}, "review",
     [("incentivized_review", "5-star review and get a $3 red packet")]),
    ({"title": "收纳盒", "description": "追评带图后截图发给客服，返两元。"}, "review", [("incentivized_review", "追评带图后截图发给客服，返")]),
    ({"title": "云南 免税香烟 包邮"}, "block", [("prohibited_goods", "免税香烟")]),
    ({"title": "Vintage Ivory Carving Buddha Statue"}, "block", [("prohibited_goods", "Ivory Carving")]),
    ({"title": "Portable Cell Phone Jammer 6 Antennas"}, "block", [("prohibited_goods", "Cell Phone Jammer")]),
    ({"title": "考试隐形耳机 无线 迷你"}, "block", [("prohibited_goods", "考试隐形耳机")]),
    ({"title": "学历定制 学信网可查询"}, "block", [("prohibited_goods", "学历定制"), ("prohibited_goods", "学信网可查询")]),
    ({"title": "派对气球 奶油气", "description": "吸了就嗨，批发价。"}, "block", [("prohibited_goods", "吸了就嗨")]),
    ({"title": "tinghuashui 进口 无味"}, "block", [("prohibited_goods", "tinghuashui")]),
    ({"title": "Scannable Novelty License", "description": "Bouncer proof, any state."}, "block", [("prohibited_goods", "Bouncer proof")]),
    ({"title": "Mini Hidden Camera Clock", "description": "Record without them knowing, even in changing rooms."}, "block",
     [("prohibited_goods", "Record without them knowing")]),
    ({"title": "合金 格洛克 模型", "description": "可发射钢珠，后坐力强。"}, "block", [("prohibited_goods", "可发射钢珠")]),
    ({"title": "Louis Vuitton Keepall 55 travel bag", "description": "mirror quality"}, "block",
     [("brand", "Keepall"), ("counterfeit", "mirror quality")]),
    ({"title": "迪奥 烈艳蓝金 口红 999"}, "review", [("brand", "烈艳蓝金")]),
    ({"title": "香奈尔 双C 珍珠项链"}, "review", [("brand", "香奈尔"), ("brand", "双C")]),
    ({"title": "Jordan 1 Retro High OG", "description": "UA, ships with box"}, "block", [("brand", "Jordan"), ("counterfeit", "UA")]),
    ({"description": "自家工厂直供，全网顶级面料。"}, "review", [("absolute_term", "顶级")]),
    ({"description": "Best quality hoodie on the market."}, "review", [("absolute_term", "Best quality hoodie on the market")]),
]
# ...and the ordinary copy those families and holdout4's false positives must leave alone
HOLDOUT4_NEGATIVES = [
    {"title": "纯棉T恤", "description": "退货请按原单地址寄回，不接受到付。"},
    {"title": "冰种翡翠A货手镯 天然A货 证书齐全"},
    {"title": "维生素C片", "description": "本品不可代替药物，孕妇慎用。"},
    {"title": "Botanical Replica Print, Vintage Fern Illustration, A3"},
    {"title": "Screwdriver bit set", "description": "Size: PH1 (No.1), 25 mm"},
    {"title": "不锈钢烟灰缸", "description": "适合香烟雪茄使用，易清洗。"},
    {"title": "Anker 数据线 3A快充 1米"},  # 3A is amperes
    {"title": "Artificial Christmas Tree 6ft", "description": "Looks just like the real thing."},  # no brand
    {"title": "OEM Remote Control", "description": "Looks identical to the original remote."},
    {"title": "Swim Jammers for Boys, Chlorine Resistant"},
    {"title": "Faraday Pouch Signal Blocking Bag for Key Fobs"},
    {"title": "Antique Ivory Lace Trim, 5 yards"},
    {"title": "儿童水枪 可发射水弹 夏天戏水"},
    {"title": "激光打印机", "description": "全钢机身，可打印A3。"},
    {"title": "洗衣液", "description": "好评如潮，下单送运费险。"},
    {"title": "Desk Lamp", "description": "Best for small spaces in the UK and EU."},
    {"title": "毕业证书封皮 定制烫金"},
    {"title": "Replacement Filter", "description": "Part number 800-555-1234, fits model X."},
    {"title": "婴幼儿奶粉", "description": "以下奶粉适合1岁以上宝宝。"},
    {"title": "双C口充电器 65W 快充"},
    {"title": "Cold Pack", "description": "Reusable ice pack, stays cold for hours."},
]


# (listing, category, the one finding's text): two-word rules firing over the same words are one finding

# --- #15: families of wording first seen in a blind set, each written as a general rule -----
# (own examples, not the set's rows: the family must be caught in other words too)
FAMILIES_15 = [
    # Cyrillic/Greek look-alike letters inside Latin words (normaliser fold)
    ({"title": "Рrada Galleria saffiano bag"}, "review", [("brand", "Рrada")]),
    ({"title": "ΒURBERRY check scarf cashmere"}, "review", [("brand", "ΒURBERRY")]),
    ({"title": "Rolex Daytona rерlika dial"}, "block", [("counterfeit", "rерlika")]),
    # half-pinyin spellings generated from the term (高仿 → gao仿 / 高f, 降血压 → 降xy)
    ({"title": "gao仿 香奈儿 链条包"}, "block", [("counterfeit", "gao仿")]),
    ({"title": "精f 古驰 腰带 男"}, "block", [("counterfeit", "精f")]),
    ({"title": "苦瓜茶 降xy 降xt 中老年"}, "review", [("medical_claim", "降xy"), ("medical_claim", "降xt")]),
    # characters split into their components (仿 → 亻方), generated at build
    ({"title": "精亻方 LV 老花 钱包"}, "block", [("counterfeit", "精亻方")]),
    ({"title": "艾灸贴 氵台疗 颈椎"}, "review", [("medical_claim", "氵台疗")]),
    # sentence-built superlatives
    ({"description": "Honestly, no other blender in this price range beats it."}, "review", [("absolute_term", "no other blender in this price range beats")]),
    ({"description": "用过这么多款，没有比这款更好用的保温杯了"}, "review", [("absolute_term", "没有比这款更好用")]),
    ({"title": "国货之光 yyds 洗面奶"}, "review", [("absolute_term", "yyds")]),
    # durability told with a number
    ({"description": "加厚不锈钢，用一百年不生锈"}, "review", [("false_claim", "一百年不生锈")]),
    # efficacy in a set time
    ({"description": "坚持喝 一个月长高3cm"}, "review", [("false_claim", "一个月长高")]),
    # virus-killing claims
    ({"description": "UV wand that kills bacteria and viruses in seconds"}, "review", [("medical_claim", "kills bacteria and viruses")]),
    # indirect names of prohibited goods
    ({"title": "老白料 手镯 包浆好"}, "block", [("prohibited_goods", "老白料")]),
    ({"title": "Rx-free Xanax 2mg bars fast shipping"}, "block", [("prohibited_goods", "Xanax")]),
    ({"title": "9mm solvent trap kit with cups"}, "block", [("prohibited_goods", "solvent trap kit")]),
    ({"title": "汽车 车牌遮挡器 电动 遥控"}, "block", [("prohibited_goods", "车牌遮挡器")]),
    # brand replica wording: factory names and clones beside a brand
    ({"title": "Omega Seamaster VS厂 8800机芯"}, "block", [("counterfeit", "VS厂")]),
    ({"title": "Cartier Love bracelet clone 18k"}, "block", [("counterfeit", "clone")]),
    # off-platform price and contact
    ({"description": "私聊报价，比平台便宜20"}, "review", [("diversion", "比平台便宜")]),
    ({"description": "同款 淘宝搜 店名 更便宜"}, "review", [("diversion", "淘宝搜 店名 更便宜")]),
    # rewards for reviews
    ({"description": "Leave us a review and get 15% off your next order!"}, "review", [("incentivized_review", "Leave us a review and get 15% off your next order")]),
]

NEGATIVES_15 = [
    {"title": "Ivory white linen duvet cover, queen"},  # ivory is a colour; only tusk/carved/real forms count
    {"title": "Git clone workshop: intro to version control (ebook)"},  # clone without a brand
    {"title": "Pothos plant clone cuttings, rooted"},
    {"description": "100% 纯棉 百年老店 品质保证"},  # 百年 without a durability promise
    {"description": "No other tools needed for installation."},  # 'no other' without a comparison
    {"description": "Electric fan现货 quiet 3 speeds"},  # 'fan' before 现 is English, not 返
    {"description": "Resistor 10kΩ, 5μm film, α-alumina substrate"},  # Greek in specifications stays Greek
    {"title": "Москва сувенир магнит на холодильник"},  # Russian text: folding must not invent a term
    {"description": "抖音同款 网红小夜灯 卧室"},  # 抖音同款 is a trend, not a redirection
    {"title": "天花板 吊顶 铝扣板 厨房"},  # a ceiling
    {"title": "Ultimate frisbee cleats, youth sizes"},  # the sport's name
    {"title": "纯棉T恤 七天无理由 白色 M码"},  # 七天 … 白 is a return policy and a colour, not 七天美白
    {"title": "dy直播间同款 便宜好用 收纳盒"},  # a live-stream trend, no redirection
    {"title": "亚克力标识牌 禁止携带管制刀具 地铁安检"},  # signage forbidding the goods
    {"title": "Greek drachma replica coin set for history class"},  # a teaching reproduction
]


MERGED_PROXIMITY = [
    ({"description": "酵素果冻，一吃就瘦10斤。"}, "false_claim", "一吃就瘦10斤"),
    ({"description": "暖宫贴，百分百一贴见效。"}, "false_claim", "百分百一贴见效"),
    ({"title": "代餐粉 一粒就瘦5斤 轻松享瘦"}, "false_claim", "一粒就瘦5斤"),
]


def _counting(result):
    return {(f.category, f.text) for f in result.findings if f.effect != "none"}


@pytest.mark.parametrize("listing,decision,expected", EVASIONS + CATEGORIES + PHRASINGS + SPELLINGS + HOLDOUT4_FINDS + FAMILIES_15)
def test_flags_what_a_reviewer_would(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    found = _counting(result)
    missing = [e for e in expected if e not in found]
    assert not missing, f"missing {missing}; got {[(f.category, f.text, f.explanation) for f in result.findings]}"
    assert result.decision == decision
    for f in result.findings:
        assert listing[f.field][f.start : f.end] == f.text
        assert f.explanation


@pytest.mark.parametrize("listing", HARD_NEGATIVES + PHRASING_NEGATIVES + SPELLING_NEGATIVES + HOLDOUT4_NEGATIVES + NEGATIVES_15)
def test_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.explanation) for f in result.findings]


@pytest.mark.parametrize("listing,category,text", MERGED_PROXIMITY)
def test_overlapping_two_word_findings_are_one(text_scanner, listing, category, text):
    result = text_scanner.scan(listing)
    same = [f for f in result.findings if f.category == category]
    assert [f.text for f in same] == [text], [(f.text, f.term, f.explanation) for f in same]
    assert same[0].explanation


def test_authorized_brand_is_listed_but_harmless(text_scanner):
    result = text_scanner.scan({"title": "Nike Air Zoom", "seller": {"authorized_brands": ["耐克"]}})
    brands = [f for f in result.findings if f.category == "brand"]
    assert brands and all(f.effect == "none" and "authorized" in f.explanation for f in brands)
    assert result.decision == "pass"


def test_brand_and_counterfeit_in_different_fields_block(text_scanner):
    result = text_scanner.scan({"title": "Gucci 酒神包", "bullets": ["做工精细", "高仿 品质"]})
    assert result.decision == "block"
    brand = next(f for f in result.findings if f.category == "brand")
    assert brand.effect == "block" and "counterfeit" in brand.explanation


def test_absolute_term_comes_with_a_suggestion(text_scanner):
    result = text_scanner.scan({"title": "全网最好的保温杯"})
    finding = next(f for f in result.findings if f.category == "absolute_term")
    assert finding.suggestion  # e.g. 最好 -> 优质


def test_attributes_and_bullets_are_scanned_with_their_field_names(text_scanner):
    listing = {"title": "运动鞋", "bullets": ["舒适", "加微信 看实拍"], "attributes": {"品牌": "耐克"}}
    result = text_scanner.scan(listing)
    fields = {(f.field, f.category) for f in result.findings}
    assert ("bullets[1]", "diversion") in fields and ("attributes.品牌", "brand") in fields


def test_every_result_carries_versions(text_scanner):
    result = text_scanner.scan({"title": "运动鞋"})
    assert result.versions["wordlists"].startswith("sha256:")
    assert set(result.versions) == {"wordlists", "gallery", "image_rules", "listing_model", "scanner", "policy"}
    assert result.versions["listing_model"] == "off"  # the learned listing model (#15): off unless asked
    assert result.versions["policy"]["name"] == "default"  # no profile asked: policy.toml (#20)


@pytest.mark.parametrize(
    "raw,code",
    [
        ("not a listing", "invalid_listing"),
        ({"title": 42}, "invalid_listing"),
        ({"bullets": "one"}, "invalid_listing"),
        ({"title": "x" * 100_001}, "field_too_long"),
        ({"seller": {"authorized_brands": "Nike"}}, "invalid_listing"),
    ],
)
def test_unscannable_listings_become_error_results(text_scanner, raw, code):
    result = text_scanner.scan(raw)
    assert result.decision is None
    assert result.to_dict()["error"]["code"] == code


def test_labelled_set_meets_the_targets(text_scanner):
    """The hand-labelled fixture set: ≥ 97% of expected findings, ≥ 95% of clean listings passed."""
    import json

    from scanner.config import BUNDLED_FIXTURES
    from tools.evaluation import evaluate

    rows = [json.loads(l) for l in (BUNDLED_FIXTURES / "listings" / "labelled.jsonl").read_text("utf-8").splitlines() if l.strip()]
    results = [text_scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    assert report.recall >= 0.97, report.misses
    assert report.clean_pass_rate >= 0.95, report.misses


def test_independent_holdout_set_does_not_regress(text_scanner):
    """fixtures/listings/holdout.jsonl was written without seeing the word lists or the engine.
    First measured at 82.4% recall / 93.8% clean-pass; engine rules and list gaps it exposed were
    then fixed, so it is no longer unseen. It guards against regressions."""
    import json

    from scanner.config import BUNDLED_FIXTURES
    from tools.evaluation import evaluate

    rows = [json.loads(l) for l in (BUNDLED_FIXTURES / "listings" / "holdout.jsonl").read_text("utf-8").splitlines() if l.strip()]
    results = [text_scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    assert report.recall >= 0.95, report.misses
    assert report.clean_pass_rate >= 0.97, report.misses


def test_second_independent_holdout_set_does_not_regress(text_scanner):
    """fixtures/listings/holdout2.jsonl (243 listings) was written by someone who saw neither the
    word lists nor the engine, after the first holdout had been tuned against. First measured at
    76.2% recall / 91.6% clean-pass / 89.7% decisions; the list gaps and detector misses it exposed
    were then fixed (93.8% / 97.2% / 97.9%), so it too is no longer unseen."""
    import json

    from scanner.config import BUNDLED_FIXTURES
    from tools.evaluation import evaluate

    rows = [json.loads(l) for l in (BUNDLED_FIXTURES / "listings" / "holdout2.jsonl").read_text("utf-8").splitlines() if l.strip()]
    results = [text_scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    assert report.recall >= 0.90, report.misses
    assert report.clean_pass_rate >= 0.95, report.misses


def test_third_independent_holdout_set_does_not_regress(text_scanner):
    """fixtures/listings/holdout3.jsonl (252 listings) was written by someone who saw neither the
    word lists nor the engine, after the first two holdouts had been tuned against. First measured at
    83.2% recall / 92.8% clean-pass / 88.9% decisions; the list gaps, detector misses and false
    positives it exposed were then fixed (98.4% / 100% / 99.2%), so it too is no longer unseen.
    An emoji inside a Latin name (O🔥MEGA) and a leet digit at a word's end (Gucc1) are now read
    (99.5% / 100% / 99.6%); still missed: an emoji standing for letters (Lu🍋lemon)."""
    import json

    from scanner.config import BUNDLED_FIXTURES
    from tools.evaluation import evaluate

    rows = [json.loads(l) for l in (BUNDLED_FIXTURES / "listings" / "holdout3.jsonl").read_text("utf-8").splitlines() if l.strip()]
    results = [text_scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    assert report.recall >= 0.96, report.misses
    assert report.clean_pass_rate >= 0.98, report.misses
    assert report.decision_agreement >= 0.97, report.misses


def test_fourth_independent_holdout_set_does_not_regress(text_scanner):
    """fixtures/listings/holdout4.jsonl (200 listings) was written blind (without the word lists,
    engine, tests or fixtures) after the first three holdouts had been tuned against. First measured
    at 73.9% recall / 94.4% clean-pass / 88.0% decisions; its misses were then fixed as families of
    wording (cardiovascular and lactation claims, 微信 homophones with 芯, batch tiers, jammers,
    exact-copy and effortless-weight-loss wording, QQ group and North American numbers) and its five
    false positives by allow-list entries (98.1% / 100% / 100%), so it is no longer unseen.
    Still missed on purpose: "No Prescription Needed" (reading glasses say it too), 100%植物配方
    (may be true), 味道和No.5 一模一样 (味道和…一模一样 is also home-cooking copy) and "Looks identical
    to the original" without a brand named (replacement parts say it too)."""
    import json

    from scanner.config import BUNDLED_FIXTURES
    from tools.evaluation import evaluate

    rows = [json.loads(l) for l in (BUNDLED_FIXTURES / "listings" / "holdout4.jsonl").read_text("utf-8").splitlines() if l.strip()]
    results = [text_scanner.scan({k: v for k, v in r.items() if k != "expected"}).to_dict() for r in rows]
    report = evaluate(rows, results)
    assert report.recall >= 0.96, report.misses
    assert report.clean_pass_rate >= 0.98, report.misses
    assert report.decision_agreement >= 0.98, report.misses
