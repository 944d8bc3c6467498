//! Codes read back from PNG and JPEG files: clean renderings, a photo-like one, several codes in
//! one picture, a transparent background, and images that claim to be huge.

mod common;
use common::T0;
use credential::{Kid, Matrix, Profile, ScanError, Verdict, texts_in_image, verify};
use image::imageops::{self, FilterType};
use image::{GrayImage, ImageFormat, Luma, Rgba, RgbaImage};
use std::io::Cursor;

fn text(employer: &str, profile: Profile) -> String {
    let claims = common::claims(&common::permit("Data Scientist"), employer, profile);
    credential::issue(&claims, &common::key()).expect("fits")
}

fn drawn(text: &str, scale: usize) -> GrayImage {
    let (side, px) = Matrix::of(text).unwrap().pixels(scale);
    GrayImage::from_raw(side as u32, side as u32, px).unwrap()
}

fn png(img: &image::DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg(img: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .unwrap();
    out
}

fn verifies(scanned: &str) -> bool {
    let key = common::key();
    let (kid, public) = (key.kid().clone(), key.public());
    let lookup = move |k: &Kid| (*k == kid).then_some(public);
    matches!(verify(scanned, &lookup, T0 + 5), Verdict::Valid { .. })
}

#[test]
fn png_and_jpeg_read_back() {
    for profile in [Profile::EmploymentCheck, Profile::Full] {
        let t = text("北京中关村示例科技有限公司", profile);
        let img = image::DynamicImage::ImageLuma8(drawn(&t, 4));
        assert_eq!(texts_in_image(&png(&img)), Ok(vec![t.clone()]), "PNG");
        assert_eq!(texts_in_image(&jpeg(&img, 85)), Ok(vec![t.clone()]), "JPEG");
        assert!(verifies(&t));
    }
}

/// A small deterministic generator, so that the noise is the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> i32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as i32
    }
}

/// The code as a camera might give it: not a whole number of pixels a module (scaled smoothly,
/// so edges are grey), washed-out contrast, off-centre on a grey background, noisy, blurred, then
/// a lossy JPEG.
fn photo(code: &GrayImage, pixels_per_module: f32, noise: i32, blur: f32) -> Vec<u8> {
    let side = (code.width() as f32 * pixels_per_module) as u32;
    let scaled = imageops::resize(code, side, side, FilterType::Triangle);
    let mut photo = GrayImage::from_pixel(side + 400, side + 260, Luma([170]));
    let mut rng = Lcg(7);
    for (x, y, p) in photo.enumerate_pixels_mut() {
        let base = match (x.checked_sub(157), y.checked_sub(93)) {
            (Some(cx), Some(cy)) if cx < side && cy < side => {
                40 + i32::from(scaled.get_pixel(cx, cy).0[0]) * 170 / 255
            }
            _ => i32::from(p.0[0]),
        };
        let n = rng.next() % (2 * noise + 1) - noise;
        p.0[0] = (base + n).clamp(0, 255) as u8;
    }
    jpeg(&imageops::blur(&photo, blur).into(), 70)
}

#[test]
fn a_photo_like_picture_reads() {
    let t = text("Beijing Example Technology Co., Ltd.", Profile::Full);
    let code = drawn(&t, 1);
    // Measured over 104 such pictures from 2.7 to 7.7 pixels a module, with and without noise
    // and blur: rqrr's first pass alone read 19; all passes read 84 as PNG, 74 as JPEG.
    for (ppm, noise, blur) in [(4.6, 12, 1.1), (5.3, 12, 1.1), (6.3, 8, 0.6)] {
        let found = texts_in_image(&photo(&code, ppm, noise, blur));
        assert_eq!(
            found,
            Ok(vec![t.clone()]),
            "{ppm} px a module, noise {noise}, blur {blur}"
        );
    }
    assert!(verifies(&t));
}

#[test]
fn every_code_in_the_picture() {
    let (a, b) = (
        text("Employer A", Profile::EmploymentCheck),
        text("Employer B", Profile::Full),
    );
    let (ia, ib) = (drawn(&a, 3), drawn(&b, 3));
    let mut both = GrayImage::from_pixel(
        ia.width() + ib.width(),
        ia.height().max(ib.height()),
        Luma([255]),
    );
    imageops::replace(&mut both, &ia, 0, 0);
    imageops::replace(&mut both, &ib, i64::from(ia.width()), 0);
    let mut found = texts_in_image(&png(&both.into())).unwrap();
    found.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn a_transparent_background_counts_as_white() {
    let t = text("Employer", Profile::EmploymentCheck);
    let g = drawn(&t, 3);
    let rgba = RgbaImage::from_fn(g.width(), g.height(), |x, y| match g.get_pixel(x, y).0[0] {
        0 => Rgba([0, 0, 0, 255]),
        _ => Rgba([0, 0, 0, 0]),
    });
    assert_eq!(texts_in_image(&png(&rgba.into())).unwrap(), [t]);
}

#[test]
fn no_code_and_not_an_image() {
    let blank = GrayImage::from_pixel(200, 150, Luma([255]));
    let e = texts_in_image(&png(&blank.into())).unwrap_err();
    assert_eq!((e.code(), e), ("no_qr_found", ScanError::NoQrFound));
    assert_eq!(
        texts_in_image(b"OC1:6BF0$J3$CH4V9").unwrap_err().code(),
        "unsupported_image"
    );
    let mut cut = png(&image::DynamicImage::ImageLuma8(drawn(
        &text("E", Profile::Full),
        2,
    )));
    cut.truncate(cut.len() / 2);
    assert_eq!(texts_in_image(&cut).unwrap_err().code(), "image_unreadable");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A few hundred bytes that claim 60,000 pixels a side are refused from the header, before any
/// pixel buffer is allocated.
#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let small = image::DynamicImage::ImageLuma8(GrayImage::from_pixel(8, 8, Luma([255])));

    let mut p = png(&small);
    // IHDR follows the 8-byte signature: length (4), type (4), width (4), height (4), ..., CRC.
    p[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    p[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&p[12..29]);
    p[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(texts_in_image(&p), Err(ScanError::ImageTooLarge));

    let mut j = jpeg(&small, 90);
    // The baseline frame header (SOF0): marker, length (2), precision (1), height (2), width (2).
    let sof = j.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
    j[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    assert_eq!(texts_in_image(&j), Err(ScanError::ImageTooLarge));
}
