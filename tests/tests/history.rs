//! The push and Accept history: the file on disk (torn writes at every
//! byte, damaged lines, the caps, a restart, an unwritable directory),
//! scrubbing, the summary's episode rules and the automatic-bundle policy.

use std::path::{Path, PathBuf};

use pushdoctor_core::accept::event::Delivery;
use pushdoctor_core::accept::store::{parse, to_line};
use pushdoctor_core::accept::summary::EPISODE_GAP_MS;
use pushdoctor_core::accept::{
    summarize, AcceptAttempt, AppPresence, AttemptOutcome, BundlePolicy, ConnectionErrorKind,
    Decision, History, HistoryError, HistoryEvent, HistoryLimits, PolicyState, PushArrival,
    HISTORY_FILE,
};
use pushdoctor_core::logs::redact::RedactionConfig;

/// 2026-11-27T09:41:00Z.
const T0: i64 = 1_795_772_460_000;
const MINUTE: i64 = 60_000;

fn work_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("history")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn push(id: &str, received_ms: i64) -> HistoryEvent {
    HistoryEvent::Push(PushArrival {
        request_id: id.into(),
        sent_ms: Some(received_ms - 1_500),
        received_ms,
        shown_ms: Some(received_ms + 200),
        delivery: Delivery::Notification,
        presence: AppPresence::Background,
    })
}

fn attempt(id: &str, ended_ms: i64, try_number: u32, outcome: AttemptOutcome) -> HistoryEvent {
    HistoryEvent::Attempt(AcceptAttempt {
        request_id: id.into(),
        decision: Decision::Accept,
        started_ms: ended_ms - 800,
        ended_ms,
        try_number,
        outcome,
    })
}

fn ok(id: &str, ended_ms: i64) -> HistoryEvent {
    attempt(id, ended_ms, 1, AttemptOutcome::Success)
}

fn failed(id: &str, ended_ms: i64) -> HistoryEvent {
    attempt(id, ended_ms, 1, AttemptOutcome::Timeout)
}

fn open(dir: &Path, limits: HistoryLimits, now_ms: i64) -> (History, u64, u64) {
    let (history, stats) =
        History::open(Some(dir), limits, RedactionConfig::default(), now_ms).unwrap();
    (history, stats.skipped_lines, stats.torn_tail_bytes)
}

fn file_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join(HISTORY_FILE)).unwrap_or_default()
}

/// Five events of every kind of line, one a minute.
fn story() -> Vec<HistoryEvent> {
    vec![
        push("lr-1", T0),
        attempt(
            "lr-1",
            T0 + MINUTE,
            1,
            AttemptOutcome::HttpError {
                status: 503,
                server_code: Some("service_unavailable".into()),
            },
        ),
        attempt("lr-1", T0 + 2 * MINUTE, 2, AttemptOutcome::Timeout),
        attempt(
            "lr-1",
            T0 + 3 * MINUTE,
            3,
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Reset,
            },
        ),
        attempt("lr-1", T0 + 4 * MINUTE, 4, AttemptOutcome::Success),
    ]
}

#[test]
fn every_kind_of_event_reads_back_as_it_was_written() {
    for event in story() {
        let line = to_line(&event);
        let (read, stats) = parse(&line);
        assert_eq!(
            (read, stats.skipped_lines),
            (vec![event.clone()], 0),
            "{}",
            String::from_utf8_lossy(&line)
        );
    }
}

