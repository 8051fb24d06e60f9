//! A SigV4 query signer (pre-signed URLs), the way an authenticator team's
//! backend makes them, written from AWS's specification ("Authenticating
//! Requests: Using Query Parameters") and checked against its published
//! example. The store on the other side (s3s) verifies what it signs.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a backend needs to sign: the store's credentials and region.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The access key id.
    pub access_key: String,
    /// The secret key.
    pub secret_key: String,
    /// The region (`us-east-1`).
    pub region: String,
}

/// One URL to sign.
#[derive(Debug, Clone)]
pub struct Presign<'a> {
    /// `PUT` or `GET`.
    pub method: &'a str,
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host as the client sends it (`127.0.0.1:9000`, with the port).
    pub host: &'a str,
    /// The path, not yet encoded (`/bucket/reports/a.zip`).
    pub path: &'a str,
    /// When it is signed: `20130524T000000Z`.
    pub amz_date: &'a str,
    /// For how many seconds it works.
    pub expires_s: u64,
}

impl Signer {
    /// The pre-signed URL.
    pub fn presign(&self, p: &Presign<'_>) -> String {
        let date = &p.amz_date[..8];
        let scope = format!("{date}/{}/s3/aws4_request", self.region);
        let credential = format!("{}/{scope}", self.access_key);
        let path: String = p
            .path
            .split('/')
            .map(uri_encode)
            .collect::<Vec<_>>()
            .join("/");
        // Sorted by name, each name and value URI-encoded.
        let query = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={}&X-Amz-Expires={}&X-Amz-SignedHeaders=host",
            uri_encode(&credential),
            p.amz_date,
            p.expires_s
        );
        let canonical = format!(
            "{}\n{path}\n{query}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD",
            p.method, p.host
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
            p.amz_date,
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut key = hmac(
            format!("AWS4{}", self.secret_key).as_bytes(),
            date.as_bytes(),
        );
        for part in [self.region.as_str(), "s3", "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let signature = hex::encode(hmac(&key, to_sign.as_bytes()));
        format!(
            "{}://{}{path}?{query}&X-Amz-Signature={signature}",
            p.scheme, p.host
        )
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// SigV4's URI encoding: everything but `A-Z a-z 0-9 - . _ ~` as `%XX`.
fn uri_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `SystemTime` as SigV4's `YYYYMMDDTHHMMSSZ`.
pub fn amz_date(at: std::time::SystemTime) -> String {
    let secs = at
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let (y, m, d) = pushdoctor_core::model::time::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's example of a pre-signed URL (S3 API reference, "Authenticating
    /// Requests: Using Query Parameters (AWS Signature Version 4)").
    #[test]
    fn the_signer_gives_aws_published_signature() {
        let signer = Signer {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            region: "us-east-1".into(),
        };
        let url = signer.presign(&Presign {
            method: "GET",
            scheme: "https",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            amz_date: "20130524T000000Z",
            expires_s: 86400,
        });
        assert!(
            url.ends_with(
                "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            ),
            "{url}"
        );
        assert!(url.contains(
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        ));
        assert_eq!(
            amz_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_369_353_600)),
            "20130524T000000Z"
        );
    }
}
