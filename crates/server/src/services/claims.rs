//! Benefits claimed through the card: the holder claims one of the policy's catalogue, which is
//! assessed at once (a claim that fails its rule is refused with the rule named and not
//! recorded); the social security officer of the city where the holder is insured approves it
//! with a payment instruction or refuses it with reasons; the holder may withdraw it while it
//! waits. An approved claim of a benefit that closes the insurance (the pension refund) closes
//! the record in the same transaction.

use super::contributions::open_insurance;
use super::{Ctx, Result, ServiceError, new_id, notifications};
use chrono::NaiveDate;
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::benefits::{
    Benefit, Claim, ClaimAction, ClaimDocument, ClaimError, ClaimFacts, ClaimSide, ClaimState,
    Eligibility, InsuranceStanding, apply_claim, assess_claim,
};
use domain::contributions::Declaration;
use domain::ids::{ClaimId, PersonId};
use domain::insurance::InsuranceState;
use domain::notice::Topic;
use domain::policy::Reason;
use domain::role::{Principal, Scope};
use domain::{Invalid, city::City};
use store::{ClaimFilter, InsuranceClosure, StoredClaim, Tx};

/// What the holder sends with a claim, parsed.
#[derive(Debug, Clone)]
pub struct ClaimInput {
    pub benefit: String,
    pub documents: Vec<ClaimDocument>,
    pub leaving_china_on: Option<NaiveDate>,
}

/// The codes of the rules a claim can fail, as the catalogue's messages name them.
const REASONS: [&str; 9] = [
    "valid_permit_remains",
    "permit_category_not_listed",
    "permit_city_not_listed",
    "insured_city_not_listed",
    "contribution_months_short",
    "leaving_china_not_declared",
    "not_insured",
    "insurance_closed",
    "document_missing",
];
const PARAMS: [&str; 9] = [
    "permit_number",
    "valid_to",
    "categories",
    "category",
    "cities",
    "city",
    "min_months",
    "months",
    "document",
];

/// The unmet conditions as field errors: each names its rule, on the field it is about.
pub fn unmet(reasons: &[Reason]) -> Invalid {
    let mut inv = Invalid::default();
    for r in reasons {
        let code = REASONS
            .into_iter()
            .find(|c| *c == r.rule)
            .unwrap_or("claim_condition_unmet");
        let field = match code {
            "document_missing" => "documents",
            "leaving_china_not_declared" => "leaving_china_on",
            _ => "benefit",
        };
        let mut e = FieldError::new(field, code);
        for (k, v) in &r.params {
            if let Some(k) = PARAMS.into_iter().find(|p| p == k) {
                e = e.with(k, v);
            }
        }
        inv.push(e);
    }
    inv
}

