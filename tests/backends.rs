//! Every compiled-in backend must agree with microlp on the optimum (to
//! 1e-6 relative) and on infeasibility: Clarabel on LPs and (through the
//! relaxation, with microlp for the exact stage) MILPs, HiGHS on both.
#![cfg(any(feature = "clarabel", feature = "highs"))]

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

fn agree(a: Option<f64>, b: Option<f64>) -> Result<(), TestCaseError> {
    match (a, b) {
        (Some(a), Some(b)) => prop_assert!(
            (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
            "microlp {a} vs other {b}"
        ),
        (None, None) => {}
        (a, b) => prop_assert!(false, "microlp {a:?} vs other {b:?}"),
    }
    Ok(())
}

#[cfg(feature = "clarabel")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn clarabel_and_microlp_agree_on_lps(
        jobs in 1usize..6, regions in 1usize..4, slots in 2usize..10, caps in any::<bool>(),
        contention in 0.1f64..0.8, seed in any::<u64>(),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: 0.0,
            power_caps: caps, contention, seed,
        });
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        agree(total(&problem, Backend::Microlp)?, total(&problem, Backend::Clarabel)?)?;
    }
}

// Clarabel has no integers: with Whole jobs it solves the relaxation and
// the fixed plan, and the exact stage (when the fixed plan's gap is above
// the target) runs on microlp. The optimum is the same as microlp's.
#[cfg(feature = "clarabel")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn clarabel_solves_milps_through_the_relaxation(
        jobs in 1usize..6, regions in 2usize..4, slots in 2usize..8,
        contention in 0.1f64..0.8, seed in any::<u64>(),
    ) {
        let scenario = generate(&Params {
            jobs, regions, slots, pools_per_region: 2, whole_share: 1.0,
            power_caps: false, contention, seed,
        });
        let problem = Problem::new(&scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        agree(total(&problem, Backend::Microlp)?, total(&problem, Backend::Clarabel)?)?;
    }
}

#[cfg(feature = "highs")]
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
        agree(total(&problem, Backend::Microlp)?, total(&problem, Backend::Highs)?)?;
    }
}

/// `Auto` picks by kind and size: HiGHS whenever compiled in; otherwise
/// Clarabel for large pure LPs and microlp for MILPs and small LPs.
#[test]
fn auto_chooses_by_kind_and_size() {
    use geoshift::{ModelSize, AUTO_CLARABEL_MIN_VARIABLES};
    let size = |variables, binaries| ModelSize {
        variables,
        binaries,
        constraints: 10,
    };
    let small_lp = Backend::Auto.resolve(&size(10, 0));
    let large_lp = Backend::Auto.resolve(&size(AUTO_CLARABEL_MIN_VARIABLES, 0));
    let large_milp = Backend::Auto.resolve(&size(AUTO_CLARABEL_MIN_VARIABLES, 3));
    if cfg!(feature = "highs") {
        for b in [small_lp, large_lp, large_milp] {
            assert_eq!(b.name(), "highs");
        }
    } else {
        assert_eq!(small_lp, Backend::Microlp);
        assert_eq!(large_lp.name(), "clarabel");
        // A large MILP's LP stages (relaxation, fixed plan) run on
        // Clarabel too; its exact stage is microlp's MILP (Clarabel has
        // no integers), which `has_integers` tells the engine.
        assert_eq!(large_milp.name(), "clarabel");
        assert!(!large_milp.has_integers());
        let just_below = Backend::Auto.resolve(&size(AUTO_CLARABEL_MIN_VARIABLES - 1, 0));
        assert_eq!(just_below, Backend::Microlp);
    }
    // An explicit choice is kept.
    assert_eq!(
        Backend::Microlp.resolve(&size(1_000_000, 0)),
        Backend::Microlp
    );
}
