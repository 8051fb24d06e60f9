//! The platform's own word on connectivity: connected, Airplane Mode.
//! What the active probes measured is [`super::probes`]'s.

use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource};

use super::Finding;

pub(super) fn network_connected(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NetworkConnected;
    Finding::from_field(check, "network.connected", s.network.connected, true)
}

pub(super) fn network_airplane_mode(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NetworkAirplaneMode;
    let fields = ["network.airplane_mode", "network.connected"];
    match (s.network.airplane_mode, s.network.connected) {
        (Some(false), _) => Finding::from_field(check, "network.airplane_mode", Some(false), false),
        (Some(true), Some(true)) => Finding::new(
            check,
            Pass,
            EvidenceSource::Snapshot,
            &fields,
            "Airplane Mode is on, but the device is connected (Wi-Fi stays on in Airplane Mode)",
        ),
        (Some(true), _) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &fields,
            "Airplane Mode is on and the device is not connected",
        ),
        (None, Some(true)) => Finding::new(
            check,
            NotApplicable,
            EvidenceSource::Snapshot,
            &fields,
            "the device is connected, so Airplane Mode does not matter",
        ),
        (None, _) => Finding::unknown(check, &["network.airplane_mode"]),
    }
}
