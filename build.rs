//! Writes the guide's pages (`docs/*.md` and the two READMEs it links to)
//! with links that work under `target/doc` and on docs.rs; see
//! `build/guide.rs`. `src/lib.rs` includes them from `OUT_DIR`.

#[path = "build/guide.rs"]
mod guide;

fn main() {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("guide");
    std::fs::create_dir_all(&out).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/guide.rs");
    println!("cargo:rerun-if-changed=docs");
    println!("cargo:rerun-if-changed=scenarios/README.md");
    println!("cargo:rerun-if-changed=data/README.md");
    for (page, _) in guide::PAGES {
        println!("cargo:rerun-if-changed={page}");
        let text = guide::rewrite(&root, page).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(page.replace('/', "__")), text).unwrap();
    }
}
