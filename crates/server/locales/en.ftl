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
state-joint-pending = approved, awaiting the residence permit decision
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
register-checks-title = Shared data from other departments' registers
register-checks-hint = At submission the registers were asked to confirm these facts; a confirmed one replaces its paper document, any other leaves it to be submitted on paper.
register-checks-asked = Asked at
register-checks-outcome = Answer
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
officer-queue-hint = Nearest deadline first: the pre-review's while submitted, the decision's after; what is overdue is marked.
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
col-due = Due
overdue = Overdue
assessment-title = Self-assessment: which category?
assessment-intro = Describe the job and the applicant to see the category a work permit would have under the policy in force, the points for each factor, any requirement not met, the documents to prepare and the time limits. Nothing you enter is stored.
assessment-job = The job
assessment-person = The applicant
assessment-profile-hint = Leave out what does not apply.
assessment-submit = Assess
link-assessment = Self-assessment
section-profile-hint = New permits, optional: what you know of the applicant. It is assessed against the policy in force when you submit, and the officer sees the points and the category.
error-c-quota-exhausted = the Category C quota of this city for { $year } ({ $quota } permits) is used up.
category-override = Category overridden
category-override-text = Assessed { $assessed }, granted { $granted }: { $reason }
admin-policies = Policy versions
admin-load-policy = Load a policy version
admin-policy-hint = Paste a policy file (the format is in policies/README.md); check it first with onecard policy check, and see what it would change with onecard policy simulate. It applies from its effective date.
col-policy-version = Version
col-effective-from = In force from
policy-in-force = In force
hint-policy-file-name = The file's name, for the messages that point into it.
hint-policy-source = The whole file, in TOML.
notice-policy-loaded = The policy version is loaded; it applies from its effective date.

# The electronic social security card (e-SSC)
link-verify = Verify a QR code
hint-name-as-in-passport = Exactly as in the passport.
hint-card-permit-number = The number on your work permit notice, for example P1100002026000001X.
hint-card-password = 8 to 16 characters, mixing at least two of: lower case, upper case, digits, other characters. You sign in with your permit number and this password.
card-register-title = Register your electronic social security card
card-register-intro = Give your name exactly as in your passport and your work permit number (or, once insured, your social security number). Then confirm who you are with your passport number and date of birth, and the card shows your permit.
card-register-submit = Register
card-have-account = Registered already? Sign in.
card-title = Electronic social security card
card-real-name-title = Real-name check
card-real-name-intro = Confirm who you are: the passport number and date of birth must be those on record.
card-real-name-submit = Confirm
card-real-name-passed = Real-name check passed: your card now carries your work permit.
card-issuer = Work permit for foreigners in China · e-SSC
card-qr-title = QR code to show
card-qr-alt = QR code of your work permit, to be scanned by the verifier
card-qr-expires = Valid for { $seconds } s; a new code follows by itself.
card-qr-refreshing = Getting a new code…
card-profile-employment-check = Employment check
card-profile-full = Full details (immigration)
card-physical-title = Your physical card
card-physical-intro = Your permit is on a physical card, valid until { $date }. No change, no replacement: it stays valid until your next extension or change, which moves you to the electronic card. You may also move now.
card-upgrade = Move to the electronic card
card-upgraded = Your permit is now on the electronic card.
card-numbers-title = Your numbers
card-show = show
card-ssn = Social security number
card-ssn-none = not issued yet
card-no-permit = No valid work permit is on record for you yet.
card-messages = Messages
card-no-messages = No messages.
card-to-applications = Your applications
verify-title = Verify a work permit QR code
verify-intro = Scan the code with the camera, upload a photo of it, or paste the text a scanner app read from it. Nothing needs signing in.
verify-camera = Scan with the camera
verify-image = Photo of the QR code
verify-image-hint = PNG or JPEG, up to 10 MB.
verify-text = Text of the QR code
verify-text-hint = Starts with OC1:
verify-submit = Verify
verify-profile = Shown for
profile-employment-check = employment check
profile-full = immigration officers (full details)
verdict-valid = Valid
verdict-cancelled = Not valid: the permit was cancelled on { $on }.
verdict-cancelled-undated = Not valid: the permit was cancelled.
verdict-permit-expired = Not valid: the permit expired on { $on }.
verdict-superseded = Not valid: this permit was replaced by a newer one; ask for the current code.
verdict-already-used = Not valid: this code was scanned before. Ask the holder to show a new one.
verdict-qr-expired = Not valid: this code has expired. Ask the holder to show a new one.
verdict-bad-signature = Not valid: the signature does not match; the code was altered or forged.
verdict-unknown-key = Not valid: signed with a key the issuer did not publish.
verdict-not-onecard = Not a OneCard code.
verdict-malformed = Not valid: the code is damaged or incomplete.
verdict-too-large = Not valid: far more text than any OneCard code holds.
verdict-unsupported-algorithm = Not valid: signed with an algorithm OneCard does not use.
verdict-not-yet-valid = Not valid: the code is dated in the future; check the device's clock.
verdict-status-unavailable = Cannot tell: the permit's status could not be checked.
error-holder-not-matched = no permit with this number is held by a person of this name.
error-already-registered = this permit's holder has registered already; sign in instead.
error-real-name-mismatch = the passport number or date of birth is not the one on record ({ $remaining } attempts left).
error-real-name-locked = Too many failed real-name checks: the card is locked. Ask the labour bureau to unlock it.
error-real-name-check-required = Pass the real-name check first.
error-holder-only = Only the permit's holder has a card.
error-physical-card = Your permit is on a physical card; move to the electronic card to show a QR code.
error-already-electronic = The permit is on the electronic card already.
error-issuer-not-configured = Credentials cannot be issued or published: the issuer keys are not set up.
error-profile-value = must be employment_check or full.
error-status-list-not-found = No such status list.
error-verify-nothing = Give the text of the code or a photo of it.
error-unsupported-image = The file is not a PNG or JPEG image.
error-image-unreadable = The image cannot be read.
error-image-too-large = The image is too large.
error-no-qr-found = No QR code could be read in the image; try a sharper photo, straight on.
error-form-unreadable = The form could not be read.
login-register-card = Holder of a work permit? Register your electronic social security card.
me-open-card = Show my electronic card
error-scanner-busy = Many photos are being read just now; try again in a moment, or paste the text.
verdict-sealed = Valid: a notice the service issued. Its file is unaltered if its SHA-256 is the one below.
verify-document-number = Document number
verify-document-kind = Document
verify-document-issued = Issued
verify-document-hash = SHA-256 of the file
document-kind-notification-letter = Notification Letter of Work Permit
document-kind-decision-notice = Notification of Decision on Administrative Authorization
document-kind-approval-letter = Approval Letter
document-kind-information-page = Detailed work-permit information page
error-social-security-number-format = must be S and 17 digits and a check character (a digit or X), as the social security card shows it.

