//! The optimum's progress hook: the stages a service can log.

use geoshift::synth::{generate, Params};
use geoshift::{Optimal, Problem, Progress, Scheduler};
use std::sync::{Arc, Mutex};

fn stages(problem: &Problem) -> Vec<Progress> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let optimal = Optimal::default().on_progress(move |p| sink.lock().unwrap().push(p.clone()));
    let _ = optimal.schedule(problem);
    let stages = seen.lock().unwrap().clone();
    stages
}

#[test]
fn a_feasible_solve_reports_the_built_model_then_the_solve() {
    let problem = Problem::new(&generate(&Params {
        jobs: 3,
        regions: 2,
        slots: 6,
        contention: 0.2,
        seed: 11,
        ..Params::default()
    }))
    .unwrap();
    assert!(Optimal::default().schedule(&problem).is_ok());
    let stages = stages(&problem);
    assert_eq!(stages.len(), 2, "{stages:?}");
    match &stages[0] {
        Progress::Built { size, backend, .. } => {
            assert_eq!(*size, Optimal::default().model_size(&problem));
            assert_ne!(backend.name(), "auto", "the hook sees the resolved backend");
        }
        other => panic!("expected Built first, got {other:?}"),
    }
    assert!(matches!(stages[1], Progress::Solved { seconds } if seconds >= 0.0));
}

#[test]
fn an_infeasible_solve_reports_the_diagnosis() {
    // Work far beyond what the fleet can do: contention 5.
    let problem = Problem::new(&generate(&Params {
        jobs: 3,
        regions: 2,
        slots: 6,
        contention: 5.0,
        seed: 11,
        ..Params::default()
    }))
    .unwrap();
    let stages = stages(&problem);
    assert!(
        matches!(
            stages.as_slice(),
            [.., Progress::Diagnosing, Progress::Diagnosed { seconds }] if *seconds >= 0.0
        ),
        "{stages:?}"
    );
}
