//! What each notice says, in both languages, and where it stands on the page.

use super::typeset::{CONTENT_WIDTH, Faces, Layout, MARGIN, Op, SEAL_BOX, Style};
use super::{Notice, NoticeKind};
use chrono::{Datelike, NaiveDate};

fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn en_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The body paragraphs, Chinese then English, each pair about one thing.
fn paragraphs(n: &Notice) -> Vec<(String, String)> {
    let name = &n.holder.name;
    let employer = &n.employer.name;
    let receipt = n
        .application
        .as_ref()
        .map(|a| a.receipt_number.as_str())
        .unwrap_or("—");
    let submitted = n.application.as_ref().and_then(|a| a.submitted_on);
    let permit = n.permit.as_ref();
    let permit_number = permit.map(|p| p.number.as_str()).unwrap_or("—");
    let review = (
        "如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
            .to_string(),
        "If you disagree with this decision, you may apply for administrative reconsideration \
         within 60 days of receiving it, or bring an administrative lawsuit within six months."
            .to_string(),
    );
    match n.kind {
        NoticeKind::NotificationLetter => {
            let mut out = vec![(
                format!(
                    "{employer}：经审查，你单位为外国人{name}申请的外国人工作许可符合规定，准予许可。"
                ),
                format!(
                    "To {employer}: having reviewed your application for {name}, the authority \
                     grants the work permit."
                ),
            )];
            if let Some(p) = permit {
                out.push((
                    format!(
                        "工作许可证号{}，类别{}，有效期自{}至{}。",
                        p.number,
                        p.category,
                        zh_date(p.valid_from),
                        zh_date(p.valid_to)
                    ),
                    format!(
                        "Work permit number {}, category {}, valid from {} to {}.",
                        p.number,
                        p.category,
                        en_date(p.valid_from),
                        en_date(p.valid_to)
                    ),
                ));
            }
            out.push((
                "持本通知可申请工作签证入境。入境后，工作许可信息载入电子社会保障卡，不再制发纸质工作许可证。"
                    .to_string(),
                "With this letter the holder may apply for a work visa and enter China. After \
                 entry the permit is carried in the electronic social security card; no printed \
                 Work Permit Card is issued."
                    .to_string(),
            ));
            out
        }
        NoticeKind::DecisionNotice => {
            let (zh_on, en_on) = submitted
                .map(|d| (format!("于{}", zh_date(d)), format!(" on {}", en_date(d))))
                .unwrap_or_default();
            vec![(
                format!(
                    "{employer}：你单位{zh_on}提出的外国人工作许可申请（受理编号{receipt}），经审查，符合法定条件和标准。根据《中华人民共和国行政许可法》第三十八条第一款的规定，本机关决定准予行政许可。"
                ),
                format!(
                    "To {employer}: the application for a work permit submitted{en_on} (receipt \
                     {receipt}) meets the conditions and standards of the law. Under Article 38(1) \
                     of the Administrative Licensing Law of the People's Republic of China, this \
                     authority decides to grant the administrative authorization."
                ),
            )]
        }
        NoticeKind::ApprovalLetter => {
            let kind = n.application.as_ref().map(|a| a.kind.clone());
            let (zh_kind, en_kind) = kind
                .map(|k| (k.zh, k.en.to_lowercase()))
                .unwrap_or_else(|| ("申请".into(), "application".into()));
            vec![
                (
                    format!(
                        "{employer}：你单位为外国人{name}提出的工作许可{zh_kind}申请（受理编号{receipt}）经审查准予批准。"
                    ),
                    format!(
                        "To {employer}: the {en_kind} of the work permit of {name} (receipt \
                         {receipt}) is approved."
                    ),
                ),
                (
                    format!(
                        "更新后的工作许可信息如下。工作许可证号{permit_number}保持不变，原记录同时被取代。"
                    ),
                    format!(
                        "The updated permit is below. The permit keeps its number \
                         {permit_number}; the previous record is superseded."
                    ),
                ),
            ]
        }
        NoticeKind::InformationPage => vec![(
            format!(
                "本页为外国人工作管理服务系统于{}记录的工作许可详细信息。",
                zh_date(n.issued_on)
            ),
            format!(
                "This page shows the work permit as the service system recorded it on {}.",
                en_date(n.issued_on)
            ),
        )],
        NoticeKind::RefusalDecision => vec![
            (
                format!(
                    "{employer}：你单位为外国人{name}提出的申请（受理编号{receipt}），经审查，不符合法定条件和标准。根据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。理由如下："
                ),
                format!(
                    "To {employer}: the application for {name} (receipt {receipt}) does not meet \
                     the conditions and standards of the law. Under Article 38(2) of the \
                     Administrative Licensing Law of the People's Republic of China, this \
                     authority decides not to grant the administrative authorization, for the \
                     reasons below."
                ),
            ),
            review,
        ],
        NoticeKind::CancellationCertificate => {
            // A certificate is issued on the day of the cancellation.
            let (zh_on, en_on) = (zh_date(n.issued_on), en_date(n.issued_on));
            vec![(
                format!("兹证明，外国人{name}的工作许可（证号{permit_number}）已于{zh_on}注销。"),
                format!(
                    "This certifies that the work permit {permit_number} of {name} was \
                     cancelled on {en_on}."
                ),
            )]
        }
    }
}

