//! Passwords: argon2id hashes and the minimum rules a new password must meet.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Why a new password is refused (the message key says it in the UI).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than 12 characters.
    #[error("the password must have at least 12 characters")]
    TooShort,
    /// More than 128 characters.
    #[error("the password must have at most 128 characters")]
    TooLong,
    /// Equal to the username.
    #[error("the password must not be the username")]
    SameAsUsername,
}

impl PasswordError {
    /// Catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "password-too-short",
            PasswordError::TooLong => "password-too-long",
            PasswordError::SameAsUsername => "password-same-as-username",
        }
    }
}

/// Checks a new password against the rules.
pub fn check_policy(password: &str, username: &str) -> Result<(), PasswordError> {
    let len = password.chars().count();
    if len < 12 {
        return Err(PasswordError::TooShort);
    }
    if len > 128 {
        return Err(PasswordError::TooLong);
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(PasswordError::SameAsUsername);
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (argon2id, random salt) into a PHC string.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let hash = hasher()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
    Ok(hash.to_string())
}

/// Does `password` match the stored PHC string?
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash to verify against when the user does not exist, so the answer takes as long
/// as for a real user and does not reveal which usernames exist.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("dummy-password-for-timing").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Hashes computed at once, process-wide: each takes ~19 MiB and a core for tens of
/// milliseconds, so a flood of logins queues here instead of stalling every request.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores.max(2))
});

/// Runs a hashing job on a blocking thread, at most `HASHING` at once.
async fn hashing<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| anyhow::anyhow!("password hashing closed"))?;
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| anyhow::anyhow!("password hashing: {e}"))
}

/// [`verify`] off the async threads, bounded in concurrency.
pub async fn verify_blocking(password: &str, phc: &str) -> anyhow::Result<bool> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    hashing(move || verify(&password, &phc)).await
}

/// [`hash`] off the async threads, bounded in concurrency.
pub async fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    hashing(move || hash(&password)).await?
}

/// [`dummy_verify`] off the async threads, bounded in concurrency.
pub async fn dummy_verify_blocking(password: &str) -> anyhow::Result<()> {
    let password = password.to_owned();
    hashing(move || dummy_verify(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy_rejects_short_and_username() {
        assert_eq!(check_policy("short", "ana"), Err(PasswordError::TooShort));
        assert_eq!(
            check_policy("anagonzalez1", "ANAGONZALEZ1"),
            Err(PasswordError::SameAsUsername)
        );
        assert!(check_policy("una clave larga", "ana").is_ok());
    }
}
