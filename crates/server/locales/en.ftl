# OneCard, English. Every message here has its counterpart in zh-CN.ftl (a test checks).

## Field labels, used in error messages and forms

field-surname = Surname
field-given-names = Given names
field-nationality = Nationality
field-passport-number = Passport number
field-date-of-birth = Date of birth
field-sex = Sex
field-email = E-mail
field-phone = Telephone
field-name = Name
field-uscc = Unified social credit code
field-city = City
field-kind = Kind
field-username = Username
field-password = Password
field-display-name = Display name
field-role = Role
field-employer-id = Employer
field-person-id = Foreign employee
field-position = Position
field-annual-salary = Annual salary in China (CNY)
field-contract-start = Contract start
field-contract-end = Contract end
field-requested-category = Requested category
field-permit-number = Work permit number
field-change = What changed
field-change-what = What changed
field-change-date = Date of the change
field-employment-end = Last day of employment
field-reason = Reason
field-version = Version
field-action = Action
field-missing-items = Missing items
field-reasons = Reasons
field-items = Items to correct
field-category = Category
field-valid-from = Valid from
field-valid-to = Valid to
field-grant = Grant
field-new-position = New position
field-new-surname = New surname
field-new-given-names = New given names
field-new-passport-number = New passport number
field-idempotency-key = Idempotency-Key header
field-body = Request body
field-csrf = Form token
field-details = Details
field-submit = Submit

## Errors: the rule that failed

error-required = is required.
error-too-short = must be at least { $min } characters long.
error-too-long = must be at most { $max } characters long.
error-control-characters = must not contain control characters.
error-passport-number-format = must be 5 to 15 capital letters and digits, as in the passport.
error-name-characters = may hold only letters, spaces, hyphens, apostrophes and full stops, as in the passport.
error-nationality-format = must be a three-letter ISO 3166 country code, such as DEU or GBR.
error-nationality-unknown = { $value } is not an ISO 3166 country code.
error-sex-value = must be F, M or X, as in the passport.
error-email-format = is not an e-mail address.
error-phone-format = must be in international form: + and 7 to 15 digits.
error-money-format = must be an amount in yuan, such as 450000 or 450000.50.
error-money-too-large = is larger than any salary we accept.
error-date-format = must be a date written as YYYY-MM-DD.
error-date-invalid = { $value } is not a date of the calendar.
error-birth-date-range = must be a past date after 1900.
error-city-code-format = must be a six-digit city code.
error-city-unknown = { $value } is not a city that accepts applications.
error-receipt-number-format = is not a receipt number (A followed by 17 characters).
error-permit-number-format = is not a work permit number (P followed by 17 characters).
error-check-character = has a wrong check character: a character was mistyped.
error-uscc-format = must be 18 characters of digits and capital letters (without I, O, S, V, Z).
error-employer-kind-value = is not a known kind of employer.
error-role-value = is not a known role.
error-category-value = must be A, B or C.
error-date-in-past = must not be in the past.
error-valid-to-before-from = must be after the start of validity.
error-validity-too-long = exceeds the { $months } months a category { $category } permit may last.
error-contract-end-before-start = must be after the contract start.
error-permit-not-found = no such work permit is held by your employees.
error-permit-not-valid = the work permit is { $status }, not valid.
error-extension-window = an extension is filed 90 to 30 days before expiry: from { $opens } to { $closes }.
error-contract-end-not-after-permit = must be after the permit's current end, { $valid_to }.
error-date-in-future = must not be in the future.
error-reporting-deadline-passed = the 10 days for filing ended on { $due }.
error-items-required = list at least one item.
error-too-many-items = list at most { $max } items.
error-grant-not-allowed = a cancellation grants no validity.
error-grant-mismatch = does not fit a { $kind } application.
error-employer-unknown = no such employer.
error-person-unknown = no such person among your employees.
error-username-format = must be 3 to 64 lower-case letters, digits, dots, hyphens or underscores.
error-password-length = must be { $min } to { $max } characters long.
error-password-classes = must mix at least two of: lower case, upper case, digits, other characters.
error-change-employer-same = the holder already works for your organisation.
error-beyond-contract = must not go beyond the end of the contract, { $contract_end }.
error-permit-serials-exhausted = no permit numbers are left for this city and year.
error-unauthenticated = Please sign in: the session is missing, expired or not valid.
error-invalid-credentials = Wrong username or password.
error-administrator-only = Only an administrator may do this.
error-employer-only = Only an employer's HR account may do this.
error-role-not-allowed = Your role may not see this.
error-action-not-allowed-for-role = Your role may not take this step on this application.
error-application-not-found = No such application, or it is not yours to see.
error-person-not-found = No such person, or not yours to see.
error-employer-not-found = No such employer, or not yours to see.
error-account-not-found = No such account.
error-route-not-found = No such page or API endpoint.
error-illegal-transition = This step is not possible while the application is { $state }.
error-version-conflict = Someone changed this application meanwhile; it is now { $state } (version { $version }). Reload and decide again.
error-uscc-taken = An employer with this unified social credit code is already registered.
error-username-taken = This username is taken.
error-person-exists = A person with this nationality and passport number is already registered.
error-idempotency-key-reused = This Idempotency-Key was used for a different request.
error-idempotency-key-format = must be 1 to 255 visible ASCII characters.
error-malformed-json = The request body is not valid JSON: { $detail }
error-unknown-field = is not a field of this request.
error-invalid-type = has the wrong type: { $detail }
error-unsupported-media-type = Send the request body as application/json.
error-payload-too-large = The request body is larger than { $max } bytes.
error-csrf-invalid = The form has expired or did not come from this site. Reload the page and try again.
error-internal = Something went wrong on our side. It has been logged; please try again.
error-validation-failed = Some fields are not valid.
error-method-not-allowed = This method is not allowed here.
error-invalid-path = The address holds an identifier that is not valid.
error-id-format = is not a valid identifier (a UUID).
error-unknown-action = is not a step an application can take.
error-service-unavailable = The service is starting or stopping; try again shortly.

