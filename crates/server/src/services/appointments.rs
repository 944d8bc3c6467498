//! Appointments at immigration's offices: to show the passport for inspection, or to collect an
//! issued residence permit. Booking, moving and cancelling are online; the store counts places
//! per slot with a conditional update, so two people can never take the last place together.

use super::{Ctx, Result, ServiceError, new_id};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use domain::FieldError;
use domain::appointment::{Appointment, AppointmentState, Office, Purpose, format_slot};
use domain::audit::AuditRecord;
use domain::ids::{AppointmentId, OfficeId, PersonId, ResidenceApplicationId, ResidencePermitId};
use domain::residence::ResidenceStatus;
use domain::role::{Principal, Scope};
use store::Tx;

/// Local time at the offices (China Standard Time, no daylight saving).
pub fn local_now(now: DateTime<Utc>) -> NaiveDateTime {
    (now + chrono::Duration::hours(8)).naive_utc()
}

/// What a booking is for, as the holder asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurposeRequest {
    PassportInspection(ResidenceApplicationId),
    CollectResidencePermit(ResidencePermitId),
}

/// One slot of a day with the places left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotView {
    pub slot: NaiveDateTime,
    pub free: u32,
}

/// A day at an office: closed, or its slots.
#[derive(Debug, Clone)]
pub struct DayView {
    pub office: Office,
    pub date: NaiveDate,
    pub open: bool,
    pub slots: Vec<SlotView>,
}

fn holder(who: &Principal) -> Result<PersonId> {
    match who.scope {
        Scope::Applicant { person_id } => Ok(person_id),
        _ => Err(ServiceError::Forbidden("holder_only")),
    }
}

/// An administrator opens an office where appointments can be booked.
pub async fn create_office(ctx: &Ctx, who: &Principal, office: Office) -> Result<Office> {
    if who.scope != Scope::Administrator {
        return Err(ServiceError::Forbidden("administrator_only"));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    tx.insert_office(&office, now).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "office.created",
        "office",
        office.id,
        serde_json::json!({ "city": office.city.code(), "name": office.name, "capacity": office.capacity,
            "slot_minutes": office.slot_minutes, "weekdays": office.weekdays, "closed_on": office.closed_on }),
    ));
    tx.commit().await?;
    Ok(office)
}

pub async fn offices(ctx: &Ctx) -> Result<Vec<Office>> {
    Ok(ctx.store.begin_read().await?.list_offices(None).await?)
}

async fn is_open(ctx: &Ctx, office: &Office, day: NaiveDate) -> Result<bool> {
    Ok(office.opens_on(day, working_day(ctx, day).await?))
}

/// Whether `day` is a working day under the policy in force.
async fn working_day(ctx: &Ctx, day: NaiveDate) -> Result<bool> {
    let policy = ctx
        .policies
        .in_force(&*ctx.store, ctx.clock.today())
        .await?;
    Ok(policy.calendar().is_working_day(day))
}

/// The slots of a day at an office with the places left in each.
pub async fn day(ctx: &Ctx, office_id: OfficeId, date: NaiveDate) -> Result<DayView> {
    let office = {
        let mut tx = ctx.store.begin_read().await?;
        tx.office(office_id)
            .await?
            .ok_or(ServiceError::NotFound("office"))?
    };
    let open_today = is_open(ctx, &office, date).await?;
    let mut slots = Vec::new();
    if open_today {
        let next = date + Days::new(1);
        let taken: std::collections::HashMap<String, u32> = ctx
            .store
            .begin_read()
            .await?
            .places_taken(office_id, &date.to_string(), &next.to_string())
            .await?
            .into_iter()
            .collect();
        let now = local_now(ctx.clock.now());
        for slot in office.slots_on(date) {
            if slot <= now {
                continue;
            }
            let used = taken.get(&format_slot(slot)).copied().unwrap_or(0);
            slots.push(SlotView {
                slot,
                free: office.capacity.saturating_sub(used),
            });
        }
    }
    Ok(DayView {
        office,
        date,
        open: open_today,
        slots,
    })
}

