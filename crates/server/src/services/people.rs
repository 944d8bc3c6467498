//! Foreign nationals on an employer's roster.

use super::{Created, Ctx, Idempotency, Result, ServiceError, idempotency, new_id};
use domain::audit::AuditRecord;
use domain::ids::PersonId;
use domain::party::Person;
use domain::role::{Principal, Scope};
use domain::values::{Email, Nationality, PassportNumber, PersonName, Phone, Sex};
use store::{ApplicationFilter, StoreError};

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: PersonName,
    pub nationality: Nationality,
    pub passport_number: PassportNumber,
    pub date_of_birth: chrono::NaiveDate,
    pub sex: Sex,
    pub email: Email,
    pub phone: Option<Phone>,
}

pub async fn create(
    ctx: &Ctx,
    who: &Principal,
    input: NewPerson,
    idem: Option<Idempotency>,
) -> Result<Created<Person>> {
    let Scope::EmployerHr { employer_id } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    idempotency::with_retry(|| async {
        let mut tx = ctx.store.begin().await?;
        if let Some(id) = idempotency::replay(&mut *tx, who, idem.as_ref()).await? {
            let p = tx
                .person(PersonId(id))
                .await?
                .ok_or(ServiceError::NotFound("person"))?;
            return Ok(Created::Replayed(p));
        }
        let now = ctx.clock.now();
        let input = input.clone();
        let person = Person {
            id: PersonId(new_id()),
            employer_id,
            name: input.name,
            nationality: input.nationality,
            passport_number: input.passport_number,
            date_of_birth: input.date_of_birth,
            sex: input.sex,
            email: input.email,
            phone: input.phone,
        };
        tx.insert_person(&person, now).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict("person_exists"),
            e => e.into(),
        })?;
        tx.audit(AuditRecord::new(
            now,
            Some(who.account_id),
            "person.created",
            "person",
            person.id,
            serde_json::json!({ "employer_id": employer_id, "nationality": person.nationality }),
        ));
        idempotency::remember(&mut *tx, who, idem.as_ref(), person.id.0, now).await?;
        idempotency::commit(tx).await?;
        Ok(Created::New(person))
    })
    .await
}

pub async fn get(ctx: &Ctx, who: &Principal, id: PersonId) -> Result<Person> {
    // Roles that never see a person are refused whether or not it exists.
    if !matches!(
        who.scope,
        Scope::EmployerHr { .. } | Scope::Applicant { .. } | Scope::LabourOfficer { .. }
    ) {
        return Err(ServiceError::Forbidden("role_not_allowed"));
    }
    let mut tx = ctx.store.begin_read().await?;
    let person = tx
        .person(id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let visible = match who.scope {
        Scope::EmployerHr { employer_id } => person.employer_id == employer_id,
        Scope::Applicant { person_id } => person_id == person.id,
        Scope::LabourOfficer { city } => {
            // An officer sees the people whose applications are in their city.
            let filter = ApplicationFilter {
                person_id: Some(person.id),
                city: Some(city),
                limit: 1,
                ..Default::default()
            };
            !tx.list_applications(&filter).await?.is_empty()
        }
        _ => false,
    };
    if !visible {
        return Err(ServiceError::NotFound("person"));
    }
    Ok(person)
}

pub async fn list(ctx: &Ctx, who: &Principal) -> Result<Vec<Person>> {
    let Scope::EmployerHr { employer_id } = who.scope else {
        return Err(ServiceError::Forbidden("employer_only"));
    };
    Ok(ctx
        .store
        .begin_read()
        .await?
        .list_people(employer_id)
        .await?)
}
