//! The tamper-evident trail: every row carries HMAC-SHA256 over the previous row's hash
//! and its own canonical encoding, keyed by the secret file.

use chrono::{DateTime, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::domain::Role;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

coded! {
    pub enum Outcome {
        Success = "success",
        Failure = "failure",
        Denied = "denied",
    }
}

coded! {
    /// What a trail row records. The codes are stored and read by the trail's readers and the
    /// central log system, so a code never changes once written; new actions get new codes.
    pub enum TrailAction {
        AccountCreate = "account.create",
        AccountDisable = "account.disable",
        AccountEnable = "account.enable",
        AccountList = "account.list",
        AccountPasswordReset = "account.password_reset",
        AccountRegisterExport = "account.register.export",
        AccountRegisterView = "account.register.view",
        AccountRevoke = "account.revoke",
        AccountRoleRemoved = "account.role_removed",
        AccountRoles = "account.roles",
        AccountRequestApplied = "account_request.applied",
        AccountRequestApproved = "account_request.approved",
        AccountRequestDeclined = "account_request.declined",
        AccountRequestEndorsed = "account_request.endorsed",
        AccountRequestFailed = "account_request.failed",
        AccountRequestFiled = "account_request.filed",
        AccountRequestWithdrawn = "account_request.withdrawn",
        AuditAnswer = "audit.answer",
        AuditExport = "audit.export",
        AuditFollowup = "audit.followup",
        AuditFollowups = "audit.followups",
        AuditOpen = "audit.open",
        TrailRead = "trail.read",
        AuditRefer = "audit.refer",
        AuditSign = "audit.sign",
        AuditText = "audit.text",
        TrailVerify = "trail.verify",
        AuditView = "audit.view",
        AuditWithdraw = "audit.withdraw",
        /// The notice on official use and personal data acknowledged (五(二)1、九).
        AuthAcknowledge = "auth.acknowledge",
        AuthLockout = "auth.lockout",
        AuthLogin = "auth.login",
        AuthLogout = "auth.logout",
        AuthPasswordChange = "auth.password_change",
        AuthzDenied = "authz.denied",
        AuthzDeniedSummary = "authz.denied.summary",
        CalendarDayRemove = "calendar.day.remove",
        CalendarDaySet = "calendar.day.set",
        CalendarHoursSet = "calendar.hours.set",
        ComparisonAnnotate = "comparison.annotate",
        ComparisonList = "comparison.list",
        ComparisonPrint = "comparison.print",
        ComparisonSubmit = "comparison.submit",
        ComparisonUploadRejected = "comparison.upload_rejected",
        ComparisonVerifyCode = "comparison.verify_code",
        ComparisonView = "comparison.view",
        DesignationAdd = "designation.add",
        DesignationEnd = "designation.end",
        HandoverAcknowledged = "handover.acknowledged",
        HandoverCreated = "handover.created",
        HandoverList = "handover.list",
        LiaisonApproved = "liaison.approved",
        LiaisonCancelled = "liaison.cancelled",
        LiaisonClosed = "liaison.closed",
        LiaisonCompareAgain = "liaison.compare_again",
        LiaisonCreated = "liaison.created",
        LiaisonEdited = "liaison.edited",
        LiaisonExport = "liaison.export",
        LiaisonList = "liaison.list",
        LiaisonPrefill = "liaison.prefill",
        LiaisonReceived = "liaison.received",
        LiaisonReplied = "liaison.replied",
        LiaisonReply = "liaison.reply",
        LiaisonReplyRejected = "liaison.reply_rejected",
        LiaisonReturned = "liaison.returned",
        LiaisonSent = "liaison.sent",
        LiaisonStep = "liaison.step",
        LiaisonSubmitted = "liaison.submitted",
        LiaisonView = "liaison.view",
        PermissionReviewChanged = "permission_review.changed",
        PermissionReviewKept = "permission_review.kept",
        PermissionReviewRefreshed = "permission_review.refreshed",
        PermissionReviewSigned = "permission_review.signed",
        PermissionReviewStarted = "permission_review.started",
        PermissionReviewViewed = "permission_review.viewed",
        QueryStart = "query.start",
        ReportExport = "report.export",
        ReportGenerate = "report.generate",
        ReportSign = "report.sign",
        ReportView = "report.view",
        RetentionView = "retention.view",
        SealQuery = "seal.query",
        SealQueryClosed = "seal.query.closed",
        SealQueryResumed = "seal.query.resumed",
        SealUploadRejected = "seal.upload_rejected",
        SealVersionAdd = "seal.version.add",
        SealVersionsView = "seal.versions.view",
        SecurityRegisterView = "security.register.view",
        SecurityTaskAdd = "security.task.add",
        SecurityTaskDone = "security.task.done",
        TestConcurrent = "test.concurrent",
        UnitContact = "unit.contact",
        UnitDisable = "unit.disable",
        UnitEnable = "unit.enable",
    }
}

/// Who acted, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRef {
    pub id: i64,
    pub employee_no: String,
    pub roles: Vec<Role>,
    pub unit_id: i64,
}

