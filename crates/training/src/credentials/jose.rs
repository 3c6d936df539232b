//! Compact JWS with EdDSA (RFC 8037) and the public key as a JWK: all a VC-JWT needs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

use super::keys::IssuerKey;

/// `header.payload.signature`, signed by `key`, with `kid` and `typ` in the header.
pub fn sign(key: &IssuerKey, kid: &str, typ: &str, payload: &Value) -> String {
    let header = json!({ "alg": "EdDSA", "kid": kid, "typ": typ });
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(payload.to_string())
    );
    let signature = B64.encode(key.sign(input.as_bytes()));
    format!("{input}.{signature}")
}

/// The public key as a JWK (`OKP`, `Ed25519`), `kid` being its URL.
pub fn jwk(public_key_b64: &str, kid: &str) -> Value {
    json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": public_key_b64,
        "kid": kid,
        "use": "sig",
        "alg": "EdDSA",
    })
}
