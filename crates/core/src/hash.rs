//! Small stable hashes for fingerprints and data digests (not for security).

/// 64-bit FNV-1a.
///
/// ```
/// assert_eq!(tieup_core::hash::fnv1a64(b""), 0xcbf29ce484222325);
/// assert_eq!(tieup_core::hash::fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    hash
}

/// FNV-1a 64 digest of a file's bytes, as 16 hex digits (the data hash stored in models).
pub fn file_digest(path: &std::path::Path) -> crate::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    Ok(digest(&bytes))
}

/// FNV-1a 64 digest of bytes, as 16 hex digits.
pub fn digest(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a64(bytes))
}
