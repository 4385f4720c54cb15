//! The release build (`dist/`) served as static files: `index.html` at `/`, each file
//! with its content type, nothing outside the folder.

use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};

/// The content types of what Trunk writes into `dist/`. A table rather than a MIME
/// crate: the page has a handful of file kinds, and an unknown one is served as bytes.
const CONTENT_TYPES: [(&str, &str); 13] = [
    ("html", "text/html; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("wasm", "application/wasm"),
    ("json", "application/json"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("ico", "image/x-icon"),
    ("txt", "text/plain; charset=utf-8"),
    ("map", "application/json"),
    ("woff2", "font/woff2"),
    ("webmanifest", "application/manifest+json"),
];

pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    CONTENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map_or("application/octet-stream", |(_, t)| t)
}

/// The file under `root` a request path names, or `None` when it names nothing there.
/// Each segment is decoded once and must be a plain name: no `..`, no hidden files, no
/// separators or NUL inside; the file found must still be inside `root` after symbolic
/// links are resolved. `root` is canonical.
pub(crate) async fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let mut file = root.to_path_buf();
    for segment in request_path.split('/').filter(|s| !s.is_empty()) {
        let name = percent_decode_str(segment).decode_utf8().ok()?;
        let plain = !name.starts_with('.')
            && !name.contains(['/', '\\', '\0'])
            && name.chars().all(|c| !c.is_control());
        if !plain {
            return None;
        }
        file.push(name.as_ref());
    }
    if request_path.ends_with('/') || file == root {
        file.push("index.html");
    }
    let real = tokio::fs::canonicalize(&file).await.ok()?;
    let meta = tokio::fs::metadata(&real).await.ok()?;
    (real.starts_with(root) && meta.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_files_get_their_types() {
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("app-1a2b_bg.wasm")),
            "application/wasm"
        );
        assert_eq!(
            content_type(Path::new("app-1a2b.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("style-9f.CSS")),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("favicon-1.svg")), "image/svg+xml");
        assert_eq!(
            content_type(Path::new("LICENSE")),
            "application/octet-stream"
        );
    }

    #[tokio::test]
    async fn only_plain_files_inside_the_folder_are_found() {
        let dir = std::env::temp_dir().join(format!("dbx-relay-files-{}", std::process::id()));
        let inside = dir.join("dist");
        std::fs::create_dir_all(inside.join("assets")).unwrap();
        std::fs::write(inside.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(inside.join("assets/app.js"), "1").unwrap();
        std::fs::write(inside.join(".env"), "SECRET=1").unwrap();
        std::fs::write(dir.join("outside.txt"), "no").unwrap();
        let root = std::fs::canonicalize(&inside).unwrap();
        assert_eq!(resolve(&root, "/").await, Some(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/assets/app.js").await,
            Some(root.join("assets/app.js"))
        );
        assert_eq!(resolve(&root, "/assets/").await, None);
        for path in [
            "/../outside.txt",
            "/%2e%2e/outside.txt",
            "/assets/..%2f..%2foutside.txt",
            "/.env",
            "/assets/app.js%00.html",
            "/missing.js",
            "/assets",
        ] {
            assert_eq!(resolve(&root, path).await, None, "{path}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
