# OneCard，简体中文。此处每条消息都须在 en.ftl 中有对应条目（有测试检查）。

## 字段名称

field-surname = 姓
field-given-names = 名
field-nationality = 国籍
field-passport-number = 护照号码
field-date-of-birth = 出生日期
field-sex = 性别
field-email = 电子邮箱
field-phone = 电话
field-name = 名称
field-uscc = 统一社会信用代码
field-city = 城市
field-kind = 类型
field-username = 用户名
field-password = 密码
field-display-name = 显示名称
field-role = 角色
field-employer-id = 用人单位
field-person-id = 外籍员工
field-position = 职位
field-annual-salary = 在华年薪（人民币元）
field-contract-start = 合同开始日期
field-contract-end = 合同结束日期
field-requested-category = 申请类别
field-permit-number = 工作许可证号
field-change = 变更事项
field-change-what = 变更事项
field-change-date = 变更日期
field-employment-end = 最后工作日
field-reason = 原因
field-version = 版本
field-action = 操作
field-missing-items = 缺少的材料
field-reasons = 理由
field-items = 需补正事项
field-category = 类别
field-valid-from = 有效期起
field-valid-to = 有效期至
field-grant = 许可内容
field-new-position = 新职位
field-new-surname = 新姓
field-new-given-names = 新名
field-new-passport-number = 新护照号码
field-idempotency-key = Idempotency-Key 请求头
field-body = 请求正文
field-csrf = 表单令牌
field-details = 申请内容
field-submit = 提交

## 错误：未满足的规则

error-required = 为必填项。
error-too-short = 至少应有 { $min } 个字符。
error-too-long = 最多 { $max } 个字符。
error-control-characters = 不得包含控制字符。
error-passport-number-format = 应为 5 至 15 位大写字母和数字，与护照一致。
error-name-characters = 只能包含字母、空格、连字符、撇号和句点，与护照一致。
error-nationality-format = 应为三个字母的 ISO 3166 国家代码，如 DEU 或 GBR。
error-nationality-unknown = { $value } 不是 ISO 3166 国家代码。
error-sex-value = 应为 F、M 或 X，与护照一致。
error-email-format = 不是有效的电子邮箱地址。
error-phone-format = 应为国际格式：+ 加 7 至 15 位数字。
error-money-format = 应为以元计的金额，如 450000 或 450000.50。
error-money-too-large = 超出可接受的薪酬范围。
error-date-format = 应为 YYYY-MM-DD 格式的日期。
error-date-invalid = { $value } 不是有效日期。
error-birth-date-range = 应为 1900 年以后的过去日期。
error-city-code-format = 应为六位城市代码。
error-city-unknown = { $value } 不是受理申请的城市。
error-receipt-number-format = 不是受理编号（A 加 17 位字符）。
error-permit-number-format = 不是工作许可证号（P 加 17 位字符）。
error-check-character = 校验位不正确：有字符输入错误。
error-uscc-format = 应为 18 位数字和大写字母（不含 I、O、S、V、Z）。
error-employer-kind-value = 不是已知的单位类型。
error-role-value = 不是已知的角色。
error-category-value = 应为 A、B 或 C。
error-date-in-past = 不得早于今天。
error-valid-to-before-from = 应晚于有效期开始日期。
error-validity-too-long = 超过 { $category } 类许可最长 { $months } 个月的期限。
error-contract-end-before-start = 应晚于合同开始日期。
error-permit-not-found = 贵单位员工中没有此工作许可。
error-permit-not-valid = 该工作许可状态为 { $status }，不是有效状态。
error-extension-window = 延期应在到期前 90 至 30 天内申请：{ $opens } 至 { $closes }。
error-contract-end-not-after-permit = 应晚于许可当前到期日 { $valid_to }。
error-date-in-future = 不得晚于今天。
error-reporting-deadline-passed = 10 日申报期限已于 { $due } 届满。
error-items-required = 请至少列出一项。
error-too-many-items = 最多列出 { $max } 项。
error-grant-not-allowed = 注销不授予有效期。
error-grant-mismatch = 与 { $kind } 类申请不符。
error-employer-unknown = 没有此用人单位。
error-person-unknown = 贵单位员工中没有此人。
error-username-format = 应为 3 至 64 位小写字母、数字、句点、连字符或下划线。
error-password-length = 长度应为 { $min } 至 { $max } 个字符。
error-password-classes = 应至少包含以下两类字符：小写字母、大写字母、数字、其他字符。
error-change-employer-same = 持证人已在贵单位工作。
error-beyond-contract = 不得超过合同结束日期 { $contract_end }。
error-permit-serials-exhausted = 本城市本年度的许可证号已用尽。
error-unauthenticated = 请登录：会话不存在、已过期或无效。
error-invalid-credentials = 用户名或密码错误。
error-administrator-only = 只有管理员可以执行此操作。
error-employer-only = 只有用人单位人事账户可以执行此操作。
error-role-not-allowed = 您的角色无权查看此内容。
error-action-not-allowed-for-role = 您的角色无权对此申请执行此步骤。
error-application-not-found = 没有此申请，或您无权查看。
error-person-not-found = 没有此人，或您无权查看。
error-employer-not-found = 没有此用人单位，或您无权查看。
error-account-not-found = 没有此账户。
error-route-not-found = 没有此页面或接口。
error-illegal-transition = 申请当前状态为 { $state }，不能执行此步骤。
error-version-conflict = 此申请已被他人修改，当前状态为 { $state }（版本 { $version }）。请刷新后重新决定。
error-uscc-taken = 已有使用此统一社会信用代码的用人单位。
error-username-taken = 此用户名已被使用。
error-person-exists = 已有相同国籍和护照号码的人员。
error-idempotency-key-reused = 此 Idempotency-Key 已用于另一请求。
error-idempotency-key-format = 应为 1 至 255 个可见 ASCII 字符。
error-malformed-json = 请求正文不是有效的 JSON：{ $detail }
error-unknown-field = 不是此请求的字段。
error-invalid-type = 类型错误：{ $detail }
error-unsupported-media-type = 请以 application/json 发送请求正文。
error-payload-too-large = 请求正文超过 { $max } 字节。
error-csrf-invalid = 表单已过期或并非来自本站。请刷新页面后重试。
error-internal = 系统内部出错，已记录；请重试。
error-validation-failed = 部分字段无效。
error-method-not-allowed = 此处不允许该请求方法。
error-invalid-path = 地址中的标识符无效。
error-id-format = 不是有效的标识符（UUID）。
error-unknown-action = 不是申请可执行的步骤。
error-service-unavailable = 服务正在启动或停止，请稍后重试。

