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
