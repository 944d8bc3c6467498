//! Work-type residence permits: applications immigration decides, alone or beside a new work
//! permit (one-stop acceptance, parallel approval, simultaneous issuance), the permits issued,
//! their review when the work permit is cancelled, the filings that keep them, and collection.

use super::{Ctx, Result, ServiceError, new_id};
use super::{applications, notifications};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use credential::Outcome;
use domain::FieldError;
use domain::application::{Application, Grant, State};
use domain::audit::AuditRecord;
use domain::ids::{ResidenceApplicationId, ResidencePermitId};
use domain::notice::Topic;
use domain::numbers::{PermitNumber, ReceiptNumber, ResidencePermitNumber};
use domain::permit::Permit;
use domain::policy::Policy;
use domain::residence::{
    self, FilingKind, Limit, PastPermit, PermitEvidence, RAction, RActionKind, RState,
    RTransitionError, ResidenceApplication, ResidenceGrant, ResidencePermit, ResidenceStatus,
    RoleAtEmployer,
};
use domain::role::{Principal, Scope};
use domain::values::Text;
use store::{CaseEvent, Filing, ResidenceFilter, Tx};

/// What a residence application asks, alone or with a new work permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidenceRequest {
    pub role_at_employer: RoleAtEmployer,
    /// The period asked for, in months (3 to 60); immigration grants within the rule's limit.
    pub requested_months: u32,
}

impl ResidenceRequest {
    pub fn check(&self) -> Result<(), FieldError> {
        if !(3..=60).contains(&self.requested_months) {
            return Err(
                FieldError::new("residence.requested_months", "out_of_range")
                    .with("min", 3)
                    .with("max", 60),
            );
        }
        Ok(())
    }
}

/// A residence application on its own, resting on a work permit.
#[derive(Debug, Clone)]
pub struct NewResidence {
    /// The work permit's number, from the Notification Letter: read from the shared record.
    pub permit_number: Option<PermitNumber>,
    /// Or the text of the card's QR code, verified online (and so used up).
    pub card_qr: Option<String>,
    pub request: ResidenceRequest,
}

fn may_see(who: &Principal, a: &ResidenceApplication) -> bool {
    match who.scope {
        Scope::EmployerHr { employer_id } => a.employer_id == employer_id,
        Scope::Applicant { person_id } => a.person_id == person_id,
        Scope::ImmigrationOfficer { city } => a.city == city,
        _ => false,
    }
}

fn may_act(who: &Principal, a: &ResidenceApplication, action: RActionKind) -> bool {
    match who.scope {
        Scope::ImmigrationOfficer { city } => action.by_officer() && a.city == city,
        Scope::EmployerHr { employer_id } => !action.by_officer() && a.employer_id == employer_id,
        Scope::Applicant { person_id } => !action.by_officer() && a.person_id == person_id,
        _ => false,
    }
}

fn may_see_permit(who: &Principal, p: &ResidencePermit) -> bool {
    match who.scope {
        Scope::EmployerHr { employer_id } => p.employer_id == employer_id,
        Scope::Applicant { person_id } => p.holder_id == person_id,
        Scope::ImmigrationOfficer { city } => p.city == city,
        _ => false,
    }
}

fn officer(who: &Principal) -> Result<domain::city::City> {
    match who.scope {
        Scope::ImmigrationOfficer { city } => Ok(city),
        _ => Err(ServiceError::Forbidden("immigration_officer_only")),
    }
}

pub(crate) fn case_event(
    case_id: uuid::Uuid,
    who: Option<&Principal>,
    action: &str,
    state: &str,
    notes: Vec<String>,
    at: DateTime<Utc>,
) -> CaseEvent {
    CaseEvent {
        id: new_id(),
        case_id,
        at,
        actor_id: who.map(|w| w.account_id),
        actor_name: who.map(|w| w.display_name.clone()).unwrap_or_default(),
        actor_role: who.map(|w| w.role()),
        action: action.to_string(),
        state: state.to_string(),
        notes,
    }
}

/// The work permit a code on the card names, if the code verifies: online, so it is used up.
pub(crate) async fn permit_from_card(ctx: &Ctx, field: &str, text: &str) -> Result<PermitNumber> {
    match super::verification::verify(ctx, text).await? {
        Outcome::Valid { claims } => Ok(claims.permit.number.clone()),
        other => Err(FieldError::new(field, "card_code_not_valid")
            .with("outcome", other.code())
            .into()),
    }
}

