//! Render: minijinja, for text that is text. One environment factory for every minijinja
//! template of layerbrief: the web edition's pages (`web/`), the email's subject and bodies
//! (`email/`), and output file name patterns.
//!
//! Policy: a template named `*.html*` is HTML-escaped (analyst text is data, never markup),
//! any other is plain; a variable or attribute the data does not have is an error naming
//! the template, never an empty string; errors name the template's file as the analyst knows
//! it (`templates/web/index.html.j2 (embedded)` or the path of an override).

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::Templates;

/// An environment as every template of layerbrief is rendered in: escaping by name, strict
/// about undefined values.
pub(crate) fn base<'s>() -> Environment<'s> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

/// The minijinja templates (`*.j2`) of the set's folder `dir` (`web/`, `email/`), by name
/// without the folder (`index.html.j2`).
pub(crate) fn environment<'t>(
    templates: &'t Templates,
    dir: &str,
) -> Result<Templated<'t>, String> {
    let mut env = base();
    for (rel, bytes) in templates.files() {
        let Some(name) = rel.strip_prefix(dir).filter(|n| n.ends_with(".j2")) else {
            continue;
        };
        let origin = origin(templates, rel);
        let source = std::str::from_utf8(bytes).map_err(|_| format!("{origin}: not UTF-8 text"))?;
        env.add_template(name, source)
            .map_err(|e| format!("{origin}: {e}"))?;
    }
    Ok(Templated {
        env,
        templates,
        dir: dir.to_string(),
    })
}

/// The templates of one folder of the set, ready to render.
pub(crate) struct Templated<'t> {
    env: Environment<'t>,
    templates: &'t Templates,
    dir: String,
}

impl Templated<'_> {
    /// Renders the template `name` with `ctx`.
    pub(crate) fn render(&self, name: &str, ctx: &impl Serialize) -> Result<String, String> {
        let origin = origin(self.templates, &format!("{}{name}", self.dir));
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| format!("{origin}: {e}"))?;
        tpl.render(ctx).map_err(|e| format!("{origin}: {e:#}"))
    }
}

/// Where the template at `rel` of the set came from, for messages.
fn origin(templates: &Templates, rel: &str) -> String {
    templates
        .get(rel)
        .map_or_else(|| format!("templates/{rel}"), |f| f.origin.clone())
}
