//! Test helpers shared by the rule families' tests: claims as the fixtures write them, and
//! archives that count their lookups or fail.

use super::{Archive, Flag, LiveClaim, SourceText};
use crate::model::value::{normalise_predicate, Value};
use serde_json::Value as Json;
use std::cell::Cell;
use std::collections::BTreeMap;

pub(crate) fn claim(id: &str, source: &str, subject: &str, predicate: &str, v: Json) -> LiveClaim {
    let predicate = normalise_predicate(predicate).expect("test predicate");
    let value = Value::from_json(&predicate, &v).expect("test value");
    LiveClaim {
        id: id.into(),
        source: source.into(),
        subject: subject.into(),
        predicate,
        value,
        excerpt: None,
    }
}

/// A claim on `S/RES/2774` from a source named after the claim.
pub(crate) fn sc(id: &str, predicate: &str, v: Json) -> LiveClaim {
    claim(id, &format!("src-{id}"), "S/RES/2774", predicate, v)
}

/// A claim on `A/RES/ES-11/7` from a source named after the claim.
pub(crate) fn ga(id: &str, predicate: &str, v: Json) -> LiveClaim {
    claim(id, &format!("src-{id}"), "A/RES/ES-11/7", predicate, v)
}

pub(crate) fn codes_and_claims(flags: &[Flag]) -> Vec<(&str, Vec<&str>)> {
    flags
        .iter()
        .map(|f| {
            (
                f.code.as_str(),
                f.claims.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

/// Archived texts by source, counting lookups.
pub(crate) struct Texts(pub BTreeMap<String, SourceText>, pub Cell<usize>);

impl Texts {
    pub(crate) fn new(entries: &[(&str, &str)]) -> Texts {
        Texts(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), SourceText::Archived(v.to_string())))
                .collect(),
            Cell::new(0),
        )
    }
}

impl Archive for Texts {
    fn source_text(&self, source_id: &str) -> crate::Result<SourceText> {
        self.1.set(self.1.get() + 1);
        Ok(self
            .0
            .get(source_id)
            .cloned()
            .unwrap_or(SourceText::NotArchived))
    }
}

/// An archive over a damaged store.
pub(crate) struct Broken;

impl Archive for Broken {
    fn source_text(&self, _: &str) -> crate::Result<SourceText> {
        Err(crate::LedgerError::CorruptText {
            hash: "00".into(),
            problem: "gone".into(),
        })
    }
}
