//! Holiday lists: the compiled-in national list and the CSV format used to import more.
//!
//! The CSV format is the one of `data/holidays.csv`: a header row naming the columns, then one
//! row per (date, holiday). Only `date`, `name` and `type` are read; other columns (`name_en`,
//! `estimated`, …) are allowed and ignored, so the bundled file and agency spreadsheets can carry
//! extra information. See `data/HOLIDAYS-ATTRIBUTION.md` for where the bundled data comes from.

use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// National holidays and cuti bersama 2020–2027 (python-holidays, MIT).
static BUNDLED_CSV: &str = include_str!("../../data/holidays.csv");

/// Why a day is a holiday. The kind decides whether it stops the working-day clock.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// National public holiday (SKB 3 Menteri / Keppres). Always a non-working day.
    LiburNasional,
    /// Collective leave for civil servants. Whether it stops the clock is a deployment setting,
    /// because many public-service units stay open.
    CutiBersama,
    /// Regional holiday added by an agency (e.g. Nyepi-related days in Bali, a regional
    /// anniversary). Always a non-working day for the calendar it is added to.
    Daerah,
}

impl HolidayKind {
    /// All kinds.
    pub const ALL: [HolidayKind; 3] = [
        HolidayKind::LiburNasional,
        HolidayKind::CutiBersama,
        HolidayKind::Daerah,
    ];

    /// The code used in the CSV `type` column and in JSON.
    pub fn code(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "libur_nasional",
            HolidayKind::CutiBersama => "cuti_bersama",
            HolidayKind::Daerah => "daerah",
        }
    }

    /// Parses a [`code`](Self::code), ignoring ASCII case and surrounding whitespace.
    pub fn from_code(s: &str) -> Option<HolidayKind> {
        let s = s.trim();
        HolidayKind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for HolidayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One holiday on one date. A date may carry several holidays (e.g. 2021-05-13, Idul Fitri and
/// Kenaikan Yesus Kristus).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    /// Indonesian name, as shown to citizens and officers.
    pub name: String,
    pub kind: HolidayKind,
}

/// The compiled-in national holidays and cuti bersama, 2020–2027, in file order (by date).
pub fn national_holidays() -> &'static [Holiday] {
    static LIST: LazyLock<Vec<Holiday>> = LazyLock::new(|| {
        parse_holidays_csv(BUNDLED_CSV).expect("bundled data/holidays.csv is a valid holiday list")
    });
    &LIST
}

/// What is wrong with one line of a holiday CSV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolidayProblem {
    /// The input holds nothing but whitespace.
    #[error("the file is empty")]
    Empty,
    /// The header row lacks a required column.
    #[error("the header has no {0:?} column")]
    MissingColumn(&'static str),
    /// There is a header but not a single holiday row: almost certainly the wrong file.
    #[error("the file has a header but no holiday rows")]
    NoRows,
    /// The row does not have as many fields as the header (often an unquoted comma in a name).
    #[error("expected {expected} fields as in the header, found {found}")]
    FieldCount { expected: usize, found: usize },
    /// The `date` field is not an ISO date.
    #[error("{0:?} is not a date in YYYY-MM-DD form")]
    BadDate(String),
    /// The `type` field is not one of the known kinds.
    #[error("{0:?} is not a holiday type (libur_nasional, cuti_bersama or daerah)")]
    UnknownType(String),
    /// The `name` field is blank.
    #[error("the holiday name is empty")]
    EmptyName,
    /// A field opens a quote that is never closed (the rest of the file was swallowed).
    #[error("a quoted field is never closed")]
    UnterminatedQuote,
}

/// A [`HolidayProblem`] and the 1-based line it was found on (the line a row starts on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct HolidayParseError {
    pub line: usize,
    pub problem: HolidayProblem,
}

/// Every problem found in a holiday CSV, in line order, so an importer can fix them all at once.
/// Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayParseErrors(pub Vec<HolidayParseError>);

impl fmt::Display for HolidayParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} in the holiday list",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, e) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for HolidayParseErrors {}

