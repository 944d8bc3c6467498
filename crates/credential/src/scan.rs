//! QR codes read from a picture (a PNG screenshot, a JPEG photo of a phone's screen or of a
//! printed notice): the texts of every code found, to pass to [`crate::verify`] one by one.
//!
//! The bytes come from anyone, so the size is bounded before anything is decoded: the file's
//! length, the image's sides (checked from its header) and what the decoder may allocate.

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Longer input is refused unread: a phone photo is a few MiB.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
/// The longest side accepted, in pixels: enough for the 12 and 24 megapixel photos that phones
/// take (4032 × 3024, 6000 × 4000), far short of what a small compressed file can claim.
pub const MAX_SIDE: u32 = 6000;
/// What the decoder may hold: the largest accepted image at 8-bit RGBA.
const MAX_ALLOC: u64 = MAX_SIDE as u64 * MAX_SIDE as u64 * 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("not a PNG or JPEG image")]
    UnsupportedImage,
    #[error("the image cannot be decoded: {0}")]
    ImageUnreadable(String),
    #[error(
        "the image is too large (at most {} MiB and {MAX_SIDE} pixels a side)",
        MAX_INPUT_BYTES / (1024 * 1024)
    )]
    ImageTooLarge,
    #[error("no readable QR code in the image")]
    NoQrFound,
}

impl ScanError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::UnsupportedImage => "unsupported_image",
            ScanError::ImageUnreadable(_) => "image_unreadable",
            ScanError::ImageTooLarge => "image_too_large",
            ScanError::NoQrFound => "no_qr_found",
        }
    }
}

/// The format by its magic bytes, not by a file name that may lie.
fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

/// The text of every QR code that decodes in the image, in the order found; at least one.
pub fn texts_in_image(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ScanError::ImageTooLarge);
    }
    let format = format_of(bytes).ok_or(ScanError::UnsupportedImage)?;
    // Decoders and the QR reader are third-party code run on untrusted pixels: should one of them
    // panic, the image is refused rather than the verifier brought down.
    let texts = catch_unwind(AssertUnwindSafe(|| {
        decode(bytes, format).map(|img| read_codes(&grey(&img)))
    }))
    .map_err(|_| ScanError::ImageUnreadable("the decoder failed".into()))??;
    if texts.is_empty() {
        return Err(ScanError::NoQrFound);
    }
    Ok(texts)
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, ScanError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ScanError::ImageTooLarge,
        other => ScanError::ImageUnreadable(other.to_string()),
    })
}

/// Luma, with transparency laid on white: a code drawn on a transparent background would
/// otherwise turn all black.
fn grey(img: &DynamicImage) -> image::GrayImage {
    if !img.color().has_alpha() {
        return img.to_luma8();
    }
    let la = img.to_luma_alpha8();
    image::GrayImage::from_fn(la.width(), la.height(), |x, y| {
        let [l, a] = la.get_pixel(x, y).0;
        let (l, a) = (u16::from(l), u16::from(a));
        // At most (255 * a + 255 * (255 - a)) / 255 = 255, so the cast keeps every value.
        image::Luma([((l * a + 255 * (255 - a)) / 255) as u8])
    })
}

/// How a pass turns grey into black and white before rqrr looks for codes.
#[derive(Clone, Copy)]
enum Threshold {
    /// rqrr's own: each pixel against a running mean along its row.
    Local,
    /// One level for the whole picture (Otsu's), for evenly lit screenshots and scans.
    Global,
}

/// The passes tried in turn until one reads a code. rqrr alone misses about four in five of our
/// synthetic photos (a version 16 code, scaled smoothly, noisy or blurred): its corner estimates
/// are whole pixels, and a soft edge shifts them enough to miscount the timing pattern. A global
/// threshold, and the picture enlarged, read most of the rest (see tests/scan.rs).
const PASSES: [(f32, Threshold); 5] = [
    (1.0, Threshold::Local),
    (1.0, Threshold::Global),
    (1.5, Threshold::Global),
    (1.5, Threshold::Local),
    (2.0, Threshold::Local),
];
/// An enlarged pass is skipped past this many pixels: a large photo has pixels enough already.
const MAX_ENLARGED_PIXELS: u64 = 16_000_000;

fn read_codes(img: &image::GrayImage) -> Vec<String> {
    for (factor, threshold) in PASSES {
        let enlarged;
        let pass = if factor == 1.0 {
            img
        } else {
            let (w, h) = (
                (img.width() as f32 * factor) as u32,
                (img.height() as f32 * factor) as u32,
            );
            if u64::from(w) * u64::from(h) > MAX_ENLARGED_PIXELS {
                continue;
            }
            enlarged = image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle);
            &enlarged
        };
        let texts = read_pass(pass, threshold);
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

fn read_pass(img: &image::GrayImage, threshold: Threshold) -> Vec<String> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let luma = |x: usize, y: usize| img.get_pixel(x as u32, y as u32).0[0];
    let mut prepared = match threshold {
        Threshold::Local => rqrr::PreparedImage::prepare_from_greyscale(w, h, luma),
        Threshold::Global => {
            let level = otsu(img);
            rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| luma(x, y) <= level)
        }
    };
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Otsu's level: the one that best separates the histogram into two classes (dark at or below).
fn otsu(img: &image::GrayImage) -> u8 {
    let mut histogram = [0u64; 256];
    for p in img.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let sum: u64 = (0u64..).zip(&histogram).map(|(v, n)| v * n).sum();
    let (mut dark_n, mut dark_sum, mut best, mut level) = (0u64, 0u64, 0f64, 0u8);
    for (v, n) in (0u8..=255).zip(histogram) {
        dark_n += n;
        dark_sum += u64::from(v) * n;
        let light_n = total - dark_n;
        if dark_n == 0 || light_n == 0 {
            continue;
        }
        let dark_mean = dark_sum as f64 / dark_n as f64;
        let light_mean = (sum - dark_sum) as f64 / light_n as f64;
        let between = dark_n as f64 * light_n as f64 * (dark_mean - light_mean).powi(2);
        if between > best {
            best = between;
            level = v;
        }
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_before_decoding() {
        assert_eq!(
            texts_in_image(b"GIF89a...."),
            Err(ScanError::UnsupportedImage)
        );
        assert_eq!(texts_in_image(b""), Err(ScanError::UnsupportedImage));
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(MAX_INPUT_BYTES + 1, 0);
        assert_eq!(texts_in_image(&huge), Err(ScanError::ImageTooLarge));
        assert_eq!(
            texts_in_image(b"\x89PNG\r\n\x1a\n").unwrap_err().code(),
            "image_unreadable"
        );
        assert_eq!(
            texts_in_image(&[0xff, 0xd8, 0xff, 0xe0, 0, 0])
                .unwrap_err()
                .code(),
            "image_unreadable"
        );
    }
}
