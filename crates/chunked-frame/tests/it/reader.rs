//! The CSV reader's fast path, pieces and range starts, against rows
//! written down by hand: facts the mutation runs of `rows.rs`,
//! `quoted.rs` and `pieces.rs` found no test stating.

use chunked_frame::{CsvOptions, DType, Value, read_csv};
use executors::Executor;

use crate::TempCsv;

/// The rows of `file` read as string columns `names`, at `blocksize`.
fn read_str(file: &TempCsv, names: &[&str], blocksize: usize) -> Result<Vec<Vec<Value>>, String> {
    read_str_with(file, names, CsvOptions::default().blocksize(blocksize))
}

/// [`read_str`] with other options.
fn read_str_with(file: &TempCsv, names: &[&str], mut options: CsvOptions) -> Result<Vec<Vec<Value>>, String> {
    for name in names {
        options = options.dtype(name, DType::Str);
    }
    let frame = read_csv(file.path(), options).map_err(|e| e.to_string())?;
    let got = frame.compute(&Executor::sequential()).map_err(|e| e.to_string())?;
    Ok((0..got.height()).map(|i| got.row(i)).collect())
}

fn strs(row: &[&str]) -> Vec<Value> {
    row.iter().map(|s| if s.is_empty() { Value::Null } else { Value::Str((*s).to_owned()) }).collect()
}

#[test]
fn text_beyond_ascii_reads_back_intact_in_every_field_at_every_blocksize() {
    // Bytes from 0x80 up (lead and continuation bytes of UTF-8 in two,
    // three and four bytes) in first, middle, last and only fields, next
    // to delimiters and line ends, long enough to cross 8-byte words.
    // The first row has its only such bytes in its last field, so that it
    // is read by the fast path.
    let rows: [[&str; 3]; 7] = [
        ["1", "2", "xé"],
        ["café", "naïve", "Ê"],
        ["Ελλάδα", "日本語のテキスト", "€"],
        ["Ê", "Ê", "ÊÊÊÊÊÊÊÊÊ"],
        ["x", "żółć gęślą jaźń", "🦀🦀"],
        ["ÿ", "Ā", "\u{80}\u{7ff}\u{800}\u{ffff}"],
        ["plain", "ascii", "text"],
    ];
    let mut text = String::from("a,b,c\n");
    for row in &rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let file = TempCsv::new("beyond-ascii.csv", text.as_bytes());
    let want: Vec<Vec<Value>> = rows.iter().map(|r| strs(r)).collect();
    for blocksize in (1..=text.len()).chain([usize::MAX]) {
        assert_eq!(read_str(&file, &["a", "b", "c"], blocksize), Ok(want.clone()), "blocksize {blocksize}");
    }
}

#[test]
fn a_row_of_too_few_fields_is_one_field_whatever_bytes_it_holds() {
    // One field where three are wanted; its bytes (from 0x80 up) are no
    // delimiters nor line ends: the row is that field and two missing
    // ones (pandas pads a short row).
    for (n, field) in ["Ê", "ÊÊ", "é", "\u{8a}\u{8a}", "日本"].iter().enumerate() {
        let text = format!("a,b,c\n1,2,3\n{field}\n4,5,6\n");
        let file = TempCsv::new(&format!("too-few-{n}.csv"), text.as_bytes());
        let want = vec![strs(&["1", "2", "3"]), strs(&[field, "", ""]), strs(&["4", "5", "6"])];
        for blocksize in [1, 7, usize::MAX] {
            assert_eq!(
                read_str(&file, &["a", "b", "c"], blocksize),
                Ok(want.clone()),
                "{field:?} {blocksize}"
            );
        }
    }
}

#[test]
fn a_row_of_too_many_fields_is_an_error_whatever_bytes_it_holds() {
    for (n, field) in ["Ê", "日本"].iter().enumerate() {
        let text = format!("a,b,c\n1,2,3\n{field},{field},{field},{field}\n4,5,6\n");
        let file = TempCsv::new(&format!("too-many-{n}.csv"), text.as_bytes());
        for blocksize in [1, 7, usize::MAX] {
            let got = read_str(&file, &["a", "b", "c"], blocksize);
            let e = got.expect_err(&format!("{field:?} at blocksize {blocksize} read as a row"));
            assert!(e.contains("line 3") && e.contains("expected 3 fields, found 4"), "{field:?}: {e}");
        }
    }
}

#[test]
fn another_delimiter_splits_fields_and_a_comma_is_text_at_every_blocksize() {
    // `;` and tab delimiters: quoted fields holding the delimiter, a line
    // end and doubled quotes, an empty field, a comma in a plain field,
    // both line ends, a last line without one.
    for delimiter in [b';', b'\t', b'|'] {
        let d = char::from(delimiter);
        for eol in ["\n", "\r\n"] {
            let text = format!(
                "a{d}b{d}c{eol}1{d}\"x{d}y\"{d}\"p{eol}q\"{eol}2,5{d}\"say \"\"hi\"\"\"{d}z{eol}\"3\"{d}{d}w{eol}4{d}a,b{d}\"{d}\""
            );
            let file = TempCsv::new(&format!("delimiter-{delimiter}-{}.csv", eol.len()), text.as_bytes());
            let want = vec![
                strs(&["1", &format!("x{d}y"), &format!("p{eol}q")]),
                strs(&["2,5", "say \"hi\"", "z"]),
                strs(&["3", "", "w"]),
                strs(&["4", "a,b", &d.to_string()]),
            ];
            for blocksize in (1..=text.len()).chain([usize::MAX]) {
                let mut options = CsvOptions::default().blocksize(blocksize);
                options.delimiter = delimiter;
                assert_eq!(
                    read_str_with(&file, &["a", "b", "c"], options),
                    Ok(want.clone()),
                    "delimiter {d:?}, line end {eol:?}, blocksize {blocksize}"
                );
            }
        }
    }
}

