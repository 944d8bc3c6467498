//! The QR code of a credential: its module matrix (alphanumeric mode, error correction Q), and an
//! SVG that draws every dark module as part of one path, so that the card's page gets a small
//! image that scales to any screen.

use fast_qr::{ECL, Mode, QRBuilder};
use std::fmt::Write as _;

/// Modules of quiet zone around the code, as ISO/IEC 18004 asks.
const QUIET: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// More than a QR code holds at error correction Q, or characters outside Base45's alphabet.
    #[error("the text does not fit a QR code at error correction Q")]
    TooLong,
}

/// A QR code's modules, row by row; `true` is dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The QR version, 1 to 40.
    pub version: usize,
    /// Modules on a side, without the quiet zone.
    pub size: usize,
    dark: Vec<bool>,
}

impl Matrix {
    /// The code of a credential's QR text: Base45 and the prefix are alphanumeric characters.
    pub fn of(text: &str) -> Result<Matrix, ImageError> {
        // The QR library panics on characters outside the alphanumeric mode: refuse them here.
        const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        if !text.bytes().all(|b| ALPHANUMERIC.contains(&b)) {
            return Err(ImageError::TooLong);
        }
        let qr = QRBuilder::new(text)
            .ecl(ECL::Q)
            .mode(Mode::Alphanumeric)
            .build()
            .map_err(|_| ImageError::TooLong)?;
        let size = qr.size;
        let dark = (0..size * size).map(|i| qr.data[i].value()).collect();
        let version = (size - 17) / 4;
        Ok(Matrix {
            version,
            size,
            dark,
        })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }

    /// The code as SVG: one path of horizontal runs of dark modules, in module units, with the
    /// quiet zone; it scales to whatever size the page gives it.
    pub fn svg(&self) -> String {
        let side = self.size + 2 * QUIET;
        let mut path = String::with_capacity(self.size * self.size);
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                );
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }

    /// The code as grey pixels, `scale` pixels a module, with the quiet zone: for reading it back.
    pub fn pixels(&self, scale: usize) -> (usize, Vec<u8>) {
        let side = (self.size + 2 * QUIET) * scale;
        let mut px = vec![255; side * side];
        for y in 0..self.size {
            for x in 0..self.size {
                if self.is_dark(x, y) {
                    for dy in 0..scale {
                        let row = ((y + QUIET) * scale + dy) * side;
                        let from = row + (x + QUIET) * scale;
                        px[from..from + scale].fill(0);
                    }
                }
            }
        }
        (side, px)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(m: &Matrix) -> String {
        let (side, px) = m.pixels(4);
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| px[y * side + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the image");
        grids[0].decode().expect("a readable code").1
    }

    #[test]
    fn reads_back_what_it_draws() {
        let text = "OC1:6BF0$J3$CH4V9 -B+K.A*GP/B%M0JEQ4%6TT:8KA";
        let m = Matrix::of(text).unwrap();
        assert_eq!(read_back(&m), text);
        let svg = m.svg();
        assert_eq!(svg.matches("<path").count(), 1, "one path");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert_eq!(
            Matrix::of(&"A".repeat(5000)).unwrap_err(),
            ImageError::TooLong
        );
    }
}
