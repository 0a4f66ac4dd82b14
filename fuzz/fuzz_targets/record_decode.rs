//! Stored records as arbitrary bytes: `Event::from_record` never panics or aborts (a crafted
//! length must not allocate gigabytes), and whatever it accepts is canonical: encoding the
//! event again gives exactly the same bytes.
#![no_main]

use factledger::model::event::Event;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = Event::from_record(data) {
        assert_eq!(
            event.to_record(),
            data,
            "a non-canonical record was accepted"
        );
        let _ = event.compute_hash();
        let _ = event.to_json();
    }
});
