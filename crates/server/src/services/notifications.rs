//! Notifications through a transactional outbox. A service that changes something someone must
//! hear about calls [`notify`] inside its own transaction: the notice goes into the recipient's
//! inbox and one outbox row per channel (e-mail, webhook) is written beside it, so that the
//! change and its notices commit or roll back together. The [`Worker`] claims due outbox rows,
//! sends them, and marks them delivered or schedules the next attempt with the back-off of
//! `domain::notice::backoff`; it never gives up. Delivery is at least once: webhook receivers
//! deduplicate on the `OneCard-Id` header, e-mail clients on the `Message-ID`.

use super::{Ctx, Result, ServiceError, new_id};
use crate::config::{Config, Smtp};
use crate::i18n::{Catalog, Locale};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::application::{Action, Application};
use domain::ids::{DeliveryId, NoticeId};
use domain::notice::{self as dn, Channel, Notice, Recipient, SitePath, Topic};
use domain::role::Principal;
use domain::values::Email;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use store::{Delivery, NewDelivery, NotificationSettings, StoredNotice, Tx};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Puts `notice` in its recipient's inbox and queues its deliveries, inside the caller's
/// transaction: e-mail to the holder's address or the employer's contact address (when SMTP is
/// configured), and the employer's webhook if it registered one. Returns false when a notice
/// with the same dedupe key was there already (nothing is written then).
pub async fn notify(
    tx: &mut dyn Tx,
    config: &Config,
    now: DateTime<Utc>,
    notice: Notice,
) -> Result<bool> {
    let mut deliveries = Vec::new();
    let mut email = |to: &Email| {
        if config.smtp.is_some() {
            deliveries.push(NewDelivery {
                id: DeliveryId(new_id()),
                channel: Channel::Email,
                target: to.to_string(),
            });
        }
    };
    match notice.recipient {
        Recipient::Person(id) => {
            if let Some(p) = tx.person(id).await? {
                email(&p.email);
            }
        }
        Recipient::Employer(id) => {
            if let Some(s) = tx.notification_settings(id).await? {
                if let Some(e) = &s.contact_email {
                    email(e);
                }
                if let (Some(url), Some(_)) = (&s.webhook_url, &s.webhook_secret_sealed) {
                    deliveries.push(NewDelivery {
                        id: DeliveryId(new_id()),
                        channel: Channel::Webhook,
                        target: url.clone(),
                    });
                }
            }
        }
    }
    let stored = StoredNotice {
        id: NoticeId(new_id()),
        recipient: notice.recipient,
        topic: notice.topic,
        params: notice.params,
        link: notice.link,
        dedupe_key: notice.dedupe_key,
        created_at: now,
        read_at: None,
    };
    Ok(tx.insert_notice(&stored, &deliveries).await?)
}

fn topic(code: &str) -> Topic {
    Topic::parse("topic", code).expect("the topics named in code are well formed")
}

fn joined(items: &[domain::values::Text]) -> String {
    items
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The notices of a step in an application's life, to the holder and to the employer: returned
/// with missing items, corrections requested, approved, refused. Other steps tell no one.
pub async fn on_transition(
    tx: &mut dyn Tx,
    config: &Config,
    now: DateTime<Utc>,
    app: &Application,
    action: &Action,
) -> Result<()> {
    let (code, items) = match action {
        Action::Return { missing_items } => (Topic::APPLICATION_RETURNED, joined(missing_items)),
        Action::RequestCorrections { items } => (Topic::CORRECTIONS_REQUESTED, joined(items)),
        Action::Refuse { reasons } => (Topic::APPLICATION_REFUSED, joined(reasons)),
        Action::Approve { .. } => (Topic::APPLICATION_APPROVED, String::new()),
        _ => return Ok(()),
    };
    let link = SitePath::parse("link", &format!("/applications/{}", app.id))?;
    let notice = Notice::new(Recipient::Person(app.person_id), topic(code))
        .param("receipt", &app.receipt_number)
        .param("items", items)
        .param(
            "permit",
            app.permit_number
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into()),
        )
        .link(link);
    let for_employer = notice.to(Recipient::Employer(app.employer_id));
    notify(tx, config, now, notice).await?;
    notify(tx, config, now, for_employer).await?;
    Ok(())
}

