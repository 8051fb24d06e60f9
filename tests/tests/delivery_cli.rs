//! `pushdoctor upload` against the real servers of the delivery tests: its
//! exit codes and output, and a real child process killed with SIGKILL in
//! the middle of an upload, whose queue the next run resumes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pushdoctor_core::accept::retry::{RandomSource, XorShift};
use pushdoctor_core::delivery::{QueueLimits, UploadQueue};
use pushdoctor_core::model::time::now_ms;
use pushdoctor_tests::fault_proxy::{Fault, FaultProxy};
use pushdoctor_tests::post_server::PostServer;
use pushdoctor_tests::s3store::S3Store;

/// The arguments the child's `pushdoctor` runs with, one per line.
const CHILD_ARGS: &str = "PUSHDOCTOR_UPLOAD_CHILD_ARGS";

fn bundle(dir: &Path, name: &str, len: usize) -> PathBuf {
    let mut random = XorShift::seeded(len as u64);
    let bytes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8).collect();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pushdoctor(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["pushdoctor"];
    argv.extend_from_slice(args);
    let code = pushdoctor_cli::run(
        argv,
        &mut std::io::BufReader::new(std::io::empty()),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// The child process: this test binary run again with only this test,
/// which runs `pushdoctor` (the command's own `run`, as its `main` does)
/// with the arguments in its environment and exits with its code.
#[test]
#[ignore = "run as a child process by a_process_killed_mid_upload_resumes_and_loses_nothing"]
fn upload_child() {
    let Ok(args) = std::env::var(CHILD_ARGS) else {
        return;
    };
    let args: Vec<&str> = args.lines().collect();
    let (code, out, err) = pushdoctor(&args);
    print!("{out}");
    eprint!("{err}");
    std::process::exit(code.into());
}

fn child(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "upload_child", "--ignored", "--nocapture"])
        .env(CHILD_ARGS, args.join("\n"))
        .stdin(Stdio::null());
    command
}

#[test]
fn a_process_killed_mid_upload_resumes_and_loses_nothing() {
    let store = S3Store::start("reports");
    // The first upload stops half-way and stays there.
    let proxy = FaultProxy::start(store.addr, vec![Fault::StallHalfway]);
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", 2_000_000);
    let url = store.presign_put("phone/b.zip", Duration::ZERO, 3600, Some(proxy.addr));
    let queue_arg = queue.to_str().unwrap();
    let mut first = child(&[
        "upload",
        path.to_str().unwrap(),
        "--put-url",
        &url,
        "--queue",
        queue_arg,
        "--base-delay-ms",
        "50",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let waited = Instant::now();
    while proxy.stalled() == 0 {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "the upload never got half-way"
        );
        if let Some(status) = first.try_wait().unwrap() {
            panic!("the child ended before it was killed: {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL, half-way through the body.
    first.kill().unwrap();
    first.wait().unwrap();
    {
        let (queue, report) = UploadQueue::open(&queue, QueueLimits::default(), now_ms()).unwrap();
        assert!(report.damaged.is_empty(), "{report:?}");
        assert_eq!(queue.entries().len(), 1, "the bundle is still queued");
        assert_eq!(queue.entries()[0].attempts, 1);
    }
    // The next start: no bundle given, the queue resumes.
    let second = child(&["upload", "--queue", queue_arg, "--base-delay-ms", "50"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(
        second.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(
        stdout.contains("uploaded b.zip (2000000 bytes, 2 attempt(s)): reports/phone/b.zip"),
        "{stdout}"
    );
    assert_eq!(
        store.objects(),
        [("phone/b.zip".to_string(), std::fs::read(&path).unwrap())],
        "the object, once, whole"
    );
    let left: Vec<_> = std::fs::read_dir(&queue)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["queue.json"]);
}

#[test]
fn a_post_with_headers_prints_the_reference_and_exits_0() {
    let server = PostServer::start();
    let work = tempfile::tempdir().unwrap();
    let path = bundle(work.path(), "logs.zip", 10_000);
    let url = server.url(None);
    let (code, out, err) = pushdoctor(&[
        "upload",
        path.to_str().unwrap(),
        "--post-url",
        &url,
        "--header",
        "Authorization: Bearer t0k",
        "--header",
        "X-Ticket:  SUP-7 ",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["delivered"][0]["reference"], "report-1");
    assert_eq!(json["delivered"][0]["bundle"], "logs.zip");
    assert_eq!(json["waiting"], serde_json::json!([]));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, std::fs::read(&path).unwrap());
    assert!(received[0]
        .headers
        .contains(&("x-ticket".to_string(), "SUP-7".to_string())));
    assert!(received[0]
        .headers
        .contains(&("authorization".to_string(), "Bearer t0k".to_string())));
    // Without --queue, nothing is left behind but the person's own file.
    assert!(path.exists());
}

#[test]
fn an_expired_url_exits_1_and_stays_queued() {
    let store = S3Store::start("reports");
    let work = tempfile::tempdir().unwrap();
    let queue = work.path().join("queue");
    let path = bundle(work.path(), "b.zip", 1000);
    let url = store.presign_put("b.zip", Duration::from_secs(7200), 3600, None);
    let (code, _, err) = pushdoctor(&[
        "upload",
        path.to_str().unwrap(),
        "--put-url",
        &url,
        "--queue",
        queue.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("b.zip: the pre-signed URL expired: sign a new one"),
        "{err}"
    );
    let (queue, _) = UploadQueue::open(&queue, QueueLimits::default(), now_ms()).unwrap();
    assert_eq!(queue.entries().len(), 1);
}

#[test]
fn bad_usage_exits_2_naming_what_is_wrong() {
    let work = tempfile::tempdir().unwrap();
    let path = bundle(work.path(), "b.zip", 10);
    let bundle = path.to_str().unwrap();
    for (args, words) in [
        (
            vec!["upload", bundle, "--put-url", "http://example.com/b/k"],
            "only for loopback",
        ),
        (vec!["upload", bundle], "--put-url URL or --post-url URL"),
        (vec!["upload"], "--queue DIR to resume"),
        (
            vec![
                "upload",
                bundle,
                "--put-url",
                "https://h/k",
                "--header",
                "A: b",
            ],
            "--post-url",
        ),
        (
            vec![
                "upload",
                bundle,
                "--post-url",
                "https://h/k",
                "--header",
                "no colon",
            ],
            "not `Name: value`",
        ),
        (
            vec![
                "upload",
                bundle,
                "--post-url",
                "https://h/k",
                "--header",
                "Host: x",
            ],
            "set by the uploader",
        ),
        (
            vec!["upload", "/no/such.zip", "--post-url", "https://h/k"],
            "/no/such.zip",
        ),
    ] {
        let (code, _, err) = pushdoctor(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
}
