//! `--shard` of `sweep` and `bench`: one machine's part of a run that many
//! machines share, and the `shard` object its result file carries so that
//! `geoshift merge` can put the parts back together.
//!
//! Shards are numbered from 1: shard `I/N` takes the items (a sweep's
//! settings, a bench's scenarios) at the 0-based positions `p` with
//! `p mod N = I - 1`, so every item is in exactly one shard whatever the
//! count, and the partition needs nothing but `I`, `N` and the item count.
//!
//! `--shard env` reads a Slurm job array's `SLURM_ARRAY_TASK_ID`,
//! `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_COUNT` (an array of
//! consecutive ids, such as `--array=1-8` or `--array=0-7`); `--shard
//! env/N` reads a Kubernetes Indexed Job's 0-based `JOB_COMPLETION_INDEX`,
//! with the count `N` given (Kubernetes does not export it).

use crate::{output, usage, Failure};
use std::path::{Path, PathBuf};

/// The most shards one run is split into.
pub const MAX_SHARDS: usize = 100_000;

/// One shard of a run: `index` of `count`, numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 to `count`.
    pub index: usize,
    /// At least 1.
    pub count: usize,
}

impl Shard {
    /// Whether the item at 0-based `position` is this shard's.
    pub fn takes(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }

    /// The items of `all` that are this shard's, in their order.
    pub fn pick<T: Clone>(&self, all: &[T]) -> Vec<T> {
        all.iter()
            .enumerate()
            .filter(|(p, _)| self.takes(*p))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The default name of its result file: `COMMAND-shard-I-of-N.json`.
    pub fn file_name(&self, command: &str) -> String {
        format!("{command}-shard-{}-of-{}.json", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Parses `--shard`'s value: `I/N`, `env` (Slurm) or `env/N` (Kubernetes),
/// reading variables through `var`. Every error names the flag, the value
/// and, for `env`, the variable at fault.
pub fn parse(spec: &str, var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let spec = spec.trim();
    let number = |what: &str, s: &str| -> Result<usize, String> {
        s.trim()
            .parse::<usize>()
            .map_err(|_| format!("--shard {spec}: {what} '{s}' is not a whole number >= 0"))
    };
    let checked = |index: usize, count: usize, origin: &str| -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "--shard {spec}: the count N = {count} must be 1 to {MAX_SHARDS}{origin}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "--shard {spec}: the shard I = {index} must be 1 to N = {count} (shards are \
                 numbered from 1){origin}"
            ));
        }
        Ok(Shard { index, count })
    };
    let read = |name: &str| -> Result<usize, String> {
        let v = var(name).ok_or_else(|| format!("--shard {spec}: {name} is not set"))?;
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("--shard {spec}: {name}='{v}' is not a whole number >= 0"))
    };
    match spec.split_once('/') {
        None if spec == "env" => {
            let hint = "; --shard env reads a Slurm job array (SLURM_ARRAY_TASK_ID, \
                        SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT); in a Kubernetes \
                        Indexed Job give the count: --shard env/N";
            let id = read("SLURM_ARRAY_TASK_ID").map_err(|e| e + hint)?;
            let min = read("SLURM_ARRAY_TASK_MIN").map_err(|e| e + hint)?;
            let count = read("SLURM_ARRAY_TASK_COUNT").map_err(|e| e + hint)?;
            if let Some(step) = var("SLURM_ARRAY_TASK_STEP") {
                if step.trim() != "1" {
                    return Err(format!(
                        "--shard {spec}: SLURM_ARRAY_TASK_STEP='{step}': the array's ids must be \
                         consecutive (--array=0-{} or 1-{})",
                        count.saturating_sub(1),
                        count
                    ));
                }
            }
            let index = id.checked_sub(min).ok_or_else(|| {
                format!(
                    "--shard {spec}: SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"
                )
            })?;
            checked(
                index.saturating_add(1),
                count,
                &format!(
                    " (from SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, \
                     SLURM_ARRAY_TASK_COUNT={count}: the array's ids must be consecutive)"
                ),
            )
        }
        None => Err(format!(
            "--shard {spec}: expected I/N (shard I of N, numbered from 1, such as 1/4), \
             env (a Slurm job array) or env/N (a Kubernetes Indexed Job of N completions)"
        )),
        Some(("env", n)) => {
            let count = number("the count", n)?;
            let index = read("JOB_COMPLETION_INDEX").map_err(|e| {
                e + "; --shard env/N reads a Kubernetes Indexed Job's JOB_COMPLETION_INDEX \
                     (0-based); in a Slurm job array use --shard env"
            })?;
            checked(
                index.saturating_add(1),
                count,
                &format!(" (from JOB_COMPLETION_INDEX={index}, 0-based)"),
            )
        }
        Some((i, n)) => checked(number("the shard", i)?, number("the count", n)?, ""),
    }
}

