//! The stages of the optimum. A pure LP is one [`solve_lp`]. With region
//! choices (`Whole` jobs) the MILP is solved anytime, each stage only if
//! the gap the ones before it left is above the target and time is left:
//! 1. the all-Split relaxation ([`lp::build_split`]: every Whole job as
//!    Split): the cheapest valid relaxation, with no region-choice rows;
//!    its bound is a proven lower bound on the MILP, and its duals priced
//!    per region choice ([`pricing`]) a tighter one, with no solver call;
//! 2. plans with every Whole job in one option: at once, the relaxation's
//!    point rounded ([`super::rounding`], no LP: the plan when a limit
//!    stopped the relaxation); then, if that plan's gap is above the
//!    target, the MILP's LP with the choices fixed, each job where the
//!    relaxation's prices make it cheapest: a feasible plan, and so a
//!    proven gap. That LP's duals price the options again: a bound, and
//!    (averaged with the prices before) the next assignment to fix, up to
//!    [`MAX_FIXED`] fixed LPs or until an assignment repeats (on the
//!    100×10×48 `synth` MILP the second such LP was the optimum and its
//!    prices proved it);
//! 3. the exact search: a solver's MILP over the whole model (HiGHS, or
//!    microlp), its claim of optimality checked against the incumbent; a
//!    claim the incumbent refutes is not taken, and the engine's own
//!    branch and bound over the region choices ([`super::branch`]), whose
//!    every node is an LP, takes over, as it does when the solver fails or
//!    the whole model is over the memory budget.

use super::backend::{self, Backend, Call, Failure};
use super::bound::trivial_bound;
use super::bracket;
use super::branch::{round_choices, Assignment, Choices, Search};
use super::cleanup::{feasible, repair};
use super::linear::{full, solve_lp, solve_lp_until};
use super::lp::{self, Col, Lp};
use super::packing::{Packer, Packing};
use super::pricing;
use super::progress::{OnRound, Stage};
use super::rounding::{self, Rounded};
use super::sifting::Enough;
use crate::limits::{
    certified_bound, relative_gap as gap, solver_abs_gap, Limits, StopReason, SOLVER_GAP_SHARE,
};
use crate::problem::Problem;
use std::cell::RefCell;

/// A plan of the engine: a point of the model and its proof.
pub(crate) struct Plan {
    /// Value of every column (region choices exactly 0 or 1).
    pub(crate) x: Vec<f64>,
    /// A proven lower bound on the least objective.
    pub(crate) bound: f64,
    /// Why the search stopped before the gap was proven, if it did.
    pub(crate) stopped: Option<StopReason>,
    /// Duals of the LP (pure LPs only), one per row.
    pub(crate) duals: Option<Vec<f64>>,
    /// The cells `(job, pool, slot)` of the all-Split relaxation's point
    /// (a MILP's; empty otherwise): a neighbouring solve's first working
    /// set ([`crate::schedulers::Optimal`]'s reuse).
    pub(crate) relaxed_cells: Vec<(usize, usize, usize)>,
    /// Per option of the Whole jobs: a proven lower bound on every plan
    /// that takes it ([`pricing::floors`]; empty without Whole jobs), for
    /// a neighbouring point ([`super::bracket`]).
    pub(crate) floors: Vec<f64>,
    /// Prices (duals of the all-Split relaxation's rows) it priced, for a
    /// neighbouring point ([`super::bracket`]): the first and the last.
    pub(crate) prices: Vec<Vec<f64>>,
}

/// Why the engine has no plan.
pub(crate) enum NoPlan {
    /// Proven infeasible.
    Infeasible,
    /// Stopped before any feasible plan, with the best proven bound.
    Stopped(StopReason, f64),
    /// The solvers failed.
    Numerical(String),
}

/// At most this many fixed LPs, each on the assignment the last one's
/// prices made cheapest.
const MAX_FIXED: usize = 4;

/// When the prices' closing ([`pricing::close`]) leaves at most this
/// many assignments of the Whole jobs, the engine's own search runs the
/// exact stage instead of a solver's MILP (measured up to 108 left, on
/// the marketplace week's sweep; the bound is a guess beyond that).
const OWN_SEARCH_MAX_ASSIGNMENTS: usize = 4096;

fn stop_of(limits: &Limits) -> StopReason {
    limits.stop().unwrap_or(StopReason::TimeLimit)
}

/// The least-cost plan of `lp` (a model of `p`) within `limits`: a pure
/// LP in one stage ([`pure_lp`]); a MILP in three ([`split_relaxation`]
/// and its priced bound; the rounded plan, then fixed ones; then
/// [`exact`] or the engine's own search), each only when the ones before
/// leave a gap above the target.
pub(crate) fn optimum(
    p: &Problem,
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
) -> Result<Plan, NoPlan> {
    optimum_with(p, lp, backend, limits, report, ExactBy::Solver)
}

