//! One person against a programme's criteria: every criterion with its outcome, the
//! person's value and the rule, in the reader's language ("edad 27 — entre 18 y 24: no
//! cumple").

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sipe_persons::eligibility::Facts;
use sipe_platform::i18n::Lang;

use super::{Criterion, Held};

/// One criterion evaluated.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Kind of criterion.
    pub kind: &'static str,
    /// Met?
    pub met: bool,
    /// The person's value (`edad 27`).
    pub value: String,
    /// The rule (`entre 18 y 24 años`).
    pub rule: String,
}

/// Whether every criterion is met, and each one's outcome.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// Every criterion met (true when the programme has none).
    pub eligible: bool,
    /// Each criterion, in the programme's order.
    pub criteria: Vec<Outcome>,
}

/// Names of territories by code, for residence rules and values.
pub type Names = HashMap<String, String>;

fn yes_no(lang: Lang, yes: bool) -> String {
    lang.t(if yes { "criterion-yes" } else { "criterion-no" })
        .into_owned()
}

/// Is the criterion met by the person on `today`?
pub fn meets(c: &Criterion, f: &Facts, held: &Held, today: NaiveDate) -> bool {
    let day = c.day(today);
    held.meets(c, day)
        .unwrap_or_else(|| c.conditions().iter().all(|k| k.holds(f, day)))
}

/// Evaluates the criteria for a person on `today`.
pub fn evaluate(
    criteria: &[Criterion],
    f: &Facts,
    held: &Held,
    today: NaiveDate,
    lang: Lang,
    names: &Names,
) -> Eligibility {
    let mut outcomes: Vec<Outcome> = criteria
        .iter()
        .map(|c| {
            let day = c.day(today);
            let met = meets(c, f, held, today);
            let (value, rule) = describe(c, f, held, day, lang, names);
            Outcome {
                kind: c.kind(),
                met,
                value,
                rule,
            }
        })
        .collect();
    // The programme's incompatible ones, as one more criterion.
    if !held.incompatible.is_empty() {
        outcomes.push(Outcome {
            kind: "incompatible",
            met: held.holding_incompatible.is_empty(),
            value: if held.holding_incompatible.is_empty() {
                lang.t("criterion-incompatible-value-none").into_owned()
            } else {
                lang.t_args(
                    "criterion-incompatible-value",
                    &[("codes", held.holding_incompatible.join(", "))],
                )
            },
            rule: lang.t_args(
                "criterion-incompatible-rule",
                &[("codes", held.incompatible.join(", "))],
            ),
        });
    }
    Eligibility {
        eligible: outcomes.iter().all(|o| o.met),
        criteria: outcomes,
    }
}

