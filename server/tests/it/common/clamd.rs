//! A real ClamAV daemon for tests: `clamd` (Debian's clamav-daemon, `make deps-clamav`) in the
//! foreground on a private Unix socket, with a database of exactly one signature, the MD5 of
//! the EICAR test file (`local.hdb`), so it starts in a fraction of a second and needs no
//! download.
//!
//! Lifetime: clamd runs under a small `sh` wrapper whose stdin is a pipe from the test process.
//! The wrapper waits for end-of-file on that pipe, then stops clamd (SIGTERM), reaps it and
//! removes the temporary directory. The pipe closes when [`Clamd`] is dropped and, for the
//! per-binary [`shared`] instance (a static, never dropped), when the test process exits in any
//! way (normal end, panic, abort, SIGKILL): the kernel closes its descriptors. So no clamd
//! outlives its test binary, without `libc` or `PR_SET_PDEATHSIG` (which would fire when the
//! spawning *thread* ends, i.e. after the first test).
//!
//! When `clamd` is missing the tests print a loud SKIP and pass, unless `YINJIAN_REQUIRE_CLAMD=1`,
//! which makes them fail. A clamd that is present but does not come up always fails.
//! `YINJIAN_CLAMD_BIN=/path/to/clamd` picks the binary (default: PATH, /usr/sbin, /usr/local/sbin).

use std::{
    io::{BufRead, BufReader, Read, Write},
    os::unix::net::UnixStream,
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use app::server::scan::{ClamdTarget, ScanConfig, Scanner};

/// The name under which the test database lists EICAR (clamd appends `.UNOFFICIAL`).
pub const SIGNATURE: &str = "Eicar-Test-Signature";

/// How long clamd may take to answer PING after it is started.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

/// The 68-byte EICAR anti-virus test file, put together at run time so that no file in the
/// repository (nor a contiguous constant in a test binary) is itself the test file.
pub fn eicar() -> Vec<u8> {
    let head = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR";
    let tail = r"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    let mut v = Vec::with_capacity(68);
    v.extend_from_slice(head.as_bytes());
    v.extend_from_slice(std::hint::black_box(tail).as_bytes());
    assert_eq!(v.len(), 68);
    v
}

/// One running clamd; stopped (and its directory removed) on drop.
pub struct Clamd {
    pub socket: PathBuf,
    /// From spawning to the first PONG.
    pub startup: Duration,
    dir: tempfile::TempDir,
    wrapper: Child,
    stdin: Option<ChildStdin>,
}

// `trap : INT`: on Ctrl-C (which reaches the whole process group) the wrapper still stops and
// reaps clamd and removes the directory once `cat` is gone; a handler, not `trap '' INT`, so
// that clamd does not inherit an ignored signal.
const WRAPPER: &str = r#"
trap : INT
dir=$1; shift
"$@" </dev/null >"$dir/clamd.out" 2>&1 &
pid=$!
echo "$pid"
cat >/dev/null
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rm -rf "$dir"
"#;

/// Where the clamd binary is: `$YINJIAN_CLAMD_BIN` when set (None when that is no file), else
/// `clamd` on PATH or in /usr/sbin, /usr/local/sbin.
pub fn binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("YINJIAN_CLAMD_BIN").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|d| d.join("clamd"))
        .find(|p| p.is_file())
}

fn required() -> bool {
    std::env::var("YINJIAN_REQUIRE_CLAMD").is_ok_and(|v| v == "1")
}

/// The clamd shared by every test of this binary (started on first use), or None when clamd
/// is not installed and not required (after a loud SKIP note).
pub fn shared() -> Option<&'static Clamd> {
    static SHARED: OnceLock<Option<Clamd>> = OnceLock::new();
    SHARED.get_or_init(|| Clamd::start(&[])).as_ref()
}