## 页面与消息共用的词汇

state-draft = 草稿
state-submitted = 已提交
state-returned = 退回补充材料
state-pre-reviewed = 已预审
state-accepted = 已受理
state-under-review = 审查中
state-corrections-requested = 要求补正
state-joint-pending = 已批准，待居留许可审批后一并发放
state-approved = 已批准
state-refused = 不予许可
state-withdrawn = 已撤回

action-created = 创建草稿
action-submit = 提交
action-resubmit = 重新提交
action-withdraw = 撤回
action-pass-pre-review = 预审通过
action-return = 退回并列明缺少的材料
action-accept = 受理
action-start-review = 开始审查
action-approve = 批准
action-refuse = 不予许可
action-request-corrections = 要求补正

kind-new = 新办工作许可
kind-extension = 延期
kind-change = 变更
kind-cancellation = 注销

change-employer = 用人单位
change-position = 职位
change-name = 姓名
change-passport = 护照

role-applicant = 外籍员工
role-employer-hr = 用人单位人事
role-labour-officer = 人社部门工作人员
role-immigration-officer = 出入境工作人员
role-social-security-officer = 社保经办人员
role-administrator = 管理员

employer-kind-university = 高等院校
employer-kind-research-institute = 科研院所
employer-kind-enterprise = 企业
employer-kind-fortune-global-500 = 世界500强企业
employer-kind-high-tech-enterprise = 高新技术企业
employer-kind-public-institution = 事业单位
employer-kind-other = 其他

permit-status-valid = 有效
permit-status-expired = 已过期
permit-status-cancelled = 已注销
permit-status-superseded = 已被替代

medium-physical-card = 实体卡
medium-electronic = 电子社保卡

## 版面与通用页面文字

