//! What every command's help says beyond its options: examples and the exit codes, from one
//! table each, added to the clap definitions of `args` when the command line is built. The
//! same decorated definitions give `--help`, the man pages (`tieup man`, clap_mangen) and the
//! shell completions (`tieup completions SHELL`, clap_complete), so none of them can drift
//! from the others.

use super::args::{Cli, CompletionsArgs, ManArgs};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Which commands can return an exit code.
#[derive(Debug, Clone, Copy)]
pub enum Applies {
    /// Every command.
    All,
    /// Only these commands (paths such as `db export`).
    Only(&'static [&'static str]),
    /// Every command but these.
    AllBut(&'static [&'static str]),
}

impl Applies {
    fn contains(self, path: &str) -> bool {
        match self {
            Applies::All => true,
            Applies::Only(c) => c.contains(&path),
            Applies::AllBut(c) => !c.contains(&path),
        }
    }

    fn note(self) -> String {
        match self {
            Applies::All => String::new(),
            Applies::Only(c) => format!(" [{} only]", c.join(", ")),
            Applies::AllBut(c) => format!(" [not {}]", c.join(", ")),
        }
    }
}

/// Every exit code of `tieup`: the code, what it means, and which commands can return it.
pub const EXIT_CODES: [(u8, &str, Applies); 7] = [
    (
        0,
        "success (also when the output pipe is closed early, e.g. `| head`)",
        Applies::All,
    ),
    (
        super::EXIT_FAILURE,
        "failure (a file could not be read or written)",
        Applies::All,
    ),
    (
        super::EXIT_INVALID_ARGUMENTS,
        "invalid arguments (including an output that would overwrite an input)",
        Applies::All,
    ),
    (
        super::EXIT_UNKNOWN_NAME,
        "unknown or ambiguous region, sector, trait or objective name or country code (the message lists the closest matches or the choices)",
        Applies::Only(&["shortlist", "score"]),
    ),
    (
        super::EXIT_BAD_INPUT_FILE,
        "malformed data, model, input or database file (the message names file, line and column, and the fix)",
        Applies::AllBut(&["completions", "man"]),
    ),
    (
        super::EXIT_REJECTS,
        "some rows were rejected (see the rejects file); the others were scored",
        Applies::Only(&["score"]),
    ),
    (
        super::EXIT_INTERRUPTED,
        "interrupted (Ctrl-C or SIGTERM); unfinished outputs are removed",
        Applies::AllBut(&["serve"]),
    ),
];

/// Examples of every command, by its path (`db export`). A test checks that every command
/// has some.
pub const EXAMPLES: [(&str, &str); 21] = [
    (
        "shortlist",
        "tieup shortlist --region fukushima --sector \"medical devices\"
tieup shortlist -r 北九州 -s cars --want design --lang ja
tieup shortlist -r kyoto -s craft --objective market_development --explain
tieup shortlist -r aichi -s automotive --format csv --top 30 > aichi.csv
tieup shortlist -r toyama -s industrial_design --country IT --country FR --max-per-country 3
tieup shortlist -r aomori -s biomass --exclude austria --expand",
    ),
    (
        "regions",
        "tieup regions --search 京都
tieup regions --kind overseas --country DE
tieup regions --format csv > regions.csv",
    ),
    ("sectors", "tieup sectors\ntieup sectors --format json"),
    ("stats", "tieup stats\ntieup stats --format json"),
    (
        "prior",
        "tieup prior --check
tieup prior --out models/prior.json --pseudo-count 5",
    ),
    (
        "train",
        "tieup train --out models/default.json
tieup train --learner pairwise --seed 3 --out pairwise.json
tieup train --db tieup.db --out models/default.json",
    ),
    (
        "score",
        "tieup score --applications data/applications.example.csv --out scored.csv
tieup score --applications round.jsonl --out scored.jsonl --top 3
tieup score --applications data/applications.example.csv --out committee.xlsx --format xlsx
tieup score --applications round.csv --out eu.csv --country DE --country FR --max-per-country 2
tieup score --applications big.csv --out big.csv --chunk-size 1000 --success-model my_success.json",
    ),
    (
        "train-success",
        "tieup train-success --check
tieup train-success --outcomes outcomes.csv --out my_success.json",
    ),
    (
        "synth",
        "tieup synth --out bench
tieup synth --out bench --seed 7 --themes 400 --noise 0.3",
    ),
    (
        "eval",
        "tieup eval --data bench --out eval
tieup eval --data data --out eval-real --permutations 1000
tieup eval --letor-train rank.train --letor-test rank.test --out eval-letor",
    ),
    (
        "specificity",
        "tieup specificity\ntieup specificity --top 5 --format json\ntieup specificity --model models/prior.json --expand",
    ),
    (
        "catalog",
        "tieup catalog rebuild --check\ntieup catalog import --long kosis.csv --dataset kosis_regional --year 2014",
    ),
    (
        "catalog rebuild",
        "tieup catalog rebuild --raw ../shared/data/raw
tieup catalog rebuild --check",
    ),
    (
        "catalog import",
        "tieup catalog import --long kosis.csv --dataset kosis_regional --year 2014",
    ),
    (
        "serve",
        "tieup serve
tieup serve --db tieup.db
tieup serve --bind 0.0.0.0:8080 --model models/default.json",
    ),
    (
        "db",
        "tieup db import data/partnerships.csv\ntieup db check",
    ),
    (
        "db export",
        "tieup db export --partnerships recorded.csv --db tieup.db",
    ),
    ("db import", "tieup db import data/partnerships.csv"),
    ("db backup", "tieup db backup tieup-copy.db --db tieup.db"),
    ("db check", "tieup db check --db tieup.db"),
    (
        "completions",
        "tieup completions bash > ~/.local/share/bash-completion/completions/tieup
tieup completions zsh > ~/.zfunc/_tieup
tieup completions fish > ~/.config/fish/completions/tieup.fish",
    ),
];

