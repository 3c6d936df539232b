//! What forms share: the options of a select.

use super::PageCtx;
use crate::validation::FieldErrors;

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

/// The fields of one form: each renders its label above the control, a required mark,
/// its help text and its error, wired for assistive technology (`aria-invalid`,
/// `aria-describedby` naming the help and the error). Made in a template with
/// `{% let f = ctx.fields(errors) %}` and used as
/// `{{ f.text("full_name", "user-full-name", form.full_name).required() }}`.
pub struct Fields<'a> {
    ctx: &'a PageCtx,
    errors: &'a FieldErrors,
}

/// No problems: for forms whose errors are shown another way (login).
static NO_ERRORS: FieldErrors = FieldErrors(Vec::new());

impl PageCtx {
    /// The field builder of a form that reports no field errors.
    pub fn plain_fields(&self) -> Fields<'_> {
        Fields {
            ctx: self,
            errors: &NO_ERRORS,
        }
    }

    /// The field builder of a form showing `errors`.
    pub fn fields<'a>(&'a self, errors: &'a FieldErrors) -> Fields<'a> {
        Fields { ctx: self, errors }
    }
}

/// Which control a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// `<input>` of a type.
    Input(&'static str),
    /// `<select>`.
    Select,
    /// `<input type=checkbox>`, its label after it.
    Checkbox,
    /// `<textarea>`.
    Textarea,
    /// A group of checkboxes sharing a name, in a fieldset with the label as legend.
    Checks,
}

impl<'a> Fields<'a> {
    fn field(&self, control: Control, name: &str, label: &str, value: String) -> Field<'a> {
        Field {
            ctx: self.ctx,
            errors: self.errors,
            control,
            id: name.to_owned(),
            name: name.to_owned(),
            error_field: None,
            label: if label.is_empty() {
                String::new()
            } else {
                self.ctx.t(label).into_owned()
            },
            value,
            required: false,
            hint: None,
            attrs: String::new(),
            options: Vec::new(),
            blank: None,
            checked: false,
            rows: 3,
            wide: false,
            group_error: None,
        }
    }

    /// A one-line text input.
    pub fn text(&self, name: &str, label: &str, value: impl std::fmt::Display) -> Field<'a> {
        self.field(Control::Input("text"), name, label, value.to_string())
    }

    /// An input of another type (`email`, `tel`, `number`, `password`, `url`).
    pub fn input(
        &self,
        kind: &'static str,
        name: &str,
        label: &str,
        value: impl std::fmt::Display,
    ) -> Field<'a> {
        self.field(Control::Input(kind), name, label, value.to_string())
    }

    /// A date input (`yyyy-mm-dd`).
    pub fn date(&self, name: &str, label: &str, value: impl std::fmt::Display) -> Field<'a> {
        self.field(Control::Input("date"), name, label, value.to_string())
    }

    /// A multi-line text.
    pub fn textarea(&self, name: &str, label: &str, value: impl std::fmt::Display) -> Field<'a> {
        let mut f = self.field(Control::Textarea, name, label, value.to_string());
        f.wide = true;
        f
    }

    /// A checkbox (sent as `on` when ticked).
    pub fn checkbox(
        &self,
        name: &str,
        label: &str,
        checked: impl std::borrow::Borrow<bool>,
    ) -> Field<'a> {
        let mut f = self.field(Control::Checkbox, name, label, String::new());
        f.checked = *checked.borrow();
        f
    }

    /// A select of prepared options.
    pub fn select(&self, name: &str, label: &str, options: &[Choice]) -> Field<'a> {
        let mut f = self.field(Control::Select, name, label, String::new());
        f.options = options.to_vec();
        f
    }

    /// A group of checkboxes, one per option (ticked when selected); each box's id is
    /// the field's id, `-` and the option's value.
    pub fn checks(&self, name: &str, label: &str, options: &[Choice]) -> Field<'a> {
        let mut f = self.field(Control::Checks, name, label, String::new());
        f.options = options.to_vec();
        f.wide = true;
        f
    }

    /// A select of codes, each labelled by the catalogue key `prefix` + code.
    pub fn codes(
        &self,
        name: &str,
        label: &str,
        prefix: &str,
        codes: &[&str],
        current: &str,
    ) -> Field<'a> {
        let options = choices(self.ctx, prefix, codes, current);
        let mut f = self.field(Control::Select, name, label, String::new());
        f.options = options;
        f
    }
}

