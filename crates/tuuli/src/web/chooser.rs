//! Choosers that scale: a form field that picks one or more rows of a large table
//! (organisations, people) without listing the table. It works without JavaScript: next to
//! the choice is a search field and a "Find" button that submits the same form with
//! `_find=<field>`; the handler then shows the form again — everything typed kept, nothing
//! saved — with the rows whose names contain the search text as choices (at most
//! [`SHOWN`], with a note when more matched), plus the ones already chosen. A small
//! registry (at most [`SHOWN`] rows) is listed whole, as a plain select would.
//!
//! The stores supply the rows (`organisations::store::choices_for`,
//! `people::store::choices_for`); this module only reads the request and carries the
//! result to the template (`templates/chooser.html`).

use serde::Serialize;

use super::forms::RawForm;

/// How many found rows a chooser lists at most.
pub const SHOWN: usize = 30;

/// The form field that carries the name of the chooser whose Find button was pressed.
pub const FIND: &str = "_find";

/// One chooser's state for a template.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Chooser {
    /// The form field that holds the chosen id(s).
    pub name: String,
    /// The search text typed (kept when the form is shown again).
    pub text: String,
    /// The choices to list: the chosen rows first, then the rows found, by name.
    pub choices: Vec<(i64, String)>,
    /// Whether more rows matched than are listed.
    pub more: bool,
    /// Whether this chooser's Find button was pressed (the template moves focus there).
    pub found: bool,
    /// How many found rows are listed at most (for the "more" note).
    pub shown: usize,
}

impl Chooser {
    /// A chooser of `name` with its rows (from a store's `choices_for`).
    pub fn new(name: &str, text: &str, (choices, more): (Vec<(i64, String)>, bool)) -> Self {
        Chooser {
            name: name.to_owned(),
            text: text.to_owned(),
            choices,
            more,
            found: false,
            shown: SHOWN,
        }
    }

    /// Marks the chooser as the one whose Find button was pressed, if it was.
    pub fn found_by(mut self, find: Option<&str>) -> Self {
        self.found = find == Some(self.name.as_str());
        self
    }
}

/// The search text typed for chooser `name` (field `<name>_q`).
pub fn text(form: &RawForm, name: &str) -> String {
    form.get(&format!("{name}_q"))
}

/// The chooser to search in, if the form asks for a search instead of a save: the one
/// whose Find button submitted it, or one whose search text differs from the text its
/// choices were found with (`<name>_q_was`: Enter pressed in the search field, or text
/// typed and not yet searched for). The handler then shows the form again, nothing saved.
pub fn find(form: &RawForm) -> Option<String> {
    if let Some(f) = Some(form.get(FIND)).filter(|f| !f.is_empty()) {
        return Some(f);
    }
    form.0.iter().find_map(|(k, was)| {
        let name = k.strip_suffix("_q_was")?;
        (form.get(&format!("{name}_q")) != was.trim()).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_find_request_names_its_chooser_and_keeps_the_search_text() {
        let form = RawForm::parse(b"name=X&convener_id_q=%C3%A4%C3%A4nek&_find=convener_id");
        assert_eq!(find(&form).as_deref(), Some("convener_id"));
        assert_eq!(text(&form, "convener_id"), "äänek");
        let c = Chooser::new("convener_id", "äänek", (vec![], false)).found_by(Some("convener_id"));
        assert!(c.found);
        assert!(find(&RawForm::parse(b"name=X")).is_none());
        // Enter in the search field: new text, no button.
        let form = RawForm::parse(b"convener_id_q=lahti&convener_id_q_was=&convener_id=");
        assert_eq!(find(&form).as_deref(), Some("convener_id"));
        // Saving after a search: the text is the one searched for.
        let form = RawForm::parse(b"convener_id_q=lahti&convener_id_q_was=lahti&convener_id=3");
        assert!(find(&form).is_none());
    }
}