app-name = 一卡通
skip-to-content = 跳到正文
nav-label = 主导航
lang-name-en = English
lang-name-zh = 中文
sign-in = 登录
sign-out = 退出登录
error-title = 出现问题
back-home = 返回首页

## 页面：标题、表头、提示与通知

optional = （选填）
select-choose = 请选择
errors-heading = 请更正以下问题
back-list = 返回列表
back-employer = 返回本单位页面
no-applications = 暂无申请。
no-people = 暂无外籍员工。
no-permits = 暂无工作许可。
validity-range = { $from } 至 { $to }
account-disabled = 已停用

col-receipt = 受理编号
col-kind = 类型
col-person = 外籍员工
col-employer = 用人单位
col-holder = 持证人
col-name = 姓名
col-state = 状态
col-status = 状态
col-medium = 载体
col-created = 创建时间
col-submitted = 提交时间
col-decided = 决定时间
col-validity = 有效期
col-revision = 版次
col-acts-for = 所属范围

field-employer-kind = 单位类型
field-holder-passport-number = 持证人现持护照号码
field-new-name = 新姓名

category-a = A类（外国高端人才）
category-b = B类（外国专业人才）
category-c = C类（其他外国人员）

sex-f = F（女）
sex-m = M（男）
sex-x = X（未指明）

hint-date = 格式：年-月-日，例如 2026-03-31。
hint-passport-name = 须与护照上的拼写完全一致。
hint-given-names = 护照上没有名的，留空即可。
hint-nationality = 护照上的三位字母国家代码，例如 DEU、FRA 或 GBR。
hint-passport-number = 5 至 15 位大写字母和数字，与护照一致。
hint-sex = 与护照一致。
hint-phone = 国际格式，例如 +86 10 1234 5678。
hint-person-id = 申请工作许可的员工；如未列出，请先添加。
hint-annual-salary = 以元为单位的年薪，例如 450000 或 450000.50。
hint-requested-category = 单位自评类别，由审批部门最终认定。
hint-permit-number = 以 P 开头，后接 17 位字符，与工作许可一致。
hint-new-position = 职位变更时填写。
hint-new-name = 姓名变更时填写，须与新护照完全一致。
hint-new-passport-number = 护照变更时填写。
hint-holder-passport-number = 由新用人单位申报用人单位变更时填写：持证人的护照号码，须与工作许可记载一致。
hint-one-per-line = 每行一项。
hint-valid-from = 不得早于今日。
hint-valid-to = 不得超过劳动合同期限及该类别的最长有效期：A类 5 年，B类 2 年，C类 1 年。
hint-uscc = 18 位，与营业执照一致。
hint-username = 3 至 64 位小写字母、数字、点、连字符或下划线。
hint-password = 8 至 64 个字符，至少包含小写字母、大写字母、数字、其他字符中的两类。
hint-account-employer = 用人单位人事账号填写。
hint-account-city = 工作人员账号填写：所属城市。
hint-account-person = 外籍员工账号填写：其人员记录的标识（UUID）。

employer-title = 本单位
employer-applications = 申请
employer-people = 外籍员工
link-new-application = 发起申请
link-new-person = 添加外籍员工
notice-person-created = 已添加外籍员工。

person-new-title = 添加外籍员工
person-new-intro = 请按护照所载如实填写员工信息。
person-save = 保存

application-new-title = 发起申请
application-new-intro = 四类申请共用一张表。请先选择申请类型，再填写该类型所需的部分，其余部分留空即可。
application-new-no-people = 本单位尚未登记外籍员工，新办工作许可前请先添加。
application-new-buttons-hint = 可先保存草稿稍后完成，也可立即提交；提交时将同时检查申报时限。
app-kind-label = 申请类型
section-new-hint = 仅用于新办工作许可。
section-contract-end = 新办与延期
section-contract-end-hint = 新办：劳动合同的截止日期。延期：新的合同截止日期，须晚于工作许可现有效期的截止日。
section-permit = 延期、变更与注销
section-permit-hint = 申请所涉及的工作许可。
section-change-hint = 仅用于变更，须在变更之日起 10 日内申报。请填写变更后的内容。
section-cancellation-hint = 仅用于注销，须在劳动关系终止之日起 10 日内申报。
save-draft = 保存草稿
submit-application = 提交申请

