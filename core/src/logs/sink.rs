//! The platform's own log, as a second home for every captured record:
//! logcat on Android, the unified log on Apple platforms, standard error
//! elsewhere. Each is behind a cargo feature (`android-sink`,
//! `apple-sink`) so that desktop builds carry no platform dependency.

use super::record::{Level, LogRecord};

pub(crate) struct PlatformSink {
    enabled: bool,
}

impl PlatformSink {
    pub(crate) fn new(enabled: bool) -> Self {
        PlatformSink { enabled }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    pub(crate) fn write(&self, record: &LogRecord) {
        if self.enabled {
            write_platform(record);
        }
    }
}

#[cfg(all(target_os = "android", feature = "android-sink"))]
fn write_platform(record: &LogRecord) {
    static LOGGER: std::sync::OnceLock<android_logger::AndroidLogger> = std::sync::OnceLock::new();
    let logger = LOGGER.get_or_init(|| {
        android_logger::AndroidLogger::new(
            android_logger::Config::default().with_max_level(log::LevelFilter::Trace),
        )
    });
    forward(logger, record);
}

#[cfg(all(target_vendor = "apple", feature = "apple-sink"))]
fn write_platform(record: &LogRecord) {
    static LOGGER: std::sync::OnceLock<oslog::OsLogger> = std::sync::OnceLock::new();
    let logger = LOGGER.get_or_init(|| oslog::OsLogger::new("com.pushdoctor"));
    forward(logger, record);
}

/// Hands a record to a platform crate's own `log` implementation, which
/// formats it the platform's way (logcat tag and priority, os_log type).
#[cfg(any(
    all(target_os = "android", feature = "android-sink"),
    all(target_vendor = "apple", feature = "apple-sink")
))]
fn forward(logger: &dyn log::Log, record: &LogRecord) {
    logger.log(
        &log::Record::builder()
            .level(to_log_level(record.level))
            .target(&record.tag)
            .args(format_args!("{}", record.message))
            .build(),
    );
}

#[cfg(not(any(
    all(target_os = "android", feature = "android-sink"),
    all(target_vendor = "apple", feature = "apple-sink")
)))]
fn write_platform(record: &LogRecord) {
    use std::io::Write;
    let mut line = String::with_capacity(64 + record.message.len());
    record.write_text(&mut line);
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

#[allow(dead_code)]
fn to_log_level(level: Level) -> log::Level {
    match level {
        Level::Error => log::Level::Error,
        Level::Warn => log::Level::Warn,
        Level::Info => log::Level::Info,
        Level::Debug => log::Level::Debug,
        Level::Trace => log::Level::Trace,
    }
}
