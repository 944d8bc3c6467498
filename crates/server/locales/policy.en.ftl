# The policy engine's rules, reasons and labels (rule ids as in policies/README.md).
# 政策引擎的规则、理由与标签（规则标识见 policies/README.md）。
#
# Ids: policy-rule-<rule id> for every Reason, with its parameters as variables; labels of
# factors, criteria, documents and categories under their own prefixes. Variables come as text:
# a region is a city name, an education or extras item its label, a cluster its name. For every
# whole number $x the caller also passes $x_plural (zero, one or other), and for bands $last (the
# last value of a bounded band) or $to = none (the open top band).

## Categories

policy-category-a = Category A (foreign high-end talent)
policy-category-b = Category B (foreign professional talent)
policy-category-c = Category C (other foreign nationals)
policy-category-a-description = High-end talent: encouraged, with no quota.
policy-category-b-description = Professional talent the economy needs: admitted under set conditions.
policy-category-c-description = Others meeting the needs of the labour market: restricted, quota-managed.

## Headings and labels of an assessment

policy-heading-assessment = Classification assessment
policy-heading-category = Category
policy-heading-basis = Basis of the category
policy-heading-points = Points
policy-heading-direct-criteria = Direct criteria met
policy-heading-eligibility = Eligibility
policy-heading-failures = Requirements not met
policy-heading-applied-rules = Regional rules applied
policy-heading-procedure = Procedure
policy-heading-documents = Documents
policy-heading-physical-filing = Originals
policy-heading-deadlines = Time limits
policy-heading-max-validity = Maximum validity
policy-heading-c-quota = Category C quota
policy-col-factor = Factor
policy-col-points = Points
policy-col-explanation = Explanation
policy-col-document = Document
policy-col-status = Status
policy-label-policy-version = Policy version: { $version }
policy-label-points = { $points } { $points_plural ->
    [one] point
   *[other] points
    }
policy-label-total-points = Total: { $total } { $total_plural ->
    [one] point
   *[other] points
    }
policy-label-eligible = Eligible
policy-label-not-eligible = Not eligible
policy-label-no-direct-criteria = No direct criterion is met.
policy-label-no-failures = Every requirement of the category is met.
policy-label-no-applied-rules = No regional rule changed the outcome.
policy-label-accept-with-missing = The application may be accepted with documents still missing.
policy-label-submitted-on = Submitted on { $date }
policy-max-validity = Up to { $months } { $months_plural ->
    [one] month
   *[other] months
    }.
policy-max-validity-until = Up to { $months } { $months_plural ->
    [one] month
   *[other] months
    }: from the start asked for, until { $date } at the latest.
policy-c-quota = The region may issue { $quota } category C { $quota_plural ->
    [one] permit
   *[other] permits
    } a year.

## Factors of the points table

policy-factor-salary = Annual salary
policy-factor-education = Education
policy-factor-experience = Work experience
policy-factor-months-in-china = Time worked in China each year
policy-factor-chinese = Chinese language
policy-factor-location = Place of work
policy-factor-age = Age
policy-factor-extras = Additional merits
policy-factor-provincial-bonus = Local incentive points

policy-education-doctorate = doctorate
policy-education-master = master's degree
policy-education-bachelor = bachelor's degree
policy-education-other = below a bachelor's degree

policy-extra-top-foreign-university = graduate of a top foreign university
policy-extra-fortune-global-500-experience = experience at a Fortune Global 500 company
policy-extra-patents = holder of patents
policy-extra-years-in-china = long service in China

policy-cluster-jing-jin-ji = Beijing–Tianjin–Hebei

## Rules: points

policy-capped = { $capped ->
    [true] {" "}The factor's maximum caps the points.
   *[other] {""}
    }
policy-rule-salary-band = Annual salary of { $value } yuan: { $to ->
    [none] top band, { $from } yuan or more
   *[other] band from { $from } to under { $to } yuan
    }.{ policy-capped }
policy-rule-education-level = Highest degree: { $education }.
policy-rule-experience-band = { $value } { $value_plural ->
    [one] year
   *[other] years
    } of relevant work experience: { $to ->
    [none] band of { $from } years or more
   *[other] band of { $from }–{ $last } years
    }.{ policy-capped }
policy-rule-months-in-china-band = Works { $value } { $value_plural ->
    [one] month
   *[other] months
    } a year in China: { $to ->
    [none] band of { $from } months or more
   *[other] band of { $from }–{ $last } months
    }.{ policy-capped }
policy-rule-hsk-level-band = { $value_plural ->
    [zero] No HSK certificate.
   *[other] HSK level { $value }: { $to ->
        [none] band of level { $from } and above
       *[other] band of levels { $from }–{ $last }
    }.{ policy-capped }
    }