## Vocabulary shared by pages and messages

state-draft = draft
state-submitted = submitted
state-returned = returned for missing items
state-pre-reviewed = pre-reviewed
state-accepted = accepted
state-under-review = under review
state-corrections-requested = corrections requested
state-approved = approved
state-refused = refused
state-withdrawn = withdrawn

action-created = Created as draft
action-submit = Submit
action-resubmit = Resubmit
action-withdraw = Withdraw
action-pass-pre-review = Pass pre-review
action-return = Return with missing items
action-accept = Accept
action-start-review = Start review
action-approve = Approve
action-refuse = Refuse
action-request-corrections = Request corrections

kind-new = New work permit
kind-extension = Extension
kind-change = Change
kind-cancellation = Cancellation

change-employer = Employer
change-position = Position
change-name = Name
change-passport = Passport

role-applicant = Foreign employee
role-employer-hr = Employer HR
role-labour-officer = Labour officer
role-immigration-officer = Immigration officer
role-social-security-officer = Social security officer
role-administrator = Administrator

employer-kind-university = University
employer-kind-research-institute = Research institute
employer-kind-enterprise = Enterprise
employer-kind-fortune-global-500 = Fortune Global 500 member
employer-kind-high-tech-enterprise = High-tech enterprise
employer-kind-public-institution = Public institution
employer-kind-other = Other

permit-status-valid = valid
permit-status-expired = expired
permit-status-cancelled = cancelled
permit-status-superseded = superseded

medium-physical-card = physical card
medium-electronic = electronic card

## Layout and shared page text

app-name = OneCard
skip-to-content = Skip to content
nav-label = Main
lang-name-en = English
lang-name-zh = 中文
sign-in = Sign in
sign-out = Sign out
error-title = Something is not right
back-home = Back to the start page