/// Reads the work permit a residence application or an insurance registration rests on: it must
/// stand today and, for the applicant side, be the caller's own (their employee's, or theirs).
pub(crate) async fn standing_permit(
    tx: &mut dyn Tx,
    who: &Principal,
    field: &str,
    number: &PermitNumber,
    today: NaiveDate,
) -> Result<Permit> {
    let not_found = || FieldError::new(field, "permit_not_found");
    let permit = tx.permit(number).await?.ok_or_else(not_found)?;
    let own = match who.scope {
        Scope::EmployerHr { employer_id } => permit.employer_id == employer_id,
        Scope::Applicant { person_id } => permit.holder_id == person_id,
        _ => true,
    };
    if !own {
        return Err(not_found().into());
    }
    let status = permit.status_on(today);
    if !permit.is_valid_on(today) {
        return Err(FieldError::new(field, "permit_not_valid")
            .with("status", status.as_str())
            .into());
    }
    Ok(permit)
}

/// Asks the accommodation register whether the holder's stay is registered in `city`: evidence
/// that replaces the paper registration form. Called before any transaction opens (it waits on
/// the network); no register configured gives no evidence, and the form is asked for on paper.
async fn accommodation(
    ctx: &Ctx,
    person: domain::ids::PersonId,
    city: domain::city::City,
) -> Result<Vec<domain::registers::Evidence>> {
    let person = ctx
        .store
        .begin_read()
        .await?
        .person(person)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let fact = domain::registers::Fact::Accommodation {
        nationality: person.nationality,
        passport_number: person.passport_number.clone(),
        city,
    };
    Ok(super::registers::confirm(&ctx.registers, &[fact], &*ctx.clock).await)
}

/// The key register evidence of a residence application is kept under (the evidence table
/// serves every kind of application).
fn evidence_key(id: ResidenceApplicationId) -> domain::ids::ApplicationId {
    domain::ids::ApplicationId(id.0)
}

/// Applies for a residence permit on a work permit already issued.
pub async fn apply(
    ctx: &Ctx,
    who: &Principal,
    input: NewResidence,
) -> Result<ResidenceApplication> {
    if !matches!(
        who.scope,
        Scope::EmployerHr { .. } | Scope::Applicant { .. }
    ) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    input.request.check()?;
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    // The code is verified before the transaction: verification records its use on its own.
    let (number, evidence, field) = match (&input.permit_number, &input.card_qr) {
        (Some(n), None) => (n.clone(), PermitEvidence::SharedRecord, "permit_number"),
        (None, Some(code)) => (
            permit_from_card(ctx, "card_qr", code).await?,
            PermitEvidence::CardQr { verified_at: now },
            "card_qr",
        ),
        (Some(_), Some(_)) => {
            return Err(FieldError::new("card_qr", "one_of_permit_or_code").into());
        }
        (None, None) => return Err(FieldError::new("permit_number", "required").into()),
    };
    // The register is asked before the transaction, about the holder the record names.
    let holder = {
        let mut tx = ctx.store.begin_read().await?;
        standing_permit(&mut *tx, who, field, &number, today).await?
    };
    let stay = accommodation(ctx, holder.holder_id, holder.city).await?;
    let mut tx = ctx.store.begin().await?;
    let permit = standing_permit(&mut *tx, who, field, &number, today).await?;
    let open = tx
        .list_residence_applications(&ResidenceFilter {
            person_id: Some(permit.holder_id),
            ..Default::default()
        })
        .await?;
    if open.iter().any(|a| !a.state.is_final()) {
        return Err(ServiceError::Conflict("residence_application_open"));
    }
    let serial = tx.next_receipt_serial().await?;
    let app = ResidenceApplication {
        id: ResidenceApplicationId(new_id()),
        receipt_number: ReceiptNumber::new(today, serial),
        person_id: permit.holder_id,
        employer_id: permit.employer_id,
        city: permit.city,
        permit_number: Some(permit.number.clone()),
        evidence,
        role_at_employer: input.request.role_at_employer,
        requested_months: input.request.requested_months,
        state: RState::Submitted,
        version: 1,
        passport_inspected_at: None,
        grant: None,
        residence_permit_id: None,
        created_at: now,
        decided_at: None,
    };
    tx.insert_residence_application(&app).await?;
    tx.insert_register_evidence(evidence_key(app.id), &stay)
        .await?;
    tx.insert_case_event(&case_event(
        app.id.0,
        Some(who),
        "submit",
        app.state.as_str(),
        Vec::new(),
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "residence.submitted",
        "residence_application",
        app.id,
        serde_json::json!({ "receipt_number": app.receipt_number, "permit_number": permit.number, "evidence": app.evidence }),
    ));
    tx.commit().await?;
    Ok(app)
}

