//! The desk's web page in a real browser: headless Chromium driven over WebDriver (chromedriver)
//! against the real binary's `demo --serve`. Log in, find the seed's resolution and its weekday
//! flag, open a claim and its source chain, paste the seed article and import two candidates, see
//! a colleague's new claim appear live, a reader sees no write forms, a `<script>` in a source
//! title stays text. The cross-site checks need no browser and always run.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` (or `FACTLEDGER_CHROMIUM`,
//! `FACTLEDGER_CHROMEDRIVER`) the browser tests print that they were skipped and why, and pass —
//! unless `FACTLEDGER_REQUIRE_BROWSER=1` (CI), when they fail. With
//! `FACTLEDGER_SCREENSHOTS=1` they also write the screenshots in `docs/screenshots/`.

mod common;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value as Json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// One browser at a time: the machine may have two cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// How long a page may take to show what a test waits for (a bound against hanging, not a
/// timing assertion).
const PATIENCE: Duration = Duration::from_secs(30);

/// `demo --serve` on a free port.
struct Desk {
    child: Child,
    base: String,
    editor: String,
    _env: TestEnv,
}

impl Desk {
    fn start() -> Desk {
        let env = TestEnv::new();
        let mut child = hermetic(&env.p("home"), &env.p("tmp"))
            .args(["--json", "demo", "--serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("demo --serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address line");
        let v: Json = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        Desk {
            child,
            base: format!("http://{}", v["listen"].as_str().expect("listen")),
            editor: v["token"].as_str().expect("token").to_string(),
            _env: env,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new user with `role`, added over the API by the editor; their token.
    fn user(&self, name: &str, role: &str) -> String {
        let (status, body) = api_post(
            self,
            "/api/v1/users",
            &self.editor,
            &json!({ "name": name, "role": role }).to_string(),
        );
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Json>(&body).expect("json")["token"]
            .as_str()
            .expect("token")
            .to_string()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn read_answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String) {
    let mut r = r.expect("the server answers");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

fn api_post(desk: &Desk, path: &str, token: &str, body: &str) -> (u16, String) {
    read_answer(
        agent()
            .post(desk.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .send(body.as_bytes()),
    )
}

fn api_head(desk: &Desk) -> u64 {
    let r = read_answer(
        agent()
            .get(desk.url("/api/v1/verify"))
            .header("Authorization", format!("Bearer {}", desk.editor))
            .call(),
    );
    serde_json::from_str::<Json>(&r.1).expect("verify json")["head"]["seq"]
        .as_u64()
        .expect("seq")
}

/// Chromium and chromedriver, or why there are none.
fn browser_paths() -> Result<(PathBuf, PathBuf), String> {
    let pick = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let chromium = pick("FACTLEDGER_CHROMIUM", "/usr/bin/chromium");
    let driver = pick("FACTLEDGER_CHROMEDRIVER", "/usr/bin/chromedriver");
    for p in [&chromium, &driver] {
        if !p.exists() {
            return Err(format!(
                "{} is missing (apt-get install chromium chromium-driver)",
                p.display()
            ));
        }
    }
    Ok((chromium, driver))
}

/// A headless Chromium session, with its chromedriver.
struct Browser {
    client: Client,
    driver: Child,
}

impl Browser {
    async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts a browser, or says why not: `None` means the test is skipped (and passes), unless
/// `FACTLEDGER_REQUIRE_BROWSER=1`.
async fn browser(test: &str, width: u32, height: u32) -> Option<Browser> {
    let (chromium, driver) = match browser_paths() {
        Ok(p) => p,
        Err(why) => {
            if std::env::var("FACTLEDGER_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("{test}: FACTLEDGER_REQUIRE_BROWSER=1 but {why}");
            }
            eprintln!("{test}: SKIPPED, no browser: {why}");
            return None;
        }
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut up = false;
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !up {
        let _ = child.kill();
        panic!("chromedriver did not listen on port {port}");
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium.to_str().expect("path"),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1",
                format!("--window-size={width},{height}"),
            ],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    client
        .set_window_size(width, height)
        .await
        .expect("window size");
    Some(Browser {
        client,
        driver: child,
    })
}

async fn login(c: &Client, desk: &Desk, token: &str) {
    c.goto(&desk.url("/subjects")).await.expect("goto");
    let field = c
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#token"))
        .await
        .expect("the login form");
    field.send_keys(token).await.expect("type the token");
    c.find(Locator::Css("form.login button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("log in");
    // Every page after logging in has the log-out button (the login page has none).
    c.wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("form.logout"))
        .await
        .expect("a page after logging in");
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert_eq!(h1, "Subjects", "after logging in");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// With `FACTLEDGER_SCREENSHOTS=1`: the page as it is now, in `docs/screenshots/NAME.png`.
async fn screenshot(c: &Client, name: &str) {
    if std::env::var("FACTLEDGER_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    let png = c.screenshot().await.expect("screenshot");
    let dir = root().join("docs/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Full-page screenshots: the window grown to the page's height first.
async fn screenshot_full(c: &Client, name: &str, width: u32) {
    if std::env::var("FACTLEDGER_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    let h = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900)
        .clamp(600, 2400) as u32;
    c.set_window_size(width, h + 20).await.expect("resize");
    screenshot(c, name).await;
    c.set_window_size(width, 900).await.expect("resize");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn log_in_find_the_resolution_see_the_weekday_flag_and_open_the_claims_source_chain() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    runtime().block_on(async {
        let Some(b) = browser("weekday flag and chain", 1280, 900).await else {
            return;
        };
        let desk = Desk::start();
        let c = &b.client;
        login(c, &desk, &desk.editor).await;
        screenshot(c, "subjects").await;

        // Search for the resolution and open it.
        let q = c.find(Locator::Css("#q")).await.expect("search box");
        q.send_keys("2774").await.expect("type");
        c.find(Locator::Css("form.search button"))
            .await
            .expect("search button")
            .click()
            .await
            .expect("search");
        // The results page (its search box holds the query).
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("input#q[value='2774']"))
            .await
            .expect("the results page");
        let link = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::LinkText("S/RES/2774"))
            .await
            .expect("the resolution in the results");
        let rows = c
            .find_all(Locator::Css("#subjects tbody tr"))
            .await
            .expect("rows");
        for r in &rows {
            assert!(
                r.text().await.expect("row").contains("2774"),
                "search narrows"
            );
        }
        link.click().await.expect("open the subject");

        // The weekday flag, in words.
        let flag = text_of(c, "li.flag[data-code='weekday-mismatch']").await;
        assert_eq!(text_of(c, "h1").await, "S/RES/2774");
        assert!(flag.contains("weekday-mismatch"), "{flag}");
        assert!(flag.to_lowercase().contains("monday"), "{flag}");
        screenshot_full(c, "subject", 1280).await;

        // Open a claim the flag names, and its source chain.
        let claim_link = c
            .find(Locator::Css(
                "li.flag[data-code='weekday-mismatch'] a[href^='/claims/']",
            ))
            .await
            .expect("a claim link in the flag");
        let claim_id = claim_link.text().await.expect("claim id");
        claim_link.click().await.expect("open the claim");
        let svg = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("svg.chain"))
            .await
            .expect("the chain picture");
        let h1 = text_of(c, "h1").await;
        assert!(h1.contains(&claim_id), "{h1}");
        let drawn = svg.text().await.unwrap_or_default();
        let source = c
            .find(Locator::Css("dl.claim a[href^='/sources/']"))
            .await
            .expect("the source link")
            .text()
            .await
            .expect("source id");
        let svg_html = svg.html(false).await.expect("svg");
        assert!(
            svg_html.contains(&source),
            "the chain starts at the claim's source {source}: {drawn}"
        );
        assert!(
            c.find(Locator::Css("a.button[href$='/evidence']"))
                .await
                .is_ok(),
            "the evidence download"
        );
        // A claim whose chain passes through a relay to a retracted tabloid: the picture.
        c.goto(&desk.url("/claims/newsletter-sc-drafter"))
            .await
            .expect("claim");
        let drawn = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("svg.chain"))
            .await
            .expect("the chain picture")
            .html(false)
            .await
            .expect("svg");
        for part in ["newsletter-relay", "tabloid-ukraine", "retracted"] {
            assert!(drawn.contains(part), "{part} in {drawn}");
        }
        screenshot_full(c, "claim", 1280).await;

        // The evidence download is the API's evidence file.
        let href = c
            .find(Locator::Css("a.button[href$='/evidence']"))
            .await
            .expect("link")
            .attr("href")
            .await
            .expect("href")
            .expect("an href");
        let cookie = c
            .get_named_cookie("flt_session")
            .await
            .expect("the session cookie");
        assert_eq!(cookie.http_only(), Some(true));
        let (status, file) = read_answer(
            agent()
                .get(desk.url(&href))
                .header("Cookie", format!("flt_session={}", cookie.value()))
                .call(),
        );
        assert_eq!(status, 200, "{file}");
        let file: Json = serde_json::from_str(&file).expect("an evidence file");
        assert_eq!(href, "/claims/newsletter-sc-drafter/evidence");
        assert!(
            file.to_string().contains("newsletter-sc-drafter"),
            "the claim's evidence"
        );

        // The log and its slider.
        c.goto(&desk.url("/log")).await.expect("log");
        assert!(text_of(c, ".integrity").await.contains("Verified"));
        let items = c
            .find_all(Locator::Css("#timeline > li"))
            .await
            .expect("timeline");
        assert!(!items.is_empty());
        screenshot(c, "log").await;
        c.goto(&desk.url("/log?as_of=10")).await.expect("as of");
        let summary = text_of(c, ".summary").await;
        assert!(summary.starts_with("After event 10"), "{summary}");
        let newest = c
            .find(Locator::Css("#timeline > li"))
            .await
            .expect("item")
            .attr("data-seq")
            .await
            .expect("attr");
        assert_eq!(newest.as_deref(), Some("10"));

        // The same subject at phone width.
        c.set_window_size(390, 844).await.expect("phone width");
        c.goto(&desk.url("/subject?name=S%2FRES%2F2774"))
            .await
            .expect("subject");
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                vec![],
            )
            .await
            .expect("js");
        assert_eq!(overflow, json!(false), "the page fits a phone's width");
        screenshot(c, "phone-subject").await;
        c.goto(&desk.url("/claims/newsletter-sc-drafter"))
            .await
            .expect("claim");
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                vec![],
            )
            .await
            .expect("js");
        assert_eq!(
            overflow,
            json!(false),
            "the claim page fits a phone's width"
        );
        screenshot(c, "phone-claim").await;
        b.close().await;
    });
}

#[test]
fn paste_the_seed_article_and_import_two_candidates() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    runtime().block_on(async {
        let Some(b) = browser("paste and import", 1280, 900).await else {
            return;
        };
        let desk = Desk::start();
        let c = &b.client;
        login(c, &desk, &desk.editor).await;
        let before = api_head(&desk);
        c.goto(&desk.url("/paste")).await.expect("paste");
        let article = std::fs::read_to_string(root().join("fixtures/extract/seed-article.txt"))
            .expect("seed article");
        for (field, value) in [
            ("#f-id", "seed-pasted"),
            ("#f-title", "US Aligns with Russia on Ukraine UN Votes"),
            ("#f-publisher", "(seed article)"),
            ("#f-published", "2025-02-25"),
        ] {
            c.find(Locator::Css(field))
                .await
                .expect(field)
                .send_keys(value)
                .await
                .expect("type");
        }
        c.find(Locator::Css("#f-text"))
            .await
            .expect("text")
            .send_keys(&article)
            .await
            .expect("paste the text");
        c.find(Locator::Css("form.paste button"))
            .await
            .expect("button")
            .click()
            .await
            .expect("read the claims");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("form.review"))
            .await
            .expect("the candidates");
        assert_eq!(text_of(c, "h1").await, "Candidate claims");
        assert_eq!(
            api_head(&desk),
            before,
            "reading the claims appends nothing"
        );
        let boxes = c
            .find_all(Locator::Css("input[name='take']"))
            .await
            .expect("candidates");
        assert!(boxes.len() >= 2, "the seed article gives candidates");
        screenshot(c, "paste-review").await;
        // Tick exactly the first two.
        let mut ids = Vec::new();
        for (i, cb) in boxes.iter().enumerate() {
            let on = cb.prop("checked").await.expect("checked") == Some("true".into());
            if on != (i < 2) {
                cb.click().await.expect("tick");
            }
            if i < 2 {
                let n = cb.attr("value").await.expect("value").expect("index");
                if i == 0 {
                    // Correct the first candidate's subject before importing it.
                    let subject = c
                        .find(Locator::Css(&format!("input[name='subject-{n}']")))
                        .await
                        .expect("subject field");
                    subject.clear().await.expect("clear");
                    subject.send_keys("S/RES/2774").await.expect("type");
                }
                let id = c
                    .find(Locator::Css(&format!("input[name='id-{n}']")))
                    .await
                    .expect("id field")
                    .attr("value")
                    .await
                    .expect("id")
                    .expect("id");
                ids.push(id);
            }
        }
        c.find(Locator::Css("form.review button[type='submit']"))
            .await
            .expect("button")
            .click()
            .await
            .expect("import");
        let listed = text_of(c, "ul.claims").await;
        assert_eq!(text_of(c, "h1").await, "Added");
        for id in &ids {
            assert!(listed.contains(id.as_str()), "{id} in {listed}");
        }
        assert_eq!(api_head(&desk), before + 3, "the source and two claims");
        // The pasted source and one of its claims, excerpt marked in the archived text.
        c.goto(&desk.url(&format!("/claims/{}", ids[0])))
            .await
            .expect("claim");
        let subject = text_of(c, "dl.claim dd a[href^='/subject']").await;
        assert_eq!(subject, "S/RES/2774", "the corrected subject was imported");
        let mark = text_of(c, "mark#excerpt").await;
        assert!(!mark.is_empty() && article.contains(&mark), "{mark}");
        screenshot(c, "claim-excerpt").await;
        b.close().await;
    });
}

#[test]
fn a_colleagues_new_claim_and_verdict_appear_live() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    runtime().block_on(async {
        let Some(b) = browser("live", 1280, 900).await else {
            return;
        };
        let desk = Desk::start();
        let colleague = desk.user("ana", "checker");
        let c = &b.client;
        login(c, &desk, &desk.editor).await;
        c.goto(&desk.url("/subject?name=S%2FRES%2F2774"))
            .await
            .expect("subject");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("body[data-live-ready='yes']"))
            .await
            .expect("the live stream is open");
        let claim = json!({
            "id": "ana-live-1", "source": "un-sc-record-2774", "subject": "S/RES/2774",
            "predicate": "note:live", "value": "added while the page was open"
        });
        let (status, body) = api_post(&desk, "/api/v1/claims", &colleague, &claim.to_string());
        assert_eq!(status, 200, "{body}");
        let row = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("#claims tr[data-claim='ana-live-1']"))
            .await
            .expect("the new claim appears without a reload")
            .text()
            .await
            .expect("row");
        assert!(row.contains("added while the page was open"), "{row}");
        assert!(row.contains("ana"), "{row}");

        // The log page too.
        c.goto(&desk.url("/log")).await.expect("log");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("body[data-live-ready='yes']"))
            .await
            .expect("live");
        let claim2 = json!({
            "id": "ana-live-2", "source": "un-sc-record-2774", "subject": "S/RES/2774",
            "predicate": "location", "value": "second"
        });
        let (status, body) = api_post(&desk, "/api/v1/claims", &colleague, &claim2.to_string());
        assert_eq!(status, 200, "{body}");
        let first = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("#timeline > li.new"))
            .await
            .expect("the new event at the top")
            .text()
            .await
            .expect("text");
        assert!(first.contains("ana-live-2"), "{first}");

        // A colleague's verdict appears in the claim's verdict history.
        c.goto(&desk.url("/claims/ana-live-1"))
            .await
            .expect("claim");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("body[data-live-ready='yes']"))
            .await
            .expect("live");
        let review = json!({
            "claim": "ana-live-1", "rating": "unproven",
            "explanation": "<b>not</b> in any record yet"
        });
        let (status, body) = api_post(&desk, "/api/v1/reviews", &colleague, &review.to_string());
        assert_eq!(status, 200, "{body}");
        let item = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("#verdicts ol.verdicts > li.new"))
            .await
            .expect("the new verdict appears without a reload")
            .text()
            .await
            .expect("text");
        assert!(item.contains("unproven"), "{item}");
        assert!(
            item.contains("<b>not</b> in any record yet"),
            "shown as text: {item}"
        );
        b.close().await;
    });
}

