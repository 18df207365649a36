//! The "plain HiGHS" baseline: the crate's model written as free MPS
//! ([`Optimal::write_mps`]) and solved by the HiGHS the crate links (the
//! `highs` feature's), read by HiGHS itself and run with its default
//! options, with nothing of the engine around it. Reading is timed apart
//! from solving.
//!
//! ```text
//! cargo run --release --features highs --example highs_baseline -- --write SOURCE FILE.mps
//! cargo run --release --features highs --example highs_baseline -- FILE.mps [option=value ...]
//! ```
//!
//! SOURCE is an index into `geoshift::synth::bench_sizes()` or a scenario
//! file (`.json`). Options (`solver=ipm`, `presolve=off`, ...) are set on
//! HiGHS before the run; HiGHS's own log goes to the console.

use geoshift::synth::{bench_sizes, generate};
use geoshift::{Optimal, Problem, Scenario};
use std::ffi::{c_char, c_void, CString};
use std::time::Instant;

// The C API of the HiGHS that `highs-sys` builds and links (HighsInt is
// 32 bits there).
extern "C" {
    fn Highs_create() -> *mut c_void;
    fn Highs_destroy(highs: *mut c_void);
    fn Highs_readModel(highs: *mut c_void, filename: *const c_char) -> i32;
    fn Highs_setOptionValue(highs: *mut c_void, option: *const c_char, value: *const c_char)
        -> i32;
    fn Highs_run(highs: *mut c_void) -> i32;
    fn Highs_getModelStatus(highs: *const c_void) -> i32;
    fn Highs_getObjectiveValue(highs: *const c_void) -> f64;
    fn Highs_getIntInfoValue(highs: *const c_void, info: *const c_char, value: *mut i32) -> i32;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--write") {
        let (source, path) = match (args.get(1), args.get(2)) {
            (Some(s), Some(p)) => (s, p),
            _ => return Err("usage: --write SOURCE FILE.mps".into()),
        };
        let scenario = if source.ends_with(".json") {
            Scenario::from_json(&std::fs::read_to_string(source)?)?
        } else {
            generate(&bench_sizes()[source.parse::<usize>()?])
        };
        let problem = Problem::new(&scenario)?;
        // Written whole or not at all: to a temporary file beside it,
        // then renamed.
        let part = format!("{path}.part");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&part)?);
        let size = Optimal::default().write_mps(&problem, &mut file)?;
        std::io::Write::flush(&mut file)?;
        drop(file);
        std::fs::rename(&part, path)?;
        println!(
            "wrote {path}: {} continuous + {} binary columns, {} rows",
            size.variables, size.binaries, size.constraints
        );
        return Ok(());
    }
    let path = args.first().ok_or("usage: FILE.mps [option=value ...]")?;
    unsafe {
        let h = Highs_create();
        let (clock, cpu0) = (Instant::now(), cpu_seconds());
        let status = Highs_readModel(h, CString::new(path.as_str())?.as_ptr());
        let (read, read_cpu) = (clock.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        if status < 0 {
            return Err(format!("HiGHS could not read {path} (status {status})").into());
        }
        for opt in &args[1..] {
            let (k, v) = opt.split_once('=').ok_or("options are name=value")?;
            let k = CString::new(k)?;
            let v = CString::new(v)?;
            if Highs_setOptionValue(h, k.as_ptr(), v.as_ptr()) < 0 {
                return Err(format!("HiGHS refused the option {opt}").into());
            }
        }
        let (clock, cpu0) = (Instant::now(), cpu_seconds());
        let run = Highs_run(h);
        let (solve, solve_cpu) = (clock.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        let count = |name: &str| {
            let mut v = 0i32;
            let name = CString::new(name).expect("no NUL");
            Highs_getIntInfoValue(h, name.as_ptr(), &mut v);
            v
        };
        let iterations = [
            count("simplex_iteration_count"),
            count("ipm_iteration_count"),
            count("crossover_iteration_count"),
            count("pdlp_iteration_count"),
        ];
        println!(
            "read {read:.2} s ({read_cpu:.2} s CPU), solve {solve:.2} s ({solve_cpu:.2} s CPU), run status {run}, model status {}, objective {:.6}, iterations simplex/ipm/crossover/pdlp {iterations:?}",
            Highs_getModelStatus(h),
            Highs_getObjectiveValue(h),
        );
        Highs_destroy(h);
    }
    Ok(())
}

/// User CPU seconds of this process so far (all threads), from
/// `/proc/self/stat` (Linux; clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command's closing parenthesis; utime is
            // the 14th field of the line, the 12th after it.
            let rest = &s[s.rfind(')')? + 2..];
            rest.split(' ').nth(11)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |ticks| ticks / 100.0)
}
