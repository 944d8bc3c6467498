//! The holder's electronic social security card (e-SSC): registration with the name as in the
//! passport and the permit number, the real-name check, the wallet, the dynamic QR code, and
//! the upgrade of a pre-reform physical card to the electronic record.

use super::accounts::{self, SignedIn};
use super::issuer;
use super::status_lists;
use super::{Ctx, Result, ServiceError, new_id};
use chrono::{DateTime, NaiveDate, Utc};
use credential::{Claims, Issuer, Matrix, Profile, StatusRef, TokenId, TokenParams};
use domain::audit::AuditRecord;
use domain::card::{MAX_FAILED_CHECKS, check_password, mask, same_name};
use domain::ids::AccountId;
use domain::numbers::PermitNumber;
use domain::party::Person;
use domain::permit::{Medium, Permit, PermitStatus};
use domain::role::{Principal, Scope};
use domain::values::PersonName;
use domain::{FieldError, Invalid};
use store::{Account, CardRegistration, StoreError, Tx};

/// What a holder types to register.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub surname: String,
    pub given_names: String,
    /// The work permit number, or the social security number of a holder insured already.
    pub permit_number: String,
    pub password: String,
    /// The client's address: registration answers whether a name and a permit number belong
    /// together, so it counts against the same per-address limit as signing in.
    pub address: Option<std::net::IpAddr>,
}

/// The number a holder registers with.
enum HolderNumber {
    Permit(PermitNumber),
    Social(domain::numbers::SocialSecurityNumber),
}

impl HolderNumber {
    /// A work permit number (`P…`) or a social security number (`S…`), by its first letter.
    fn parse(field: &str, s: &str) -> Result<HolderNumber, FieldError> {
        if s.trim().to_ascii_uppercase().starts_with('S') {
            domain::numbers::SocialSecurityNumber::parse(field, s).map(HolderNumber::Social)
        } else {
            PermitNumber::parse(field, s).map(HolderNumber::Permit)
        }
    }
}

