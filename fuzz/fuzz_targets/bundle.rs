//! Bundles as arbitrary bytes: `bundle::verify` never panics, and whatever it accepts is
//! canonical: rendering the verified bundle again gives exactly the same bytes.
#![no_main]

use factledger::integrity::bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = bundle::verify(data) {
        assert_eq!(
            bundle::render(&b).as_bytes(),
            data,
            "a non-canonical bundle was accepted"
        );
    }
});
