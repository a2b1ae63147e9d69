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

/// The airlines of the flights, as the real `airlines.csv` names them
/// (`IATA_CODE,AIRLINE`).
pub const AIRLINE_NAMES: [(&str, &str); 14] = [
    ("UA", "United Air Lines Inc."),
    ("AA", "American Airlines Inc."),
    ("US", "US Airways Inc."),
    ("F9", "Frontier Airlines Inc."),
    ("B6", "JetBlue Airways"),
    ("OO", "Skywest Airlines Inc."),
    ("AS", "Alaska Airlines Inc."),
    ("NK", "Spirit Air Lines"),
    ("WN", "Southwest Airlines Co."),
    ("DL", "Delta Air Lines Inc."),
    ("EV", "Atlantic Southeast Airlines"),
    ("HA", "Hawaiian Airlines Inc."),
    ("MQ", "American Eagle Airlines Inc."),
    ("VX", "Virgin America"),
];

/// The hubs as the real `airports.csv` has them: name, city, state,
/// latitude, longitude.
const HUB_DETAILS: [(&str, &str, &str, f64, f64); 30] = [
    ("Hartsfield-Jackson Atlanta International Airport", "Atlanta", "GA", 33.64044, -84.42694),
    ("Chicago O'Hare International Airport", "Chicago", "IL", 41.9796, -87.90446),
    ("Dallas/Fort Worth International Airport", "Dallas-Fort Worth", "TX", 32.89595, -97.0372),
    ("Denver International Airport", "Denver", "CO", 39.85841, -104.667),
    ("Los Angeles International Airport", "Los Angeles", "CA", 33.94254, -118.40807),
    ("San Francisco International Airport", "San Francisco", "CA", 37.619, -122.37484),
    ("Phoenix Sky Harbor International Airport", "Phoenix", "AZ", 33.43417, -112.00806),
    ("George Bush Intercontinental Airport", "Houston", "TX", 29.98047, -95.33972),
    ("McCarran International Airport", "Las Vegas", "NV", 36.08036, -115.15233),
    ("Minneapolis-Saint Paul International Airport", "Minneapolis", "MN", 44.88055, -93.21692),
    ("Orlando International Airport", "Orlando", "FL", 28.42889, -81.31603),
    ("Seattle-Tacoma International Airport", "Seattle", "WA", 47.44898, -122.30931),
    ("Detroit Metropolitan Airport", "Detroit", "MI", 42.21206, -83.34884),
    ("Gen. Edward Lawrence Logan International Airport", "Boston", "MA", 42.36435, -71.00518),
    ("Newark Liberty International Airport", "Newark", "NJ", 40.6925, -74.16866),
    ("Charlotte Douglas International Airport", "Charlotte", "NC", 35.21401, -80.94313),
    ("LaGuardia Airport (Marine Air Terminal)", "New York", "NY", 40.77724, -73.87261),
    ("Salt Lake City International Airport", "Salt Lake City", "UT", 40.78839, -111.97777),
    (
        "John F. Kennedy International Airport (New York International Airport)",
        "New York",
        "NY",
        40.63975,
        -73.77893,
    ),
    ("Baltimore-Washington International Airport", "Baltimore", "MD", 39.1754, -76.6682),
    ("Chicago Midway International Airport", "Chicago", "IL", 41.78598, -87.75242),
    ("Ronald Reagan Washington National Airport", "Arlington", "VA", 38.85208, -77.03772),
    ("Fort Lauderdale-Hollywood International Airport", "Ft. Lauderdale", "FL", 26.07258, -80.15275),
    ("San Diego International Airport (Lindbergh Field)", "San Diego", "CA", 32.73356, -117.18966),
    ("Miami International Airport", "Miami", "FL", 25.79325, -80.29056),
    ("Philadelphia International Airport", "Philadelphia", "PA", 39.87195, -75.24114),
    ("Tampa International Airport", "Tampa", "FL", 27.97547, -82.53325),
    ("Dallas Love Field", "Dallas", "TX", 32.84711, -96.85177),
    ("William P. Hobby Airport", "Houston", "TX", 29.64542, -95.27889),
    ("Nashville International Airport", "Nashville", "TN", 36.12448, -86.67818),
];

/// States given to the generated airports, in turn.
const STATES: [&str; 20] = [
    "AK", "AL", "AR", "IA", "ID", "KS", "KY", "LA", "ME", "MO", "MS", "MT", "ND", "NE", "NM", "OK", "OR",
    "SD", "WI", "WY",
];

/// Writes the airlines table of the real dataset's `airlines.csv`
/// (`IATA_CODE,AIRLINE`): the 14 airlines of the flights.
pub fn write_airlines(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "IATA_CODE,AIRLINE")?;
    for (code, name) in AIRLINE_NAMES {
        writeln!(out, "{code},{name}")?;
    }
    Ok(())
}

/// Writes the airports table with the columns of the real dataset's
/// `airports.csv` (`IATA_CODE,AIRPORT,CITY,STATE,COUNTRY,LATITUDE,LONGITUDE`):
/// the 322 airports of the flights, the hubs as the real file has them,
/// the others with generated names, states and coordinates. As in the
/// real file, the last three have no coordinates, and October's numeric
/// airport ids are not in it (a join on them finds nothing).
pub fn write_airports(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "IATA_CODE,AIRPORT,CITY,STATE,COUNTRY,LATITUDE,LONGITUDE")?;
    let airports = airports();
    for (i, code) in airports.iter().enumerate() {
        match HUB_DETAILS.get(i) {
            Some((name, city, state, lat, lon)) => {
                writeln!(out, "{code},{name},{city},{state},USA,{lat},{lon}")?;
            }
            None if i + 3 >= airports.len() => {
                writeln!(
                    out,
                    "{code},{code} Regional Airport,{code} City,{},USA,,",
                    STATES[i % STATES.len()]
                )?;
            }
            None => {
                // Deterministic coordinates within the contiguous states.
                // `as`: i is below 322.
                let (lat, lon) = (25.0 + (i * 37 % 240) as f64 / 10.0, -124.0 + (i * 53 % 560) as f64 / 10.0);
                writeln!(
                    out,
                    "{code},{code} Regional Airport,{code} City,{},USA,{lat:.5},{lon:.5}",
                    STATES[i % STATES.len()]
                )?;
            }
        }
    }
    Ok(())
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