/// Parses a holiday CSV (see the module docs). Columns are found by header name (ASCII case and
/// surrounding whitespace ignored); `type` is `libur_nasional`, `cuti_bersama` or `daerah`.
/// Fields may be quoted as in RFC 4180. Blank lines are skipped. Duplicate rows are kept: a
/// date may legitimately carry two holidays, and the calendar only cares whether it is one.
///
/// On failure every problem is returned with its line number, not just the first.
pub fn parse_holidays_csv(text: &str) -> Result<Vec<Holiday>, HolidayParseErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = split_records(text).into_iter();
    let fail = |line, problem| {
        Err(HolidayParseErrors(vec![HolidayParseError {
            line,
            problem,
        }]))
    };

    let header = match records.next() {
        None => return fail(1, HolidayProblem::Empty),
        Some(Err(e)) => return Err(HolidayParseErrors(vec![e])),
        Some(Ok(header)) => header,
    };
    let column = |name: &str| {
        header
            .fields
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (date_col, name_col, type_col) = match (column("date"), column("name"), column("type")) {
        (Some(d), Some(n), Some(t)) => (d, n, t),
        (d, n, t) => {
            let missing = [(d, "date"), (n, "name"), (t, "type")]
                .into_iter()
                .filter(|(col, _)| col.is_none())
                .map(|(_, name)| HolidayParseError {
                    line: header.line,
                    problem: HolidayProblem::MissingColumn(name),
                })
                .collect();
            return Err(HolidayParseErrors(missing));
        }
    };

    let mut holidays = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let line = record.line;
        let mut problem = |problem| errors.push(HolidayParseError { line, problem });
        if record.fields.len() != header.fields.len() {
            problem(HolidayProblem::FieldCount {
                expected: header.fields.len(),
                found: record.fields.len(),
            });
            continue;
        }
        let field = |i: usize| record.fields[i].trim();
        let date = parse_date(field(date_col));
        let kind = HolidayKind::from_code(field(type_col));
        let name = field(name_col);
        if date.is_none() {
            problem(HolidayProblem::BadDate(shown(field(date_col))));
        }
        if name.is_empty() {
            problem(HolidayProblem::EmptyName);
        }
        if kind.is_none() {
            problem(HolidayProblem::UnknownType(shown(field(type_col))));
        }
        if let (Some(date), Some(kind), false) = (date, kind, name.is_empty()) {
            holidays.push(Holiday {
                date,
                name: name.to_owned(),
                kind,
            });
        }
    }

    if holidays.is_empty() && errors.is_empty() {
        return fail(header.line, HolidayProblem::NoRows);
    }
    if errors.is_empty() {
        Ok(holidays)
    } else {
        Err(HolidayParseErrors(errors))
    }
}

/// Strict `YYYY-MM-DD`: chrono alone would also accept `2025-1-5` or `+2025-01-05`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Keeps error messages bounded even for hostile input.
fn shown(s: &str) -> String {
    s.chars().take(32).collect()
}