/// Registers the holder of a permit: the name must be the one on the permit, exactly as in the
/// passport. The account signs in with the permit number. The card shows the permit once the
/// real-name check is passed.
pub async fn register(ctx: &Ctx, input: Registration) -> Result<SignedIn> {
    if let Some(address) = input.address {
        accounts::limit_address(ctx, address).await?;
    }
    let mut inv = Invalid::default();
    let name = match PersonName::parse("", &input.surname, &input.given_names) {
        Ok(n) => Some(n),
        Err(errors) => {
            errors.into_iter().for_each(|e| inv.push(e));
            None
        }
    };
    let number = inv.take(HolderNumber::parse("permit_number", &input.permit_number));
    inv.take(check_password("password", &input.password));
    let (Some(name), Some(number)) = (name, number) else {
        return Err(inv.into());
    };
    if !inv.is_empty() {
        return Err(inv.into());
    }
    let password_hash = accounts::hash_password(input.password.clone()).await;
    let now = ctx.clock.now();
    let today = ctx.clock.today();
    let mut tx = ctx.store.begin().await?;
    // Not told apart, so that the form cannot be used to learn who holds which number.
    let no_match = || FieldError::new("permit_number", "holder_not_matched");
    let permit = match &number {
        HolderNumber::Permit(n) => tx.permit(n).await?.ok_or_else(no_match)?,
        // By the social security number: the insured person's permit, the one the card would
        // carry.
        HolderNumber::Social(ssn) => {
            let insured = tx
                .insurance_by_ssn(ssn)
                .await?
                .filter(|i| i.state == domain::insurance::InsuranceState::Registered)
                .ok_or_else(no_match)?;
            let permits = tx
                .list_permits(&store::PermitFilter {
                    holder_id: Some(insured.person_id),
                    ..Default::default()
                })
                .await?;
            card_permit(permits, today).ok_or_else(no_match)?
        }
    };
    if !same_name(&name, &permit.holder_name) {
        return Err(no_match().into());
    }
    if permit.status_on(today) != PermitStatus::Valid {
        return Err(FieldError::new("permit_number", "permit_not_valid")
            .with("status", permit.status_on(today).as_str())
            .into());
    }
    let person = tx
        .person(permit.holder_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let account = Account {
        id: AccountId(new_id()),
        // The permit number, however the holder registered: a social security number would sit
        // in clear in the account's name; sign-in finds the account by either number.
        username: permit.number.as_str().to_lowercase(),
        display_name: person.name.full(),
        password_hash,
        scope: Scope::Applicant {
            person_id: person.id,
        },
        disabled: false,
        created_at: now,
    };
    let taken = |e: StoreError| match e {
        StoreError::Conflict(_) => ServiceError::Conflict("already_registered"),
        e => e.into(),
    };
    tx.insert_account(&account).await.map_err(taken)?;
    tx.insert_card_registration(&CardRegistration {
        account_id: account.id,
        person_id: person.id,
        registered_at: now,
        real_name_checked_at: None,
        failed_checks: 0,
    })
    .await
    .map_err(taken)?;
    tx.audit(AuditRecord::new(
        now,
        Some(account.id),
        "card.registered",
        "account",
        account.id,
        // Which kind of number, not the number: a social security number is not copied out of
        // its sealed column.
        serde_json::json!({ "person_id": person.id, "registered_with": match &number {
            HolderNumber::Permit(_) => "permit_number",
            HolderNumber::Social(_) => "social_security_number",
        } }),
    ));
    tx.commit().await?;
    accounts::sign_in(
        ctx,
        accounts::SignInAttempt {
            username: &account.username,
            password: &input.password,
            address: None,
            previous_session: None,
        },
    )
    .await
}

fn holder(who: &Principal) -> Result<domain::ids::PersonId> {
    match who.scope {
        Scope::Applicant { person_id } => Ok(person_id),
        _ => Err(ServiceError::Forbidden("holder_only")),
    }
}

/// The holder's registration; one is made for an account an administrator created, which then
/// goes through the same real-name check.
async fn registration(
    tx: &mut dyn Tx,
    who: &Principal,
    now: DateTime<Utc>,
) -> Result<CardRegistration> {
    let person_id = holder(who)?;
    if let Some(r) = tx.card_registration(who.account_id).await? {
        return Ok(r);
    }
    let r = CardRegistration {
        account_id: who.account_id,
        person_id,
        registered_at: now,
        real_name_checked_at: None,
        failed_checks: 0,
    };
    tx.insert_card_registration(&r).await.map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict("already_registered"),
        e => e.into(),
    })?;
    Ok(r)
}

/// The real-name check: the passport number and date of birth must be those on record. After
/// `MAX_FAILED_CHECKS` failures the registration is locked.
pub async fn check_real_name(
    ctx: &Ctx,
    who: &Principal,
    passport_number: &str,
    date_of_birth: &str,
) -> Result<()> {
    let mut inv = Invalid::default();
    let passport = inv.take(domain::values::PassportNumber::parse(
        "passport_number",
        passport_number,
    ));
    let dob = inv.take(domain::values::parse_date("date_of_birth", date_of_birth));
    let (Some(passport), Some(dob)) = (passport, dob) else {
        return Err(inv.into());
    };
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let mut reg = registration(&mut *tx, who, now).await?;
    if reg.real_name_checked_at.is_some() {
        tx.commit().await?;
        return Ok(());
    }
    if reg.failed_checks >= MAX_FAILED_CHECKS {
        return Err(ServiceError::Forbidden("real_name_locked"));
    }
    let person = tx
        .person(reg.person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let matches = person.passport_number == passport && person.date_of_birth == dob;
    let action = if matches {
        reg.real_name_checked_at = Some(now);
        "card.real_name_checked"
    } else {
        reg.failed_checks += 1;
        "card.real_name_failed"
    };
    tx.update_card_registration(&reg).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        action,
        "account",
        who.account_id,
        serde_json::json!({ "failed_checks": reg.failed_checks }),
    ));
    tx.commit().await?;
    if matches {
        Ok(())
    } else if reg.failed_checks >= MAX_FAILED_CHECKS {
        Err(ServiceError::Forbidden("real_name_locked"))
    } else {
        Err(FieldError::new("passport_number", "real_name_mismatch")
            .with("remaining", MAX_FAILED_CHECKS - reg.failed_checks)
            .into())
    }
}

