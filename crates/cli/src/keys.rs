//! Where the data encryption key comes from: a key file (`--key-file` /
//! `FANGPIN_KEY_FILE`) or the key itself in `FANGPIN_KEY`. Without one the
//! program refuses to start; it never falls back to storing plaintext.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use fangpin_store::MasterKey;

pub const KEY_ENV: &str = "FANGPIN_KEY";

/// The key from `file`, else from `FANGPIN_KEY`; an error when neither is given.
pub fn load(file: Option<&Path>) -> Result<MasterKey> {
    if let Some(path) = file {
        return read(path);
    }
    if let Ok(text) = std::env::var(KEY_ENV) {
        return MasterKey::parse(&text).with_context(|| format!("环境变量 {KEY_ENV} 中的密钥无效"));
    }
    bail!(
        "未提供数据加密密钥：证件号码和银行卡号必须加密存储。\n\
         请先运行 `fangpin keygen --out 密钥文件` 生成密钥，再用 --key-file（或环境变量 FANGPIN_KEY_FILE）指定；\n\
         也可把密钥本身放在环境变量 {KEY_ENV} 中。"
    )
}

fn read(path: &Path) -> Result<MasterKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取密钥文件 {}", path.display()))?;
    MasterKey::parse(&text).with_context(|| format!("密钥文件 {} 的内容无效", path.display()))
}

/// Writes a new key to `path`, readable by the owner only; refuses to overwrite.
pub fn create(path: &Path) -> Result<MasterKey> {
    if path.exists() {
        bail!(
            "密钥文件 {} 已存在，拒绝覆盖（覆盖会使已加密的数据无法读取）",
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    let key = MasterKey::generate()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("无法创建密钥文件 {}", path.display()))?;
    writeln!(f, "{}", key.to_text())?;
    Ok(key)
}

/// Where `demo` keeps its key: beside a SQLite database file (`data/demo.db`
/// → `data/demo.key`), or `data/demo.key` for a server database.
pub fn demo_key_path(database_url: &str) -> PathBuf {
    match database_url.strip_prefix("sqlite:") {
        Some(rest) => {
            let file = rest
                .trim_start_matches("//")
                .split('?')
                .next()
                .unwrap_or("");
            if file.is_empty() || file == ":memory:" {
                PathBuf::from("data/demo.key")
            } else {
                Path::new(file).with_extension("key")
            }
        }
        None => PathBuf::from("data/demo.key"),
    }
}

/// The demo's own key: read it, or create it on first use.
pub fn load_or_create(path: &Path) -> Result<MasterKey> {
    if path.exists() {
        read(path)
    } else {
        create(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_keys_are_read_back_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("fangpin-keytest-{}", std::process::id()));
        let path = dir.join("k.key");
        let created = create(&path).unwrap();
        assert_eq!(read(&path).unwrap().to_text(), created.to_text());
        assert!(create(&path).unwrap_err().to_string().contains("拒绝覆盖"));
        assert_eq!(load_or_create(&path).unwrap().to_text(), created.to_text());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key files are private to their owner");
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn demo_keys_live_beside_their_database() {
        assert_eq!(
            demo_key_path("sqlite:data/demo.db"),
            PathBuf::from("data/demo.key")
        );
        assert_eq!(
            demo_key_path("sqlite:/tmp/x/e2e.db?mode=rwc"),
            PathBuf::from("/tmp/x/e2e.key")
        );
        assert_eq!(
            demo_key_path("postgres://u@h/db"),
            PathBuf::from("data/demo.key")
        );
    }

    #[test]
    fn a_bad_key_file_is_a_clear_error() {
        let path = std::env::temp_dir().join(format!("fangpin-badkey-{}", std::process::id()));
        std::fs::write(&path, "not a key").unwrap();
        let err = format!("{:#}", read(&path).unwrap_err());
        assert!(err.contains("内容无效"), "{err}");
        std::fs::remove_file(path).ok();
    }
}
