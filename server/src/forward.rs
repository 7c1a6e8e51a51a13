//! Trail events to the central log system (附件三 4(10)): every event, in `seq` order, at least
//! once, to each configured collector — syslog (RFC 5424; over TLS, RFC 5425, or over plain TCP,
//! with octet counting, RFC 6587; or to a local datagram socket) and/or JSON lines appended to a
//! file.
//!
//! Each collector has a cursor in the database (the last `seq` it accepted). A collector that is
//! down keeps its cursor; when it is back it gets everything from there, in order. Of several
//! instances one sends at a time (a lease on the cursor); a batch whose acceptance was not
//! confirmed is sent again, so a collector may see an event twice after a crash — every message
//! carries its `seq` (MSGID `audit`, structured data `seq=`) for it to drop duplicates by (the MSGID
//! stays `audit`, the name collectors filter on, through #38's rename).
//!
//! Over TCP (and TLS) a batch counts as accepted when the collector has read all of it: the
//! connection's write half is shut and the collector's end of the connection is read to its
//! close. Over TLS the collector's certificate must chain to the configured CA, carry the host's
//! name and, when pins are configured, match one: nothing is sent to any other.
//! Every batch ends with an anchor: the chain's head at that moment with its seal (HMAC under the
//! trail key), so the collector holds heads the database cannot take back — `yinjian trail verify
//! --anchors FILE` finds a trail rolled back to an older sealed head (`app::server::trail::Anchor`).
//!
//! Personal data: national ID numbers are masked, in the subject and anywhere in the details.

use std::path::PathBuf;
use std::time::Duration;

use app::domain::NationalId;
use app::server::store::DynStore;
use app::server::trail::{Anchor, TrailRecord};
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
    /// `syslog+tcp://host:port` (clear text: for a collector on the same host or a trusted link)
    SyslogTcp(String),
    /// `syslog+tls://host:port` (RFC 5425): the collector's certificate must chain to the CA file
    /// and name the host, and match a pin when pins are given
    SyslogTls(TlsTarget),
    /// `syslog+unix:/path/to/socket` (a datagram socket such as rsyslog's imuxsock)
    SyslogUnix(PathBuf),
    /// `file:/path/events.jsonl`
    File(PathBuf),
}

/// How a `syslog+tls://` collector is trusted: `YINJIAN_FORWARD_CA_FILE` (PEM, the CA that
/// signed the collector's certificate; required) and `YINJIAN_FORWARD_PIN_SHA256` (optional:
/// SHA-256 of the collector certificate's public key (SPKI) or of the certificate itself, hex).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub pins: Vec<[u8; 32]>,
}

impl TlsOptions {
    /// Pins as configured: comma-separated SHA-256 values in hex (`AB:CD:…` as `openssl x509
    /// -fingerprint -sha256` prints them, or plain).
    pub fn parse_pins(values: &[String]) -> Result<Vec<[u8; 32]>, String> {
        values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                let hex_digits: String = v.chars().filter(|c| *c != ':').collect();
                hex::decode(&hex_digits)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| format!("{v}: a pin is a SHA-256 in hex (64 hex digits, colons allowed)"))
            })
            .collect()
    }
}

/// A TLS collector: its address, the name its certificate must carry, and the client settings.
#[derive(Clone)]
pub struct TlsTarget {
    pub addr: String,
    server_name: rustls::pki_types::ServerName<'static>,
    config: std::sync::Arc<rustls::ClientConfig>,
    options: TlsOptions,
}

impl PartialEq for TlsTarget {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr && self.options == other.options
    }
}
impl Eq for TlsTarget {}

impl std::fmt::Debug for TlsTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTarget").field("addr", &self.addr).field("options", &self.options).finish()
    }
}

impl TlsTarget {
    fn new(addr: &str, options: &TlsOptions) -> Result<Self, String> {
        use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
        let Some(ca_file) = &options.ca_file else {
            return Err(format!(
                "syslog+tls://{addr}: the collector's CA is needed (YINJIAN_FORWARD_CA_FILE, a PEM file)"
            ));
        };
        let mut roots = rustls::RootCertStore::empty();
        let certs = CertificateDer::pem_file_iter(ca_file)
            .map_err(|e| format!("YINJIAN_FORWARD_CA_FILE {}: {e}", ca_file.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("YINJIAN_FORWARD_CA_FILE {}: {e}", ca_file.display()))?;
            roots.add(cert).map_err(|e| format!("YINJIAN_FORWARD_CA_FILE {}: {e}", ca_file.display()))?;
        }
        if roots.is_empty() {
            return Err(format!("YINJIAN_FORWARD_CA_FILE {}: no certificate in it", ca_file.display()));
        }
        let host = addr.rsplit_once(':').map(|(h, _)| h).unwrap_or(addr);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let server_name = ServerName::try_from(host.to_string())
            .map_err(|e| format!("syslog+tls://{addr}: {host} is not a host name or address: {e}"))?;
        // ring (builds with the C compiler alone; aws-lc-rs would need cmake and nasm): rustls
        // 0.23.48 marks it deprecated because it offers no post-quantum key exchange, which the
        // collectors on the city network (rsyslog with GnuTLS) do not offer either
        #[allow(deprecated)]
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(roots.into(), provider.clone())
            .build()
            .map_err(|e| format!("YINJIAN_FORWARD_CA_FILE {}: {e}", ca_file.display()))?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(PinnedVerifier { inner, pins: options.pins.clone() }))
            .with_no_client_auth();
        Ok(Self { addr: addr.to_string(), server_name, config: std::sync::Arc::new(config), options: options.clone() })
    }
}

