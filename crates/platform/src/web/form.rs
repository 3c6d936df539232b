//! What forms share: the options of a select.

use super::PageCtx;

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Text shown.
    pub label: String,
    /// Selected?
    pub selected: bool,
}

/// The options of a coded field, each labelled by the catalogue key `prefix` + code.
pub fn choices(ctx: &PageCtx, prefix: &str, codes: &[&str], current: &str) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            value: (*c).to_owned(),
            label: ctx.tp(prefix, c).into_owned(),
            selected: *c == current,
        })
        .collect()
}