/// A trail event about to be written (in the same transaction as the change it records).
#[derive(Debug, Clone)]
pub struct TrailDraft {
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<ActorRef>,
    pub action: TrailAction,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub case_number: Option<String>,
    pub subject_national_id: Option<String>,
    pub client_ip: Option<String>,
    pub outcome: Outcome,
    pub details: serde_json::Value,
}

impl TrailDraft {
    pub fn new(action: TrailAction, outcome: Outcome) -> Self {
        Self {
            occurred_at: Utc::now().trunc_subsecs(3),
            actor: None,
            action,
            object_type: None,
            object_id: None,
            case_number: None,
            subject_national_id: None,
            client_ip: None,
            outcome,
            details: serde_json::Value::Object(Default::default()),
        }
    }
    pub fn actor(mut self, actor: Option<ActorRef>) -> Self {
        self.actor = actor;
        self
    }
    /// The person whose data the event touched (kept for the person's access report).
    pub fn subject(mut self, national_id: impl Into<String>) -> Self {
        self.subject_national_id = Some(national_id.into());
        self
    }
    /// The case (案件文號) the event was done for.
    pub fn case(mut self, case_number: impl Into<String>) -> Self {
        self.case_number = Some(case_number.into());
        self
    }
    pub fn object(mut self, kind: &str, id: impl ToString) -> Self {
        self.object_type = Some(kind.to_string());
        self.object_id = Some(id.to_string());
        self
    }
    /// The event records a refusal or a failure.
    pub fn failed(mut self) -> Self {
        self.outcome = Outcome::Failure;
        self
    }
    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.client_ip = ip;
        self
    }
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
    pub fn at(mut self, t: DateTime<Utc>) -> Self {
        self.occurred_at = t.trunc_subsecs(3);
        self
    }

    /// The row as it will be stored. Every string it stores is bounded
    /// ([`MAX_FIELD_CHARS`], [`MAX_DETAIL_STRING_CHARS`], [`MAX_DETAILS_BYTES`]), whoever built
    /// the draft: a trail row can never be made large by what a caller sent.
    pub fn into_record(self, seq: i64, prev_hash: String, key: &[u8]) -> TrailRecord {
        let field = |s: Option<String>| s.map(|s| clip_chars(s, MAX_FIELD_CHARS));
        let mut r = TrailRecord {
            seq,
            occurred_at: self.occurred_at.trunc_subsecs(3),
            actor_id: self.actor.as_ref().map(|a| a.id),
            actor_employee_no: field(self.actor.as_ref().map(|a| a.employee_no.clone())),
            actor_roles: field(
                self.actor.as_ref().map(|a| a.roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")),
            ),
            actor_unit_id: self.actor.as_ref().map(|a| a.unit_id),
            action: self.action.code().to_string(),
            object_type: field(self.object_type),
            object_id: field(self.object_id),
            case_number: field(self.case_number),
            subject_national_id: field(self.subject_national_id),
            client_ip: field(self.client_ip),
            outcome: self.outcome.code().to_string(),
            details: bounded_details(self.details),
            prev_hash,
            hash: String::new(),
        };
        r.hash = r.compute_hash(key);
        r
    }
}