## Pages: headings, columns, hints and notices

optional = (optional)
select-choose = Choose…
errors-heading = There is a problem
back-list = Back to the list
back-employer = Back to your organisation
no-applications = No applications yet.
no-people = No foreign employees yet.
no-permits = No work permits.
validity-range = { $from } to { $to }
account-disabled = disabled

col-receipt = Receipt number
col-kind = Kind
col-person = Foreign employee
col-employer = Employer
col-holder = Holder
col-name = Name
col-state = State
col-status = Status
col-medium = Medium
col-created = Created
col-submitted = Submitted
col-decided = Decided
col-validity = Valid
col-revision = Revision
col-acts-for = Acts for

field-employer-kind = Kind of employer
field-holder-passport-number = Holder's current passport number
field-new-name = New name

category-a = A — high-end talent
category-b = B — professional
category-c = C — other

sex-f = F — female
sex-m = M — male
sex-x = X — unspecified

hint-date = Format: YYYY-MM-DD, such as 2026-03-31.
hint-passport-name = Exactly as printed in the passport.
hint-given-names = Leave empty if the passport shows none.
hint-nationality = The three-letter code in the passport, such as DEU, FRA or GBR.
hint-passport-number = 5 to 15 capital letters and digits, as in the passport.
hint-sex = As in the passport.
hint-phone = International form, such as +49 30 1234 5678.
hint-person-id = The employee the permit is for; add them first if they are not listed.
hint-annual-salary = In yuan a year, such as 450000 or 450000.50.
hint-requested-category = Your own assessment; the labour officer decides.
hint-permit-number = P followed by 17 characters, as on the work permit.
hint-new-position = For a change of position.
hint-new-name = For a change of name, exactly as in the new passport.
hint-new-passport-number = For a change of passport.
hint-holder-passport-number = For a change of employer filed by the new employer: the holder's passport number, which must match the permit's.
hint-one-per-line = One item per line.
hint-valid-from = No earlier than today.
hint-valid-to = Within the contract and the longest validity of the category: A 5 years, B 2 years, C 1 year.
hint-uscc = 18 characters, as on the business licence.
hint-username = 3 to 64 lower-case letters, digits, dots, hyphens or underscores.
hint-password = 8 to 64 characters mixing at least two of: lower case, upper case, digits, other characters.
hint-account-employer = For employer HR accounts.
hint-account-city = For officers: the city they work for.
hint-account-person = For foreign employees: the identifier (UUID) of their person record.

employer-title = Your organisation
employer-applications = Applications
employer-people = Foreign employees
link-new-application = Start an application
link-new-person = Add a foreign employee
notice-person-created = The foreign employee has been added.

person-new-title = Add a foreign employee
person-new-intro = Enter the employee's details exactly as printed in the passport.
person-save = Save employee

application-new-title = Start an application
application-new-intro = One form for all four kinds. Choose the kind, then fill in the sections that kind uses; leave the others empty.
application-new-no-people = There are no foreign employees on your roster yet: add one before applying for a new permit.
application-new-buttons-hint = Save as draft to finish later, or submit now: submitting also checks the filing deadlines.
app-kind-label = Kind of application
section-new-hint = Only for a new work permit.
section-contract-end = New work permit and extension
section-contract-end-hint = New permit: the end of the employment contract. Extension: the new end of the contract, after the permit's current end.
section-permit = Extension, change and cancellation
section-permit-hint = The work permit the application is about.
section-change-hint = Only for a change, filed within 10 days of it. Fill in the new value of what changed.
section-cancellation-hint = Only for a cancellation, filed within 10 days of the end of employment.
save-draft = Save as draft
submit-application = Submit application

application-title = Application { $receipt }
application-facts = Summary
application-details = What is applied for
permit-record = Work permit
timeline-title = Progress
timeline-by = By { $name }
timeline-by-role = By { $name } ({ $role })
timeline-state = State: { $to }
timeline-states = State changed from { $from } to { $to }
actions-title = What you can do now
actions-none = There is nothing for you to do on this application now.
notice-done = Done: { $action }.