application-title = 申请 { $receipt }
application-facts = 概况
application-details = 申请事项
register-checks-title = 其他部门登记系统的共享数据
register-checks-hint = 提交时已向相关部门登记系统查询以下事项；经确认的事项免于提交纸质材料，其他事项仍须提交纸质材料。
register-checks-asked = 查询时间
register-checks-outcome = 答复
permit-record = 工作许可
timeline-title = 办理进度
timeline-by = 办理人：{ $name }
timeline-by-role = 办理人：{ $name }（{ $role }）
timeline-state = 状态：{ $to }
timeline-states = 状态由“{ $from }”变为“{ $to }”
actions-title = 可执行的操作
actions-none = 您目前无需对此申请进行任何操作。
notice-done = 已完成：{ $action }。

action-hint-submit = 将申请提交至外国人工作管理部门，并检查申报时限。
action-hint-resubmit = 补齐材料或完成补正后，再次提交申请。
action-hint-withdraw = 撤回后申请即告终止，不能恢复。
action-hint-pass-pre-review = 材料齐全，申请转入受理环节。
action-hint-return = 请一次性列明所有缺少的材料，每行一项。
action-hint-accept = 正式受理申请，审查时限自此起算。
action-hint-start-review = 开始实质审查。
action-hint-approve = 批准申请；新办、延期或变更按下列类别和有效期准予许可。
action-hint-refuse = 不予许可，请列明全部理由，每行一项。
action-hint-request-corrections = 要求用人单位补正下列事项，每行一项。

officer-title = 工作台
officer-city = { $city }外国人工作管理部门
officer-queue = 待办申请
officer-queue-hint = 按办理时限排列，最近的在前：已提交的按预审时限，其后按决定时限；超期的已标出。
officer-queue-empty = 暂无待办申请。
officer-all = { $city }的全部申请

me-title = 我的许可与申请
me-permits = 我的工作许可
me-no-permits = 您尚未持有工作许可。
me-applications = 我的申请
me-application-heading = { $kind }（{ $receipt }）

admin-title = 系统管理
admin-accounts = 账号
admin-new-employer = 登记用人单位
admin-register-employer = 登记
admin-new-account = 新建账号
admin-account-hint = 用人单位人事账号须选择用人单位，工作人员账号须选择城市，外籍员工账号须填写其人员记录标识。
admin-create-account = 创建账号
notice-employer-created = 用人单位已登记。
notice-account-created = 账号已创建。

permits-title = { $city }的工作许可
permits-hint = 每项工作许可的现行记录。护照号码部分隐藏显示。

