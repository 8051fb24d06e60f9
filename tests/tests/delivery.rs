//! The upload queue against real servers on loopback: an S3-compatible
//! store (s3s-fs, SigV4 auth on) with pre-signed URLs from the test's
//! signer, a hyper endpoint for POST, and a fault proxy in front of
//! either. After every fault the object is read back: byte-identical to
//! the bundle, and there exactly once.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use pushdoctor_core::accept::retry::{RandomSource, XorShift};
use pushdoctor_core::accept::{History, HistoryEvent, HistoryLimits};
use pushdoctor_core::delivery::{
    judge, run_queue, Consent, DeliveryEvent, DeliveryPolicy, Destination, EntryState,
    HttpUploadTransport, QueueError, QueueLimits, RunReport, UploadAnswer, UploadMethod,
    UploadQueue, UploadRequest, UploadTransport, Verdict,
};
use pushdoctor_core::logs::redact::RedactionConfig;
use pushdoctor_core::model::time::now_ms;
use pushdoctor_core::probes::config::TrustRoots;
use pushdoctor_tests::fault_proxy::{Fault, FaultProxy};
use pushdoctor_tests::post_server::PostServer;
use pushdoctor_tests::s3store::S3Store;

const HOUR: u64 = 3600;

/// A bundle-sized file of bytes that do not repeat (so half a body is
/// not the same as any other half).
fn bundle(dir: &Path, name: &str, len: usize) -> PathBuf {
    let mut random = XorShift::seeded(len as u64 + name.len() as u64);
    let bytes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8).collect();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Quick retries, and attempts short enough that a hanging server is
/// left in seconds, long enough for a busy machine.
fn policy() -> DeliveryPolicy {
    DeliveryPolicy {
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        attempt_timeout: Duration::from_secs(5),
    }
}

fn consent() -> Consent {
    Consent::given_by_person(now_ms()).unwrap()
}

/// Runs the queue in `dir` with the core's reqwest transport until it is
/// empty or a minute has passed.
fn run(dir: &Path, history: Option<&History>) -> (RunReport, Vec<DeliveryEvent>) {
    let (mut queue, _) = UploadQueue::open(dir, QueueLimits::default(), now_ms()).unwrap();
    let transport = HttpUploadTransport::new(&TrustRoots::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut events = Vec::new();
    let mut random = XorShift::seeded(7);
    let report = runtime
        .block_on(run_queue(
            &mut queue,
            &transport,
            &policy(),
            &mut random,
            Instant::now() + Duration::from_secs(60),
            history,
            |e| events.push(e),
        ))
        .unwrap();
    (report, events)
}

fn enqueue(dir: &Path, bundle: &Path, destination: Destination) -> String {
    let (mut queue, _) = UploadQueue::open(dir, QueueLimits::default(), now_ms()).unwrap();
    queue
        .enqueue(bundle, destination, consent(), now_ms())
        .unwrap()
        .0
}

fn queue_is_empty(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["queue.json"], "only the queue's counts are left");
}

/// Sends one bundle to the store through a proxy scripted with
/// `faults`; checks the object and returns the attempts it took.
fn put_through(faults: Vec<Fault>, len: usize) -> (u32, Vec<DeliveryEvent>) {
    let store = S3Store::start("reports");
    let proxy = FaultProxy::start(store.addr, faults);
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", len);
    let url = store.presign_put("phone/b.zip", Duration::ZERO, HOUR, Some(proxy.addr));
    enqueue(&queue, &path, Destination::Put { url });
    let (report, events) = run(&queue, None);
    assert_eq!(report.delivered.len(), 1, "{events:?}");
    assert_eq!(report.delivered[0].reference, "reports/phone/b.zip");
    assert_eq!(proxy.faults_left(), 0, "every fault was met");
    assert_eq!(
        store.objects(),
        [("phone/b.zip".to_string(), std::fs::read(&path).unwrap())],
        "the object, once, byte for byte"
    );
    queue_is_empty(&queue);
    (report.delivered[0].attempts, events)
}

#[test]
fn a_put_reaches_the_store_once_and_is_recorded_in_the_history() {
    let store = S3Store::start("reports");
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "pushdoctor-bundle.zip", 300_000);
    let url = store.presign_put("incident/42.zip", Duration::ZERO, HOUR, None);
    enqueue(&queue, &path, Destination::Put { url });
    let (history, _) = History::open(
        None,
        HistoryLimits::default(),
        RedactionConfig::default(),
        now_ms(),
    )
    .unwrap();
    let (report, _) = run(&queue, Some(&history));
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(report.delivered[0].attempts, 1);
    assert_eq!(
        store.objects(),
        [("incident/42.zip".to_string(), std::fs::read(&path).unwrap())]
    );
    let recorded = history.events(now_ms());
    let [HistoryEvent::Upload(upload)] = &recorded[..] else {
        panic!("one upload in the history: {recorded:?}")
    };
    assert_eq!(upload.reference, "reports/incident/42.zip");
    assert_eq!(
        (upload.destination.as_str(), upload.bytes),
        ("put", 300_000)
    );
    queue_is_empty(&queue);
}

