//! Routes one request: live-reload endpoints, the sidecar under its prefix, else the built site.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use kiln_sidecar::Sidecar;
use tokio::sync::watch;

use super::allowed_hosts::AllowedHosts;
use super::byte_range::{self, Part};
use super::headers::HeaderRules;
use super::live_reload::{
    self, EVENTS_PATH, OVERLAY_STYLE, OVERLAY_STYLE_PATH, SCRIPT, SCRIPT_PATH,
};
use super::resolve::{Resolved, content_type, resolve};
use super::snapshot::Snapshot;
use crate::output::{OutputFile, SiteOutput};

pub type Body = BoxBody<Bytes, Infallible>;

/// Everything a request may need; shared by all connections.
pub struct App {
    pub allowed_hosts: AllowedHosts,
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    /// The accounts sidecar, for a site with `[auth]` in its config.
    pub sidecar: Option<Sidecar>,
    pub shutdown: watch::Receiver<bool>,
}

impl App {
    pub async fn handle(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
        let host = request.headers().get(header::HOST);
        // A header that is not text cannot name an allowed host; "?" is refused.
        let host = host.map(|host| host.to_str().unwrap_or("?"));
        if !self.allowed_hosts.allow(host) {
            return text(
                StatusCode::FORBIDDEN,
                "kiln serve answers requests for localhost or an IP address only; to use \
                 another host name, start it with --allow-host NAME.\n",
            );
        }
        let path = request.uri().path();
        if let Some(sidecar) = &self.sidecar {
            let prefix = sidecar.config().public_url_prefix.as_str();
            let under_prefix = path.strip_prefix(prefix);
            if under_prefix.is_some_and(|rest| rest.is_empty() || rest.starts_with('/')) {
                return sidecar.handle(request, peer).await.map(BodyExt::boxed);
            }
        }
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "Only GET and HEAD here.\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        match path {
            EVENTS_PATH => self.events(&request),
            SCRIPT_PATH => with_type(
                Full::new(Bytes::from_static(SCRIPT.as_bytes())),
                "text/javascript; charset=utf-8",
            ),
            OVERLAY_STYLE_PATH => with_type(
                Full::new(Bytes::from_static(OVERLAY_STYLE.as_bytes())),
                "text/css; charset=utf-8",
            ),
            _ => self.site_file(&request).await,
        }
    }

    /// The event stream for one open page; it resumes from the generation the page shows.
    fn events(&self, request: &Request<Incoming>) -> Response<Body> {
        let since = request
            .headers()
            .get("last-event-id")
            .and_then(|value| value.to_str().ok())
            .or_else(|| query_param(request.uri().query(), "since"))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        let stream =
            live_reload::event_stream(self.snapshots.clone(), since, self.shutdown.clone());
        with_type(stream, "text/event-stream")
    }

    async fn site_file(&self, request: &Request<Incoming>) -> Response<Body> {
        let uri = request.uri();
        let snapshot = self.snapshots.borrow().clone();
        let Some(site) = snapshot.site.as_deref() else {
            return first_build_failed(&snapshot);
        };
        let found = resolve(uri.path(), uri.query(), |key| site.files.contains_key(key));
        let mut response = match found {
            Resolved::File(key) => match file_bytes(site, &key).await {
                Some(bytes) => {
                    let range = request.headers().get(header::RANGE);
                    let range = range.and_then(|value| value.to_str().ok());
                    file(&key, bytes, range, &snapshot)
                }
                None => not_found(site, &snapshot).await,
            },
            Resolved::Redirect(location) => redirect(&location),
            Resolved::NotFound => not_found(site, &snapshot).await,
        };
        add_site_headers(site, uri.path(), &mut response).await;
        response
    }
}

/// The headers the site's `_headers` file gives this path, as its CDN would send them; read
/// from the same build as the response, so a file and its headers never come from two builds.
async fn add_site_headers(site: &SiteOutput, path: &str, response: &mut Response<Body>) {
    let Some(text) = file_bytes(site, "_headers").await else {
        return;
    };
    let rules = HeaderRules::parse(&String::from_utf8_lossy(&text));
    let headers = response.headers_mut();
    for (name, value) in rules.for_path(path) {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
}

/// The bytes of one output file; `None` if a copied file vanished since the last build.
async fn file_bytes(site: &SiteOutput, key: &str) -> Option<Bytes> {
    match site.files.get(key)? {
        OutputFile::Generated(bytes) => Some(Bytes::from_owner(bytes.clone())),
        OutputFile::Copied(source) => tokio::fs::read(source).await.ok().map(Bytes::from),
    }
}

/// The site's own `404.html` with status 404, as the real host would send it.
async fn not_found(site: &SiteOutput, snapshot: &Snapshot) -> Response<Body> {
    match file_bytes(site, "404.html").await {
        Some(bytes) => page(StatusCode::NOT_FOUND, "404.html", bytes, snapshot),
        None => text(
            StatusCode::NOT_FOUND,
            "Not found (and the site has no 404.html).\n",
        ),
    }
}

/// Before any build succeeded there is no page to show: show the error, and reload when fixed.
fn first_build_failed(snapshot: &Snapshot) -> Response<Body> {
    let html = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Build failed</title>\
                <body><h1>The site does not build yet</h1></body></html>";
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "index.html",
        Bytes::from_static(html.as_bytes()),
        snapshot,
    )
}

/// One output file, as asked for: HTML gets the live-reload script, anything else honours a
/// `Range` header, so players can seek in audio and video.
fn file(key: &str, bytes: Bytes, range: Option<&str>, snapshot: &Snapshot) -> Response<Body> {
    let content_type = content_type(key);
    if content_type.starts_with("text/html") {
        return page(StatusCode::OK, key, bytes, snapshot);
    }
    let (status, bytes, content_range) = match byte_range::select(range, bytes) {
        Part::Whole(bytes) => (StatusCode::OK, bytes, None),
        Part::Range {
            bytes,
            content_range,
        } => (StatusCode::PARTIAL_CONTENT, bytes, Some(content_range)),
        Part::Unsatisfiable { content_range } => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            Bytes::new(),
            Some(content_range),
        ),
    };
    let mut response = with_type(Full::new(bytes), &content_type);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(value) = content_range.and_then(|value| HeaderValue::from_str(&value).ok()) {
        headers.insert(header::CONTENT_RANGE, value);
    }
    response
}

/// An HTML page with the live-reload script (and the overlay when the build is broken).
fn page(status: StatusCode, key: &str, bytes: Bytes, snapshot: &Snapshot) -> Response<Body> {
    let html = Bytes::from(live_reload::inject(&bytes, snapshot));
    let mut response = with_type(Full::new(html), &content_type(key));
    *response.status_mut() = status;
    response
}

fn redirect(location: &str) -> Response<Body> {
    let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut response = with_type(
        Full::new(Bytes::from_static(body.as_bytes())),
        "text/plain; charset=utf-8",
    );
    *response.status_mut() = status;
    response
}

/// A 200 response with this body and type. Nothing is cached: every reload shows the latest build.
fn with_type<B>(body: B, content_type: &str) -> Response<Body>
where
    B: hyper::body::Body<Data = Bytes, Error = Infallible> + Send + Sync + 'static,
{
    let mut response = Response::new(body.boxed());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}
