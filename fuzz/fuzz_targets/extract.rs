//! The extractor on arbitrary text: `extract` never panics, and every candidate's excerpt is a
//! byte-exact slice of the input at its offset, on its line, with a value the import accepts.
#![no_main]

use factledger::model::date::StatedDate;
use factledger::intake::extract::{extract, ExtractOptions};
use factledger::model::value::{normalise_predicate, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ExtractOptions {
        source: "fuzz".into(),
        published: StatedDate::parse("2025-02-26").ok(),
        default_subject: None,
    };
    for c in extract(text, &opts) {
        assert_eq!(
            text.get(c.offset..c.offset + c.excerpt.len()),
            Some(c.excerpt.as_str()),
            "excerpt not verbatim"
        );
        assert_eq!(c.line, text[..c.offset].matches('\n').count() + 1);
        let p = normalise_predicate(&c.predicate).expect("predicate");
        Value::from_json(&p, &c.value).expect("the import accepts the value");
        let _ = c.to_import_line();
    }
});
