//! argon2id password hashing, run off the async runtime.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

pub const MIN_LENGTH: usize = 10;
/// The longest password accepted (hashing a huge one would cost the server).
pub const MAX_LENGTH: usize = 1024;

const COMMON: &str = include_str!("common_passwords.txt");

/// Checks a new password: long enough, not absurdly long, and not one of the passwords
/// attackers try first. Returns the message key of what is wrong.
pub fn check_new(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err("error-password-short");
    }
    if n > MAX_LENGTH {
        return Err("error-too-long");
    }
    let lower = password.trim().to_lowercase();
    let common = COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower);
    // One character repeated, or a common password with digits or '!' added at the end.
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    let repeated = lower.chars().all(|c| lower.starts_with(c));
    let common_stem = !stem.is_empty()
        && stem.len() < lower.len()
        && COMMON
            .lines()
            .map(str::trim)
            .any(|l| l == stem && l.len() >= 6);
    if common || repeated || common_stem {
        return Err("error-password-common");
    }
    Ok(())
}

/// Hashes a password with argon2id (the crate's default algorithm and parameters).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Ok(false);
        };
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A hash of a password nobody has, verified against when the email is unknown so that
/// the answer takes as long as for a real user.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0sXMG6mQEgbQZ5ZRdoDDDyUdu0A7K1Wk1C7k0Ocbwa4";

#[cfg(test)]
mod tests {
    #[test]
    fn short_and_common_passwords_are_refused() {
        use super::check_new;
        assert_eq!(check_new("short"), Err("error-password-short"));
        assert_eq!(check_new("Salasana123"), Err("error-password-common"));
        assert_eq!(check_new("QWERTYUIOP"), Err("error-password-common"));
        assert_eq!(check_new("password2027!"), Err("error-password-common"));
        assert_eq!(check_new("zzzzzzzzzzzz"), Err("error-password-common"));
        assert_eq!(check_new(&"x".repeat(2000)), Err("error-too-long"));
        assert_eq!(check_new("kolme vihreää kettua"), Ok(()));
        assert_eq!(check_new("tuuli-demo-2026"), Ok(()));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = super::hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(
            super::verify("correct horse battery".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(!super::verify("wrong".into(), h).await.unwrap());
        assert!(
            !super::verify("x".into(), "not a hash".into())
                .await
                .unwrap()
        );
    }
}