/// Checks that what the booking is for is the holder's and still needs a visit, at this office's
/// city.
async fn purpose(
    tx: &mut dyn Tx,
    person: PersonId,
    office: &Office,
    request: PurposeRequest,
) -> Result<Purpose> {
    match request {
        PurposeRequest::PassportInspection(id) => {
            let a = tx
                .residence_application(id)
                .await?
                .filter(|a| a.person_id == person)
                .ok_or(ServiceError::NotFound("residence_application"))?;
            if a.state.is_final() || a.passport_inspected_at.is_some() {
                return Err(FieldError::new("purpose", "nothing_to_inspect").into());
            }
            if a.city != office.city {
                return Err(FieldError::new("office_id", "office_other_city").into());
            }
            Ok(Purpose::PassportInspection {
                residence_application_id: id,
            })
        }
        PurposeRequest::CollectResidencePermit(id) => {
            let p = tx
                .residence_permit(id)
                .await?
                .filter(|p| p.holder_id == person)
                .ok_or(ServiceError::NotFound("residence_permit"))?;
            if p.collected_at.is_some() || p.status != ResidenceStatus::Valid {
                return Err(FieldError::new("purpose", "nothing_to_collect").into());
            }
            if p.city != office.city {
                return Err(FieldError::new("office_id", "office_other_city").into());
            }
            Ok(Purpose::CollectResidencePermit {
                residence_permit_id: id,
            })
        }
    }
}

/// Takes a place in `slot` at `office`, or says why not; within the caller's transaction.
/// `working_day` is the calendar's word on the slot's day, read before the transaction: a
/// transaction that waits for a second connection can starve the pool under load.
async fn take(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    office: &Office,
    slot: NaiveDateTime,
    working_day: bool,
) -> Result<()> {
    let open = office.opens_on(slot.date(), working_day);
    office.check_slot(slot, local_now(ctx.clock.now()), open)?;
    if !tx
        .take_place(office.id, &format_slot(slot), office.capacity)
        .await?
    {
        return Err(FieldError::new("slot", "slot_full").into());
    }
    Ok(())
}

pub async fn book(
    ctx: &Ctx,
    who: &Principal,
    office_id: OfficeId,
    slot: NaiveDateTime,
    request: PurposeRequest,
) -> Result<Appointment> {
    let person = holder(who)?;
    let now = ctx.clock.now();
    let office = ctx
        .store
        .begin_read()
        .await?
        .office(office_id)
        .await?
        .ok_or(ServiceError::NotFound("office"))?;
    let working_day = working_day(ctx, slot.date()).await?;
    let mut tx = ctx.store.begin().await?;
    let purpose = purpose(&mut *tx, person, &office, request).await?;
    take(ctx, &mut *tx, &office, slot, working_day).await?;
    let a = Appointment {
        id: AppointmentId(new_id()),
        office_id,
        slot,
        person_id: person,
        purpose,
        state: AppointmentState::Booked,
        created_at: now,
    };
    tx.insert_appointment(&a).await.map_err(|e| match e {
        store::StoreError::Conflict(c) => ServiceError::Conflict(c),
        e => e.into(),
    })?;
    let params = [
        ("slot", format_slot(slot).replace('T', " ")),
        ("office", office.name.to_string()),
        ("address", office.address.to_string()),
    ];
    super::notifications::tell(
        &mut *tx,
        &ctx.config,
        now,
        (person, None),
        domain::notice::Topic::APPOINTMENT_BOOKED,
        &params,
        "/residence",
    )
    .await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "appointment.booked",
        "appointment",
        a.id,
        serde_json::json!({ "office": office_id, "slot": format_slot(slot), "purpose": a.purpose }),
    ));
    tx.commit().await?;
    Ok(a)
}

async fn own(tx: &mut dyn Tx, who: &Principal, id: AppointmentId) -> Result<Appointment> {
    let person = holder(who)?;
    let a = tx
        .appointment(id)
        .await?
        .filter(|a| a.person_id == person)
        .ok_or(ServiceError::NotFound("appointment"))?;
    if a.state != AppointmentState::Booked {
        return Err(ServiceError::Conflict("appointment_not_booked"));
    }
    Ok(a)
}

