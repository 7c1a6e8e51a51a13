//! Malware scanning against a real clamd (see common/clamd.rs): EICAR is found, a real seal
//! image is clean, clamd's size limit is a refusal, and an unreachable clamd is an error at
//! once, never a "clean".

use std::time::{Duration, Instant};

use crate::common::clamd::{self, Clamd};
use app::server::scan::{ClamdTarget, ScanConfig, ScanError, ScanVerdict, Scanner};

fn seal_png() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/matcher/tests/fixtures/seal/registered/r0004.png");
    std::fs::read(path).unwrap()
}

#[test]
fn md5_matches_rfc_1321_and_the_known_eicar_hash() {
    assert_eq!(clamd::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(clamd::md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    assert_eq!(
        clamd::md5_hex(b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
        "57edf4a22be3c955ac49da2e2107b67a"
    );
    assert_eq!(clamd::md5_hex(&clamd::eicar()), "44d88612fea8a8f36de82e1278abb02f");
}

#[tokio::test]
async fn eicar_is_infected() {
    let Some(clamd) = clamd::shared() else { return };
    let verdict = clamd.scanner().scan(&clamd::eicar()).await;
    match verdict {
        Ok(ScanVerdict::Infected(sig)) => assert!(sig.starts_with(clamd::SIGNATURE), "{sig}"),
        other => panic!("EICAR not found: {other:?}\n{}", clamd.logs()),
    }
}

#[tokio::test]
async fn a_seal_image_is_clean() {
    let Some(clamd) = clamd::shared() else { return };
    let png = seal_png();
    assert!(png.len() > 2 * app::server::scan::CHUNK_SIZE / 3, "fixture unexpectedly small");
    assert_eq!(clamd.scanner().scan(&png).await, Ok(ScanVerdict::Clean), "{}", clamd.logs());
    // several chunks, and an empty stream
    let big: Vec<u8> = png.iter().cycle().take(5 * app::server::scan::CHUNK_SIZE + 123).copied().collect();
    assert_eq!(clamd.scanner().scan(&big).await, Ok(ScanVerdict::Clean));
    assert_eq!(clamd.scanner().scan(b"").await, Ok(ScanVerdict::Clean));
}

#[tokio::test]
async fn ping_answers() {
    let Some(clamd) = clamd::shared() else { return };
    assert_eq!(clamd.scanner().ping().await, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_scans_keep_their_verdicts() {
    let Some(clamd) = clamd::shared() else { return };
    let scanner = clamd.scanner();
    let png = seal_png();
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let scanner = scanner.clone();
            let bytes = if i % 3 == 0 { clamd::eicar() } else { png.clone() };
            tokio::spawn(async move { (i, scanner.scan(&bytes).await) })
        })
        .collect();
    for t in tasks {
        let (i, verdict) = t.await.unwrap();
        if i % 3 == 0 {
            assert!(matches!(verdict, Ok(ScanVerdict::Infected(_))), "{i}: {verdict:?}");
        } else {
            assert_eq!(verdict, Ok(ScanVerdict::Clean), "{i}");
        }
    }
}

/// Past clamd's StreamMaxLength the answer is a refusal, not a verdict; under it, a verdict.
#[tokio::test]
async fn over_the_size_limit_is_rejected() {
    let Some(small) = Clamd::start(&["StreamMaxLength 1M"]) else { return };
    let scanner = small.scanner();
    let two_mb = vec![0x5au8; 2 * 1024 * 1024];
    match scanner.scan(&two_mb).await {
        Err(ScanError::Rejected(msg)) => assert!(msg.contains("size limit"), "{msg}"),
        other => panic!("2 MB past a 1 MB limit: {other:?}\n{}", small.logs()),
    }
    assert_eq!(scanner.scan(&vec![0x5au8; 512 * 1024]).await, Ok(ScanVerdict::Clean));
    assert!(matches!(scanner.scan(&clamd::eicar()).await, Ok(ScanVerdict::Infected(_))));
}

#[tokio::test]
async fn a_missing_socket_is_unavailable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let scanner = Scanner::new(ScanConfig::Clamd {
        target: ClamdTarget::Unix(dir.path().join("no.sock")),
        timeout: Duration::from_secs(30),
    });
    let t = Instant::now();
    let verdict = scanner.scan(&clamd::eicar()).await;
    assert!(matches!(verdict, Err(ScanError::Unavailable(_))), "{verdict:?}");
    assert!(matches!(scanner.ping().await, Err(ScanError::Unavailable(_))));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[tokio::test]
async fn a_closed_tcp_port_is_unavailable_at_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let scanner = Scanner::new(ScanConfig::parse(&format!("tcp://127.0.0.1:{port}")).unwrap());
    let t = Instant::now();
    let verdict = scanner.scan(b"hello").await;
    assert!(matches!(verdict, Err(ScanError::Unavailable(_))), "{verdict:?}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

/// A clamd that accepts but never answers: the configured timeout bounds the whole scan.
#[tokio::test]
async fn a_silent_clamd_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silent.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    let scanner = Scanner::new(
        ScanConfig::parse(&format!("unix:{}", path.display())).unwrap().with_timeout(Duration::from_millis(300)),
    );
    let t = Instant::now();
    let verdict = scanner.scan(&seal_png()).await;
    assert!(matches!(&verdict, Err(ScanError::Unavailable(m)) if m.contains("did not answer")), "{verdict:?}");
    assert!(matches!(scanner.ping().await, Err(ScanError::Unavailable(_))));
    let e = t.elapsed();
    assert!(e >= Duration::from_millis(600) && e < Duration::from_secs(3), "{e:?}");
    hold.abort();
}

/// The same over TCP (clamd's `TCPSocket`), size limit included: over TCP clamd's hang-up may
/// reset the connection, so its early answer must be read while still sending.
#[tokio::test]
async fn over_tcp_too() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let tcp_socket = format!("TCPSocket {port}");
    let Some(tcp) = Clamd::start(&[&tcp_socket, "TCPAddr 127.0.0.1", "StreamMaxLength 1M"]) else { return };
    let scanner = Scanner::new(ScanConfig::parse(&format!("127.0.0.1:{port}")).unwrap());
    assert_eq!(scanner.ping().await, Ok(()), "{}", tcp.logs());
    assert!(matches!(scanner.scan(&clamd::eicar()).await, Ok(ScanVerdict::Infected(_))));
    assert_eq!(scanner.scan(&seal_png()).await, Ok(ScanVerdict::Clean));
    for _ in 0..5 {
        match scanner.scan(&vec![0x5au8; 3 * 1024 * 1024]).await {
            Err(ScanError::Rejected(msg)) => assert!(msg.contains("size limit"), "{msg}"),
            other => panic!("3 MB past a 1 MB limit over TCP: {other:?}\n{}", tcp.logs()),
        }
    }
}