/// Who runs the exact stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExactBy {
    /// A solver with integers over the whole model (the engine's own
    /// search takes over if its claim is refuted, it fails, or the whole
    /// model is over the memory budget). Measured against the engine's
    /// own search (release build, this project's 2-core machine), it won
    /// on every instance tried: 0.22 s against 0.44-0.60 s on the (20, 5,
    /// 24) MILP with 20 % Whole jobs, and 45 s against more than 540 s on
    /// the (100, 10, 48) one, where microlp's branch and bound keeps its
    /// factorisation from node to node and the engine's search solves
    /// each node's LP from scratch.
    Solver,
    /// The engine's own search ([`super::branch`]) from the start (the
    /// tests compare it with every assignment solved one by one).
    #[cfg_attr(not(test), allow(dead_code))]
    Own,
    /// No exact stage: the best plan of the first two stages, for a
    /// caller that proves the gap itself ([`super::spread`], whose held
    /// problem only gives it a first plan).
    Skip,
}

/// [`optimum`], with the exact stage run by `exact_by`.
pub(crate) fn optimum_with(
    p: &Problem,
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    exact_by: ExactBy,
) -> Result<Plan, NoPlan> {
    if lp.has_spread() {
        return super::spread::optimum(p, lp, backend, limits, report);
    }
    let trivial = trivial_bound(lp);
    if !lp.has_choices() {
        return pure_lp(lp, backend, limits, report, trivial);
    }
    let mut kept = Kept::default();
    let stages = Stages {
        p,
        lp,
        backend,
        exact_by,
        trivial,
    };
    let plan = match bracket_start(lp) {
        Some(start) if gap(start.ub, start.chord.bound) <= BRACKET_GAP_SHARE * limits.gap => {
            bracketed(stages, start, limits, report, &mut kept)?
        }
        start => whole_stages(stages, (limits, start.map(|s| s.chord)), report, &mut kept)?,
    };
    Ok(Plan {
        relaxed_cells: kept.cells,
        floors: kept.floors,
        prices: kept.prices,
        ..plan
    })
}

/// What the stages of a MILP keep for a neighbouring solve besides the
/// plan (see [`Plan`]'s fields of the same names).
#[derive(Default)]
struct Kept {
    cells: Vec<(usize, usize, usize)>,
    floors: Vec<f64>,
    prices: Vec<Vec<f64>>,
}

/// What a point between two solved neighbours starts from: their mixed
/// bounds, and the plan of theirs that is cheapest here (a plan of this
/// model: it has their rows) and its assignment.
struct BracketStart {
    chord: bracket::Chord,
    choices: Choices,
    x: Vec<f64>,
    ub: f64,
    assignment: Assignment,
}

/// A point between two neighbours takes [`bracketed`]'s stages when the
/// cheaper neighbour's plan is within this many times the target gap of
/// their mixed bound; else the relaxation's ([`whole_stages`], with the
/// mixed bounds added). On the marketplace week's carbon sweep the mixed
/// bounds are 3e-6 to 9e-5 under the optimum. Without the relaxation,
/// fewer options close (72 to 108 assignments left to search, against 12
/// to 36 with its prices), so a point far from its gap is better off with
/// it. The 7 points, one thread, wall seconds, two runs each (release
/// build, 2-core machine, load about 1, 2026-12-07), with this share at
/// 0 (never), 10 and 1000 (nearly always): at `--gap 1e-4` 2.35-2.36,
/// 1.62-1.64 and 1.61-1.62; at 1e-5 3.10-3.17, 2.67-2.72 and 2.87-2.94;
/// at 1e-6 3.32-3.44, 3.31-3.40 and 3.90-3.92. (At 1e-3 every point
/// takes it, at the default 1e-7 none.)
const BRACKET_GAP_SHARE: f64 = 10.0;

/// The start of [`bracketed`], where `lp` has two neighbours whose
/// proofs bound it ([`bracket::chord`]) and whose plans keep its rows.
fn bracket_start(lp: &Lp) -> Option<BracketStart> {
    let [a, b] = lp.bracket.as_ref()?;
    let chord = bracket::chord(lp, a, b)?;
    let choices = Choices::of(lp);
    if chord.floors.len() != choices.count() || choices.count() == 0 {
        return None;
    }
    let mut best: Option<(Vec<f64>, f64)> = None;
    for n in [a, b] {
        let x = lp.point_of(&n.point);
        let ub = lp.objective_of(&x);
        if best.as_ref().is_none_or(|(_, v)| ub < *v) && feasible(lp, &x, 1e-7) {
            best = Some((x, ub));
        }
    }
    let (x, ub) = best?;
    let assignment = choices.assignment_of(&x)?;
    Some(BracketStart {
        chord,
        choices,
        x,
        ub,
        assignment,
    })
}

