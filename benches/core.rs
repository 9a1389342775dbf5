//! Parse + match + CPP for one pair of ~1.2 MB bodies (the real NYC→LAX Award capture and its
//! Revenue fixture): the whole pure core, as `search` runs it once per query.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use point_break::core::{compare, read_answer, Answer, Cabin};
use std::hint::black_box;

fn fixture(rel: &str) -> String {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn core(c: &mut Criterion) {
    let award = fixture("captures/aifares__CreditCardPoints__american-raw.b5d11d6.json");
    let revenue = fixture("revenue/revenue-b5d11d6-pax1.json");
    let mut group = c.benchmark_group("core");
    group.throughput(Throughput::Bytes((award.len() + revenue.len()) as u64));
    group.bench_function("parse_match_cpp_nyc_lax", |b| {
        b.iter(|| {
            let a = read_answer(Answer::body(black_box(&award)), "award").unwrap();
            let r = read_answer(Answer::body(black_box(&revenue)), "revenue").unwrap();
            let (flights, _) = compare(&a, &r, 1, Cabin::Main);
            assert_eq!(flights.len(), 36);
            flights
        })
    });
    let a = read_answer(Answer::body(&award), "award").unwrap();
    let r = read_answer(Answer::body(&revenue), "revenue").unwrap();
    group.bench_function("match_cpp_only", |b| {
        b.iter(|| compare(black_box(&a), black_box(&r), 1, Cabin::Main))
    });
    group.finish();
}

criterion_group!(benches, core);
criterion_main!(benches);
