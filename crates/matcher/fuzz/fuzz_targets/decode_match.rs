//! Any bytes into decode and match: a typed error or a result, never a panic.
//! `make fuzz` (cargo fuzz run -s none, on stable).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // the first byte says where the registered image ends and the questioned one begins
    let cut = (first as usize * rest.len()) / 255;
    let (registered, questioned) = rest.split_at(cut.min(rest.len()));
    let _ = matcher::decode(registered);
    if let Ok(r) = matcher::match_pair(registered, questioned, &Default::default()) {
        assert!(r.score.is_finite() && (0.0..=1.0).contains(&r.score));
    }
});
