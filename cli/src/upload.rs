//! `pushdoctor upload`: a bundle sent to the developer through the
//! core's upload queue (`docs/delivery.md`), by a person at a terminal.
//!
//! Running the command is the consent: the person typing it names the
//! bundle and where it goes, so the consent is given at the moment the
//! command starts, and nothing else is ever sent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pushdoctor_core::accept::retry::XorShift;
use pushdoctor_core::delivery::{
    run_queue, Consent, DeliveryEvent, DeliveryPolicy, Destination, HttpUploadTransport,
    QueueError, QueueLimits, UploadQueue,
};
use pushdoctor_core::model::time::now_ms;
use pushdoctor_core::printable::printable;
use pushdoctor_core::probes::config::TrustRoots;

use crate::probe::run_to_deadline;
use crate::{exit, Failure};

/// `pushdoctor upload`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct UploadArgs {
    /// The bundle (.zip) to send; leave out with `--queue` to resume what is queued.
    bundle: Option<PathBuf>,
    /// A pre-signed PUT URL (an S3-compatible store's).
    #[arg(long, value_name = "URL", conflicts_with = "post_url")]
    put_url: Option<String>,
    /// The app's endpoint, sent a POST of the bundle.
    #[arg(long, value_name = "URL")]
    post_url: Option<String>,
    /// A header for the POST, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "K: V")]
    headers: Vec<String>,
    /// A queue directory kept between runs: what is not delivered stays there, and the next run resumes it.
    #[arg(long, value_name = "DIR")]
    queue: Option<PathBuf>,
    /// How long this run may take, in seconds; what is not delivered by then stays queued.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    timeout_s: u64,
    /// How long one attempt may take, in seconds.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    attempt_timeout_s: u64,
    /// The first retry's largest delay, in milliseconds (doubled at each retry, at most 5 minutes).
    #[arg(long, default_value_t = 2000)]
    base_delay_ms: u64,
    /// A certificate authority to trust besides the web's (PEM; repeatable).
    #[arg(long, value_name = "FILE")]
    ca_file: Vec<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(
    args: UploadArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    let destination = destination(&args)?;
    if args.bundle.is_some() != destination.is_some() {
        return Err(Failure::bad_input(if args.bundle.is_some() {
            "where to? give --put-url URL or --post-url URL"
        } else {
            "--put-url and --post-url go with a bundle to send"
        }));
    }
    if args.bundle.is_none() && args.queue.is_none() {
        return Err(Failure::bad_input(
            "nothing to send: give a bundle, or --queue DIR to resume a queue",
        ));
    }
    let mut trust = TrustRoots::default();
    for path in &args.ca_file {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))?;
        trust.extra_pem.push(pem);
    }
    let transport =
        HttpUploadTransport::new(&trust).map_err(|e| Failure::bad_input(e.to_string()))?;
    let (queue_dir, temporary) = match &args.queue {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!(
                "pushdoctor-upload-{}-{}",
                std::process::id(),
                now_ms()
            )),
            true,
        ),
    };
    let result = send(&args, destination, &queue_dir, &transport, stdout, stderr);
    if temporary {
        // The person's bundle is still where it was: the temporary copy goes.
        let _ = std::fs::remove_dir_all(&queue_dir);
    }
    result
}

