//! Commands' input: the flag groups several commands share, and the parsers of sizes and
//! shards.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Where the workbooks are.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Workbooks or folders of workbooks [default: inputs/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Which ruleset to score under.
#[derive(Debug, Args)]
pub struct MethodologyArgs {
    /// Score under this ruleset instead of the workbook's methodology_version (e.g. v1.2)
    #[arg(long, value_name = "VER")]
    pub methodology: Option<String>,
}

/// Paper size, as the command line spells it (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// US Letter (the default).
    UsLetter,
    /// ISO A4.
    A4,
}

/// Portfolio row order, as the command line spells it (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// By vendor name (the default).
    Vendor,
    /// By share of Retained components, largest first.
    Retained,
}

/// How briefs are built: shared by `build` and `mail`.
#[derive(Debug, Args, Clone)]
pub struct BriefArgs {
    /// Folder the briefs are written to
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Output file name pattern (minijinja); variables: assessment_id, vendor, doc_version,
    /// methodology, date
    #[arg(
        long,
        value_name = "PATTERN",
        default_value = "{{ assessment_id }}.pdf"
    )]
    pub name_pattern: String,
    /// Mark every brief DRAFT on every page, as a pending assessment is
    #[arg(long)]
    pub draft: bool,
    /// Records of versions never sent kept per assessment in the output folder's archive
    /// (the newest; sent ones are always kept)
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub keep: usize,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// How a document is typeset: shared by every command that typesets (`build`, `mail`, `site`,
/// `portfolio`, `export-typst`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Typesetting")]
pub struct TypesetArgs {
    /// Folder of templates that replace the embedded ones file by file
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Paper size
    #[arg(long, value_enum, ignore_case = true, default_value_t = PaperArg::UsLetter)]
    pub paper: PaperArg,
    /// PDF standards, comma-separated (e.g. ua-1,a-2a; `none` for plain PDF)
    #[arg(long, value_name = "LIST", default_value = "ua-1,a-2a")]
    pub pdf_standard: String,
}

/// How many briefs are built: shared by `build`, `mail` and `site`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Building")]
pub struct BatchArgs {
    /// Rebuild every brief, even those the manifest says are up to date
    #[arg(long)]
    pub force: bool,
    /// Briefs typeset at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// How workbooks are read: the fonts their text must be set in, and the bounds a file must
/// keep (far above any real assessment; a file beyond them is refused before it is read).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Limits")]
pub struct ReadArgs {
    /// Folder of fonts to use after Inter, for scripts it lacks (repeatable; also
    /// $LAYERBRIEF_FONT_PATH, folders separated by `:`)
    #[arg(long, value_name = "DIR", help_heading = "Fonts")]
    pub font_path: Vec<PathBuf>,
    /// Largest workbook file
    #[arg(long, value_name = "SIZE", default_value = "32MB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Largest total of a zipped workbook's parts, unpacked
    #[arg(long, value_name = "SIZE", default_value = "128MB", value_parser = parse_size)]
    pub max_unpacked_size: u64,
    /// Most rows with values in one sheet
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_rows: u64,
    /// Last column read (256 is column IV); values beyond it are reported
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_columns: u32,
    /// Most cells one sheet may hold or span
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_cells: u64,
    /// Most characters in one cell
    #[arg(long, value_name = "N", default_value_t = 32_767)]
    pub max_cell_chars: u64,
    /// Most strings in a workbook's shared-string table
    #[arg(long, value_name = "N", default_value_t = 500_000)]
    pub max_shared_strings: u64,
    /// Most text in all cells as read (a shared string counts at every use)
    #[arg(long, value_name = "SIZE", default_value = "64MB", value_parser = parse_size)]
    pub max_text: u64,
}

/// Parses `25MB`, `500KB`, `1048576`.
pub(super) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("GB") {
        (n, 1_000_000_000)
    } else if let Some(n) = t.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = t.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (t.strip_suffix('B').unwrap_or(&t), 1)
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 25MB"))?;
    Ok((n * mult as f64) as u64)
}

/// Parses a duration of whole seconds (`30`, `30s`) or minutes (`2m`): at least 1 s, at most
/// a day.
pub(super) fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("min").or_else(|| t.strip_suffix('m')) {
        (n, 60)
    } else {
        (t.strip_suffix('s').unwrap_or(&t), 1)
    };
    let secs = num
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("`{s}` is not a number of seconds such as 30, 30s or 2m"))?;
    if secs == 0 || secs > 86_400 {
        return Err(format!(
            "`{s}`: give from 1 second to a day (24 hours = 1440m)"
        ));
    }
    Ok(std::time::Duration::from_secs(secs))
}

/// Parses `K/N` with 1 ≤ K ≤ N.
pub(super) fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/8")?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a whole number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a whole number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("expected 1 ≤ K ≤ N, found {k}/{n}"));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::parse_seconds;

    #[test]
    fn timeouts_in_seconds_or_minutes() {
        assert_eq!(parse_seconds("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_seconds(" 5 S "), Ok(Duration::from_secs(5)));
        for bad in ["0", "", "1.5", "-3", "3h", "99999999999999999999m", "1441m"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