/// The most characters a trail row's own columns keep (employee number, object, case number,
/// subject, address): every legitimate value is far shorter.
pub const MAX_FIELD_CHARS: usize = 200;
/// The most characters any one string inside a row's details keeps.
pub const MAX_DETAIL_STRING_CHARS: usize = 2_000;
/// The most elements any one array or object inside a row's details keeps.
pub const MAX_DETAIL_ITEMS: usize = 200;
/// The largest details a row stores; larger ones are replaced by their size and digest.
pub const MAX_DETAILS_BYTES: usize = 16 * 1024;

fn clip_chars(s: String, max: usize) -> String {
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

fn clip_value(v: serde_json::Value, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(clip_chars(s, MAX_DETAIL_STRING_CHARS)),
        Value::Array(items) if depth > 8 => Value::String(format!("[{} items]", items.len())),
        Value::Object(map) if depth > 8 => Value::String(format!("{{{} fields}}", map.len())),
        Value::Array(items) => {
            let n = items.len();
            let mut out: Vec<Value> =
                items.into_iter().take(MAX_DETAIL_ITEMS).map(|i| clip_value(i, depth + 1)).collect();
            if n > MAX_DETAIL_ITEMS {
                out.push(Value::String(format!("… {} more", n - MAX_DETAIL_ITEMS)));
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let n = map.len();
            let mut out: serde_json::Map<String, Value> = map
                .into_iter()
                .take(MAX_DETAIL_ITEMS)
                .map(|(k, v)| (clip_chars(k, MAX_FIELD_CHARS), clip_value(v, depth + 1)))
                .collect();
            if n > MAX_DETAIL_ITEMS {
                out.insert("…".into(), Value::from(n - MAX_DETAIL_ITEMS));
            }
            Value::Object(out)
        }
        other => other,
    }
}

/// A row's details as stored: strings, arrays and nesting clipped, and the whole bounded.
pub fn bounded_details(details: serde_json::Value) -> String {
    let text = clip_value(details, 0).to_string();
    if text.len() <= MAX_DETAILS_BYTES {
        return text;
    }
    use sha2::Digest;
    serde_json::json!({
        "oversized": true,
        "bytes": text.len(),
        "sha256": hex::encode(Sha256::digest(text.as_bytes())),
    })
    .to_string()
}

/// A stored trail row, as stored: its codes (`action`, `outcome`) stay text, so that the
/// verifier reads a row whatever it holds and reports an altered one as altered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct TrailRecord {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_employee_no: Option<String>,
    pub actor_roles: Option<String>,
    pub actor_unit_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub case_number: Option<String>,
    pub subject_national_id: Option<String>,
    pub client_ip: Option<String>,
    pub outcome: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl TrailRecord {
    /// Canonical encoding: a JSON array of the fields in a fixed order.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            self.seq,
            self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            self.actor_id,
            self.actor_employee_no,
            self.actor_roles,
            self.actor_unit_id,
            self.action,
            self.object_type,
            self.object_id,
            self.case_number,
            self.subject_national_id,
            self.client_ip,
            self.outcome,
            self.details,
        ])
        .to_string()
    }

    pub fn compute_hash(&self, key: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(self.prev_hash.as_bytes());
        mac.update(b"\n");
        mac.update(self.canonical().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The seal of the chain's head: HMAC of its seq and hash under the trail key.
pub fn head_mac(key: &[u8], seq: i64, hash: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    // the label predates #38's rename of the table; it is part of every stored seal, so it stays
    mac.update(format!("audit_head\n{seq}\n{hash}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The trail key's fingerprint, recorded in the database when the key is first used there:
/// HMAC-SHA256 under the key of a fixed text, hex. It names the key without giving it away, and
/// (being keyed) it cannot be used to test guesses of the key any faster than a row's HMAC can.
pub fn key_fingerprint(key: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"yinjian trail key fingerprint");
    hex::encode(mac.finalize().into_bytes())
}

/// Whether a process may write the trail with a key ([`adopt_key`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyVerdict {
    /// The trail's key: its fingerprint is recorded (now, or before).
    Adopted,
    /// Another key's fingerprint is recorded: the trail was started with another key (another
    /// instance made its own, or this one was replaced), perhaps just now by a process racing this
    /// one.
    OtherKey,
    /// The key does not verify the newest row or the head's seal.
    WrongKey,
}

/// Decide whether `key` is this trail's key, and record its fingerprint when none is yet — at
/// the first start of an empty trail, or the first start whose key verifies the newest row of a
/// trail from before fingerprints. Of processes racing to record one, exactly one wins (the
/// row is inserted only if absent); the others get [`KeyVerdict::OtherKey`].
pub async fn adopt_key(store: &dyn super::store::Store, key: &[u8]) -> Result<KeyVerdict, super::store::StoreError> {
    let mine = key_fingerprint(key);
    if let Some(recorded) = store.trail_key_fingerprint().await? {
        if recorded != mine {
            return Ok(KeyVerdict::OtherKey);
        }
        return Ok(if check_key(store, key).await? { KeyVerdict::Adopted } else { KeyVerdict::WrongKey });
    }
    if !check_key(store, key).await? {
        return Ok(KeyVerdict::WrongKey);
    }
    let recorded = store.record_trail_key_fingerprint(&mine, chrono::Utc::now()).await?;
    Ok(if recorded == mine { KeyVerdict::Adopted } else { KeyVerdict::OtherKey })
}

/// A sealed head of the chain as the central log system keeps it: every batch the forwarder
/// sends ends with one (the head at that moment, its seq, hash and seal), so the collector holds
/// the newest head the trail ever reached. Putting an older sealed head back (every backup has
/// one) and deleting the rows after it leaves the database consistent, but not with these:
/// `yinjian audit verify --anchors FILE` names the cut. The seal is the head's HMAC under the
/// trail key, so an anchor cannot be made or altered without the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub seal: String,
}

impl Anchor {
    /// The key the record starts with, how it is found in a collector's file.
    pub const TAG: &'static str = "yinjian_anchor";

    /// The record as forwarded (a JSON line; the message text of a syslog message):
    /// `{"yinjian_anchor":{"seq":N,"hash":"…","seal":"…"}}`.
    pub fn record(&self) -> String {
        format!(r#"{{"{}":{{"seq":{},"hash":"{}","seal":"{}"}}}}"#, Self::TAG, self.seq, self.hash, self.seal)
    }

    /// The anchor in one line of a collector's file — a JSON line, or a syslog line as the
    /// collector wrote it (the record is the message text) — if the line holds one; an error when
    /// it holds something that claims to be one and is not.
    pub fn find_in_line(line: &str) -> Option<Result<Anchor, String>> {
        #[derive(Deserialize)]
        struct Inner {
            seq: i64,
            hash: String,
            seal: String,
        }
        #[derive(Deserialize)]
        struct Outer {
            yinjian_anchor: Inner,
        }
        let start = line.find(&format!(r#"{{"{}":"#, Self::TAG))?;
        let mut values = serde_json::Deserializer::from_str(&line[start..]).into_iter::<Outer>();
        let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        Some(match values.next() {
            Some(Ok(Outer { yinjian_anchor: a })) if a.seq > 0 && hex64(&a.hash) && hex64(&a.seal) => {
                Ok(Anchor { seq: a.seq, hash: a.hash, seal: a.seal })
            }
            Some(Ok(_)) => Err("an anchor with a malformed seq, hash or seal".into()),
            Some(Err(e)) => Err(format!("an unreadable anchor: {e}")),
            None => Err("an unreadable anchor".into()),
        })
    }

    /// Whether the trail key sealed it.
    pub fn sealed_by(&self, key: &[u8]) -> bool {
        head_mac(key, self.seq, &self.hash) == self.seal
    }
}

/// The anchors read from a collector's files, each checked against the key.
#[derive(Debug, Default, Clone)]
pub struct Anchors {
    /// seq → (hash, where it was read: `FILE:LINE`); the first of several equal ones
    by_seq: std::collections::BTreeMap<i64, (String, String)>,
    /// How many anchor records were read.
    pub read: usize,
}

impl Anchors {
    /// Add the anchor found at `place` (`FILE:LINE`); a record the key did not seal (or a
    /// malformed one) is a [`ChainBreak::ForgedAnchor`], and two sealed anchors that give one row
    /// two hashes are a [`ChainBreak::ForwardedAnchorMismatch`] (a trail rewritten with the key).
    pub fn add(&mut self, found: Result<Anchor, String>, place: &str, key: &[u8]) -> Result<(), ChainBreak> {
        let a = found.map_err(|why| ChainBreak::ForgedAnchor { place: format!("{place} ({why})") })?;
        if !a.sealed_by(key) {
            return Err(ChainBreak::ForgedAnchor { place: place.to_string() });
        }
        self.read += 1;
        match self.by_seq.get(&a.seq) {
            Some((hash, _)) if *hash != a.hash => {
                Err(ChainBreak::ForwardedAnchorMismatch { seq: a.seq, place: place.to_string() })
            }
            Some(_) => Ok(()),
            None => {
                self.by_seq.insert(a.seq, (a.hash, place.to_string()));
                Ok(())
            }
        }
    }

    /// The newest anchored row, and where its anchor was read.
    pub fn newest(&self) -> Option<(i64, &str)> {
        self.by_seq.last_key_value().map(|(seq, (_, place))| (*seq, place.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }
}

/// The first broken link found by [`Verifier`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("row {0} is missing (sequence jumps to {1})")]
    MissingRow(i64, i64),
    #[error("row {0} does not link to the previous row's hash")]
    BadLink(i64),
    #[error("row {0} was altered (its HMAC does not match its contents)")]
    Altered(i64),
    #[error(
        "the chain head says the last row is {head_seq}, but the last row present is {last_seq}: rows were removed"
    )]
    Truncated { head_seq: i64, last_seq: i64 },
    #[error("the chain head's hash does not match row {0}")]
    HeadMismatch(i64),
    #[error("the chain head (row {0}) is not sealed by the trail key: it was rewritten, or the key is wrong")]
    HeadForged(i64),
    #[error("the signed monthly report {report} recorded row {seq} with another hash: the trail was rewritten")]
    AnchorMismatch { report: i64, seq: i64 },
    #[error(
        "the signed monthly report {report} recorded row {seq}, which is no longer in the trail: rows were removed"
    )]
    AnchorMissing { report: i64, seq: i64 },
    #[error(
        "the trail key is not this trail's key: its fingerprint differs from the one the database recorded \
         when the trail was started (use that key file)"
    )]
    OtherKey,
    #[error(
        "the trail was rolled back: it ends at row {last_seq}, but the central log system holds a sealed \
         head of row {anchored_seq} ({place}): rows {first_cut} to {anchored_seq} were cut off and an older \
         head put back",
        first_cut = last_seq + 1
    )]
    RolledBack { last_seq: i64, anchored_seq: i64, place: String },
    #[error(
        "the central log system holds a sealed head of row {seq} ({place}) with another hash than the trail's \
         row {seq}: the trail was rewritten"
    )]
    ForwardedAnchorMismatch { seq: i64, place: String },
    #[error(
        "{place} holds an anchor not sealed by the trail key: the collector's copy was forged or altered \
         (or the key is not this trail's)"
    )]
    ForgedAnchor { place: String },
}

