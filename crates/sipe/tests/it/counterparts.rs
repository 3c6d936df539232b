//! Servers of other implementations the tests talk to, started as child processes:
//! the Node ones come from `tests/counterparts/package.json`, installed here once per
//! run with `npm ci` (the tests need `node` and `npm`, and the npm registry the first
//! time).

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Mutex;

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/counterparts"
    ))
}

static INSTALLED: Mutex<bool> = Mutex::new(false);

/// Installs the Node counterparts unless the lock file's packages are there already.
pub fn ensure_node_modules() {
    let mut done = INSTALLED.lock().unwrap_or_else(|p| p.into_inner());
    if *done {
        return;
    }
    let installed = dir().join("node_modules/.package-lock.json");
    let stale = match (
        std::fs::metadata(&installed).and_then(|m| m.modified()),
        std::fs::metadata(dir().join("package-lock.json")).and_then(|m| m.modified()),
    ) {
        (Ok(have), Ok(want)) => have < want,
        _ => true,
    };
    if stale {
        let status = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(dir())
            .status()
            .expect("npm runs (the counterpart servers are Node packages)");
        assert!(status.success(), "npm ci in tests/counterparts failed");
    }
    *done = true;
}

/// A counterpart process, killed when dropped; its first line of output is JSON.
pub struct Process {
    child: std::process::Child,
    /// What it printed first.
    pub hello: serde_json::Value,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `node tests/counterparts/<script>` and reads its first line.
pub fn node(script: &str) -> Process {
    ensure_node_modules();
    let mut child = std::process::Command::new("node")
        .arg(dir().join(script))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the counterpart prints its ports");
    let hello = serde_json::from_str(line.trim()).expect("a JSON first line");
    Process { child, hello }
}

/// A Dovecot IMAP server (Debian's `dovecot-imapd`, installed here when missing) on a
/// free port of 127.0.0.1, with one mailbox, `consultas`, password `secreto`, kept in a
/// Maildir under a temporary directory that outlives a restart.
pub struct Dovecot {
    dir: tempfile::TempDir,
    /// Its IMAP port.
    pub port: u16,
    child: Option<std::process::Child>,
    delivered: u32,
}

static DOVECOT: Mutex<bool> = Mutex::new(false);

fn ensure_dovecot() {
    let mut done = DOVECOT.lock().unwrap_or_else(|p| p.into_inner());
    if *done || std::path::Path::new("/usr/sbin/dovecot").exists() {
        *done = true;
        return;
    }
    let apt = |args: &[&str]| {
        std::process::Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .expect("apt-get runs (Dovecot is a Debian package)")
    };
    apt(&["update", "-qq"]);
    assert!(
        apt(&["install", "-y", "-qq", "dovecot-imapd"]).success(),
        "apt-get install dovecot-imapd failed"
    );
    *done = true;
}

impl Dovecot {
    /// Starts it.
    pub fn start() -> Dovecot {
        ensure_dovecot();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let root = dir.path();
        for d in [
            "run/state",
            "mail/consultas/new",
            "mail/consultas/cur",
            "mail/consultas/tmp",
        ] {
            std::fs::create_dir_all(root.join(d)).expect("dovecot's directories");
        }
        let conf = format!(
            "base_dir = {r}/run\nstate_dir = {r}/run/state\nprotocols = imap\nlisten = 127.0.0.1\n\
             ssl = no\nfirst_valid_uid = 1\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             log_path = {r}/run/log\nmail_location = maildir:{r}/mail/%u\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n\
             passdb {{\n  driver = static\n  args = password=secreto\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={r}/mail/%u\n}}\n",
            r = root.display()
        );
        std::fs::write(root.join("dovecot.conf"), conf).expect("dovecot.conf");
        // The mail belongs to the user the mailbox runs as.
        let status = std::process::Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(root.join("mail"))
            .status()
            .expect("chown runs");
        assert!(status.success());
        let mut d = Dovecot {
            dir,
            port,
            child: None,
            delivered: 0,
        };
        d.up();
        d
    }

    /// Starts the server again (after [`Dovecot::down`]), with the same mail.
    pub fn up(&mut self) {
        let child = std::process::Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dovecot runs");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("dovecot did not open its port");
    }

    /// Stops the server and waits until it is gone.
    pub fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = std::process::Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status();
            let _ = c.wait();
        }
        // Its pid file goes when the master is gone.
        for _ in 0..100 {
            if !self.dir.path().join("run/master.pid").exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Delivers a message into the mailbox as a local delivery agent does (a file in the
    /// Maildir's `new`).
    pub fn deliver(&mut self, raw: &str) {
        self.delivered += 1;
        let name = format!(
            "{}.sipe{}.test",
            1_700_000_000 + self.delivered,
            self.delivered
        );
        let tmp = self.dir.path().join("mail/consultas/tmp").join(&name);
        std::fs::write(&tmp, raw.replace('\n', "\r\n")).expect("a mail file");
        let _ = std::process::Command::new("chown")
            .args(["dovecot:dovecot"])
            .arg(&tmp)
            .status();
        std::fs::rename(&tmp, self.dir.path().join("mail/consultas/new").join(&name))
            .expect("delivered");
    }

    /// The password file the configuration reads.
    pub fn password_file(&self) -> PathBuf {
        let path = self.dir.path().join("password");
        std::fs::write(&path, "secreto").expect("password file");
        path
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.down();
    }
}