#[test]
fn a_reader_sees_no_write_forms_and_a_script_in_a_source_title_stays_text() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    runtime().block_on(async {
        let Some(b) = browser("reader and escaping", 1280, 900).await else {
            return;
        };
        let desk = Desk::start();
        let reader = desk.user("rui", "reader");
        let hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned=2\">";
        let source = json!({
            "id": "hostile-title", "kind": "secondary", "title": hostile,
            "text": "An archived text with <b>markup</b> & <script>window.__pwned=3</script>."
        });
        let (status, body) = api_post(&desk, "/api/v1/sources", &desk.editor, &source.to_string());
        assert_eq!(status, 200, "{body}");

        let c = &b.client;
        login(c, &desk, &reader).await;
        for page in [
            "/subjects",
            "/subject?name=S%2FRES%2F2774",
            "/claims/article-sc-date",
            "/sources/hostile-title",
            "/log",
        ] {
            c.goto(&desk.url(page)).await.expect("goto");
            c.wait()
                .at_most(PATIENCE)
                .for_element(Locator::Css("h1"))
                .await
                .expect("page");
            let forms = c
                .find_all(Locator::Css("form[method='post']:not(.logout)"))
                .await
                .expect("forms");
            assert!(forms.is_empty(), "{page}: a reader sees no write form");
            assert!(
                c.find(Locator::Css("a[href='/paste']")).await.is_err(),
                "{page}: no paste link for a reader"
            );
        }
        // Still on the hostile source's page: its title is text, nothing ran.
        c.goto(&desk.url("/sources/hostile-title"))
            .await
            .expect("goto");
        let h1 = text_of(c, "h1").await;
        assert_eq!(h1, hostile, "the title is shown as it was written");
        let text = text_of(c, "pre.text").await;
        assert!(text.contains("<script>window.__pwned=3</script>"), "{text}");
        let ran = c
            .execute("return window.__pwned === undefined;", vec![])
            .await
            .expect("js");
        assert_eq!(ran, json!(true), "no script from the ledger ran");
        let imgs = c.find_all(Locator::Css("main img")).await.expect("imgs");
        assert!(imgs.is_empty(), "no element from the title");

        // The paste page itself is refused to a reader.
        c.goto(&desk.url("/paste")).await.expect("paste");
        assert_eq!(text_of(c, "h1").await, "Not allowed");
        b.close().await;
    });
}

