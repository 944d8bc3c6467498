//! Internal identifiers: UUIDv7, made by the caller (the domain takes no randomness).

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    )*};
}

id_type!(
    AccountId,
    EmployerId,
    PersonId,
    ApplicationId,
    PermitId,
    EventId,
    ResidenceApplicationId,
    ResidencePermitId,
    OfficeId,
    AppointmentId,
    InsuranceId,
    ClaimId,
    NoticeId,
    DeliveryId,
    VisaId,
);
