//! `show`: one event, by claim or source id or by seq, with what became of it (retracted,
//! superseded) and, on request, the source's archived text.

use super::flags::{all_flags, FlagsOptions};
use super::{AsOf, DeskError};
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
    /// Show the event as the ledger stood at this point: what became of it later is left out.
    pub as_of: Option<AsOf>,
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
    /// The publisher's withdrawal of the source (for a claim, of its source), if any.
    pub withdrawal: Option<crate::projection::WithdrawalState>,
    /// For a source: its later versions (the publisher's edits), oldest first.
    pub versions: Vec<crate::projection::VersionState>,
    /// For a claim with an excerpt: the line of its source's current archived text where the
    /// excerpt begins (`Some(None)`: the text does not hold it, or there is no text).
    pub excerpt_line: Option<Option<usize>>,
    /// The desk's current verdict on a claim, if it has reviewed it.
    pub verdict: Option<super::review::Verdict>,
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
        if let EventBody::SourceRegistered(_) | EventBody::ClaimAsserted(_) = &self.event.body {
            fields.push((
                "source_withdrawn",
                Field::Json(serde_json::Value::Bool(self.withdrawal.is_some())),
            ));
            fields.push((
                "withdrawal_reason",
                self.withdrawal.as_ref().map(|w| w.reason.as_str()).into(),
            ));
        }
        if let EventBody::SourceRegistered(_) = &self.event.body {
            let versions: Vec<serde_json::Value> = self
                .versions
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "seq": v.seq,
                        "text_hash": v.revision.text.as_ref().map(|t| crate::model::event::hex(&t.hash)),
                        "text_len": v.revision.text.as_ref().map(|t| t.len),
                        "title": v.revision.title,
                        "url": v.revision.url,
                        "note": v.revision.note,
                    })
                })
                .collect();
            fields.push(("versions", Field::Json(serde_json::Value::Array(versions))));
        }
        if let Some(line) = self.excerpt_line {
            fields.push((
                "excerpt_line",
                line.map_or(Field::Null, |l| Field::Num(l as u64)),
            ));
        }
        if let EventBody::ClaimAsserted(_) = &self.event.body {
            fields.push((
                "verdict",
                self.verdict
                    .as_ref()
                    .and_then(|v| serde_json::to_value(v).ok())
                    .map_or(Field::Null, Field::Json),
            ));
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
    let to = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    if let Some(to) = to {
        if event.seq > to {
            return Err(DeskError::NotYetRecorded {
                target: target.to_string(),
                seq: event.seq,
                as_of: to,
            });
        }
    }
    let by_then = |e: Option<Event>| e.filter(|e| to.is_none_or(|to| e.seq <= to));
    let view = ledger.view_at(to)?;
    let id = event.body.id();
    let retraction = match id {
        Some(id) => by_then(ledger.retraction_of(id)?),
        None => None,
    };
    let correction = match (id, &event.body) {
        (Some(id), EventBody::ClaimAsserted(_)) => by_then(ledger.correction_of(id)?),
        _ => None,
    };
    // A source's text is its current one: the latest version's.
    let text = match &event.body {
        EventBody::SourceRegistered(s) if options.text => {
            Some(super::revise::current_text_in(&view, ledger, &s.id)?)
        }
        _ if options.text => Some(None),
        _ => None,
    };
    let withdrawal = match &event.body {
        EventBody::SourceRegistered(s) => crate::projection::versions::withdrawal(&view, &s.id)?,
        EventBody::ClaimAsserted(c) => crate::projection::versions::withdrawal(&view, &c.source)?,
        _ => None,
    };
    let versions = match &event.body {
        EventBody::SourceRegistered(s) => crate::projection::versions::versions(&view, &s.id)?,
        _ => Vec::new(),
    };
    let excerpt_line = match &event.body {
        EventBody::ClaimAsserted(c) => match &c.excerpt {
            Some(words) => Some(
                super::revise::current_text_in(&view, ledger, &c.source)?
                    .and_then(|t| crate::flags::excerpt_line(&t, words)),
            ),
            None => None,
        },
        _ => None,
    };
    let verdict = match (id, &event.body) {
        (Some(id), EventBody::ClaimAsserted(_)) => super::review::desk_verdict(&view, id)?,
        _ => None,
    };
    let (status, flags, source) = match &event.body {
        EventBody::ClaimAsserted(c) => {
            let status = match crate::projection::claim(&view, &c.id)? {
                Some(state) => Some(crate::projection::liveness(&view, &state)?),
                None => None,
            };
            let options = FlagsOptions {
                subject: Some(c.subject.clone()),
                as_of: options.as_of,
                ..FlagsOptions::default()
            };
            let flags = all_flags(ledger, &options)?
                .into_iter()
                .map(|l| l.flag)
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
        withdrawal,
        versions,
        excerpt_line,
        verdict,
        status,
        flags,
        source,
    })
}
