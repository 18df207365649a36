//! With the `highs` feature: HiGHS and the default pure-Rust solver must
//! agree on the optimum (to 1e-6 relative) and on infeasibility.
#![cfg(feature = "highs")]

use geoshift::synth::{generate, Params};
use geoshift::{evaluate, Backend, Error, Optimal, Problem, Scheduler};
use proptest::prelude::*;

fn total(problem: &Problem, backend: Backend) -> Result<Option<f64>, TestCaseError> {
    let s = Optimal::new(backend);
    match s.schedule(problem) {
        Ok(schedule) => evaluate(problem, s.name(), &schedule)
            .map(|r| Some(r.total_usd))
            .map_err(|v| TestCaseError::fail(format!("{}: {v}", backend.name()))),
        Err(Error::Infeasible(_)) => Ok(None),
        Err(e) => Err(TestCaseError::fail(format!("{}: {e}", backend.name()))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn highs_and_microlp_agree(
        jobs in 1usize..6, regions in 1usize..4, slots in 2usize..10,
        whole in prop_oneof![Just(0.0), Just(0.5)], caps in any::<bool>(),
        contention in 0.1f64..0.8, seed in any::<u64>(),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: whole,
            power_caps: caps, contention, seed,
        });
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let a = total(&problem, Backend::Microlp)?;
        let b = total(&problem, Backend::Highs)?;
        match (a, b) {
            (Some(a), Some(b)) => prop_assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
                "microlp {a} vs highs {b}"
            ),
            (None, None) => {}
            (a, b) => prop_assert!(false, "microlp {a:?} vs highs {b:?}"),
        }
    }
}