/// The collector's certificate is checked as usual (chain to the CA file, validity, the host
/// name), and then, when pins are configured, its public key or the certificate itself must
/// have one of the pinned SHA-256 values.
#[derive(Debug)]
struct PinnedVerifier {
    inner: std::sync::Arc<rustls::client::WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
}

struct PinMismatch;

impl std::fmt::Debug for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the collector's certificate matches none of YINJIAN_FORWARD_PIN_SHA256")
    }
}
impl std::error::Error for PinMismatch {}

impl rustls::client::danger::ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use sha2::{Digest, Sha256};
        let verified = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let cert: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        let spki = webpki::EndEntityCert::try_from(end_entity)
            .map(|c| <[u8; 32]>::from(Sha256::digest(c.subject_public_key_info().as_ref())))
            .map_err(|_| rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding))?;
        if self.pins.iter().any(|p| *p == cert || *p == spki) {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
                std::sync::Arc::new(PinMismatch),
            ))))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Whether `host:port` names this machine (a clear-text collector there crosses no network).
pub fn is_loopback(addr: &str) -> bool {
    let host = addr.rsplit_once(':').map(|(h, _)| h).unwrap_or(addr).trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn host_port(a: &str) -> bool {
    a.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
}

impl Target {
    /// A collector without TLS settings (a `syslog+tls://` one is refused: it needs a CA file).
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::parse_with(s, &TlsOptions::default())
    }

    pub fn parse_with(s: &str, tls: &TlsOptions) -> Result<Self, String> {
        let s = s.trim();
        if let Some(a) = s.strip_prefix("syslog+tcp://") {
            let a = a.trim_end_matches('/');
            if host_port(a) {
                return Ok(Self::SyslogTcp(a.to_string()));
            }
            return Err(format!("{s}: expected syslog+tcp://HOST:PORT"));
        }
        if let Some(a) = s.strip_prefix("syslog+tls://") {
            let a = a.trim_end_matches('/');
            if host_port(a) {
                return Ok(Self::SyslogTls(TlsTarget::new(a, tls)?));
            }
            return Err(format!("{s}: expected syslog+tls://HOST:PORT (6514 is the usual port)"));
        }
        if let Some(p) = s.strip_prefix("syslog+unix:") {
            return Ok(Self::SyslogUnix(p.into()));
        }
        if let Some(p) = s.strip_prefix("file:") {
            return Ok(Self::File(p.into()));
        }
        Err(format!(
            "{s}: a collector is syslog+tls://HOST:PORT, syslog+tcp://HOST:PORT, syslog+unix:/PATH or file:/PATH"
        ))
    }

    /// The cursor's name in the database.
    pub fn name(&self) -> String {
        match self {
            Self::SyslogTcp(a) => format!("syslog+tcp://{a}"),
            Self::SyslogTls(t) => format!("syslog+tls://{}", t.addr),
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

/// The anchor as a syslog message (MSGID `anchor`; the record is the message text, so a collector
/// that keeps only the text keeps it whole).
pub fn anchor_message(a: &Anchor, hostname: &str) -> String {
    format!(
        "<110>1 {} {} yinjian {} anchor [{SD_ID} head_seq=\"{}\" head_hash=\"{}\" head_seal=\"{}\"] {}",
        Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        hostname,
        std::process::id(),
        a.seq,
        a.hash,
        a.seal,
        a.record()
    )
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && h.is_ascii() && !h.contains(' '))
        .unwrap_or_else(|| "-".into())
}

/// What went wrong with a TLS collector, in the operator's terms where the handshake refused it.
fn tls_error(e: &std::io::Error) -> String {
    use rustls::CertificateError as C;
    let Some(rustls::Error::InvalidCertificate(c)) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return e.to_string();
    };
    match c {
        C::UnknownIssuer | C::BadSignature => {
            "the collector's certificate is not signed by the CA of YINJIAN_FORWARD_CA_FILE: nothing sent".into()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "the collector's certificate does not name the host of YINJIAN_TRAIL_FORWARD: nothing sent".into()
        }
        C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. } => {
            format!("the collector's certificate is out of its validity period ({c:?}): nothing sent")
        }
        C::Other(o) if o.0.downcast_ref::<PinMismatch>().is_some() => format!("{PinMismatch}: nothing sent"),
        other => format!("the collector's certificate was refused ({other:?}): nothing sent"),
    }
}

