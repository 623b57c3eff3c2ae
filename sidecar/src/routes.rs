//! The routing table: a plain `match` on method and path under the prefix, plus the checks
//! every request passes (origin allowlist, CORS, content type, body limits).

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use crate::body;
use crate::client::Client;
use crate::handlers::{self, Call};
use crate::reply::{Failure, Mode, Reply};
use crate::state::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Signup,
    Login,
    Refresh,
    Logout,
    Me,
    Health,
}

impl Endpoint {
    fn from_path(path: &str) -> Option<Endpoint> {
        Some(match path {
            "/signup" => Endpoint::Signup,
            "/login" => Endpoint::Login,
            "/refresh" => Endpoint::Refresh,
            "/logout" => Endpoint::Logout,
            "/me" => Endpoint::Me,
            "/health" => Endpoint::Health,
            _ => return None,
        })
    }

    fn allow(self) -> &'static str {
        match self {
            Endpoint::Signup | Endpoint::Login => "GET, POST, OPTIONS",
            Endpoint::Refresh | Endpoint::Logout => "POST, OPTIONS",
            Endpoint::Me | Endpoint::Health => "GET, OPTIONS",
        }
    }

    /// Where a failed form post goes back to when its `Referer` cannot be used: the form page
    /// of the language the form named in its action (`/api/signup?lang=ur` → `/ur/signup/`),
    /// so a visitor whose browser sends no `Referer` stays in their language.
    fn form_page(self, lang: Option<&str>) -> String {
        let page = match self {
            Endpoint::Signup => "signup/",
            Endpoint::Login => "login/",
            _ => "",
        };
        match lang {
            Some(lang) => format!("/{lang}/{page}"),
            None => format!("/{page}"),
        }
    }
}

/// The `lang` of a query string, when it is a language code (`ur`, `pt-BR`): letters, digits
/// and `-` only, so it is safe in a `Location` path.
fn lang_of(query: Option<&str>) -> Option<&str> {
    let lang = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))?;
    let starts_with_letters = lang
        .get(..2)
        .is_some_and(|l| l.chars().all(|c| c.is_ascii_alphabetic()));
    let plain = lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (starts_with_letters && plain && lang.len() <= 12).then_some(lang)
}

/// Answers one request whose path starts with the prefix; logs method, path, status and time
/// (never the query string or headers, where tokens may travel).
pub async fn route(
    state: &State,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let allowed_origin = origin.clone().filter(|o| state.origins.allows(o));
    let client = Client::identify(peer, req.headers(), &state.proxies);
    let endpoint = path
        .strip_prefix(state.config.public_url_prefix.as_str())
        .and_then(Endpoint::from_path);
    let reply = match (endpoint, &method) {
        (None, _) => Failure::NotFound.reply(Mode::Json, String::new),
        (Some(endpoint), &Method::OPTIONS) => preflight(endpoint, allowed_origin.is_some()),
        (Some(Endpoint::Signup), &Method::GET) => hint("Signup"),
        (Some(Endpoint::Login), &Method::GET) => hint("Login"),
        (Some(Endpoint::Me), &Method::GET) => handlers::me(state, req.headers()).await,
        (Some(Endpoint::Health), &Method::GET) => handlers::health(state).await,
        (
            Some(
                endpoint @ (Endpoint::Signup
                | Endpoint::Login
                | Endpoint::Refresh
                | Endpoint::Logout),
            ),
            &Method::POST,
        ) => post(state, endpoint, req, client, origin.as_deref()).await,
        (Some(endpoint), _) => {
            Failure::MethodNotAllowed(endpoint.allow()).reply(Mode::Json, String::new)
        }
    };
    let status = reply.status();
    let response = with_cors(reply.into_response(), allowed_origin.as_deref());
    tracing::debug!(%method, path, status = status.as_u16(), micros = started.elapsed().as_micros() as u64, "request");
    response
}

async fn post(
    state: &State,
    endpoint: Endpoint,
    req: Request<Incoming>,
    client: Client,
    origin: Option<&str>,
) -> Reply {
    let (parts, body) = req.into_parts();
    let referer = parts
        .headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .map(str::to_owned);
    let lang = lang_of(parts.uri.query());
    let back = || {
        state
            .origins
            .back_to_form(referer.as_deref(), &endpoint.form_page(lang))
    };
    let mode = match body::mode_of(&parts.headers) {
        Ok(mode) => mode,
        Err(failure) => return failure.reply(Mode::Json, back),
    };
    // Forms are what a foreign page can post without CORS: they must name an allowed origin.
    // JSON calls without `Origin` come from non-browser clients; with one, it must be allowed.
    let origin_ok = match (mode, origin) {
        (Mode::Form, None) => false,
        (_, Some(origin)) => state.origins.allows(origin),
        (Mode::Json, None) => true,
    };
    if !origin_ok {
        return Failure::ForeignOrigin.reply(mode, back);
    }
    let fields = match body::read(body, &parts.headers, mode, state.config.body_read_timeout).await
    {
        Ok(fields) => fields,
        Err(failure) => return failure.reply(mode, back),
    };
    let call = Call {
        client,
        mode,
        fields,
        headers: parts.headers,
    };
    let outcome = match endpoint {
        Endpoint::Signup => attempt(state, "signup", call, handlers::signup).await,
        Endpoint::Login => attempt(state, "login", call, handlers::login).await,
        Endpoint::Refresh => handlers::refresh(state, call).await,
        _ => handlers::logout(state, call).await,
    };
    outcome.unwrap_or_else(|failure| failure.reply(mode, back))
}

/// Runs a signup or login and records the attempt in the audit trail, whatever its outcome;
/// of the attempts refused by a rate limit, only the first per client each minute.
async fn attempt<'s, F, Fut>(
    state: &'s State,
    action: &'static str,
    call: Call,
    handler: F,
) -> Result<Reply, Failure>
where
    F: FnOnce(&'s State, Call) -> Fut,
    Fut: Future<Output = Result<Reply, Failure>>,
{
    let client = call.client;
    let email = crate::email::Email::parse(call.fields.get("email").unwrap_or("")).ok();
    let outcome = handler(state, call).await;
    let label = match &outcome {
        Ok(_) => "ok",
        Err(failure) => failure.fragment(),
    };
    let refused = matches!(outcome, Err(Failure::TooManyAttempts(_)));
    if !refused || state.limits.record_refusal(client.ip) {
        crate::audit::record(&state.db, action, label, &client, email.as_ref());
    }
    outcome
}

fn hint(name: &str) -> Reply {
    let message = format!("{name} API is working. Use POST to send data.");
    Reply::json(StatusCode::OK, &json!({ "message": message }))
}

/// Preflight: allowed origins learn what they may send; others get a bare 403 (no CORS headers).
fn preflight(endpoint: Endpoint, origin_allowed: bool) -> Reply {
    if !origin_allowed {
        return Reply::empty(StatusCode::FORBIDDEN);
    }
    Reply::empty(StatusCode::NO_CONTENT)
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, endpoint.allow())
        .header(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "content-type, authorization",
        )
        .header(header::ACCESS_CONTROL_MAX_AGE, "600")
}

fn with_cors(
    mut response: Response<Full<Bytes>>,
    allowed_origin: Option<&str>,
) -> Response<Full<Bytes>> {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed_origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    response
}
