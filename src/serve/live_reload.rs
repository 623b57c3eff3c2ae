//! Live reload: the script injected into served HTML, the build-error overlay, and the
//! server-sent event stream that tells open pages what changed.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame};
use tokio::sync::{mpsc, watch};

use super::snapshot::{PageUpdate, Snapshot};

/// URL of the event stream; under a prefix no site uses, so it never shadows a page.
pub const EVENTS_PATH: &str = "/__kiln/events";
/// URL of the client script.
pub const SCRIPT_PATH: &str = "/__kiln/live-reload.js";
/// The client script, served only by `kiln serve`; the built site never contains it.
pub const SCRIPT: &str = include_str!("live_reload.js");
/// URL of the overlay's stylesheet: a file, not a `style` attribute, so the overlay keeps its
/// look under the site's own Content-Security-Policy (`kiln serve` sends `_headers`).
pub const OVERLAY_STYLE_PATH: &str = "/__kiln/overlay.css";
/// The overlay's stylesheet.
pub const OVERLAY_STYLE: &str = "#kiln-build-error{position:fixed;inset:auto 0 0 0;\
    z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1rem 1.25rem;\
    background:#2b0b0b;color:#ffe4e4;border-top:4px solid #ff5c5c;\
    font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
    #kiln-build-error pre{white-space:pre-wrap;margin:.75rem 0 0}\n";

/// Adds the live-reload script (and the error overlay when the latest build failed) to an HTML
/// page, just before `</body>`, or at the end when the page has none.
pub fn inject(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let mut snippet = format!(
        "<script id=\"kiln-live-reload\" src=\"{SCRIPT_PATH}\" data-generation=\"{}\"></script>",
        snapshot.generation
    );
    if let Some(error) = &snapshot.error {
        snippet.push_str(&error_overlay(error));
    }
    let at = find_last_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + snippet.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(snippet.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

/// The overlay that shows a build error over the last good page; plain HTML so it shows even
/// with JavaScript off. The script removes it by reloading after the next good build.
pub fn error_overlay(error: &str) -> String {
    format!(
        "<link rel=\"stylesheet\" href=\"{OVERLAY_STYLE_PATH}\">\
         <div id=\"kiln-build-error\" role=\"alert\">\
         <strong>Build failed</strong> — still serving the last good build. \
         Fix the error and save: the page updates by itself.\
         <pre>{}</pre></div>",
        tera::escape_html(error)
    )
}

fn find_last_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
}

/// One server-sent event for an open page that now shows `generation`.
fn event(generation: u64, update: &PageUpdate, snapshot: &Snapshot) -> Bytes {
    let (name, data) = match update {
        PageUpdate::Reload => ("reload", String::new()),
        PageUpdate::Stylesheets(paths) => ("stylesheets", serde_json::json!(paths).to_string()),
        PageUpdate::ShowError => {
            let overlay = error_overlay(snapshot.error.as_deref().unwrap_or_default());
            ("build-error", serde_json::json!(overlay).to_string())
        }
    };
    // `id` makes the browser send `Last-Event-ID` when it reconnects, so it resumes from here.
    Bytes::from(format!("id: {generation}\nevent: {name}\ndata: {data}\n\n"))
}

/// Streams page updates to one open page that shows generation `seen`, until the page goes
/// away or the server shuts down.
pub fn event_stream(
    mut snapshots: watch::Receiver<Arc<Snapshot>>,
    mut seen: u64,
    mut shutdown: watch::Receiver<bool>,
) -> EventStream {
    let (sender, receiver) = mpsc::channel(8);
    tokio::spawn(async move {
        // A short retry lets pages reconnect quickly after the server restarts.
        if sender
            .send(Bytes::from_static(b"retry: 500\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            let next = {
                let snapshot = snapshots.borrow_and_update();
                snapshot
                    .update_since(seen)
                    .map(|(generation, update)| (generation, event(generation, &update, &snapshot)))
            };
            if let Some((generation, message)) = next {
                if sender.send(message).await.is_err() {
                    return;
                }
                seen = generation;
            }
            tokio::select! {
                changed = snapshots.changed() => if changed.is_err() { return },
                _ = shutdown.changed() => return,
                () = sender.closed() => return,
            }
        }
    });
    EventStream(receiver)
}

/// The body of an event-stream response: whatever the stream's task sends, as it comes.
pub struct EventStream(mpsc::Receiver<Bytes>);

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|message| message.map(|bytes| Ok(Frame::data(bytes))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(error: Option<&str>) -> Snapshot {
        Snapshot {
            site: None,
            error: error.map(str::to_owned),
            generation: 42,
            update: PageUpdate::Reload,
        }
    }

    #[test]
    fn the_script_goes_just_before_the_closing_body_tag() {
        let page = inject(b"<html><body><p>hi</p></BODY></html>", &snapshot(None));
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            "<html><body><p>hi</p><script id=\"kiln-live-reload\" src=\"/__kiln/live-reload.js\" \
             data-generation=\"42\"></script></BODY></html>"
        );
    }

    #[test]
    fn a_page_without_body_tag_gets_the_script_at_the_end() {
        let page = String::from_utf8(inject(b"<p>fragment</p>", &snapshot(None))).unwrap();
        assert!(page.starts_with("<p>fragment</p><script id=\"kiln-live-reload\""));
    }

    #[test]
    fn a_failed_build_adds_an_escaped_overlay() {
        let page = inject(
            b"<body></body>",
            &snapshot(Some("page.html:3: unknown <tag>")),
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("id=\"kiln-build-error\""));
        assert!(page.contains("page.html:3: unknown &lt;tag&gt;"));
        assert!(page.ends_with("</div></body>"));
    }

    #[test]
    fn events_carry_their_generation_and_json_data() {
        let failed = snapshot(Some("bad\nline"));
        let message = String::from_utf8(event(42, &PageUpdate::ShowError, &failed).to_vec());
        let message = message.unwrap();
        let (head, data) = message.split_once("data: ").unwrap();
        assert_eq!(head, "id: 42\nevent: build-error\n");
        assert!(data.ends_with("\n\n") && !data.trim_end().contains('\n'));
        let overlay: String = serde_json::from_str(data.trim_end()).unwrap();
        assert_eq!(overlay, error_overlay("bad\nline"));
        let styles = PageUpdate::Stylesheets(vec!["/style.css".into()]);
        let message = event(43, &styles, &snapshot(None));
        assert_eq!(
            &message[..],
            b"id: 43\nevent: stylesheets\ndata: [\"/style.css\"]\n\n"
        );
    }
}
