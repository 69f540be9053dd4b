//! `tieup catalog rebuild` and `tieup catalog import`: derived catalog files from statistics.

use super::args::{Cli, ImportArgs, RebuildArgs};
use super::data_dir;
use anyhow::{Context, Result, bail};
use std::io::Write;
use tieup_import::profile::ProfileParams;
use tieup_import::rebuild::{LongParams, RebuildParams};

/// `tieup catalog rebuild`: every derived file from the raw files; prints the coverage.
pub(super) fn rebuild(cli: &Cli, a: &RebuildArgs, out: &mut dyn Write) -> Result<()> {
    let started = std::time::Instant::now();
    let params = RebuildParams {
        raw_dir: a.raw.clone(),
        data_dir: data_dir(cli.data.as_deref()),
        check: a.check,
        profile: ProfileParams {
            pseudo_employees: a.pseudo_employees,
            min_ubiquity: a.min_ubiquity,
        },
    };
    let report = tieup_import::rebuild::rebuild(&params)
        .with_context(|| format!("rebuilding from {}", a.raw.display()))?;
    write!(out, "{}", report.render())?;
    writeln!(out)?;
    for file in &report.files {
        let status = match (a.check, file.changed) {
            (false, true) => "wrote",
            (true, true) => "DIFFERS",
            (_, false) => "unchanged",
        };
        writeln!(
            out,
            "{status:9} {} ({} bytes)",
            file.path.display(),
            file.bytes
        )?;
    }
    writeln!(out, "done in {:.2} s", started.elapsed().as_secs_f64())?;
    let stale: Vec<String> = report
        .files
        .iter()
        .filter(|f| f.changed)
        .map(|f| f.path.display().to_string())
        .collect();
    if a.check && !stale.is_empty() {
        bail!(
            "derived files are out of date with the raw files: {}; run `tieup catalog rebuild --raw {}`",
            stale.join(", "),
            a.raw.display()
        );
    }
    Ok(())
}

/// `tieup catalog import`: one long CSV into a derived strengths file.
pub(super) fn import(cli: &Cli, a: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let data = data_dir(cli.data.as_deref());
    let target = a
        .out
        .clone()
        .unwrap_or_else(|| tieup_import::rebuild::long_output_path(&data, &a.dataset, a.year));
    super::catalog_inputs(super::output_guard(cli), &data)
        .allow(&data.join("derived"))
        .input("--long", &a.long)
        .check_file("--out", &target)?;
    let params = LongParams {
        file: a.long.clone(),
        dataset: a.dataset.clone(),
        year: a.year,
        data_dir: data,
        out: Some(target),
        profile: ProfileParams {
            pseudo_employees: a.pseudo_employees,
            ..Default::default()
        },
    };
    let (coverage, file) = tieup_import::rebuild::import_long(&params)
        .with_context(|| format!("importing {}", a.long.display()))?;
    write!(out, "{}", tieup_import::rebuild::render_dataset(&coverage))?;
    writeln!(
        out,
        "{} {} ({} bytes)",
        if file.changed { "wrote" } else { "unchanged" },
        file.path.display(),
        file.bytes
    )?;
    Ok(())
}
