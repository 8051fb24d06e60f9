//! The public formats' documentation names every stable id the code has:
//! an id added without its documentation fails here.

use std::path::PathBuf;

use pushdoctor_core::engine::flow::{OUTCOMES, ROWS};
use pushdoctor_core::{ActionId, CheckId, ScenarioId};

fn doc(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_id_is_documented() {
    let diagnosis = doc("diagnosis.md");
    let flow = doc("flow.md");
    for check in CheckId::ALL {
        assert!(
            diagnosis.contains(&format!("`{check}`")),
            "docs/diagnosis.md lacks check {check}"
        );
    }
    for action in ActionId::ALL {
        assert!(
            diagnosis.contains(&format!("`{action}`")),
            "docs/diagnosis.md lacks action {action}"
        );
    }
    for outcome in &OUTCOMES {
        let id = outcome.id.as_str();
        assert!(
            diagnosis.contains(&format!("`{id}`")),
            "docs/diagnosis.md lacks outcome {id}"
        );
        assert!(
            flow.contains(&format!("`{id}`")),
            "docs/flow.md lacks outcome {id}"
        );
    }
    for row in &ROWS {
        assert!(
            flow.contains(&format!("`{}`", row.id)),
            "docs/flow.md lacks row {}",
            row.id
        );
    }
    for scenario in ScenarioId::ALL {
        assert!(
            flow.contains(&format!("`{scenario}`")),
            "docs/flow.md lacks scenario {scenario}"
        );
    }
}

#[test]
fn every_snapshot_key_is_documented() {
    let snapshot = doc("snapshot.md");
    let full = pushdoctor_core::DeviceSnapshot::new(pushdoctor_core::Platform::Ios);
    let value = serde_json::to_value(&full).unwrap();
    let mut missing = Vec::new();
    for (key, section) in value.as_object().unwrap() {
        match section.as_object() {
            Some(fields) if key != "extensions" => {
                for field in fields.keys() {
                    if !snapshot.contains(&format!("`{key}.{field}`")) {
                        missing.push(format!("{key}.{field}"));
                    }
                }
            }
            _ => {
                if !snapshot.contains(&format!("`{key}`")) {
                    missing.push(key.clone());
                }
            }
        }
    }
    assert!(missing.is_empty(), "docs/snapshot.md lacks {missing:?}");
}