action-hint-submit = Sends the application to the labour authority; the filing deadlines are checked.
action-hint-resubmit = Sends the application again once the missing items are added or the corrections made.
action-hint-withdraw = Ends the application for good; it cannot be taken up again.
action-hint-pass-pre-review = The documents are complete: the application goes on to acceptance.
action-hint-return = List every missing item at once, one per line.
action-hint-accept = Accepts the application formally; the time limit for the decision starts.
action-hint-start-review = Starts the review of the substance.
action-hint-approve = Approves the application; a new permit, extension or change is granted with the category and validity below.
action-hint-refuse = Refuses the application; give every reason, one per line.
action-hint-request-corrections = Asks the employer to correct the items listed, one per line.

officer-title = Work queue
officer-city = Labour authority of { $city }
officer-queue = Awaiting the labour authority
officer-queue-hint = Oldest submission first.
officer-queue-empty = Nothing is waiting.
officer-all = All applications in { $city }

me-title = My permits and applications
me-permits = My work permits
me-no-permits = You hold no work permit yet.
me-applications = My applications
me-application-heading = { $kind }, { $receipt }

admin-title = Administration
admin-accounts = Accounts
admin-new-employer = Register an employer
admin-register-employer = Register employer
admin-new-account = Create an account
admin-account-hint = An employer HR account needs an employer, an officer a city, a foreign employee the identifier of their person record.
admin-create-account = Create account
notice-employer-created = The employer has been registered.
notice-account-created = The account has been created.

permits-title = Work permits in { $city }
permits-hint = The current record of each permit. Passport numbers are shown masked.

# Classification: profiles, assessments, policy versions.
error-override-reason-required = the policy assessed Category { $assessed }; granting Category { $granted } needs a written reason.
error-profile-new-only = is given for new permits only.
error-flag-format = must be yes or no.
error-number-format = must be a whole number.
error-education-value = must be doctorate, master, bachelor or other.
error-years-range = must be a number of years from 0 to 80.
error-months-per-year-range = must be a number of months from 0 to 12.
error-hsk-level-range = must be an HSK level from 1 to 9.
error-percent-range = must be a percentage from 0 to 100.
error-count-range = must be a count from 0 to 1,000,000.
error-usd-amount-range = must be an amount in US dollars from 0 to 1,000,000,000,000.
error-age-below-minimum = the applicant must be at least 16 years old.
error-period-end-before-start = must be after the contract start.
error-policy-invalid = the policy file is not valid: { $reason }
error-policy-version-taken = A policy with this version has been loaded already.
field-override-reason = Reason for a different category
hint-override-reason = The policy assessed Category { $assessed }. To grant another category, say why.
field-profile = Applicant profile
field-education = Highest degree
field-experience-years = Years of relevant work experience
field-months-in-china = Months a year working in China
field-hsk-level = HSK level
field-former-chinese-national = Former Chinese national
field-degree-taught-in-chinese = Degree taught in Chinese
field-top-foreign-university = Degree from a top foreign university
field-fortune-global-500-experience = Worked at a Fortune Global 500 company
field-patents = Holds patents
field-years-worked-in-china = Years worked in China
field-national-talent-programme = Selected by a national talent programme
field-international-achievement = Internationally recognised achievement
field-postdoctoral-work = Postdoctoral work
field-skill-certificate = Recognised skill certificate
field-urgently-needed = Certified as urgently needed talent
field-innovation-talent = Innovation and entrepreneurship talent
field-young-graduate = Young graduate
field-founder = Founder of the employer
field-founder-patents = Founder's patents
field-founder-years = Years the company has operated
field-founder-investment-usd = Investment (USD)
field-founder-stake = Founder's stake (%)
field-accompanying-family = Family members come along
field-source = Policy file
field-file-name = File name
