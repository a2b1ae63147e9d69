//! Shorthands of [`GroupBy`] for the aggregations that keep values
//! (median, quantiles, `nunique`, first, last) and pandas' dictionary form
//! of several aggregations of several columns.

use crate::frame::{Aggregation, GroupBy};
use crate::groupby::Agg;

impl GroupBy {
    /// Several aggregations of several columns in one pass, as pandas'
    /// `agg({"DELAY": ["mean", "median"], "DISTANCE": ["max"]})`: output
    /// columns in this order, each named `<column>_<aggregation>` (pandas'
    /// two-level column names joined by `_`: `DELAY_mean`, `DELAY_median`,
    /// `DISTANCE_max`; a quantile is `<column>_quantile_<q>`). Every
    /// partition is read once whatever the number of aggregations.
    pub fn agg_each(self, columns: &[(&str, &[Agg])]) -> Aggregation {
        let pairs: Vec<(&str, Agg)> =
            columns.iter().flat_map(|(c, aggs)| aggs.iter().map(move |a| (*c, *a))).collect();
        self.agg(&pairs)
    }

    /// The exact median of a column per group (float64).
    pub fn median(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Median)])
    }

    /// The exact `q` quantile of a column per group, linearly interpolated
    /// as pandas' default (float64).
    pub fn quantile(self, column: &str, q: f64) -> Aggregation {
        self.agg(&[(column, Agg::Quantile(q))])
    }

    /// The number of distinct non-null values of a column per group.
    pub fn nunique(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Nunique)])
    }

    /// The first non-null value of a column per group, in file order.
    pub fn first(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::First)])
    }

    /// The last non-null value of a column per group, in file order.
    pub fn last(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Last)])
    }
}