/// The stages of a point between two solved neighbours (a sweep's):
/// their mixed bounds ([`bracket`]) and their mixed prices stand for the
/// relaxation; the fixed LPs start where the cheaper neighbour's plan has
/// the Whole jobs, from the best mixed prices; the mixed floors per
/// option and every set of prices close options; the engine's search
/// proves what is left. On the marketplace week's carbon sweep, see the
/// performance page.
fn bracketed(
    stages: Stages,
    start: BracketStart,
    limits: &Limits,
    report: OnRound,
    kept: &mut Kept,
) -> Result<Plan, NoPlan> {
    let Stages {
        p,
        lp,
        backend,
        exact_by,
        trivial,
    } = stages;
    let BracketStart {
        chord,
        choices,
        x,
        ub: neighbour_ub,
        assignment,
    } = start;
    let split = lp::build_split(p, lp.objective, lp.limit);
    let mut lb = chord.bound.max(trivial);
    let mut all_priced = Vec::new();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for mixed in chord.prices {
        if mixed.len() != split.row.len() {
            continue;
        }
        if let Some(priced) = pricing::priced(&split, &choices, &mixed) {
            lb = lb.max(priced.bound);
            if best.as_ref().is_none_or(|(v, _)| priced.bound > *v) {
                best = Some((priced.bound, mixed));
            }
            all_priced.push(priced);
        }
    }
    report(Stage::Priced, 0, 0, None, lb);
    let mut search = Search::new(backend, lp, &split, &choices);
    search.seed = (0..lp.columns())
        .filter(|&i| rounding::in_use(lp, &x, i))
        .collect();
    // This point's own plans first (the first at least as cheap as the
    // neighbour's, which keeps its rows): the neighbour's plan taken as
    // it is ended a loose-gap sweep at its neighbours' plans (see
    // [`whole_stages`]). Ties go to the neighbour's options.
    let work: Vec<f64> = choices
        .taken(&assignment)
        .iter()
        .map(|&t| if t { 1.0 } else { 0.0 })
        .collect();
    let first_prices = best.map(|(_, y)| y);
    let last;
    (lb, last) = fixed_plans(
        &mut search,
        (lb, assignment, &work),
        first_prices.as_deref(),
        &mut all_priced,
        limits,
        report,
    );
    kept.prices = first_prices.into_iter().chain(last).collect();
    if search
        .incumbent
        .as_ref()
        .is_none_or(|(_, v)| neighbour_ub < *v)
    {
        report(Stage::Rounded, 1, 0, Some(neighbour_ub), lb);
        search.incumbent = Some((x, neighbour_ub));
    }
    kept.floors = chord.floors;
    raise(&mut kept.floors, &pricing::floors(&choices, &all_priced));
    let done = search
        .incumbent
        .as_ref()
        .is_some_and(|(_, ub)| gap(*ub, lb) <= limits.gap);
    if done || exact_by == ExactBy::Skip {
        return finish(search.incumbent, lb, None);
    }
    if let Some(why) = limits.stop() {
        return finish(search.incumbent, lb, Some(why));
    }
    let stage = ExactStage {
        p,
        lp,
        backend,
        exact_by,
        floors: &kept.floors,
        root_work: None,
    };
    exact_stage(search, lb, stage, limits, report)
}

/// Each floor raised to the other's where both are given (an option's
/// best proven bound of two).
fn raise(floors: &mut [f64], by: &[f64]) {
    if by.len() == floors.len() {
        for (f, b) in floors.iter_mut().zip(by) {
            *f = f.max(*b);
        }
    }
}

/// What [`whole_stages`] solves, and how.
struct Stages<'a> {
    p: &'a Problem,
    lp: &'a Lp,
    backend: Backend,
    exact_by: ExactBy,
    trivial: f64,
}

/// A MILP's relaxation ends once its own gap (its point's cost less its
/// bound) is at most this share of its rounded plan's gap
/// ([`rounding::rounded`], over the same bound): the stages after it
/// close the rest, and their pricing takes any prices. Release build,
/// this project's 2-core machine, 2026-12-07, wall seconds, one thread:
/// the marketplace week's 7-point carbon sweep (`engine_trace` with
/// `GEOSHIFT_SWEEP=0,25,50,75,100,150,200`) took 3.42-3.56 s at 0 (every
/// round to the target gap), 2.97-3.01 s at 0.01, 3.19 s at 0.05,
/// 2.78-2.93 s at 0.1, 2.84 s at 0.15 and 4.91-5.00 s at 0.3 (its cold
/// point stopped after one round, with prices that closed little); at
/// 0.1 against 0: the year-long real-data MILP 29.7 s against 49.9 s,
/// the (100, 10, 48) MILP 2.25 s against 2.70 s, the (300, 20, 168)
/// fleet at `--gap 1e-3` 97.9 s against 99.8 s, same plans and gaps.
const RELAXATION_SHARE: f64 = 0.1;

/// ... and once its own relative gap is at most this: a rounded plan
/// made dear by work left undone at a high price, say, does not end it
/// at its first round, with prices that close little (the cold
/// marketplace week's first round, at 1.3e-2, goes on either way; its
/// second, at 3.4e-4, ends it).
const RELAXATION_MAX_GAP: f64 = 1e-2;

