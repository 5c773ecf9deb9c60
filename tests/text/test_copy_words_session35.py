"""Thirty-fifth session (#15): illegal services and prohibited goods told by what they do, as slot pairs
(wordlists/proximity.tsv, rows marked "thirty-fifth session"), read from holdout28/29's misses after both were
scored first-seen. Positives and hard negatives are our own wording, not any evaluation set's; the hard negatives are
the innocent senses each row's note names (a ring light, a parking space, a diploma frame, a name seal, amber,
soundproofing, a Faraday pouch, a box cutter, a selfie stick, a pregnancy test, a tea shop, …).
"""
from __future__ import annotations

import pytest

from tests.support import assert_caught, assert_passes

IS, PG = "illegal_service", "prohibited_goods"

# (listing, category, words a counting finding of the category must cover)
CAUGHT = [
    # followers sold with a refill
    ({"title": "TikTok followers 2k", "description": "Non-drop, 30-day refill guarantee."}, IS, "Non-drop"),
    ({"title": "小红书 点赞收藏 500个", "description": "掉粉补，24小时到账，量大私聊。"}, IS, "掉粉补"),
    # account handed over with its binding
    ({"title": "游戏账号 出", "description": "满级满装备，买家可换绑手机邮箱。"}, IS, "可换绑"),
    ({"title": "Aged Buyer Accounts USA", "description": "Full login and email access, 2019 registrations."}, IS, "Full login"),
    # streaming seat rented
    ({"title": "Spotify 家庭组 车位", "description": "一年一付，稳定不掉。"}, IS, "车位"),
    # bank card routed for others' money
    ({"title": "对公账户 可走大额", "description": "三天一结，佣金日结。"}, IS, "可走大额"),
    ({"title": "兼职 在家就能做", "description": "需要你的银行卡收款转账，每笔给你提成。"}, IS, "收款转账"),
    # loan past the credit check
    ({"title": "急用钱 不查征信", "description": "黑户也能下，当天放款。"}, IS, "不查征信"),
    # collateral of private photos
    ({"title": "学生 小额周转", "description": "裸照做担保，三千以内秒批。"}, IS, "裸照"),
    # casino game played on a lead
    ({"title": "PK10 老师带单 包回本", "description": "进群免费看计划。"}, IS, "带单"),
    ({"title": "Sportsbook VIP", "description": "Deposit bonus 100%, withdraw your winnings in minutes."}, IS, "withdraw your winnings"),
    # companion sent to the buyer; tea as the code word
    ({"title": "同城 嫩模 可约", "description": "照片真实，价格私聊。"}, IS, "嫩模"),
    # child of the chosen sex
    ({"title": "泰国试管婴儿 定性别", "description": "全程陪同，签约保障。"}, IS, "定性别"),
    # exam sat in the buyer's name
    ({"title": "Statistics final help", "description": "Our expert will sign in as you and finish the proctored exam."}, IS, "sign in as you"),
    # paper placed in a journal
    ({"title": "普刊 北大核心 包录用", "description": "审稿快，知网可查。"}, IS, "包录用"),
    # document made to order; seals; novelty id
    ({"title": "房产证 出生证明 办理", "description": "网上可查，两天出件。"}, PG, "网上可查"),
    ({"title": "Sick note for work", "description": "Doctor's note on letterhead, any date, any name."}, PG, "letterhead"),
    ({"title": "合同章 财务章", "description": "合同章不用营业执照，三小时取章。"}, IS, "不用营业执照"),
    ({"title": "Driver license cards", "description": "Driver license with any date of birth and holograms."}, PG, "any date of birth"),
    # certificate rented out; licence points; unlocked phone; person traced; partner's accounts
    ({"title": "一级建造师 证书挂靠", "description": "不用到岗，年费一次结清。"}, IS, "证书挂靠"),
    ({"title": "驾照 12分 不够用", "description": "驾照扣分专业销分，一分一百。"}, IS, "销分"),
    ({"title": "iCloud 解锁", "description": "找回模式也能解，不用原机主。"}, IS, "不用原机主"),
    ({"title": "车牌号 查机主", "description": "十分钟出结果。"}, IS, "查机主"),
    ({"title": "Social media recovery", "description": "Get into your girlfriend's Instagram and read the DMs."}, IS, "girlfriend's"),
    # receipts that pass the audit; spouse for papers; sim in another's name
    ({"title": "餐饮发票 住宿票", "description": "住宿发票财务查不出问题。"}, IS, "财务查不出"),
    ({"title": "婚姻移民 一条龙", "description": "协议结婚，两年后拿绿卡。"}, IS, "协议结婚"),
    ({"title": "物联网卡 免实名", "description": "插上即用，不限速。"}, IS, "免实名"),
    # listening; camera; tracker; skimmers; jammer
    ({"title": "高灵敏 拾音 探头", "description": "贴墙放着就能听清隔壁每句话。"}, PG, "隔壁"),
    ({"title": "烟雾报警器款 看护器", "description": "手机远程查看，没有指示灯，谁也看不出。"}, PG, "远程查看"),
    ({"title": "Pocket RFID cloner", "description": "Walk past someone's pocket and it copies the badge."}, PG, "copies"),
    ({"title": "Card slot overlay for fuel pumps", "description": "Stores the mag stripe of every swipe."}, PG, "overlay"),
    ({"title": "Desktop signal jammer", "description": "Jams 4G and WiFi in a 15 metre radius."}, PG, "radius"),
    # weapons
    ({"title": "OTF pocket knife", "description": "Out the front action, 3.5 inch blade."}, PG, "OTF"),
    ({"title": "甩棍 高碳钢", "description": "车载防身，一甩即开。"}, PG, "甩棍"),
    ({"title": "Novelty belt buckle", "description": "A belt buckle that fits over your hand, heavy steel."}, PG, "belt buckle"),
    # poison, animals, drugs
    ({"title": "毒鼠强 老鼠药", "description": "剧毒，少量即可。"}, PG, "毒鼠强"),
    ({"title": "老料 手镯", "description": "象家老料 非猛犸 有施雷格纹。"}, PG, "非猛犸"),
    ({"title": "画眉鸟 活体 野生", "description": "叫口好，包活发货。"}, PG, "画眉鸟"),
    ({"title": "M30 percs", "description": "Pharma grade, discreet shipping across the US."}, PG, "M30"),
    ({"title": "打胎药 套装", "description": "不用手术，不用挂号。"}, PG, "打胎"),
    ({"title": "含伪麻黄碱 感冒片", "description": "新康泰克 不用登记 一次五十盒。"}, PG, "不用登记"),
    ({"title": "细支 爆珠 香烟", "description": "免税店货，整条出。"}, PG, "整条出"),
    ({"title": "年货 鞭炮 大地红", "description": "快递不收的我们能发，包装写日用品。"}, PG, "鞭炮"),
    # third pass, read from holdout30 after its first-seen score
    ({"title": "博彩 平台 注册送", "description": "真人视讯 体育 电竞，首存送20%。"}, IS, "首存"),
    ({"title": "三甲医院 专家号", "description": "挂不上号的找我，当天可看。"}, IS, "专家号"),
    ({"title": "CPN service", "description": "New credit file with two seasoned tradelines."}, IS, "tradelines"),
    ({"title": "Voice bot subscription", "description": "Calls the customer pretending to be their bank and reads back the OTP."}, IS, "Voice bot"),
    ({"title": "Snapchat recovery", "description": "Any account, even if it's not yours."}, IS, "even if it's not yours"),
    ({"title": "Online math class help", "description": "Send us your login and we finish every quiz."}, IS, "Send us your login"),
    ({"title": "自考 本科 包拿证", "description": "不用本人到场，老师代替。"}, IS, "老师代替"),
    ({"title": "稳定 机场 月付", "description": "全球节点 支持 clash 订阅。"}, IS, "机场"),
    ({"title": "游戏 点卡 代充 五折", "description": "偶尔被风控，冻结不退。"}, IS, "代充"),
    ({"title": "二手手机 出", "description": "连同微信聊天记录一起打包给你。"}, IS, "聊天记录"),
    ({"title": "Homeowner list, Ohio", "description": "Names, cell phones and mortgage balance, CSV."}, IS, "Homeowner list"),
    ({"title": "金刚鹦鹉 幼鸟", "description": "金刚鹦鹉没有证所以便宜，手养亲人。"}, PG, "没有证"),
    ({"title": "EDC 甩刀 D2钢", "description": "单手秒开，开刃锋利。"}, PG, "单手秒开"),
    ({"title": "防身手电 高压 女生", "description": "按一下侧键噼啪作响，坏人瞬间倒地。"}, PG, "防身"),
    ({"title": "Pre-ban netsuke", "description": "Pre-ban netsuke with cross-hatch lines under a loupe."}, PG, "cross-hatch"),
    ({"title": "Blue bars, 30 count", "description": "Pharma grade, no script needed."}, PG, "bars"),
]

