//! The policy engine against the shipped policy file and variations of it.

mod benefits;
mod calendar;
mod common;
mod criteria;
mod file;
mod points;
mod props;
mod regional;
mod reuse;
mod worked;
