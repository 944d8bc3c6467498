//! The foreign employee: their permits, and the progress of their applications.

use super::view::{Badge, EventRow, Page, PermitRow, permit_row, require, state_badge, timeline};
use super::{CsrfToken, PageCtx, page_ctx, render};
use crate::http::{AppState, MaybeAuth};
use crate::services::{self, applications::ListQuery};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::routing::get;
use domain::role::Role;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me))
}

struct ApplicationBlock {
    id: String,
    heading: String,
    state: Badge,
    events: Vec<EventRow>,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage<'a> {
    page: PageCtx<'a>,
    permits: Vec<PermitRow>,
    applications: Vec<ApplicationBlock>,
}

async fn me(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, &[Role::Applicant])?;
    let ctx = &app.ctx;
    let permits = services::permits::list(ctx, &who).await?;
    let mut views = Vec::new();
    for a in services::applications::list(ctx, &who, &ListQuery::default()).await? {
        views.push(services::applications::get(ctx, &who, a.id).await?);
    }
    let today = ctx.clock.today();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/me");
    let permits = permits
        .iter()
        .map(|p| permit_row(&page, p, today, false))
        .collect();
    let applications = views
        .iter()
        .map(|v| {
            let a = &v.application;
            ApplicationBlock {
                id: a.id.to_string(),
                heading: page.tn(
                    "me-application-heading",
                    &[
                        ("kind", page.word("kind", a.kind().as_str())),
                        ("receipt", a.receipt_number.to_string()),
                    ],
                ),
                state: state_badge(&page, a.state),
                events: timeline(&page, &v.events),
            }
        })
        .collect();
    Ok(render(&MePage {
        page,
        permits,
        applications,
    }))
}
