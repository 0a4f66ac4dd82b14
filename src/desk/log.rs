//! `log`: the events in order, oldest first.

use super::DeskError;
use crate::model::event::Event;
use crate::Ledger;

/// Which events to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// The first seq.
    pub from: u64,
    /// At most this many events; `None` for all.
    pub limit: Option<u64>,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            from: 1,
            limit: None,
        }
    }
}

/// The events the options ask for, read one at a time (a log has millions). Each [`Event`]
/// serialises as its JSON line.
pub fn log(
    ledger: &Ledger,
    options: LogOptions,
) -> impl Iterator<Item = Result<Event, DeskError>> + '_ {
    let limit = usize::try_from(options.limit.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
    ledger
        .events(options.from)
        .take(limit)
        .map(|e| e.map_err(DeskError::from))
}
