//! Random sequences of steps on applications, taken through the real service layer over a fresh
//! SQLite store per case, by random actors, sometimes on a stale version, sometimes approving with
//! a grant that does not fit. After every step the stored world is checked against a model and
//! against invariants that hold whatever happened:
//!
//! - a step that succeeds moves its application exactly as `next_state` says, adds one event to
//!   its timeline and one record to the audit chain, and touches no other application;
//! - a step that is refused changes nothing at all, and is refused for the reason the model gives;
//! - no application is approved or refused without having been under review;
//! - an application has issued a permit revision if and only if it was approved (and is not a
//!   cancellation), and exactly one;
//! - the audit chain verifies after every step.

use chrono::{DateTime, Days, Months, NaiveDate, TimeZone, Utc};
use domain::application::{
    self, Action, ActionKind, Application, ApplicationKind, Details, Grant, Side, State,
};
use domain::ids::PersonId;
use domain::numbers::PermitNumber;
use domain::permit::{Category, Permit, PermitStatus};
use domain::role::Principal;
use domain::values::{Money, Text};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use server::clock::{Clock, FixedClock};
use server::services::applications::NewApplication;
use server::services::{Created, Ctx, ServiceError, applications};
use std::sync::Arc;
use store::testing::TestDb;
use store::{Event, PermitFilter, Store};

const CASES: u32 = 24;
const MAX_STEPS: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Hr,
    /// The holder of application 0, not of the others.
    Anna,
    OfficerBeijing,
    OfficerShanghai,
}

const ACTORS: [Actor; 4] = [
    Actor::Hr,
    Actor::Anna,
    Actor::OfficerBeijing,
    Actor::OfficerShanghai,
];

/// Which action: one that moves the application on from its state (the k-th, wrapping; any of
/// the ten once it is final), or any of the ten, withdrawal included.
#[derive(Debug, Clone, Copy)]
enum ActionPick {
    Forward(usize),
    Any(usize),
}

/// Who acts: whoever the action belongs to (the employer, or the officer of Beijing), or anyone.
#[derive(Debug, Clone, Copy)]
enum ActorPick {
    Owner,
    Any(usize),
}

/// What an approval carries.
#[derive(Debug, Clone, Copy)]
enum GrantPick {
    /// What the kind asks for: a grant that fits, or none for a cancellation.
    Fitting,
    /// A grant where none is due, or none where one is.
    Mismatched,
    /// Category C for two years.
    TooLong,
    /// Starting yesterday.
    InThePast,
}

#[derive(Debug, Clone, Copy)]
struct Step {
    app: usize,
    action: ActionPick,
    actor: ActorPick,
    /// Added to the current version: 0, or a stale or future version.
    version_offset: i64,
    grant: GrantPick,
}

fn step() -> impl Strategy<Value = Step> {
    (
        // Mostly the new permit, so that walks often get as far as a decision.
        prop_oneof![5 => Just(0usize), 3 => Just(1usize), 2 => Just(2usize)],
        prop_oneof![
            6 => (0..ActionKind::ALL.len()).prop_map(ActionPick::Forward),
            1 => (0..ActionKind::ALL.len()).prop_map(ActionPick::Any),
        ],
        prop_oneof![
            5 => Just(ActorPick::Owner),
            1 => (0..ACTORS.len()).prop_map(ActorPick::Any),
        ],
        prop_oneof![16 => Just(0i64), 1 => Just(-1i64), 1 => Just(1i64)],
        prop_oneof![
            5 => Just(GrantPick::Fitting),
            1 => Just(GrantPick::Mismatched),
            1 => Just(GrantPick::TooLong),
            1 => Just(GrantPick::InThePast),
        ],
    )
        .prop_map(|(app, action, actor, version_offset, grant)| Step {
            app,
            action,
            actor,
            version_offset,
            grant,
        })
}

/// How the model expects a step to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    NotFound,
    Forbidden,
    Stale,
    Illegal,
    Invalid,
}

