//! The means check: equal only when every airport's mean is the same `f64`.

use serde_json::json;

use super::{Means, compare_means, means_of};
use crate::bench::Report;

fn checked(ours: &Means, theirs: &Means) -> serde_json::Value {
    let mut report = Report::default();
    compare_means(&mut report, "pandas", ours, theirs);
    report.to_json(json!({}))["checks"][0].clone()
}

#[test]
fn means_are_equal_only_to_the_last_digit() {
    let ours = means_of(&json!({ "EWR": 11.17081095764465, "JFK": 11.077068062827225 }));
    let same = means_of(&json!({ "JFK": 11.077068062827225, "EWR": 11.17081095764465 }));
    let check = checked(&ours, &same);
    assert_eq!(check["name"], "frame.means_equal_pandas");
    assert_eq!(check["passed"], true);
    assert_eq!(check["detail"]["pandas"]["EWR"], 11.17081095764465);

    let one_ulp = means_of(
        &json!({ "EWR": f64::from_bits(11.17081095764465f64.to_bits() + 1), "JFK": 11.077068062827225 }),
    );
    assert_eq!(checked(&ours, &one_ulp)["passed"], false);
    let fewer = means_of(&json!({ "EWR": 11.17081095764465 }));
    assert_eq!(checked(&ours, &fewer)["passed"], false);
    assert_eq!(checked(&Means::new(), &Means::new())["passed"], false, "no means is no agreement");
    let text = means_of(&json!({ "EWR": "NaN", "JFK": 11.077068062827225 }));
    assert_eq!(checked(&text, &text)["passed"], false, "a NaN equals nothing");
}

mod quoting {
    //! The quoted variant: the string columns in quotes, the same rows.

    use std::path::Path;

    use chunked_frame::{col, read_csv};
    use executors::{Executor, Strategy};

    use super::super::formats::quote_strings;
    use crate::demo_frame::talk_options;

    const HEADER: &str = "YEAR,AIRLINE,TAIL_NUMBER,ORIGIN_AIRPORT,DESTINATION_AIRPORT,DEPARTURE_DELAY,\
                          CANCELLATION_REASON";

    fn quoted(text: &str) -> anyhow::Result<String> {
        let dir = tempfile::TempDir::new()?;
        let (src, dst) = (dir.path().join("in.csv"), dir.path().join("out.csv"));
        std::fs::write(&src, text)?;
        quote_strings(&src, &dst)?;
        Ok(std::fs::read_to_string(&dst)?)
    }

    #[test]
    fn only_the_non_empty_string_fields_are_quoted() {
        let text = format!("{HEADER}\n2015,AA,N1,JFK,LAX,-3.0,\r\n2015,B6,,EWR,BOS,,B\n");
        let want = format!(
            "{HEADER}\n2015,\"AA\",\"N1\",\"JFK\",\"LAX\",-3.0,\n2015,\"B6\",,\"EWR\",\"BOS\",,\"B\"\n"
        );
        assert_eq!(quoted(&text).unwrap(), want);
    }

    #[test]
    fn a_file_already_quoted_or_without_a_string_column_is_refused() {
        let why = quoted(&format!("{HEADER}\n2015,\"AA\",N1,JFK,LAX,1.0,\n")).unwrap_err();
        assert!(format!("{why:#}").contains("already has quotes (row 1)"), "{why:#}");
        let why = quoted("YEAR,AIRLINE\n2015,AA\n").unwrap_err();
        assert!(format!("{why:#}").contains("no column"), "{why:#}");
        assert!(quoted("").is_err());
    }

    #[test]
    fn the_quoted_sample_gives_the_talks_query_the_same_means() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/flights-sample.csv");
        let dir = tempfile::TempDir::new().unwrap();
        let dst = dir.path().join("quoted.csv");
        assert_eq!(quote_strings(&sample, &dst).unwrap(), 2000);
        assert!(std::fs::read_to_string(&dst).unwrap().contains(",\"LGA\",\"DCA\","));
        let exec = Executor::new(Strategy::Pool, 2).unwrap();
        let means = |path: &Path| {
            let frame = read_csv(path.to_str().unwrap(), talk_options(1 << 20)).unwrap();
            let query = frame
                .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
                .groupby(&["ORIGIN_AIRPORT"])
                .mean("DEPARTURE_DELAY");
            format!("{}", query.compute(&exec).unwrap())
        };
        let plain = means(&sample);
        assert!(plain.contains("LGA"), "{plain}");
        assert_eq!(means(&dst), plain);
    }
}

mod join_cell {
    //! The join cell's child: the mean delay per airline name, equal to the
    //! mean per airline code renamed through the airlines table.

    use std::collections::BTreeMap;
    use std::path::Path;

    use chunked_frame::flights::AIRLINE_NAMES;
    use chunked_frame::{Value, read_csv};
    use executors::{Executor, Strategy};

    use super::super::join::{ChildArgs, child};
    use super::super::means_of;
    use crate::demo_frame::talk_options;

    #[test]
    fn the_child_reports_each_airline_names_mean_delay() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/flights-sample.csv");
        let dir = tempfile::TempDir::new().unwrap();
        let airlines = dir.path().join("airlines.csv");
        let mut text = Vec::new();
        chunked_frame::flights::write_airlines(&mut text).unwrap();
        std::fs::write(&airlines, text).unwrap();
        let json = dir.path().join("out.json");
        let args = ChildArgs {
            flights: sample.clone(),
            airlines,
            json: json.clone(),
            workers: 2,
            blocksize: 64 << 20,
        };
        child(args).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert!(doc["seconds"].as_f64().unwrap() > 0.0);
        let got = means_of(&doc["means"]);

        // By code, without the join, then renamed.
        let exec = Executor::new(Strategy::Sequential, 1).unwrap();
        let by_code = read_csv(sample.to_str().unwrap(), talk_options(64 << 20))
            .unwrap()
            .groupby(&["AIRLINE"])
            .mean("DEPARTURE_DELAY")
            .compute(&exec)
            .unwrap();
        let (codes, means) =
            (by_code.column("AIRLINE").unwrap(), by_code.column("DEPARTURE_DELAY_mean").unwrap());
        let mut want = BTreeMap::new();
        for i in 0..codes.len() {
            let code = codes.get(i).to_string();
            let name = AIRLINE_NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| (*n).to_owned());
            let Value::Float(mean) = means.get(i) else { panic!("no mean for {code}") };
            want.insert(name.unwrap_or_else(|| panic!("{code} is not in the airlines table")), mean);
        }
        assert!(want.len() > 3, "{want:?}");
        assert_eq!(got.len(), want.len(), "{got:?} against {want:?}");
        for (name, mean) in &want {
            assert_eq!(got[name].to_bits(), mean.to_bits(), "{name}: {} against {mean}", got[name]);
        }
    }
}
