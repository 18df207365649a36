//! Bounded text for messages: a long id or a value with hundreds of digits
//! is cut, and a long list is summarised, so that no message grows with
//! hostile input (a 10 KB id, 5e-324 written out in full, 10,000 closed
//! regions).

use std::fmt;

/// Most characters of an id or a free text shown in a message.
pub(crate) const MAX_SHOWN_CHARS: usize = 80;

/// Most items of a list shown in a message; the rest are counted.
pub(crate) const MAX_SHOWN_ITEMS: usize = 10;

/// `text`, or its first [`MAX_SHOWN_CHARS`] characters and how long it was.
pub(crate) fn cut(text: &str) -> Cut<'_> {
    Cut(text)
}

/// Display of [`cut`].
pub(crate) struct Cut<'a>(&'a str);

impl fmt::Display for Cut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0.char_indices().nth(MAX_SHOWN_CHARS) {
            None => f.write_str(self.0),
            Some((end, _)) => write!(f, "{}... ({} bytes in all)", &self.0[..end], self.0.len()),
        }
    }
}

/// Most characters of the list of valid names that [`serde_message`]
/// shows (the names are the crate's own: every list of the file format
/// is far shorter).
const MAX_NAMES_CHARS: usize = 4000;

/// A parser's message (serde's) for display: the input it quotes cut as
/// [`cut`] cuts it, the list of valid names that follows kept whole, as
/// in "unknown field `deadlin`, expected one of `id`, `origin`, ...".
pub(crate) fn serde_message(message: &str) -> SerdeMessage<'_> {
    SerdeMessage(message)
}

/// Display of [`serde_message`].
pub(crate) struct SerdeMessage<'a>(&'a str);

impl fmt::Display for SerdeMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // The names follow the quoted input: split at the last "`, expected".
        let (quoted, names) = match self.0.rfind("`, expected ") {
            Some(i) => self.0.split_at(i + 1),
            None => match self.0.rfind("`, there are no") {
                Some(i) => self.0.split_at(i + 1),
                None => (self.0, ""),
            },
        };
        match names.char_indices().nth(MAX_NAMES_CHARS) {
            None => write!(f, "{}{names}", cut(quoted)),
            Some((end, _)) => write!(f, "{}{}...", cut(quoted), &names[..end]),
        }
    }
}

/// A number as Rust writes it when that is short, else in scientific
/// notation: `5e-324`, not 324 digits.
pub(crate) fn num(value: f64) -> Num {
    Num(value)
}

/// Display of [`num`].
pub(crate) struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let v = self.0;
        let a = v.abs();
        if v == 0.0 || !v.is_finite() || (1e-5..1e16).contains(&a) {
            write!(f, "{v}")
        } else {
            write!(f, "{v:e}")
        }
    }
}

/// A number to six decimals (`29.000000`) when that is short, else as
/// [`num`] writes it.
pub(crate) fn fixed6(value: f64) -> String {
    if value.abs() < 1e15 && (value == 0.0 || value.abs() >= 1e-5) {
        format!("{value:.6}")
    } else {
        num(value).to_string()
    }
}

/// Writes up to [`MAX_SHOWN_ITEMS`] items with `each`, then `and K more`
/// with `more` (such as `"\n  ... and 12 more jobs"`).
pub(crate) fn list<T>(
    f: &mut fmt::Formatter,
    items: &[T],
    mut each: impl FnMut(&mut fmt::Formatter, &T) -> fmt::Result,
    more: impl FnOnce(&mut fmt::Formatter, usize) -> fmt::Result,
) -> fmt::Result {
    for item in items.iter().take(MAX_SHOWN_ITEMS) {
        each(f, item)?;
    }
    if items.len() > MAX_SHOWN_ITEMS {
        more(f, items.len() - MAX_SHOWN_ITEMS)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_cut_on_a_char_boundary() {
        let id = "é".repeat(1000);
        let shown = cut(&id).to_string();
        assert!(shown.starts_with(&"é".repeat(MAX_SHOWN_CHARS)));
        assert!(shown.ends_with("... (2000 bytes in all)"), "{shown}");
        assert_eq!(cut("short").to_string(), "short");
    }

    #[test]
    fn numbers_stay_short() {
        assert_eq!(num(5e-324).to_string(), "5e-324");
        assert_eq!(num(1.7e308).to_string(), "1.7e308");
        assert_eq!(num(0.001).to_string(), "0.001");
        assert_eq!(num(-2.5).to_string(), "-2.5");
        assert_eq!(num(0.0).to_string(), "0");
        assert_eq!(num(f64::NAN).to_string(), "NaN");
        assert_eq!(num(123456789.0).to_string(), "123456789");
    }
}
