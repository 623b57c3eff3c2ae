//! The bench's HTTP client: minimal HTTP/1.1 keep-alive connections and request builders.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Error;

pub fn field(body: &[u8], name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get(name)?.as_str().map(str::to_owned)
}

pub fn post(path: &str, body: &str, headers: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub fn get(path: &str, headers: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n").into_bytes()
}

/// A minimal HTTP/1.1 keep-alive client: it costs far less CPU than a full client, so the
/// figures describe the server rather than the load generator sharing its cores.
pub struct Conn {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, Error> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Rotates a refresh token and returns its successor.
    pub async fn refresh(&mut self, token: &str) -> Result<String, Error> {
        let body = format!(r#"{{"refreshToken":"{token}"}}"#);
        let (status, answer) = self.send(&post("/api/refresh", &body, "")).await?;
        let next = field(&answer, "refreshToken").filter(|_| status == 200);
        next.ok_or_else(|| format!("refresh answered {status}").into())
    }

    /// Sends one request and returns the status and body of its answer.
    pub async fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        self.stream.write_all(request).await?;
        loop {
            let complete = parse_head(&self.buffer)
                .filter(|(_, head, length)| self.buffer.len() >= head + length);
            if let Some((status, head, length)) = complete {
                let body = self.buffer[head..head + length].to_vec();
                self.buffer.drain(..head + length);
                return Ok((status, body));
            }
            let mut chunk = [0u8; 8192];
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                return Err("the server closed the connection".into());
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }
}

/// `(status, header length, content length)` once the whole head has arrived.
fn parse_head(buffer: &[u8]) -> Option<(u16, usize, usize)> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..end]).ok()?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    Some((status, end, length))
}
