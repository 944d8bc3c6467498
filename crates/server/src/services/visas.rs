//! Visas: immigration enters the visa a person holds, as printed on it; the holder, their
//! employer and immigration of a city the person has business in read them.

use super::{Ctx, Result, ServiceError, new_id, notifications};
use domain::audit::AuditRecord;
use domain::city::City;
use domain::ids::{PersonId, VisaId};
use domain::notice::Topic;
use domain::party::Person;
use domain::role::{Principal, Scope};
use domain::visa::{Visa, VisaDetails};
use store::{PermitFilter, ResidenceFilter, StoreError, Tx};

/// Whether immigration of `city` has business with a person: they hold a work permit or a
/// residence permit of the city, or have applied there for a residence permit. Immigration of
/// another city is told the person does not exist.
pub(crate) async fn has_business(tx: &mut dyn Tx, person: PersonId, city: City) -> Result<bool> {
    let permits = tx
        .list_permits(&PermitFilter {
            holder_id: Some(person),
            city: Some(city),
            limit: 1,
            ..Default::default()
        })
        .await?;
    if !permits.is_empty() {
        return Ok(true);
    }
    if tx
        .residence_permits_of(person)
        .await?
        .iter()
        .any(|r| r.city == city)
    {
        return Ok(true);
    }
    let applications = tx
        .list_residence_applications(&ResidenceFilter {
            person_id: Some(person),
            city: Some(city),
            limit: 1,
            ..Default::default()
        })
        .await?;
    Ok(!applications.is_empty())
}

/// Records a visa for a person, by an immigration officer of a city the person has business in,
/// and tells the holder. Refused, nothing written: another role (`immigration_officer_only`), a
/// person missing or of no business to the officer's city (not found), a number the person has
/// a visa of already (`visa_duplicate`).
pub async fn record(
    ctx: &Ctx,
    who: &Principal,
    person_id: PersonId,
    details: VisaDetails,
) -> Result<Visa> {
    let Scope::ImmigrationOfficer { city } = who.scope else {
        return Err(ServiceError::Forbidden("immigration_officer_only"));
    };
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    if !has_business(&mut *tx, person.id, city).await? {
        return Err(ServiceError::NotFound("person"));
    }
    let visa = Visa {
        id: VisaId(new_id()),
        person_id: person.id,
        details,
        city,
        entered_by: who.account_id,
        entered_at: now,
    };
    tx.insert_visa(&visa).await.map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict("visa_duplicate"),
        e => e.into(),
    })?;
    let d = &visa.details;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "visa.recorded",
        "person",
        person.id,
        serde_json::json!({
            // Not the number: it stays in the visa's row, sealed.
            "visa": visa.id, "category": d.category.as_str(),
            "issuing_post": d.issuing_post, "issued_on": d.issued_on,
            "valid_until": d.valid_until, "entries": d.entries.as_str(),
            "stay_days": d.stay_days.days(), "city": city,
        }),
    ));
    notifications::tell(
        &mut *tx,
        &ctx.config,
        now,
        (person.id, None),
        Topic::VISA_RECORDED,
        &[
            ("visa_number", d.number.to_string()),
            ("category", d.category.to_string()),
            ("valid_until", d.valid_until.to_string()),
            ("entries", d.entries.as_str().to_string()),
            ("stay_days", d.stay_days.to_string()),
        ],
        "/records#visas",
    )
    .await?;
    tx.commit().await?;
    Ok(visa)
}

/// A person's visas, the newest first, with the person they are of.
#[derive(Debug, Clone)]
pub struct VisaList {
    pub person: Person,
    pub visas: Vec<Visa>,
}

/// Whose visas the caller may read: the holder their own, the employer its people's,
/// immigration those of people its city has business with. Other people of those roles are
/// told nothing exists; other roles may not ask.
pub async fn list(ctx: &Ctx, who: &Principal, person_id: PersonId) -> Result<VisaList> {
    if !matches!(
        who.scope,
        Scope::Applicant { .. } | Scope::EmployerHr { .. } | Scope::ImmigrationOfficer { .. }
    ) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let mut tx = ctx.store.begin_read().await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let allowed = match who.scope {
        Scope::Applicant { person_id: me } => me == person.id,
        Scope::EmployerHr { employer_id } => person.employer_id == employer_id,
        Scope::ImmigrationOfficer { city } => has_business(&mut *tx, person.id, city).await?,
        _ => false,
    };
    if !allowed {
        return Err(ServiceError::NotFound("person"));
    }
    let visas = tx.visas_of(person.id).await?;
    Ok(VisaList { person, visas })
}
