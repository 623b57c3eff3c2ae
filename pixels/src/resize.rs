//! Zola's resize operations: the size each one gives, and the pixel work (turned upright as
//! EXIF says, cropped for `fill`, resized with a Lanczos filter).

use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::{U8x3, U8x4};
use fast_image_resize::{FilterType, PixelTrait, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage, RgbaImage};

/// How `resize_image` fits an image into `width` × `height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Exactly `width` × `height`, whatever the aspect ratio.
    Scale,
    /// `width` wide, as tall as the aspect ratio says.
    FitWidth,
    /// `height` tall, as wide as the aspect ratio says.
    FitHeight,
    /// Within `width` × `height`, keeping the aspect ratio; never enlarged.
    Fit,
    /// The centre part with the aspect ratio of `width` × `height`, at that size.
    Fill,
}

impl Op {
    pub fn parse(name: &str) -> Result<Op, String> {
        Ok(match name {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            other => {
                return Err(format!(
                    "unknown op `{other}`; use scale, fit_width, fit_height, fit or fill"
                ));
            }
        })
    }

    /// The size of the result for a `source` of that size, given the arguments the op reads.
    pub fn size(
        self,
        source: (u32, u32),
        width: Option<u32>,
        height: Option<u32>,
    ) -> Result<(u32, u32), String> {
        let need = |value: Option<u32>, name: &str| {
            value
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("this op needs a `{name}` above 0"))
        };
        // The other side in proportion, rounded down as Zola 0.22 rounds it (its output for
        // an 800 × 600 source at height 200 is 266 wide, not 267), and never 0.
        let proportional = |side: u32, of: u32, to: u32| {
            let exact = u64::from(side) * u64::from(to) / u64::from(of).max(1);
            u32::try_from(exact).unwrap_or(u32::MAX).max(1)
        };
        let (sw, sh) = source;
        Ok(match self {
            Op::Scale | Op::Fill => (need(width, "width")?, need(height, "height")?),
            Op::FitWidth => {
                let w = need(width, "width")?;
                (w, proportional(sh, sw, w))
            }
            Op::FitHeight => {
                let h = need(height, "height")?;
                (proportional(sw, sh, h), h)
            }
            Op::Fit => {
                let (w, h) = (need(width, "width")?, need(height, "height")?);
                if sw <= w && sh <= h {
                    source
                } else if u64::from(sw) * u64::from(h) > u64::from(sh) * u64::from(w) {
                    (w, proportional(sh, sw, w))
                } else {
                    (proportional(sw, sh, h), h)
                }
            }
        })
    }
}

/// The bytes of pixels of type `P` (`from`, `from_size`) resized to `size`. The typed call
/// compiles the resizer for the two pixel types Kiln uses only, not for all eleven the
/// untyped one dispatches over (a third of a first release build's time in this crate).
fn resize_as<P: PixelTrait>(
    from: &[u8],
    from_size: (u32, u32),
    size: (u32, u32),
    options: &ResizeOptions,
) -> Result<Vec<u8>, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot resize: {e}");
    let source =
        TypedImageRef::<P>::from_buffer(from_size.0, from_size.1, from).map_err(|e| fail(&e))?;
    let mut bytes = vec![0; size.0 as usize * size.1 as usize * P::size()];
    let mut into =
        TypedImage::<P>::from_buffer(size.0, size.1, &mut bytes).map_err(|e| fail(&e))?;
    Resizer::new()
        .resize_typed(&source, &mut into, options)
        .map_err(|e| fail(&e))?;
    Ok(bytes)
}

/// Turns `image` upright as EXIF `orientation` (1 to 8) says.
pub fn upright(image: DynamicImage, orientation: u32) -> DynamicImage {
    match orientation {
        2 => image.fliph(),
        3 => image.rotate180(),
        4 => image.flipv(),
        5 => image.rotate90().fliph(),
        6 => image.rotate90(),
        7 => image.rotate270().fliph(),
        8 => image.rotate270(),
        _ => image,
    }
}

