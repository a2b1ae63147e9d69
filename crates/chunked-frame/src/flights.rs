//! A synthetic stand-in for the USDOT 2015 flights file the talk reads
//! (Kaggle's `flights.csv`): the same 31 columns, deterministic from a seed,
//! with the real file's quirks: empty fields for cancelled and diverted
//! flights, the five delay-cause columns empty unless the arrival was 15
//! minutes late or more, times as HHMM with leading zeros (actual times as
//! floats, `0015.0`, as in the real file), and October's airports given as
//! five-digit numeric ids instead of codes.

use std::fmt::Write as _;
use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Rows in the real file.
pub const REAL_ROWS: u64 = 5_819_079;

/// The header, the real file's column names.
pub const COLUMNS: [&str; 31] = [
    "YEAR",
    "MONTH",
    "DAY",
    "DAY_OF_WEEK",
    "AIRLINE",
    "FLIGHT_NUMBER",
    "TAIL_NUMBER",
    "ORIGIN_AIRPORT",
    "DESTINATION_AIRPORT",
    "SCHEDULED_DEPARTURE",
    "DEPARTURE_TIME",
    "DEPARTURE_DELAY",
    "TAXI_OUT",
    "WHEELS_OFF",
    "SCHEDULED_TIME",
    "ELAPSED_TIME",
    "AIR_TIME",
    "DISTANCE",
    "WHEELS_ON",
    "TAXI_IN",
    "SCHEDULED_ARRIVAL",
    "ARRIVAL_TIME",
    "ARRIVAL_DELAY",
    "DIVERTED",
    "CANCELLED",
    "CANCELLATION_REASON",
    "AIR_SYSTEM_DELAY",
    "SECURITY_DELAY",
    "AIRLINE_DELAY",
    "LATE_AIRCRAFT_DELAY",
    "WEATHER_DELAY",
];

const AIRLINES: [&str; 14] =
    ["WN", "DL", "AA", "OO", "EV", "UA", "MQ", "B6", "US", "AS", "NK", "F9", "HA", "VX"];

/// Busy airports first (they get more flights); the three New York
/// airports the talk filters on are among them.
const HUBS: [&str; 30] = [
    "ATL", "ORD", "DFW", "DEN", "LAX", "SFO", "PHX", "IAH", "LAS", "MSP", "MCO", "SEA", "DTW", "BOS", "EWR",
    "CLT", "LGA", "SLC", "JFK", "BWI", "MDW", "DCA", "FLL", "SAN", "MIA", "PHL", "TPA", "DAL", "HOU", "BNA",
];

const DAYS_IN_MONTH: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// The airports: the hubs, then generated three-letter codes, 322 in all.
fn airports() -> Vec<String> {
    let mut out: Vec<String> = HUBS.iter().map(|s| (*s).to_owned()).collect();
    let mut k = 0u32;
    while out.len() < 322 {
        let code: String = [b'A' + (k / 676 % 26) as u8, b'B' + (k / 26 % 25) as u8, b'C' + (k % 24) as u8]
            .iter()
            .map(|&b| b as char)
            .collect();
        if !out.contains(&code) {
            out.push(code);
        }
        k += 7;
    }
    out
}