/// Everything a claim is assessed on, read inside the transaction.
async fn assess(
    tx: &mut dyn Tx,
    benefit: &Benefit,
    person: PersonId,
    today: NaiveDate,
    documents: &[ClaimDocument],
    leaving_china_on: Option<NaiveDate>,
) -> Result<(Eligibility, Option<City>)> {
    let permits = tx
        .list_permits(&store::PermitFilter {
            holder_id: Some(person),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let insurance = tx
        .insurance_of(person)
        .await?
        .filter(|i| i.state == InsuranceState::Registered);
    let standing = match &insurance {
        Some(i) => Some(InsuranceStanding {
            city: i.city,
            closed: tx.insurance_closure(i.id).await?.is_some(),
        }),
        None => None,
    };
    let declarations: Vec<Declaration> = tx
        .declarations_of(person)
        .await?
        .into_iter()
        .map(|d| d.declaration)
        .collect();
    let facts = ClaimFacts {
        claim_date: today,
        permits: &permits,
        insurance: standing,
        contributions: &declarations,
        leaving_china_on,
        documents,
    };
    Ok((assess_claim(benefit, &facts), standing.map(|s| s.city)))
}

/// The holder claims a benefit. Refused, with nothing written, when it fails its rule.
pub async fn create(ctx: &Ctx, who: &Principal, input: ClaimInput) -> Result<StoredClaim> {
    let Scope::Applicant { person_id } = who.scope else {
        return Err(ServiceError::Forbidden("holder_only"));
    };
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let benefit = policy.benefit(&input.benefit).ok_or_else(|| {
        FieldError::new("benefit", "benefit_unknown").with("benefit", &input.benefit)
    })?;
    if let Some(d) = input.leaving_china_on
        && d < today
    {
        return Err(FieldError::new("leaving_china_on", "date_in_past").into());
    }
    let mut tx = ctx.store.begin().await?;
    let (eligibility, city) = assess(
        &mut *tx,
        benefit,
        person_id,
        today,
        &input.documents,
        input.leaving_china_on,
    )
    .await?;
    if let Eligibility::NotEligible(reasons) = &eligibility {
        return Err(unmet(reasons).into());
    }
    let city = city.ok_or_else(|| FieldError::new("benefit", "not_insured"))?;
    let claim = StoredClaim {
        claim: Claim {
            id: ClaimId(new_id()),
            person_id,
            benefit: benefit.id.clone(),
            state: ClaimState::Submitted,
            version: 1,
            documents: input.documents.clone(),
            submitted_at: now,
            decided_at: None,
            payment: None,
            refusal: Vec::new(),
        },
        city,
        leaving_china_on: input.leaving_china_on,
        decided_by: None,
    };
    tx.insert_claim(&claim).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::Conflict("claim_open"),
        e => e.into(),
    })?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "claim.submitted",
        "claim",
        claim.claim.id,
        serde_json::json!({
            "benefit": claim.claim.benefit, "city": city, "policy": policy.version(),
            "documents": claim.claim.documents, "leaving_china_on": claim.leaving_china_on,
        }),
    ));
    tx.commit().await?;
    Ok(claim)
}

fn may_see(who: &Principal, c: &StoredClaim) -> bool {
    match who.scope {
        Scope::Applicant { person_id } => c.claim.person_id == person_id,
        Scope::SocialSecurityOfficer { city } => c.city == city,
        _ => false,
    }
}

fn conflict(code: &'static str, c: &Claim) -> ServiceError {
    ServiceError::CaseConflict {
        code,
        state: c.state.as_str(),
        version: c.version,
    }
}