# hard negatives: the same words in an innocent sense
PASSED = [
    {"title": "补光灯 直播 美颜", "description": "帮你的视频更好看，涨粉第一步。"},
    {"title": "Ring light for creators", "description": "Look great on camera and grow your followers."},
    {"title": "小区 地下车位 出租", "description": "月租600，近电梯。"},
    {"title": "投影仪 家用 1080P", "description": "支持 Netflix 与 Disney+ 应用，出租屋也能用。"},
    {"title": "记账本 收支流水", "description": "家庭收款转账一目了然。"},
    {"title": "个人信用报告 解读 书籍", "description": "教你读懂自己的征信，逾期记录怎么来的。"},
    {"title": "百家乐 桌布 绒面", "description": "家庭聚会娱乐用，不涉及真钱。"},
    {"title": "Board game: Horse Race", "description": "Odds cards and payout table included, play money only."},
    {"title": "新茶 上市 明前龙井", "description": "同城配送，次日达。"},
    {"title": "汉服 模特 上门拍摄", "description": "摄影师可约档期。"},
    {"title": "Girls' overnight bag", "description": "Pink duffel for sleepovers."},
    {"title": "试管架 实验室 50孔", "description": "耐高温，可选颜色。"},
    {"title": "Exam prep course", "description": "We take your study plan and make it work, final review included."},
    {"title": "一件代发 女装", "description": "支持代发，论坛分销。"},
    {"title": "毕业证书 相框 实木", "description": "A4 尺寸，可定制烫金校名。"},
    {"title": "Diploma frame, walnut", "description": "Fits any university diploma, made to order in our shop."},
    {"title": "个人名章 印章定制", "description": "篆刻 牛角 寿山石 可选。"},
    {"title": "Employee ID badge printing", "description": "Scan-ready barcodes for your staff."},
    {"title": "违章 代缴罚款", "description": "帮你在线缴纳违章罚款。"},
    {"title": "Phone unlock for original owner", "description": "Send proof of purchase and we remove the carrier lock."},
    {"title": "Wife's birthday gift", "description": "Personalised bracelet for your wife's account of your love."},
    {"title": "增值税发票 正规开具", "description": "一般纳税人，可查验。"},
    {"title": "Travel eSIM Japan", "description": "Activate on arrival, 10GB."},
    {"title": "隔音棉 卧室 墙面", "description": "装上以后再也听不到隔壁的声音。"},
    {"title": "Baby monitor", "description": "Hear your baby from the next room, night vision included."},
    {"title": "可视门铃 高清夜视", "description": "手机远程查看来访者，装在门口。"},
    {"title": "车载 GPS 定位器 车队管理", "description": "接车辆电源，老板手机看轨迹。"},
    {"title": "Refillable water bottle", "description": "Our subscribers get a free refill station map."},
    {"title": "粉丝见面会 应援灯牌", "description": "缺货包补发，24小时到账的电子票。"},
    {"title": "纯牛奶 250ml", "description": "最佳饮用温度为常温或微温。"},
    {"title": "RFID blocking sleeve", "description": "Stops anyone reading your card from your pocket."},
    {"title": "Faraday pouch", "description": "Blocks signals to your own phone, keeps your key fob safe."},
    {"title": "Building blocks classroom set", "description": "500 blocks for kindergarten classrooms."},
    {"title": "美工刀 自锁", "description": "推钮伸出刀片，手感稳。"},
    {"title": "伸缩自拍杆 蓝牙", "description": "一甩就能展开，旅行必备。"},
    {"title": "Glass paperweight", "description": "Hand-blown, fits in your hand, desk decor."},
    {"title": "粘鼠板 加大", "description": "对猫狗安全，一窝端。"},
    {"title": "天然琥珀 手串", "description": "真琥珀，非树脂，可验。"},
    {"title": "Buffalo horn comb", "description": "Real horn, not plastic, anti-static."},
    {"title": "画眉神器 眉笔", "description": "新手也能画出野生眉。"},
    {"title": "陶瓷 百灵鸟 摆件", "description": "手工彩绘，送礼佳品。"},
    {"title": "Blues vinyl records of the 30s", "description": "Pressed in 1934, shipped in discreet plain boxes."},
    {"title": "早孕试纸 10条", "description": "在家就能测，不用去医院。"},
    {"title": "感冒灵颗粒 整箱", "description": "正规药店，处方药须凭方。"},
    {"title": "辣条 一条 小包装", "description": "童年零食，整箱更划算。"},
    {"title": "LED 烟花灯 串", "description": "圣诞装饰，包邮。"},
    {"title": "新鲜菠菜 500g", "description": "当天采摘，首单包邮。"},
    {"title": "医院 陪诊 服务", "description": "帮您熟悉流程，不代挂号，号源请自行预约。"},
    {"title": "Scam awareness handbook", "description": "How fraudsters pose as your bank's fraud team, and what to do."},
    {"title": "Remote IT support", "description": "Help with your own accounts only; no access to other people's accounts."},
    {"title": "机场 接送 专车", "description": "航班延误免费等待，全程高速。"},
    {"title": "铝合金 梯子 家用", "description": "五步人字梯，承重150kg。"},
    {"title": "腾讯视频 VIP 官方直充", "description": "直充到您本人账号，不涉及账号出售。"},
    {"title": "儿童电话手表", "description": "可设置白名单联系人电话，上课禁用。"},
    {"title": "Blank address book", "description": "Pages for names, phone numbers and home address."},
    {"title": "玄凤鹦鹉 人工繁殖", "description": "手养亲人，自家繁殖。"},
    {"title": "Granola bars 12 pack", "description": "Oat and honey, 2mg of iron per bar."},
]

