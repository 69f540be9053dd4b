//! Writing files atomically: a temporary file in the same directory, synced, then renamed,
//! so that an interrupted run never leaves half a file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Temporary files being written now, so that a program interrupted by a signal can remove
/// them ([`remove_temporary_files`]); the library never installs a signal handler itself.
static LIVE_TEMPORARY_FILES: std::sync::Mutex<Vec<std::path::PathBuf>> =
    std::sync::Mutex::new(Vec::new());

fn live_files() -> std::sync::MutexGuard<'static, Vec<std::path::PathBuf>> {
    LIVE_TEMPORARY_FILES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes every temporary file of an [`AtomicFile`] not yet committed or dropped; for the
/// binary's signal handler (Ctrl-C, SIGTERM), so an interrupted run leaves no `.tmp-` file.
/// Returns how many were removed.
pub fn remove_temporary_files() -> usize {
    live_files()
        .drain(..)
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

fn forget_temporary(tmp: &Path) {
    live_files().retain(|p| p != tmp);
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// A file written through a temporary sibling and renamed into place by
/// [`AtomicFile::commit`]; dropped uncommitted, it removes the temporary file and leaves any
/// existing file at the path untouched.
pub struct AtomicFile {
    path: std::path::PathBuf,
    tmp: std::path::PathBuf,
    writer: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Creates the temporary file next to `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| Error::io(path, std::io::Error::other("not a file path")))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        live_files().push(tmp.clone());
        let file = match std::fs::File::create(&tmp) {
            Ok(file) => file,
            Err(e) => {
                forget_temporary(&tmp);
                return Err(Error::io(&tmp, e));
            }
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(std::io::BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Flushes, syncs and renames the temporary file to its final path.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("not committed twice");
        let file = writer
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        let result = file
            .sync_all()
            .and_then(|()| std::fs::rename(&self.tmp, &self.path));
        forget_temporary(&self.tmp);
        if let Err(e) = result {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(Error::io(&self.path, e));
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.as_mut().expect("open").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
            forget_temporary(&self.tmp);
        }
    }
}

/// The absolute, symlink-resolved form of a path that may not exist yet (its parent's
/// canonical form joined with its name; the path itself when even the parent is missing).
pub fn absolute(path: &Path) -> std::path::PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The one check every command makes before it writes its first output: no output is one of
/// the run's inputs, lies inside a protected directory (the catalog, the models in use)
/// unless forced, or is something other than a regular file or directory (a device, FIFO or
/// socket). Errors are [`Error::InvalidParam`] naming the output, the reason and the fix.
///
/// ```
/// use tieup_core::fsutil::OutputGuard;
/// let dir = tempfile::tempdir().unwrap();
/// let input = dir.path().join("apps.csv");
/// std::fs::write(&input, "x").unwrap();
/// let guard = OutputGuard::new().input("--applications", &input).protect("catalog directory", &dir.path().join("data"));
/// assert!(guard.check_file("--out", &input).is_err());
/// assert!(guard.check_file("--out", &dir.path().join("data/x.csv")).is_err());
/// assert!(guard.check_file("--out", &dir.path().join("scored.csv")).is_ok());
/// assert!(guard.check_file("--out", dir.path()).is_err()); // a directory
/// ```
#[derive(Debug, Clone, Default)]
pub struct OutputGuard {
    inputs: Vec<(String, std::path::PathBuf)>,
    protected: Vec<(String, std::path::PathBuf)>,
    allowed: Vec<std::path::PathBuf>,
    force: bool,
}

impl OutputGuard {
    /// A guard with no inputs and nothing protected.
    pub fn new() -> Self {
        OutputGuard::default()
    }

    /// Adds an input file or directory (`what` names it in messages, e.g. `--applications`).
    pub fn input(mut self, what: &str, path: &Path) -> Self {
        self.inputs.push((what.to_string(), absolute(path)));
        self
    }

    /// Protects a directory: no output may be written inside it unless forced.
    pub fn protect(mut self, what: &str, dir: &Path) -> Self {
        self.protected.push((what.to_string(), absolute(dir)));
        self
    }

    /// Allows outputs inside `dir` although it lies in a protected directory (e.g. the
    /// catalog's `derived/` for the importers).
    pub fn allow(mut self, dir: &Path) -> Self {
        self.allowed.push(absolute(dir));
        self
    }

    /// With `force`, outputs may be written inside protected directories (never over an
    /// input, never to a device).
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    fn refuse(what: &str, path: &Path, reason: String) -> Error {
        Error::InvalidParam {
            name: "output path",
            value: path.display().to_string(),
            reason: format!("{what} {reason}"),
        }
    }

    /// Checks an output file.
    pub fn check_file(&self, what: &str, path: &Path) -> Result<()> {
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                return Err(Self::refuse(
                    what,
                    path,
                    "is a directory; give a file path".into(),
                ));
            }
            if !meta.is_file() {
                return Err(Self::refuse(
                    what,
                    path,
                    "is a device, FIFO or socket, not a regular file; give a file path".into(),
                ));
            }
        }
        let target = absolute(path);
        for (input, input_path) in &self.inputs {
            if target == *input_path {
                return Err(Self::refuse(
                    what,
                    path,
                    format!("is the input {input}; inputs are never overwritten, write elsewhere"),
                ));
            }
        }
        self.check_protected(what, path, &target)
    }

    /// Checks an output directory: not a file, not an input directory, no input file directly
    /// inside it (the command may write a file of that name), not a protected directory.
    pub fn check_dir(&self, what: &str, dir: &Path) -> Result<()> {
        if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
            return Err(Self::refuse(
                what,
                dir,
                "exists and is not a directory".into(),
            ));
        }
        let target = absolute(dir);
        for (input, input_path) in &self.inputs {
            if target == *input_path || input_path.parent() == Some(target.as_path()) {
                return Err(Self::refuse(
                    what,
                    dir,
                    format!(
                        "holds the input {input} ({}); inputs are never overwritten, write to another directory",
                        input_path.display()
                    ),
                ));
            }
        }
        for (name, protected) in &self.protected {
            if target == *protected && !self.force {
                return Err(Self::refuse(
                    what,
                    dir,
                    format!("is the {name}; write to another directory, or add --force"),
                ));
            }
        }
        Ok(())
    }

    fn check_protected(&self, what: &str, path: &Path, target: &Path) -> Result<()> {
        if self.force || self.allowed.iter().any(|a| target.starts_with(a)) {
            return Ok(());
        }
        for (name, dir) in &self.protected {
            if target.starts_with(dir) {
                return Err(Self::refuse(
                    what,
                    path,
                    format!(
                        "is inside the {name} ({}); write elsewhere, or add --force",
                        dir.display()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Reads a text file that must be UTF-8; invalid bytes are a data error naming the line.
pub fn read_text(path: &Path) -> crate::error::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        crate::error::Error::data(
            path,
            Some(line),
            "the file is not valid UTF-8",
            "save it as UTF-8",
        )
    })
}
