//! The holder's own records in one place: permits, residence permits, visas, insurance,
//! contributions, claims, applications in progress and messages, each with the dates that
//! matter, and what the holder can do next.

use super::contributions::{EXTENSION_WINDOW_DAYS, current_permit, current_residence};
use super::{Ctx, Result, ServiceError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::application::Application;
use domain::benefits::ClaimState;
use domain::contributions::{Declaration, Statement};
use domain::insurance::{Insurance, InsuranceState, SocialSecurityCard};
use domain::notice::Recipient;
use domain::party::Person;
use domain::permit::Permit;
use domain::residence::{ResidenceApplication, ResidencePermit};
use domain::role::{Principal, Scope};
use domain::visa::Visa;
use store::{ApplicationFilter, ClaimFilter, PermitFilter, StoredClaim, StoredNotice};

/// Something the holder can do now, with what the message needs and where to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub link: &'static str,
}

#[derive(Debug, Clone)]
pub struct Records {
    pub person: Person,
    pub today: NaiveDate,
    pub permits: Vec<Permit>,
    /// The permit that matters now, and when its extension window opens.
    pub permit: Option<Permit>,
    pub extension_opens: Option<NaiveDate>,
    pub residence_permits: Vec<ResidencePermit>,
    /// Visas immigration entered, the newest first.
    pub visas: Vec<Visa>,
    pub insurance: Option<Insurance>,
    pub insured_from: Option<NaiveDate>,
    pub insurance_closed_at: Option<DateTime<Utc>>,
    pub cards: Vec<SocialSecurityCard>,
    pub statement: Statement,
    pub claims: Vec<StoredClaim>,
    pub applications: Vec<Application>,
    pub residence_applications: Vec<ResidenceApplication>,
    pub notices: Vec<StoredNotice>,
    pub unread: i64,
    pub next: Vec<NextStep>,
}

/// How many days before the current visa's last day the holder without a valid residence
/// permit is told to apply for one.
pub const VISA_WARNING_DAYS: i64 = 30;

pub async fn mine(ctx: &Ctx, who: &Principal) -> Result<Records> {
    let Scope::Applicant { person_id } = who.scope else {
        return Err(ServiceError::Forbidden("holder_only"));
    };
    let today = ctx.clock.today();
    let mut tx = ctx.store.begin_read().await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let permits = tx
        .list_permits(&PermitFilter {
            holder_id: Some(person_id),
            limit: 100,
            ..Default::default()
        })
        .await?;
    let residence_permits = tx.residence_permits_of(person_id).await?;
    let visas = tx.visas_of(person_id).await?;
    let insurance = tx.insurance_of(person_id).await?;
    let (closed, cards) = match &insurance {
        Some(i) if i.state == InsuranceState::Registered => (
            tx.insurance_closure(i.id).await?.map(|c| c.closed_at),
            tx.cards(i.id).await?,
        ),
        _ => (None, Vec::new()),
    };
    let declarations: Vec<Declaration> = tx
        .declarations_of(person_id)
        .await?
        .into_iter()
        .map(|d| d.declaration)
        .collect();
    let claims = tx
        .claims(&ClaimFilter {
            person_id: Some(person_id),
            limit: 100,
            ..Default::default()
        })
        .await?;
    let applications: Vec<Application> = tx
        .list_applications(&ApplicationFilter {
            person_id: Some(person_id),
            limit: 100,
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|a| !a.state.is_final())
        .collect();
    let residence_applications: Vec<ResidenceApplication> = tx
        .list_residence_applications(&store::ResidenceFilter {
            person_id: Some(person_id),
            limit: 100,
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|a| !a.state.is_final())
        .collect();
    let notices = tx.notices(Recipient::Person(person_id), 10).await?;
    let unread = tx.unread_notices(Recipient::Person(person_id)).await?;
    drop(tx);

    let permit = current_permit(&permits, today).cloned();
    let valid = permit.as_ref().filter(|p| p.is_valid_on(today));
    let extension_opens = valid.map(|p| p.valid_to - Duration::days(EXTENSION_WINDOW_DAYS));
    let insured_from = insurance
        .as_ref()
        .filter(|i| i.state == InsuranceState::Registered)
        .and_then(super::contributions::insured_from);
    let mut next = Vec::new();
    if let (Some(p), Some(opens)) = (valid, extension_opens)
        && today >= opens
    {
        next.push(NextStep {
            code: "extension_window_open",
            params: vec![("valid_to", p.valid_to.to_string())],
            link: "/permits",
        });
    }
    if valid.is_some() && insurance.is_none() {
        next.push(NextStep {
            code: "register_insurance",
            params: Vec::new(),
            link: "/residence",
        });
    }
    let residence = current_residence(&residence_permits, today);
    if let Some(r) = residence {
        if r.is_valid_on(today) && r.collected_at.is_none() {
            next.push(NextStep {
                code: "collect_residence_permit",
                params: vec![("number", r.number.to_string())],
                link: "/residence",
            });
        }
        if r.is_valid_on(today) && r.valid_to <= today + Duration::days(EXTENSION_WINDOW_DAYS) {
            next.push(NextStep {
                code: "residence_expiring",
                params: vec![("valid_to", r.valid_to.to_string())],
                link: "/residence",
            });
        }
    }
    if let Some(v) = domain::visa::current(&visas, today)
        && v.details.valid_until <= today + Duration::days(VISA_WARNING_DAYS)
        && !residence_permits.iter().any(|r| r.is_valid_on(today))
    {
        next.push(NextStep {
            code: "visa_expiring",
            params: vec![
                ("number", v.details.number.to_string()),
                ("valid_until", v.details.valid_until.to_string()),
            ],
            link: "/residence",
        });
    }
    if valid.is_none() && insured_from.is_some() && closed.is_none() {
        next.push(NextStep {
            code: "pension_refund_possible",
            params: Vec::new(),
            link: "/records#claim",
        });
    }
    if claims
        .iter()
        .any(|c| c.claim.state == ClaimState::Submitted)
    {
        next.push(NextStep {
            code: "claim_waiting",
            params: Vec::new(),
            link: "/records#claims",
        });
    }
    Ok(Records {
        person,
        today,
        extension_opens,
        permit,
        permits,
        residence_permits,
        visas,
        insurance,
        insured_from,
        insurance_closed_at: closed,
        cards,
        statement: Statement::build(&declarations),
        claims,
        applications,
        residence_applications,
        notices,
        unread,
        next,
    })
}
