//! The contribution statement as a PDF: the holder, each month declared (the latest
//! declaration of each), the totals by year and by insurance, Chinese and English on the same
//! page, with the seal's square at the top right like the notices. Amounts come in as integer
//! fen and are printed in yuan with two decimals; nothing is computed here but the layout.

use super::typeset::{self, CONTENT_WIDTH, Faces, Layout, MARGIN, Op, SEAL_BOX, Style};
use super::{Bilingual, Holder};
use chrono::NaiveDate;

/// The seal's kind code for statements.
pub const KIND: &str = "contribution_statement";

/// An employer and a personal share, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shares {
    pub employer: i64,
    pub personal: i64,
}

impl Shares {
    pub fn total(&self) -> i64 {
        self.employer + self.personal
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    /// `YYYY-MM`.
    pub month: String,
    pub city: String,
    pub base: i64,
    pub corrections: u32,
    pub total: Shares,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearLine {
    pub year: i32,
    pub months: u32,
    pub total: Shares,
}

/// Everything a statement shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Capital letters, digits and `-`: printed and sealed.
    pub number: String,
    pub issued_on: NaiveDate,
    pub authority: Bilingual,
    pub holder: Holder,
    pub social_security_number: String,
    pub months: Vec<MonthLine>,
    pub years: Vec<YearLine>,
    /// By insurance, in the order pension, medical, unemployment, work injury, maternity.
    pub by_type: [Shares; 5],
    pub total: Shares,
    pub verify_url: String,
}

const TYPES: [(&str, &str); 5] = [
    ("养老保险", "Pension"),
    ("医疗保险", "Medical"),
    ("失业保险", "Unemployment"),
    ("工伤保险", "Work injury"),
    ("生育保险", "Maternity"),
];

/// Fen as yuan: `12345` → `123.45`, with thousands separated.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    let int = (f / 100).to_string();
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", f % 100)
}

/// One row of a table: cells right-aligned in their columns but the first.
fn row(l: &mut Layout<'_>, cells: &[&str], widths: &[f32], style: Style) {
    let leading = style.size * 1.5;
    l.room(leading);
    l.y -= style.size;
    let mut x = MARGIN;
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        let tw = l.faces.width(c, style);
        let at = if i == 0 {
            x
        } else {
            x + (w - tw).max(0.0) - 4.0
        };
        l.push(Op::Text {
            x: at,
            y: l.y,
            style,
            text: (*c).to_string(),
        });
        x += w;
    }
    l.y -= leading - style.size;
}

