//! A real headless Chromium, driven through chromedriver, against the app served on a loopback
//! port. Missing Chromium or chromedriver is a test failure, never a skip.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use sqlx::PgPool;

use crate::common::test_app;

/// A browser session on a served app; the driver process dies with it.
pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    _profile: TempDir,
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn find(binary: &str) -> PathBuf {
    ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"]
        .iter()
        .map(|dir| PathBuf::from(dir).join(binary))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{binary} not found: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run does"))
}

impl Browser {
    /// Serves the app over `db` (reading open to all) and opens a headless Chromium on it.
    pub async fn open(db: &PgPool) -> Browser {
        Self::open_app(test_app(db.clone())).await
    }

    /// The same with reading behind sign-in.
    pub async fn open_private(db: &PgPool) -> Browser {
        Self::open_app(crate::auth_support::private_app(db.clone())).await
    }

    /// Signs in through the sign-in page.
    pub async fn sign_in(&self, email: &str) {
        self.goto("/login").await;
        self.client
            .find(fantoccini::Locator::Css("#email"))
            .await
            .expect("email")
            .send_keys(email)
            .await
            .expect("type");
        self.client
            .find(fantoccini::Locator::Css("#password"))
            .await
            .expect("password")
            .send_keys(crate::auth_support::PASSWORD)
            .await
            .expect("type");
        self.client
            .find(fantoccini::Locator::Css("form.stacked button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("submit");
        self.client
            .wait()
            .for_element(fantoccini::Locator::Css(".user-box"))
            .await
            .expect("signed in");
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.client
            .find(fantoccini::Locator::Css(".user-box button"))
            .await
            .expect("sign-out")
            .click()
            .await
            .expect("submit");
        self.wait_for_url("/login").await;
    }

    async fn open_app(app: axum::Router) -> Browser {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        let chromium = find("chromium");
        let port = free_port();
        let driver = Command::new(find("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = TempDir(std::env::temp_dir().join(format!("actionplan-chromium-{port}")));
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1366,900", "--lang=vi-VN",
                    format!("--user-data-dir={}", profile.0.display()),
                ]
            }
        });
        let caps = caps.as_object().cloned().expect("object");
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        // chromedriver takes a moment to listen; retry the session a bounded number of times.
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        base: format!("http://{addr}"),
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not open a Chromium session through chromedriver: {last_error}");
    }

    /// Opens a path of the app.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigates");
    }

    /// Waits (bounded) until the page's URL contains `needle`, as after a form submits itself.
    pub async fn wait_for_url(&self, needle: &str) {
        for _ in 0..100 {
            let url = self.client.current_url().await.expect("url");
            if url.as_str().contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never reached a URL containing {needle}");
    }

    /// Text of the first element matching a CSS selector.
    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    /// Saves a screenshot under target/screenshots/ for review.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
