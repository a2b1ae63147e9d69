//! The reader against pandas: each expectation here is what pandas 3.1's
//! `read_csv` gives for the same bytes (checked by hand with pandas; the
//! tests do not need it): missing values, widening of int columns, the
//! byte-order mark, lone `\r` line ends, text after a closing quote.

use chunked_frame::{Agg, CsvOptions, DEFAULT_NA_VALUES, DType, DataFrame, Value, col, read_csv};
use executors::{Executor, Strategy};

use crate::TempCsv;

fn read(file: &TempCsv, options: CsvOptions) -> DataFrame {
    read_csv(file.path(), options).unwrap().compute(&Executor::new(Strategy::Graph, 2).unwrap()).unwrap()
}

fn dtypes(frame: &DataFrame) -> Vec<DType> {
    frame.columns().iter().map(|c| c.dtype()).collect()
}

fn column(frame: &DataFrame, name: &str) -> Vec<Value> {
    let c = frame.column(name).unwrap();
    (0..c.len()).map(|i| c.get(i)).collect()
}

#[test]
fn pandas_default_missing_values_are_null_in_every_column_type() {
    // One row per default NA text, in an int, a float, a bool and a string column.
    let mut text = String::from("i,x,b,s\n1,1.5,True,JFK\n");
    for na in DEFAULT_NA_VALUES {
        text.push_str(&format!("{na},{na},{na},{na}\n"));
    }
    text.push_str("2,2.5,False,\"NA\"\n"); // quoted, still missing, as in pandas
    let file = TempCsv::new("na-defaults.csv", text.as_bytes());
    for blocksize in [1 << 20, 7] {
        let got = read(&file, CsvOptions::default().blocksize(blocksize));
        assert_eq!(dtypes(&got), [DType::Int64, DType::Float64, DType::Bool, DType::Str]);
        assert_eq!(got.height(), DEFAULT_NA_VALUES.len() + 2);
        for (j, c) in got.columns().iter().enumerate() {
            let nulls: Vec<usize> = (0..c.len()).filter(|&i| c.is_null(i)).collect();
            let want: Vec<usize> = if j == 3 {
                (1..got.height()).collect() // the quoted "NA" of the last row too
            } else {
                (1..=DEFAULT_NA_VALUES.len()).collect()
            };
            assert_eq!(nulls, want, "column {j}, blocksize {blocksize}");
        }
    }
}

#[test]
fn a_nan_delay_is_skipped_by_the_group_mean_and_na_keeps_the_column_numeric() {
    let file =
        TempCsv::new("na-mean.csv", b"ORIGIN,DELAY,N\nJFK,10,1\nJFK,NaN,NA\nJFK,20,3\nLGA,nan,4\nLGA,n/a,\n");
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(12)).unwrap();
    let schema = frame.schema().unwrap();
    assert_eq!(
        schema.fields.iter().map(|f| f.dtype).collect::<Vec<_>>(),
        [DType::Str, DType::Int64, DType::Int64]
    );
    let got = frame.groupby(&["ORIGIN"]).mean("DELAY").compute(&exec).unwrap();
    // pandas: JFK 15.0, LGA NaN (no value).
    assert_eq!(column(&got, "DELAY_mean"), [Value::Float(15.0), Value::Null]);
}

#[test]
fn na_values_add_texts_and_keep_default_na_turns_the_list_off() {
    let file = TempCsv::new("na-options.csv", b"a,b,s\n1,-999,x\n2,3,NA\n-999,,\n");
    let got = read(&file, CsvOptions::default().na_values(&["-999", "x"]));
    // pandas: a [1, 2, NaN], b [NaN, 3, NaN], s [NaN, NaN, NaN].
    assert_eq!(column(&got, "a"), [Value::Int(1), Value::Int(2), Value::Null]);
    assert_eq!(column(&got, "b"), [Value::Null, Value::Int(3), Value::Null]);
    assert_eq!(column(&got, "s"), [Value::Null, Value::Null, Value::Null]);
    // keep_default_na=False: NA and the empty field are text (pandas: an
    // object column), so column b is strings too.
    let got = read(&file, CsvOptions::default().keep_default_na(false));
    assert_eq!(dtypes(&got), [DType::Int64, DType::Str, DType::Str]);
    assert_eq!(column(&got, "s")[1..], [Value::Str("NA".into()), Value::Str(String::new())]);
    // ... unless listed again.
    let got = read(&file, CsvOptions::default().keep_default_na(false).na_values(&[""]));
    assert_eq!(dtypes(&got), [DType::Int64, DType::Int64, DType::Str]);
    assert_eq!(column(&got, "s")[1..], [Value::Str("NA".into()), Value::Null]);
}

