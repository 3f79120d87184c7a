//! PDFs in Chinese (SPEC §6): the electronic certificate and the export of a lookup result.
//!
//! Text is set in an open-licence CJK font (Noto Serif CJK SC, SIL Open Font License 1.1, from
//! Debian's `fonts-noto-cjk`), read once per process; krilla embeds only the glyphs a document
//! uses (a subset, which the OFL allows). krilla does no font fallback, so every character is
//! looked up in the font before anything is drawn: one the font lacks fails the whole document
//! with [`PdfError::MissingGlyph`] naming it, rather than printing a blank box in someone's name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::raw::{FileRef, TableProvider};

/// Where Debian's `fonts-noto-cjk` puts the serif collection (`cargo xtask` installs it).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

/// A4 in PDF points.
pub const A4: (f32, f32) = (595.28, 841.89);

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the font file {path} could not be read: {source}")]
    FontFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the font file {0} holds no usable Simplified Chinese face")]
    NoFace(PathBuf),
    #[error("the font has no glyph for {0:?} (U+{code:04X})", code = u32::from(*.0))]
    MissingGlyph(char),
    #[error("the QR code could not be made: {0}")]
    Qr(#[from] qrcode::types::QrError),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The font every document is set in, loaded once.
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    units_per_em: f32,
    font: Font,
}

impl std::fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CjkFont(face {}, {} bytes)", self.index, self.data.len())
    }
}

impl CjkFont {
    /// The font in `path`: in a collection, the first face whose family is Simplified Chinese
    /// (`… SC`), else the first face.
    pub fn load(path: &Path) -> Result<CjkFont, PdfError> {
        let data = std::fs::read(path).map_err(|source| PdfError::FontFile {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(data).ok_or_else(|| PdfError::NoFace(path.to_path_buf()))
    }

    pub fn from_bytes(data: Vec<u8>) -> Option<CjkFont> {
        let faces = match FileRef::new(&data).ok()? {
            FileRef::Font(_) => 1,
            FileRef::Collection(c) => c.len(),
        };
        let family = |i: u32| {
            let face = skrifa::FontRef::from_index(&data, i).ok()?;
            let name = face
                .localized_strings(skrifa::string::StringId::FAMILY_NAME)
                .english_or_first()?
                .to_string();
            Some(name)
        };
        let index = (0..faces)
            .find(|i| family(*i).is_some_and(|n| n.ends_with(" SC")))
            .unwrap_or(0);
        let units_per_em = f32::from(
            skrifa::FontRef::from_index(&data, index)
                .ok()?
                .head()
                .ok()?
                .units_per_em(),
        );
        let data = Arc::new(data);
        let font = Font::new(data.clone().into(), index)?;
        Some(CjkFont {
            data,
            index,
            units_per_em,
            font,
        })
    }

    /// The glyphs of `text` laid out on one line, and its width in ems; an error names the
    /// first character the font cannot print.
    pub fn shape(&self, text: &str) -> Result<(Vec<KrillaGlyph>, f32), PdfError> {
        let face = skrifa::FontRef::from_index(&self.data, self.index)
            .map_err(|e| PdfError::Write(e.to_string()))?;
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(
            skrifa::instance::Size::unscaled(),
            skrifa::instance::LocationRef::default(),
        );
        let mut glyphs = Vec::with_capacity(text.len());
        let mut width = 0.0;
        for (at, c) in text.char_indices() {
            let id = charmap
                .map(c)
                .filter(|g| g.to_u32() != 0)
                .ok_or(PdfError::MissingGlyph(c))?;
            let advance =
                metrics.advance_width(id).unwrap_or(self.units_per_em) / self.units_per_em;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(id.to_u32()),
                advance,
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            ));
        }
        Ok((glyphs, width))
    }

    /// Checks that every character of `text` can be printed.
    pub fn check(&self, text: &str) -> Result<(), PdfError> {
        self.shape(text).map(|_| ())
    }
}

pub const BLACK: (u8, u8, u8) = (0x1a, 0x1a, 0x1a);
pub const GREY: (u8, u8, u8) = (0x55, 0x55, 0x55);
/// Seal red.
pub const RED: (u8, u8, u8) = (0xc8, 0x10, 0x2e);

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

fn stroke(color: (u8, u8, u8), width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Stroke::default()
    }
}

/// How a line of text is placed relative to its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One page being drawn: coordinates in points from the top left, y downwards.
pub struct Sheet<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: &'a CjkFont,
    /// Link areas `(x, y, w, h, uri)`, added to the page once drawing is done.
    links: Vec<(f32, f32, f32, f32, String)>,
}

impl std::fmt::Debug for Sheet<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sheet")
    }
}

