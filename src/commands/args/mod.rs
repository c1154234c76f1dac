//! Commands' input: the command-line arguments. Stages never see these structs: each command
//! turns them into a checked configuration first.
//!
//! Help reads from the command's own options down: its options, then typesetting, building,
//! recipients and sending or watching and sharding where the command has them, then fonts,
//! and the limits of hostile files last; every command's help ends with examples.

mod groups;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use groups::{parse_seconds, parse_shard, parse_size};
pub use groups::{
    BatchArgs, BriefArgs, InputArgs, MethodologyArgs, PaperArg, ReadArgs, SortArg, TypesetArgs,
};

/// Turns 4+1 Layer / DAPM assessment workbooks into client-ready PDF briefs.
///
/// Exit status: 2 for usage or I/O errors; else 3 when `mail` did not deliver some message;
/// else 1 when some workbook is invalid; else 0.
#[derive(Debug, Parser)]
#[command(name = "layerbrief", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Use the settings of `[profile.NAME]` in layerbrief.toml over its base (also
    /// $LAYERBRIEF_PROFILE)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, validate and score workbooks; print every problem and warning.
    #[command(after_help = "Examples:
  layerbrief check acme.xlsx               every problem of one workbook, each at its cell
  layerbrief check                         every workbook of inputs/
  layerbrief check inputs --format json    one JSON object a line, for scripts and editors")]
    Check(CheckArgs),
    /// Print the computed DAPM reading of one workbook.
    #[command(after_help = "Examples:
  layerbrief score acme.xlsx                        the reading as a table
  layerbrief score acme.xlsx --json                 the reading as one JSON object
  layerbrief score acme.xlsx --methodology v1.2     under another ruleset")]
    Score(ScoreArgs),
    /// Validate, score and typeset workbooks into PDF briefs.
    #[command(after_help = "Examples:
  layerbrief build                                  every workbook of inputs/ into out/
  layerbrief build acme.xlsx --paper a4             one brief, on A4
  layerbrief build --watch                          rebuild on every save
  layerbrief build /shared/in --out /shared/out --shard 2/8    slice 2 of 8")]
    Build(BuildArgs),
    /// Write a blank assessment workbook to start from (or a filled example).
    #[command(after_help = "Examples:
  layerbrief init                           a commented layerbrief.toml for this folder
  layerbrief init acme.xlsx                 a blank workbook, every sheet with its headers
  layerbrief init --example example.xlsx    a filled, valid fictional assessment to learn from")]
    Init(InitArgs),
    /// Report what changes when assessments are scored under another ruleset.
    #[command(after_help = "Examples:
  layerbrief rescore --from v1.2 --to v1.3                     what the bump moves, inputs/
  layerbrief rescore --from v1.2 --to v1.3 --history new.csv   with History rows to paste")]
    Rescore(RescoreArgs),
    /// Build briefs and write them as .eml drafts, or send them by SMTP.
    #[command(after_help = "Examples:
  layerbrief mail acme.xlsx --to \"Pat Client <pat@client.example>\"     a draft to review
  layerbrief mail --from briefs@example.com --send --smtp smtps://mail.example.com
                       send each brief once to its Distribution sheet")]
    Mail(MailArgs),
    /// Write a standalone Typst project (templates, data, fonts) of one brief.
    #[command(after_help = "Examples:
  layerbrief export-typst acme.xlsx acme-project    then `typst compile` as the README it writes says")]
    ExportTypst(ExportArgs),
    /// Set many assessments side by side: one page, one row per vendor, one column per layer.
    #[command(after_help = "Examples:
  layerbrief portfolio inputs                        portfolio.pdf, .csv and .json in out/
  layerbrief portfolio inputs --against v1.2         shading every cell v1.2 reads otherwise
  layerbrief portfolio inputs --title \"Acme Research\"    the firm's name in the footer")]
    Portfolio(PortfolioArgs),
    /// Build the web edition: a static site of the portfolio and every brief, with the PDFs.
    #[command(after_help = "Examples:
  layerbrief site                                   every workbook of inputs/ into out/site/
  layerbrief site inputs --title \"Acme Research\"    the firm's name on every page
  layerbrief site --shard 2/8                       the pages of slice 2 of 8; then `site` for the rest")]
    Site(SiteArgs),
    /// Serve the web edition of the workbooks on this machine, rebuilt on every save.
    #[command(after_help = "Examples:
  layerbrief preview                       inputs/ at http://127.0.0.1:8471/
  layerbrief preview acme.xlsx --open      one workbook, opened in the browser
  layerbrief preview --bind 0.0.0.0 --allow-host briefs.lan    seen from the network")]
    Preview(PreviewArgs),
    /// Print the completion script of a shell.
    #[command(after_help = "Examples:
  layerbrief completions bash > ~/.local/share/bash-completion/completions/layerbrief
  layerbrief completions zsh > ~/.zfunc/_layerbrief      (with fpath+=~/.zfunc in ~/.zshrc)
  layerbrief completions fish > ~/.config/fish/completions/layerbrief.fish")]
    Completions(CompletionsArgs),
    /// List the versions of an assessment the archive holds, and who received each.
    #[command(after_help = "Examples:
  layerbrief versions coreweave                 what out/.layerbrief-archive holds of it
  layerbrief versions coreweave --json          the same, for scripts")]
    Versions(VersionsArgs),
    /// Say what changed between two versions of an assessment: readings with their rules,
    /// components, prose word by word, metadata, overrides, history.
    #[command(after_help = "Examples:
  layerbrief diff coreweave@v1.2 inputs/coreweave.xlsx    since the v1.2 that was sent
  layerbrief diff coreweave@3f2a9c1e coreweave@v1.3       two archived versions, by hash or version
  layerbrief diff old.json new.json --json                two records, as a typed JSON object
  layerbrief diff --json-schema                           the JSON Schema of that object