fn send(
    args: &UploadArgs,
    destination: Option<Destination>,
    queue_dir: &Path,
    transport: &HttpUploadTransport,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    let queue_failed = |e: QueueError| match e {
        QueueError::Destination(_) | QueueError::TooLarge { .. } => {
            Failure::bad_input(e.to_string())
        }
        QueueError::Io { ref path, .. } if !path.starts_with(queue_dir) => {
            Failure::bad_input(e.to_string())
        }
        e => Failure::output_failed(format!("the upload queue: {e}")),
    };
    let (mut queue, opened) =
        UploadQueue::open(queue_dir, QueueLimits::default(), now_ms()).map_err(queue_failed)?;
    for (path, why) in &opened.damaged {
        let _ = writeln!(
            stderr,
            "pushdoctor: warning: {}: {}, left as it is",
            path.display(),
            printable(why)
        );
    }
    for entry in &opened.dropped {
        let _ = writeln!(
            stderr,
            "pushdoctor: warning: dropped {} (queued too long ago or over the caps)",
            printable(&entry.file_name)
        );
    }
    if let (Some(bundle), Some(destination)) = (&args.bundle, destination) {
        let consent =
            Consent::given_by_person(now_ms()).map_err(|e| Failure::bad_input(e.to_string()))?;
        let (_, dropped) = queue
            .enqueue(bundle, destination, consent, now_ms())
            .map_err(queue_failed)?;
        for entry in dropped {
            let _ = writeln!(
                stderr,
                "pushdoctor: warning: dropped {} to keep the queue within its caps",
                printable(&entry.file_name)
            );
        }
    }
    let policy = DeliveryPolicy {
        base_delay: Duration::from_millis(args.base_delay_ms),
        attempt_timeout: Duration::from_secs(args.attempt_timeout_s),
        ..DeliveryPolicy::default()
    };
    let deadline = Instant::now() + Duration::from_secs(args.timeout_s);
    let mut random = XorShift::from_entropy();
    let names: Vec<(String, String)> = queue
        .entries()
        .iter()
        .map(|e| (e.id.clone(), e.file_name.clone()))
        .collect();
    let name = |id: &str| {
        names
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, n)| printable(n).into_owned())
            .unwrap_or_else(|| id.to_string())
    };
    // Progress as it happens: a person watching a retry loop sees why.
    let report = run_to_deadline(run_queue(
        &mut queue,
        transport,
        &policy,
        &mut random,
        deadline,
        None,
        |event| {
            let line = match &event {
                DeliveryEvent::Sending { id, try_number } => {
                    format!("sending {} (attempt {try_number})", name(id))
                }
                DeliveryEvent::Retrying { id, after, reason } => format!(
                    "{}: {}; next attempt in {} ms",
                    name(id),
                    printable(reason),
                    after.as_millis()
                ),
                DeliveryEvent::Uploaded(_) => return,
                DeliveryEvent::Expired { id } => {
                    format!("{}: the pre-signed URL expired: sign a new one", name(id))
                }
                DeliveryEvent::Rejected { id, status, reason } => {
                    format!("{}: refused, HTTP {status} {}", name(id), printable(reason))
                }
            };
            let _ = writeln!(stderr, "pushdoctor: {line}");
        },
    ))?
    .map_err(queue_failed)?;
    let written = if args.json {
        let delivered: Vec<_> = report
            .delivered
            .iter()
            .map(|r| serde_json::json!({"bundle": name(&r.upload_id), "destination": r.destination, "bytes": r.bytes, "attempts": r.attempts, "reference": r.reference}))
            .collect();
        let value = serde_json::json!({
            "format_version": 1,
            "delivered": delivered,
            "expired": report.expired.iter().map(|id| name(id)).collect::<Vec<_>>(),
            "rejected": report.rejected.iter().map(|id| name(id)).collect::<Vec<_>>(),
            "waiting": report.waiting.iter().map(|id| name(id)).collect::<Vec<_>>(),
        });
        writeln!(stdout, "{value}")
    } else {
        let mut text = String::new();
        for r in &report.delivered {
            text.push_str(&format!(
                "uploaded {} ({} bytes, {} attempt(s)): {}\n",
                name(&r.upload_id),
                r.bytes,
                r.attempts,
                r.reference
            ));
        }
        if !report.waiting.is_empty() {
            text.push_str(&format!(
                "{} bundle(s) not delivered yet{}\n",
                report.waiting.len(),
                if args.queue.is_some() {
                    ", kept in the queue: run again with --queue to resume"
                } else {
                    ""
                }
            ));
        }
        stdout.write_all(text.as_bytes())
    };
    written.map_err(|e| Failure::output_failed(format!("standard output: {e}")))?;
    let unfinished =
        !(report.waiting.is_empty() && report.expired.is_empty() && report.rejected.is_empty());
    Ok(if unfinished {
        exit::ACTION_NEEDED
    } else {
        exit::OK
    })
}

fn destination(args: &UploadArgs) -> Result<Option<Destination>, Failure> {
    if !args.headers.is_empty() && args.post_url.is_none() {
        // A pre-signed URL's signature covers its headers: the app's
        // would be refused, or worse, ignored.
        return Err(Failure::bad_input("--header goes with --post-url only"));
    }
    let destination = match (&args.put_url, &args.post_url) {
        (Some(url), None) => Destination::Put { url: url.clone() },
        (None, Some(url)) => {
            let mut headers = Vec::new();
            for header in &args.headers {
                let (name, value) = header.split_once(':').ok_or_else(|| {
                    Failure::bad_input(format!(
                        "--header `{}`: not `Name: value`",
                        printable(header)
                    ))
                })?;
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            Destination::Post {
                url: url.clone(),
                headers,
            }
        }
        _ => return Ok(None),
    };
    destination
        .validate()
        .map_err(|e| Failure::bad_input(e.to_string()))?;
    Ok(Some(destination))
}
