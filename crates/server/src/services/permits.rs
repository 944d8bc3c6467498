//! Work permits: who sees which.

use super::{Ctx, Result, ServiceError};
use domain::numbers::PermitNumber;
use domain::permit::Permit;
use domain::role::{Principal, Scope};
use store::PermitFilter;

pub(crate) fn may_see(who: &Principal, p: &Permit) -> bool {
    match who.scope {
        Scope::Applicant { person_id } => p.holder_id == person_id,
        Scope::EmployerHr { employer_id } => p.employer_id == employer_id,
        Scope::LabourOfficer { city }
        | Scope::ImmigrationOfficer { city }
        | Scope::SocialSecurityOfficer { city } => p.city == city,
        Scope::Administrator => false,
    }
}

/// Every revision of a permit, oldest first, if the actor may see its latest.
pub async fn get(ctx: &Ctx, who: &Principal, number: &PermitNumber) -> Result<Vec<Permit>> {
    // As for the list: refused to the role whether or not the permit exists.
    if who.scope == Scope::Administrator {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let mut tx = ctx.store.begin_read().await?;
    let revisions = tx.permit_revisions(number).await?;
    match revisions.last() {
        Some(latest) if may_see(who, latest) => Ok(revisions),
        _ => Err(ServiceError::NotFound("permit")),
    }
}

pub async fn list(ctx: &Ctx, who: &Principal) -> Result<Vec<Permit>> {
    let filter = match who.scope {
        Scope::Applicant { person_id } => PermitFilter {
            holder_id: Some(person_id),
            ..Default::default()
        },
        Scope::EmployerHr { employer_id } => PermitFilter {
            employer_id: Some(employer_id),
            ..Default::default()
        },
        Scope::LabourOfficer { city }
        | Scope::ImmigrationOfficer { city }
        | Scope::SocialSecurityOfficer { city } => PermitFilter {
            city: Some(city),
            ..Default::default()
        },
        Scope::Administrator => return Err(ServiceError::Forbidden("role_not_allowed")),
    };
    Ok(ctx.store.begin_read().await?.list_permits(&filter).await?)
}
