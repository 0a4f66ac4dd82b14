//! Checkpoints as arbitrary text: the note and JSON readers never panic, and whatever they
//! accept is canonical: a note writes back to exactly the same bytes, and a JSON checkpoint's
//! note is what it carries. Signature checks on accepted notes must not panic either.
#![no_main]

use factledger::integrity::checkpoint::Checkpoint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Checkpoint::parse_note(text) {
        assert_eq!(c.note(), text, "a non-canonical note was accepted");
        let _ = c.verify_signature(None);
        let _ = c.verify_signature(Some(&[7; 32]));
        let _ = c.check_time(0);
    }
    if let Ok(c) = Checkpoint::from_text(text) {
        let again = Checkpoint::parse_note(&c.note()).expect("a checkpoint's note reads back");
        assert_eq!(again.note(), c.note());
    }
});
