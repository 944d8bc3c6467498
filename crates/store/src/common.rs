//! The repository methods whose SQL both databases understand alike. `impl_tx!` writes them
//! into each backend's `Tx` implementation, beside the methods where the backends differ
//! (commit with the audit chain, counters).

use crate::StoreError;

/// The keyed hash that keeps a passport to one person: of the nationality and the number.
pub(crate) fn passport_hash(key: &crate::DataKey, p: &domain::party::Person) -> Vec<u8> {
    key.index(
        crate::sealing::column::PEOPLE_PASSPORT_HASH,
        &[p.nationality.as_str(), p.passport_number.as_str()],
    )
}

/// Maps a uniqueness violation to `Conflict(what)`, anything else to a database error.
pub(crate) fn unique(e: sqlx::Error, what: &'static str) -> StoreError {
    match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Database(e),
    }
}

pub(crate) const ACCOUNT_COLUMNS: &str = "id, username, display_name, password_hash, role, employer_id, person_id, city, disabled, created_at";
pub(crate) const APPLICATION_COLUMNS: &str = "id, receipt_number, details, state, version, employer_id, person_id, city, \
     permit_number, created_at, submitted_at, decided_at";
pub(crate) const PERMIT_COLUMNS: &str = "id, number, revision, holder_id, employer_id, surname, given_names, nationality, \
     passport_number, category, position, city, valid_from, valid_to, status, status_changed_on, medium, application_id";

/// The account of a live session: `$1` token hash, `$2` now.
pub(crate) const SESSION_ACCOUNT: &str = "SELECT id, username, display_name, password_hash, role, employer_id, person_id, city, disabled, created_at \
     FROM accounts WHERE disabled = FALSE AND id = \
     (SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)";
/// The account of an API token that is not revoked: `$1` token hash.
pub(crate) const API_TOKEN_ACCOUNT: &str = "SELECT id, username, display_name, password_hash, role, employer_id, person_id, city, disabled, created_at \
     FROM accounts WHERE disabled = FALSE AND id = \
     (SELECT account_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL)";

pub(crate) const ASSESSMENT_SELECT: &str = "SELECT application_id, policy_version, pre_review_due, decision_due, profile, facts, result FROM assessments";

pub(crate) const NOTICE_COLUMNS: &str = "n.id, n.recipient_kind, n.recipient_id, n.topic, n.params, n.link, n.dedupe_key, n.created_at, n.read_at";
pub(crate) const DELIVERY_SELECT: &str = "SELECT o.id AS delivery_id, o.channel, o.target, o.attempts, o.next_attempt_at, \
     o.claimed_by, o.claimed_until, o.delivered_at, o.last_error, o.failing, \
     n.id, n.recipient_kind, n.recipient_id, n.topic, n.params, n.link, n.dedupe_key, n.created_at, n.read_at \
     FROM outbox o JOIN notices n ON n.id = o.notice_id";

/// Rows per multi-row statement at most: well under both databases' limits on bound values.
const MAX_ROWS: usize = 64;

/// Splits `items` into runs whose lengths are powers of two (largest first, at most
/// `MAX_ROWS`), so that multi-row statements come in a few shapes that the connections'
/// statement caches keep, rather than one shape per batch size.
pub(crate) fn runs<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let n = items.len().min(MAX_ROWS);
        let n = 1 << (usize::BITS - 1 - n.leading_zeros());
        let (run, rest) = items.split_at(n);
        items = rest;
        Some(run)
    })
}

/// `ids` without repeats, in runs for `IN (…)` lists that are padded to a power of two by
/// repeating their last element (which changes no `IN`), for the same reason as `runs`.
pub(crate) fn in_lists<T: Clone + Eq + std::hash::Hash>(ids: &[T]) -> Vec<Vec<T>> {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<T> = ids
        .iter()
        .filter(|i| seen.insert((*i).clone()))
        .cloned()
        .collect();
    unique
        .chunks(MAX_ROWS)
        .map(|c| {
            let mut v = c.to_vec();
            let last = v[v.len() - 1].clone();
            v.resize(c.len().next_power_of_two(), last);
            v
        })
        .collect()
}