# 分类：申请人情况、评估与政策版本。
error-override-reason-required = 政策评估为{ $assessed }类；批准为{ $granted }类须书面说明理由。
error-profile-new-only = 仅适用于新办许可。
error-flag-format = 须为“是”或“否”。
error-number-format = 须为整数。
error-education-value = 须为博士、硕士、学士或其他。
error-years-range = 须为0至80之间的年数。
error-months-per-year-range = 须为0至12之间的月数。
error-hsk-level-range = 须为1至9级的汉语水平考试（HSK）等级。
error-percent-range = 须为0至100之间的百分比。
error-count-range = 须为0至1,000,000之间的数量。
error-usd-amount-range = 须为0至1,000,000,000,000之间的美元金额。
error-age-below-minimum = 申请人须年满16周岁。
error-period-end-before-start = 须晚于合同开始日期。
error-policy-invalid = 政策文件无效：{ $reason }
error-policy-version-taken = 该版本号的政策已经加载。
field-override-reason = 调整类别的理由
hint-override-reason = 政策评估为{ $assessed }类。如批准为其他类别，请说明理由。
field-profile = 申请人情况
field-education = 最高学位
field-experience-years = 相关工作经历（年）
field-months-in-china = 每年在华工作月数
field-hsk-level = 汉语水平考试（HSK）等级
field-former-chinese-national = 曾为中国公民
field-degree-taught-in-chinese = 以中文授课取得学位
field-top-foreign-university = 毕业于世界知名高校
field-fortune-global-500-experience = 曾在世界500强企业任职
field-patents = 拥有专利
field-years-worked-in-china = 在华工作年限
field-national-talent-programme = 入选国家人才计划
field-international-achievement = 取得国际公认的成就
field-postdoctoral-work = 有博士后研究经历
field-skill-certificate = 持有认可的职业技能证书
field-urgently-needed = 经认定的急需紧缺人才
field-innovation-talent = 创新创业人才
field-young-graduate = 青年毕业生
field-founder = 用人单位创办人
field-founder-patents = 创办人专利数
field-founder-years = 企业经营年限
field-founder-investment-usd = 投资额（美元）
field-founder-stake = 创办人持股比例（%）
field-accompanying-family = 有随行家属
field-source = 政策文件
field-file-name = 文件名
col-due = 办理时限
overdue = 已超期
assessment-title = 自我评估：属于哪一类？
assessment-intro = 填写岗位和申请人情况，即可查看按现行政策工作许可所属的类别、各项计分、未满足的条件、需准备的材料及办理时限。所填内容不会保存。
assessment-job = 岗位
assessment-person = 申请人
assessment-profile-hint = 不适用的项目可不填。
assessment-submit = 评估
link-assessment = 自我评估
section-profile-hint = 仅适用于新办许可，可选填：申请人的相关情况。提交时按现行政策评估，审核人员可查看计分和类别。
error-c-quota-exhausted = 本市{ $year }年C类许可名额（{ $quota }个）已用完。
category-override = 类别已调整
category-override-text = 评估为{ $assessed }类，批准为{ $granted }类：{ $reason }
admin-policies = 政策版本
admin-load-policy = 加载政策版本
admin-policy-hint = 粘贴政策文件（格式见 policies/README.md）；加载前请先用 onecard policy check 检查，并用 onecard policy simulate 查看影响。自生效日期起适用。
col-policy-version = 版本
col-effective-from = 生效日期
policy-in-force = 现行
hint-policy-file-name = 文件名，用于错误信息中指明位置。
hint-policy-source = 完整的文件内容（TOML格式）。
notice-policy-loaded = 政策版本已加载，自生效日期起适用。