# a red-team pass (a helper shown only this session's rows) wrote 80 innocent listings built to trip them; the
# first version fired on 79 (cosmetics' 不掉粉, a benchmark's 跑分, registered mail's 挂号, a Ford Escort, jams for a
# classroom, 以下分为 …). The rows were narrowed (same clause where cues are common words, substrings dropped);
# these are the ones that now pass.
RED_TEAM_PASSED = [
    {"title": "Replacement Remote for Samsung TV – Model Number in the 2nd Photo", "description": "Please compare the model number in the 2nd photo with the label on your old remote before ordering. No programming needed, batteries not included."},
    {"title": "气垫粉饼 天真粉限定壳 持妆控油", "description": "轻薄服帖，持妆8小时不掉粉不卡纹，附赠替换芯一个。"},
    {"title": "Dual-Extruder 3D Printer – Prints PVA Supports", "description": "Dual nozzles let you print soluble support material alongside PLA. Built-in Wi-Fi dashboard: the full login details for the web panel are printed on the sticker under the bed."},
    {"title": "CarPlay智能盒子 支持 Netflix 和爱奇艺投屏", "description": "即插即用，原车屏秒变智能屏。附赠倒车影像，显示车位辅助线，停车更轻松。"},
    {"title": "二手 小米13 12+256G 安兔兔跑分160万", "description": "自用一年无拆修，屏幕无划痕。已退出小米账户并恢复出厂设置，原装充电器和盒子都在。"},
    {"title": "儿童绘本借阅年卡 每次可借10本", "description": "同城免费配送上门，读完随时换新。逾期未还每本每天0.1元，图书损坏按原价赔偿。"},
    {"title": "老照片修复 特殊照片也能修 黑白照片上色", "description": "破损、发霉、褪色的老照片都能修复，人工精修，不满意免费重修，质量担保，电子版当天交付。"},
    {"title": "儿童家务轮盘 磁性奖励转盘", "description": "转一转决定今天做哪项家务，配套每周家务计划表，帮孩子养成好习惯。冰箱贴设计，不占地方。"},
    {"title": "High Stakes Retirement: A Guide to Safe 401(k) Withdrawals (Paperback)", "description": "Learn how to sequence IRA and 401(k) withdrawals, manage taxes and avoid running out of money. New copy, ships in 1 business day."},
    {"title": "Odds & Ends Coin Bank – Kids' ATM Savings Box", "description": "Password-protected electronic piggy bank. Kids enter their PIN for deposits and withdrawals, and the bank counts coins automatically. Requires 3 AA batteries."},
    {"title": "Front Brake Pads for Ford Escort 1997–2003", "description": "Ceramic front brake pads, direct fit, low dust. Order by 3 pm for overnight shipping."},
    {"title": "定制遮光窗帘 免费上门测量安装", "description": "请先提供窗框外围尺寸，师傅上门会再次核对。同城48小时内安装完毕，支持多种面料。"},
    {"title": "茶艺师上门服务 可预约茶席布置", "description": "公司年会、家庭聚会可预约茶艺师上门泡茶，含茶具和茶叶，同城两小时起订。"},
    {"title": "性别揭晓派对 试管彩粉烟雾棒 宝宝性别公布道具", "description": "拍照超出片的派对道具，可选性别：蓝色男孩款或粉色女孩款，下单请备注颜色。"},
    {"title": "MOT Collection & Delivery Service – We Take It for You", "description": "Too busy to visit the garage? Our insured driver collects your car, takes it for you to the MOT test and returns it the same day. Leeds area only."},
    {"title": "过期杂志 期刊合订本 读者意林 一件代发", "description": "二手期刊按斤出，内页完整无缺页，支持一件代发。"},
    {"title": "毕业论文打印装订 硬壳精装", "description": "当天打印当天装订，可代发快递寄到学校，支持彩印和封面烫金。"},
    {"title": "Diploma Frame 8.5x11 – Double Mat Shows the Raised Seal", "description": "Solid hardwood diploma frame with UV-protective glass. The mat opening is cut so the raised seal on your diploma stays visible. Fits most US university diplomas."},
    {"title": "结婚证保护套 皮质收纳本 一对装", "description": "尺寸适配新版结婚证，内页透明不压钢印，防水防折，可免费烫印名字。"},
    {"title": "Inflatable Bouncers & Bounce House Rentals for Birthday Parties", "description": "Delivery, setup and take-down included. We hold a state amusement ride license and carry $1M liability insurance. Adult supervision required."},
    {"title": "实木壁挂证书框 A4奖状框 荣誉证书相框", "description": "背部自带挂钩，挂出来端正大气，也可桌面摆放。亚克力面板不易碎。"},
    {"title": "蓝牙防丢器 兼容 iCloud 查找 钥匙钱包定位", "description": "接入 iCloud 查找网络后可开启丢失模式，有人靠近即可回传位置。电池续航一年，可自行更换。"},
    {"title": "二代身份证阅读器 读取姓名身份证号 酒店前台", "description": "酒店宾馆入住登记专用，刷证1秒核查身份，支持对接旅馆业治安管理系统。"},
    {"title": "Open When Letters Jar – 52 Love Messages for Your Wife's Birthday", "description": "Pre-written love notes rolled and tied in a glass jar. Add your own notes with the blank scrolls included."},
    {"title": "密码锁日记本 送女朋友的生日礼物", "description": "带密码锁的手账本，密码可自行设定，送女朋友的小心意。内页128张，附赠贴纸。"},
    {"title": "TDS水质检测笔 余氯测试 可开发票", "description": "普通试纸检查不出的溶解性总固体，这支笔一测就知道，家用净水器效果一目了然。"},
    {"title": "Green Card (1990) DVD – Gérard Depardieu and Andie MacDowell", "description": "Peter Weir's romantic comedy about a green card marriage between a Frenchman and a New York horticulturist. Region 1, like new."},
    {"title": "Replacement SIM Card Tray for iPhone 13 – Blue", "description": "OEM-spec SIM card tray with waterproof gasket. Every unit ships pre-registered for our 12-month warranty, so no paperwork is needed."},
    {"title": "Replacement Front Bezel for Dell Latitude 5480 with SD Card Slot Opening", "description": "OEM-grade plastic LCD bezel. Snap-fit installation, no adhesive needed. Check your model before ordering."},
    {"title": "Kids' Toy ATM Savings Bank", "description": "Comes with a decorative sticker overlay sheet so children can customise the front panel. Teaches saving and simple maths."},
    {"title": "听音检漏仪 管道漏水检测 水电工专用", "description": "高灵敏度拾音探头，可隔墙检测暗管漏点，不用砸墙找漏。"},
    {"title": "Blue Light Blocking Glasses – Clear Lens Looks Like a Normal Lens", "description": "Anti-glare coating filters blue light from screens while the lens looks like a normal clear lens with no yellow tint. Lightweight TR90 frame."},
    {"title": "Homemade Strawberry Jams – Classroom Fundraiser 12-Pack", "description": "Small-batch jams made with local berries and cane sugar. Popular for school classroom fundraisers and teacher gifts."},
    {"title": "Indoor HD TV Antenna – 80 Mile Range", "description": "Getting no signal on local channels? This amplified antenna picks up free over-the-air HD broadcasts within an 80-mile radius."},
    {"title": "Cheese Knife Set in Bamboo Gift Box", "description": "Four stainless-steel cheese knives. The magnetic lid springs open with a gentle push. Hand wash only."},
    {"title": "女子防身术图解 入门教程 平装书", "description": "图文讲解被抓手腕后如何甩开对方，以及如何呼救和脱身，适合女生和中学生阅读。"},
    {"title": "Mini Bowling Ball Paperweight – Retro Desk Accessory", "description": "Solid resin, 3-inch diameter, with three finger holes just like the real thing. Great gift for league bowlers."},
    {"title": "1:50 Knuckle Boom Crane Diecast Model", "description": "Fully articulated boom with working outriggers and rubber tyres. A great desk decor piece for construction fans."},
    {"title": "强力粘鼠板 代替鼠药 无毒无味 10片装", "description": "不含任何剧毒成分，家里有宝宝和宠物也放心。加厚胶层，可反复移位。"},
    {"title": "Hand-Carved Elephant Figurine – Solid Mango Wood", "description": "Every piece is carved from solid mango wood and is not resin or plastic. Approx. 15 cm tall."},
    {"title": "Cast Iron Tiger Statue for Garden", "description": "Heavy cast iron with a bronze patina and not resin so it won't blow over in the wind."},
    {"title": "户外挂式喂鸟器 山雀麻雀都爱来", "description": "透明储粮仓，适合在阳台和庭院投喂野生鸟类，防雨顶盖。"},
    {"title": "仿真猫头鹰 驱鸟神器 果园阳台", "description": "头部随风转动，野生鸟类不敢靠近，保护果树和晾晒衣物。"},
    {"title": "Rolling Ball Cart – Holds 12 Footballs", "description": "Steel frame with locking casters and a zip-top cover, ideal for coaches and PE departments."},
    {"title": "Aluminum Roof Cross Bars for Subaru Outback 2020–2024", "description": "Lockable aerodynamic crossbars in stealth black finish. 75 kg dynamic load rating."},
    {"title": "RJ45 Crimping Tool Kit – Terminate Cat6 Cables Yourself", "description": "Everything you need to terminate network cables at home or on site: crimper, 100 Cat6 connectors, a cable tester and a stripper."},
    {"title": "家庭药箱 大容量多层收纳 感冒药退烧药分类", "description": "PP材质带提手，药品分格不混放。批发商家可整箱出，量大从优。"},
    {"title": "成猫口粮 全价冻干猫粮 2kg", "description": "冻干颗粒营养均衡，另有条装猫条可选。"},
    {"title": "轻奢软包床 1.8米双人床 科技布", "description": "现在下单加送一条同色系床旗，包送货安装。"},
    {"title": "电子鞭炮 LED无火药 乔迁开业婚庆", "description": "插电即响，无火药无污染。外包装写有电子产品字样，可走普通快递。"},
    {"title": "大叶菠菜种子 四季可播 500粒", "description": "以下分为春播和秋播两种规格，请按当地气候选择。发芽率高，耐寒耐抽薹。"},
    {"title": "国际挂号小包 跨境电商物流", "description": "可查全程轨迹，渠道稳定，欧美主要国家10至15个工作日妥投。"},
    {"title": "CPN Exam Prep Flashcards – Certified Pediatric Nurse", "description": "400 flashcards covering growth and development, pediatric pharmacology and family-centered care. A fresh start for your study plan."},
    {"title": "Scam-Proof Seniors: Spotting Callers Pretending to Be Your Bank", "description": "Large-print guide explaining how fraudsters pose as your bank's fraud team to obtain one-time codes, and what to say instead."},
    {"title": "防诈骗宣传海报 社区反诈挂图 4张套装", "description": "内容包括警惕冒充客服退款、冒充公检法、不向任何人透露验证码等，适合社区和银行网点张贴。"},
    {"title": "'Not Yours' Funny Laptop Sticker – Vinyl Decal", "description": "Waterproof matte vinyl decal for laptops and tablets. Pairs well with a strong password."},
    {"title": "30-Day Beginner Yoga Video Course – Lifetime Access", "description": "After purchase, log into your account on our website to stream all 30 lessons on any device."},
    {"title": "铝合金人字梯子 家用折叠梯", "description": "关节点采用加厚铆钉加固，承重150公斤，收纳只需10厘米。"},
    {"title": "App Store 官方礼品卡 100元", "description": "虚拟商品，卡密发货后即视为已使用，售出不退款。"},
    {"title": "DIY手工相册 覆膜式 16寸", "description": "附赠装饰贴纸和彩笔一套，记录宝宝成长。"},
    {"title": "复古皮面通讯录本 A5", "description": "按拼音分页，附赠同色书签和笔。"},
    {"title": "Holiday Card Mailing List Organizer Book", "description": "Keep track of who sent cards each year, with space for names, home address and phone numbers."},
    {"title": "美容院客户资料登记本 会员档案本", "description": "每页含姓名电话住址生日栏位，方便记录客户护理项目。"},
    # … and these, fixed in the thirty-sixth session by the allow-list's innocent compounds (五星红旗, 隐形眼镜, 快手菜,
    # 签名笔, 钉钉子, factory unlocked, shock-absorbing, name and number, …; tests/text/test_copy_words_session36.py)
    {"title": "五星红旗贴纸 儿童国庆节小礼物 50张装", "description": "国庆节班级活动必备，五星红旗贴纸小礼物人手一张，贴在脸上手背上都行。PET材质防水，撕下不留胶。"},
    {"title": "Book Review Journal – Gift for Book Club Lovers", "description": "A guided reading log with 100 review pages for titles, quotes and ratings. Hardcover, lay-flat binding. Makes a lovely present for readers."},
    {"title": "Self-Defense Crash Mat – Shock-Absorbing Foam", "description": "Thick 10 cm mat for self-defense classes and Krav Maga drills. High-density foam absorbs the impact when students practise falls and takedowns. Vinyl cover wipes clean."},
    {"title": "Castle Siege Tower-Defense Board Game for Ages 8+", "description": "Defenders build walls while the attackers' catapult knocks down towers block by block. 2–4 players, about 30 minutes per game. Wooden pieces included."},
    {"title": "隐形眼镜护理液 500ml 高清透氧", "description": "多功能隐形眼镜护理液，清洁除蛋白，让隐形眼镜高清透亮不模糊。开封后90天内用完，附镜盒一个。"},
    {"title": "Hotel Collection Pillow – 5-Star Hotel Quality with Complimentary Pillowcase", "description": "The same down-alternative pillow used in luxury hotels. Machine washable, queen size. Ships vacuum-packed."},
    {"title": "家常快手菜100道 菜谱书 彩图版", "description": "上班族也能半小时做好一桌饭。全书快手菜便宜又下饭，食材超市都买得到，每道菜配全彩步骤图。"},
    {"title": "大号签名笔 商务宝珠笔 黑色0.7mm", "description": "加粗笔身握感舒适，大号签名笔写合同签字更有气势，可替换笔芯，送礼自用都合适。"},
    {"title": "钉钉子专用羊角锤 木工家用锤", "description": "高碳钢锻造锤头，木柄防滑减震。钉钉子拔钉子的用法详情见视频演示，新手也能上手。"},
    {"title": "RFID防盗刷卡套 10个装", "description": "铝箔屏蔽层防读取，公司门禁卡和别人的卡分开装也不会拿错。"},
]

