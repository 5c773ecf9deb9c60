"""Families of wording found by the sixth and seventh blind sets (#15), one table per family.

Positives are written fresh (none is copied from holdout6 or holdout7): each says the family's violation in words
the set does not use, so the rule or lexicon, not a string, is what is tested. Each family's hard
negatives are the innocent senses of its words (a kitchen knife, 仿真花, reading glasses, a toy model,
compatibility mentions, medical devices described properly); they must pass.
Each row: listing fields, the expected decision, (category, exact text) pairs that must be among the
findings that count.
"""
import pytest

from tests.text.test_clause_model import KNOWN_FALSE_POSITIVES  # the review model's, held there

# --- prohibited goods named by what they do --------------------------------------------------
PRESCRIPTION_DRUGS = [  # @rx_drug × @no_prescription
    ({"title": "他达拉非片 20mg 免处方 隐私包装"}, "block", [("prohibited_goods", "他达拉非片 20mg 免处方")]),
    ({"title": "Tadalafil 20mg tablets, no prescription, fast shipping"}, "block",
     [("prohibited_goods", "Tadalafil 20mg tablets, no prescription")]),
    ({"description": "进口肉毒素100单位，附针头，自己在家打，省去美容院费用。"}, "block",
     [("prohibited_goods", "肉毒素100单位，附针头，自己在家打")]),
    ({"title": "Wegovy 2.4mg pen without a prescription, cold packed"}, "block",
     [("prohibited_goods", "Wegovy 2.4mg pen without a prescription")]),
    ({"title": "米索前列醇片 私密发货"}, "block", [("prohibited_goods", "米索前列醇")]),
    ({"title": "Mounjaro 5mg pens, no doctor visit, ships cold"}, "block", [("prohibited_goods", "Mounjaro 5mg pens, no doctor visit")]),
    ({"description": "奶油气弹大瓶，打气球吸一口，快乐翻倍。"}, "block", [("prohibited_goods", "奶油气弹大瓶，打气球吸一口")]),
]
PRESCRIPTION_NEGATIVES = [
    {"title": "老花镜 200度 男女通用", "description": "无需处方，按年龄选度数即可。"},  # reading glasses
    {"title": "Reading glasses +2.0, no prescription needed"},
    {"title": "处方药需凭处方购买 药师在线审核"},  # a pharmacy stating the rule
    {"title": "Berberine capsules, the natural alternative people compare to Ozempic"},  # a comparison, not the drug
    {"title": "奶油枪气弹 8g 50支 烘焙裱花"},  # cream chargers for the kitchen
]

SELF_DEFENCE_AND_HUNTING = [
    ({"title": "女子防身神器 口红造型 高压电弧 随身携带"}, "block", [("prohibited_goods", "女子防身神器 口红造型 高压电弧")]),
    ({"title": "Self-defense flashlight with 2 million volts, USB rechargeable"}, "block",
     [("prohibited_goods", "Self-defense flashlight with 2 million volts")]),
    ({"title": "专业打猎弹弓 配钢珠500粒"}, "block", [("prohibited_goods", "打猎弹弓 配钢珠")]),
    ({"title": "果园捕鸟网 一晚能抓几十只"}, "block", [("prohibited_goods", "捕鸟网")]),
    ({"title": "野外捕兽夹 加厚 防滑齿"}, "block", [("prohibited_goods", "捕兽夹")]),
    ({"title": "大功率电鱼机 背负式 一套"}, "block", [("prohibited_goods", "电鱼机")]),
    ({"title": "OTF knife, black blade, glass breaker"}, "block", [("prohibited_goods", "OTF knife")]),
    ({"title": "dian击棒 充电款 夜跑"}, "block", [("prohibited_goods", "dian击棒")]),
]
SELF_DEFENCE_NEGATIVES = [
    {"title": "女子防身报警器 130分贝 钥匙扣"},  # a personal alarm: no electric cue
    {"title": "防触电插座保护盖 儿童安全 防电击"},  # electrical safety, not a weapon
    {"title": "长焦镜头 打鸟神器 600mm"},  # 打鸟 is bird photography
    {"title": "果树防鸟网 防护网 加密"},  # netting that keeps birds off the fruit
    {"title": "厨房菜刀 不锈钢 切片刀", "description": "锋利耐用，家用厨房必备。"},  # a kitchen knife
    {"title": "Automatic knife sharpener, electric, 3 stages"},
]

COVERT_SERVICES = [
    ({"title": "手机监控软件 隐藏运行 同步对方微信聊天记录"}, "block", [("prohibited_goods", "监控软件 隐藏运行 同步对方微信聊天记录")]),
    ({"title": "Track your wife's location from your phone, no icon on her screen"}, "block",
     [("prohibited_goods", "location from your phone, no icon")]),
    ({"title": "物联网卡 免实名 全国通用 不限速"}, "block", [("prohibited_goods", "物联网卡 免实名")]),
    ({"title": "代开增值税专票 3个点 可认证"}, "block", [("illegal_service", "代开增值税专票 3个点")]),
    ({"title": "普票 点数低 长期合作"}, "block", [("illegal_service", "普票 点数低")]),
    ({"title": "合同章 公章 定制 加急"}, "block", [("illegal_service", "合同章 公章 定制")]),
    ({"title": "Sick note template, editable, any clinic"}, "block", [("prohibited_goods", "Sick note template, editable")]),
    ({"title": "Movie prop money stack, looks real on camera and passes a quick check"}, "block",
     [("prohibited_goods", "prop money stack, looks real on camera and passes")]),
    ({"title": "翻墙软件 永久免费 稳定"}, "block", [("illegal_service", "翻墙软件")]),
    ({"title": "和平精英 自瞄外挂 周卡"}, "block", [("prohibited_goods", "自瞄外挂")]),
    ({"title": "苹果手机 绕过激活锁 远程 一台起做"}, "block", [("prohibited_goods", "绕过激活锁")]),
    ({"title": "OBD 里程修改 仪表同步"}, "block", [("illegal_service", "里程修改")]),
    ({"title": "EGR delete kit for Cummins 6.7"}, "block", [("prohibited_goods", "EGR delete kit")]),
    ({"title": "毕业论文代写 专科本科 包修改"}, "block", [("illegal_service", "毕业论文代写")]),
    ({"title": "驾照销分 当天处理"}, "block", [("illegal_service", "驾照销分")]),
    ({"title": "银行流水代做 房贷签证用"}, "block", [("illegal_service", "银行流水代做")]),
    ({"title": "一次性电子烟 6000口 西瓜冰"}, "block", [("prohibited_goods", "一次性电子烟")]),
    ({"title": "Magic mushroom gummies, 10 pack"}, "block", [("prohibited_goods", "Magic mushroom")]),
]
COVERT_NEGATIVES = [
    {"title": "儿童手表 实时定位 家长可查看", "description": "孩子知情，开机显示图标。"},  # disclosed tracking
    {"title": "正规发票 可开增值税普票", "description": "税务系统可查验。"},  # a seller issuing its own invoices
    {"title": "光敏印章 姓名章 藏书章 定制"},  # personal name seals
    {"title": "点钞练习券 银行培训专用"},  # practice notes sold for training
    {"title": "梯子 铝合金 人字梯 五步"},  # a ladder
    {"title": "香薰蜡烛 大豆蜡 无烟"},
    {"title": "Mushroom growing kit, oyster mushrooms, beginner friendly"},
    {"title": "一直跳的弹跳玩具 儿童"},
    {"title": "Premium automatic knife sharpener"},
]

# --- medical claims: any disease × a claim verb, or told as a result -----------------------
MEDICAL = [
    ({"title": "蒲公英茶 专治咽炎 清咽"}, "review", [("medical_claim", "专治咽炎")]),
    ({"title": "艾草足贴 告别失眠"}, "review", [("medical_claim", "告别失眠")]),
    ({"title": "薏米茶 痛风克星"}, "review", [("medical_claim", "痛风克星")]),
    ({"description": "我爸的脂肪肝喝了三个月没了，复查全正常。"}, "review", [("medical_claim", "脂肪肝喝了三个月没了")]),
    ({"description": "My dad's gout is gone after two weeks of this tea."}, "review", [("medical_claim", "gout is gone")]),
    ({"title": "Turmeric drops that heal tendinitis"}, "review", [("medical_claim", "heal tendinitis")]),
    ({"title": "Chromium capsules lower your blood sugar naturally"}, "review", [("medical_claim", "lower your blood sugar")]),
    ({"title": "宝宝贴 调理腹泻"}, "review", [("medical_claim", "调理腹泻")]),
    ({"title": "纳豆胶囊 软化血管 中老年"}, "review", [("medical_claim", "软化血管")]),
    ({"title": "智能戒指 无创测血糖 血氧"}, "review", [("medical_claim", "无创测血糖")]),
]
MEDICAL_NEGATIVES = [
    {"title": "血糖仪 医用 家用 附50试纸", "description": "械字号，适用于糖尿病患者自我监测。"},  # a device described properly
    {"title": "无糖饼干 糖尿病人可食用 木糖醇"},  # a disease named, no claim
    {"title": "保健食品 辅助降血脂 蓝帽", "description": "保健食品不是药物，不能代替药物治疗疾病。"},
    {"title": "Jacket that fights the cold, windproof"},
]

# --- false claims as constructions ------------------------------------------------------------
FALSE_CLAIMS = [
    ({"title": "冰点脱毛仪 永久脱毛"}, "review", [("false_claim", "脱毛仪 永久脱毛")]),
    ({"title": "空气净化器 甲醛去除率99.9%"}, "review", [("false_claim", "去除率99.9%")]),
    ({"title": "Shower filter removes 99% of chlorine"}, "review", [("false_claim", "removes 99%")]),
    ({"title": "Kids gummies help them grow 3 inches taller"}, "review", [("false_claim", "grow 3 inches taller")]),
    ({"title": "Dark spot serum fades spots in 14 days"}, "review", [("false_claim", "fades spots in 14 days")]),
    ({"title": "眼霜 年轻10岁"}, "review", [("false_claim", "年轻10岁")]),
    ({"title": "减肥茶 不瘦不要钱"}, "review", [("false_claim", "不瘦不要钱")]),
    ({"title": "通便茶 一包就通"}, "review", [("false_claim", "一包就通")]),
]
FALSE_CLAIM_NEGATIVES = [
    {"title": "不锈钢锅 终身保修"},  # a warranty
    {"title": "100%纯棉 T恤 抑菌"},
    {"title": "Kids height chart wall sticker, grows with your child"},
]

# --- counterfeit slang and brand nicknames (count beside a brand) ---------------------------
COUNTERFEIT = [
    ({"title": "劳力士 潜航者 C厂 3235机芯"}, "block", [("counterfeit", "C厂"), ("brand", "劳力士")]),
    ({"title": "Gucci belt mirror ori, box included"}, "block", [("counterfeit", "mirror ori")]),
    ({"title": "香奈儿 链条包 原厂皮料 金扣"}, "block", [("counterfeit", "原厂皮料")]),
    ({"title": "Prada nylon bag, nobody can tell the difference"}, "block", [("counterfeit", "nobody can tell the difference")]),
    ({"title": "Adidas Samba KW super, size 40"}, "block", [("counterfeit", "KW super")]),
    ({"title": "冲锋衣 大牌代工厂流出 无吊牌"}, "block", [("counterfeit", "大牌代工厂流出")]),
    ({"title": "Windows Office 破解版 永久使用"}, "block", [("counterfeit", "破解版")]),
    ({"title": "PP 鹦鹉螺 5712 月相"}, "review", [("brand", "PP"), ("brand", "鹦鹉螺")]),
    ({"title": "老花 腋下包 中古"}, "review", [("brand", "老花")]),
    ({"title": "飞天 53度 2021 单瓶"}, "review", [("brand", "飞天")]),
    ({"title": "耐克 倒钩 低帮 摩卡"}, "review", [("brand", "倒钩")]),
]
COUNTERFEIT_NEGATIVES = [
    {"title": "老花镜 防蓝光 300度"},  # presbyopia glasses
    {"title": "鹦鹉螺 化石 标本 摆件"},  # the shell
    {"title": "PP收纳箱 加厚 大号"},  # polypropylene
    {"title": "敦煌 飞天 壁画 装饰画"},  # apsaras
    {"title": "鱼钩 倒钩 钓鱼 50枚"},  # a barb
    {"title": "奔驰原厂配件 机油滤芯", "description": "适用奔驰C级，原厂件号可查。"},  # genuine car parts
    {"title": "修补膏 补后完全看不出来 家具"},  # a repair, no brand
    {"title": "仿真花 客厅摆件 高仿真绿植"},
    {"title": "Toy model car 1:24 die-cast, opening doors"},  # a toy model
    {"title": "适用苹果iPhone 15 手机壳 磁吸"},  # a compatibility mention
]

