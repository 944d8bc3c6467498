//! An application's checklist documents as pages: each checklist item with its files beside it;
//! the employer uploads each item (a multipart form, under the upload body limit), everyone who
//! sees the application lists and downloads them, and the labour officer marks each verified or
//! asks for a new one with the reason. A document verified in another city of the cluster shows
//! as reused, with who verified it and when.

use super::view::{
    Badge, ErrorItem, Field, Page, apply_errors, city_name, date, form_status, require, time,
    with_choose,
};
use super::{CsrfToken, PageCtx, check_csrf, page_ctx, render};
use crate::http::{AppState, HttpError, MaybeAuth};
use crate::services;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::ids::ApplicationId;
use domain::policy::DocumentKind;
use domain::role::{Principal, Role};
use serde::Deserialize;

/// The upload: mounted under the upload body limit.
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/applications/{id}/documents", post(upload))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/documents", get(show))
        .route("/documents/{id}/decision", post(decide))
}

const SEE: &[Role] = &[Role::EmployerHr, Role::Applicant, Role::LabourOfficer];

/// One file on a checklist line.
pub(super) struct FileRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) size: String,
    pub(super) date: String,
    pub(super) uploaded: String,
    pub(super) status: Badge,
    /// Who checked it and when; for a reused one, where.
    pub(super) detail: String,
    pub(super) reason: String,
    /// The labour officer's verify / ask-for-new-one forms.
    pub(super) decidable: bool,
}

/// One checklist item with its files.
pub(super) struct Line {
    pub(super) kind: &'static str,
    pub(super) label: String,
    /// What the checklist says of the item, if it was assessed.
    pub(super) status: String,
    pub(super) note: String,
    pub(super) files: Vec<FileRow>,
    /// The employer's upload form on this line.
    pub(super) upload: bool,
}

fn kind_label(p: &PageCtx, k: DocumentKind) -> String {
    p.t(&format!(
        "policy-document-kind-{}",
        k.as_str().replace('_', "-")
    ))
}

