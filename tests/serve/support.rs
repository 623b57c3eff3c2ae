//! Test support: a temporary copy of the example site, the real `kiln serve` on it, a bare
//! HTTP client, and what the tests need to know about the example site.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::HeaderMap;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use kiln::{BuildOptions, OutputFile, SiteOutput, render_site};

/// A content page of the example site: its Markdown file and its URL.
pub const ABOUT_MD: &str = "content/about.md";
pub const ABOUT_URL: &str = "/about/";

/// A throwaway copy of the repository's example site.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    pub fn example() -> Site {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("config.toml"), dir.path().join("config.toml"))
            .expect("config.toml");
        for folder in ["content", "templates", "static", "sass"] {
            copy_tree(&repo.join(folder), &dir.path().join(folder));
        }
        Site { dir }
    }

    /// An empty folder, for a site a test writes itself.
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().expect("a temporary folder");
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// Rewrites a file the way gedit and JetBrains IDEs save it (making its folder if need be): the
    /// text goes to a scratch file renamed over it. Written in place, a test thread paused
    /// between truncating and writing could let the watcher build the empty file.
    /// `append_paragraph` is the in-place kind of save.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).unwrap_or_else(|e| panic!("{relative}: {e}"));
        }
        let mut scratch = path.clone().into_os_string();
        scratch.push(".tmp");
        std::fs::write(&scratch, text).unwrap_or_else(|e| panic!("{relative}: {e}"));
        std::fs::rename(&scratch, &path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The real `kiln serve` binary on a free port; killed when dropped.
pub struct Server {
    child: Mutex<Child>,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(site: &Site) -> Server {
        Server::start_with(site, &[])
    }

    /// Starts the server with extra command-line arguments.
    pub fn start_with(site: &Site, extra: &[&str]) -> Server {
        // `KILN_BIN` runs the suite against another build, e.g. `target/dist/kiln`.
        let binary = std::env::var_os("KILN_BIN").unwrap_or(env!("CARGO_BIN_EXE_kiln").into());
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kiln serve starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().expect("log").push(line);
                }
            });
        }
        let mut server = Server {
            child: Mutex::new(child),
            url: String::new(),
            log,
        };
        let line = server.wait_for_log("Serving http://", Duration::from_secs(60));
        let url = line
            .split_whitespace()
            .nth(1)
            .expect("an address after Serving");
        server.url = url.trim_end_matches('/').to_owned();
        server
    }

    /// Every line the server printed so far, stdout and stderr interleaved.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Waits for a printed line containing `needle` and returns it.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self.log().into_iter().find(|line| line.contains(needle)) {
                return line;
            }
            if let Ok(Some(status)) = self.child.lock().expect("child").try_wait() {
                panic!(
                    "kiln serve exited ({status}) before printing {needle:?}:\n{}",
                    self.log().join("\n")
                );
            }
            assert!(
                started.elapsed() < timeout,
                "kiln serve did not print {needle:?} within {timeout:?}:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends Ctrl-C (SIGINT) and waits for the process to exit.
    pub fn interrupt(&self) -> std::process::ExitStatus {
        let pid = self.child.lock().expect("child").id().to_string();
        let sent = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -INT {pid} failed");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.lock().expect("child").try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "kiln serve ignored Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        request(Method::GET, &format!("{}{path}", self.url)).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub async fn request(method: Method, url: &str) -> Reply {
    request_with(method, url, &[]).await
}

/// [`request`] with request headers.
pub async fn request_with(method: Method, url: &str, headers: &[(&str, &str)]) -> Reply {
    let response = open_with(method, url, headers).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends a request and returns as soon as the response headers arrive.
pub async fn open(method: Method, url: &str) -> hyper::Response<hyper::body::Incoming> {
    open_with(method, url, &[]).await
}

/// [`open`] with request headers.
pub async fn open_with(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
) -> hyper::Response<hyper::body::Incoming> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut request = Request::builder().method(&method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Empty::new()).expect("request");
    client
        .request(request)
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// Polls `check` every 25 ms until it returns `Some`, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < timeout,
            "{what}: not within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Removes what serve mode adds to HTML, to compare a served page with the built file.
pub fn without_live_reload(html: &str) -> String {
    let Some(start) = html.find("<script id=\"kiln-live-reload\"") else {
        return html.to_owned();
    };
    let end =
        start + html[start..].find("</script>").expect("the script closes") + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// Appends a paragraph to a page's Markdown, as an author would.
pub fn append_paragraph(site: &Site, markdown: &str, text: &str) {
    use std::io::Write;
    // In place, as editors that write into the file save, unlike `Site::write`: one `write`
    // call, so the watcher sees the file modified, never half of it.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(site.path(markdown))
        .unwrap_or_else(|e| panic!("{markdown}: {e}"));
    file.write_all(format!("\n\n{text}\n").as_bytes())
        .unwrap_or_else(|e| panic!("{markdown}: {e}"));
}

/// A full build of the site as the server would build it, in this process.
pub fn full_build(site: &Site, server: &Server) -> SiteOutput {
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some(server.url.clone()),
        drafts: false,
        mode: kiln::Mode::Serve,
    };
    render_site(&options).unwrap_or_else(|e| panic!("{e}"))
}

pub fn site_404(site: &Site, server: &Server) -> String {
    match full_build(site, server).files.get("404.html") {
        Some(OutputFile::Generated(bytes)) => String::from_utf8(bytes.to_vec()).expect("utf-8"),
        _ => panic!("the example site has a generated 404.html"),
    }
}

/// The URL path of the first stylesheet a page links.
pub fn stylesheet_path(html: &str, site_url: &str) -> String {
    let link = html
        .split("<link")
        .find(|tag| tag.contains("stylesheet"))
        .expect("a stylesheet link");
    let href = link
        .split("href=\"")
        .nth(1)
        .expect("an href")
        .split('"')
        .next()
        .expect("a value");
    let path = href.strip_prefix(site_url).unwrap_or(href);
    path.split('?').next().unwrap_or(path).to_owned()
}