/// A step on a claim: the officer approves or refuses, the holder withdraws. The claim is
/// assessed again for an approval: a permit issued since, say, stops a refund.
pub async fn act(
    ctx: &Ctx,
    who: &Principal,
    id: ClaimId,
    action: ClaimAction,
    seen: i64,
) -> Result<StoredClaim> {
    let side = match who.scope {
        Scope::Applicant { .. } => ClaimSide::Holder,
        Scope::SocialSecurityOfficer { .. } => ClaimSide::Officer,
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    };
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let policy = ctx.policies.in_force(&*ctx.store, today).await?;
    let mut tx = ctx.store.begin().await?;
    let stored = tx
        .claim(id)
        .await?
        .filter(|c| may_see(who, c))
        .ok_or(ServiceError::NotFound("claim"))?;
    let benefit = policy
        .benefit(&stored.claim.benefit)
        .ok_or(ServiceError::Unavailable("benefit_withdrawn"))?;
    let eligibility = if matches!(action, ClaimAction::Approve { .. }) {
        assess(
            &mut *tx,
            benefit,
            stored.claim.person_id,
            today,
            &stored.claim.documents,
            stored.leaving_china_on,
        )
        .await?
        .0
    } else {
        Eligibility::Eligible
    };
    let outcome = apply_claim(&stored.claim, benefit, &action, side, seen, &eligibility).map_err(
        |e| match e {
            ClaimError::Illegal { .. } => conflict("claim_step_not_open", &stored.claim),
            ClaimError::Stale { .. } => conflict("case_changed", &stored.claim),
            ClaimError::WrongSide { .. } => ServiceError::Forbidden("role_not_allowed"),
            ClaimError::NotEligible(reasons) => unmet(&reasons).into(),
            ClaimError::Invalid(f) => f.into(),
        },
    )?;
    let mut next = stored.clone();
    next.claim.state = outcome.to;
    next.claim.version = stored.claim.version + 1;
    next.claim.decided_at = Some(now);
    next.decided_by = Some(who.account_id);
    match &action {
        ClaimAction::Approve { payment } => next.claim.payment = Some(payment.clone()),
        ClaimAction::Refuse { reasons } => next.claim.refusal = reasons.clone(),
        ClaimAction::Withdraw => {}
    }
    if !tx.update_claim(&next, seen).await? {
        return Err(conflict("case_changed", &stored.claim));
    }
    let mut closed = None;
    if outcome.close_insurance {
        let i = open_insurance(&mut *tx, next.claim.person_id)
            .await?
            .ok_or_else(|| FieldError::new("benefit", "insurance_closed"))?;
        tx.close_insurance(&InsuranceClosure {
            insurance_id: i.id,
            claim_id: id,
            closed_at: now,
        })
        .await?;
        closed = Some(i.id);
    }
    let action_name = action.kind().as_str();
    match &action {
        ClaimAction::Approve { payment } => {
            notifications::tell(
                &mut *tx,
                &ctx.config,
                now,
                (next.claim.person_id, None),
                Topic::CLAIM_APPROVED,
                &[
                    ("benefit", next.claim.benefit.clone()),
                    ("amount", payment.amount.to_string()),
                    ("reference", payment.reference.to_string()),
                ],
                "/records#claims",
            )
            .await?
        }
        ClaimAction::Refuse { reasons } => {
            let items = reasons
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            notifications::tell(
                &mut *tx,
                &ctx.config,
                now,
                (next.claim.person_id, None),
                Topic::CLAIM_REFUSED,
                &[("benefit", next.claim.benefit.clone()), ("items", items)],
                "/records#claims",
            )
            .await?
        }
        ClaimAction::Withdraw => {}
    }
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        format!("claim.{action_name}"),
        "claim",
        id,
        serde_json::json!({
            // The account paid to stays in the claim's row, sealed.
            "state": next.claim.state,
            "payment": next.claim.payment.as_ref().map(|p| serde_json::json!({
                "amount_fen": p.amount.fen(), "reference": p.reference,
            })),
            "refusal": next.claim.refusal, "closed_insurance": closed,
        }),
    ));
    tx.commit().await?;
    Ok(next)
}

pub async fn get(ctx: &Ctx, who: &Principal, id: ClaimId) -> Result<StoredClaim> {
    ctx.store
        .begin_read()
        .await?
        .claim(id)
        .await?
        .filter(|c| may_see(who, c))
        .ok_or(ServiceError::NotFound("claim"))
}

/// The holder's own claims, newest first; the officer's queue (waiting ones, oldest first, unless
/// `states` says otherwise).
pub async fn list(ctx: &Ctx, who: &Principal, states: Vec<ClaimState>) -> Result<Vec<StoredClaim>> {
    let mut f = ClaimFilter {
        states,
        limit: 500,
        ..Default::default()
    };
    match who.scope {
        Scope::Applicant { person_id } => f.person_id = Some(person_id),
        Scope::SocialSecurityOfficer { city } => {
            f.city = Some(city);
            if f.states.is_empty() {
                f.states = vec![ClaimState::Submitted];
            }
        }
        _ => return Err(ServiceError::Forbidden("role_not_allowed")),
    }
    Ok(ctx.store.begin_read().await?.claims(&f).await?)
}

/// The names of the holders of claims the caller may see.
pub async fn names_of(ctx: &Ctx, who: &Principal, list: &[StoredClaim]) -> Result<super::Names> {
    let people = list
        .iter()
        .filter(|c| may_see(who, c))
        .map(|c| c.claim.person_id)
        .collect();
    super::names(ctx, people, Vec::new()).await
}
