//! The permit credential carried in the electronic social security card: CWT claims signed as
//! COSE_Sign1 with Ed25519, Base45 text for the QR, a token status list for revocation and a
//! signed key set for offline trust. Pure: times and key seeds come from the caller.

pub mod base45;
mod cbor;
pub mod claims;
pub mod cose;
pub mod document;
pub mod image;
pub mod keys;
pub mod outcome;
pub mod qr;
pub mod scan;
pub mod seal;
pub mod status;
pub mod verify;

pub use claims::{Claims, Issuer, PermitClaims, Profile, StatusRef, TokenId, TokenParams};
pub use document::{DocumentSeal, verify_seal};
/// The public key type of issuer keys, for callers that store or pin them.
pub use ed25519_dalek::VerifyingKey;
pub use image::{ImageError, Matrix};
pub use keys::{IssuerKey, KeyEntry, KeyLookup, KeySet, Kid};
pub use outcome::{Outcome, check_offline};
pub use qr::issue;
pub use scan::{ScanError, texts_in_image};
pub use seal::{SealError, SealingKey};
pub use status::{StatusList, StatusListToken, TokenStatus};
pub use verify::{Verdict, verify};
