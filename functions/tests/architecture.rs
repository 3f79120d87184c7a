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

/// The length of each function item in `text` (its signature to its closing brace), with the
/// comment and attribute lines just above it.
fn functions_of(text: &str) -> Vec<(usize, String, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let head = line
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("async ")
            .trim_start_matches("const ");
        let Some(rest) = head.strip_prefix("fn ") else {
            i += 1;
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut started = false;
        let mut j = i;
        while j < lines.len() {
            depth += lines[j].matches('{').count() as i32 - lines[j].matches('}').count() as i32;
            started |= lines[j].contains('{');
            if (started && depth <= 0) || (!started && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        let mut above = Vec::new();
        let mut k = i;
        while k > 0 {
            let prev = lines[k - 1].trim_start();
            if prev.starts_with("//") || prev.starts_with("#[") {
                above.push(prev);
                k -= 1;
            } else {
                break;
            }
        }
        out.push((i + 1, name, j - i + 1, above.join("\n")));
        i = if started { j + 1 } else { i + 1 };
    }
    out
}

#[test]
fn no_function_passes_80_lines_without_the_reason_written_above_it() {
    // Arrange: the code and the tests of every crate.
    let mut files = Vec::new();
    for dir in [
        "domain/src",
        "functions/src",
        "app/src",
        "xtask/src",
        "tests/tests",
    ] {
        files.extend(sources(&root().join(dir)));
    }

    // Act
    let unexplained: Vec<String> = files
        .iter()
        .flat_map(|(path, text)| {
            functions_of(text)
                .into_iter()
                .filter(|(_, _, length, above)| *length > 80 && !above.contains("// Long:"))
                .map(move |(line, name, length, _)| {
                    format!("{}:{line} {name} ({length} lines)", path.display())
                })
        })
        .collect();

    // Assert
    assert!(
        unexplained.is_empty(),
        "split these, or say above each why it is long (`// Long: …`):\n{}",
        unexplained.join("\n")
    );
}
