# The policy engine's rules, reasons and labels (rule ids as in policies/README.md).
# 政策引擎的规则、理由与标签（规则标识见 policies/README.md）。
#
# 变量均为文本：地区为城市名称，学历、加分项为其名称，区域为区域名称。各条目的变量与
# policy.en.ftl 相同；英文复数所用的 $x_plural 在中文中不用。

## 类别

policy-category-a = 外国高端人才（A类）
policy-category-b = 外国专业人才（B类）
policy-category-c = 其他外国人员（C类）
policy-category-a-description = 鼓励类：国家鼓励引进的高端人才，不受数量限制。
policy-category-b-description = 控制类：经济社会发展急需的专业人才，按规定条件引进。
policy-category-c-description = 限制类：满足国内劳动力市场需求的其他外国人员，实行数量管理。

## 评估结果的标题与标签

policy-heading-assessment = 分类评估
policy-heading-category = 类别
policy-heading-basis = 认定依据
policy-heading-points = 计点积分
policy-heading-direct-criteria = 符合的直接认定条件
policy-heading-eligibility = 申请条件
policy-heading-failures = 不符合的条件
policy-heading-applied-rules = 适用的地方规定
policy-heading-procedure = 办理方式
policy-heading-documents = 申请材料
policy-heading-physical-filing = 材料原件
policy-heading-deadlines = 办理时限
policy-heading-max-validity = 最长有效期
policy-heading-c-quota = C类配额
policy-col-factor = 要素
policy-col-points = 分值
policy-col-explanation = 说明
policy-col-document = 材料
policy-col-status = 状态
policy-label-policy-version = 政策版本：{ $version }
policy-label-points = { $points } 分
policy-label-total-points = 合计：{ $total } 分
policy-label-eligible = 符合条件
policy-label-not-eligible = 不符合条件
policy-label-no-direct-criteria = 不符合任何直接认定条件。
policy-label-no-failures = 符合该类别的全部条件。
policy-label-no-applied-rules = 无影响评估结果的地方规定。
policy-label-accept-with-missing = 可容缺受理。
policy-label-submitted-on = 提交日期：{ $date }
policy-max-validity = 最长 { $months } 个月。
policy-max-validity-until = 最长 { $months } 个月：自申请的起始日起算，最迟至 { $date }。
policy-c-quota = 本地区每年可签发C类工作许可 { $quota } 个。

## 计点积分要素

policy-factor-salary = 工资性年收入
policy-factor-education = 学历（学位）
policy-factor-experience = 工作经历
policy-factor-months-in-china = 年度在华工作时间
policy-factor-chinese = 汉语水平
policy-factor-location = 工作地区
policy-factor-age = 年龄
policy-factor-extras = 加分项
policy-factor-provincial-bonus = 地方鼓励性加分

policy-education-doctorate = 博士
policy-education-master = 硕士
policy-education-bachelor = 学士
policy-education-other = 学士以下

policy-extra-top-foreign-university = 毕业于世界知名高校
policy-extra-fortune-global-500-experience = 曾在世界500强企业任职
policy-extra-patents = 拥有专利
policy-extra-years-in-china = 在华工作年限较长

policy-cluster-jing-jin-ji = 京津冀

## 规则：计点积分

policy-capped = { $capped ->
    [true] 按该项最高分计。
   *[other] {""}
    }
policy-rule-salary-band = 工资性年收入 { $value } 元，{ $to ->
    [none] 属于 { $from } 元及以上的最高档
   *[other] 属于 { $from } 元（含）至 { $to } 元（不含）档
    }。{ policy-capped }
policy-rule-education-level = 最高学位：{ $education }。
policy-rule-experience-band = 相关工作经历 { $value } 年，{ $to ->
    [none] 属于 { $from } 年及以上档
   *[other] 属于 { $from }–{ $last } 年档
    }。{ policy-capped }
policy-rule-months-in-china-band = 每年在华工作 { $value } 个月，{ $to ->
    [none] 属于 { $from } 个月及以上档
   *[other] 属于 { $from }–{ $last } 个月档
    }。{ policy-capped }
policy-rule-hsk-level-band = { $value_plural ->
    [zero] 未取得汉语水平考试（HSK）证书。
   *[other] 汉语水平考试（HSK）{ $value } 级，{ $to ->
        [none] 属于 { $from } 级及以上档
       *[other] 属于 { $from }–{ $last } 级档
        }。{ policy-capped }
    }
policy-rule-age-band = 年龄 { $value } 周岁，{ $to ->
    [none] 属于 { $from } 周岁及以上档
   *[other] 属于 { $from }–{ $last } 周岁档
    }。{ policy-capped }
