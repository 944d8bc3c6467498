//! Social insurance for foreign employees: the employer or the holder asks with the permit (its
//! number from the notice, or the card's QR code); the social security officer checks the permit
//! through the shared record and registers, which creates the social security number; the
//! physical card then moves through its states, the holder told at each.

use super::residence::{case_event, permit_from_card, standing_permit};
use super::{Ctx, Result, ServiceError, new_id, notifications};
use chrono::Datelike;
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::ids::InsuranceId;
use domain::insurance::{
    CardActor, CardState, Insurance, InsuranceState, PermitCheck, SocialSecurityCard, card_step,
    may_replace,
};
use domain::notice::Topic;
use domain::numbers::{PermitNumber, SocialSecurityNumber};
use domain::role::{Principal, Scope};
use domain::values::Text;
use store::{CaseEvent, InsuranceFilter, Tx};

fn may_see(who: &Principal, i: &Insurance) -> bool {
    match who.scope {
        Scope::EmployerHr { employer_id } => i.employer_id == employer_id,
        Scope::Applicant { person_id } => i.person_id == person_id,
        Scope::SocialSecurityOfficer { city } => i.city == city,
        _ => false,
    }
}

fn officer(who: &Principal) -> Result<domain::city::City> {
    match who.scope {
        Scope::SocialSecurityOfficer { city } => Ok(city),
        _ => Err(ServiceError::Forbidden("social_security_officer_only")),
    }
}

fn conflict(code: &'static str, i: &Insurance) -> ServiceError {
    ServiceError::CaseConflict {
        code,
        state: i.state.as_str(),
        version: i.version,
    }
}

/// Asks for social insurance, with the permit's number or the card's code.
pub async fn request(
    ctx: &Ctx,
    who: &Principal,
    permit_number: Option<PermitNumber>,
    card_qr: Option<String>,
) -> Result<Insurance> {
    if !matches!(
        who.scope,
        Scope::EmployerHr { .. } | Scope::Applicant { .. }
    ) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let (number, check, field) = match (permit_number, card_qr) {
        (Some(n), None) => (n, PermitCheck::SharedRecord, "permit_number"),
        (None, Some(code)) => (
            permit_from_card(ctx, "card_qr", &code).await?,
            PermitCheck::CardQr,
            "card_qr",
        ),
        (Some(_), Some(_)) => {
            return Err(FieldError::new("card_qr", "one_of_permit_or_code").into());
        }
        (None, None) => return Err(FieldError::new("permit_number", "required").into()),
    };
    let mut tx = ctx.store.begin().await?;
    let permit = standing_permit(&mut *tx, who, field, &number, today).await?;
    let i = Insurance {
        id: InsuranceId(new_id()),
        person_id: permit.holder_id,
        employer_id: permit.employer_id,
        city: permit.city,
        permit_number: permit.number.clone(),
        permit_check: check,
        state: InsuranceState::Requested,
        version: 1,
        ssn: None,
        requested_at: now,
        decided_at: None,
        refusal: Vec::new(),
    };
    tx.insert_insurance(&i).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::Conflict("insurance_exists"),
        e => e.into(),
    })?;
    tx.insert_case_event(&case_event(
        i.id.0,
        Some(who),
        "request",
        i.state.as_str(),
        Vec::new(),
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "insurance.requested",
        "insurance",
        i.id,
        serde_json::json!({ "permit_number": i.permit_number, "check": i.permit_check }),
    ));
    tx.commit().await?;
    Ok(i)
}

/// The social security officer's decision.
#[derive(Debug, Clone)]
pub enum Decision {
    Register,
    Refuse { reasons: Vec<Text> },
}