fn outcome_of(r: &Result<Application, ServiceError>) -> Result<Outcome, String> {
    Ok(match r {
        Ok(_) => Outcome::Done,
        Err(ServiceError::NotFound(_)) => Outcome::NotFound,
        Err(ServiceError::Forbidden(_)) => Outcome::Forbidden,
        Err(ServiceError::VersionConflict { .. }) => Outcome::Stale,
        Err(ServiceError::IllegalTransition { .. }) => Outcome::Illegal,
        Err(ServiceError::Invalid(_)) => Outcome::Invalid,
        Err(e) => return Err(format!("unexpected error: {e:?}")),
    })
}

/// One case's store, actors and applications.
struct Case {
    _db: TestDb,
    store: Arc<dyn Store>,
    ctx: Ctx,
    today: NaiveDate,
    actors: Vec<Principal>,
    anna: PersonId,
    jean_permit: PermitNumber,
    /// 0: a new permit for Anna, a draft; 1: an extension of Jean's permit, submitted;
    /// 2: a cancellation of Jean's permit, submitted.
    apps: Vec<Application>,
}

/// Everything a step could change.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    apps: Vec<Application>,
    events: Vec<Vec<Event>>,
    /// Every revision of every permit, by number and revision.
    permits: Vec<Permit>,
    audit: i64,
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap()
}

fn text(s: &str) -> Text {
    Text::parse("t", s, 500).unwrap()
}

async fn principal(store: &dyn Store, username: &str) -> Principal {
    store
        .begin_read()
        .await
        .expect("read")
        .account_by_username(username)
        .await
        .expect("account")
        .expect("demo account")
        .principal()
}

async fn setup() -> Case {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let clock = Arc::new(FixedClock::new(at()));
    server::demo::seed(&*store, &*clock)
        .await
        .expect("seed demo data");
    let today = clock.today();
    let config = Arc::new(server::config::Config::for_url(db.url.clone()));
    let ctx = Ctx::new(store.clone(), clock, config);
    let mut actors = Vec::new();
    for name in ["hr", "anna", "officer.beijing", "officer.shanghai"] {
        actors.push(principal(&*store, name).await);
    }
    let anna = actors[1].scope.person_id().expect("applicant");
    let jean = principal(&*store, "jean")
        .await
        .scope
        .person_id()
        .expect("applicant");
    let permit = store
        .begin_read()
        .await
        .unwrap()
        .list_permits(&PermitFilter {
            holder_id: Some(jean),
            ..Default::default()
        })
        .await
        .unwrap()
        .pop()
        .expect("Jean's permit");
    let inputs = [
        NewApplication {
            details: Details::New {
                position: text("Research Engineer"),
                annual_salary: Money::parse("s", "360000").unwrap(),
                contract_start: today,
                contract_end: today + Months::new(36),
                requested_category: Some(Category::B),
            },
            person_id: Some(anna),
            passport_number: None,
            submit: false,
            profile: None,
            residence: None,
        },
        NewApplication {
            details: Details::Extension {
                permit_number: permit.number.clone(),
                contract_end: permit.valid_to + Months::new(24),
            },
            person_id: None,
            passport_number: None,
            submit: true,
            profile: None,
            residence: None,
        },
        NewApplication {
            details: Details::Cancellation {
                permit_number: permit.number.clone(),
                employment_end: today,
                reason: text("Contract ended"),
            },
            person_id: None,
            passport_number: None,
            submit: true,
            profile: None,
            residence: None,
        },
    ];
    let mut apps = Vec::new();
    for input in inputs {
        match applications::create(&ctx, &actors[0], input, None).await {
            Ok(Created::New(a)) => apps.push(a),
            other => panic!("creating an application: {other:?}"),
        }
    }
    Case {
        _db: db,
        store,
        ctx,
        today,
        actors,
        anna,
        jean_permit: permit.number,
        apps,
    }
}

