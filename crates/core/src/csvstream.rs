//! Streaming CSV records that never run away: a quote left open is reported with the line it
//! opened on, and reading resumes on the next line instead of swallowing the rest of the file.
//!
//! Records are found with `csv_core` fed one physical line at a time, so the reader knows when
//! a record continues past a line end (only inside a quoted field). A record may span at most
//! [`MAX_RECORD_LINES`] lines and [`MAX_RECORD_BYTES`] bytes; past that, or at the end of the
//! input, the open quote is an [`Record::Unterminated`] and the lines after the one it opened
//! on are read again as records of their own.

use std::collections::VecDeque;
use std::io::{self, BufRead};

/// Most physical lines one record may span (quoted fields may hold line breaks).
pub const MAX_RECORD_LINES: usize = 64;

/// Most bytes one record may hold.
pub const MAX_RECORD_BYTES: usize = 1 << 16;

/// One record, or a quote that was never closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The fields of a complete record, starting on `line` (1-based).
    Fields {
        /// 1-based line the record starts on.
        line: u64,
        /// The raw fields.
        fields: Vec<Vec<u8>>,
    },
    /// A quoted field opened on `line` runs past the record limits or to the end of input.
    Unterminated {
        /// 1-based line the quote opened on.
        line: u64,
        /// The unquoted fields of that line before the field with the open quote.
        before: Vec<Vec<u8>>,
    },
}

/// The parser's output for one record: field bytes and field ends.
struct RecordBuffers {
    out: Vec<u8>,
    ends: Vec<usize>,
    n_out: usize,
    n_ends: usize,
}

impl RecordBuffers {
    fn new(first_line_len: usize) -> Self {
        RecordBuffers {
            out: vec![0u8; first_line_len.max(64)],
            ends: vec![0usize; 16],
            n_out: 0,
            n_ends: 0,
        }
    }

    /// The fields of the complete record.
    fn fields(&self) -> Vec<Vec<u8>> {
        let mut fields = Vec::with_capacity(self.n_ends);
        let mut begin = 0;
        for &end in &self.ends[..self.n_ends] {
            fields.push(self.out[begin..end].to_vec());
            begin = end;
        }
        fields
    }
}

/// Reads CSV records from a buffered input, line by line.
pub struct CsvStream<R: BufRead> {
    input: R,
    core: csv_core::Reader,
    pushed_back: VecDeque<(u64, Vec<u8>)>,
    next_line: u64,
    strip_bom: bool,
}

impl<R: BufRead> CsvStream<R> {
    /// Reads from `input`; a UTF-8 byte-order mark at the start is skipped.
    pub fn new(input: R) -> Self {
        CsvStream {
            input,
            core: csv_core::Reader::new(),
            pushed_back: VecDeque::new(),
            next_line: 1,
            strip_bom: true,
        }
    }

    fn read_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(line) = self.pushed_back.pop_front() {
            return Ok(Some(line));
        }
        let mut buffer = Vec::new();
        let mut limited = io::Read::take(&mut self.input, MAX_RECORD_BYTES as u64 + 1);
        if limited.read_until(b'\n', &mut buffer)? == 0 {
            return Ok(None);
        }
        if buffer.len() > MAX_RECORD_BYTES && buffer.last() != Some(&b'\n') {
            // Over-long line: keep the first bytes (the record is refused as too long) and skip
            // the rest of the line in bounded steps.
            loop {
                let mut rest = Vec::new();
                let n = io::Read::take(&mut self.input, 1 << 16).read_until(b'\n', &mut rest)?;
                if n == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            buffer.push(b'\n');
        }
        if self.strip_bom {
            self.strip_bom = false;
            if buffer.starts_with(b"\xEF\xBB\xBF") {
                buffer.drain(..3);
            }
        }
        let number = self.next_line;
        self.next_line += 1;
        Ok(Some((number, buffer)))
    }

    /// The next record, `None` at the end of input.
    pub fn next_record(&mut self) -> Option<io::Result<Record>> {
        self.next_record_inner().transpose()
    }

    fn next_record_inner(&mut self) -> io::Result<Option<Record>> {
        let Some((start, first)) = self.first_line()? else {
            return Ok(None);
        };
        self.core.reset();
        let mut buffers = RecordBuffers::new(first.len());
        let mut lines = vec![(start, first)];
        let mut total = lines[0].1.len();
        let mut at_eof = false;
        loop {
            let current = lines.len() - 1;
            if self.feed(&lines[current], at_eof, &mut buffers) {
                return Ok(Some(Record::Fields {
                    line: start,
                    fields: buffers.fields(),
                }));
            }
            if at_eof {
                // The input ended inside a quoted field.
                return Ok(Some(self.unterminated(lines)));
            }
            let ended_line = lines[current].1.last() == Some(&b'\n');
            if !ended_line {
                // Last line without a line break: close it at the end of input.
                at_eof = true;
                continue;
            }
            if lines.len() >= MAX_RECORD_LINES || total > MAX_RECORD_BYTES {
                return Ok(Some(self.unterminated(lines)));
            }
            match self.read_line()? {
                Some(next) => {
                    total += next.1.len();
                    lines.push(next);
                }
                None => return Ok(Some(self.unterminated(lines))),
            }
        }
    }