/// Reminder thresholds, in days before a permit's last valid day.
pub const EXPIRY_REMINDERS: [i64; 2] = [90, 30];

/// Tells the holder, and the employer where there is one, of a step in a residence
/// application, an insurance registration or an appointment: `params` fill the topic's messages.
pub async fn tell(
    tx: &mut dyn Tx,
    config: &Config,
    now: DateTime<Utc>,
    (person, employer): (domain::ids::PersonId, Option<domain::ids::EmployerId>),
    code: &str,
    params: &[(&str, String)],
    link: &str,
) -> Result<()> {
    let mut notice =
        Notice::new(Recipient::Person(person), topic(code)).link(SitePath::parse("link", link)?);
    for (name, value) in params {
        notice = notice.param(name, value);
    }
    if let Some(e) = employer {
        // Dedupe keys are per recipient: the employer's copy keeps the holder's key.
        notify(tx, config, now, notice.to(Recipient::Employer(e))).await?;
    }
    notify(tx, config, now, notice).await?;
    Ok(())
}

/// Reminds holders of their appointments on `day` (once each: the dedupe key names the booking
/// and its slot, so a moved booking is reminded again). Returns how many were new.
pub async fn sweep_appointments(ctx: &Ctx, day: NaiveDate) -> Result<usize> {
    let mut tx = ctx.store.begin().await?;
    let now = ctx.clock.now();
    let next = day + Duration::days(1);
    let mut fresh = 0;
    for office in tx.list_offices(None).await? {
        for a in tx
            .appointments_at(office.id, &day.to_string(), &next.to_string())
            .await?
        {
            if a.state != domain::appointment::AppointmentState::Booked {
                continue;
            }
            let slot = domain::appointment::format_slot(a.slot);
            let notice = Notice::new(
                Recipient::Person(a.person_id),
                topic(Topic::APPOINTMENT_REMINDER),
            )
            .param("slot", slot.replace('T', " "))
            .param("office", office.name.as_str())
            .param("address", office.address.as_str())
            .link(SitePath::parse("link", "/residence")?)
            .dedupe(format!("appointment_reminder:{}:{slot}", a.id));
            fresh += usize::from(notify(&mut *tx, &ctx.config, now, notice).await?);
        }
    }
    tx.commit().await?;
    Ok(fresh)
}

/// Notifies the holder and the employer of every valid permit that ends within 90 days (once)
/// and within 30 days (once more). Idempotent: the dedupe key names the permit revision and the
/// threshold, so a sweep run twice, or by two servers, notifies once. Returns how many notices
/// were new.
pub async fn sweep_expiring(ctx: &Ctx, today: NaiveDate) -> Result<usize> {
    let mut fresh = 0;
    // Day by day, so that no statement reads more than a day's expiries; a permit within 30
    // days gets the 30-day notice only.
    for ahead in 0..=EXPIRY_REMINDERS[0] {
        let day = today + Duration::days(ahead);
        let threshold = if ahead <= EXPIRY_REMINDERS[1] {
            EXPIRY_REMINDERS[1]
        } else {
            EXPIRY_REMINDERS[0]
        };
        let mut tx = ctx.store.begin().await?;
        let permits = tx.permits_expiring(day, day, 100_000).await?;
        if permits.is_empty() {
            continue;
        }
        let now = ctx.clock.now();
        for p in permits {
            let key = format!("permit_expiring:{threshold}:{}:{}", p.number, p.revision);
            let base = Notice::new(
                Recipient::Person(p.holder_id),
                topic(Topic::PERMIT_EXPIRING),
            )
            .param("permit", &p.number)
            .param("date", p.valid_to)
            .param("days", ahead)
            .dedupe(key);
            let holder = base.clone().link(SitePath::parse("link", "/me")?);
            let employer = base
                .to(Recipient::Employer(p.employer_id))
                .link(SitePath::parse("link", "/employer")?);
            fresh += usize::from(notify(&mut *tx, &ctx.config, now, holder).await?);
            fresh += usize::from(notify(&mut *tx, &ctx.config, now, employer).await?);
        }
        tx.commit().await?;
    }
    Ok(fresh)
}

