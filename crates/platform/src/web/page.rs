//! What every page template needs: language, the user, the navigation for their role,
//! the form token and the one-shot message.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::auth::{Authenticated, PendingSecondFactor};
use super::cookies;
use crate::access::Access;
use crate::i18n::Lang;
use crate::module::NavEntry;

/// One area of the main navigation with its entries.
#[derive(Debug, Clone)]
pub struct NavGroup {
    /// The area's name.
    pub label: Cow<'static, str>,
    /// Its entries the user may follow.
    pub items: Vec<NavItem>,
    /// Does it hold the current page?
    pub current: bool,
}

/// One entry of the main navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link target.
    pub href: &'static str,
    /// Text.
    pub label: Cow<'static, str>,
    /// Is this the current section?
    pub current: bool,
}

/// A one-shot message.
#[derive(Debug, Clone)]
pub struct Flash {
    /// `success` or `error`.
    pub kind: String,
    /// Already translated text.
    pub text: String,
}

/// The logged-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    /// Who (shared with the session, not copied).
    pub access: Arc<Access>,
    /// Translated role name.
    pub role: Cow<'static, str>,
}

/// Page context, extracted in every HTML handler.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// UI language.
    pub lang: Lang,
    /// The user, when logged in.
    pub user: Option<UserBadge>,
    /// Main navigation for the user's role, by area.
    pub nav: Vec<NavGroup>,
    /// Form token (empty without a session).
    pub csrf: Arc<str>,
    /// Message from the previous request.
    pub flash: Option<Flash>,
    /// Current path with query, for the language switch.
    pub path: String,
    /// Time zone for displaying times.
    pub tz: chrono_tz::Tz,
    /// The header's search box, when the user may use one.
    pub search: Option<SearchBox>,
}

/// The header's search box, translated.
#[derive(Debug, Clone)]
pub struct SearchBox {
    /// Where it sends `q`.
    pub action: &'static str,
    /// Its label.
    pub label: String,
    /// Its placeholder.
    pub placeholder: String,
}

impl FromRequestParts<super::AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar
            .get(cookies::LANG)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or_default();
        let path = parts.uri.path().to_owned();
        let user = parts.extensions.get::<Authenticated>();
        let nav = match user {
            Some(u) => nav_for(state, &u.access, lang, &path),
            None => Vec::new(),
        };
        let csrf = user
            .map(|u| u.csrf_token.clone())
            .or_else(|| {
                parts
                    .extensions
                    .get::<PendingSecondFactor>()
                    .map(|p| Arc::from(p.csrf_token.as_str()))
            })
            .unwrap_or_else(|| Arc::from(""));
        let search = user.and_then(|u| {
            state
                .modules
                .header_searches()
                .find(|s| u.access.can(s.permission))
                .map(|s| SearchBox {
                    action: s.action,
                    label: lang.t(s.label).into_owned(),
                    placeholder: lang.t(s.placeholder).into_owned(),
                })
        });
        let flash = jar.get(cookies::FLASH).and_then(|c| {
            let (kind, key) = c.value().split_once(':')?;
            let kind = if kind == "error" { "error" } else { "success" };
            // Only catalogue keys are shown, so a forged cookie cannot inject text.
            lang.has(key).then(|| Flash {
                kind: kind.to_owned(),
                text: lang.t(key).into_owned(),
            })
        });
        Ok(PageCtx {
            lang,
            user: user.map(|u| UserBadge {
                access: u.access.clone(),
                role: lang.t(u.access.role.label_key()),
            }),
            nav,
            csrf,
            flash,
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or(path),
            tz: state.tz,
            search,
        })
    }
}