fn name(names: &Names, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

/// A criterion's rule in words, without a person (the programme's page).
pub fn rule_text(c: &Criterion, lang: Lang, names: &Names) -> String {
    let nobody = Facts {
        id: sipe_platform::ids::PersonId(uuid::Uuid::nil()),
        office_id: sipe_platform::ids::OfficeId(uuid::Uuid::nil()),
        cuil: None,
        birth_date: NaiveDate::MIN,
        province_code: None,
        department_code: None,
        employment_status: None,
        unemployed_since: None,
        education_level: None,
        dependants: None,
        head_of_household: false,
        has_disability: false,
        registered_on: NaiveDate::MIN,
    };
    describe(c, &nobody, &Held::default(), NaiveDate::MIN, lang, names).1
}

fn describe(
    c: &Criterion,
    f: &Facts,
    held: &Held,
    day: NaiveDate,
    lang: Lang,
    names: &Names,
) -> (String, String) {
    let dash = || lang.t("criterion-unknown").into_owned();
    match c {
        Criterion::Age { min, max, on } => (
            lang.t_args("criterion-age-value", &[("age", f.age_on(day).to_string())]),
            match on {
                Some(d) => lang.t_args(
                    "criterion-age-rule-on",
                    &[
                        ("min", min.to_string()),
                        ("max", max.to_string()),
                        ("day", d.format("%d/%m/%Y").to_string()),
                    ],
                ),
                None => lang.t_args(
                    "criterion-age-rule",
                    &[("min", min.to_string()), ("max", max.to_string())],
                ),
            },
        ),
        Criterion::Residence {
            province,
            departments,
        } => {
            let place = match (&f.department_code, &f.province_code) {
                (Some(d), _) => name(names, d),
                (None, Some(p)) => name(names, p),
                _ => dash(),
            };
            let rule = if departments.is_empty() {
                name(names, province)
            } else {
                departments
                    .iter()
                    .map(|d| name(names, d))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (
                lang.t_args("criterion-residence-value", &[("place", place)]),
                lang.t_args("criterion-residence-rule", &[("place", rule)]),
            )
        }
        Criterion::Employment {
            statuses,
            min_months_unemployed,
        } => {
            let status = |s: &str| lang.t(&format!("criterion-status-{s}")).into_owned();
            let value = match f.employment_status.as_deref() {
                Some("unemployed") if f.unemployed_since.is_some() => lang.t_args(
                    "criterion-unemployed-months",
                    &[("n", f.months_unemployed_on(day).to_string())],
                ),
                Some(s) => status(s),
                None => dash(),
            };
            let list = statuses
                .iter()
                .map(|s| status(s))
                .collect::<Vec<_>>()
                .join(", ");
            let rule = match min_months_unemployed {
                Some(m) => lang.t_args(
                    "criterion-employment-rule-months",
                    &[("statuses", list), ("n", m.to_string())],
                ),
                None => lang.t_args("criterion-employment-rule", &[("statuses", list)]),
            };
            (value, rule)
        }
        Criterion::Education { max_level } => (
            match &f.education_level {
                Some(l) => lang.t(&format!("isced-{l}")).into_owned(),
                None => dash(),
            },
            lang.t_args(
                "criterion-education-rule",
                &[("level", lang.t(&format!("isced-{max_level}")).into_owned())],
            ),
        ),
        Criterion::Household {
            min_dependants,
            head_of_household,
        } => {
            let value = lang.t_args(
                "criterion-household-value",
                &[
                    ("n", f.dependants.map_or_else(dash, |d| d.to_string())),
                    ("head", yes_no(lang, f.head_of_household)),
                ],
            );
            let mut parts = Vec::new();
            if let Some(n) = min_dependants {
                parts.push(lang.t_args(
                    "criterion-household-rule-dependants",
                    &[("n", n.to_string())],
                ));
            }
            if *head_of_household {
                parts.push(lang.t("criterion-household-rule-head").into_owned());
            }
            (value, parts.join(", "))
        }
        Criterion::Disability => (
            lang.t(if f.has_disability {
                "criterion-disability-yes"
            } else {
                "criterion-disability-no"
            })
            .into_owned(),
            lang.t("criterion-disability-rule").into_owned(),
        ),
        Criterion::Registered { min_days } => (
            lang.t_args(
                "criterion-registered-value",
                &[("n", (day - f.registered_on).num_days().max(0).to_string())],
            ),
            lang.t_args("criterion-registered-rule", &[("n", min_days.to_string())]),
        ),
        Criterion::Benefits {
            programmes,
            receives,
        } => {
            let list = programmes.join(", ");
            let value = match held.receiving(programmes) {
                Some(l) => lang.t_args(
                    "criterion-benefits-value-yes",
                    &[
                        ("code", l.code.clone()),
                        ("month", crate::national::month_words(lang, l.period)),
                    ],
                ),
                None => lang.t_args("criterion-benefits-value-no", &[("codes", list.clone())]),
            };
            let rule = lang.t_args(
                if *receives {
                    "criterion-benefits-rule-yes"
                } else {
                    "criterion-benefits-rule-no"
                },
                &[("codes", list)],
            );
            (value, rule)
        }
        Criterion::NotAgain { months } => {
            let value = match held.recent_stay(*months, day) {
                None => lang.t("criterion-not-again-value-none").into_owned(),
                Some(None) => lang.t("criterion-not-again-value-in").into_owned(),
                Some(Some(d)) => lang.t_args(
                    "criterion-not-again-value-until",
                    &[("day", d.format("%d/%m/%Y").to_string())],
                ),
            };
            (
                value,
                lang.t_args("criterion-not-again-rule", &[("n", months.to_string())]),
            )
        }
    }
}

impl Outcome {
    /// The sentence shown: "edad 27 — entre 18 y 24 años: no cumple".
    pub fn sentence(&self, lang: Lang) -> String {
        lang.t_args(
            if self.met {
                "criterion-sentence-met"
            } else {
                "criterion-sentence-unmet"
            },
            &[("value", self.value.clone()), ("rule", self.rule.clone())],
        )
    }
}