/// The three stages of a MILP with Whole jobs (see [`optimum_with`]),
/// with two neighbours' mixed bounds where `chord` has them; `kept` is
/// set to what a neighbouring solve reuses ([`Kept`]).
fn whole_stages(
    stages: Stages,
    (limits, chord): (&Limits, Option<bracket::Chord>),
    report: OnRound,
    kept: &mut Kept,
) -> Result<Plan, NoPlan> {
    let Stages {
        p,
        lp,
        backend,
        exact_by,
        trivial,
    } = stages;
    let choices = Choices::of(lp);
    let MilpRelaxation {
        split,
        relaxed:
            Relaxed {
                x: split_x,
                bound: mut lb,
                duals: split_duals,
                stopped: relax_stopped,
            },
        proven: relax_proven,
        rounded: (first, rounded),
    } = milp_relaxation((p, lp, &choices), backend, limits, report, trivial)?;
    // Every cell with a value, dust and all: a neighbour's relaxation
    // from the cells in use alone ([`rounding::in_use`]) took more rounds
    // (the marketplace week's 7-point sweep 4.06-4.10 s CPU against
    // 3.64-3.68 s, back to back).
    kept.cells = (0..split.columns())
        .filter(|&i| split_x[i] > 0.0)
        .filter_map(|i| match split.col[i] {
            Col::Cell { job, pool, slot } => Some((job as usize, pool as usize, slot as usize)),
            _ => None,
        })
        .collect();
    // Stage 1b: the relaxation's duals priced per region choice
    // ([`pricing`]): a tighter bound, with no solver call.
    let priced = split_duals
        .as_deref()
        .and_then(|d| pricing::priced(&split, &choices, d));
    if let Some(priced) = &priced {
        if priced.bound > lb {
            lb = priced.bound;
            report(Stage::Priced, 0, 0, None, lb);
        }
    }
    // Two neighbours' mixed bounds ([`bracket`]), where they are higher.
    let (chord_floors, chord_bound) =
        chord.map_or((Vec::new(), f64::NEG_INFINITY), |c| (c.floors, c.bound));
    if chord_bound > lb {
        lb = chord_bound;
        report(Stage::Priced, 0, 0, None, lb);
    }
    let mut search = Search::new(backend, lp, &split, &choices);
    search.split_seed = (0..split.columns())
        .filter(|&i| rounding::in_use(&split, &split_x, i))
        .collect();
    // Stage 2: every Whole job in one option, first at once by rounding
    // the relaxation's point ([`rounding`]). When the relaxation
    // already put each one wholly in one region, its point is the MILP's
    // (egress aside, which the MILP's objective charges in full) and, the
    // relaxation being proven within the target gap, that assignment's
    // optimum: no LP is needed. Otherwise the assignment's LP may give a
    // better plan, if the rounded one does not already meet the gap.
    if let Some(r) = rounded {
        let ub = lp.objective_of(&r.x);
        let stage = if r.placed == 0 {
            Stage::Fixed
        } else {
            Stage::Rounded
        };
        report(stage, 0, 0, Some(ub), lb);
        if r.placed == 0 && relax_stopped.is_none() && relax_proven {
            search.tried.insert(first.clone(), (ub, lb));
        } else {
            // The fixed LP starts from this plan's columns and the
            // relaxation's: its first restricted LP has a plan at once.
            search.seed = rounding::support(lp, &split, &split_x, &r.x);
        }
        search.incumbent = Some((r.x, ub));
    }
    if let Some(why) = relax_stopped {
        return finish(search.incumbent, lb, Some(why));
    }
    let done = |search: &Search, lb: f64| {
        search
            .incumbent
            .as_ref()
            .is_some_and(|(_, ub)| gap(*ub, lb) <= limits.gap)
    };
    // The fixed LP's assignment: each Whole job's cheapest option at the
    // relaxation's prices where they were priced, else its largest share.
    let work = choices.work(&split, &split_x);
    let next = match &priced {
        Some(p) => choices.cheapest(&p.option_usd, &work),
        None => first,
    };
    // Every set of prices priced so far: each may close options before
    // the exact stage (their floors, [`pricing::floors`]).
    let mut all_priced: Vec<pricing::Priced> = priced.into_iter().collect();
    let last;
    (lb, last) = fixed_plans(
        &mut search,
        (lb, next, &work),
        split_duals.as_deref(),
        &mut all_priced,
        limits,
        report,
    );
    kept.prices = split_duals.into_iter().chain(last).collect();
    // A neighbour's plan (a sweep's previous point), where it keeps
    // every row of this model: the incumbent when it is cheaper than the
    // point's own fixed plans. Only after them: taken before, it ended a
    // loose-gap sweep at the neighbour's plan on every point (the
    // marketplace week's carbon sweep at `--gap 1e-3` printed the $0
    // plan's 4.400 t at every price, each within its gap), a curve that
    // no longer shows what the price changes.
    if !lp.warm_point.is_empty() {
        let x = lp.point_of(&lp.warm_point);
        let ub = lp.objective_of(&x);
        let better = search.incumbent.as_ref().is_none_or(|(_, old)| ub < *old);
        if better && feasible(lp, &x, 1e-7) {
            report(Stage::Rounded, 1, 0, Some(ub), lb);
            search.incumbent = Some((x, ub));
        }
    }
    kept.floors = pricing::floors(&choices, &all_priced);
    raise(&mut kept.floors, &chord_floors);
    if done(&search, lb) {
        return finish(search.incumbent, lb, None);
    }
    if let Some(why) = limits.stop() {
        return finish(search.incumbent, lb, Some(why));
    }
    if exact_by == ExactBy::Skip {
        return finish(search.incumbent, lb, None);
    }
    let root_work = choices.work(&split, &split_x);
    let stage = ExactStage {
        p,
        lp,
        backend,
        exact_by,
        floors: &kept.floors,
        root_work: Some(root_work),
    };
    exact_stage(search, lb, stage, limits, report)
}