#[test]
fn a_wrong_signature_is_refused_by_the_store_and_kept() {
    let store = S3Store::start("reports");
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", 1000);
    // Signed for another key: the store's auth is on and says no.
    let url = store
        .presign_put("a.zip", Duration::ZERO, HOUR, None)
        .replacen("/reports/a.zip", "/reports/b.zip", 1);
    let id = enqueue(&queue, &path, Destination::Put { url });
    let (report, events) = run(&queue, None);
    assert_eq!(report.rejected, [id.as_str()], "{events:?}");
    assert!(store.objects().is_empty());
    let (queue, _) = UploadQueue::open(&queue, QueueLimits::default(), now_ms()).unwrap();
    assert!(matches!(
        &queue.entry(&id).unwrap().state,
        EntryState::Rejected { status: 403, reason } if reason == "SignatureDoesNotMatch"
    ));
}

#[test]
fn the_first_uploads_failing_with_500_are_retried() {
    let faults = vec![Fault::Status(500, None); 3];
    let (attempts, _) = put_through(faults, 200_000);
    assert_eq!(attempts, 4);
}

#[test]
fn a_connection_dropped_half_way_leaves_no_partial_object() {
    let (attempts, _) = put_through(vec![Fault::DropHalfway, Fault::DropHalfway], 400_000);
    assert_eq!(attempts, 3);
}

#[test]
fn a_hanging_server_is_left_and_the_upload_sent_again() {
    let (attempts, events) = put_through(vec![Fault::Hang], 100_000);
    assert_eq!(attempts, 2);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, DeliveryEvent::Retrying { reason, .. } if reason == "timed out")),
        "{events:?}"
    );
}

#[test]
fn retry_after_on_429_and_503_is_honoured_for_a_post() {
    let server = PostServer::start();
    let proxy = FaultProxy::start(
        server.addr,
        vec![
            Fault::Status(429, Some("1".into())),
            Fault::Status(503, Some("1".into())),
            Fault::DropHalfway,
        ],
    );
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", 250_000);
    enqueue(
        &queue,
        &path,
        Destination::Post {
            url: server.url(Some(proxy.addr)),
            headers: vec![
                ("Authorization".into(), "Bearer app-token".into()),
                ("X-App-Version".into(), "5.1".into()),
            ],
        },
    );
    let started = Instant::now();
    let (report, events) = run(&queue, None);
    // Two waits the server asked for, each of a second at least.
    assert!(started.elapsed() >= Duration::from_secs(2), "{events:?}");
    let waits: Vec<Duration> = events
        .iter()
        .filter_map(|e| match e {
            DeliveryEvent::Retrying { after, .. } => Some(*after),
            _ => None,
        })
        .collect();
    assert_eq!(waits[..2], [Duration::from_secs(1), Duration::from_secs(1)]);
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(report.delivered[0].attempts, 4);
    assert_eq!(report.delivered[0].reference, "report-1");
    let received = server.received();
    assert_eq!(
        received.len(),
        1,
        "the cut-off body was not kept by the server"
    );
    assert_eq!(received[0].body, std::fs::read(&path).unwrap());
    let header = |name: &str| {
        received[0]
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("authorization").as_deref(), Some("Bearer app-token"));
    assert_eq!(header("x-app-version").as_deref(), Some("5.1"));
    assert_eq!(header("content-type").as_deref(), Some("application/zip"));
    queue_is_empty(&queue);
}

#[test]
fn an_expired_url_is_reported_not_sent_and_a_new_one_delivers() {
    let store = S3Store::start("reports");
    let proxy = FaultProxy::start(store.addr, vec![]);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", 50_000);
    // Signed two hours ago for one hour.
    let old = store.presign_put(
        "b.zip",
        Duration::from_secs(2 * HOUR),
        HOUR,
        Some(proxy.addr),
    );
    let id = enqueue(&dir, &path, Destination::Put { url: old });
    let (report, events) = run(&dir, None);
    assert_eq!(report.expired, [id.as_str()]);
    assert_eq!(events, [DeliveryEvent::Expired { id: id.clone() }]);
    assert_eq!(proxy.connections(), 0, "an expired URL is not even tried");
    // Run again: still expired, still not sent (not retried forever).
    let (report, _) = run(&dir, None);
    assert_eq!(report.expired, [id.as_str()]);
    assert_eq!(proxy.connections(), 0);
    // The app signs a new one.
    let (mut queue, _) = UploadQueue::open(&dir, QueueLimits::default(), now_ms()).unwrap();
    let fresh = store.presign_put("b.zip", Duration::ZERO, HOUR, None);
    queue
        .replace_destination(&id, Destination::Put { url: fresh }, now_ms())
        .unwrap();
    drop(queue);
    let (report, _) = run(&dir, None);
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(
        store.objects(),
        [("b.zip".to_string(), std::fs::read(&path).unwrap())]
    );
}

