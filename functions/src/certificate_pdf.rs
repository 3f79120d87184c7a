//! The electronic certificate as an A4 PDF (SPEC §6; 吉林 art. 16: printable in black and
//! white): number, holders, service, issuing office, date, validity, the e-seals of the levels
//! that sealed it, and a QR code holding the verify page's address with the signed payload.

use domain::case::{CaseState, IssuedCertificate};
use domain::division::Gazetteer;

use crate::pdf::{A4, Align, BLACK, CjkFont, GREY, PdfError, RED, Sheet, one_page};
use crate::ports::CaseRecord;

fn office_name(code: domain::DivisionCode) -> String {
    Gazetteer::seed()
        .full_name(code)
        .unwrap_or_else(|| code.to_string())
}

/// The name around a seal: the full name, or for a long one (a village committee) its own.
fn seal_name(code: domain::DivisionCode) -> String {
    let full = office_name(code);
    if full.chars().count() <= 12 {
        return full;
    }
    Gazetteer::seed()
        .name(code)
        .map(str::to_string)
        .unwrap_or(full)
}

/// Label, its English gloss and the value, one row of the certificate.
fn row(sheet: &mut Sheet<'_, '_>, y: f32, zh: &str, en: &str, value: &str) -> Result<(), PdfError> {
    sheet.text(86.0, y, 13.0, BLACK, Align::Left, zh)?;
    sheet.text(86.0, y + 13.0, 8.0, GREY, Align::Left, en)?;
    sheet.text(206.0, y, 14.0, BLACK, Align::Left, value)?;
    sheet.line((206.0, y + 6.0), (515.0, y + 6.0), GREY, 0.4);
    Ok(())
}

/// The certificate of `record`, its QR code opening `verify_url`.
// Long: the certificate laid out top to bottom as it prints.
pub fn render(
    font: &CjkFont,
    record: &CaseRecord,
    certificate: &IssuedCertificate,
    verify_url: &str,
) -> Result<Vec<u8>, PdfError> {
    let facts = &certificate.facts;
    let title = format!("{} {}", facts.service.name_zh(), facts.number);
    one_page(font, &title, |sheet| {
        let (w, h) = A4;
        sheet.frame((28.0, 28.0, w - 56.0, h - 56.0), RED, 2.0);
        sheet.frame((34.0, 34.0, w - 68.0, h - 68.0), RED, 0.6);

        sheet.text(
            w / 2.0,
            92.0,
            12.0,
            GREY,
            Align::Center,
            "电子证照 · Electronic certificate",
        )?;
        sheet.text(
            w / 2.0,
            140.0,
            30.0,
            BLACK,
            Align::Center,
            facts.service.name_zh(),
        )?;
        sheet.text(
            w / 2.0,
            164.0,
            11.0,
            GREY,
            Align::Center,
            facts.service.name_en(),
        )?;
        sheet.text(
            w / 2.0,
            198.0,
            11.0,
            BLACK,
            Align::Center,
            &format!("证照编号 No. {}", facts.number),
        )?;
        sheet.line((70.0, 216.0), (w - 70.0, 216.0), RED, 0.8);

        let applicant = &record.applicant;
        let ids: Vec<String> = std::iter::once(applicant.id_number.masked())
            .chain(applicant.spouse_id_number.as_ref().map(|id| id.masked()))
            .collect();
        let levels: Vec<&str> = facts.sealed_by.iter().map(|l| l.name_zh()).collect();
        let rows = [
            ("持证人", "Holder(s)", facts.holders.join("、")),
            ("身份证号", "ID number(s), masked", ids.join("  ")),
            (
                "证照类型",
                "Certificate",
                facts.service.name_zh().to_string(),
            ),
            ("发证机关", "Issued by", office_name(facts.issuer)),
            ("发证日期", "Date of issue", facts.issued_on.chinese()),
            (
                "有效期限",
                "Valid until",
                facts
                    .valid_until
                    .map(domain::Date::chinese)
                    .unwrap_or_else(|| "长期有效".to_string()),
            ),
            ("审批盖章", "Sealed by", levels.join("、")),
        ];
        for (i, (zh, en, value)) in rows.iter().enumerate() {
            row(sheet, 262.0 + 40.0 * i as f32, zh, en, value)?;
        }

        // The e-seals: one per level that sealed the case, the deciding office's last.
        let mut seals: Vec<&domain::case::Seal> = Vec::new();
        for seal in &record.case.seals {
            if !seals.iter().any(|s| s.level == seal.level) {
                seals.push(seal);
            }
        }
        seals.sort_by_key(|s| std::cmp::Reverse(s.level));
        let radius = 46.0;
        let count = seals.len();
        for (i, seal) in seals.iter().enumerate() {
            let cx = w - 100.0 - 104.0 * (count - 1 - i) as f32;
            sheet.seal(
                cx,
                620.0,
                radius,
                &seal_name(seal.division),
                "计划生育专用章",
            )?;
        }

        sheet.qr(62.0, 560.0, 136.0, verify_url.as_bytes())?;
        sheet.link(62.0, 560.0, 136.0, 136.0, verify_url);
        sheet.text(
            130.0,
            708.0,
            9.0,
            BLACK,
            Align::Center,
            "扫码核验 Scan to verify",
        )?;

        sheet.text(
            w / 2.0,
            748.0,
            8.5,
            GREY,
            Align::Center,
            &format!(
                "本证照内容经数字签名（Ed25519，密钥 {}），可扫码离线核验签名；在线核验可知是否已撤销或作废。",
                certificate.key_id
            ),
        )?;
        sheet.text(
            w / 2.0,
            762.0,
            8.0,
            GREY,
            Align::Center,
            "Signed with Ed25519: scan to check the signature offline; check online to see whether it was revoked or voided.",
        )?;
        sheet.text(
            w / 2.0,
            776.0,
            8.0,
            GREY,
            Align::Center,
            "免费办理 · 可黑白打印 Free of charge · may be printed in black and white",
        )?;

        match record.case.state {
            CaseState::Revoked => sheet.stamp_across("已撤销 REVOKED")?,
            CaseState::Void => sheet.stamp_across("已作废 VOID")?,
            _ => {}
        }
        Ok(())
    })
}