/// Stage 1 of a MILP `lp` with Whole jobs: its all-Split relaxation,
/// built now (its matrix is smaller than the MILP's, whose estimate the
/// memory budget already allowed twice for), solved, and whether its
/// point is its optimum within the target gap. Column generation ends
/// once the relaxation's own gap is at most [`RELAXATION_SHARE`] of its
/// rounded plan's (and at most [`RELAXATION_MAX_GAP`]): on the families
/// measured, the stages after it raised the bound by more than further
/// rounds would have, and their pricing takes any prices.
fn milp_relaxation(
    (p, lp, choices): (&Problem, &Lp, &Choices),
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    trivial: f64,
) -> Result<MilpRelaxation, NoPlan> {
    let mut split = lp::build_split(p, lp.objective, lp.limit);
    split.warm_like(lp);
    // The rounding that ended column generation, if one did: its point is
    // the relaxation's answer, so stage 2 need not round it again.
    let ended: RefCell<Option<(Assignment, Rounded)>> = RefCell::new(None);
    let enough = |x: &[f64], objective: f64, bound: f64| {
        if !bound.is_finite() || gap(objective, bound) > RELAXATION_MAX_GAP {
            return false;
        }
        let first = choices.largest_share(&split, x);
        let Some(r) = rounding::rounded(lp, &split, choices, x, &first) else {
            return false;
        };
        let stop = objective - bound <= RELAXATION_SHARE * (lp.objective_of(&r.x) - bound);
        if stop {
            *ended.borrow_mut() = Some((first, r));
        }
        stop
    };
    let relaxed = split_relaxation(&split, Some(&enough), backend, limits, report, trivial)?;
    let proven = gap(split.objective_of(&relaxed.x), relaxed.bound) <= limits.gap;
    let rounded = match ended.into_inner() {
        Some((first, r)) => (first, Some(r)),
        None => {
            let first = choices.largest_share(&split, &relaxed.x);
            let r = rounding::rounded(lp, &split, choices, &relaxed.x, &first);
            (first, r)
        }
    };
    Ok(MilpRelaxation {
        split,
        relaxed,
        proven,
        rounded,
    })
}

/// Stage 1's answer ([`milp_relaxation`]).
struct MilpRelaxation {
    /// The all-Split relaxation's model.
    split: Lp,
    relaxed: Relaxed,
    /// Its point is its optimum within the target gap.
    proven: bool,
    /// Its point rounded ([`rounding::rounded`]) from the assignment of
    /// each Whole job's largest share (`None`: no option holds some job).
    rounded: (Assignment, Option<Rounded>),
}

/// Stage 2's fixed LPs after the first assignment `next` (with the
/// relaxation's work per option and the bound `lb`): each fixed LP's
/// duals give a bound (any prices give one), and, averaged with the
/// prices before them (at first the relaxation's, `first`), the next
/// assignment, until one repeats, the gap is met, or [`MAX_FIXED`] LPs.
/// Averaged, because a fixed LP's own duals moved 16 to 20 of the
/// fleet's Whole jobs at once and the plans got dearer (two rounds, +$111
/// and +$92), where the averaged prices moved 13 and found a plan $1,577
/// cheaper (0.1 %); a fixed LP's own duals proved the optimum of the
/// 100×10×48 MILP in its third round. Every set of prices is added to
/// `all_priced`; returns the bound and the last averaged prices (none
/// if no fixed LP gave duals).
fn fixed_plans(
    search: &mut Search,
    (mut lb, mut next, work): (f64, Assignment, &[f64]),
    first: Option<&[f64]>,
    all_priced: &mut Vec<pricing::Priced>,
    limits: &Limits,
    report: OnRound,
) -> (f64, Option<Vec<f64>>) {
    let (lp, split, choices) = (search.milp, search.split, search.choices);
    let mut prices: Option<Vec<f64>> = None;
    let done = |search: &Search, lb: f64| {
        search
            .incumbent
            .as_ref()
            .is_some_and(|(_, ub)| gap(*ub, lb) <= limits.gap)
    };
    for round in 1..=MAX_FIXED {
        if done(search, lb) || search.tried.contains_key(&next) || limits.stop().is_some() {
            break;
        }
        if search
            .try_assignment(&next, limits, report, Stage::Fixed)
            .is_none()
        {
            break;
        }
        let ub = search.incumbent.as_ref().map(|(_, v)| *v);
        report(Stage::Fixed, round, 0, ub, lb);
        // The next fixed LP starts from this plan's columns too.
        if let Some((x, _)) = &search.incumbent {
            search
                .seed
                .extend((0..lp.columns()).filter(|&i| rounding::in_use(lp, x, i)));
            search.seed.sort_unstable();
            search.seed.dedup();
        }
        let Some(own) = search.duals.take().map(|d| pricing::carried(lp, &d, split)) else {
            break;
        };
        let averaged: Vec<f64> = match prices.as_deref().or(first) {
            Some(before) => before
                .iter()
                .zip(&own)
                .map(|(b, o)| 0.5 * (b + o))
                .collect(),
            None => own.clone(),
        };
        let own_priced = pricing::priced(split, choices, &own);
        let own_bound = own_priced.as_ref().map_or(f64::NEG_INFINITY, |p| p.bound);
        all_priced.extend(own_priced);
        let Some(p) = pricing::priced(split, choices, &averaged) else {
            break;
        };
        if own_bound.max(p.bound) > lb {
            lb = own_bound.max(p.bound);
            report(Stage::Priced, round, 0, ub, lb);
        }
        next = choices.cheapest(&p.option_usd, work);
        all_priced.push(p);
        prices = Some(averaged);
    }
    (lb, prices)
}

