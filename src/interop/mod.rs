//! Interop: the formats the rest of the field reads and writes, mapped to and from the ledger.
//!
//! - [`claimreview`] — schema.org ClaimReview JSON-LD (Google Fact Check Tools, fact-checking
//!   sites): the desk's verdicts out, other organisations' verdicts in.
//! - [`prov`] — W3C PROV-JSON: sources, texts, claims, citations and the recording activities.
//! - [`csv`] — spreadsheets: claims and sources in, facts and flags out.
//!
//! Export functions read a projection ([`crate::projection::Tables`]) and the log; import
//! functions turn a file into the same import records (`intake::import::Record`) a JSON Lines
//! import makes, so the plan and every field rule apply unchanged. `docs/interop.md` documents
//! every mapping field by field.

pub mod claimreview;
pub mod csv;
pub mod prov;