impl Clamd {
    /// Starts a private clamd; `extra` are additional clamd.conf lines (e.g. `StreamMaxLength 1M`).
    /// None when clamd is not installed and not required; panics when it is required but
    /// missing, or when it does not come up.
    pub fn start(extra: &[&str]) -> Option<Clamd> {
        let Some(bin) = binary() else {
            if required() {
                panic!(
                    "YINJIAN_REQUIRE_CLAMD=1 but no clamd binary was found (PATH, /usr/sbin, $YINJIAN_CLAMD_BIN); \
                     install it with `make deps-clamav` (Debian package clamav-daemon)"
                );
            }
            // Straight to stderr, past the test harness's output capture: this must be seen.
            let bang = "!".repeat(86);
            let _ = writeln!(
                std::io::stderr(),
                "\n{bang}\n!!! SKIP: no clamd installed: malware-scanning tests against a real clamd NOT run.\n\
                 !!! `make deps-clamav` installs it; YINJIAN_REQUIRE_CLAMD=1 makes this a failure.\n{bang}\n"
            );
            return None;
        };

        let dir = tempfile::Builder::new().prefix("yinjian-clamd-").tempdir().expect("temporary directory");
        let d = dir.path();
        std::fs::create_dir(d.join("db")).unwrap();
        std::fs::create_dir(d.join("tmp")).unwrap();
        std::fs::write(d.join("db/local.hdb"), format!("{}:68:{SIGNATURE}\n", md5_hex(&eicar()))).unwrap();
        let socket = d.join("clamd.sock");
        let mut conf = format!(
            "Foreground yes\n\
             LocalSocket {sock}\n\
             DatabaseDirectory {d}/db\n\
             PidFile {d}/clamd.pid\n\
             TemporaryDirectory {d}/tmp\n\
             LogFile {d}/clamd.log\n\
             LogTime yes\n\
             LogVerbose no\n\
             MaxThreads 4\n",
            sock = socket.display(),
            d = d.display(),
        );
        for line in extra {
            conf.push_str(line);
            conf.push('\n');
        }
        let conf_path = d.join("clamd.conf");
        std::fs::write(&conf_path, conf).unwrap();

        let started = Instant::now();
        let mut wrapper = Command::new("sh")
            .arg("-c")
            .arg(WRAPPER)
            .arg("yinjian-clamd-wrapper")
            .arg(d)
            .arg(&bin)
            .arg("--foreground")
            .arg(format!("--config-file={}", conf_path.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sh for clamd");
        let stdin = wrapper.stdin.take();
        let mut pid_line = String::new();
        BufReader::new(wrapper.stdout.take().unwrap()).read_line(&mut pid_line).unwrap();
        let pid: u32 = pid_line.trim().parse().unwrap_or_else(|_| panic!("clamd wrapper said {pid_line:?}"));

        let mut clamd = Clamd { socket, startup: Duration::ZERO, dir, wrapper, stdin };
        loop {
            if ping_blocking(&clamd.socket) {
                clamd.startup = started.elapsed();
                eprintln!("clamd {} up in {:?} at {}", bin.display(), clamd.startup, clamd.socket.display());
                return Some(clamd);
            }
            if !alive(pid) {
                panic!("clamd exited during startup\n{}", clamd.logs());
            }
            if started.elapsed() > STARTUP_LIMIT {
                panic!("clamd did not answer PING within {STARTUP_LIMIT:?}\n{}", clamd.logs());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// A scanner talking to this clamd.
    pub fn scanner(&self) -> Scanner {
        self.scanner_with_timeout(Duration::from_secs(30))
    }

    pub fn scanner_with_timeout(&self, timeout: Duration) -> Scanner {
        Scanner::new(ScanConfig::Clamd { target: ClamdTarget::Unix(self.socket.clone()), timeout })
    }

    /// clamd's own output and log, for failure messages.
    pub fn logs(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!("--- clamd output ---\n{}--- clamd.log ---\n{}", read("clamd.out"), read("clamd.log"))
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        // End of file on the wrapper's stdin: it stops clamd, reaps it and cleans up.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.wrapper.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("clamd wrapper did not finish; killing it");
        let _ = self.wrapper.kill();
        let _ = self.wrapper.wait();
    }
}

/// clamd's PING over a blocking socket (startup polling, outside any async runtime).
fn ping_blocking(socket: &Path) -> bool {
    let Ok(mut s) = UnixStream::connect(socket) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"zPING\0").is_err() {
        return false;
    }
    let mut reply = [0u8; 5];
    s.read_exact(&mut reply).is_ok() && &reply == b"PONG\0"
}

/// Whether the process runs (a zombie does not: clamd is reaped only after the pipe closes).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X"))
        }
        Err(_) => false,
    }
}

/// MD5 (RFC 1321) in hex: the hash clamd's `.hdb` signatures use. Small and test-only, so the
/// server crate needs no md5 dependency.
pub fn md5_hex(data: &[u8]) -> String {
    const SHIFT: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32).collect();
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    for block in msg.chunks_exact(64) {
        let m: Vec<u32> = block.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(SHIFT[(i / 16) * 4 + i % 4]));
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    state.iter().flat_map(|s| s.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}