/// `--shard` and `--shard-out` together: the shard, and where its result
/// goes (`None`: standard output). Checked before anything runs.
pub fn from_args(
    spec: Option<&str>,
    out: Option<&Path>,
    command: &str,
) -> Result<Option<(Shard, Option<PathBuf>)>, Failure> {
    let Some(spec) = spec else {
        if out.is_some() {
            return Err(usage("--shard-out is for a shard: give --shard too".into()));
        }
        return Ok(None);
    };
    let shard = parse(spec, |name| std::env::var(name).ok()).map_err(usage)?;
    let file = match out {
        None => None,
        // A folder (one that exists, or a name ending in `/`) gets the
        // default name, so that every shard of an array can be given the
        // same `--shard-out`.
        Some(dir) if dir.is_dir() || dir.as_os_str().to_string_lossy().ends_with('/') => {
            let name = shard.file_name(command);
            output::check_dir(dir, &[name.as_str()], Path::new(""))
                .map_err(|e| usage(e.replace("--out", "--shard-out")))?;
            Some(dir.join(name))
        }
        Some(file) => {
            // Its folder is checked (and made) before anything runs.
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| usage(format!("--shard-out {}: not a file name", file.display())))?;
            let dir = match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            output::check_dir(dir, &[name], Path::new(""))
                .map_err(|e| usage(e.replace("--out", "--shard-out")))?;
            Some(file.to_path_buf())
        }
    };
    if let Some(file) = &file {
        if std::fs::symlink_metadata(file).is_ok() {
            return Err(usage(format!(
                "--shard-out {}: exists already; a result file is never replaced (remove it or \
                 choose another name)",
                file.display()
            )));
        }
    }
    Ok(Some((shard, file)))
}

/// Writes a shard's result `json` to `file` (never over a file), or to
/// standard output.
pub fn write(shard: Shard, file: Option<&Path>, json: &str) -> Result<(), Failure> {
    match file {
        None => crate::emit(&format!("{json}\n")),
        Some(file) => {
            output::write_new(file, &format!("{json}\n")).map_err(usage)?;
            eprintln!("shard {shard}: wrote {}", file.display());
            Ok(())
        }
    }
}

/// A fingerprint of a text (64-bit FNV-1a, hex): the same scenario gives
/// the same value on every machine and build, so shards of different
/// inputs are told apart.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn every_item_is_in_exactly_one_shard() {
        for count in 1..7 {
            for items in 0..20 {
                for p in 0..items {
                    let owners = (1..=count)
                        .filter(|&index| Shard { index, count }.takes(p))
                        .count();
                    assert_eq!(owners, 1, "item {p} of {items}, {count} shards");
                }
            }
        }
        let s = Shard { index: 2, count: 3 };
        assert_eq!(s.pick(&[10, 11, 12, 13, 14, 15, 16]), [11, 14]);
    }

    #[test]
    fn explicit_shards_are_checked() {
        let none = env(&[]);
        assert_eq!(parse("2/3", &none), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(parse("1/1", &none), Ok(Shard { index: 1, count: 1 }));
        for (bad, says) in [
            ("0/3", "I = 0 must be 1 to N = 3"),
            ("4/3", "I = 4 must be 1 to N = 3"),
            ("1/0", "N = 0 must be 1"),
            ("a/3", "the shard 'a'"),
            ("-1/3", "the shard '-1'"),
            ("3", "expected I/N"),
            ("1/200000", "N = 200000"),
        ] {
            let e = parse(bad, &none).expect_err(bad);
            assert!(e.contains(says) && e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn slurm_and_kubernetes_indices() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(parse("env", &slurm), Ok(Shard { index: 3, count: 4 }));
        let zero = env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(parse("env", &zero), Ok(Shard { index: 1, count: 4 }));
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ]);
        assert!(parse("env", &stepped)
            .unwrap_err()
            .contains("SLURM_ARRAY_TASK_STEP"));
        let past = env(&[
            ("SLURM_ARRAY_TASK_ID", "9"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(parse("env", &past).unwrap_err().contains("I = 10"));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(parse("env/3", &k8s), Ok(Shard { index: 1, count: 3 }));
        assert!(parse("env/3", env(&[("JOB_COMPLETION_INDEX", "3")]))
            .unwrap_err()
            .contains("JOB_COMPLETION_INDEX=3"));
        assert!(parse("env", &k8s)
            .unwrap_err()
            .contains("SLURM_ARRAY_TASK_ID is not set"));
        assert!(parse("env/3", &slurm)
            .unwrap_err()
            .contains("JOB_COMPLETION_INDEX is not set"));
    }

    #[test]
    fn fingerprints_tell_texts_apart() {
        assert_eq!(fingerprint(""), "fnv1a64:cbf29ce484222325");
        assert_ne!(fingerprint("{\"a\":1}"), fingerprint("{\"a\":2}"));
    }
}