// ------------------------------------------------------------------------------------------------
// Messages.

/// A notice in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub body: String,
}

/// The notice's messages (`notice-<topic>` and `notice-<topic>-body`) in `locale`.
pub fn render(catalog: &Catalog, locale: Locale, n: &StoredNotice) -> Rendered {
    let key = n.topic.message_key();
    let args: Vec<(&str, String)> = n
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    Rendered {
        title: catalog.get(locale, &key, &args),
        body: catalog.get(locale, &format!("{key}-body"), &args),
    }
}

// ------------------------------------------------------------------------------------------------
// The inbox.

/// Whose inbox a caller reads: the holder's own, or their employer's.
fn inbox_of(who: &Principal) -> Result<Recipient> {
    if let Some(p) = who.scope.person_id() {
        Ok(Recipient::Person(p))
    } else if let Some(e) = who.scope.employer_id() {
        Ok(Recipient::Employer(e))
    } else {
        Err(ServiceError::Forbidden("role_not_allowed"))
    }
}

pub struct Inbox {
    /// Unread first, then the newest.
    pub notices: Vec<StoredNotice>,
    pub unread: i64,
}

/// The caller's inbox: the holder's or the employer's; others have none.
pub async fn inbox(ctx: &Ctx, who: &Principal) -> Result<Inbox> {
    let recipient = inbox_of(who)?;
    let mut tx = ctx.store.begin_read().await?;
    Ok(Inbox {
        notices: tx.notices(recipient, 200).await?,
        unread: tx.unread_notices(recipient).await?,
    })
}