impl Case {
    async fn snapshot(&self) -> Snapshot {
        let mut tx = self.store.begin_read().await.expect("read");
        let mut apps = Vec::new();
        let mut events = Vec::new();
        for a in &self.apps {
            apps.push(tx.application(a.id).await.unwrap().expect("application"));
            events.push(tx.events(a.id).await.unwrap());
        }
        let mut permits = Vec::new();
        for latest in tx.list_permits(&PermitFilter::default()).await.unwrap() {
            permits.extend(tx.permit_revisions(&latest.number).await.unwrap());
        }
        drop(tx);
        let audit = store::verify_audit(&*self.store)
            .await
            .expect("read the audit chain")
            .unwrap_or_else(|broken| panic!("audit chain broken: {broken:?}"));
        Snapshot {
            apps,
            events,
            permits,
            audit,
        }
    }
}

/// Whether `who` may ever take `kind`, and on this application.
fn may(who: Actor, app: &Application, kind: ActionKind, anna: PersonId) -> Outcome {
    let role = match (kind.side(), who) {
        (Side::Applicant, Actor::Hr) => true,
        (Side::Applicant, Actor::Anna) => kind == ActionKind::Withdraw,
        (Side::Authority, Actor::OfficerBeijing | Actor::OfficerShanghai) => true,
        _ => false,
    };
    let sees = match who {
        Actor::Hr | Actor::OfficerBeijing => true,
        Actor::Anna => app.person_id == anna,
        Actor::OfficerShanghai => false,
    };
    if !role {
        Outcome::Forbidden
    } else if !sees {
        Outcome::NotFound
    } else {
        Outcome::Done
    }
}

/// Checks what holds after any step, whatever it was.
fn check_world(case: &Case, w: &Snapshot) -> Result<(), TestCaseError> {
    for (app, events) in w.apps.iter().zip(&w.events) {
        let label = app.kind().as_str();
        prop_assert!(!events.is_empty(), "{label}: no timeline");
        prop_assert_eq!(events[0].from_state, None, "{}: first event", label);
        for pair in events.windows(2) {
            let (prev, e) = (&pair[0], &pair[1]);
            prop_assert_eq!(e.from_state, Some(prev.to_state), "{}: timeline gap", label);
            let kind = ActionKind::from_code(&e.action);
            prop_assert!(kind.is_some(), "{label}: unknown action {}", e.action);
            prop_assert_eq!(
                application::next_state(prev.to_state, kind.unwrap()),
                Some(e.to_state),
                "{}: {:?} --{}--> {:?} is no transition",
                label,
                prev.to_state,
                e.action,
                e.to_state
            );
        }
        prop_assert_eq!(events.last().unwrap().to_state, app.state, "{}", label);
        if matches!(app.state, State::Approved | State::Refused) {
            let last = events.last().unwrap();
            prop_assert_eq!(last.from_state, Some(State::UnderReview), "{}", label);
            prop_assert!(
                events
                    .iter()
                    .any(|e| e.to_state == State::UnderReview && e.at <= last.at),
                "{label}: decided without review"
            );
            prop_assert!(app.decided_at.is_some(), "{label}: decided_at");
        }

        let issued = w
            .permits
            .iter()
            .filter(|p| p.application_id == Some(app.id))
            .count();
        let due = app.state == State::Approved && app.kind() != ApplicationKind::Cancellation;
        prop_assert_eq!(
            issued,
            usize::from(due),
            "{}: {} permit revisions issued in state {:?}",
            label,
            issued,
            app.state
        );
        if due {
            let p = w
                .permits
                .iter()
                .find(|p| p.application_id == Some(app.id))
                .unwrap();
            prop_assert_eq!(app.permit_number.as_ref(), Some(&p.number), "{}", label);
        }
    }

    // Jean's permit: only its latest revision may be valid, earlier ones are superseded; a
    // cancellation approved leaves it cancelled.
    let revisions: Vec<&Permit> = w
        .permits
        .iter()
        .filter(|p| p.number == case.jean_permit)
        .collect();
    let (latest, earlier) = revisions.split_last().expect("Jean's permit");
    for p in earlier {
        prop_assert_eq!(p.status, PermitStatus::Superseded);
    }
    let cancelled = w.apps[2].state == State::Approved;
    prop_assert_eq!(
        latest.status,
        if cancelled {
            PermitStatus::Cancelled
        } else {
            PermitStatus::Valid
        }
    );
    prop_assert_eq!(
        revisions.len(),
        1 + usize::from(w.apps[1].state == State::Approved)
    );
    Ok(())
}

