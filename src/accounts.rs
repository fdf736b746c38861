//! Account management shared by the CLI and the admin pages: validation of e-mail, name,
//! role, password and units, then the write in one transaction.

use sqlx::PgPool;

use crate::db::users;
use crate::domain::ids::UnitId;
use crate::domain::limits;
use crate::domain::role::Role;
use crate::domain::text::{fold, nfc};
use crate::secret::{hash_password, new_token};

/// A new account as entered.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
    /// Unit ids, or unit names (matched without diacritics or case).
    pub units: Vec<String>,
}

/// Why an account could not be saved: the field at fault and what to do.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("không băm được mật khẩu")]
    Hash,
}

fn invalid(field: &'static str, message: impl Into<String>) -> AccountError {
    AccountError::Invalid(field, message.into())
}

/// Minimum password length.
pub const MIN_PASSWORD: usize = 10;

/// A random password for a new account, printed once.
pub fn generate_password() -> String {
    new_token().chars().take(20).collect()
}

/// The lowest zxcvbn score accepted (0–4): 3 is "safely unguessable" (about 10^8 guesses).
const MIN_SCORE: u8 = 3;

/// Words a guesser here would try first, beyond zxcvbn's English lists: Vietnamese for
/// "password", "admin", the ministry and the app's own names.
const LOCAL_WORDS: [&str; 12] = [
    "matkhau",
    "mat-khau",
    "quantri",
    "quantrivien",
    "admin",
    "bo",
    "kehoach",
    "nhiemvu",
    "actionplan",
    "vietnam",
    "hanoi",
    "chinhphu",
];

/// Checks a password's strength: its length, then how guessable it is (zxcvbn: common
/// passwords, dictionary words, keyboard runs, repeats, dates), also against the account's
/// own e-mail and name and a few local words.
pub fn check_password(password: &str, user_inputs: &[&str]) -> Result<(), AccountError> {
    if limits::too_long(password, limits::PASSWORD) {
        return Err(invalid(
            "password",
            format!("Mật khẩu quá dài (tối đa {} ký tự).", limits::PASSWORD),
        ));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(invalid(
            "password",
            format!("Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."),
        ));
    }
    let mut inputs: Vec<&str> = LOCAL_WORDS.to_vec();
    for input in user_inputs {
        inputs.push(input);
        inputs.extend(
            input
                .split(['@', '.', ' ', '-', '_'])
                .filter(|w| w.len() > 2),
        );
    }
    let score = u8::from(zxcvbn::zxcvbn(password, &inputs).score());
    if score < MIN_SCORE {
        return Err(invalid(
            "password",
            "Mật khẩu quá dễ đoán (mật khẩu phổ biến, từ điển, dãy phím, lặp lại hoặc giống email/họ tên): hãy dùng một cụm vài từ không liên quan, hoặc để hệ thống tạo mật khẩu.",
        ));
    }
    Ok(())
}