/// Writes `rows` synthetic flights to `out`, deterministically from `seed`.
pub fn write_synthetic(out: &mut dyn Write, rows: u64, seed: u64) -> std::io::Result<()> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let airports = airports();
    let n_air = airports.len();
    // Numeric October ids: five digits, fixed per airport.
    let ids: Vec<u32> = (0..n_air as u32).map(|i| 10135 + i * 97 % 89_000).collect();
    let pick_airport = |rng: &mut Pcg64Mcg| -> usize {
        // Hubs get half of all flights.
        if rng.random::<f64>() < 0.5 { rng.random_range(0..HUBS.len()) } else { rng.random_range(0..n_air) }
    };
    let mut line = String::with_capacity(256);
    writeln!(out, "{}", COLUMNS.join(","))?;
    for i in 0..rows {
        line.clear();
        let day_of_year = (i * 365 / rows.max(1)) as u32;
        let (mut month, mut day) = (0usize, day_of_year);
        while day >= DAYS_IN_MONTH[month] {
            day -= DAYS_IN_MONTH[month];
            month += 1;
        }
        let (month, day) = (month as u32 + 1, day + 1);
        let day_of_week = (day_of_year + 3) % 7 + 1; // 2015-01-01 was a Thursday
        let airline = AIRLINES[rng.random_range(0..AIRLINES.len())];
        let flight: u32 = rng.random_range(1..7000);
        let (o, mut d) = (pick_airport(&mut rng), pick_airport(&mut rng));
        if d == o {
            d = (d + 1) % n_air;
        }
        let name = |a: usize| if month == 10 { ids[a].to_string() } else { airports[a].clone() };
        let tail = if rng.random::<f64>() < 0.0025 {
            String::new()
        } else {
            format!(
                "N{}{}{}",
                rng.random_range(100..9999),
                (b'A' + rng.random_range(0..26u8)) as char,
                (b'A' + rng.random_range(0..26u8)) as char
            )
        };
        let sched_dep = rng.random_range(5..1439u32); // minutes after midnight
        let sched_time = rng.random_range(45..420u32);
        let distance = sched_time * 8 - rng.random_range(0..60);
        let sched_arr = (sched_dep + sched_time) % 1440;
        let cancelled = rng.random::<f64>() < 0.0154;
        let diverted = !cancelled && rng.random::<f64>() < 0.0026;
        let _ = write!(
            line,
            "2015,{month},{day},{day_of_week},{airline},{flight},{tail},{},{},{},",
            name(o),
            name(d),
            hhmm(sched_dep)
        );
        if cancelled {
            // Never left: departure and arrival fields are empty.
            let reason = ["A", "B", "C", "D"][rng.random_range(0..4)];
            let _ = write!(line, ",,,,{sched_time},,,{distance},,,{},,,0,1,{reason},,,,,", hhmm(sched_arr));
        } else {
            let delay: i32 = if rng.random::<f64>() < 0.62 {
                rng.random_range(-15..6)
            } else {
                (-(rng.random::<f64>().max(1e-12)).ln() * 38.0) as i32
            };
            let dep = (sched_dep as i32 + delay).rem_euclid(1440) as u32;
            let taxi_out = rng.random_range(5..45u32);
            let wheels_off = (dep + taxi_out) % 1440;
            let air = sched_time.saturating_sub(25).max(20) as i32 + rng.random_range(-15..15);
            let taxi_in = rng.random_range(2..25u32);
            let elapsed = taxi_out as i32 + air + taxi_in as i32;
            let wheels_on = (wheels_off + air as u32) % 1440;
            let arr = (wheels_on + taxi_in) % 1440;
            let arr_delay = delay + elapsed - sched_time as i32;
            let _ =
                write!(line, "{}.0,{delay}.0,{taxi_out}.0,{}.0,{sched_time},", hhmm(dep), hhmm(wheels_off));
            if diverted {
                let _ = write!(line, ",,{distance},,,{},,,1,0,,,,,,", hhmm(sched_arr));
            } else {
                let _ = write!(
                    line,
                    "{elapsed}.0,{air}.0,{distance},{}.0,{taxi_in}.0,{},{}.0,{arr_delay}.0,0,0,,",
                    hhmm(wheels_on),
                    hhmm(sched_arr),
                    hhmm(arr)
                );
                if arr_delay >= 15 {
                    // Split the delay among the five causes.
                    let mut left = arr_delay;
                    let mut parts = [0i32; 5];
                    for p in parts.iter_mut().take(4) {
                        *p = rng.random_range(0..=left);
                        left -= *p;
                    }
                    parts[4] = left;
                    let _ = write!(line, "{},{},{},{},{}", parts[0], parts[1], parts[2], parts[3], parts[4]);
                } else {
                    line.push_str(",,,,");
                }
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Minutes after midnight as HHMM with leading zeros.
fn hhmm(minutes: u32) -> String {
    format!("{:02}{:02}", minutes / 60, minutes % 60)
}
