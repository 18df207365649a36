// The guide's pages as rustdoc renders them (used by `build.rs`, and by
// `tests/guide_links.rs`, which checks every link they keep).
//
// The pages are written for GitHub: their links are relative paths
// (`limits.md#memory`, `sweep/cost-vs-carbon-price.svg`, `../README.md`),
// which point nowhere under `target/doc` or on docs.rs. Each page is
// rewritten once at build time: a link to a page of the guide becomes the
// intra-doc path of its module (`crate::guide::limits#memory`), the
// model's contract `crate::spec`, the repository's README the crate root;
// a link to any other file (a chart, a CSV) becomes a `data:` URI of the
// file itself, so images render and files open with no copy beside the
// HTML. Code blocks are left as they are.

use std::path::{Component, Path, PathBuf};

/// Every page rendered, as (file from the package root, module path).
pub const PAGES: &[(&str, &str)] = &[
    ("docs/README.md", "crate::guide::index"),
    ("docs/model.md", "crate::guide::model"),
    ("docs/scenario-file.md", "crate::guide::scenario_file"),
    ("docs/cli.md", "crate::guide::cli"),
    ("docs/limits.md", "crate::guide::limits"),
    ("docs/faults.md", "crate::guide::faults"),
    ("docs/solvers.md", "crate::guide::solvers"),
    ("docs/unmet-work.md", "crate::guide::unmet_work"),
    ("docs/explain.md", "crate::guide::explain"),
    ("docs/sweep.md", "crate::guide::sweep"),
    ("docs/replan.md", "crate::guide::replan"),
    ("docs/risk.md", "crate::guide::risk"),
    ("docs/bench.md", "crate::guide::bench"),
    ("docs/many-machines.md", "crate::guide::many_machines"),
    ("docs/marketplace.md", "crate::guide::marketplace"),
    ("docs/data.md", "crate::guide::data"),
    ("docs/embedding.md", "crate::guide::embedding"),
    ("docs/performance.md", "crate::guide::performance"),
    ("docs/layout.md", "crate::guide::layout"),
    ("scenarios/README.md", "crate::guide::shipped_scenarios"),
    ("data/README.md", "crate::guide::data_sources"),
    ("docs/MODEL.md", "crate::spec"),
];

/// The repository's README: the crate root (its headings are not the
/// crate page's, so a fragment is dropped).
const ROOT_README: &str = "README.md";

/// The file `page` (from the package root `root`) as rustdoc should
/// render it: every relative link rewritten (see the top of this file).
/// Fails with the page, the link and why, for a link to no file.
pub fn rewrite(root: &Path, page: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join(page)).map_err(|e| format!("{page}: {e}"))?;
    let dir = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if marker.len() >= 3 {
            match &fence {
                None => {
                    fence = Some(marker.clone());
                    // An unlabelled block of a page that is not the
                    // guide's own is not Rust: shown as text, not run.
                    let label = trimmed[marker.len()..].trim();
                    if label.is_empty() && !page.starts_with("docs/") {
                        let indent = &line[..line.len() - trimmed.len()];
                        out.push_str(&format!("{indent}{marker}text\n"));
                        continue;
                    }
                }
                Some(open) if marker.starts_with(open.as_str()) => fence = None,
                Some(_) => {}
            }
            out.push_str(line);
            continue;
        }
        if fence.is_some() {
            out.push_str(line);
        } else {
            out.push_str(&rewrite_line(root, dir, page, line)?);
        }
    }
    Ok(out)
}

/// One line outside code: each `](target)` rewritten, code spans kept.
fn rewrite_line(root: &Path, dir: &Path, page: &str, line: &str) -> Result<String, String> {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut in_code = false;
    while let Some(i) = rest.find(['`', ']']) {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        if let Some(next) = after.strip_prefix('`') {
            in_code = !in_code;
            out.push('`');
            rest = next;
            continue;
        }
        // `]`: a link's target follows when `(` does.
        if in_code || !after[1..].starts_with('(') {
            out.push(']');
            rest = &after[1..];
            continue;
        }
        let Some(end) = after.find(')') else {
            out.push_str(after);
            return Ok(out);
        };
        let target = &after[2..end];
        out.push_str("](");
        out.push_str(&resolve(root, dir, page, target)?);
        out.push(')');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where `target`, a link of `page` (in `dir`), points once rendered.
pub fn resolve(root: &Path, dir: &Path, page: &str, target: &str) -> Result<String, String> {
    let keep = target.is_empty()
        || target.starts_with('#')
        || target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with("data:")
        || target.starts_with("crate::");
    if keep {
        return Ok(target.to_string());
    }
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let file = normal(&dir.join(path));
    let name = file.to_string_lossy().replace('\\', "/");
    let with = |module: &str| match fragment {
        Some(f) => format!("{module}#{f}"),
        None => module.to_string(),
    };
    if let Some((_, module)) = PAGES.iter().find(|(p, _)| *p == name) {
        return Ok(with(module));
    }
    if name == ROOT_README {
        return Ok("crate".to_string());
    }
    let on_disk = root.join(&file);
    if on_disk.is_dir() {
        // A folder of a page's files: that page (`marketplace/`).
        let page_of = format!("{}.md", name.trim_end_matches('/'));
        if let Some((_, module)) = PAGES.iter().find(|(p, _)| *p == page_of) {
            return Ok(module.to_string());
        }
    }
    let bytes = std::fs::read(&on_disk)
        .map_err(|e| format!("{page}: link '{target}' points to no file ({e})"))?;
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        _ => "text/plain",
    };
    Ok(format!("data:{mime};base64,{}", base64(&bytes)))
}

/// `path` without `.` and `..` (kept relative to the package root).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
