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