/// One CSV row and the line it starts on.
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// Splits CSV text into records. Quoted fields may hold commas, doubled quotes and line breaks;
/// a quote inside an unquoted field is kept literally. `\r\n` and `\n` both end a row. Blank
/// rows are dropped. An unterminated quote yields one error at the line where its row starts.
fn split_records(text: &str) -> Vec<Result<Record, HolidayParseError>> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();

    let mut finish = |fields: &mut Vec<String>, record_line: usize| {
        let fields = std::mem::take(fields);
        let blank = fields.len() == 1 && fields[0].trim().is_empty();
        if !blank {
            out.push(Ok(Record {
                line: record_line,
                fields,
            }));
        }
    };

    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                finish(&mut fields, record_line);
                line += 1;
                record_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        out.push(Err(HolidayParseError {
            line: record_line,
            problem: HolidayProblem::UnterminatedQuote,
        }));
    } else if !fields.is_empty() || !field.is_empty() {
        fields.push(field);
        finish(&mut fields, record_line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid test date")
    }

    fn errors(text: &str) -> Vec<(usize, HolidayProblem)> {
        parse_holidays_csv(text)
            .expect_err("should be rejected")
            .0
            .into_iter()
            .map(|e| (e.line, e.problem))
            .collect()
    }

    #[test]
    fn bundled_file_has_every_row() {
        let list = national_holidays();
        assert_eq!(list.len(), 194);
        let count = |year: i32, kind: HolidayKind| {
            list.iter()
                .filter(|h| chrono::Datelike::year(&h.date) == year && h.kind == kind)
                .count()
        };
        // Per-year counts from PROVENANCE.md.
        for (year, nasional, cuti) in [
            (2020, 17, 5),
            (2021, 16, 1),
            (2022, 16, 4),
            (2023, 16, 11),
            (2024, 19, 10),
            (2025, 17, 11),
            (2026, 17, 8),
            (2027, 18, 8),
        ] {
            assert_eq!(count(year, HolidayKind::LiburNasional), nasional, "{year}");
            assert_eq!(count(year, HolidayKind::CutiBersama), cuti, "{year}");
        }
        assert_eq!(count(2026, HolidayKind::Daerah), 0);
        assert!(list.windows(2).all(|w| w[0].date <= w[1].date));
        assert_eq!(
            list[0],
            Holiday {
                date: date("2020-01-01"),
                name: "Tahun Baru Masehi".into(),
                kind: HolidayKind::LiburNasional,
            }
        );
        let idul_fitri_2026 = list
            .iter()
            .find(|h| h.date == date("2026-03-21"))
            .expect("Idul Fitri 2026 is listed");
        assert_eq!(idul_fitri_2026.name, "Hari Raya Idul Fitri");
        // Two holidays on one date are both kept.
        assert_eq!(
            list.iter().filter(|h| h.date == date("2021-05-13")).count(),
            2
        );
    }

    #[test]
    fn parses_minimal_columns_in_any_order_with_quotes_and_crlf() {
        let text = "\u{feff}Type ,NAME,extra,date\r\n\
                    daerah,\"Hari Jadi Kota \"\"Cantik\"\", Palangka Raya\",x,2026-07-17\r\n\
                    \r\n\
                    cuti_bersama,\"Dua\nbaris\",,2026-12-24\n\
                    LIBUR_NASIONAL , Hari Raya Natal ,, 2026-12-25 ";
        let list = parse_holidays_csv(text).expect("valid");
        assert_eq!(
            list,
            vec![
                Holiday {
                    date: date("2026-07-17"),
                    name: "Hari Jadi Kota \"Cantik\", Palangka Raya".into(),
                    kind: HolidayKind::Daerah,
                },
                Holiday {
                    date: date("2026-12-24"),
                    name: "Dua\nbaris".into(),
                    kind: HolidayKind::CutiBersama,
                },
                Holiday {
                    date: date("2026-12-25"),
                    name: "Hari Raya Natal".into(),
                    kind: HolidayKind::LiburNasional,
                },
            ]
        );
    }

    #[test]
    fn duplicate_rows_are_fine() {
        let text = "date,name,type\n2026-08-17,A,daerah\n2026-08-17,A,daerah\n";
        assert_eq!(parse_holidays_csv(text).expect("valid").len(), 2);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let text = "date,name,type\n\
                    2026-01-01,Tahun Baru,libur_nasional\n\
                    2026-02-30,Tanggal salah,libur_nasional\n\
                    2026-03-01,Jenis salah,libur\n\
                    2026-03-02,Kolom kurang\n\
                    \n\
                    26-3-3,,nasional\n\
                    2026-1-05,Tanpa nol,daerah\n\
                    +2026-01-05,Bertanda,daerah\n\
                    2026-04-01,Koma, tanpa kutip,daerah\n\
                    2026-04-02,Oke,daerah\n";
        assert_eq!(
            errors(text),
            vec![
                (3, HolidayProblem::BadDate("2026-02-30".into())),
                (4, HolidayProblem::UnknownType("libur".into())),
                (
                    5,
                    HolidayProblem::FieldCount {
                        expected: 3,
                        found: 2
                    }
                ),
                (7, HolidayProblem::BadDate("26-3-3".into())),
                (7, HolidayProblem::EmptyName),
                (7, HolidayProblem::UnknownType("nasional".into())),
                (8, HolidayProblem::BadDate("2026-1-05".into())),
                (9, HolidayProblem::BadDate("+2026-01-05".into())),
                (
                    10,
                    HolidayProblem::FieldCount {
                        expected: 3,
                        found: 4
                    }
                ),
            ]
        );
    }

    #[test]
    fn rejects_empty_input_header_only_and_missing_columns() {
        for empty in ["", "   ", "\n\n", "\u{feff}"] {
            assert_eq!(errors(empty), vec![(1, HolidayProblem::Empty)], "{empty:?}");
        }
        assert_eq!(
            errors("date,name,type\n\n"),
            vec![(1, HolidayProblem::NoRows)]
        );
        assert_eq!(
            errors("\ntanggal,name\n2026-01-01,Tahun Baru\n"),
            vec![
                (2, HolidayProblem::MissingColumn("date")),
                (2, HolidayProblem::MissingColumn("type")),
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_reported_where_its_row_starts() {
        let text = "date,name,type\n2026-01-01,Oke,daerah\n2026-01-02,\"Tidak ditutup,daerah\n2026-01-03,X,daerah\n";
        assert_eq!(errors(text), vec![(3, HolidayProblem::UnterminatedQuote)]);
    }

    #[test]
    fn error_messages_name_line_and_problem() {
        let err = parse_holidays_csv("date,name,type\n2026-13-01,X,daerah\n2026-01-01,Y,z\n")
            .expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "2 problems in the holiday list: line 2: \"2026-13-01\" is not a date in YYYY-MM-DD \
             form; line 3: \"z\" is not a holiday type (libur_nasional, cuti_bersama or daerah)"
        );
        let long = format!("date,name,type\n2026-01-01,X,{}\n", "x".repeat(1000));
        let err = parse_holidays_csv(&long).expect_err("invalid");
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn kind_codes_round_trip() {
        for kind in HolidayKind::ALL {
            assert_eq!(HolidayKind::from_code(kind.code()), Some(kind));
            assert_eq!(kind.to_string(), kind.code());
        }
        assert_eq!(HolidayKind::from_code("nasional"), None);
    }
}
