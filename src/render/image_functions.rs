//! Zola's image functions for templates: `resize_image` and `get_image_metadata`, answered by
//! the site's [`Images`]. Where the templates' outputs are kept between rebuilds by what their
//! text reads (shortcodes, in the Markdown cache), each file read is noted in `reads`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tera::Tera;

use crate::images::{Images, ResizeArgs};
use crate::render::files::FileReads;

/// Registers `resize_image` and `get_image_metadata` on `tera`, noting each file read in
/// `reads` when given.
pub fn register(tera: &mut Tera, images: Arc<Images>, reads: Option<FileReads>) {
    let note = move |images: &Images, args: &HashMap<String, Value>| {
        let path = args.get("path").and_then(Value::as_str);
        if let (Some(reads), Some(Ok(file))) = (&reads, path.map(|p| images.find(p))) {
            reads.note(&file);
        }
    };
    let (resizer, noted) = (Arc::clone(&images), note.clone());
    tera.register_function("resize_image", move |args: &HashMap<String, Value>| {
        noted(&resizer, args);
        let fail = |why: String| tera::Error::msg(format!("resize_image: {why}"));
        let text = |name: &str, default: &'static str| -> tera::Result<String> {
            match args.get(name) {
                None | Some(Value::Null) => Ok(default.to_string()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(fail(format!("`{name}` must be a string, not {other}"))),
            }
        };
        let path = text("path", "")?;
        if path.is_empty() {
            return Err(fail("needs a `path`".into()));
        }
        let (op, format) = (text("op", "fill")?, text("format", "auto")?);
        let resize = ResizeArgs {
            path: &path,
            width: number(args, "width").map_err(fail)?,
            height: number(args, "height").map_err(fail)?,
            op: &op,
            format: &format,
            quality: number(args, "quality").map_err(fail)?,
            speed: number(args, "speed").map_err(fail)?,
        };
        let resized = resizer.resize(&resize).map_err(fail)?;
        serde_json::to_value(resized).map_err(|e| fail(e.to_string()))
    });
    tera.register_function(
        "get_image_metadata",
        move |args: &HashMap<String, Value>| {
            let fail = |why: String| tera::Error::msg(format!("get_image_metadata: {why}"));
            let path = args
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| fail("needs a string argument `path`".into()))?;
            let allow_missing = args
                .get("allow_missing")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let metadata = images.metadata(path, allow_missing).map_err(fail)?;
            serde_json::to_value(metadata).map_err(|e| fail(e.to_string()))
        },
    );
}

/// The whole number `name`, if given; a float with no fraction (`width * 0.5 | round`) is
/// taken too, as templates compute sizes.
fn number<T: TryFrom<u64>>(args: &HashMap<String, Value>, name: &str) -> Result<Option<T>, String> {
    let Some(value) = args.get(name).filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let whole = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
            .map(|f| f as u64)
    });
    whole
        .and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| format!("`{name}` must be a whole number in range, not {value}"))
}
