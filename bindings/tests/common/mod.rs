//! What the bindings' test binaries share.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A minimal executor that is not tokio, like a foreign caller's.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
        std::thread::park();
    }
}

/// The text of a bundle's entry `name`; none when the bundle has no such entry.
pub fn bundle_entry(path: &str, name: &str) -> Option<String> {
    use std::io::Read;
    let archive =
        pushdoctor_core::bundle::zip::ZipArchive::open(std::fs::File::open(path).unwrap()).unwrap();
    let entry = archive.entry(name)?.clone();
    let mut text = String::new();
    archive
        .open_entry(&entry)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    Some(text)
}

/// The records of a bundle's `logs.ndjson` with `tag`, as JSON.
#[allow(dead_code)] // not every test binary reads records
pub fn bundle_records(path: &str, tag: &str) -> Vec<serde_json::Value> {
    bundle_entry(path, "logs.ndjson")
        .expect("a bundle has logs.ndjson")
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|record| record["tag"] == tag)
        .collect()
}
