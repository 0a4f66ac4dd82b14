//! W3C PROV-JSON (`docs/interop.md`): what the ledger records, as provenance. Sources and their
//! archived texts are entities (the texts with their hashes), claims are entities derived from
//! their sources, citations are derivations (`hadPrimarySource`, a derivation typed
//! `prov:PrimarySource`, when the cited source is a primary one), publishers and authors are agents, every recording is an activity at its time,
//! and retractions and corrections invalidate and revise what they change.

use crate::error::Result;
use crate::ledger::Ledger;
use crate::model::event::{hex, EventBody, SourceKind};
use crate::projection::{self, Tables};
use crate::provenance;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// The namespace of the ledger's identifiers (`fl:`).
pub const NAMESPACE: &str = "urn:factledger:";

/// PROV-JSON writes `hadPrimarySource` as a derivation of this type (as `wasRevisionOf` is one of
/// type `prov:Revision`).
const PRIMARY_SOURCE: &str = "prov:PrimarySource";

/// An identifier's local part: ids and hashes as they are; anything else (names with spaces)
/// percent-encoded, so every identifier is a valid qualified name.
fn local(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn source_id(id: &str) -> String {
    format!("fl:source/{}", local(id))
}
fn claim_id(id: &str) -> String {
    format!("fl:claim/{}", local(id))
}
fn event_id(seq: u64) -> String {
    format!("fl:event/{seq}")
}

/// The document being built: one map per PROV-JSON section, relations numbered `_:rN`.
#[derive(Default)]
struct Doc {
    sections: BTreeMap<&'static str, Map<String, Json>>,
    relations: usize,
}

impl Doc {
    fn node(&mut self, section: &'static str, id: String, attrs: Json) {
        self.sections.entry(section).or_default().insert(id, attrs);
    }
    fn relation(&mut self, section: &'static str, attrs: Json) {
        self.relations += 1;
        let id = format!("_:r{}", self.relations);
        self.node(section, id, attrs);
    }
    fn has(&self, section: &str, id: &str) -> bool {
        self.sections
            .get(section)
            .is_some_and(|m| m.contains_key(id))
    }
    fn finish(self) -> Json {
        let mut out = Map::new();
        out.insert(
            "prefix".into(),
            json!({"fl": NAMESPACE, "schema": "https://schema.org/"}),
        );
        for (k, v) in self.sections {
            out.insert(k.into(), Json::Object(v));
        }
        Json::Object(out)
    }
}

/// The ledger's provenance as PROV-JSON: the whole ledger, or one claim with its source chain.
pub fn export(ledger: &Ledger, only: Option<&str>) -> Result<Json> {
    let t = ledger.tables();
    // Which claims and sources to describe.
    let keep: Option<(BTreeSet<String>, BTreeSet<String>)> = match only {
        None => None,
        Some(id) => {
            let Some(c) = projection::claim(&t, id)? else {
                return Ok(Json::Null);
            };
            let chain = provenance::chain(&t, &c.claim.source)?;
            let mut sources: BTreeSet<String> = BTreeSet::from([c.claim.source.clone()]);
            for (a, b) in &chain.edges {
                sources.insert(a.clone());
                sources.insert(b.clone());
            }
            Some((BTreeSet::from([id.to_string()]), sources))
        }
    };
    let wanted_claim = |id: &str| keep.as_ref().is_none_or(|(c, _)| c.contains(id));
    let wanted_source = |id: &str| keep.as_ref().is_none_or(|(_, s)| s.contains(id));

    let mut doc = Doc::default();
    let mut claims: Vec<(String, String)> = Vec::new();
    let mut cites: Vec<(String, String)> = Vec::new();
    let mut kinds: BTreeMap<String, SourceKind> = BTreeMap::new();
    for e in ledger.events(1) {
        let e = e?;
        let time = e.recorded_at_rfc3339();
        let author = format!("fl:author/{}", local(&e.author));
        let activity = |doc: &mut Doc, kind: &str| {
            doc.node(
                "activity",
                event_id(e.seq),
                json!({"prov:type": format!("fl:{kind}"), "prov:startTime": time, "prov:endTime": time, "fl:seq": e.seq, "fl:hash": hex(&e.hash)}),
            );
            if !doc.has("agent", &author) {
                doc.node(
                    "agent",
                    author.clone(),
                    json!({"prov:type": "prov:Person", "prov:label": e.author}),
                );
            }
            doc.relation(
                "wasAssociatedWith",
                json!({"prov:activity": event_id(e.seq), "prov:agent": author}),
            );
        };
        match &e.body {
            EventBody::SourceRegistered(s) if wanted_source(&s.id) => {
                activity(&mut doc, "SourceRegistered");
                let id = source_id(&s.id);
                let mut attrs = Map::new();
                attrs.insert("prov:type".into(), json!("fl:Source"));
                attrs.insert("fl:id".into(), json!(s.id));
                attrs.insert("fl:kind".into(), json!(s.kind.as_str()));
                for (k, v) in [("prov:label", &s.title), ("fl:url", &s.url)] {
                    if let Some(v) = v {
                        attrs.insert(k.into(), json!(v));
                    }
                }
                if let Some(d) = &s.published {
                    attrs.insert("fl:published".into(), json!(d.iso()));
                }
                doc.node("entity", id.clone(), Json::Object(attrs));
                doc.relation(
                    "wasGeneratedBy",
                    json!({"prov:entity": id, "prov:activity": event_id(e.seq), "prov:time": time}),
                );
                if let Some(p) = &s.publisher {
                    let agent = format!("fl:publisher/{}", local(p));
                    if !doc.has("agent", &agent) {
                        doc.node(
                            "agent",
                            agent.clone(),
                            json!({"prov:type": "prov:Organization", "prov:label": p}),
                        );
                    }
                    doc.relation(
                        "wasAttributedTo",
                        json!({"prov:entity": id, "prov:agent": agent}),
                    );
                }
                if let Some(tr) = &s.text {
                    let text = format!("fl:text/{}", hex(&tr.hash));
                    if !doc.has("entity", &text) {
                        doc.node(
                            "entity",
                            text.clone(),
                            json!({"prov:type": "fl:ArchivedText", "fl:blake3": hex(&tr.hash), "fl:length": tr.len}),
                        );
                    }
                    doc.relation(
                        "wasGeneratedBy",
                        json!({"prov:entity": text, "prov:activity": event_id(e.seq), "prov:time": time}),
                    );
                    doc.relation(
                        "alternateOf",
                        json!({"prov:alternate1": text, "prov:alternate2": id}),
                    );
                }
                kinds.insert(s.id.clone(), s.kind);
                for c in &s.cites {
                    cites.push((s.id.clone(), c.clone()));
                }
            }
            EventBody::ClaimAsserted(c) if wanted_claim(&c.id) => {
                activity(&mut doc, "ClaimAsserted");
                let id = claim_id(&c.id);
                let mut attrs = Map::new();
                attrs.insert("prov:type".into(), json!("fl:Claim"));
                attrs.insert("fl:id".into(), json!(c.id));
                attrs.insert("fl:subject".into(), json!(c.subject));
                attrs.insert("fl:predicate".into(), json!(c.predicate));
                attrs.insert("fl:value".into(), json!(c.value.display()));
                if let Some(x) = &c.excerpt {
                    attrs.insert("fl:excerpt".into(), json!(x));
                }
                doc.node("entity", id.clone(), Json::Object(attrs));
                doc.relation(
                    "wasGeneratedBy",
                    json!({"prov:entity": id, "prov:activity": event_id(e.seq), "prov:time": time}),
                );
                if let Some(who) = &c.claimant {
                    let agent = format!("fl:claimant/{}", local(who));
                    if !doc.has("agent", &agent) {
                        doc.node(
                            "agent",
                            agent.clone(),
                            json!({"prov:type": "prov:Person", "prov:label": who}),
                        );
                    }
                    doc.relation(
                        "wasAttributedTo",
                        json!({"prov:entity": id, "prov:agent": agent}),
                    );
                }
                if let Some(old) = c.supersedes.as_deref().filter(|o| wanted_claim(o)) {
                    doc.relation(
                        "wasDerivedFrom",
                        json!({"prov:generatedEntity": id, "prov:usedEntity": claim_id(old), "prov:activity": event_id(e.seq), "prov:type": "prov:Revision"}),
                    );
                    doc.relation(
                        "wasInvalidatedBy",
                        json!({"prov:entity": claim_id(old), "prov:activity": event_id(e.seq), "prov:time": time}),
                    );
                }
                claims.push((c.id.clone(), c.source.clone()));
            }
            EventBody::Retracted(r) => {
                let target = if wanted_claim(&r.target)
                    && projection::claim(&t, &r.target)?.is_some()
                {
                    claim_id(&r.target)
                } else if wanted_source(&r.target) && projection::source(&t, &r.target)?.is_some() {
                    source_id(&r.target)
                } else {
                    continue;
                };
                activity(&mut doc, "Retracted");
                doc.relation(
                    "wasInvalidatedBy",
                    json!({"prov:entity": target, "prov:activity": event_id(e.seq), "prov:time": time, "fl:reason": r.reason}),
                );
            }
            _ => {}
        }
    }
    // Citations, once every source is known: a cited source missing from the ledger is still an
    // entity, typed as missing.
    for (citing, cited) in cites {
        if !wanted_source(&cited) {
            continue;
        }
        let to = source_id(&cited);
        if !doc.has("entity", &to) {
            doc.node(
                "entity",
                to.clone(),
                json!({"prov:type": "fl:MissingSource", "fl:id": cited}),
            );
        }
        let mut attrs = json!({"prov:generatedEntity": source_id(&citing), "prov:usedEntity": to});
        if kinds.get(&cited) == Some(&SourceKind::Primary) {
            attrs["prov:type"] = json!(PRIMARY_SOURCE);
        }
        doc.relation("wasDerivedFrom", attrs);
    }
    // Claims derive from their sources, and have the primary sources their chains reach.
    for (claim, source) in claims {
        let from = source_id(&source);
        if !doc.has("entity", &from) {
            doc.node(
                "entity",
                from.clone(),
                json!({"prov:type": "fl:MissingSource", "fl:id": source}),
            );
        }
        doc.relation(
            "wasDerivedFrom",
            json!({"prov:generatedEntity": claim_id(&claim), "prov:usedEntity": from}),
        );
        for p in provenance::chain(&t as &dyn Tables, &source)?.primary_sources {
            doc.relation(
                "wasDerivedFrom",
                json!({"prov:generatedEntity": claim_id(&claim), "prov:usedEntity": source_id(&p), "prov:type": PRIMARY_SOURCE}),
            );
        }
    }
    Ok(doc.finish())
}