/// The residence half of a one-stop submission, made in the work application's transaction.
pub(crate) fn one_stop_half(
    work: &Application,
    request: ResidenceRequest,
    receipt: ReceiptNumber,
    now: DateTime<Utc>,
) -> ResidenceApplication {
    ResidenceApplication {
        id: ResidenceApplicationId(new_id()),
        receipt_number: receipt,
        person_id: work.person_id,
        employer_id: work.employer_id,
        city: work.city,
        permit_number: None,
        evidence: PermitEvidence::OneStop {
            application_id: work.id,
        },
        role_at_employer: request.role_at_employer,
        requested_months: request.requested_months,
        state: RState::Submitted,
        version: 1,
        passport_inspected_at: None,
        grant: None,
        residence_permit_id: None,
        created_at: now,
        decided_at: None,
    }
}

/// The longest a permit starting on `from` may run for this application: the rule's limit, with
/// the work permit's end taken from the permit, the labour authority's pending grant, or (before
/// labour has decided) the contract's end.
async fn limit(
    tx: &mut dyn Tx,
    policy: &Policy,
    app: &ResidenceApplication,
    work_to: NaiveDate,
    from: NaiveDate,
) -> Result<Limit> {
    let history: Vec<PastPermit> = tx
        .residence_permits_of(app.person_id)
        .await?
        .into_iter()
        .map(|p| PastPermit {
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            work_type: true,
        })
        .collect();
    let employer = tx
        .employer(app.employer_id)
        .await?
        .ok_or(ServiceError::NotFound("employer"))?;
    let rules = policy.residence();
    let long = rules.long_reason(&history, &employer.uscc, app.role_at_employer);
    Ok(rules.limit(from, work_to, long))
}

/// The end of the work permit an application rests on, as far as it is known now.
async fn work_permit_end(
    tx: &mut dyn Tx,
    app: &ResidenceApplication,
    today: NaiveDate,
) -> Result<NaiveDate> {
    if let Some(work_id) = app.joint_with() {
        if let Some(g) = tx.joint_work_grant(app.id).await? {
            return Ok(g.valid_to);
        }
        let work = tx
            .application(work_id)
            .await?
            .ok_or(ServiceError::NotFound("application"))?;
        return match work.details {
            domain::application::Details::New { contract_end, .. } => Ok(contract_end),
            _ => Err(ServiceError::Internal(
                "one-stop work application is not new",
            )),
        };
    }
    let number = app.permit_number.as_ref().ok_or(ServiceError::Internal(
        "residence application without permit",
    ))?;
    let permit = tx
        .permit(number)
        .await?
        .ok_or(ServiceError::NotFound("permit"))?;
    if !permit.is_valid_on(today) {
        return Err(FieldError::new("permit_number", "permit_not_valid")
            .with("status", permit.status_on(today).as_str())
            .into());
    }
    Ok(permit.valid_to)
}

fn conflict(code: &'static str, a: &ResidenceApplication) -> ServiceError {
    ServiceError::CaseConflict {
        code,
        state: a.state.as_str(),
        version: a.version,
    }
}