policy-rule-former-chinese-national = 按曾具有中国国籍计分。
policy-rule-degree-taught-in-chinese = 按取得以汉语授课的学位计分。
policy-rule-listed-region = 在{ $region }工作，属于西部地区、东北等老工业基地或国家扶贫开发工作重点县，予以加分。
policy-rule-region-not-listed = { $region }不属于西部地区、东北等老工业基地或国家扶贫开发工作重点县，不予加分。
policy-rule-extras = 加分项：{ $items }，合计 { $sum } 分。{ policy-capped }
policy-rule-no-extras = 无加分项。
policy-rule-provincial-bonus = { $region }对在本地工作的申请人给予的地方鼓励性加分。

## 规则：类别认定依据

policy-rule-direct = 符合{ $category }类直接认定条件。{ $criterion }
policy-rule-points = 按计点积分认定为{ $category }类：积分 { $total } 分，达到 { $threshold } 分的标准。
policy-rule-below-thresholds = 认定为C类：积分 { $total } 分，低于B类所需的 { $threshold_b } 分，且不符合直接认定条件。

## 规则：申请条件

policy-rule-not-foreign-national = 申请人为中国公民，不适用外国人来华工作许可。
policy-rule-below-minimum-age = 年龄 { $age } 周岁，未达到 { $min_age } 周岁的最低就业年龄。
policy-rule-over-age-limit = 年龄 { $age } 周岁，超过{ $category }类 { $max_age } 周岁的年龄上限。
policy-rule-degree-required = 按计点积分认定为{ $category }类，须具有{ $min_education }及以上学位；申请人最高学位：{ $education }。
policy-rule-experience-required = 按计点积分认定为{ $category }类，须具有 { $min_years } 年以上相关工作经历；申请人为 { $years } 年。

## 规则：地方措施与例外

policy-rule-urgently-needed-age-limit = { $region }对急需紧缺人才将B类年龄上限放宽至 { $max_age } 周岁。
policy-rule-innovation-talent-degree-experience-exempt = { $region }对创新创业人才不设学历和工作经历要求。
policy-rule-young-graduate-experience-exempt = { $region }对外籍青年毕业生不要求工作经历。
policy-rule-young-graduate-validity = { $region }对B类外籍青年毕业生的工作许可有效期最长可至 { $months } 个月。
policy-rule-cluster-transfer-filing = 工作许可有效期内在{ $cluster }区域内符合条件的用人单位之间流动的，办理备案，无需重新申请。
policy-rule-average-wage-unknown = 未登记{ $region }的平均工资，无法适用以平均工资倍数认定的条件。

## 规则：免于提交的材料

policy-rule-shared-data = 提交时通过其他部门登记系统共享数据核验。
policy-rule-no-accompanying-family = 无随行家属。

## 规则：查询部门登记系统后仍须提交纸质材料

policy-rule-register-not-confirmed = 登记系统 { $register } 未能确认：{ $why }。
policy-rule-register-no-answer = 登记系统 { $register } 未答复：{ $why }。
policy-rule-register-garbage = 登记系统 { $register } 的答复无法使用：{ $why }。
policy-rule-register-not-configured = 未配置可确认此项的部门登记系统。

## 部门登记系统的答复

policy-register-confirmed = 已由 { $register } 确认（编号 { $reference }，数据截至 { $as_of }）。
policy-register-outcome-confirmed = 已确认
policy-register-outcome-not-confirmed = 未确认
policy-register-outcome-no-answer = 未答复
policy-register-outcome-garbage = 答复无法识别
policy-register-why-not-registered = 无相关登记记录
policy-register-why-licence-not-in-force = 营业执照不在有效状态
policy-register-why-name-mismatch = 登记名称不一致
policy-register-why-not-in-city = 登记住址不在本市
policy-register-why-timeout = 未在规定时间内答复
policy-register-why-unreachable = 无法连接
policy-register-why-status = 拒绝答复
policy-register-why-too-large = 答复内容过大
policy-register-why-not-json = 答复不是 JSON 格式
policy-register-why-wrong-shape = 答复格式不符合约定
policy-register-why-bad-reference = 答复未附有效编号
policy-register-why-other-subject = 答复所涉对象不符
policy-register-why-as-of-in-future = 答复日期晚于今日
policy-register-why-registered-in-future = 登记日期晚于答复日期

## 规则：审批时限

policy-rule-decision-long-permit = 申请期限 { $period_days } 天，超过 { $short_permit_max_days } 天，应在 { $working_days } 个工作日内作出决定。
policy-rule-decision-short-permit = 申请期限 { $period_days } 天，不超过 { $short_permit_max_days } 天，应在 { $working_days } 个工作日内作出决定。
policy-rule-decision-no-period = 未申请具体期限，按超过 { $short_permit_max_days } 天的许可办理，应在 { $working_days } 个工作日内作出决定。

## 直接认定条件：名称及符合情况

