//! Commands' input: the command-line arguments. Stages never see these structs: each command
//! turns them into a checked configuration first.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turns 4+1 Layer / DAPM assessment workbooks into client-ready PDF briefs.
///
/// Exit status: 2 for usage or I/O errors; else 3 when `mail` did not deliver some message;
/// else 1 when some workbook is invalid; else 0.
#[derive(Debug, Parser)]
#[command(name = "layerbrief", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, validate and score workbooks; print every problem and warning.
    Check(CheckArgs),
    /// Print the computed DAPM reading of one workbook.
    Score(ScoreArgs),
    /// Validate, score and typeset workbooks into PDF briefs.
    Build(BuildArgs),
    /// Write a blank assessment workbook to start from.
    Init(InitArgs),
    /// Report what changes when assessments are scored under another ruleset.
    Rescore(RescoreArgs),
    /// Build briefs and write them as .eml drafts, or send them by SMTP.
    Mail(MailArgs),
    /// Write a standalone Typst project (templates, data, fonts) of one brief.
    ExportTypst(ExportArgs),
    /// Set many assessments side by side: one page, one row per vendor, one column per layer.
    Portfolio(PortfolioArgs),
    /// Build the web edition: a static site of the portfolio and every brief, with the PDFs.
    Site(SiteArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Folder the site is written to
    #[arg(long, value_name = "DIR", default_value = "out/site")]
    pub out: PathBuf,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Folder portfolio.pdf, portfolio.csv and portfolio.json are written to
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    /// Compare with this ruleset: every cell it reads otherwise is highlighted and listed
    #[arg(long, value_name = "VER")]
    pub against: Option<String>,
    /// Row order: by vendor name, or by share of Retained components (largest first)
    #[arg(long, value_enum, ignore_case = true, default_value_t = SortArg::Vendor)]
    pub sort: SortArg,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct RescoreArgs {
    /// The ruleset the briefs were scored under (e.g. v1.2)
    #[arg(long, value_name = "VER")]
    pub from: String,
    /// The new ruleset (e.g. v1.3)
    #[arg(long, value_name = "VER")]
    pub to: String,
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Print one JSON object instead of a report
    #[arg(long)]
    pub json: bool,
    /// Write the proposed History rows to this CSV (one file per assessment when several)
    #[arg(long, value_name = "FILE.csv")]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Where the workbooks are.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Workbooks or folders of workbooks [default: inputs/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// How workbooks are read: the bounds a file must keep (far above any real assessment; a
/// file beyond them is refused before it is read) and the fonts its text must be set in.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Reading workbooks")]
pub struct ReadArgs {
    /// Folder of fonts to use after Inter, for scripts it lacks (repeatable; also
    /// $LAYERBRIEF_FONT_PATH, folders separated by `:`)
    #[arg(long, value_name = "DIR")]
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

/// Which ruleset to score under.
#[derive(Debug, Args)]
pub struct MethodologyArgs {
    /// Score under this ruleset instead of the workbook's methodology_version (e.g. v1.2)
    #[arg(long, value_name = "VER")]
    pub methodology: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The workbook to score
    pub workbook: PathBuf,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
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
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// How a document is typeset: shared by every command that typesets (`build`, `mail`, `site`,
/// `portfolio`, `export-typst`).
#[derive(Debug, Args, Clone)]
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
pub struct BatchArgs {
    /// Rebuild every brief, even those the manifest says are up to date
    #[arg(long)]
    pub force: bool,
    /// Briefs typeset at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub brief: BriefArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Build only the K-th of N deterministic slices of the inputs (1-based), e.g. 2/8
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Keep running and rebuild when a workbook or template is saved
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct MailArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub brief: BriefArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Recipient (repeatable); replaces the workbook's Distribution sheet
    #[arg(long, value_name = "ADDR")]
    pub to: Vec<String>,
    /// Copy recipient (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub cc: Vec<String>,
    /// Sender, e.g. "Briefs <briefs@example.com>" [default: $LAYERBRIEF_FROM; a draft without
    /// one has no From:, which the mail program fills in]; --send needs one
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,
    /// Deliver the messages through --smtp (otherwise only .eml drafts are written)
    #[arg(long, requires = "smtp")]
    pub send: bool,
    /// SMTP server: smtp://host:port (plain, loopback only; STARTTLS elsewhere) or
    /// smtps://host:port. Credentials come from LAYERBRIEF_SMTP_USER / LAYERBRIEF_SMTP_PASSWORD
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// Send again, with a new Message-ID, briefs the sent log says these recipients already have
    #[arg(long, requires = "send")]
    pub resend: bool,
    /// Refuse messages larger than this when encoded (e.g. 25MB, 500KB)
    #[arg(long, value_name = "SIZE", default_value = "25MB", value_parser = parse_size)]
    pub max_size: u64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The workbook
    pub workbook: PathBuf,
    /// The folder to write the project to
    pub dir: PathBuf,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Parses `25MB`, `500KB`, `1048576`.
fn parse_size(s: &str) -> Result<u64, String> {
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

/// Parses `K/N` with 1 ≤ K ≤ N.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
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

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workbook to create (.xlsx)
    pub path: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}