/// Walks the chain row by row (rows may arrive in pages).
pub struct Verifier<'k> {
    key: &'k [u8],
    next_seq: i64,
    prev_hash: String,
}

impl<'k> Verifier<'k> {
    pub fn new(key: &'k [u8]) -> Self {
        Self { key, next_seq: 1, prev_hash: GENESIS_HASH.to_string() }
    }

    pub fn feed(&mut self, row: &TrailRecord) -> Result<(), ChainBreak> {
        if row.seq != self.next_seq {
            return Err(ChainBreak::MissingRow(self.next_seq, row.seq));
        }
        if row.prev_hash != self.prev_hash {
            return Err(ChainBreak::BadLink(row.seq));
        }
        if row.compute_hash(self.key) != row.hash {
            return Err(ChainBreak::Altered(row.seq));
        }
        self.prev_hash = row.hash.clone();
        self.next_seq += 1;
        Ok(())
    }

    /// Rows checked so far.
    pub fn count(&self) -> i64 {
        self.next_seq - 1
    }

    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.next_seq - 1;
        if head_seq != last {
            return Err(ChainBreak::Truncated { head_seq, last_seq: last });
        }
        if head_hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch(last));
        }
        Ok(last)
    }
}

/// Walk the whole stored chain. `Ok(Ok(rows))` when intact; `Ok(Err((rows_checked, break)))`
/// names the first broken link.
///
/// Besides the links and each row's HMAC: the head must carry its seal, and every head a
/// signed monthly report recorded (an anchor kept outside the chain) must still be in the chain
/// with the same hash — so the newest rows cannot be cut off with the head rewritten.
pub async fn verify_store(
    store: &dyn super::store::Store,
    key: &[u8],
) -> Result<Result<i64, (i64, ChainBreak)>, super::store::StoreError> {
    verify_store_with(store, key, &Anchors::default()).await
}