impl Sheet<'_, '_> {
    /// One line of text with its baseline at `y`; returns its width in points.
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        color: (u8, u8, u8),
        align: Align,
        text: &str,
    ) -> Result<f32, PdfError> {
        let (glyphs, width) = self.font.shape(text)?;
        let width = width * size;
        let x = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(color)));
        self.surface.draw_glyphs(
            Point::from_xy(x, y),
            &glyphs,
            self.font.font.clone(),
            text,
            size,
            false,
        );
        Ok(width)
    }

    /// The width `text` would take at `size`.
    pub fn measure(&self, size: f32, text: &str) -> Result<f32, PdfError> {
        Ok(self.font.shape(text)?.1 * size)
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), color: (u8, u8, u8), width: f32) {
        let mut path = PathBuilder::new();
        path.move_to(from.0, from.1);
        path.line_to(to.0, to.1);
        if let Some(path) = path.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(color, width)));
            self.surface.draw_path(&path);
        }
    }

    pub fn frame(&mut self, rect: (f32, f32, f32, f32), color: (u8, u8, u8), width: f32) {
        let mut path = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(rect.0, rect.1, rect.2, rect.3) {
            path.push_rect(r);
        }
        if let Some(path) = path.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(color, width)));
            self.surface.draw_path(&path);
        }
    }

    /// Makes an area of the page open `uri` when tapped (the QR code, on a phone's screen).
    pub fn link(&mut self, x: f32, y: f32, w: f32, h: f32, uri: &str) {
        self.links.push((x, y, w, h, uri.to_string()));
    }

    /// A QR code of `data` with its top left at `(x, y)`, `size` points wide (quiet zone
    /// included), dark modules merged into runs so the path stays small.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &[u8]) -> Result<(), PdfError> {
        let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M)?;
        let modules = code.width();
        let colors = code.to_colors();
        // Four modules of quiet zone on each side (ISO/IEC 18004).
        let unit = size / (modules + 8) as f32;
        let mut path = PathBuilder::new();
        for (row, line) in colors.chunks(modules).enumerate() {
            let mut col = 0;
            while col < modules {
                if line.get(col) == Some(&qrcode::Color::Dark) {
                    let start = col;
                    while line.get(col) == Some(&qrcode::Color::Dark) {
                        col += 1;
                    }
                    if let Some(r) = Rect::from_xywh(
                        x + (start + 4) as f32 * unit,
                        y + (row + 4) as f32 * unit,
                        (col - start) as f32 * unit,
                        unit,
                    ) {
                        path.push_rect(r);
                    }
                } else {
                    col += 1;
                }
            }
        }
        if let Some(path) = path.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill((0, 0, 0))));
            self.surface.draw_path(&path);
        }
        Ok(())
    }

    /// A round official seal centred at `(cx, cy)`: a red ring, a five-pointed star, the
    /// office's name along the upper arc and `label` straight below the star.
    // Long: the seal drawn stroke by stroke.
    pub fn seal(
        &mut self,
        cx: f32,
        cy: f32,
        radius: f32,
        name: &str,
        label: &str,
    ) -> Result<(), PdfError> {
        let mut ring = PathBuilder::new();
        circle(&mut ring, cx, cy, radius);
        if let Some(path) = ring.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(RED, radius * 0.06)));
            self.surface.draw_path(&path);
        }
        let mut star = PathBuilder::new();
        let outer = radius * 0.28;
        let inner = outer * 0.382;
        for i in 0..10 {
            let r = if i % 2 == 0 { outer } else { inner };
            let angle = std::f32::consts::PI * (i as f32) / 5.0 - std::f32::consts::FRAC_PI_2;
            let (px, py) = (cx + r * angle.cos(), cy + r * angle.sin());
            if i == 0 {
                star.move_to(px, py);
            } else {
                star.line_to(px, py);
            }
        }
        star.close();
        if let Some(path) = star.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(RED)));
            self.surface.draw_path(&path);
        }
        // The name along the top: each character upright to the centre, spread over up to
        // 240 degrees of arc.
        let chars: Vec<char> = name.chars().collect();
        let count = chars.len().max(1) as f32;
        let max_sweep = (250.0_f32).to_radians();
        // As large as fits: each character takes about 1.05 of its size of arc.
        let size = (radius * 0.24).min(max_sweep * radius * 0.74 / (count * 1.05 + 1.0));
        let text_radius = radius * 0.8 - size / 2.0;
        let sweep = max_sweep.min((count - 1.0) * size * 1.05 / text_radius);
        for (i, c) in chars.iter().enumerate() {
            let step = if chars.len() > 1 {
                sweep / (count - 1.0)
            } else {
                0.0
            };
            // From the left of the top to the right, angle measured from straight up.
            let angle = -sweep / 2.0 + step * i as f32;
            let (px, py) = (
                cx + text_radius * angle.sin(),
                cy - text_radius * angle.cos(),
            );
            let glyph = c.to_string();
            let (glyphs, width) = self.font.shape(&glyph)?;
            self.surface.push_transform(&Transform::from_row(
                angle.cos(),
                angle.sin(),
                -angle.sin(),
                angle.cos(),
                px,
                py,
            ));
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(RED)));
            self.surface.draw_glyphs(
                Point::from_xy(-width * size / 2.0, size / 2.0),
                &glyphs,
                self.font.font.clone(),
                &glyph,
                size,
                false,
            );
            self.surface.pop();
        }
        self.text(
            cx,
            cy + radius * 0.55,
            radius * 0.17,
            RED,
            Align::Center,
            label,
        )?;
        Ok(())
    }

    /// Large faint text across the page (a revoked or void certificate).
    pub fn stamp_across(&mut self, text: &str) -> Result<(), PdfError> {
        let size = 72.0;
        let (glyphs, width) = self.font.shape(text)?;
        self.surface
            .push_transform(&Transform::from_rotate_at(-30.0, A4.0 / 2.0, A4.1 / 2.0));
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            opacity: NormalizedF32::new(0.35).unwrap_or(NormalizedF32::ONE),
            ..fill(RED)
        }));
        self.surface.draw_glyphs(
            Point::from_xy(A4.0 / 2.0 - width * size / 2.0, A4.1 / 2.0),
            &glyphs,
            self.font.font.clone(),
            text,
            size,
            false,
        );
        self.surface.pop();
        Ok(())
    }
}

