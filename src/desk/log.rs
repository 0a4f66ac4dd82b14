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
    /// Only the events recorded up to this point.
    pub as_of: Option<super::AsOf>,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            from: 1,
            limit: None,
            as_of: None,
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
    // A point that does not resolve is the one item of the listing.
    let (to, failed) = match super::AsOf::resolve_opt(options.as_of.as_ref(), ledger) {
        Ok(to) => (to.unwrap_or(u64::MAX), None),
        Err(e) => (0, Some(e)),
    };
    let events = ledger
        .events(options.from)
        .take_while(move |e| e.as_ref().map_or(true, |e| e.seq <= to))
        .take(limit)
        .map(|e| e.map_err(DeskError::from));
    failed.map(Err).into_iter().chain(events)
}