# 电子社保卡
link-verify = 核验二维码
hint-name-as-in-passport = 与护照完全一致。
hint-card-permit-number = 工作许可通知上的编号，例如 P1100002026000001X。
hint-card-password = 8至16位，至少包含小写字母、大写字母、数字、其他字符中的两类。登录时使用许可证编号和此密码。
card-register-title = 注册电子社保卡
card-register-intro = 请填写与护照完全一致的姓名和工作许可证编号（已参保的也可填写社会保障号码），然后以护照号码和出生日期完成实名核验，电子社保卡即显示您的工作许可。
card-register-submit = 注册
card-have-account = 已注册？请登录。
card-title = 电子社保卡
card-real-name-title = 实名核验
card-real-name-intro = 请确认身份：护照号码和出生日期须与登记信息一致。
card-real-name-submit = 确认
card-real-name-passed = 实名核验已通过，电子社保卡已载入您的工作许可。
card-issuer = 外国人来华工作许可 · 电子社保卡
card-qr-title = 出示用二维码
card-qr-alt = 您的工作许可二维码，供核验方扫描
card-qr-expires = { $seconds } 秒内有效，到期自动更新。
card-qr-refreshing = 正在获取新二维码…
card-profile-employment-check = 用工核验
card-profile-full = 完整信息（出入境）
card-physical-title = 您的实体卡
card-physical-intro = 您的工作许可为实体卡，有效期至 { $date }。不换不补：在下次延期或变更前继续有效，届时自动转为电子卡。您也可以现在转换。
card-upgrade = 转为电子卡
card-upgraded = 您的工作许可已转为电子卡。
card-numbers-title = 您的证件号码
card-show = 显示
card-ssn = 社会保障号码
card-ssn-none = 尚未发放
card-no-permit = 暂无您的有效工作许可记录。
card-messages = 消息
card-no-messages = 暂无消息。
card-to-applications = 我的申请
verify-title = 核验工作许可二维码
verify-intro = 用摄像头扫描二维码、上传二维码照片，或粘贴扫码软件读取的文本。无需登录。
verify-camera = 用摄像头扫描
verify-image = 二维码照片
verify-image-hint = PNG 或 JPEG，不超过 10 MB。
verify-text = 二维码文本
verify-text-hint = 以 OC1: 开头
verify-submit = 核验
verify-profile = 展示范围
profile-employment-check = 用工核验
profile-full = 出入境官员（完整信息）
verdict-valid = 有效
verdict-cancelled = 无效：该许可已于 { $on } 注销。
verdict-cancelled-undated = 无效：该许可已注销。
verdict-permit-expired = 无效：该许可已于 { $on } 到期。
verdict-superseded = 无效：该许可已被新许可取代，请出示当前二维码。
verdict-already-used = 无效：该二维码已被扫描过，请持证人出示新二维码。
verdict-qr-expired = 无效：该二维码已过期，请持证人出示新二维码。
verdict-bad-signature = 无效：签名不符，二维码被篡改或伪造。
verdict-unknown-key = 无效：签名密钥未经签发机关公布。
verdict-not-onecard = 不是 OneCard 二维码。
verdict-malformed = 无效：二维码损坏或不完整。
verdict-too-large = 无效：文本远超任何 OneCard 二维码的长度。
verdict-unsupported-algorithm = 无效：签名算法不是 OneCard 所用算法。
verdict-not-yet-valid = 无效：二维码日期在未来，请检查设备时间。
verdict-status-unavailable = 无法判断：未能核查该许可的状态。
error-holder-not-matched = 没有该姓名的人持有此编号的许可。
error-already-registered = 该许可持有人已注册，请直接登录。
error-real-name-mismatch = 护照号码或出生日期与登记信息不符（还可尝试 { $remaining } 次）。
error-real-name-locked = 实名核验失败次数过多，电子社保卡已锁定。请联系人社部门解锁。
error-real-name-check-required = 请先完成实名核验。
error-holder-only = 只有许可持有人才有电子社保卡。
error-physical-card = 您的工作许可为实体卡，转为电子卡后才能出示二维码。
error-already-electronic = 该许可已是电子卡。
error-issuer-not-configured = 无法签发或发布凭证：签发密钥尚未设置。
error-profile-value = 须为 employment_check 或 full。
error-status-list-not-found = 没有该状态列表。
error-verify-nothing = 请提供二维码文本或照片。
error-unsupported-image = 文件不是 PNG 或 JPEG 图片。
error-image-unreadable = 无法读取该图片。
error-image-too-large = 图片过大。
error-no-qr-found = 图片中未能识别二维码，请正对二维码拍摄更清晰的照片。
error-form-unreadable = 无法读取表单。
login-register-card = 持有工作许可？注册电子社保卡。
me-open-card = 出示电子社保卡
error-scanner-busy = 当前识别的照片较多，请稍后再试，或粘贴二维码文本。
verdict-sealed = 有效：本服务签发的通知。文件的 SHA-256 与下列一致即未被改动。
verify-document-number = 文书编号
verify-document-kind = 文书
verify-document-issued = 签发时间
verify-document-hash = 文件的 SHA-256
document-kind-notification-letter = 外国人工作许可通知
document-kind-decision-notice = 行政许可决定书
document-kind-approval-letter = 准予许可通知
document-kind-information-page = 工作许可详细信息页
error-social-security-number-format = 须为 S 加 17 位数字和一位校验码（数字或 X），与社会保障卡上一致。

# Notifications: the messages of each topic (title, then body), the inbox and the employer's settings.
notice-application-returned = 申请{ $receipt }已退回：材料不全
notice-application-returned-body = 申请{ $receipt }预审发现以下材料缺失，请一次补齐后重新提交：{ $items }
notice-corrections-requested = 申请{ $receipt }：需补正
notice-corrections-requested-body = 审查人员要求对申请{ $receipt }进行补正：{ $items }
notice-application-approved = 申请{ $receipt }已批准
notice-application-approved-body = 申请{ $receipt }已获批准。工作许可：{ $permit }。可在申请页面下载相关通知书。
notice-application-refused = 申请{ $receipt }未予批准
notice-application-refused-body = 申请{ $receipt }未予批准，理由如下：{ $items }
notice-permit-expiring = 工作许可{ $permit }将于{ $date }到期
notice-permit-expiring-body = 工作许可{ $permit }有效期至{ $date }，距今{ $days }天。可在到期前90至30天内申请延期。
notice-joint-pending = 申请{ $receipt }：{ $agency ->
    [labour] 人力资源社会保障部门
   *[immigration] 出入境管理部门
  }已批准，等待另一部门审批
