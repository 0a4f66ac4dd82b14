//! Dates as reporters write them: `StatedDate::parse` on arbitrary strings never panics, and a
//! date it accepts exists, prints, and reads back as the same day from its ISO form (and from
//! its long form, for four-digit years: see the known issue in tests/hostile_input.rs).
#![no_main]

use factledger::model::date::StatedDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = StatedDate::parse(s) {
        assert!(
            d.naive().is_some(),
            "accepted a date that does not exist: {s:?}"
        );
        let iso = StatedDate::parse(&d.iso()).expect("ISO form reads back");
        assert!(
            iso.same_day(&d),
            "{s:?}: ISO form {} is another day",
            d.iso()
        );
        let long = d.long();
        if d.year >= 1000 {
            let back = StatedDate::parse(&long).expect("long form reads back");
            assert!(back.same_day(&d), "{s:?}: long form {long} is another day");
        }
        let _ = d.weekday_contradicted();
    }
});
