//! Derived CSV files rendered by `csv::Writer` into memory (quoted where a field needs it,
//! `"` doubled), so that every importer writes CSV the same, correct way; the caller writes
//! the text atomically.

/// A CSV document being built in memory.
pub struct CsvText {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvText {
    /// A document whose first row is `header` (comma-separated column names).
    ///
    /// ```
    /// let mut csv = tieup_import::csvout::CsvText::new("name,note");
    /// csv.row(["Kobe", "said \"hi\", then left"]);
    /// assert_eq!(csv.finish(), "name,note\nKobe,\"said \"\"hi\"\", then left\"\n");
    /// ```
    pub fn new(header: &str) -> Self {
        let mut text = CsvText {
            writer: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        };
        text.row(header.split(','));
        text
    }

    /// Appends one row.
    pub fn row<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .expect("writing CSV into memory cannot fail");
    }

    /// The document's text.
    pub fn finish(self) -> String {
        let bytes = self
            .writer
            .into_inner()
            .expect("flushing CSV into memory cannot fail");
        String::from_utf8(bytes).expect("every field was a UTF-8 string")
    }
}
