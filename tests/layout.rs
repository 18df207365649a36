//! The house's floors, checked on the source itself: no circle of imports
//! between source files of different folders (a circle inside one folder
//! of at most four files is one room), and no function longer than 150
//! lines (the command-line tool's included). What `docs/layout.md` draws.
//!
//! A file's imports are its `crate::` and `super::` paths (in `use` lines
//! and in code; comments and `#[cfg(test)]` modules left out), each
//! resolved to the file that defines the module, a name the crate root
//! re-exports (`crate::Error`) to the file it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The most files a circle inside one folder may have.
const MAX_ROOM: usize = 4;
/// The most lines a function may have.
const MAX_FUNCTION_LINES: usize = 150;

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src` (`solve/lp.rs` -> `[solve, lp]`,
/// `solve/mod.rs` -> `[solve]`, `lib.rs` -> `[]`).
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments, string contents and its trailing
/// `#[cfg(test)] mod` (tests sit last by convention).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            i = end;
        } else if b[i] == b'"' {
            // A string: its quotes kept, its contents dropped.
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push('"');
            i += 1;
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('{', '\n'); a lifetime is left as it is.
            let end = text[i + 1..].find('\'').map_or(b.len(), |e| i + 1 + e + 1);
            out.push_str("' '");
            i = end;
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    match out
        .find("#[cfg(test)]\nmod ")
        .or_else(|| out.find("#[cfg(test)]\npub(crate) mod "))
    {
        Some(at) => out[..at].to_string(),
        None => out,
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier path starting at `s` (`a::b::C`), and the rest.
fn path_at(s: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    let mut rest = s;
    loop {
        let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        parts.push(rest[..len].to_string());
        rest = &rest[len..];
        match rest.strip_prefix("::") {
            Some(r) if r.starts_with(is_ident) => rest = r,
            _ => break,
        }
    }
    (parts, rest)
}

/// The paths a `{...}` group names (`a::B, c::{D, E}`), each with `prefix`.
fn group_paths(prefix: &[String], body: &str, out: &mut Vec<Module>) {
    let mut depth = 0;
    let mut start = 0;
    let mut items = Vec::new();
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&body[start..]);
    for item in items {
        let item = item.trim();
        if let Some(open) = item.find("::{") {
            let mut p = prefix.to_vec();
            p.extend(item[..open].split("::").map(str::to_string));
            let inner = item[open + 3..].trim_end().trim_end_matches('}');
            group_paths(&p, inner, out);
        } else if !item.is_empty() {
            let mut p = prefix.to_vec();
            let name = item.split(" as ").next().unwrap_or(item);
            p.extend(name.split("::").map(|s| s.trim().to_string()));
            out.push(p);
        }
    }
}

/// Every module path a file's code names.
fn referenced(module: &Module, code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = code[i..].find("crate::").map(|a| a + i) {
        let before = code[..at].chars().next_back();
        i = at + "crate::".len();
        if before.is_some_and(is_ident) {
            continue;
        }
        let rest = &code[i..];
        if let Some(body) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = body
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(body.len(), |(e, _)| e);
            group_paths(&[], &body[..end], &mut out);
        } else {
            let (parts, tail) = path_at(rest);
            if let Some(body) = tail.strip_prefix("::{") {
                let end = body.find("};").unwrap_or(body.len());
                group_paths(&parts, &body[..end], &mut out);
            } else {
                out.push(parts);
            }
        }
    }
    // `super` of `solve/lp.rs` ([solve, lp]) and of `solve/mod.rs`
    // ([solve]) alike: the module path without its last part.
    let parent: Module = module[..module.len().saturating_sub(1)].to_vec();
    let mut i = 0;
    while let Some(at) = code[i..].find("super::").map(|a| a + i) {
        let before = code[..at].chars().next_back();
        i = at + "super::".len();
        if before.is_some_and(is_ident) {
            continue;
        }
        let (parts, tail) = path_at(&code[i..]);
        let mut p = parent.clone();
        if let Some(body) = tail.strip_prefix("::{") {
            let end = body.find("};").unwrap_or(body.len());
            let mut within = Vec::new();
            p.extend(parts);
            group_paths(&p, &body[..end], &mut within);
            out.extend(within);
        } else if parts.is_empty() {
            if let Some(body) = code[i..].strip_prefix('{') {
                let end = body.find("};").unwrap_or(body.len());
                group_paths(&p, &body[..end], &mut out);
            }
        } else {
            p.extend(parts);
            out.push(p);
        }
    }
    out
}

/// The names the crate root re-exports, each with the path it comes from.
fn reexports(lib: &str) -> BTreeMap<String, Module> {
    let mut out = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(at) = stmt.find("pub use ") else {
            continue;
        };
        let stmt = &stmt[at + "pub use ".len()..];
        let mut paths = Vec::new();
        let (head, tail) = path_at(stmt);
        match tail.strip_prefix("::{") {
            Some(body) => group_paths(&head, body.trim_end().trim_end_matches('}'), &mut paths),
            None => paths.push(head),
        }
        for p in paths {
            if let Some((name, from)) = p.split_last() {
                out.insert(name.clone(), from.to_vec());
            }
        }
    }
    out
}

