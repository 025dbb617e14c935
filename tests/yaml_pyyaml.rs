//! claimcheck's YAML reader against PyYAML: every document in tests/fixtures/yaml/pyyaml.json was written by
//! PyYAML's `safe_dump` (regenerate with tests/fixtures/yaml/generate.py) from the JSON value beside it; reading
//! the YAML must give that value back. The documents are the platform fixtures' trust configurations and a
//! document of scalars YAML has to quote, fold or escape, in block, flow and mixed styles.

use claimcheck::policy::yaml;
use serde_json::Value;

#[test]
fn every_pyyaml_document_reads_back_as_its_json() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/yaml/pyyaml.json"
    ))
    .unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let pairs = fixture["pairs"].as_array().unwrap();
    assert!(pairs.len() > 100, "only {} documents", pairs.len());
    let mut failures = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let source = pair["yaml"].as_str().unwrap();
        match yaml::parse(source) {
            Ok(parsed) if parsed.value == pair["json"] => {}
            Ok(parsed) => failures.push(format!(
                "document {i}: read {}\nexpected {}\n{source}",
                parsed.value, pair["json"]
            )),
            Err(e) => failures.push(format!("document {i}: {e:?}\n{source}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        pairs.len(),
        failures.join("\n\n")
    );
}
