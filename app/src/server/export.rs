//! Cells of exported files (CSV, XLSX): a text that a spreadsheet would read as a formula —
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's CSV-injection rule) —
//! is written with a leading apostrophe, so a case number or a note typed as `=HYPERLINK(…)`
//! stays text when an auditor opens the file. Every export writes its cells through [`cell`].

use std::borrow::Cow;

/// The text as it is safe to write into a cell.
pub fn cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A row of cells made safe.
pub fn row<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    cells.into_iter().map(|c| cell(c.as_ref()).into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for bad in ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "=HYPERLINK(\"http://x\")"] {
            assert!(cell(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["115年大安字第001234號", "A12****789", "", "王小明", "1 = 1"] {
            assert_eq!(cell(ok), ok);
        }
        assert_eq!(row(["=a", "b"]), vec!["'=a".to_string(), "b".to_string()]);
    }
}