#[test]
fn a_lone_carriage_return_starting_a_row_of_a_newline_file_is_text() {
    // Lines end in `\n`: a `\r` not followed by `\n` is a byte of the
    // field it starts, not a blank line (a `\r\n` is a line end).
    let text = "a,b\n\rx,1\n\r\r,2\n\r\n3,4\n";
    let file = TempCsv::new("lone-cr.csv", text.as_bytes());
    let want = vec![strs(&["\rx", "1"]), strs(&["\r\r", "2"]), strs(&["3", "4"])];
    for blocksize in (1..=text.len()).chain([usize::MAX]) {
        assert_eq!(read_str(&file, &["a", "b"], blocksize), Ok(want.clone()), "blocksize {blocksize}");
    }
}

#[test]
fn a_lone_carriage_return_after_a_closing_quote_belongs_to_the_field() {
    // Lines end in `\n`: text after a closing quote is part of the field
    // (`"JFK"x` is `JFKx`, as pandas reads it), a lone `\r` too; only
    // `\r\n` ends the line.
    let text = "a,b,c\n\"x\"\r,2,3\n\"y\"\rz,4,5\n";
    let file = TempCsv::new("quote-cr.csv", text.as_bytes());
    let want = vec![strs(&["x\r", "2", "3"]), strs(&["y\rz", "4", "5"])];
    // A third row, `"w"` alone before `\r\n`, is one field (padded with
    // two missing ones): the `\r\n` ended it.
    let short = format!("{text}\"w\"\r\n6,7,8\n");
    let short_file = TempCsv::new("quote-cr-short.csv", short.as_bytes());
    let mut short_want = want.clone();
    short_want.extend([strs(&["w", "", ""]), strs(&["6", "7", "8"])]);
    for blocksize in (1..=short.len()).chain([usize::MAX]) {
        assert_eq!(read_str(&file, &["a", "b", "c"], blocksize), Ok(want.clone()), "blocksize {blocksize}");
        assert_eq!(
            read_str(&short_file, &["a", "b", "c"], blocksize),
            Ok(short_want.clone()),
            "blocksize {blocksize}"
        );
    }
}

#[test]
fn spaces_and_tabs_starting_a_row_are_text_unless_the_line_is_blank() {
    // A line of spaces and tabs only is no row (as pandas skips it); one
    // that holds anything else starts with those bytes as text. With tabs
    // as delimiters, a row starting with a tab starts with an empty field.
    let text = "a,b\n  x,1\n \t\n\ty,2\n \rz,3\n  \r\n \t \r\n \",4\n";
    let file = TempCsv::new("leading-blanks.csv", text.as_bytes());
    let want = vec![strs(&["  x", "1"]), strs(&["\ty", "2"]), strs(&[" \rz", "3"]), strs(&[" \"", "4"])];
    for blocksize in (1..=text.len()).chain([usize::MAX]) {
        assert_eq!(read_str(&file, &["a", "b"], blocksize), Ok(want.clone()), "blocksize {blocksize}");
    }
    let text = "a\tb\tc\n\tx\t1\n  \ty\t2\n";
    let file = TempCsv::new("leading-tabs.csv", text.as_bytes());
    let want = vec![strs(&["", "x", "1"]), strs(&["  ", "y", "2"])];
    for blocksize in (1..=text.len()).chain([usize::MAX]) {
        let mut options = CsvOptions::default().blocksize(blocksize);
        options.delimiter = b'\t';
        assert_eq!(
            read_str_with(&file, &["a", "b", "c"], options),
            Ok(want.clone()),
            "blocksize {blocksize}"
        );
    }
}

#[test]
fn a_file_whose_reads_fail_after_it_opens_is_an_error_naming_it_not_a_hang() {
    // Planned as a file, then replaced by a directory of the same name:
    // it still opens, and every read of it fails (EISDIR). The failure is
    // reported with the path, not retried for ever nor taken for an end
    // of file.
    for blocksize in [4, usize::MAX] {
        let dir = std::env::temp_dir()
            .join(format!("chunked-frame-becomes-dir-{}-{blocksize}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data.csv");
        std::fs::write(&path, "a,b\n1,2\n3,4\n").unwrap();
        let frame = read_csv(path.to_str().unwrap(), CsvOptions::default().blocksize(blocksize)).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        let err = frame.compute(&Executor::sequential()).expect_err("a directory read as rows").to_string();
        assert!(err.contains("data.csv") && err.contains("directory"), "blocksize {blocksize}: {err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
