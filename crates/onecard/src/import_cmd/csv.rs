//! An RFC 4180 reader: comma-separated fields, double quotes around fields that hold commas,
//! quotes or line breaks, `""` for a quote inside them, CRLF or LF line ends. Small enough to
//! keep here rather than add a dependency, and it reports where each record starts, which the
//! import's error lines need.

use std::io::BufRead;

/// One record: its fields in one buffer, reused from record to record.
#[derive(Debug, Default)]
pub struct Record {
    buf: String,
    ends: Vec<usize>,
    /// The line on which the record starts; the header is line 1.
    pub line: u64,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
}

/// A record that cannot be read; the reader goes on with the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub line: u64,
    pub message: &'static str,
}

pub struct Reader<R> {
    input: R,
    /// Lines consumed so far.
    line: u64,
    raw: Vec<u8>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            line: 0,
            raw: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Reads the next record into `rec`: `Ok(false)` at the end of the input. Blank lines are
    /// skipped.
    pub fn read(&mut self, rec: &mut Record) -> std::io::Result<Result<bool, Malformed>> {
        loop {
            self.raw.clear();
            if self.input.read_until(b'\n', &mut self.raw)? == 0 {
                return Ok(Ok(false));
            }
            self.line += 1;
            if self.line == 1 && self.raw.starts_with(b"\xEF\xBB\xBF") {
                // A byte order mark, as spreadsheet programs write before UTF-8.
                self.raw.drain(..3);
            }
            if !matches!(trim_eol(&self.raw), b"") {
                break;
            }
        }
        rec.line = self.line;
        self.bytes.clear();
        self.ends.clear();
        let mut error = None;
        // Field state: at its start, inside an unquoted field, inside quotes, after the
        // closing quote.
        #[derive(PartialEq)]
        enum S {
            Start,
            Bare,
            Quoted,
            Closed,
        }
        let mut s = S::Start;
        let mut i = 0;
        loop {
            let line = trim_eol(&self.raw);
            let eol = &self.raw[line.len()..];
            while i < line.len() {
                let b = line[i];
                i += 1;
                match (&s, b) {
                    (S::Quoted, b'"') => {
                        if line.get(i) == Some(&b'"') {
                            self.bytes.push(b'"');
                            i += 1;
                        } else {
                            s = S::Closed;
                        }
                    }
                    (S::Quoted, _) => self.bytes.push(b),
                    (_, b',') => {
                        self.ends.push(self.bytes.len());
                        s = S::Start;
                    }
                    (S::Start, b'"') => s = S::Quoted,
                    (S::Closed, _) => {
                        error.get_or_insert("text after a closing quote");
                    }
                    (_, b'"') => {
                        error.get_or_insert("a quote inside an unquoted field");
                    }
                    (_, _) => {
                        self.bytes.push(b);
                        s = S::Bare;
                    }
                }
            }
            if s != S::Quoted {
                break;
            }
            // A line break inside quotes belongs to the field.
            self.bytes.extend_from_slice(eol);
            self.raw.clear();
            if self.input.read_until(b'\n', &mut self.raw)? == 0 {
                error.get_or_insert("a quoted field is not closed at the end of the file");
                break;
            }
            self.line += 1;
            i = 0;
        }
        self.ends.push(self.bytes.len());
        if let Some(message) = error {
            return Ok(Err(Malformed {
                line: rec.line,
                message,
            }));
        }
        let bytes = std::mem::take(&mut self.bytes);
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.bytes = std::mem::replace(&mut rec.buf, text).into_bytes();
                std::mem::swap(&mut rec.ends, &mut self.ends);
                Ok(Ok(true))
            }
            Err(e) => {
                self.bytes = e.into_bytes();
                Ok(Err(Malformed {
                    line: rec.line,
                    message: "not valid UTF-8",
                }))
            }
        }
    }
}

fn trim_eol(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Result<(u64, Vec<String>), Malformed>> {
        let mut r = Reader::new(text.as_bytes());
        let mut rec = Record::default();
        let mut out = Vec::new();
        loop {
            match r.read(&mut rec).unwrap() {
                Ok(false) => break,
                Ok(true) => out.push(Ok((
                    rec.line,
                    (0..rec.len()).map(|i| rec.get(i).to_string()).collect(),
                ))),
                Err(m) => out.push(Err(m)),
            }
        }
        out
    }

    fn fields(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_rfc_4180() {
        let got =
            all("\u{feff}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\n2,\"two\nlines\",\r\n3,,é\n");
        assert_eq!(
            got,
            vec![
                Ok((1, fields(&["a", "b", "c"]))),
                Ok((2, fields(&["1", "x, y", "say \"hi\""]))),
                Ok((4, fields(&["2", "two\nlines", ""]))),
                Ok((6, fields(&["3", "", "é"]))),
            ]
        );
    }

    #[test]
    fn reports_malformed_records_and_goes_on() {
        let got = all("a,b\n\"x\"y,1\nx\"y,2\nok,3\n\"open,4\n");
        assert_eq!(got[0], Ok((1, fields(&["a", "b"]))));
        assert_eq!(got[1].as_ref().unwrap_err().line, 2);
        assert_eq!(got[2].as_ref().unwrap_err().line, 3);
        assert_eq!(got[3], Ok((4, fields(&["ok", "3"]))));
        assert_eq!(
            got[4],
            Err(Malformed {
                line: 5,
                message: "a quoted field is not closed at the end of the file"
            })
        );
    }

    #[test]
    fn refuses_invalid_utf8() {
        let mut r = Reader::new(&b"a\n\xff\nb\n"[..]);
        let mut rec = Record::default();
        assert_eq!(r.read(&mut rec).unwrap(), Ok(true));
        assert_eq!(r.read(&mut rec).unwrap().unwrap_err().line, 2);
        assert_eq!(r.read(&mut rec).unwrap(), Ok(true));
        assert_eq!((rec.line, rec.get(0)), (3, "b"));
    }
}