/// The navigation a user may follow, grouped by area; the entry that best matches the
/// current path (the longest prefix) is marked current.
fn nav_for(state: &super::AppState, access: &Access, lang: Lang, path: &str) -> Vec<NavGroup> {
    let entries: Vec<&NavEntry> = state
        .modules
        .nav()
        .iter()
        .copied()
        .filter(|e| access.offers(e.permission))
        .collect();
    let current = entries
        .iter()
        .filter(|e| {
            path.strip_prefix(e.href)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .map(|e| e.href)
        .max_by_key(|href| href.len());
    let mut groups: Vec<(crate::module::Area, NavGroup)> = Vec::new();
    for e in entries {
        let item = NavItem {
            href: e.href,
            label: lang.t(e.label),
            current: current == Some(e.href),
        };
        match groups.last_mut() {
            Some((area, group)) if *area == e.area => {
                group.current |= item.current;
                group.items.push(item);
            }
            _ => groups.push((
                e.area,
                NavGroup {
                    label: lang.t(e.area.label_key()),
                    current: item.current,
                    items: vec![item],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

impl PageCtx {
    /// May the reader open the audit log (links to it are shown only then)?
    pub fn can_audit(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.access.can(crate::access::Permission::ViewAudit))
    }
    /// A whole number as the reader writes it: `20.001` in Spanish, `20,001` in English.
    pub fn number(&self, n: impl std::borrow::Borrow<u64>) -> String {
        let n = *n.borrow();
        let sep = if self.lang == Lang::En { ',' } else { '.' };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(d);
        }
        out
    }
    /// Who did something, as the reader names it (the system's own work in their language).
    pub fn actor(&self, name: &str) -> String {
        crate::audit::actor_label(self.lang, name)
    }

    /// Translated text.
    pub fn t(&self, key: impl AsRef<str>) -> std::borrow::Cow<'static, str> {
        self.lang.t(key.as_ref())
    }

    /// Translated text of a coded value: the key is `prefix` followed by the value.
    pub fn tp(
        &self,
        prefix: &str,
        value: impl std::fmt::Display,
    ) -> std::borrow::Cow<'static, str> {
        self.lang.t(&format!("{prefix}{value}"))
    }

    /// Translated text with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// A stored phone as people read it (`+54 9 381 658-1591`).
    pub fn phone(&self, e164: &str) -> String {
        crate::text::phone_display(e164)
    }

    /// A number with one decimal in the reader's format (`97,6` in Spanish).
    pub fn decimal(&self, n: impl std::borrow::Borrow<f32>) -> String {
        let s = format!("{:.1}", n.borrow());
        if self.lang == Lang::En {
            s
        } else {
            s.replace('.', ",")
        }
    }

    /// Translated text with two arguments.
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl ToString,
        n2: &str,
        v2: impl ToString,
    ) -> String {
        self.lang
            .t_args(key, &[(n1, v1.to_string()), (n2, v2.to_string())])
    }

    /// Translated name of a role identifier.
    pub fn role(&self, id: &str) -> std::borrow::Cow<'static, str> {
        match crate::access::Role::parse(id) {
            Some(role) => self.lang.t(role.label_key()),
            None => std::borrow::Cow::Owned(id.to_owned()),
        }
    }

    /// Translated name of an office kind identifier.
    pub fn office_kind(&self, id: &str) -> std::borrow::Cow<'static, str> {
        self.lang.t(&format!("office-kind-{id}"))
    }

    /// A UTC time in the deployment's zone, `dd/mm/yyyy hh:mm`.
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    }

    /// An optional time, or a dash.
    pub fn time_opt(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref()
            .map(|t| self.time(t))
            .unwrap_or_else(|| "—".into())
    }

    /// Link that switches the language and comes back here.
    pub fn lang_href(&self, lang: &str) -> String {
        format!("/lang/{lang}?next={}", super::routes::urlencode(&self.path))
    }
}

/// Redirects with a one-shot message (a catalogue key).
pub fn redirect_with_flash(to: &str, kind: &str, key: &str) -> Response {
    let cookie = Cookie::build((cookies::FLASH, format!("{kind}:{key}")))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build();
    (CookieJar::new().add(cookie), Redirect::to(to)).into_response()
}

/// Clears the one-shot message once a page has shown it (not on redirects, which carry
/// it to the next page).
pub fn clear_flash(response: Response) -> Response {
    if response.status().is_redirection() {
        return response;
    }
    let removal = Cookie::build((cookies::FLASH, ""))
        .path("/")
        .removal()
        .build();
    (CookieJar::new().add(removal), response).into_response()
}
