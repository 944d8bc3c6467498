//! The credential's claims: a CBOR Web Token (RFC 8392) with integer keys, a status-list
//! reference and the permit as a private-use claim, cut to what a disclosure profile shows.

use crate::cbor;
use chrono::NaiveDate;
use ciborium::Value;
use domain::city::City;
use domain::numbers::PermitNumber;
use domain::permit::{Category, Medium, Permit};
use domain::values::{Nationality, PersonName, Text};

/// CWT claim keys (RFC 8392, draft-ietf-oauth-status-list) and our private-use one.
pub mod key {
    pub const ISS: i64 = 1;
    pub const SUB: i64 = 2;
    pub const EXP: i64 = 4;
    pub const IAT: i64 = 6;
    pub const CTI: i64 = 7;
    pub const STATUS: i64 = 65535;
    pub const PERMIT: i64 = -70001;
}

/// Keys inside the permit claim.
pub mod permit_key {
    pub const PROFILE: i64 = 1;
    pub const CATEGORY: i64 = 2;
    pub const SURNAME: i64 = 3;
    pub const GIVEN_NAMES: i64 = 4;
    pub const EMPLOYER: i64 = 5;
    pub const VALID_FROM: i64 = 6;
    pub const VALID_TO: i64 = 7;
    pub const NATIONALITY: i64 = 8;
    pub const POSITION: i64 = 9;
    pub const CITY: i64 = 10;
    pub const MEDIUM: i64 = 11;
}

/// RFC 8943: a date as whole days since 1970-01-01. Five bytes against fourteen for tag 1004's
/// `"YYYY-MM-DD"`, and QR space is what limits the credential.
pub const TAG_DAYS: u64 = 100;
/// The longest employer name or position the credential carries, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsError {
    NotCbor,
    /// A required claim is absent.
    Missing(&'static str),
    /// A claim is present but of the wrong type or value.
    Invalid(&'static str),
}

impl ClaimsError {
    pub fn code(&self) -> &'static str {
        match self {
            ClaimsError::NotCbor => "claims_not_cbor",
            ClaimsError::Missing(_) => "claim_missing",
            ClaimsError::Invalid(_) => "claim_invalid",
        }
    }
    pub fn claim(&self) -> Option<&'static str> {
        match self {
            ClaimsError::NotCbor => None,
            ClaimsError::Missing(c) | ClaimsError::Invalid(c) => Some(c),
        }
    }
}

/// The token's issuer: 1 to 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    pub fn parse(s: &str) -> Option<Issuer> {
        ((1..=64).contains(&s.chars().count()) && !s.chars().any(char::is_control))
            .then(|| Issuer(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The token id (cti): 8 to 16 bytes the caller draws at random; an online check uses it to
/// refuse a second scan of the same dynamic QR.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenId(Vec<u8>);

impl TokenId {
    pub fn from_bytes(b: &[u8]) -> Option<TokenId> {
        (8..=16).contains(&b.len()).then(|| TokenId(b.to_vec()))
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Where the permit's status is: an index in the status list at `uri`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRef {
    idx: u64,
    uri: String,
}

impl StatusRef {
    /// The URI must be absolute (a scheme and a colon), printable ASCII without spaces. Every
    /// byte of it costs 1.5 characters of the QR's 500 and so room for the employer name: keep it
    /// short (`https://onecard.example/status/1` takes 51 characters).
    pub fn new(idx: u64, uri: &str) -> Option<StatusRef> {
        let ok = (3..=200).contains(&uri.len())
            && uri.bytes().all(|b| b.is_ascii_graphic())
            && uri
                .split_once(':')
                .is_some_and(|(scheme, _)| !scheme.is_empty());
        ok.then(|| StatusRef {
            idx,
            uri: uri.to_string(),
        })
    }
    pub fn idx(&self) -> u64 {
        self.idx
    }
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

/// What the credential discloses. Both carry the permit number (the token's subject).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// For employers and others checking the right to work: name, permit number, category,
    /// employer, validity.
    EmploymentCheck,
    /// Everything, for immigration officers: adds nationality, position, city and medium.
    Full,
}

impl Profile {
    pub fn id(&self) -> u64 {
        match self {
            Profile::EmploymentCheck => 1,
            Profile::Full => 2,
        }
    }
    pub fn from_id(id: u64) -> Option<Profile> {
        [Profile::EmploymentCheck, Profile::Full]
            .into_iter()
            .find(|p| p.id() == id)
    }
    pub fn code(&self) -> &'static str {
        match self {
            Profile::EmploymentCheck => "employment_check",
            Profile::Full => "full",
        }
    }
}

/// The fields only the full profile discloses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullDetails {
    pub nationality: Nationality,
    pub position: Text,
    pub city: City,
    pub medium: Medium,
}

/// The permit as the credential shows it. The profile follows from whether `details` is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitClaims {
    pub number: PermitNumber,
    pub category: Category,
    pub holder_name: PersonName,
    pub employer: Text,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub details: Option<FullDetails>,
}

