//! Reminder settings: the SMTP server (reminders are off without one), how many days ahead a
//! digest looks and the hour it is sent, from flags or the environment.

use std::fmt;

/// The command-line flags (each also read from its environment variable).
#[derive(Debug, Clone, clap::Args)]
pub struct ReminderArgs {
    /// SMTP server for reminder e-mails; reminders are off when it is not set.
    #[arg(long, env = "SMTP_HOST", global = true)]
    smtp_host: Option<String>,
    /// SMTP port (plain SMTP, no TLS: a relay on the local network).
    #[arg(long, env = "SMTP_PORT", default_value_t = 25, global = true)]
    smtp_port: u16,
    /// SMTP user name, when the server wants one.
    #[arg(long, env = "SMTP_USER", global = true)]
    smtp_user: Option<String>,
    /// SMTP password (prefer the environment variable to the flag).
    #[arg(long, env = "SMTP_PASSWORD", global = true, hide_env_values = true)]
    smtp_password: Option<String>,
    /// Sender of reminder e-mails, e.g. "Theo dõi kế hoạch <noreply@example.gov.vn>".
    #[arg(long, env = "SMTP_FROM", global = true)]
    smtp_from: Option<String>,
    /// A digest lists the tasks due within this many days (and those overdue).
    #[arg(long, env = "REMINDER_DAYS", default_value_t = 7, global = true,
          value_parser = clap::value_parser!(u32).range(0..=366))]
    reminder_days: u32,
    /// Hour of the day (Vietnam time, 0–23) at which the server sends the digests.
    #[arg(long, env = "REMINDER_HOUR", default_value_t = 7, global = true,
          value_parser = clap::value_parser!(u32).range(0..24))]
    reminder_hour: u32,
}

impl ReminderArgs {
    /// The settings these flags give.
    pub fn config(&self) -> ReminderConfig {
        ReminderConfig {
            smtp: self
                .smtp_host
                .as_ref()
                .filter(|h| !h.trim().is_empty())
                .map(|host| SmtpConfig {
                    host: host.trim().to_owned(),
                    port: self.smtp_port,
                    user: self.smtp_user.clone().filter(|u| !u.is_empty()),
                    password: self.smtp_password.clone(),
                    from: self.smtp_from.clone().filter(|f| !f.trim().is_empty()),
                }),
            days: self.reminder_days,
            hour: self.reminder_hour,
        }
    }
}

/// Reminder settings.
#[derive(Debug, Clone)]
pub struct ReminderConfig {
    /// `SMTP_HOST` and friends; None turns reminder e-mails off.
    pub smtp: Option<SmtpConfig>,
    /// `REMINDER_DAYS`, default 7.
    pub days: u32,
    /// `REMINDER_HOUR`, default 7 (Vietnam time).
    pub hour: u32,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig {
            smtp: None,
            days: 7,
            hour: 7,
        }
    }
}

/// Where and as whom reminder e-mails are sent.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `SMTP_FROM`; required when SMTP is on.
    pub from: Option<String>,
}

impl SmtpConfig {
    /// Plain SMTP to `host:port` without credentials (as a local relay, or a test, takes it).
    pub fn plain(host: &str, port: u16, from: &str) -> Self {
        SmtpConfig {
            host: host.to_owned(),
            port,
            user: None,
            password: None,
            from: Some(from.to_owned()),
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("from", &self.from)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_password_never_shows_in_debug_output() {
        let mut smtp = SmtpConfig::plain("mail.local", 25, "a@b.vn");
        smtp.password = Some("bí mật".to_owned());
        let shown = format!("{smtp:?}");
        assert!(!shown.contains("bí mật"));
        assert!(shown.contains("[redacted]"));
    }
}