/// What the exact stage of [`optimum_with`] starts from besides its
/// search: the MILP, the backend, who runs it, every set of prices priced
/// so far, and the relaxation's work per option.
struct ExactStage<'a> {
    p: &'a Problem,
    lp: &'a Lp,
    backend: Backend,
    exact_by: ExactBy,
    /// Per option, a proven bound on the plans that take it: every set of
    /// prices priced so far ([`pricing::floors`]), and a point between two
    /// neighbours' mixed floors ([`bracket`]).
    floors: &'a [f64],
    /// The relaxation's work per option; `None` where no relaxation was
    /// solved (the search solves its root's LP).
    root_work: Option<Vec<f64>>,
}

/// Stage 3 of [`optimum_with`]: the exact search from the best plan of
/// the first two stages and the bound `lb`.
fn exact_stage(
    mut search: Search,
    lb: f64,
    stage: ExactStage,
    limits: &Limits,
    report: OnRound,
) -> Result<Plan, NoPlan> {
    let ExactStage {
        p,
        lp,
        backend,
        exact_by,
        floors,
        root_work,
    } = stage;
    let choices = search.choices;
    // Stage 3: the exact search: a MILP solver over the whole model where
    // it branches faster than the engine would, else the engine's own.
    let milp_backend = if backend.has_integers() {
        backend
    } else {
        Backend::Microlp
    };
    // With no plan in hand (an infeasible MILP, or one nearly so), the
    // root is probed before any exact search: each region choice tried
    // alone, and the choices whose relaxation has no plan removed; a job
    // left with none proves there is no plan (see [`Search::probe`]).
    let mut allowed: Option<Vec<bool>> = None;
    // With a plan in hand, the options no cheaper plan can take are
    // closed by their floors (every set of prices priced so far, and the
    // neighbours' where a point has two): the exact stage searches what
    // is left (on `ny-vs-marketplace.json`, see [`pricing::close`]).
    if let Some((x, ub)) = &search.incumbent {
        let mut open = vec![true; choices.count()];
        let keep = match choices.assignment_of(x) {
            Some(a) => choices.taken(&a),
            None => vec![false; choices.count()],
        };
        let closed = pricing::close_by_floors(floors, *ub, &keep, &mut open);
        if closed > 0 || root_work.is_none() {
            allowed = Some(open.clone());
            search.root = Some(Some(open));
        }
    }
    // With no plan in hand and jobs that must finish, whether the Whole
    // jobs fit one region each at all ([`packing`]): a few small LPs
    // where a MILP solver would branch through the region choices to
    // prove that no plan exists.
    if search.incumbent.is_none() && !lp.objective.is_shortfall() {
        let jobs = Packer::whole_jobs(p);
        match Packer::new(p, backend, limits).search(&jobs) {
            Ok(Packing::None) => return finish(None, lb, None),
            Err(why) => return finish(None, lb, Some(why)),
            Ok(Packing::Found | Packing::Unknown) => {}
        }
    }
    if search.incumbent.is_none() && search.probing {
        let mut root = vec![true; choices.count()];
        match search.probe(&mut root, limits, report) {
            Ok(false) => return finish(None, lb, None),
            Err(why) => return finish(None, lb, Some(why)),
            Ok(true) => allowed = root.iter().any(|a| !a).then_some(root),
        }
        search.root = Some(allowed.clone());
    }
    // Where closing left few assignments, the engine's own search (LPs of
    // the relaxation over the options left) proves the optimum faster
    // than a solver's MILP over the whole model: on the marketplace week
    // 0.6 s against 4.0 s (12 assignments left), and 2.0 s against 4.4 s
    // at a carbon price of $50/t (72 left).
    let own_first = allowed
        .as_deref()
        .is_some_and(|a| pricing::assignments_left(choices, a) <= OWN_SEARCH_MAX_ASSIGNMENTS);
    if exact_by == ExactBy::Solver && limits.whole_model_fits && !own_first {
        let incumbent = search.incumbent.take();
        let mask = allowed.as_ref().map(|a| choices.milp_mask(lp, a));
        match exact(
            lp,
            mask.as_deref(),
            milp_backend,
            limits,
            report,
            lb,
            incumbent,
        ) {
            Exact::Answer(r) => return r,
            // The solver's claim was refuted, or it failed: the engine's
            // own search goes on from the best plan so far.
            Exact::Refuted(best) => search.incumbent = best,
        }
    }
    let outcome = search.run(lb, root_work, limits, report);
    let lb = outcome.bound.max(lb);
    finish(search.incumbent, lb, outcome.stopped)
}

/// The engine's answer from the best plan and the proven bound: the plan
/// (stopped if the limits ended the search before the gap was proven),
/// or no plan (infeasible when the search ended without one).
pub(super) fn finish(
    incumbent: Option<(Vec<f64>, f64)>,
    lb: f64,
    stopped: Option<StopReason>,
) -> Result<Plan, NoPlan> {
    match (incumbent, stopped) {
        (Some((x, ub)), stopped) => Ok(Plan {
            x,
            bound: lb.min(ub),
            stopped,
            duals: None,
            relaxed_cells: Vec::new(),
            floors: Vec::new(),
            prices: Vec::new(),
        }),
        (None, Some(why)) => Err(NoPlan::Stopped(why, lb)),
        (None, None) => Err(NoPlan::Infeasible),
    }
}

