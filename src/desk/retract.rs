//! Retract: a claim or source stops being live. The retraction is an event like any other; the
//! retracted record stays in the log.

use super::add::{append_line, line_record, Line};
use super::group::Prepared;
use super::import::{AppendReport, Durability, ImportError};
use crate::ledger::Stamp;
use crate::Ledger;
use std::path::Path;

/// What to retract, and why.
#[derive(Debug, Clone)]
pub struct RetractInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// Id of the claim or source.
    pub target: &'a str,
    /// Why it is retracted.
    pub reason: &'a str,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// Retracts a claim or source, checked as an import line `{"type":"retract",…}` is.
pub fn retract(
    ledger: &mut Ledger,
    input: RetractInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    let line = Line::Retract {
        reason: input.reason,
        target: input.target,
    };
    // A retraction has no text_file, so no directory is ever read.
    append_line(
        ledger,
        input.label,
        Path::new("."),
        &line,
        stamp,
        input.durability,
    )
}

/// [`retract`]'s checks without the append: a request for the desk server's group commit
/// ([`super::group`]).
pub fn prepare(label: &str, target: &str, reason: &str) -> Result<Prepared, ImportError> {
    let line = Line::Retract { reason, target };
    let record = line_record(label, Path::new("."), &line)?;
    Ok(Prepared {
        label: label.to_string(),
        records: vec![(0, record)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::{import, ledger, stamp, CLAIM, SOURCE};
    use crate::model::event::EventBody;

    #[test]
    fn a_retraction_is_appended_once_and_an_unknown_target_is_refused() {
        let (_dir, mut ledger) = ledger();
        import(&mut ledger, &format!("{SOURCE}\n{CLAIM}\n")).unwrap();
        let retraction = |target| RetractInput {
            label: "<arguments>",
            target,
            reason: "misread",
            durability: Durability::Synced,
        };
        let report = retract(&mut ledger, retraction("c1"), &stamp()).unwrap();
        assert_eq!(report.last_seq, Some(3));
        let last = ledger.event(3).unwrap().unwrap();
        assert!(matches!(last.body, EventBody::Retracted(r) if r.target == "c1"));
        assert!(matches!(
            retract(&mut ledger, retraction("nothing"), &stamp()),
            Err(ImportError::Refused { .. })
        ));
        assert_eq!(ledger.head().seq, 3);
    }
}