/// Moves a booking to another slot of the same office: the new place is taken first, so a
/// full slot leaves the booking as it was.
pub async fn reschedule(
    ctx: &Ctx,
    who: &Principal,
    id: AppointmentId,
    slot: NaiveDateTime,
) -> Result<Appointment> {
    let now = ctx.clock.now();
    let working_day = working_day(ctx, slot.date()).await?;
    let mut tx = ctx.store.begin().await?;
    let mut a = own(&mut *tx, who, id).await?;
    if a.slot == slot {
        return Ok(a);
    }
    let office = tx
        .office(a.office_id)
        .await?
        .ok_or(ServiceError::NotFound("office"))?;
    take(ctx, &mut *tx, &office, slot, working_day).await?;
    tx.release_place(office.id, &format_slot(a.slot)).await?;
    let from = a.slot;
    a.slot = slot;
    tx.update_appointment(&a, now).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "appointment.moved",
        "appointment",
        a.id,
        serde_json::json!({ "from": format_slot(from), "to": format_slot(slot) }),
    ));
    tx.commit().await?;
    Ok(a)
}

pub async fn cancel(ctx: &Ctx, who: &Principal, id: AppointmentId) -> Result<Appointment> {
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let mut a = own(&mut *tx, who, id).await?;
    tx.release_place(a.office_id, &format_slot(a.slot)).await?;
    a.state = AppointmentState::Cancelled;
    tx.update_appointment(&a, now).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "appointment.cancelled",
        "appointment",
        a.id,
        serde_json::json!({ "slot": format_slot(a.slot) }),
    ));
    tx.commit().await?;
    Ok(a)
}

/// The holder's appointments, by slot.
pub async fn mine(ctx: &Ctx, who: &Principal) -> Result<Vec<Appointment>> {
    let person = holder(who)?;
    Ok(ctx
        .store
        .begin_read()
        .await?
        .appointments_of(person)
        .await?)
}

/// An office's booked appointments on a day, for immigration at that city.
pub async fn at_office(
    ctx: &Ctx,
    who: &Principal,
    office_id: OfficeId,
    date: NaiveDate,
) -> Result<(Office, Vec<Appointment>)> {
    let Scope::ImmigrationOfficer { city } = who.scope else {
        return Err(ServiceError::Forbidden("immigration_officer_only"));
    };
    let mut tx = ctx.store.begin_read().await?;
    let office = tx
        .office(office_id)
        .await?
        .filter(|o| o.city == city)
        .ok_or(ServiceError::NotFound("office"))?;
    let next = date + Days::new(1);
    let list = tx
        .appointments_at(office_id, &date.to_string(), &next.to_string())
        .await?;
    Ok((office, list))
}

/// Marks the holder's live appointment for `purpose` attended, if there is one: called when what
/// it was for is done (the passport inspected, the permit collected).
pub(crate) async fn attended(
    tx: &mut dyn Tx,
    person: PersonId,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<()> {
    for mut a in tx.appointments_of(person).await? {
        if a.purpose == purpose && a.state == AppointmentState::Booked {
            a.state = AppointmentState::Attended;
            tx.update_appointment(&a, now).await?;
        }
    }
    Ok(())
}

/// An office's booked appointments on a day with the holders' names, for immigration.
pub async fn at_office_named(
    ctx: &Ctx,
    who: &Principal,
    office_id: OfficeId,
    date: NaiveDate,
) -> Result<(Office, Vec<(Appointment, String)>)> {
    let (office, list) = at_office(ctx, who, office_id, date).await?;
    let people = list.iter().map(|a| a.person_id).collect();
    let names = super::names(ctx, people, Vec::new()).await?;
    let list = list
        .into_iter()
        .map(|a| {
            let n = names.person(a.person_id);
            (a, n)
        })
        .collect();
    Ok((office, list))
}

/// The offices of a city.
pub async fn offices_in(ctx: &Ctx, city: domain::city::City) -> Result<Vec<Office>> {
    Ok(ctx
        .store
        .begin_read()
        .await?
        .list_offices(Some(city))
        .await?)
}
