//! 150 concurrent logins against the real `benk` process: password hashing is
//! bounded by its slots, so resident memory stays flat (argon2id takes 19 MiB
//! per verification; unbounded, 150 at once take the server to gigabytes).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Peak resident memory of a process, in KiB (`VmHWM` in /proc).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_keep_resident_memory_flat() {
    let dir = std::env::temp_dir().join(format!("benk-mem-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_benk"))
        .env_remove("BENK_DATABASE_URL")
        .env_remove("BENK_CONFIG")
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        // Two slots; every request names its own client address through the (trusted) peer.
        .args(["--login-hash-slots", "2", "--trust-proxy", "true"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if let Some(u) = line.unwrap().strip_prefix("listening on ") {
            url = u.to_string();
            break;
        }
    }
    assert!(!url.is_empty());
    let pid = child.id();
    let before = peak_rss_kib(pid);

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let users: Vec<&str> = benk_app::demo::logins()
        .iter()
        .map(|l| l.username)
        .collect();
    let tasks: Vec<_> = (0..150)
        .map(|i| {
            let client = client.clone();
            let url = format!("{url}/login");
            let user = users[i % users.len()];
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("cookie", "benk_login_csrf=t0k")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header(
                        "x-forwarded-for",
                        format!("10.20.{}.{}", i / 250, i % 250 + 1),
                    )
                    .body(format!("_csrf=t0k&username={user}&password=benk-demo"))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().unwrap());
    }
    let after = peak_rss_kib(pid);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    // Each login either got in, was told to back off, or was told the server is busy.
    assert!(
        statuses.iter().all(|s| [303, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&303), "{statuses:?}");
    // Two slots of 19 MiB each, plus the ordinary cost of 150 requests: far below the
    // ~2.8 GiB that 150 simultaneous verifications would take.
    let grown_mib = after.saturating_sub(before) / 1024;
    eprintln!("peak resident memory: {before} KiB before, {after} KiB after; statuses: {} ok, {} busy, {} back-off", statuses.iter().filter(|s| **s == 303).count(), statuses.iter().filter(|s| **s == 503).count(), statuses.iter().filter(|s| **s == 429).count());
    assert!(
        grown_mib < 120,
        "peak resident memory grew by {grown_mib} MiB ({before} KiB → {after} KiB)"
    );
}