macro_rules! impl_tx {
    ($ty:ty, $db:ty, { $($specific:tt)* }) => {
        /// The account of a live session, on any executor: a transaction or the pool.
        async fn session_account_on<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            token_hash: &[u8],
            now: chrono::DateTime<chrono::Utc>,
        ) -> crate::Result<Option<crate::Account>> {
            let row: Option<crate::rows::AccountRow> = sqlx::query_as(crate::common::SESSION_ACCOUNT)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(e)
                .await?;
            row.map(TryInto::try_into).transpose()
        }

        /// The account of an API token that is not revoked, on any executor.
        async fn api_token_account_on<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            token_hash: &[u8],
        ) -> crate::Result<Option<crate::Account>> {
            let row: Option<crate::rows::AccountRow> = sqlx::query_as(crate::common::API_TOKEN_ACCOUNT)
                .bind(token_hash)
                .fetch_optional(e)
                .await?;
            row.map(TryInto::try_into).transpose()
        }

        #[async_trait::async_trait]
        impl crate::Tx for $ty {
            $($specific)*

            fn audit(&mut self, record: domain::audit::AuditRecord) {
                self.pending_audit.push(record);
            }

            async fn commit(mut self: Box<Self>) -> crate::Result<()> {
                self.append_audit().await?;
                self.tx.commit().await?;
                Ok(())
            }

            async fn insert_account(&mut self, a: &crate::Account) -> crate::Result<()> {
                let s = &a.scope;
                sqlx::query(
                    "INSERT INTO accounts (id, username, display_name, password_hash, role, employer_id, person_id, city, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(a.id.0)
                .bind(&a.username)
                .bind(&a.display_name)
                .bind(&a.password_hash)
                .bind(s.role().as_str())
                .bind(s.employer_id().map(|e| e.0))
                .bind(s.person_id().map(|p| p.0))
                .bind(s.city().map(|c| c.code()))
                .bind(a.disabled)
                .bind(a.created_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "username"))?;
                Ok(())
            }

            async fn account_by_username(&mut self, username: &str) -> crate::Result<Option<crate::Account>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM accounts WHERE username = $1", crate::common::ACCOUNT_COLUMNS));
                let row: Option<crate::rows::AccountRow> = sqlx::query_as(sql).bind(username).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn account(&mut self, id: domain::ids::AccountId) -> crate::Result<Option<crate::Account>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM accounts WHERE id = $1", crate::common::ACCOUNT_COLUMNS));
                let row: Option<crate::rows::AccountRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_accounts(&mut self) -> crate::Result<Vec<crate::Account>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM accounts ORDER BY username", crate::common::ACCOUNT_COLUMNS));
                let rows: Vec<crate::rows::AccountRow> = sqlx::query_as(sql).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_session(&mut self, s: &crate::Session) -> crate::Result<()> {
                sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(&s.token_hash)
                    .bind(s.account_id.0)
                    .bind(s.created_at)
                    .bind(s.expires_at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn session_account(
                &mut self,
                token_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<Option<crate::Account>> {
                session_account_on(&mut *self.tx, token_hash, now).await
            }

            async fn delete_session(&mut self, token_hash: &[u8]) -> crate::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *self.tx).await?;
                Ok(())
            }

            async fn delete_expired_sessions(&mut self, now: chrono::DateTime<chrono::Utc>) -> crate::Result<u64> {
                let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *self.tx).await?;
                Ok(r.rows_affected())
            }

            async fn insert_api_token(&mut self, t: &crate::ApiToken) -> crate::Result<()> {
                sqlx::query("INSERT INTO api_tokens (token_hash, account_id, name, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&t.token_hash)
                    .bind(t.account_id.0)
                    .bind(&t.name)
                    .bind(t.created_at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn api_token_account(&mut self, token_hash: &[u8]) -> crate::Result<Option<crate::Account>> {
                api_token_account_on(&mut *self.tx, token_hash).await
            }

            async fn insert_employer(&mut self, e: &domain::party::Employer, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                sqlx::query("INSERT INTO employers (id, name, uscc, city, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(e.id.0)
                    .bind(e.name.as_str())
                    .bind(e.uscc.as_str())
                    .bind(e.city.code())
                    .bind(e.kind.as_str())
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| crate::common::unique(e, "uscc"))?;
                Ok(())
            }

            async fn employer(&mut self, id: domain::ids::EmployerId) -> crate::Result<Option<domain::party::Employer>> {
                let row: Option<crate::rows::EmployerRow> =
                    sqlx::query_as("SELECT id, name, uscc, city, kind FROM employers WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn employers(&mut self, ids: &[domain::ids::EmployerId]) -> crate::Result<Vec<domain::party::Employer>> {
                let mut out = Vec::with_capacity(ids.len());
                for list in crate::common::in_lists(ids) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("SELECT id, name, uscc, city, kind FROM employers WHERE id IN (");
                    let mut sep = q.separated(", ");
                    for id in &list {
                        sep.push_bind(id.0);
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::EmployerRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push(row.try_into()?);
                    }
                }
                Ok(out)
            }

            async fn list_employers(&mut self, city: Option<domain::city::City>) -> crate::Result<Vec<domain::party::Employer>> {
                let rows: Vec<crate::rows::EmployerRow> = sqlx::query_as(
                    "SELECT id, name, uscc, city, kind FROM employers WHERE ($1 = '' OR city = $1) ORDER BY name",
                )
                .bind(city.map(|c| c.code()).unwrap_or(""))
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_person(&mut self, p: &domain::party::Person, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO people (id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone, created_at, passport_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(p.id.0)
                .bind(p.employer_id.0)
                .bind(p.name.surname.as_str())
                .bind(p.name.given_names.as_ref().map(|g| g.as_str()))
                .bind(p.nationality.as_str())
                .bind(self.key.seal(crate::sealing::column::PEOPLE_PASSPORT, p.id.0, p.passport_number.as_str()))
                .bind(p.date_of_birth)
                .bind(p.sex.as_str())
                .bind(p.email.as_str())
                .bind(p.phone.as_ref().map(|p| p.as_str()))
                .bind(at)
                .bind(crate::common::passport_hash(&self.key, p))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "passport_number"))?;
                Ok(())
            }

            async fn update_person(&mut self, p: &domain::party::Person) -> crate::Result<()> {
                sqlx::query(
                    "UPDATE people SET employer_id = $2, surname = $3, given_names = $4, nationality = $5, passport_number = $6, \
                     date_of_birth = $7, sex = $8, email = $9, phone = $10, passport_hash = $11 WHERE id = $1",
                )
                .bind(p.id.0)
                .bind(p.employer_id.0)
                .bind(p.name.surname.as_str())
                .bind(p.name.given_names.as_ref().map(|g| g.as_str()))
                .bind(p.nationality.as_str())
                .bind(self.key.seal(crate::sealing::column::PEOPLE_PASSPORT, p.id.0, p.passport_number.as_str()))
                .bind(p.date_of_birth)
                .bind(p.sex.as_str())
                .bind(p.email.as_str())
                .bind(p.phone.as_ref().map(|p| p.as_str()))
                .bind(crate::common::passport_hash(&self.key, p))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "passport_number"))?;
                Ok(())
            }

            async fn person(&mut self, id: domain::ids::PersonId) -> crate::Result<Option<domain::party::Person>> {
                let row: Option<crate::rows::PersonRow> = sqlx::query_as(
                    "SELECT id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone \
                     FROM people WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn people(&mut self, ids: &[domain::ids::PersonId]) -> crate::Result<Vec<domain::party::Person>> {
                let mut out = Vec::with_capacity(ids.len());
                for list in crate::common::in_lists(ids) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone \
                         FROM people WHERE id IN (",
                    );
                    let mut sep = q.separated(", ");
                    for id in &list {
                        sep.push_bind(id.0);
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::PersonRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push(row.open(&self.key)?);
                    }
                }
                Ok(out)
            }

            async fn list_people(&mut self, employer_id: domain::ids::EmployerId) -> crate::Result<Vec<domain::party::Person>> {
                let rows: Vec<crate::rows::PersonRow> = sqlx::query_as(
                    "SELECT id, employer_id, surname, given_names, nationality, passport_number, date_of_birth, sex, email, phone \
                     FROM people WHERE employer_id = $1 ORDER BY surname, given_names",
                )
                .bind(employer_id.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn insert_applications(&mut self, apps: &[domain::application::Application]) -> crate::Result<()> {
                for run in crate::common::runs(apps) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO applications (id, receipt_number, kind, details, state, version, employer_id, person_id, city, \
                         permit_number, created_at, submitted_at, decided_at) ",
                    );
                    let key = self.key.clone();
                    q.push_values(run, |mut b, a| {
                        b.push_bind(a.id.0)
                            .push_bind(a.receipt_number.as_str())
                            .push_bind(a.kind().as_str())
                            .push_bind(key.seal_json_text(crate::sealing::column::APPLICATIONS_DETAILS, a.id.0, &a.details))
                            .push_bind(a.state.as_str())
                            .push_bind(a.version)
                            .push_bind(a.employer_id.0)
                            .push_bind(a.person_id.0)
                            .push_bind(a.city.code())
                            .push_bind(a.permit_number.as_ref().map(|p| p.as_str()))
                            .push_bind(a.created_at)
                            .push_bind(a.submitted_at)
                            .push_bind(a.decided_at);
                    });
                    q.build()
                        .execute(&mut *self.tx)
                        .await
                        .map_err(|e| crate::common::unique(e, "receipt_number"))?;
                }
                Ok(())
            }

            async fn update_application(&mut self, a: &domain::application::Application, seen: i64) -> crate::Result<bool> {
                let r = sqlx::query(
                    "UPDATE applications SET state = $3, version = version + 1, permit_number = $4, submitted_at = $5, decided_at = $6, details = $7 \
                     WHERE id = $1 AND version = $2",
                )
                .bind(a.id.0)
                .bind(seen)
                .bind(a.state.as_str())
                .bind(a.permit_number.as_ref().map(|p| p.as_str()))
                .bind(a.submitted_at)
                .bind(a.decided_at)
                .bind(self.key.seal_json_text(crate::sealing::column::APPLICATIONS_DETAILS, a.id.0, &a.details))
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn application(&mut self, id: domain::ids::ApplicationId) -> crate::Result<Option<domain::application::Application>> {
                let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM applications WHERE id = $1", crate::common::APPLICATION_COLUMNS));
                let row: Option<crate::rows::ApplicationRow> = sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn list_applications(&mut self, f: &crate::ApplicationFilter) -> crate::Result<Vec<domain::application::Application>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM applications WHERE 1 = 1",
                    crate::common::APPLICATION_COLUMNS
                ));
                if let Some(e) = f.employer_id {
                    q.push(" AND employer_id = ").push_bind(e.0);
                }
                if let Some(p) = f.person_id {
                    q.push(" AND person_id = ").push_bind(p.0);
                }
                if let Some(c) = f.city {
                    q.push(" AND city = ").push_bind(c.code());
                }
                if !f.states.is_empty() {
                    q.push(" AND state IN (");
                    let mut sep = q.separated(", ");
                    for s in &f.states {
                        sep.push_bind(s.as_str());
                    }
                    q.push(")");
                }
                q.push(if f.by_deadline {
                    " ORDER BY (SELECT CASE WHEN applications.state = 'submitted' THEN s.pre_review_due ELSE s.decision_due END \
                       FROM assessments s WHERE s.application_id = applications.id) ASC NULLS LAST, \
                       submitted_at ASC NULLS LAST, id ASC"
                } else {
                    " ORDER BY created_at DESC, id DESC"
                });
                q.push(" LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows: Vec<crate::rows::ApplicationRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn insert_events(&mut self, events: &[crate::Event]) -> crate::Result<()> {
                for run in crate::common::runs(events) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO application_events (id, application_id, at, actor_id, actor_name, actor_role, action, from_state, to_state, notes) ",
                    );
                    q.push_values(run, |mut b, e| {
                        b.push_bind(e.id.0)
                            .push_bind(e.application_id.0)
                            .push_bind(e.at)
                            .push_bind(e.actor_id.map(|a| a.0))
                            .push_bind(&e.actor_name)
                            .push_bind(e.actor_role.map(|r| r.as_str()))
                            .push_bind(&e.action)
                            .push_bind(e.from_state.map(|s| s.as_str()))
                            .push_bind(e.to_state.as_str())
                            .push_bind(serde_json::to_string(&e.notes).expect("serialisable"));
                    });
                    q.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn events(&mut self, application_id: domain::ids::ApplicationId) -> crate::Result<Vec<crate::Event>> {
                let rows: Vec<crate::rows::EventRow> = sqlx::query_as(
                    "SELECT id, application_id, at, actor_id, actor_name, actor_role, action, from_state, to_state, notes \
                     FROM application_events WHERE application_id = $1 ORDER BY at, id",
                )
                .bind(application_id.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_permit(&mut self, p: &domain::permit::Permit, at: chrono::DateTime<chrono::Utc>) -> crate::Result<()> {
                // Every revision takes the next entry of the status list; the counter starts at 1.
                let status_idx = self.next_serial("status_index").await? as i64 - 1;
                sqlx::query(
                    "INSERT INTO permits (id, number, revision, holder_id, employer_id, surname, given_names, nationality, passport_number, \
                     category, position, city, valid_from, valid_to, status, status_changed_on, medium, application_id, created_at, status_idx) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
                )
                .bind(p.id.0)
                .bind(p.number.as_str())
                .bind(p.revision)
                .bind(p.holder_id.0)
                .bind(p.employer_id.0)
                .bind(p.holder_name.surname.as_str())
                .bind(p.holder_name.given_names.as_ref().map(|g| g.as_str()))
                .bind(p.nationality.as_str())
                .bind(self.key.seal(crate::sealing::column::PERMITS_PASSPORT, p.id.0, p.passport_number.as_str()))
                .bind(p.category.as_str())
                .bind(p.position.as_str())
                .bind(p.city.code())
                .bind(p.valid_from)
                .bind(p.valid_to)
                .bind(p.status.as_str())
                .bind(p.status_changed_on)
                .bind(p.medium.as_str())
                .bind(p.application_id.map(|a| a.0))
                .bind(at)
                .bind(status_idx)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "permit_revision"))?;
                Ok(())
            }

            async fn set_permit_status(
                &mut self,
                id: domain::ids::PermitId,
                status: domain::permit::PermitStatus,
                on: chrono::NaiveDate,
            ) -> crate::Result<()> {
                sqlx::query("UPDATE permits SET status = $2, status_changed_on = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(status.as_str())
                    .bind(on)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn permit(&mut self, number: &domain::numbers::PermitNumber) -> crate::Result<Option<domain::permit::Permit>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM permits WHERE number = $1 ORDER BY revision DESC LIMIT 1",
                    crate::common::PERMIT_COLUMNS
                ));
                let row: Option<crate::rows::PermitRow> = sqlx::query_as(sql).bind(number.as_str()).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn permit_revisions(&mut self, number: &domain::numbers::PermitNumber) -> crate::Result<Vec<domain::permit::Permit>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM permits WHERE number = $1 ORDER BY revision",
                    crate::common::PERMIT_COLUMNS
                ));
                let rows: Vec<crate::rows::PermitRow> = sqlx::query_as(sql).bind(number.as_str()).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn list_permits(&mut self, f: &crate::PermitFilter) -> crate::Result<Vec<domain::permit::Permit>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM permits p WHERE revision = (SELECT MAX(revision) FROM permits q WHERE q.number = p.number)",
                    crate::common::PERMIT_COLUMNS
                ));
                if let Some(h) = f.holder_id {
                    q.push(" AND holder_id = ").push_bind(h.0);
                }
                if let Some(e) = f.employer_id {
                    q.push(" AND employer_id = ").push_bind(e.0);
                }
                if let Some(c) = f.city {
                    q.push(" AND city = ").push_bind(c.code());
                }
                q.push(" ORDER BY number LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows: Vec<crate::rows::PermitRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn idempotent_responses(
                &mut self,
                keys: &[crate::IdempotencyKey],
            ) -> crate::Result<Vec<(crate::IdempotencyKey, crate::StoredResponse)>> {
                let mut out = Vec::new();
                for list in crate::common::in_lists(keys) {
                    // Pairs joined by OR, which both databases answer with one primary-key
                    // look-up each. Row values `(account_id, key) IN (…)` are read by SQLite as a
                    // scan of the table and by PostgreSQL as a scan of all the account's keys.
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT account_id, key, request_hash, status, body FROM idempotency_keys WHERE (",
                    );
                    let mut sep = q.separated(" OR ");
                    for k in &list {
                        sep.push("(account_id = ").push_bind_unseparated(k.account.0);
                        sep.push_unseparated(" AND key = ").push_bind_unseparated(k.key.as_str()).push_unseparated(")");
                    }
                    q.push(")");
                    let rows: Vec<(uuid::Uuid, String, Vec<u8>, i32, String)> =
                        q.build_query_as().fetch_all(&mut *self.tx).await?;
                    out.extend(rows.into_iter().map(|(account, key, request_hash, status, body)| {
                        (
                            crate::IdempotencyKey { account: domain::ids::AccountId(account), key },
                            crate::StoredResponse { request_hash, status: status as u16, body },
                        )
                    }));
                }
                Ok(out)
            }

            async fn store_idempotent_responses(
                &mut self,
                responses: &[(crate::IdempotencyKey, crate::StoredResponse)],
                at: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<()> {
                for run in crate::common::runs(responses) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO idempotency_keys (account_id, key, request_hash, status, body, created_at) ",
                    );
                    q.push_values(run, |mut b, (k, r)| {
                        b.push_bind(k.account.0)
                            .push_bind(k.key.as_str())
                            .push_bind(&r.request_hash)
                            .push_bind(r.status as i32)
                            .push_bind(&r.body)
                            .push_bind(at);
                    });
                    q.build()
                        .execute(&mut *self.tx)
                        .await
                        .map_err(|e| crate::common::unique(e, "idempotency_key"))?;
                }
                Ok(())
            }

            async fn upsert_assessments(&mut self, records: &[crate::AssessmentRecord]) -> crate::Result<()> {
                for run in crate::common::runs(records) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO assessments (application_id, policy_version, pre_review_due, decision_due, category, eligible, \
                         profile, facts, result) ",
                    );
                    q.push_values(run, |mut b, r| {
                        b.push_bind(r.application_id.0)
                            .push_bind(r.policy_version.as_deref())
                            .push_bind(r.pre_review_due)
                            .push_bind(r.decision_due)
                            .push_bind(r.result.as_ref().map(|a| a.category.as_str()))
                            .push_bind(r.result.as_ref().map(|a| a.eligible()))
                            .push_bind(r.profile.as_ref().map(|p| serde_json::to_string(p).expect("serialisable")))
                            .push_bind(r.facts.as_ref().map(|f| serde_json::to_string(f).expect("serialisable")))
                            .push_bind(r.result.as_ref().map(|a| serde_json::to_string(a).expect("serialisable")));
                    });
                    q.push(
                        " ON CONFLICT (application_id) DO UPDATE SET policy_version = excluded.policy_version, \
                         pre_review_due = excluded.pre_review_due, decision_due = excluded.decision_due, \
                         category = excluded.category, eligible = excluded.eligible, profile = excluded.profile, \
                         facts = excluded.facts, result = excluded.result",
                    );
                    q.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn assessments(&mut self, ids: &[domain::ids::ApplicationId]) -> crate::Result<Vec<crate::AssessmentRecord>> {
                let mut out = Vec::new();
                for list in crate::common::in_lists(ids) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(crate::common::ASSESSMENT_SELECT);
                    q.push(" WHERE application_id IN (");
                    let mut sep = q.separated(", ");
                    for id in &list {
                        sep.push_bind(id.0);
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::AssessmentRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push(row.try_into()?);
                    }
                }
                Ok(out)
            }

            async fn assessed_after(
                &mut self,
                after: Option<domain::ids::ApplicationId>,
                limit: i64,
            ) -> crate::Result<Vec<crate::Assessed>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT s.application_id, a.receipt_number, s.policy_version, s.facts, s.category, s.eligible \
                     FROM assessments s JOIN applications a ON a.id = s.application_id \
                     WHERE s.result IS NOT NULL",
                );
                if let Some(a) = after {
                    q.push(" AND s.application_id > ").push_bind(a.0);
                }
                q.push(" ORDER BY s.application_id LIMIT ").push_bind(limit);
                let rows: Vec<crate::rows::AssessedRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_register_checks(
                &mut self,
                checks: &[(domain::ids::ApplicationId, domain::registers::Evidence)],
            ) -> crate::Result<()> {
                for run in crate::common::runs(checks) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO register_checks (application_id, document, fact, register, asked_at, answered_at, \
                         outcome, reason, reference, as_of, answer) ",
                    );
                    let key = self.key.clone();
                    q.push_values(run, |mut b, (id, e)| {
                        let answer = if e.answer.is_empty() {
                            String::new()
                        } else {
                            key.seal(crate::sealing::column::REGISTER_CHECKS_ANSWER, id.0, &e.answer)
                        };
                        let (reference, as_of) = match &e.outcome {
                            domain::registers::Outcome::Confirmed { reference, as_of } => (Some(reference.as_str()), Some(*as_of)),
                            _ => (None, None),
                        };
                        b.push_bind(id.0)
                            .push_bind(e.document.as_str())
                            .push_bind(e.fact.as_str())
                            .push_bind(e.register.as_str())
                            .push_bind(e.asked_at)
                            .push_bind(e.answered_at)
                            .push_bind(e.outcome.as_str())
                            .push_bind(e.outcome.reason())
                            .push_bind(reference)
                            .push_bind(as_of)
                            .push_bind(answer);
                    });
                    q.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn register_checks(
                &mut self,
                application_id: domain::ids::ApplicationId,
            ) -> crate::Result<Vec<domain::registers::Evidence>> {
                let rows: Vec<crate::rows::RegisterCheckRow> = sqlx::query_as(
                    "SELECT document, fact, register, asked_at, answered_at, outcome, reason, reference, as_of, answer \
                     FROM register_checks WHERE application_id = $1 ORDER BY seq",
                )
                .bind(application_id.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(|r| r.open(&self.key, application_id.0)).collect()
            }

            async fn insert_issuer_key(&mut self, k: &crate::StoredIssuerKey) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO issuer_keys (kid, role, public_key, sealed_seed, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&k.kid)
                .bind(k.role.as_str())
                .bind(&k.public_key)
                .bind(&k.sealed_seed)
                .bind(k.created_at)
                .bind(k.retired_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "issuer_key"))?;
                Ok(())
            }

            async fn issuer_keys(&mut self) -> crate::Result<Vec<crate::StoredIssuerKey>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(Vec<u8>, String, Vec<u8>, Vec<u8>, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>)> =
                    sqlx::query_as(
                        "SELECT kid, role, public_key, sealed_seed, created_at, retired_at FROM issuer_keys ORDER BY created_at, kid",
                    )
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter()
                    .map(|(kid, role, public_key, sealed_seed, created_at, retired_at)| {
                        Ok(crate::StoredIssuerKey {
                            kid,
                            role: crate::KeyRole::parse(&role)
                                .ok_or_else(|| crate::StoreError::Corrupt(format!("issuer key role: {role}")))?,
                            public_key,
                            sealed_seed,
                            created_at,
                            retired_at,
                        })
                    })
                    .collect()
            }

            async fn retire_issuer_key(&mut self, kid: &[u8], at: chrono::DateTime<chrono::Utc>) -> crate::Result<bool> {
                let r = sqlx::query("UPDATE issuer_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL")
                    .bind(kid)
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn set_permit_medium(&mut self, id: domain::ids::PermitId, medium: domain::permit::Medium) -> crate::Result<()> {
                sqlx::query("UPDATE permits SET medium = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(medium.as_str())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn status_index(&mut self, permit: domain::ids::PermitId) -> crate::Result<Option<u64>> {
                let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT status_idx FROM permits WHERE id = $1")
                    .bind(permit.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(row.and_then(|(i,)| i).map(|i| i as u64))
            }

            async fn permit_at_status_index(&mut self, idx: u64) -> crate::Result<Option<domain::permit::Permit>> {
                let Ok(idx) = i64::try_from(idx) else {
                    return Ok(None);
                };
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM permits WHERE status_idx = $1",
                    crate::common::PERMIT_COLUMNS
                ));
                let row: Option<crate::rows::PermitRow> = sqlx::query_as(sql).bind(idx).fetch_optional(&mut *self.tx).await?;
                row.map(|r| r.open(&self.key)).transpose()
            }

            async fn permits_at_status_indexes(&mut self, idx: &[u64]) -> crate::Result<Vec<(u64, domain::permit::Permit)>> {
                let wanted: Vec<i64> = idx.iter().filter_map(|i| i64::try_from(*i).ok()).collect();
                let mut out = Vec::with_capacity(wanted.len());
                for list in crate::common::in_lists(&wanted) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT status_idx, {} FROM permits WHERE status_idx IN (",
                        crate::common::PERMIT_COLUMNS
                    ));
                    let mut sep = q.separated(", ");
                    for i in &list {
                        sep.push_bind(*i);
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::IndexedPermitRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for row in rows {
                        out.push((row.status_idx as u64, row.permit.open(&self.key)?));
                    }
                }
                Ok(out)
            }

            async fn status_entries(
                &mut self,
                from: u64,
                to: u64,
                today: chrono::NaiveDate,
            ) -> crate::Result<Vec<crate::StatusEntry>> {
                let clamp = |i: u64| i64::try_from(i).unwrap_or(i64::MAX);
                let rows: Vec<(i64, String, chrono::NaiveDate)> = sqlx::query_as(
                    "SELECT status_idx, status, valid_to FROM permits \
                     WHERE status_idx >= $1 AND status_idx < $2 AND (status <> 'valid' OR valid_to < $3) \
                     ORDER BY status_idx",
                )
                .bind(clamp(from))
                .bind(clamp(to))
                .bind(today)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter()
                    .map(|(idx, status, valid_to)| {
                        let status = domain::permit::PermitStatus::from_code(&status)
                            .ok_or_else(|| crate::StoreError::Corrupt(format!("permit status: {status}")))?;
                        let status = match status {
                            domain::permit::PermitStatus::Valid if today > valid_to => domain::permit::PermitStatus::Expired,
                            s => s,
                        };
                        Ok(crate::StatusEntry { idx: idx as u64, status })
                    })
                    .collect()
            }

            async fn status_index_end(&mut self) -> crate::Result<u64> {
                let (end,): (Option<i64>,) = sqlx::query_as("SELECT MAX(status_idx) + 1 FROM permits")
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(end.unwrap_or(0) as u64)
            }

            async fn use_tokens(&mut self, tokens: &[(Vec<u8>, i64)]) -> crate::Result<Vec<bool>> {
                // A token repeated within the batch is inserted once and refused after.
                let mut seen = std::collections::HashSet::new();
                let firsts: Vec<&(Vec<u8>, i64)> = tokens.iter().filter(|t| seen.insert(*t)).collect();
                let mut fresh = std::collections::HashSet::new();
                for run in crate::common::runs(&firsts) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO used_tokens (cti, expires_at) ");
                    q.push_values(run, |mut b, (cti, exp)| {
                        b.push_bind(cti.as_slice()).push_bind(*exp);
                    });
                    q.push(" ON CONFLICT (expires_at, cti) DO NOTHING RETURNING cti, expires_at");
                    let rows: Vec<(Vec<u8>, i64)> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    fresh.extend(rows);
                }
                Ok(tokens.iter().map(|t| fresh.remove(t)).collect())
            }

            async fn purge_used_tokens(&mut self, now: i64) -> crate::Result<u64> {
                let r = sqlx::query("DELETE FROM used_tokens WHERE expires_at < $1")
                    .bind(now)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(r.rows_affected())
            }

            async fn insert_card_registration(&mut self, r: &crate::CardRegistration) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO card_registrations (account_id, person_id, registered_at, real_name_checked_at, failed_checks) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(r.account_id.0)
                .bind(r.person_id.0)
                .bind(r.registered_at)
                .bind(r.real_name_checked_at)
                .bind(r.failed_checks)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "card_registration"))?;
                Ok(())
            }

            async fn card_registration(&mut self, account: domain::ids::AccountId) -> crate::Result<Option<crate::CardRegistration>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(uuid::Uuid, uuid::Uuid, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>, i32)> =
                    sqlx::query_as(
                        "SELECT account_id, person_id, registered_at, real_name_checked_at, failed_checks \
                         FROM card_registrations WHERE account_id = $1",
                    )
                    .bind(account.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(row.map(|(a, p, registered_at, real_name_checked_at, failed_checks)| crate::CardRegistration {
                    account_id: domain::ids::AccountId(a),
                    person_id: domain::ids::PersonId(p),
                    registered_at,
                    real_name_checked_at,
                    failed_checks,
                }))
            }

            async fn card_registration_of(&mut self, person: domain::ids::PersonId) -> crate::Result<Option<crate::CardRegistration>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(uuid::Uuid, uuid::Uuid, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>, i32)> =
                    sqlx::query_as(
                        "SELECT account_id, person_id, registered_at, real_name_checked_at, failed_checks \
                         FROM card_registrations WHERE person_id = $1",
                    )
                    .bind(person.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(row.map(|(a, p, registered_at, real_name_checked_at, failed_checks)| crate::CardRegistration {
                    account_id: domain::ids::AccountId(a),
                    person_id: domain::ids::PersonId(p),
                    registered_at,
                    real_name_checked_at,
                    failed_checks,
                }))
            }

            async fn update_card_registration(&mut self, r: &crate::CardRegistration) -> crate::Result<()> {
                sqlx::query(
                    "UPDATE card_registrations SET real_name_checked_at = $2, failed_checks = $3 WHERE account_id = $1",
                )
                .bind(r.account_id.0)
                .bind(r.real_name_checked_at)
                .bind(r.failed_checks)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn insert_policy(&mut self, p: &crate::StoredPolicy) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO policies (version, effective_from, file_name, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&p.version)
                .bind(p.effective_from)
                .bind(&p.file_name)
                .bind(&p.source)
                .bind(p.loaded_at)
                .bind(p.loaded_by.map(|a| a.0))
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::common::unique(e, "policy_version"))?;
                Ok(())
            }

            async fn policies(&mut self) -> crate::Result<Vec<crate::StoredPolicy>> {
                let rows: Vec<(String, chrono::NaiveDate, String, String, chrono::DateTime<chrono::Utc>, Option<uuid::Uuid>)> =
                    sqlx::query_as(
                        "SELECT version, effective_from, file_name, source, loaded_at, loaded_by FROM policies ORDER BY effective_from, version",
                    )
                    .fetch_all(&mut *self.tx)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(version, effective_from, file_name, source, loaded_at, loaded_by)| crate::StoredPolicy {
                        version,
                        effective_from,
                        file_name,
                        source,
                        loaded_at,
                        loaded_by: loaded_by.map(domain::ids::AccountId),
                    })
                    .collect())
            }

            async fn insert_notice(&mut self, n: &crate::StoredNotice, deliveries: &[crate::NewDelivery]) -> crate::Result<bool> {
                let params = serde_json::to_string(&self.key.seal_pairs(crate::sealing::column::NOTICES_PARAMS, n.id.0, &n.params))
                    .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                let inserted: Option<(uuid::Uuid,)> = sqlx::query_as(
                    "INSERT INTO notices (id, recipient_kind, recipient_id, topic, params, link, dedupe_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (recipient_kind, recipient_id, dedupe_key) DO NOTHING RETURNING id",
                )
                .bind(n.id.0)
                .bind(n.recipient.kind())
                .bind(n.recipient.id())
                .bind(n.topic.as_str())
                .bind(params)
                .bind(n.link.as_ref().map(|l| l.as_str()))
                .bind(n.dedupe_key.as_deref())
                .bind(n.created_at)
                .fetch_optional(&mut *self.tx)
                .await?;
                if inserted.is_none() {
                    return Ok(false);
                }
                for run in crate::common::runs(deliveries) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO outbox (id, notice_id, channel, target, next_attempt_at, created_at) ",
                    );
                    q.push_values(run, |mut b, d| {
                        b.push_bind(d.id.0)
                            .push_bind(n.id.0)
                            .push_bind(d.channel.as_str())
                            .push_bind(d.target.clone())
                            .push_bind(n.created_at)
                            .push_bind(n.created_at);
                    });
                    q.build().execute(&mut *self.tx).await?;
                }
                Ok(true)
            }

            async fn notices(&mut self, recipient: domain::notice::Recipient, limit: i64) -> crate::Result<Vec<crate::StoredNotice>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM notices n WHERE n.recipient_kind = $1 AND n.recipient_id = $2 \
                     ORDER BY CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, n.created_at DESC, n.id DESC LIMIT $3",
                    crate::common::NOTICE_COLUMNS
                ));
                let rows: Vec<crate::rows::NoticeRow> = sqlx::query_as(sql)
                    .bind(recipient.kind())
                    .bind(recipient.id())
                    .bind(limit)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn unread_notices(&mut self, recipient: domain::notice::Recipient) -> crate::Result<i64> {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM notices WHERE recipient_kind = $1 AND recipient_id = $2 AND read_at IS NULL",
                )
                .bind(recipient.kind())
                .bind(recipient.id())
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(n)
            }

            async fn backlog(&mut self) -> crate::Result<crate::Backlog> {
                let mut b = crate::Backlog::default();
                for (queue, sql) in [
                    ("applications", "SELECT state, COUNT(*) FROM applications WHERE state NOT IN ('approved', 'refused', 'withdrawn', 'draft') GROUP BY state"),
                    ("residence_applications", "SELECT state, COUNT(*) FROM residence_applications WHERE state NOT IN ('approved', 'refused', 'withdrawn') GROUP BY state"),
                    ("insurances", "SELECT state, COUNT(*) FROM insurances WHERE state = 'requested' GROUP BY state"),
                    ("claims", "SELECT state, COUNT(*) FROM benefit_claims WHERE state = 'submitted' GROUP BY state"),
                ] {
                    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(&mut *self.tx).await?;
                    b.queues.extend(rows.into_iter().map(|(state, n)| (queue, state, n)));
                }
                let (pending, failing): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), COUNT(CASE WHEN failing THEN 1 END) FROM outbox WHERE delivered_at IS NULL",
                )
                .fetch_one(&mut *self.tx)
                .await?;
                let oldest: Option<(chrono::DateTime<chrono::Utc>,)> = sqlx::query_as(
                    "SELECT created_at FROM outbox WHERE delivered_at IS NULL ORDER BY created_at LIMIT 1",
                )
                .fetch_optional(&mut *self.tx)
                .await?;
                b.outbox_pending = pending;
                b.outbox_failing = failing;
                b.outbox_oldest = oldest.map(|(t,)| t);
                Ok(b)
            }

            async fn mark_notice_read(
                &mut self,
                recipient: domain::notice::Recipient,
                id: domain::ids::NoticeId,
                at: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<bool> {
                let r = sqlx::query(
                    "UPDATE notices SET read_at = COALESCE(read_at, $4) \
                     WHERE id = $1 AND recipient_kind = $2 AND recipient_id = $3",
                )
                .bind(id.0)
                .bind(recipient.kind())
                .bind(recipient.id())
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn claim_deliveries(
                &mut self,
                worker: &str,
                now: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> crate::Result<Vec<crate::Delivery>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN \
                     (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $3 \
                      AND (claimed_until IS NULL OR claimed_until <= $3) \
                      ORDER BY next_attempt_at, id LIMIT $4{}) RETURNING id",
                    Self::CLAIM_LOCK
                ));
                let ids: Vec<(uuid::Uuid,)> = sqlx::query_as(sql)
                    .bind(worker)
                    .bind(lease_until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut *self.tx)
                    .await?;
                let ids: Vec<uuid::Uuid> = ids.into_iter().map(|(i,)| i).collect();
                let mut out: Vec<crate::Delivery> = Vec::with_capacity(ids.len());
                for list in crate::common::in_lists(&ids) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(crate::common::DELIVERY_SELECT);
                    q.push(" WHERE o.id IN (");
                    let mut sep = q.separated(", ");
                    for i in &list {
                        sep.push_bind(*i);
                    }
                    q.push(")");
                    let rows: Vec<crate::rows::DeliveryRow> = q.build_query_as().fetch_all(&mut *self.tx).await?;
                    for r in rows {
                        out.push(r.open(&self.key)?);
                    }
                }
                out.sort_by(|a, b| (a.next_attempt_at, a.id).cmp(&(b.next_attempt_at, b.id)));
                Ok(out)
            }

            async fn delivery_done(
                &mut self,
                id: domain::ids::DeliveryId,
                worker: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> crate::Result<bool> {
                let r = sqlx::query(
                    "UPDATE outbox SET delivered_at = $3, attempts = attempts + 1, claimed_by = NULL, \
                     claimed_until = NULL, last_error = NULL, failing = FALSE \
                     WHERE id = $1 AND claimed_by = $2 AND delivered_at IS NULL",
                )
                .bind(id.0)
                .bind(worker)
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn release_deliveries(&mut self, worker: &str) -> crate::Result<u64> {
                let r = sqlx::query(
                    "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL \
                     WHERE claimed_by = $1 AND delivered_at IS NULL",
                )
                .bind(worker)
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected())
            }

            async fn delivery_failed(
                &mut self,
                id: domain::ids::DeliveryId,
                worker: &str,
                next_attempt_at: chrono::DateTime<chrono::Utc>,
                error: &str,
                failing: bool,
            ) -> crate::Result<bool> {
                let r = sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4, \
                     failing = $5, claimed_by = NULL, claimed_until = NULL \
                     WHERE id = $1 AND claimed_by = $2 AND delivered_at IS NULL",
                )
                .bind(id.0)
                .bind(worker)
                .bind(next_attempt_at)
                .bind(error)
                .bind(failing)
                .execute(&mut *self.tx)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn deliveries_of(&mut self, notice: domain::ids::NoticeId) -> crate::Result<Vec<crate::Delivery>> {
                let sql = sqlx::AssertSqlSafe(format!("{} WHERE o.notice_id = $1 ORDER BY o.channel, o.id", crate::common::DELIVERY_SELECT));
                let rows: Vec<crate::rows::DeliveryRow> = sqlx::query_as(sql).bind(notice.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn failing_deliveries(&mut self, limit: i64) -> crate::Result<Vec<crate::Delivery>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "{} WHERE o.failing = TRUE AND o.delivered_at IS NULL ORDER BY o.created_at, o.id LIMIT $1",
                    crate::common::DELIVERY_SELECT
                ));
                let rows: Vec<crate::rows::DeliveryRow> = sqlx::query_as(sql).bind(limit).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn notification_settings(
                &mut self,
                employer: domain::ids::EmployerId,
            ) -> crate::Result<Option<crate::NotificationSettings>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(Option<String>, Option<String>, Option<Vec<u8>>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT contact_email, webhook_url, webhook_secret_sealed, updated_at \
                     FROM employer_notification_settings WHERE employer_id = $1",
                )
                .bind(employer.0)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(row.map(|(email, url, secret, updated_at)| crate::NotificationSettings {
                    employer_id: employer,
                    contact_email: email.map(domain::values::Email::from_trusted),
                    webhook_url: url,
                    webhook_secret_sealed: secret,
                    updated_at,
                }))
            }

            async fn upsert_notification_settings(&mut self, s: &crate::NotificationSettings) -> crate::Result<()> {
                sqlx::query(
                    "INSERT INTO employer_notification_settings \
                     (employer_id, contact_email, webhook_url, webhook_secret_sealed, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (employer_id) DO UPDATE SET \
                     contact_email = $2, webhook_url = $3, webhook_secret_sealed = $4, updated_at = $5",
                )
                .bind(s.employer_id.0)
                .bind(s.contact_email.as_ref().map(|e| e.as_str()))
                .bind(s.webhook_url.as_deref())
                .bind(s.webhook_secret_sealed.as_deref())
                .bind(s.updated_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn permits_expiring(
                &mut self,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
                limit: i64,
            ) -> crate::Result<Vec<domain::permit::Permit>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM permits WHERE status = 'valid' AND valid_to >= $1 AND valid_to <= $2 \
                     ORDER BY valid_to, number LIMIT $3",
                    crate::common::PERMIT_COLUMNS
                ));
                let rows: Vec<crate::rows::PermitRow> = sqlx::query_as(sql)
                    .bind(from)
                    .bind(to)
                    .bind(limit)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(|r| r.open(&self.key)).collect()
            }

            async fn audit_links(&mut self, after: i64, limit: i64) -> crate::Result<Vec<domain::audit::Link>> {
                let rows: Vec<crate::rows::LinkRow> = sqlx::query_as(
                    "SELECT seq, prev_hash, hash, payload FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| domain::audit::Link { seq: r.seq, prev_hash: r.prev_hash, hash: r.hash, payload: r.payload })
                    .collect())
            }

            async fn audit_head(&mut self) -> crate::Result<(i64, Vec<u8>)> {
                let head: (i64, Vec<u8>) = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(head)
            }

            async fn audit_of(&mut self, entity_id: &str) -> crate::Result<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT payload FROM audit_log WHERE entity_id = $1 ORDER BY seq")
                    .bind(entity_id)
                    .fetch_all(&mut *self.tx)
                    .await?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }
        }

        impl $ty {
            /// Appends the records added so far to the audit chain: takes the head (locked
            /// until commit on PostgreSQL; SQLite's writer holds the lock anyway), links the
            /// records after it, inserts them and moves the head.
            async fn append_audit(&mut self) -> crate::Result<()> {
                if self.pending_audit.is_empty() {
                    return Ok(());
                }
                let (mut seq, mut hash): (i64, Vec<u8>) =
                    sqlx::query_as(Self::LOCK_AUDIT_HEAD).fetch_one(&mut *self.tx).await?;
                let records = std::mem::take(&mut self.pending_audit);
                let mut links = Vec::with_capacity(records.len());
                for record in records {
                    seq += 1;
                    let payload = record.payload();
                    let next = domain::audit::chain_hash(&hash, seq, &payload).to_vec();
                    links.push((seq, std::mem::replace(&mut hash, next.clone()), next, payload, record.entity_id));
                }
                for run in crate::common::runs(&links) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO audit_log (seq, prev_hash, hash, payload, entity_id) ",
                    );
                    q.push_values(run, |mut b, (seq, prev, hash, payload, entity)| {
                        b.push_bind(*seq)
                            .push_bind(prev)
                            .push_bind(hash)
                            .push_bind(payload)
                            .push_bind(entity);
                    });
                    q.build().execute(&mut *self.tx).await?;
                }
                sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                    .bind(seq)
                    .bind(&hash)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_tx;
