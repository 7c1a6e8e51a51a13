//! Malware scanning of uploads through ClamAV's daemon (`clamd`), spoken to directly over its
//! socket with the `INSTREAM` command. Every uploaded byte goes through [`Scanner::scan`]
//! before anything else (decoder, matcher, store) touches it.
//!
//! One configuration string chooses where clamd listens ([`ScanConfig::parse`]):
//!
//! | string | meaning |
//! | --- | --- |
//! | `off` or empty | scanning disabled: every scan answers [`ScanVerdict::NotScanned`] |
//! | `unix:/run/clamav/clamd.ctl` or `/run/clamav/clamd.ctl` | clamd's local (Unix) socket |
//! | `tcp://127.0.0.1:3310` or `127.0.0.1:3310` | clamd's TCP socket |
//!
//! The protocol (clamd(8)): `zINSTREAM\0`, then chunks each prefixed by its length as a 4-byte
//! big-endian integer, then a zero-length chunk; clamd answers one NUL-terminated line,
//! `stream: OK`, `stream: <signature> FOUND` or `<message> ERROR` (for instance
//! `INSTREAM size limit exceeded. ERROR` once the stream passes clamd's `StreamMaxLength`).
//! `zPING\0` is answered by `PONG\0`.

use std::{fmt, io, path::PathBuf, str::FromStr, sync::Arc, time::Duration};

use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpStream, UnixStream},
};

/// How long one scan or ping may take, connecting included, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Bytes per `INSTREAM` chunk: well below clamd's smallest sensible `StreamMaxLength`.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// Longest reply accepted from clamd (a reply is one short line).
const MAX_REPLY: usize = 4096;

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdTarget {
    /// clamd's `LocalSocket`.
    Unix(PathBuf),
    /// clamd's `TCPAddr`:`TCPSocket`, as `host:port`.
    Tcp(String),
}

impl fmt::Display for ClamdTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClamdTarget::Unix(path) => write!(f, "unix:{}", path.display()),
            ClamdTarget::Tcp(addr) => write!(f, "tcp://{addr}"),
        }
    }
}

/// Whether and where uploads are scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanConfig {
    Disabled,
    Clamd { target: ClamdTarget, timeout: Duration },
}

/// A configuration string [`ScanConfig::parse`] does not understand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scan setting {input:?}: {reason} (expected `off`, `unix:/path/clamd.ctl`, `/path/clamd.ctl`, `tcp://host:port` or `host:port`)")]
pub struct ScanConfigError {
    pub input: String,
    pub reason: &'static str,
}

impl ScanConfig {
    /// Parses one configuration string (see the module documentation); the timeout is
    /// [`DEFAULT_TIMEOUT`], changed with [`ScanConfig::with_timeout`].
    pub fn parse(s: &str) -> Result<Self, ScanConfigError> {
        let input = s.trim();
        let err = |reason| ScanConfigError { input: s.to_string(), reason };
        if input.is_empty() || input.eq_ignore_ascii_case("off") {
            return Ok(ScanConfig::Disabled);
        }
        let target = if let Some(path) = input.strip_prefix("unix:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if !path.starts_with('/') {
                return Err(err("the socket path must be absolute"));
            }
            ClamdTarget::Unix(PathBuf::from(path))
        } else if input.starts_with('/') {
            ClamdTarget::Unix(PathBuf::from(input))
        } else {
            let addr = input.strip_prefix("tcp://").unwrap_or(input);
            let addr = addr.strip_suffix('/').unwrap_or(addr);
            let (host, port) = addr.rsplit_once(':').ok_or_else(|| err("missing port"))?;
            if host.is_empty() || host.contains('/') || host.chars().any(char::is_whitespace) {
                return Err(err("bad host"));
            }
            if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
                return Err(err("an IPv6 address must be written in brackets"));
            }
            match port.parse::<u16>() {
                Ok(p) if p > 0 => {}
                _ => return Err(err("bad port")),
            }
            ClamdTarget::Tcp(addr.to_string())
        };
        Ok(ScanConfig::Clamd { target, timeout: DEFAULT_TIMEOUT })
    }

    /// The same setting with another timeout (no effect when disabled).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        match self {
            ScanConfig::Disabled => ScanConfig::Disabled,
            ScanConfig::Clamd { target, .. } => ScanConfig::Clamd { target, timeout },
        }
    }
}

impl FromStr for ScanConfig {
    type Err = ScanConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScanConfig::parse(s)
    }
}

impl fmt::Display for ScanConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanConfig::Disabled => f.write_str("off"),
            ScanConfig::Clamd { target, .. } => target.fmt(f),
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanVerdict {
    Clean,
    /// The signature clamd named, e.g. `Eicar-Test-Signature`.
    Infected(String),
    /// Scanning is disabled.
    NotScanned,
}