/// Examples of `man` (kept apart so [`EXAMPLES`] stays one line per command group).
const MAN_EXAMPLES: &str = "tieup man | man -l -
tieup man --out /usr/local/share/man/man1";

/// Where the catalog is found, said once at the top level.
const DATA_NOTE: &str =
    "Data: --data DIR, else $TIEUP_DATA, else ./data, else the data/ shipped with the source.";

fn examples_of(path: &str) -> Option<&'static str> {
    if path == "man" {
        return Some(MAN_EXAMPLES);
    }
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, e)| *e)
}

/// The exit codes `path` can return (`""`: the top level, every code), as help text.
pub fn exit_codes_text(path: &str) -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning, applies) in EXIT_CODES {
        if path.is_empty() {
            text.push_str(&format!("\n  {code:>3}  {meaning}{}", applies.note()));
        } else if applies.contains(path) {
            text.push_str(&format!("\n  {code:>3}  {meaning}"));
        }
    }
    text
}

fn after_help(path: &str, existing: Option<String>) -> String {
    let mut parts: Vec<String> = existing.into_iter().collect();
    if let Some(examples) = examples_of(path) {
        let lines: Vec<String> = examples.lines().map(|l| format!("  {l}")).collect();
        parts.push(format!("Examples:\n{}", lines.join("\n")));
    }
    parts.push(exit_codes_text(path));
    if path.is_empty() {
        parts.push(DATA_NOTE.to_string());
    }
    parts.join("\n\n")
}

/// The `--want` help: every trait of the feature schema, so the list cannot miss one.
fn want_help() -> String {
    let names: Vec<&str> = tieup_core::features::FEATURES
        .iter()
        .map(|f| f.name)
        .collect();
    format!(
        "A trait the partner should have most (repeatable, or comma-separated): {} \
         (short forms such as design and brand work too)",
        names.join(", ")
    )
}

fn decorate(command: clap::Command, path: &str) -> clap::Command {
    let existing = command.get_after_help().map(|h| h.to_string());
    let mut command = command.after_help(after_help(path, existing));
    if path == "shortlist" {
        command = command.mut_arg("want", |a| a.help(want_help()));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |s| decorate(s, &sub_path));
    }
    command
}

/// The whole command line: the clap definitions of `args` with every command's examples
/// and exit codes.
pub fn command() -> clap::Command {
    decorate(Cli::command(), "")
}

/// Every command's path (`shortlist`, `db export`, ...), depth first, without `help`.
#[cfg(test)]
fn command_paths(command: &clap::Command) -> Vec<String> {
    fn walk(command: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = if prefix.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{prefix} {}", sub.get_name())
            };
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(command, "", &mut out);
    out
}

/// `tieup completions SHELL`.
pub fn completions(a: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = command();
    clap_complete::generate(a.shell, &mut command, "tieup", out);
    Ok(())
}

/// A man page of `command` as roff.
fn man_page(command: clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .context("rendering the man page")?;
    Ok(page)
}