/// [`verify_store`], and against the heads the central log system holds ([`Anchors`]): every
/// anchored row must be in the trail with the anchor's hash — a trail that ends before the
/// newest anchored head was rolled back.
pub async fn verify_store_with(
    store: &dyn super::store::Store,
    key: &[u8],
    forwarded: &Anchors,
) -> Result<Result<i64, (i64, ChainBreak)>, super::store::StoreError> {
    if store.trail_key_fingerprint().await?.is_some_and(|f| f != key_fingerprint(key)) {
        return Ok(Err((0, ChainBreak::OtherKey)));
    }
    // several reports may record one head: each must match
    let mut anchors: std::collections::BTreeMap<i64, Vec<(i64, String)>> = Default::default();
    for (report, seq, hash) in store.report_anchors().await? {
        anchors.entry(seq).or_default().push((report, hash));
    }
    let mut v = Verifier::new(key);
    let mut after = 0;
    loop {
        let rows = store.trail_rows(after, 1000).await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            if let Err(b) = v.feed(r) {
                return Ok(Err((v.count(), b)));
            }
            for (report, hash) in anchors.remove(&r.seq).unwrap_or_default() {
                if hash != r.hash {
                    return Ok(Err((v.count(), ChainBreak::AnchorMismatch { report, seq: r.seq })));
                }
            }
            if let Some((hash, place)) = forwarded.by_seq.get(&r.seq) {
                if *hash != r.hash {
                    let b = ChainBreak::ForwardedAnchorMismatch { seq: r.seq, place: place.clone() };
                    return Ok(Err((v.count(), b)));
                }
            }
            after = r.seq;
        }
    }
    let (head_seq, head_hash, mac) = store.trail_head_sealed().await?;
    let checked = v.count();
    if let Some((seq, (report, _))) = anchors.into_iter().find_map(|(seq, v)| v.into_iter().next().map(|a| (seq, a))) {
        return Ok(Err((checked, ChainBreak::AnchorMissing { report, seq })));
    }
    let last = match v.finish(head_seq, &head_hash) {
        Ok(last) => last,
        Err(b) => return Ok(Err((checked, b))),
    };
    let sealed = match mac {
        Some(m) => m == head_mac(key, head_seq, &head_hash),
        None => head_seq == 0,
    };
    if !sealed {
        return Ok(Err((checked, ChainBreak::HeadForged(head_seq))));
    }
    if let Some((anchored_seq, place)) = forwarded.newest().filter(|(seq, _)| *seq > last) {
        return Ok(Err((checked, ChainBreak::RolledBack { last_seq: last, anchored_seq, place: place.to_string() })));
    }
    Ok(Ok(last))
}

