//! The local notifier: each message appended as one JSON line to `<data>/notifications.jsonl`
//! (`{"channel","to","case","kind","text","lang","sent_at"}`), the file the local checks and
//! the team read instead of a telephone.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;
use domain::case::Moment;
use domain::notify::{Channel, Lang, Message};
use serde::Serialize;

use crate::ports::{Notifier, NotifyError};

/// One line of the file.
#[derive(Debug, Serialize)]
struct Line<'a> {
    channel: Channel,
    to: &'a str,
    case: &'a str,
    kind: &'static str,
    text: &'a str,
    lang: Lang,
    /// RFC 3339, UTC.
    sent_at: String,
}

/// Appends messages to a JSON-lines file; its provider id is `local:<line number>`.
#[derive(Debug)]
pub struct FileNotifier {
    path: PathBuf,
    /// One writer at a time, so lines never interleave.
    lines: Mutex<u64>,
}

impl FileNotifier {
    pub fn new(path: &Path) -> FileNotifier {
        let existing = std::fs::read_to_string(path)
            .map(|t| t.lines().count() as u64)
            .unwrap_or(0);
        FileNotifier {
            path: path.to_path_buf(),
            lines: Mutex::new(existing),
        }
    }
}

#[async_trait]
impl Notifier for FileNotifier {
    async fn send(
        &self,
        channel: Channel,
        to: &str,
        message: &Message,
        now: Moment,
    ) -> Result<String, NotifyError> {
        let line = Line {
            channel,
            to,
            case: &message.case,
            kind: message.kind.code(),
            text: message.text(channel),
            lang: message.lang,
            sent_at: now.rfc3339(),
        };
        let mut text =
            serde_json::to_string(&line).map_err(|e| NotifyError::Refused(e.to_string()))?;
        text.push('\n');
        let mut count = self
            .lines
            .lock()
            .map_err(|_| NotifyError::Refused("the outbox file's lock was poisoned".into()))?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| NotifyError::Unavailable(Box::new(e)))?;
        *count += 1;
        Ok(format!("local:{count}"))
    }
}
