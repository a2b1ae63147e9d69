//! Result files written whole or not at all, never replacing or removing a
//! file the user did not name.
//!
//! [`Output::check`] looks at a path before the work starts, so that a typo
//! fails at once instead of after an hour of computing: a directory, a
//! missing parent directory or a directory where no file can be created is
//! an [`OutputError`] naming the path. [`Output::write`] then writes:
//! - a regular file (or a path that does not exist yet) through a temporary
//!   file that this module creates itself, with a unique name, beside its
//!   target, moved over the target once complete and synced; an interrupted
//!   run leaves the old file as it was;
//! - through a symbolic link: the link's final target is the file replaced,
//!   the link stays;
//! - straight to a device, a pipe or a socket (`/dev/null`, a FIFO), which
//!   are opened and written as they are, never replaced;
//! - to this process's standard output or error for `-`, `/dev/stdout`,
//!   `/dev/stderr`, `/dev/fd/1`, `/proc/self/fd/2` and the like, and
//!   appended to any other open descriptor named through `/dev/fd/N` or
//!   `/proc/PID/fd/N`, as a shell's `>>` would.
//!
//! A regular file is replaced whole wherever it lives (`/dev/shm` too).

use std::fs::{OpenOptions, Permissions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why an output cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {problem}", path.display())]
#[non_exhaustive]
pub struct OutputError {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: String,
    /// The kind of the system's error, when one caused it (a reader that
    /// went away is `BrokenPipe`, which command-line tools end on quietly).
    pub kind: Option<std::io::ErrorKind>,
}

/// A checked destination for a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The path as the user gave it, for messages.
    given: PathBuf,
    dest: Dest,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Dest {
    /// This process's standard output.
    Stdout,
    /// This process's standard error.
    Stderr,
    /// A device, pipe or socket, opened and written as it is.
    Through(PathBuf),
    /// An open descriptor named through `/proc` or `/dev/fd`, appended to.
    Descriptor(PathBuf),
    /// A regular file (maybe not there yet), replaced whole.
    File(PathBuf),
}

/// How many symbolic links a path may pass through (Linux's limit).
const MAX_LINKS: usize = 40;

impl Output {
    /// This process's standard output.
    pub fn stdout() -> Self {
        Self { given: PathBuf::from("-"), dest: Dest::Stdout }
    }

    /// Checks that a result can be written to `path` (`-` is standard
    /// output), before any work is done for it.
    pub fn check(path: &Path) -> Result<Self, OutputError> {
        let fail = |problem: String| OutputError { path: path.to_owned(), problem, kind: None };
        if path.as_os_str() == "-" {
            return Ok(Self::stdout());
        }
        if path.as_os_str().is_empty() {
            return Err(fail("the path is empty".into()));
        }
        // `x/` names a directory, even when there is no such thing yet.
        if path.as_os_str().as_encoded_bytes().ends_with(b"/") && !path.is_dir() {
            return Err(fail("it ends with / but is not a directory".into()));
        }
        let dest = match resolve(path).map_err(&fail)? {
            Resolved::Stdout => Dest::Stdout,
            Resolved::Stderr => Dest::Stderr,
            // The kernel follows these links itself (a pipe's has no path).
            Resolved::Descriptor(fd) => match std::fs::metadata(&fd) {
                Ok(m) if m.is_dir() => return Err(fail("it is a directory".into())),
                Ok(_) => Dest::Descriptor(fd),
                Err(e) => return Err(fail(e.to_string())),
            },
            Resolved::Path(target) => match std::fs::metadata(&target) {
                Ok(m) if m.is_dir() => return Err(fail("it is a directory".into())),
                Ok(m) if !m.is_file() => Dest::Through(target),
                // Replacing the file would leave its other names with the
                // old contents: never silently.
                Ok(m) if m.nlink() > 1 => {
                    return Err(fail(format!(
                        "{} has {} hard links, which replacing it would break \
                         (the other names would keep the old contents): remove the other links, or write elsewhere",
                        target.display(),
                        m.nlink()
                    )));
                }
                // Writable to us, as `>` would need it (a read-only file of
                // another user's is not silently replaced).
                Ok(_) => match OpenOptions::new().write(true).open(&target) {
                    Ok(_) => Dest::File(target),
                    Err(e) => return Err(fail(format!("{}: {e}", target.display()))),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Dest::File(target),
                Err(e) => return Err(fail(e.to_string())),
            },
        };
        if let Dest::File(target) = &dest {
            let dir = parent(target);
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(fail(format!("{} is not a directory", dir.display()))),
                Err(_) => return Err(fail(format!("the directory {} does not exist", dir.display()))),
            }
            // /dev and /proc hold devices and the kernel's files, not results
            // (root may create regular files in /dev; /dev/shm is fine).
            let home = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
            if home == Path::new("/dev") || home.starts_with("/proc") {
                return Err(fail(format!("{} holds devices, not result files", home.display())));
            }
            // Files can be created there: try one, which is removed at once.
            tempfile::Builder::new()
                .prefix(".write-check.")
                .tempfile_in(dir)
                .map_err(|e| fail(format!("cannot create files in {}: {e}", dir.display())))?;
        }
        Ok(Self { given: path.to_owned(), dest })
    }

    /// The regular file the result replaces (symbolic links followed), if
    /// it goes to one: what may keep a journal or a lock beside it.
    pub fn file(&self) -> Option<&Path> {
        match &self.dest {
            Dest::File(path) => Some(path),
            _ => None,
        }
    }

    /// Refuses an output that is one of the run's inputs (the same file,
    /// under any name): writing it would replace the input.
    pub fn refuse_input(&self, input: &Path, what: &str) -> Result<(), OutputError> {
        let target = match &self.dest {
            Dest::File(target) | Dest::Descriptor(target) | Dest::Through(target) => target.as_path(),
            Dest::Stdout => Path::new("/proc/self/fd/1"),
            Dest::Stderr => Path::new("/proc/self/fd/2"),
        };
        let (Ok(a), Ok(b)) = (std::fs::metadata(target), std::fs::metadata(input)) else { return Ok(()) };
        if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
            return Err(OutputError {
                path: self.given.clone(),
                problem: format!(
                    "it is the {what} ({}): writing it would replace the input",
                    input.display()
                ),
                kind: None,
            });
        }
        Ok(())
    }

    /// Whether two outputs write to the same place (the same file under
    /// any name, or both to standard output or standard error): two
    /// results written there would replace or garble each other.
    pub fn same_destination(&self, other: &Output) -> bool {
        self.dest == other.dest
    }

    /// The path as the user gave it.
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// Writes the result: `write` fills a buffered writer; a regular file
    /// is replaced only once `write` succeeded and the data is synced.
    pub fn write(
        &self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let fail = |problem: String| OutputError { path: self.given.clone(), problem, kind: None };
        let io = |e: std::io::Error| OutputError {
            path: self.given.clone(),
            problem: e.to_string(),
            kind: Some(e.kind()),
        };
        match &self.dest {
            Dest::Stdout => {
                // A closed standard output swallows writes without an error.
                if std::fs::metadata("/proc/self/fd/1").is_err() && Path::new("/proc/self").exists() {
                    return Err(fail("standard output is closed".into()));
                }
                let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                write(&mut out).and_then(|()| out.flush()).map_err(io)
            }
            Dest::Stderr => {
                let mut out = BufWriter::with_capacity(1 << 16, std::io::stderr().lock());
                write(&mut out).and_then(|()| out.flush()).map_err(io)
            }
            Dest::Through(path) | Dest::Descriptor(path) => {
                let append = matches!(self.dest, Dest::Descriptor(_));
                let file = OpenOptions::new().write(true).append(append).open(path).map_err(io)?;
                let mut out = BufWriter::with_capacity(1 << 20, file);
                write(&mut out).and_then(|()| out.flush()).map_err(io)
            }
            Dest::File(target) => {
                // Keep an existing file's permissions; a new one gets the
                // usual 0666 less the umask.
                let mode = std::fs::metadata(target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
                // A short name of its own, whatever the length of the target's.
                let temp = tempfile::Builder::new()
                    .prefix(".xtask-output-")
                    .suffix(".tmp")
                    .permissions(Permissions::from_mode(mode))
                    .tempfile_in(parent(target))
                    .map_err(|e| {
                        fail(format!("cannot create a temporary file in {}: {e}", parent(target).display()))
                    })?;
                let mut out = BufWriter::with_capacity(1 << 20, temp);
                write(&mut out).and_then(|()| out.flush()).map_err(io)?;
                let temp = out.into_inner().map_err(|e| fail(e.into_error().to_string()))?;
                temp.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
                temp.persist(target).map_err(|e| fail(e.error.to_string()))?;
                Ok(())
            }
        }
    }
}

/// The directory holding `path` (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Where a chain of symbolic links ends.
enum Resolved {
    /// At a name of standard output.
    Stdout,
    /// At a name of standard error.
    Stderr,
    /// At another open descriptor, `/proc/PID/fd/N` or `/dev/fd/N`.
    Descriptor(PathBuf),
    /// At this path, which may not exist.
    Path(PathBuf),
}

/// Follows symbolic links from `path` to what they finally name, stopping
/// at a descriptor's name (whose link the kernel resolves, even for a pipe).
fn resolve(path: &Path) -> Result<Resolved, String> {
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        // The folder's own links, `.` and `//` resolved, so that `/dev/./fd/1`,
        // `fd/1` in `/dev` and a link to `/dev/fd` all name a descriptor.
        if let (Some(name), Ok(dir)) = (current.file_name(), std::fs::canonicalize(parent(&current))) {
            current = dir.join(name);
        }
        match descriptor(&current) {
            Some(1) => return Ok(Resolved::Stdout),
            Some(2) => return Ok(Resolved::Stderr),
            Some(_) => return Ok(Resolved::Descriptor(current)),
            None => {}
        }
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|e| e.to_string())?;
                current = if target.is_absolute() { target } else { parent(&current).join(target) };
            }
            _ => return Ok(Resolved::Path(current)),
        }
    }
    Err(format!("more than {MAX_LINKS} symbolic links"))
}

/// The descriptor of this process that `path` names, if it names one:
/// `/dev/stdout` and `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`,
/// `/proc/thread-self/fd/N` and `/proc/<this process>/fd/N`. Another
/// process's descriptor counts as a descriptor other than 1 and 2.
fn descriptor(path: &Path) -> Option<u64> {
    match path.to_str()? {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let parts: Vec<&str> = path.to_str()?.split('/').collect();
    let number = |n: &str| n.parse::<u64>().ok();
    let own = |who: &str| who == "self" || who == "thread-self" || who == std::process::id().to_string();
    match parts.as_slice() {
        ["", "dev", "fd", n] => number(n),
        ["", "proc", who, "fd", n] if own(who) => number(n),
        // Another process's descriptor: never its standard streams' handles here.
        ["", "proc", who, "fd", n] if who.parse::<u64>().is_ok() => number(n).map(|_| u64::MAX),
        ["", "proc", who, "task", _, "fd", n] if own(who) => number(n),
        ["", "proc", _, "task", _, "fd", n] => number(n).map(|_| u64::MAX),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
