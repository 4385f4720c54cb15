use super::*;
use crate::mutate::{mutate, Rng};
use std::collections::BTreeSet;
use std::path::Path;

fn fuzz_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn fields_split_at_the_separator_and_run_out_as_empty() {
    let input = encode(&[3, 7], &[b"a", b"", "é".as_bytes()]);
    let mut r = Reader::new(&input);
    assert_eq!((r.byte(), r.byte()), (3, 7));
    assert_eq!(r.text(), "a");
    assert_eq!(r.opt_text().as_deref(), Some(""));
    assert_eq!(r.text(), "é");
    assert_eq!(r.opt_text(), None);
    assert_eq!(r.byte(), 0);
}

#[test]
fn header_blocks_read_back_as_written() {
    let pairs = vec![
        ("content-type".to_owned(), " application/json".to_owned()),
        ("retry-after".to_owned(), "3".to_owned()),
    ];
    assert_eq!(header_pairs(&header_block(&pairs)), pairs);
}

#[test]
fn every_target_has_seeds_from_the_test_data() {
    for (name, _) in TARGETS {
        assert!(seeds(name).len() >= 5, "{name} has too few seeds");
    }
}

#[test]
fn every_target_has_a_cargo_fuzz_target_and_no_other_exists() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let files: BTreeSet<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = TARGETS.iter().map(|(n, _)| format!("{n}.rs")).collect();
    assert_eq!(files, expected, "fuzz/fuzz_targets/ and TARGETS differ");
    for (name, _) in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
        let source =
            std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            source.contains(&format!("dbx_check_fuzz::{name}(")),
            "fuzz_targets/{name}.rs calls another entry point"
        );
    }
}

#[test]
fn regression_folders_name_targets() {
    let Ok(entries) = std::fs::read_dir(seeds::regressions_dir()) else {
        return;
    };
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with('.') || target(&name).is_some(),
            "fuzz/regressions/{name} is not a target: its files would never replay"
        );
    }
}

#[test]
fn the_mutator_repeats_itself_and_keeps_to_the_length_cap() {
    let corpus = vec![
        b"dapi0123456789abcdef0123456789abcdef".to_vec(),
        b"x.y-z".to_vec(),
    ];
    let run = || {
        let mut rng = Rng::new(42);
        (0..2000)
            .map(|i| {
                let mut input = corpus[i % 2].clone();
                mutate(&mut rng, &mut input, &corpus, 64);
                assert!(input.len() <= 64);
                input
            })
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    assert!(first
        .iter()
        .any(|i| i.windows(2).any(|w| w == "é".as_bytes())));
}

/// name -> versions, from a Cargo.lock.
fn locked_versions(path: &Path) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("name = ") {
            let version = lines.next().and_then(|l| l.strip_prefix("version = "));
            out.entry(name.to_owned())
                .or_default()
                .insert(version.unwrap_or_default().to_owned());
        }
    }
    out
}

/// The fuzz targets must run the dependencies the page ships: a newer idna_adapter, for
/// one, maps Unicode host names that the pinned one refuses.
#[test]
fn the_fuzz_lock_file_pins_what_the_main_one_pins() {
    let main = locked_versions(&fuzz_dir().join("../Cargo.lock"));
    let fuzz = locked_versions(&fuzz_dir().join("Cargo.lock"));
    for (name, versions) in &fuzz {
        // The main lock may hold more versions of a crate (for other members), not others.
        if let Some(expected) = main.get(name) {
            assert!(
                versions.is_subset(expected),
                "fuzz/Cargo.lock and Cargo.lock differ on {name}: copy Cargo.lock over fuzz/Cargo.lock and build again"
            );
        }
    }
}
