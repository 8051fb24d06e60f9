//! Getting a bundle to the developer (`docs/delivery.md`): the person's
//! consent, where it goes, a queue on disk that loses nothing, and the
//! upload itself.
//!
//! - [`consent`]: the person's explicit consent, never a default;
//! - [`destination`]: a pre-signed `PUT` URL or the app's `POST`
//!   endpoint, checked (https only, http to loopback);
//! - [`queue`]: the bundles waiting, on disk, each removed only once the
//!   server acknowledged it, with caps on count, bytes and age;
//! - `atomic`: files replaced whole (temporary, sync, rename);
//! - [`verdict`]: what an answer means (delivered, retry, expired,
//!   refused), pure;
//! - [`transport`]: the seam to the platform's HTTP stack;
//! - `run` (feature `probes`): the runner, which sends, waits between
//!   retries (the retry helper's full jitter and `Retry-After`) and
//!   acknowledges;
//! - `http` (feature `probes`): the reqwest transport, the default.
//!
//! The decisions (what to send, when, what an answer means) are all here,
//! so an app's own transport (iOS background `URLSession`, Android
//! `WorkManager`) only moves bytes.

mod atomic;
pub mod consent;
pub mod destination;
pub mod queue;
pub mod transport;
pub mod verdict;

#[cfg(feature = "probes")]
mod http;
#[cfg(feature = "probes")]
mod run;

pub use consent::{Consent, ConsentError};
pub use destination::{Destination, DestinationError};
pub use queue::{
    EntryState, OpenReport, QueueError, QueueLimits, QueueStats, QueuedUpload, UploadQueue,
};
pub use transport::{UploadAnswer, UploadMethod, UploadRequest, UploadTransport};
pub use verdict::{judge, Verdict};

#[cfg(feature = "probes")]
pub use http::HttpUploadTransport;
#[cfg(feature = "probes")]
pub use run::{run_queue, DeliveryEvent, DeliveryPolicy, RunReport};
