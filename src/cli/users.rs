//! `actionplan user …`: accounts from the command line. The first admin is created here.

use std::io::BufRead;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use clap::Subcommand;
use sqlx::PgPool;

use crate::accounts::{self, AccountError, NewAccount};
use crate::db::users;
use crate::domain::limits;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from stdin with --password-stdin, otherwise a
    /// random one is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// viewer, unit_lead, manager or admin
        #[arg(long)]
        role: String,
        /// A unit the account leads (id or exact name); repeat for several.
        #[arg(long = "unit")]
        units: Vec<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Set an account's password (from stdin with --password-stdin, else generated and printed);
    /// ends its sessions, API tokens and calendar key.
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account (ends its sessions, API tokens and calendar key).
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Create an API token for an account (the token is printed alone on the last line), or
    /// `list` an account's tokens, or `revoke` one.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Token {
        #[command(subcommand)]
        action: Option<TokenCommand>,
        #[arg(long, required = true)]
        email: Option<String>,
        /// What the token is for, shown in lists ("Kho dữ liệu của Vụ KH-TC").
        #[arg(long, default_value = "")]
        label: String,
        /// The token stops working after this many days (default: never).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
    },
}

/// `actionplan user token list|revoke`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// List an account's tokens: id, label, created, last used, expiry (never the token).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke one token of an account by its id (from `list`).
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        id: i64,
    },
}

fn when(at: Option<DateTime<Utc>>, none: &str) -> String {
    at.map_or_else(
        || none.to_owned(),
        |at| {
            (at + TimeDelta::hours(7))
                .format("%d/%m/%Y %H:%M")
                .to_string()
        },
    )
}

fn read_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
    } else {
        Ok((accounts::generate_password(), true))
    }
}

fn explain(error: AccountError) -> anyhow::Error {
    match error {
        AccountError::Invalid(field, message) => anyhow::anyhow!("{field}: {message}"),
        other => other.into(),
    }
}

async fn user_id(db: &PgPool, email: &str) -> anyhow::Result<i64> {
    users::user_id_by_email(db, &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| anyhow::anyhow!("không có tài khoản {email}"))
}

/// Runs a user command.
#[expect(
    clippy::print_stdout,
    reason = "the command reports to its user on stdout"
)]
pub async fn run(db: &PgPool, command: &UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            units,
            password_stdin,
        } => {
            let (password, generated) = read_password(*password_stdin)?;
            let account = NewAccount {
                email: email.clone(),
                name: name.clone(),
                role: role.clone(),
                password: password.clone(),
                units: units.clone(),
            };
            let id = accounts::create_account(db, &account)
                .await
                .map_err(explain)?;
            println!(
                "Đã tạo tài khoản {} (mã {id}, vai trò {role}).",
                email.trim().to_lowercase()
            );
            if generated {
                println!("Mật khẩu (chỉ hiện một lần):");
                println!("{password}");
            }
        }
        UserCommand::List => {
            for u in users::list_users(db).await? {
                let state = if u.disabled {
                    "đã khoá"
                } else {
                    "hoạt động"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.name,
                    u.role,
                    state,
                    u.unit_names.join("; ")
                );
            }
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
        } => {
            let id = user_id(db, email).await?;
            let (password, generated) = read_password(*password_stdin)?;
            accounts::change_password(db, id, &password)
                .await
                .map_err(explain)?;
            println!(
                "Đã đặt mật khẩu mới cho {email}; các phiên đăng nhập, mã truy cập API và liên kết lịch riêng cũ đã bị thu hồi."
            );
            if generated {
                println!("Mật khẩu (chỉ hiện một lần):");
                println!("{password}");
            }
        }
        UserCommand::Disable { email } => {
            let id = user_id(db, email).await?;
            crate::accounts::set_disabled(db, id, true)
                .await
                .map_err(explain)?;
            println!(
                "Đã khoá tài khoản {email}; phiên đăng nhập, mã truy cập API và liên kết lịch riêng của tài khoản đã bị thu hồi."
            );
        }
        UserCommand::Token {
            action: Some(TokenCommand::List { email }),
            ..
        } => {
            let id = user_id(db, email).await?;
            println!("mã\tnhãn\ttạo lúc\tdùng lần cuối\thết hạn");
            for t in users::list_tokens(db, id).await? {
                let expiry = if t.expired {
                    format!("đã hết hạn {}", when(t.expires_at, ""))
                } else {
                    when(t.expires_at, "không hết hạn")
                };
                println!(
                    "{}\t{}\t{}\t{}\t{expiry}",
                    t.id,
                    t.label,
                    when(Some(t.created_at), ""),
                    when(t.last_used_at, "chưa dùng"),
                );
            }
        }
        UserCommand::Token {
            action: Some(TokenCommand::Revoke { email, id: token }),
            ..
        } => {
            let id = user_id(db, email).await?;
            if !users::revoke_token(db, id, *token).await? {
                anyhow::bail!("{email} không có mã truy cập số {token}");
            }
            println!("Đã thu hồi mã truy cập số {token} của {email}.");
        }
        UserCommand::Token {
            action: None,
            email,
            label,
            expires_in_days,
        } => {
            let email = email.as_deref().unwrap_or_default();
            if limits::too_long(label, limits::LABEL) {
                anyhow::bail!("label: nhãn quá dài (tối đa {} ký tự)", limits::LABEL);
            }
            let id = user_id(db, email).await?;
            let expires_at =
                expires_in_days.map(|days| Utc::now() + TimeDelta::days(i64::from(days)));
            let token = users::create_token_until(db, id, label.trim(), expires_at).await?;
            println!(
                "Mã truy cập API cho {email} (chỉ hiện một lần; dùng: Authorization: Bearer <mã>; hết hạn: {}):",
                when(expires_at, "không")
            );
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
