//! Templates of the person registry.

use askama::Template;

use crate::entity::person::Model as Person;
use crate::entity::person_change::Model as PersonChange;
use crate::entity::timeline_event::Model as TimelineEvent;
use crate::input::PersonInput;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::PageCtx;
use sipe_platform::web::table::Pager;

/// A row of the people list.
pub struct PersonRow {
    /// The person.
    pub person: Person,
    /// Name to show (self-perceived first).
    pub name: String,
    /// Owning office code.
    pub office: String,
}

/// `/persons`.
#[derive(Template)]
#[template(path = "persons/list.html")]
pub struct PersonsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Why the search was not run (the form is shown as typed, with this beside it).
    pub problem: Option<SearchProblem>,
    /// 200, or 422 with a problem.
    pub status: axum::http::StatusCode,
    /// Rows.
    pub rows: Vec<PersonRow>,
    /// Paging.
    pub pager: Pager,
    /// Search text and filters as typed.
    pub filters: crate::filters::PersonFilters,
    /// Office filter choices.
    pub offices: Vec<Choice>,
    /// Department filter choices.
    pub departments: Vec<Choice>,
    /// Education filter choices.
    pub education: Vec<Choice>,
    /// Employment filter choices.
    pub employment: Vec<Choice>,
    /// The occupation the filter resolved to.
    pub occupation_label: Option<String>,
    /// Current filters as a query string, for the export links.
    pub export_query: String,
    /// The user's saved searches.
    pub saved: Vec<crate::saved::SavedSearch>,
    /// May register.
    pub can_edit: bool,
    /// May export the results.
    pub can_export: bool,
    /// A search was made (show "register" suggestion when nothing found).
    pub searched: bool,
}

/// `/persons/new` and `/persons/{id}/edit`.
#[derive(Template)]
#[template(path = "persons/form.html")]
pub struct PersonFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Where to post.
    pub action: String,
    /// Heading key.
    pub title_key: &'static str,
    /// Values.
    pub form: PersonInput,
    /// Problems.
    pub errors: FieldErrors,
    /// Possible duplicates to confirm.
    pub duplicates: Vec<PersonRow>,
    /// The document exists in an office the user cannot see.
    pub exists_elsewhere: bool,
    /// Document types.
    pub doc_types: Vec<Choice>,
    /// Departments.
    pub departments: Vec<Choice>,
    /// Offices of the capture scope.
    pub offices: Vec<Choice>,
    /// Education levels.
    pub education: Vec<Choice>,
    /// Employment statuses.
    pub employment: Vec<Choice>,
}

impl PersonFormPage {
    /// Every country, for the nationality list.
    pub fn countries(&self) -> &'static [sipe_platform::countries::Country] {
        sipe_platform::countries::all()
    }

    /// The nationality as the field shows it: `Argentina (AR)`, or what was typed.
    pub fn nationality_label(&self) -> String {
        let typed = self.form.nationality.trim();
        match sipe_platform::countries::resolve(typed) {
            Some(c) if !typed.is_empty() => c.label(self.ctx.lang),
            _ => typed.to_owned(),
        }
    }
}

/// One change of a field, with the field's name and values as people read them.
pub struct ChangeRow {
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The field's label.
    pub field: String,
    /// Value before.
    pub old: String,
    /// Value after.
    pub new: String,
    /// Who.
    pub actor: String,
}

impl ChangeRow {
    /// The row of a stored change in `lang`.
    pub fn of(lang: sipe_platform::i18n::Lang, c: PersonChange) -> Self {
        let text = |v: &Option<String>| {
            crate::service::value_text(lang, &c.field, v.as_deref().unwrap_or_default())
        };
        Self {
            at: c.at,
            field: lang
                .t(&crate::service::field_label_key(&c.field))
                .into_owned(),
            old: text(&c.old_value),
            new: text(&c.new_value),
            actor: sipe_platform::audit::actor_label(lang, &c.actor_name),
        }
    }
}

/// `/persons/{id}`.
#[derive(Template)]
#[template(path = "persons/show.html")]
pub struct PersonPage {
    /// What other modules show on the page (already rendered by their templates).
    pub module_sections: Vec<String>,
    /// Page context.
    pub ctx: PageCtx,
    /// The person.
    pub person: Person,
    /// Name to show.
    pub name: String,
    /// Age today.
    pub age: i32,
    /// Owning office name.
    pub office: String,
    /// Department name.
    pub department: String,
    /// CUIL formatted.
    pub cuil: String,
    /// Timeline, newest first.
    pub events: Vec<TimelineEvent>,
    /// Field history, newest first, as people read it.
    pub changes: Vec<ChangeRow>,
    /// May edit.
    pub can_edit: bool,
    /// Profile items, grouped by kind in display order.
    pub sections: Vec<ItemSection>,
    /// Interviews, newest first.
    pub interviews: Vec<crate::entity::interview::Model>,
    /// May coordinate (data-subject access, merges).
    pub can_coordinate: bool,
}

/// The items of one kind on the person page.
pub struct ItemSection {
    /// Kind.
    pub kind: &'static str,
    /// Items, ready to show.
    pub rows: Vec<ItemRow>,
}

/// `/persons/{id}/certificate`: the registration certificate and work profile (CV) the
/// person takes away, printable.
#[derive(Template)]
#[template(path = "persons/certificate.html")]
pub struct CertificatePage {
    /// Page context.
    pub ctx: PageCtx,
    /// The person.
    pub person: Person,
    /// Name to show.
    pub name: String,
    /// CUIL formatted.
    pub cuil: String,
    /// The office: name, address, phone.
    pub office: (String, String, String),
    /// Profile items, grouped by kind (empty kinds left out).
    pub sections: Vec<ItemSection>,
    /// Today, as the certificate is dated.
    pub today: String,
    /// What it certifies: who is registered, where and since when.
    pub statement: String,
}

/// A profile item as the person page shows it.
pub struct ItemRow {
    /// Item id.
    pub id: uuid::Uuid,
    /// Main text (occupation, skill, language...).
    pub text: String,
    /// Secondary text (level, employer, dates).
    pub detail: String,
}

/// A search the list refused: the field it concerns and the message key.
#[derive(Debug, Clone, Copy)]
pub struct SearchProblem {
    /// `q`, `occupation` or `page`.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub key: &'static str,
}

impl SearchProblem {
    /// The problem of `field`.
    pub fn of(field: &'static str, key: &'static str) -> Self {
        Self { field, key }
    }

    /// Is it about `field`? (the template marks that input invalid)
    pub fn is(&self, field: &str) -> bool {
        self.field == field
    }
}

impl PersonPage {
    /// A timeline event in the reader's language.
    pub fn event_text(&self, e: &TimelineEvent) -> String {
        crate::timeline::render(self.ctx.lang, &e.kind, e.args.as_deref(), &e.summary)
    }
}
