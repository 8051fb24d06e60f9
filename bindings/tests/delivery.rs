//! The upload queue through the agent, driven from Rust the way Kotlin and
//! Swift drive it, against the real servers of the cross-crate tests (an
//! S3-compatible store with pre-signed URLs, a POST endpoint, a fault
//! proxy): consent, events, the queue's state, an expired URL replaced,
//! and a cancelled call whose bundle stays queued.

#[allow(dead_code)]
mod common;
use common::{block_on, poll_until, quiet_config, Silent};

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pushdoctor_ffi::agent::{AgentConfig, AgentError, ListenerError, PushDoctorAgent};
use pushdoctor_ffi::delivery::{
    UploadConsent, UploadDestination, UploadEvent, UploadHeader, UploadListener, UploadState,
};
use pushdoctor_ffi::ids::Platform;
use pushdoctor_tests::fault_proxy::{Fault, FaultProxy};
use pushdoctor_tests::post_server::PostServer;
use pushdoctor_tests::s3store::S3Store;

fn agent(dir: Option<&Path>) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            log_directory: dir.map(|d| d.display().to_string()),
            ..quiet_config(Platform::Android)
        },
        Arc::new(Silent),
    )
    .unwrap()
}

fn bundle(dir: &Path, len: usize) -> String {
    let path = dir.join("pushdoctor-bundle.zip");
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn now_ms() -> i64 {
    pushdoctor_core::model::time::now_ms()
}

#[derive(Default)]
struct Heard(Mutex<Vec<UploadEvent>>);

impl UploadListener for Heard {
    fn on_upload(&self, event: UploadEvent) -> Result<(), ListenerError> {
        self.0.lock().unwrap().push(event);
        Ok(())
    }
}

#[test]
fn consent_is_explicit_and_needs_a_real_time() {
    assert_eq!(UploadConsent::given_by_person(5).unwrap().given_at_ms(), 5);
    assert!(matches!(
        UploadConsent::given_by_person(-1),
        Err(AgentError::InvalidArgument { .. })
    ));
}

#[test]
fn a_post_is_delivered_with_its_reference_and_recorded() {
    let server = PostServer::start();
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Some(dir.path()));
    let path = bundle(dir.path(), 50_000);
    let heard = Arc::new(Heard::default());
    let outcome = block_on(agent.clone().upload_bundle(
        path.clone(),
        UploadDestination::Post {
            url: server.url(None),
            headers: vec![UploadHeader {
                name: "Authorization".into(),
                value: "Bearer app".into(),
            }],
        },
        UploadConsent::given_by_person(now_ms()).unwrap(),
        Some(heard.clone()),
        None,
    ))
    .unwrap();
    assert_eq!(outcome.reference.as_deref(), Some("report-1"));
    assert!(outcome.queue.entries.is_empty());
    assert_eq!(outcome.queue.delivered, 1);
    assert_eq!(
        heard.0.lock().unwrap().clone(),
        [UploadEvent::Uploaded {
            id: outcome.id.clone(),
            reference: "report-1".into(),
            attempts: 1
        }]
    );
    assert_eq!(server.received()[0].body, std::fs::read(&path).unwrap());
    block_on(agent.clone().shutdown());
    let history = std::fs::read_to_string(dir.path().join("accept_history.ndjson")).unwrap();
    assert!(
        history.contains("\"kind\":\"upload\"") && history.contains("\"reference\":\"report-1\""),
        "{history}"
    );
}