/// The messages framed by octet counting (RFC 6587 3.4.1, and RFC 5425 over TLS), the anchor last.
fn octet_counted(rows: &[TrailRecord], anchor: Option<&Anchor>, host: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    for m in rows.iter().map(|r| syslog_message(r, host)).chain(anchor.map(|a| anchor_message(a, host))) {
        buf.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
    }
    buf
}

/// Write `buf`, then wait until the collector has read it all: our write half is shut (over TLS
/// after a close_notify) and the collector's end is read to its close.
async fn deliver<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut c: S, buf: &[u8]) -> std::io::Result<()> {
    c.write_all(buf).await?;
    c.flush().await?;
    c.shutdown().await?;
    let mut sink = [0u8; 256];
    loop {
        match c.read(&mut sink).await {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            // a TLS collector may close the connection without a close_notify of its own once
            // it has read ours: everything before it was read
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

async fn send(target: &Target, rows: &[TrailRecord], anchor: Option<&Anchor>) -> Result<(), String> {
    let host = hostname();
    match target {
        Target::SyslogTcp(addr) => {
            let io = async {
                let c = tokio::net::TcpStream::connect(addr).await?;
                deliver(c, &octet_counted(rows, anchor, &host)).await
            };
            tokio::time::timeout(Duration::from_secs(30), io)
                .await
                .map_err(|_| format!("{addr}: no answer within 30 s"))?
                .map_err(|e| format!("{addr}: {e}"))
        }
        Target::SyslogTls(t) => {
            let io = async {
                let tcp = tokio::net::TcpStream::connect(&t.addr).await?;
                // nothing is written before the collector's certificate has been verified
                let c = tokio_rustls::TlsConnector::from(t.config.clone()).connect(t.server_name.clone(), tcp).await?;
                deliver(c, &octet_counted(rows, anchor, &host)).await
            };
            tokio::time::timeout(Duration::from_secs(30), io)
                .await
                .map_err(|_| format!("{}: no answer within 30 s", t.addr))?
                .map_err(|e| format!("{}: {}", t.addr, tls_error(&e)))
        }
        Target::SyslogUnix(path) => {
            let s = tokio::net::UnixDatagram::unbound().map_err(|e| e.to_string())?;
            for m in rows.iter().map(|r| syslog_message(r, &host)).chain(anchor.map(|a| anchor_message(a, &host))) {
                s.send_to(m.as_bytes(), path).await.map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Ok(())
        }
        Target::File(path) => {
            use std::io::Write;
            // the service user's only: masked IDs still leave who looked up what case
            let mut f = crate::files::append_private(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut buf = Vec::new();
            for line in rows.iter().map(|r| event_json(r).to_string()).chain(anchor.map(Anchor::record)) {
                buf.extend_from_slice(line.as_bytes());
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
    // the collector has rows the head no longer reaches: an older head was put back
    let (head, _) = store.trail_head().await.map_err(|e| e.to_string())?;
    if head < cursor {
        let e = format!(
            "the trail head (row {head}) is behind what this collector already has (row {cursor}): the trail was \
             rolled back; `yinjian trail verify --anchors` with the collector's copy names the cut"
        );
        tracing::error!(target = %name, "{e}");
        let _ = store.forward_failed(&name, holder, &e, Utc::now()).await;
    }
    let mut sent = 0;
    loop {
        let rows = store.trail_rows(cursor, BATCH).await.map_err(|e| e.to_string())?;
        let Some(last) = rows.last().map(|r| r.seq) else { break };
        // the batch ends with the head's anchor: its seq, hash and seal (see `Anchor`)
        let (seq, hash, seal) = store.trail_head_sealed().await.map_err(|e| e.to_string())?;
        let anchor = seal.map(|seal| Anchor { seq, hash, seal });
        if let Err(e) = send(target, &rows, anchor.as_ref()).await {
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
                    Ok(n) => tracing::debug!(target = %t.name(), events = n, "trail events forwarded"),
                    Err(e) => tracing::warn!(target = %t.name(), error = %e, "trail forwarding: collector unavailable"),
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
        let err = Target::parse("syslog+tls://logs:6514").unwrap_err();
        assert!(err.contains("YINJIAN_FORWARD_CA_FILE"), "{err}");
        let err = Target::parse_with("syslog+tls://logs", &TlsOptions { ca_file: Some("/x".into()), pins: vec![] })
            .unwrap_err();
        assert!(err.contains("HOST:PORT"), "{err}");
    }

    #[test]
    fn pins_parse() {
        let hex = "AB".repeat(32);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(TlsOptions::parse_pins(&[hex, colons]).unwrap(), vec![[0xab; 32], [0xab; 32]]);
        assert!(TlsOptions::parse_pins(&["abcd".into()]).is_err());
        assert!(TlsOptions::parse_pins(&["zz".repeat(32)]).is_err());
        assert!(TlsOptions::parse_pins(&[" ".into()]).unwrap().is_empty());
    }
}
