//! What the preview adds to a page it serves: a style sheet and the reload script (the
//! published site has neither), and the problems of the last save above the page they make
//! out of date.

use super::Problem;

/// The preview's own styles: the problem panel, the out-of-date mark and the mark of a
/// changed layer. Colours keep WCAG AA contrast on white.
const STYLE: &str = r#"<style id="preview-style">
.preview-problems { border: 2px solid #a32d2d; border-radius: 4px; background: #fff; color: #1b232c; padding: 0.8rem 1rem; margin: 1rem 0 1.4rem; }
.preview-problems p { margin: 0 0 0.5rem; }
.preview-problems pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.82rem; line-height: 1.45; background: #f6f2f2; color: #1b232c; padding: 0.6rem 0.7rem; border-radius: 3px; margin: 0.4rem 0 0.6rem; }
.preview-stale-note { font-weight: 700; color: #8a2424; }
main.preview-stale { outline: 3px dashed #a32d2d; outline-offset: 6px; }
.preview-changed { outline: 3px solid #8f5500; outline-offset: 3px; transition: outline-color 0.6s; }
</style>"#;

/// The reload script: on each rebuild the server announces (server-sent events), fetch this
/// page again and swap its `<main>` in place, so the scroll position stays; then mark the
/// layers that changed for a few seconds. `window.__preview` keeps the timings (for the
/// bench): from the rebuild's start to this page's content swapped, in ms.
const SCRIPT: &str = r#"<script id="preview-script">
// Opened once the page has loaded: a held connection must not keep the page's own files
// (its fonts) waiting for one of the browser's few connections to the server.
window.addEventListener('load', () => {
  const state = window.__preview = { generation: null, timings: [], swaps: 0 };
  const here = location.pathname.split('/').filter(Boolean);
  const id = here.length > 1 ? here[0] : null;
  const events = new EventSource('/_preview/events');
  events.addEventListener('rebuilt', async (e) => {
    const info = JSON.parse(e.data);
    if (state.generation === null) { state.generation = info.generation; return; }
    if (info.generation <= state.generation) return;
    state.generation = info.generation;
    const response = await fetch(location.pathname, { cache: 'no-store' });
    if (!response.ok) return;
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    const main = document.querySelector('main');
    const fresh = next.querySelector('main');
    if (!main || !fresh) { location.reload(); return; }
    const y = window.scrollY;
    main.replaceWith(fresh);
    document.title = next.title;
    window.scrollTo(0, y);
    state.swaps += 1;
    state.timings.push(Date.now() - info.started_ms);
    for (const layer of (id && info.changed[id]) || []) {
      const marks = [document.getElementById('layer-' + layer),
        ...document.querySelectorAll('.stack-band[data-layer="' + layer.toUpperCase() + '"]')];
      for (const m of marks.filter(Boolean)) {
        m.classList.add('preview-changed');
        setTimeout(() => m.classList.remove('preview-changed'), 4000);
      }
    }
  });
});
</script>"#;

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The panel of `problems`, saying the page below is the last good version when `stale`.
fn panel(problems: &[&Problem], stale: bool) -> String {
    let mut out = String::from(
        r#"<section class="preview-problems" role="alert" aria-label="Problems in the last save">"#,
    );
    out.push_str(&format!(
        "<p><strong>The last save has {} problem{}.</strong> ",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ));
    if stale {
        out.push_str(r#"<span class="preview-stale-note">Out of date:</span> below is the last good version; the next good save replaces it."#);
    } else {
        out.push_str("Fix them and save: this page follows.");
    }
    out.push_str("</p>");
    for p in problems {
        out.push_str(&format!("<pre>{}</pre>", escape(p.text.trim_end())));
    }
    out.push_str("</section>");
    out
}

/// `html` (a page of the site, at `path` relative to it) as the preview serves it: with its
/// styles and script, and the problems that concern it above its content.
pub(super) fn decorate(html: &str, path: &str, problems: &[Problem]) -> String {
    let page_id = path.split_once('/').map(|(id, _)| id);
    // A page shows its own assessment's problems and those of the whole run (a template or
    // a folder, with no file); the index and the other shared pages show every problem.
    let concern: Vec<&Problem> = problems
        .iter()
        .filter(|p| page_id.is_none() || p.id.as_deref() == page_id || p.file.is_empty())
        .collect();
    let stale = page_id.is_some() && !concern.is_empty();
    let mut out = html.replacen("</head>", &format!("{STYLE}</head>"), 1);
    if !concern.is_empty() {
        let main = if stale {
            r#"<main id="content" class="preview-stale">"#
        } else {
            r#"<main id="content">"#
        };
        out = out.replacen(
            r#"<main id="content">"#,
            &format!("{main}\n{}", panel(&concern, stale)),
            1,
        );
    }
    out.replacen("</body>", &format!("{SCRIPT}</body>"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><title>t</title></head><body><main id=\"content\"><h1>x</h1></main></body></html>";

    fn problem(id: Option<&str>) -> Problem {
        Problem {
            file: "acme.xlsx".into(),
            id: id.map(str::to_string),
            text: "error: <bad> value\n  --> acme.xlsx: Layers!C4\n  help: use one of …".into(),
        }
    }

    #[test]
    fn a_page_gets_the_script_and_its_own_problems_escaped_above_its_content() {
        let problems = [problem(Some("acme")), problem(Some("other"))];
        let page = decorate(PAGE, "acme/index.html", &problems);
        assert!(page.contains("id=\"preview-script\""));
        assert!(page.contains("<main id=\"content\" class=\"preview-stale\">"));
        assert_eq!(page.matches("<pre>").count(), 1);
        assert!(page.contains("error: &lt;bad&gt; value"));
        // The index shows every problem, and is never out of date.
        let index = decorate(PAGE, "index.html", &problems);
        assert_eq!(index.matches("<pre>").count(), 2);
        assert!(!index.contains("preview-stale\""));
        // No problem: no panel.
        assert!(!decorate(PAGE, "acme/index.html", &[]).contains("preview-problems\""));
    }
}