/// Takes `action` on a residence application seen at version `seen`.
pub async fn act(
    ctx: &Ctx,
    who: &Principal,
    id: ResidenceApplicationId,
    action: RAction,
    seen: i64,
) -> Result<ResidenceApplication> {
    let kind = action.kind();
    let allowed = match who.scope {
        Scope::ImmigrationOfficer { .. } => kind.by_officer(),
        Scope::EmployerHr { .. } | Scope::Applicant { .. } => !kind.by_officer(),
        _ => false,
    };
    if !allowed {
        return Err(ServiceError::Forbidden("action_not_allowed_for_role"));
    }
    let today = ctx.clock.today();
    let now = ctx.clock.now();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    // A one-stop half was submitted from abroad: the accommodation register is asked when
    // immigration takes it up, before the transaction.
    let evidence = if kind == RActionKind::StartReview {
        let mut tx = ctx.store.begin_read().await?;
        match tx
            .residence_application(id)
            .await?
            .filter(|a| may_see(who, a))
        {
            Some(a) if tx.register_checks(evidence_key(id)).await?.is_empty() => {
                drop(tx);
                accommodation(ctx, a.person_id, a.city).await?
            }
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let mut tx = ctx.store.begin().await?;
    let app = tx
        .residence_application(id)
        .await?
        .filter(|a| may_see(who, a))
        .ok_or(ServiceError::NotFound("residence_application"))?;
    if !may_act(who, &app, kind) {
        return Err(ServiceError::Forbidden("action_not_allowed_for_role"));
    }
    let max_to = match &action {
        RAction::Approve { grant } => {
            let work_to = work_permit_end(&mut *tx, &app, today).await?;
            limit(&mut *tx, &policy, &app, work_to, grant.valid_from)
                .await?
                .max_valid_to
        }
        _ => today,
    };
    let mut to = residence::apply(&app, &action, seen, today, max_to).map_err(|e| match e {
        RTransitionError::Illegal { .. } => conflict("case_step_not_open", &app),
        RTransitionError::Stale { .. } => conflict("case_changed", &app),
        RTransitionError::Invalid(e) => e.into(),
    })?;
    let work = match app.joint_with() {
        Some(w) => Some(
            tx.application(w)
                .await?
                .ok_or(ServiceError::NotFound("application"))?,
        ),
        None => None,
    };
    // Parallel approval: immigration's approval waits for labour's, unless it came first.
    let issue_now = match (&action, &work) {
        (RAction::Approve { .. }, Some(w)) if w.state != State::JointPending => {
            to = RState::JointPending;
            false
        }
        (RAction::Approve { .. }, _) => true,
        _ => false,
    };
    let mut next = app.clone();
    next.state = to;
    next.version = app.version + 1;
    if to.is_final() {
        next.decided_at = Some(now);
    }
    let mut notes = action.notes();
    match &action {
        RAction::InspectPassport => {
            next.passport_inspected_at = Some(now);
            notes.push("passport_returned".to_string());
        }
        RAction::Approve { grant } => next.grant = Some(*grant),
        _ => {}
    }
    if !tx.update_residence_application(&next, seen).await? {
        return Err(conflict("case_changed", &app));
    }
    tx.insert_register_evidence(evidence_key(id), &evidence)
        .await?;
    let mut audit = serde_json::json!({ "from": app.state, "to": next.state, "notes": notes });
    let mut issued = None;
    if issue_now {
        let permit = match work {
            Some(mut w) => {
                // Labour approved first: its grant waited; both are issued now, together.
                let grant = tx
                    .joint_work_grant(app.id)
                    .await?
                    .ok_or(ServiceError::Internal("joint work grant missing"))?;
                applications::complete_joint(
                    &mut *tx,
                    &ctx.config,
                    &mut w,
                    grant,
                    who,
                    &policy,
                    (today, now),
                )
                .await?
            }
            None => {
                let number = app.permit_number.as_ref().ok_or(ServiceError::Internal(
                    "residence application without permit",
                ))?;
                tx.permit(number)
                    .await?
                    .ok_or(ServiceError::NotFound("permit"))?
            }
        };
        let rp = issue_permit(&mut *tx, &policy, &mut next, &permit, today, now).await?;
        audit["residence_permit"] =
            serde_json::json!({ "number": rp.number, "valid_to": rp.valid_to });
        issued = Some(rp);
    } else if let (Some(mut w), RAction::Refuse { reasons }) = (work.clone(), &action) {
        // A refusal by either agency ends both, with the reasons shown to the applicant.
        let notes = reasons.iter().map(|r| r.to_string()).collect();
        applications::end_joint(&mut *tx, &mut w, State::Refused, notes, who, now).await?;
    } else if let (Some(mut w), RAction::Withdraw) = (work, &action) {
        applications::end_joint(&mut *tx, &mut w, State::Withdrawn, Vec::new(), who, now).await?;
    }
    let who_hears = (app.person_id, Some(app.employer_id));
    let receipt = ("receipt", app.receipt_number.to_string());
    let link = "/residence";
    match &action {
        RAction::RequestCorrections { items } | RAction::Refuse { reasons: items } => {
            let code = if kind == RActionKind::Refuse {
                Topic::RESIDENCE_REFUSED
            } else {
                Topic::RESIDENCE_CORRECTIONS_REQUESTED
            };
            let items = items
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let params = [receipt, ("items", items)];
            notifications::tell(&mut *tx, &ctx.config, now, who_hears, code, &params, link).await?;
        }
        RAction::Approve { .. } if to == RState::JointPending => {
            let params = [receipt, ("agency", "immigration".to_string())];
            notifications::tell(
                &mut *tx,
                &ctx.config,
                now,
                who_hears,
                Topic::JOINT_PENDING,
                &params,
                link,
            )
            .await?;
        }
        RAction::InspectPassport => {
            super::appointments::attended(
                &mut *tx,
                app.person_id,
                domain::appointment::Purpose::PassportInspection {
                    residence_application_id: id,
                },
                now,
            )
            .await?;
        }
        _ => {}
    }
    if let Some(rp) = &issued {
        notify_issued(&mut *tx, &ctx.config, now, &next, rp).await?;
    }
    let event_action = if to == RState::JointPending {
        "approve_joint_pending"
    } else {
        kind.as_str()
    };
    tx.insert_case_event(&case_event(
        id.0,
        Some(who),
        event_action,
        next.state.as_str(),
        notes,
        now,
    ))
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        format!("residence.{}", kind.as_str()),
        "residence_application",
        id,
        audit,
    ));
    tx.commit().await?;
    if issue_now && app.joint_with().is_some() {
        ctx.status_lists.changed();
    }
    Ok(next)
}

