//! What the pages share: who may see a page, form fields with their errors, and how dates,
//! states and timelines are shown.

use super::PageCtx;
use crate::http::HttpError;
use crate::i18n::Locale;
use crate::services::ServiceError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::city::City;
use domain::permit::Permit;
use domain::role::{Principal, Role};
use store::Event;

/// How a page handler stops early: a redirect to sign in, or an error page.
pub struct Stop(Box<Response>);

impl From<HttpError> for Stop {
    fn from(e: HttpError) -> Self {
        Stop(Box::new(e.into_response()))
    }
}

impl From<ServiceError> for Stop {
    fn from(e: ServiceError) -> Self {
        HttpError::from(e).into()
    }
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub type Page = Result<Response, Stop>;

/// The signed-in user if their role is one of `roles`: else to the sign-in page, or 403.
pub fn require(user: Option<Principal>, roles: &[Role]) -> Result<Principal, Stop> {
    let Some(p) = user else {
        return Err(Stop(Box::new(Redirect::to("/login").into_response())));
    };
    if !roles.contains(&p.role()) {
        return Err(HttpError::new(StatusCode::FORBIDDEN, "role_not_allowed").into());
    }
    Ok(p)
}

/// A response with `status`, for a form shown again with its errors.
pub fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// A form page: with the status of the error it shows again, if any.
pub fn form_status(res: Response, err: Option<&HttpError>) -> Response {
    match err {
        Some(e) => with_status(res, e.status),
        None => res,
    }
}

/// Whether a failed form is shown again (invalid input, or a conflict to explain), rather than
/// turned into an error page.
/// Where a form's call leads: on success to the page `next` names; an error the form shows comes
/// back, to be shown with the form again; any other error stops with its page.
pub fn form_outcome<T>(
    result: Result<T, HttpError>,
    next: impl FnOnce(T) -> String,
) -> Result<HttpError, Stop> {
    match result {
        Ok(t) => Err(Stop(Box::new(Redirect::to(&next(t)).into_response()))),
        Err(e) if shown_on_form(&e) => Ok(e),
        Err(e) => Err(e.into()),
    }
}

pub fn shown_on_form(e: &HttpError) -> bool {
    matches!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
    )
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A moment in China Standard Time, where the authorities work.
pub fn time(t: DateTime<Utc>) -> String {
    crate::clock::china_time(t)
}

pub fn city_name(lang: Locale, c: City) -> String {
    match lang {
        Locale::En => c.info().name_en.to_string(),
        Locale::Zh => c.info().name_zh.to_string(),
    }
}

/// A state badge: the CSS class and the words.
pub struct Badge {
    pub class: String,
    pub text: String,
}

pub fn state_badge(page: &PageCtx, state: domain::application::State) -> Badge {
    Badge {
        class: format!("state state-{}", state.as_str().replace('_', "-")),
        text: page.word("state", state.as_str()),
    }
}

pub fn permit_badge(page: &PageCtx, status: domain::permit::PermitStatus) -> Badge {
    Badge {
        class: format!("state status-{}", status.as_str()),
        text: page.word("permit-status", status.as_str()),
    }
}

/// One choice of a select or radio group.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A form field as a page shows it: label, hint, value, and its error if any.
pub struct Field {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    /// text, date, email, tel, number, password, textarea, select, radio or checkbox.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub hint: String,
    pub error: String,
    pub optional: bool,
    pub autocomplete: &'static str,
}

impl Field {
    /// A field named `name` labelled with `field-{name}`, its element id `{prefix}{name}`.
    pub fn new(page: &PageCtx, prefix: &str, name: &'static str, kind: &'static str) -> Field {
        Field {
            id: format!("{prefix}{name}"),
            name,
            label: page.t(&format!("field-{}", name.replace('_', "-"))),
            kind,
            value: String::new(),
            options: Vec::new(),
            hint: String::new(),
            error: String::new(),
            optional: false,
            autocomplete: "",
        }
    }

    pub fn label(mut self, label: String) -> Field {
        self.label = label;
        self
    }

    pub fn hint(mut self, hint: String) -> Field {
        self.hint = hint;
        self
    }

    pub fn value(mut self, v: &Option<String>) -> Field {
        self.value = v.clone().unwrap_or_default();
        self
    }