/// Marks a notice of the caller's inbox read; a notice of anyone else's is not found.
pub async fn mark_read(ctx: &Ctx, who: &Principal, id: NoticeId) -> Result<()> {
    let recipient = inbox_of(who)?;
    let mut tx = ctx.store.begin().await?;
    if !tx.mark_notice_read(recipient, id, ctx.clock.now()).await? {
        return Err(ServiceError::NotFound("notice"));
    }
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// The employer's settings.

/// A webhook URL: absolute `http://`, no spaces, at most 2000 characters. `https://` is refused
/// until this build carries TLS (see docs/webhooks.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(field: &str, s: &str) -> Result<WebhookUrl, domain::FieldError> {
        let s = s.trim();
        if s.starts_with("https://") {
            return Err(domain::FieldError::new(field, "webhook_https_unsupported"));
        }
        let ok = s.len() <= 2000
            && s.strip_prefix("http://").is_some_and(|rest| {
                let host = rest.split(['/', '?', '#']).next().unwrap_or("");
                !host.is_empty() && !host.contains('@')
            })
            && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(WebhookUrl(s.to_string()))
        } else {
            Err(domain::FieldError::new(field, "webhook_url_format"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The settings as shown: never the secret, only whether there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsView {
    pub contact_email: Option<Email>,
    pub webhook_url: Option<String>,
    pub has_secret: bool,
}

impl From<Option<NotificationSettings>> for SettingsView {
    fn from(s: Option<NotificationSettings>) -> Self {
        match s {
            Some(s) => SettingsView {
                contact_email: s.contact_email,
                webhook_url: s.webhook_url,
                has_secret: s.webhook_secret_sealed.is_some(),
            },
            None => SettingsView {
                contact_email: None,
                webhook_url: None,
                has_secret: false,
            },
        }
    }
}

fn employer_of(who: &Principal) -> Result<domain::ids::EmployerId> {
    who.scope
        .employer_id()
        .ok_or(ServiceError::Forbidden("employer_only"))
}

pub async fn settings(ctx: &Ctx, who: &Principal) -> Result<SettingsView> {
    let employer = employer_of(who)?;
    let mut tx = ctx.store.begin_read().await?;
    Ok(tx.notification_settings(employer).await?.into())
}

/// What a webhook secret is bound to when sealed: the employer it belongs to.
fn secret_context(employer: domain::ids::EmployerId) -> Vec<u8> {
    format!("onecard-webhook-secret:{employer}").into_bytes()
}

/// Sets the employer's contact address and webhook URL. A webhook secret is made when a URL is
/// first set, or again on `regenerate`; it is returned this once, and stored only sealed.
pub async fn update_settings(
    ctx: &Ctx,
    who: &Principal,
    contact_email: Option<Email>,
    webhook_url: Option<WebhookUrl>,
    regenerate: bool,
) -> Result<(SettingsView, Option<String>)> {
    let employer = employer_of(who)?;
    let mut tx = ctx.store.begin().await?;
    let old = tx.notification_settings(employer).await?;
    let mut sealed = old.and_then(|o| o.webhook_secret_sealed);
    let mut shown = None;
    if webhook_url.is_none() {
        sealed = None;
    } else if sealed.is_none() || regenerate {
        let sealing = ctx
            .config
            .sealing_key
            .as_ref()
            .ok_or(ServiceError::Unavailable("webhook_secret_unavailable"))?;
        let secret = format!("whsec_{}", crate::secrets::new_token());
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|_| ServiceError::Internal("randomness"))?;
        sealed = Some(sealing.seal_secret(nonce, &secret_context(employer), secret.as_bytes()));
        shown = Some(secret);
    }
    let s = NotificationSettings {
        employer_id: employer,
        contact_email,
        webhook_url: webhook_url.map(|u| u.0),
        webhook_secret_sealed: sealed,
        updated_at: ctx.clock.now(),
    };
    tx.upsert_notification_settings(&s).await?;
    tx.audit(domain::audit::AuditRecord::new(
        s.updated_at,
        Some(who.account_id),
        "employer.notification_settings",
        "employer",
        employer,
        serde_json::json!({
            "contact_email": s.contact_email, "webhook_url": s.webhook_url,
            "secret_made": shown.is_some(),
        }),
    ));
    tx.commit().await?;
    Ok((Some(s).into(), shown))
}

// ------------------------------------------------------------------------------------------------
// Signatures.

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.map(|x| x ^ b);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The `OneCard-Signature` header of a webhook call: `v1=` and the hex HMAC-SHA256 of
/// `<timestamp>.<body>` under the employer's secret.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut msg = format!("{timestamp}.").into_bytes();
    msg.extend_from_slice(body);
    format!("v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &msg)))
}

// ------------------------------------------------------------------------------------------------
// Delivery.

/// How many rows a worker claims at once.
const BATCH: i64 = 32;

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub delivered: usize,
    pub failed: usize,
    pub reminders: usize,
}

/// The delivery worker. Several may run, in one process or many: each claims rows under its
/// own name and a lease, so no row is sent by two at once (unless a lease runs out mid-send,
/// which is why receivers deduplicate).
pub struct Worker {
    ctx: Ctx,
    catalog: Arc<Catalog>,
    name: String,
    http: reqwest::Client,
    swept_on: Mutex<Option<NaiveDate>>,
    /// Turns true when the server stops: the pass in progress claims no more rows.
    stop: Option<tokio::sync::watch::Receiver<bool>>,
}

impl Worker {
    pub fn new(ctx: Ctx, catalog: Arc<Catalog>) -> Worker {
        let http = reqwest::Client::builder()
            .timeout(ctx.config.delivery_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client without TLS builds");
        Worker {
            ctx,
            catalog,
            name: format!("worker-{}", new_id()),
            http,
            swept_on: Mutex::new(None),
            stop: None,
        }
    }

    /// Runs passes every `poll` until `stop` turns true; then [`Running::stop`] ends it.
    pub fn spawn(
        mut self,
        poll: std::time::Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> Running {
        self.stop = Some(stop.clone());
        let (ctx, name) = (self.ctx.clone(), self.name.clone());
        let task = tokio::spawn(async move {
            loop {
                if *stop.borrow() {
                    break;
                }
                if let Err(e) = self.run_once().await {
                    tracing::warn!(error = %e, "notification delivery pass failed");
                }
                tokio::select! {
                    _ = stop.changed() => {}
                    _ = tokio::time::sleep(poll) => {}
                }
            }
        });
        Running { task, ctx, name }
    }

    /// One pass: the expiry reminders once a day, then every due delivery.
    pub async fn run_once(&self) -> Result<Pass> {
        let mut pass = Pass::default();
        let today = self.ctx.clock.today();
        let due = *self.swept_on.lock().expect("sweep lock") != Some(today);
        if due {
            pass.reminders = sweep_expiring(&self.ctx, today).await?;
            pass.reminders += sweep_appointments(&self.ctx, today + Duration::days(1)).await?;
            *self.swept_on.lock().expect("sweep lock") = Some(today);
        }
        loop {
            let now = self.ctx.clock.now();
            let lease = Duration::from_std(self.ctx.config.delivery_lease)
                .map_err(|_| ServiceError::Internal("lease out of range"))?;
            let mut tx = self.ctx.store.begin().await?;
            let claimed = tx
                .claim_deliveries(&self.name, now, now + lease, BATCH)
                .await?;
            tx.commit().await?;
            let n = claimed.len();
            let mut running = tokio::task::JoinSet::new();
            for d in claimed {
                let this = self.clone_parts();
                running.spawn(async move { this.deliver_one(d).await });
            }
            while let Some(r) = running.join_next().await {
                match r {
                    Ok(Ok(true)) => pass.delivered += 1,
                    Ok(Ok(false)) => pass.failed += 1,
                    Ok(Err(e)) => {
                        pass.failed += 1;
                        tracing::warn!(error = %e, "recording a delivery failed");
                    }
                    Err(e) => {
                        pass.failed += 1;
                        tracing::error!(error = %e, "a delivery task panicked");
                    }
                }
            }
            let stopping = self.stop.as_ref().is_some_and(|s| *s.borrow());
            if (n as i64) < BATCH || stopping {
                break;
            }
        }
        Ok(pass)
    }

    fn clone_parts(&self) -> Sender {
        Sender {
            ctx: self.ctx.clone(),
            catalog: self.catalog.clone(),
            name: self.name.clone(),
            http: self.http.clone(),
        }
    }
}

/// A worker running beside the server.
pub struct Running {
    task: tokio::task::JoinHandle<()>,
    ctx: Ctx,
    name: String,
}

impl Running {
    /// After the stop signal: lets the deliveries in progress end, for `grace` at most (then
    /// cuts them off), and gives up the claims on what was not delivered, so that another
    /// server sends it at once rather than after the lease. A delivery cut off may have reached
    /// its receiver: it is sent again with the same `OneCard-Id`.
    pub async fn stop(mut self, grace: std::time::Duration) {
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            tracing::warn!("deliveries still running after the shutdown grace; cut off");
            self.task.abort();
            let _ = (&mut self.task).await;
        }
        let released = async {
            let mut tx = self.ctx.store.begin().await?;
            let n = tx.release_deliveries(&self.name).await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(n)
        };
        match released.await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deliveries = n,
                "undelivered claims given up to other workers"
            ),
            Err(e) => tracing::warn!(
                error = %e,
                "giving up the claims failed: they pass to another worker when their lease runs out"
            ),
        }
    }
}

