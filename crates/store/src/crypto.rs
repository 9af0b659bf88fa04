//! Encryption at rest for ID numbers and bank card numbers.
//!
//! One 32-byte master key (from a key file or an environment variable) is
//! split by HMAC-SHA256 into two subkeys: one for AES-256-GCM sealing of the
//! values, one for a keyed hash (HMAC) used for exact lookups, uniqueness and
//! joins. The hash is deterministic, so millions of rows can be matched on it
//! without decrypting anything; without the key it reveals nothing.
//!
//! A database remembers a check value of its key: opening it with another key
//! is an error, never silently unreadable or mixed data.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Sealed values start with this version tag.
const SEAL_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("数据加密密钥格式无效：应为32字节密钥的base64（44个字符）或十六进制（64个字符）")]
    BadFormat,
    #[error("无法生成随机数：{0}")]
    Random(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("密文格式无效")]
    BadFormat,
    #[error("解密失败：密钥不对或数据被篡改")]
    Tampered,
}

/// The 32-byte master key. Its Debug output never shows the key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Result<MasterKey, KeyError> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(MasterKey(k))
    }

    /// Parses base64 (standard, 44 chars) or hex (64 chars); surrounding
    /// whitespace (a trailing newline in a key file) is ignored.
    pub fn parse(text: &str) -> Result<MasterKey, KeyError> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| KeyError::BadFormat)?
        } else {
            B64.decode(t).map_err(|_| KeyError::BadFormat)?
        };
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadFormat)?;
        Ok(MasterKey(arr))
    }

    /// base64 text, as written to key files.
    pub fn to_text(&self) -> String {
        B64.encode(self.0)
    }
}

/// Seals and hashes sensitive fields with subkeys of one master key.
pub struct FieldCipher {
    aead: Aes256Gcm,
    mac_key: [u8; 32],
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldCipher(***)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl FieldCipher {
    pub fn new(key: &MasterKey) -> FieldCipher {
        let enc = derive(&key.0, "fangpin/field-encryption/v1");
        let mac_key = derive(&key.0, "fangpin/lookup-hash/v1");
        FieldCipher {
            aead: Aes256Gcm::new_from_slice(&enc).expect("a 32-byte AES-256 key"),
            mac_key,
        }
    }

    /// Encrypts `plaintext` with a fresh random nonce: `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        // The operating system's random source failing is not recoverable.
        getrandom::fill(&mut nonce).expect("operating system random source");
        let ct = self
            .aead
            .encrypt(&Nonce::from(nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of a short value");
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("{SEAL_PREFIX}{}", B64.encode(out))
    }

    /// Decrypts a value made by [`FieldCipher::seal`].
    pub fn open(&self, sealed: &str) -> Result<String, CryptoError> {
        let body = sealed
            .strip_prefix(SEAL_PREFIX)
            .ok_or(CryptoError::BadFormat)?;
        let raw = B64.decode(body).map_err(|_| CryptoError::BadFormat)?;
        if raw.len() <= NONCE_LEN {
            return Err(CryptoError::BadFormat);
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::BadFormat)?;
        let pt = self
            .aead
            .decrypt(&Nonce::from(nonce), ct)
            .map_err(|_| CryptoError::Tampered)?;
        String::from_utf8(pt).map_err(|_| CryptoError::BadFormat)
    }

    /// Keyed hash for exact lookup: 32 hex characters (128 bits of HMAC-SHA256).
    pub fn lookup_hash(&self, value: &str) -> String {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.mac_key)
            .expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut hex = String::with_capacity(32);
        for b in &digest[..16] {
            hex.push_str(&format!("{b:02x}"));
        }
        hex
    }

    /// The value a database stores to recognise its key.
    pub fn key_check(&self) -> String {
        self.lookup_hash("fangpin/key-check")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_with_fresh_nonces() {
        let c = FieldCipher::new(&MasterKey::generate().unwrap());
        let a = c.seal("11010519491231002X");
        let b = c.seal("11010519491231002X");
        assert_ne!(a, b, "each seal uses a new nonce");
        assert!(!a.contains("19491231"));
        assert_eq!(c.open(&a).unwrap(), "11010519491231002X");
        assert_eq!(c.open(&b).unwrap(), "11010519491231002X");
    }

    #[test]
    fn wrong_key_and_tampering_are_detected() {
        let c1 = FieldCipher::new(&MasterKey::generate().unwrap());
        let c2 = FieldCipher::new(&MasterKey::generate().unwrap());
        let sealed = c1.seal("6217000010001234567");
        assert_eq!(c2.open(&sealed), Err(CryptoError::Tampered));
        let mut raw = B64.decode(&sealed[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert_eq!(
            c1.open(&format!("v1:{}", B64.encode(raw))),
            Err(CryptoError::Tampered)
        );
        assert_eq!(c1.open("plain"), Err(CryptoError::BadFormat));
        assert_ne!(c1.key_check(), c2.key_check());
    }

    #[test]
    fn lookup_hash_is_deterministic_per_key() {
        let key = MasterKey::generate().unwrap();
        let c = FieldCipher::new(&key);
        let again = FieldCipher::new(&MasterKey::parse(&key.to_text()).unwrap());
        assert_eq!(c.lookup_hash("x"), again.lookup_hash("x"));
        assert_eq!(c.lookup_hash("x").len(), 32);
        assert_ne!(c.lookup_hash("x"), c.lookup_hash("y"));
        let other = FieldCipher::new(&MasterKey::generate().unwrap());
        assert_ne!(c.lookup_hash("x"), other.lookup_hash("x"));
    }

    #[test]
    fn key_text_forms() {
        let k = MasterKey::generate().unwrap();
        let b64 = k.to_text();
        assert_eq!(b64.len(), 44);
        assert_eq!(MasterKey::parse(&format!("{b64}\n")).unwrap().0, k.0);
        let hex: String = k.0.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(MasterKey::parse(&hex).unwrap().0, k.0);
        assert_eq!(MasterKey::parse("short").unwrap_err(), KeyError::BadFormat);
        assert!(format!("{k:?}").contains("***"));
    }
}