#[test]
fn a_writer_killed_at_any_byte_of_the_last_line_loses_that_line_only() {
    let events = story();
    let whole: Vec<Vec<u8>> = events.iter().map(to_line).collect();
    let last = whole.last().unwrap();
    let head: Vec<u8> = whole[..whole.len() - 1].concat();
    let dir = work_dir("torn");
    let later = push("lr-2", T0 + 10 * MINUTE);
    for offset in 0..=last.len() {
        let _ = std::fs::remove_file(dir.join(HISTORY_FILE));
        let mut bytes = head.clone();
        bytes.extend_from_slice(&last[..offset]);
        std::fs::write(dir.join(HISTORY_FILE), &bytes).unwrap();

        let (history, skipped, torn) = open(&dir, HistoryLimits::default(), T0 + 10 * MINUTE);
        let complete = offset == last.len();
        let expected = if complete {
            &events[..]
        } else {
            &events[..events.len() - 1]
        };
        assert_eq!(
            history.events(T0 + 10 * MINUTE),
            expected,
            "offset {offset}"
        );
        assert_eq!(
            skipped, 0,
            "offset {offset}: a torn tail is not a damaged line"
        );
        let partial = offset > 0 && !complete;
        assert_eq!(torn > 0, partial, "offset {offset}");
        let on_disk = file_bytes(&dir);
        assert!(
            on_disk.ends_with(b"\n"),
            "offset {offset}: the file ends on a whole line"
        );

        history.record(later.clone()).unwrap();
        history.flush(T0 + 10 * MINUTE).unwrap();
        drop(history);
        let (events_after, stats) = parse(&file_bytes(&dir));
        assert_eq!(
            (stats.skipped_lines, stats.torn_tail_bytes),
            (0, 0),
            "offset {offset}: nothing glued to the cut line"
        );
        let mut want = expected.to_vec();
        want.push(later.clone());
        assert_eq!(events_after, want, "offset {offset}");
    }
}

#[test]
fn a_damaged_line_in_the_middle_is_skipped_and_counted_and_its_neighbours_kept() {
    let events = story();
    let dir = work_dir("damaged");
    let mut lines: Vec<Vec<u8>> = events.iter().map(to_line).collect();
    // A flipped bit in line 3, and a line of a version from the future.
    lines[2] = lines[2]
        .iter()
        .map(|&b| if b == b':' { b';' } else { b })
        .collect();
    let mut future = String::from_utf8(to_line(&events[3])).unwrap();
    future = future.replacen("\"v\":1", "\"v\":3", 1);
    lines[3] = future.into_bytes();
    std::fs::write(dir.join(HISTORY_FILE), lines.concat()).unwrap();

    let (history, stats) = History::open(
        Some(&dir),
        HistoryLimits::default(),
        RedactionConfig::default(),
        T0 + 10 * MINUTE,
    )
    .unwrap();
    assert_eq!(stats.skipped_lines, 2);
    assert_eq!(stats.first_problem.as_ref().map(|p| p.0), Some(3));
    let kept = history.events(T0 + 10 * MINUTE);
    assert_eq!(
        kept,
        vec![events[0].clone(), events[1].clone(), events[4].clone()]
    );
    drop(history);
    let (reopened, skipped, _) = open(&dir, HistoryLimits::default(), T0 + 10 * MINUTE);
    assert_eq!(reopened.events(T0 + 10 * MINUTE), kept);
    assert_eq!(skipped, 0, "the damaged lines were compacted away");
}

#[test]
fn the_count_cap_lets_the_oldest_go_and_compaction_keeps_the_file_bounded() {
    let dir = work_dir("cap-count");
    let limits = HistoryLimits {
        max_events: 10,
        ..HistoryLimits::default()
    };
    let (history, _, _) = open(&dir, limits, T0);
    let all: Vec<HistoryEvent> = (0..25).map(|i| push(&format!("lr-{i}"), T0 + i)).collect();
    for event in &all {
        history.record(event.clone()).unwrap();
        history.flush(T0 + 25).unwrap();
        let lines = file_bytes(&dir).iter().filter(|&&b| b == b'\n').count();
        assert!(lines <= 20, "the file holds at most twice the cap: {lines}");
    }
    let newest = all[15..].to_vec();
    assert_eq!(history.events(T0 + 25), newest);
    // Compaction happened: 25 lines were appended, the file holds fewer.
    let lines = file_bytes(&dir).iter().filter(|&&b| b == b'\n').count();
    assert!((10..25).contains(&lines), "{lines}");
    drop(history);
    let (reopened, _, _) = open(&dir, limits, T0 + 25);
    assert_eq!(reopened.events(T0 + 25), newest);
    let (on_disk, _) = parse(&file_bytes(&dir));
    assert_eq!(
        on_disk, newest,
        "reopening rewrote the file to the kept events"
    );
}

