//! Output files that never destroy data: `plot`'s folder is checked before
//! anything is solved, and its files are written all or none, each to a
//! new temporary file in the same folder and then renamed over its name.
//! Nothing is written through a symbolic link or onto the input scenario,
//! and a failed write leaves the files that were there as they were.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Checks, before any solving, that `names` can be written into `dir`:
/// the folder is created if missing and must accept new files; no name may
/// be a symbolic link, anything but a regular file, or the input scenario
/// `input`. The error says what is wrong and where.
pub fn check_dir(dir: &Path, names: &[&str], input: &Path) -> Result<(), String> {
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(format!("--out {}: not a folder", dir.display()));
        }
        Ok(_) => {}
        Err(_) => fs::create_dir_all(dir)
            .map_err(|e| format!("--out {}: cannot create the folder: {e}", dir.display()))?,
    }
    let input = fs::canonicalize(input).ok();
    for name in names {
        let path = dir.join(name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue; // not there yet: nothing to protect
        };
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{}: is a symbolic link; geoshift does not write through links (remove it or choose another --out)",
                path.display()
            ));
        }
        if !meta.is_file() {
            return Err(format!("{}: exists and is not a file", path.display()));
        }
        if input.is_some() && fs::canonicalize(&path).ok() == input {
            return Err(format!(
                "{}: is the input scenario; choose another --out",
                path.display()
            ));
        }
    }
    // A file the folder accepts now is the best sign that the writes
    // after the solve will succeed.
    let probe = temp_path(dir, "probe");
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| format!("--out {}: cannot create files there: {e}", dir.display()))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// Writes every `(name, contents)` into `dir`, or none of them: each goes
/// to a new temporary file beside its name, and only when all are written
/// and flushed are they renamed over their names. Returns the paths.
pub fn write_all(dir: &Path, files: &[(&str, String)]) -> Result<Vec<PathBuf>, String> {
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let written = files.iter().try_for_each(|(name, contents)| {
        let temp = temp_path(dir, name);
        // `create_new` refuses an existing path, a symbolic link included,
        // so the temporary file is always a new file of ours.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| format!("cannot create {}: {e}", temp.display()))?;
        temps.push(temp.clone());
        file.write_all(contents.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", temp.display()))
    });
    if let Err(e) = written {
        for temp in &temps {
            let _ = fs::remove_file(temp);
        }
        return Err(format!("{e}; no file in {} was changed", dir.display()));
    }
    let mut paths = Vec::with_capacity(files.len());
    for ((name, _), temp) in files.iter().zip(&temps) {
        let path = dir.join(name);
        // `rename` replaces the name itself, never what a link points to.
        if let Err(e) = fs::rename(temp, &path) {
            for temp in &temps {
                let _ = fs::remove_file(temp);
            }
            return Err(format!("cannot replace {}: {e}", path.display()));
        }
        paths.push(path);
    }
    Ok(paths)
}

/// Writes `contents` to `path`, which must not exist, whole or not at
/// all: to a new temporary file beside it, flushed, then linked to its
/// name, which fails if the name exists (no file is ever replaced, and a
/// failed write leaves nothing under the name).
pub fn write_new(path: &Path, contents: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let temp = temp_path(dir, &name);
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(contents.as_bytes())
                .and_then(|()| file.sync_all())
        })
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))
        .and_then(|()| {
            fs::hard_link(&temp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => format!(
                    "{} exists already; geoshift never replaces a file (remove it or choose \
                     another name)",
                    path.display()
                ),
                _ => format!("{}: cannot create: {e}", path.display()),
            })
        });
    let _ = fs::remove_file(&temp);
    written
}

/// A hidden name in `dir` for the temporary copy of `name`, unique to this
/// process.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Money as every table prints it: dollars to the cent with thousands
/// separators, the sign before the dollar (`$12,490.59`, `-$1,185.00`;
/// a value that rounds to zero cents is `$0.00`, never `-$0.00`).
pub fn usd(v: f64) -> String {
    let cents = format!("{:.2}", v.abs());
    let (whole, frac) = cents.split_at(cents.len().saturating_sub(3));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && cents != "0.00" { "-" } else { "" };
    format!("{sign}${grouped}{frac}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_has_separators_and_cents() {
        assert_eq!(super::usd(12490.594), "$12,490.59");
        assert_eq!(super::usd(-1185.0), "-$1,185.00");
        assert_eq!(super::usd(999.999), "$1,000.00");
        assert_eq!(super::usd(-0.004), "$0.00");
        assert_eq!(super::usd(1234567.0), "$1,234,567.00");
        assert_eq!(super::usd(0.5), "$0.50");
    }

    use super::*;

    /// A new file is written whole; an existing one is never replaced,
    /// and no temporary file is left either way.
    #[test]
    fn write_new_never_replaces() {
        let dir = temp_dir("write-new");
        let path = dir.join("plan.csv");
        write_new(&path, "first").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        let e = write_new(&path, "second").unwrap_err();
        assert!(e.contains("exists already"), "{e}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    fn temp_dir(test: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("geoshift-output-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A write that fails part-way changes no file and leaves no
    /// temporary file behind.
    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = temp_dir("failed-write");
        fs::write(dir.join("a.svg"), "old a").unwrap();
        fs::write(dir.join("b.svg"), "old b").unwrap();
        // The temporary name of the second file is taken by a folder, so
        // its write fails after the first one succeeded.
        fs::create_dir(temp_path(&dir, "b.svg")).unwrap();
        let files = [
            ("a.svg", "new a".to_string()),
            ("b.svg", "new b".to_string()),
        ];
        let e = write_all(&dir, &files).expect_err("the second write fails");
        assert!(e.contains("no file"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("a.svg")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(dir.join("b.svg")).unwrap(), "old b");
        assert!(!temp_path(&dir, "a.svg").exists(), "temporary file left");
        fs::remove_dir(temp_path(&dir, "b.svg")).unwrap();
        // Once it can, it writes both and leaves only them.
        write_all(&dir, &files).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.svg")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(dir.join("b.svg")).unwrap(), "new b");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        let _ = fs::remove_dir_all(&dir);
    }
}