pub async fn decide(
    ctx: &Ctx,
    who: &Principal,
    id: InsuranceId,
    decision: Decision,
    seen: i64,
) -> Result<Insurance> {
    let city = officer(who)?;
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let mut tx = ctx.store.begin().await?;
    let i = tx
        .insurance(id)
        .await?
        .filter(|i| i.city == city)
        .ok_or(ServiceError::NotFound("insurance"))?;
    if i.version != seen {
        return Err(conflict("case_changed", &i));
    }
    if i.state != InsuranceState::Requested {
        return Err(conflict("case_step_not_open", &i));
    }
    let mut next = i.clone();
    next.version = i.version + 1;
    next.decided_at = Some(now);
    let notes = match &decision {
        Decision::Register => {
            // The permit is checked again through the shared record: it may have been cancelled
            // since the request.
            let permit = tx
                .permit(&i.permit_number)
                .await?
                .ok_or(ServiceError::NotFound("permit"))?;
            if !permit.is_valid_on(today) {
                return Err(FieldError::new("permit_number", "permit_not_valid")
                    .with("status", permit.status_on(today).as_str())
                    .into());
            }
            let serial = tx
                .next_serial(&format!("ssn:{}:{}", i.city.code(), today.year()))
                .await?;
            let ssn = SocialSecurityNumber::new(i.city.code(), today, serial)
                .ok_or_else(|| FieldError::new("ssn", "permit_serials_exhausted"))?;
            next.state = InsuranceState::Registered;
            next.ssn = Some(ssn);
            // The number stays in the insurance's row, sealed; the case's events and the audit
            // log do not copy it.
            Vec::new()
        }
        Decision::Refuse { reasons } => {
            next.state = InsuranceState::Refused;
            next.refusal = reasons.iter().map(|r| r.to_string()).collect();
            next.refusal.clone()
        }
    };
    if !tx.update_insurance(&next, seen).await? {
        return Err(conflict("case_changed", &i));
    }
    if next.state == InsuranceState::Registered {
        tx.insert_card(&SocialSecurityCard {
            insurance_id: id,
            serial: 1,
            state: CardState::BeingMade,
            changed_at: now,
        })
        .await?;
    }
    let action = match decision {
        Decision::Register => "register",
        Decision::Refuse { .. } => "refuse",
    };
    let (code, params) = match &next.ssn {
        Some(ssn) => (Topic::INSURANCE_REGISTERED, [("ssn", ssn.to_string())]),
        None => (Topic::INSURANCE_REFUSED, [("items", notes.join("; "))]),
    };
    let who_hears = (next.person_id, Some(next.employer_id));
    notifications::tell(
        &mut *tx,
        &ctx.config,
        now,
        who_hears,
        code,
        &params,
        "/residence",
    )
    .await?;
    tx.insert_case_event(&case_event(
        id.0,
        Some(who),
        action,
        next.state.as_str(),
        notes.clone(),
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        format!("insurance.{action}"),
        "insurance",
        id,
        // The number itself stays in the insurance's row, sealed: the audit log holds no
        // identity numbers.
        serde_json::json!({ "state": next.state, "ssn_assigned": next.ssn.is_some(), "notes": notes }),
    ));
    tx.commit().await?;
    Ok(next)
}

/// Moves the current card to `to`: the agency through making and handing over, the holder only
/// to report it lost.
pub async fn card(
    ctx: &Ctx,
    who: &Principal,
    id: InsuranceId,
    to: CardState,
) -> Result<SocialSecurityCard> {
    let by = match who.scope {
        Scope::SocialSecurityOfficer { .. } => CardActor::Agency,
        Scope::Applicant { .. } => CardActor::Holder,
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    };
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let i = registered(&mut *tx, who, id).await?;
    let mut current = tx
        .cards(id)
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("insurance"))?;
    if !card_step(current.state, to, by) {
        return Err(FieldError::new("state", "card_step_not_allowed")
            .with("from", current.state.as_str())
            .with("to", to.as_str())
            .into());
    }
    let from = current.state;
    current.state = to;
    current.changed_at = now;
    tx.update_card(&current).await?;
    card_notice(&mut *tx, &ctx.config, now, &i, to).await?;
    tx.insert_case_event(&case_event(
        id.0,
        Some(who),
        &format!("card_{}", to.as_str()),
        i.state.as_str(),
        vec![format!("{}", current.serial)],
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "insurance.card",
        "insurance",
        id,
        serde_json::json!({ "serial": current.serial, "from": from, "to": to }),
    ));
    tx.commit().await?;
    Ok(current)
}

