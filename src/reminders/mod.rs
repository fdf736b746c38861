//! Reminder e-mails: a daily digest to each unit lead of its units' tasks overdue and due soon,
//! and of the round reports and explanations they owe,
//! sent over SMTP at most once a day per account, from the server's daily job or `actionplan
//! remind`. Off when no SMTP server is configured.

mod digest;
pub mod mail;
pub mod schedule;

use std::process::ExitCode;

use chrono::NaiveDate;
use sqlx::PgPool;

pub use crate::config::reminders::{ReminderArgs, ReminderConfig, SmtpConfig};
pub use digest::{Digest, DigestLine};
use mail::{Mail, Mailer};

use crate::config::Config;
use crate::db::reminders as db;

/// Why a run sent nothing at all.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error(
        "chưa cấu hình máy chủ thư (SMTP_HOST), nên không gửi thư nhắc việc; dùng --dry-run để xem thư mà không gửi"
    )]
    NotConfigured,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What a run did, account by account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Digests sent.
    pub sent: usize,
    /// Accounts whose digest for the day had been sent before.
    pub already_sent: usize,
    /// Accounts with nothing overdue or due soon (they get no e-mail).
    pub nothing_due: usize,
    /// Digests the SMTP server did not take (tried again on the next run that day).
    pub failed: usize,
}

/// The digests for `on` of the unit leads who have not had theirs that day and have something
/// to hear about; also counts the others in the report.
pub async fn prepare_digests(
    db: &PgPool,
    config: &Config,
    on: NaiveDate,
) -> sqlx::Result<(Vec<Digest>, RunReport)> {
    let days = i32::try_from(config.reminders.days).unwrap_or(i32::MAX);
    let done = db::digests_sent_on(db, on).await?;
    let mut report = RunReport::default();
    let mut digests = Vec::new();
    for recipient in db::list_recipients(db).await? {
        if done.contains(&recipient.id) {
            report.already_sent += 1;
            continue;
        }
        let tasks = db::digest_tasks(db, recipient.id, on, days).await?;
        let owed = db::owed(db, recipient.id).await?;
        let digest = Digest::new(
            &recipient,
            &tasks,
            on,
            config.reminders.days,
            &config.public_url,
        )
        .with_owed(&owed);
        if digest.is_empty() {
            report.nothing_due += 1;
        } else {
            digests.push(digest);
        }
    }
    Ok((digests, report))
}

/// Sends the digests for `on` (normally today in Vietnam) to every unit lead who has not had
/// theirs that day. Each account's digest is claimed in the log before it is sent, so that two
/// runs (or two servers) never send it twice; a failed send gives the claim back.
pub async fn send_digests(
    db: &PgPool,
    config: &Config,
    on: NaiveDate,
) -> Result<RunReport, ReminderError> {
    let smtp = config
        .reminders
        .smtp
        .as_ref()
        .ok_or(ReminderError::NotConfigured)?;
    let mailer = Mailer::new(smtp)?;
    let (digests, mut report) = prepare_digests(db, config, on).await?;
    for digest in digests {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let claimed = db::claim_digest(
            db,
            digest.user_id,
            on,
            &digest.email,
            count(digest.overdue.len()),
            count(digest.due_soon.len()),
        )
        .await?;
        if !claimed {
            report.already_sent += 1;
            continue;
        }
        let mail = Mail {
            to_name: digest.name.clone(),
            to_address: digest.email.clone(),
            subject: digest.subject(),
            text: digest.text(),
            html: digest.html().map_err(anyhow::Error::from)?,
        };
        match mailer.send(&mail).await {
            Ok(()) => report.sent += 1,
            Err(error) => {
                tracing::error!(
                    user.id = digest.user_id,
                    error = format!("{error:#}"),
                    "không gửi được thư nhắc việc"
                );
                db::release_digest(db, digest.user_id, on).await?;
                report.failed += 1;
            }
        }
    }
    tracing::info!(
        sent = report.sent,
        already_sent = report.already_sent,
        nothing_due = report.nothing_due,
        failed = report.failed,
        "thư nhắc việc ngày {on}"
    );
    Ok(report)
}

/// `actionplan remind [--dry-run]`: sends today's digests now, or prints them.
#[expect(
    clippy::print_stdout,
    reason = "the remind command reports to its user on stdout"
)]
pub async fn command(db: &PgPool, config: &Config, dry_run: bool) -> anyhow::Result<ExitCode> {
    let today = crate::web::params::today_in_vietnam();
    if dry_run {
        let (digests, report) = prepare_digests(db, config, today).await?;
        for d in &digests {
            println!("==== Tới: {} <{}>", d.name, d.email);
            println!("Tiêu đề: {}\n", d.subject());
            println!("{}", d.text());
        }
        println!(
            "Xem trước ngày {}: {} thư sẽ gửi; {} tài khoản đã nhận thư hôm nay; {} tài khoản không có nhiệm vụ cần nhắc.",
            crate::domain::deadline::format_vi(today),
            digests.len(),
            report.already_sent,
            report.nothing_due
        );
        return Ok(ExitCode::SUCCESS);
    }
    let report = send_digests(db, config, today)
        .await
        .map_err(anyhow::Error::from)?;
    println!(
        "Ngày {}: đã gửi {} thư nhắc việc; {} tài khoản đã nhận thư hôm nay; {} tài khoản không có nhiệm vụ cần nhắc; {} thư gửi lỗi.",
        crate::domain::deadline::format_vi(today),
        report.sent,
        report.already_sent,
        report.nothing_due,
        report.failed
    );
    Ok(if report.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
