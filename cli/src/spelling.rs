//! One spelling per option across commands. Options renamed so that the
//! same thing reads the same everywhere are still accepted under their old
//! spelling for one release, with a note on stderr.

use std::ffi::OsString;

/// Old spelling, new spelling, the release that removes the old one.
pub const RENAMED: [(&str, &str); 3] = [
    // `solve --emissions-cap T` and `sweep --emissions-caps L`: one noun.
    ("--emission-caps", "--emissions-caps"),
    // `plot --out DIR` and `explain --out DIR`: where charts go.
    ("--plot", "--out"),
    // The file's `checkpoint_interval_hours`.
    ("--checkpoint-hours", "--checkpoint-interval-hours"),
];

/// `args` with every old spelling replaced by the new one (also in the
/// `--old=value` form; nothing after a `--`), and a note for each one found.
pub fn modernise(args: impl IntoIterator<Item = OsString>) -> (Vec<OsString>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    let mut options = true;
    for arg in args {
        let Some(text) = arg.to_str().filter(|_| options) else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            options = false;
            out.push(arg);
            continue;
        }
        let (name, value) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (text, None),
        };
        match RENAMED.iter().find(|(old, _)| *old == name) {
            Some((old, new)) => {
                notes.push(format!(
                    "note: {old} is now spelled {new}; the old spelling will be removed in the next release"
                ));
                out.push(match value {
                    Some(v) => format!("{new}={v}").into(),
                    None => OsString::from(*new),
                });
            }
            None => out.push(arg),
        }
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (Vec<String>, usize) {
        let (out, notes) = modernise(args.iter().map(OsString::from));
        let out = out.iter().map(|a| a.to_string_lossy().into_owned());
        (out.collect(), notes.len())
    }

    #[test]
    fn old_spellings_become_new_ones_with_a_note() {
        let (out, notes) = run(&["geoshift", "sweep", "f.json", "--emission-caps=5,4"]);
        assert_eq!(out, ["geoshift", "sweep", "f.json", "--emissions-caps=5,4"]);
        assert_eq!(notes, 1);
        let (out, notes) = run(&["geoshift", "explain", "f.json", "--plot", "d"]);
        assert_eq!(out, ["geoshift", "explain", "f.json", "--out", "d"]);
        assert_eq!(notes, 1);
    }

    #[test]
    fn new_spellings_and_values_after_a_double_dash_are_kept() {
        let args = [
            "geoshift",
            "sweep",
            "--emissions-caps",
            "auto",
            "--",
            "--plot",
        ];
        let (out, notes) = run(&args);
        assert_eq!(out, args);
        assert_eq!(notes, 0);
    }
}