/// Resolves unit references (ids or names) to ids.
pub async fn resolve_units(db: &PgPool, refs: &[String]) -> Result<Vec<UnitId>, AccountError> {
    check_unit_refs(refs)?;
    let mut ids = Vec::new();
    for reference in refs.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let found: Vec<(UnitId, String)> = match reference.parse::<i64>() {
            Ok(id) => sqlx::query!(
                r#"select id as "id: UnitId", name from units where id = $1"#,
                id
            )
            .fetch_all(db)
            .await?
            .into_iter()
            .map(|unit| (unit.id, unit.name))
            .collect(),
            Err(_) => {
                let all = sqlx::query!(
                    r#"select id as "id: UnitId", name from units where not is_group"#
                )
                .fetch_all(db)
                .await?;
                let wanted = fold(reference);
                all.into_iter()
                    .filter(|unit| fold(&unit.name) == wanted)
                    .map(|unit| (unit.id, unit.name))
                    .collect()
            }
        };
        match found.as_slice() {
            [(id, _)] => ids.push(*id),
            [] => {
                return Err(invalid(
                    "units",
                    format!("Không tìm thấy đơn vị \"{reference}\"."),
                ));
            }
            many => {
                let list: Vec<String> = many
                    .iter()
                    .map(|(id, name)| format!("{id} ({name})"))
                    .collect();
                return Err(invalid(
                    "units",
                    format!(
                        "\"{reference}\" trùng tên nhiều đơn vị, hãy dùng mã: {}",
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(ids)
}

/// Most units one account may be bound to in one form.
/// The most units one account can be bound to.
pub const MAX_UNITS: usize = 500;

/// Every field's length, before any other check.
fn check_lengths(account: &NewAccount) -> Result<(), AccountError> {
    if limits::too_long(&account.email, limits::EMAIL) {
        return Err(invalid(
            "email",
            format!("Email quá dài (tối đa {} ký tự).", limits::EMAIL),
        ));
    }
    if limits::too_long(&account.name, limits::NAME) {
        return Err(invalid(
            "name",
            format!("Họ tên quá dài (tối đa {} ký tự).", limits::NAME),
        ));
    }
    if limits::too_long(&account.role, limits::SHORT) {
        return Err(invalid("role", "Vai trò không hợp lệ."));
    }
    check_unit_refs(&account.units)?;
    if limits::too_long(&account.password, limits::PASSWORD) {
        return Err(invalid(
            "password",
            format!("Mật khẩu quá dài (tối đa {} ký tự).", limits::PASSWORD),
        ));
    }
    Ok(())
}

fn check_unit_refs(refs: &[String]) -> Result<(), AccountError> {
    if refs.len() > MAX_UNITS || refs.iter().any(|u| limits::too_long(u, limits::SHORT)) {
        return Err(invalid(
            "units",
            format!(
                "Tối đa {MAX_UNITS} đơn vị, mỗi tên tối đa {} ký tự.",
                limits::SHORT
            ),
        ));
    }
    Ok(())
}

/// An account that passed every check, its password hashed, ready to insert.
struct Checked {
    email: String,
    name: String,
    role: Role,
    units: Vec<UnitId>,
    hash: String,
}

/// Every check of a new account, then the password's hash.
async fn check_account(db: &PgPool, account: &NewAccount) -> Result<Checked, AccountError> {
    check_lengths(account)?;
    let email = account.email.trim().to_lowercase();
    if !email.contains('@')
        || email.starts_with('@')
        || email.ends_with('@')
        || email.contains(char::is_whitespace)
    {
        return Err(invalid("email", "Email không hợp lệ."));
    }
    let name = nfc(account.name.trim());
    if name.is_empty() {
        return Err(invalid("name", "Hãy nhập họ tên."));
    }
    let role = Role::parse(account.role.trim()).ok_or_else(|| {
        invalid(
            "role",
            "Vai trò phải là viewer, unit_lead, manager hoặc admin.",
        )
    })?;
    check_password(&account.password, &[&email, &name])?;
    let units = resolve_units(db, &account.units).await?;
    if role == Role::UnitLead && units.is_empty() {
        return Err(invalid(
            "units",
            "Lãnh đạo đơn vị phải được gắn với ít nhất một đơn vị.",
        ));
    }
    if users::user_id_by_email(db, &email).await?.is_some() {
        return Err(invalid("email", "Email này đã có tài khoản."));
    }
    let password = account.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AccountError::Hash)?
        .map_err(|_| AccountError::Hash)?;
    Ok(Checked {
        email,
        name,
        role,
        units,
        hash,
    })
}

/// Validates and creates an account; returns its id.
pub async fn create_account(db: &PgPool, account: &NewAccount) -> Result<i64, AccountError> {
    let c = check_account(db, account).await?;
    let mut tx = db.begin().await?;
    let id = users::insert_user(&mut tx, &c.email, &c.name, c.role, &c.hash, &c.units).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the first administrator with a one-time set-up token: only while there is no
/// account at all, and the token is used up in the same transaction. A failed check leaves the
/// token usable, so the form can be corrected.
pub async fn create_first_admin(
    db: &PgPool,
    account: &NewAccount,
    token: &str,
) -> Result<i64, AccountError> {
    let account = NewAccount {
        role: Role::Admin.as_str().to_owned(),
        units: Vec::new(),
        ..account.clone()
    };
    let c = check_account(db, &account).await?;
    let mut tx = db.begin().await?;
    if !crate::db::setup::take_token(&mut tx, token).await? {
        return Err(invalid("token", SETUP_USED));
    }
    let id = users::insert_user(&mut tx, &c.email, &c.name, c.role, &c.hash, &c.units).await?;
    tx.commit().await?;
    Ok(id)
}

/// Why a set-up link no longer works.
pub const SETUP_USED: &str = "Liên kết thiết lập này đã được dùng, đã hết hạn, hoặc hệ thống đã có tài khoản. Hãy đăng nhập, hoặc khởi động lại máy chủ để nhận liên kết mới khi chưa có tài khoản nào.";

/// Sets a new password (and ends the account's sessions).
pub async fn change_password(db: &PgPool, user: i64, password: &str) -> Result<(), AccountError> {
    let Some(account) = users::fetch_user(db, user).await? else {
        return Err(invalid("user", "Không tìm thấy tài khoản."));
    };
    check_password(password, &[&account.email, &account.name])?;
    let owned = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&owned))
        .await
        .map_err(|_| AccountError::Hash)?
        .map_err(|_| AccountError::Hash)?;
    let mut tx = db.begin().await?;
    if !users::set_password(&mut tx, user, &hash).await? {
        return Err(invalid("user", "Không tìm thấy tài khoản."));
    }
    tx.commit().await?;
    Ok(())
}

/// Why the last administrator cannot be demoted or disabled.
pub const LAST_ADMIN: &str = "Không thể hạ quyền hoặc khoá quản trị viên cuối cùng: hãy cấp quyền quản trị cho một tài khoản khác trước.";

/// Changes an account's role; refuses to demote the last active administrator.
pub async fn set_role(db: &PgPool, user: i64, role: Role) -> Result<bool, AccountError> {
    let mut tx = db.begin().await?;
    if role != Role::Admin && users::is_last_admin(&mut tx, user).await? {
        return Err(invalid("role", LAST_ADMIN));
    }
    let done = users::set_role(&mut *tx, user, role).await?;
    tx.commit().await?;
    Ok(done)
}

/// Disables or re-enables an account; refuses to disable the last active administrator.
pub async fn set_disabled(db: &PgPool, user: i64, disabled: bool) -> Result<bool, AccountError> {
    let mut tx = db.begin().await?;
    if disabled && users::is_last_admin(&mut tx, user).await? {
        return Err(invalid("disabled", LAST_ADMIN));
    }
    let done = users::set_disabled(&mut tx, user, disabled).await?;
    tx.commit().await?;
    Ok(done)
}
