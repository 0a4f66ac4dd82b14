//! `show`: one event, by claim or source id or by seq, with what became of it (retracted,
//! superseded) and, on request, the source's archived text.

use super::flags::{all_flags, FlagsOptions};
use super::DeskError;
use crate::flags::Flag;
use crate::model::event::{serialize_sorted, Event, EventBody, Field, Source};
use crate::projection::Liveness;
use crate::Ledger;
use serde::{Serialize, Serializer};

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct ShowOptions {
    /// Also read a source's archived text.
    pub text: bool,
}

/// One event and what became of it.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The event.
    pub event: Event,
    /// The retraction of the claim or source it introduced, if any.
    pub retraction: Option<Event>,
    /// The claim that corrected the claim it introduced, if any.
    pub correction: Option<Event>,
    /// The source's archived text, when asked for: `Some(None)` when there is none.
    pub text: Option<Option<String>>,
    /// For a claim: whether it is live, and if not why.
    pub status: Option<Liveness>,
    /// For a claim: the flags that name it (empty when it is not live: flags see live claims).
    pub flags: Vec<Flag>,
    /// For a claim: the source it comes from.
    pub source: Option<Source>,
}

impl Shown {
    /// Seq and reason of the retraction, if any.
    pub fn retracted(&self) -> Option<(u64, &str)> {
        match &self.retraction.as_ref()?.body {
            EventBody::Retracted(r) => Some((self.retraction.as_ref()?.seq, &r.reason)),
            _ => None,
        }
    }

    /// Id and seq of the correcting claim, if any.
    pub fn superseded(&self) -> Option<(Option<&str>, u64)> {
        self.correction.as_ref().map(|e| (e.body.id(), e.seq))
    }
}

/// The event's JSON object (`log --json`'s form) with `retracted_by`, `retraction_reason` (when
/// retracted), `superseded_by`, and `text` (when asked for) added.
impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = self.event.json_fields();
        fields.push((
            "retracted_by",
            self.retraction
                .as_ref()
                .map_or(Field::Null, |e| Field::Num(e.seq)),
        ));
        if let Some((_, reason)) = self.retracted() {
            fields.push(("retraction_reason", Field::Str(reason)));
        }
        fields.push((
            "superseded_by",
            self.superseded().and_then(|(id, _)| id).into(),
        ));
        if let Some(text) = &self.text {
            fields.push(("text", text.as_deref().into()));
        }
        if let Some(status) = self.status {
            fields.push(("status", Field::Str(status.as_str())));
            let flags = serde_json::to_value(&self.flags).map_err(serde::ser::Error::custom)?;
            fields.push(("flags", Field::Json(flags)));
        }
        serialize_sorted(fields, serializer)
    }
}

/// The event `target` names: a claim or source id, else a seq.
pub fn show(ledger: &Ledger, target: &str, options: &ShowOptions) -> Result<Shown, DeskError> {
    let event = match ledger.find(target)? {
        Some(e) => e,
        None => match target.parse::<u64>() {
            Ok(seq) => ledger.event(seq)?.ok_or_else(|| DeskError::NoSuchSeq {
                seq,
                head: ledger.head().seq,
            })?,
            Err(_) => {
                return Err(DeskError::NoSuchId {
                    id: target.to_string(),
                })
            }
        },
    };
    let id = event.body.id();
    let retraction = match id {
        Some(id) => ledger.retraction_of(id)?,
        None => None,
    };
    let correction = match (id, &event.body) {
        (Some(id), EventBody::ClaimAsserted(_)) => ledger.correction_of(id)?,
        _ => None,
    };
    let text = match &event.body {
        EventBody::SourceRegistered(s) if options.text => Some(match &s.text {
            Some(t) => ledger.text(&t.hash)?,
            None => None,
        }),
        _ if options.text => Some(None),
        _ => None,
    };
    let (status, flags, source) = match &event.body {
        EventBody::ClaimAsserted(c) => {
            let tables = ledger.tables();
            let status = match crate::projection::claim(&tables, &c.id)? {
                Some(state) => Some(crate::projection::liveness(&tables, &state)?),
                None => None,
            };
            let options = FlagsOptions {
                subject: Some(c.subject.clone()),
                ..FlagsOptions::default()
            };
            let flags = all_flags(ledger, &options)?
                .into_iter()
                .filter(|f| f.claims.contains(&c.id))
                .collect();
            let source = match ledger.find(&c.source)?.map(|e| e.body) {
                Some(EventBody::SourceRegistered(s)) => Some(s),
                _ => None,
            };
            (status, flags, source)
        }
        _ => (None, Vec::new(), None),
    };
    Ok(Shown {
        event,
        retraction,
        correction,
        text,
        status,
        flags,
        source,
    })
}
