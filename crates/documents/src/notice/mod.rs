//! The official notices as PDF: Chinese and English on the same page, the fonts embedded as
//! subsets, and a space at the top right of the first page for the static QR seal that
//! [`sealed`] appends.
//!
//! The data comes in as plain text, not as the domain's parsed values: a notice must lay out
//! whatever a record holds (a 200-character employer name, a Chinese name where a passport
//! number was expected), and it says nothing the record does not.

pub mod sealed;
pub mod statement;
mod template;
mod typeset;

use chrono::NaiveDate;

pub use sealed::{NoticeVerdict, SealedError, attach_seal, split_sealed, verify_notice};
pub use typeset::SEAL_BOX;

/// The notices the service issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKind {
    /// On approval of a new permit: the Notification Letter of Work Permit.
    NotificationLetter,
    /// On approval of a new permit: the Notification of Decision on Administrative Authorization.
    DecisionNotice,
    /// On approval of an extension or a change: the Approval Letter with the updated permit.
    ApprovalLetter,
    /// The detailed work-permit information page, printed on request.
    InformationPage,
    /// A refusal, with its reasons.
    RefusalDecision,
    /// A cancelled permit.
    CancellationCertificate,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::NotificationLetter,
        NoticeKind::DecisionNotice,
        NoticeKind::ApprovalLetter,
        NoticeKind::InformationPage,
        NoticeKind::RefusalDecision,
        NoticeKind::CancellationCertificate,
    ];

    /// The stable code in URLs, the API and the seal.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::NotificationLetter => "notification_letter",
            NoticeKind::DecisionNotice => "decision_notice",
            NoticeKind::ApprovalLetter => "approval_letter",
            NoticeKind::InformationPage => "information_page",
            NoticeKind::RefusalDecision => "refusal_decision",
            NoticeKind::CancellationCertificate => "cancellation_certificate",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The prefix of the notice's number: numbers are `PREFIX-` and the number of the
    /// application or permit the notice is about.
    pub fn prefix(self) -> &'static str {
        match self {
            NoticeKind::NotificationLetter => "NL",
            NoticeKind::DecisionNotice => "DA",
            NoticeKind::ApprovalLetter => "AL",
            NoticeKind::InformationPage => "IP",
            NoticeKind::RefusalDecision => "RD",
            NoticeKind::CancellationCertificate => "CC",
        }
    }

    /// The title, Chinese then English.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            NoticeKind::NotificationLetter => {
                ("外国人工作许可通知", "Notification Letter of Work Permit")
            }
            NoticeKind::DecisionNotice => (
                "准予行政许可决定书",
                "Notification of Decision on Administrative Authorization",
            ),
            NoticeKind::ApprovalLetter => ("外国人工作许可批准函", "Approval Letter"),
            NoticeKind::InformationPage => {
                ("外国人工作许可详细信息", "Detailed Work Permit Information")
            }
            NoticeKind::RefusalDecision => (
                "不予行政许可决定书",
                "Decision on Refusal of Administrative Authorization",
            ),
            NoticeKind::CancellationCertificate => (
                "外国人工作许可注销证明",
                "Certificate of Cancellation of Work Permit",
            ),
        }
    }
}

/// Text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holder {
    /// As in the passport: surname and given names.
    pub name: String,
    pub nationality: String,
    pub passport_number: String,
    pub date_of_birth: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmployerFacts {
    pub name: String,
    pub uscc: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitFacts {
    pub number: String,
    pub revision: i32,
    pub category: String,
    pub position: String,
    pub city: Bilingual,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The permit's standing when the notice was issued.
    pub status: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub receipt_number: String,
    /// New permit, extension, change, cancellation.
    pub kind: Bilingual,
    pub submitted_on: Option<NaiveDate>,
}

/// Everything a notice shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The notice's own number, printed and sealed: capital letters, digits and `-`.
    pub number: String,
    pub issued_on: NaiveDate,
    /// The authority that decided.
    pub authority: Bilingual,
    pub holder: Holder,
    pub employer: EmployerFacts,
    pub permit: Option<PermitFacts>,
    pub application: Option<ApplicationFacts>,
    /// A refusal's or a cancellation's reasons, as the officer wrote them.
    pub reasons: Vec<String>,
    /// Where the seal can be checked, printed under it.
    pub verify_url: String,
}

