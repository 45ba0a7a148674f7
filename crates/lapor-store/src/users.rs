//! Accounts and log-in sessions.

use chrono::{DateTime, Utc};
use lapor_domain::user::{Email, Phone, Role};

use crate::{Db, Result, StoreError, in_tx, on_pool, parse_ts, ts};

/// An account to create; the password is already hashed by the caller.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub password_hash: String,
    pub role: Role,
    pub agency_id: Option<i64>,
}

/// A stored account.
#[derive(Clone)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Personal data stays out of debug output (and so out of logs).
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    password_hash: String,
    role: String,
    agency_id: Option<i64>,
    created_at: String,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            role: Role::from_code(&r.role).ok_or(StoreError::Corrupt("users.role"))?,
            created_at: parse_ts(&r.created_at, "users.created_at")?,
            name: r.name,
            email: r.email,
            phone: r.phone,
            password_hash: r.password_hash,
            agency_id: r.agency_id,
        })
    }
}

const SELECT_USER: &str =
    "SELECT id, name, email, phone, password_hash, role, agency_id, created_at FROM users";

impl Db {
    /// # Errors
    /// [`StoreError::Conflict`] naming `email` or `phone` when either is taken.
    pub async fn insert_user(&self, user: &NewUserRecord, now: DateTime<Utc>) -> Result<i64> {
        let id = in_tx!(self, tx => {
            for (column, value, sql) in [
                ("email", user.email.as_ref().map(Email::as_str), "SELECT COUNT(*) FROM users WHERE email = $1"),
                ("phone", user.phone.as_ref().map(Phone::as_str), "SELECT COUNT(*) FROM users WHERE phone = $1"),
            ] {
                if let Some(value) = value {
                    let taken: i64 = sqlx::query_scalar(sql).bind(value).fetch_one(&mut *tx).await?;
                    if taken > 0 {
                        return Err(StoreError::Conflict(column));
                    }
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (name, email, phone, password_hash, role, agency_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&user.name)
            .bind(user.email.as_ref().map(Email::as_str))
            .bind(user.phone.as_ref().map(Phone::as_str))
            .bind(&user.password_hash)
            .bind(user.role.code())
            .bind(user.agency_id)
            .bind(ts(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                // Two registrations racing for the same contact: name the column that clashed.
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    let phone = d.constraint().is_some_and(|c| c.contains("phone")) || d.message().contains("users.phone");
                    StoreError::Conflict(if phone { "phone" } else { "email" })
                }
                _ => StoreError::Sql(e),
            })?;
            id
        });
        Ok(id)
    }

    /// # Errors
    /// On database failure.
    pub async fn find_user(&self, id: i64) -> Result<Option<UserRecord>> {
        self.user_where("id = $1", Key::Id(id)).await
    }

    /// # Errors
    /// On database failure.
    pub async fn find_user_by_email(&self, email: &Email) -> Result<Option<UserRecord>> {
        self.user_where("email = $1", Key::Text(email.as_str()))
            .await
    }

    /// # Errors
    /// On database failure.
    pub async fn find_user_by_phone(&self, phone: &Phone) -> Result<Option<UserRecord>> {
        self.user_where("phone = $1", Key::Text(phone.as_str()))
            .await
    }

    async fn user_where(
        &self,
        condition: &'static str,
        key: Key<'_>,
    ) -> Result<Option<UserRecord>> {
        let sql = format!("{SELECT_USER} WHERE {condition}");
        let row: Option<UserRow> = on_pool!(self, pool => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            let query = match key {
                Key::Id(id) => query.bind(id),
                Key::Text(text) => query.bind(text),
            };
            query.fetch_optional(pool).await?
        });
        row.map(UserRecord::try_from).transpose()
    }

    /// # Errors
    /// On database failure.
    pub async fn count_users(&self) -> Result<i64> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?);
        Ok(n)
    }

    /// # Errors
    /// On database failure.
    pub async fn update_password_hash(&self, user_id: i64, password_hash: &str) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Stores a session under the digest of its token (the token itself lives only in the
    /// browser's cookie).
    ///
    /// # Errors
    /// On database failure.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash)
                .bind(user_id)
                .bind(ts(now))
                .bind(ts(expires_at))
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The account behind an unexpired session.
    ///
    /// # Errors
    /// On database failure.
    pub async fn find_session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>> {
        let sql = "SELECT u.id, u.name, u.email, u.phone, u.password_hash, u.role, u.agency_id, u.created_at \
                   FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2";
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).bind(ts(now)).fetch_optional(pool).await?);
        row.map(UserRecord::try_from).transpose()
    }

    /// # Errors
    /// On database failure.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
        });
        Ok(())
    }
}

enum Key<'a> {
    Id(i64),
    Text(&'a str),
}