/// One labelled form field (see [`Fields`]).
#[derive(askama::Template)]
#[template(path = "partials/field.html")]
pub struct Field<'a> {
    ctx: &'a PageCtx,
    errors: &'a FieldErrors,
    control: Control,
    id: String,
    name: String,
    error_field: Option<String>,
    label: String,
    value: String,
    required: bool,
    hint: Option<String>,
    attrs: String,
    options: Vec<Choice>,
    blank: Option<String>,
    checked: bool,
    rows: u32,
    wide: bool,
    group_error: Option<String>,
}

// The template escapes every value itself; `attrs` come from templates, never input.
impl askama::filters::HtmlSafe for Field<'_> {}

impl<'a> Field<'a> {
    /// Marks it required (the browser checks it, and the label shows `*`).
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Required when `yes`.
    pub fn required_if(mut self, yes: bool) -> Self {
        self.required = yes;
        self
    }

    /// Help text under the control (a catalogue key).
    pub fn hint(mut self, key: &str) -> Self {
        self.hint = Some(self.ctx.t(key).into_owned());
        self
    }

    /// The label already translated (a key built from a code); give `""` as the key.
    pub fn label_text(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    /// Help text already translated (a message with arguments).
    pub fn hint_text(mut self, text: impl Into<String>) -> Self {
        self.hint = Some(text.into());
        self
    }

    /// Another element id (when two forms of a page share a field name).
    pub fn id(mut self, id: &str) -> Self {
        id.clone_into(&mut self.id);
        self
    }

    /// The name its errors are reported under, when not the field's name.
    pub fn errors_as(mut self, field: &str) -> Self {
        self.error_field = Some(field.to_owned());
        self
    }

    /// Further attributes of the control, written as given (`maxlength="80"`).
    pub fn attrs(mut self, attrs: &str) -> Self {
        if !self.attrs.is_empty() {
            self.attrs.push(' ');
        }
        self.attrs.push_str(attrs);
        self
    }

    /// A first, empty option labelled by `key` (`""` shows a dash).
    pub fn blank(mut self, key: &str) -> Self {
        self.blank = Some(if key.is_empty() {
            "—".to_owned()
        } else {
            self.ctx.t(key).into_owned()
        });
        self
    }

    /// One of several inputs sharing one error, shown once by the page under the id
    /// `error_id`: the input is marked invalid and described by it, without its own copy.
    pub fn in_group(mut self, error_id: &str) -> Self {
        self.group_error = Some(error_id.to_owned());
        self
    }

    /// Rows of a textarea.
    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = rows;
        self
    }

    /// Takes a whole row of the form's grid.
    pub fn wide(mut self) -> Self {
        self.wide = true;
        self
    }

    /// The translated error, if the field has one. Of a group sharing one error, only
    /// the inputs that hold something are marked (an unknown skill is in a filled box,
    /// not in the empty ones), unless the problem is that the group is empty.
    fn error(&self) -> Option<String> {
        let field = self.error_field.as_deref().unwrap_or(&self.name);
        let key = self.errors.0.iter().find(|e| e.field == field)?.key;
        let holds_something = !self.value.trim().is_empty()
            || self
                .options
                .iter()
                .any(|o| o.selected && !o.value.is_empty());
        if self.group_error.is_some() && !holds_something && key != "field-required" {
            return None;
        }
        Some(self.ctx.t(key).into_owned())
    }

