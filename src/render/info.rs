//! Render: the PDF's metadata from the template's `<document-info>` element.

use ecow::EcoString;
use typst::foundations::Smart;
use typst_layout::PagedDocument;

use super::RenderError;

/// Sets the PDF's metadata from the template's `<document-info>` element, when it has one:
/// what the template would otherwise set with `set document(..)`, a rule that would stand in
/// front of the whole body and, fed by per-brief values, keep Typst from reusing the layout
/// of anything between briefs. Fields: `title`, `description` (string or content), `author`,
/// `keywords` (a string or an array of strings), `date` (datetime, `none` or `auto`).
pub(super) fn document_info(doc: &mut PagedDocument) -> Result<(), RenderError> {
    use typst::foundations::{Label, Value};
    use typst::introspection::{Introspector, MetadataElem};
    use typst::utils::PicoStr;

    let Some(label) = Label::new(PicoStr::intern("document-info")) else {
        return Ok(());
    };
    let Ok(found) = doc.introspector().query_label(label) else {
        return Ok(());
    };
    let Some(meta) = found.to_packed::<MetadataElem>() else {
        return Ok(());
    };
    let bad = |field: &str, expected: &str| {
        RenderError(format!(
            "error: the template's <document-info> metadata: `{field}` must be {expected}"
        ))
    };
    let text = |field: &str, v: &Value| -> Result<Option<EcoString>, RenderError> {
        match v {
            Value::None => Ok(None),
            Value::Str(s) => Ok(Some(s.as_str().into())),
            Value::Content(c) => Ok(Some(c.plain_text())),
            _ => Err(bad(field, "a string or content")),
        }
    };
    let strings = |field: &str, v: &Value| -> Result<Vec<EcoString>, RenderError> {
        match v {
            Value::None => Ok(Vec::new()),
            Value::Str(s) => Ok(vec![s.as_str().into()]),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Str(s) => Ok(s.as_str().into()),
                    _ => Err(bad(field, "a string or an array of strings")),
                })
                .collect(),
            _ => Err(bad(field, "a string or an array of strings")),
        }
    };
    let Value::Dict(fields) = meta.value.clone() else {
        return Err(bad("value", "a dictionary"));
    };
    let info = doc.info_mut();
    for (key, v) in fields.iter() {
        match key.as_str() {
            "title" => info.title = text(key, v)?,
            "description" => info.description = text(key, v)?,
            "author" => info.author = strings(key, v)?,
            "keywords" => info.keywords = strings(key, v)?,
            "date" => {
                info.date = match v {
                    Value::Auto => Smart::Auto,
                    Value::None => Smart::Custom(None),
                    Value::Datetime(d) => Smart::Custom(Some(*d)),
                    _ => return Err(bad(key, "a datetime, none or auto")),
                }
            }
            other => {
                return Err(bad(
                    other,
                    "one of title, description, author, keywords, date",
                ))
            }
        }
    }
    Ok(())
}
