//! The real `actionplan serve` binary as a child process on a free port, and a small HTTP
//! client for it: for the tests of several processes, of SIGTERM and of a restored backup.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub struct Server {
    child: Child,
    pub port: u16,
    /// Every line the server wrote to stderr so far.
    pub log: Arc<Mutex<Vec<String>>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Server {
    /// Starts `actionplan serve` with these environment variables (over a clean environment
    /// for the app's own settings) and waits (up to 120 s) until `/healthz` answers.
    pub async fn start(env: &[(&str, &str)], args: &[&str]) -> Server {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_actionplan"));
        for name in [
            "DATABASE_URL",
            "PUBLIC_READ",
            "PUBLIC_URL",
            "SEEDS_DIR",
            "DATA_DIR",
            "BIND_ADDR",
            "LOCAL_PG_PORT",
        ] {
            command.env_remove(name);
        }
        command
            .env("RUST_LOG", "actionplan=info")
            .envs(env.iter().copied())
            .arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the actionplan binary starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().expect("log").push(line);
            }
        });
        let server = Server {
            child,
            port,
            log,
            client: Client::builder(TokioExecutor::new()).build_http(),
        };
        let started = Instant::now();
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
                && let Ok(reply) = tokio::time::timeout(
                    Duration::from_secs(2),
                    server.request(Method::GET, "/healthz", &[], ""),
                )
                .await
                && reply.status == StatusCode::OK
            {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server did not answer within 120 s:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }

    /// Sends a request; `headers` are (name, value) pairs.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("http://127.0.0.1:{}{path}", self.port));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("request");
        let response = self
            .client
            .request(request)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", self.log_text()));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.request(Method::GET, path, &headers, "").await
    }

    /// POSTs a url-encoded form from this site (Origin set to the server's own address).
    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let origin = format!("http://127.0.0.1:{}", self.port);
        let mut headers = vec![
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", origin.as_str()),
        ];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        self.request(Method::POST, path, &headers, &body).await
    }

    /// POSTs JSON with a bearer token.
    pub async fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> Reply {
        let auth = format!("Bearer {token}");
        self.request(
            Method::POST,
            path,
            &[
                ("content-type", "application/json"),
                ("authorization", auth.as_str()),
            ],
            &body.to_string(),
        )
        .await
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
    }

    /// Waits up to `limit` for the process to end; its exit status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `name=value` pair of a response's Set-Cookie.
pub fn cookie_of(reply: &Reply) -> String {
    reply.headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_owned()
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token on the page")
        .to_owned()
}
