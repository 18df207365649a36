//! The guide renders with every link working (issue 26): each page, as
//! `build.rs` rewrites it for rustdoc, keeps no relative link to a file:
//! only fragments, web addresses, `data:` URIs of the files it showed,
//! and intra-doc paths of modules `src/lib.rs` declares (which rustdoc
//! then resolves, or warns). The same check on rustdoc's HTML is
//! `/work/shared/tools/doclinks.py target/doc/geoshift/guide`.

#[path = "../build/guide.rs"]
#[allow(dead_code)]
mod guide;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every link target of `text` outside code blocks and spans: the part in
/// the parentheses of `](...)`.
fn targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut code = false;
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'`' => code = !code,
                b']' if !code && b.get(i + 1) == Some(&b'(') => {
                    let end = line[i..].find(')').map_or(line.len(), |e| i + e);
                    out.push(line[i + 2..end].to_string());
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The modules `src/lib.rs` declares: `spec`, and the guide's pages.
fn declared() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let guide = &lib[lib.find("pub mod guide {").expect("the guide module")..];
    let guide = &guide[..guide.find("\n}").unwrap()];
    let mut out: Vec<String> = guide
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .filter_map(|l| l.strip_suffix(" {}"))
        .map(|m| format!("crate::guide::{m}"))
        .collect();
    assert!(lib.contains("pub mod spec {}"));
    out.push("crate::spec".into());
    out
}

#[test]
fn every_link_of_the_rendered_guide_resolves() {
    let modules = declared();
    // Every page is rendered, each by a module of its own.
    assert_eq!(modules.len(), guide::PAGES.len(), "{modules:?}");
    let mut checked = 0;
    let mut embedded = 0;
    for (page, module) in guide::PAGES {
        assert!(modules.iter().any(|m| m == module), "{page}: {module}");
        let before = std::fs::read_to_string(root().join(page)).unwrap();
        let after = guide::rewrite(root(), page).unwrap_or_else(|e| panic!("{e}"));
        let (a, b) = (targets(&before), targets(&after));
        // Links are rewritten, never dropped.
        assert_eq!(a.len(), b.len(), "{page}");
        for t in b {
            checked += 1;
            if t.starts_with("data:") {
                embedded += 1;
                continue;
            }
            if t.is_empty() || t.starts_with('#') || t.starts_with("https://") || t == "crate" {
                continue;
            }
            let path = t.split('#').next().unwrap();
            assert!(
                modules.iter().any(|m| m == path),
                "{page}: link '{t}' is neither a page of the guide nor embedded"
            );
        }
    }
    // The guide's links and charts (77 relative ones were broken).
    assert!(checked >= 77, "{checked} links checked");
    assert!(embedded >= 10, "{embedded} files embedded");
}

/// A link to a file that does not exist fails the build with the page
/// and the link, rather than rendering a dead link.
#[test]
fn a_link_to_no_file_is_an_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guide_links");
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(
        dir.join("docs/page.md"),
        "See [the limits](limits.md#memory), [a chart](charts/none.svg) and `[not](a-link.md)`.\n",
    )
    .unwrap();
    std::fs::write(dir.join("docs/limits.md"), "# Limits\n").unwrap();
    let e = guide::rewrite(&dir, "docs/page.md").unwrap_err();
    assert!(
        e.contains("docs/page.md") && e.contains("charts/none.svg"),
        "{e}"
    );
    // Without the dead link, the page link becomes its module's path and
    // the code span stays as written.
    std::fs::write(
        dir.join("docs/page.md"),
        "See [the limits](limits.md#memory) and `[not](a-link.md)`.\n",
    )
    .unwrap();
    let ok = guide::rewrite(&dir, "docs/page.md").unwrap();
    assert_eq!(
        ok,
        "See [the limits](crate::guide::limits#memory) and `[not](a-link.md)`.\n"
    );
}