#[test]
fn the_age_cap_lets_old_events_go_at_open_and_at_flush() {
    let dir = work_dir("cap-age");
    let limits = HistoryLimits {
        max_age_ms: 60 * MINUTE,
        ..HistoryLimits::default()
    };
    let (history, _, _) = open(&dir, limits, T0);
    let events = [
        push("lr-old", T0 - 120 * MINUTE),
        push("lr-older", T0 - 90 * MINUTE),
        push("lr-recent", T0 - 30 * MINUTE),
        push("lr-now", T0 - MINUTE),
    ];
    for event in &events {
        history.record(event.clone()).unwrap();
    }
    assert_eq!(history.events(T0), events[2..].to_vec());
    drop(history);
    let (reopened, _, _) = open(&dir, limits, T0 + 45 * MINUTE);
    assert_eq!(reopened.events(T0 + 45 * MINUTE), vec![events[3].clone()]);
    let (on_disk, _) = parse(&file_bytes(&dir));
    assert_eq!(on_disk, vec![events[3].clone()]);
}

#[test]
fn a_restart_reads_the_same_events_in_time_order() {
    let dir = work_dir("restart");
    let (history, _, _) = open(&dir, HistoryLimits::default(), T0);
    for event in story() {
        history.record(event).unwrap();
    }
    history.flush(T0 + 5 * MINUTE).unwrap();
    let before = history.events(T0 + 5 * MINUTE);
    drop(history);
    let (after, skipped, torn) = open(&dir, HistoryLimits::default(), T0 + 6 * MINUTE);
    assert_eq!((skipped, torn), (0, 0));
    assert_eq!(after.events(T0 + 6 * MINUTE), before);
    assert_eq!(before, story());
}

#[test]
fn events_recorded_out_of_time_order_are_kept_in_time_order() {
    let dir = work_dir("order");
    let (history, _, _) = open(&dir, HistoryLimits::default(), T0);
    let (a, b, c, d) = (
        push("lr-a", T0),
        push("lr-b", T0 + MINUTE),
        push("lr-c", T0 + 2 * MINUTE),
        push("lr-d", T0 + 3 * MINUTE),
    );
    history.record(c.clone()).unwrap();
    history.record(a.clone()).unwrap();
    history.flush(T0 + 5 * MINUTE).unwrap();
    history.record(d.clone()).unwrap();
    history.record(b.clone()).unwrap();
    let want = vec![a, b, c, d];
    assert_eq!(history.events(T0 + 5 * MINUTE), want);
    drop(history);
    let (reopened, _, _) = open(&dir, HistoryLimits::default(), T0 + 5 * MINUTE);
    assert_eq!(reopened.events(T0 + 5 * MINUTE), want);
}

#[test]
fn request_ids_and_server_codes_are_stored_scrubbed() {
    let dir = work_dir("scrub");
    let (history, _, _) = open(&dir, HistoryLimits::default(), T0);
    let email = "jane.doe@example.com";
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    history.record(push(email, T0)).unwrap();
    history
        .record(attempt(
            email,
            T0 + MINUTE,
            1,
            AttemptOutcome::HttpError {
                status: 401,
                server_code: Some(format!("invalid_token {jwt}")),
            },
        ))
        .unwrap();
    history.flush(T0 + MINUTE).unwrap();
    let kept = history.events(T0 + MINUTE);
    assert_eq!(kept.len(), 2);
    for event in &kept {
        assert!(!event.request_id().contains(email), "{event:?}");
    }
    let HistoryEvent::Attempt(a) = &kept[1] else {
        panic!("an attempt")
    };
    let AttemptOutcome::HttpError {
        status: 401,
        server_code: Some(code),
    } = &a.outcome
    else {
        panic!("{:?}", a.outcome)
    };
    assert!(
        code.starts_with("invalid_token ") && !code.contains(jwt),
        "{code}"
    );
    let counts = history.redaction_counts();
    assert!(counts.total() >= 3, "{counts:?}");
    let on_disk = String::from_utf8(file_bytes(&dir)).unwrap();
    assert!(
        !on_disk.contains(email) && !on_disk.contains("jane.doe"),
        "{on_disk}"
    );
    assert!(!on_disk.contains(jwt), "{on_disk}");
    assert_eq!(on_disk.lines().count(), 2);
}

