//! One line of the JSON Lines import format, as arbitrary bytes: `parse_line` must return
//! `Ok` or an `Err` with a message, never panic, abort or run away with memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // text_file paths resolve against this directory; a missing one is just an error.
    match factledger::intake::import::parse_line(data, Path::new("/nonexistent-fuzz-base")) {
        Ok(_) => {}
        Err(e) => assert!(!e.to_string().is_empty(), "empty error message"),
    }
    // Whole inputs go through the same path, split into lines.
    let (_records, problems) =
        factledger::intake::import::parse_input(data, Path::new("/nonexistent-fuzz-base"));
    for p in problems {
        assert!(!p.message.is_empty(), "empty problem message");
    }
});