/// The notice as a PDF without its seal: the bytes the seal's content hash covers.
pub fn render(notice: &Notice) -> Vec<u8> {
    let faces = typeset::Faces::load();
    let pages = template::lay_out(&faces, notice);
    let (zh, en) = notice.kind.title();
    typeset::write(
        &faces,
        &pages,
        &typeset::Meta {
            title: &format!("{zh} {en} {}", notice.number),
            date: notice.issued_on,
        },
    )
}

/// A notice of `kind` with made-up but plausible data: for examples, benchmarks and the golden
/// snapshots.
pub fn sample(kind: NoticeKind) -> Notice {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    let application = match kind {
        NoticeKind::InformationPage | NoticeKind::CancellationCertificate => None,
        NoticeKind::ApprovalLetter => Some(ApplicationFacts {
            receipt_number: "A2026112400000027".into(),
            kind: Bilingual::new("延期", "Extension"),
            submitted_on: Some(d(2026, 11, 24)),
        }),
        _ => Some(ApplicationFacts {
            receipt_number: "A202611240000001X".into(),
            kind: Bilingual::new("新办", "New permit"),
            submitted_on: Some(d(2026, 11, 24)),
        }),
    };
    let permit = (kind != NoticeKind::RefusalDecision).then(|| PermitFacts {
        number: "P11000020260000012".into(),
        revision: 1,
        category: "B".into(),
        position: "Data Scientist".into(),
        city: Bilingual::new("北京", "Beijing"),
        valid_from: d(2027, 1, 1),
        valid_to: d(2028, 12, 31),
        status: if kind == NoticeKind::CancellationCertificate {
            Bilingual::new("已注销", "Cancelled")
        } else {
            Bilingual::new("有效", "Valid")
        },
    });
    let reasons = match kind {
        NoticeKind::RefusalDecision => vec![
            "The salary stated is below the local floor for the category asked.".into(),
            "无犯罪记录证明已超过六个月有效期。".into(),
        ],
        NoticeKind::CancellationCertificate => vec!["Employment ended on 2026-11-30.".into()],
        _ => Vec::new(),
    };
    let subject = application
        .as_ref()
        .map(|a| a.receipt_number.clone())
        .unwrap_or_else(|| "P11000020260000012".into());
    Notice {
        kind,
        number: format!("{}-{subject}", kind.prefix()),
        issued_on: d(2026, 12, 3),
        authority: Bilingual::new(
            "北京市外国人工作管理部门",
            "Beijing Foreigners' Work Authority",
        ),
        holder: Holder {
            name: "MÜLLER Anna".into(),
            nationality: "DEU".into(),
            passport_number: "C01X00T47".into(),
            date_of_birth: Some(d(1990, 4, 12)),
        },
        employer: EmployerFacts {
            name: "Beijing Zhongguancun Example Technology Co., Ltd.".into(),
            uscc: "91110000600037341Q".into(),
        },
        permit,
        application,
        reasons,
        verify_url: "https://onecard.example/verify".into(),
    }
}

/// The notice's layout as text, one line per thing drawn: the golden snapshots compare it, so a
/// change of layout shows as a readable diff.
pub fn describe(notice: &Notice) -> String {
    use std::fmt::Write as _;
    let faces = typeset::Faces::load();
    let mut out = String::new();
    for (i, page) in template::lay_out(&faces, notice).iter().enumerate() {
        let _ = writeln!(out, "page {}", i + 1);
        for op in page {
            let _ = match op {
                typeset::Op::Text { x, y, style, text } => writeln!(
                    out,
                    "  text {x:.1} {y:.1} {:.1}{} {text}",
                    style.size,
                    if style.bold { "b" } else { "" }
                ),
                typeset::Op::Rule { x1, y1, x2, .. } => {
                    writeln!(out, "  rule {x1:.1} {y1:.1} {x2:.1}")
                }
                typeset::Op::Frame { rect, .. } => writeln!(
                    out,
                    "  frame {:.1} {:.1} {:.1} {:.1}",
                    rect.x1, rect.y1, rect.x2, rect.y2
                ),
            };
        }
    }
    out
}