/// Whether this process can create a file in a read-only directory (it
/// can as root, which file permissions do not stop).
fn permissions_bind_us(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let bound = std::fs::write(&probe, b"").is_err();
    let _ = std::fs::remove_file(&probe);
    bound
}

/// A flush that cannot write keeps its events readable and reports the
/// file; once the file can be written again, they are written once.
fn unwritable_then_writable(dir: &Path, block: impl Fn(), unblock: impl Fn()) {
    let (history, _, _) = open(dir, HistoryLimits::default(), T0);
    block();
    let events = story();
    for event in &events[..3] {
        history.record(event.clone()).unwrap();
    }
    match history.flush(T0 + 5 * MINUTE) {
        Err(HistoryError::Io { path, .. }) => {
            assert_eq!(path, dir.join(HISTORY_FILE));
        }
        other => panic!("expected an Io error naming the file, got {other:?}"),
    }
    assert!(history.last_error().is_some());
    assert_eq!(history.events(T0 + 5 * MINUTE), events[..3].to_vec());
    // Still blocked: the next flush fails again and loses nothing.
    history.record(events[3].clone()).unwrap();
    assert!(history.flush(T0 + 5 * MINUTE).is_err());
    unblock();
    history.record(events[4].clone()).unwrap();
    history.flush(T0 + 5 * MINUTE).unwrap();
    assert_eq!(history.last_error(), None);
    let (on_disk, stats) = parse(&file_bytes(dir));
    assert_eq!(stats.skipped_lines, 0);
    assert_eq!(on_disk, events, "every event written exactly once");
    history.flush(T0 + 6 * MINUTE).unwrap();
    assert_eq!(parse(&file_bytes(dir)).0, events, "and not again");
}

/// A history file with a damaged line and a torn tail, opened while its
/// directory cannot be written: the events are read all the same, and the
/// file is repaired by the first write that succeeds.
fn opened_read_only_then_repaired(dir: &Path, block: impl Fn(), unblock: impl Fn()) {
    let events = story();
    let mut bytes = [to_line(&events[0]), to_line(&events[1])].concat();
    bytes.extend_from_slice(b"{\"v\":1,\"kind\":\"push\",\"request_id\n");
    bytes.extend_from_slice(&to_line(&events[2]));
    bytes.extend_from_slice(b"{\"v\":1,\"ki");
    std::fs::write(dir.join(HISTORY_FILE), &bytes).unwrap();
    block();
    let (history, stats) = History::open(
        Some(dir),
        HistoryLimits::default(),
        RedactionConfig::default(),
        T0 + 10 * MINUTE,
    )
    .expect("a file that can be read opens, repaired or not");
    assert_eq!((stats.skipped_lines, stats.torn_tail_bytes), (1, 10));
    assert!(stats.repair_error.is_some(), "{stats:?}");
    assert_eq!(history.events(T0 + 10 * MINUTE), events[..3].to_vec());
    history.record(events[3].clone()).unwrap();
    assert!(history.flush(T0 + 10 * MINUTE).is_err());
    unblock();
    history.record(events[4].clone()).unwrap();
    history.flush(T0 + 10 * MINUTE).unwrap();
    let (on_disk, stats) = parse(&file_bytes(dir));
    assert_eq!((stats.skipped_lines, stats.torn_tail_bytes), (0, 0));
    assert_eq!(on_disk, events, "repaired, every event once");
}