# Notifications: the messages of each topic (title, then body), the inbox and the employer's settings.
notice-application-returned = Application { $receipt } returned: items missing
notice-application-returned-body = The pre-review of application { $receipt } found items missing. Add all of them and submit again: { $items }
notice-corrections-requested = Application { $receipt }: corrections requested
notice-corrections-requested-body = The reviewing officer asks for corrections to application { $receipt }: { $items }
notice-application-approved = Application { $receipt } approved
notice-application-approved-body = Application { $receipt } has been approved. Work permit: { $permit }. The notices can be downloaded from the application page.
notice-application-refused = Application { $receipt } refused
notice-application-refused-body = Application { $receipt } has been refused, for these reasons: { $items }
notice-permit-expiring = Work permit { $permit } expires on { $date }
notice-permit-expiring-body = Work permit { $permit } is valid until { $date }, { $days } days from now. An extension may be filed from 90 to 30 days before expiry.
notice-joint-pending = Application { $receipt }: approved by { $agency ->
    [labour] the labour authority
   *[immigration] immigration
  }, waiting for the other agency
notice-joint-pending-body = { $agency ->
    [labour] The labour authority
   *[immigration] Immigration
  } approved its part of one-stop application { $receipt }. The work permit and the residence permit are issued together once { $agency ->
    [labour] immigration
   *[immigration] the labour authority
  } approves too.
notice-residence-corrections-requested = Residence application { $receipt }: corrections requested
notice-residence-corrections-requested-body = Immigration asks for corrections to residence application { $receipt }: { $items }
notice-residence-refused = Residence application { $receipt } refused
notice-residence-refused-body = Residence application { $receipt } has been refused, for these reasons: { $items }
notice-residence-issued = Residence permit { $number } issued
notice-residence-issued-body = Residence permit { $number } has been issued, valid until { $valid_to }. Book a slot at the issuing office to collect it; your passport stays with you.
notice-residence-under-review = Residence permit { $number } under review
notice-residence-under-review-body = The work permit that residence permit { $number } rests on was cancelled. Immigration will decide whether the residence permit stands.
notice-insurance-registered = Social insurance registered: { $ssn }
notice-insurance-registered-body = Social insurance is registered with social security number { $ssn }. The physical social security card is being made.
notice-insurance-refused = Social insurance request refused
notice-insurance-refused-body = The request for social insurance was refused, for these reasons: { $items }
notice-card-state = Social security card { $ssn }: { $state ->
    [ready] ready to collect
    [issued] handed over
    [reported_lost] reported lost
    [cancelled] cancelled
   *[being_made] being made
  }
notice-card-state-body = { $state ->
    [ready] Your social security card is ready; collect it at the social insurance agency.
    [issued] Your social security card has been handed over to you.
    [reported_lost] Your social security card is reported lost and no longer works; a new one can be made.
    [cancelled] Your social security card has been cancelled.
   *[being_made] A new social security card is being made for you.
  }