#[test]
fn without_a_log_directory_or_with_a_plain_http_url_nothing_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let path = bundle(dir.path(), 10);
    let consent = || UploadConsent::given_by_person(now_ms()).unwrap();
    let put = |url: &str| UploadDestination::Put { url: url.into() };
    let error = block_on(agent(None).upload_bundle(
        path.clone(),
        put("https://h/k"),
        consent(),
        None,
        None,
    ))
    .unwrap_err();
    assert!(error.to_string().contains("no log directory"), "{error}");
    let agent = agent(Some(dir.path()));
    let error = block_on(agent.clone().upload_bundle(
        path,
        put("http://example.com/k"),
        consent(),
        None,
        None,
    ))
    .unwrap_err();
    assert!(error.to_string().contains("only for loopback"), "{error}");
    assert!(block_on(agent.upload_queue_state())
        .unwrap()
        .entries
        .is_empty());
}

#[test]
fn an_expired_url_is_reported_and_a_new_one_delivers() {
    let store = S3Store::start("reports");
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Some(dir.path()));
    let path = bundle(dir.path(), 20_000);
    let old = store.presign_put("b.zip", Duration::from_secs(7200), 3600, None);
    let heard = Arc::new(Heard::default());
    let outcome = block_on(agent.clone().upload_bundle(
        path.clone(),
        UploadDestination::Put { url: old },
        UploadConsent::given_by_person(now_ms()).unwrap(),
        Some(heard.clone()),
        None,
    ))
    .unwrap();
    assert_eq!(outcome.reference, None);
    assert_eq!(
        heard.0.lock().unwrap().clone(),
        [UploadEvent::Expired {
            id: outcome.id.clone()
        }]
    );
    assert_eq!(outcome.queue.entries[0].state, UploadState::Expired);
    let fresh = store.presign_put("b.zip", Duration::ZERO, 3600, None);
    let state = block_on(
        agent
            .clone()
            .replace_upload_destination(outcome.id.clone(), UploadDestination::Put { url: fresh }),
    )
    .unwrap();
    assert_eq!(state.entries[0].state, UploadState::Waiting);
    let resumed = block_on(agent.clone().resume_uploads(None, None)).unwrap();
    assert!(resumed.queue.entries.is_empty());
    assert_eq!(
        store.objects(),
        [("b.zip".to_string(), std::fs::read(&path).unwrap())]
    );
}

#[test]
fn a_cancelled_upload_stays_queued_and_is_sent_whole_later() {
    let store = S3Store::start("reports");
    let proxy = FaultProxy::start(store.addr, vec![Fault::StallHalfway]);
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Some(dir.path()));
    let path = bundle(dir.path(), 1_000_000);
    let url = store.presign_put("b.zip", Duration::ZERO, 3600, Some(proxy.addr));
    let cancelled = poll_until(
        agent.clone().upload_bundle(
            path.clone(),
            UploadDestination::Put { url },
            UploadConsent::given_by_person(now_ms()).unwrap(),
            None,
            None,
        ),
        || proxy.stalled() > 0,
    );
    assert!(cancelled.is_none(), "the call was cancelled half-way");
    // The cancelled task lets go of the queue; its state shows the bundle.
    let state = block_on(agent.clone().upload_queue_state()).unwrap();
    assert_eq!(state.entries.len(), 1);
    assert_eq!(state.entries[0].state, UploadState::Waiting);
    assert_eq!(state.entries[0].attempts, 1);
    let resumed = block_on(agent.clone().resume_uploads(None, None)).unwrap();
    assert_eq!(resumed.queue.delivered, 1);
    assert_eq!(
        store.objects(),
        [("b.zip".to_string(), std::fs::read(&path).unwrap())]
    );
    // Removing a bundle from the queue.
    let path2 = bundle(dir.path(), 10);
    let expired = store.presign_put("c.zip", Duration::from_secs(7200), 3600, None);
    let outcome = block_on(agent.clone().upload_bundle(
        path2,
        UploadDestination::Put { url: expired },
        UploadConsent::given_by_person(now_ms()).unwrap(),
        None,
        None,
    ))
    .unwrap();
    let state = block_on(agent.clone().cancel_upload(outcome.id)).unwrap();
    assert!(state.entries.is_empty());
    assert_eq!(state.dropped, 1);
}