/// Runs the steps on a fresh store; returns the world as they left it.
async fn run(steps: Vec<Step>) -> Result<Snapshot, TestCaseError> {
    let case = setup().await;
    let mut before = case.snapshot().await;
    check_world(&case, &before)?;
    prop_assert_eq!(before.apps[0].state, State::Draft);

    for (n, s) in steps.iter().enumerate() {
        let app = before.apps[s.app].clone();
        let kind = match s.action {
            ActionPick::Forward(k) => {
                let open: Vec<ActionKind> = application::actions_from(app.state)
                    .into_iter()
                    .filter(|a| *a != ActionKind::Withdraw)
                    .collect();
                if open.is_empty() {
                    ActionKind::ALL[k]
                } else {
                    open[k % open.len()]
                }
            }
            ActionPick::Any(i) => ActionKind::ALL[i],
        };
        let actor = match s.actor {
            ActorPick::Owner if kind.side() == Side::Authority => Actor::OfficerBeijing,
            ActorPick::Owner => Actor::Hr,
            ActorPick::Any(i) => ACTORS[i],
        };
        let good = Grant {
            category: Category::B,
            valid_from: case.today,
            valid_to: case.today + Days::new(365),
        };
        let wants_grant = app.kind() != ApplicationKind::Cancellation;
        let grant = match s.grant {
            GrantPick::Fitting => wants_grant.then_some(good),
            GrantPick::Mismatched => (!wants_grant).then_some(good),
            GrantPick::TooLong => Some(Grant {
                category: Category::C,
                valid_to: case.today + Months::new(24),
                ..good
            }),
            GrantPick::InThePast => Some(Grant {
                valid_from: case.today - Days::new(1),
                ..good
            }),
        };
        let items = vec![text("Medical examination report")];
        let action = match kind {
            ActionKind::Submit => Action::Submit,
            ActionKind::Resubmit => Action::Resubmit,
            ActionKind::Withdraw => Action::Withdraw,
            ActionKind::PassPreReview => Action::PassPreReview,
            ActionKind::Return => Action::Return {
                missing_items: items,
            },
            ActionKind::Accept => Action::Accept,
            ActionKind::StartReview => Action::StartReview,
            ActionKind::Approve => Action::Approve {
                grant,
                override_reason: None,
            },
            ActionKind::Refuse => Action::Refuse { reasons: items },
            ActionKind::RequestCorrections => Action::RequestCorrections { items },
        };
        let seen = app.version + s.version_offset;

        // The model: who may, then the version, then the state machine, then what the approval
        // carries and what it does to Jean's permit.
        let jean_valid = before.apps[2].state != State::Approved;
        let mut expected = may(actor, &app, kind, case.anna);
        let to = application::next_state(app.state, kind);
        if expected == Outcome::Done {
            expected = if seen != app.version {
                Outcome::Stale
            } else if to.is_none() {
                Outcome::Illegal
            } else if kind == ActionKind::Approve {
                let fits = matches!(s.grant, GrantPick::Fitting);
                let permit_ok = app.kind() == ApplicationKind::New || jean_valid;
                if fits && permit_ok {
                    Outcome::Done
                } else {
                    Outcome::Invalid
                }
            } else {
                Outcome::Done
            };
        }

        let who = &case.actors[ACTORS.iter().position(|a| *a == actor).unwrap()];
        let result = applications::transition(&case.ctx, who, app.id, action.clone(), seen).await;
        let after = case.snapshot().await;
        let label = format!(
            "step {n}: {actor:?} {} on the {} application ({:?}, v{}) seen at v{seen}: {result:?}",
            kind.as_str(),
            app.kind().as_str(),
            app.state,
            app.version,
        );
        let got = outcome_of(&result).map_err(|e| TestCaseError::fail(format!("{label}: {e}")))?;
        prop_assert_eq!(got, expected, "{}", label);
        check_world(&case, &after).map_err(|e| TestCaseError::fail(format!("{label}: {e}")))?;

        match &result {
            Err(e) => {
                prop_assert_eq!(
                    &after,
                    &before,
                    "{}: a refused step changed something",
                    label
                );
                if let ServiceError::VersionConflict { state, version }
                | ServiceError::IllegalTransition { state, version, .. } = e
                {
                    prop_assert_eq!(
                        (*state, *version),
                        (app.state, app.version),
                        "{}: the refusal misreports where the application stands",
                        label
                    );
                }
            }
            Ok(returned) => {
                let stored = &after.apps[s.app];
                prop_assert_eq!(returned, stored, "{}: returned differs from stored", label);
                prop_assert_eq!(Some(stored.state), to, "{}", label);
                prop_assert!(
                    stored.version > app.version,
                    "{label}: version did not rise"
                );
                prop_assert_eq!(after.audit, before.audit + 1, "{}: audit records", label);
                let (old, new) = (&before.events[s.app], &after.events[s.app]);
                prop_assert_eq!(new.len(), old.len() + 1, "{}: events", label);
                prop_assert_eq!(&new[..old.len()], &old[..], "{}: history rewritten", label);
                let e = new.last().unwrap();
                prop_assert_eq!(
                    (e.action.as_str(), e.from_state, e.to_state, e.actor_id),
                    (
                        kind.as_str(),
                        Some(app.state),
                        stored.state,
                        Some(who.account_id)
                    ),
                    "{}: event",
                    label
                );
                for i in (0..before.apps.len()).filter(|i| *i != s.app) {
                    prop_assert_eq!(&after.apps[i], &before.apps[i], "{}: another moved", label);
                    prop_assert_eq!(&after.events[i], &before.events[i], "{}", label);
                }
                if kind != ActionKind::Approve {
                    prop_assert_eq!(&after.permits, &before.permits, "{}: permits", label);
                }
            }
        }
        before = after;
    }
    case.store.close().await;
    Ok(before)
}

