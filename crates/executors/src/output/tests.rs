//! Tests of [`super::Output`]: what is replaced, what is written through,
//! and what is refused before any work.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{Dest, Output};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(out: &Output, text: &str) -> Result<(), super::OutputError> {
    out.write(|w| w.write_all(text.as_bytes()))
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_new_file_is_written_and_an_old_one_replaced_keeping_its_permissions() {
    let d = dir();
    let path = d.path().join("res.csv");
    write(&Output::check(&path).unwrap(), "a\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write(&Output::check(&path).unwrap(), "b\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "b\n");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    assert_eq!(names(d.path()), ["res.csv"], "no temporary file is left");
}

#[test]
fn files_of_the_user_beside_the_output_are_never_touched() {
    let d = dir();
    let path = d.path().join("res.csv");
    for name in ["res.partial", "res.csv.tmp", "res.csv.partial", ".res.csv.tmp"] {
        std::fs::write(d.path().join(name), name).unwrap();
    }
    write(&Output::check(&path).unwrap(), "rows\n").unwrap();
    for name in ["res.partial", "res.csv.tmp", "res.csv.partial", ".res.csv.tmp"] {
        assert_eq!(std::fs::read_to_string(d.path().join(name)).unwrap(), name);
    }
    assert_eq!(names(d.path()).len(), 5);
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
    let d = dir();
    let path = d.path().join("res.csv");
    std::fs::write(&path, "old\n").unwrap();
    let out = Output::check(&path).unwrap();
    let err = out
        .write(|w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("the work failed"))
        })
        .unwrap_err();
    assert!(err.to_string().contains("res.csv") && err.to_string().contains("the work failed"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    assert_eq!(names(d.path()), ["res.csv"]);
}

#[test]
fn a_symbolic_link_is_written_through_and_stays_a_link() {
    let d = dir();
    let target = d.path().join("real.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = d.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let out = Output::check(&link).unwrap();
    assert_eq!(out.file(), Some(target.as_path()));
    write(&out, "new\n").unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
    // A chain of links, and a link whose target does not exist yet.
    let chain = d.path().join("chain.csv");
    std::os::unix::fs::symlink(&link, &chain).unwrap();
    write(&Output::check(&chain).unwrap(), "chained\n").unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "chained\n");
    let dangling = d.path().join("dangling.csv");
    std::os::unix::fs::symlink("later.csv", &dangling).unwrap();
    write(&Output::check(&dangling).unwrap(), "later\n").unwrap();
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(d.path().join("later.csv")).unwrap(), "later\n");
}

#[test]
fn devices_pipes_and_links_to_them_are_written_straight() {
    let out = Output::check(Path::new("/dev/null")).unwrap();
    assert_eq!(out.file(), None);
    write(&out, "gone\n").unwrap();
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    let d = dir();
    let link = d.path().join("null.csv");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let out = Output::check(&link).unwrap();
    assert_eq!(out.dest, Dest::Through(Path::new("/dev/null").to_owned()));
    write(&out, "gone\n").unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());

    let fifo = d.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    write(&Output::check(&fifo).unwrap(), "through the pipe\n").unwrap();
    assert_eq!(reader.join().unwrap(), "through the pipe\n");
    assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "the pipe is still a pipe");
}

#[test]
fn names_of_standard_output_and_error_go_to_them() {
    for name in ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/proc/thread-self/fd/1"] {
        assert_eq!(Output::check(Path::new(name)).unwrap().dest, Dest::Stdout, "{name}");
    }
    let own = format!("/proc/{}/fd/1", std::process::id());
    assert_eq!(Output::check(Path::new(&own)).unwrap().dest, Dest::Stdout);
    for name in ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"] {
        assert_eq!(Output::check(Path::new(name)).unwrap().dest, Dest::Stderr, "{name}");
    }
    let d = dir();
    let link = d.path().join("out.csv");
    std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
    assert_eq!(Output::check(&link).unwrap().dest, Dest::Stdout);
}

#[test]
fn another_open_descriptor_is_appended_to_never_replaced() {
    use std::os::fd::AsRawFd;
    let d = dir();
    let log = d.path().join("log.txt");
    std::fs::write(&log, "kept line\n").unwrap();
    // As a shell's `3>>log.txt` would leave it open.
    let file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let name = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let out = Output::check(&name).unwrap();
    assert!(matches!(out.dest, Dest::Descriptor(_)), "{:?}", out.dest);
    write(&out, "rows\n").unwrap();
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "kept line\nrows\n");
    let via_dev = PathBuf::from(format!("/dev/fd/{}", file.as_raw_fd()));
    write(&Output::check(&via_dev).unwrap(), "more\n").unwrap();
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "kept line\nrows\nmore\n");
    assert_eq!(names(d.path()), ["log.txt"], "no file besides it");
}

#[test]
fn a_regular_file_under_dev_is_replaced_whole() {
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        return; // no tmpfs here
    }
    let d = tempfile::tempdir_in(shm).unwrap();
    let old = d.path().join("old.csv");
    std::fs::write(&old, "X".repeat(5000)).unwrap();
    let out = Output::check(&old).unwrap();
    assert_eq!(out.file(), Some(old.as_path()));
    write(&out, "short\n").unwrap();
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "short\n", "no old tail left");
    let new = d.path().join("new.csv");
    write(&Output::check(&new).unwrap(), "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&new).unwrap(), "new\n");
}

