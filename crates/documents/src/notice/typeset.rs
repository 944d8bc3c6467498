//! A small typesetter for the notices: lines of text in a Latin and a CJK font, wrapped to a
//! width, laid on A4 pages, and written as a PDF whose fonts are subset to the glyphs used.
//!
//! Deterministic by construction: no clock, no random ids, fonts subset in the order glyphs are
//! first used, so the same notice gives the same bytes every time.
//!
//! The object numbers of the first page are fixed ([`PAGE1`], [`CONTENT1`], [`RESOURCES`]):
//! the seal is appended later as an incremental update that rewrites the first page, and it must
//! know them without parsing the whole file.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;
/// The square left free at the top right of the first page for the seal's QR code.
pub const SEAL_BOX: Rect = Rect {
    x1: PAGE_WIDTH - MARGIN - 110.0,
    y1: PAGE_HEIGHT - MARGIN - 110.0,
    x2: PAGE_WIDTH - MARGIN,
    y2: PAGE_HEIGHT - MARGIN,
};

pub const CATALOG: Ref = Ref::new(1);
pub const PAGE_TREE: Ref = Ref::new(2);
pub const PAGE1: Ref = Ref::new(3);
pub const CONTENT1: Ref = Ref::new(4);
pub const RESOURCES: Ref = Ref::new(5);
const INFO: Ref = Ref::new(6);
const FIRST_FREE: i32 = 7;

static LATIN: &[u8] = include_bytes!("../../fonts/DejaVuSans-Latin.ttf");
static LATIN_BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold-Latin.ttf");
static CJK: &[u8] = include_bytes!("../../fonts/DroidSansFallback-CJK.ttf");

/// Which font a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Latin,
    LatinBold,
    Cjk,
}

impl Slot {
    fn resource(self) -> &'static [u8] {
        match self {
            Slot::Latin => b"F1",
            Slot::LatinBold => b"F2",
            Slot::Cjk => b"F3",
        }
    }
    fn base_name(self) -> &'static str {
        match self {
            Slot::Latin => "DejaVuSans",
            Slot::LatinBold => "DejaVuSans-Bold",
            Slot::Cjk => "DroidSansFallback",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    /// 0 is black, 1 white.
    pub gray: f32,
}

impl Style {
    pub const fn new(size: f32) -> Style {
        Style {
            size,
            bold: false,
            gray: 0.0,
        }
    }
    pub const fn bold(self) -> Style {
        Style { bold: true, ..self }
    }
    pub const fn gray(self, gray: f32) -> Style {
        Style { gray, ..self }
    }
}

/// The parsed fonts. Parsing reads only the table directory, so a value per notice is cheap.
pub struct Faces {
    latin: Face<'static>,
    latin_bold: Face<'static>,
    cjk: Face<'static>,
}

impl Faces {
    pub fn load() -> Faces {
        // The fonts are part of the crate; a parse failure is a broken build, not an input.
        let parse = |data: &'static [u8]| Face::parse(data, 0).expect("bundled font parses");
        Faces {
            latin: parse(LATIN),
            latin_bold: parse(LATIN_BOLD),
            cjk: parse(CJK),
        }
    }

    fn face(&self, slot: Slot) -> &Face<'static> {
        match slot {
            Slot::Latin => &self.latin,
            Slot::LatinBold => &self.latin_bold,
            Slot::Cjk => &self.cjk,
        }
    }

    /// The font and glyph for a character: the Latin font where it has one, else the CJK font,
    /// else the Latin font's replacement mark, so that any text lays out.
    fn glyph(&self, c: char, bold: bool) -> (Slot, GlyphId, char) {
        let latin = if bold { Slot::LatinBold } else { Slot::Latin };
        let c = if c.is_control() { ' ' } else { c };
        if let Some(g) = self.face(latin).glyph_index(c) {
            return (latin, g, c);
        }
        if let Some(g) = self.cjk.glyph_index(c) {
            return (Slot::Cjk, g, c);
        }
        let g = self.face(latin).glyph_index('?').unwrap_or(GlyphId(0));
        (latin, g, '?')
    }

    fn advance(&self, slot: Slot, g: GlyphId) -> f32 {
        let face = self.face(slot);
        f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / f32::from(face.units_per_em())
    }

    /// The width of `text` in points.
    pub fn width(&self, text: &str, style: Style) -> f32 {
        text.chars()
            .map(|c| {
                let (slot, g, _) = self.glyph(c, style.bold);
                self.advance(slot, g)
            })
            .sum::<f32>()
            * style.size
    }

    /// `text` broken into lines no wider than `width`: at spaces, between CJK characters, and
    /// inside a word only when the word alone is wider than the line.
    pub fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for token in tokens(paragraph) {
                let candidate = format!("{line}{token}");
                if self.width(candidate.trim_end(), style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.trim().is_empty() {
                    lines.push(line.trim_end().to_string());
                }
                line = String::new();
                let token = token.trim_start();
                // A token wider than the whole line is cut where it must be.
                for c in token.chars() {
                    let candidate = format!("{line}{c}");
                    if self.width(candidate.trim_end(), style) > width && !line.is_empty() {
                        lines.push(line.trim_end().to_string());
                        line = c.to_string();
                    } else {
                        line = candidate;
                    }
                }
            }
            if !line.trim().is_empty() || lines.is_empty() {
                lines.push(line.trim_end().to_string());
            }
        }
        lines
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Characters a line should not start with.
fn closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '」'
            | '』'
            | '》'
            | '！'
            | '？'
            | ','
            | '.'
            | ';'
            | ':'
            | ')'
    )
}