/// A circle as four cubic Béziers.
fn circle(path: &mut PathBuilder, cx: f32, cy: f32, r: f32) {
    const K: f32 = 0.552_284_8;
    let k = r * K;
    path.move_to(cx + r, cy);
    path.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    path.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    path.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    path.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    path.close();
}

/// A one-page A4 document drawn by `draw`, with its title and language in the metadata.
pub fn one_page(
    font: &CjkFont,
    title: &str,
    draw: impl FnOnce(&mut Sheet<'_, '_>) -> Result<(), PdfError>,
) -> Result<Vec<u8>, PdfError> {
    let mut document = krilla::Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language("zh-CN".to_string())
            .creator("计生证件网上办".to_string()),
    );
    let settings =
        PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| PdfError::Write("page size".into()))?;
    {
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut sheet = Sheet {
            surface: &mut surface,
            font,
            links: Vec::new(),
        };
        draw(&mut sheet)?;
        let links = std::mem::take(&mut sheet.links);
        surface.finish();
        for (x, y, w, h, uri) in links {
            if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                let target = krilla::annotation::Target::Action(krilla::action::Action::Link(
                    krilla::action::LinkAction::new(uri),
                ));
                page.add_annotation(krilla::annotation::Annotation::new_link(
                    krilla::annotation::LinkAnnotation::new(rect, target),
                    Some("核验电子证照 / verify the certificate".into()),
                ));
            }
        }
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// The process's font: `JISHENG_CJK_FONT` or [`DEFAULT_FONT`], read on first use and kept.
pub fn process_font() -> Result<&'static CjkFont, &'static PdfError> {
    static FONT: std::sync::OnceLock<Result<CjkFont, PdfError>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| {
        let path = std::env::var_os("JISHENG_CJK_FONT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_FONT));
        CjkFont::load(&path)
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> CjkFont {
        CjkFont::load(Path::new(DEFAULT_FONT)).expect("fonts-noto-cjk (cargo xtask install)")
    }

    /// The text poppler reads back from a PDF.
    pub fn pdftotext(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("poppler-utils (cargo xtask install)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn the_simplified_chinese_face_of_the_collection_is_chosen() {
        let font = font();

        assert_eq!(font.index, 2, "Noto Serif CJK: JP, KR, SC, …");
    }

    #[test]
    fn rare_characters_in_names_print_and_read_back() {
        // Arrange: 喆 and 堃 are BMP characters common in names; 𠮷 is outside the BMP.
        let font = font();
        let names = "张喆 王堃 𠮷田春";

        // Act
        let pdf = one_page(&font, "test", |sheet| {
            sheet.text(60.0, 100.0, 14.0, BLACK, Align::Left, names)?;
            sheet.seal(300.0, 400.0, 46.0, "重庆市江津区几江街道", "计划生育专用章")?;
            sheet.qr(60.0, 500.0, 120.0, b"https://example.test/verify#abc")
        })
        .unwrap();

        // Assert
        let text = pdftotext(&pdf);
        assert!(text.contains(names), "{text}");
        assert!(text.contains("计划生育专用章"), "{text}");
    }

    #[test]
    fn a_character_the_font_lacks_fails_the_document_loudly() {
        // Arrange: U+3134A (CJK extension G) is not in Noto CJK.
        let font = font();

        // Act
        let result = one_page(&font, "test", |sheet| {
            sheet
                .text(60.0, 100.0, 14.0, BLACK, Align::Left, "李\u{3134A}")
                .map(|_| ())
        });

        // Assert
        assert!(matches!(result, Err(PdfError::MissingGlyph('\u{3134A}'))));
        assert_eq!(
            result.err().map(|e| e.to_string()).unwrap_or_default(),
            "the font has no glyph for '\u{3134A}' (U+3134A)"
        );
    }

    #[test]
    fn only_the_glyphs_used_are_embedded() {
        // Arrange
        let font = font();

        // Act
        let pdf = one_page(&font, "test", |sheet| {
            sheet
                .text(60.0, 100.0, 14.0, BLACK, Align::Left, "再生育服务证")
                .map(|_| ())
        })
        .unwrap();

        // Assert: the whole face is megabytes; a subset of six glyphs is a few kilobytes.
        assert!(pdf.len() < 30_000, "{} bytes", pdf.len());
    }
}
