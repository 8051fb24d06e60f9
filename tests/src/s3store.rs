//! A real S3-compatible store on loopback for the delivery tests: s3s-fs
//! (objects as files under a temporary directory) behind s3s's SigV4
//! authentication, served by hyper on a thread and runtime of its own.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

use crate::sigv4::{amz_date, Presign, Signer};

/// The store: where it listens, its bucket, and how to sign for it.
pub struct S3Store {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The one bucket.
    pub bucket: String,
    /// The backend's signer (the store's own credentials).
    pub signer: Signer,
    root: tempfile::TempDir,
}

impl S3Store {
    /// Starts a store with one bucket, `bucket`, and its auth on.
    pub fn start(bucket: &str) -> Self {
        let root = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(root.path().join(bucket)).expect("the bucket's directory");
        let signer = Signer {
            access_key: "PUSHDOCTORTESTKEY".into(),
            secret_key: "pushdoctor-test-secret-0123456789".into(),
            region: "us-east-1".into(),
        };
        let fs = s3s_fs::FileSystem::new(root.path()).expect("s3s-fs on the directory");
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(
            signer.access_key.clone(),
            signer.secret_key.clone(),
        ));
        let service = builder.build();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("its address");
        std::thread::Builder::new()
            .name("s3-store".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the store's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    let http = ConnBuilder::new(TokioExecutor::new());
                    loop {
                        let Ok((socket, _)) = listener.accept().await else {
                            continue;
                        };
                        let conn = http
                            .serve_connection(TokioIo::new(socket), service.clone())
                            .into_owned();
                        tokio::spawn(async move {
                            let _ = conn.await;
                        });
                    }
                })
            })
            .expect("the store's thread");
        S3Store {
            addr,
            bucket: bucket.into(),
            signer,
            root,
        }
    }

    /// A pre-signed PUT URL for `key`, signed `age` ago, working for
    /// `expires_s` seconds from then; `via` replaces the store's address
    /// (a fault proxy in front of it), the host signed being the one the
    /// client will send.
    pub fn presign_put(
        &self,
        key: &str,
        age: Duration,
        expires_s: u64,
        via: Option<SocketAddr>,
    ) -> String {
        let host = via.unwrap_or(self.addr).to_string();
        self.signer.presign(&Presign {
            method: "PUT",
            scheme: "http",
            host: &host,
            path: &format!("/{}/{key}", self.bucket),
            amz_date: &amz_date(SystemTime::now() - age),
            expires_s,
        })
    }

    /// Every object in the bucket, by key, with its bytes (read back from
    /// the store's files).
    pub fn objects(&self) -> Vec<(String, Vec<u8>)> {
        let bucket = self.root.path().join(&self.bucket);
        let mut found = Vec::new();
        walk(&bucket, &bucket, &mut found);
        found.sort();
        found
    }

    /// The store's directory (for its leftovers).
    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

fn walk(base: &Path, dir: &Path, found: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the bucket")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(base, &path, found);
        } else {
            let key = path
                .strip_prefix(base)
                .expect("under the bucket")
                .to_string_lossy()
                .into_owned();
            found.push((key, std::fs::read(&path).expect("an object")));
        }
    }
}