    /// Ids of the help text and the error, for `aria-describedby`.
    fn described_by(&self, error: bool) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if error {
            match &self.group_error {
                Some(group) => ids.push(group.clone()),
                None => ids.push(format!("{}-error", self.id)),
            }
        }
        ids.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn ctx() -> PageCtx {
        crate::i18n::register(&crate::i18n::PLATFORM);
        PageCtx {
            lang: Lang::EsAr,
            user: None,
            nav: Vec::new(),
            csrf: std::sync::Arc::from(""),
            flash: None,
            path: "/".into(),
            tz: chrono_tz::America::Argentina::Tucuman,
            search: None,
        }
    }

    #[test]
    fn numbers_are_grouped_as_the_reader_writes_them() {
        let ctx = ctx();
        assert_eq!(ctx.number(0), "0");
        assert_eq!(ctx.number(999), "999");
        assert_eq!(ctx.number(20_001), "20.001");
        assert_eq!(ctx.number(1_234_567), "1.234.567");
    }

    #[test]
    fn an_invalid_field_names_its_error_and_help() {
        let ctx = ctx();
        let errors = FieldErrors::one("phone", "field-required");
        let f = ctx.fields(&errors);
        let html = f
            .input("tel", "phone", "action-save", "381<12")
            .required()
            .hint("action-save")
            .to_string();
        assert!(html.contains(r#"<label for="phone">"#), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
        assert!(
            html.contains(r#"aria-describedby="phone-hint phone-error""#),
            "{html}"
        );
        assert!(html.contains(r#"id="phone-error""#), "{html}");
        assert!(
            html.contains("381&#60;12") || html.contains("381&lt;12"),
            "escaped: {html}"
        );
        assert!(html.contains(" required"), "{html}");
        // The same field without an error carries no error wiring.
        let ok = FieldErrors::new();
        let html = ctx.fields(&ok).text("phone", "action-save", "").to_string();
        assert!(
            !html.contains("aria-invalid") && !html.contains("aria-describedby"),
            "{html}"
        );
    }

    #[test]
    fn of_a_group_sharing_one_error_only_the_filled_inputs_are_marked() {
        let ctx = ctx();
        let errors = FieldErrors::one("skills", "field-too-long");
        let f = ctx.fields(&errors);
        let filled = f
            .text("skills", "action-save", "amasar")
            .id("skill-0")
            .in_group("skills-error")
            .to_string();
        assert!(filled.contains(r#"aria-invalid="true""#), "{filled}");
        assert!(
            filled.contains(r#"aria-describedby="skills-error""#),
            "{filled}"
        );
        assert!(
            !filled.contains("field-error"),
            "the group shows the message once"
        );
        let empty = f
            .text("skills", "action-save", "")
            .id("skill-1")
            .in_group("skills-error")
            .to_string();
        assert!(!empty.contains("aria-invalid"), "{empty}");
        // When the group is empty and must not be, every input is marked.
        let required = FieldErrors::one("skills", "field-required");
        let empty = ctx
            .fields(&required)
            .text("skills", "action-save", "")
            .in_group("skills-error")
            .to_string();
        assert!(empty.contains(r#"aria-invalid="true""#), "{empty}");
    }

    #[test]
    fn selects_checkboxes_and_textareas_keep_what_was_entered() {
        let ctx = ctx();
        let errors = FieldErrors::new();
        let f = ctx.fields(&errors);
        let html = f
            .codes("sex", "action-save", "sex-", &["F", "M"], "M")
            .blank("")
            .to_string();
        assert!(html.contains(r#"<option value="">—</option>"#), "{html}");
        assert!(html.contains(r#"<option value="M" selected>"#), "{html}");
        let html = f.checkbox("sms", "action-save", true).to_string();
        assert!(html.contains("checked"), "{html}");
        let html = f
            .textarea("note", "action-save", "a & b")
            .rows(4)
            .to_string();
        assert!(
            html.contains(r#"rows="4""#) && html.contains("a &#38; b")
                || html.contains("a &amp; b"),
            "{html}"
        );
    }
}