#[test]
fn a_history_path_that_cannot_be_written_keeps_the_events_and_writes_them_once_later() {
    // Something in the way of the file (works whoever runs the test).
    let dir = work_dir("unwritable-blocked");
    let file = dir.join(HISTORY_FILE);
    unwritable_then_writable(
        &dir,
        || std::fs::create_dir(&file).unwrap(),
        || std::fs::remove_dir(&file).unwrap(),
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_history_directory_keeps_the_events_and_writes_them_once_later() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    let dir = work_dir("unwritable-read-only");
    let set = |mode| std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
    set(0o555);
    let bound = permissions_bind_us(&dir);
    set(0o755);
    if bound {
        unwritable_then_writable(&dir, || set(0o555), || set(0o755));
        let dir = work_dir("unwritable-read-only-repair");
        let set =
            |mode| std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        opened_read_only_then_repaired(&dir, || set(0o555), || set(0o755));
        return;
    }
    // Root ignores a directory's mode, not a read-only mount.
    let Some(_mounted) = pushdoctor_tests::mount_tmpfs(&dir, "1m", "a read-only history directory")
    else {
        return;
    };
    let remount = |mode: &str| {
        let done = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(done, "remount {mode}");
    };
    unwritable_then_writable(&dir, || remount("ro"), || remount("rw"));
    let _ = std::fs::remove_file(dir.join(HISTORY_FILE));
    opened_read_only_then_repaired(&dir, || remount("ro"), || remount("rw"));
}

// ---- the summary ---------------------------------------------------------

#[test]
fn failures_then_a_success_is_a_retry_that_worked() {
    let events = vec![
        push("lr-1", T0),
        failed("lr-1", T0 + MINUTE),
        failed("lr-1", T0 + 2 * MINUTE),
        ok("lr-1", T0 + 3 * MINUTE),
    ];
    let s = summarize(&events);
    assert_eq!(s.accept_responded, Some(false));
    assert_eq!(s.retry_count, Some(2));
    assert_eq!(s.retry_succeeded, Some(true));
    assert_eq!(s.failures_in_a_row, 0);
    assert_eq!(s.mfa_completed, Some(true));
    assert_eq!((s.events, s.requests), (4, 1));
}

#[test]
fn a_success_alone_is_accept_responding() {
    let s = summarize(&[push("lr-1", T0), ok("lr-1", T0 + MINUTE)]);
    assert_eq!(s.accept_responded, Some(true));
    assert_eq!(s.retry_count, Some(0));
    assert_eq!(s.retry_succeeded, None);
    assert_eq!(s.push_received, Some(true));
    assert_eq!(s.accept_tapped, Some(true));
}

#[test]
fn a_failure_after_an_old_success_starts_its_own_episode() {
    let s = summarize(&[
        ok("lr-1", T0),
        failed("lr-2", T0 + 2 * MINUTE),
        failed("lr-2", T0 + 3 * MINUTE),
    ]);
    assert_eq!(
        s.accept_responded,
        Some(false),
        "the success is not part of it"
    );
    assert_eq!(s.retry_count, Some(1));
    assert_eq!(s.retry_succeeded, Some(false));
    assert_eq!(s.failures_in_a_row, 2);
    assert_eq!(s.silent_failures_in_a_row, 2);
    assert_eq!(s.mfa_completed, Some(false));
}

#[test]
fn a_gap_over_the_episode_gap_starts_a_new_episode() {
    let first = failed("lr-1", T0);
    // Attempts last 800 ms: the gap is from one's end to the next's start.
    let within = failed("lr-1", T0 + EPISODE_GAP_MS + 800);
    let beyond = failed("lr-1", T0 + EPISODE_GAP_MS + 801);
    assert_eq!(summarize(&[first.clone(), within]).retry_count, Some(1));
    let s = summarize(&[first, beyond]);
    assert_eq!(s.retry_count, Some(0), "the old failure is another episode");
    assert_eq!(s.failures_in_a_row, 2, "but still a failure in a row");
}

#[test]
fn latency_stats_are_median_p90_and_worst_by_nearest_rank() {
    // Pushes delayed 100, 200, …, 1000 ms (sent to shown), in shuffled order.
    let delays = [700, 100, 1000, 300, 500, 200, 900, 400, 800, 600];
    let events: Vec<HistoryEvent> = delays
        .iter()
        .enumerate()
        .map(|(i, &delay)| {
            let received = T0 + i as i64 * MINUTE;
            HistoryEvent::Push(PushArrival {
                request_id: format!("lr-{i}"),
                sent_ms: Some(received - delay),
                received_ms: received,
                shown_ms: None,
                delivery: Delivery::Data,
                presence: AppPresence::Foreground,
            })
        })
        .collect();
    let stats = summarize(&events).push_latency.unwrap();
    assert_eq!(
        (stats.count, stats.median_ms, stats.p90_ms, stats.worst_ms),
        (10, 500, 900, 1000)
    );
    let accept = summarize(&[ok("a", T0), failed("b", T0 + MINUTE)])
        .accept_latency
        .unwrap();
    assert_eq!(
        (accept.count, accept.median_ms, accept.worst_ms),
        (2, 800, 800)
    );
}

// ---- the automatic-bundle policy ----------------------------------------

fn outcome_of(event: &HistoryEvent) -> &AcceptAttempt {
    match event {
        HistoryEvent::Attempt(a) => a,
        HistoryEvent::Push(_) | HistoryEvent::Upload(_) => panic!("an attempt"),
    }
}

/// Feeds failures (or successes) at these minutes; the minutes at which
/// a bundle was asked for.
fn triggers(state: &mut PolicyState, at: &[(i64, bool)]) -> Vec<i64> {
    at.iter()
        .filter_map(|&(minute, success)| {
            let event = if success {
                ok("lr", T0 + minute * MINUTE)
            } else {
                failed("lr", T0 + minute * MINUTE)
            };
            state.observe(outcome_of(&event)).map(|_| minute)
        })
        .collect()
}

const F: bool = false;
const S: bool = true;

#[test]
fn three_failures_in_the_window_make_exactly_one_bundle() {
    let mut state = PolicyState::new(BundlePolicy::default());
    assert_eq!(triggers(&mut state, &[(0, F), (1, F)]), Vec::<i64>::new());
    let mut state = PolicyState::new(BundlePolicy::default());
    let made = triggers(&mut state, &[(0, F), (1, F), (2, F), (3, F), (4, F)]);
    assert_eq!(
        made,
        vec![2],
        "the fourth and fifth are inside the cool-down"
    );
}

#[test]
fn failures_spread_beyond_the_window_make_none() {
    let mut state = PolicyState::new(BundlePolicy::default());
    assert!(triggers(&mut state, &[(0, F), (6, F), (12, F), (18, F)]).is_empty());
}

#[test]
fn a_new_episode_after_the_cool_down_makes_another() {
    let mut state = PolicyState::new(BundlePolicy::default());
    let made = triggers(
        &mut state,
        // The cool-down runs to minute 62: 30 and 61 are inside it.
        &[
            (0, F),
            (1, F),
            (2, F),
            (30, F),
            (61, F),
            (62, F),
            (63, F),
            (64, F),
        ],
    );
    assert_eq!(made, vec![2, 64]);
}

#[test]
fn a_success_resets_the_count() {
    let mut state = PolicyState::new(BundlePolicy::default());
    assert!(triggers(&mut state, &[(0, F), (1, F), (2, S), (3, F), (4, F)]).is_empty());
    assert_eq!(triggers(&mut state, &[(5, F)]), vec![5]);
}

#[test]
fn bundles_per_day_are_capped() {
    let policy = BundlePolicy {
        cooldown_ms: 0,
        max_per_day: 2,
        ..BundlePolicy::default()
    };
    let mut state = PolicyState::new(policy);
    let day: Vec<(i64, bool)> = (0..12)
        .map(|i| (i * 60, F))
        .flat_map(|(m, f)| [(m, f), (m + 1, f), (m + 2, f)])
        .collect();
    assert_eq!(triggers(&mut state, &day), vec![2, 62]);
    // A day after the first, one more is allowed.
    assert_eq!(
        triggers(
            &mut state,
            &[(24 * 60 + 3, F), (24 * 60 + 4, F), (24 * 60 + 5, F)]
        ),
        vec![24 * 60 + 5]
    );
}

#[test]
fn a_replay_after_a_restart_does_not_bundle_the_same_episode_again() {
    let policy = BundlePolicy::default();
    let history = vec![
        push("lr", T0),
        failed("lr", T0 + MINUTE),
        failed("lr", T0 + 2 * MINUTE),
        failed("lr", T0 + 3 * MINUTE),
    ];
    let mut state = PolicyState::replay(policy, &history);
    assert_eq!(
        triggers(&mut state, &[(4, F), (5, F), (6, F)]),
        Vec::<i64>::new()
    );

    // Halfway through an episode, the failures before the restart count.
    let mut state = PolicyState::replay(policy, &history[..3]);
    assert_eq!(triggers(&mut state, &[(3, F)]), vec![3]);
}

// ---- in bundles ----------------------------------------------------------

fn bundle_with_history(
    dir: &Path,
    events: &[HistoryEvent],
    max_bytes: u64,
) -> pushdoctor_core::bundle::BundleSummary {
    use pushdoctor_core::bundle::{BundleOptions, BundleWriter};
    let output = dir.join("bundle.zip");
    let mut writer = BundleWriter::create(
        &output,
        BundleOptions {
            max_bytes,
            ..BundleOptions::default()
        },
    )
    .unwrap();
    writer.add_history(events);
    writer.finish().unwrap()
}

#[test]
fn a_bundle_carries_the_history_scrubbed_again_and_described_in_its_manifest() {
    use pushdoctor_core::bundle::inspect::Bundle;
    let dir = work_dir("bundle-history");
    let mut events = story();
    // A history scrubbed under other settings (or not at all) is scrubbed
    // by the bundle's own redactor.
    events.push(push("jane.doe@example.com", T0 + 5 * MINUTE));
    events.push(failed("jane.doe@example.com", T0 + 6 * MINUTE));
    let summary = bundle_with_history(&dir, &events, 5 * 1024 * 1024);
    let history = summary.manifest.history.clone().expect("a history object");
    assert_eq!(history.events, 7);
    assert_eq!(history.requests, 2);
    assert_eq!(history.failures_in_a_row, 1);
    assert_eq!(history.dropped_for_size, 0);
    assert_eq!(history.first.as_deref(), Some("2026-11-27T09:41:00.000Z"));
    assert_eq!(history.last.as_deref(), Some("2026-11-27T09:47:00.000Z"));
    assert_eq!(
        summary.manifest.redaction.counts.0.get("email"),
        Some(&2),
        "{:?}",
        summary.manifest.redaction
    );

    let entry = pushdoctor_tests::bundle_entry(&summary.path, HISTORY_FILE);
    assert!(!entry.contains("jane.doe"), "{entry}");
    assert_eq!(entry.lines().count(), 7);
    let bundle = Bundle::open(&summary.path).unwrap();
    let (read, stats) = bundle.history().unwrap().unwrap();
    assert_eq!(stats.skipped_lines, 0);
    assert_eq!(read[..5], story()[..], "the same line format as the file");
    let report = bundle.verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(report.checked.iter().any(|n| n == HISTORY_FILE));
    let shown = bundle.show(10).unwrap();
    assert!(shown.contains("Push and Accept history"), "{shown}");
    assert!(shown.contains("Failures in a row: 1"), "{shown}");
}

#[test]
fn a_damaged_history_line_in_a_bundle_is_a_problem_for_verify() {
    use pushdoctor_core::bundle::inspect::Bundle;
    use pushdoctor_tests::zipcraft::ZipCraft;
    let dir = work_dir("bundle-history-damaged");
    let summary = bundle_with_history(&dir, &story(), 5 * 1024 * 1024);
    let mut craft = ZipCraft::from_zip(&summary.path);
    let text = String::from_utf8(craft.content(HISTORY_FILE)).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"v\":1,\"kind\":\"attempt\",\"request_id\":";
    let damaged = format!("{}\n", lines.join("\n"));
    // The checksums follow the new content: only the line is wrong.
    craft.set_content(HISTORY_FILE, damaged.as_bytes());
    let path = dir.join("damaged.zip");
    craft.write(&path);
    let bundle = Bundle::open(&path).unwrap();
    let report = bundle.verify();
    assert!(
        report.problems.iter().any(|p| p.contains(HISTORY_FILE)
            && p.contains("1 line(s) cannot be read")
            && p.contains("line 2")),
        "{:?}",
        report.problems
    );
    let (read, stats) = bundle.history().unwrap().unwrap();
    assert_eq!((read.len(), stats.skipped_lines), (4, 1));
}

#[test]
fn a_history_too_large_for_the_cap_keeps_its_newest_lines() {
    use pushdoctor_core::bundle::inspect::Bundle;
    use pushdoctor_core::bundle::MIN_MAX_BYTES;
    let dir = work_dir("bundle-history-cap");
    // Request ids that do not compress: 4,000 lines are far over 64 KiB.
    let events: Vec<HistoryEvent> = (0..4_000u64)
        .map(|i| {
            let id = format!("lr-{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            push(&id, T0 + i as i64 * 1_000)
        })
        .collect();
    let summary = bundle_with_history(&dir, &events, MIN_MAX_BYTES);
    assert!(summary.bytes <= MIN_MAX_BYTES, "{}", summary.bytes);
    let history = summary.manifest.history.clone().unwrap();
    assert!(
        history.dropped_for_size > 0 && history.events > 0,
        "{history:?}"
    );
    assert_eq!(history.events + history.dropped_for_size, 4_000);
    let bundle = Bundle::open(&summary.path).unwrap();
    let (read, _) = bundle.history().unwrap().unwrap();
    let kept = history.events as usize;
    assert_eq!(read, events[4_000 - kept..], "the newest lines, whole");
    assert!(bundle.verify().is_ok(), "{:?}", bundle.verify().problems);
    let shown = bundle.show(5).unwrap();
    assert!(shown.contains("older events left out"), "{shown}");
}

// ---- uploads (docs/delivery.md) ------------------------------------------

/// An upload is a line of version 2; pushes and attempts stay version 1,
/// byte for byte what older builds wrote, so an older reader still reads
/// them and skips only the upload (a version it does not know). Uploads
/// leave the push and Accept summary alone.
#[test]
fn an_upload_is_a_version_2_line_beside_version_1_lines() {
    use pushdoctor_core::accept::UploadRecord;
    let upload = HistoryEvent::Upload(UploadRecord {
        upload_id: "1800000000000-0000abcd".into(),
        destination: "put".into(),
        queued_ms: T0,
        ended_ms: T0 + MINUTE,
        attempts: 2,
        bytes: 1234,
        reference: "reports/incident-42.zip".into(),
    });
    let line = String::from_utf8(to_line(&upload)).unwrap();
    assert!(line.starts_with("{\"v\":2,\"kind\":\"upload\","), "{line}");
    let push = String::from_utf8(to_line(&story()[0])).unwrap();
    assert!(push.starts_with("{\"v\":1,\"kind\":\"push\","), "{push}");

    let mut file = story().iter().map(to_line).collect::<Vec<_>>().concat();
    file.extend_from_slice(line.as_bytes());
    let (events, stats) = parse(&file);
    assert_eq!(stats.skipped_lines, 0);
    assert!(events.contains(&upload));
    let without: Vec<HistoryEvent> = events.iter().filter(|e| e.is_request()).cloned().collect();
    assert_eq!(summarize(&events), summarize(&without));

    // What a reader of version 1 only sees: the upload skipped and counted.
    let v1_reader_view: Vec<&str> = std::str::from_utf8(&file)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("{\"v\":1,"))
        .collect();
    assert_eq!(v1_reader_view.len(), story().len());

    // Damaged uploads are refused like damaged attempts.
    let backwards = line.replace(&format!("\"ended_ms\":{}", T0 + MINUTE), "\"ended_ms\":0");
    let (events, stats) = parse(backwards.as_bytes());
    assert!(events.is_empty());
    assert_eq!(stats.skipped_lines, 1);
}