/// Whether `key` is the trail's key: it verifies the newest row and the head's seal (a head
/// from before the seal existed passes on the row alone). Checked at every start; a read only.
pub async fn check_key(store: &dyn super::store::Store, key: &[u8]) -> Result<bool, super::store::StoreError> {
    let (seq, hash, mac) = store.trail_head_sealed().await?;
    if seq == 0 {
        return Ok(true);
    }
    let Some(newest) = store.trail_rows(seq - 1, 1).await?.into_iter().next() else { return Ok(false) };
    if newest.seq != seq || newest.hash != hash || newest.compute_hash(key) != newest.hash {
        return Ok(false);
    }
    Ok(mac.is_none_or(|m| m == head_mac(key, seq, &hash)))
}

/// Seal a head from before the seal existed (migration 0011), once the key has been checked
/// against the newest row; nothing to do when it is sealed. Returns whether it sealed.
pub async fn seal_legacy_head(store: &dyn super::store::Store) -> Result<bool, super::store::StoreError> {
    let (seq, hash, mac) = store.trail_head_sealed().await?;
    if seq == 0 || mac.is_some() {
        return Ok(false);
    }
    match store.seal_trail_head(seq, &hash).await {
        Ok(()) => Ok(true),
        // another instance starting at the same moment sealed it (or the head moved on, sealed)
        Err(super::store::StoreError::Stale(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64, key: &[u8]) -> Vec<TrailRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let r = TrailDraft::new(TrailAction::TrailRead, Outcome::Success)
                    .details(serde_json::json!({ "n": seq }))
                    .into_record(seq, prev.clone(), key);
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rows: &[TrailRecord], head: (i64, &str), key: &[u8]) -> Result<i64, ChainBreak> {
        let mut v = Verifier::new(key);
        for r in rows {
            v.feed(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn a_row_is_bounded_whatever_the_draft_holds() {
        let huge = "x".repeat(1_000_000);
        let r = TrailDraft::new(TrailAction::AuthzDenied, Outcome::Denied)
            .case(huge.clone())
            .subject(huge.clone())
            .ip(Some(huge.clone()))
            .object(&huge, &huge)
            .details(serde_json::json!({
                "a": huge,
                "list": (0..100_000).collect::<Vec<_>>(),
                "many": (0..50).map(|i| "y".repeat(1_999 + i)).collect::<Vec<_>>(),
            }))
            .into_record(1, GENESIS_HASH.into(), b"k");
        for f in [&r.case_number, &r.subject_national_id, &r.client_ip, &r.object_type, &r.object_id] {
            assert!(f.as_ref().unwrap().chars().count() <= MAX_FIELD_CHARS + 1);
        }
        assert!(r.details.len() <= MAX_DETAILS_BYTES, "{}", r.details.len());
        let d: serde_json::Value = serde_json::from_str(&r.details).unwrap();
        assert_eq!(d["oversized"], true);
        // ordinary details pass unchanged
        let details = serde_json::json!({ "reason": "wrong_password", "n": [1, 2, 3] });
        let r = TrailDraft::new(TrailAction::AuthLogin, Outcome::Failure).details(details.clone()).into_record(
            1,
            GENESIS_HASH.into(),
            b"k",
        );
        assert_eq!(r.details, details.to_string());
        let clipped: serde_json::Value =
            serde_json::from_str(&bounded_details(serde_json::json!({ "s": "z".repeat(5_000) }))).unwrap();
        assert_eq!(clipped["s"].as_str().unwrap().chars().count(), MAX_DETAIL_STRING_CHARS + 1);
    }

    #[test]
    fn every_trail_action_has_its_own_code() {
        let mut seen = std::collections::HashSet::new();
        for a in TrailAction::ALL {
            assert!(seen.insert(a.code()), "{} is used twice", a.code());
            assert_eq!(TrailAction::parse(a.code()), Some(a));
        }
        // the codes already in stored trails keep their spelling
        assert_eq!(TrailAction::AuthLogin.code(), "auth.login");
        assert_eq!(TrailAction::AuthzDeniedSummary.code(), "authz.denied.summary");
        assert_eq!(TrailAction::LiaisonCancelled.code(), "liaison.cancelled");
    }

    #[test]
    fn anchors_are_found_in_collector_lines_and_checked_with_the_key() {
        let key = b"secret";
        let rows = chain(3, key);
        let a = Anchor { seq: 3, hash: rows[2].hash.clone(), seal: head_mac(key, 3, &rows[2].hash) };
        // a JSON line, and a syslog line as rsyslog writes it
        assert_eq!(Anchor::find_in_line(&a.record()), Some(Ok(a.clone())));
        let syslog = format!("<110>1 2026-01-01T00:00:00Z h yinjian 1 anchor [yinjian@32473 seq=\"3\"] {}", a.record());
        assert_eq!(Anchor::find_in_line(&syslog), Some(Ok(a.clone())));
        assert_eq!(Anchor::find_in_line(r#"{"seq":3,"action":"audit.read"}"#), None);
        assert!(matches!(Anchor::find_in_line(r#"{"yinjian_anchor":{"seq":3,"hash":"x","seal":"y"}}"#), Some(Err(_))));
        assert!(a.sealed_by(key) && !a.sealed_by(b"other"));

        let mut set = Anchors::default();
        assert_eq!(set.add(Ok(a.clone()), "f:1", key), Ok(()));
        assert_eq!(set.add(Ok(a.clone()), "f:2", key), Ok(()), "the same anchor twice (a batch sent again)");
        let forged = Anchor { seq: 9, hash: a.hash.clone(), seal: a.seal.clone() };
        assert_eq!(set.add(Ok(forged), "f:3", key), Err(ChainBreak::ForgedAnchor { place: "f:3".into() }));
        let other = Anchor { seq: 3, hash: rows[1].hash.clone(), seal: head_mac(key, 3, &rows[1].hash) };
        assert_eq!(
            set.add(Ok(other), "f:4", key),
            Err(ChainBreak::ForwardedAnchorMismatch { seq: 3, place: "f:4".into() })
        );
        assert_eq!(set.newest(), Some((3, "f:1")));
        assert_eq!(set.read, 3);
    }

    #[test]
    fn intact_chain_verifies_and_tampering_is_named() {
        let key = b"secret";
        let rows = chain(5, key);
        let head_hash = rows[4].hash.clone();
        assert_eq!(verify(&rows, (5, &head_hash), key), Ok(5));

        let mut altered = rows.clone();
        altered[2].details = "{\"n\":99}".into();
        assert_eq!(verify(&altered, (5, &head_hash), key), Err(ChainBreak::Altered(3)));

        assert_eq!(verify(&rows[..3], (5, &head_hash), key), Err(ChainBreak::Truncated { head_seq: 5, last_seq: 3 }));

        let mut gap = rows.clone();
        gap.remove(1);
        assert_eq!(verify(&gap, (5, &head_hash), key), Err(ChainBreak::MissingRow(2, 3)));

        assert_eq!(verify(&rows, (5, &head_hash), b"other key"), Err(ChainBreak::Altered(1)));
    }
}
