//! `actionplan gen --round`: a reporting round over every task of a generated database, for the
//! benchmark — opened by the benchmark's manager through the same function as the web form,
//! about 60% of the units' lines written and about 40% of the reports submitted (through the
//! same submission as a unit lead's, so their lines enter the history).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::{Datelike, NaiveDate, TimeDelta};
use sqlx::PgPool;

use super::r#gen::MANAGER_EMAIL;
use crate::accounts::{self, NewAccount};
use crate::db::{generate, rounds, users};
use crate::domain::ids::{RoundId, UnitId};
use crate::domain::round::NewRound;

/// The accounts that submit the benchmark round's reports, each bound to a share of the units
/// that submit: `baocao1@bench.local`, `baocao2@bench.local` …
const REPORTER_NAME: &str = "baocao";
const REPORTER_DOMAIN: &str = "bench.local";

/// The quarter of `day`: its first and last days.
fn quarter_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_month = (day.month0() / 3) * 3 + 1;
    let from = NaiveDate::from_ymd_opt(day.year(), first_month, 1).unwrap_or(day);
    let next = from
        .checked_add_months(chrono::Months::new(3))
        .unwrap_or(from);
    (from, next - TimeDelta::days(1))
}

#[expect(
    clippy::print_stdout,
    reason = "the command reports to its user on stdout"
)]
pub async fn run(pool: &PgPool) -> anyhow::Result<ExitCode> {
    let manager = users::user_id_by_email(pool, MANAGER_EMAIL)
        .await?
        .context("chưa có tài khoản quản lý đo hiệu năng: chạy `actionplan gen` trước")?;
    let manager = users::fetch_user(pool, manager)
        .await?
        .context("không đọc được tài khoản quản lý")?;
    let today = crate::web::params::today_in_vietnam();
    let (period_from, period_to) = quarter_of(today);
    let round = NewRound {
        title: format!(
            "Báo cáo quý {}/{} (đo hiệu năng)",
            today.month0() / 3 + 1,
            today.year()
        ),
        period_from,
        period_to,
        due_on: today + TimeDelta::days(10),
    };
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let (id, lines) = rounds::open_round(&mut tx, &round, None, true, &manager)
        .await
        .map_err(|e| anyhow::anyhow!("không mở được kỳ báo cáo: {e}"))?;
    tx.commit().await?;
    let opened = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let written = write_lines(pool, id).await?;
    let (submitted, submitted_lines) = submit_reports(pool, id, today).await?;
    generate::vacuum_analyze(pool).await?;
    println!(
        "Kỳ báo cáo {id}: {lines} dòng trên mọi nhiệm vụ, mở trong {opened:.1} s; \
         đã nhập {written} dòng, đã nộp {submitted} báo cáo ({submitted_lines} dòng vào lịch sử) trong {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    println!("round_id={id}");
    Ok(ExitCode::SUCCESS)
}

/// Writes the lines of the units whose id ends in 0–5, each saying the task's own state.
async fn write_lines(pool: &PgPool, round: RoundId) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        "update round_lines l set state = t.state,
                completed_on = case when t.state = 'completed' then t.completed_on end,
                done_text = 'Đã triển khai theo kế hoạch: ' || left(t.content, 80),
                result_text = case when t.state = 'completed' then t.deliverable else '' end,
                difficulties = case when t.id % 7 = 0 then 'Chưa được bố trí đủ kinh phí' else '' end,
                proposal = case when t.id % 11 = 0 then 'Đề nghị gia hạn đến hết năm' else '' end,
                saved_at = now()
           from tasks t
          where t.id = l.task_id and l.round_id = $1 and l.unit_id % 10 < 6",
        round as RoundId
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "update round_reports x set lines_saved = (select count(*) from round_lines l
                where l.round_id = x.round_id and l.unit_id = x.unit_id and l.state is not null)
          where x.round_id = $1",
        round as RoundId
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done)
}

/// Submits the reports of the units whose id ends in 0–3, as an account bound to them.
async fn submit_reports(
    pool: &PgPool,
    round: RoundId,
    today: NaiveDate,
) -> anyhow::Result<(usize, usize)> {
    let units = sqlx::query_scalar!(
        r#"select unit_id as "unit_id: UnitId" from round_reports
            where round_id = $1 and unit_id % 10 < 4 and lines_saved = lines_total order by unit_id"#,
        round as RoundId
    )
    .fetch_all(pool)
    .await?;
    // An account is bound to at most `MAX_UNITS` units: one reporter per share of them.
    let shares: Vec<&[UnitId]> = units.chunks(accounts::MAX_UNITS).collect();
    let emails: Vec<String> = (1..=shares.len())
        .map(|n| format!("{REPORTER_NAME}{n}@{REPORTER_DOMAIN}"))
        .collect();
    let email_refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    generate::remove_accounts(pool, &email_refs).await?;
    let mut reporters = Vec::with_capacity(shares.len());
    for (email, share) in emails.iter().zip(&shares) {
        let id = accounts::create_account(
            pool,
            &NewAccount {
                email: email.clone(),
                name: "Báo cáo viên Đo hiệu năng".to_owned(),
                role: "unit_lead".to_owned(),
                password: accounts::generate_password(),
                units: share.iter().map(|u| u.to_string()).collect(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("không tạo được tài khoản báo cáo {email}: {e}"))?;
        let reporter = users::fetch_user(pool, id)
            .await?
            .context("không đọc được tài khoản báo cáo")?;
        reporters.push(reporter);
    }
    let mut lines = 0;
    let mut tx = pool.begin().await?;
    for (reporter, share) in reporters.iter().zip(&shares) {
        for unit in *share {
            lines += rounds::submit_report(&mut tx, round, *unit, reporter, today)
                .await
                .map_err(|e| anyhow::anyhow!("đơn vị {unit}: {e}"))?;
        }
    }
    tx.commit().await?;
    Ok((units.len(), lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_runs_from_its_first_to_its_last_day() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        assert_eq!(quarter_of(d(11, 30)), (d(10, 1), d(12, 31)));
        assert_eq!(quarter_of(d(2, 14)), (d(1, 1), d(3, 31)));
    }
}
