//! Rewrites every shipped scenario under `scenarios/` from the bundled data:
//! `cargo run --example build_scenarios`. The scenarios are defined in
//! `examples/shipped/mod.rs`; `tests/shipped_scenarios.rs` fails when a file
//! differs from what this writes.

#[path = "shipped/mod.rs"]
mod shipped;

use geoshift::data::DataSet;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::bundled()?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::create_dir_all(&dir)?;
    for (file, build) in shipped::all() {
        let scenario = build(&data)?;
        let path = dir.join(file);
        // Whole or not at all: a temporary file beside it, then renamed.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, scenario.to_json() + "\n")?;
        std::fs::rename(&tmp, &path)?;
        println!(
            "wrote {} ({} regions, {} pools, {} links, {} jobs, {} slots)",
            path.display(),
            scenario.regions.len(),
            scenario.pools.len(),
            scenario.links.len(),
            scenario.jobs.len(),
            scenario.horizon.slots
        );
    }
    Ok(())
}
