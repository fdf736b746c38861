//! The server's daily reminder job: sends the day's digests at `REMINDER_HOUR` (Vietnam time),
//! and on start when that hour has passed (the log keeps it from sending a digest twice).

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::mail::Mailer;
use crate::config::Config;

/// The running daily job; dropping it stops the job.
#[derive(Debug)]
pub struct DailyReminders(JoinHandle<()>);

impl Drop for DailyReminders {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the daily job when SMTP is configured (None otherwise); fails at once when the SMTP
/// settings are unusable, so a bad `SMTP_FROM` shows on start, not at the first send.
pub fn start_daily(db: PgPool, config: Arc<Config>) -> anyhow::Result<Option<DailyReminders>> {
    let Some(smtp) = &config.reminders.smtp else {
        tracing::info!("chưa cấu hình SMTP_HOST: không gửi thư nhắc việc");
        return Ok(None);
    };
    Mailer::new(smtp)?;
    tracing::info!(
        smtp.host = %smtp.host,
        smtp.port = smtp.port,
        hour = config.reminders.hour,
        "thư nhắc việc được gửi hằng ngày"
    );
    Ok(Some(DailyReminders(tokio::spawn(daily(db, config)))))
}

fn now_in_vietnam() -> NaiveDateTime {
    (Utc::now() + TimeDelta::hours(7)).naive_utc()
}

/// The next time (Vietnam time) the job runs after `now`: today at `hour` o'clock if that is
/// still ahead, else tomorrow.
pub fn next_run(now: NaiveDateTime, hour: u32) -> NaiveDateTime {
    let at = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date().and_time(at);
    if today > now {
        today
    } else {
        today + TimeDelta::days(1)
    }
}

async fn daily(db: PgPool, config: Arc<Config>) {
    loop {
        let now = now_in_vietnam();
        if now.hour() >= config.reminders.hour
            && let Err(error) = super::send_digests(&db, &config, now.date()).await
        {
            tracing::error!(error = format!("{error:#}"), "lỗi khi gửi thư nhắc việc");
        }
        let now = now_in_vietnam();
        let wait = (next_run(now, config.reminders.hour) - now)
            .to_std()
            .unwrap_or(Duration::from_secs(60));
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("time")
    }

    #[test]
    fn the_job_runs_at_the_hour_today_or_else_tomorrow() {
        assert_eq!(
            next_run(at("2024-03-10 05:30:00"), 7),
            at("2024-03-10 07:00:00")
        );
        assert_eq!(
            next_run(at("2024-03-10 07:00:00"), 7),
            at("2024-03-11 07:00:00")
        );
        assert_eq!(
            next_run(at("2024-12-31 23:59:59"), 7),
            at("2025-01-01 07:00:00")
        );
        assert_eq!(
            next_run(at("2024-03-10 00:00:00"), 0),
            at("2024-03-11 00:00:00")
        );
    }
}