/// A failed first LP as the engine's answer: no plan, and why.
fn no_plan(e: Failure, limits: &Limits, bound: f64) -> NoPlan {
    match e {
        Failure::Infeasible => NoPlan::Infeasible,
        Failure::TimeLimit => NoPlan::Stopped(stop_of(limits), bound),
        Failure::Stopped(why) => NoPlan::Stopped(why, bound),
        Failure::Numerical(s) => NoPlan::Numerical(s),
    }
}

/// A pure LP: one solve, polished by another solver when an interior
/// point's answer is not proven within the gap.
fn pure_lp(
    lp: &Lp,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    trivial: f64,
) -> Result<Plan, NoPlan> {
    let r = solve_lp(lp, None, backend, limits, report, Stage::Sifting)
        .map_err(|e| no_plan(e, limits, trivial))?;
    let mut plan = Plan {
        bound: r.bound.max(trivial),
        x: r.x,
        stopped: r.stopped,
        duals: r.duals,
        relaxed_cells: Vec::new(),
        floors: Vec::new(),
        prices: Vec::new(),
    };
    // Not proven and not stopped: the solver's answer was of low
    // accuracy (an interior point's "almost solved", or a simplex point
    // short of a job's work by more than round-off). Polish it with
    // another solver, and keep the better plan and the better bound. The
    // gap is judged on the plan as the engine hands it on, repaired onto
    // the work rows: microlp once missed 1.3e-3 of a job's 736 work units,
    // and the repair cost 1.3e-7 of a 3.71 tCO2e optimum.
    //
    // The fallback first, then every other solver compiled in, until one
    // proves the gap: with HiGHS compiled in, HiGHS and microlp (each
    // other's fallback) both stopped 1.3e-7 short on that budget, where
    // Clarabel proved it.
    let mut ub = repaired_objective(lp, &plan.x);
    let others = backend.fallback(false).into_iter().chain(
        Backend::available()
            .iter()
            .copied()
            .filter(|&b| b != Backend::Auto),
    );
    let mut tried = vec![backend];
    for other in others {
        if plan.stopped.is_some()
            || gap(ub, plan.bound) <= limits.gap
            || !limits.whole_model_fits
            || limits.stop().is_some()
        {
            break;
        }
        if tried.contains(&other) {
            continue;
        }
        tried.push(other);
        if let Ok(r2) = full(lp, None, other, limits) {
            let ub2 = repaired_objective(lp, &r2.x);
            plan.bound = plan.bound.max(r2.bound);
            if r2.stopped.is_none() && ub2 < ub {
                plan.x = r2.x;
                plan.duals = r2.duals.or(plan.duals);
                ub = ub2;
            }
        }
    }
    Ok(plan)
}

/// The objective of `x` once repaired onto the work rows ([`repair`]), as
/// the engine will hand the plan on.
fn repaired_objective(lp: &Lp, x: &[f64]) -> f64 {
    let mut x = x.to_vec();
    repair(lp, &mut x);
    lp.objective_of(&x)
}

/// The all-Split relaxation's answer.
pub(super) struct Relaxed {
    /// Its point (feasible for the relaxation).
    pub(super) x: Vec<f64>,
    /// A proven lower bound on the MILP.
    pub(super) bound: f64,
    /// Its duals, if the solver gave them.
    pub(super) duals: Option<Vec<f64>>,
    /// Why the limits stopped it, if they did.
    pub(super) stopped: Option<StopReason>,
}

/// Stage 1, the all-Split relaxation: its point, its bound (a proven
/// lower bound on the MILP), its duals (for [`pricing`]), and why the
/// limits stopped it, if they did (the point is then the best feasible
/// one column generation reached, still of use to [`rounding`]).
pub(super) fn split_relaxation(
    split: &Lp,
    enough: Option<Enough>,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    trivial: f64,
) -> Result<Relaxed, NoPlan> {
    let relax = match enough {
        Some(enough) => solve_lp_until(split, enough, backend, limits, report, Stage::Relaxation),
        None => solve_lp(split, None, backend, limits, report, Stage::Relaxation),
    }
    .map_err(|e| no_plan(e, limits, trivial))?;
    let lb = relax.bound.max(trivial);
    report(Stage::Relaxation, relax.rounds, relax.columns, None, lb);
    match (relax.stopped, relax.feasible) {
        (Some(why), false) => Err(NoPlan::Stopped(why, lb)),
        (None, false) => Err(NoPlan::Infeasible),
        (stopped, true) => Ok(Relaxed {
            x: relax.x,
            bound: lb,
            duals: relax.duals,
            stopped,
        }),
    }
}

/// How the solver's exact stage ended.
pub(super) enum Exact {
    /// The engine's answer.
    Answer(Result<Plan, NoPlan>),
    /// The solver's claim of optimality was refuted by a better known
    /// plan, or it failed: the best plan so far, for the engine's own
    /// search.
    Refuted(Option<(Vec<f64>, f64)>),
}