notice-joint-pending-body = { $agency ->
    [labour] 人力资源社会保障部门
   *[immigration] 出入境管理部门
  }已批准“一窗通办”申请{ $receipt }中其负责的部分。待{ $agency ->
    [labour] 出入境管理部门
   *[immigration] 人力资源社会保障部门
  }也批准后，工作许可和居留许可将同时签发。
notice-residence-corrections-requested = 居留许可申请{ $receipt }：需补正
notice-residence-corrections-requested-body = 出入境管理部门要求对居留许可申请{ $receipt }进行补正：{ $items }
notice-residence-refused = 居留许可申请{ $receipt }未予批准
notice-residence-refused-body = 居留许可申请{ $receipt }未予批准，理由如下：{ $items }
notice-residence-issued = 居留许可{ $number }已签发
notice-residence-issued-body = 居留许可{ $number }已签发，有效期至{ $valid_to }。请预约到签发机关领取；护照不予留存。
notice-residence-under-review = 居留许可{ $number }待复核
notice-residence-under-review-body = 居留许可{ $number }所依据的工作许可已注销，出入境管理部门将决定该居留许可是否继续有效。
notice-insurance-registered = 社会保险已登记：{ $ssn }
notice-insurance-registered-body = 社会保险已登记，社会保障号码为{ $ssn }。实体社会保障卡正在制作中。
notice-insurance-refused = 社会保险登记申请未予受理
notice-insurance-refused-body = 社会保险登记申请未予受理，理由如下：{ $items }
notice-card-state = 社会保障卡{ $ssn }：{ $state ->
    [ready] 已制成，可领取
    [issued] 已发放
    [reported_lost] 已挂失
    [cancelled] 已注销
   *[being_made] 制作中
  }
notice-card-state-body = { $state ->
    [ready] 您的社会保障卡已制成，请到社会保险经办机构领取。
    [issued] 您的社会保障卡已发放给您本人。
    [reported_lost] 您的社会保障卡已挂失，不能再使用；可申请补办新卡。
    [cancelled] 您的社会保障卡已注销。
   *[being_made] 正在为您制作新的社会保障卡。
  }
notice-appointment-booked = 已预约{ $slot }
notice-appointment-booked-body = 您已预约{ $slot }到{ $office }（{ $address }）办理。可在网上改约或取消。
notice-appointment-reminder = 提醒：{ $slot }的预约
notice-appointment-reminder-body = 您预约了{ $slot }到{ $office }（{ $address }）办理。请携带护照，查验后当场退还。
inbox-title = 消息
inbox-link = 消息（{ $unread }条未读）
inbox-empty = 暂无消息。
inbox-unread = 未读
inbox-mark-read = 标为已读
inbox-open = 查看
inbox-received = 收到时间：{ $time }
notifications-title = 通知设置
notifications-link = 通知设置
notifications-intro = 通知总会送达消息箱；同时发送到联系邮箱；如设置了Webhook地址，还会以Webhook密钥签名后推送到该地址。
field-contact-email = 联系邮箱
field-webhook-url = Webhook地址
notifications-regenerate = 生成新的Webhook密钥
notifications-save = 保存
notifications-saved = 通知设置已保存。
notifications-secret-once = Webhook密钥仅显示这一次，请保存到接收方可读取的位置。
notifications-has-secret = 已设置Webhook密钥。
error-notice-not-found = 没有这条消息。
error-webhook-url-format = 须为不含空格的完整http://地址。
error-webhook-https-unsupported = 本服务器暂不支持https://的Webhook地址，请在内网使用http://。
error-webhook-secret-unavailable = 服务器未配置封存密钥，无法保存Webhook密钥。
error-topic-format = 须由小写字母、数字和单个下划线组成。
error-site-path-format = 须为本站路径。

