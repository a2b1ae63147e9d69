//! Opening an HTML report in headless Chromium, shared by the tests of
//! `sim --report` and `demo --report`.

use std::path::Path;
use std::process::Command;

/// Opens `html` in headless Chromium: the DOM it built, what its console
/// said, and a screenshot written to `png`. `None` when Chromium is not
/// installed (on CI it must be: `.ci/run` installs it).
pub(crate) fn chromium(html: &Path, png: &Path) -> Option<(String, String)> {
    let Ok(found) = Command::new("chromium").arg("--version").output() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium (apt-get install chromium)");
        eprintln!("note: chromium is not installed; the report was checked without a browser");
        return None;
    };
    assert!(found.status.success());
    let url = format!("file://{}", html.canonicalize().unwrap().display());
    let base =
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr"];
    let dom = Command::new("chromium").args(base).args(["--dump-dom", &url]).output().unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let shot = Command::new("chromium")
        .args(base)
        .args(["--window-size=1100,2400", &format!("--screenshot={}", png.display()), &url])
        .output()
        .unwrap();
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let console: String = String::from_utf8_lossy(&dom.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&shot.stderr).lines())
        .filter(|l| l.contains("CONSOLE"))
        .collect::<Vec<_>>()
        .join("\n");
    Some((String::from_utf8(dom.stdout).unwrap(), console))
}
