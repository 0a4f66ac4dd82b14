//! Ctrl-C during an import. An import is all or nothing: every line is checked before anything is
//! written, and the append itself is one atomic, synced write. Interrupted while the lines are
//! being read and checked, the command says that nothing was appended and exits 130 at once.
//! Interrupted during the append, it lets the append finish (stopping half-way is what the store
//! is built never to do) and then reports it, with exit 130.

use std::sync::atomic::{AtomicU8, Ordering};

/// Not in an import: Ctrl-C does what it always does.
const IDLE: u8 = 0;
/// Reading and checking: nothing written yet.
const CHECKING: u8 = 1;
/// Appending: the write runs to its end.
const APPENDING: u8 = 2;
/// Ctrl-C came during the append.
const INTERRUPTED_APPENDING: u8 = 3;

static PHASE: AtomicU8 = AtomicU8::new(IDLE);

/// What the handler writes when it ends the process: the one thing it can still say.
const NOTHING_APPENDED: &[u8] =
    b"\nerror: interrupted before anything was written; nothing was appended\n";

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    // Only async-signal-safe calls here: atomics, write(2), _exit(2).
    match PHASE.compare_exchange(CHECKING, IDLE, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => unsafe {
            libc::write(2, NOTHING_APPENDED.as_ptr().cast(), NOTHING_APPENDED.len());
            libc::_exit(130);
        },
        Err(APPENDING) => {
            PHASE.store(INTERRUPTED_APPENDING, Ordering::SeqCst);
        }
        Err(_) => unsafe { libc::_exit(130) },
    }
}

/// From here until [`begin_append`], Ctrl-C ends the import saying nothing was appended.
pub fn checking() {
    PHASE.store(CHECKING, Ordering::SeqCst);
    #[cfg(unix)]
    // SAFETY: the handler only touches an atomic and calls async-signal-safe functions.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    #[cfg(feature = "testing")]
    if std::env::var_os("FACTLEDGER_TEST_ANNOUNCE_INTERRUPTIBLE").is_some() {
        eprintln!("interruptible");
    }
}

/// Everything is checked and the append begins: from here Ctrl-C waits for it. `false` when the
/// import was interrupted first (then nothing may be written).
pub fn begin_append() -> bool {
    PHASE
        .compare_exchange(CHECKING, APPENDING, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// Whether Ctrl-C came during the append (which then completed).
pub fn interrupted_during_append() -> bool {
    PHASE.load(Ordering::SeqCst) == INTERRUPTED_APPENDING
}