/// The notice laid out on pages.
pub fn lay_out(faces: &Faces, n: &Notice) -> Vec<Vec<Op>> {
    let mut l = Layout::new(faces);
    // The seal's square at the top right, with its caption; the header keeps left of it.
    l.push(Op::Frame {
        rect: SEAL_BOX,
        width: 0.4,
    });
    let caption = Style::new(7.0).gray(0.3);
    let caption_width = SEAL_BOX.x2 - SEAL_BOX.x1;
    let top = l.y;
    l.y = SEAL_BOX.y1 - 2.0;
    l.centred(
        "扫码验证  Scan to verify",
        caption,
        SEAL_BOX.x1,
        caption_width,
    );
    l.centred(&n.verify_url, caption, SEAL_BOX.x1, caption_width);
    let below_seal = l.y;
    l.y = top;

    let header_width = SEAL_BOX.x1 - MARGIN - 12.0;
    l.text(&n.authority.zh, Style::new(11.0), MARGIN, header_width);
    l.text(
        &n.authority.en,
        Style::new(9.0).gray(0.25),
        MARGIN,
        header_width,
    );
    l.gap(10.0);
    let (zh, en) = n.kind.title();
    l.text(zh, Style::new(18.0).bold(), MARGIN, header_width);
    l.text(en, Style::new(12.5).bold(), MARGIN, header_width);
    l.gap(6.0);
    l.text(
        &format!("编号 No.  {}", n.number),
        Style::new(9.5),
        MARGIN,
        header_width,
    );
    l.text(
        &format!("日期 Date  {}  ({})", n.issued_on, zh_date(n.issued_on)),
        Style::new(9.5),
        MARGIN,
        header_width,
    );
    l.y = l.y.min(below_seal) - 10.0;
    l.rule(0.8);
    l.gap(6.0);

    // The reasons, where there are any, follow the paragraph that announces them.
    for (i, (zh, en)) in paragraphs(n).into_iter().enumerate() {
        l.text(&zh, Style::new(10.0), MARGIN, CONTENT_WIDTH);
        l.gap(1.0);
        l.text(&en, Style::new(9.0).gray(0.15), MARGIN, CONTENT_WIDTH);
        l.gap(6.0);
        if i == 0 && !n.reasons.is_empty() {
            l.text(
                "理由 Reasons",
                Style::new(10.5).bold(),
                MARGIN,
                CONTENT_WIDTH,
            );
            for (k, reason) in n.reasons.iter().enumerate() {
                l.text(
                    &format!("{}. {reason}", k + 1),
                    Style::new(10.0),
                    MARGIN + 12.0,
                    CONTENT_WIDTH - 12.0,
                );
            }
            l.gap(8.0);
        }
    }
    l.rule(0.8);
    for (zh, en, value) in fields(n) {
        l.field(zh, en, &value);
    }
    l.gap(12.0);
    l.text(&n.authority.zh, Style::new(10.0), MARGIN, CONTENT_WIDTH);
    l.text(
        &n.authority.en,
        Style::new(9.0).gray(0.15),
        MARGIN,
        CONTENT_WIDTH,
    );
    l.text(
        &format!("{}    {}", zh_date(n.issued_on), en_date(n.issued_on)),
        Style::new(9.0),
        MARGIN,
        CONTENT_WIDTH,
    );
    l.gap(6.0);
    l.text(
        "本文件由系统签发，其二维码印章绑定文件编号与内容；任何改动都会使验证失败。",
        Style::new(8.0).gray(0.35),
        MARGIN,
        CONTENT_WIDTH,
    );
    l.text(
        "Issued by the service system. Its QR seal binds the document's number and content; \
         any change makes verification fail.",
        Style::new(8.0).gray(0.35),
        MARGIN,
        CONTENT_WIDTH,
    );
    l.pages
}

/// The table of facts: label in Chinese, label in English, value.
fn fields(n: &Notice) -> Vec<(&'static str, &'static str, String)> {
    let mut out = vec![
        ("姓名", "Name", n.holder.name.clone()),
        ("国籍", "Nationality", n.holder.nationality.clone()),
        (
            "护照号码",
            "Passport number",
            n.holder.passport_number.clone(),
        ),
    ];
    if let Some(d) = n.holder.date_of_birth {
        out.push(("出生日期", "Date of birth", d.to_string()));
    }
    out.push(("用人单位", "Employer", n.employer.name.clone()));
    out.push((
        "统一社会信用代码",
        "Unified social credit code",
        n.employer.uscc.clone(),
    ));
    if let Some(a) = &n.application {
        out.push(("受理编号", "Receipt number", a.receipt_number.clone()));
        out.push((
            "申请事项",
            "Application",
            format!("{} {}", a.kind.zh, a.kind.en),
        ));
    }
    if let Some(p) = &n.permit {
        out.push(("工作许可证号", "Work permit number", p.number.clone()));
        if n.kind == NoticeKind::InformationPage {
            out.push(("版本", "Revision", p.revision.to_string()));
        }
        out.push(("类别", "Category", p.category.clone()));
        out.push(("职位", "Position", p.position.clone()));
        out.push((
            "工作地点",
            "Place of work",
            format!("{} {}", p.city.zh, p.city.en),
        ));
        out.push((
            "有效期",
            "Validity",
            format!("{} – {}", p.valid_from, p.valid_to),
        ));
        if matches!(
            n.kind,
            NoticeKind::InformationPage | NoticeKind::CancellationCertificate
        ) {
            out.push(("状态", "Status", format!("{} {}", p.status.zh, p.status.en)));
        }
    }
    out
}
