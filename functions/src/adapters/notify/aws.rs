//! SMS through Amazon SNS and e-mail through Amazon SES (v2): the notifier of the AWS
//! deployment. Neither takes an idempotency key, hence the outbox's at-least-once window of
//! one message (`crate::outbox`).
//!
//! Mainland China: the AWS China regions (Beijing, Ningxia) offer neither SNS SMS nor SES, and
//! SMS to +86 numbers from other regions needs a sender ID and templates registered with the
//! Chinese carriers; a deployment for real applicants sends through a domestic SMS provider
//! behind this same port, with the templates of `domain::notify` as its registered ones.

use async_trait::async_trait;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message as Mail};
use domain::case::Moment;
use domain::notify::{Channel, Message};

use crate::ports::{Notifier, NotifyError};

/// Sends SMS with SNS and e-mail with SES from `from` (a verified identity).
#[derive(Debug, Clone)]
pub struct AwsNotifier {
    sns: aws_sdk_sns::Client,
    ses: aws_sdk_sesv2::Client,
    from: String,
}

impl AwsNotifier {
    /// Clients built once in `main` (or by a test for moto).
    pub fn new(
        sns: aws_sdk_sns::Client,
        ses: aws_sdk_sesv2::Client,
        from: impl Into<String>,
    ) -> Self {
        AwsNotifier {
            sns,
            ses,
            from: from.into(),
        }
    }
}

impl AwsNotifier {
    /// A notifier for an AWS-compatible endpoint on loopback (moto in the tests), its sender
    /// address verified there.
    pub async fn for_endpoint(endpoint: &str, from: &str) -> Result<AwsNotifier, NotifyError> {
        let credentials =
            aws_sdk_sns::config::Credentials::new("local", "local", None, None, "local");
        let sns = aws_sdk_sns::Client::from_conf(
            aws_sdk_sns::Config::builder()
                .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
                .region(aws_sdk_sns::config::Region::new("us-east-1"))
                .endpoint_url(endpoint)
                .credentials_provider(credentials.clone())
                .build(),
        );
        let ses = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::Config::builder()
                .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
                .region(aws_sdk_sesv2::config::Region::new("us-east-1"))
                .endpoint_url(endpoint)
                .credentials_provider(credentials)
                .build(),
        );
        ses.create_email_identity()
            .email_identity(from)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(AwsNotifier::new(sns, ses, from))
    }
}

/// A mainland mobile number in E.164 (`13800138000` → `+8613800138000`).
pub fn e164(phone: &str) -> String {
    let digits = phone.trim();
    if digits.starts_with('+') {
        digits.to_string()
    } else {
        format!("+86{digits}")
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> NotifyError {
    NotifyError::Unavailable(Box::new(e))
}

fn utf8(text: &str) -> Result<Content, NotifyError> {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .map_err(|e| NotifyError::Refused(e.to_string()))
}

#[async_trait]
impl Notifier for AwsNotifier {
    async fn send(
        &self,
        channel: Channel,
        to: &str,
        message: &Message,
        _now: Moment,
    ) -> Result<String, NotifyError> {
        match channel {
            Channel::Sms => {
                let out = self
                    .sns
                    .publish()
                    .phone_number(e164(to))
                    .message(&message.sms)
                    // Transactional: delivered even to numbers that opted out of promotions.
                    .message_attributes(
                        "AWS.SNS.SMS.SMSType",
                        aws_sdk_sns::types::MessageAttributeValue::builder()
                            .data_type("String")
                            .string_value("Transactional")
                            .build()
                            .map_err(|e| NotifyError::Refused(e.to_string()))?,
                    )
                    .send()
                    .await
                    .map_err(unavailable)?;
                out.message_id()
                    .map(str::to_string)
                    .ok_or_else(|| NotifyError::Refused("SNS gave no message id".into()))
            }
            Channel::Email => {
                let mail = Mail::builder()
                    .subject(utf8(&message.subject)?)
                    .body(Body::builder().text(utf8(&message.body)?).build())
                    .build();
                let out = self
                    .ses
                    .send_email()
                    .from_email_address(&self.from)
                    .destination(Destination::builder().to_addresses(to).build())
                    .content(EmailContent::builder().simple(mail).build())
                    .send()
                    .await
                    .map_err(unavailable)?;
                out.message_id()
                    .map(str::to_string)
                    .ok_or_else(|| NotifyError::Refused("SES gave no message id".into()))
            }
        }
    }
}
