//! Trail events to the central log system (附件三 4(10)): every event, in `seq` order, at least
//! once, to each configured collector — syslog (RFC 5424; over TCP with octet counting, RFC 6587,
//! or to a local datagram socket) and/or JSON lines appended to a file.
//!
//! Each collector has a cursor in the database (the last `seq` it accepted). A collector that is
//! down keeps its cursor; when it is back it gets everything from there, in order. Of several
//! instances one sends at a time (a lease on the cursor); a batch whose acceptance was not
//! confirmed is sent again, so a collector may see an event twice after a crash — every message
//! carries its `seq` (MSGID `audit`, structured data `seq=`) for it to drop duplicates by.
//!
//! Over TCP a batch counts as accepted when the collector has read all of it: the connection's
//! write half is shut and the collector's end of the connection is read to its close.
//! Personal data: national ID numbers are masked, in the subject and anywhere in the details.

use std::path::PathBuf;
use std::time::Duration;

use app::domain::NationalId;
use app::server::store::DynStore;
use app::server::trail::TrailRecord;
use chrono::{SecondsFormat, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Events per batch.
const BATCH: i64 = 500;
/// How long one instance holds a collector's cursor without renewing it.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// The structured-data id (a private enterprise number is not registered; 32473 is the one
/// RFC 5612 reserves for documentation and examples).
const SD_ID: &str = "yinjian@32473";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `syslog+tcp://host:port`
    SyslogTcp(String),
    /// `syslog+unix:/path/to/socket` (a datagram socket such as rsyslog's imuxsock)
    SyslogUnix(PathBuf),
    /// `file:/path/events.jsonl`
    File(PathBuf),
}

impl Target {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(a) = s.strip_prefix("syslog+tcp://") {
            if a.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()) {
                return Ok(Self::SyslogTcp(a.trim_end_matches('/').to_string()));
            }
            return Err(format!("{s}: expected syslog+tcp://HOST:PORT"));
        }
        if let Some(p) = s.strip_prefix("syslog+unix:") {
            return Ok(Self::SyslogUnix(p.into()));
        }
        if let Some(p) = s.strip_prefix("file:") {
            return Ok(Self::File(p.into()));
        }
        Err(format!("{s}: a collector is syslog+tcp://HOST:PORT, syslog+unix:/PATH or file:/PATH"))
    }

    /// The cursor's name in the database.
    pub fn name(&self) -> String {
        match self {
            Self::SyslogTcp(a) => format!("syslog+tcp://{a}"),
            Self::SyslogUnix(p) => format!("syslog+unix:{}", p.display()),
            Self::File(p) => format!("file:{}", p.display()),
        }
    }
}