/// `tieup man [--out DIR]`: tieup.1 on stdout, or every page into DIR.
pub fn man(cli: &Cli, a: &ManArgs, out: &mut dyn Write) -> Result<()> {
    let root = command().name("tieup");
    let Some(dir) = &a.out else {
        out.write_all(&man_page(root)?)?;
        return Ok(());
    };
    let mut pages: Vec<(String, clap::Command)> = vec![("tieup".into(), root.clone())];
    collect_pages(&root, "tieup", &mut pages);
    let guard = super::output_guard(cli);
    let paths: Vec<std::path::PathBuf> = pages
        .iter()
        .map(|(name, _)| dir.join(format!("{name}.1")))
        .collect();
    for path in &paths {
        guard.check_file("man page", path)?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for ((_, page), path) in pages.into_iter().zip(&paths) {
        tieup_core::fsutil::write_atomic(path, &man_page(page)?)?;
    }
    writeln!(out, "wrote {} man pages to {}", paths.len(), dir.display())?;
    Ok(())
}

/// The subcommands of `command` as pages named `tieup-db-export`, with that name as their
/// title (clap_mangen names a page after its command).
fn collect_pages(command: &clap::Command, name: &str, pages: &mut Vec<(String, clap::Command)>) {
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let page_name = format!("{name}-{}", sub.get_name());
        let page = sub
            .clone()
            .name(page_name.clone())
            .bin_name(page_name.replace('-', " "));
        pages.push((page_name.clone(), page));
        collect_pages(sub, &page_name, pages);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_examples_and_its_exit_codes() {
        let command = command();
        for path in command_paths(&command) {
            assert!(examples_of(&path).is_some(), "no examples for `{path}`");
            let mut sub = &command;
            for part in path.split(' ') {
                sub = sub.find_subcommand(part).unwrap();
            }
            let help = sub.get_after_help().unwrap().to_string();
            assert!(help.contains("Examples:\n  tieup"), "{path}: {help}");
            assert!(help.contains("Exit codes:"), "{path}");
            assert_eq!(help.contains("  5  "), path == "score", "{path}: {help}");
            assert_eq!(
                help.contains("  3  "),
                path == "shortlist" || path == "score",
                "{path}: {help}"
            );
        }
    }

    #[test]
    fn exit_codes_name_real_commands_and_the_constants() {
        let command = command();
        let paths = command_paths(&command);
        for (_, _, applies) in EXIT_CODES {
            if let Applies::Only(c) | Applies::AllBut(c) = applies {
                for c in c {
                    assert!(
                        paths.contains(&c.to_string()),
                        "exit code table names `{c}`"
                    );
                }
            }
        }
        let top = exit_codes_text("");
        for code in [
            super::super::EXIT_FAILURE,
            super::super::EXIT_INVALID_ARGUMENTS,
            super::super::EXIT_UNKNOWN_NAME,
            super::super::EXIT_BAD_INPUT_FILE,
            super::super::EXIT_REJECTS,
            super::super::EXIT_INTERRUPTED,
        ] {
            assert!(
                top.contains(&format!("\n  {code:>3}  ")),
                "{code} missing: {top}"
            );
        }
    }

    /// The synopsis lines of README's command list: each `tieup PATH ...` line with its
    /// indented continuation lines, by command path.
    fn readme_synopses(readme: &str, paths: &[String]) -> Vec<(String, String)> {
        let start = readme.find("## Commands").expect("README has ## Commands");
        let block = &readme[start..];
        let block = &block[block.find("```sh").unwrap()..];
        let block = &block[..block[5..].find("```").unwrap() + 5];
        let mut synopses: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            if let Some(rest) = line.strip_prefix("tieup ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                let path = paths
                    .iter()
                    .filter(|p| words.starts_with(&p.split(' ').collect::<Vec<_>>()))
                    .max_by_key(|p| p.len())
                    .unwrap_or_else(|| panic!("README names no real command: {line}"));
                synopses.push((path.clone(), line.to_string()));
            } else if line.starts_with(' ')
                && let Some(last) = synopses.last_mut()
            {
                last.1.push('\n');
                last.1.push_str(line);
            }
        }
        synopses
    }

    /// README's command list against the clap definitions: every command is listed, with
    /// every long option it takes, and nothing is listed that the command line lacks.
    #[test]
    fn readme_command_list_matches_the_help() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let command = command();
        let paths = command_paths(&command);
        let synopses = readme_synopses(&readme, &paths);
        for path in &paths {
            let mut sub = &command;
            for part in path.split(' ') {
                sub = sub.find_subcommand(part).unwrap();
            }
            if sub.has_subcommands() {
                continue;
            }
            let text: String = synopses
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(!text.is_empty(), "README lists no `tieup {path}`");
            for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
                let written = match (arg.get_long(), arg.get_value_names()) {
                    (Some(long), _) => format!("--{long}"),
                    (None, Some(names)) => names[0].to_string(),
                    (None, None) => continue,
                };
                if written == "--help" || written == "--version" {
                    continue;
                }
                assert!(
                    text.contains(&written),
                    "README: `tieup {path}` lacks {written}:\n{text}"
                );
            }
            for option in text
                .split_whitespace()
                .filter(|w| w.starts_with("[--") || w.starts_with("--"))
            {
                let long = option.trim_start_matches('[').trim_start_matches("--");
                let long: String = long
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let known = sub
                    .get_arguments()
                    .any(|a| a.get_long() == Some(long.as_str()))
                    || ["data", "force"].contains(&long.as_str());
                assert!(
                    known,
                    "README: `tieup {path}` lists --{long}, which it does not take"
                );
            }
        }
    }

    #[test]
    fn want_help_lists_every_trait() {
        let command = command();
        let shortlist = command.find_subcommand("shortlist").unwrap();
        let want = shortlist
            .get_arguments()
            .find(|a| a.get_id() == "want")
            .unwrap();
        let help = want.get_help().unwrap().to_string();
        for feature in tieup_core::features::FEATURES {
            assert!(
                help.contains(feature.name),
                "--want help misses {}",
                feature.name
            );
        }
    }
}
