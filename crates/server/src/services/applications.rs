//! Applications from creation to decision, and what an approval does to the permit record.

use super::group_commit::{Handoff, Stopped};
use super::policies::Policies;
use super::{Created, Ctx, Idempotency, Result, ServiceError, idempotency, new_id, residence};
use crate::clock::Clock;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::FieldError;
use domain::application::{
    self, Action, ActionKind, Application, ApplicationKind, Change, Details, Grant, Side, State,
    TransitionError,
};
use domain::audit::AuditRecord;
use domain::city::City;
use domain::ids::{ApplicationId, EmployerId, EventId, PermitId, PersonId};
use domain::numbers::{PermitNumber, ReceiptNumber};
use domain::party::{Employer, Person};
use domain::permit::{Category, Medium, Permit, PermitStatus};
use domain::policy::Policy;
use domain::profile::Profile;
use domain::registers::{Evidence, Fact};
use domain::role::{Principal, Scope};
use domain::values::PassportNumber;
use std::collections::HashMap;
use store::{
    ApplicationFilter, AssessmentRecord, Event, IdempotencyKey, Store, StoredResponse, Tx,
};

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub details: Details,
    /// The person a new permit is for; other kinds take the holder from the permit.
    pub person_id: Option<PersonId>,
    /// For a change of employer filed by the new employer: the holder's passport number, which
    /// must match the permit's, as proof that the filer knows the holder.
    pub passport_number: Option<PassportNumber>,
    /// Submit at once rather than keep a draft.
    pub submit: bool,
    /// New permits: what the employer declares about the applicant for the classification.
    pub profile: Option<Profile>,
    /// New permits: also apply for the work-type residence permit (one-stop acceptance), which
    /// immigration reviews in parallel; both are issued together or neither.
    pub residence: Option<super::residence::ResidenceRequest>,
}

/// An application with what its pages show.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub application: Application,
    pub person: Person,
    pub employer: Employer,
    pub events: Vec<Event>,
    /// Revisions of the permit concerned, oldest first.
    pub permit: Vec<Permit>,
    /// What the viewer may do next.
    pub actions: Vec<ActionKind>,
    /// What the policy said at submission: deadlines, and the assessment where made.
    pub assessment: Option<AssessmentRecord>,
    /// What other departments' registers answered at each submission, in order.
    pub register_checks: Vec<Evidence>,
    /// Under one-stop acceptance: the residence application submitted with it.
    pub residence: Option<domain::residence::ResidenceApplication>,
}

/// The facts other departments' registers are asked to confirm when an application is
/// submitted: for a new permit, the employer's business licence. (A new permit is applied for
/// from abroad, before any accommodation is registered.)
pub fn register_facts(details: &Details, employer: &Employer) -> Vec<Fact> {
    match details {
        Details::New { .. } => vec![Fact::BusinessLicence {
            uscc: employer.uscc.clone(),
            name: employer.name.clone(),
        }],
        _ => Vec::new(),
    }
}

/// The deadline an application is held to now: the pre-review's while it waits for one, the
/// decision's while the authority has it after that; none once decided or with the applicant.
pub fn due(app: &Application, record: Option<&AssessmentRecord>) -> Option<NaiveDate> {
    let record = record?;
    match app.state {
        State::Submitted => record.pre_review_due,
        s if s.awaits_officer() => record.decision_due,
        _ => None,
    }
}

/// The deadlines of `apps` that have one, for a list such as the officer queue.
pub async fn due_dates(
    ctx: &Ctx,
    apps: &[Application],
) -> Result<HashMap<ApplicationId, NaiveDate>> {
    let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
    let records: HashMap<ApplicationId, AssessmentRecord> = ctx
        .store
        .begin_read()
        .await?
        .assessments(&ids)
        .await?
        .into_iter()
        .map(|r| (r.application_id, r))
        .collect();
    Ok(apps
        .iter()
        .filter_map(|a| due(a, records.get(&a.id)).map(|d| (a.id, d)))
        .collect())
}

fn may_see(who: &Principal, app: &Application) -> bool {
    match who.scope {
        Scope::EmployerHr { employer_id } => app.employer_id == employer_id,
        Scope::Applicant { person_id } => app.person_id == person_id,
        Scope::LabourOfficer { city } => app.city == city,
        _ => false,
    }
}

/// Whether the actor's role may ever take `action`, whatever the application: decided before
/// the application is looked up, so that the refusal says nothing about whether it exists.
fn role_may_act(who: &Principal, action: ActionKind) -> bool {
    match (action.side(), who.scope) {
        (Side::Applicant, Scope::EmployerHr { .. }) => true,
        (Side::Applicant, Scope::Applicant { .. }) => action == ActionKind::Withdraw,
        (Side::Authority, Scope::LabourOfficer { .. }) => true,
        _ => false,
    }
}

/// Whether the actor's role may ever see an application.
fn role_may_see(who: &Principal) -> bool {
    matches!(
        who.scope,
        Scope::EmployerHr { .. } | Scope::Applicant { .. } | Scope::LabourOfficer { .. }
    )
}