/// Mask everything shaped like a national ID or resident certificate number (a capital letter,
/// then 1, 2, 8 or 9, then eight digits) that stands on its own.
pub fn mask_ids(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut last = 0;
    while i + 10 <= b.len() {
        let alone_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let alone_after = i + 10 == b.len() || !b[i + 10].is_ascii_alphanumeric();
        if alone_before
            && alone_after
            && b[i].is_ascii_uppercase()
            && matches!(b[i + 1], b'1' | b'2' | b'8' | b'9')
            && b[i + 2..i + 10].iter().all(u8::is_ascii_digit)
        {
            out.push_str(&s[last..i]);
            out.push_str(&s[i..i + 3]);
            out.push_str("****");
            out.push_str(&s[i + 7..i + 10]);
            i += 10;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = mask_ids(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(mask_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(mask_json),
        _ => {}
    }
}

/// The event as forwarded: every field, IDs masked.
pub fn event_json(r: &TrailRecord) -> serde_json::Value {
    let mut details: serde_json::Value =
        serde_json::from_str(&r.details).unwrap_or_else(|_| serde_json::Value::String(r.details.clone()));
    mask_json(&mut details);
    serde_json::json!({
        "seq": r.seq,
        "occurred_at": r.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "actor_id": r.actor_id,
        "actor_employee_no": r.actor_employee_no,
        "actor_roles": r.actor_roles,
        "actor_unit_id": r.actor_unit_id,
        "action": r.action,
        "object_type": r.object_type,
        "object_id": r.object_id,
        "case_number": r.case_number.as_deref().map(mask_ids),
        "subject_national_id": r.subject_national_id.as_deref().map(NationalId::mask_stored),
        "client_ip": r.client_ip,
        "outcome": r.outcome,
        "details": details,
        "prev_hash": r.prev_hash,
        "hash": r.hash,
    })
}

fn sd_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace(']', "\\]")
}

/// One RFC 5424 message (facility 13, log audit; notice for refusals, info otherwise).
pub fn syslog_message(r: &TrailRecord, hostname: &str) -> String {
    let severity = if r.outcome == app::server::trail::Outcome::Success.code() { 6 } else { 5 };
    format!(
        "<{}>1 {} {} yinjian {} audit [{SD_ID} seq=\"{}\" action=\"{}\" outcome=\"{}\" hash=\"{}\"] {}",
        13 * 8 + severity,
        r.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        hostname,
        std::process::id(),
        r.seq,
        sd_escape(&r.action),
        sd_escape(&r.outcome),
        r.hash,
        event_json(r)
    )
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && h.is_ascii() && !h.contains(' '))
        .unwrap_or_else(|| "-".into())
}

async fn send(target: &Target, rows: &[TrailRecord]) -> Result<(), String> {
    let host = hostname();
    match target {
        Target::SyslogTcp(addr) => {
            let io = async {
                let mut c = tokio::net::TcpStream::connect(addr).await?;
                let mut buf = Vec::new();
                for r in rows {
                    let m = syslog_message(r, &host);
                    buf.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
                }
                c.write_all(&buf).await?;
                c.flush().await?;
                // accepted once the collector has read it all and closed its end
                c.shutdown().await?;
                let mut sink = [0u8; 256];
                while c.read(&mut sink).await? > 0 {}
                Ok::<(), std::io::Error>(())
            };
            tokio::time::timeout(Duration::from_secs(30), io)
                .await
                .map_err(|_| format!("{addr}: no answer within 30 s"))?
                .map_err(|e| format!("{addr}: {e}"))
        }
        Target::SyslogUnix(path) => {
            let s = tokio::net::UnixDatagram::unbound().map_err(|e| e.to_string())?;
            for r in rows {
                s.send_to(syslog_message(r, &host).as_bytes(), path)
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Ok(())
        }
        Target::File(path) => {
            use std::io::Write;
            // the service user's only: masked IDs still leave who looked up what case
            let mut f = crate::files::append_private(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut buf = Vec::new();
            for r in rows {
                buf.extend_from_slice(event_json(r).to_string().as_bytes());
                buf.push(b'\n');
            }
            f.write_all(&buf).and_then(|_| f.sync_data()).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// Send what `target` has not had yet, as `holder`; the number of events it accepted.
/// Nothing happens while another instance holds the cursor.
pub async fn forward_once(store: &DynStore, target: &Target, holder: &str) -> Result<usize, String> {
    let name = target.name();
    let now = Utc::now();
    let Some(mut cursor) = store.forward_claim(&name, holder, now, now + LEASE).await.map_err(|e| e.to_string())?
    else {
        return Ok(0);
    };
    let mut sent = 0;
    loop {
        let rows = store.trail_rows(cursor, BATCH).await.map_err(|e| e.to_string())?;
        let Some(last) = rows.last().map(|r| r.seq) else { break };
        if let Err(e) = send(target, &rows).await {
            let _ = store.forward_failed(&name, holder, &e, Utc::now()).await;
            return Err(e);
        }
        let now = Utc::now();
        if !store.forward_advance(&name, holder, cursor, last, now).await.map_err(|e| e.to_string())? {
            // the lease went to another instance meanwhile: it carries on from the cursor
            break;
        }
        sent += rows.len();
        cursor = last;
        // keep the lease while a long backlog drains
        if store.forward_claim(&name, holder, now, now + LEASE).await.map_err(|e| e.to_string())?.is_none() {
            break;
        }
    }
    Ok(sent)
}

/// Forward to every target every `every` (the server starts this once).
pub fn spawn(store: DynStore, targets: Vec<Target>, every: Duration) {
    if targets.is_empty() {
        return;
    }
    let holder = format!("{}:{}:{:016x}", hostname(), std::process::id(), rand::random::<u64>());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for t in &targets {
                match forward_once(&store, t, &holder).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(target = %t.name(), events = n, "audit events forwarded"),
                    Err(e) => tracing::warn!(target = %t.name(), error = %e, "audit forwarding: collector unavailable"),
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_masked_where_they_stand_alone() {
        assert_eq!(mask_ids("查 A123456789 之印鑑"), "查 A12****789 之印鑑");
        assert_eq!(mask_ids("A123456789,B287654321"), "A12****789,B28****321");
        assert_eq!(mask_ids("XA123456789"), "XA123456789", "part of a longer token");
        assert_eq!(mask_ids("A1234567890"), "A1234567890");
        assert_eq!(mask_ids("A323456789"), "A323456789", "not an ID's second digit");
        assert_eq!(mask_ids("案號 115年大安字第001234號"), "案號 115年大安字第001234號");
    }

    #[test]
    fn targets_parse() {
        assert_eq!(Target::parse("syslog+tcp://10.0.0.5:514").unwrap(), Target::SyslogTcp("10.0.0.5:514".into()));
        assert!(Target::parse("syslog+tcp://10.0.0.5").is_err());
        assert_eq!(Target::parse("file:/var/log/y.jsonl").unwrap(), Target::File("/var/log/y.jsonl".into()));
        assert_eq!(Target::parse("syslog+unix:/dev/log").unwrap().name(), "syslog+unix:/dev/log");
        assert!(Target::parse("http://x").is_err());
    }
}