#[test]
fn random_steps_keep_the_invariants() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    });
    let steps = proptest::collection::vec(step(), 1..=MAX_STEPS);
    let result = runner.run(&steps, |steps| rt.block_on(run(steps)).map(|_| ()));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// One walk to every decision that issues or cancels a permit: the new permit, the extension
/// (a second revision of Jean's permit) and then the cancellation of that revision.
#[test]
fn walks_to_approval_issue_and_cancel_permits() {
    use ActionKind as A;
    let path = [
        (0, A::Submit),
        (0, A::PassPreReview),
        (0, A::Accept),
        (0, A::StartReview),
        (0, A::Approve),
        (1, A::PassPreReview),
        (1, A::Accept),
        (1, A::StartReview),
        (1, A::RequestCorrections),
        (1, A::Resubmit),
        (1, A::Approve),
        (2, A::Return),
        (2, A::Resubmit),
        (2, A::PassPreReview),
        (2, A::Accept),
        (2, A::StartReview),
        (2, A::Approve),
    ];
    let steps = path
        .into_iter()
        .map(|(app, kind)| Step {
            app,
            action: ActionPick::Any(ActionKind::ALL.iter().position(|k| *k == kind).unwrap()),
            actor: ActorPick::Owner,
            version_offset: 0,
            grant: GrantPick::Fitting,
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let end = run(steps).await.expect("invariants hold");
        let states: Vec<State> = end.apps.iter().map(|a| a.state).collect();
        assert_eq!(states, [State::Approved; 3]);
        // Anna's new permit, and Jean's in two revisions.
        assert_eq!(end.permits.len(), 3, "{:?}", end.permits);
    });
}
