//! The files a case names (SPEC §9 materials): what an upload is (JPEG, PNG or PDF, recognised
//! by its bytes, at most 10 MB), checking each attachment a submission or a resubmission names
//! against the file store, and pinning the checked ones so the case keeps exactly those bytes
//! (issue 18). The uploads handler takes files in; cases and review attach them.

use crate::errors::invalid;
use crate::ports::{BlobError, BlobInfo, BlobStore, Pinned};

pub const UPLOAD_LIMIT: usize = domain::applicant::UPLOAD_LIMIT_BYTES as usize;

/// The type the bytes really are.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Whether an upload may be used by a case: it exists, is at most 10 MB, and its bytes are
/// what its stored type says (checked again because presigned uploads bypass the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadCheck {
    /// Usable as described (the description is what pinning holds the upload to).
    Usable(BlobInfo),
    Missing,
    Invalid(&'static str),
}

/// An upload found usable, to be pinned once the whole submission is.
#[derive(Debug, Clone)]
pub struct Checked {
    field: String,
    id: String,
    info: BlobInfo,
}

/// Checks the materials a submission brings: one problem per attachment that cannot be used and,
/// unless window staff submit (`in_person_allowed`), per material marked as seen in person.
/// Answers the usable uploads, for [`pin_all`] once nothing else is wrong.
pub async fn check_materials(
    blobs: &dyn BlobStore,
    materials: &[domain::materials::ProvidedMaterial],
    in_person_allowed: bool,
    problems: &mut Vec<serde_json::Value>,
) -> Result<Vec<Checked>, BlobError> {
    let mut usable = Vec::new();
    for (i, m) in materials.iter().enumerate() {
        if m.checked_in_person && !in_person_allowed {
            // Only window staff see originals.
            problems.push(invalid(
                &format!("materials[{i}].checked_in_person"),
                "仅窗口工作人员可标记已核验原件 / only window staff may mark originals as seen",
            ));
        }
        for (j, id) in m.attachments.iter().enumerate() {
            let field = format!("materials[{i}].attachments[{j}]");
            match check_upload(blobs, id).await? {
                UploadCheck::Usable(info) => usable.push(Checked {
                    field,
                    id: id.clone(),
                    info,
                }),
                UploadCheck::Missing => problems.push(invalid(
                    &field,
                    "未找到该上传文件，请重新上传 / no such upload: upload it again",
                )),
                UploadCheck::Invalid(why) => problems.push(invalid(&field, why)),
            }
        }
    }
    Ok(usable)
}

/// Keeps each checked upload as it was checked (issue 18): one problem per upload that changed
/// or vanished since, so the case is never created with bytes nobody checked.
pub async fn pin_all(
    blobs: &dyn BlobStore,
    checked: &[Checked],
    problems: &mut Vec<serde_json::Value>,
) -> Result<(), BlobError> {
    for c in checked {
        match blobs.pin(&c.id, &c.info).await? {
            Pinned::Kept => {}
            Pinned::Changed => problems.push(invalid(
                &c.field,
                "文件在校验后被替换，请重新上传 / the file was replaced after it was checked: upload it again",
            )),
            Pinned::Missing => problems.push(invalid(
                &c.field,
                "未找到该上传文件，请重新上传 / no such upload: upload it again",
            )),
        }
    }
    Ok(())
}

/// Whether `id` has the form of an id this server makes (`up_` and 20 lowercase letters or
/// digits): anything else names no upload and is not looked up.
pub fn is_upload_id(id: &str) -> bool {
    id.strip_prefix("up_").is_some_and(|rest| {
        rest.len() == 20
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

pub async fn check_upload(blobs: &dyn BlobStore, id: &str) -> Result<UploadCheck, BlobError> {
    if !is_upload_id(id) {
        return Ok(UploadCheck::Missing);
    }
    let Some(info) = blobs.inspect(id).await? else {
        return Ok(UploadCheck::Missing);
    };
    if info.size > UPLOAD_LIMIT as u64 {
        return Ok(UploadCheck::Invalid("文件超过10MB / over 10 MB"));
    }
    if sniff(&info.head) != Some(info.content_type.as_str()) {
        return Ok(UploadCheck::Invalid(
            "文件内容不是所声明的 JPEG、PNG 或 PDF / the content is not the declared JPEG, PNG or PDF",
        ));
    }
    Ok(UploadCheck::Usable(info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_accepted_kinds_by_their_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
    }

    #[tokio::test]
    async fn a_stored_file_is_usable_only_if_its_bytes_match_its_type() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = crate::adapters::blob::FsBlobStore::open(dir.path().to_path_buf()).unwrap();
        blobs
            .put(
                "up_aaaaaaaaaaaaaaaaaaaa",
                "image/png",
                b"\x89PNG\r\n\x1a\n..",
            )
            .await
            .unwrap();
        blobs
            .put("up_bbbbbbbbbbbbbbbbbbbb", "image/png", b"GIF89a....")
            .await
            .unwrap();
        assert!(matches!(
            check_upload(&blobs, "up_aaaaaaaaaaaaaaaaaaaa")
                .await
                .unwrap(),
            UploadCheck::Usable(_)
        ));
        assert!(matches!(
            check_upload(&blobs, "up_bbbbbbbbbbbbbbbbbbbb")
                .await
                .unwrap(),
            UploadCheck::Invalid(_)
        ));
        assert_eq!(
            check_upload(&blobs, "up_cccccccccccccccccccc")
                .await
                .unwrap(),
            UploadCheck::Missing
        );
        // Not the form of an id this server makes: not even looked up.
        blobs
            .put("up_ok", "image/png", b"\x89PNG\r\n\x1a\n..")
            .await
            .unwrap();
        assert_eq!(
            check_upload(&blobs, "up_ok").await.unwrap(),
            UploadCheck::Missing
        );
    }
}