OLD and NEW are each a workbook, a record file (.json, as the web edition publishes), or an
archived version ID@VERSION (the latest sent with that doc_version, else the latest built) or
ID@HASH (a prefix of the PDF's SHA-256) of the archive in --out.")]
    Diff(DiffArgs),
    /// Print the settings each command would run with, and where each value comes from.
    #[command(after_help = "Examples:
  layerbrief config                          every command's settings, with their origin
  layerbrief config mail --profile final     what `layerbrief mail --profile final` would use
  layerbrief config --json                   the same, as JSON for scripts

Settings come from, highest first: the command line, the LAYERBRIEF_* variables, the chosen
profile of layerbrief.toml, layerbrief.toml (this folder or the nearest above it), the user
file ($XDG_CONFIG_HOME/layerbrief/config.toml), the built-in defaults.")]
    Config(ConfigArgs),
    /// Write the man pages, one per command, into a folder.
    #[command(after_help = "Examples:
  layerbrief man ~/.local/share/man/man1      then `man layerbrief`, `man layerbrief-build`")]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    /// How problems are printed: text for people, or one JSON object a line
    #[arg(long, value_enum, ignore_case = true, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Text for people (coloured on a terminal).
    Text,
    /// One JSON object a line: each problem, then each workbook's result.
    Json,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The workbook to score
    pub workbook: PathBuf,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    /// Print one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub brief: BriefArgs,
    /// Keep running and rebuild when a workbook or template is saved
    #[arg(long, help_heading = "Watching and sharding")]
    pub watch: bool,
    /// Build only the K-th of N deterministic slices of the inputs (1-based), e.g. 2/8
    #[arg(long, value_name = "K/N", value_parser = parse_shard, help_heading = "Watching and sharding")]
    pub shard: Option<(u32, u32)>,
    /// Add a section "What changed since ..." after the summary, against an earlier version:
    /// a doc_version (v1.2: the latest sent with it, else the latest built), a prefix of its
    /// PDF's hash, or a record file (.json)
    #[arg(long, value_name = "VERSION|HASH|FILE", help_heading = "Building")]
    pub changes_since: Option<String>,
    /// Also remove the briefs of workbooks no longer among the inputs (those this build
    /// wrote and nobody changed since)
    #[arg(long, help_heading = "Building", conflicts_with_all = ["shard", "watch"])]
    pub prune: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workbook to create (.xlsx); without one, only the project file is written
    pub path: Option<PathBuf>,
    /// Write a filled, valid fictional assessment instead of a blank workbook
    #[arg(long)]
    pub example: bool,
    /// Overwrite an existing workbook; without a workbook, write a project file here although
    /// one of a folder above is in use
    #[arg(long)]
    pub force: bool,
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

/// Recipients and sending: the options of `mail` alone.
const SENDING: &str = "Recipients and sending";

#[derive(Debug, Args)]
pub struct MailArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    /// Recipient (repeatable); replaces the workbook's Distribution sheet
    #[arg(long, value_name = "ADDR", help_heading = SENDING)]
    pub to: Vec<String>,
    /// Copy recipient (repeatable)
    #[arg(long, value_name = "ADDR", help_heading = SENDING)]
    pub cc: Vec<String>,
    /// Sender, e.g. "Briefs <briefs@example.com>" [default: $LAYERBRIEF_FROM; a draft without
    /// one has no From:, which the mail program fills in]; --send needs one
    #[arg(long, value_name = "ADDR", help_heading = SENDING)]
    pub from: Option<String>,
    /// Deliver the messages through --smtp (otherwise only .eml drafts are written)
    #[arg(long, help_heading = SENDING)]
    pub send: bool,
    /// SMTP server: smtp://host:port (plain, loopback only; STARTTLS elsewhere) or
    /// smtps://host:port. Credentials come from LAYERBRIEF_SMTP_USER / LAYERBRIEF_SMTP_PASSWORD
    #[arg(long, value_name = "URL", help_heading = SENDING)]
    pub smtp: Option<String>,
    /// How long to wait for each answer of the SMTP server (e.g. 30, 30s, 2m)
    ///
    /// Each wait counts on its own: for the connection, the server's greeting, the TLS
    /// handshake and its reply to every command (EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO,
    /// DATA, the end of the message). A server silent for longer is reported with what it was
    /// waited for ("no answer from mail.example.com:587 within 30 s while waiting for its
    /// greeting"); the message is not sent and its .eml stays in place.
    #[arg(long, value_name = "SECONDS", default_value = "30s", value_parser = parse_seconds, help_heading = SENDING)]
    pub smtp_timeout: std::time::Duration,
    /// Also trust the CA certificate(s) of this PEM file for the SMTP server's certificate
    ///
    /// For a relay whose certificate comes from the firm's own CA. The server's certificate is
    /// always verified: it must chain to the web PKI roots bundled in, to the system's
    /// certificate store (where update-ca-certificates installs a CA; SSL_CERT_FILE or
    /// SSL_CERT_DIR name another) or to a CA of this file, and name the host of --smtp.
    #[arg(long, value_name = "FILE", help_heading = SENDING)]
    pub smtp_ca: Option<PathBuf>,
    /// Give each reader a copy of the brief stamped with their name, address and the sending
    /// date in every page's footer and its metadata (beside the brief, never over it)
    #[arg(long, help_heading = SENDING)]
    pub stamp: bool,
    /// Print who would get which version and which message; write and send nothing
    #[arg(long, help_heading = SENDING)]
    pub dry_run: bool,
    /// Send again, with a new Message-ID, briefs the sent log says these recipients already have
    #[arg(long, requires = "send", help_heading = SENDING)]
    pub resend: bool,
    /// Refuse messages larger than this when encoded (e.g. 25MB, 500KB)
    #[arg(long, value_name = "SIZE", default_value = "25MB", value_parser = parse_size, help_heading = SENDING)]
    pub max_size: u64,
    #[command(flatten)]
    pub brief: BriefArgs,
    #[command(flatten)]
    pub read: ReadArgs,
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
    /// The name the page's footer carries [default: the assessments' publisher]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub read: ReadArgs,
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
    /// The name every page carries in its title and footer [default: the assessments'
    /// publisher]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Folder of the briefs `build` wrote (its manifests, a shard's included, say which): a
    /// brief built with the same options is linked into the site, not typeset again
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub briefs: PathBuf,
    /// Write the pages of the K-th of N slices of the inputs only (1-based), e.g. 2/8; a
    /// `site` without --shard then writes the pages they share, typesetting nothing
    #[arg(long, value_name = "K/N", value_parser = parse_shard, help_heading = "Sharding")]
    pub shard: Option<(u32, u32)>,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Port to serve on (0: any free one)
    #[arg(long, value_name = "N", default_value_t = 8471)]
    pub port: u16,
    /// Address to serve on; anything but a loopback address shows the preview to the network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// A host name the pages may be asked for besides localhost and the bound address
    /// (repeatable)
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the preview in the browser
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    /// The name every page carries in its title and footer [default: the assessments'
    /// publisher]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    #[command(flatten)]
    pub typeset: TypesetArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct VersionsArgs {
    /// The assessment id
    pub id: String,
    /// The output folder whose archive and sent log are read
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Print one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older version: a workbook, a record (.json), or ID@VERSION / ID@HASH
    #[arg(required_unless_present = "json_schema")]
    pub old: Option<String>,
    /// The newer version, likewise
    #[arg(required_unless_present = "json_schema")]
    pub new: Option<String>,
    /// The output folder whose archive ID@VERSION reads
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Print one JSON object (see --json-schema) instead of text
    #[arg(long)]
    pub json: bool,
    /// Print the JSON Schema of what --json prints
    #[arg(long)]
    pub json_schema: bool,
    #[command(flatten)]
    pub methodology: MethodologyArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print one JSON object instead of TOML (give it before COMMAND)
    #[arg(long)]
    pub json: bool,
    /// A command, with the options it would be given [default: every command]
    #[arg(
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 0..
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write layerbrief.1 and layerbrief-<command>.1 into (made if missing)
    pub dir: PathBuf,
}