#[test]
fn nan_spellings_pandas_does_not_list_are_text_not_numbers() {
    // pandas reads NAN (upper case) as a string: no numeric column.
    let file = TempCsv::new("nan-upper.csv", b"x\n1.5\nNAN\n");
    let got = read(&file, CsvOptions::default());
    assert_eq!(dtypes(&got), [DType::Str]);
}

#[test]
fn an_int_column_meeting_a_float_after_the_sample_becomes_float64() {
    let mut text = String::from("k,v\n");
    for i in 0..3000 {
        text.push_str(&format!("{},{i}\n", i % 3));
    }
    text.push_str("1,5.5\n");
    let file = TempCsv::new("widen.csv", text.as_bytes());
    let sample = CsvOptions { sample_bytes: 500, ..CsvOptions::default() };
    let exec = Executor::new(Strategy::WorkQueue, 2).unwrap();
    for blocksize in [1 << 20, 4096, 700] {
        let options = sample.clone().blocksize(blocksize);
        assert_eq!(
            read_csv(file.path(), options.clone()).unwrap().schema().unwrap().fields[1].dtype,
            DType::Int64
        );
        let all = read(&file, options.clone());
        assert_eq!(dtypes(&all), [DType::Int64, DType::Float64], "blocksize {blocksize}");
        assert_eq!(all.row(3000), [Value::Int(1), Value::Float(5.5)]);
        assert_eq!(all.row(7), [Value::Int(1), Value::Float(7.0)]);
        let frame = read_csv(file.path(), options).unwrap();
        let sums = frame.groupby(&["k"]).agg(&[("v", chunked_frame::Agg::Sum)]).compute(&exec).unwrap();
        let want = (0..3000).filter(|i| i % 3 == 1).sum::<i64>() as f64 + 5.5;
        assert_eq!(column(&sums, "v_sum")[1], Value::Float(want), "blocksize {blocksize}");
    }
}

#[test]
fn a_byte_order_mark_before_the_header_is_skipped() {
    let file = TempCsv::new("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n");
    let frame = read_csv(file.path(), CsvOptions::default()).unwrap();
    assert_eq!(frame.schema().unwrap().names(), ["a", "b"]);
    assert_eq!(frame.filter(col("a").eq(1)).len(&Executor::sequential()).unwrap(), 1);
}