fn may_act(who: &Principal, app: &Application, action: ActionKind) -> bool {
    match (action.side(), who.scope) {
        (Side::Applicant, Scope::EmployerHr { employer_id }) => app.employer_id == employer_id,
        (Side::Applicant, Scope::Applicant { person_id }) => {
            action == ActionKind::Withdraw && app.person_id == person_id
        }
        (Side::Authority, Scope::LabourOfficer { city }) => app.city == city,
        _ => false,
    }
}

fn actions_for(who: &Principal, app: &Application) -> Vec<ActionKind> {
    application::actions_from(app.state)
        .into_iter()
        .filter(|a| may_act(who, app, *a))
        .collect()
}

fn event(
    app: &Application,
    who: &Principal,
    action: &str,
    from: Option<State>,
    notes: Vec<String>,
    at: DateTime<Utc>,
) -> Event {
    Event {
        id: EventId(new_id()),
        application_id: app.id,
        at,
        actor_id: Some(who.account_id),
        actor_name: who.display_name.clone(),
        actor_role: Some(who.role()),
        action: action.to_string(),
        from_state: from,
        to_state: app.state,
        notes,
    }
}

/// One employer's request to create an application, as the group commit carries it.
#[derive(Debug, Clone)]
pub struct Submission {
    pub who: Principal,
    pub employer_id: EmployerId,
    pub input: NewApplication,
    pub idem: Option<Idempotency>,
    /// What the registers answered, asked before the submission was queued.
    pub evidence: Vec<Evidence>,
}

/// Submissions written in one transaction at most.
pub(crate) const MAX_BATCH: usize = 64;

