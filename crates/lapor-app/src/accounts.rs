//! Accounts, passwords (argon2id) and log-in sessions.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Duration;
use lapor_domain::ValidationErrors;
use lapor_domain::tracking::{hex, sha256_hex};
use lapor_domain::user::{Login, Registration, Role, validate_password};
use lapor_domain::validation::{Problem, text};
use lapor_store::{NewUserRecord, StoreError, UserRecord};
use rand::RngCore;

use crate::{App, AppError, Result};

/// Sessions last two weeks; logging out ends them at once.
pub const SESSION_DAYS: i64 = 14;

/// A new log-in: the token goes into the cookie, only its digest into the database.
pub struct Session {
    pub token: String,
    pub user: UserRecord,
}

/// A password to hand out once (demo accounts, `lapor user add`): lower-case letters and
/// digits without look-alikes, so it can be read out and typed on a phone.
#[must_use]
pub fn generate_password(len: usize) -> String {
    use rand::Rng;
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(LETTERS[rng.random_range(0..LETTERS.len())]))
        .collect()
}

/// A stolen database copy holds no usable session: only token digests are stored.
fn digest(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

async fn hash_password(password: String) -> Result<String> {
    // Argon2 is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let salt = SaltString::encode_b64(&bytes)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal("password hashing task"))?
    .map_err(|_| AppError::Internal("password hashing"))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

fn taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict("phone") => {
            ValidationErrors::single("phone", Problem::AlreadyTaken).into()
        }
        StoreError::Conflict(_) => ValidationErrors::single("email", Problem::AlreadyTaken).into(),
        other => other.into(),
    }
}

impl App {
    /// A citizen creates an account.
    ///
    /// # Errors
    /// [`AppError::Invalid`], including `already_taken` for a used e-mail or phone.
    pub async fn register(
        &self,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        password: &str,
    ) -> Result<UserRecord> {
        let registration = Registration::validate(name, email, phone, password)?;
        let record = NewUserRecord {
            name: registration.name,
            email: registration.email,
            phone: registration.phone,
            password_hash: hash_password(registration.password).await?,
            role: Role::Citizen,
            agency_id: None,
        };
        let id = self
            .db
            .insert_user(&record, self.now())
            .await
            .map_err(taken)?;
        self.db.find_user(id).await?.ok_or(AppError::NotFound)
    }

    /// Creates an account of any role (CLI and demo). Officer roles scoped to an agency need
    /// its code.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for bad fields, an unknown agency or a missing one.
    pub async fn add_user(
        &self,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        password: &str,
        role: Role,
        agency_code: Option<&str>,
    ) -> Result<UserRecord> {
        let mut errors = ValidationErrors::default();
        let name = text(&mut errors, "name", name, 2, 100);
        let contact = lapor_domain::user::Contact::validate(
            &mut errors,
            ["name", "email", "phone"],
            None,
            email,
            phone,
        );
        if contact.email.is_none()
            && contact.phone.is_none()
            && errors.for_field("email").is_none()
            && errors.for_field("phone").is_none()
        {
            errors.add("email", Problem::ContactRequired);
        }
        validate_password(&mut errors, password);
        let agency_code = agency_code.map(str::trim).filter(|a| !a.is_empty());
        let agency = match agency_code {
            Some(code) => self.db.find_agency(&code.to_lowercase()).await?,
            None => None,
        };
        if agency_code.is_some() && agency.is_none() {
            errors.add("agency", Problem::UnknownAgency);
        } else if role.needs_agency() && agency.is_none() {
            errors.add("agency", Problem::Required);
        } else if role == Role::AdminUnit && agency.as_ref().is_some_and(|a| !a.kind.is_unit()) {
            errors.add("agency", Problem::InvalidValue);
        }
        let agency_id = errors.into_result(agency.map(|a| a.id))?;
        let record = NewUserRecord {
            name,
            email: contact.email,
            phone: contact.phone,
            password_hash: hash_password(password.to_owned()).await?,
            role,
            agency_id,
        };
        let id = self
            .db
            .insert_user(&record, self.now())
            .await
            .map_err(taken)?;
        self.db.find_user(id).await?.ok_or(AppError::NotFound)
    }

    /// Logs in with an e-mail address or phone number.
    ///
    /// # Errors
    /// [`AppError::LoginFailed`] whatever was wrong, so accounts cannot be probed.
    pub async fn login(&self, login: &str, password: &str) -> Result<Session> {
        let user = self.find_account(login).await?;
        // Verify against a dummy hash when the account is unknown, so timing does not tell.
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2rW3zw2cFoRGEwWb0TqzBYXe9Yw6vP5qEHybGmiw1fE";
        let hash = user
            .as_ref()
            .map_or_else(|| DUMMY.to_owned(), |u| u.password_hash.clone());
        let verified = verify_password(password.to_owned(), hash).await;
        let user = user.filter(|_| verified).ok_or(AppError::LoginFailed)?;
        self.open_session(user).await
    }

    /// Starts a session for an account whose identity is already established (right after
    /// registering, or after [`App::login`] checked the password).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn open_session(&self, user: UserRecord) -> Result<Session> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex(&bytes);
        let now = self.now();
        self.db
            .insert_session(
                &digest(&token),
                user.id,
                now,
                now + Duration::days(SESSION_DAYS),
            )
            .await?;
        Ok(Session { token, user })
    }

    /// The account behind a session cookie, if the session is still valid.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn session_user(&self, token: &str) -> Result<Option<UserRecord>> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self
            .db
            .find_session_user(&digest(token), self.now())
            .await?)
    }

    /// # Errors
    /// On storage failure.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.db.delete_session(&digest(token)).await?)
    }

    /// Replaces an account's password.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for a too short or too long password.
    pub async fn set_password(&self, user_id: i64, password: &str) -> Result<()> {
        let mut errors = ValidationErrors::default();
        validate_password(&mut errors, password);
        errors.into_result(())?;
        let hash = hash_password(password.to_owned()).await?;
        Ok(self.db.update_password_hash(user_id, &hash).await?)
    }

    /// Looks an account up by its login (CLI).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn find_account(&self, login: &str) -> Result<Option<UserRecord>> {
        Ok(match Login::parse(login) {
            Some(Login::Email(email)) => self.db.find_user_by_email(&email).await?,
            Some(Login::Phone(phone)) => self.db.find_user_by_phone(&phone).await?,
            None => None,
        })
    }
}
