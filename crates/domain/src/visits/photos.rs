//! Visit photos: types, size and count limits, display names.

use serde::Serialize;

use crate::area::AreaCode;
use crate::policy::{PolicyError, PolicySet, keys};

use super::*;

/// The image types a visit photo may have, told by the file's first bytes
/// (never by its name or the type the browser claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PhotoType {
    /// JPEG (FF D8 FF).
    Jpeg,
    /// PNG (89 50 4E 47 0D 0A 1A 0A).
    Png,
    /// WebP (RIFF, size, WEBP).
    Webp,
}

impl PhotoType {
    /// The type of an image by its magic bytes; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoType::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoType::Webp)
        } else {
            None
        }
    }

    /// MIME type served with the photo.
    pub fn mime(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
            PhotoType::Webp => "image/webp",
        }
    }

    /// Parse a stored MIME type.
    pub fn from_mime(s: &str) -> Option<PhotoType> {
        [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp]
            .into_iter()
            .find(|t| t.mime() == s.trim())
    }
}

/// How many photos a visit may carry and how large each may be (per-area,
/// per-year parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PhotoLimits {
    /// Photos per visit.
    pub max_count: i64,
    /// Bytes per photo.
    pub max_bytes: i64,
}

impl PhotoLimits {
    /// Resolve the limits of `area` for `year`.
    pub fn resolve(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Self, PolicyError> {
        Ok(PhotoLimits {
            max_count: policy.int_param(keys::VISIT_PHOTO_MAX_COUNT, area, year)?,
            max_bytes: policy.int_param(keys::VISIT_PHOTO_MAX_BYTES, area, year)?,
        })
    }

    /// Checks one file: not empty, within the size, and an image by its
    /// content; gives its type.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Result<PhotoType, VisitError> {
        let name = display_name(name);
        if bytes.is_empty() {
            return Err(VisitError::PhotoEmpty { name });
        }
        let size = bytes.len() as i64;
        if size > self.max_bytes {
            return Err(VisitError::PhotoTooLarge {
                name,
                size: readable_size(size),
                max: readable_size(self.max_bytes),
            });
        }
        PhotoType::sniff(bytes).ok_or(VisitError::PhotoType { name })
    }

    /// The refusal of a file found to be over the size limit while it is
    /// still arriving.
    pub fn over_limit(&self, name: &str) -> VisitError {
        VisitError::PhotoOverLimit {
            name: display_name(name),
            max: readable_size(self.max_bytes),
        }
    }

    /// Checks that `adding` more photos fit beside `existing` ones.
    pub fn check_count(&self, existing: i64, adding: i64) -> Result<(), VisitError> {
        if existing + adding > self.max_count {
            return Err(VisitError::PhotoCount {
                max: self.max_count,
                existing,
                adding,
            });
        }
        Ok(())
    }
}

/// The longest file name kept, in characters.
pub const MAX_PHOTO_NAME_CHARS: usize = 100;

/// A file name as shown in messages and kept with the photo: the last path
/// segment, without control characters, at most [`MAX_PHOTO_NAME_CHARS`]
/// characters; 未命名 when nothing is left.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_PHOTO_NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "未命名".to_owned()
    } else {
        clean.to_owned()
    }
}

/// A byte count as people read it: 5 MB, 300 KB, 812 字节 (1 KB = 1024 bytes;
/// one decimal when not whole, rounded up so that a file just over a limit
/// never reads as equal to it).
pub fn readable_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    let scaled = |unit: i64, label: &str| {
        let tenths = (bytes.max(0) * 10 + unit - 1) / unit;
        if tenths % 10 == 0 {
            format!("{} {label}", tenths / 10)
        } else {
            format!("{}.{} {label}", tenths / 10, tenths % 10)
        }
    };
    if bytes >= MB {
        scaled(MB, "MB")
    } else if bytes >= KB {
        scaled(KB, "KB")
    } else {
        format!("{bytes} 字节")
    }
}
