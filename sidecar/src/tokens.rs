//! Access and refresh tokens: HS256 JWTs with their own secrets, strict validation and a `typ`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::db::User;
use crate::email::Email;
use crate::secrets::{Secret, SecretPair};

pub const ISSUER: &str = "kiln-sidecar";
pub const AUDIENCE: &str = "kiln";
pub const ACCESS_TTL_SECS: u64 = 15 * 60;
pub const REFRESH_TTL_SECS: u64 = 7 * 24 * 60 * 60;
/// Clock skew tolerated between machines; anything larger lets stale tokens live on.
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Access,
    Refresh,
}

/// The claims of both token kinds; `typ` keeps one kind from ever passing as the other.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub fullname: String,
    pub email: String,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    pub aud: String,
    pub typ: Kind,
    pub jti: String,
    /// Refresh tokens only: the session (token family) the token belongs to, so a spent token
    /// whose row was pruned is still recognised as a reuse, and refreshes are limited per session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<i64>,
    /// The account's generation when the token was issued (tokens from before it existed: 0).
    #[serde(default, rename = "gen")]
    pub generation: i64,
}

/// A device cookie: the browser `jti` once signed in to the account `sub` (an email).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeviceClaims {
    sub: String,
    jti: String,
    iat: u64,
    exp: u64,
    iss: String,
    aud: String,
}

/// Device cookies have an audience of their own, so no other token can pass for one.
const DEVICE_AUDIENCE: &str = "kiln-device";

/// Signs and checks tokens; built once from the secrets.
pub struct Tokens {
    access: (EncodingKey, DecodingKey),
    refresh: (EncodingKey, DecodingKey),
    device: (EncodingKey, DecodingKey),
    /// Keys of the former secrets, which verify but never sign: access, refresh, device.
    previous: [Option<DecodingKey>; 3],
    validation: Validation,
    device_validation: Validation,
}

#[derive(Debug)]
pub struct TokenError;

impl Tokens {
    /// `previous`: the former access and refresh secrets, still accepted while a rotation
    /// completes (tokens signed with them rotate onto the new ones at their next refresh).
    pub fn new(secrets: &SecretPair, previous: &[Option<Secret>; 2]) -> Tokens {
        crate::jwt_crypto::install();
        let keys = |bytes: &[u8]| {
            (
                EncodingKey::from_secret(bytes),
                DecodingKey::from_secret(bytes),
            )
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        // A token "not valid before" a future time is refused until then (with the leeway).
        validation.validate_nbf = true;
        let mut device_validation = validation.clone();
        device_validation.set_audience(&[DEVICE_AUDIENCE]);
        Tokens {
            access: keys(secrets.access.bytes()),
            refresh: keys(secrets.refresh.bytes()),
            device: keys(&device_key(secrets.refresh.bytes())),
            previous: [
                previous[0]
                    .as_ref()
                    .map(|s| DecodingKey::from_secret(s.bytes())),
                previous[1]
                    .as_ref()
                    .map(|s| DecodingKey::from_secret(s.bytes())),
                previous[1]
                    .as_ref()
                    .map(|s| DecodingKey::from_secret(&device_key(s.bytes()))),
            ],
            validation,
            device_validation,
        }
    }

    /// Signs a device cookie naming `email` for the browser `device_id`.
    pub fn issue_device(
        &self,
        email: &Email,
        device_id: String,
        now: u64,
        ttl: u64,
    ) -> Result<String, TokenError> {
        let claims = DeviceClaims {
            sub: email.to_string(),
            jti: device_id,
            iat: now,
            exp: now + ttl,
            iss: ISSUER.to_owned(),
            aud: DEVICE_AUDIENCE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.device.0)
            .map_err(|_| TokenError)
    }

    /// The device id of a genuine, unexpired device cookie naming `email`.
    pub fn verify_device(&self, token: &str, email: &Email) -> Option<String> {
        let decode =
            |key| jsonwebtoken::decode::<DeviceClaims>(token, key, &self.device_validation).ok();
        let data = decode(&self.device.1).or_else(|| self.previous[2].as_ref().and_then(decode))?;
        (data.claims.sub == email.as_str() && data.claims.iat <= now() + LEEWAY_SECS)
            .then_some(data.claims.jti)
    }

    /// Signs a token of `kind` for `user` with id `jti` (from `new_id`), valid from `now`;
    /// a refresh token names its session `sid`.
    pub fn issue(
        &self,
        kind: Kind,
        user: &User,
        jti: String,
        now: u64,
        sid: Option<i64>,
    ) -> Result<String, TokenError> {
        let ttl = match kind {
            Kind::Access => ACCESS_TTL_SECS,
            Kind::Refresh => REFRESH_TTL_SECS,
        };
        let claims = Claims {
            sub: user.id.to_string(),
            fullname: user.fullname.clone(),
            email: user.email.to_string(),
            iat: now,
            exp: now + ttl,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            typ: kind,
            jti,
            sid: sid.filter(|_| kind == Kind::Refresh),
            generation: user.generation,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.keys(kind).0)
            .map_err(|_| TokenError)
    }

    /// The claims of a genuine, unexpired token of `kind`; any doubt is an error.
    pub fn verify(&self, kind: Kind, token: &str) -> Result<Claims, TokenError> {
        let decode = |key| jsonwebtoken::decode::<Claims>(token, key, &self.validation).ok();
        let previous = match kind {
            Kind::Access => &self.previous[0],
            Kind::Refresh => &self.previous[1],
        };
        let data = decode(&self.keys(kind).1)
            .or_else(|| previous.as_ref().and_then(decode))
            .ok_or(TokenError)?;
        // Issued in the future means a clock far off or a forged lifetime: never ours.
        if data.claims.typ != kind || data.claims.iat > now() + LEEWAY_SECS {
            return Err(TokenError);
        }
        Ok(data.claims)
    }

    fn keys(&self, kind: Kind) -> &(EncodingKey, DecodingKey) {
        match kind {
            Kind::Access => &self.access,
            Kind::Refresh => &self.refresh,
        }
    }
}

/// The device cookies' HMAC key, derived from the refresh secret under a label of its own, so
/// no refresh token can be replayed as a device cookie, and rotating that secret resets both.
fn device_key(refresh_secret: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"kiln-sidecar device cookie\0");
    hasher.update(refresh_secret);
    hasher.finalize().to_vec()
}

/// A fresh random token id (128 bits).
pub fn new_id() -> Result<String, TokenError> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|_| TokenError)?;
    Ok(hex::encode(id))
}

/// What the database stores for a refresh token id: its SHA-256, so a leaked table grants nothing.
pub fn id_hash(jti: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(jti.as_bytes()).to_vec()
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}