policy-rule-age-band = Aged { $value }: { $to ->
    [none] band of { $from } and over
   *[other] band of { $from }–{ $last }
    }.{ policy-capped }
policy-rule-former-chinese-national = Scored as a former Chinese national.
policy-rule-degree-taught-in-chinese = Scored for a degree taught in Chinese.
policy-rule-listed-region = Works in { $region }, one of the western regions, north-eastern industrial bases and poverty counties that earn location points.
policy-rule-region-not-listed = { $region } is not among the western regions, north-eastern industrial bases and poverty counties that earn location points.
policy-rule-extras = Additional merits: { $items }; { $sum } { $sum_plural ->
    [one] point
   *[other] points
    } together.{ policy-capped }
policy-rule-no-extras = None of the additional merits applies.
policy-rule-provincial-bonus = Local incentive points that { $region } grants to everyone working there.

## Rules: basis of the category

policy-rule-direct = Category { $category } by a direct criterion. { $criterion }
policy-rule-points = Category { $category } by points: { $total } { $total_plural ->
    [one] point
   *[other] points
    } reach the threshold of { $threshold }.
policy-rule-below-thresholds = Category C: { $total } { $total_plural ->
    [one] point
   *[other] points
    } fall short of the { $threshold_b } needed for category B, and no direct criterion is met.

## Rules: eligibility

policy-rule-not-foreign-national = The applicant is a Chinese national: work permits are for foreign nationals.
policy-rule-below-minimum-age = Aged { $age }: below the minimum working age of { $min_age }.
policy-rule-over-age-limit = Aged { $age }: over the age limit of { $max_age } for category { $category }.
policy-rule-degree-required = Category { $category } by points needs a { $min_education } or higher; highest qualification held: { $education }.
policy-rule-experience-required = Category { $category } by points needs at least { $min_years } { $min_years_plural ->
    [one] year
   *[other] years
    } of relevant work experience; the applicant has { $years }.

## Rules: regional measures and exceptions

policy-rule-urgently-needed-age-limit = { $region } raises the category B age limit to { $max_age } for urgently needed talent.
policy-rule-innovation-talent-degree-experience-exempt = { $region } waives the degree and experience requirements for innovation and entrepreneurship talent.
policy-rule-young-graduate-experience-exempt = { $region } waives the work experience requirement for young graduates.
policy-rule-young-graduate-validity = { $region } grants young graduates in category B permits of up to { $months } { $months_plural ->
    [one] month
   *[other] months
    }.
policy-rule-cluster-transfer-filing = A move between qualifying employers within the { $cluster } cluster, while the permit is valid, is filed rather than applied for anew.
policy-rule-average-wage-unknown = No average wage is recorded for { $region }, so the criteria based on a multiple of it cannot be met.

## Rules: documents not asked for

policy-rule-shared-data = It is confirmed from another department's register at submission.
policy-rule-no-accompanying-family = No family members accompany the applicant.

## Rules: documents on paper after asking a register

policy-rule-register-not-confirmed = The register { $register } does not confirm it: { $why }.
policy-rule-register-no-answer = The register { $register } gave no answer: { $why }.
policy-rule-register-garbage = The answer of the register { $register } could not be used: { $why }.
policy-rule-register-not-configured = No register is configured to confirm it.

## What a register answered

policy-register-confirmed = Confirmed by { $register } (reference { $reference }, data as of { $as_of }).
policy-register-outcome-confirmed = Confirmed
policy-register-outcome-not-confirmed = Not confirmed
policy-register-outcome-no-answer = No answer
policy-register-outcome-garbage = Unreadable answer
policy-register-why-not-registered = it holds no record of it
policy-register-why-licence-not-in-force = the licence is not in force
policy-register-why-name-mismatch = the registered name differs
policy-register-why-not-in-city = the registered address is not in the city
policy-register-why-timeout = it did not answer in time
policy-register-why-unreachable = it could not be reached
policy-register-why-status = it refused to answer
policy-register-why-too-large = the answer was too large
policy-register-why-not-json = the answer was not JSON
policy-register-why-wrong-shape = the answer did not have the agreed form
policy-register-why-bad-reference = the answer carried no usable reference
policy-register-why-other-subject = the answer was about someone else
policy-register-why-as-of-in-future = the answer was dated in the future
policy-register-why-registered-in-future = the registration was dated after the answer

## Rules: the decision time limit

policy-rule-decision-long-permit = A permit of { $period_days } days, longer than { $short_permit_max_days }: decided within { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    }.
policy-rule-decision-short-permit = A permit of { $period_days } days, no longer than { $short_permit_max_days }: decided within { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    }.
policy-rule-decision-no-period = No period asked for: decided within { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    }, as a permit longer than { $short_permit_max_days } days.