# A genuine seller's refund promise names the brand (a brand mention: review) but is no admission.
REFUND_PROMISES = [
    {"title": "Nike Air Max 90 正品", "description": "如不是正品，假一赔十。"},
    {"title": "Coach tote bag, authentic", "description": "Full refund if not authentic."},
]

POSITIVES = PRESCRIPTION_DRUGS + SELF_DEFENCE_AND_HUNTING + COVERT_SERVICES + MEDICAL + FALSE_CLAIMS + COUNTERFEIT
NEGATIVES = (PRESCRIPTION_NEGATIVES + SELF_DEFENCE_NEGATIVES + COVERT_NEGATIVES + MEDICAL_NEGATIVES
             + FALSE_CLAIM_NEGATIVES + COUNTERFEIT_NEGATIVES)


# --- holdout7's families (#15), written fresh: none is copied from holdout7 ----------------
# A result within a set time: @time_span × @body_result (any count, any unit).
RESULT_IN_A_SET_TIME = [
    ({"title": "丰胸精油 两个月升杯 按摩"}, "review", [("false_claim", "两个月升杯")]),
    ({"description": "坚持用生发液，5周长出头发，发际线回来了。"}, "review", [("false_claim", "5周长出头发")]),
    ({"description": "加盟奶茶店，半年不到就赚回，十个月回本。"}, "review", [("false_claim", "十个月回本")]),
    ({"title": "护眼仪 坚持用 六个月摘掉眼镜"}, "review", [("false_claim", "六个月摘掉眼镜")]),
]
RESULT_IN_A_SET_TIME_NEGATIVES = [
    {"title": "儿童护眼台灯 3天发货", "description": "七天无理由退换，一个月内质量问题包换。"},
    {"title": "燕麦片 两周的量 独立小包"},
]

# An unverifiable gain told as a number: an improvement verb × @multiple (N倍, 翻倍, N%).
GAIN_AS_A_NUMBER = [
    ({"title": "汽油添加剂 油耗节省25%，马力提升40%"}, "review", [("false_claim", "节省25%"), ("false_claim", "提升40%")]),
    ({"title": "WiFi放大器 穿墙 网速提高5倍"}, "review", [("false_claim", "提高5倍")]),
    ({"description": "有机肥 用了果园收益翻倍。"}, "review", [("false_claim", "收益翻倍")]),
    ({"title": "Fuel saver chip - boosts mileage 40%"}, "review", [("false_claim", "boosts mileage 40%")]),
]
GAIN_AS_A_NUMBER_NEGATIVES = [
    {"title": "播放器 支持2倍速 倍速播放"},  # a setting, no improvement verb
    {"title": "羊毛衫 羊毛含量30% 腈纶70%"},  # fibre content
]

# A rate or protection told as (almost) 100 percent; better than medicine; a prescription medicine replaced.
RATE_AND_MEDICINE = [
    ({"title": "宠物除味喷雾 除菌率100%"}, "review", [("false_claim", "除菌率100%")]),
    ({"title": "Bug zapper bracelet, 100% protection all summer"}, "review", [("false_claim", "100% protection")]),
    ({"description": "这款护膝热敷，效果比打针还明显。"}, "review", [("false_claim", "比打针")]),
    ({"description": "每天一杯苦荞茶，慢慢代替降糖药。"}, "review", [("medical_claim", "代替降糖药")]),
    ({"title": "Magnesium spray works better than prescription pills for sleep"}, "review",
     [("false_claim", "works better than prescription")]),
]
RATE_AND_MEDICINE_NEGATIVES = [
    {"title": "药盒 一周七格 分装吃药提醒"},  # a pill box: medicine named, no comparison
    {"title": "蓝牙耳机 比上一代轻10克"},  # a comparison with its own older model, no medicine
]

# Income or a result promised for a course, franchise or service.
PROMISED_OUTCOMES = [
    ({"title": "短视频带货课程 学完日赚500"}, "review", [("false_claim", "日赚")]),
    ({"title": "Dropshipping course - make $5k a month from home"}, "review", [("false_claim", "make $5k a month from home")]),
    ({"title": "教资笔试网课 包上岸"}, "review", [("false_claim", "包上岸")]),
    ({"title": "双色球 专家推荐号码 期期必中"}, "review", [("false_claim", "期期必中")]),
]
PROMISED_OUTCOMES_NEGATIVES = [
    {"title": "记账本 月入月出 手账 家庭理财"},  # an account book
    {"title": "家庭收入万元以上 理财规划书"},
    {"title": "Budget planner - track what you earn and spend each month"},
]

# Prohibited goods said by what they defeat: anti-cheat, a legal control, a victim's awareness.
DEFEATS_A_CONTROL = [
    ({"title": "三角洲行动 锁头辅助 月卡 防封"}, "block", [("prohibited_goods", "锁头辅助 月卡 防封")]),
    ({"title": "Valorant triggerbot macro, undetected since launch"}, "block", [("prohibited_goods", "macro, undetected")]),
    ({"title": "电动车 解除限速 控制器 刷机"}, "block", [("prohibited_goods", "解除限速")]),
    ({"title": "Radar jammer for your car, police radar can't read you"}, "block", [("prohibited_goods", "Radar jammer")]),
    ({"description": "充电头造型摄像头，放房间里对方完全不知道。"}, "block", [("prohibited_goods", "充电头造型摄像头，放房间里对方完全不知道")]),  # the disguise joins the span (thirty-eighth session)
    ({"title": "汽车 车牌翻转器 一键切换"}, "block", [("prohibited_goods", "车牌翻转器")]),
]
DEFEATS_A_CONTROL_NEGATIVES = [
    {"title": "游戏手柄 宏编程 背键", "description": "支持连发、宏定义，适配主机和PC。"},  # a controller's macro keys
    {"title": "电动车 限速器 儿童模式", "description": "家长可设置最高速度。"},  # a limiter sold as a limiter
    {"title": "Faraday bag for car keys, blocks signals"},  # a Faraday pouch
    {"title": "防偷拍检测器 酒店 摄像头探测"},  # counter-surveillance
]

BLADES_FOR_SELF_DEFENCE = [
    ({"title": "EDC折刀 开刃 女生随身防身"}, "block", [("prohibited_goods", "开刃 女生随身防身")]),
    ({"title": "Tactical pen with a hidden blade, great for self-defense"}, "block", [("prohibited_goods", "blade, great for self-defense")]),
]
BLADES_FOR_SELF_DEFENCE_NEGATIVES = [
    {"title": "女子防身术 视频课程 零基础"},  # a self-defence course
    {"title": "厨房刀具套装 不锈钢 六件套"},
]

# A denial is not an offer or a claim (exemptions.tsv `negation`).
DENIALS = [
    {"title": "纯棉毛巾", "description": "我们从不返现，也不诱导好评，请如实评价。"},
    {"title": "泡脚包 艾叶 生姜", "description": "本品为日用品，不具备治疗作用。"},
    {"title": "Yoga mat, 6mm", "description": "Honest reviews only: we do not give gifts for reviews."},
    {"title": "Tutoring session", "description": "Book here; please don't pay outside the platform."},
    # ... a refused practice, its denial between a pair's two words (#20, session 16: 团队 … 刷单 paired across 绝不)
    {"title": "网店运营托管", "description": "专业团队，绝不刷单，只做真实流量。"},
    {"title": "店铺代运营", "description": "我们的团队从不刷单，数据真实可查。"},
    {"title": "洗衣液 2kg", "description": "我们不做好评返现，请按真实感受评价。"},
    {"title": "Essay feedback", "description": "We never write essays for students; we comment on your own draft."},
]
DENIAL_IS_NOT_AN_ALIBI = [  # a denial cue elsewhere in the copy leaves the offer or claim standing
    # ... and words of the offer itself are no refusal: 不用体检 is what a certificate sold without the exam promises
    ({"title": "代办健康证", "description": "代办健康证，不用体检，当天拿证"}, "block",
     [("illegal_service", "健康证，不用体检")]),
    ({"title": "店铺代运营", "description": "专业团队刷单，兼职日结"}, "block", [("illegal_service", "团队刷单，兼职日结")]),
    ({"title": "抽纸", "description": "不满意包退，五星好评返现3元。"}, "review", [("incentivized_review", "五星好评返")]),
    ({"title": "Shampoo", "description": "Never fades your colour and cures eczema."}, "review", [("medical_claim", "cures eczema")]),
]

# Prohibited goods said in trade slang: piracy, cheating, lotteries, drug-plant seeds, cigarettes by the
# carton, suppressor kits, certificates without the exam, veterinary drugs for people.
SLANG_GOODS = [
    ({"title": "影视盒子 破解 全网VIP 免广告"}, "block", [("prohibited_goods", "影视盒子 破解 全网VIP")]),
    ({"title": "Android TV box, fully loaded - every new release free"}, "block",
     [("prohibited_goods", "fully loaded - every new release")]),
    ({"title": "英语四级 考场 隐形耳机 实时传答案"}, "block", [("prohibited_goods", "考场 隐形耳机 实时传答案")]),
    ({"title": "大乐透 内部号码 代买"}, "block", [("illegal_service", "大乐透 内部号码 代买")]),
    ({"title": "THC rich autoflower seeds, 10 pack"}, "block", [("prohibited_goods", "autoflower seeds")]),
    ({"title": "细支 中支 整条批发 口粮"}, "block", [("prohibited_goods", "细支 中支 整条批发 口粮")]),
    ({"title": "Fuel filter kit 1/2x28, cups pre-drilled"}, "block",
     [("prohibited_goods", "Fuel filter kit 1/2x28, cups pre-drilled")]),
    ({"title": "电工证 不用考 包拿证"}, "block", [("illegal_service", "电工证 不用考 包拿证")]),
    ({"description": "Ivermectin paste for horses - also works for humans"}, "block",
     [("prohibited_goods", "Ivermectin paste for horses - also works for humans")]),
]
SLANG_GOODS_NEGATIVES = [
    {"title": "正版授权 电子书 拒绝盗版"},
    {"title": "电视盒子 正版授权 会员影视"},
    {"title": "香烟盒 金属 整条装 20支"},  # a cigarette case
    {"title": "罂粟花 仿真花 摆件"},
    {"title": "虞美人种子 花种 易活"},  # corn poppy, the legal garden flower
    {"title": "Kitchen storage cups, pre-drilled drainage holes"},
    {"title": "考研英语 真题 答案解析"},
    {"title": "智能麻将机 全自动 遥控"},
    {"title": "Horse dewormer paste, apple flavour"},
]

# A messaging id after a disguised channel word (detectors: the id must look made up).
CHANNEL_HANDLES = [
    ({"title": "茶叶 加薇：tea_room88 领优惠"}, "review", [("diversion", "加薇：tea_room88")]),
    ({"description": "下单前V我问库存：shoe_k2024"}, "review", [("diversion", "V我问库存：shoe_k2024")]),
    ({"description": "卫星联系：lamp_studio7"}, "review", [("diversion", "卫星联系：lamp_studio7")]),
    ({"title": "Line ID: bunny_shop22 for restock alerts"}, "review", [("diversion", "Line ID: bunny_shop22")]),
]
CHANNEL_HANDLE_NEGATIVES = [
    {"title": "卫星定位模块：ATGM_336H GPS"},
    {"title": "威克多型号：WK_2023 羽毛球拍"},  # a brand that starts with 威, then a model number
    {"title": "Production line: L2_speed 3000pcs/day"},
]