/// Why a scan gave no verdict. None of these means "clean": the caller must refuse the upload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// clamd could not be reached or did not answer in time.
    #[error("virus scanner unavailable: {0}")]
    Unavailable(String),
    /// clamd answered something this client does not understand.
    #[error("virus scanner protocol error: {0}")]
    Protocol(String),
    /// clamd refused the stream (`... ERROR`), e.g. `INSTREAM size limit exceeded.`
    #[error("virus scanner refused the file: {0}")]
    Rejected(String),
}

/// A clamd client; cheap to clone (one `Arc`). Each call opens its own connection.
#[derive(Debug, Clone)]
pub struct Scanner {
    config: Arc<ScanConfig>,
}

impl Scanner {
    pub fn new(config: ScanConfig) -> Self {
        Self { config: Arc::new(config) }
    }

    /// A scanner that scans nothing ([`ScanVerdict::NotScanned`]).
    pub fn disabled() -> Self {
        Self::new(ScanConfig::Disabled)
    }

    pub fn config(&self) -> &ScanConfig {
        &self.config
    }

    pub fn is_enabled(&self) -> bool {
        !matches!(*self.config, ScanConfig::Disabled)
    }

    /// Scans `bytes` with clamd's `INSTREAM`. The whole exchange, connecting included, is
    /// bounded by the configured timeout.
    pub async fn scan(&self, bytes: &[u8]) -> Result<ScanVerdict, ScanError> {
        let ScanConfig::Clamd { target, timeout } = &*self.config else {
            return Ok(ScanVerdict::NotScanned);
        };
        with_timeout(*timeout, target, async {
            match target {
                ClamdTarget::Unix(path) => instream(connect_unix(path).await?, bytes).await,
                ClamdTarget::Tcp(addr) => instream(connect_tcp(addr).await?, bytes).await,
            }
        })
        .await
    }

    /// Asks clamd for `PONG`. Succeeds at once when scanning is disabled (nothing to reach).
    pub async fn ping(&self) -> Result<(), ScanError> {
        let ScanConfig::Clamd { target, timeout } = &*self.config else {
            return Ok(());
        };
        with_timeout(*timeout, target, async {
            match target {
                ClamdTarget::Unix(path) => ping(connect_unix(path).await?).await,
                ClamdTarget::Tcp(addr) => ping(connect_tcp(addr).await?).await,
            }
        })
        .await
    }
}

async fn with_timeout<T>(
    timeout: Duration,
    target: &ClamdTarget,
    fut: impl std::future::Future<Output = Result<T, ScanError>>,
) -> Result<T, ScanError> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(ScanError::Unavailable(format!("clamd at {target} did not answer within {timeout:?}"))),
    }
}

async fn connect_unix(path: &std::path::Path) -> Result<UnixStream, ScanError> {
    UnixStream::connect(path)
        .await
        .map_err(|e| ScanError::Unavailable(format!("cannot connect to clamd at unix:{}: {e}", path.display())))
}

async fn connect_tcp(addr: &str) -> Result<TcpStream, ScanError> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| ScanError::Unavailable(format!("cannot connect to clamd at tcp://{addr}: {e}")))?;
    // Small writes (chunk headers, the terminator) must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

async fn ping<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> Result<(), ScanError> {
    stream.write_all(b"zPING\0").await.map_err(lost)?;
    stream.flush().await.map_err(lost)?;
    let reply = read_reply(&mut stream).await.map_err(lost)?;
    if reply == "PONG" {
        Ok(())
    } else {
        Err(ScanError::Protocol(format!("unexpected answer to PING: {reply:?}")))
    }
}

/// Sends the stream while listening: clamd may answer (and hang up) before the last chunk,
/// e.g. when the size limit is exceeded, and that answer is what counts.
async fn instream<S: AsyncRead + AsyncWrite>(stream: S, bytes: &[u8]) -> Result<ScanVerdict, ScanError> {
    let (mut rd, mut wr) = tokio::io::split(stream);
    let send = async {
        wr.write_all(b"zINSTREAM\0").await?;
        let mut frame = Vec::with_capacity(4 + CHUNK_SIZE.min(bytes.len()));
        for chunk in bytes.chunks(CHUNK_SIZE) {
            frame.clear();
            frame.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
            frame.extend_from_slice(chunk);
            wr.write_all(&frame).await?;
        }
        wr.write_all(&0u32.to_be_bytes()).await?;
        wr.flush().await
    };
    let receive = read_reply(&mut rd);
    tokio::pin!(send, receive);
    let reply = tokio::select! {
        sent = &mut send => match sent {
            Ok(()) => receive.await.map_err(lost)?,
            // clamd hung up mid-stream; its reason may already be waiting to be read.
            Err(send_err) => match receive.await {
                Ok(reply) if !reply.is_empty() => reply,
                _ => return Err(lost(send_err)),
            },
        },
        early = &mut receive => early.map_err(lost)?,
    };
    parse_scan_reply(&reply)
}

