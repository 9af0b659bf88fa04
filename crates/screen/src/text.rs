//! Streaming a CSV file line by line, in UTF-8 or GBK/GB18030, and
//! splitting a line into fields.
//!
//! Written here rather than with the `csv` crate: a general record parser
//! reads about 70 MB/s on this kind of machine, and a province's feed is
//! gigabytes. Lines without a quote are split with `memchr`; a quoted line
//! goes through a small quote-aware splitter.

use std::io::Read;

use encoding_rs::{Decoder, GB18030};

use crate::ScreenError;

const CHUNK: usize = 4 << 20;

/// Calls `each(row, line)` for every non-blank line of `reader` (row 1 is
/// the header), the line in UTF-8 without its line end. A file that is not
/// UTF-8 is read as GB18030 (which covers GBK).
pub fn for_each_line<R: Read>(
    mut reader: R,
    mut each: impl FnMut(usize, &[u8]) -> Result<(), ScreenError>,
) -> Result<(), ScreenError> {
    let mut raw = vec![0u8; CHUNK];
    let mut pending: Vec<u8> = Vec::with_capacity(CHUNK * 2);
    let mut decoder: Option<Decoder> = None;
    let mut decided = false;
    let mut decoded = String::new();
    let mut row = 0usize;
    loop {
        let n = reader.read(&mut raw)?;
        let last = n == 0;
        let input = &raw[..n];
        // ASCII reads the same in both encodings: decide on the first
        // chunk that is not ASCII.
        if !decided && (!input.is_ascii() || last) {
            decided = true;
            let probe = match std::str::from_utf8(input) {
                Ok(_) => true,
                // Cut in the middle of a character at the chunk's end.
                Err(e) => e.error_len().is_none(),
            };
            if !probe {
                decoder = Some(GB18030.new_decoder_without_bom_handling());
            }
        }
        match decoder.as_mut() {
            Some(d) => {
                decoded.clear();
                decoded.reserve(n * 3 / 2 + 16);
                let (_, _, _) = d.decode_to_string(input, &mut decoded, last);
                pending.extend_from_slice(decoded.as_bytes());
            }
            None => pending.extend_from_slice(input),
        }
        let complete = if last {
            pending.len()
        } else {
            match memchr::memrchr(b'\n', &pending) {
                Some(i) => i + 1,
                None => continue,
            }
        };
        let mut start = 0;
        while start < complete {
            let end =
                memchr::memchr(b'\n', &pending[start..complete]).map_or(complete, |i| start + i);
            let mut line = &pending[start..end];
            start = end + 1;
            if row == 0 && line.starts_with("\u{feff}".as_bytes()) {
                line = &line[3..];
            }
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            if line.iter().all(|b| b.is_ascii_whitespace() || *b == b',') {
                continue;
            }
            row += 1;
            each(row, line)?;
        }
        pending.drain(..complete);
        if last {
            return Ok(());
        }
    }
}

/// A line's fields, reused from line to line.
#[derive(Debug, Default)]
pub struct Fields {
    buf: Vec<u8>,
    bounds: Vec<(usize, usize)>,
}

impl Fields {
    /// Splits `line` at commas; a field in double quotes may hold commas and
    /// doubled quotes.
    pub fn load(&mut self, line: &[u8]) {
        self.buf.clear();
        self.bounds.clear();
        if memchr::memchr(b'"', line).is_none() {
            self.buf.extend_from_slice(line);
            let mut start = 0;
            for i in memchr::memchr_iter(b',', line) {
                self.bounds.push((start, i));
                start = i + 1;
            }
            self.bounds.push((start, line.len()));
            return;
        }
        let mut i = 0;
        loop {
            let start = self.buf.len();
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            if line.get(i) == Some(&b'"') {
                i += 1;
                while i < line.len() {
                    match line[i] {
                        b'"' if line.get(i + 1) == Some(&b'"') => {
                            self.buf.push(b'"');
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b => {
                            self.buf.push(b);
                            i += 1;
                        }
                    }
                }
                // Anything between the closing quote and the comma is kept.
                while i < line.len() && line[i] != b',' {
                    self.buf.push(line[i]);
                    i += 1;
                }
            } else {
                let end = memchr::memchr(b',', &line[i..]).map_or(line.len(), |k| i + k);
                self.buf.extend_from_slice(&line[i..end]);
                i = end;
            }
            self.bounds.push((start, self.buf.len()));
            if i >= line.len() {
                return;
            }
            i += 1; // the comma
        }
    }

    /// Field `i`, trimmed of spaces; empty when the line is shorter.
    pub fn get(&self, i: usize) -> &[u8] {
        self.bounds
            .get(i)
            .map_or(&[][..], |&(a, b)| self.buf[a..b].trim_ascii())
    }

    /// Field `i` as text (empty when it is not UTF-8, which a decoded line
    /// always is).
    pub fn text(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or("").trim()
    }

    /// All fields as text, for the header.
    pub fn all(&self) -> Vec<&str> {
        (0..self.bounds.len()).map(|i| self.text(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for_each_line(bytes, |row, l| {
            out.push((row, String::from_utf8(l.to_vec()).unwrap()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn utf8_and_gbk_read_the_same() {
        let text =
            "\u{feff}身份证号,姓名\r\n500230198001010012,张三\r\n\r\n,,\n500230198001010013,李四";
        let (gbk, _, _) = encoding_rs::GBK.encode(text.trim_start_matches('\u{feff}'));
        let want = vec![
            (1, "身份证号,姓名".to_owned()),
            (2, "500230198001010012,张三".to_owned()),
            (3, "500230198001010013,李四".to_owned()),
        ];
        assert_eq!(lines(text.as_bytes()), want);
        assert_eq!(lines(&gbk), want);
    }

    #[test]
    fn quoted_fields_keep_commas_and_quotes() {
        let mut f = Fields::default();
        f.load(br#"a, "b,c" ,"say ""hi""",,last"#);
        assert_eq!(f.all(), ["a", "b,c", r#"say "hi""#, "", "last"]);
        f.load(b"1,2,3");
        assert_eq!(f.all(), ["1", "2", "3"]);
        assert_eq!(f.get(7), b"");
    }
}
