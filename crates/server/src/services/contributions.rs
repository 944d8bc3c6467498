//! Social-insurance contributions: the employer declares each month for an insured employee
//! under the city's rule; a correction is a later declaration for the same month, never an
//! update. The holder (and the employer, and the agency of the city) read the statement.

use super::{Ctx, Result, ServiceError, new_id};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::contributions::{ContributionBase, ContributionMonth, Declaration, Statement, declare};
use domain::ids::{EmployerId, PersonId};
use domain::insurance::{Insurance, InsuranceState};
use domain::party::Person;
use domain::permit::{Permit, PermitStatus};
use domain::residence::ResidencePermit;
use domain::role::{Principal, Scope};
use std::collections::HashMap;
use store::{PermitFilter, StoredDeclaration, Tx};

/// How long before a permit's last day its extension may be filed, and how far ahead the
/// deadline list warns.
pub const EXTENSION_WINDOW_DAYS: i64 = 90;

/// A month's declaration for one employee, parsed.
#[derive(Debug, Clone)]
pub struct DeclareInput {
    pub person_id: PersonId,
    pub month: ContributionMonth,
    pub base: ContributionBase,
}

/// The first day insurance covers: the day of registration, China time.
pub fn insured_from(i: &Insurance) -> Option<NaiveDate> {
    i.decided_at.map(crate::clock::china_date)
}

/// A declaration as recorded, and whether it corrected an earlier one.
#[derive(Debug, Clone)]
pub struct Declared {
    pub stored: StoredDeclaration,
    pub correction: bool,
}

/// Declares (or corrects) a month for an insured employee. Refused with the rule named, and
/// nothing written: someone not the employer's, not insured (or insured no longer), a month
/// before the insurance started or not yet begun, a base outside the city's bounds.
pub async fn declare_month(ctx: &Ctx, who: &Principal, input: DeclareInput) -> Result<Declared> {
    let Scope::EmployerHr { employer_id } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    if input.month > ContributionMonth::of(today) {
        return Err(FieldError::new("month", "month_in_future")
            .with("month", input.month)
            .into());
    }
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let mut tx = ctx.store.begin().await?;
    let person = tx
        .person(input.person_id)
        .await?
        .filter(|p| p.employer_id == employer_id)
        .ok_or_else(|| FieldError::new("person_id", "person_not_employee"))?;
    let insurance = open_insurance(&mut *tx, person.id)
        .await?
        .filter(|i| i.employer_id == employer_id)
        .ok_or_else(|| FieldError::new("person_id", "person_not_insured"))?;
    let rule = policy.contribution_rule(insurance.city).ok_or_else(|| {
        FieldError::new("person_id", "no_contribution_rule").with("city", insurance.city)
    })?;
    let from =
        insured_from(&insurance).ok_or(ServiceError::Internal("registered without a date"))?;
    let contribution = declare(rule, input.month, input.base, from)?;
    let earlier = tx.declarations_of(person.id).await?;
    let correction = earlier
        .iter()
        .any(|d| d.declaration.contribution.month == input.month);
    let sequence = earlier
        .iter()
        .map(|d| d.declaration.sequence)
        .max()
        .unwrap_or(0)
        + 1;
    let stored = StoredDeclaration {
        id: new_id(),
        person_id: person.id,
        employer_id,
        declared_by: who.account_id,
        declaration: Declaration {
            sequence,
            declared_at: now,
            contribution,
        },
    };
    tx.insert_declaration(&stored).await.map_err(|e| match e {
        // Another declaration for the same person took the sequence meanwhile.
        store::StoreError::Conflict(_) => ServiceError::Conflict("declaration_raced"),
        e => e.into(),
    })?;
    let c = &stored.declaration.contribution;
    let totals = c.totals();
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        if correction {
            "contribution.corrected"
        } else {
            "contribution.declared"
        },
        "person",
        person.id,
        serde_json::json!({
            "declaration": stored.id, "month": c.month, "sequence": sequence, "city": c.city,
            "base_fen": c.base.money().fen(), "employer_fen": totals.employer.fen(),
            "personal_fen": totals.personal.fen(), "policy": policy.version(),
        }),
    ));
    tx.commit().await?;
    Ok(Declared { stored, correction })
}