fn lay_out(faces: &Faces, s: &Statement) -> Vec<Vec<Op>> {
    let mut l = Layout::new(faces);
    l.push(Op::Frame {
        rect: SEAL_BOX,
        width: 0.4,
    });
    let caption = Style::new(7.0).gray(0.3);
    let top = l.y;
    l.y = SEAL_BOX.y1 - 2.0;
    l.centred(
        "扫码验证  Scan to verify",
        caption,
        SEAL_BOX.x1,
        SEAL_BOX.x2 - SEAL_BOX.x1,
    );
    l.centred(
        &s.verify_url,
        caption,
        SEAL_BOX.x1,
        SEAL_BOX.x2 - SEAL_BOX.x1,
    );
    let below_seal = l.y;
    l.y = top;
    let header = SEAL_BOX.x1 - MARGIN - 12.0;
    l.text(&s.authority.zh, Style::new(11.0), MARGIN, header);
    l.text(&s.authority.en, Style::new(9.0).gray(0.25), MARGIN, header);
    l.gap(10.0);
    l.text("社会保险缴费记录", Style::new(18.0).bold(), MARGIN, header);
    l.text(
        "Statement of Social Insurance Contributions",
        Style::new(12.5).bold(),
        MARGIN,
        header,
    );
    l.gap(6.0);
    l.text(
        &format!("编号 No.  {}", s.number),
        Style::new(9.5),
        MARGIN,
        header,
    );
    l.text(
        &format!("日期 Date  {}", s.issued_on),
        Style::new(9.5),
        MARGIN,
        header,
    );
    l.y = l.y.min(below_seal) - 10.0;
    l.field("姓名", "Name", &s.holder.name);
    l.field("国籍", "Nationality", &s.holder.nationality);
    l.field("护照号码", "Passport number", &s.holder.passport_number);
    l.field(
        "社会保障号码",
        "Social security number",
        &s.social_security_number,
    );
    l.field(
        "缴费月数",
        "Months contributed",
        &s.months.len().to_string(),
    );
    l.field(
        "单位缴费合计（元）",
        "Employer total (CNY)",
        &yuan(s.total.employer),
    );
    l.field(
        "个人缴费合计（元）",
        "Personal total (CNY)",
        &yuan(s.total.personal),
    );
    l.field("合计（元）", "Total (CNY)", &yuan(s.total.total()));
    l.gap(12.0);

    let head = Style::new(8.0).bold();
    let cell = Style::new(8.5);
    l.text(
        "按险种 By insurance",
        Style::new(10.5).bold(),
        MARGIN,
        CONTENT_WIDTH,
    );
    let w4 = [
        CONTENT_WIDTH * 0.4,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
    ];
    row(
        &mut l,
        &[
            "险种 Insurance",
            "单位 Employer",
            "个人 Personal",
            "合计 Total",
        ],
        &w4,
        head,
    );
    for ((zh, en), s) in TYPES.iter().zip(&s.by_type) {
        let name = format!("{zh} {en}");
        row(
            &mut l,
            &[
                &name,
                &yuan(s.employer),
                &yuan(s.personal),
                &yuan(s.total()),
            ],
            &w4,
            cell,
        );
    }
    l.gap(10.0);
    l.text(
        "按年度 By year",
        Style::new(10.5).bold(),
        MARGIN,
        CONTENT_WIDTH,
    );
    let w5 = [
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.2,
    ];
    row(
        &mut l,
        &[
            "年度 Year",
            "月数 Months",
            "单位 Employer",
            "个人 Personal",
            "合计 Total",
        ],
        &w5,
        head,
    );
    for y in &s.years {
        row(
            &mut l,
            &[
                &y.year.to_string(),
                &y.months.to_string(),
                &yuan(y.total.employer),
                &yuan(y.total.personal),
                &yuan(y.total.total()),
            ],
            &w5,
            cell,
        );
    }
    l.gap(10.0);
    l.text(
        "按月 By month",
        Style::new(10.5).bold(),
        MARGIN,
        CONTENT_WIDTH,
    );
    let w6 = [
        CONTENT_WIDTH * 0.14,
        CONTENT_WIDTH * 0.12,
        CONTENT_WIDTH * 0.2,
        CONTENT_WIDTH * 0.18,
        CONTENT_WIDTH * 0.18,
        CONTENT_WIDTH * 0.18,
    ];
    let month_head = [
        "月份 Month",
        "城市 City",
        "基数 Base",
        "单位 Employer",
        "个人 Personal",
        "合计 Total",
    ];
    row(&mut l, &month_head, &w6, head);
    for m in &s.months {
        let month = if m.corrections > 0 {
            format!("{} *", m.month)
        } else {
            m.month.clone()
        };
        let cells = [
            month.as_str(),
            &m.city,
            &yuan(m.base),
            &yuan(m.total.employer),
            &yuan(m.total.personal),
            &yuan(m.total.total()),
        ];
        let pages = l.pages.len();
        row(&mut l, &cells, &w6, cell);
        if l.pages.len() != pages {
            // A new page: the row went to its top; repeat the head above it.
            if let Some(page) = l.pages.last_mut() {
                page.clear();
            }
            l.y = typeset::TOP;
            row(&mut l, &month_head, &w6, head);
            row(&mut l, &cells, &w6, cell);
        }
    }
    l.gap(8.0);
    l.text(
        "* 该月经更正，以最后一次申报为准。 * Corrected: the latest declaration of the month counts.",
        Style::new(7.5).gray(0.3),
        MARGIN,
        CONTENT_WIDTH,
    );
    l.pages
}

/// The statement as a PDF without its seal: the bytes the seal's content hash covers.
pub fn render(s: &Statement) -> Vec<u8> {
    let faces = Faces::load();
    let pages = lay_out(&faces, s);
    typeset::write(
        &faces,
        &pages,
        &typeset::Meta {
            title: &format!("社会保险缴费记录 Statement of Contributions {}", s.number),
            date: s.issued_on,
        },
    )
}

/// A statement of `months` months with plausible figures, for benchmarks and tests.
pub fn sample(months: usize) -> Statement {
    let mut lines = Vec::with_capacity(months);
    let mut years: Vec<YearLine> = Vec::new();
    let mut total = Shares::default();
    let per = Shares {
        employer: 533_245,
        personal: 211_300,
    };
    for i in 0..months {
        let (y, m) = (2016 + (i / 12) as i32, (i % 12) as u32 + 1);
        lines.push(MonthLine {
            month: format!("{y:04}-{m:02}"),
            city: "110000".into(),
            base: 2_000_000,
            corrections: u32::from(i.is_multiple_of(17)),
            total: per,
        });
        if years.last().is_none_or(|l| l.year != y) {
            years.push(YearLine {
                year: y,
                months: 0,
                total: Shares::default(),
            });
        }
        if let Some(l) = years.last_mut() {
            l.months += 1;
            l.total.employer += per.employer;
            l.total.personal += per.personal;
        }
        total.employer += per.employer;
        total.personal += per.personal;
    }
    Statement {
        number: "CS-S11000020260000001-202612".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
        authority: Bilingual::new(
            "北京市社会保险事业管理中心",
            "Beijing Social Insurance Agency",
        ),
        holder: Holder {
            name: "MÜLLER Anna".into(),
            nationality: "DEU".into(),
            passport_number: "C01X00T47".into(),
            date_of_birth: None,
        },
        social_security_number: "S110000202600000017".into(),
        months: lines,
        years,
        by_type: [per; 5],
        total,
        verify_url: "http://127.0.0.1:8080/verify".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_from_fen() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!(yuan(-100), "-1.00");
    }

    #[test]
    fn ten_years_lay_out_on_several_pages() {
        let s = sample(120);
        let pdf = render(&s);
        assert!(pdf.starts_with(b"%PDF-"));
        let pages = lay_out(&Faces::load(), &s);
        assert!(pages.len() >= 3, "{}", pages.len());
    }
}