impl PermitClaims {
    pub fn profile(&self) -> Profile {
        match self.details {
            Some(_) => Profile::Full,
            None => Profile::EmploymentCheck,
        }
    }
}

/// What the caller decides about a token: who issues it, when, its id and status entry.
#[derive(Debug, Clone)]
pub struct TokenParams {
    pub issuer: Issuer,
    /// Seconds since the Unix epoch.
    pub issued_at: i64,
    pub expires_at: i64,
    pub token_id: TokenId,
    pub status: StatusRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub issuer: Issuer,
    pub issued_at: i64,
    pub expires_at: i64,
    pub token_id: TokenId,
    pub status: StatusRef,
    pub permit: PermitClaims,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

fn date_value(d: NaiveDate) -> Value {
    Value::Tag(
        TAG_DAYS,
        Box::new(Value::Integer((d - epoch()).num_days().into())),
    )
}

fn date_from(v: &Value) -> Option<NaiveDate> {
    let Value::Tag(TAG_DAYS, inner) = v else {
        return None;
    };
    epoch().checked_add_signed(chrono::TimeDelta::try_days(cbor::int(inner)?)?)
}

fn medium_id(m: Medium) -> u64 {
    match m {
        Medium::PhysicalCard => 1,
        Medium::Electronic => 2,
    }
}

fn medium_from(id: u64) -> Option<Medium> {
    [Medium::PhysicalCard, Medium::Electronic]
        .into_iter()
        .find(|m| medium_id(*m) == id)
}

impl Claims {
    pub fn for_permit(
        permit: &Permit,
        employer: &Text,
        profile: Profile,
        params: TokenParams,
    ) -> Claims {
        let details = (profile == Profile::Full).then(|| FullDetails {
            nationality: permit.nationality,
            position: permit.position.clone(),
            city: permit.city,
            medium: permit.medium,
        });
        Claims {
            issuer: params.issuer,
            issued_at: params.issued_at,
            expires_at: params.expires_at,
            token_id: params.token_id,
            status: params.status,
            permit: PermitClaims {
                number: permit.number.clone(),
                category: permit.category,
                holder_name: permit.holder_name.clone(),
                employer: employer.clone(),
                valid_from: permit.valid_from,
                valid_to: permit.valid_to,
                details,
            },
        }
    }

    pub fn to_cbor(&self) -> Vec<u8> {
        use permit_key as p;
        let t = |s: &str| Value::Text(s.to_string());
        let pc = &self.permit;
        let mut permit = vec![
            cbor::entry(p::PROFILE, Value::Integer(pc.profile().id().into())),
            cbor::entry(p::CATEGORY, t(pc.category.as_str())),
            cbor::entry(p::SURNAME, t(pc.holder_name.surname.as_str())),
        ];
        if let Some(g) = &pc.holder_name.given_names {
            permit.push(cbor::entry(p::GIVEN_NAMES, t(g.as_str())));
        }
        permit.extend([
            cbor::entry(p::EMPLOYER, t(pc.employer.as_str())),
            cbor::entry(p::VALID_FROM, date_value(pc.valid_from)),
            cbor::entry(p::VALID_TO, date_value(pc.valid_to)),
        ]);
        if let Some(d) = &pc.details {
            let city: u64 = d.city.code().parse().expect("six digits");
            permit.extend([
                cbor::entry(p::NATIONALITY, t(d.nationality.as_str())),
                cbor::entry(p::POSITION, t(d.position.as_str())),
                cbor::entry(p::CITY, Value::Integer(city.into())),
                cbor::entry(p::MEDIUM, Value::Integer(medium_id(d.medium).into())),
            ]);
        }
        let status = Value::Map(vec![(
            t("status_list"),
            Value::Map(vec![
                (t("idx"), Value::Integer(self.status.idx.into())),
                (t("uri"), t(&self.status.uri)),
            ]),
        )]);
        cbor::to_vec(&Value::Map(vec![
            cbor::entry(key::ISS, t(self.issuer.as_str())),
            cbor::entry(key::SUB, t(pc.number.as_str())),
            cbor::entry(key::EXP, Value::Integer(self.expires_at.into())),
            cbor::entry(key::IAT, Value::Integer(self.issued_at.into())),
            cbor::entry(key::CTI, Value::Bytes(self.token_id.0.clone())),
            cbor::entry(key::STATUS, status),
            cbor::entry(key::PERMIT, Value::Map(permit)),
        ]))
    }

