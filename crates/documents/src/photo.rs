//! Images: the pixel size read from the header (never the whole picture decoded), and the
//! passport-photo rules for the photo item.

use std::io::Cursor;

use domain::FieldError;
use image::{ImageFormat, ImageReader};

use crate::FIELD;
use crate::sniff::MediaType;

/// Smallest photo accepted, in pixels: 354×472 is 30×40 mm at 300 dpi.
pub const MIN_PHOTO_WIDTH: u32 = 354;
pub const MIN_PHOTO_HEIGHT: u32 = 472;
/// Width/height of a passport photo (3:4), in hundredths, inclusive.
pub const PHOTO_ASPECT_PERCENT: (u64, u64) = (70, 80);
/// Larger sides than this are not a scan or a photo but an attempt to exhaust memory.
const MAX_SIDE: u32 = 20_000;

/// The width and height of a JPEG or PNG, from its header.
pub(crate) fn dimensions(t: MediaType, bytes: &[u8]) -> Result<(u32, u32), FieldError> {
    let format = match t {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Pdf => return Err(FieldError::new(FIELD, "image_invalid")),
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(64 * 1024 * 1024);
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    reader.limits(limits);
    match reader.into_dimensions() {
        Ok((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(FieldError::new(FIELD, "image_invalid")),
    }
}

/// The passport-photo rules on a photo's pixel size.
pub(crate) fn check_photo(width: u32, height: u32) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if width < MIN_PHOTO_WIDTH || height < MIN_PHOTO_HEIGHT {
        errors.push(
            FieldError::new(FIELD, "photo_too_small")
                .with("width", width)
                .with("height", height)
                .with("min_width", MIN_PHOTO_WIDTH)
                .with("min_height", MIN_PHOTO_HEIGHT),
        );
    }
    let (lo, hi) = PHOTO_ASPECT_PERCENT;
    let (w, h) = (u64::from(width), u64::from(height));
    if w * 100 < lo * h || w * 100 > hi * h {
        errors.push(
            FieldError::new(FIELD, "photo_aspect")
                .with("width", width)
                .with("height", height)
                .with("min", "0.70")
                .with("max", "0.80"),
        );
    }
    errors
}