#[test]
fn bad_places_fail_at_once_naming_the_path() {
    let d = dir();
    let err = Output::check(d.path()).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
    let missing = d.path().join("no/such/dir/res.csv");
    let err = Output::check(&missing).unwrap_err();
    assert!(err.to_string().contains("no/such/dir") && err.to_string().contains("does not exist"), "{err}");
    let file = d.path().join("file");
    std::fs::write(&file, "").unwrap();
    let err = Output::check(&file.join("res.csv")).unwrap_err();
    assert!(err.to_string().to_lowercase().contains("not a directory"), "{err}");
    assert!(Output::check(Path::new("")).is_err());
    let err = Output::check(Path::new("/proc/self/no-such-file")).unwrap_err();
    assert!(err.to_string().contains("/proc/self/no-such-file"), "{err}");
    // A loop of links.
    let a = d.path().join("a");
    std::os::unix::fs::symlink("b", &a).unwrap();
    std::os::unix::fs::symlink("a", d.path().join("b")).unwrap();
    let err = Output::check(&a).unwrap_err();
    assert!(err.to_string().contains("symbolic links"), "{err}");
}

#[test]
fn a_file_with_other_hard_links_is_refused_not_split() {
    let d = dir();
    let (a, b) = (d.path().join("a.csv"), d.path().join("b.csv"));
    std::fs::write(&a, "old\n").unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    let err = Output::check(&b).unwrap_err();
    assert!(err.to_string().contains("2 hard links"), "{err}");
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "old\n");
}

#[test]
fn roundabout_names_of_a_descriptor_are_still_the_descriptor() {
    let d = dir();
    let link = d.path().join("fds");
    std::os::unix::fs::symlink("/dev/fd", &link).unwrap();
    for name in [
        Path::new("/dev/./fd/1"),
        Path::new("/proc/self/./fd/1"),
        Path::new("//dev//stdout"),
        &link.join("1"),
    ] {
        assert_eq!(Output::check(name).unwrap().dest, Dest::Stdout, "{}", name.display());
    }
}

#[test]
fn names_that_cannot_work_fail_before_the_work() {
    let d = dir();
    // A trailing slash names a directory.
    let err = Output::check(&d.path().join("new.csv/")).unwrap_err();
    assert!(err.to_string().contains("ends with /"), "{err}");
    // A name as long as the system allows still gets a temporary file.
    let long = d.path().join(format!("{}.csv", "b".repeat(251)));
    write(&Output::check(&long).unwrap(), "rows\n").unwrap();
    assert_eq!(std::fs::read_to_string(&long).unwrap(), "rows\n");
}

#[test]
fn an_output_that_is_an_input_is_refused_under_any_name() {
    use std::os::fd::AsRawFd;
    let d = dir();
    let input = d.path().join("model.toml");
    std::fs::write(&input, "model").unwrap();
    let err = Output::check(&input).unwrap().refuse_input(&input, "model").unwrap_err();
    assert!(err.to_string().contains("it is the model"), "{err}");
    // Through an open descriptor of it.
    let file = std::fs::File::open(&input).unwrap();
    let fd = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let err = Output::check(&fd).unwrap().refuse_input(&input, "model").unwrap_err();
    assert!(err.to_string().contains("it is the model"), "{err}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "model");
}

#[test]
fn no_result_file_is_created_among_the_devices() {
    for name in ["/dev/null-graph.dot", "/proc/self/result.csv"] {
        let err = Output::check(Path::new(name)).unwrap_err();
        assert!(err.to_string().contains("devices, not result files"), "{name}: {err}");
        assert!(!Path::new(name).exists());
    }
}

#[test]
fn a_descriptor_open_on_a_directory_is_refused_at_once() {
    use std::os::fd::AsRawFd;
    let d = dir();
    let held = std::fs::File::open(d.path()).unwrap();
    let name = PathBuf::from(format!("/proc/self/fd/{}", held.as_raw_fd()));
    let e = Output::check(&name).unwrap_err();
    assert!(e.problem.contains("is a directory"), "{e}");
}

#[test]
fn a_name_the_system_refuses_fails_the_check_not_the_write() {
    // A name longer than a file name may be (255 bytes): checking it fails
    // with the system's reason, before any work.
    let d = dir();
    let long = d.path().join("x".repeat(300));
    let e = Output::check(&long).unwrap_err();
    assert_eq!(e.path, long);
    assert!(e.problem.to_lowercase().contains("too long"), "{e}");
}

#[test]
fn two_names_of_one_file_are_the_same_destination() {
    let d = dir();
    let file = d.path().join("out.csv");
    std::fs::write(&file, "old\n").unwrap();
    let link = d.path().join("link.csv");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let a = Output::check(&file).unwrap();
    let b = Output::check(&link).unwrap();
    let other = Output::check(&d.path().join("other.csv")).unwrap();
    assert!(a.same_destination(&b));
    assert!(!a.same_destination(&other));
    assert!(Output::stdout().same_destination(&Output::check(Path::new("-")).unwrap()));
    assert!(!Output::stdout().same_destination(&a));
}