/// Entries that fit on the one page of an export.
const EXPORT_ROWS: usize = 5;

/// The export of a lookup result (004 三(四)): for the person's own records. It says in so many
/// words that it is a lookup result and not an electronic certificate, and for each entry
/// whether an electronic certificate exists (each here does; its QR code verifies it).
// Long: the page laid out top to bottom as it prints.
pub fn lookup_result(
    font: &CjkFont,
    query: &crate::holders::Query,
    found: &[CaseRecord],
    today: domain::Date,
    origin: &str,
) -> Result<Vec<u8>, PdfError> {
    one_page(font, "计生证件自助查询结果", |sheet| {
        let (w, _) = A4;
        sheet.text(
            w / 2.0,
            84.0,
            22.0,
            BLACK,
            Align::Center,
            "计生证件自助查询结果",
        )?;
        sheet.text(
            w / 2.0,
            104.0,
            10.0,
            GREY,
            Align::Center,
            "Self-service lookup result",
        )?;
        let masked = domain::IdNumber::parse(&query.id_number)
            .map(|id| id.masked())
            .unwrap_or_else(|_| "—".into());
        sheet.text(
            60.0,
            136.0,
            11.0,
            BLACK,
            Align::Left,
            &format!(
                "查询对象：{}　身份证号：{masked}　查询日期：{}",
                query.name,
                today.chinese()
            ),
        )?;
        // The notice the rule requires, framed so it cannot be missed.
        sheet.frame((56.0, 148.0, w - 112.0, 50.0), RED, 1.2);
        sheet.text(
            w / 2.0,
            168.0,
            10.5,
            RED,
            Align::Center,
            "本文件为查询结果，供本人保存，不是电子证照；未生成电子证照的不得作为法定要件。",
        )?;
        sheet.text(
            w / 2.0,
            186.0,
            8.5,
            RED,
            Align::Center,
            "A lookup result for your records, not a certificate. Only an electronic certificate is legal proof (渝卫发〔2019〕69号 三(四)).",
        )?;
        if found.is_empty() {
            sheet.text(
                w / 2.0,
                250.0,
                12.0,
                BLACK,
                Align::Center,
                "未查询到证件信息。No certificates were found.",
            )?;
            sheet.text(
                w / 2.0,
                272.0,
                9.0,
                GREY,
                Align::Center,
                "姓名与身份证号须与证件一致；如有疑问，请向原办理机构申请更正（004 四(四)）。",
            )?;
        }
        for (i, record) in found.iter().take(EXPORT_ROWS).enumerate() {
            let Some(certificate) = record.case.certificate.as_ref() else {
                continue;
            };
            let f = &certificate.facts;
            let top = 220.0 + 108.0 * i as f32;
            sheet.line((56.0, top), (w - 56.0, top), GREY, 0.5);
            sheet.text(
                60.0,
                top + 22.0,
                14.0,
                BLACK,
                Align::Left,
                &format!(
                    "{}　{}",
                    f.service.name_zh(),
                    domain::certificate::Standing::of(record.case.state).name_zh()
                ),
            )?;
            let lines = [
                format!("证照编号：{}", f.number),
                format!("持证人：{}", f.holders.join("、")),
                format!(
                    "发证机关：{}　发证日期：{}",
                    office_name(f.issuer),
                    f.issued_on.chinese()
                ),
                "已生成电子证照：扫右侧二维码核验；电子证照由持证人凭查询码下载。".to_string(),
            ];
            for (j, line) in lines.iter().enumerate() {
                sheet.text(
                    60.0,
                    top + 42.0 + 15.0 * j as f32,
                    9.5,
                    BLACK,
                    Align::Left,
                    line,
                )?;
            }
            if let Some(path) = crate::signing::verify_path(certificate) {
                sheet.qr(
                    w - 150.0,
                    top + 6.0,
                    96.0,
                    format!("{origin}{path}").as_bytes(),
                )?;
            }
        }
        if found.len() > EXPORT_ROWS {
            sheet.text(
                60.0,
                770.0,
                9.0,
                GREY,
                Align::Left,
                &format!("另有 {} 项未列出。", found.len() - EXPORT_ROWS),
            )?;
        }
        sheet.text(
            w / 2.0,
            800.0,
            8.0,
            GREY,
            Align::Center,
            "计生证件网上办 · 查询结果如与实际不符，可向原办理机构申请更正（渝卫发〔2019〕69号 四(四)）",
        )?;
        Ok(())
    })
}
