//! The route table. Every route is declared here with its guard, the router is built
//! from the table, and the tests walk the same table, so a new route cannot skip the
//! access check without a test noticing.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{self, MethodRouter};
use futures::future::{Either, Ready, ready};
use tower::{Layer, Service};

use super::AppState;
use super::auth::Authenticated;
use super::error::WebError;
use crate::access::Permission;
use crate::api::{ApiAccess, ApiError};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Anyone, logged in or not (login page, health checks, assets).
    Public,
    /// A logged-in user holding the permission.
    Web(Permission),
    /// Any logged-in user (their own account pages).
    AnyUser,
    /// A bearer token whose owner holds the permission.
    Api(Permission),
}

/// One declared route, as the tests see it.
#[derive(Debug, Clone)]
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, axum syntax (`/offices/{id}`).
    pub path: &'static str,
    /// Who may call it.
    pub guard: Guard,
}

/// Builder that records each route and wraps it in its guard.
pub struct Routes {
    defs: Vec<RouteDef>,
    router: Router<AppState>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            defs: Vec::new(),
            router: Router::new(),
        }
    }

    /// Adds a GET route.
    pub fn get<H, T>(self, path: &'static str, guard: Guard, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, guard, routing::get(handler))
    }

    /// Adds a POST route.
    pub fn post<H, T>(self, path: &'static str, guard: Guard, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, guard, routing::post(handler))
    }

    /// Adds a PATCH route.
    pub fn patch<H, T>(self, path: &'static str, guard: Guard, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PATCH, path, guard, routing::patch(handler))
    }

    /// Adds a PUT route.
    pub fn put<H, T>(self, path: &'static str, guard: Guard, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, guard, routing::put(handler))
    }

    /// Adds a DELETE route.
    pub fn delete<H, T>(self, path: &'static str, guard: Guard, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, guard, routing::delete(handler))
    }

    /// Merges another table (a module's routes).
    pub fn merge(mut self, other: Routes) -> Self {
        self.defs.extend(other.defs);
        self.router = self.router.merge(other.router);
        self
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        guard: Guard,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.defs.push(RouteDef {
            method,
            path,
            guard,
        });
        let guarded = route.route_layer(GuardLayer { guard, path });
        self.router = self.router.route(path, guarded);
        self
    }

    /// The declared routes.
    pub fn defs(&self) -> &[RouteDef] {
        &self.defs
    }

    /// Splits into the route list and the router.
    pub fn into_parts(self) -> (Vec<RouteDef>, Router<AppState>) {
        (self.defs, self.router)
    }
}

/// Decides a request against a guard, before the handler runs: `Some` is the refusal.
fn refusal(guard: Guard, req: &Request) -> Option<Response> {
    match guard {
        Guard::Public => None,
        Guard::AnyUser | Guard::Web(_) => {
            let Some(user) = req.extensions().get::<Authenticated>() else {
                let target = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                return Some(
                    Redirect::to(&format!("/login?next={}", urlencode(target))).into_response(),
                );
            };
            match guard {
                Guard::Web(p) if !user.access.can(p) => Some(WebError::Forbidden.into_response()),
                _ => None,
            }
        }
        Guard::Api(p) => match req.extensions().get::<ApiAccess>() {
            None => Some(ApiError::Unauthorized.into_response()),
            Some(ApiAccess(access)) if !access.can(p) => Some(ApiError::Forbidden.into_response()),
            Some(_) => None,
        },
    }
}

/// Applies a route's guard and names the route for the metrics. A hand-written layer
/// rather than `from_fn`: it runs on every request and needs no allocation.
#[derive(Clone, Copy)]
struct GuardLayer {
    guard: Guard,
    path: &'static str,
}

impl<S> Layer<S> for GuardLayer {
    type Service = GuardService<S>;

    fn layer(&self, inner: S) -> GuardService<S> {
        GuardService {
            inner,
            guard: self.guard,
            path: self.path,
        }
    }
}

#[derive(Clone)]
struct GuardService<S> {
    inner: S,
    guard: Guard,
    path: &'static str,
}

impl<S> Service<Request> for GuardService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Ready<Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if let Some(slot) = req.extensions().get::<RouteSlot>() {
            let _ = slot.0.set(self.path);
        }
        match refusal(self.guard, &req) {
            None => Either::Left(self.inner.call(req)),
            Some(response) => Either::Right(ready(Ok(response))),
        }
    }
}

/// Where the guard writes the pattern of the route that answers (read by the pipeline
/// for the metrics, after the router has consumed the request).
#[derive(Clone, Default)]
pub struct RouteSlot(pub Arc<OnceLock<&'static str>>);

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A same-site redirect target, or `/`.
///
/// Accepted: one leading `/` not followed by another `/` (which browsers read as a host),
/// no backslash anywhere (browsers read it as `/`), no control characters or whitespace
/// (browsers drop tabs and newlines, so `/\t/evil` becomes `//evil`), and a relative
/// reference with neither scheme nor authority once parsed.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| is_same_site_path(n))
        .unwrap_or("/")
        .to_owned()
}

fn is_same_site_path(n: &str) -> bool {
    const MAX_LEN: usize = 2048;
    let Some(rest) = n.strip_prefix('/') else {
        return false;
    };
    if n.len() > MAX_LEN
        || rest.starts_with('/')
        || n.contains('\\')
        || n.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return false;
    }
    n.parse::<axum::http::Uri>()
        .is_ok_and(|u| u.scheme().is_none() && u.authority().is_none() && u.path().starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_redirect_targets() {
        for good in ["/", "/persons?q=ana", "/persons/1#x", "/a/b?next=//x"] {
            assert_eq!(safe_next(Some(good)), good, "{good:?} is same-site");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}x",
            "/\u{85}/evil.example",
            "/\u{2028}/evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "\\\\evil.example",
            "/%09/../\\evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?} is refused");
        }
        assert_eq!(safe_next(None), "/");
    }
}
