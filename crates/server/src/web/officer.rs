//! Officers: the labour officer's queue and city list, and the permits of a city for the
//! immigration and social security officers.

use super::view::{
    Badge, Page, PermitRow, Stop, city_name, date, permit_row, require, state_badge, time,
};
use super::{CsrfToken, PageCtx, page_ctx, render};
use crate::http::{AppState, MaybeAuth};
use crate::services::{self, applications::ListQuery};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::routing::get;
use domain::application::Application;
use domain::ids::PersonId;
use domain::role::{Principal, Role};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(officer))
        .route("/permits", get(permits))
}

struct Row {
    id: String,
    receipt: String,
    kind: String,
    employer: String,
    person: String,
    submitted: String,
    state: Badge,
    /// The deadline that holds now, if any, and whether it has passed.
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "officer.html")]
struct OfficerPage<'a> {
    page: PageCtx<'a>,
    city: String,
    queue: Vec<Row>,
    all: Vec<Row>,
}

/// Names of the people of `apps`, each looked up once.
async fn names(
    app: &AppState,
    who: &Principal,
    apps: &[&Application],
) -> Result<HashMap<PersonId, String>, Stop> {
    let mut out = HashMap::new();
    for a in apps {
        if out.contains_key(&a.person_id) {
            continue;
        }
        let name = match services::people::get(&app.ctx, who, a.person_id).await {
            Ok(p) => p.name.full(),
            Err(services::ServiceError::NotFound(_)) => String::new(),
            Err(e) => return Err(e.into()),
        };
        out.insert(a.person_id, name);
    }
    Ok(out)
}

async fn officer(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(user, &[Role::LabourOfficer])?;
    let ctx = &app.ctx;
    let queue = services::applications::list(
        ctx,
        &who,
        &ListQuery {
            queue: true,
            ..Default::default()
        },
    )
    .await?;
    let all = services::applications::list(ctx, &who, &ListQuery::default()).await?;
    let due = services::applications::due_dates(ctx, &queue).await?;
    let today = ctx.clock.today();
    let employers: HashMap<_, _> = services::employers::list(ctx, &who)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name.to_string()))
        .collect();
    let people = names(
        &app,
        &who,
        &queue.iter().chain(all.iter()).collect::<Vec<_>>(),
    )
    .await?;
    let city = who.scope.city();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/officer");
    let row = |a: &Application| Row {
        id: a.id.to_string(),
        receipt: a.receipt_number.to_string(),
        kind: page.word("kind", a.kind().as_str()),
        employer: employers.get(&a.employer_id).cloned().unwrap_or_default(),
        person: people.get(&a.person_id).cloned().unwrap_or_default(),
        submitted: a.submitted_at.map(time).unwrap_or_default(),
        state: state_badge(&page, a.state),
        due: due.get(&a.id).map(|d| date(*d)).unwrap_or_default(),
        overdue: due.get(&a.id).is_some_and(|d| *d < today),
    };
    let queue = queue.iter().map(row).collect();
    let all = all.iter().map(row).collect();
    let city = city.map(|c| city_name(page.lang, c)).unwrap_or_default();
    Ok(render(&OfficerPage {
        page,
        city,
        queue,
        all,
    }))
}

struct PermitLine {
    permit: PermitRow,
    employer: String,
}

#[derive(Template)]
#[template(path = "permits.html")]
struct PermitsPage<'a> {
    page: PageCtx<'a>,
    title: String,
    permits: Vec<PermitLine>,
}

async fn permits(
    State(app): State<AppState>,
    headers: HeaderMap,
    Extension(csrf): Extension<CsrfToken>,
    MaybeAuth(user): MaybeAuth,
) -> Page {
    let who = require(
        user,
        &[Role::ImmigrationOfficer, Role::SocialSecurityOfficer],
    )?;
    let list = services::permits::list(&app.ctx, &who).await?;
    let employers: HashMap<_, _> = services::employers::list(&app.ctx, &who)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name.to_string()))
        .collect();
    let city = who.scope.city();
    let today = app.ctx.clock.today();
    let page = page_ctx(&app, &headers, Some(who), &csrf, "/permits");
    let title = page.t1(
        "permits-title",
        "city",
        &city.map(|c| city_name(page.lang, c)).unwrap_or_default(),
    );
    let permits = list
        .iter()
        .map(|p| PermitLine {
            permit: permit_row(&page, p, today, false),
            employer: employers.get(&p.employer_id).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(render(&PermitsPage {
        page,
        title,
        permits,
    }))
}
