//! The README's and docs/cli.md's examples run as written (issue 13 item 12): every line of a
//! ```sh or ```console block that starts with `factledger` (continued over lines ending in `\`)
//! runs, in order, through `sh` with the binary under test on `PATH`, each block in a fresh
//! directory holding the repository's `fixtures/`. A line is expected to exit 0 unless its
//! comment says `# exit N`.

mod common;

use std::path::{Path, PathBuf};

/// One example command: where it is, what it runs, and the exit code it should end with.
#[derive(Debug)]
struct Example {
    at: String,
    command: String,
    code: i32,
}

/// Splits a shell line at its comment: a `#` after whitespace, outside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                return (line[..i].trim_end(), &line[i + 1..]);
            }
            _ => {}
        }
        prev = c;
    }
    (line.trim_end(), "")
}

/// The exit code a comment announces (`# exit 2: …`), else 0.
fn expected_code(comment: &str) -> i32 {
    comment
        .trim()
        .strip_prefix("exit ")
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The example blocks of a Markdown file, each a list of commands.
fn blocks(path: &Path) -> Vec<Vec<Example>> {
    let text = std::fs::read_to_string(path).expect("read the document");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = Vec::new();
    let mut current: Option<Vec<Example>> = None;
    let mut pending: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(block) = current.as_mut() {
            if trimmed == "```" {
                out.push(current.take().unwrap());
                continue;
            }
            let line = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
            let (start, joined) = match pending.take() {
                Some((start, before)) => (start, format!("{before} {line}")),
                None if line.starts_with("factledger ") => (n + 1, line.to_string()),
                None => continue,
            };
            if let Some(head) = joined.strip_suffix('\\') {
                pending = Some((start, head.trim_end().to_string()));
                continue;
            }
            let (command, comment) = split_comment(&joined);
            block.push(Example {
                at: format!("{name}:{start}"),
                command: command.to_string(),
                code: expected_code(comment),
            });
        } else if trimmed == "```sh" || trimmed == "```console" {
            current = Some(Vec::new());
        }
    }
    out.into_iter().filter(|b| !b.is_empty()).collect()
}

/// A fresh directory for one block: `fixtures/` (a link to the repository's), a home, and a
/// `bin/factledger` (a link to the binary under test).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["home", "tmp", "bin", "work"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::os::unix::fs::symlink(common::bin(), dir.path().join("bin/factledger")).unwrap();
    std::os::unix::fs::symlink(
        common::root().join("fixtures"),
        dir.path().join("work/fixtures"),
    )
    .unwrap();
    let work = dir.path().join("work");
    (dir, work)
}

fn run_blocks(doc: &str) -> usize {
    let path = common::root().join(doc);
    let blocks = blocks(&path);
    assert!(!blocks.is_empty(), "{doc} has no example blocks");
    let mut failures = Vec::new();
    let mut ran = 0;
    for block in blocks {
        let (dir, work) = workspace();
        for ex in block {
            let mut c = common::hermetic(&dir.path().join("home"), &dir.path().join("tmp"));
            // A desk's shell: the user's name, no author set for factledger, the binary on PATH.
            c.env_remove("FACTLEDGER_AUTHOR").env("USER", "desk").env(
                "PATH",
                format!("{}:/usr/bin:/bin", dir.path().join("bin").display()),
            );
            let out = std::process::Command::new("sh")
                .env_clear()
                .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
                .current_dir(&work)
                .args(["-c", &ex.command])
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run sh");
            ran += 1;
            let code = out.status.code().unwrap_or(-1);
            if code != ex.code {
                failures.push(format!(
                    "{}: `{}` exited {code}, expected {}\nstdout: {}\nstderr: {}",
                    ex.at,
                    ex.command,
                    ex.code,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    ran
}

#[test]
fn the_readme_examples_run() {
    assert!(run_blocks("README.md") >= 20);
}

#[test]
fn the_cli_reference_examples_run() {
    assert!(run_blocks("docs/cli.md") >= 5);
}

#[test]
fn comments_and_exit_codes_are_read_as_documented() {
    assert_eq!(
        split_comment("factledger flags   # every flag"),
        ("factledger flags", " every flag")
    );
    assert_eq!(
        split_comment("factledger add --value \"a # b\" # exit 2: x"),
        ("factledger add --value \"a # b\"", " exit 2: x")
    );
    assert_eq!(expected_code(" exit 2: did you mean"), 2);
    assert_eq!(expected_code(" prints the id"), 0);
}