/// The person's insurance, if registered and not closed by a refund.
pub(crate) async fn open_insurance(tx: &mut dyn Tx, person: PersonId) -> Result<Option<Insurance>> {
    let Some(i) = tx
        .insurance_of(person)
        .await?
        .filter(|i| i.state == InsuranceState::Registered)
    else {
        return Ok(None);
    };
    if tx.insurance_closure(i.id).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(i))
}

/// A person's statement with what it is built from.
#[derive(Debug, Clone)]
pub struct StatementView {
    pub person: Person,
    pub insurance: Option<Insurance>,
    pub closed_at: Option<DateTime<Utc>>,
    pub statement: Statement,
    pub declarations: Vec<StoredDeclaration>,
}

/// Whose statement the caller may read: the holder their own, the employer its people's, the
/// agency the people insured in its city. Anyone else is told nothing exists.
pub async fn statement(ctx: &Ctx, who: &Principal, person_id: PersonId) -> Result<StatementView> {
    let mut tx = ctx.store.begin_read().await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let insurance = tx
        .insurance_of(person_id)
        .await?
        .filter(|i| i.state == InsuranceState::Registered);
    let allowed = match who.scope {
        Scope::Applicant { person_id: me } => me == person_id,
        Scope::EmployerHr { employer_id } => person.employer_id == employer_id,
        Scope::SocialSecurityOfficer { city } => insurance.as_ref().is_some_and(|i| i.city == city),
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    };
    if !allowed {
        return Err(ServiceError::NotFound("person"));
    }
    let closed_at = match &insurance {
        Some(i) => tx.insurance_closure(i.id).await?.map(|c| c.closed_at),
        None => None,
    };
    let declarations = tx.declarations_of(person_id).await?;
    let list: Vec<Declaration> = declarations.iter().map(|d| d.declaration.clone()).collect();
    Ok(StatementView {
        statement: Statement::build(&list),
        person,
        insurance,
        closed_at,
        declarations,
    })
}

/// One employee's line of the employer's deadline list.
#[derive(Debug, Clone)]
pub struct EmployeeDeadlines {
    pub person: Person,
    pub permit: Option<Permit>,
    pub permit_status: Option<PermitStatus>,
    /// When the extension may first be filed: 90 days before the permit's last day.
    pub extension_opens: Option<NaiveDate>,
    pub permit_expiring_soon: bool,
    pub residence: Option<ResidencePermit>,
    pub residence_expiring_soon: bool,
    pub insured: bool,
    pub months_declared: i64,
    pub last_month: Option<ContributionMonth>,
    /// Whether this month's contribution is declared.
    pub declared_this_month: bool,
}

/// The permit that matters for a person: the valid one that runs longest, else the latest.
pub fn current_permit(permits: &[Permit], today: NaiveDate) -> Option<&Permit> {
    permits
        .iter()
        .filter(|p| p.is_valid_on(today))
        .max_by_key(|p| p.valid_to)
        .or_else(|| permits.iter().max_by_key(|p| (p.valid_from, p.revision)))
}

pub fn current_residence(list: &[ResidencePermit], today: NaiveDate) -> Option<&ResidencePermit> {
    list.iter()
        .filter(|r| r.is_valid_on(today))
        .max_by_key(|r| r.valid_to)
        .or_else(|| list.iter().max_by_key(|r| r.valid_from))
}

/// Each employee of the caller's employer with the dates that matter, by name.
pub async fn deadlines(ctx: &Ctx, who: &Principal) -> Result<Vec<EmployeeDeadlines>> {
    let Scope::EmployerHr { employer_id } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    let today = ctx.clock.today();
    let mut tx = ctx.begin_report().await?;
    deadlines_in(&mut *tx, employer_id, today).await
}