/// Unlocks a card locked by five failed real-name checks, after the holder showed the passport in
/// person: the social security officer of the employer's city (or an administrator) types its
/// number, which must be the one on record. The holder then takes the check again.
pub async fn unlock(
    ctx: &Ctx,
    who: &Principal,
    person_id: domain::ids::PersonId,
    passport: &domain::values::PassportNumber,
) -> Result<CardRegistration> {
    let city = match who.scope {
        Scope::SocialSecurityOfficer { city } => Some(city),
        Scope::Administrator => None,
        _ => return Err(ServiceError::Forbidden("social_security_officer_only")),
    };
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    if let Some(city) = city {
        let employer = tx
            .employer(person.employer_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        if employer.city != city {
            return Err(ServiceError::NotFound("person"));
        }
    }
    if &person.passport_number != passport {
        return Err(FieldError::new("passport_number", "passport_not_on_record").into());
    }
    let mut reg = tx
        .card_registration_of(person_id)
        .await?
        .ok_or(ServiceError::Conflict("card_not_locked"))?;
    if reg.real_name_checked_at.is_some() || reg.failed_checks < MAX_FAILED_CHECKS {
        return Err(ServiceError::Conflict("card_not_locked"));
    }
    reg.failed_checks = 0;
    tx.update_card_registration(&reg).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "card.unlocked",
        "account",
        reg.account_id,
        serde_json::json!({ "person_id": person_id }),
    ));
    tx.commit().await?;
    Ok(reg)
}

/// What the wallet shows.
#[derive(Debug, Clone)]
pub struct Wallet {
    pub person: Person,
    pub checked: bool,
    pub locked: bool,
    /// The permit the card carries (the holder's latest revision), with its employer's name.
    pub permit: Option<(Permit, String)>,
    /// The holder's latest notices: every step that matters to them, from any agency.
    pub messages: Vec<store::StoredNotice>,
}

impl Wallet {
    pub fn passport_masked(&self) -> String {
        mask(self.person.passport_number.as_str())
    }
    /// A QR code is shown for a valid permit on the electronic record.
    pub fn shows_qr(&self, today: NaiveDate) -> bool {
        self.checked
            && self.permit.as_ref().is_some_and(|(p, _)| {
                p.status_on(today) == PermitStatus::Valid && p.medium == Medium::Electronic
            })
    }
}

/// The permit a card carries: the holder's latest revision, preferring one that is valid today.
fn card_permit(permits: Vec<Permit>, today: NaiveDate) -> Option<Permit> {
    let mut permits = permits;
    permits.sort_by_key(|p| (p.status_on(today) == PermitStatus::Valid, p.valid_to));
    permits.pop()
}

/// The card without its messages: whose it is, whether it is usable, and the permit it carries.
struct Card {
    person: Person,
    checked: bool,
    locked: bool,
    permit: Option<(Permit, String)>,
}

