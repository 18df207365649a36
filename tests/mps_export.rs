//! `Optimal::write_mps` writes the model the optimum solves: parsed back
//! by a small free-MPS reader here and solved by microlp through good_lp
//! (independently of the engine's stages), it has the optimum the crate
//! finds, and the size the crate reports.

use geoshift::data::{year_long_asia_2022, DataSet};
use geoshift::synth::{generate, Params};
use geoshift::{evaluate, Error, ExportError, Optimal, Problem, Scenario};
use good_lp::{constraint, variable, Expression, ProblemVariables, Solution, SolverModel};
use proptest::prelude::*;
use std::collections::HashMap;

const CARBON_CSV: &str = include_str!("../data/carbon_intensity_hourly_2022_asia_eurosys24.csv");

/// One row of a model read back: its sense (`L`, `E`, `G`), right-hand side
/// and `(column, coefficient)` entries.
type Row = (char, f64, Vec<(usize, f64)>);

/// A model read back from free MPS.
#[derive(Debug, Default)]
struct Mps {
    cost: Vec<f64>,
    upper: Vec<f64>,
    integer: Vec<bool>,
    rows: Vec<Row>,
    nonzeros: usize,
}

fn parse(text: &str) -> Mps {
    let mut m = Mps::default();
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    let mut col_of: HashMap<&str, usize> = HashMap::new();
    let (mut section, mut integer, mut obj) = ("", false, "");
    for line in text.lines() {
        if line.starts_with('*') || line.trim().is_empty() {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        if !line.starts_with(' ') {
            section = t[0];
            continue;
        }
        match section {
            "ROWS" if t[0] == "N" => obj = t[1],
            "ROWS" => {
                let sense = t[0].chars().next().unwrap();
                row_of.insert(t[1], m.rows.len());
                m.rows.push((sense, 0.0, Vec::new()));
            }
            "COLUMNS" if t.get(1) == Some(&"'MARKER'") => integer = t[2] == "'INTORG'",
            "COLUMNS" => {
                let j = *col_of.entry(t[0]).or_insert_with(|| {
                    m.cost.push(0.0);
                    m.upper.push(f64::INFINITY);
                    m.integer.push(integer);
                    m.cost.len() - 1
                });
                for pair in t[1..].chunks(2) {
                    let v: f64 = pair[1].parse().unwrap();
                    if pair[0] == obj {
                        m.cost[j] += v;
                    } else {
                        m.rows[row_of[pair[0]]].2.push((j, v));
                        m.nonzeros += 1;
                    }
                }
            }
            "RHS" => {
                for pair in t[1..].chunks(2) {
                    m.rows[row_of[pair[0]]].1 = pair[1].parse().unwrap();
                }
            }
            "BOUNDS" => {
                assert_eq!(t[0], "UP", "the writer only writes upper bounds");
                m.upper[col_of[t[2]]] = t[3].parse().unwrap();
            }
            other => panic!("unexpected section {other}"),
        }
    }
    m
}

/// The parsed model's optimum by microlp, or `None` if infeasible.
fn solve(m: &Mps) -> Option<f64> {
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..m.cost.len())
        .map(|j| {
            let mut v = variable().min(0.0);
            if m.upper[j].is_finite() {
                v = v.max(m.upper[j]);
            }
            if m.integer[j] {
                v = v.integer();
            }
            vars.add(v)
        })
        .collect();
    let objective: Expression = x.iter().zip(&m.cost).map(|(&v, &c)| c * v).sum();
    let mut model = vars.minimise(objective.clone()).using(good_lp::microlp);
    for (sense, rhs, entries) in &m.rows {
        let lhs: Expression = entries.iter().map(|&(j, v)| v * x[j]).sum();
        model = model.with(match sense {
            'L' => constraint::leq(lhs, *rhs),
            'G' => constraint::geq(lhs, *rhs),
            _ => constraint::eq(lhs, *rhs),
        });
    }
    model.solve().ok().map(|s| s.eval(&objective))
}

/// Exports `scenario`'s model, checks its size, solves it and the crate's
/// optimum, and compares: both infeasible, or the same least total.
fn round_trip(scenario: &Scenario) -> Result<(), TestCaseError> {
    let p = Problem::new(scenario).unwrap();
    let optimal = Optimal::default();
    let mut bytes = Vec::new();
    let size = optimal.write_mps(&p, &mut bytes).unwrap();
    prop_assert_eq!(size, optimal.model_size(&p));
    let m = parse(std::str::from_utf8(&bytes).unwrap());
    prop_assert_eq!(m.cost.len(), size.variables + size.binaries);
    prop_assert_eq!(m.integer.iter().filter(|&&i| i).count(), size.binaries);
    prop_assert_eq!(m.rows.len(), size.constraints);
    let header = format!("{} nonzeros", m.nonzeros);
    prop_assert!(
        std::str::from_utf8(&bytes)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .contains(&header),
        "header names {} nonzeros",
        m.nonzeros
    );
    let parsed = solve(&m);
    match optimal.schedule(&p) {
        Ok(schedule) => {
            let total = evaluate(&p, "optimal", &schedule).unwrap().total_usd;
            let parsed = parsed.expect("the crate found a plan: the MPS model is feasible");
            prop_assert!(
                (parsed - total).abs() <= 1e-6 * total.abs().max(1.0),
                "MPS optimum {parsed} against the crate's {total}"
            );
        }
        Err(Error::Infeasible(_)) => prop_assert!(parsed.is_none(), "{:?}", parsed),
        Err(e) => panic!("{e}"),
    }
    Ok(())
}

use geoshift::Scheduler;

#[test]
fn year_long_day_round_trips() {
    let data = DataSet::bundled().unwrap();
    let scenario = year_long_asia_2022(&data, CARBON_CSV, 24).unwrap();
    round_trip(&scenario).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Small synthetic scenarios with Whole jobs, power caps and tight
    /// capacity (every row kind of the model) round-trip.
    #[test]
    fn synthetic_models_round_trip(
        seed in 1u64..10_000,
        whole_share in 0.0..1.0f64,
        power_caps: bool,
        contention in 0.2..0.9f64,
    ) {
        let scenario = generate(&Params {
            jobs: 5,
            regions: 3,
            slots: 6,
            pools_per_region: 2,
            whole_share,
            power_caps,
            contention,
            seed,
        });
        round_trip(&scenario)?;
    }
}

#[test]
fn a_failing_writer_is_an_io_error() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let p = Problem::new(&generate(&Params::default())).unwrap();
    let err = Optimal::default().write_mps(&p, &mut Broken).unwrap_err();
    assert!(
        matches!(err, Error::Export(ExportError::Io { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("disk full"), "{err}");
}

#[test]
fn a_model_over_the_memory_budget_is_refused_before_it_is_built() {
    let p = Problem::new(&generate(&Params::default())).unwrap();
    let mut bytes = Vec::new();
    let err = Optimal::default()
        .memory_budget(1)
        .write_mps(&p, &mut bytes)
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge(_)), "{err}");
    assert!(bytes.is_empty());
}
