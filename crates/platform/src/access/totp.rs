//! Time-based one-time passwords (RFC 6238): 6 digits, 30-second steps, SHA-1, the
//! settings every authenticator app understands.

use totp_rs::{Algorithm, Builder, Secret, Totp};

const ISSUER: &str = "sipe";

fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The time step `code` belongs to, if it is valid now (one step of clock skew
/// allowed). The caller accepts each step once (RFC 6238 §5.2).
pub fn check(secret_b32: &str, account: &str, code: &str) -> Option<u64> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(16)
        .collect();
    totp(secret_b32, account)?.check_current(&code)
}

/// The current code (tests and the enrolment check).
pub fn current(secret_b32: &str, account: &str) -> Option<String> {
    Some(totp(secret_b32, account)?.generate_current().to_string())
}

/// The code of the step that contains `unix_time` (tests, and codes of the next step).
pub fn code_at(secret_b32: &str, account: &str, unix_time: u64) -> Option<String> {
    Some(totp(secret_b32, account)?.generate(unix_time).to_string())
}

/// The `otpauth://` URL apps scan.
pub fn url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account)?.to_url().ok()
}

/// The URL as an inline SVG QR code.
pub fn qr_svg(secret_b32: &str, account: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url(secret_b32, account)?.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_checks_and_wrong_code_does_not() {
        let secret = new_secret();
        let code = current(&secret, "ana").expect("code");
        assert!(check(&secret, "ana", &code).is_some());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(check(&secret, "ana", wrong).is_none());
        assert!(qr_svg(&secret, "ana").expect("svg").contains("<svg"));
    }
}
