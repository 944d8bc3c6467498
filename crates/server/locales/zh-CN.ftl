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
officer-queue-hint = 按提交时间排列，最早提交的在前。
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