/// Issues the residence permit `app` was granted, on `work` (the work permit revision in force),
/// and records it on the application. The grant's end is held to the rule's limit as it stands
/// now that the work permit is known: a standard permit never outlasts the work permit.
pub(crate) async fn issue_permit(
    tx: &mut dyn Tx,
    policy: &Policy,
    app: &mut ResidenceApplication,
    work: &Permit,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ResidencePermit> {
    let grant = app
        .grant
        .ok_or(ServiceError::Internal("residence grant missing"))?;
    let limit = limit(tx, policy, app, work.valid_to, grant.valid_from).await?;
    let serial = tx
        .next_serial(&format!("residence:{}:{}", app.city.code(), today.year()))
        .await?;
    let number = ResidencePermitNumber::new(app.city.code(), today, serial)
        .ok_or_else(|| FieldError::new("grant", "permit_serials_exhausted"))?;
    let permit = ResidencePermit {
        id: ResidencePermitId(new_id()),
        number,
        holder_id: app.person_id,
        employer_id: work.employer_id,
        work_permit_number: work.number.clone(),
        city: app.city,
        valid_from: grant.valid_from,
        valid_to: grant.valid_to.min(limit.max_valid_to),
        status: ResidenceStatus::Valid,
        status_changed_on: None,
        long_reason: limit.long,
        application_id: app.id,
        collected_at: None,
    };
    tx.insert_residence_permit(&permit, now).await?;
    let seen = app.version;
    app.state = RState::Approved;
    app.decided_at = Some(now);
    app.permit_number = Some(work.number.clone());
    app.residence_permit_id = Some(permit.id);
    app.grant = Some(ResidenceGrant {
        valid_from: permit.valid_from,
        valid_to: permit.valid_to,
    });
    app.version = seen + 1;
    if !tx.update_residence_application(app, seen).await? {
        return Err(ServiceError::CaseConflict {
            code: "case_changed",
            state: app.state.as_str(),
            version: seen,
        });
    }
    tx.audit(AuditRecord::new(
        now,
        None,
        "residence_permit.issued",
        "residence_permit",
        permit.id,
        serde_json::json!({ "number": permit.number, "work_permit": permit.work_permit_number,
            "valid_from": permit.valid_from, "valid_to": permit.valid_to, "long_reason": permit.long_reason }),
    ));
    Ok(permit)
}

/// Tells the holder and the employer that the residence permit is issued and waits to be
/// collected.
pub(crate) async fn notify_issued(
    tx: &mut dyn Tx,
    config: &crate::config::Config,
    now: DateTime<Utc>,
    app: &ResidenceApplication,
    rp: &ResidencePermit,
) -> Result<()> {
    notifications::tell(
        tx,
        config,
        now,
        (app.person_id, Some(app.employer_id)),
        Topic::RESIDENCE_ISSUED,
        &[
            ("number", rp.number.to_string()),
            ("valid_to", rp.valid_to.to_string()),
        ],
        "/residence",
    )
    .await
}

/// The residence half of a one-stop submission, if it is still open, for the labour side.
pub(crate) async fn open_half(
    tx: &mut dyn Tx,
    work: &Application,
) -> Result<Option<ResidenceApplication>> {
    if work.kind() != domain::application::ApplicationKind::New {
        return Ok(None);
    }
    Ok(tx
        .residence_application_for_work(work.id)
        .await?
        .filter(|r| !r.state.is_final()))
}

/// Labour approved a one-stop work permit while immigration has not: its grant waits.
pub(crate) async fn hold_work_grant(
    tx: &mut dyn Tx,
    half: &ResidenceApplication,
    grant: &Grant,
) -> Result<()> {
    Ok(tx.set_joint_work_grant(half.id, Some(grant)).await?)
}

/// Labour approved last: the residence half, approved and waiting, is issued with the permit.
pub(crate) async fn complete_half(
    tx: &mut dyn Tx,
    policy: &Policy,
    half: &mut ResidenceApplication,
    work: &Permit,
    who: &Principal,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ResidencePermit> {
    let permit = issue_permit(tx, policy, half, work, today, now).await?;
    tx.insert_case_event(&case_event(
        half.id.0,
        Some(who),
        "issued_with_work_permit",
        half.state.as_str(),
        vec![work.number.to_string()],
        now,
    ))
    .await?;
    Ok(permit)
}

/// Labour refused (or the employer withdrew) a one-stop work application: its residence half
/// ends the same way, with the reasons.
pub(crate) async fn end_half(
    tx: &mut dyn Tx,
    half: &mut ResidenceApplication,
    to: RState,
    notes: Vec<String>,
    who: &Principal,
    now: DateTime<Utc>,
) -> Result<()> {
    let seen = half.version;
    half.state = to;
    half.version = seen + 1;
    half.decided_at = Some(now);
    if !tx.update_residence_application(half, seen).await? {
        return Err(ServiceError::CaseConflict {
            code: "case_changed",
            state: half.state.as_str(),
            version: seen,
        });
    }
    let action = match to {
        RState::Refused => "refused_with_work_permit",
        _ => "withdrawn_with_work_permit",
    };
    tx.insert_case_event(&case_event(
        half.id.0,
        Some(who),
        action,
        to.as_str(),
        notes,
        now,
    ))
    .await?;
    Ok(())
}

/// A cancelled work permit puts the residence permits resting on it under review.
pub(crate) async fn flag_on_cancellation(
    tx: &mut dyn Tx,
    config: &crate::config::Config,
    work: &PermitNumber,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    for rp in tx.residence_permits_on(work).await? {
        if rp.status == ResidenceStatus::Valid && rp.valid_to >= today {
            tx.set_residence_status(rp.id, ResidenceStatus::UnderReview, today)
                .await?;
            tx.audit(AuditRecord::new(
                now,
                None,
                "residence_permit.flagged",
                "residence_permit",
                rp.id,
                serde_json::json!({ "reason": "work_permit_cancelled", "work_permit": work }),
            ));
            notifications::tell(
                tx,
                config,
                now,
                (rp.holder_id, Some(rp.employer_id)),
                Topic::RESIDENCE_UNDER_REVIEW,
                &[("number", rp.number.to_string())],
                "/residence",
            )
            .await?;
        }
    }
    Ok(())
}

/// A residence application with what its page shows.
#[derive(Debug, Clone)]
pub struct ResidenceView {
    pub application: ResidenceApplication,
    pub person: domain::party::Person,
    pub employer: domain::party::Employer,
    /// The work permit as the shared record holds it now (none while a one-stop permit waits).
    pub work_permit: Option<Permit>,
    /// The work application it was submitted with, under one-stop acceptance.
    pub work_application: Option<Application>,
    pub events: Vec<CaseEvent>,
    pub actions: Vec<RActionKind>,
    /// For immigration: the longest permit the rule allows if it started today, and why.
    pub limit: Option<Limit>,
    pub due: Option<NaiveDate>,
    pub permit: Option<ResidencePermit>,
    /// What the accommodation register answered; none asked (or none configured) means the
    /// registration form is brought on paper.
    pub register_checks: Vec<domain::registers::Evidence>,
}

fn due(policy: &Policy, app: &ResidenceApplication) -> Option<NaiveDate> {
    app.state.awaits_officer().then(|| {
        let created = (app.created_at + chrono::Duration::hours(8)).date_naive();
        policy
            .calendar()
            .add_working_days(created, policy.residence().decision_working_days)
            .date
    })
}

pub async fn get(ctx: &Ctx, who: &Principal, id: ResidenceApplicationId) -> Result<ResidenceView> {
    let today = ctx.clock.today();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let mut tx = ctx.store.begin_read().await?;
    let app = tx
        .residence_application(id)
        .await?
        .filter(|a| may_see(who, a))
        .ok_or(ServiceError::NotFound("residence_application"))?;
    let person = tx
        .person(app.person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let employer = tx
        .employer(app.employer_id)
        .await?
        .ok_or(ServiceError::NotFound("employer"))?;
    let work_permit = match &app.permit_number {
        Some(n) => tx.permit(n).await?,
        None => None,
    };
    let work_application = match app.joint_with() {
        Some(w) => tx.application(w).await?,
        None => None,
    };
    let events = tx.case_events(id.0).await?;
    let actions = residence::ractions_from(app.state)
        .into_iter()
        .filter(|a| may_act(who, &app, *a))
        .collect();
    let limit = if matches!(who.scope, Scope::ImmigrationOfficer { .. }) && !app.state.is_final() {
        match work_permit_end(&mut *tx, &app, today).await {
            Ok(work_to) => Some(limit(&mut *tx, &policy, &app, work_to, today).await?),
            Err(ServiceError::Invalid(_)) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let permit = match app.residence_permit_id {
        Some(p) => tx.residence_permit(p).await?,
        None => None,
    };
    let register_checks = tx.register_checks(evidence_key(id)).await?;
    Ok(ResidenceView {
        register_checks,
        due: due(&policy, &app),
        application: app,
        person,
        employer,
        work_permit,
        work_application,
        events,
        actions,
        limit,
        permit,
    })
}

/// The applications the actor may see: immigration's queue (oldest, so nearest deadline, first),
/// or the employer's or holder's own.
pub async fn list(
    ctx: &Ctx,
    who: &Principal,
    states: Vec<RState>,
) -> Result<Vec<(ResidenceApplication, Option<NaiveDate>)>> {
    let mut filter = ResidenceFilter {
        states,
        limit: 500,
        ..Default::default()
    };
    match who.scope {
        Scope::ImmigrationOfficer { city } => filter.city = Some(city),
        Scope::EmployerHr { employer_id } => filter.employer_id = Some(employer_id),
        Scope::Applicant { person_id } => filter.person_id = Some(person_id),
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    }
    let policy = ctx
        .policies
        .in_force(&*ctx.store, ctx.clock.today())
        .await?;
    let apps = ctx
        .store
        .begin_read()
        .await?
        .list_residence_applications(&filter)
        .await?;
    Ok(apps
        .into_iter()
        .map(|a| {
            let d = due(&policy, &a);
            (a, d)
        })
        .collect())
}

/// The residence permits the actor may see: the holder's, the employer's people's, or (for
/// immigration) those of its city under review.
pub async fn permits(ctx: &Ctx, who: &Principal) -> Result<Vec<ResidencePermit>> {
    let mut tx = ctx.store.begin_read().await?;
    Ok(match who.scope {
        Scope::Applicant { person_id } => tx.residence_permits_of(person_id).await?,
        Scope::EmployerHr { employer_id } => {
            let mut all = Vec::new();
            for p in tx.list_people(employer_id).await? {
                all.extend(
                    tx.residence_permits_of(p.id)
                        .await?
                        .into_iter()
                        .filter(|r| r.employer_id == employer_id),
                );
            }
            all
        }
        Scope::ImmigrationOfficer { city } => {
            tx.residence_permits_in(Some(city), ResidenceStatus::UnderReview, 500)
                .await?
        }
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    })
}

pub async fn permit(
    ctx: &Ctx,
    who: &Principal,
    id: ResidencePermitId,
) -> Result<(ResidencePermit, Vec<Filing>)> {
    let mut tx = ctx.store.begin_read().await?;
    let p = tx
        .residence_permit(id)
        .await?
        .filter(|p| may_see_permit(who, p))
        .ok_or(ServiceError::NotFound("residence_permit"))?;
    let filings = tx.filings(id).await?;
    Ok((p, filings))
}

/// Immigration's decision on a permit flagged by the cancellation of its work permit: it stands
/// (the holder found another employer, say) or it is cancelled.
pub async fn review(
    ctx: &Ctx,
    who: &Principal,
    id: ResidencePermitId,
    keep: bool,
    note: Text,
) -> Result<ResidencePermit> {
    let city = officer(who)?;
    let today = ctx.clock.today();
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let mut p = tx
        .residence_permit(id)
        .await?
        .filter(|p| p.city == city)
        .ok_or(ServiceError::NotFound("residence_permit"))?;
    if p.status != ResidenceStatus::UnderReview {
        return Err(ServiceError::Conflict("residence_permit_not_under_review"));
    }
    p.status = if keep {
        ResidenceStatus::Valid
    } else {
        ResidenceStatus::Cancelled
    };
    p.status_changed_on = Some(today);
    tx.set_residence_status(p.id, p.status, today).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "residence_permit.reviewed",
        "residence_permit",
        p.id,
        serde_json::json!({ "status": p.status, "note": note }),
    ));
    tx.commit().await?;
    Ok(p)
}

/// A filing that keeps the permit: a move to another region of the same enterprise, or degree
/// study. The permit must be valid.
pub async fn file(
    ctx: &Ctx,
    who: &Principal,
    id: ResidencePermitId,
    kind: FilingKind,
    filed_on: NaiveDate,
    details: Text,
) -> Result<Filing> {
    if !matches!(
        who.scope,
        Scope::EmployerHr { .. } | Scope::Applicant { .. }
    ) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let today = ctx.clock.today();
    let now = ctx.clock.now();
    if filed_on > today {
        return Err(FieldError::new("filed_on", "date_in_future").into());
    }
    let mut tx = ctx.store.begin().await?;
    let p = tx
        .residence_permit(id)
        .await?
        .filter(|p| may_see_permit(who, p))
        .ok_or(ServiceError::NotFound("residence_permit"))?;
    if !p.is_valid_on(today) {
        return Err(
            FieldError::new("residence_permit", "residence_permit_not_valid")
                .with("status", p.status.as_str())
                .into(),
        );
    }
    let filing = Filing {
        id: new_id(),
        residence_permit_id: id,
        kind,
        filed_on,
        details: details.to_string(),
        filed_by: Some(who.account_id),
        created_at: now,
    };
    tx.insert_filing(&filing).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "residence_permit.filing",
        "residence_permit",
        id,
        serde_json::json!({ "kind": kind, "filed_on": filed_on, "details": filing.details }),
    ));
    tx.commit().await?;
    Ok(filing)
}

/// The holder collected the permit at the office: immigration records it (and the appointment
/// made for it, if any, is attended).
pub async fn collect(ctx: &Ctx, who: &Principal, id: ResidencePermitId) -> Result<ResidencePermit> {
    let city = officer(who)?;
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let mut p = tx
        .residence_permit(id)
        .await?
        .filter(|p| p.city == city)
        .ok_or(ServiceError::NotFound("residence_permit"))?;
    if !tx.set_residence_collected(id, now).await? {
        return Err(ServiceError::Conflict("already_collected"));
    }
    p.collected_at = Some(now);
    super::appointments::attended(
        &mut *tx,
        p.holder_id,
        domain::appointment::Purpose::CollectResidencePermit {
            residence_permit_id: id,
        },
        now,
    )
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "residence_permit.collected",
        "residence_permit",
        id,
        serde_json::json!({ "holder": p.holder_id }),
    ));
    tx.commit().await?;
    Ok(p)
}

/// The first day a permit granted today would start, and the end the request asks for: what a
/// decision form offers by default.
pub fn suggested_grant(
    app: &ResidenceApplication,
    limit: &Limit,
    today: NaiveDate,
) -> ResidenceGrant {
    let asked = today
        .checked_add_months(Months::new(app.requested_months))
        .unwrap_or(limit.max_valid_to);
    ResidenceGrant {
        valid_from: today,
        valid_to: asked.min(limit.max_valid_to),
    }
}

/// The names of the holders and employers of applications and permits the caller may see
/// (those it may not see are left out).
pub async fn names_of(
    ctx: &Ctx,
    who: &Principal,
    apps: &[ResidenceApplication],
    permits: &[ResidencePermit],
) -> Result<super::Names> {
    let mut people = Vec::new();
    let mut employers = Vec::new();
    for a in apps.iter().filter(|a| may_see(who, a)) {
        people.push(a.person_id);
        employers.push(a.employer_id);
    }
    for p in permits.iter().filter(|p| may_see_permit(who, p)) {
        people.push(p.holder_id);
        employers.push(p.employer_id);
    }
    super::names(ctx, people, employers).await
}
