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
