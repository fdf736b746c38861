//! Sending e-mail over SMTP with lettre: plain SMTP (a relay on the local network), optional
//! credentials, a text part and an HTML part.

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::reminders::SmtpConfig;

/// How long one SMTP command may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP client with its sender address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// One e-mail to send.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mailer {
    /// A mailer for the settings; fails when the sender address is missing or malformed.
    pub fn new(smtp: &SmtpConfig) -> anyhow::Result<Mailer> {
        let from = smtp
            .from
            .as_deref()
            .context("SMTP_FROM chưa được đặt: cần địa chỉ người gửi thư nhắc việc")?;
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("SMTP_FROM \"{from}\" không phải địa chỉ thư hợp lệ"))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = &smtp.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                smtp.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one e-mail.
    pub async fn send(&self, mail: &Mail) -> anyhow::Result<()> {
        let address = mail
            .to_address
            .parse()
            .with_context(|| "địa chỉ người nhận không hợp lệ".to_owned())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(mail.to_name.clone()), address))
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .context("không tạo được thư")?;
        self.transport
            .send(message)
            .await
            .context("máy chủ SMTP không nhận thư")?;
        Ok(())
    }
}
