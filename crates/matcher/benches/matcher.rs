//! Matcher speed (criterion): one pair decode + match, re-scoring after a manual nudge, and
//! re-rendering views at 512². `make bench`; medians go in the README with the machine.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use matcher::{self, views, MatchOptions};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seal").join(rel)).unwrap()
}

fn bench(c: &mut Criterion) {
    let opts = MatchOptions::default();
    for (name, reg, q) in [
        ("genuine_square_179deg", "registered/r0004.png", "questioned/q0037.jpg"),
        ("genuine_occluded", "registered/r0053.png", "questioned/q0002.jpg"),
        ("traced_copy", "registered/r0059.png", "questioned/q0003.jpg"),
    ] {
        let (reg, q) = (fixture(reg), fixture(q));
        c.bench_function(&format!("decode_and_match/{name}"), |b| {
            b.iter(|| matcher::match_pair(black_box(&reg), black_box(&q), &opts).unwrap())
        });
    }

    let reg = matcher::decode(&fixture("registered/r0053.png")).unwrap();
    let q = matcher::decode(&fixture("questioned/q0002.jpg")).unwrap();
    let r = matcher::match_decoded(&reg, &q, &opts).unwrap();
    let mut nudged = r.alignment;
    nudged.rotation_deg += 0.1;
    nudged.tx += 1.0;
    let manual = MatchOptions { manual_alignment: Some(nudged), ..MatchOptions::default() };
    c.bench_function("rescore_after_nudge", |b| {
        b.iter(|| matcher::match_decoded(&reg, &q, black_box(&manual)).unwrap())
    });
    c.bench_function("view_overlay_512", |b| b.iter(|| views::overlay(&reg, &q, black_box(&nudged), 512, 512)));
    c.bench_function("view_difference_512", |b| {
        b.iter(|| views::difference(&reg, &q, black_box(&nudged), 2.0, 512, 512))
    });
    c.bench_function("view_split_512", |b| {
        b.iter(|| views::split(&reg, &q, black_box(&nudged), 256.0, 256.0, 30.0, 512, 512))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