/// What a delivery task needs of its worker.
struct Sender {
    ctx: Ctx,
    catalog: Arc<Catalog>,
    name: String,
    http: reqwest::Client,
}

impl Sender {
    /// Sends one claimed row and records the outcome; true if it was delivered.
    async fn deliver_one(&self, d: Delivery) -> Result<bool> {
        let outcome = match d.channel {
            Channel::Email => self.email(&d).await,
            Channel::Webhook => self.webhook(&d).await,
        };
        let now = self.ctx.clock.now();
        let mut tx = self.ctx.store.begin().await?;
        let ok = outcome.is_ok();
        let kept = match outcome {
            Ok(()) => tx.delivery_done(d.id, &self.name, now).await?,
            Err(error) => {
                let failures = d.attempts + 1;
                tracing::info!(delivery = %d.id, channel = d.channel.as_str(), failures, error, "delivery failed; will retry");
                tx.delivery_failed(
                    d.id,
                    &self.name,
                    now + dn::backoff(failures),
                    &error,
                    dn::is_failing(failures),
                )
                .await?
            }
        };
        tx.commit().await?;
        if !kept {
            tracing::warn!(delivery = %d.id, "the claim ran out before the outcome was recorded");
        }
        Ok(ok)
    }

    fn link(&self, n: &StoredNotice) -> Option<String> {
        n.link
            .as_ref()
            .map(|l| format!("{}{}", self.ctx.config.public_url, l.as_str()))
    }

