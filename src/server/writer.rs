//! The one writer: a thread that owns every append. Handlers send it prepared requests over a
//! channel; it takes every request waiting at that moment, commits them as one group
//! ([`crate::desk::group::append_group`]: one durable write), and only then answers each. New events
//! are then published to the server-sent-events stream.

use super::events::Published;
use crate::desk::group::{append_group, Prepared};
use crate::desk::import::{AppendReport, Durability, ImportError};
use crate::ledger::Stamp;
use crate::Ledger;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, oneshot};

/// One write request and where its answer goes.
pub struct Job {
    /// What to append.
    pub prepared: Prepared,
    /// Who appends it, when, with which key.
    pub stamp: Stamp,
    /// The answer, sent once the request's events are durable (or refused).
    pub reply: oneshot::Sender<Result<AppendReport, ImportError>>,
}

/// Synced, except in the tests' build with `FACTLEDGER_FAULT_ACK_BEFORE_SYNC` set: the crash
/// test's negative control, which acknowledges before the sync to show its checks can fail.
fn durability() -> Durability {
    if cfg!(feature = "testing") && std::env::var_os("FACTLEDGER_FAULT_ACK_BEFORE_SYNC").is_some() {
        Durability::Unsynced
    } else {
        Durability::Synced
    }
}

/// Most requests committed in one group (a bound on one write's size and latency).
const MAX_GROUP: usize = 1024;

/// Starts the writer thread; it ends when every [`Sender`] is dropped and the queue is empty.
pub fn start(
    ledger: Arc<Mutex<Ledger>>,
    events: broadcast::Sender<Published>,
) -> (Sender<Job>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("factledger-writer".into())
        .spawn(move || run(&ledger, &rx, &events))
        .expect("the writer thread starts");
    (tx, handle)
}

fn run(ledger: &Mutex<Ledger>, rx: &Receiver<Job>, events: &broadcast::Sender<Published>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let (requests, replies): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|j| ((j.prepared, j.stamp), j.reply))
            .unzip();
        let (outcomes, new_events) = {
            let mut ledger = match ledger.lock() {
                Ok(l) => l,
                Err(poisoned) => poisoned.into_inner(),
            };
            let before = ledger.head().seq;
            let outcomes = append_group(&mut ledger, requests, durability());
            let new_events: Vec<Published> = ledger
                .events(before + 1)
                .filter_map(Result::ok)
                .map(|e| Published::of(&e))
                .collect();
            (outcomes, new_events)
        };
        // Durable now: answer, then tell the listeners.
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A client that went away still had its events appended; nothing to undo.
            let _ = reply.send(outcome);
        }
        if durability() == Durability::Unsynced {
            // The negative control: acknowledged, not yet durable, for a moment.
            std::thread::sleep(std::time::Duration::from_millis(300));
            let mut ledger = match ledger.lock() {
                Ok(l) => l,
                Err(poisoned) => poisoned.into_inner(),
            };
            let _ = ledger.sync();
        }
        for e in new_events {
            // No listener is fine.
            let _ = events.send(e);
        }
    }
}