    pub fn optional(mut self) -> Field {
        self.optional = true;
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Field {
        self.autocomplete = a;
        self
    }

    /// Choices as (value, label); the one equal to the field's value is selected, so call this
    /// after [`Field::value`].
    pub fn options(mut self, opts: Vec<(String, String)>) -> Field {
        self.options = opts
            .into_iter()
            .map(|(value, label)| Opt {
                selected: value == self.value,
                value,
                label,
            })
            .collect();
        self
    }

    /// The element an error summary links to.
    pub fn anchor(&self) -> String {
        match (self.kind, self.options.first()) {
            ("radio", Some(o)) => format!("#{}-{}", self.id, o.value),
            _ => format!("#{}", self.id),
        }
    }

    /// The ids of the hint and the error, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if !self.error.is_empty() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }

    pub fn has_error(&self) -> bool {
        !self.error.is_empty()
    }

    pub fn is_select(&self) -> bool {
        self.kind == "select"
    }

    pub fn is_radio(&self) -> bool {
        self.kind == "radio"
    }

    pub fn is_textarea(&self) -> bool {
        self.kind == "textarea"
    }

    pub fn is_checkbox(&self) -> bool {
        self.kind == "checkbox"
    }

    pub fn is_checked(&self) -> bool {
        matches!(self.value.as_str(), "on" | "true" | "yes" | "1")
    }
}

/// A group of fields under a legend, with a hint saying when it applies.
pub struct Section {
    pub legend: String,
    pub hint: String,
    pub fields: Vec<Field>,
}

/// One line of an error summary, linking to the field it is about.
pub struct ErrorItem {
    pub href: String,
    pub text: String,
}

/// The form field a path from the input parsers or services names: `details.position` and
/// `grant.valid_to` are the form's `position` and `valid_to`, `items[2]` is `items`.
fn form_name(path: &str) -> &str {
    let last = path
        .strip_prefix("details.")
        .or_else(|| path.strip_prefix("grant."))
        .or_else(|| path.strip_prefix("profile."))
        .or_else(|| path.strip_prefix("residence."))
        .or_else(|| path.strip_prefix("payment."))
        .unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    match last {
        "change" => "change_what",
        // The one-stop request's fields, as the forms name them.
        "role_at_employer" => "residence_role",
        "requested_months" => "residence_months",
        "residence" => "one_stop",
        other => other,
    }
}

/// Puts each error of `err` next to its field, and returns the summary that lists them all by
/// the fields' labels. Errors about no field of the form link to `fallback`.
pub fn apply_errors<'f>(
    page: &PageCtx,
    err: &HttpError,
    fields: impl IntoIterator<Item = &'f mut Field>,
    fallback: &str,
) -> Vec<ErrorItem> {
    let mut fields: Vec<&mut Field> = fields.into_iter().collect();
    let sep = if page.lang == Locale::Zh { "：" } else { ": " };
    let mut items = Vec::new();
    let mut list = err.errors.clone();
    if list.is_empty()
        && let Some(f) = &err.field
    {
        list.push(FieldError {
            field: f.clone(),
            code: err.code,
            params: err.params.clone(),
        });
    }
    if list.is_empty() {
        // A rule about the whole record; some of them are about one field.
        let text = err.message(page.catalog, page.lang);
        let target = match err.code {
            "uscc_taken" => Some("uscc"),
            "username_taken" => Some("username"),
            "person_exists" => Some("passport_number"),
            "visa_duplicate" => Some("visa_number"),
            _ => None,
        };
        match fields
            .iter_mut()
            .find(|f| target.is_some_and(|t| f.name == t))
        {
            Some(f) => {
                let text = format!("{}{sep}{text}", f.label);
                f.error = text.clone();
                items.push(ErrorItem {
                    href: f.anchor(),
                    text,
                });
            }
            None => items.push(ErrorItem {
                href: fallback.to_string(),
                text,
            }),
        }
        return items;
    }
    for e in list {
        let name = form_name(&e.field);
        match fields.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                let rule = page.catalog.get(
                    page.lang,
                    &format!("error-{}", e.code.replace('_', "-")),
                    &e.params,
                );
                let text = format!("{}{sep}{rule}", f.label);
                if f.error.is_empty() {
                    f.error = text.clone();
                } else {
                    f.error = format!("{} {text}", f.error);
                }
                items.push(ErrorItem {
                    href: f.anchor(),
                    text,
                });
            }
            None => items.push(ErrorItem {
                href: fallback.to_string(),
                text: page.catalog.field_error(page.lang, &e),
            }),
        }
    }
    items
}

/// One step on an application's timeline.
pub struct EventRow {
    pub at: String,
    pub action: String,
    pub by: String,
    pub states: String,
    pub notes: Vec<String>,
}

