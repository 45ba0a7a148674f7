//! Accounts: citizens and officers, and the contact details that identify them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::validation::{Problem, ValidationErrors, text};

/// The role of an account. Officer roles are scoped to an agency (see [`Role::needs_agency`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Warga: files and follows reports.
    Citizen,
    /// Admin Nasional (KemenPAN-RB): verifies and routes every report.
    AdminNasional,
    /// Admin Instansi: an agency's coordinator.
    AdminInstansi,
    /// Admin Unit / penghubung: a unit's liaison.
    AdminUnit,
    /// Pengawas (Ombudsman): reads everything, changes nothing.
    Pengawas,
    /// Runs the installation: accounts, agencies, settings.
    Superadmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Citizen,
        Role::AdminNasional,
        Role::AdminInstansi,
        Role::AdminUnit,
        Role::Pengawas,
        Role::Superadmin,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::AdminNasional => "admin_nasional",
            Role::AdminInstansi => "admin_instansi",
            Role::AdminUnit => "admin_unit",
            Role::Pengawas => "pengawas",
            Role::Superadmin => "superadmin",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Agency and unit admins act for one agency; the others act nationally.
    #[must_use]
    pub fn needs_agency(self) -> bool {
        matches!(self, Role::AdminInstansi | Role::AdminUnit)
    }

    #[must_use]
    pub fn is_officer(self) -> bool {
        self != Role::Citizen
    }
}

/// A syntactically valid, lower-cased e-mail address.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// A pragmatic check: one `@`, a non-empty local part, a dotted domain, no spaces.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        let value = raw.trim().to_lowercase();
        let (local, domain) = value.split_once('@')?;
        let ok = !local.is_empty()
            && value.len() <= 254
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && value.chars().all(|c| c.is_ascii_graphic() || !c.is_ascii())
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        ok.then_some(Self(value))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Personal data: never printed whole by `Debug`, so it cannot slip into logs.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(…)")
    }
}

/// An Indonesian mobile number normalised to E.164 (`+628…`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts `0812…`, `62812…`, `+62 812-…` and `(0812) …`; Indonesian mobile numbers start
    /// with 8 after the country code and have 9 to 12 digits there.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty()
            || !trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
            || trimmed.matches('+').count() > 1
            || (trimmed.contains('+') && !trimmed.starts_with('+'))
        {
            return None;
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest
        } else if let Some(rest) = digits.strip_prefix('0') {
            if trimmed.starts_with('+') {
                return None;
            }
            rest
        } else {
            return None;
        };
        (national.starts_with('8') && (9..=12).contains(&national.len()))
            .then(|| Self(format!("+62{national}")))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(…)")
    }
}

/// Contact details of a person: name and at least one way to reach them where required.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contact")
            .field("name", &self.name.as_ref().map(|_| "…"))
            .field("email", &self.email)
            .field("phone", &self.phone)
            .finish()
    }
}

impl Contact {
    /// Validates optional name, e-mail and phone; `prefix` names the fields (`reporter.`).
    pub fn validate(
        errors: &mut ValidationErrors,
        fields: [&'static str; 3],
        name: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Self {
        let [name_field, email_field, phone_field] = fields;
        let name = crate::validation::optional_text(errors, name_field, name, 100);
        let email = email
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|raw| {
                let parsed = Email::parse(raw);
                if parsed.is_none() {
                    errors.add(email_field, Problem::InvalidEmail);
                }
                parsed
            });
        let phone = phone
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|raw| {
                let parsed = Phone::parse(raw);
                if parsed.is_none() {
                    errors.add(phone_field, Problem::InvalidPhone);
                }
                parsed
            });
        Self { name, email, phone }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// A citizen's self-registration, validated.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub password: String,
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

impl Registration {
    /// Name is required, and an e-mail or a phone number to log in with.
    ///
    /// # Errors
    /// Every invalid field.
    pub fn validate(
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        password: &str,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = text(&mut errors, "name", name, 2, 100);
        let contact =
            Contact::validate(&mut errors, ["name", "email", "phone"], None, email, phone);
        let blank = |v: Option<&str>| v.is_none_or(|s| s.trim().is_empty());
        if blank(email) && blank(phone) {
            errors.add("email", Problem::ContactRequired);
        }
        validate_password(&mut errors, password);
        errors.into_result(Self {
            name,
            email: contact.email,
            phone: contact.phone,
            password: password.to_owned(),
        })
    }
}

/// Passwords are length-checked only; composition rules push people to write them down.
pub fn validate_password(errors: &mut ValidationErrors, password: &str) {
    let len = password.chars().count();
    if len == 0 {
        errors.add("password", Problem::Required);
    } else if len < PASSWORD_MIN {
        errors.add("password", Problem::TooShort { min: PASSWORD_MIN });
    } else if len > PASSWORD_MAX {
        errors.add("password", Problem::TooLong { max: PASSWORD_MAX });
    }
}

/// What someone typed to log in: an e-mail address or a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

impl Login {
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.contains('@') {
            Email::parse(raw).map(Login::Email)
        } else {
            Phone::parse(raw).map(Login::Phone)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_e164() {
        for raw in [
            "081234567890",
            "+6281234567890",
            "6281234567890",
            "+62 812-3456-7890",
            "(0812) 3456 7890",
        ] {
            assert_eq!(
                Phone::parse(raw).map(|p| p.as_str().to_owned()),
                Some("+6281234567890".into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn landlines_foreign_and_garbage_numbers_are_refused() {
        for raw in [
            "",
            "0215551234",
            "+44 7700 900123",
            "0812",
            "08123456789012345",
            "0812abc4567",
            "+0812345678",
            "62+812345678",
        ] {
            assert_eq!(Phone::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::parse(" Budi@Example.CO.id ").map(|e| e.as_str().to_owned()),
            Some("budi@example.co.id".into())
        );
        for raw in [
            "budi",
            "budi@",
            "@example.com",
            "budi@example",
            "budi@@example.com",
            "bu di@example.com",
            "budi@.example.com",
            "budi@example..com",
        ] {
            assert_eq!(Email::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn personal_data_does_not_show_in_debug_output() {
        let contact = Contact {
            name: Some("Siti Aminah".into()),
            email: Email::parse("siti@example.com"),
            phone: Phone::parse("081234567890"),
        };
        let printed = format!("{contact:?}");
        assert!(!printed.contains("Siti"));
        assert!(!printed.contains("siti@"));
        assert!(!printed.contains("812345"));
    }

    #[test]
    fn registration_needs_a_way_to_log_in_and_a_long_enough_password() {
        let err = Registration::validate("Budi", None, Some(" "), "short").expect_err("invalid");
        assert_eq!(err.for_field("email"), Some(Problem::ContactRequired));
        assert_eq!(
            err.for_field("password"),
            Some(Problem::TooShort { min: 8 })
        );
        let ok = Registration::validate("Budi", None, Some("0812 3456 7890"), "rahasia123")
            .expect("valid");
        assert_eq!(
            ok.phone.map(|p| p.as_str().to_owned()),
            Some("+6281234567890".into())
        );
    }

    #[test]
    fn only_agency_scoped_roles_need_an_agency() {
        assert!(Role::AdminInstansi.needs_agency());
        assert!(Role::AdminUnit.needs_agency());
        assert!(!Role::AdminNasional.needs_agency());
        assert!(!Role::Citizen.is_officer());
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