#[test]
fn lone_carriage_returns_end_lines_as_in_pandas() {
    let file = TempCsv::new("cr.csv", b"a,b\r1,x\r2,y\r\r3,z");
    for blocksize in [1 << 20, 3] {
        let got = read(&file, CsvOptions::default().blocksize(blocksize));
        assert_eq!(got.height(), 3, "blocksize {blocksize}");
        assert_eq!(column(&got, "a"), [Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(
            column(&got, "b"),
            [Value::Str("x".into()), Value::Str("y".into()), Value::Str("z".into())]
        );
    }
    // A row too long, on the third line (pandas: "Expected 2 fields in
    // line 3, saw 3").
    let bad = TempCsv::new("cr-bad.csv", b"a,b\r1,x\r2,y,z\r");
    let err =
        read_csv(bad.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap_err();
    assert!(err.to_string().contains("cr-bad.csv, line 3"), "{err}");
}

#[test]
fn text_after_a_closing_quote_belongs_to_the_field() {
    let file = TempCsv::new("junk.csv", b"a,b\n\"JFK\"x,\"5\"6\n\"LGA\",\"7\"\r\n");
    let got = read(&file, CsvOptions::default());
    // pandas: a ["JFKx", "LGA"], b [56, 7].
    assert_eq!(column(&got, "a"), [Value::Str("JFKx".into()), Value::Str("LGA".into())]);
    assert_eq!(column(&got, "b"), [Value::Int(56), Value::Int(7)]);
}

#[test]
fn integer_sums_minima_and_maxima_stay_int64_and_exact() {
    // 2^53 + 1 has no float: a float sum would be off by one.
    let file = TempCsv::new("int-sums.csv", b"k,v\na,9007199254740993\na,2\nb,-5\nb,\nc,\n");
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    for blocksize in [1 << 20, 9] {
        let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .groupby(&["k"])
            .agg(&[
                ("v", chunked_frame::Agg::Sum),
                ("v", chunked_frame::Agg::Min),
                ("v", chunked_frame::Agg::Max),
                ("v", chunked_frame::Agg::Mean),
            ])
            .compute(&exec)
            .unwrap();
        // pandas (v read as int64 with dtype="Int64"): sums 9007199254740995,
        // -5, 0; minima 2, -5, <NA>; maxima 9007199254740993, -5, <NA>.
        assert_eq!(dtypes(&got), [DType::Str, DType::Int64, DType::Int64, DType::Int64, DType::Float64]);
        assert_eq!(column(&got, "v_sum"), [Value::Int(9_007_199_254_740_995), Value::Int(-5), Value::Int(0)]);
        assert_eq!(column(&got, "v_min"), [Value::Int(2), Value::Int(-5), Value::Null]);
        assert_eq!(column(&got, "v_max"), [Value::Int(9_007_199_254_740_993), Value::Int(-5), Value::Null]);
        assert_eq!(column(&got, "v_mean")[1..], [Value::Float(-5.0), Value::Null]);
    }
}

#[test]
fn a_key_column_that_widens_in_one_partition_groups_equal_values_together() {
    let mut text = String::from("k,v\n");
    for i in 0..300 {
        text.push_str(&format!("{},1\n", i % 2));
    }
    text.push_str("1.0,1\n1.5,1\n");
    let file = TempCsv::new("widen-key.csv", text.as_bytes());
    let options = CsvOptions { sample_bytes: 100, ..CsvOptions::default() }.blocksize(200);
    let frame = read_csv(file.path(), options).unwrap();
    assert!(frame.partitions() > 3);
    let got = frame.groupby(&["k"]).size().compute(&Executor::new(Strategy::Graph, 2).unwrap()).unwrap();
    assert_eq!(column(&got, "k"), [Value::Float(0.0), Value::Float(1.0), Value::Float(1.5)]);
    assert_eq!(column(&got, "size"), [Value::Int(150), Value::Int(151), Value::Int(1)]);
}

#[test]
fn comparisons_with_null_follow_pandas_and_ne_is_not_eq() {
    use chunked_frame::{Expr, lit};
    let file = TempCsv::new("cmp.csv", b"v,s,w\n1,x,1\n,,2\n3,y,\n");
    let exec = Executor::sequential();
    let kept = |e: Expr| -> Vec<Value> {
        let got = read_csv(file.path(), CsvOptions::default()).unwrap().filter(e).compute(&exec).unwrap();
        column(&got, "w")
    };
    let w = |xs: &[i64]| -> Vec<Value> {
        xs.iter().map(|&x| if x == 0 { Value::Null } else { Value::Int(x) }).collect()
    };
    // pandas, v = [1, NaN, 3]: v != 1 [F, T, T]; ~(v == 1) the same;
    // v < 2 [T, F, F]; ~(v >= 2) [T, T, F]; isin([1]) [T, F, F];
    // between(0, 5) [T, F, T]. Row 3's w is null, shown as 0 here.
    assert_eq!(kept(col("v").ne(1)), w(&[2, 0]));
    assert_eq!(kept(col("v").eq(1).not()), w(&[2, 0]));
    assert_eq!(kept(col("v").lt(2)), w(&[1]));
    assert_eq!(kept(col("v").ge(2).not()), w(&[1, 2]));
    assert_eq!(kept(col("v").isin([1])), w(&[1]));
    assert_eq!(kept(col("v").between(0, 5)), w(&[1, 0]));
    // Strings, against a constant and a column.
    assert_eq!(kept(col("s").ne("x")), w(&[2, 0]));
    assert_eq!(kept(col("s").eq("x").not()), w(&[2, 0]));
    assert_eq!(kept(col("s").ne(col("s"))), w(&[2]));
    // Against a column with nulls and NaN from arithmetic (0 / 0).
    assert_eq!(kept(col("v").ne(col("w"))), w(&[2, 0]));
    let nan = (col("v") - col("v")) / (col("v") - col("v"));
    assert_eq!(kept(nan.clone().ne(lit(1.0))), w(&[1, 2, 0]));
    assert_eq!(kept(nan.eq(lit(1.0)).not()), w(&[1, 2, 0]));
}

#[test]
fn integers_at_the_edges_of_int64_and_with_spaces_read_as_pandas_reads_them() {
    // pandas: int64 [i64::MAX, i64::MIN, 5, 6, 7, -8]: blanks on either
    // side or both are trimmed.
    let file =
        TempCsv::new("int-edges.csv", b"a\n9223372036854775807\n-9223372036854775808\n 5\t\n 6\n7 \n\t-8\n");
    let got = read(&file, CsvOptions::default());
    assert_eq!(dtypes(&got), [DType::Int64]);
    assert_eq!(
        column(&got, "a"),
        [
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Int(5),
            Value::Int(6),
            Value::Int(7),
            Value::Int(-8)
        ]
    );
    // Past int64, a float would round the digits away: pandas reads a
    // column starting with one as text, and so does this reader.
    let file = TempCsv::new("int-past.csv", b"a\n99999999999999999999\n1\n");
    let got = read(&file, CsvOptions::default());
    assert_eq!(column(&got, "a"), [Value::Str("99999999999999999999".into()), Value::Str("1".into())]);
    // After the sample, it is an error rather than a rounded float.
    let mut text = String::from("a\n");
    for i in 0..200 {
        text.push_str(&format!("{i}\n"));
    }
    text.push_str("9223372036854775808\n");
    let file = TempCsv::new("int-past-late.csv", text.as_bytes());
    let options = CsvOptions { sample_bytes: 100, ..CsvOptions::default() };
    let err = read_csv(file.path(), options).unwrap().compute(&Executor::sequential()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("line 202") && message.contains("\"9223372036854775808\" is not a valid int64"),
        "{message}"
    );
}

#[test]
fn header_names_keep_their_spaces_and_lose_only_a_crlf() {
    // pandas: [' a ', ' b'] and ['a', 'b'].
    let spaced = TempCsv::new("spaced", b" a , b\n1,2\n");
    let frame = read(&spaced, CsvOptions::default());
    assert_eq!(frame.names(), [" a ", " b"]);
    let crlf = TempCsv::new("crlf-header", b"a,b\r\n1,2\r\n");
    assert_eq!(read(&crlf, CsvOptions::default()).names(), ["a", "b"]);
}

#[test]
fn a_file_mixing_line_endings_is_an_error_that_says_so() {
    let mixed = TempCsv::new("mixed-eol", b"ORIGIN_AIRPORT,DEPARTURE_DELAY\nJFK,1\nLGA,2\rEWR,3\n");
    let err = read_csv(mixed.path(), CsvOptions::default())
        .and_then(|f| f.compute(&Executor::sequential()))
        .unwrap_err();
    assert!(err.to_string().contains("mixes line endings") && err.to_string().contains("line 3"), "{err}");
}

#[test]
fn lines_of_spaces_and_tabs_only_are_skipped_as_blank() {
    // pandas: [[1, 2], [3, 4], [5, 6]]; quoted and unquoted paths alike.
    for (name, text) in [
        ("ws-plain", &b"a,b\n1,2\n  \n3,4\n\t \r\n5,6\n   "[..]),
        ("ws-quoted", &b"a,b\n\"1\",2\n  \n3,4\n\t \r\n5,6\n   "[..]),
    ] {
        let file = TempCsv::new(name, text);
        let frame = read(&file, CsvOptions::default());
        assert_eq!(column(&frame, "a"), [Value::Int(1), Value::Int(3), Value::Int(5)], "{name}");
        for blocksize in [1, 3, 7] {
            let parts = read(&file, CsvOptions::default().blocksize(blocksize));
            assert_eq!(
                column(&parts, "b"),
                [Value::Int(2), Value::Int(4), Value::Int(6)],
                "{name} {blocksize}"
            );
        }
    }
}

#[test]
fn a_line_of_delimiters_is_a_row_though_it_is_all_tabs() {
    // pandas 3.1 (`pd.read_csv(path, sep="\t")`): a line of tabs in a
    // tab-separated file is a row of missing values, a line of a space, a
    // tab, a space and a tab a row of two one-space strings and a missing
    // value;
    // only a line of spaces (no delimiter in it) is blank. Before the header
    // too, a line of tabs is not blank: it would be the header.
    let text = b"a\tb\tc\nx\t2\t3\n\t\t\n \t \t\n   \ny\t5\t6\n";
    for (name, text) in [
        ("tabs-plain", &text[..]),
        ("tabs-crlf", &b"a\tb\tc\r\nx\t2\t3\r\n\t\t\r\n \t \t\r\n   \r\ny\t5\t6\r\n"[..]),
    ] {
        let file = TempCsv::new(name, text);
        for blocksize in [1 << 20, 1, 3, 7] {
            let options = CsvOptions { delimiter: b'\t', ..CsvOptions::default() }.blocksize(blocksize);
            let frame = read(&file, options);
            let s = |v: &str| Value::Str(v.to_owned());
            assert_eq!(column(&frame, "a"), [s("x"), Value::Null, s(" "), s("y")], "{name} {blocksize}");
            assert_eq!(column(&frame, "b"), [s("2"), Value::Null, s(" "), s("5")], "{name} {blocksize}");
            assert_eq!(
                column(&frame, "c"),
                [Value::Int(3), Value::Null, Value::Null, Value::Int(6)],
                "{name} {blocksize}"
            );
        }
    }
    // Lines of spaces and tabs are still blank where neither is the delimiter.
    let file = TempCsv::new("tabs-in-commas", b"a,b\n1,2\n\t\t\n \t \n3,4\n");
    assert_eq!(column(&read(&file, CsvOptions::default()), "a"), [Value::Int(1), Value::Int(3)]);
}

#[test]
fn blank_lines_before_the_header_are_skipped() {
    // pandas reads all three as the header a,b and one row.
    for (name, text) in [
        ("blank-first", &b"\n\na,b\n1,2\n"[..]),
        ("spaces-first", &b"   \n\t\r\na,b\n1,2\n"[..]),
        ("bom-blank-first", &b"\xef\xbb\xbf\na,b\n1,2\n"[..]),
    ] {
        let file = TempCsv::new(name, text);
        let frame = read(&file, CsvOptions::default());
        assert_eq!(frame.names(), ["a", "b"], "{name}");
        assert_eq!(column(&frame, "b"), [Value::Int(2)], "{name}");
    }
    // Nothing but blank lines is an empty file.
    let blank = TempCsv::new("only-blank", b"\n  \n");
    assert!(read_csv(blank.path(), CsvOptions::default()).unwrap_err().to_string().contains("empty"));
}

#[test]
fn a_short_row_reads_as_if_its_missing_fields_were_empty() {
    // pandas 3.1 pads a row with fewer fields than the header: NaN in
    // every type, or `""` with keep_default_na=False. Quoted and unquoted
    // files (the fast path with and without quote handling), LF and CRLF,
    // every blocksize, every column and two of them.
    let quoted = "a,b,c,s\n1,2.5,True,x\n3\n4,5.5\n\"6\",\"7.5\",False\n8,9.5,True,\"q,r\"\n10,,\n";
    let plain = quoted.replace('"', "").replace("q,r", "q");
    for (name, text, last) in [("short-quoted", quoted.to_owned(), "q,r"), ("short-plain", plain, "q")] {
        for crlf in [false, true] {
            let text = if crlf { text.replace('\n', "\r\n") } else { text.clone() };
            let file = TempCsv::new(&format!("{name}-{crlf}"), text.as_bytes());
            let s = |v: &str| Value::Str(v.to_owned());
            for blocksize in [1 << 20, 1, 3, 7, 16] {
                let at = format!("{name} crlf {crlf} blocksize {blocksize}");
                let got = read(&file, CsvOptions::default().blocksize(blocksize));
                assert_eq!(dtypes(&got), [DType::Int64, DType::Float64, DType::Bool, DType::Str], "{at}");
                let ints: Vec<Value> = [1, 3, 4, 6, 8, 10].map(Value::Int).into();
                assert_eq!(column(&got, "a"), ints, "{at}");
                let (f, n) = (Value::Float, Value::Null);
                assert_eq!(column(&got, "b"), [f(2.5), n.clone(), f(5.5), f(7.5), f(9.5), n.clone()], "{at}");
                let (t, u) = (Value::Bool(true), Value::Bool(false));
                let c = [t.clone(), n.clone(), n.clone(), u, t, n.clone()];
                assert_eq!(column(&got, "c"), c, "{at}");
                let strs = [s("x"), n.clone(), n.clone(), n.clone(), s(last), n.clone()];
                assert_eq!(column(&got, "s"), strs, "{at}");
                // Only the last two columns: the same values.
                let two = read(&file, CsvOptions::default().blocksize(blocksize).usecols(&["c", "s"]));
                assert_eq!((column(&two, "c"), column(&two, "s")), (c.to_vec(), strs.to_vec()), "{at}");
                // Without the default missing values, a missing field is "".
                let got = read(&file, CsvOptions::default().blocksize(blocksize).keep_default_na(false));
                assert_eq!(dtypes(&got), [DType::Int64, DType::Str, DType::Str, DType::Str], "{at}");
                assert_eq!(column(&got, "b"), [s("2.5"), s(""), s("5.5"), s("7.5"), s("9.5"), s("")], "{at}");
                assert_eq!(column(&got, "s"), [s("x"), s(""), s(""), s(""), s(last), s("")], "{at}");
            }
        }
    }
}

#[test]
fn a_last_line_without_a_line_end_counts_in_type_inference() {
    // pandas 3.1: a file whose last (here only) row has no line end reads
    // its types from that row like any other: c0 text, c1 bool, c2 float.
    for (name, text) in [
        ("last-only", &b"c0,c1,c2\nJFK,false,.5"[..]),
        ("last-second", &b"c0,c1,c2\n1,true,1\nJFK,false,.5"[..]),
        ("last-crlf", &b"c0,c1,c2\r\n1,true,1\r\nJFK,false,.5"[..]),
    ] {
        let file = TempCsv::new(name, text);
        for blocksize in [1 << 20, 5] {
            let got = read(&file, CsvOptions::default().blocksize(blocksize));
            assert_eq!(dtypes(&got), [DType::Str, DType::Bool, DType::Float64], "{name} {blocksize}");
            assert_eq!(column(&got, "c0").last(), Some(&Value::Str("JFK".into())), "{name}");
        }
    }
    // A sample that ends inside the last line still leaves that line out:
    // 12 bytes of "1,true,1\nJFK,fa" hold the first row and part of the
    // second; the inferred types then meet "JFK" when the rows are read.
    let file = TempCsv::new("last-cut", b"c0,c1,c2\n1,true,1\nJFK,false,.5");
    let cut = CsvOptions { sample_bytes: 12, ..CsvOptions::default() };
    let err = read_csv(file.path(), cut).unwrap().compute(&Executor::sequential()).unwrap_err();
    assert!(err.to_string().contains("\"JFK\" is not a valid int64"), "{err}");
    // One byte short of the whole file is still a cut sample; the whole
    // file, to the byte, is not.
    let len = b"1,true,1\nJFK,false,.5".len();
    let short = CsvOptions { sample_bytes: len - 1, ..CsvOptions::default() };
    assert!(read_csv(file.path(), short).unwrap().compute(&Executor::sequential()).is_err());
    let exact = CsvOptions { sample_bytes: len, ..CsvOptions::default() };
    let got = read_csv(file.path(), exact).unwrap().compute(&Executor::sequential()).unwrap();
    assert_eq!(dtypes(&got), [DType::Str, DType::Bool, DType::Float64]);
}

#[test]
fn a_header_alone_reads_as_an_empty_frame_of_text_columns() {
    // pandas 3.1: `a,b` alone (with or without a line end, or followed by
    // blank lines) is an empty frame whose columns are object; an empty
    // name is `Unnamed: i`. Every query on it is empty, not an error.
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    for (name, text) in
        [("header-lf", &b"a,b,\n"[..]), ("header-bare", &b"a,b,"[..]), ("header-blank", &b"a,b,\n\n \n"[..])]
    {
        let file = TempCsv::new(name, text);
        let frame = read_csv(file.path(), CsvOptions::default()).unwrap();
        let got = frame.compute(&exec).unwrap();
        assert_eq!(
            (got.height(), got.names()),
            (0, &["a", "b", "Unnamed: 2"].map(String::from)[..]),
            "{name}"
        );
        assert_eq!(dtypes(&got), [DType::Str; 3], "{name}");
        assert_eq!(frame.len(&exec).unwrap(), 0, "{name}");
        assert_eq!(frame.head(5, &exec).unwrap().height(), 0, "{name}");
        let groups = frame.clone().groupby(&["a"]).size().compute(&exec).unwrap();
        assert_eq!(groups.height(), 0, "{name}");
        assert_eq!(frame.clone().filter(col("a").eq("x")).compute(&exec).unwrap().height(), 0, "{name}");
        assert_eq!(frame.value_counts("b", &exec).unwrap().height(), 0, "{name}");
        // A type set by the user holds.
        let typed = read_csv(file.path(), CsvOptions::default().dtype("b", DType::Float64)).unwrap();
        let means = typed.groupby(&["a"]).mean("b").compute(&exec).unwrap();
        assert_eq!(means.height(), 0, "{name}");
    }
    // In a glob, the types come from the first file with a row.
    let dir = std::env::temp_dir().join(format!("chunked-frame-header-glob-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("0.csv"), "k,v\n").unwrap();
    std::fs::write(dir.join("1.csv"), "k,v\nx,1.5\ny,2\n").unwrap();
    let glob = format!("{}/*.csv", dir.display());
    let got = read_csv(&glob, CsvOptions::default()).unwrap().compute(&exec).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(dtypes(&got), [DType::Str, DType::Float64]);
    assert_eq!(column(&got, "v"), [Value::Float(1.5), Value::Float(2.0)]);
}

#[test]
fn a_variance_that_overflows_is_infinite_in_every_partitioning() {
    // pandas 3.1: a group holding 1e308 among small values has mean
    // 5.263157894736842e306 and an infinite variance and deviation.
    // Partitions of few long rows (1e308 among them) merged with partitions
    // of many short ones overflowed the merged mean's update and made the
    // variance NaN at some blocksizes (40 and 20 here).
    let mut text = String::from("k,v\na,1e308\na,-7.250000000000000000000001\n");
    text.push_str(&"a,1\n".repeat(14));
    text.push_str(&"a,2.000000000000000000000000000001\n".repeat(3));
    let file = TempCsv::new("overflow-var.csv", text.as_bytes());
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    for blocksize in [1 << 20, 50, 40, 30, 20] {
        let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .groupby(&["k"])
            .agg(&[("v", Agg::Var(0)), ("v", Agg::Std(1)), ("v", Agg::Mean)])
            .compute(&exec)
            .unwrap();
        let inf = Value::Float(f64::INFINITY);
        assert_eq!(
            got.row(0)[1..],
            [inf.clone(), inf, Value::Float(5.263157894736842e306)],
            "blocksize {blocksize}"
        );
    }
}

#[test]
fn values_whose_sum_overflows_have_the_variance_of_their_spread() {
    // pandas 3.1: group a = [1e308, 1e308, 1e308] has sum inf, mean inf
    // (numpy's too), and variance and deviation 0 (its running mean never
    // overflows); b = [1e308, -1e308, 1e308] sums to 1e308 (its variance
    // overflows: NaN in pandas, not compared). Here the sum
    // overflows in a partition, and the deviations come from the mean of
    // the values divided first, whole or in partitions.
    let text = "k,v\na,1e308\nb,1e308\na,1e308\nb,-1e308\na,1e308\nb,1e308\n";
    let file = TempCsv::new("overflow-sum.csv", text.as_bytes());
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    for blocksize in [1 << 20, 12, 24] {
        let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .groupby(&["k"])
            .agg(&[("v", Agg::Var(0)), ("v", Agg::Std(1)), ("v", Agg::Sum)])
            .compute(&exec)
            .unwrap();
        let f = Value::Float;
        assert_eq!(got.row(0)[1..], [f(0.0), f(0.0), f(f64::INFINITY)], "blocksize {blocksize}");
        assert_eq!(got.row(1)[3], f(1e308), "blocksize {blocksize}");
    }
}

#[test]
fn a_boolean_listed_in_na_values_is_null_in_a_bool_column() {
    // pandas 3.1: `na_values=["False"]` reads b as [True, NaN, True].
    let file = TempCsv::new("na-bool.csv", b"b,n\nTrue,1\nFalse,2\ntrue,3\n");
    for options in [
        CsvOptions::default().na_values(&["False"]),
        CsvOptions::default().na_values(&["False"]).dtype("b", DType::Bool),
    ] {
        let got = read(&file, options);
        assert_eq!(dtypes(&got)[0], DType::Bool);
        assert_eq!(column(&got, "b"), [Value::Bool(true), Value::Null, Value::Bool(true)]);
    }
}