# the rest still fire, on rows older than this session (or an old term); kept as known false positives to fix
RED_TEAM_KNOWN = [
    {"title": "湛江马鲛咸鱼 500g 农家自晒", "description": "海边渔村自家晒的马鲛咸鱼，只用海盐腌制，无添加。今年渔获多咸鱼更便宜了，欢迎回购。蒸、煎、做咸鱼茄子煲都好吃。"},
    {"title": "Refurbished iPhone 12 64GB – Grade A Rating – Factory Unlocked", "description": "Grade A rating means minimal signs of wear. Factory unlocked and works with all major carriers. Battery health 88% or higher, 90-day warranty."},
    {"title": "2019款 大众朗逸 1.5L 自动挡 无事故 违章已处理", "description": "一手车，全程4S店保养，可查保养记录。支持车辆买卖分期付款，首付三成即可提车。"},
    {"title": "印章收纳盒 公章财务章合同章分格存放 带锁", "description": "卡位按常用圆形公章尺寸一比一还原，放进去不晃动，附钥匙两把。"},
    {"title": "Seed Catcher Cage Skirt for African Grey Parrots", "description": "Mesh skirt catches seed and shells, so there are no papers to change every morning. Fits cages up to 100 cm wide."},
    {"title": "Custom Youth Football Jersey with Name and Number", "description": "Personalised with your player's name and number. The name and number in the photo are only a sample – enter yours at checkout. Breathable mesh, sizes YS–YXL."},
    {"title": "考试报名照片处理 尺寸像素修改 不用本人到场", "description": "发来手机拍的照片即可，按考试报名网站要求调整尺寸和底色，10分钟出图。"},
]


@pytest.mark.parametrize("listing,category,words", CAUGHT)
def test_caught(text_scanner, listing, category, words):
    assert_caught(text_scanner.scan(listing), listing, category, words, "block")


@pytest.mark.parametrize("listing", PASSED)
def test_passes(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.parametrize("listing", RED_TEAM_PASSED)
def test_red_team_innocents_pass(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))


@pytest.mark.xfail(strict=True, reason="known false positives of older rows and terms, still open: 咸鱼 the food beside 更便宜, a "
                   "refurbished phone's and a used car's brand, 一比一还原 of a size, a parrot's cage accessory, a jersey's "
                   "name and number in the photo, an exam photo's 不用本人到场 (allow-listing the last two hid real offers)")
@pytest.mark.parametrize("listing", RED_TEAM_KNOWN)
def test_red_team_innocents_older_rows_still_flag(text_scanner, listing):
    assert_passes(text_scanner.scan(listing))
