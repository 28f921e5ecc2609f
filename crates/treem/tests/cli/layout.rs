//! The shape of the code (docs/architecture.md): within each crate, the
//! dependencies between files point one way — no two files import each
//! other, directly or around a circle — and no file grows far beyond 500
//! lines of code (tests aside).
//!
//! A file's imports are the module paths it names: `crate::a::b`,
//! `super::c`, and, in a `mod.rs`, its own submodules (`children::routes`).
//! Each path counts for the deepest module it reaches. The crate root
//! (`lib.rs`, `main.rs`) is left out: it declares and re-exports every
//! module, which is not a dependency of its own. Unit tests (everything
//! from a file's `#[cfg(test)]` on) are left out too.

// A test: an unreadable source tree is a failure, said where it happens.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a file may be (code before its tests).
const MAX_LINES: usize = 530;

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a source file is, relative to its crate's `src`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its unit tests and comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") { "" } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path `a::b::c` in the code, with `a::{b, c::d}` groups expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts =
            is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':'));
        if starts {
            let (mut found, end) = path_at(&chars, i, Vec::new());
            out.append(&mut found);
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The paths starting at `i` under `prefix`, and where they end.
fn path_at(chars: &[char], mut i: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            let mut all = Vec::new();
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    return (all, i + 1);
                }
                let (mut found, end) = path_at(chars, i, path.clone());
                all.append(&mut found);
                i = end.max(i + 1);
            }
        }
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        if start == i {
            return (vec![path], i);
        }
        path.push(chars[start..i].iter().collect());
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            return (vec![path], i);
        }
    }
}

/// The modules a file imports, among `known`.
fn imports(module: &Module, code: &str, known: &BTreeSet<Module>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    for path in paths(code) {
        if path.len() < 2 {
            continue;
        }
        let mut full: Module = match path[0].as_str() {
            "crate" => Vec::new(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            "self" => module.clone(),
            child => {
                let mut m = module.clone();
                m.push(child.to_string());
                if !known.contains(&m) {
                    continue;
                }
                m.pop();
                m
            }
        };
        let rest = if matches!(path[0].as_str(), "crate" | "super" | "self") {
            &path[1..]
        } else {
            &path[..]
        };
        full.extend(rest.iter().cloned());
        let target = (0..=full.len())
            .rev()
            .map(|k| full[..k].to_vec())
            .find(|m| known.contains(m));
        if let Some(t) = target
            && !t.is_empty()
            && &t != module
        {
            out.insert(t);
        }
    }
    out
}

/// The circles of a graph (strongly connected parts of more than one).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Each module with the modules it reaches; a circle is a group that
    // reach each other.
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Module, BTreeSet<Module>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (m, r) in &reaches {
        if done.contains(*m) || !r.contains(*m) {
            continue;
        }
        let group: Vec<Module> = r
            .iter()
            .filter(|o| reaches.get(o).is_some_and(|back| back.contains(*m)))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        out.push(group);
    }
    out
}

fn crates() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn no_file_imports_another_around_a_circle() {
    let mut problems = Vec::new();
    for src in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let modules: BTreeMap<Module, PathBuf> = files
            .iter()
            .map(|f| (module_of(&src, f), f.clone()))
            .collect();
        let known: BTreeSet<Module> = modules.keys().cloned().collect();
        let graph: BTreeMap<Module, BTreeSet<Module>> = modules
            .iter()
            .filter(|(m, _)| !m.is_empty())
            .map(|(m, f)| {
                let text = std::fs::read_to_string(f).unwrap();
                let deps = imports(m, &code(&text), &known);
                (
                    m.clone(),
                    deps.into_iter().filter(|d| !d.is_empty()).collect(),
                )
            })
            .collect();
        for c in circles(&graph) {
            let names: Vec<String> = c.iter().map(|m| m.join("/")).collect();
            problems.push(format!("{}: {}", src.display(), names.join(" ⇄ ")));
        }
    }
    assert!(
        problems.is_empty(),
        "files that import each other:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_file_is_far_over_500_lines() {
    let mut long = Vec::new();
    for src in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let lines = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .count();
            if lines > MAX_LINES && !f.ends_with("tests.rs") {
                long.push(format!("{} ({lines} lines)", f.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle() {
    // The rule above is only worth its name if it can fail.
    let known: BTreeSet<Module> = [vec![], vec!["a".to_string()], vec!["b".to_string()]].into();
    let a = imports(
        &vec!["a".into()],
        "use crate::b::{Thing, other::X};",
        &known,
    );
    let b = imports(&vec!["b".into()], "fn f() { crate::a::run() }", &known);
    let graph: BTreeMap<Module, BTreeSet<Module>> =
        [(vec!["a".into()], a), (vec!["b".into()], b)].into();
    assert_eq!(circles(&graph).len(), 1);
    let one_way: BTreeMap<Module, BTreeSet<Module>> = [
        (
            vec!["a".into()],
            imports(&vec!["a".into()], "use crate::b::X;", &known),
        ),
        (vec!["b".into()], BTreeSet::new()),
    ]
    .into();
    assert!(circles(&one_way).is_empty());
}
