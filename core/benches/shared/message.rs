//! The message the capture benchmarks log, and their baseline: formatting
//! it alone into a reused buffer, which every log call does before any
//! capturing. Shared by `core/benches/capture.rs` and
//! `bindings/benches/route.rs`, so both compare against the same work.

use std::fmt::Write as _;

use divan::black_box;

/// Formats the benchmarks' message into `buf`, cleared first.
pub fn format_message(buf: &mut String) {
    buf.clear();
    let _ = write!(
        buf,
        "accept attempt {} for request {} took {}ms",
        black_box(3),
        black_box("a1b2c3"),
        black_box(120)
    );
    black_box(&buf);
}
