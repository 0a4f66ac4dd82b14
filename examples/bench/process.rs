//! Processes: the `factledger` binary run as a whole process, its wall time and peak RSS (from
//! wait4), and a guard against running the machine out of memory.

use super::*;

// ---------------------------------------------------------------------------------------------
// Processes: wall time and peak RSS of one child, from wait4.

pub(crate) struct ProcRun {
    pub(crate) ms: f64,
    pub(crate) rss_kb: u64,
}

pub(crate) struct Bin {
    pub(crate) path: PathBuf,
    pub(crate) work: PathBuf,
}

impl Bin {
    pub(crate) fn command(&self, ledger: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.path);
        c.arg("--ledger")
            .arg(ledger)
            .arg("--quiet")
            .args(args)
            .env("FACTLEDGER_AUTHOR", "bench")
            .env("FACTLEDGER_KEYS", self.work.join("no-keys"))
            .env_remove("FACTLEDGER_NOW")
            .env_remove("FACTLEDGER_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        c
    }

    /// Runs `factledger --ledger L ARGS…` to the end; output goes to /dev/null, stderr to a file
    /// that is shown if the command fails. Exit code 1 (a check found something) is accepted
    /// only when `check_ok`.
    pub(crate) fn run(&self, ledger: &Path, args: &[&str], check_ok: bool) -> Res<ProcRun> {
        let err_path = self.work.join("last-stderr.txt");
        let mut cmd = self.command(ledger, args);
        cmd.stderr(fs::File::create(&err_path)?);
        let start = Instant::now();
        let child = cmd.spawn()?;
        let guard = MemoryGuard::watch(child.id());
        let (code, rss_kb) = wait_child(child)?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        if let Some(avail) = guard.stop() {
            return Err(format!(
                "factledger {} was stopped after {:.0} s with a peak RSS of about {:.0} MB: the \
                 machine had only {avail} MB available (the guard stops a child below {} MB \
                 rather than let the OOM killer pick a victim among other work)",
                args.join(" "),
                ms / 1e3,
                mb(rss_kb),
                min_available_mb()
            )
            .into());
        }
        if code != 0 && !(check_ok && code == 1) {
            let err = fs::read_to_string(&err_path).unwrap_or_default();
            return Err(format!("factledger {} exited with {code}:\n{err}", args.join(" ")).into());
        }
        Ok(ProcRun { ms, rss_kb })
    }
}

/// A child is stopped when the machine's available memory falls below this many MB
/// (`BENCH_MIN_AVAILABLE_MB` overrides it).
pub(crate) fn min_available_mb() -> u64 {
    std::env::var("BENCH_MIN_AVAILABLE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1536)
}

/// Watches the machine's available memory while a child runs, and kills that child (by its pid,
/// only while it is still ours) if memory runs out: the machine is shared, and a bulk import's
/// peak RSS grows with N.
pub(crate) struct MemoryGuard {
    pub(crate) stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub(crate) thread: std::thread::JoinHandle<Option<u64>>,
}

impl MemoryGuard {
    pub(crate) fn watch(pid: u32) -> MemoryGuard {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let me = std::process::id().to_string();
        let min = min_available_mb();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                if let Some(avail) = mem_available_mb() {
                    // Only a live child of ours: its PPid is this process.
                    let ours = fs::read_to_string(format!("/proc/{pid}/status"))
                        .ok()
                        .and_then(|st| {
                            st.lines()
                                .find(|l| l.starts_with("PPid:"))
                                .map(|l| l[5..].trim() == me)
                        })
                        .unwrap_or(false);
                    if avail < min && ours && !flag.load(Ordering::SeqCst) {
                        // SAFETY: kill(2) on our own child's pid has no memory-safety effect.
                        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                        return Some(avail);
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        });
        MemoryGuard { stop, thread }
    }

    /// Stops watching; `Some(available MB)` if the child had to be killed.
    pub(crate) fn stop(self) -> Option<u64> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().ok().flatten()
    }
}

pub(crate) fn mem_available_mb() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Waits for the child with wait4, which gives this child's own rusage (peak RSS).
pub(crate) fn wait_child(child: Child) -> Res<(i32, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own unwaited child; both pointers are valid for the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}").into());
        }
    }
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss as u64))
}

pub(crate) fn locate_binary() -> Res<PathBuf> {
    if let Some(p) = std::env::var_os("FACTLEDGER_BIN") {
        return Ok(p.into());
    }
    let exe = std::env::current_exe()?;
    // target/<profile>/examples/bench → target/<profile>/factledger
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot tell the target directory from the bench's own path")?;
    let bin = profile_dir.join("factledger");
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    if !release {
        eprintln!("bench: WARNING: not a release build; numbers are meaningless (use --release)");
    }
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--locked", "--quiet", "--bin", "factledger"])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    if release {
        cmd.arg("--release");
    }
    if cfg!(feature = "postgres") {
        cmd.args(["--features", "postgres"]);
    }
    phase("building the factledger binary (cargo build --bin factledger; a no-op when fresh)");
    match cmd.status() {
        Ok(s) if s.success() => {}
        other if bin.exists() => eprintln!(
            "bench: WARNING: cargo build failed ({other:?}); using the existing {}",
            bin.display()
        ),
        other => return Err(format!("cannot build factledger: {other:?}").into()),
    }
    Ok(bin)
}