notice-appointment-booked = Appointment booked for { $slot }
notice-appointment-booked-body = Your appointment at { $office } ({ $address }) is booked for { $slot }. You can move or cancel it online.
notice-appointment-reminder = Reminder: appointment on { $slot }
notice-appointment-reminder-body = You have an appointment at { $office } ({ $address }) on { $slot }. Bring your passport; it is handed back after inspection.
inbox-title = Messages
inbox-link = Messages ({ $unread } unread)
inbox-empty = No messages yet.
inbox-unread = Unread
inbox-mark-read = Mark as read
inbox-open = Open
inbox-received = Received { $time }
notifications-title = Notification settings
notifications-link = Notification settings
notifications-intro = Notices always reach the inbox. They are also e-mailed to the contact address, and, if a webhook URL is set, posted to it, signed with the webhook secret.
field-contact-email = Contact e-mail
field-webhook-url = Webhook URL
notifications-regenerate = Make a new webhook secret
notifications-save = Save
notifications-saved = The notification settings are saved.
notifications-secret-once = The webhook secret, shown only this once: keep it where your receiver can read it.
notifications-has-secret = A webhook secret is set.
error-notice-not-found = no such message.
error-webhook-url-format = must be an absolute http:// URL without spaces.
error-webhook-https-unsupported = https:// webhook URLs are not supported yet by this server; use http:// on a private network.
error-webhook-secret-unavailable = the server has no sealing key, so it cannot keep a webhook secret.
error-topic-format = must be lower-case letters, digits and single underscores.
error-site-path-format = must be a path on this site.

# The one-stop service: residence permits, appointments, social insurance.
field-role-at-employer = Role at the employer
field-requested-months = Months asked for
field-card-qr = Card QR code
field-slot = Slot
field-office-id = Office
field-purpose = Purpose
field-subject-id = What it is for
field-filed-on = Date
field-keep = Decision
field-note = Note
field-decision = Decision
field-state = State
field-residence-permit = Residence permit
field-passport = Passport
field-residence = Residence permit
error-residence-too-short = must be at least { $days } days after the start.
error-residence-too-long = may not be later than { $max_valid_to } under the residence rule.
error-passport-not-inspected = has not been inspected on site yet; inspect it (and hand it back) before approving.
error-role-at-employer-value = must be manager, professional or other.
error-filing-kind-value = must be region_move or degree_study.
error-residence-permit-number-format = must be R and 16 digits and a check character, as the residence permit shows it.
error-one-stop-new-only = can only be asked for with a new work permit.
error-one-stop-needs-submit = is asked for with a submitted application, not a draft.
error-out-of-range = must be from { $min } to { $max }.
error-card-code-not-valid = did not verify ({ $outcome }); ask the holder for a fresh code.
error-one-of-permit-or-code = give either the permit number or the card's code, not both.
error-slot-in-past = has already begun.
error-slot-too-far = is more than { $days } days ahead.
error-office-closed = the office is closed on { $date }.
error-not-a-slot = is not one of the office's slots.
error-slot-format = must be a date and a time, YYYY-MM-DDTHH:MM.
error-slot-full = is full; choose another slot.
error-closes-before-opens = must be after the opening time.
error-nothing-to-inspect = nothing is waiting for a passport inspection.
error-nothing-to-collect = nothing is waiting to be collected.
error-office-other-city = is in another city than the permit.
error-purpose-value = must be passport_inspection or collect_residence_permit.
error-card-state-value = must be being_made, ready, issued, reported_lost or cancelled.
error-card-step-not-allowed = the card cannot go from { $from } to { $to }.
error-card-not-replaceable = a new card is made only after the last was reported lost or cancelled.
error-decision-value = must be register or refuse.
error-residence-permit-not-valid = is not valid ({ $status }).
error-residence-application-not-found = No such residence application.
error-residence-permit-not-found = No such residence permit.
error-office-not-found = No such office.
error-appointment-not-found = No such appointment.
error-insurance-not-found = No such insurance registration.
error-residence-application-open = A residence application for this person is already open.
error-appointment-exists = An appointment for this is already booked; move it instead.
error-appointment-not-booked = This appointment is no longer booked.
error-insurance-exists = This person is already insured, or a request is open.
error-already-collected = This residence permit was already collected.
error-residence-permit-not-under-review = This residence permit is not under review.
error-immigration-officer-only = Only immigration officers may do this.
error-social-security-officer-only = Only social security officers may do this.
error-case-step-not-open = This step is not possible while the case is { $case_state }.
error-case-changed = Someone changed this case meanwhile; it is now { $case_state } (version { $version }). Reload and decide again.
error-insurance-not-registered = The insurance is not registered ({ $case_state }).
case-state-submitted = submitted
case-state-under-review = under review
case-state-corrections-requested = corrections requested
case-state-joint-pending = approved, awaiting the other agency
case-state-approved = approved
case-state-refused = refused
case-state-withdrawn = withdrawn
case-state-requested = requested
case-state-registered = registered
error-time-format = must be a time, HH:MM.
error-weekday-value = must be a day of the week: mon, tue, wed, thu, fri, sat or sun.
field-opens = Opens
field-closes = Closes
field-slot-minutes = Minutes per slot
field-capacity = Places per slot
field-weekdays = Opening days
field-closed-on = Closed on
field-address = Address
