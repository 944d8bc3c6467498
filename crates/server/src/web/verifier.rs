//! The public verifier: anyone shown a OneCard QR code checks it here, without signing in, by
//! pasting its text, uploading a photo of it (on a phone the file picker offers the camera), or,
//! where the browser can read barcodes, scanning it live (`verify.js`). The answer is green
//! "valid" with what the code discloses, or red with the reason.

use super::view::{Page, with_status};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::api::credentials::VerificationOut;
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

/// How long a photo waits for its turn to be read.
const SCAN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify", get(form).post(check))
        .route("/static/verify.js", get(script))
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/verify.js"),
    )
}

/// A field of the answer, labelled.
struct Row {
    label: String,
    value: String,
}

struct ResultView {
    valid: bool,
    headline: String,
    code: String,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    page: PageCtx<'a>,
    error: String,
    result: Option<ResultView>,
}

async fn form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let page = page_ctx(&app, &headers, user, &csrf, "/verify");
    Ok(render(&VerifyPage {
        page,
        error: String::new(),
        result: None,
    }))
}

fn result_view(page: &PageCtx, v: &VerificationOut) -> ResultView {
    let mut rows = Vec::new();
    if let Some(p) = &v.permit {
        let mut row = |key: &str, value: String| {
            rows.push(Row {
                label: page.t(key),
                value,
            })
        };
        row("col-holder", p.holder_name.clone());
        row("field-permit-number", p.permit_number.clone());
        row("field-category", p.category.clone());
        row("col-employer", p.employer.clone());
        row(
            "col-validity",
            page.tn(
                "validity-range",
                &[
                    ("from", p.valid_from.to_string()),
                    ("to", p.valid_to.to_string()),
                ],
            ),
        );
        if let Some(n) = &p.nationality {
            row("field-nationality", n.clone());
        }
        if let Some(pos) = &p.position {
            row("field-position", pos.clone());
        }
        if let Some(c) = &p.city {
            let name = domain::city::City::parse("city", c)
                .map(|c| super::view::city_name(page.lang, c))
                .unwrap_or_else(|_| c.clone());
            row("field-city", name);
        }
        if let Some(m) = &p.medium {
            row("col-medium", page.word("medium", m));
        }
        row("verify-profile", page.word("profile", &p.profile));
    }
    if let Some(d) = &v.document {
        let mut row = |key: &str, value: String| {
            rows.push(Row {
                label: page.t(key),
                value,
            })
        };
        row("verify-document-number", d.number.clone());
        row("verify-document-kind", page.word("document-kind", &d.kind));
        if let Some(p) = &d.permit_number {
            row("field-permit-number", p.clone());
        }
        row("verify-document-issued", super::view::time(d.issued_at));
        row("verify-document-hash", d.content_hash.clone());
        if let Some(recorded) = d.recorded {
            row(
                "verify-document-recorded",
                page.t(if recorded {
                    "yes"
                } else {
                    "verify-not-recorded"
                }),
            );
        }
    }
    ResultView {
        valid: v.valid,
        headline: v.message.clone(),
        code: v.outcome.clone(),
        rows,
    }
}

/// Reads the form: the CSRF token, pasted text, and an image, in any order.
async fn read_form(mut form: Multipart) -> Result<(String, String, Vec<u8>), HttpError> {
    let bad = |_| HttpError::new(StatusCode::BAD_REQUEST, "form_unreadable");
    let (mut csrf, mut text, mut image) = (String::new(), String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(bad)?,
            Some("text") => text = field.text().await.map_err(bad)?,
            Some("image") => image = field.bytes().await.map_err(bad)?.to_vec(),
            _ => {}
        }
    }
    Ok((csrf, text, image))
}

async fn check(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    form: Multipart,
) -> Page {
    let (sent_csrf, mut text, image) = read_form(form).await?;
    check_csrf(&headers, Some(&sent_csrf))?;
    let page = page_ctx(&app, &headers, user, &csrf, "/verify");
    let mut error = String::new();
    if text.trim().is_empty() && image.starts_with(b"%PDF-") {
        // A notice's file: its seal and its bytes are checked together.
        let check = services::verification::verify_notice_file(&app.ctx, &image).await?;
        let out = VerificationOut::of_notice(&check, page.catalog, page.lang);
        let result = Some(result_view(&page, &out));
        return Ok(render(&VerifyPage {
            page,
            error,
            result,
        }));
    }
    if text.trim().is_empty() && !image.is_empty() {
        // Decoding an image is CPU work: off the async threads, one at a time, and a request
        // that cannot have its turn soon is told to come back.
        let busy = || HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "scanner_busy");
        let turn = tokio::time::timeout(SCAN_WAIT, app.scans.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let scanned = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            credential::scan::texts_in_image(&image)
        })
        .await
        .map_err(|_| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
        match scanned {
            Ok(texts) => text = texts.into_iter().next().unwrap_or_default(),
            Err(e) => error = page.t(&format!("error-{}", e.code().replace('_', "-"))),
        }
    } else if text.trim().is_empty() {
        error = page.t("error-verify-nothing");
    }
    let result = if error.is_empty() {
        let outcome = services::verification::verify(&app.ctx, &text).await?;
        let out = VerificationOut::new(&outcome, page.catalog, page.lang);
        Some(result_view(&page, &out))
    } else {
        None
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let res = render(&VerifyPage {
        page,
        error,
        result,
    });
    Ok(with_status(res, status))
}