# The one-stop service: residence permits, appointments, social insurance.
field-role-at-employer = 在单位担任的职务
field-requested-months = 申请期限（月）
field-card-qr = 电子社保卡二维码
field-slot = 预约时段
field-office-id = 办理点
field-purpose = 事项
field-subject-id = 办理对象
field-filed-on = 日期
field-keep = 决定
field-note = 说明
field-decision = 决定
field-state = 状态
field-residence-permit = 居留许可
field-passport = 护照
field-residence = 居留许可
error-residence-too-short = 须在起始日期后至少{ $days }天。
error-residence-too-long = 按居留许可规则不得晚于{ $max_valid_to }。
error-passport-not-inspected = 尚未现场查验；批准前须查验护照并当场退还。
error-role-at-employer-value = 须为 manager（管理人员）、professional（专业人员）或 other（其他）。
error-filing-kind-value = 须为 region_move（同一单位跨区域流动）或 degree_study（攻读学位）。
error-residence-permit-number-format = 须为 R 加 16 位数字和一位校验码，与居留许可上一致。
error-one-stop-new-only = 只能与新办工作许可一并申请。
error-one-stop-needs-submit = 须随已提交的申请一并申请，不能保存为草稿。
error-out-of-range = 须在{ $min }至{ $max }之间。
error-card-code-not-valid = 核验未通过（{ $outcome }），请持卡人出示新的二维码。
error-one-of-permit-or-code = 请填写许可编号或电子社保卡二维码，二者只能选一。
error-slot-in-past = 该时段已开始。
error-slot-too-far = 超过{ $days }天以后，暂不能预约。
error-office-closed = 该办理点{ $date }不办公。
error-not-a-slot = 不是该办理点的预约时段。
error-slot-format = 须为日期和时间，格式 YYYY-MM-DDTHH:MM。
error-slot-full = 已约满，请选择其他时段。
error-closes-before-opens = 须晚于开始办公时间。
error-nothing-to-inspect = 没有待查验护照的事项。
error-nothing-to-collect = 没有待领取的证件。
error-office-other-city = 与许可不在同一城市。
error-purpose-value = 须为 passport_inspection（护照查验）或 collect_residence_permit（领取居留许可）。
error-card-state-value = 须为 being_made、ready、issued、reported_lost 或 cancelled。
error-card-step-not-allowed = 社会保障卡不能由{ $from }变为{ $to }。
error-card-not-replaceable = 只有在原卡挂失或注销后才能补办新卡。
error-decision-value = 须为 register（登记）或 refuse（不予受理）。
error-residence-permit-not-valid = 已失效（{ $status }）。
error-residence-application-not-found = 没有该居留许可申请。
error-residence-permit-not-found = 没有该居留许可。
error-office-not-found = 没有该办理点。
error-appointment-not-found = 没有该预约。
error-insurance-not-found = 没有该社会保险登记。
error-residence-application-open = 此人已有正在办理的居留许可申请。
error-appointment-exists = 该事项已有预约，请改约。
error-appointment-not-booked = 该预约已不在有效状态。
error-insurance-exists = 此人已参保，或已有正在办理的登记申请。
error-already-collected = 该居留许可已领取。
error-residence-permit-not-under-review = 该居留许可不在复核中。
error-immigration-officer-only = 只有出入境管理部门工作人员可以执行此操作。
error-social-security-officer-only = 只有社会保险经办人员可以执行此操作。
error-case-step-not-open = 事项当前状态为{ $case_state }，不能执行此步骤。
error-case-changed = 此事项已被他人修改，当前状态为{ $case_state }（版本{ $version }）。请刷新后重新决定。
error-insurance-not-registered = 社会保险尚未登记（{ $case_state }）。
case-state-submitted = 已提交
case-state-under-review = 审查中
case-state-corrections-requested = 要求补正
case-state-joint-pending = 已批准，等待另一部门审批
case-state-approved = 已批准
case-state-refused = 不予批准
case-state-withdrawn = 已撤回
case-state-requested = 已申请
case-state-registered = 已登记
error-time-format = 须为时间，格式 HH:MM。
error-weekday-value = 须为星期几：mon、tue、wed、thu、fri、sat 或 sun。
field-opens = 开始办公时间
field-closes = 结束办公时间
field-slot-minutes = 每个时段（分钟）
field-capacity = 每个时段名额
field-weekdays = 办公日
field-closed-on = 不办公日期
field-address = 地址