policy-criterion-national-talent-programme = 入选国内人才引进计划
policy-criterion-international-achievement = 国际公认的专业成就
policy-criterion-a-salary-multiple = 工资性年收入达到当地平均工资的规定倍数（A类）
policy-criterion-founder-investment = 创新创业人才（专利、投资与持股）
policy-criterion-postdoc-under-age = 具有博士后研究经历的青年人才
policy-criterion-bachelor-and-experience = 学士及以上学位和相关工作经历
policy-criterion-skill-certificate = 取得职业技能资格证书
policy-criterion-b-salary-multiple = 工资性年收入达到当地平均工资的规定倍数（B类）

policy-criterion-national-talent-programme-met = 入选国内人才引进计划。
policy-criterion-international-achievement-met = 取得国际公认的专业成就。
policy-criterion-salary-multiple-met = 工资性年收入 { $salary_yuan } 元，不低于当地平均工资 { $average_wage_yuan } 元的 { $multiple } 倍（{ $threshold_yuan } 元）。
policy-criterion-a-salary-multiple-met = { policy-criterion-salary-multiple-met }
policy-criterion-b-salary-multiple-met = { policy-criterion-salary-multiple-met }
policy-criterion-founder-investment-met = 创业者拥有 { $patents } 项专利、持股 { $stake_percent }%，投资额 { $investment_usd } 美元，企业已运营 { $years } 年。
policy-criterion-postdoc-under-age-met = 具有博士后研究经历，年龄 { $age } 周岁，未满 { $under_age } 周岁。
policy-criterion-bachelor-and-experience-met = 最高学位：{ $education }，具有 { $years } 年相关工作经历。
policy-criterion-skill-certificate-met = 持有国际通用的职业技能资格证书。

## 办理方式与原件备案

policy-procedure-application = 向外国人工作管理部门提出申请。
policy-procedure-cluster-filing = 办理备案，无需重新申请：持证人在{ $cluster }区域内符合条件的用人单位之间流动。
policy-physical-filing = 须在入境后 { $days } 日内现场提交申请材料原件。

## 申请材料

policy-document-kind-application-form = 外国人来华工作许可申请表
policy-document-kind-degree-certificate = 最高学历（学位）证书或相关资格证书
policy-document-kind-experience-proof = 工作资历证明
policy-document-kind-no-criminal-record = 无犯罪记录证明
policy-document-kind-medical-report = 体检报告
policy-document-kind-employment-contract = 劳动合同（聘用合同）
policy-document-kind-passport = 护照
policy-document-kind-photo = 近期正面免冠照片
policy-document-kind-family-documents = 随行家属相关证明材料
policy-document-kind-business-licence = 用人单位营业执照
policy-document-kind-change-proof = 变更事项证明材料
policy-document-kind-termination-proof = 解除（终止）劳动关系证明
policy-document-kind-accommodation-registration = 境外人员住宿登记证明

policy-document-status-required = 须提交
policy-document-status-stale = 须重新提交
policy-document-status-on-file = 已存档
policy-document-status-exempt = 免于提交
policy-document-status-confirmed = 已由部门数据确认
policy-document-status-paper = 须提交纸质材料

policy-document-required = 须提交。
policy-document-stale = 须重新提交：{ $region }核验的材料签发于 { $issued_on }，有效期已于 { $valid_until } 届满。
policy-document-exempt = 免于提交。{ $reason }
policy-document-confirmed = 免于提交：{ $register }已于 { $answered_at } 确认（编号 { $reference }，数据截至 { $as_of }）。
policy-document-paper = 须提交纸质材料。{ $reason }
policy-document-valid-months = 自签发之日起 { $months } 个月内有效。
policy-document-deferrable = 可容缺受理，后补此项材料。
policy-reuse-same-region = 已存档：{ $region }已于 { $verified_on } 核验，无需重复提交。
policy-reuse-cluster = 已存档：{ $region }已于 { $verified_on } 核验，{ $cluster }区域内互认，无需重复提交。

## 办理时限

policy-deadline-pre-review-label = 网上预审
policy-deadline-decision-label = 审批决定
policy-deadline-decision-extended-label = 延长审批期限后的决定
policy-deadline-pre-review = 网上预审于 { $date } 前完成（提交后 { $working_days } 个工作日内）。
policy-deadline-decision = 于 { $date } 前作出审批决定（提交后 { $working_days } 个工作日内）。
policy-deadline-decision-extended = 如延长审批期限，于 { $date } 前作出决定（提交后 { $working_days } 个工作日内）。
policy-deadline-fallback = 部分日期所在年度的节假日安排尚未公布，暂按周一至周五计算工作日，日期可能调整。
policy-deadline-provisional = 部分日期所在年度的节假日安排为预估，国务院办公厅尚未正式公布，日期可能调整。
