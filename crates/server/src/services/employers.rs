//! Employing units: registered by an administrator, seen by their own HR and by the officers of
//! their city.

use super::{Created, Ctx, Idempotency, Result, ServiceError, new_id};
use crate::services::idempotency;
use domain::audit::AuditRecord;
use domain::city::City;
use domain::ids::EmployerId;
use domain::party::{Employer, EmployerKind, Uscc};
use domain::role::{Principal, Scope};
use domain::values::Text;
use store::StoreError;

#[derive(Debug, Clone)]
pub struct NewEmployer {
    pub name: Text,
    pub uscc: Uscc,
    pub city: City,
    pub kind: EmployerKind,
}

pub async fn create(
    ctx: &Ctx,
    who: &Principal,
    input: NewEmployer,
    idem: Option<Idempotency>,
) -> Result<Created<Employer>> {
    idempotency::with_retry(|| create_once(ctx, who, input.clone(), idem.as_ref())).await
}

async fn create_once(
    ctx: &Ctx,
    who: &Principal,
    input: NewEmployer,
    idem: Option<&Idempotency>,
) -> Result<Created<Employer>> {
    if who.scope != Scope::Administrator {
        return Err(ServiceError::Forbidden("administrator_only"));
    }
    let mut tx = ctx.store.begin().await?;
    if let Some(id) = idempotency::replay(&mut *tx, who, idem).await? {
        let e = tx
            .employer(EmployerId(id))
            .await?
            .ok_or(ServiceError::NotFound("employer"))?;
        return Ok(Created::Replayed(e));
    }
    let now = ctx.clock.now();
    let employer = Employer {
        id: EmployerId(new_id()),
        name: input.name,
        uscc: input.uscc,
        city: input.city,
        kind: input.kind,
    };
    tx.insert_employer(&employer, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict("uscc_taken"),
            e => e.into(),
        })?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "employer.created",
        "employer",
        employer.id,
        serde_json::json!({ "name": employer.name, "uscc": employer.uscc, "city": employer.city.code(), "kind": employer.kind }),
    ));
    idempotency::remember(&mut *tx, who, idem, employer.id.0, now).await?;
    idempotency::commit(tx).await?;
    Ok(Created::New(employer))
}

pub async fn get(ctx: &Ctx, who: &Principal, id: EmployerId) -> Result<Employer> {
    // As for the list: refused to the role whether or not the employer exists.
    if let Scope::Applicant { .. } = who.scope {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let mut tx = ctx.store.begin_read().await?;
    let e = tx
        .employer(id)
        .await?
        .ok_or(ServiceError::NotFound("employer"))?;
    if !may_see(who, &e) {
        return Err(ServiceError::NotFound("employer"));
    }
    Ok(e)
}

pub async fn list(ctx: &Ctx, who: &Principal) -> Result<Vec<Employer>> {
    let mut tx = ctx.store.begin_read().await?;
    Ok(match who.scope {
        Scope::Administrator => tx.list_employers(None).await?,
        Scope::EmployerHr { employer_id } => tx.employer(employer_id).await?.into_iter().collect(),
        Scope::LabourOfficer { city }
        | Scope::ImmigrationOfficer { city }
        | Scope::SocialSecurityOfficer { city } => tx.list_employers(Some(city)).await?,
        Scope::Applicant { .. } => return Err(ServiceError::Forbidden("role_not_allowed")),
    })
}

pub(crate) fn may_see(who: &Principal, e: &Employer) -> bool {
    match who.scope {
        Scope::Administrator => true,
        Scope::EmployerHr { employer_id } => employer_id == e.id,
        _ => who.scope.city() == Some(e.city),
    }
}