/// The store's own answer to an expired URL (403 `AccessDenied`, "Request
/// has expired") is read as an expiry even when the phone's clock says
/// the URL still works.
#[test]
fn the_stores_403_for_an_expired_url_is_read_as_expired() {
    let store = S3Store::start("reports");
    let work = tempfile::tempdir().unwrap();
    let path = bundle(work.path(), "b.zip", 1000);
    let url = store.presign_put("b.zip", Duration::from_secs(2 * HOUR), HOUR, None);
    let destination = Destination::Put { url: url.clone() };
    let transport = HttpUploadTransport::new(&TrustRoots::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime.block_on(transport.send(UploadRequest {
        method: UploadMethod::Put,
        url: &url,
        headers: &[],
        body_path: &path,
        body_len: 1000,
        timeout: Duration::from_secs(30),
    }));
    assert!(
        matches!(&answer, UploadAnswer::Status { status: 403, body, .. } if String::from_utf8_lossy(body).contains("AccessDenied")),
        "{answer:?}"
    );
    // A phone whose clock is three hours behind thinks the URL still works.
    let behind = SystemTime::now() - Duration::from_secs(3 * HOUR);
    assert_eq!(judge(&destination, &answer, "", behind), Verdict::Expired);
    assert!(store.objects().is_empty());
}

#[test]
fn a_full_disk_leaves_the_queue_as_it_was() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("queue");
    std::fs::create_dir(&dir).unwrap();
    let Some(_mounted) =
        pushdoctor_tests::mount_tmpfs(&dir, "1m", "the upload queue on a full disk")
    else {
        return;
    };
    let store = S3Store::start("reports");
    let first = bundle(work.path(), "first.zip", 300_000);
    let second = bundle(work.path(), "second.zip", 400_000);
    let url = |key: &str| Destination::Put {
        url: store.presign_put(key, Duration::ZERO, HOUR, None),
    };
    let first_id = enqueue(&dir, &first, url("first.zip"));
    // Fill the disk but for a little.
    let filler = dir.join("filler");
    std::fs::write(&filler, vec![0u8; 600_000]).unwrap();
    let (mut queue, _) = UploadQueue::open(&dir, QueueLimits::default(), now_ms()).unwrap();
    let error = queue
        .enqueue(&second, url("second.zip"), consent(), now_ms())
        .unwrap_err();
    assert!(matches!(error, QueueError::Io { .. }), "{error}");
    assert!(
        error.to_string().contains(&dir.display().to_string()),
        "names the file: {error}"
    );
    drop(queue);
    std::fs::remove_file(&filler).unwrap();
    let (queue, report) = UploadQueue::open(&dir, QueueLimits::default(), now_ms()).unwrap();
    assert!(
        report.damaged.is_empty() && report.leftovers_removed == 0,
        "{report:?}"
    );
    let ids: Vec<&str> = queue.entries().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [first_id.as_str()],
        "the old entry, intact; no half of the new one"
    );
    drop(queue);
    let (report, _) = run(&dir, None);
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(
        store.objects(),
        [("first.zip".to_string(), std::fs::read(&first).unwrap())]
    );
}

// ---- bad input never panics ------------------------------------------------

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "(https?|ftp)://[a-z0-9.:\\[\\]@]{0,20}(/[a-z%0-9._-]{0,12}){0,3}(\\?[A-Za-z0-9=&%-]{0,80})?",
            "https://h/k\\?X-Amz-Date=[0-9TZ]{0,17}&X-Amz-Expires=-?[0-9]{0,22}",
        ]
    }

    proptest! {
        /// A destination from anywhere (a URL, headers) is checked or
        /// refused with words; the answer of any server is judged.
        #[test]
        fn destinations_and_answers_of_any_shape_are_judged_without_panicking(
            url in any_text(),
            name in any::<String>(),
            value in any::<String>(),
            status in any::<u16>(),
            etag in proptest::option::of(any::<String>()),
            retry_after in proptest::option::of(any::<String>()),
            body in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let put = Destination::Put { url: url.clone() };
            let post = Destination::Post { url, headers: vec![(name, value)] };
            for destination in [&put, &post] {
                if let Err(e) = destination.validate() {
                    prop_assert!(!e.to_string().is_empty());
                }
                let _ = destination.expires_at_ms();
                let _ = destination.object_key();
                let answer = UploadAnswer::Status {
                    status,
                    etag: etag.clone(),
                    retry_after: retry_after.clone(),
                    body: body.clone(),
                };
                if let Verdict::Delivered { reference } = judge(destination, &answer, "", SystemTime::now()) {
                    prop_assert!(reference.chars().count() <= pushdoctor_core::delivery::verdict::MAX_REFERENCE_CHARS);
                    prop_assert!(!reference.chars().any(pushdoctor_core::printable::is_unprintable));
                }
            }
        }
    }
}
