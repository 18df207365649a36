//! The guide's outputs that come from an example rather than from a
//! command: each page shows a block the example prints, and this test
//! runs the example's code (included as a module) and compares, so that
//! the page cannot go stale. Commands shown with their output are
//! checked by `cli/tests/docs.rs`.

#[allow(dead_code)]
#[path = "../examples/overbooked.rs"]
mod overbooked;

/// The first `text` block of `page` whose first line starts with `first`.
fn text_block(page: &str, first: &str) -> String {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(page))
        .unwrap_or_else(|e| panic!("{page}: {e}"));
    let mut blocks = text.split("```text\n").skip(1);
    let block = blocks
        .find(|b| b.starts_with(first))
        .unwrap_or_else(|| panic!("{page} has no text block starting with {first:?}"));
    block
        .split("```")
        .next()
        .expect("a block ends with a fence")
        .to_string()
}

#[test]
fn the_unmet_work_page_shows_what_the_overbooked_example_prints() {
    let shown = text_block("docs/unmet-work.md", "follow-the-cheap-hours with");
    let printed = overbooked::report().expect("the example runs");
    assert_eq!(shown.trim_end(), printed.trim_end());
}