# Rewards for a review in more words (English offers are long) and world-wide superlatives.
REVIEW_REWARDS_AND_SCOPES = [
    ({"description": "收到宝贝晒单+五颗星，联系客服领取收纳袋一个。"}, "review", [("incentivized_review", "晒单+五颗星，联系客服领取")]),
    ({"description": "收货确认+好评，加赠同款小号一片"}, "review", [("incentivized_review", "好评，加赠")]),
    ({"description": "Leave a photo review and we'll send you a complimentary travel size."}, "review",
     [("incentivized_review", "photo review and we'll send you a complimentary")]),
    ({"description": "Every 5-star review is entered into our weekly $50 giveaway."}, "review",
     [("incentivized_review", "5-star review is entered into our weekly $50 giveaway")]),
    ({"title": "保温杯 全球最保温 316不锈钢"}, "review", [("absolute_term", "全球最")]),
    ({"title": "床垫 史上蕞舒服 乳胶"}, "review", [("absolute_term", "史上蕞")]),
    ({"title": "The world's thinnest wallet, RFID blocking"}, "review", [("absolute_term", "The world's thinnest")]),
]
REVIEW_REWARDS_AND_SCOPES_NEGATIVES = [
    {"description": "Reviews: 4.8 stars from 2,000 buyers. Free shipping over $35."},
    {"description": "看看买家评价，好评如潮，下单赠送运费险。"},  # a boast, then a shipping perk
    {"description": "五星好评，下单送运费险"},
    {"description": "买二送一，好评率高"},
    {"title": "世界最大的珊瑚礁 科普绘本"},  # a fact about the world
    {"title": "全网通 手机 5G 最新款"},
    {"title": "Desk lamp, best for small spaces in the UK"},
]

# A prescription drug in one field and the missing prescription in another (order any_field), and
# pseudo-science, illness-proof and durability claims.
ACROSS_FIELDS_AND_CLAIMS = [
    ({"title": "Ozempic 1mg pen, cold chain", "description": "No doctor visit, we ship in two days."}, "block",
     [("prohibited_goods", "Ozempic"), ("prohibited_goods", "No doctor")]),
    ({"title": "他达拉非 20mg", "description": "无需处方，隐私发货。"}, "block",
     [("prohibited_goods", "他达拉非"), ("prohibited_goods", "无需处方")]),
    ({"description": "喝了这款碱水，改善酸性体质。"}, "review", [("false_claim", "酸性体质")]),
    ({"description": "孩子喝了整个冬天都不感冒。"}, "review", [("false_claim", "不感冒")]),
    ({"description": "弹力绳 拉伸上万次不断。"}, "review", [("false_claim", "上万次不断")]),
]
ACROSS_FIELDS_AND_CLAIMS_NEGATIVES = [
    {"title": "蓝光眼镜 平光", "description": "无需处方，日常佩戴。"},  # glasses: no drug anywhere
    {"title": "Ozempic pen cooler case, insulated", "description": "Keeps your pens cold on the go."},
    {"title": "Kitchen knife set", "description": "Self-defense classes available at our sister store."},  # two fields: not paired
    {"title": "不锈钢刮油勺 厨房 撇油"},  # a skimming ladle
]

# Counterfeit said by provenance or by refusing a check (#15).
COUNTERFEIT_PROVENANCE = [
    ({"title": "迪奥 口红 999", "description": "和正品同一工厂出来的，包装齐全。"}, "block", [("counterfeit", "正品同一工厂")]),
    ({"title": "AJ1 北卡蓝", "description": "鞋型接近原版，不支持专柜验货。"}, "block",
     [("counterfeit", "接近原版"), ("counterfeit", "不支持专柜验货")]),
    ({"title": "古驰 腰带 双G", "description": "原厂同料，专柜对比。"}, "block", [("counterfeit", "原厂同料"), ("counterfeit", "专柜对比")]),
]
COUNTERFEIT_PROVENANCE_NEGATIVES = [
    {"title": "汽车 副厂 前大灯 总成"},  # an aftermarket part, no brand
    {"title": "本厂自营 同一工厂 直发 袜子"},  # a factory naming its own line
    {"title": "戴森吹风机 替换充电线", "description": "和原装一模一样的接口。"},  # a replacement part's connector
]

# Payment or buyers steered off the platform, in English payment-app and own-site wording (#15).
OFF_PLATFORM_PAYMENT = [
    ({"description": "Happy to take a Zelle deposit to hold it"}, "review", [("diversion", "Zelle deposit")]),
    ({"description": "Shop more colours on my website - 15% off with code HELLO"}, "review",
     [("diversion", "my website - 15% off with code")]),
    ({"description": "想要便宜的去某东搜同款"}, "review", [("diversion", "便宜的去某东搜")]),
    ({"description": "企鹅群：7 7 3 8 2 2 0 1 5"}, "review", [("diversion", "企鹅群：7 7 3 8 2 2 0 1 5")]),
]
OFF_PLATFORM_PAYMENT_NEGATIVES = [
    {"title": "比特币钱包 硬件 冷钱包 支持BTC"},  # a wallet names the coins it holds
    {"title": "Crypto-themed T-shirt, only size M left"},
    {"title": "Venmo gift card holder only"},
    {"description": "Our website has care instructions and size charts"},
]

# Brands in an attribute named for compatibility are what the product fits (compatibility.tsv `attribute`).
COMPATIBILITY_ATTRIBUTES_PASS = [
    {"title": "USB-C Hub 7-in-1", "attributes": {"Compatibility": "MacBook Pro/Air, iPad Pro, Dell XPS"}},
    {"title": "手机壳 磁吸 防摔", "attributes": {"适用机型": "华为 Mate 60"}},
]
COMPATIBILITY_ATTRIBUTES_STILL_COUNT = [  # luxury names are never excused by compatibility; other attributes are not cues
    ({"title": "Belt strap", "attributes": {"Compatibility": "Gucci buckle"}}, "review", [("brand", "Gucci")]),
    ({"title": "USB-C Hub", "attributes": {"Brand": "Dell"}}, "review", [("brand", "Dell")]),
]

POSITIVES_H7 = (RESULT_IN_A_SET_TIME + GAIN_AS_A_NUMBER + RATE_AND_MEDICINE + PROMISED_OUTCOMES + DEFEATS_A_CONTROL
                + BLADES_FOR_SELF_DEFENCE + DENIAL_IS_NOT_AN_ALIBI + SLANG_GOODS + CHANNEL_HANDLES
                + REVIEW_REWARDS_AND_SCOPES + ACROSS_FIELDS_AND_CLAIMS
                + COUNTERFEIT_PROVENANCE + OFF_PLATFORM_PAYMENT + COMPATIBILITY_ATTRIBUTES_STILL_COUNT)
NEGATIVES_H7 = (RESULT_IN_A_SET_TIME_NEGATIVES + GAIN_AS_A_NUMBER_NEGATIVES + RATE_AND_MEDICINE_NEGATIVES
                + PROMISED_OUTCOMES_NEGATIVES + DEFEATS_A_CONTROL_NEGATIVES + BLADES_FOR_SELF_DEFENCE_NEGATIVES + DENIALS
                + SLANG_GOODS_NEGATIVES + CHANNEL_HANDLE_NEGATIVES + REVIEW_REWARDS_AND_SCOPES_NEGATIVES
                + ACROSS_FIELDS_AND_CLAIMS_NEGATIVES + COUNTERFEIT_PROVENANCE_NEGATIVES
                + OFF_PLATFORM_PAYMENT_NEGATIVES + COMPATIBILITY_ATTRIBUTES_PASS)


def _counting(result):
    return {(f.category, f.text) for f in result.findings if f.effect != "none"}


def assert_counted(result, decision, expected):
    """Every expected (category, text) is a finding that counts, and the decision is the one written by hand."""
    missing = [e for e in expected if e not in _counting(result)]
    assert not missing, f"missing {missing}; got {[(f.category, f.text, f.term) for f in result.findings]}"
    assert result.decision == decision, [(f.category, f.text, f.term) for f in result.findings]


# --- holdout8's families (#15): written fresh, none copied from holdout8 ------------------------
# A brand resold with its provenance (exemptions `provenance`, policy `brand_with_provenance`).
RESOLD_WITH_PROVENANCE = [
    {"title": "自用 始祖鸟 Beta 冲锋衣 L码 二手", "description": "穿过一个冬天，拉链顺滑，无破损。"},
    {"title": "Sony WH-1000XM5 headphones, receipt from Best Buy included", "description": "Bought in May, barely used."},
    {"title": "戴森 吹风机 HD15", "description": "京东自营购买，附电子发票，保修期内，搬家闲置出。"},
    {"title": "Hermes Evelyne 29 bag", "description": "Authenticated by a third-party service; certificate in photos."},
    {"title": "雅诗兰黛 专柜购入 小棕瓶 50ml 未拆封", "description": "送礼多买了一瓶，附购物小票。"},
]
RESOLD_BUT_STILL_FLAGGED = [  # provenance never hides copy wording; a brand alone still needs review
    ({"title": "二手 劳力士 绿水鬼 复刻版 附小票"}, "block", [("counterfeit", "复刻版")]),
    ({"title": "Pre-owned Gucci belt, 1:1 with the retail one"}, "block", [("counterfeit", "1:1")]),
    ({"title": "Nike Dunk Low 熊猫 42码 全新"}, "review", [("brand", "Nike")]),
    ({"title": "Coach tote bag, used twice"}, "review", [("brand", "Coach")]),  # bare "used" is no provenance
]
# A superlative with a scope (proximity `best on the market`, `number one of a place`) and a field's 天花板.
SCOPED_SUPERLATIVES = [
    ({"title": "猫粮界的天花板 冻干双拼 2kg"}, "review", [("absolute_term", "界的天花板")]),
    ({"title": "Australia's #1 selling pillow, now 20% off"}, "review", [("absolute_term", "Australia's #1")]),
    ({"description": "The smoothest razor on the planet, five blades."}, "review",
     [("absolute_term", "smoothest razor on the planet")]),
    ({"title": "Sharpest chef knife ever made, forged steel"}, "review", [("absolute_term", "Sharpest chef knife ever made")]),
]
SCOPED_SUPERLATIVE_NEGATIVES = [
    {"title": "Sandpaper 2000 grit, our finest grade for polishing"},  # no scope: a grade in the range
    {"title": "Garden hose 15m, the brightest colours in our range"},
    {"title": "天花板 吸顶灯 卧室 LED"},  # a ceiling light
    {"title": "二手 手机壳", "description": "请勿私下转账，平台内下单。"},  # a warning against off-platform payment
    {"title": "微信读书 墨水屏阅读器 二手"},  # the reading app's name
]
# Borrowed authority: a space agency or the FDA named as having tested or approved a consumer product.
BORROWED_AUTHORITY = [
    ({"title": "保温杯 航天级材质 NASA认证 316不锈钢"}, "review", [("false_claim", "NASA认证")]),
    ({"description": "Blue-light glasses tested by NASA engineers for pilots."}, "review", [("false_claim", "tested by NASA")]),
    ({"title": "美白牙贴 通过FDA认证 一周见白"}, "review", [("false_claim", "通过FDA")]),
]
BORROWED_AUTHORITY_NEGATIVES = [
    {"title": "NASA 联名款 印花T恤 纯棉"},  # a licensed print
    {"title": "Space shuttle model kit 1:144, NASA livery decals"},
]
POSITIVES_H8 = RESOLD_BUT_STILL_FLAGGED + SCOPED_SUPERLATIVES + BORROWED_AUTHORITY
NEGATIVES_H8 = RESOLD_WITH_PROVENANCE + SCOPED_SUPERLATIVE_NEGATIVES + BORROWED_AUTHORITY_NEGATIVES