/// `image` (upright) made `size` by `op`: `fill` crops the centre to the target's aspect
/// ratio first; every op resizes with Lanczos3, as Zola does.
pub fn apply(image: &DynamicImage, op: Op, size: (u32, u32)) -> Result<DynamicImage, String> {
    let (w, h) = (image.width(), image.height());
    if (w, h) == size {
        return Ok(image.clone());
    }
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if op == Op::Fill {
        // As Zola: when the shapes are close (the two scale factors within 0.1) a plain
        // resize, else the centre cut to the target's shape (whole pixels) and resized.
        let factor_w = f64::from(w) / f64::from(size.0);
        let factor_h = f64::from(h) / f64::from(size.1);
        if (factor_w - factor_h).abs() > 0.1 {
            let (cw, ch) = if factor_w < factor_h {
                (f64::from(w), (factor_w * f64::from(size.1)).round())
            } else {
                ((factor_h * f64::from(size.0)).round(), f64::from(h))
            };
            let left = ((f64::from(w) - cw) / 2.0).floor();
            let top = ((f64::from(h) - ch) / 2.0).floor();
            options = options.crop(left, top, cw, ch);
        }
    }
    if image.color().has_alpha() {
        let bytes = resize_as::<U8x4>(&image.to_rgba8(), (w, h), size, &options)?;
        let pixels = RgbaImage::from_raw(size.0, size.1, bytes);
        pixels
            .map(DynamicImage::ImageRgba8)
            .ok_or_else(|| "resize lost pixels".to_string())
    } else {
        let bytes = resize_as::<U8x3>(&image.to_rgb8(), (w, h), size, &options)?;
        let pixels = RgbImage::from_raw(size.0, size.1, bytes);
        pixels
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(|| "resize lost pixels".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zola's documentation uses a 300 × 380 source.
    const ZOLA: (u32, u32) = (300, 380);

    #[test]
    fn sizes_follow_zolas_documented_examples() {
        assert_eq!(Op::Scale.size(ZOLA, Some(150), Some(150)), Ok((150, 150)));
        assert_eq!(Op::FitWidth.size(ZOLA, Some(100), None), Ok((100, 126)));
        assert_eq!(Op::FitHeight.size(ZOLA, None, Some(150)), Ok((118, 150)));
        assert_eq!(Op::Fit.size(ZOLA, Some(5000), Some(5000)), Ok(ZOLA));
        assert_eq!(Op::Fit.size(ZOLA, Some(150), Some(150)), Ok((118, 150)));
        assert_eq!(Op::Fill.size(ZOLA, Some(150), Some(150)), Ok((150, 150)));
    }

    #[test]
    fn an_op_without_the_size_it_needs_says_which() {
        assert!(
            Op::FitWidth
                .size(ZOLA, None, Some(5))
                .unwrap_err()
                .contains("width")
        );
        assert!(
            Op::Fill
                .size(ZOLA, Some(5), None)
                .unwrap_err()
                .contains("height")
        );
        assert!(Op::parse("stretch").unwrap_err().contains("fit_width"));
    }

    #[test]
    fn fill_crops_the_centre_and_keeps_no_side_bands() {
        // Left half red, right half blue, 40 × 10: a square fill keeps the middle, both colours.
        let mut source = RgbImage::new(40, 10);
        for (x, _, p) in source.enumerate_pixels_mut() {
            *p = if x < 20 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            };
        }
        let out = apply(&DynamicImage::ImageRgb8(source), Op::Fill, (10, 10)).unwrap();
        let out = out.to_rgb8();
        assert_eq!(out.dimensions(), (10, 10));
        assert!(
            out.get_pixel(0, 5)[0] > 200,
            "left edge is red: {:?}",
            out.get_pixel(0, 5)
        );
        assert!(
            out.get_pixel(9, 5)[2] > 200,
            "right edge is blue: {:?}",
            out.get_pixel(9, 5)
        );
    }

    #[test]
    fn sizes_round_down_as_zola_writes_them() {
        // Zola 0.22.1's own output for an 800 × 600 source.
        let photo = (800, 600);
        assert_eq!(
            Op::FitHeight.size(photo, Some(300), Some(200)),
            Ok((266, 200))
        );
        assert_eq!(Op::Fit.size(photo, Some(300), Some(200)), Ok((266, 200)));
        assert_eq!(Op::FitWidth.size(photo, Some(150), None), Ok((150, 112)));
        assert_eq!(Op::FitWidth.size((5000, 1), Some(10), None), Ok((10, 1)));
    }

    #[test]
    fn fill_of_a_nearly_equal_shape_resizes_without_cutting() {
        // A 1-pixel green column on the left of 40 × 10: filling 38 × 10 (scale factors 1.05
        // and 1.0) keeps it, as Zola does; 30 × 10 (1.33 against 1.0) cuts it away.
        let mut source = RgbImage::from_pixel(40, 10, image::Rgb([0, 0, 0]));
        for y in 0..10 {
            source.put_pixel(0, y, image::Rgb([0, 255, 0]));
        }
        let source = DynamicImage::ImageRgb8(source);
        let near = apply(&source, Op::Fill, (38, 10)).unwrap().to_rgb8();
        assert!(near.get_pixel(0, 5)[1] > 100, "{:?}", near.get_pixel(0, 5));
        let cut = apply(&source, Op::Fill, (30, 10)).unwrap().to_rgb8();
        assert!(cut.get_pixel(0, 5)[1] < 20, "{:?}", cut.get_pixel(0, 5));
    }

    #[test]
    fn orientation_six_turns_the_picture_a_quarter_clockwise() {
        let stored = DynamicImage::ImageRgb8(RgbImage::new(40, 10));
        let upright = upright(stored, 6);
        assert_eq!((upright.width(), upright.height()), (10, 40));
    }
}
