//! Encoding a processed image: Zola's formats (`auto`, `jpg`, `png`, `webp`, `avif`), their
//! quality settings, and nothing of the source's metadata (EXIF, XMP, IPTC are not carried over).

use std::io::Cursor;

use image::codecs::avif::AvifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

/// Whether the source format loses detail: `auto` then writes JPEG, else PNG, as Zola does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lossy(pub bool);

/// The format a processed image is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Jpeg {
        quality: u8,
    },
    Png,
    /// Lossless without a quality, lossy with one (0 to 100).
    WebP {
        quality: Option<u8>,
    },
    Avif {
        quality: u8,
        speed: u8,
    },
}

impl Target {
    /// The target of `format` for a source that is `lossy` or not, with Zola's defaults: JPEG
    /// quality 75, WebP lossless, AVIF quality 80 at speed 5; `auto` keeps lossy sources lossy.
    pub fn parse(
        format: &str,
        lossy: Lossy,
        quality: Option<u8>,
        speed: Option<u8>,
    ) -> Result<Target, String> {
        let check = |q: u8, low: u8| {
            if (low..=100).contains(&q) {
                Ok(q)
            } else {
                Err(format!("quality {q} is outside {low} to 100"))
            }
        };
        let jpeg = || {
            Ok(Target::Jpeg {
                quality: check(quality.unwrap_or(75), 1)?,
            })
        };
        match format {
            "auto" if lossy.0 => jpeg(),
            "auto" | "png" => Ok(Target::Png),
            "jpg" | "jpeg" => jpeg(),
            "webp" => Ok(Target::WebP {
                quality: quality.map(|q| check(q, 0)).transpose()?,
            }),
            "avif" => {
                let speed = speed.unwrap_or(5);
                if !(1..=10).contains(&speed) {
                    return Err(format!("speed {speed} is outside 1 to 10"));
                }
                Ok(Target::Avif {
                    quality: check(quality.unwrap_or(80), 1)?,
                    speed,
                })
            }
            other => Err(format!(
                "unknown format `{other}`; use auto, jpg, png, webp or avif"
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Target::Jpeg { .. } => "jpg",
            Target::Png => "png",
            Target::WebP { .. } => "webp",
            Target::Avif { .. } => "avif",
        }
    }

    /// `image` encoded in this format.
    pub fn encode(self, image: &DynamicImage) -> Result<Vec<u8>, String> {
        let mut out = Cursor::new(Vec::new());
        let fail = |e: image::ImageError| format!("cannot encode {}: {e}", self.extension());
        match self {
            Target::Jpeg { quality } => {
                // JPEG has no alpha: flatten onto the pixels as they are.
                let rgb = image.to_rgb8();
                let (w, h) = rgb.dimensions();
                JpegEncoder::new_with_quality(&mut out, quality)
                    .write_image(&rgb, w, h, ExtendedColorType::Rgb8)
                    .map_err(fail)?;
            }
            Target::Png => {
                let (bytes, color) = raw(image);
                PngEncoder::new(&mut out)
                    .write_image(&bytes, image.width(), image.height(), color)
                    .map_err(fail)?;
            }
            Target::WebP { quality } => return Ok(webp(image, quality)),
            Target::Avif { quality, speed } => {
                let (bytes, color) = raw(image);
                AvifEncoder::new_with_speed_quality(&mut out, speed, quality)
                    .write_image(&bytes, image.width(), image.height(), color)
                    .map_err(fail)?;
            }
        }
        Ok(out.into_inner())
    }
}

/// The pixels as 8-bit RGB or RGBA, and which.
fn raw(image: &DynamicImage) -> (Vec<u8>, ExtendedColorType) {
    if image.color().has_alpha() {
        (image.to_rgba8().into_raw(), ExtendedColorType::Rgba8)
    } else {
        (image.to_rgb8().into_raw(), ExtendedColorType::Rgb8)
    }
}

/// WebP through libwebp: the one encoder that writes lossy WebP.
fn webp(image: &DynamicImage, quality: Option<u8>) -> Vec<u8> {
    let rgba;
    let rgb;
    let encoder = if image.color().has_alpha() {
        rgba = image.to_rgba8();
        webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height())
    } else {
        rgb = image.to_rgb8();
        webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height())
    };
    let encoded = match quality {
        Some(q) => encoder.encode(f32::from(q)),
        None => encoder.encode_lossless(),
    };
    encoded.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_keeps_lossy_sources_lossy_and_defaults_are_zolas() {
        let jpeg = Lossy(true);
        let png = Lossy(false);
        assert_eq!(
            Target::parse("auto", jpeg, None, None),
            Ok(Target::Jpeg { quality: 75 })
        );
        assert_eq!(Target::parse("auto", png, None, None), Ok(Target::Png));
        assert_eq!(
            Target::parse("webp", png, None, None),
            Ok(Target::WebP { quality: None })
        );
        assert_eq!(
            Target::parse("avif", png, None, None),
            Ok(Target::Avif {
                quality: 80,
                speed: 5
            })
        );
        assert!(
            Target::parse("jpg", png, Some(0), None)
                .unwrap_err()
                .contains("quality")
        );
        assert!(
            Target::parse("gif", png, None, None)
                .unwrap_err()
                .contains("unknown format")
        );
    }

    #[test]
    fn every_format_encodes_a_picture_its_decoder_reads_back() {
        let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(16, 8, |x, y| {
            image::Rgb([(x * 16) as u8, (y * 32) as u8, 128])
        }));
        let png = Lossy(false);
        for (name, quality) in [
            ("jpg", None),
            ("png", None),
            ("webp", None),
            ("webp", Some(70)),
        ] {
            let target = Target::parse(name, png, quality, None).unwrap();
            let bytes = target.encode(&picture).unwrap();
            let back = image::load_from_memory(&bytes).unwrap();
            assert_eq!((back.width(), back.height()), (16, 8), "{name}");
        }
        // Kiln encodes AVIF but does not decode it: check the container says AVIF.
        let avif = Target::parse("avif", png, None, Some(10)).unwrap();
        let bytes = avif.encode(&picture).unwrap();
        assert_eq!(&bytes[4..12], b"ftypavif");
    }
}