struct Crate {
    files: BTreeMap<Module, PathBuf>,
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

fn read_crate() -> Crate {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: BTreeMap<Module, PathBuf> = paths
        .iter()
        .map(|p| (module_of(&src, p), p.clone()))
        .collect();
    let lib = code_of(&fs::read_to_string(src.join("lib.rs")).expect("lib.rs"));
    let roots = reexports(&lib);
    let resolve = |path: &Module| -> Option<Module> {
        let path = match path.first().and_then(|n| roots.get(n)) {
            Some(from) if !files.contains_key(&path[..1]) => {
                let mut p = from.clone();
                p.extend_from_slice(&path[1..]);
                p
            }
            _ => path.clone(),
        };
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| files.contains_key(m))
    };
    let mut edges = BTreeMap::new();
    for (module, path) in &files {
        let code = code_of(&fs::read_to_string(path).expect("a source file"));
        let to: BTreeSet<Module> = referenced(module, &code)
            .iter()
            .filter_map(&resolve)
            .filter(|d| d != module && !d.is_empty())
            .collect();
        edges.insert(module.clone(), to);
    }
    Crate { files, edges }
}

/// The strongly connected components of the import graph (Tarjan).
fn circles(c: &Crate) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(s: &mut State, v: &Module) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        s.on.insert(v.clone());
        let next: Vec<Module> = s.edges[v].iter().cloned().collect();
        for w in &next {
            if !s.index.contains_key(w) {
                visit(s, w);
                let l = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), l);
            } else if s.on.contains(w) {
                let l = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), l);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            s.out.push(comp);
        }
    }
    let mut s = State {
        edges: &c.edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in c.files.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out.into_iter().filter(|c| c.len() > 1).collect()
}

fn folder(m: &Module) -> &[String] {
    &m[..m.len().saturating_sub(1)]
}

#[test]
fn no_import_circle_spans_folders() {
    let c = read_crate();
    // The check sees edges: the umbrella error names the floors below it.
    let error = vec!["error".to_string()];
    assert!(
        c.edges[&error].contains(&vec!["scenario".to_string(), "error".to_string()]),
        "error.rs's imports were not read: {:?}",
        c.edges[&error]
    );
    for comp in circles(&c) {
        let names: Vec<String> = comp.iter().map(|m| m.join("/")).collect();
        let one_folder = comp.iter().all(|m| folder(m) == folder(&comp[0]));
        assert!(
            one_folder && comp.len() <= MAX_ROOM,
            "an import circle of {} files across floors: {names:?}",
            comp.len()
        );
    }
}

#[test]
fn the_umbrella_error_is_above_what_it_wraps() {
    let c = read_crate();
    let error = vec!["error".to_string()];
    // Nothing error.rs imports reaches back to it.
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Module> = c.edges[&error].iter().cloned().collect();
    while let Some(m) = todo.pop() {
        assert_ne!(m, error, "error.rs reaches itself through its imports");
        if seen.insert(m.clone()) {
            todo.extend(c.edges[&m].iter().cloned());
        }
    }
    // Its floors are the errors' own files, not the commands.
    for m in &seen {
        let name = m.join("/");
        assert!(
            !name.starts_with("decide/explain")
                && !name.starts_with("schedulers")
                && !name.ends_with("engine"),
            "error.rs depends on {name}"
        );
    }
}

#[test]
fn no_function_is_longer_than_150_lines() {
    let c = read_crate();
    // The command-line tool's too (a package of its own, beside).
    let mut paths: Vec<PathBuf> = c.files.values().cloned().collect();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("cli/src"),
        &mut paths,
    );
    let mut long = Vec::new();
    for path in &paths {
        let code = code_of(&fs::read_to_string(path).expect("a source file"));
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let t = t
                .strip_prefix("pub(crate) ")
                .or(t.strip_prefix("pub(super) "))
                .unwrap_or(t);
            let t = t.strip_prefix("pub ").unwrap_or(t);
            let t = t.strip_prefix("const ").unwrap_or(t);
            if !t.starts_with("fn ") {
                continue;
            }
            let mut depth = 0i64;
            let mut opened = false;
            for (j, l) in lines.iter().enumerate().skip(i) {
                if !opened && l.contains(';') && !l.contains('{') {
                    break; // a declaration without a body
                }
                depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
                opened |= l.contains('{');
                if opened && depth <= 0 {
                    let n = j - i + 1;
                    if n > MAX_FUNCTION_LINES {
                        long.push(format!("{}:{} ({n} lines)", path.display(), i + 1));
                    }
                    break;
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}