/// A session cookie and the page's CSRF token, logged in over plain HTTP.
fn http_session(desk: &Desk, token: &str) -> (String, String) {
    let r = agent()
        .post(desk.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("token={token}&next=%2Fpaste").as_bytes())
        .expect("login");
    assert_eq!(r.status().as_u16(), 303);
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().expect("pair").to_string();
    let (status, page) = read_answer(
        agent()
            .get(desk.url("/paste"))
            .header("Cookie", &pair)
            .call(),
    );
    assert_eq!(status, 200);
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a CSRF field")
        .to_string();
    (pair, csrf)
}

#[test]
fn a_forged_cross_site_post_is_refused_and_appends_nothing() {
    let desk = Desk::start();
    let (cookie, csrf) = http_session(&desk, &desk.editor);
    let before = api_head(&desk);
    let form = |csrf: &str| {
        format!(
            "csrf={csrf}&id=forged&kind=secondary&title=x&text=Forged+text.&take=0&id-0=forged-claim\
             &vkind-0=text&subject-0=S%2FRES%2F2774&predicate-0=date&value-0=2025-02-24"
        )
    };
    let post = |body: String, headers: &[(&str, &str)]| {
        let mut req = agent()
            .post(desk.url("/paste/import"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", &cookie);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read_answer(req.send(body.as_bytes()))
    };
    let host = desk.base.trim_start_matches("http://").to_string();
    let own_origin = format!("http://{host}");
    // No token.
    let (status, page) = post(form(""), &[("Origin", &own_origin)]);
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("security token"), "{page}");
    // A wrong token.
    let (status, _) = post(form("0000"), &[("Origin", &own_origin)]);
    assert_eq!(status, 403);
    // The right token from a foreign page.
    let (status, page) = post(form(&csrf), &[("Origin", "http://evil.example")]);
    assert_eq!(status, 403, "{page}");
    let (status, _) = post(form(&csrf), &[("Sec-Fetch-Site", "cross-site")]);
    assert_eq!(status, 403);
    // Without the session cookie: the login page, nothing else.
    let (status, _) = read_answer(
        agent()
            .post(desk.url("/paste/import"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form(&csrf).as_bytes()),
    );
    assert_eq!(status, 303);
    // The verdict and dismiss forms: the same checks.
    for (path, body) in [
        (
            "/claims/article-sc-date/verdict",
            "rating=default%7Cfalse&explanation=forged",
        ),
        ("/flags/0123456789abcdef/dismiss", "reason=forged&back=x"),
    ] {
        let send = |extra: &str, headers: &[(&str, &str)]| {
            let mut req = agent()
                .post(desk.url(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", &cookie);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            read_answer(req.send(format!("{body}{extra}").as_bytes()))
        };
        let (status, page) = send("", &[("Origin", &own_origin)]);
        assert_eq!(status, 403, "{path}: {page}");
        let (status, _) = send(
            &format!("&csrf={csrf}"),
            &[("Origin", "http://evil.example")],
        );
        assert_eq!(status, 403, "{path}");
    }
    assert_eq!(api_head(&desk), before, "nothing was appended");
    // The same form from this site with the token goes through (so the refusals above were the
    // checks, not a broken form).
    let (status, page) = post(
        form(&csrf),
        &[("Origin", &own_origin), ("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(api_head(&desk), before + 2);
    // Every page carries the policy that forbids inline script.
    let r = agent().get(desk.url("/login")).call().expect("login page");
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("CSP")
        .to_string();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
}

/// The `<script type="application/ld+json">` block of a page's source, parsed.
fn json_ld(page: &str) -> Json {
    let block = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .unwrap_or_else(|| panic!("no JSON-LD block in {page}"));
    serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"))
}

#[test]
fn verdicts_dismissals_and_versions_through_the_page_and_the_public_verdict() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    runtime().block_on(async {
        let Some(b) = browser("verdicts", 1280, 900).await else {
            return;
        };
        let desk = Desk::start();
        let checker = desk.user("chi", "checker");
        let c = &b.client;

        // The demo's published verdict has a public page, readable without logging in, with its
        // ClaimReview embedded: as `export --claimreview --html` writes it.
        let (status, page) = read_answer(agent().get(desk.url("/verdicts/article-sc-date")).call());
        assert_eq!(status, 200, "{page}");
        let ld = json_ld(&page);
        assert_eq!(ld["@type"], "ClaimReview");
        assert_eq!(ld["url"], "https://desk.example/checks/s-res-2774-date");
        assert_eq!(ld["reviewRating"]["alternateName"], "false");
        let (status, _) = read_answer(agent().get(desk.url("/verdicts/article-sc-day")).call());
        assert_eq!(status, 404, "a claim without a published verdict has no public page");

        login(c, &desk, &checker).await;
        c.goto(&desk.url("/claims/article-sc-date")).await.expect("claim");
        let before = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("#verdicts"))
            .await
            .expect("the verdicts")
            .find_all(Locator::Css("li.verdict"))
            .await
            .expect("verdicts");
        assert_eq!(before.len(), 1);
        // The public page, from the claim page, in the browser: its JSON-LD block parses under
        // the page's Content-Security-Policy (a data block, not a script).
        c.find(Locator::Css("#public-verdict"))
            .await
            .expect("the public page's link")
            .click()
            .await
            .expect("open it");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("article h1"))
            .await
            .expect("the public page");
        let source = c.source().await.expect("page source");
        assert_eq!(json_ld(&source)["@type"], "ClaimReview");
        let parsed = c
            .execute(
                "return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)['@type'];",
                vec![],
            )
            .await
            .expect("js");
        assert_eq!(parsed, json!("ClaimReview"));
        assert!(c.find(Locator::Css("form.logout")).await.is_err(), "a public page");

        // A checker records a verdict through the form (no address field: publishing is an
        // editor's) and sees it at the top of the history.
        c.goto(&desk.url("/claims/article-sc-date")).await.expect("claim");
        let form = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("form#verdict-form"))
            .await
            .expect("the verdict form");
        assert!(form.find(Locator::Css("#v-url")).await.is_err(), "no url for a checker");
        form.find(Locator::Css("#v-rating option[value='default|mostly false']"))
            .await
            .expect("the scale's steps")
            .click()
            .await
            .expect("choose");
        let why = "Second look: the UN record <b>still</b> says Monday 24 February.";
        form.find(Locator::Css("#v-explanation"))
            .await
            .expect("explanation")
            .send_keys(why)
            .await
            .expect("type");
        screenshot_full(c, "claim-verdict-form", 1280).await;
        form.find(Locator::Css("button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("record");
        // The old page has a current verdict too: wait for the new one.
        let newest = c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(
                "//section[@id='verdicts']//li[contains(@class, 'current')][contains(., 'mostly false')]",
            ))
            .await
            .expect("the new verdict, current")
            .text()
            .await
            .expect("text");
        assert!(newest.contains(why), "the explanation, as text: {newest}");
        assert!(newest.contains("chi"), "recorded by the checker: {newest}");
        let all = c
            .find_all(Locator::Css("#verdicts li.verdict"))
            .await
            .expect("verdicts");
        assert_eq!(all.len(), 2, "the earlier verdict stays in the history");
        assert!(c.find(Locator::Css("#verdicts b")).await.is_err(), "escaped");
        // The API agrees: the checker's review is the current one.
        let (_, reviews) = read_answer(
            agent()
                .get(desk.url("/api/v1/reviews?claim=article-sc-date"))
                .header("Authorization", format!("Bearer {}", desk.editor))
                .call(),
        );
        let reviews: Json = serde_json::from_str(&reviews).expect("json");
        assert_eq!(reviews[0]["current"][0]["author"], "chi");
        assert_eq!(reviews[0]["current"][0]["rating"], "mostly false");

        // Dismiss the weekday flag with a reason; it stays listed, dismissed, with no form.
        c.goto(&desk.url("/subject?name=S%2FRES%2F2774"))
            .await
            .expect("subject");
        let flag = "li.flag[data-code='weekday-mismatch']";
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&format!("{flag} details.dismiss summary")))
            .await
            .expect("a dismiss form on the flag, folded")
            .click()
            .await
            .expect("unfold it");
        let form = c
            .find(Locator::Css(&format!("{flag} form.dismiss")))
            .await
            .expect("the dismiss form");
        let reason = "The weekday is corrected in our verdict.";
        form.find(Locator::Css("input[name=reason]"))
            .await
            .expect("reason")
            .send_keys(reason)
            .await
            .expect("type");
        form.find(Locator::Css("button"))
            .await
            .expect("button")
            .click()
            .await
            .expect("dismiss");
        c.wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&format!(
                "//li[@data-code='weekday-mismatch'][contains(., '{reason}')]"
            )))
            .await
            .expect("the flag, dismissed with the reason");
        assert!(
            c.find(Locator::Css(&format!("{flag} form.dismiss")))
                .await
                .is_err(),
            "no form on a dismissed flag"
        );

        // A source the publisher edited: its versions, the differences marked.
        let lines = [
            json!({"type": "source", "id": "wire-edit", "kind": "secondary", "title": "Wire",
                   "text": "Council votes.\nThe vote was on Monday, 25 February.\nThirteen in favour.\n"}),
            json!({"type": "source-version", "source": "wire-edit", "note": "weekday fixed",
                   "text": "Council votes.\nThe vote was on Monday, 24 February.\nThirteen in favour.\n<i>Corrected.</i>\n"}),
        ];
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let (status, answer) = api_post(&desk, "/api/v1/import", &desk.editor, &body);
        assert_eq!(status, 200, "{answer}");
        c.goto(&desk.url("/sources/wire-edit")).await.expect("source");
        let versions = text_of(c, "#versions").await;
        assert!(versions.contains("weekday fixed"), "{versions}");
        let removed = text_of(c, "#versions pre.diff del").await;
        assert_eq!(removed, "- The vote was on Monday, 25 February.");
        let added = c
            .find_all(Locator::Css("#versions pre.diff ins"))
            .await
            .expect("added lines");
        let mut texts = Vec::new();
        for a in &added {
            texts.push(a.text().await.expect("text"));
        }
        assert_eq!(
            texts,
            ["+ The vote was on Monday, 24 February.", "+ <i>Corrected.</i>"]
        );
        screenshot_full(c, "source-versions", 1280).await;
        b.close().await;
    });
}