pub(crate) async fn deadlines_in(
    tx: &mut dyn Tx,
    employer_id: EmployerId,
    today: NaiveDate,
) -> Result<Vec<EmployeeDeadlines>> {
    let people = tx.list_people(employer_id).await?;
    let mut permits: HashMap<PersonId, Vec<Permit>> = HashMap::new();
    for p in tx
        .list_permits(&PermitFilter {
            employer_id: Some(employer_id),
            limit: i64::MAX,
            ..Default::default()
        })
        .await?
    {
        permits.entry(p.holder_id).or_default().push(p);
    }
    let mut residence: HashMap<PersonId, Vec<ResidencePermit>> = HashMap::new();
    for r in tx.residence_permits_of_employer(employer_id).await? {
        residence.entry(r.holder_id).or_default().push(r);
    }
    let insured: std::collections::HashSet<PersonId> = tx
        .insurances_of_employer(employer_id)
        .await?
        .into_iter()
        .filter(|i| i.state == InsuranceState::Registered)
        .map(|i| i.person_id)
        .collect();
    let declared: HashMap<PersonId, store::DeclaredSummary> = tx
        .declared_by_employer(employer_id)
        .await?
        .into_iter()
        .map(|d| (d.person_id, d))
        .collect();
    let this_month = ContributionMonth::of(today);
    let soon = today + Duration::days(EXTENSION_WINDOW_DAYS);
    let mut out: Vec<EmployeeDeadlines> = people
        .into_iter()
        .map(|person| {
            let permit = permits
                .get(&person.id)
                .and_then(|l| current_permit(l, today))
                .cloned();
            let residence = residence
                .get(&person.id)
                .and_then(|l| current_residence(l, today))
                .cloned();
            let d = declared.get(&person.id);
            let valid = permit.as_ref().filter(|p| p.is_valid_on(today));
            EmployeeDeadlines {
                permit_status: permit.as_ref().map(|p| p.status_on(today)),
                extension_opens: valid.map(|p| p.valid_to - Duration::days(EXTENSION_WINDOW_DAYS)),
                permit_expiring_soon: valid.is_some_and(|p| p.valid_to <= soon),
                residence_expiring_soon: residence
                    .as_ref()
                    .is_some_and(|r| r.is_valid_on(today) && r.valid_to <= soon),
                insured: insured.contains(&person.id),
                months_declared: d.map_or(0, |d| d.months),
                last_month: d.and_then(|d| d.last_month),
                declared_this_month: d.and_then(|d| d.last_month) >= Some(this_month),
                permit,
                residence,
                person,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.person.name.full(), a.person.id.0).cmp(&(b.person.name.full(), b.person.id.0))
    });
    Ok(out)
}