    /// Reads claims whose signature has been checked. Unknown CWT claims are ignored, as RFC 8392
    /// asks; unknown keys inside our own permit claim are refused.
    pub fn from_cbor(bytes: &[u8]) -> Result<Claims, ClaimsError> {
        use ClaimsError::{Invalid, Missing};
        let v = cbor::from_slice(bytes).ok_or(ClaimsError::NotCbor)?;
        let m = cbor::Map::new(&v).ok_or(ClaimsError::NotCbor)?;
        let need = |k: i64, name: &'static str| m.get(k).ok_or(Missing(name));
        let issuer = cbor::text(need(key::ISS, "iss")?)
            .and_then(Issuer::parse)
            .ok_or(Invalid("iss"))?;
        let number = cbor::text(need(key::SUB, "sub")?)
            .and_then(|s| PermitNumber::parse("sub", s).ok())
            .ok_or(Invalid("sub"))?;
        let expires_at = cbor::int(need(key::EXP, "exp")?).ok_or(Invalid("exp"))?;
        let issued_at = cbor::int(need(key::IAT, "iat")?).ok_or(Invalid("iat"))?;
        let token_id = cbor::bytes(need(key::CTI, "cti")?)
            .and_then(TokenId::from_bytes)
            .ok_or(Invalid("cti"))?;
        let status = status_from(need(key::STATUS, "status")?).ok_or(Invalid("status"))?;
        let permit = permit_from(need(key::PERMIT, "permit")?, number)?;
        if expires_at <= issued_at {
            return Err(Invalid("exp"));
        }
        Ok(Claims {
            issuer,
            issued_at,
            expires_at,
            token_id,
            status,
            permit,
        })
    }
}

fn status_from(v: &Value) -> Option<StatusRef> {
    let outer = cbor::Map::new(v)?;
    let inner = cbor::Map::new(outer.get_text("status_list")?)?;
    if !outer.only_text_keys(&["status_list"]) || !inner.only_text_keys(&["idx", "uri"]) {
        return None;
    }
    StatusRef::new(
        cbor::uint(inner.get_text("idx")?)?,
        cbor::text(inner.get_text("uri")?)?,
    )
}

fn permit_from(v: &Value, number: PermitNumber) -> Result<PermitClaims, ClaimsError> {
    use ClaimsError::{Invalid, Missing};
    use permit_key as p;
    let m = cbor::Map::new(v).ok_or(Invalid("permit"))?;
    let text = |k: i64, name: &'static str| -> Result<Option<&str>, ClaimsError> {
        m.get(k)
            .map(|v| cbor::text(v).ok_or(Invalid(name)))
            .transpose()
    };
    let required = |k: i64, name: &'static str| text(k, name)?.ok_or(Missing(name));
    let profile = m.get(p::PROFILE).ok_or(Missing("profile")).and_then(|v| {
        cbor::uint(v)
            .and_then(Profile::from_id)
            .ok_or(Invalid("profile"))
    })?;
    let full_keys = [p::NATIONALITY, p::POSITION, p::CITY, p::MEDIUM];
    let core_keys = [
        p::PROFILE,
        p::CATEGORY,
        p::SURNAME,
        p::GIVEN_NAMES,
        p::EMPLOYER,
        p::VALID_FROM,
        p::VALID_TO,
    ];
    let allowed: Vec<i64> = match profile {
        Profile::EmploymentCheck => core_keys.to_vec(),
        Profile::Full => core_keys.iter().chain(&full_keys).copied().collect(),
    };
    if !m.only_int_keys(&allowed) {
        return Err(Invalid("permit"));
    }
    let category = Category::parse("category", required(p::CATEGORY, "category")?)
        .map_err(|_| Invalid("category"))?;
    let holder_name = PersonName::parse(
        "holder",
        required(p::SURNAME, "surname")?,
        text(p::GIVEN_NAMES, "given_names")?.unwrap_or(""),
    )
    .map_err(|_| Invalid("holder_name"))?;
    let employer = Text::parse(
        "employer",
        required(p::EMPLOYER, "employer")?,
        MAX_TEXT_CHARS,
    )
    .map_err(|_| Invalid("employer"))?;
    let date =
        |k: i64, name: &'static str| date_from(m.get(k).ok_or(Missing(name))?).ok_or(Invalid(name));
    let valid_from = date(p::VALID_FROM, "valid_from")?;
    let valid_to = date(p::VALID_TO, "valid_to")?;
    let details = match profile {
        Profile::EmploymentCheck => None,
        Profile::Full => Some(FullDetails {
            nationality: Nationality::parse(
                "nationality",
                required(p::NATIONALITY, "nationality")?,
            )
            .map_err(|_| Invalid("nationality"))?,
            position: Text::parse(
                "position",
                required(p::POSITION, "position")?,
                MAX_TEXT_CHARS,
            )
            .map_err(|_| Invalid("position"))?,
            city: m.get(p::CITY).ok_or(Missing("city")).and_then(|v| {
                cbor::uint(v)
                    .and_then(|c| City::parse("city", &c.to_string()).ok())
                    .ok_or(Invalid("city"))
            })?,
            medium: m
                .get(p::MEDIUM)
                .ok_or(Missing("medium"))
                .and_then(|v| cbor::uint(v).and_then(medium_from).ok_or(Invalid("medium")))?,
        }),
    };
    Ok(PermitClaims {
        number,
        category,
        holder_name,
        employer,
        valid_from,
        valid_to,
        details,
    })
}
