//! What the bindings' test binaries share.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// A waker that unparks the calling thread.
fn this_thread_waker() -> Waker {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    Waker::from(Arc::new(Unpark(std::thread::current())))
}

/// A minimal executor that is not tokio, like a foreign caller's.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = this_thread_waker();
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
        std::thread::park();
    }
}

/// Polls `future` until `stop` holds, then drops it: a Kotlin coroutine
/// cancelled in the middle. Fails the test when `stop` never holds.
#[allow(dead_code)] // only the cancellation tests stop early
pub fn poll_until<F: Future>(future: F, stop: impl Fn() -> bool) -> Option<F::Output> {
    let waker = this_thread_waker();
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    let started = Instant::now();
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return Some(out);
        }
        if stop() {
            return None;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never stopped"
        );
        std::thread::park_timeout(Duration::from_millis(10));
    }
}

/// The records of a bundle with `tag`, as the tools read them back from
/// its `logs.txt`.
#[allow(dead_code)] // not every test binary reads records
pub fn bundle_records(path: &str, tag: &str) -> Vec<pushdoctor_core::logs::LogRecord> {
    use pushdoctor_core::bundle::inspect::{Bundle, ReadLimits};
    let mut records = Vec::new();
    let read = Bundle::open(std::path::Path::new(path))
        .unwrap()
        .records_with(&ReadLimits::default(), |r| {
            if r.tag == tag {
                records.push(r);
            }
        })
        .unwrap();
    assert_eq!(read.unreadable, 0, "{read:?}");
    records
}

use pushdoctor_ffi::agent::AgentConfig;
use pushdoctor_ffi::ids::{Platform, SettingsTarget};
use pushdoctor_ffi::platform::{
    DeviceFacts, FocusFacts, NetworkFacts, NotificationFacts, PlatformError, PlatformProbe,
    PowerFacts,
};

/// A phone that knows nothing: for tests about logs, the history or the
/// retry helper, which ask the platform nothing.
#[allow(dead_code)] // not every test binary needs it
pub struct Silent;

#[async_trait::async_trait]
impl PlatformProbe for Silent {
    async fn network(&self) -> Result<NetworkFacts, PlatformError> {
        Ok(NetworkFacts::default())
    }
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError> {
        Ok(NotificationFacts::default())
    }
    async fn focus(&self) -> Result<FocusFacts, PlatformError> {
        Ok(FocusFacts::default())
    }
    async fn power(&self) -> Result<PowerFacts, PlatformError> {
        Ok(PowerFacts::default())
    }
    async fn device(&self) -> Result<DeviceFacts, PlatformError> {
        Ok(DeviceFacts::default())
    }
    fn open_settings(&self, _: SettingsTarget) -> Result<bool, PlatformError> {
        Ok(false)
    }
}

/// A phone on which every setting the flow checks is fine.
#[allow(dead_code)] // not every test binary needs it
pub struct Healthy;

#[async_trait::async_trait]
impl PlatformProbe for Healthy {
    async fn network(&self) -> Result<NetworkFacts, PlatformError> {
        Ok(NetworkFacts {
            connected: Some(true),
            airplane_mode: Some(false),
            ..NetworkFacts::default()
        })
    }
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError> {
        Ok(NotificationFacts {
            enabled: Some(true),
            ..NotificationFacts::default()
        })
    }
    async fn focus(&self) -> Result<FocusFacts, PlatformError> {
        Ok(FocusFacts {
            active: Some(false),
            app_allowed: None,
        })
    }
    async fn power(&self) -> Result<PowerFacts, PlatformError> {
        Ok(PowerFacts {
            battery_saver: Some(false),
            ..PowerFacts::default()
        })
    }
    async fn device(&self) -> Result<DeviceFacts, PlatformError> {
        Ok(DeviceFacts {
            model: Some("Pixel 8".into()),
            ..DeviceFacts::default()
        })
    }
    fn open_settings(&self, _: SettingsTarget) -> Result<bool, PlatformError> {
        Ok(false)
    }
}

/// An agent's configuration with every optional setting left to its
/// default, logs in memory, nothing echoed to the platform's log.
#[allow(dead_code)] // not every test binary needs it
pub fn quiet_config(platform: Platform) -> AgentConfig {
    AgentConfig {
        platform,
        log_directory: None,
        max_log_bytes: None,
        callback_timeout_ms: None,
        echo_to_platform_log: Some(false),
        min_log_level: None,
        network: None,
        history: None,
        auto_bundle: None,
    }
}