    async fn email(&self, d: &Delivery) -> Result<(), String> {
        let smtp = self
            .ctx
            .config
            .smtp
            .as_ref()
            .ok_or("SMTP is not configured")?;
        let zh = render(&self.catalog, Locale::Zh, &d.notice);
        let en = render(&self.catalog, Locale::En, &d.notice);
        let link = self.link(&d.notice);
        let message = email_message(
            &smtp.from,
            &d.target,
            d.id,
            self.ctx.clock.now(),
            &zh,
            &en,
            link.as_deref(),
        );
        let send = smtp_send(smtp, &d.target, &message);
        match tokio::time::timeout(self.ctx.config.delivery_timeout, send).await {
            Ok(r) => r,
            Err(_) => Err("SMTP: timed out".into()),
        }
    }

    async fn webhook(&self, d: &Delivery) -> Result<(), String> {
        let Recipient::Employer(employer) = d.notice.recipient else {
            return Err("a webhook for someone not an employer".into());
        };
        let settings = self
            .ctx
            .store
            .begin_read()
            .await
            .map_err(|e| format!("store: {e}"))?
            .notification_settings(employer)
            .await
            .map_err(|e| format!("store: {e}"))?;
        let sealed = settings
            .and_then(|s| s.webhook_secret_sealed)
            .ok_or("the employer has no webhook secret")?;
        let secret = self
            .ctx
            .config
            .sealing_key
            .as_ref()
            .ok_or("no sealing key to open the webhook secret")?
            .open_secret(&secret_context(employer), &sealed)
            .map_err(|e| e.code().to_string())?;
        let secret = String::from_utf8(secret).map_err(|_| "the webhook secret is not text")?;
        let body = webhook_body(&self.catalog, d, self.link(&d.notice));
        let ts = self.ctx.clock.now().timestamp();
        let res = self
            .http
            .post(&d.target)
            .header("content-type", "application/json")
            .header("onecard-id", d.id.to_string())
            .header("onecard-timestamp", ts.to_string())
            .header("onecard-signature", webhook_signature(&secret, ts, &body))
            .body(body)
            .send()
            .await
            // The URL is the employer's own; the error text names no secret.
            .map_err(|e| {
                if e.is_timeout() {
                    "webhook: timed out".to_string()
                } else if e.is_connect() {
                    "webhook: connection failed".to_string()
                } else {
                    "webhook: request failed".to_string()
                }
            })?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("webhook: HTTP {}", res.status().as_u16()))
        }
    }
}