pub async fn create(
    ctx: &Ctx,
    who: &Principal,
    input: NewApplication,
    idem: Option<Idempotency>,
) -> Result<Created<Application>> {
    let Scope::EmployerHr { employer_id } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    input.details.check()?;
    // Asked here, on the caller's task, not in the writer that commits a batch: no transaction
    // waits for a register.
    let evidence = if input.submit {
        let employer = ctx.store.begin_read().await?.employer(employer_id).await?;
        match employer {
            Some(e) => {
                let facts = register_facts(&input.details, &e);
                super::registers::confirm(&ctx.registers, &facts, &*ctx.clock).await
            }
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let submission = Submission {
        who: who.clone(),
        employer_id,
        input,
        idem,
        evidence,
    };
    match ctx.submissions.call(submission).await {
        Ok(result) => result,
        Err(Stopped::NotQueued(s)) => {
            create_alone(&*ctx.store, &*ctx.clock, &ctx.policies, &s).await
        }
        Err(Stopped::Lost) => Err(ServiceError::Internal("submission_writer_stopped")),
    }
}

/// Writes the submissions that waited together in one transaction (see `group_commit`). If
/// the transaction fails as a whole (another process took one of the idempotency keys
/// meanwhile, or the database failed), each is written alone, so that none fails for
/// another's sake.
pub(crate) async fn create_batch(
    store: &dyn Store,
    clock: &dyn Clock,
    policies: &Policies,
    batch: Vec<Submission>,
    handoff: Handoff,
) -> Vec<Result<Created<Application>>> {
    match write_batch(store, clock, policies, &batch, handoff).await {
        Ok(results) => results,
        Err(e) => {
            if batch.len() > 1 {
                tracing::debug!(error = %e, size = batch.len(), "batch failed; writing its submissions one by one");
            }
            let mut results = Vec::with_capacity(batch.len());
            for s in &batch {
                results.push(create_alone(store, clock, policies, s).await);
            }
            results
        }
    }
}

async fn create_alone(
    store: &dyn Store,
    clock: &dyn Clock,
    policies: &Policies,
    s: &Submission,
) -> Result<Created<Application>> {
    idempotency::with_retry(|| async {
        let mut results = write_batch(
            store,
            clock,
            policies,
            std::slice::from_ref(s),
            Handoff::none(),
        )
        .await?;
        results.pop().expect("one result per submission")
    })
    .await
}

/// What a batch does with one submission.
enum Plan {
    /// Refused, writing nothing.
    Refused(Box<ServiceError>),
    /// A retry of an earlier call whose application is stored.
    Replay(ApplicationId),
    /// A retry of the submission at that index in the same batch.
    SameAs(usize),
    /// A new application, to be numbered.
    New(Draft),
}

struct Draft {
    person_id: PersonId,
    city: City,
    state: State,
    residence: Option<super::residence::ResidenceRequest>,
    /// What the policy says of it (its application id is filled in once it has one).
    record: Option<Box<AssessmentRecord>>,
}

/// Creates the batch's applications in one transaction: looks up the idempotency keys, the
/// employers and the people of all submissions at once, decides each, numbers the new ones with
/// consecutive receipt serials and inserts them with a few multi-row statements. The outer
/// error is the transaction's; the inner ones are each submission's own refusals.
async fn write_batch(
    store: &dyn Store,
    clock: &dyn Clock,
    policies: &Policies,
    batch: &[Submission],
    handoff: Handoff,
) -> Result<Vec<Result<Created<Application>>>> {
    let today = clock.today();
    // Before the transaction: on an in-memory SQLite database the reads share its connection.
    let policy = policies.in_force(store, today).await?;
    let mut tx = store.begin().await?;
    let now = clock.now();

    let keys: Vec<IdempotencyKey> = batch.iter().filter_map(idempotency_key).collect();
    let stored: HashMap<IdempotencyKey, StoredResponse> =
        tx.idempotent_responses(&keys).await?.into_iter().collect();
    let employer_ids: Vec<EmployerId> = batch.iter().map(|s| s.employer_id).collect();
    let employers: HashMap<EmployerId, Employer> = tx
        .employers(&employer_ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let person_ids: Vec<PersonId> = batch
        .iter()
        .filter(|s| s.input.details.permit_number().is_none())
        .filter_map(|s| s.input.person_id)
        .collect();
    let people: HashMap<PersonId, Person> = tx
        .people(&person_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();

    let mut claimed: HashMap<IdempotencyKey, (&[u8], usize)> = HashMap::new();
    let mut plans = Vec::with_capacity(batch.len());
    for (i, s) in batch.iter().enumerate() {
        let key = idempotency_key(s);
        let hash = s.idem.as_ref().map(|i| i.request_hash.as_slice());
        let plan = match (&key, hash) {
            (Some(key), Some(hash)) if stored.contains_key(key) => {
                match idempotency::stored_id(&stored[key], hash) {
                    Ok(id) => Plan::Replay(ApplicationId(id)),
                    Err(e) => Plan::Refused(Box::new(e)),
                }
            }
            (Some(key), Some(hash)) if claimed.contains_key(key) => {
                let (first_hash, first) = claimed[key];
                if first_hash == hash {
                    Plan::SameAs(first)
                } else {
                    Plan::Refused(Box::new(ServiceError::IdempotencyKeyReused))
                }
            }
            _ => match decide(&mut *tx, s, &employers, &people, &policy, today).await? {
                Ok(draft) => {
                    if let (Some(key), Some(hash)) = (key, hash) {
                        claimed.insert(key, (hash, i));
                    }
                    Plan::New(draft)
                }
                Err(e) => Plan::Refused(Box::new(e)),
            },
        };
        plans.push(plan);
    }

    let fresh = plans.iter().filter(|p| matches!(p, Plan::New(_))).count();
    let halves = plans
        .iter()
        .filter(|p| matches!(p, Plan::New(d) if d.residence.is_some()))
        .count();
    let mut serials = tx.next_receipt_serials(fresh + halves).await?.into_iter();
    let mut residence_halves = Vec::with_capacity(halves);
    let mut apps = Vec::with_capacity(fresh);
    let mut events = Vec::with_capacity(fresh);
    let mut remembered = Vec::with_capacity(fresh);
    let mut assessed = Vec::with_capacity(fresh);
    let mut checks = Vec::new();
    let mut index_of = HashMap::with_capacity(fresh);
    for (i, (plan, s)) in plans.iter().zip(batch).enumerate() {
        let Plan::New(draft) = plan else { continue };
        let serial = serials
            .next()
            .ok_or_else(|| store::StoreError::Corrupt("too few receipt serials".into()))?;
        let app = Application {
            id: ApplicationId(new_id()),
            receipt_number: ReceiptNumber::new(today, serial),
            permit_number: s.input.details.permit_number().cloned(),
            details: s.input.details.clone(),
            state: draft.state,
            version: 1,
            employer_id: s.employer_id,
            person_id: draft.person_id,
            city: draft.city,
            created_at: now,
            submitted_at: (draft.state == State::Submitted).then_some(now),
            decided_at: None,
        };
        let action = if draft.state == State::Submitted {
            ActionKind::Submit.as_str()
        } else {
            "created"
        };
        events.push(event(&app, &s.who, action, None, Vec::new(), now));
        tx.audit(AuditRecord::new(
            now,
            Some(s.who.account_id),
            "application.created",
            "application",
            app.id,
            serde_json::json!({
                "receipt_number": app.receipt_number,
                "kind": app.kind(),
                "state": app.state,
                "employer_id": app.employer_id,
                "person_id": app.person_id,
            }),
        ));
        if let (Some(key), Some(idem)) = (idempotency_key(s), &s.idem) {
            remembered.push((key, idempotency::created(idem, app.id.0)));
        }
        let submitted = draft.state == State::Submitted;
        if let Some(record) = &draft.record {
            let mut record = AssessmentRecord {
                application_id: app.id,
                ..(**record).clone()
            };
            if let (true, Some(result)) = (submitted, &mut record.result) {
                domain::registers::apply(result, &s.evidence);
            }
            assessed.push(record);
        }
        if submitted {
            checks.extend(s.evidence.iter().map(|e| (app.id, e.clone())));
        }
        if let Some(request) = draft.residence {
            let serial = serials
                .next()
                .ok_or_else(|| store::StoreError::Corrupt("too few receipt serials".into()))?;
            residence_halves.push((
                super::residence::one_stop_half(
                    &app,
                    request,
                    ReceiptNumber::new(today, serial),
                    now,
                ),
                s.who.clone(),
            ));
        }
        index_of.insert(i, apps.len());
        apps.push(app);
    }
    tx.insert_applications(&apps).await?;
    tx.insert_events(&events).await?;
    for (half, who) in &residence_halves {
        tx.insert_residence_application(half).await?;
        tx.insert_case_event(&super::residence::case_event(
            half.id.0,
            Some(who),
            "submit_one_stop",
            half.state.as_str(),
            Vec::new(),
            now,
        ))
        .await?;
        tx.audit(AuditRecord::new(
            now,
            Some(who.account_id),
            "residence.submitted",
            "residence_application",
            half.id,
            serde_json::json!({ "receipt_number": half.receipt_number, "evidence": half.evidence }),
        ));
    }
    tx.store_idempotent_responses(&remembered, now).await?;
    tx.upsert_assessments(&assessed).await?;
    tx.insert_register_checks(&checks).await?;

    let mut results = Vec::with_capacity(batch.len());
    for (i, plan) in plans.into_iter().enumerate() {
        results.push(match plan {
            Plan::Refused(e) => Err(*e),
            Plan::Replay(id) => match tx.application(id).await? {
                Some(a) => Ok(Created::Replayed(a)),
                None => Err(ServiceError::NotFound("application")),
            },
            Plan::SameAs(first) => Ok(Created::Replayed(apps[index_of[&first]].clone())),
            Plan::New(_) => Ok(Created::New(apps[index_of[&i]].clone())),
        });
    }
    drop(handoff);
    tx.commit().await?;
    Ok(results)
}

/// What the policy in force says of an application submitted on `on`: its deadlines, and the
/// assessment where the employer gave a profile (read with the person and the employer). The
/// application id is left to the caller.
fn at_submission(
    policy: &Policy,
    details: &Details,
    region: City,
    profiled: Option<(&Profile, &Person, &Employer)>,
    on: NaiveDate,
) -> Result<AssessmentRecord, FieldError> {
    let deadlines = policy.deadlines_for(on, domain::profile::requested_period(details));
    let (facts, result) = match profiled {
        Some((profile, person, employer)) => {
            let facts = domain::profile::facts(profile, details, region, person, employer, on)?;
            let result = policy.assess(&facts);
            (Some(facts), Some(result))
        }
        None => (None, None),
    };
    Ok(AssessmentRecord {
        application_id: ApplicationId(uuid::Uuid::nil()),
        profile: profiled.map(|(p, _, _)| p.clone()),
        policy_version: Some(policy.version().to_string()),
        pre_review_due: Some(deadlines.pre_review.date),
        decision_due: Some(deadlines.decision.date),
        facts,
        result,
    })
}

fn idempotency_key(s: &Submission) -> Option<IdempotencyKey> {
    s.idem.as_ref().map(|i| IdempotencyKey {
        account: s.who.account_id,
        key: i.key.clone(),
    })
}

/// Whether a submission may be created, and for whom: the outer error is the transaction's,
/// the inner one the submission's refusal.
async fn decide(
    tx: &mut dyn Tx,
    s: &Submission,
    employers: &HashMap<EmployerId, Employer>,
    people: &HashMap<PersonId, Person>,
    policy: &Policy,
    today: NaiveDate,
) -> Result<Result<Draft>> {
    let Some(employer) = employers.get(&s.employer_id) else {
        return Ok(Err(ServiceError::NotFound("employer")));
    };
    let input = &s.input;
    let (person_id, permit) = match input.details.permit_number() {
        None => {
            let Some(id) = input.person_id else {
                return Ok(Err(FieldError::new("person_id", "required").into()));
            };
            match people.get(&id) {
                Some(p) if p.employer_id == s.employer_id => (p.id, None),
                _ => return Ok(Err(FieldError::new("person_id", "person_unknown").into())),
            }
        }
        Some(number) => {
            let not_found = || FieldError::new("details.permit_number", "permit_not_found");
            let Some(permit) = tx.permit(number).await? else {
                return Ok(Err(not_found().into()));
            };
            let own = permit.employer_id == s.employer_id;
            match &input.details {
                Details::Change {
                    change: Change::Employer,
                    ..
                } => {
                    if own {
                        return Ok(Err(FieldError::new(
                            "details.change",
                            "change_employer_same",
                        )
                        .into()));
                    }
                    match &input.passport_number {
                        Some(p) if *p == permit.passport_number => {}
                        Some(_) => return Ok(Err(not_found().into())),
                        None => {
                            return Ok(Err(FieldError::new("passport_number", "required").into()));
                        }
                    }
                }
                _ if !own => return Ok(Err(not_found().into())),
                _ => {}
            }
            (permit.holder_id, Some(permit))
        }
    };
    let state = if input.submit {
        if let Err(e) = application::check_filing(&input.details, permit.as_ref(), today) {
            return Ok(Err(e.into()));
        }
        State::Submitted
    } else {
        State::Draft
    };
    let record = match (&input.profile, state) {
        (Some(_), _) if input.details.kind() != ApplicationKind::New => {
            return Ok(Err(FieldError::new("profile", "profile_new_only").into()));
        }
        (Some(profile), State::Draft) => Some(Box::new(AssessmentRecord::profile_only(
            ApplicationId(uuid::Uuid::nil()),
            profile.clone(),
        ))),
        (profile, _) => {
            // A profile comes with a new permit only, whose person was looked up above.
            let profiled = match profile {
                Some(p) => Some((
                    p,
                    people
                        .get(&person_id)
                        .ok_or(ServiceError::NotFound("person"))?,
                    employer,
                )),
                None => None,
            };
            match at_submission(policy, &input.details, employer.city, profiled, today) {
                Ok(r) => Some(Box::new(r)),
                Err(e) => return Ok(Err(e.into())),
            }
        }
    };
    if let Some(r) = &input.residence {
        if input.details.kind() != ApplicationKind::New {
            return Ok(Err(FieldError::new("residence", "one_stop_new_only").into()));
        }
        if state != State::Submitted {
            return Ok(Err(
                FieldError::new("residence", "one_stop_needs_submit").into()
            ));
        }
        if let Err(e) = r.check() {
            return Ok(Err(e.into()));
        }
    }
    Ok(Ok(Draft {
        person_id,
        city: employer.city,
        state,
        residence: input.residence,
        record,
    }))
}

/// Takes `action` on the application as the actor saw it at version `seen`.
pub async fn transition(
    ctx: &Ctx,
    who: &Principal,
    id: ApplicationId,
    action: Action,
    seen: i64,
) -> Result<Application> {
    let kind = action.kind();
    if !role_may_act(who, kind) {
        return Err(ServiceError::Forbidden("action_not_allowed_for_role"));
    }
    let submitting = matches!(kind, ActionKind::Submit | ActionKind::Resubmit);
    // Before the transaction: on an in-memory SQLite database the reads share its connection.
    let policy = ctx
        .policies
        .in_force(&*ctx.store, ctx.clock.today())
        .await?;
    // The registers are asked before the transaction too, never while it is open. What the
    // application is, and whose, is checked again inside it.
    let evidence = if submitting {
        let mut read = ctx.store.begin_read().await?;
        let facts = match read
            .application(id)
            .await?
            .filter(|a| may_act(who, a, kind))
        {
            Some(a) => match read.employer(a.employer_id).await? {
                Some(e) => register_facts(&a.details, &e),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        drop(read);
        super::registers::confirm(&ctx.registers, &facts, &*ctx.clock).await
    } else {
        Vec::new()
    };
    let mut tx = ctx.store.begin().await?;
    let app = tx
        .application(id)
        .await?
        .filter(|a| may_see(who, a))
        .ok_or(ServiceError::NotFound("application"))?;
    if !may_act(who, &app, kind) {
        return Err(ServiceError::Forbidden("action_not_allowed_for_role"));
    }
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    // The residence half of a one-stop submission, decided by immigration in parallel.
    let mut half = residence::open_half(&mut *tx, &app).await?;
    let mut to = application::apply(&app, &action, seen, today).map_err(|e| match e {
        TransitionError::Illegal { from, action } => ServiceError::IllegalTransition {
            state: from,
            action,
            version: app.version,
        },
        TransitionError::Stale { current, state, .. } => ServiceError::VersionConflict {
            state,
            version: current,
        },
        TransitionError::Invalid(e) => e.into(),
    })?;
    // Parallel approval: labour's approval waits for immigration's, unless it came second.
    let joint_pending = to == State::Approved
        && half
            .as_ref()
            .is_some_and(|h| h.state != domain::residence::RState::JointPending);
    if joint_pending {
        to = State::JointPending;
    }
    if kind == ActionKind::Submit {
        let permit = match app.details.permit_number() {
            Some(n) => tx.permit(n).await?,
            None => None,
        };
        application::check_filing(&app.details, permit.as_ref(), today)?;
    }

    let from = app.state;
    let mut next = app.clone();
    next.state = to;
    next.version = app.version + 1;
    if kind == ActionKind::Submit {
        next.submitted_at = Some(now);
    }
    if to.is_final() {
        next.decided_at = Some(now);
    }
    // The version check comes first, so that of two concurrent decisions the second fails
    // before it does anything else.
    if !tx.update_application(&next, seen).await? {
        drop(tx);
        let current = ctx
            .store
            .begin_read()
            .await?
            .application(id)
            .await?
            .ok_or(ServiceError::NotFound("application"))?;
        return Err(ServiceError::VersionConflict {
            state: current.state,
            version: current.version,
        });
    }

    if submitting {
        // Deadlines run from this submission, under the policy in force today.
        let profile = tx.assessments(&[id]).await?.pop().and_then(|r| r.profile);
        // The person and the employer are read only to assess a profile.
        let parties = match &profile {
            Some(_) => Some((
                tx.person(app.person_id)
                    .await?
                    .ok_or(ServiceError::NotFound("person"))?,
                tx.employer(app.employer_id)
                    .await?
                    .ok_or(ServiceError::NotFound("employer"))?,
            )),
            None => None,
        };
        let profiled = profile
            .as_ref()
            .zip(parties.as_ref())
            .map(|(p, (person, employer))| (p, person, employer));
        let mut record = at_submission(&policy, &app.details, app.city, profiled, today)?;
        if let Some(result) = &mut record.result {
            domain::registers::apply(result, &evidence);
        }
        tx.upsert_assessments(&[AssessmentRecord {
            application_id: id,
            ..record
        }])
        .await?;
        tx.insert_register_evidence(id, &evidence).await?;
    }

    let mut audit = serde_json::json!({ "from": from, "to": to, "notes": action.notes() });
    if let Action::Approve {
        grant: Some(g),
        override_reason,
    } = &action
    {
        let record = tx.assessments(&[id]).await?.pop();
        let assessed = record.and_then(|r| r.result).map(|a| a.category);
        if let Some(assessed) = assessed.filter(|c| *c != g.category) {
            let Some(reason) = override_reason else {
                return Err(
                    FieldError::new("override_reason", "override_reason_required")
                        .with("assessed", assessed.as_str())
                        .with("granted", g.category.as_str())
                        .into(),
                );
            };
            audit["category_override"] = serde_json::json!({
                "assessed": assessed, "granted": g.category, "reason": reason,
            });
        }
        if g.category == Category::C && matches!(app.details, Details::New { .. }) && !joint_pending
        {
            check_c_quota(&mut *tx, &policy, app.city, today).await?;
        }
    }
    let mut issued_residence = None;
    if let (Action::Approve { grant: Some(g), .. }, Some(h), true) = (&action, &half, joint_pending)
    {
        residence::hold_work_grant(&mut *tx, h, g).await?;
        audit["joint"] = serde_json::json!("awaiting_immigration");
    } else if let Action::Approve { grant, .. } = &action {
        let permit = issue(&mut *tx, &ctx.config, &next, *grant, today, now).await?;
        if let (Some(p), Some(h)) = (&permit, half.as_mut()) {
            // Immigration approved first: both permits are issued now, in this transaction.
            let rp = residence::complete_half(&mut *tx, &policy, h, p, who, today, now).await?;
            audit["residence_permit"] = serde_json::json!({ "number": rp.number });
            issued_residence = Some(rp);
        }
        if let Some(p) = &permit {
            audit["permit"] = serde_json::json!({ "number": p.number, "revision": p.revision });
            if next.permit_number.as_ref() != Some(&p.number) {
                next.permit_number = Some(p.number.clone());
                // Store the number of the permit a new application produced.
                if !tx.update_application(&next, next.version).await? {
                    return Err(ServiceError::VersionConflict {
                        state: next.state,
                        version: next.version,
                    });
                }
                next.version += 1;
            }
        }
    }
    // A refusal or withdrawal of either half ends both, with the reasons shown.
    if let Some(h) = half.as_mut() {
        match kind {
            ActionKind::Refuse => {
                residence::end_half(
                    &mut *tx,
                    h,
                    domain::residence::RState::Refused,
                    action.notes(),
                    who,
                    now,
                )
                .await?
            }
            ActionKind::Withdraw => {
                residence::end_half(
                    &mut *tx,
                    h,
                    domain::residence::RState::Withdrawn,
                    Vec::new(),
                    who,
                    now,
                )
                .await?
            }
            _ => {}
        }
    }
    tx.insert_event(&event(
        &next,
        who,
        if joint_pending {
            "approve_joint_pending"
        } else {
            kind.as_str()
        },
        Some(from),
        action.notes(),
        now,
    ))
    .await?;
    if joint_pending {
        super::notifications::tell(
            &mut *tx,
            &ctx.config,
            now,
            (next.person_id, Some(next.employer_id)),
            domain::notice::Topic::JOINT_PENDING,
            &[
                ("receipt", next.receipt_number.to_string()),
                ("agency", "labour".to_string()),
            ],
            &format!("/applications/{}", next.id),
        )
        .await?;
    } else {
        super::notifications::on_transition(&mut *tx, &ctx.config, now, &next, &action).await?;
    }
    if let (Some(h), Some(p)) = (&half, &issued_residence) {
        residence::notify_issued(&mut *tx, &ctx.config, now, h, p).await?;
    }
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        format!("application.{}", kind.as_str()),
        "application",
        id,
        audit,
    ));
    tx.commit().await?;
    if matches!(action, Action::Approve { .. }) {
        // An approval superseded or cancelled a revision: the published lists change.
        ctx.status_lists.changed();
    }
    Ok(next)
}

/// Immigration approved the residence half of a one-stop submission after labour approved the
/// work permit: the work permit is issued now, with the grant labour gave, in immigration's
/// transaction. Returns the permit issued.
pub(crate) async fn complete_joint(
    tx: &mut dyn Tx,
    config: &crate::config::Config,
    work: &mut Application,
    grant: Grant,
    who: &Principal,
    policy: &Policy,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Result<Permit> {
    if work.state != State::JointPending {
        return Err(ServiceError::IllegalTransition {
            state: work.state,
            action: ActionKind::Approve,
            version: work.version,
        });
    }
    if grant.category == Category::C {
        check_c_quota(tx, policy, work.city, today).await?;
    }
    let permit = issue(tx, config, work, Some(grant), today, now)
        .await?
        .ok_or(ServiceError::Internal("a new permit issues a permit"))?;
    let seen = work.version;
    let from = work.state;
    work.state = State::Approved;
    work.version = seen + 1;
    work.decided_at = Some(now);
    work.permit_number = Some(permit.number.clone());
    if !tx.update_application(work, seen).await? {
        return Err(ServiceError::VersionConflict {
            state: from,
            version: seen,
        });
    }
    tx.insert_event(&event(
        work,
        who,
        "issued_with_residence_permit",
        Some(from),
        Vec::new(),
        now,
    ))
    .await?;
    super::notifications::on_transition(
        tx,
        config,
        now,
        work,
        &Action::Approve {
            grant: Some(grant),
            override_reason: None,
        },
    )
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "application.approve",
        "application",
        work.id,
        serde_json::json!({ "from": from, "to": work.state, "joint": "issued",
            "permit": { "number": permit.number, "revision": permit.revision } }),
    ));
    Ok(permit)
}

/// Immigration refused the residence half of a one-stop submission, or it was withdrawn: the
/// work application ends the same way, with the reasons.
pub(crate) async fn end_joint(
    tx: &mut dyn Tx,
    work: &mut Application,
    to: State,
    notes: Vec<String>,
    who: &Principal,
    now: DateTime<Utc>,
) -> Result<()> {
    if work.state.is_final() {
        return Ok(());
    }
    let seen = work.version;
    let from = work.state;
    work.state = to;
    work.version = seen + 1;
    work.decided_at = Some(now);
    if !tx.update_application(work, seen).await? {
        return Err(ServiceError::VersionConflict {
            state: from,
            version: seen,
        });
    }
    let action = match to {
        State::Refused => "refused_with_residence_permit",
        _ => "withdrawn_with_residence_permit",
    };
    tx.insert_event(&event(work, who, action, Some(from), notes.clone(), now))
        .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        format!("application.{action}"),
        "application",
        work.id,
        serde_json::json!({ "from": from, "to": to, "notes": notes }),
    ));
    Ok(())
}

/// Counts a new Category C permit against the city's yearly quota, refusing it once the quota
/// is used up. The count is a counter row that the transaction holds until it commits, so two
/// approvals at once cannot both take the last place; a refused or failed approval gives its
/// place back with the rollback.
async fn check_c_quota(
    tx: &mut dyn Tx,
    policy: &Policy,
    city: City,
    today: NaiveDate,
) -> Result<()> {
    let Some(quota) = policy.region(city).and_then(|r| r.c_quota) else {
        return Ok(());
    };
    let issued = tx
        .next_serial(&format!("c_quota:{}:{}", city.code(), today.year()))
        .await?;
    if issued > u64::from(quota) {
        return Err(FieldError::new("grant.category", "c_quota_exhausted")
            .with("quota", quota)
            .with("year", today.year())
            .into());
    }
    Ok(())
}

/// What an approval does to the permit record: a new permit, a new revision superseding the old,
/// or the cancellation of the current one. Returns the revision issued, if any.
async fn issue(
    tx: &mut dyn Tx,
    config: &crate::config::Config,
    app: &Application,
    grant: Option<Grant>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Permit>> {
    let current = match app.details.permit_number() {
        Some(number) => {
            let p = tx.permit(number).await?;
            match p {
                Some(p) if p.status_on(today) == PermitStatus::Valid => Some(p),
                Some(p) => {
                    return Err(FieldError::new("details.permit_number", "permit_not_valid")
                        .with("status", p.status_on(today).as_str())
                        .into());
                }
                None => {
                    return Err(FieldError::new("details.permit_number", "permit_not_found").into());
                }
            }
        }
        None => None,
    };
    if let (Some(g), Details::New { contract_end, .. } | Details::Extension { contract_end, .. }) =
        (&grant, &app.details)
        && g.valid_to > *contract_end
    {
        return Err(FieldError::new("grant.valid_to", "beyond_contract")
            .with("contract_end", contract_end)
            .into());
    }
    match (&app.details, current, grant) {
        (Details::Cancellation { .. }, Some(current), None) => {
            tx.set_permit_status(current.id, PermitStatus::Cancelled, today)
                .await?;
            residence::flag_on_cancellation(tx, config, &current.number, today, now).await?;
            Ok(None)
        }
        (Details::New { position, .. }, None, Some(g)) => {
            let mut person = tx
                .person(app.person_id)
                .await?
                .ok_or(ServiceError::NotFound("person"))?;
            let serial = tx
                .next_serial(&format!("permit:{}:{}", app.city.code(), today.year()))
                .await?;
            let number = PermitNumber::new(app.city.code(), today, serial)
                .ok_or_else(|| FieldError::new("grant", "permit_serials_exhausted"))?;
            let permit = Permit {
                id: PermitId(new_id()),
                number,
                revision: 1,
                holder_id: person.id,
                employer_id: app.employer_id,
                holder_name: person.name.clone(),
                nationality: person.nationality,
                passport_number: person.passport_number.clone(),
                category: g.category,
                position: position.clone(),
                city: app.city,
                valid_from: g.valid_from,
                valid_to: g.valid_to,
                status: PermitStatus::Valid,
                status_changed_on: None,
                medium: Medium::Electronic,
                application_id: Some(app.id),
            };
            tx.insert_permit(&permit, now).await?;
            // The person is now employed by the applicant.
            if person.employer_id != app.employer_id {
                person.employer_id = app.employer_id;
                tx.update_person(&person).await?;
            }
            Ok(Some(permit))
        }
        (Details::Extension { .. } | Details::Change { .. }, Some(current), Some(g)) => {
            tx.set_permit_status(current.id, PermitStatus::Superseded, today)
                .await?;
            let mut next = Permit {
                id: PermitId(new_id()),
                revision: current.revision + 1,
                category: g.category,
                valid_from: g.valid_from,
                valid_to: g.valid_to,
                status: PermitStatus::Valid,
                status_changed_on: None,
                // An extension or change moves a physical card holder to the electronic card.
                medium: Medium::Electronic,
                application_id: Some(app.id),
                ..current
            };
            if let Details::Change { change, .. } = &app.details {
                let mut person = tx
                    .person(app.person_id)
                    .await?
                    .ok_or(ServiceError::NotFound("person"))?;
                match change {
                    Change::Employer => {
                        next.employer_id = app.employer_id;
                        next.city = app.city;
                        person.employer_id = app.employer_id;
                    }
                    Change::Position { new_position } => next.position = new_position.clone(),
                    Change::Name { new_name } => {
                        next.holder_name = new_name.clone();
                        person.name = new_name.clone();
                    }
                    Change::Passport {
                        new_passport_number,
                    } => {
                        next.passport_number = new_passport_number.clone();
                        person.passport_number = new_passport_number.clone();
                    }
                }
                tx.update_person(&person).await.map_err(|e| match e {
                    store::StoreError::Conflict(_) => ServiceError::Conflict("person_exists"),
                    e => e.into(),
                })?;
            }
            tx.insert_permit(&next, now).await?;
            Ok(Some(next))
        }
        _ => Err(FieldError::new("grant", "grant_mismatch")
            .with("kind", app.kind().as_str())
            .into()),
    }
}

/// The application if the actor may see it, as `get` decides, without reading the rest.
pub(crate) async fn visible(
    tx: &mut dyn Tx,
    who: &Principal,
    id: ApplicationId,
) -> Result<Application> {
    if !role_may_see(who) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    tx.application(id)
        .await?
        .filter(|a| may_see(who, a))
        .ok_or(ServiceError::NotFound("application"))
}

pub async fn get(ctx: &Ctx, who: &Principal, id: ApplicationId) -> Result<ApplicationView> {
    let mut tx = ctx.store.begin_read().await?;
    let application = visible(&mut *tx, who, id).await?;
    let person = tx
        .person(application.person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let employer = tx
        .employer(application.employer_id)
        .await?
        .ok_or(ServiceError::NotFound("employer"))?;
    let events = tx.events(id).await?;
    let permit = match &application.permit_number {
        Some(n) => tx.permit_revisions(n).await?,
        None => Vec::new(),
    };
    let actions = actions_for(who, &application);
    let assessment = tx.assessments(&[id]).await?.pop();
    let register_checks = tx.register_checks(id).await?;
    let residence = tx.residence_application_for_work(id).await?;
    Ok(ApplicationView {
        register_checks,
        residence,
        application,
        person,
        employer,
        events,
        permit,
        actions,
        assessment,
    })
}

/// Which applications to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// For officers: only those awaiting the authority, oldest submission first.
    pub queue: bool,
    pub states: Vec<State>,
    pub kind: Option<ApplicationKind>,
}

pub async fn list(ctx: &Ctx, who: &Principal, q: &ListQuery) -> Result<Vec<Application>> {
    let mut filter = ApplicationFilter {
        states: q.states.clone(),
        limit: 500,
        ..Default::default()
    };
    match who.scope {
        Scope::EmployerHr { employer_id } => filter.employer_id = Some(employer_id),
        Scope::Applicant { person_id } => filter.person_id = Some(person_id),
        Scope::LabourOfficer { city } => {
            filter.city = Some(city);
            if q.queue {
                if filter.states.is_empty() {
                    filter.states = State::ALL
                        .into_iter()
                        .filter(State::awaits_officer)
                        .collect();
                }
                filter.by_deadline = true;
            }
        }
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    }
    let mut apps = ctx
        .store
        .begin_read()
        .await?
        .list_applications(&filter)
        .await?;
    if let Some(kind) = q.kind {
        apps.retain(|a| a.kind() == kind);
    }
    Ok(apps)
}
