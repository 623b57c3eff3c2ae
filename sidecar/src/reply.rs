//! Answers: success bodies, and every failure mapped once to a status, a message and the
//! fragment a static form page shows.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION, RETRY_AFTER, SET_COOKIE,
};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::password::HashError;
use crate::rate_limit::RetryAfter;

/// How the caller speaks, which decides how we answer: JSON, or redirects for an HTML form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Json,
    Form,
}

/// Everything that can go wrong in a request, in the terms the caller needs.
#[derive(Debug)]
pub enum Failure {
    BadRequest(&'static str),
    /// Per-field problems with what a person typed: `(field, message)`.
    Invalid(Vec<(&'static str, &'static str)>),
    /// Unknown email or wrong password, indistinguishably.
    InvalidCredentials,
    /// No valid token.
    Unauthorized,
    EmailTaken,
    TooManyAttempts(RetryAfter),
    /// The password-hashing queue is full.
    Busy,
    /// A form post, or a call, from an origin not on the allowlist.
    ForeignOrigin,
    TooLarge,
    Timeout,
    UnsupportedMediaType,
    NotFound,
    MethodNotAllowed(&'static str),
    /// The database cannot be reached (restarting, down, too slow): try again shortly.
    Unavailable,
    Internal,
}

/// Seconds a client should wait when every hashing worker is busy (a hash takes ~0.3 s).
const BUSY_RETRY_SECS: u64 = 1;
/// Seconds a client should wait when the database cannot be reached (a restart takes a few).
const UNAVAILABLE_RETRY_SECS: u64 = 2;

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::InvalidCredentials | Failure::Unauthorized => StatusCode::UNAUTHORIZED,
            Failure::EmailTaken => StatusCode::CONFLICT,
            Failure::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Failure::Busy | Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Failure::ForeignOrigin => StatusCode::FORBIDDEN,
            Failure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::Timeout => StatusCode::REQUEST_TIMEOUT,
            Failure::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Failure::BadRequest(message) => message,
            Failure::Invalid(_) => "Please correct the highlighted fields",
            Failure::InvalidCredentials => "Invalid email or password",
            Failure::Unauthorized => "Not signed in, or the session has expired",
            Failure::EmailTaken => "This email is already registered",
            Failure::TooManyAttempts(_) => "Too many attempts; please wait a moment and try again",
            Failure::Busy => "The server is busy; please try again in a moment",
            Failure::ForeignOrigin => "Requests from this origin are not allowed",
            Failure::TooLarge => "The request body is larger than 16 KiB",
            Failure::Timeout => "The request body took too long to arrive",
            Failure::UnsupportedMediaType => {
                "Send application/json or application/x-www-form-urlencoded"
            }
            Failure::NotFound => "No such endpoint",
            Failure::MethodNotAllowed(_) => "Method not allowed on this endpoint",
            Failure::Unavailable => {
                "The service is briefly unavailable; please try again in a moment"
            }
            Failure::Internal => "Something went wrong on our side; please try again",
        }
    }

    /// The URL fragment a static form page shows with CSS `:target`.
    pub fn fragment(&self) -> &'static str {
        match self {
            Failure::Invalid(fields) => match fields.first().map(|(field, _)| *field) {
                Some("email") => "invalid-email",
                Some("password") => "weak-password",
                Some("fullname") => "invalid-name",
                _ => "bad-request",
            },
            Failure::InvalidCredentials | Failure::Unauthorized => "invalid-credentials",
            Failure::EmailTaken => "email-taken",
            Failure::TooManyAttempts(_) => "too-many-attempts",
            Failure::Busy | Failure::Unavailable | Failure::Internal => "server-busy",
            _ => "bad-request",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Failure::TooManyAttempts(wait) => Some(wait.seconds()),
            Failure::Busy => Some(BUSY_RETRY_SECS),
            Failure::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        }
    }

    /// The answer for this failure: JSON, or for a form a 303 back to `form_page` + fragment.
    /// A foreign-origin form is never redirected: nothing about it is trusted.
    pub fn reply(&self, mode: Mode, form_page: impl FnOnce() -> String) -> Reply {
        let reply = match (mode, self) {
            (
                Mode::Form,
                Failure::ForeignOrigin | Failure::TooLarge | Failure::MethodNotAllowed(_),
            ) => self.json(),
            (Mode::Form, _) => Reply::redirect(&format!("{}#{}", form_page(), self.fragment())),
            (Mode::Json, _) => self.json(),
        };
        let reply = match self.retry_after() {
            Some(seconds) => reply.header(RETRY_AFTER, &seconds.to_string()),
            None => reply,
        };
        match self {
            Failure::MethodNotAllowed(allow) => reply.header(hyper::header::ALLOW, allow),
            _ => reply,
        }
    }

    fn json(&self) -> Reply {
        let mut body = json!({ "success": false, "message": self.message() });
        if let Failure::Invalid(fields) = self {
            let errors: serde_json::Map<String, Value> = fields
                .iter()
                .map(|(field, message)| ((*field).to_owned(), Value::from(*message)))
                .collect();
            body["errors"] = Value::Object(errors);
        }
        Reply::json(self.status(), &body)
    }
}

impl From<HashError> for Failure {
    fn from(error: HashError) -> Failure {
        match error {
            HashError::Busy => Failure::Busy,
            HashError::Failed => Failure::Internal,
        }
    }
}

/// A response under construction.
pub struct Reply {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Reply {
    pub fn json(status: StatusCode, body: &Value) -> Reply {
        let body = Bytes::from(body.to_string());
        Reply {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        }
    }

    /// 303 See Other: after a form post the browser follows with a GET.
    pub fn redirect(location: &str) -> Reply {
        let location =
            HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
        Reply {
            status: StatusCode::SEE_OTHER,
            headers: vec![(LOCATION, location)],
            body: Bytes::new(),
        }
    }

    pub fn empty(status: StatusCode) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Adds a header; values are our own ASCII, so a bad one is a bug and is dropped.
    pub fn header(mut self, name: HeaderName, value: &str) -> Reply {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    pub fn cookies(self, cookies: Vec<String>) -> Reply {
        cookies
            .into_iter()
            .fold(self, |reply, cookie| reply.header(SET_COOKIE, &cookie))
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        // Answers carry personal data or tokens: no cache may keep them.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            "x-content-type-options",
            HeaderValue::from_static("nosniff"),
        );
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}
