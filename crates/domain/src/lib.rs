//! The OneCard domain: values that are valid once built, the application and permit state
//! machines, and the rules that decide them. Pure: no I/O, no clock, no randomness; whatever
//! varies (today's date, new ids) is passed in.

pub mod application;
pub mod appointment;
pub mod audit;
pub mod benefits;
pub mod card;
pub mod check;
pub mod city;
pub mod contributions;
pub mod error;
pub mod ids;
pub mod insurance;
pub mod notice;
pub mod numbers;
pub mod party;
pub mod password;
pub mod permit;
pub mod policy;
pub mod profile;
pub mod registers;
pub mod residence;
pub mod role;
pub mod simulation;
pub mod values;
pub mod visa;

pub use error::{FieldError, Invalid};