/// The checklist's lines as the viewer sees them; `forms` adds the employer's upload form and
/// the officer's check on each line (the documents page), without them for a summary (the
/// application page).
pub(super) fn lines(p: &PageCtx, c: &services::uploads::Checklist, forms: bool) -> Vec<Line> {
    let role = p.user.as_ref().map(|u| u.role());
    let open = !c.application.state.is_final();
    let officer = forms && open && role == Some(Role::LabourOfficer);
    let employer = forms && open && role == Some(Role::EmployerHr);
    let name = |a: Option<domain::ids::AccountId>| {
        a.and_then(|a| c.checked_by.get(&a).cloned())
            .unwrap_or_default()
    };
    c.lines
        .iter()
        .map(|l| {
            let explained = l
                .item
                .as_ref()
                .map(|i| crate::explain::document(p.catalog, p.lang, i));
            let files = l
                .uploads
                .iter()
                .map(|u| {
                    let when = u.decided_at.map(time).unwrap_or_default();
                    let (status, detail) = match (u.reused_from, u.status) {
                        (Some(r), _) => (
                            Badge {
                                class: "state reused".into(),
                                text: p.t1(
                                    "upload-status-reused",
                                    "city",
                                    &city_name(p.lang, r.city),
                                ),
                            },
                            p.tn(
                                "upload-reused-detail",
                                &[
                                    ("city", city_name(p.lang, r.city)),
                                    ("officer", name(u.decided_by)),
                                    ("when", when),
                                ],
                            ),
                        ),
                        (None, st) => (
                            Badge {
                                class: format!("state {}", st.as_str()),
                                text: p.t(&format!("upload-status-{}", st.as_str())),
                            },
                            if u.decided_by.is_some() {
                                p.tn(
                                    "upload-checked-detail",
                                    &[("officer", name(u.decided_by)), ("when", when)],
                                )
                            } else {
                                String::new()
                            },
                        ),
                    };
                    FileRow {
                        id: u.id.to_string(),
                        name: u.file_name.clone(),
                        size: format!("{} KB", (u.size.max(0) as u64).div_ceil(1024)),
                        date: u.declared_date.map(date).unwrap_or_default(),
                        uploaded: time(u.uploaded_at),
                        status,
                        detail,
                        reason: u.reason.clone().unwrap_or_default(),
                        decidable: officer && u.status == store::UploadStatus::Submitted,
                    }
                })
                .collect();
            let settled = l.settled();
            Line {
                kind: l.kind.as_str(),
                label: kind_label(p, l.kind),
                status: explained
                    .as_ref()
                    .map(|e| e.status_label.clone())
                    .unwrap_or_default(),
                note: explained.map(|e| e.text).unwrap_or_default(),
                files,
                upload: employer && !settled,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage<'a> {
    page: PageCtx<'a>,
    id: String,
    title: String,
    notice: String,
    errors: Vec<ErrorItem>,
    lines: Vec<Line>,
    /// The upload form for any document, for the employer while the application is open.
    fields: Vec<Field>,
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

fn kind_options(p: &PageCtx) -> Vec<(String, String)> {
    DocumentKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), kind_label(p, *k)))
        .collect()
}

/// What the upload form sent, to show it again with its errors.
#[derive(Default, Clone)]
struct Sent {
    kind: Option<String>,
    declared_date: Option<String>,
}

async fn page(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &CsrfToken,
    who: Principal,
    id: ApplicationId,
    done: Option<&str>,
    failed: Option<(&HttpError, &Sent)>,
) -> Page {
    let checklist = services::uploads::checklist(&app.ctx, &who, id).await?;
    let role = who.role();
    let page = page_ctx(
        app,
        headers,
        Some(who),
        csrf,
        &format!("/applications/{id}/documents"),
    );
    let p = &page;
    let lines = lines(p, &checklist, true);
    let sent = failed.map(|(_, s)| s.clone()).unwrap_or_default();
    let mut fields = if role == Role::EmployerHr && !checklist.application.state.is_final() {
        vec![
            Field::new(p, "", "kind", "select")
                .value(&sent.kind)
                .options(with_choose(p, kind_options(p))),
            Field::new(p, "", "declared_date", "date")
                .value(&sent.declared_date)
                .hint(p.t("upload-hint-date"))
                .optional(),
            Field::new(p, "", "file", "file").hint(p.t("upload-hint-file")),
        ]
    } else {
        Vec::new()
    };
    let errors = match failed {
        Some((e, _)) => apply_errors(p, e, fields.iter_mut(), "#upload"),
        None => Vec::new(),
    };
    let notice = match done {
        Some(code @ ("uploaded" | "verified" | "rejected")) => {
            p.t(&format!("upload-notice-{code}"))
        }
        _ => String::new(),
    };
    let res = render(&DocumentsPage {
        id: id.to_string(),
        title: p.t1(
            "upload-title",
            "receipt",
            checklist.application.receipt_number.as_str(),
        ),
        notice,
        errors,
        lines,
        fields,
        page,
    });
    Ok(form_status(res, failed.map(|(e, _)| e)))
}

fn application_id(s: &str) -> Result<ApplicationId, HttpError> {
    super::cases::parse_uuid(s, "application_not_found").map(ApplicationId)
}

async fn show(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let who = require(user, SEE)?;
    page(
        &app,
        &headers,
        &csrf,
        who,
        application_id(&id)?,
        q.done.as_deref(),
        None,
    )
    .await
}

async fn upload(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Page {
    let bad = |_| HttpError::new(axum::http::StatusCode::BAD_REQUEST, "form_unreadable");
    let (mut token, mut sent, mut file) = (String::new(), Sent::default(), None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(bad)?,
            Some("kind") => sent.kind = Some(field.text().await.map_err(bad)?),
            Some("declared_date") => sent.declared_date = Some(field.text().await.map_err(bad)?),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let declared = field.content_type().map(str::to_string);
                file = Some((name, declared, field.bytes().await.map_err(bad)?.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&headers, Some(&token))?;
    let who = require(user, &[Role::EmployerHr])?;
    let id = application_id(&id)?;
    let mut inv = domain::Invalid::default();
    let kind = inv.take(
        DocumentKind::from_code(sent.kind.as_deref().unwrap_or("").trim())
            .ok_or_else(|| domain::FieldError::new("kind", "document_kind_value")),
    );
    let declared_date = match sent.declared_date.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(d) => inv.take(domain::values::parse_date("declared_date", d).map(Some)),
    };
    if file.is_none() {
        inv.push(domain::FieldError::new("file", "required"));
    }
    let err = match (kind, declared_date, file) {
        (Some(kind), Some(declared_date), Some((file_name, declared_type, bytes)))
            if inv.is_empty() =>
        {
            let input = services::uploads::NewUpload {
                kind,
                file_name,
                declared_type,
                declared_date,
                bytes,
            };
            match services::uploads::upload(&app.ctx, &who, id, input).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!(
                        "/applications/{id}/documents?done=uploaded"
                    ))
                    .into_response());
                }
                Err(e) => HttpError::from(e),
            }
        }
        _ => HttpError::invalid(inv),
    };
    if !super::view::shown_on_form(&err) {
        return Err(err.into());
    }
    page(&app, &headers, &csrf, who, id, None, Some((&err, &sent))).await
}

#[derive(Deserialize, Default)]
struct DecisionForm {
    csrf: Option<String>,
    verified: Option<String>,
    reason: Option<String>,
    application: Option<String>,
}

async fn decide(
    State(app): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Page {
    check_csrf(&headers, f.csrf.as_deref())?;
    let who = require(user, &[Role::LabourOfficer])?;
    let id = super::cases::parse_uuid(&id, "upload_not_found")?;
    let verified = f.verified.as_deref() == Some("true");
    let reason = match f.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(
            domain::values::Text::parse("reason", r, 500)
                .map_err(|e| HttpError::invalid(e.into()))?,
        ),
    };
    let row = services::uploads::decide(&app.ctx, &who, id, verified, reason)
        .await
        .map_err(HttpError::from)?;
    let done = if verified { "verified" } else { "rejected" };
    let _ = f.application;
    Ok(Redirect::to(&format!(
        "/applications/{}/documents?done={done}",
        row.application_id
    ))
    .into_response())
}
