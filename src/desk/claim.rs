//! `claim`: one claim with everything a desk asks about it at once — the event and what became
//! of it (`show`), its chain of sources (`audit`) and the flags that name it (`flags`). The desk
//! server's `GET /api/v1/claims/{id}`.

use super::audit::{audit, AuditReport};
use super::flags::{all_flags, FlagsOptions, ListedFlag};
use super::reviews::{reviews, ClaimVerdicts, ReviewsOptions};
use super::show::{show, ShowOptions, Shown};
use super::DeskError;
use crate::model::event::EventBody;
use crate::Ledger;
use serde::Serialize;

/// A claim in full. Fields alphabetical.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    /// Its source chain, as `audit --json` gives it.
    pub audit: AuditReport,
    /// The claim's event and what became of it, as `show --json` gives it.
    pub claim: Shown,
    /// The flags (of its subject, now) that involve it, as `flags --json` gives them (dismissed
    /// ones too, with their dismissal).
    pub flags: Vec<ListedFlag>,
    /// Its verdicts: the current one of each organisation and every earlier one, as
    /// `reviews --claim ID --history --json` gives them; `null` when it has none.
    pub reviews: Option<ClaimVerdicts>,
}

/// The claim `id` in full; an id that is not a claim's is [`DeskError::NoSuchId`].
pub fn claim(ledger: &Ledger, id: &str) -> Result<ClaimDetail, DeskError> {
    let shown = show(ledger, id, &ShowOptions::default())?;
    let EventBody::ClaimAsserted(c) = &shown.event.body else {
        return Err(DeskError::NoSuchId { id: id.to_string() });
    };
    let options = FlagsOptions {
        subject: Some(c.subject.clone()),
        dismissed: true,
        ..FlagsOptions::default()
    };
    let mut flags = all_flags(ledger, &options)?;
    flags.retain(|l| l.flag.claims.iter().any(|x| x == id));
    let verdicts = ReviewsOptions {
        claim: Some(id.to_string()),
        history: true,
        as_of: None,
    };
    let reviews = reviews(ledger, &verdicts)?.into_iter().next();
    Ok(ClaimDetail {
        audit: audit(ledger, id)?,
        claim: shown,
        flags,
        reviews,
    })
}
