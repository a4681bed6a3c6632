//! End-to-end test support: a real server on 127.0.0.1:0 serving apps written to a
//! temporary folder, and a small blocking HTTP/1.1 client over a plain TCP socket (so
//! tests can also send malformed bytes).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use nano_host::{Config, Server};

pub struct TestServer {
    pub addr: SocketAddr,
    server: Option<Server>,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    /// Writes `files` (path, contents) and `nano.toml` (with `listen` set to port 0)
    /// into a fresh folder, and serves it.
    pub fn start(config: &str, files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(&full, text).expect("write app file");
        }
        let config_path = dir.path().join("nano.toml");
        let text = format!("listen = \"127.0.0.1:0\"\n{config}");
        std::fs::write(&config_path, &text).expect("write config");
        let config = Config::load(&config_path).expect("valid config");
        let server = Server::start(config).expect("server starts");
        Self {
            addr: server.local_addr(),
            server: Some(server),
            dir,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn get(&self, host: &str, path: &str) -> Response {
        self.request("GET", host, path, &[], b"")
    }

    pub fn request(
        &self,
        method: &str,
        host: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" || method == "PUT" {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        parse_response(&self.raw(&bytes)).expect("a well-formed HTTP response")
    }

    /// Sends raw bytes and returns everything the server sent until it closed (or 10 s).
    pub fn raw(&self, bytes: &[u8]) -> Vec<u8> {
        let mut stream = self.connect();
        // Write on another thread: the server may answer (and fill the socket) before
        // it has read the whole request.
        let mut writer = stream.try_clone().expect("clone socket");
        let bytes = bytes.to_vec();
        let sender = std::thread::spawn(move || {
            let _ = writer.write_all(&bytes);
        });
        let out = read_to_close(&mut stream);
        let _ = sender.join();
        out
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
    }

    /// Stops the server the way SIGTERM does and waits for it.
    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
            server.join();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    out
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses one response (skipping `100 Continue`), de-chunking its body.
pub fn parse_response(bytes: &[u8]) -> Option<Response> {
    let mut bytes = bytes;
    loop {
        let end = find(bytes, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let rest = &bytes[end + 4..];
        if status == 100 {
            bytes = rest;
            continue;
        }
        let chunked = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        let body = if chunked {
            dechunk(rest)?
        } else {
            rest.to_vec()
        };
        return Some(Response {
            status,
            headers,
            body,
        });
    }
}

pub fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}
