//! The layering ARCHITECTURE.md promises, checked on the source: a handler imports downward
//! only (never another handler), the layer below the handlers imports no handler, and no
//! handler or console page decides access by matching on roles (they ask
//! `domain::roles::may`).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out
}

/// The handler a file belongs to (`handlers/cases/submission.rs` → `cases`).
fn handler_of(path: &Path, handlers: &Path) -> Option<String> {
    let rest = path.strip_prefix(handlers).ok()?;
    let first = rest.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

#[test]
fn handlers_import_downward_only() {
    // Arrange
    let src = root().join("functions/src");
    let handlers = src.join("handlers");
    let mut wrong = Vec::new();

    // Act: every `crate::handlers::<name>` a file names.
    for (path, text) in sources(&src) {
        let own = handler_of(&path, &handlers);
        let wiring = path.ends_with("handlers/mod.rs")
            || path.ends_with("local.rs")
            || path.ends_with("lib.rs");
        // Code only: a doc comment may point the reader to a sibling.
        let code = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in code.match_indices("crate::handlers::") {
            let name: String = code[i + "crate::handlers::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !wiring && own.as_deref() != Some(name.as_str()) {
                wrong.push(format!("{} names crate::handlers::{name}", path.display()));
            }
        }
    }

    // Assert
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_handler_or_page_matches_on_roles_to_decide_access() {
    // Arrange: the places a role is legitimately named — its display name, the demo accounts,
    // the division level an account is bound to — are not access decisions.
    let mut files = sources(&root().join("functions/src/handlers"));
    files.extend(sources(&root().join("app/src/pages")));
    let decisions = [
        "role == Role::",
        "role != Role::",
        "role == domain::roles::Role::",
        "role != domain::roles::Role::",
        "(claims.role, Role::",
        "matches!(claims.role",
        "matches!(self.role",
    ];

    // Act
    let found: Vec<String> = files
        .iter()
        .flat_map(|(path, text)| {
            decisions
                .iter()
                .filter(|d| text.contains(*d))
                .map(move |d| format!("{}: {d}", path.display()))
        })
        .collect();

    // Assert
    assert!(
        found.is_empty(),
        "ask domain::roles::may instead:\n{}",
        found.join("\n")
    );
}