    /// The first line that is not blank (blank lines are skipped, as the csv crate does).
    fn first_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        loop {
            match self.read_line()? {
                None => return Ok(None),
                Some((_, line)) if line.iter().all(|b| *b == b'\r' || *b == b'\n') => {}
                Some(line) => return Ok(Some(line)),
            }
        }
    }

    /// Feeds one line (or, at the end of input, a final line break) to the parser: true when
    /// it completed the record.
    fn feed(&mut self, line: &(u64, Vec<u8>), at_eof: bool, b: &mut RecordBuffers) -> bool {
        let mut offset = 0;
        loop {
            let input: &[u8] = if at_eof { b"\n" } else { &line.1[offset..] };
            let (result, n_in, o, e) =
                self.core
                    .read_record(input, &mut b.out[b.n_out..], &mut b.ends[b.n_ends..]);
            b.n_out += o;
            b.n_ends += e;
            if !at_eof {
                offset += n_in;
            }
            match result {
                csv_core::ReadRecordResult::OutputFull => {
                    let len = b.out.len();
                    b.out.resize(len * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = b.ends.len();
                    b.ends.resize(len * 2, 0);
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                    let rest = &line.1[offset..];
                    if !at_eof && rest.iter().any(|b| *b != b'\r' && *b != b'\n') {
                        // A lone '\r' ended the record mid-line: read the rest again.
                        self.pushed_back.push_front((line.0, rest.to_vec()));
                    }
                    return true;
                }
                csv_core::ReadRecordResult::InputEmpty => return false,
            }
        }
    }

    /// Reports the record starting at `lines[0]` as unterminated and queues the later lines
    /// to be read again.
    fn unterminated(&mut self, lines: Vec<(u64, Vec<u8>)>) -> Record {
        let line = lines[0].0;
        let text = &lines[0].1;
        let quote = text.iter().position(|b| *b == b'"').unwrap_or(text.len());
        let mut before: Vec<Vec<u8>> = text[..quote]
            .split(|b| *b == b',')
            .map(<[u8]>::to_vec)
            .collect();
        before.pop(); // the field the quote opens
        for later in lines.into_iter().skip(1).rev() {
            self.pushed_back.push_front(later);
        }
        self.core.reset();
        Record::Unterminated { line, before }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &str) -> Vec<Record> {
        let mut stream = CsvStream::new(input.as_bytes());
        std::iter::from_fn(|| stream.next_record())
            .map(Result::unwrap)
            .collect()
    }

    fn fields(line: u64, items: &[&str]) -> Record {
        Record::Fields {
            line,
            fields: items.iter().map(|s| s.as_bytes().to_vec()).collect(),
        }
    }

    #[test]
    fn plain_quoted_and_multiline_records() {
        assert_eq!(
            records("a,b\n\"x,y\",z\r\n\n\"p\nq\",r\ns,t"),
            vec![
                fields(1, &["a", "b"]),
                fields(2, &["x,y", "z"]),
                fields(4, &["p\nq", "r"]),
                fields(6, &["s", "t"]),
            ]
        );
    }

    #[test]
    fn bom_is_skipped() {
        assert_eq!(records("\u{feff}a,b\n"), vec![fields(1, &["a", "b"])]);
    }

    #[test]
    fn an_open_quote_is_reported_and_the_next_lines_are_read() {
        assert_eq!(
            records("h\n\"open,1\nb,2\nc,3\n"),
            vec![
                fields(1, &["h"]),
                Record::Unterminated {
                    line: 2,
                    before: vec![]
                },
                fields(3, &["b", "2"]),
                fields(4, &["c", "3"]),
            ]
        );
        assert_eq!(
            records("a\nid7,\"open"),
            vec![
                fields(1, &["a"]),
                Record::Unterminated {
                    line: 2,
                    before: vec![b"id7".to_vec()]
                }
            ]
        );
    }

    #[test]
    fn a_long_open_quote_stops_at_the_line_limit() {
        let mut input = String::from("\"open\n");
        for i in 0..1000 {
            input.push_str(&format!("r{i},x\n"));
        }
        let got = records(&input);
        assert_eq!(
            got[0],
            Record::Unterminated {
                line: 1,
                before: vec![]
            }
        );
        assert_eq!(got.len(), 1001);
        assert_eq!(got[1000], fields(1001, &["r999", "x"]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let mut stream = CsvStream::new(body.as_slice());
            let mut n = 0;
            while let Some(record) = stream.next_record() {
                proptest::prop_assert!(record.is_ok());
                n += 1;
                proptest::prop_assert!(n <= body.len() + 1);
            }
        }
    }
}