/// Break opportunities: a word with the spaces before it, or a CJK character with the closing
/// punctuation after it.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            if closing(c) && !current.is_empty() {
                current.push(c);
                continue;
            }
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(c);
            in_word = false;
        } else if c.is_whitespace() {
            if in_word || current.chars().last().is_some_and(is_cjk) {
                out.push(std::mem::take(&mut current));
            }
            current.push(' ');
            in_word = false;
        } else {
            if !in_word && current.chars().last().is_some_and(is_cjk) {
                out.push(std::mem::take(&mut current));
            }
            current.push(c);
            in_word = true;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What a page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Frame {
        rect: Rect,
        width: f32,
    },
}

/// Pages filled from the top, a cursor moving down.
pub struct Layout<'f> {
    pub faces: &'f Faces,
    pub pages: Vec<Vec<Op>>,
    /// The baseline of the next line.
    pub y: f32,
}

pub const TOP: f32 = PAGE_HEIGHT - MARGIN;
pub const BOTTOM: f32 = MARGIN + 28.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

impl<'f> Layout<'f> {
    pub fn new(faces: &'f Faces) -> Layout<'f> {
        Layout {
            faces,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    pub fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Makes room for `height` points, starting a new page if this one has not enough.
    pub fn room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    /// Lines of `text` wrapped to `width`, from `x`; returns how many lines were set.
    pub fn text(&mut self, text: &str, style: Style, x: f32, width: f32) -> usize {
        let leading = style.size * 1.45;
        let lines = self.faces.wrap(text, style, width);
        for line in &lines {
            self.room(leading);
            self.y -= style.size;
            self.push(Op::Text {
                x,
                y: self.y,
                style,
                text: line.clone(),
            });
            self.y -= leading - style.size;
        }
        lines.len()
    }

    /// One line centred in `[x, x + width]`, wrapped if it does not fit.
    pub fn centred(&mut self, text: &str, style: Style, x: f32, width: f32) {
        let leading = style.size * 1.4;
        for line in self.faces.wrap(text, style, width) {
            self.room(leading);
            self.y -= style.size;
            let w = self.faces.width(&line, style);
            self.push(Op::Text {
                x: x + (width - w).max(0.0) / 2.0,
                y: self.y,
                style,
                text: line,
            });
            self.y -= leading - style.size;
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    pub fn rule(&mut self, width: f32) {
        self.push(Op::Rule {
            x1: MARGIN,
            y1: self.y,
            x2: PAGE_WIDTH - MARGIN,
            y2: self.y,
            width,
        });
    }

    /// A row of the field table: the label in Chinese and English on the left, the value
    /// wrapped on the right, a hairline under it. A row is never split across pages.
    pub fn field(&mut self, label_zh: &str, label_en: &str, value: &str) {
        const LABEL_WIDTH: f32 = 165.0;
        let label = Style::new(8.0).gray(0.3);
        let value_style = Style::new(10.0);
        let value_x = MARGIN + LABEL_WIDTH;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH;
        // The two labels share a line where they fit on one.
        let one_line = format!("{label_zh}  {label_en}");
        let labels: Vec<&str> = if self.faces.width(&one_line, label) <= LABEL_WIDTH - 8.0 {
            vec![&one_line]
        } else {
            vec![label_zh, label_en]
        };
        let label_lines: usize = labels
            .iter()
            .map(|t| self.faces.wrap(t, label, LABEL_WIDTH - 8.0).len())
            .sum();
        let value_lines = self.faces.wrap(value, value_style, value_width).len();
        let height = (label_lines as f32 * label.size * 1.45)
            .max(value_lines as f32 * value_style.size * 1.45)
            + 6.0;
        self.room(height);
        let top = self.y - 3.0;
        self.y = top - 1.5;
        for t in labels {
            self.text(t, label, MARGIN, LABEL_WIDTH - 8.0);
        }
        let after_label = self.y;
        self.y = top;
        self.text(value, value_style, value_x, value_width);
        self.y = self.y.min(after_label) - 3.0;
        self.push(Op::Rule {
            x1: MARGIN,
            y1: self.y,
            x2: PAGE_WIDTH - MARGIN,
            y2: self.y,
            width: 0.3,
        });
    }
}

/// Glyphs used in one font, renumbered densely for its subset.
struct Used {
    remapper: GlyphRemapper,
    /// New glyph id to the character it shows, for the text a reader copies or extracts.
    chars: BTreeMap<u16, char>,
}

/// The document information written with the pages.
pub struct Meta<'a> {
    pub title: &'a str,
    pub date: chrono::NaiveDate,
}

/// Writes `pages` as a PDF, with every font subset to the glyphs the pages use.
pub fn write(faces: &Faces, pages: &[Vec<Op>], meta: &Meta<'_>) -> Vec<u8> {
    use chrono::Datelike;
    let mut used: BTreeMap<Slot, Used> = BTreeMap::new();
    let mut next = FIRST_FREE;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let page_refs: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            if i == 0 {
                (PAGE1, CONTENT1)
            } else {
                (alloc(), alloc())
            }
        })
        .collect();

    let mut pdf = Pdf::new();
    let count = pages.len();
    for (i, ops) in pages.iter().enumerate() {
        let mut content = Content::new();
        for op in ops {
            match op {
                Op::Text { x, y, style, text } => {
                    set_text(&mut content, faces, &mut used, *x, *y, *style, text);
                }
                Op::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    content
                        .set_line_width(*width)
                        .set_stroke_gray(0.45)
                        .move_to(*x1, *y1)
                        .line_to(*x2, *y2)
                        .stroke();
                }
                Op::Frame { rect, width } => {
                    content
                        .set_line_width(*width)
                        .set_stroke_gray(0.6)
                        .rect(rect.x1, rect.y1, rect.x2 - rect.x1, rect.y2 - rect.y1)
                        .stroke();
                }
            }
        }
        // The page number, in both languages.
        let footer = format!(
            "第 {} 页，共 {count} 页    Page {} of {count}",
            i + 1,
            i + 1
        );
        let style = Style::new(8.0).gray(0.35);
        let w = faces.width(&footer, style);
        set_text(
            &mut content,
            faces,
            &mut used,
            (PAGE_WIDTH - w) / 2.0,
            MARGIN - 16.0,
            style,
            &footer,
        );
        let data = deflate(&content.finish());
        let (page_ref, content_ref) = page_refs[i];
        pdf.stream(content_ref, &data).filter(Filter::FlateDecode);
        let mut page = pdf.page(page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(PAGE_TREE)
            .contents(content_ref);
        page.pair(Name(b"Resources"), RESOURCES);
        page.finish();
    }

    pdf.catalog(CATALOG).pages(PAGE_TREE);
    pdf.pages(PAGE_TREE)
        .kids(page_refs.iter().map(|(p, _)| *p))
        .count(count as i32);

    // Fonts, each subset to what the pages use.
    let mut font_refs = Vec::new();
    for (slot, glyphs) in &used {
        let type0 = alloc();
        font_refs.push((*slot, type0));
        write_font(
            &mut pdf,
            faces.face(*slot),
            *slot,
            glyphs,
            type0,
            &mut alloc,
        );
    }
    let mut resources = pdf.indirect(RESOURCES).dict();
    let mut fonts = resources.insert(Name(b"Font")).dict();
    for (slot, r) in &font_refs {
        fonts.pair(Name(slot.resource()), *r);
    }
    fonts.finish();
    resources.finish();

    let month = u8::try_from(meta.date.month()).unwrap_or(1);
    let day = u8::try_from(meta.date.day()).unwrap_or(1);
    pdf.document_info(INFO)
        .title(TextStr(meta.title))
        .producer(TextStr("OneCard"))
        .creation_date(
            Date::new(u16::try_from(meta.date.year()).unwrap_or(2000))
                .month(month)
                .day(day),
        );
    pdf.set_file_id((
        fingerprint(meta.title, meta.date),
        fingerprint(meta.title, meta.date),
    ));
    pdf.finish()
}

fn fingerprint(title: &str, date: chrono::NaiveDate) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{title}\n{date}").as_bytes())[..16].to_vec()
}

/// Sets one line of text at `(x, y)`, switching fonts between runs of Latin and CJK.
fn set_text(
    content: &mut Content,
    faces: &Faces,
    used: &mut BTreeMap<Slot, Used>,
    x: f32,
    y: f32,
    style: Style,
    text: &str,
) {
    let mut runs: Vec<(Slot, Vec<u8>)> = Vec::new();
    for c in text.chars() {
        let (slot, g, shown) = faces.glyph(c, style.bold);
        let u = used.entry(slot).or_insert_with(|| Used {
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        });
        let new = u.remapper.remap(g.0);
        u.chars.entry(new).or_insert(shown);
        match runs.last_mut() {
            Some((s, bytes)) if *s == slot => bytes.extend_from_slice(&new.to_be_bytes()),
            _ => runs.push((slot, new.to_be_bytes().to_vec())),
        }
    }
    content.save_state();
    content.set_fill_gray(style.gray);
    content.set_stroke_gray(style.gray);
    content.begin_text();
    content.next_line(x, y);
    for (slot, bytes) in &runs {
        content.set_font(Name(slot.resource()), style.size);
        // The CJK font has no bold face: stroke the outline as well as filling it.
        if style.bold && *slot == Slot::Cjk {
            content.set_line_width(style.size * 0.035);
            content.set_text_rendering_mode(TextRenderingMode::FillStroke);
        } else {
            content.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        content.show(Str(bytes));
    }
    content.end_text();
    content.restore_state();
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A subset tag of six capital letters, from the glyphs the subset holds, as PDF asks.
fn subset_tag(slot: Slot, glyphs: &Used) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(slot.base_name().as_bytes());
    for (g, c) in &glyphs.chars {
        h.update(g.to_be_bytes());
        h.update((*c as u32).to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn write_font(
    pdf: &mut Pdf,
    face: &Face<'_>,
    slot: Slot,
    glyphs: &Used,
    type0: Ref,
    alloc: &mut impl FnMut() -> Ref,
) {
    let cid = alloc();
    let descriptor = alloc();
    let file = alloc();
    let cmap_ref = alloc();
    let data = match slot {
        Slot::Latin => LATIN,
        Slot::LatinBold => LATIN_BOLD,
        Slot::Cjk => CJK,
    };
    // A bundled font that the subsetter cannot read is a broken build, as for parsing.
    let subset = subsetter::subset(data, 0, &glyphs.remapper).expect("bundled font subsets");
    let name = format!("{}+{}", subset_tag(slot, glyphs), slot.base_name());
    let units = f32::from(face.units_per_em());
    let scale = |v: f32| v * 1000.0 / units;

    pdf.type0_font(type0)
        .base_font(Name(name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);

    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let widths: Vec<f32> = glyphs
        .remapper
        .remapped_gids()
        .map(|old| scale(f32::from(face.glyph_hor_advance(GlyphId(old)).unwrap_or(0))))
        .collect();
    let mut font = pdf.cid_font(cid);
    font.subtype(CidFontType::Type2)
        .base_font(Name(name.as_bytes()))
        .system_info(system)
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"))
        .default_width(0.0);
    font.widths().consecutive(0, widths);
    font.finish();

    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(name.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(scale(f32::from(face.ascender())))
        .descent(scale(f32::from(face.descender())))
        .cap_height(scale(f32::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        .stem_v(80.0)
        .font_file2(file);

    let compressed = deflate(&subset);
    pdf.stream(file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);

    let mut cmap = UnicodeCmap::new(Name(b"OneCard-UCS"), system);
    for (g, c) in &glyphs.chars {
        cmap.pair(*g, *c);
    }
    let cmap = cmap.finish();
    pdf.cmap(cmap_ref, &cmap);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_latin_at_spaces_and_cjk_anywhere() {
        let faces = Faces::load();
        let style = Style::new(10.0);
        let width = faces
            .width("alpha beta", style)
            .max(faces.width("gamma delta", style));
        let lines = faces.wrap("alpha beta gamma delta", style, width);
        assert_eq!(lines, ["alpha beta", "gamma delta"]);
        let cjk = faces.wrap("中华人民共和国外国人工作许可", style, 45.0);
        assert!(cjk.len() > 1, "{cjk:?}");
        assert_eq!(cjk.concat(), "中华人民共和国外国人工作许可");
        for line in &cjk {
            assert!(faces.width(line, style) <= 45.0, "{line}");
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let faces = Faces::load();
        let style = Style::new(10.0);
        let long = "X".repeat(200);
        let lines = faces.wrap(&long, style, 100.0);
        assert!(lines.len() > 5);
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| faces.width(l, style) <= 100.0));
    }

    #[test]
    fn a_line_does_not_start_with_closing_punctuation() {
        let faces = Faces::load();
        let style = Style::new(10.0);
        for width in [40.0, 50.0, 60.0, 70.0] {
            for line in faces.wrap("准予许可，有效期两年。外国人工作许可，", style, width)
            {
                assert!(!line.starts_with('，') && !line.starts_with('。'), "{line}");
            }
        }
    }

    #[test]
    fn unknown_characters_still_lay_out() {
        let faces = Faces::load();
        // A character no bundled font has, and control characters.
        let w = faces.width("\u{1F600}\u{0007}", Style::new(10.0));
        assert!(w > 0.0);
    }
}