/// The deadline list as CSV (RFC 4180, UTF-8 with a header row; dates ISO 8601).
pub fn deadlines_csv(rows: &[EmployeeDeadlines]) -> String {
    fn field(out: &mut String, s: &str) {
        // A leading =, +, - or @ would be a formula to a spreadsheet.
        let guarded = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if guarded.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&guarded.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&guarded);
        }
    }
    let mut out = String::with_capacity(64 + rows.len() * 200);
    out.push_str(
        "person_id,surname,given_names,nationality,permit_number,permit_status,permit_valid_to,\
         extension_window_opens,permit_expiring_within_90_days,residence_permit_number,\
         residence_valid_to,residence_expiring_within_90_days,insured,months_declared,\
         last_month_declared\r\n",
    );
    let opt = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for r in rows {
        let cells = [
            r.person.id.0.to_string(),
            r.person.name.surname.to_string(),
            r.person
                .name
                .given_names
                .as_ref()
                .map(|g| g.to_string())
                .unwrap_or_default(),
            r.person.nationality.as_str().to_string(),
            r.permit
                .as_ref()
                .map(|p| p.number.to_string())
                .unwrap_or_default(),
            r.permit_status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            opt(r.permit.as_ref().map(|p| p.valid_to)),
            opt(r.extension_opens),
            yes(r.permit_expiring_soon),
            r.residence
                .as_ref()
                .map(|p| p.number.to_string())
                .unwrap_or_default(),
            opt(r.residence.as_ref().map(|p| p.valid_to)),
            yes(r.residence_expiring_soon),
            yes(r.insured),
            r.months_declared.to_string(),
            r.last_month.map(|m| m.to_string()).unwrap_or_default(),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// The statement as the PDF lays it out: amounts in fen, the text as the record holds it.
pub fn statement_document(
    view: &StatementView,
    issued_on: NaiveDate,
    public_url: &str,
) -> documents::notice::statement::Statement {
    use documents::notice::statement::{MonthLine, Shares, Statement as Doc, YearLine};
    use documents::notice::{Bilingual, Holder};
    let shares = |a: &domain::contributions::Amounts| Shares {
        employer: a.employer.fen(),
        personal: a.personal.fen(),
    };
    let ssn = view
        .insurance
        .as_ref()
        .and_then(|i| i.ssn.as_ref())
        .map(|s| s.to_string());
    let number = match &ssn {
        Some(s) => format!("CS-{s}-{}", issued_on.format("%Y%m%d")),
        None => format!(
            "CS-{}",
            view.person.id.0.simple().to_string().to_uppercase()
        ),
    };
    let authority = match view.insurance.as_ref().map(|i| i.city.info()) {
        Some(c) => Bilingual::new(
            format!("{}社会保险经办机构", c.name_zh),
            format!("{} Social Insurance Agency", c.name_en),
        ),
        None => Bilingual::new("社会保险经办机构", "Social Insurance Agency"),
    };
    let s = &view.statement;
    Doc {
        number,
        issued_on,
        authority,
        holder: Holder {
            name: view.person.name.full(),
            nationality: view.person.nationality.to_string(),
            passport_number: view.person.passport_number.to_string(),
            date_of_birth: Some(view.person.date_of_birth),
        },
        social_security_number: ssn.unwrap_or_default(),
        months: s
            .months
            .iter()
            .map(|m| MonthLine {
                month: m.month.to_string(),
                city: m.city.code().to_string(),
                base: m.base.money().fen(),
                corrections: m.corrections,
                total: shares(&m.total),
            })
            .collect(),
        years: s
            .years
            .iter()
            .map(|y| YearLine {
                year: y.year,
                months: y.months,
                total: shares(&y.total),
            })
            .collect(),
        by_type: s.by_type.each_ref().map(shares),
        total: shares(&s.total),
        verify_url: format!("{}/verify", public_url.trim_end_matches('/')),
    }
}

/// The statement as a sealed PDF, made afresh (it changes with every declaration): its number
/// and bytes.
pub async fn statement_pdf(
    ctx: &Ctx,
    who: &Principal,
    person_id: PersonId,
) -> Result<(String, Vec<u8>)> {
    let view = statement(ctx, who, person_id).await?;
    let now = ctx.clock.now();
    let doc = statement_document(&view, ctx.clock.today(), &ctx.config.public_url);
    let keys = ctx.issuer.keys(&*ctx.store, now).await?;
    let key = super::issuer::signing_key(&keys)?;
    let body = documents::notice::statement::render(&doc);
    let issuer = credential::Issuer::parse(ctx.issuer.name())
        .ok_or(ServiceError::Internal("issuer name"))?;
    let seal = credential::DocumentSeal::new(
        issuer,
        now.timestamp(),
        &doc.number,
        documents::notice::statement::KIND,
        &body,
        None,
    )
    .ok_or(ServiceError::Internal("statement number is not plain"))?;
    let bytes = documents::notice::attach_seal(&body, &seal.sign(key)).map_err(|e| {
        tracing::error!(error = %e, statement = %doc.number, "sealing a statement failed");
        ServiceError::Internal("statement not sealed")
    })?;
    Ok((doc.number, bytes))
}