/// Stage 3 on a solver with a MILP of its own (HiGHS): the exact MILP over
/// the whole model, bounded by what is left of the limits. Its claim of
/// optimality raises the bound only when its plan is at least as good as
/// the incumbent: a claim that a known plan refutes is not taken (HiGHS
/// once returned a plan $27.73 dearer than the incumbent as optimal).
pub(super) fn exact(
    lp: &Lp,
    mask: Option<&[bool]>,
    backend: Backend,
    limits: &Limits,
    report: OnRound,
    mut lb: f64,
    mut incumbent: Option<(Vec<f64>, f64)>,
) -> Exact {
    let n = lp.columns();
    // The columns the call holds (the others stay at 0): every one, or
    // those of the region choices probing left.
    let all: Vec<usize> = (0..n).filter(|&i| mask.is_none_or(|m| m[i])).collect();
    // The solver is asked for a share of the target, relative and
    // absolute alike: its claim then certifies a bound within that share
    // of its plan by the report's own rule ([`certified_bound`]).
    let solver_gap = SOLVER_GAP_SHARE * limits.gap;
    let mut scale_columns = true;
    loop {
        let call = Call {
            lp,
            columns: &all,
            artificial_usd_per_work: None,
            binary: true,
            time_limit: limits.remaining(),
            deadline: limits.deadline,
            cancel: limits.cancel.as_deref(),
            mip_gap: solver_gap,
            mip_abs_gap_usd: solver_abs_gap(solver_gap),
            scale_columns,
            initial: incumbent
                .as_ref()
                .filter(|_| backend.takes_mip_start())
                .map(|(x, _)| x.as_slice()),
        };
        match backend::solve(backend, &call) {
            Ok(out) => {
                let mut x = vec![0.0; n];
                for (&i, &v) in all.iter().zip(&out.values) {
                    x[i] = v;
                }
                round_choices(lp, &mut x);
                let ub = lp.objective_of(&x);
                let valid = feasible(lp, &x, 1e-7);
                let claimed = !out.stopped_early;
                // A claim is refuted by a known plan below the bound it
                // certifies, or by an answer that breaks a row.
                let refuted = !valid
                    || incumbent
                        .as_ref()
                        .is_some_and(|(_, old)| *old < certified_bound(ub, solver_gap));
                if valid && incumbent.as_ref().is_none_or(|(_, old)| ub < *old) {
                    incumbent = Some((x, ub));
                }
                if claimed && refuted {
                    return Exact::Refuted(incumbent);
                }
                if claimed {
                    // The solver stopped at its gap: relative to the
                    // objective, or absolute (set to the same number).
                    lb = lb.max(certified_bound(ub, solver_gap));
                }
                let best = incumbent.as_ref().map(|(_, v)| *v);
                report(Stage::Exact, 1, n, best, lb);
                let proven = incumbent
                    .as_ref()
                    .is_some_and(|(_, ub)| gap(*ub, lb) <= limits.gap);
                let stopped = (!claimed && !proven).then(|| stop_of(limits));
                return Exact::Answer(finish(incumbent, lb, stopped));
            }
            Err(Failure::Infeasible) if incumbent.is_none() => {
                return Exact::Answer(Err(NoPlan::Infeasible))
            }
            // Infeasible, with a feasible plan in hand: refuted.
            Err(Failure::Infeasible) => return Exact::Refuted(incumbent),
            Err(Failure::TimeLimit) => {
                return Exact::Answer(finish(incumbent, lb, Some(stop_of(limits))));
            }
            Err(Failure::Stopped(why)) => return Exact::Answer(finish(incumbent, lb, Some(why))),
            Err(Failure::Numerical(_)) if scale_columns && limits.stop().is_none() => {
                // A singular basis in one scaling is often not one in
                // another: the same solver once more, columns as they
                // are, before the engine's own search takes over.
                scale_columns = false;
            }
            Err(Failure::Numerical(_)) => return Exact::Refuted(incumbent),
        }
    }
}

/// The columns of `lp` left with each region choice fixed as at `x` (a
/// plan with choices 0 or 1): of each job with choices, only the chosen
/// one (a region, or none) and that region's cells. Over this mask the
/// one-region row forces the chosen choice to 1: the LP of the MILP with
/// its choices fixed, which has duals.
///
/// A spread choice (`max_regions`) is kept where the plan has work in its
/// region, whatever its value: a region open with no work in it is
/// closed, so that the LP is the one over the regions the plan uses
/// (what [`crate::explain`] names).
pub(crate) fn fixed_mask(lp: &Lp, x: &[f64]) -> Vec<bool> {
    let mut mask = vec![true; lp.columns()];
    for cols in &lp.job_cols {
        let mut keep = true;
        for i in cols.clone() {
            match lp.col[i] {
                Col::Choice { spread: true, .. } => {
                    // Its region's cells follow it, up to the next choice.
                    keep = (i + 1..cols.end)
                        .take_while(|&c| matches!(lp.col[c], Col::Cell { .. }))
                        .any(|c| x[c] > 0.0);
                    mask[i] = keep;
                }
                Col::Choice { .. } => {
                    keep = x[i] >= 0.5;
                    mask[i] = keep;
                }
                Col::Cell { .. } => mask[i] = keep,
                Col::Slack { .. } => {}
            }
        }
    }
    mask
}
