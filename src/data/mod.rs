//! Scenarios built from the real public data in the repository's `data/`
//! folder (placeholder: filled in by the data builder work).