async fn card(tx: &mut dyn Tx, who: &Principal, today: NaiveDate) -> Result<Card> {
    let person_id = holder(who)?;
    let reg = tx.card_registration(who.account_id).await?;
    let person = tx
        .person(person_id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let checked = reg
        .as_ref()
        .is_some_and(|r| r.real_name_checked_at.is_some());
    let locked = reg
        .is_some_and(|r| r.real_name_checked_at.is_none() && r.failed_checks >= MAX_FAILED_CHECKS);
    if !checked {
        return Ok(Card {
            person,
            checked,
            locked,
            permit: None,
        });
    }
    let permits = tx
        .list_permits(&store::PermitFilter {
            holder_id: Some(person_id),
            ..Default::default()
        })
        .await?;
    let permit = match card_permit(permits, today) {
        Some(p) => {
            let employer = tx
                .employer(p.employer_id)
                .await?
                .map(|e| e.name.to_string())
                .unwrap_or_default();
            Some((p, employer))
        }
        None => None,
    };
    Ok(Card {
        person,
        checked,
        locked,
        permit,
    })
}

pub async fn wallet(ctx: &Ctx, who: &Principal) -> Result<Wallet> {
    let mut tx = ctx.store.begin_read().await?;
    let card = card(&mut *tx, who, ctx.clock.today()).await?;
    let messages = tx
        .notices(domain::notice::Recipient::Person(card.person.id), 10)
        .await?;
    Ok(Wallet {
        person: card.person,
        checked: card.checked,
        locked: card.locked,
        permit: card.permit,
        messages,
    })
}

/// A dynamic QR code for the card.
#[derive(Debug, Clone)]
pub struct CardQr {
    pub text: String,
    pub svg: String,
    pub version: usize,
    pub profile: Profile,
    pub expires_at: DateTime<Utc>,
}

/// Issues a new dynamic QR code for the holder's permit, valid for the configured lifetime.
pub async fn qr(ctx: &Ctx, who: &Principal, profile: Profile) -> Result<CardQr> {
    let today = ctx.clock.today();
    let mut tx = ctx.store.begin_read().await?;
    let card = card(&mut *tx, who, today).await?;
    if !card.checked {
        return Err(ServiceError::Forbidden("real_name_check_required"));
    }
    let Some((permit, employer)) = card.permit.as_ref() else {
        return Err(ServiceError::NotFound("permit"));
    };
    if permit.status_on(today) != PermitStatus::Valid {
        return Err(ServiceError::Conflict("permit_not_valid"));
    }
    if permit.medium != Medium::Electronic {
        return Err(ServiceError::Conflict("physical_card"));
    }
    let global = tx
        .status_index(permit.id)
        .await?
        .ok_or(ServiceError::Internal("permit without a status index"))?;
    drop(tx);
    let (list, idx) = status_lists::locate(global);
    let now = ctx.clock.now();
    let keys = ctx.issuer.keys(&*ctx.store, now).await?;
    let key = issuer::signing_key(&keys)?;
    let expires_at = now
        + chrono::Duration::from_std(ctx.config.qr_lifetime)
            .map_err(|_| ServiceError::Internal("qr lifetime out of range"))?;
    let mut cti = [0u8; 8];
    getrandom::fill(&mut cti).map_err(|_| ServiceError::Internal("no randomness"))?;
    let employer = domain::values::Text::parse("employer", employer, 200)
        .map_err(|_| ServiceError::Internal("employer name not valid for the credential"))?;
    let params = TokenParams {
        issuer: Issuer::parse(ctx.issuer.name())
            .ok_or(ServiceError::Internal("issuer name not valid"))?,
        issued_at: now.timestamp(),
        expires_at: expires_at.timestamp(),
        token_id: TokenId::from_bytes(&cti).expect("8 bytes"),
        status: StatusRef::new(idx, &status_lists::uri(&ctx.config.public_url, list)).ok_or(
            ServiceError::Internal("public URL not valid in a status URI"),
        )?,
    };
    let claims = Claims::for_permit(permit, &employer, profile, params);
    let text = credential::issue(&claims, key)
        .map_err(|_| ServiceError::Internal("the credential does not fit a QR code"))?;
    let matrix = Matrix::of(&text).map_err(|_| ServiceError::Internal("QR text too long"))?;
    Ok(CardQr {
        svg: matrix.svg(),
        version: matrix.version,
        text,
        profile,
        expires_at,
    })
}

/// Moves a holder of a valid pre-reform physical card to the electronic record, on request.
pub async fn upgrade(ctx: &Ctx, who: &Principal) -> Result<Permit> {
    let card = card(&mut *ctx.store.begin_read().await?, who, ctx.clock.today()).await?;
    if !card.checked {
        return Err(ServiceError::Forbidden("real_name_check_required"));
    }
    let Some((mut permit, _)) = card.permit else {
        return Err(ServiceError::NotFound("permit"));
    };
    if permit.medium == Medium::Electronic {
        return Err(ServiceError::Conflict("already_electronic"));
    }
    if permit.status_on(ctx.clock.today()) != PermitStatus::Valid {
        return Err(ServiceError::Conflict("permit_not_valid"));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.store.begin().await?;
    tx.set_permit_medium(permit.id, Medium::Electronic).await?;
    tx.audit(AuditRecord::new(
        now,
        Some(who.account_id),
        "permit.upgraded",
        "permit",
        &permit.number,
        serde_json::json!({ "revision": permit.revision, "medium": Medium::Electronic.as_str() }),
    ));
    tx.commit().await?;
    permit.medium = Medium::Electronic;
    Ok(permit)
}