## Direct criteria: the name, then what met it

policy-criterion-national-talent-programme = National talent programme
policy-criterion-international-achievement = Internationally recognised achievement
policy-criterion-a-salary-multiple = Salary a high multiple of the local average wage (category A)
policy-criterion-founder-investment = Founder with patents, investment and a stake
policy-criterion-postdoc-under-age = Young postdoctoral researcher
policy-criterion-bachelor-and-experience = Degree and relevant work experience
policy-criterion-skill-certificate = Recognised skill certificate
policy-criterion-b-salary-multiple = Salary a multiple of the local average wage (category B)

policy-criterion-national-talent-programme-met = Selected by a national talent programme.
policy-criterion-international-achievement-met = Holds an internationally recognised professional achievement.
policy-criterion-salary-multiple-met = Annual salary of { $salary_yuan } yuan, at least { $multiple } times the local average wage of { $average_wage_yuan } yuan ({ $threshold_yuan } yuan).
policy-criterion-a-salary-multiple-met = { policy-criterion-salary-multiple-met }
policy-criterion-b-salary-multiple-met = { policy-criterion-salary-multiple-met }
policy-criterion-founder-investment-met = Founder holding { $patents } { $patents_plural ->
    [one] patent
   *[other] patents
    } and a { $stake_percent }% stake, with an investment of { $investment_usd } US dollars in a company operating for { $years } { $years_plural ->
    [one] year
   *[other] years
    }.
policy-criterion-postdoc-under-age-met = Postdoctoral research experience, aged { $age }: under { $under_age }.
policy-criterion-bachelor-and-experience-met = Highest degree: { $education }, with { $years } { $years_plural ->
    [one] year
   *[other] years
    } of relevant work experience.
policy-criterion-skill-certificate-met = Holds a recognised vocational skill certificate.

## Procedure and filing of originals

policy-procedure-application = A full application to the labour authority.
policy-procedure-cluster-filing = A filing, not a new application: the permit holder moves between qualifying employers within the { $cluster } cluster.
policy-physical-filing = The originals of the documents are to be filed in person within { $days } { $days_plural ->
    [one] day
   *[other] days
    } of entry.

## Documents

policy-document-kind-application-form = Application form
policy-document-kind-degree-certificate = Degree and qualification certificates
policy-document-kind-experience-proof = Proof of work experience
policy-document-kind-no-criminal-record = Certificate of no criminal record
policy-document-kind-medical-report = Medical examination report
policy-document-kind-employment-contract = Employment contract
policy-document-kind-passport = Passport
policy-document-kind-photo = Recent photo
policy-document-kind-family-documents = Documents of accompanying family
policy-document-kind-business-licence = Employer's business licence
policy-document-kind-change-proof = Proof of the change
policy-document-kind-termination-proof = Proof that the employment ended
policy-document-kind-accommodation-registration = Registration of accommodation

policy-document-status-required = To submit
policy-document-status-stale = To submit again
policy-document-status-on-file = On file
policy-document-status-exempt = Not required
policy-document-status-confirmed = Confirmed by a register
policy-document-status-paper = To submit on paper

policy-document-required = To be submitted.
policy-document-stale = To be submitted again: the one verified in { $region } was issued on { $issued_on } and was accepted only until { $valid_until }.
policy-document-exempt = Not required. { $reason }
policy-document-confirmed = Not required: { $register } confirmed it at { $answered_at } (reference { $reference }, data as of { $as_of }).
policy-document-paper = To be submitted on paper. { $reason }
policy-document-valid-months = Accepted within { $months } { $months_plural ->
    [one] month
   *[other] months
    } of issue.
policy-document-deferrable = The application may be accepted before it is provided.
policy-reuse-same-region = On file: verified in { $region } on { $verified_on }, so not asked for again.
policy-reuse-cluster = On file: verified in { $region } on { $verified_on } and recognised within the { $cluster } cluster, so not asked for again.

## Time limits

policy-deadline-pre-review-label = Online pre-review
policy-deadline-decision-label = Decision
policy-deadline-decision-extended-label = Decision, if the time limit is extended
policy-deadline-pre-review = Online pre-review by { $date }, { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    } after submission.
policy-deadline-decision = Decision by { $date }, { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    } after submission.
policy-deadline-decision-extended = If the time limit is extended, decision by { $date }, { $working_days } working { $working_days_plural ->
    [one] day
   *[other] days
    } after submission.
policy-deadline-fallback = Part of the count falls in a year without a published holiday calendar: Monday to Friday count as working days, so the dates may shift.
policy-deadline-provisional = Part of the count falls in a year whose holiday arrangement is an estimate, not yet published by the State Council: the dates may shift.