pub fn timeline(page: &PageCtx, events: &[Event]) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| {
            let to = page.word("state", e.to_state.as_str());
            let states = match e.from_state {
                Some(from) => page.tn(
                    "timeline-states",
                    &[("from", page.word("state", from.as_str())), ("to", to)],
                ),
                None => page.t1("timeline-state", "to", &to),
            };
            let by = match e.actor_role {
                Some(r) => page.tn(
                    "timeline-by-role",
                    &[
                        ("name", e.actor_name.clone()),
                        ("role", page.word("role", r.as_str())),
                    ],
                ),
                None => page.t1("timeline-by", "name", &e.actor_name),
            };
            EventRow {
                at: time(e.at),
                action: page.word("action", &e.action),
                by,
                states,
                notes: e.notes.clone(),
            }
        })
        .collect()
}

/// A permit revision as a row of a table.
pub struct PermitRow {
    pub number: String,
    pub revision: i32,
    pub holder: String,
    pub nationality: String,
    pub passport: String,
    pub category: String,
    pub position: String,
    pub validity: String,
    pub status: Badge,
    pub medium: String,
}

pub fn permit_row(page: &PageCtx, p: &Permit, today: NaiveDate, full_passport: bool) -> PermitRow {
    PermitRow {
        number: p.number.to_string(),
        revision: p.revision,
        holder: p.holder_name.full(),
        nationality: p.nationality.to_string(),
        passport: if full_passport {
            p.passport_number.to_string()
        } else {
            p.passport_number.masked()
        },
        category: p.category.as_str().to_string(),
        position: p.position.to_string(),
        validity: page.tn(
            "validity-range",
            &[("from", date(p.valid_from)), ("to", date(p.valid_to))],
        ),
        status: permit_badge(page, p.status_on(today)),
        medium: page.word("medium", p.medium.as_str()),
    }
}

/// The permit categories as choices.
pub fn category_options(page: &PageCtx) -> Vec<(String, String)> {
    ["A", "B", "C"]
        .into_iter()
        .map(|c| {
            (
                c.to_string(),
                page.t(&format!("category-{}", c.to_lowercase())),
            )
        })
        .collect()
}

/// Puts a "choose" entry first, for selects that start empty.
pub fn with_choose(page: &PageCtx, mut opts: Vec<(String, String)>) -> Vec<(String, String)> {
    opts.insert(0, (String::new(), page.t("select-choose")));
    opts
}

/// The cities as choices, in the page's language.
pub fn city_options(page: &PageCtx) -> Vec<(String, String)> {
    City::all()
        .map(|c| (c.code().to_string(), city_name(page.lang, c)))
        .collect()
}

/// Lines of a textarea, each one item.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// A form for one step of a case (an application, a residence application): the step's code,
/// its anchor, and what it asks.
pub struct ActionForm {
    pub action: &'static str,
    pub id: String,
    pub title: String,
    pub hint: String,
    pub button_class: &'static str,
    pub fields: Vec<Field>,
}

/// The errors of a step that failed, marked on its form's fields (or on the form, or on the
/// list of steps, for an error no field owns).
pub fn action_errors(
    page: &PageCtx,
    err: &HttpError,
    code: &str,
    forms: &mut [ActionForm],
) -> Vec<ErrorItem> {
    let fallback = forms
        .iter()
        .find(|a| a.action == code)
        .map(|a| format!("#{}", a.id))
        .unwrap_or_else(|| "#actions".to_string());
    let fields = forms
        .iter_mut()
        .filter(|a| a.action == code)
        .flat_map(|a| a.fields.iter_mut());
    apply_errors(page, err, fields, &fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_form_fields() {
        assert_eq!(form_name("details.position"), "position");
        assert_eq!(form_name("grant.valid_to"), "valid_to");
        assert_eq!(form_name("items[3]"), "items");
        assert_eq!(form_name("details.change"), "change_what");
        assert_eq!(form_name("surname"), "surname");
        assert_eq!(form_name("residence.requested_months"), "residence_months");
        assert_eq!(form_name("role_at_employer"), "residence_role");
        assert_eq!(form_name("payment.amount"), "amount");
        assert_eq!(form_name("documents[1]"), "documents");
    }

    #[test]
    fn china_time() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(t), "2026-03-02 01:30");
    }

    #[test]
    fn textarea_lines() {
        assert_eq!(lines("a\r\n\n  b \n"), vec!["a", "b"]);
    }
}