@pytest.mark.parametrize("listing,decision,expected", POSITIVES + POSITIVES_H7 + POSITIVES_H8)
def test_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)
    for f in result.findings:
        assert _field_text(listing, f.field)[f.start : f.end] == f.text and f.explanation


def _field_text(listing, field):
    if field.startswith("attributes."):
        return listing["attributes"][field[len("attributes."):]]
    return listing[field]


@pytest.mark.parametrize("listing", NEGATIVES + NEGATIVES_H7 + NEGATIVES_H8)
def test_family_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


@pytest.mark.parametrize("listing", REFUND_PROMISES)
def test_refund_promise_is_not_an_admission(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert not [f for f in result.findings if f.category == "counterfeit"], [(f.category, f.text) for f in result.findings]


# A symbol glued inside a word is read in names and one- or two-word terms (rep💯lica, super
# cl🔥one); phrases of three words or more carry no such keys, which kept the engine build within
# budget when #15's longer English phrases were added. Their words are still found without a symbol.
@pytest.mark.parametrize("listing,found", [
    ({"title": "Rolex watch rep💯lica, box and papers"}, True),
    ({"title": "Omega watch super cl🔥one 8800"}, True),
    ({"title": "Gucci bag, nobody can tell the difference"}, True),
    ({"title": "Gucci bag, nobody can tell the diff🔥erence"}, False),
])
def test_symbol_gaps_inside_words_of_names_and_short_terms(text_scanner, listing, found):
    result = text_scanner.scan(listing)
    assert any(f.category == "counterfeit" for f in result.findings) == found, [(f.category, f.text) for f in result.findings]


# --- holdout9's families (#15, tune9): constructions written fresh, none copied from holdout9 -----------
# Half A of holdout9's families (even labels) was tuned first; these rows test the construction, not a phrase.
INDISTINGUISHABLE_FROM_GENUINE = [  # proximity `indistinguishable from the genuine`, `experts cannot tell`
    ({"description": "拿去和专柜货摆一起，闺蜜愣是分不出来哪个是买的。"}, "block", [("counterfeit", "专柜货摆一起，闺蜜愣是分不出来")]),
    ({"description": "Put it next to the authentic one and you honestly cannot tell."}, "block",
     [("counterfeit", "authentic one and you honestly cannot tell")]),
    ({"description": "拿去鉴定师那里都看不出来，放心背。"}, "block", [("counterfeit", "鉴定师那里都看不出来")]),
    ({"title": "Superfake tote, stitching matches retail"}, "block", [("counterfeit", "Superfake")]),
]
INDISTINGUISHABLE_NEGATIVES = [
    {"title": "正品保证 假一赔十", "description": "正品行货，请放心购买，与实体店同价。"},  # a genuine seller
    {"description": "Photos are of the actual item; colours may differ slightly from screen to screen."},
    {"title": "鉴定服务 奢侈品 专业鉴定师 出具证书"},  # an authentication service
]
OFF_PLATFORM_FEES = [  # `avoid the platform's fees`, `cheaper on another marketplace`
    ({"description": "平台抽成太高了，想要的私我走别的渠道。"}, "review", [("diversion", "平台抽成")]),
    ({"description": "Same boots are on Depop for less, search my name there."}, "review", [("diversion", "Depop for less, search my name")]),
]
OFF_PLATFORM_FEES_NEGATIVES = [
    {"title": "Etsy shop sign, custom wood, 40cm"},  # a product about a marketplace
    {"description": "运费由平台统一结算，下单即发货。"},
]
REVIEW_CHANGED_FOR_MONEY = [  # `remove a bad review for money`, new reward words of `reward for a review`
    ({"description": "如果之前给了差评，改好评后联系客服补偿15元。"}, "review", [("incentivized_review", "改好评后联系客服补偿15元")]),
    ({"description": "We'll refund your shipping if you update your review to five stars."}, "review",
     [("incentivized_review", "refund your shipping if you update your review")]),
]
REVIEW_CHANGED_NEGATIVES = [
    {"description": "有任何问题请先联系客服，我们会尽快处理，感谢您的耐心。"},
    {"description": "Reviews help other shoppers; tell us honestly what you think."},
]
CURE_AS_A_RESULT = [  # @disease × more @disease_outcome words, `replaces a medicine`
    ({"description": "家里孩子的假性近视，坚持用了两个月直接恢复了。"}, "review", [("medical_claim", "假性近视，坚持用了两个月直接恢复")]),
    ({"description": "每天两勺，可以代替降压药。"}, "review", [("medical_claim", "代替降压药")]),
    ({"description": "No side effects at all, zero side effects guaranteed."}, "review", [("medical_claim", "zero side effects")]),
]
CURE_AS_A_RESULT_NEGATIVES = [
    {"title": "近视眼镜 防蓝光 1.61折射率", "description": "配镜请提供验光单。"},
    {"description": "本品不能代替药物，孕妇慎用。"},
]
EXAGGERATION_BY_CONSTRUCTION = [  # `slimming without effort`, `rate of 100%`, `borrowed media authority`, `years younger`
    ({"description": "不用节食也能瘦，上班族福音。"}, "review", [("false_claim", "不用节食也能瘦")]),
    ({"description": "Lose weight without dieting, just one scoop a day."}, "review", [("false_claim", "Lose weight without dieting")]),
    ({"bullets": ["除醛率百分百，新房放三天就能住"]}, "review", [("false_claim", "除醛率百分百")]),
    ({"description": "这款锅曾被人民日报报道，品质有保障。"}, "review", [("false_claim", "人民日报报道")]),
    ({"description": "Customers say they look ten years younger after a month."}, "review", [("false_claim", "look ten years younger")]),
]
EXAGGERATION_NEGATIVES = [
    {"description": "我们建议搭配均衡饮食和适量运动。"},
    {"description": "Pass rate of the safety test: see the lab report in the photos."},
    {"title": "人民日报 2024年合订本 收藏"},  # the newspaper itself
]
GOODS_BY_CONSTRUCTION = [  # account of another person, synthetic drugs, plate covers, wifi cracking, hunting bows
    ({"description": "账号不是自己的，介意勿拍。"}, "block", [("illegal_service", "账号不是自己的")]),
    ({"title": "Herbal incense 10g, very strong effect, not for human consumption"}, "block",
     [("prohibited_goods", "Herbal incense 10g, very strong effect, not for human consumption")]),
    ({"title": "电动车牌翻转器 一键翻牌 摄像头拍不到"}, "block", [("prohibited_goods", "车牌翻转器")]),
    ({"title": "WiFi密码破解器 万能蹭网"}, "block", [("prohibited_goods", "WiFi密码破解器 万能蹭网")]),
    ({"title": "复合弓 狩猎级 80磅"}, "block", [("prohibited_goods", "复合弓 狩猎")]),
]
GOODS_BY_CONSTRUCTION_NEGATIVES = [
    {"title": "车牌框 铝合金 通用款"},
    {"title": "Incense sticks, sandalwood, 100 pieces"},
    {"title": "WiFi信号放大器 穿墙 家用"},
    {"title": "射箭 反曲弓 初学者 入门套装", "description": "适合射箭馆练习。"},
    {"title": "账号密码记录本 便携 可上锁"},  # a password notebook
]
POSITIVES_H9 = (INDISTINGUISHABLE_FROM_GENUINE + OFF_PLATFORM_FEES + REVIEW_CHANGED_FOR_MONEY + CURE_AS_A_RESULT
                + EXAGGERATION_BY_CONSTRUCTION + GOODS_BY_CONSTRUCTION)
NEGATIVES_H9 = (INDISTINGUISHABLE_NEGATIVES + OFF_PLATFORM_FEES_NEGATIVES + REVIEW_CHANGED_NEGATIVES
                + CURE_AS_A_RESULT_NEGATIVES + EXAGGERATION_NEGATIVES + GOODS_BY_CONSTRUCTION_NEGATIVES)


@pytest.mark.parametrize("listing,decision,expected", POSITIVES_H9)
def test_holdout9_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


@pytest.mark.parametrize("listing", NEGATIVES_H9)
def test_holdout9_family_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


# Half B of holdout9's families (odd labels), tuned after half A's transfer was measured.
CONTACT_DIGITS_DISGUISED = [  # detectors.py: keycap, enclosed and spoken digits read as digits (#15, tune9)
    ({"description": "急单直接打 1️⃣3️⃣9️⃣ 0️⃣0️⃣4️⃣2️⃣ 7️⃣7️⃣1️⃣8️⃣"}, "review", [("diversion", "1️⃣3️⃣9️⃣ 0️⃣0️⃣4️⃣2️⃣ 7️⃣7️⃣1️⃣8")]),
    ({"description": "手机 ⑬"}, "pass", []),  # ⑬ is two digits in one character: not read
    ({"description": "有事打 ①⑤⓪⑥⑧②⑦③④⑨① 不回平台消息"}, "review", [("diversion", "①⑤⓪⑥⑧②⑦③④⑨①")]),
    ({"description": "加扣 ⑦⑦⑥⑤④③②① 发实拍"}, "review", [("diversion", "加扣 ⑦⑦⑥⑤④③②①")]),
    ({"description": "电话 幺五洞 拐两三四 幺幺洞八"}, "review", [("diversion", "幺五洞 拐两三四 幺幺洞八")]),
]
CONTACT_DIGITS_NEGATIVES = [
    {"description": "安装步骤：①拆箱 ②对齐卡扣 ③拧紧螺丝 ④通电测试"},  # numbered steps
    {"title": "两件套 拐杖 洞洞鞋 三色可选"},  # 两/拐/洞 as words
    {"title": "衬衫 加扣 备用纽扣 2 粒"},  # a spare button
    {"title": "Keycap set 1️⃣2️⃣3️⃣ emoji stickers"},
]
PLATFORM_REASONS_AND_PICTURES = [  # `avoid the platform's fees`, `payment outside the platform is cheaper`, `contact details in the picture`
    ({"description": "联系方式在图片里，拍前先问库存。"}, "review", [("diversion", "联系方式在图片里")]),
    ({"description": "Payment off platform is cheaper for both of us."}, "review", [("diversion", "off platform is cheaper")]),
]
PLATFORM_REASONS_NEGATIVES = [
    {"title": "收款二维码 亚克力台牌 定制", "description": "上传您的收款码图片即可。"},
    {"description": "All payments go through the platform; we never take payment outside."},
]
CLAIMS_HALF_B = [  # constructions widened with half B: prevention, a medicine made needless, guaranteed grades
    ({"description": "Daily capsule to prevent Alzheimer's in later life."}, "review", [("medical_claim", "prevent Alzheimer's")]),
    ({"description": "坚持喝三个月，降糖药可以停了。"}, "review", [("medical_claim", "降糖药可以停")]),
    ({"description": "孩子用了这套练习册，保证提分20分。"}, "review", [("false_claim", "保证提分")]),
    ({"title": "充电宝 20000mAh 永不发烫 安全"}, "review", [("false_claim", "永不发烫")]),
]
CLAIMS_HALF_B_NEGATIVES = [
    {"description": "练习册附答案解析，适合初二学生巩固基础。"},
    {"description": "Helps you remember to take your tablets: a 7-day pill organiser."},
]
GOODS_HALF_B = [  # prohibited goods by construction: blades past security, protected species without papers, e-liquid strength
    ({"title": "隐形 随身 小刀 过安检 钥匙扣"}, "block", [("prohibited_goods", "刀 过安检")]),
    ({"description": "陆龟苗 国家二级 不开证，懂的私聊"}, "block", [("prohibited_goods", "国家二级 不开证，懂的")]),
    ({"title": "Disposable pod, nicotine 5% salt, 6000 puffs"}, "block", [("prohibited_goods", "nicotine 5% salt")]),
    ({"title": "Fake ID, scannable, passes bouncer checks"}, "block", [("prohibited_goods", "scannable, passes bouncer")]),
]
GOODS_HALF_B_NEGATIVES = [
    {"title": "Nicotine-free herbal tea, caffeine free"},
    {"title": "TSA approved luggage lock, 3 digits"},
    {"title": "陶瓷水果刀 厨房 带刀鞘", "description": "刀鞘保护刀刃，收纳安全。"},
]
POSITIVES_H9B = CONTACT_DIGITS_DISGUISED + PLATFORM_REASONS_AND_PICTURES + CLAIMS_HALF_B + GOODS_HALF_B
NEGATIVES_H9B = CONTACT_DIGITS_NEGATIVES + PLATFORM_REASONS_NEGATIVES + CLAIMS_HALF_B_NEGATIVES + GOODS_HALF_B_NEGATIVES


@pytest.mark.parametrize("listing,decision,expected", POSITIVES_H9B)
def test_holdout9_half_b_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


@pytest.mark.parametrize("listing", NEGATIVES_H9B)
def test_holdout9_half_b_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


# Precision on holdout9's clean listings (#15, tune9): context, not deletions. A material or a use said
# in denial, a novelty slogan, a reprint, a scale model, a licensed pharmacy or a part pulled from a machine.
CLEAN_IN_CONTEXT = [
    {"title": "骨雕 吊坠 手工", "description": "骆驼骨雕刻，非象牙，附材质卡。"},
    {"title": "Bone-carved pendant, camel bone, not ivory"},
    {"title": "手机防窥膜 防止偷拍 全屏"},
    {"title": "Number One Mom tote bag, canvas, Mother's Day"},
    {"title": "复古电影海报 复刻印刷 40×60cm"},
    {"title": "1:43 replica model, die-cast, display case"},
    {"title": "纯棉毛巾 3条装", "description": "本店不参与任何好评返现，请认准平台活动。"},
]


@pytest.mark.parametrize("listing", CLEAN_IN_CONTEXT)
def test_holdout9_clean_context_passes(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


# --- holdout10's families (#15, tune10), written fresh: none copied from the set ------------------------------
# Half A (even family labels) was tuned alone first; half B's rows came after its transfer was measured.
SERVICES_BY_DELIVERABLE = [  # @traffic_metric x @traffic_delivery, @credit_line, bets, papers of proof, bank kits
    ({"description": "抖音点赞1000个 半小时到账 掉了免费补"}, "block", [("illegal_service", "点赞1000个 半小时到账 掉了免费补")]),
    ({"description": "YouTube subscribers 5000, delivered within 48 hours, lifetime refill"}, "block",
     [("illegal_service", "subscribers 5000, delivered")]),
    ({"description": "小红书笔记浏览量 匀速增加 平台查不出"}, "block", [("illegal_service", "浏览量 匀速增加 平台查不出")]),
    ({"description": "Instagram views 100K non-drop, no password needed"}, "block", [("illegal_service", "views 100K non-drop")]),
    ({"description": "京东白条可以提现，秒到账"}, "block", [("illegal_service", "京东白条可以提现，秒到账")]),
    ({"description": "体育赛事下注，每日返水2%"}, "block", [("illegal_service", "下注，每日返水")]),
    ({"description": "银行卡三件套 高价收 日结"}, "block", [("illegal_service", "银行卡三件套 高价收 日结")]),
    ({"description": "在职证明 收入证明 全套代做 办签证用"}, "block", [("illegal_service", "在职证明 收入证明 全套代做")]),
    ({"description": "实名可改 包换绑"}, "block", [("illegal_service", "实名可改 包换绑")]),
    ({"description": "Your essay comes back Turnitin-proof within two days"}, "block", [("illegal_service", "Turnitin-proof")]),
    ({"description": "征信上的逾期记录可以帮你洗白"}, "block", [("illegal_service", "逾期记录可以帮你洗白")]),
    ({"description": "A tutor logs in and takes your midterm for you, grade B or better"}, "block",
     [("illegal_service", "takes your midterm")]),
]
SERVICES_NEGATIVES = [
    {"description": "支持花呗分期 免息 下单秒发"},  # a payment option, no cash word
    {"title": "信用卡卡套 防消磁 10个装"},
    {"title": "纯棉床上四件套 日晒不褪色"},  # a bedding set, no day pay
    {"description": "专业翻译盖章 签证材料可用"},  # a translation agency's seal
    {"description": "10万粉丝博主推荐 好用"},  # a metric told as a fact
    {"description": "抖音同款 点赞过万 秒发货"},
    {"description": "Our followers love it: 10K likes on Instagram"},
    {"title": "论文查重服务 知网 维普 报告"},  # a plagiarism check sold as itself
    {"kind": "review", "text": "退款已经到账了，客服处理速度点赞"},  # a buyer's praise: 到账 and 点赞 are everyday words
    {"description": "My son likes it, delivered fast"},
    {"description": "粉丝福利 红包秒到账"},  # a shop's giveaway to its fans
    {"description": "这款关注度很高，点赞的人多，缺货包补发"},
]
COPIES_AND_CONTACTS = [  # the genuine's factory, authentication passed, the platform as a showroom, icon names, links
    ({"description": "和大牌同一家工厂出来的，只是没打标"}, "block", [("counterfeit", "大牌同一家工厂出来的")]),
    ({"description": "和专柜放一起分不出来"}, "block", [("counterfeit", "专柜放一起分不出来")]),
    ({"description": "鉴定包过，放心入"}, "block", [("counterfeit", "鉴定包过")]),
    ({"description": "打开另一个app领券 这里下单没优惠"}, "review", [("diversion", "另一个app领券 这里下单没优惠")]),
    ({"description": "加我纸飞机 搜店名"}, "review", [("diversion", "加我纸飞机 搜")]),
    ({"description": "领券请去 w w w 点 hao huo 66 点 com"}, "review", [("diversion", "w w w 点 hao huo 66 点 com")]),
    ({"description": "Browse the rest at meadowcraft dot store slash sale"}, "review",
     [("diversion", "meadowcraft dot store slash sale")]),
    ({"description": "平台消息不常看，有事去闲鱼主页"}, "review", [("diversion", "平台消息不常看")]),
]
COPIES_AND_CONTACTS_NEGATIVES = [
    {"description": "工厂直销 厂家直发 源头工厂"},  # factory direct, no brand's factory
    {"description": "支持专柜鉴定，假一赔十"},  # a genuine seller offers the check
    {"title": "Polka dot top, summer blouse, size M"},
    {"title": "Memoir of the dot com era, paperback"},
    {"title": "Leather case made to fit Samsung Galaxy S24"},  # a compatibility cue
    {"title": "验钞机 点钞 可检测假币 银行专用"},  # a counterfeit-note detector
]
REWARDS_AND_CLAIMS = [  # rewards beyond cash, more claim verbs, gains in a unit, endorsements, scarcity, urgency
    ({"description": "Leave a 5 star review and we'll enter you into our $50 gift card draw"}, "review",
     [("incentivized_review", "review and we'll enter you into our $50 gift card")]),
    ({"description": "好评后联系客服领积分，可抵现"}, "review", [("incentivized_review", "好评后联系客服领积分，可抵现")]),
    ({"description": "追评写满一百字，再加三块红包"}, "review", [("incentivized_review", "追评写满一百字，再加三块红包")]),
    ({"description": "这款茶能调节血糖"}, "review", [("medical_claim", "调节血糖")]),
    ({"description": "提升马力15匹马力"}, "review", [("false_claim", "提升马力15匹马力")]),
    ({"description": "Works for everyone with no exceptions"}, "review", [("false_claim", "Works for everyone")]),
    ({"description": "营养师都在推荐"}, "review", [("false_claim", "营养师都在推荐")]),
    ({"description": "保证七天上首页"}, "review", [("false_claim", "保证七天上首页")]),
    ({"description": "本市最低价"}, "review", [("absolute_term", "最低价")]),
    ({"description": "世界上最好喝的咖啡"}, "review", [("absolute_term", "世界上最好喝")]),
    ({"description": "库存只剩5件，手慢无"}, "review", [("false_claim", "只剩5件")]),
    ({"description": "Hurry, just 3 left at this price"}, "review", [("false_claim", "just 3 left")]),
    ({"description": "Crow's feet and fine lines vanish in a week"}, "review", [("false_claim", "fine lines vanish")]),
    ({"description": "This serum reverses aging at the cellular level"}, "review", [("false_claim", "reverses aging")]),
    ({"description": "黑芝麻丸 坚持吃白发变黑发"}, "review", [("medical_claim", "白发变黑发")]),
]
REWARDS_AND_CLAIMS_NEGATIVES = [
    {"description": "Take one tablet daily as recommended by your doctor."},  # the cues the other way round
    {"title": "增高鞋垫 内增高3cm 隐形"},  # lifts, no growth promised
    {"description": "Screen protector, 9H, 100% bubble free"},
    {"title": "电动牙刷", "description": "一次充满约可用30天，IPX7防水。"},  # a battery spec
    {"description": "库存3件，发完即止"},  # a count with no 仅剩/only
    {"description": "好评率99%，支持7天无理由"},  # a rating, no reward
    {"title": "染发膏 植物 白发一洗变黑"},  # a hair dye does what it says
    {"description": "Exam tips: how to take your exam calmly"},  # a study guide's 'your exam'
]
GOODS_BY_DEED = [  # skimmers, quiet guns, doping, customs, spiked drinks, police insignia, ammunition, trackers
    ({"description": "Skimmer overlay for gas pump card readers"}, "block", [("prohibited_goods", "Skimmer overlay for gas pump")]),
    ({"description": "Ship as gift to avoid customs"}, "block", [("prohibited_goods", "Ship as gift to avoid customs")]),
    ({"description": "倒进酒里无色无味，喝完一觉到天亮"}, "block", [("prohibited_goods", "酒里无色无味")]),
    ({"title": "警用臂章 警衔 全套"}, "block", [("prohibited_goods", "警用臂章 警衔")]),
    ({"title": "Range pack 5.56 ammo 200 rounds"}, "block", [("prohibited_goods", "5.56 ammo")]),
    ({"description": "装车上随时追踪老公行踪"}, "block", [("prohibited_goods", "追踪老公行踪")]),
    ({"description": "赛鸽专用，药检查不出"}, "block", [("prohibited_goods", "赛鸽专用，药检查不出")]),
]
GOODS_BY_DEED_NEGATIVES = [
    {"title": "筋膜枪 按摩枪 静音 肌肉放松"},  # a massage gun
    {"title": "Stainless measuring cups, set of 6, dishwasher safe"},
    {"title": "Hunting boots, quiet sole, waterproof"},
    {"title": "Ammo can, steel, 50 cal, waterproof seal"},
    {"title": "宠物 GPS 定位器 防丢 追踪"},  # a pet tracker names no person
    {"title": "尿检试纸 早孕检测 准确"},
]
# Commas do not end a clause: each construction's everyday halves read together in plain copy (#15, tune10).
EVERYDAY_HALVES = [
    {"description": "专家级音质，推荐入手"},  # 专家级 is an adjective, not an endorser
    {"description": "安全无毒，人人都爱"},
    {"description": "品质保证，首页有更多优惠"},
    {"description": "店铺客服不回复请耐心等待"},  # the shop's own service, not the platform
    {"title": "Police badge costume for kids, Halloween"},
    {"description": "Ships as a gift with free wrapping"},
    {"title": "Bike rental rates: hourly or daily"},
    {"title": "Offshore bank accounts explained, paperback"},
    {"description": "快递直接交给门卫就行"},
    {"description": "摄像头夜间拍不清？换这款星光夜视"},  # a camera upgrade, not a plate cover
    {"description": "Food-grade silicone, odorless, safe for drinks"},
    {"title": "Kitchen timer resets automatically"},
    {"title": "益智积木 提升IQ 开发大脑"},
    {"title": "Wall shelf, guaranteed to hold 300 lbs"},  # a load rating
    {"kind": "review", "text": "Bought it for my partner, we track our runs together"},
    {"description": "My cat likes it, refill pack available"},
    {"title": "Hunting blind with silent fabric, quiet setup"},  # hunting gear is sold as quiet
    {"description": "这款枕头能保护颈椎"},  # a body part, not a disease
    {"title": "可调节血压计袖带 成人"},  # a monitor's cuff that adjusts
]
POSITIVES_H10 = SERVICES_BY_DELIVERABLE + COPIES_AND_CONTACTS + REWARDS_AND_CLAIMS + GOODS_BY_DEED
NEGATIVES_H10 = SERVICES_NEGATIVES + COPIES_AND_CONTACTS_NEGATIVES + REWARDS_AND_CLAIMS_NEGATIVES + GOODS_BY_DEED_NEGATIVES + EVERYDAY_HALVES


@pytest.mark.parametrize("listing,decision,expected", POSITIVES_H10)
def test_holdout10_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


@pytest.mark.parametrize("listing", NEGATIVES_H10)
def test_holdout10_family_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


# --- holdout11's families (#15, tune11), written fresh: none copied from the set ------------------------------
# Half A (crc32 of the family label even) was tuned alone first; its transfer to half B is in the branch report.
SERVICES_AND_PAPERS_H11 = [  # price per bought count, reviews to the buyer's listing, remote exams, papers, parcels
    ({"description": "快手双击 2元200赞 下单即刷"}, "block", [("illegal_service", "赞 下单即刷")]),
    ({"description": "Instagram followers, 1k = $9, instant start"}, "block", [("illegal_service", "followers, 1k")]),
    ({"description": "We post 5-star reviews on your listing from real buyer accounts"}, "block",
     [("illegal_service", "5-star reviews on your listing from real buyer accounts")]),
    ({"description": "期末网考 远程操控 你只需要开机"}, "block", [("illegal_service", "网考 远程操控")]),
    ({"description": "驾照科目一 机考 本人不用到场 包过"}, "block", [("illegal_service", "机考 本人不用到场")]),
    ({"description": "银行流水 可过银行审核 三天出"}, "block", [("illegal_service", "银行流水 可过银行审核")]),
    ({"description": "空包 各快递 单号 当天出"}, "block", [("illegal_service", "空包 各快递 单号")]),
    ({"description": "足疗 上门服务 另有特殊服务 详聊"}, "block", [("illegal_service", "足疗 上门服务 另有特殊服务")]),
    ({"description": "开票点数可谈，票点优惠"}, "block", [("illegal_service", "票点")]),
]
SERVICES_AND_PAPERS_H11_NEGATIVES = [
    {"description": "发货后提供快递单号，真实物流可查"},  # a shop's tracking number
    {"description": "员工持健康证上岗，可查"},  # a restaurant's staff, no 系统/网上
    {"title": "Remote control car, test drive in the background of the video"},
    {"description": "Online exam prep course, practice tests and answer keys"},
    {"description": "全身按摩 上门服务 正规理疗 持证技师"},  # a massage with no special service
    {"description": "Thanks for your reviews! Ask us anything about your order"},
    {"title": "空包弹 道具 拍摄用"},  # a prop, no tracking number
]
GOODS_BY_DEED_H11 = [  # controlled drugs by name or by likeness, protected species without papers, gun parts, card capture
    ({"title": "杜冷丁注射液 私发"}, "block", [("prohibited_goods", "杜冷丁")]),
    ({"description": "Herbal capsules, effects similar to benzos, calm in minutes"}, "block",
     [("prohibited_goods", "effects similar to benzos")]),
    ({"description": "阿卡红珊瑚 摆件 无证书 便宜出"}, "block", [("prohibited_goods", "红珊瑚 摆件 无证书")]),
    ({"title": "六四式 撞针 替换件"}, "block", [("prohibited_goods", "六四式 撞针")]),
    ({"description": "Reader clone kit captures magnetic stripe data at the till"}, "block",
     [("prohibited_goods", "clone kit captures magnetic stripe")]),
    ({"description": "监考老师发现不了，考试全程可用"}, "block", [("prohibited_goods", "监考老师发现不了，考试")]),
    ({"title": "外挂 吃鸡 辅助", "description": "月卡 过检测 放心用"}, "block", [("prohibited_goods", "过检测")]),
    ({"description": "Frame kit, no serial number, finish at home"}, "block", [("prohibited_goods", "Frame kit, no serial number, finish at home")]),
]
GOODS_BY_DEED_H11_NEGATIVES = [
    {"title": "The Opioid Crisis: a history, paperback"},
    {"title": "仿玳瑁 发夹 树脂 复古"},  # an imitation material, no permit cue
    {"title": "54式 军装 收藏 展示"},  # a uniform, no gun part
    {"title": "透视蕾丝连衣裙", "description": "面料过检测，甲醛合格"},  # see-through lace, passes a fabric test
    {"description": "Magnetic stripe card reader for POS, reads tracks 1-3"},  # a reader names no capture
    {"description": "考试专用 2B铅笔 不易断"},
]
CLAIMS_AND_COPIES_H11 = [  # durability for life or N years, consumption cut, results in time (en), medicines ended
    ({"description": "电机终身不老化，质保一年"}, "review", [("false_claim", "终身不老化")]),
    ({"description": "这把锅用15年不变形"}, "review", [("false_claim", "用15年不变形")]),
    ({"description": "装上节电器，电费直接少一半"}, "review", [("false_claim", "电费直接少一半")]),
    ({"description": "Real buyers lost 12 lbs in just 3 weeks"}, "review", [("false_claim", "lost 12 lbs in just 3 weeks")]),
    ({"description": "坚持吃三个月，可以停掉降压药"}, "review", [("medical_claim", "可以停掉降压药")]),
    ({"description": "这茶我们村里喝了一辈子，没有一个得糖尿病的"}, "review", [("medical_claim", "没有一个得糖尿病")]),
    ({"description": "Smartest thermostat ever built"}, "review", [("absolute_term", "Smartest thermostat ever built")]),
    ({"description": "Top rated in Canada for three years"}, "review", [("absolute_term", "Top rated in Canada")]),
    ({"description": "这款拖把最好用，厨房必备"}, "review", [("absolute_term", "最好用")]),
    ({"description": "过了今天就没有了，抓紧"}, "review", [("false_claim", "过了今天就没有了")]),
    ({"description": "荣获联合国质量金奖"}, "review", [("false_claim", "联合国质量金奖")]),
    ({"title": "茅台 飞天 53度", "description": "回收的原瓶重新灌装的白酒"}, "block", [("counterfeit", "回收的原瓶重新灌装")]),
    ({"title": "欧米茄 海马 zf厂 自动机芯"}, "block", [("counterfeit", "zf厂")]),
    ({"description": "柜员拿去比都分不出真假"}, "block", [("counterfeit", "柜员拿去比都分不出真假")]),
    ({"description": "Trust me, no one will know it isn't genuine"}, "block",
     [("counterfeit", "no one will know it isn't genuine")]),
]
CLAIMS_AND_COPIES_H11_NEGATIVES = [
    {"description": "终身保修，坏了包换"},  # a warranty, no outcome word
    {"description": "质保3年，3年内坏了免费换"},
    {"title": "Best Dad Ever mug, 11oz"},
    {"description": "Grow microgreens in 7 days, harvest in 2 weeks"},  # a seed kit
    {"description": "No one will know you're wearing them: ultra-thin insoles"},
    {"title": "玻璃空瓶 750ml 可灌装 自酿酒用"},  # empty bottles sold as bottles
    {"description": "保质期6个月，最佳饮用温度为常温或微温。"},
    {"description": "Ships within 24h, returns accepted no questions asked"},
]
REWARDS_AND_CONTACTS_H11 = [  # rewards by discount or for other review acts, deleting middling reviews, payment to a person
    ({"description": "晒图好评下次下单打九折"}, "review", [("incentivized_review", "晒图好评下次下单打九折")]),
    ({"description": "买家秀发出来的联系客服领红包"}, "review", [("incentivized_review", "买家秀发出来的联系客服领红包")]),
    ({"description": "撤销中差评补偿5元"}, "review", [("incentivized_review", "撤销中差评补偿5元")]),
    ({"description": "Positive feedback within 10 days earns a $3 PayPal thank-you"}, "review",
     [("incentivized_review", "Positive feedback within 10 days earns a $3 PayPal")]),
    ({"description": "嫌麻烦可以支付宝转账给我，便宜点"}, "review", [("diversion", "支付宝转账给我")]),
    ({"description": "样品在这拍，大货付款走钉钉"}, "review", [("diversion", "付款走钉钉")]),
    ({"description": "Inbox us for discount on bulk"}, "review", [("diversion", "Inbox us for discount")]),
]
REWARDS_AND_CONTACTS_H11_NEGATIVES = [
    {"description": "Share your honest thoughts, refund within 30 days if unhappy"},
    {"description": "DM me for custom orders"},
    {"description": "关注微博@品牌官方 了解新品"},
    {"description": "支持支付宝付款，退款原路返回"},
    {"description": "全场八折，好评率99%"},  # a sale and a rating, no reward for the review
]
# Half B's families, written after half A's transfer to half B was measured (none copied from the set).
HALF_B_H11 = [
    ({"description": "前年查出血糖偏高，喝了半年，化验全部正常"}, "review", [("medical_claim", "化验全部正常")]),
    ({"description": "Shields your kids from asthma all winter"}, "review", [("medical_claim", "Shields your kids from asthma")]),
    ({"description": "敷上立马瘦一圈"}, "review", [("false_claim", "立马瘦")]),
    ({"description": "一勺就灵，孩子不再挑食"}, "review", [("false_claim", "一勺就灵")]),
    ({"description": "抑菌率百分之百，放心用"}, "review", [("false_claim", "抑菌率百分之百")]),
    ({"description": "这批卖完绝版，手慢无"}, "review", [("false_claim", "卖完绝版")]),
    ({"description": "Side hustle: earn $5,000/month from your phone"}, "review", [("false_claim", "earn $5,000/month")]),
    ({"description": "水管接头 一辈子不漏水"}, "review", [("false_claim", "一辈子不漏水")]),
    ({"description": "钢珠射程可达80米，威力大"}, "block", [("prohibited_goods", "钢珠射程")]),
    ({"description": "去山里打野鸡一枪一个"}, "block", [("prohibited_goods", "打野鸡一枪一个")]),
    ({"title": "充电头 摄像头 高清", "description": "伪装成普通充电头，放哪都行"}, "block", [("prohibited_goods", "伪装成")]),
    ({"description": "克百威 国家禁用 我们还有库存"}, "block", [("prohibited_goods", "国家禁用 我们还有库存")]),
    ({"description": "Marlboro 红 整条 低价"}, "block", [("prohibited_goods", "Marlboro 红 整条")]),
    ({"description": "Soccer fixed matches, sure odds every weekend"}, "block", [("illegal_service", "fixed matches, sure odds")]),
    ({"description": "Any subject essays, you just submit"}, "block", [("illegal_service", "Any subject essays, you just submit")]),
    ({"description": "征信花了也不怕，黑户也能贷"}, "block", [("illegal_service", "征信花了也不怕，黑户也能贷")]),
    ({"description": "我们做好的扫码查询页面可以做成官网样式"}, "block", [("counterfeit", "扫码查询页面可以做")]),
    ({"description": "高价收五粮液空瓶 带盒"}, "block", [("counterfeit", "五粮液空瓶")]),
    ({"description": "底部编号与正品一致"}, "block", [("counterfeit", "正品一致")]),
    ({"description": "私聊的话给你更低价"}, "review", [("diversion", "私聊的话给你更低")]),
    ({"description": "到店现金交易有折扣"}, "review", [("diversion", "到店现金交易")]),
    ({"description": "Same rugs are cheaper outside this site"}, "review", [("diversion", "cheaper outside this site")]),
    ({"description": "满30字+3张图可领20积分"}, "review", [("incentivized_review", "满30字+3张图可领20积分")]),
    ({"description": "Once your review goes live we refund your order"}, "review",
     [("incentivized_review", "review goes live we refund")]),
]
HALF_B_H11_NEGATIVES = [
    {"description": "入职体检套餐 含血常规 肝功能"},  # a checkup sold, no result told
    {"description": "Protects your phone from drops and scratches"},
    {"description": "涂上立刻吸收，不油腻"},  # instant absorption is no body result
    {"description": "一口一个的小零食，方便携带"},
    {"description": "质保两年，终身维修"},
    {"description": "钢珠轴承 6205 高转速"},  # a bearing's steel balls
    {"title": "茅台酒 收藏展示柜 实木"},  # a cabinet, no empty bottle
    {"description": "到店自提，可以当面验货"},  # collecting in person, no price
    {"description": "写评价时最多可上传9张图"},  # a review guide, no reward
    {"description": "小红书同款穿搭，点击查看尺码"},
    {"description": "本品已通过药监局审核，正品一致性评价"},  # a generic drug's equivalence evaluation
]
# Innocent senses made plain by context rows (exemptions `provenance`/`negation`, allow-list), written fresh.
CLEAN_IN_CONTEXT_H11 = [
    {"title": "二手 戴森 吸尘器 V10", "description": "去年买的，有发票，配件齐全。"},
    {"title": "Genuine Honda part, air filter 17220", "description": "Dealer stock, sealed."},
    {"title": "拆机 原装 三星 内存条 16G", "description": "电脑升级换下来的，测试正常。"},
    {"title": "肩颈按摩披肩 加热", "description": "缓解疲劳，非医疗器械，不能代替治疗。"},
    {"title": "露营 折叠刀 刃长6cm", "description": "不属于管制刀具，可正常快递。"},
    {"title": "儿童英语绘本 点读版", "description": "每页可微信扫码听原声朗读。"},
]
STILL_FLAGGED_IN_CONTEXT_H11 = [  # the context words do not clear the violation they sit beside
    ({"description": "这款贴能替代治疗，放心用"}, "review", [("medical_claim", "治疗")]),
    ({"title": "劳力士 复刻 有发票"}, "block", [("counterfeit", "复刻")]),
]
POSITIVES_H11 = SERVICES_AND_PAPERS_H11 + GOODS_BY_DEED_H11 + CLAIMS_AND_COPIES_H11 + REWARDS_AND_CONTACTS_H11 + HALF_B_H11
NEGATIVES_H11 = (SERVICES_AND_PAPERS_H11_NEGATIVES + GOODS_BY_DEED_H11_NEGATIVES + CLAIMS_AND_COPIES_H11_NEGATIVES
                 + REWARDS_AND_CONTACTS_H11_NEGATIVES + HALF_B_H11_NEGATIVES)


@pytest.mark.parametrize("listing,decision,expected", POSITIVES_H11)
def test_holdout11_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


@pytest.mark.parametrize("listing", NEGATIVES_H11)
def test_holdout11_family_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


@pytest.mark.parametrize("listing", CLEAN_IN_CONTEXT_H11)
def test_holdout11_clean_context_passes(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]


@pytest.mark.parametrize("listing,decision,expected", STILL_FLAGGED_IN_CONTEXT_H11)
def test_holdout11_context_rows_do_not_clear_violations(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


# Session 17 (#20, #15): families the tuned review sets still missed (gambling sites, loan sharks, invoices in
# another's name, bought followers and reviews, endorsement by hospitals, more 100 % / never / forever claims),
# each case written fresh in its family's wording, not copied from a set.
FAMILIES_S17 = [
    ({"description": "真人线上娱乐城，每日返水，提款秒到"}, "block", [("illegal_service", "线上娱乐城")]),
    ({"description": "新葡京 老虎机 首存送百分之五十"}, "block", [("illegal_service", "新葡京 老虎机 首存送")]),
    ({"description": "Best online casino in Asia, first deposit matched 100%"}, "block",
     [("illegal_service", "online casino")]),
    ({"description": "急用钱？黑白户都可以，当天放款"}, "block", [("illegal_service", "黑白户都可以，当天放款")]),
    ({"description": "征信黑也能下款，额度5万"}, "block", [("illegal_service", "征信黑也能下款")]),
    ({"description": "No credit check loans up to $5,000, cash in 24 hours"}, "block",
     [("illegal_service", "No credit check loans")]),
    ({"description": "可代开各类发票，抬头随便写"}, "block", [("illegal_service", "代开各类发票，抬头随便")]),
    ({"description": "Real TikTok followers for $15, fast delivery"}, "block", [("illegal_service", "followers for $")]),
    ({"description": "需要涨粉的找我，一周一千"}, "block", [("illegal_service", "涨粉的找我")]),
    ({"description": "招聘网店评价员，一单一结，手机就能做"}, "block", [("illegal_service", "招聘网店评价员")]),
    ({"description": "写五星好评 3元一单 日结"}, "block", [("illegal_service", "五星好评 3元一单")]),
    ({"description": "Get paid per review: post 5-star reviews from home"}, "block",
     [("illegal_service", "paid per review: post 5-star reviews")]),
    ({"description": "高价回收抖音号 千粉以上都要"}, "block", [("illegal_service", "回收抖音号")]),
    ({"description": "这款护膝三甲医院都在推荐"}, "review", [("false_claim", "三甲医院都在推荐")]),
    ({"description": "Hospitals use it to keep wards fresh"}, "review", [("false_claim", "Hospitals use it")]),
    ({"description": "充电宝 百分百不发烫 安全放心"}, "review", [("false_claim", "百分百不发烫 安全")]),
    ({"description": "Phone case is 100% bulletproof"}, "review", [("false_claim", "100% bulletproof")]),
    ({"description": "电池永不爆炸，质量过硬"}, "review", [("false_claim", "永不爆炸")]),
    ({"description": "Slimming wrap burns belly fat while you rest"}, "review", [("false_claim", "burns belly fat")]),
    # a buyer telling of a reward for the review or for raising the rating (reviews, first person)
    ({"kind": "review", "text": "Bumped it to 5 stars since they sent me a $10 gift card"}, "review",
     [("incentivized_review", "5 stars since they sent me a $10 gift card")]),
    ({"kind": "review", "text": "They offered a coupon if I changed my rating, so here we are"}, "review",
     [("incentivized_review", "coupon if I changed my rating")]),
    ({"kind": "review", "text": "Got 200 bonus points for posting a photo review"}, "review",
     [("incentivized_review", "bonus points for posting a photo review")]),
    ({"kind": "review", "text": "先给好评，卖家就返了我五块"}, "review", [("incentivized_review", "先给好评，卖家就返")]),
    ({"kind": "review", "text": "The shop offered me $15 to change my review to five stars"}, "review",
     [("incentivized_review", "offered me $15 to change my review")]),
    ({"description": "真人百家乐 首存送50%"}, "block", [("illegal_service", "真人百家乐 首存送")]),
    # a buyer's QQ number is shown masked (scanner/speakers.py): 9 letters and digits, 4 hidden, 扣 and 0725 shown
    ({"kind": "review", "text": "要货的扣 3391-0725 备注来意"}, "review", [("diversion", "扣 ****-0725")]),
    ({"kind": "review", "text": "店家让我改好评，退我五块"}, "review", [("incentivized_review", "改好评，退我")]),
]
FAMILIES_S17_NEGATIVES = [
    {"description": "万达广场娱乐城电玩区，会员卡首充送50个币"},  # an arcade's top-up, no gambling site
    {"description": "Casino night party kit: play money, poker chips and a deposit box"},
    {"description": "房贷需查征信，请备好身份证和收入证明"},  # a lender asking for the credit check
    {"description": "支持花呗分期，本店可开发票，抬头请备注公司名称"},  # a seller's own invoice
    {"description": "Selling point: our creators love it, 10k followers strong community"},
    {"description": "I sell on Etsy and my followers love these stickers"},
    {"description": "涨粉神器 直播补光灯 下单送手机支架"},  # a ring light sold as a follower booster
    {"description": "涨粉技巧全攻略 电子书 9.9元"},
    {"description": "招聘客服，在家可做，宝妈优先"},  # remote work, no reviews or orders faked
    {"description": "诚招代理，一件代发"},
    {"description": "运费险垫付，满意请给好评"},
    {"description": "专业监听耳机，连手机电脑都行"},  # studio monitor headphones
    {"description": "医生专用笔形手电筒 瞳孔检查"},  # a penlight for doctors, no endorsement
    {"description": "永不分离 情侣手链 925银"},  # a slogan, not a claim about the product
    {"description": "Never give up motivational T-shirt"},
    {"kind": "review", "text": "I changed my review to 5 stars after they fixed the zipper"},  # no reward named
    {"kind": "review", "text": "Got a refund for the broken one and left a review for the new one"},
    {"kind": "review", "text": "好评后返回来看，还是很满意"},  # 返回: coming back
    {"kind": "review", "text": "五星给卖家，客服态度好，物流快"},
    {"kind": "review", "text": "I paid full price, this is my honest review"},
    # a code reviewer's false positives of the first version of these rows (each was flagged; none may be)
    {"description": "奥迪Q5 2018-2022款专用脚垫，全包围"},  # q against a model number, a year range
    {"description": "四合扣 10-12-15-17-20mm 多规格可选"},  # 扣 before a size list
    {"kind": "review", "text": "质量没得说 扣888888888"},  # a live-stream cheer
    {"description": "立扣 2 3 4 5 6 7 8 号"},
    {"description": "满减直扣 20241111 活动当天有效"},
    {"description": "贷款需查征信，黑户不予办理"},
    {"description": "黑白户外登山鞋 秒下单秒发货"},  # 黑户 inside 黑白户外
    {"description": "Lease to own furniture, not a loan, no credit check required"},
    {"description": "可以开专票，税务局代开，抬头写您公司名称"},
    {"description": "专业代办公司注销，其他公司转让也可咨询"},
    {"kind": "review", "text": "东西不错，帮商家好评"},  # a buyer's own review
    {"description": "Professional resume review, $40 per review, 48h turnaround"},
    {"description": "刷手服厂家直销 诚招全国代理 医用刷手服批发"},  # surgical scrubs
    {"description": "急招跟单员 负责订单跟进和补单"},
    {"description": "大玩家电玩城 捕鱼机 充值送游戏币"},
    {"description": "Commission slots open - first deposit 50%, rest on delivery"},
    {"description": "适用于直播、线上娱乐场景的声卡"},
    {"description": "Newsletter subscribers only for $9.99 per month"},
    {"description": "Instagram post templates to grow followers for your own shop"},
    {"description": "Waterproof Permanent Marker Pens, 12 colors, fine tip"},
    {"description": "Never Slow Down T-shirt, motivational gym tee"},
    {"description": "Reduce waste with 100% recycled packaging"},
    {"description": "100%硅胶不漏，密封圈设计"},
    {"description": "配合医院推荐的七步洗手法，洗得更干净"},
    {"description": "Dental clinics recommend replacing your brush head every 3 months"},
    # ... and a second reviewer's, of the narrowed rows
    {"description": "本店可开增值税普通发票，抬头不限，个人或公司均可"},  # a shop's own invoice in the buyer's name
    {"kind": "review", "text": "看了好评后才下单，卖家送了一个收纳袋"},  # a gift in the parcel, after reading reviews
    {"kind": "review", "text": "给了好评，卖家送的赠品也很实用"},
    {"kind": "review", "text": "好评之后退我的差价已到账，价保真好"},  # price protection
    {"kind": "review", "text": "五星给了，老公送我的，很喜欢"},
    {"kind": "review", "text": "I changed my rating to 5 stars after they sent a replacement for free."},
    {"kind": "review", "text": "I had to change my rating after the company contacted me and offered a refund for the missing part."},
    {"kind": "review", "text": "Free returns, but the fit just isn't there for 5 stars."},
    {"kind": "review", "text": "本来给了差评，后来客服处理很好，退款也到了，改成好评"},
    {"description": "鞋扣 35 36 37 38 39 码都有"},
    {"description": "金属扣 2024 2025 新款"},
    {"kind": "review", "text": "想要的扣 520 1314"},
    {"description": "FAQ Q: 2018 2019 Camry fit?"},
]


# Session 17 (#15): holdout14 half A's families (half B held back to measure transfer); every case is written here,
# not copied from the set.
HOLDOUT14_A = [
    ({"description": "战术折刀 侧键一按弹出锁定 刃长12cm"}, "block", [("prohibited_goods", "一按弹出锁定 刃长")]),
    ({"description": "特制糖果 吃一粒嗨一整晚"}, "block", [("prohibited_goods", "吃一粒嗨一整晚")]),
    ({"description": "万能钥匙 任何锁 十秒打开"}, "block", [("prohibited_goods", "万能钥匙 任何锁 十秒打开")]),
    ({"description": "Android box: every premium channel and PPV free forever"}, "block",
     [("prohibited_goods", "every premium channel and PPV free forever")]),
    ({"description": "在职证明 收入证明 代做 使馆查不出"}, "block", [("illegal_service", "在职证明 收入证明 代做 使馆查不出")]),
    ({"description": "出租收款码 每天佣金到账"}, "block", [("illegal_service", "出租收款码 每天佣金")]),
    ({"description": "无色无味 倒进酒里 很快不省人事"}, "block", [("prohibited_goods", "无色无味 倒进酒里 很快不省人事")]),
    ({"description": "硝石 硫磺 木炭粉 三件套 自制"}, "block", [("prohibited_goods", "硝石 硫磺 木炭粉")]),
    ({"description": "64TB U盘 金属 高速"}, "review", [("false_claim", "64TB U盘")]),
    ({"description": "专柜验证包过 放心入"}, "block", [("counterfeit", "专柜验证包过")]),
    ({"description": "跟正品一个模具 细节一致"}, "block", [("counterfeit", "正品一个模具")]),
    ({"description": "鲮鲤 片 药用 收藏"}, "block", [("prohibited_goods", "鲮鲤")]),
    ({"description": "Jailbroken Firestick with all apps installed"}, "block", [("prohibited_goods", "Jailbroken Firestick")]),
    ({"description": "原厂外流 尾货 吊牌齐全"}, "block", [("counterfeit", "原厂外流")]),
    ({"description": "手机卡 接收验证码专用 批发"}, "block", [("illegal_service", "接收验证码专用")]),
]
HOLDOUT14_A_NEGATIVES = [
    {"description": "面包机 自动弹出 双面烘烤"},
    {"description": "U盘 自动弹出 防误删"},
    {"description": "维生素C 一片 补充每日所需"},
    {"description": "C级锁芯 防技术开启 防盗门锁"},
    {"description": "机顶盒 支持所有卫视 需开通会员"},
    {"description": "电子血压计 测血压 家用"},
    {"description": "银行存款证明 签证 柜台办理"},
    {"description": "店铺收款码 扫码付款 立牌"},
    {"description": "硫磺皂 除螨 洗脸"},
    {"description": "16TB external hard drive USB 3.0"},
    {"description": "官网可查 正品保障"},
    {"description": "戴了一年不会变色，很满意"},
    {"description": "点赞收藏 关注店铺 领取优惠"},
    {"description": "美甲甲片 穿戴甲 可重复使用"},
    {"description": "收款码 立牌 亚克力 定制店名"},  # a shop's payment-code stand
    {"description": "宝宝水杯 饮料里加几滴果汁也行 听话好用"},
    # a code reviewer's false positives of the first version of these rows (each was flagged; none may be)
    {"description": "智能门锁 指纹秒开 0.3秒识别 防盗门适用"},
    {"description": "专业开锁 换锁芯 公安备案 无损开启 不破坏门锁"},
    {"description": "辣条 吃一片辣到飞起来"},
    {"description": "能量饮料 来一口 精神飞起来"},
    {"description": "硫酸铜晶体 学生实验用 个人可买 无需资质"},
    {"description": "宝宝维生素D滴剂 滴在饮料里 宝宝乖乖配合"},
    {"description": "电动削笔刀 削好自动弹出 刀片可更换"},
    {"description": "签证材料翻译 银行流水 存款证明 收入证明 翻译盖章 都能做"},
    {"description": "转发点赞 享优惠套餐"},
    {"description": "地面波数字电视天线 接收央视 所有卫视 永久免费 无月租"},
    {"description": "Roku streaming stick - new movies available to rent, no monthly fee"},
    {"description": "蓝莓专用肥 硫磺粉调酸 硝酸钾补钾"},
    {"kind": "review", "text": "刚买的收款码台牌，摆摊日入几百块，扫码很方便"},
    {"description": "宠物监控摄像头 狗狗拆家没人发现？装上它实时查看"},
    {"description": "谨防虚假交易，货款到账后发货"},
    {"description": "手机 序列号官网查询可过保 正品"},
    {"description": "Kirkland batteries made in the same factory as the name brand"},
    {"description": "Home poker chip set - cash out your winnings at the end of the night"},
    {"description": "16TB移动硬盘 比U盘大得多"},
    {"description": "终身保修，不会生锈"},
    {"description": "Insulated EpiPen case - replaces epipen plastic tube"},
    {"description": "欧姆龙电子血压计 家用 测血压 血压正常了就放心"},
]


# Session 17 (#15): holdout14 half B's families, written after half A's transfer to half B was measured (none).
HOLDOUT14_B = [
    ({"description": "PCP 打猎 百米精准"}, "block", [("prohibited_goods", "PCP 打猎 百米精准")]),
    ({"description": "米非司酮 在家就能用"}, "block", [("prohibited_goods", "米非司酮")]),
    ({"description": "蜂猴 活体 包活"}, "block", [("prohibited_goods", "蜂猴 活体 包活")]),
    ({"description": "藏在车底 随时查看行踪"}, "block", [("prohibited_goods", "藏在车底 随时查看行踪")]),
    ({"description": "Relay box: works from inside the house, starts the car"}, "block",
     [("prohibited_goods", "Relay box: works from inside the house")]),
    ({"description": "Replica ID card, scans at bars"}, "block", [("illegal_service", "Replica ID card")]),
    ({"description": "Rent out your account for a week, get paid $300"}, "block",
     [("illegal_service", "Rent out your account for a week, get paid")]),
    ({"description": "Pay with Zelle, saves us both the fees"}, "review", [("diversion", "Pay with Zelle, saves us both")]),
    ({"description": "报关写 陶瓷摆件 过海关没问题"}, "block", [("prohibited_goods", "报关写 陶瓷摆件 过海关")]),
    ({"description": "锡纸 冰壶 套装 保密发货"}, "block", [("prohibited_goods", "冰壶 套装 保密发货")]),
    ({"description": "业主名单 精准数据 五千条起"}, "block", [("prohibited_goods", "业主名单 精准数据 五千条起")]),
    ({"description": "失信人员也能下 当天放款"}, "block", [("illegal_service", "失信人员也能下 当天放款")]),
    # 莫达非尼 is a catalogued psychotropic since session 23 (prohibited with or without a prescription): its own
    # term's finding stands in place of the prescription row's wider one
    ({"description": "莫达非尼 免处方 快递到家"}, "block", [("prohibited_goods", "莫达非尼")]),
    ({"description": "Ozempic pens, no doctor visit needed"}, "block", [("prohibited_goods", "Ozempic pens, no doctor visit")]),
    ({"description": "复制整段去淘宝 领券更便宜"}, "review", [("diversion", "复制整段去")]),
    ({"description": "we take your proctored exams, A guaranteed"}, "block", [("illegal_service", "we take your proctored exam")]),
    ({"description": "GOAT 可过 放心"}, "block", [("counterfeit", "GOAT 可过")]),
]
HOLDOUT14_B_NEGATIVES = [
    {"description": "联系方式见店铺首页"},
    {"description": "苏打水机 高压气瓶 替换装"},
    {"description": "水獭毛绒玩具 宝宝安抚"},
    {"description": "GPS定位器 强磁吸附车底 防盗 自己的车"},
    {"description": "Novelty license plate, funny gift"},
    {"description": "BBQ 锡纸 烧烤 一次性"},
    {"description": "客户名单管理软件 CRM 试用"},
    {"description": "联系电话见包装"},
    {"description": "药量遵医嘱，不可自行减少"},
    {"description": "Roses bouquet, same day delivery accepted"},
    {"description": "拍照搜题 学习机 小学到高中"},
    {"kind": "review", "text": "包装上写着原装，可防伪码在官网查不到，应该是假的"},  # a buyer's report, not a disguised parcel    # holdout14's false alarms, as allow-list phrases (written fresh)
    {"description": "Feel free to leave an honest review, questions go to customer service"},
    {"description": "下单即送同款小样两支，与评价无关"},
    {"description": "\"World's #1 Mom\" mug, ceramic, dishwasher safe"},
    # a fourth code reviewer's false positives of half B's first rows (each was flagged; none may be)
    {"description": "GPS定位器 强磁吸附车底，无需安装，手机APP查看历史轨迹回放，防盗必备"},
    {"description": "Remote starter kit: extends your key fob signal, starts the car from inside the house on cold mornings."},
    {"kind": "qa", "speaker": "seller", "text": "Yes, I take your exam date into account, the tutoring plan is 6 weeks."},
    {"kind": "qa", "speaker": "seller", "text": "国行正品，非代购版，支持官方保修"},
    {"description": "Dual SIM adapter: keep your home number abroad and receive SMS codes from your bank."},
    {"description": "Receipt organizer wallet - keep receipts for expense claims tidy, 12 pockets"},
    {"description": "毛绒玩具 小水獭幼崽 抱枕 送女友"},
    {"description": "手机号数据线 Type-C 一千条起批"},
    {"description": "法院失信人员名单查询指南 书籍 都能下载电子版"},
    {"description": "便携灭火器 高压气瓶驱动，喷射射程6米"},
    {"description": "抢答器 主持人出题，选手看题后抢先报答案，计分显示"},
    {"description": "锡纸 烧烤专用 加厚 500卷，隐秘发货请备注"},
    {"description": "七天分装药盒 比普通药盒多装药量 防潮"},
    {"kind": "qa", "speaker": "seller", "text": "本品是食品，不可以减药，请遵医嘱"},
    {"kind": "qa", "speaker": "seller", "text": "We will pay the return shipping if you want to change it to a larger size."},
    {"description": "Tire repair kit fixes a flat in minutes"},
    {"kind": "qa", "speaker": "seller", "text": "如遇缺货，下单后全额返款，请放心"},
    {"kind": "qa", "speaker": "seller", "text": "不在平台下单的交易没有保障，请务必在平台下单"},
    {"kind": "review", "text": "Refund came back, they said they would transfer to my bank within 3 days and they did."},
    {"description": "空气炸锅 售后联系电话见第3页说明书，全国联保"},
]
STILL_FLAGGED_BESIDE_THE_ALLOW_LIST_S17 = [  # the allow-list phrases clear only themselves
    ({"description": "free gift for a 5-star review, feel free to contact us"}, "review",
     [("incentivized_review", "free gift for a 5-star review")]),
]
POSITIVES_S17 = FAMILIES_S17 + HOLDOUT14_A + HOLDOUT14_B + STILL_FLAGGED_BESIDE_THE_ALLOW_LIST_S17
NEGATIVES_S17 = FAMILIES_S17_NEGATIVES + HOLDOUT14_A_NEGATIVES + HOLDOUT14_B_NEGATIVES


@pytest.mark.parametrize("listing,decision,expected", POSITIVES_S17)
def test_session17_family_wording_is_found(text_scanner, listing, decision, expected):
    result = text_scanner.scan(listing)
    assert_counted(result, decision, expected)


@pytest.mark.parametrize("listing", [x for x in NEGATIVES_S17 if x.get("text") not in KNOWN_FALSE_POSITIVES])
def test_session17_family_hard_negatives_pass(text_scanner, listing):
    result = text_scanner.scan(listing)
    assert result.decision == "pass", [(f.category, f.text, f.term) for f in result.findings]