/// The JSON a webhook receives: the same for every attempt.
pub fn webhook_body(catalog: &Catalog, d: &Delivery, link: Option<String>) -> Vec<u8> {
    let n = &d.notice;
    let params: serde_json::Map<String, serde_json::Value> = n
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    let words = |l| {
        let r = render(catalog, l, n);
        serde_json::json!({ "title": r.title, "body": r.body })
    };
    serde_json::to_vec(&serde_json::json!({
        "id": d.id,
        "notice_id": n.id,
        "topic": n.topic,
        "created_at": n.created_at,
        "employer_id": n.recipient.id(),
        "params": params,
        "link": link,
        "messages": { "en": words(Locale::En), "zh-CN": words(Locale::Zh) },
    }))
    .expect("JSON of strings")
}

/// An RFC 2047 encoded-word for a header of any text.
fn encoded_word(s: &str) -> String {
    use base64::Engine;
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.to_string();
    }
    format!(
        "=?UTF-8?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(s)
    )
}

/// The whole message, CRLF line ends: both languages, Chinese first, as base64 text so that any
/// relay carries it.
pub fn email_message(
    from: &Email,
    to: &str,
    id: DeliveryId,
    at: DateTime<Utc>,
    zh: &Rendered,
    en: &Rendered,
    link: Option<&str>,
) -> String {
    use base64::Engine;
    let mut text = format!("{}\r\n\r\n{}\r\n", zh.title, zh.body);
    if let Some(l) = link {
        text.push_str(&format!("\r\n{l}\r\n"));
    }
    text.push_str(&format!(
        "\r\n----\r\n\r\n{}\r\n\r\n{}\r\n",
        en.title, en.body
    ));
    if let Some(l) = link {
        text.push_str(&format!("\r\n{l}\r\n"));
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{id}@onecard>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        encoded_word(&format!("{} / {}", zh.title, en.title)),
        at.to_rfc2822(),
        lines.join("\r\n"),
    )
}

/// Reads one SMTP reply (all its lines) and checks its code's first digit.
async fn reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R, want: u8) -> Result<(), String> {
    loop {
        let mut line = String::new();
        let n = r
            .read_line(&mut line)
            .await
            .map_err(|e| format!("SMTP: {e}"))?;
        if n == 0 {
            return Err("SMTP: connection closed".into());
        }
        let bytes = line.as_bytes();
        if bytes.len() < 4 || !bytes[..3].iter().all(u8::is_ascii_digit) {
            return Err("SMTP: unreadable reply".into());
        }
        if bytes[3] == b'-' {
            continue;
        }
        if bytes[0] != want {
            return Err(format!("SMTP: {}", line.trim_end()));
        }
        return Ok(());
    }
}

/// Sends one command line and reads its reply.
async fn say<W: tokio::io::AsyncWrite + Unpin, R: tokio::io::AsyncBufRead + Unpin>(
    w: &mut W,
    r: &mut R,
    line: String,
    want: u8,
) -> Result<(), String> {
    w.write_all(line.as_bytes())
        .await
        .map_err(|e| format!("SMTP: {e}"))?;
    reply(r, want).await
}