fn lost(e: io::Error) -> ScanError {
    ScanError::Unavailable(format!("connection to clamd failed: {e}"))
}

/// Reads one NUL-terminated reply (or up to EOF), without the NUL.
async fn read_reply<R: AsyncRead + Unpin>(rd: &mut R) -> io::Result<String> {
    let mut buf = Vec::with_capacity(64);
    let mut byte = [0u8; 256];
    loop {
        let n = rd.read(&mut byte).await?;
        if n == 0 {
            break;
        }
        if let Some(end) = byte[..n].iter().position(|&b| b == 0) {
            buf.extend_from_slice(&byte[..end]);
            break;
        }
        buf.extend_from_slice(&byte[..n]);
        if buf.len() > MAX_REPLY {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "reply too long"));
        }
    }
    Ok(String::from_utf8_lossy(&buf).trim().to_string())
}

/// Interprets clamd's answer to `INSTREAM` (trailing NUL and whitespace already removed or not).
pub fn parse_scan_reply(reply: &str) -> Result<ScanVerdict, ScanError> {
    let reply = reply.trim_end_matches('\0').trim();
    if reply.is_empty() {
        return Err(ScanError::Protocol("clamd closed the connection without an answer".into()));
    }
    // In IDSESSION mode replies carry a "<id>: " prefix; INSTREAM's carry "stream: ".
    let body = reply.strip_prefix("stream: ").unwrap_or(reply);
    if body == "OK" {
        return Ok(ScanVerdict::Clean);
    }
    if let Some(msg) = reply.strip_suffix(" ERROR") {
        let msg = msg.strip_prefix("stream: ").unwrap_or(msg).trim();
        return Err(ScanError::Rejected(msg.to_string()));
    }
    if let Some(sig) = body.strip_suffix(" FOUND") {
        let sig = sig.trim();
        if !sig.is_empty() && reply.starts_with("stream: ") {
            return Ok(ScanVerdict::Infected(sig.to_string()));
        }
    }
    Err(ScanError::Protocol(format!("unexpected answer to INSTREAM: {reply:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clamd(target: ClamdTarget) -> ScanConfig {
        ScanConfig::Clamd { target, timeout: DEFAULT_TIMEOUT }
    }

    #[test]
    fn scan_config_parses_every_form() {
        assert_eq!(ScanConfig::parse("off").unwrap(), ScanConfig::Disabled);
        assert_eq!(ScanConfig::parse("OFF").unwrap(), ScanConfig::Disabled);
        assert_eq!(ScanConfig::parse("").unwrap(), ScanConfig::Disabled);
        assert_eq!(ScanConfig::parse("  ").unwrap(), ScanConfig::Disabled);
        let sock = ClamdTarget::Unix(PathBuf::from("/run/clamav/clamd.ctl"));
        assert_eq!(ScanConfig::parse("unix:/run/clamav/clamd.ctl").unwrap(), clamd(sock.clone()));
        assert_eq!(ScanConfig::parse("unix:///run/clamav/clamd.ctl").unwrap(), clamd(sock.clone()));
        assert_eq!(ScanConfig::parse("/run/clamav/clamd.ctl").unwrap(), clamd(sock));
        let tcp = ClamdTarget::Tcp("127.0.0.1:3310".into());
        assert_eq!(ScanConfig::parse("tcp://127.0.0.1:3310").unwrap(), clamd(tcp.clone()));
        assert_eq!(ScanConfig::parse("127.0.0.1:3310").unwrap(), clamd(tcp));
        assert_eq!(
            ScanConfig::parse("clamav.internal:3310").unwrap(),
            clamd(ClamdTarget::Tcp("clamav.internal:3310".into()))
        );
        assert_eq!(ScanConfig::parse("tcp://[::1]:3310").unwrap(), clamd(ClamdTarget::Tcp("[::1]:3310".into())));
        assert_eq!("tcp://h:1".parse::<ScanConfig>().unwrap(), clamd(ClamdTarget::Tcp("h:1".into())));
    }

    #[test]
    fn scan_config_rejects_nonsense() {
        for bad in [
            "unix:relative.sock",
            "unix:",
            "clamd.sock",
            "tcp://host",
            "host:",
            ":3310",
            "host:0",
            "host:65536",
            "host:port",
            "tcp://::1:3310",
            "http://host:80/x",
        ] {
            let err = ScanConfig::parse(bad).unwrap_err();
            assert_eq!(err.input, bad);
            assert!(err.to_string().contains("invalid scan setting"), "{err}");
        }
    }

    #[test]
    fn scan_config_timeout_and_display() {
        let c = ScanConfig::parse("unix:/s").unwrap().with_timeout(Duration::from_secs(3));
        assert_eq!(c, ScanConfig::Clamd { target: ClamdTarget::Unix("/s".into()), timeout: Duration::from_secs(3) });
        assert_eq!(c.to_string(), "unix:/s");
        assert_eq!(ScanConfig::parse("h:1").unwrap().to_string(), "tcp://h:1");
        assert_eq!(ScanConfig::Disabled.with_timeout(Duration::from_secs(1)), ScanConfig::Disabled);
        assert_eq!(ScanConfig::Disabled.to_string(), "off");
        assert!(!Scanner::disabled().is_enabled());
        assert!(Scanner::new(c).is_enabled());
    }

    #[test]
    fn scan_replies_are_understood() {
        assert_eq!(parse_scan_reply("stream: OK"), Ok(ScanVerdict::Clean));
        assert_eq!(parse_scan_reply("stream: OK\0"), Ok(ScanVerdict::Clean));
        assert_eq!(
            parse_scan_reply("stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0"),
            Ok(ScanVerdict::Infected("Eicar-Test-Signature.UNOFFICIAL".into()))
        );
        assert_eq!(
            parse_scan_reply("stream: Win.Test.EICAR_HDB-1 FOUND"),
            Ok(ScanVerdict::Infected("Win.Test.EICAR_HDB-1".into()))
        );
        assert_eq!(
            parse_scan_reply("INSTREAM size limit exceeded. ERROR\0"),
            Err(ScanError::Rejected("INSTREAM size limit exceeded.".into()))
        );
        assert_eq!(
            parse_scan_reply("stream: Can't allocate memory ERROR"),
            Err(ScanError::Rejected("Can't allocate memory".into()))
        );
        for bad in ["", "\0", "UNKNOWN COMMAND", "PONG", "stream:  FOUND", "FOUND", "x FOUND"] {
            assert!(matches!(parse_scan_reply(bad), Err(ScanError::Protocol(_))), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn disabled_scanner_scans_nothing() {
        let s = Scanner::disabled();
        assert_eq!(s.scan(b"anything").await, Ok(ScanVerdict::NotScanned));
        assert_eq!(s.ping().await, Ok(()));
    }

    /// The wire format against an in-process fake clamd (the real one is exercised in
    /// server/tests/it/scan.rs).
    #[tokio::test]
    async fn instream_frames_chunks_and_terminator() {
        let (client, mut server) = tokio::io::duplex(1 << 20);
        let data: Vec<u8> = (0..(CHUNK_SIZE * 2 + 10)).map(|i| i as u8).collect();
        let fake = tokio::spawn(async move {
            let mut cmd = [0u8; 10];
            server.read_exact(&mut cmd).await.unwrap();
            assert_eq!(&cmd, b"zINSTREAM\0");
            let mut got = Vec::new();
            let mut sizes = Vec::new();
            loop {
                let mut len = [0u8; 4];
                server.read_exact(&mut len).await.unwrap();
                let len = u32::from_be_bytes(len) as usize;
                sizes.push(len);
                if len == 0 {
                    break;
                }
                let mut chunk = vec![0u8; len];
                server.read_exact(&mut chunk).await.unwrap();
                got.extend_from_slice(&chunk);
            }
            server.write_all(b"stream: OK\0").await.unwrap();
            (got, sizes)
        });
        assert_eq!(instream(client, &data).await, Ok(ScanVerdict::Clean));
        let (got, sizes) = fake.await.unwrap();
        assert_eq!(got, data);
        assert_eq!(sizes, vec![CHUNK_SIZE, CHUNK_SIZE, 10, 0]);
    }

    /// clamd's early answer (size limit) wins even though the client is still sending.
    #[tokio::test]
    async fn instream_takes_an_early_error() {
        let (client, mut server) = tokio::io::duplex(1024);
        let fake = tokio::spawn(async move {
            let mut cmd = [0u8; 10];
            server.read_exact(&mut cmd).await.unwrap();
            server.write_all(b"INSTREAM size limit exceeded. ERROR\0").await.unwrap();
            drop(server);
        });
        let data = vec![7u8; 1 << 20];
        assert_eq!(instream(client, &data).await, Err(ScanError::Rejected("INSTREAM size limit exceeded.".into())));
        fake.await.unwrap();
    }

    #[tokio::test]
    async fn missing_socket_is_unavailable() {
        let s = Scanner::new(ScanConfig::parse("unix:/nonexistent/clamd.sock").unwrap());
        assert!(matches!(s.scan(b"x").await, Err(ScanError::Unavailable(_))));
        assert!(matches!(s.ping().await, Err(ScanError::Unavailable(_))));
    }
}