/// A new card after the last was reported lost or cancelled: the agency makes one under the same
/// number.
pub async fn replace_card(
    ctx: &Ctx,
    who: &Principal,
    id: InsuranceId,
) -> Result<SocialSecurityCard> {
    officer(who)?;
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let i = registered(&mut *tx, who, id).await?;
    let mut cards = tx.cards(id).await?;
    let last = cards.pop().ok_or(ServiceError::NotFound("insurance"))?;
    if !may_replace(last.state) {
        return Err(FieldError::new("state", "card_not_replaceable")
            .with("state", last.state.as_str())
            .into());
    }
    if last.state == CardState::ReportedLost {
        // The lost card never works again.
        tx.update_card(&SocialSecurityCard {
            state: CardState::Cancelled,
            changed_at: now,
            ..last.clone()
        })
        .await?;
    }
    let card = SocialSecurityCard {
        insurance_id: id,
        serial: last.serial + 1,
        state: CardState::BeingMade,
        changed_at: now,
    };
    tx.insert_card(&card).await?;
    card_notice(&mut *tx, &ctx.config, now, &i, card.state).await?;
    tx.insert_case_event(&case_event(
        id.0,
        Some(who),
        "card_replaced",
        i.state.as_str(),
        vec![format!("{}", card.serial)],
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "insurance.card_replaced",
        "insurance",
        id,
        serde_json::json!({ "serial": card.serial }),
    ));
    tx.commit().await?;
    Ok(card)
}

/// Tells the holder where the card stands.
async fn card_notice(
    tx: &mut dyn Tx,
    config: &crate::config::Config,
    now: chrono::DateTime<chrono::Utc>,
    i: &Insurance,
    state: CardState,
) -> Result<()> {
    let ssn = i.ssn.as_ref().map(|s| s.to_string()).unwrap_or_default();
    let params = [("ssn", ssn), ("state", state.as_str().to_string())];
    notifications::tell(
        tx,
        config,
        now,
        (i.person_id, None),
        Topic::CARD_STATE,
        &params,
        "/residence",
    )
    .await
}

async fn registered(tx: &mut dyn Tx, who: &Principal, id: InsuranceId) -> Result<Insurance> {
    let i = tx
        .insurance(id)
        .await?
        .filter(|i| may_see(who, i))
        .ok_or(ServiceError::NotFound("insurance"))?;
    if i.state != InsuranceState::Registered {
        return Err(conflict("insurance_not_registered", &i));
    }
    Ok(i)
}

/// An insurance registration with its cards and steps.
#[derive(Debug, Clone)]
pub struct InsuranceView {
    pub insurance: Insurance,
    pub person: domain::party::Person,
    pub employer: domain::party::Employer,
    /// The permit as the shared record holds it now.
    pub permit: Option<domain::permit::Permit>,
    pub cards: Vec<SocialSecurityCard>,
    pub events: Vec<CaseEvent>,
}

pub async fn get(ctx: &Ctx, who: &Principal, id: InsuranceId) -> Result<InsuranceView> {
    let mut tx = ctx.store.begin_read().await?;
    let insurance = tx
        .insurance(id)
        .await?
        .filter(|i| may_see(who, i))
        .ok_or(ServiceError::NotFound("insurance"))?;
    let person = tx
        .person(insurance.person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let employer = tx
        .employer(insurance.employer_id)
        .await?
        .ok_or(ServiceError::NotFound("employer"))?;
    let permit = tx.permit(&insurance.permit_number).await?;
    let cards = tx.cards(id).await?;
    let events = tx.case_events(id.0).await?;
    Ok(InsuranceView {
        insurance,
        person,
        employer,
        permit,
        cards,
        events,
    })
}

/// The registrations the actor may see: the officer's queue (oldest first) or their own.
pub async fn list(
    ctx: &Ctx,
    who: &Principal,
    states: Vec<InsuranceState>,
) -> Result<Vec<Insurance>> {
    let mut f = InsuranceFilter {
        states,
        limit: 500,
        ..Default::default()
    };
    match who.scope {
        Scope::SocialSecurityOfficer { city } => f.city = Some(city),
        Scope::EmployerHr { employer_id } => f.employer_id = Some(employer_id),
        Scope::Applicant { person_id } => f.person_id = Some(person_id),
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    }
    Ok(ctx.store.begin_read().await?.list_insurances(&f).await?)
}

/// The names of the people and employers of registrations the caller may see.
pub async fn names_of(ctx: &Ctx, who: &Principal, list: &[Insurance]) -> Result<super::Names> {
    let (people, employers) = list
        .iter()
        .filter(|i| may_see(who, i))
        .map(|i| (i.person_id, i.employer_id))
        .unzip();
    super::names(ctx, people, employers).await
}