/// Sends one message through the relay: EHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT.
pub async fn smtp_send(smtp: &Smtp, to: &str, message: &str) -> Result<(), String> {
    if to.contains(['\r', '\n', '<', '>']) || smtp.from.as_str().contains(['\r', '\n', '<', '>']) {
        return Err("SMTP: address not sendable".into());
    }
    let stream = tokio::net::TcpStream::connect((smtp.host.as_str(), smtp.port))
        .await
        .map_err(|e| format!("SMTP: connect: {}", e.kind()))?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    reply(&mut r, b'2').await?;
    say(&mut w, &mut r, "EHLO onecard\r\n".into(), b'2').await?;
    say(
        &mut w,
        &mut r,
        format!("MAIL FROM:<{}>\r\n", smtp.from),
        b'2',
    )
    .await?;
    say(&mut w, &mut r, format!("RCPT TO:<{to}>\r\n"), b'2').await?;
    say(&mut w, &mut r, "DATA\r\n".into(), b'3').await?;
    let mut data = String::with_capacity(message.len() + 8);
    for line in message.split("\r\n") {
        if line.starts_with('.') {
            data.push('.');
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
    // `message` ends in CRLF: the split gave an empty last line, which is the end marker's start.
    let data = data.trim_end_matches("\r\n").to_string();
    say(&mut w, &mut r, format!("{data}\r\n.\r\n"), b'2').await?;
    // Delivered once the relay took the data; a failed QUIT changes nothing.
    let _ = say(&mut w, &mut r, "QUIT\r\n".into(), b'2').await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn signature_header() {
        let s = webhook_signature("whsec_x", 1_700_000_000, b"{}");
        let mut msg = b"1700000000.".to_vec();
        msg.extend(b"{}");
        assert_eq!(
            s,
            format!("v1={}", hex::encode(hmac_sha256(b"whsec_x", &msg)))
        );
    }

    #[test]
    fn webhook_urls() {
        for good in [
            "http://hooks.example.com/onecard",
            "http://127.0.0.1:8080/x?y=1",
        ] {
            assert!(WebhookUrl::parse("u", good).is_ok(), "{good}");
        }
        assert_eq!(
            WebhookUrl::parse("u", "https://x.example/h")
                .unwrap_err()
                .code,
            "webhook_https_unsupported"
        );
        for bad in [
            "",
            "ftp://x",
            "http://",
            "http:///x",
            "http://u:p@x/",
            "http://x/a b",
        ] {
            assert_eq!(
                WebhookUrl::parse("u", bad).unwrap_err().code,
                "webhook_url_format",
                "{bad}"
            );
        }
    }

    #[test]
    fn subjects_are_encoded_words() {
        assert_eq!(encoded_word("Approved"), "Approved");
        assert_eq!(encoded_word("已批准"), "=?UTF-8?B?5bey5om55YeG?=");
    }

    #[test]
    fn every_topic_has_its_messages_in_both_languages() {
        let c = Catalog::default();
        for t in Topic::ALL {
            let key = topic(t).message_key();
            for l in Locale::ALL {
                assert!(c.has(l, &key), "{} lacks {key}", l.tag());
                assert!(
                    c.has(l, &format!("{key}-body")),
                    "{} lacks {key}-body",
                    l.tag()
                );
            }
        }
    }

    #[test]
    fn emails_carry_both_languages() {
        use base64::Engine;
        let zh = Rendered {
            title: "已批准".into(),
            body: ".点开头".into(),
        };
        let en = Rendered {
            title: "Approved".into(),
            body: "Body".into(),
        };
        let from = Email::parse("f", "onecard@example.com").unwrap();
        let id = DeliveryId(uuid::Uuid::nil());
        let m = email_message(
            &from,
            "a@example.com",
            id,
            Utc::now(),
            &zh,
            &en,
            Some("http://x/y"),
        );
        assert!(m.contains("Subject: =?UTF-8?B?"));
        assert!(m.contains(&format!("Message-ID: <{id}@onecard>")));
        let (_, body) = m.split_once("\r\n\r\n").unwrap();
        let text = base64::engine::general_purpose::STANDARD
            .decode(body.replace("\r\n", ""))
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.find("已批准").unwrap() < text.find("Approved").unwrap());
        assert!(text.contains("http://x/y"));
    }
}
