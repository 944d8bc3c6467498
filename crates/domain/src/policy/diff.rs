//! What a new policy version changes, key by key, so that it can be reviewed before it is loaded.

use super::Policy;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One difference between two versions, at a dotted path such as
/// `points.salary.bands[2].points` or `calendar.years.2026.holidays`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyChange {
    Added {
        path: String,
        value: String,
    },
    Removed {
        path: String,
        value: String,
    },
    Changed {
        path: String,
        before: String,
        after: String,
    },
}

impl PolicyChange {
    pub fn path(&self) -> &str {
        match self {
            PolicyChange::Added { path, .. }
            | PolicyChange::Removed { path, .. }
            | PolicyChange::Changed { path, .. } => path,
        }
    }
}

impl fmt::Display for PolicyChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyChange::Added { path, value } => write!(f, "+ {path}: {value}"),
            PolicyChange::Removed { path, value } => write!(f, "- {path}: {value}"),
            PolicyChange::Changed {
                path,
                before,
                after,
            } => write!(f, "~ {path}: {before} -> {after}"),
        }
    }
}

/// A value at a path: a scalar, or a list of scalars compared as a set (dates, codes, document
/// kinds) so that one inserted date shows as one addition.
#[derive(Debug, PartialEq, Eq)]
enum Leaf {
    Scalar(String),
    Set(BTreeSet<String>),
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "none".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn flatten(path: String, v: &Value, out: &mut BTreeMap<String, Leaf>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(join(k), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            out.insert(path, Leaf::Set(items.iter().map(scalar).collect()));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(format!("{path}[{i}]"), v, out);
            }
        }
        scalar_value => {
            out.insert(path, Leaf::Scalar(scalar(scalar_value)));
        }
    }
}

fn leaves(p: &Policy) -> BTreeMap<String, Leaf> {
    let mut out = BTreeMap::new();
    let value = serde_json::to_value(p).expect("a policy serializes");
    flatten(String::new(), &value, &mut out);
    out
}

impl Policy {
    /// The changes from `self` to `newer`, ordered by path.
    pub fn diff(&self, newer: &Policy) -> Vec<PolicyChange> {
        let (old, new) = (leaves(self), leaves(newer));
        let empty = BTreeSet::new();
        let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let mut changes = Vec::new();
        for path in paths {
            match (old.get(path), new.get(path)) {
                (Some(Leaf::Scalar(a)), Some(Leaf::Scalar(b))) if a != b => {
                    changes.push(PolicyChange::Changed {
                        path: path.clone(),
                        before: a.clone(),
                        after: b.clone(),
                    })
                }
                (Some(Leaf::Scalar(a)), None) => changes.push(PolicyChange::Removed {
                    path: path.clone(),
                    value: a.clone(),
                }),
                (None, Some(Leaf::Scalar(b))) => changes.push(PolicyChange::Added {
                    path: path.clone(),
                    value: b.clone(),
                }),
                (a, b) => {
                    let set = |l: Option<&Leaf>| match l {
                        Some(Leaf::Set(s)) => s.clone(),
                        _ => empty.clone(),
                    };
                    let (a, b) = (set(a), set(b));
                    for v in a.difference(&b) {
                        changes.push(PolicyChange::Removed {
                            path: path.clone(),
                            value: v.clone(),
                        });
                    }
                    for v in b.difference(&a) {
                        changes.push(PolicyChange::Added {
                            path: path.clone(),
                            value: v.clone(),
                        });
                    }
                }
            }
        }
        changes
    }
}
