//! Every text that arrives in a request passes here before any handler sees it: the
//! query string, URL-encoded form bodies and JSON bodies are cleaned with
//! `text::clean` (Unicode NFC, `\n` line breaks) and a request holding a control
//! character (NUL, escape, a bidirectional override...) anywhere is refused with 422,
//! naming the field. A path with one is not found. Multipart bodies (file uploads) are
//! left to the import, which cleans each cell the same way. Providers' webhooks
//! (`/api/…/webhooks/…`) are left as they came: their signatures cover the exact bytes,
//! a person's message must not be refused for a stray character, and they clean what
//! they keep themselves.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::WebError;
use crate::text::clean;

/// A refused request: which field, for the message.
#[derive(Debug)]
struct Refused(String);

/// Cleans the request or answers for it.
pub async fn clean_request(req: Request, is_api: bool) -> Result<Request, Response> {
    let refuse = |Refused(field): Refused| refusal(&field, is_api);
    let path = req.uri().path();
    if path.contains('%') && percent_decode(path).chars().any(char::is_control) {
        return Err(WebError::NotFound.into_response());
    }
    if path.starts_with("/api/") && path.contains("/webhooks/") {
        return Ok(req);
    }
    let req = clean_query(req).map_err(refuse)?;
    let kind = body_kind(&req);
    if kind == BodyKind::Other {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    // The body limit layer outside bounds this read.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Err(WebError::PayloadTooLarge.into_response());
    };
    let cleaned = match kind {
        BodyKind::Form => clean_pairs(&bytes).map_err(refuse)?,
        BodyKind::Json => clean_json(&bytes).map_err(refuse)?,
        BodyKind::Other => None,
    };
    let body = cleaned.map_or_else(|| Body::from(bytes), Body::from);
    Ok(Request::from_parts(parts, body))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if ct.starts_with("application/json") || ct.contains("+json") {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn clean_query(mut req: Request) -> Result<Request, Refused> {
    let Some(query) = req.uri().query() else {
        return Ok(req);
    };
    let Some(cleaned) = clean_pairs(query.as_bytes())? else {
        return Ok(req);
    };
    let cleaned = String::from_utf8(cleaned).unwrap_or_default();
    let mut parts = req.uri().clone().into_parts();
    let path = req.uri().path();
    parts.path_and_query = format!("{path}?{cleaned}").parse().ok();
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    Ok(req)
}

/// Cleans `key=value&...` (a query string or a form body); `Some` with the re-encoded
/// text when anything changed. A `next` (a redirect target) holding a control character
/// becomes `/`, the answer to any unsafe target (`routes::safe_next`), not an error.
fn clean_pairs(raw: &[u8]) -> Result<Option<Vec<u8>>, Refused> {
    let mut changed = false;
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw) {
        let key = clean(&k).map_err(|_| Refused(short(&k)))?;
        let value = match clean(&v) {
            Ok(value) => value,
            Err(_) if key == "next" => "/".into(),
            Err(_) => return Err(Refused(short(&key))),
        };
        changed |= key != k || value != v;
        out.append_pair(&key, &value);
    }
    Ok(changed.then(|| out.finish().into_bytes()))
}

/// Cleans every string (keys too) of a JSON body; `Some` with the re-encoded body when
/// anything changed. A body that is not JSON is left to the extractor (400).
fn clean_json(raw: &[u8]) -> Result<Option<Vec<u8>>, Refused> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(raw) else {
        return Ok(None);
    };
    let mut changed = false;
    walk(&mut value, &mut changed).map_err(|inner_first| Refused(json_path(inner_first)))?;
    Ok(if changed {
        serde_json::to_vec(&value).ok()
    } else {
        None
    })
}

/// A step of the path to a refused string: a member's name or an array index.
enum Step {
    Key(String),
    Index(usize),
}

/// `a.b[2].c` from the steps, innermost first.
fn json_path(inner_first: Vec<Step>) -> String {
    let mut path = String::new();
    for step in inner_first.into_iter().rev() {
        match step {
            Step::Key(k) if path.is_empty() => path.push_str(&k),
            Step::Key(k) => {
                path.push('.');
                path.push_str(&k);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// Cleans every string of `v` in place. The path of a refused string is only built on
/// the way back up (costs nothing per element: a body of half a million array items
/// under a megabyte-long key once made this quadratic, before any login).
fn walk(v: &mut serde_json::Value, changed: &mut bool) -> Result<(), Vec<Step>> {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let c = clean(s).map_err(|_| Vec::new())?;
            if c != s.as_str() {
                *s = c.into_owned();
                *changed = true;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, changed).map_err(|mut steps| {
                    steps.push(Step::Index(i));
                    steps
                })?;
            }
        }
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut item) in old {
                let key = clean(&k)
                    .map_err(|_| vec![Step::Key(short(&k))])?
                    .into_owned();
                walk(&mut item, changed).map_err(|mut steps| {
                    steps.push(Step::Key(short(&key)));
                    steps
                })?;
                *changed |= key != k;
                map.insert(key, item);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A field name as echoed in an error: printable and short.
fn short(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

fn refusal(field: &str, is_api: bool) -> Response {
    if !is_api {
        return WebError::InvalidText(field.to_owned()).into_response();
    }
    let body = crate::api::Problem {
        kind: "about:blank".into(),
        title: "Unprocessable Content".into(),
        status: 422,
        detail: Some("Some fields are invalid.".into()),
        errors: vec![crate::api::FieldProblem {
            field: field.to_owned(),
            message: crate::i18n::Lang::En.t("field-control-chars").into_owned(),
        }],
        possible_duplicates: Vec::new(),
    };
    let mut response = (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_json_are_cleaned_or_refused_naming_the_field() {
        assert!(clean_pairs(b"a=1&b=Gonz%C3%A1lez").unwrap().is_none());
        let out = clean_pairs(b"name=Jose%CC%81&note=a%0D%0Ab")
            .unwrap()
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name=Jos%C3%A9&note=a%0Ab");
        assert_eq!(clean_pairs(b"surnames=Nul%00l").unwrap_err().0, "surnames");
        assert_eq!(
            clean_json(br#"{"contacts":[{"name":"x"},{"name":"y\u0000"}]}"#)
                .unwrap_err()
                .0,
            "contacts[1].name",
            "the path of a refused string, built on the way up"
        );
        let out = clean_json(br#"{"names":"Jose\u0301","tags":["x"]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&out).unwrap()["names"],
            "José"
        );
        let err = clean_json(br#"{"contacts":[{"name":"a\u0000"}]}"#).unwrap_err();
        assert_eq!(err.0, "contacts[0].name");
        assert!(clean_json(b"not json").unwrap().is_none());
    }
}
