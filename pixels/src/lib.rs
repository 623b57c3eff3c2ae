//! The pixel work behind Kiln's image functions: Zola's resize operations ([`Op`]) and output
//! formats ([`Target`]), and [`process`], which decodes a source once and makes every size
//! of it asked for.

mod encode;
mod resize;

use rayon::prelude::*;

pub use encode::{Lossy, Target};
pub use resize::Op;

/// One processed image to make from a source: how to fit it and how to write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub op: Op,
    pub size: (u32, u32),
    pub target: Target,
}

/// Decodes the image in `bytes` once, turns it upright as EXIF `orientation` (1 to 8) says,
/// and makes each of `variants`, in parallel: the encoded bytes, or why it could not be made.
pub fn process(
    bytes: &[u8],
    orientation: u32,
    variants: &[Variant],
) -> Result<Vec<Result<Vec<u8>, String>>, String> {
    let decoded = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    let upright = resize::upright(decoded, orientation);
    Ok(variants
        .par_iter()
        .map(|v| resize::apply(&upright, v.op, v.size).and_then(|r| v.target.encode(&r)))
        .collect())
}
