//! HS256, the one JWT algorithm the sidecar signs and accepts, computed for jsonwebtoken by
//! RustCrypto's `hmac` over the `sha2` already in the tree.
//!
//! jsonwebtoken needs a crypto backend, and its own two each cost too much for one HMAC:
//! aws-lc is about 50 CPU-seconds of C in a first build of `kiln` (which mounts the sidecar),
//! and its RustCrypto set brings RSA, which has an open advisory (see CRATES.md). `hmac`
//! compares tags in constant time. Every other algorithm is refused before a key is looked
//! at, so a token naming one can never verify.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::Sha256;

type Hmac = hmac::Hmac<Sha256>;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    // JWK helpers (RSA and EC key parts, thumbprints): the sidecar has no use for them.
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes this the process's JWT crypto; safe to call any number of times. Call it before
/// signing or checking a token in-process (the sidecar does when it reads its secrets).
pub fn install() {
    // `Err` means a provider is installed already: this one, by an earlier call, or one the
    // embedding program chose, which then stays.
    let _ = PROVIDER.install_default();
}

/// An HMAC-SHA256 keyed with a secret, which signs and verifies.
struct Hs256(Hmac);

impl Hs256 {
    fn new(algorithm: &Algorithm, family: AlgorithmFamily, secret: &[u8]) -> Result<Hs256> {
        if *algorithm != Algorithm::HS256 {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        if family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidKeyFormat.into());
        }
        // HMAC takes a key of any length, so this cannot fail.
        let mac = <Hmac as hmac::KeyInit>::new_from_slice(secret)
            .map_err(|_| ErrorKind::InvalidKeyFormat)?;
        Ok(Hs256(mac))
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    let key = Hs256::new(algorithm, key.family(), key.as_bytes())?;
    Ok(Box::new(key))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let key = Hs256::new(algorithm, key.family(), key.try_get_as_bytes()?)?;
    Ok(Box::new(key))
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        hmac::Mac::update(&mut mac, message);
        Ok(hmac::Mac::finalize(mac).into_bytes().to_vec())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        hmac::Mac::update(&mut mac, message);
        hmac::Mac::verify_slice(mac, tag).map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Header, Validation, decode, encode};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    fn claims() -> Claims {
        Claims {
            sub: "a@example.org".into(),
            exp: jsonwebtoken::get_current_timestamp() + 60,
        }
    }

    #[test]
    fn a_token_signed_with_a_secret_verifies_with_it_and_with_no_other() {
        install();
        let key = EncodingKey::from_secret(b"first secret");
        let token = encode(&Header::new(Algorithm::HS256), &claims(), &key).unwrap();
        let checks = Validation::new(Algorithm::HS256);
        let same = DecodingKey::from_secret(b"first secret");
        assert_eq!(
            decode::<Claims>(&token, &same, &checks).unwrap().claims,
            claims()
        );
        let other = DecodingKey::from_secret(b"second secret");
        assert!(decode::<Claims>(&token, &other, &checks).is_err());
        // One bit of the tag flipped.
        let (body, tag) = token.rsplit_once('.').unwrap();
        let mut tag = tag.as_bytes().to_vec();
        tag[0] ^= 1;
        let forged = format!("{body}.{}", String::from_utf8(tag).unwrap());
        assert!(decode::<Claims>(&forged, &same, &checks).is_err());
    }

    #[test]
    fn the_tag_is_rfc_4231s_hmac_sha256() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let key = Hs256::new(&Algorithm::HS256, AlgorithmFamily::Hmac, b"Jefe").unwrap();
        let tag = key.try_sign(b"what do ya want for nothing?").unwrap();
        assert_eq!(
            hex::encode(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(key.verify(b"what do ya want for nothing?", &tag).is_ok());
        assert!(key.verify(b"what do ya want for nothing!", &tag).is_err());
    }

    #[test]
    fn other_algorithms_are_refused() {
        install();
        let key = EncodingKey::from_secret(b"secret");
        for algorithm in [Algorithm::HS384, Algorithm::HS512] {
            assert!(encode(&Header::new(algorithm), &claims(), &key).is_err());
        }
        let token = encode(&Header::new(Algorithm::HS256), &claims(), &key).unwrap();
        let mut checks = Validation::new(Algorithm::HS512);
        checks.algorithms = vec![Algorithm::HS512];
        let decoding = DecodingKey::from_secret(b"secret");
        assert!(decode::<Claims>(&token, &decoding, &checks).is_err());
    }
}
