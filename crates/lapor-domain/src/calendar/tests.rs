//! Hand-computed deadlines around real holidays, then exhaustive checks over 2020–2027 against
//! a naive day-by-day oracle built straight from the holiday list.

use std::collections::HashSet;

use chrono::{NaiveDateTime, Timelike, Weekday};

use super::*;
use crate::region::regions;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid test date")
}

/// A UTC instant written `YYYY-MM-DD HH:MM`.
fn utc(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("valid test instant")
        .and_utc()
}

/// A wall-clock time `YYYY-MM-DD HH:MM` in `zone`, as a UTC instant.
fn at(s: &str, zone: Zone) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .expect("valid test instant")
        .and_local_timezone(zone.offset())
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc)
}

/// Local midnight starting `date`, as a UTC instant.
fn midnight(date: NaiveDate, zone: Zone) -> DateTime<Utc> {
    let offset = TimeDelta::seconds(i64::from(zone.offset().local_minus_utc()));
    (date.and_time(NaiveTime::MIN) - offset).and_utc()
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |day| *day <= to)
}

fn data_years() -> impl Iterator<Item = NaiveDate> {
    days(d("2020-01-01"), d("2027-12-31"))
}

const SECOND: TimeDelta = TimeDelta::seconds(1);

/// The working days of 2019-06 … 2029-06 computed naively from the holiday list: the oracle.
struct Oracle {
    working: Vec<NaiveDate>,
}

impl Oracle {
    fn new(cuti_bersama_stops_clock: bool, extra: &[Holiday]) -> Oracle {
        let closed: HashSet<NaiveDate> = national_holidays()
            .iter()
            .chain(extra)
            .filter(|h| cuti_bersama_stops_clock || h.kind != HolidayKind::CutiBersama)
            .map(|h| h.date)
            .collect();
        let working = days(d("2019-06-01"), d("2029-06-30"))
            .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
            .filter(|day| !closed.contains(day))
            .collect();
        Oracle { working }
    }

    fn is_working(&self, day: NaiveDate) -> bool {
        self.working.binary_search(&day).is_ok()
    }

    /// Working days in `(from, to]`.
    fn between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let through = |x: NaiveDate| self.working.partition_point(|w| *w <= x);
        u32::try_from(through(to).saturating_sub(through(from))).expect("small")
    }

    /// The `n`-th working day after `from` (`n >= 1`).
    fn nth_after(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let first = self.working.partition_point(|w| *w <= from);
        self.working[first + n as usize - 1]
    }
}

// ---------------------------------------------------------------- zones

#[test]
fn zone_offsets_and_codes() {
    assert_eq!(Zone::Wib.offset().local_minus_utc(), 7 * 3600);
    assert_eq!(Zone::Wita.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(Zone::Wit.offset().local_minus_utc(), 9 * 3600);
    for zone in Zone::ALL {
        assert_eq!(Zone::from_code(zone.code()), Some(zone));
        assert_eq!(zone.to_string(), zone.code());
    }
    assert_eq!(Zone::from_code(" wita "), Some(Zone::Wita));
    assert_eq!(Zone::from_code("WI"), None);
    assert_eq!(Zone::from_code("UTC"), None);
}

#[test]
fn zone_serializes_as_its_code() {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};

    let de: StrDeserializer<'_, Error> = "WITA".into_deserializer();
    assert_eq!(Zone::deserialize(de).expect("known code"), Zone::Wita);
    let de: StrDeserializer<'_, Error> = "Wita".into_deserializer();
    assert!(Zone::deserialize(de).is_err());
}

#[test]
fn zone_of_real_regions() {
    for (code, zone) in [
        ("11.71", Zone::Wib),         // Kota Banda Aceh
        ("31.71", Zone::Wib),         // Kota Jakarta Pusat
        ("61.71", Zone::Wib),         // Kota Pontianak (Kalbar)
        ("62", Zone::Wib),            // Kalimantan Tengah
        ("62.71.01.1001", Zone::Wib), // Kel. Pahandut, Palangka Raya
        ("51", Zone::Wita),           // Bali
        ("51.71", Zone::Wita),        // Kota Denpasar
        ("53.71", Zone::Wita),        // Kota Kupang (NTT)
        ("63.71", Zone::Wita),        // Kota Banjarmasin (Kalsel)
        ("64.72", Zone::Wita),        // Kota Samarinda (Kaltim)
        ("65", Zone::Wita),           // Kalimantan Utara
        ("73.71", Zone::Wita),        // Kota Makassar
        ("76", Zone::Wita),           // Sulawesi Barat
        ("81.71", Zone::Wit),         // Kota Ambon
        ("82", Zone::Wit),            // Maluku Utara
        ("91.71", Zone::Wit),         // Kota Jayapura
        ("94", Zone::Wit),            // Papua Tengah
        ("96", Zone::Wit),            // Papua Barat Daya
    ] {
        let region = RegionCode::parse(code).expect("valid code");
        assert!(regions().get(&region).is_some(), "{code} is a real region");
        assert_eq!(Zone::of_region(&region), zone, "{code}");
    }
    // Every province in the table: Sumatra and Java (1x–3x) WIB, Bali–Nusa Tenggara (5x) and
    // Sulawesi (7x) WITA, Maluku and Papua (8x, 9x) WIT; Kalimantan (6x) is split.
    for province in regions().children(None) {
        let zone = Zone::of_region(province.code());
        let first = province.code().as_str().as_bytes()[0];
        let p = province.code().as_str();
        match (first, zone) {
            (b'1'..=b'3', Zone::Wib) | (b'8' | b'9', Zone::Wit) | (b'5' | b'7', Zone::Wita) => {}
            (b'6', Zone::Wib) => assert!(p == "61" || p == "62", "{p}"),
            (b'6', Zone::Wita) => assert!(matches!(p, "63" | "64" | "65"), "{p}"),
            _ => panic!("province {p} mapped to {zone}"),
        }
    }
}

#[test]
fn local_date_of_one_instant_differs_by_zone() {
    // Thursday 23:30 WIB is already Friday in WITA and WIT.
    let instant = utc("2025-10-09 16:30");
    assert_eq!(instant, at("2025-10-09 23:30", Zone::Wib));
    assert_eq!(Calendar::local_date(instant, Zone::Wib), d("2025-10-09"));
    assert_eq!(Calendar::local_date(instant, Zone::Wita), d("2025-10-10"));
    assert_eq!(Calendar::local_date(instant, Zone::Wit), d("2025-10-10"));
    // The boundary: local midnight belongs to the new day.
    let wib_midnight = utc("2025-10-09 17:00");
    assert_eq!(
        Calendar::local_date(wib_midnight, Zone::Wib),
        d("2025-10-10")
    );
    assert_eq!(
        Calendar::local_date(wib_midnight - SECOND, Zone::Wib),
        d("2025-10-09")
    );
}

// ---------------------------------------------------------------- working days

#[test]
fn idul_fitri_2026_week_is_closed() {
    let cal = Calendar::indonesia();
    let open: Vec<bool> = days(d("2026-03-16"), d("2026-03-27"))
        .map(|day| cal.is_working_day(day))
        .collect();
    // Mon 16, Tue 17 open; 18 cuti Nyepi, 19 Nyepi, 20 cuti, 21–22 Idul Fitri (weekend),
    // 23–24 cuti; Wed 25 … Fri 27 open.
    assert_eq!(
        open,
        [
            true, true, false, false, false, false, false, false, false, true, true, true
        ]
    );
}

#[test]
fn is_working_day_matches_the_holiday_list_every_day() {
    for stops in [true, false] {
        let cal = Calendar::new([], stops);
        let oracle = Oracle::new(stops, &[]);
        for day in days(d("2019-06-01"), d("2029-06-30")) {
            assert_eq!(
                cal.is_working_day(day),
                oracle.is_working(day),
                "{day} cuti_bersama_stops_clock={stops}"
            );
        }
        assert_eq!(cal.cuti_bersama_stops_clock(), stops);
    }
}

#[test]
fn working_days_between_matches_a_day_by_day_count() {
    let cal = Calendar::indonesia();
    let oracle = Oracle::new(true, &[]);
    for from in days(d("2019-12-01"), d("2028-01-31")) {
        for span in -3..=45 {
            let to = from + TimeDelta::days(span);
            assert_eq!(
                cal.working_days_between(from, to),
                oracle.between(from, to),
                "({from}, {to}]"
            );
        }
    }
    assert_eq!(
        cal.working_days_between(d("2019-06-01"), d("2029-06-30")),
        oracle.between(d("2019-06-01"), d("2029-06-30"))
    );
    // 2025: 261 weekdays, 13 of the 17 libur nasional and all 11 cuti bersama fall on weekdays.
    assert_eq!(
        cal.working_days_between(d("2024-12-31"), d("2025-12-31")),
        261 - 13 - 11
    );
}

#[test]
fn weekday_arithmetic_holds_far_from_the_data() {
    // Outside the data only weekends are closed; check the closed form against a plain loop.
    let cal = Calendar::indonesia();
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    for (from, to) in [
        (ymd(1900, 1, 1), ymd(1901, 3, 7)),
        (ymd(1, 1, 1), ymd(1, 12, 31)),
        (ymd(-3, 2, 27), ymd(2, 3, 1)),
        (ymd(2099, 12, 25), ymd(2101, 1, 9)),
    ] {
        for end in days(from, to) {
            let weekdays = days(from, end).skip(1).filter(|x| is_weekday(*x)).count();
            assert_eq!(
                cal.working_days_between(from, end) as usize,
                weekdays,
                "({from}, {end}]"
            );
        }
    }
}

// ---------------------------------------------------------------- due: hand-computed

#[test]
fn due_across_idul_fitri_2026() {
    let cal = Calendar::indonesia();
    // Filed Tue 17 March: the next working days are 25, 26, 27, 30, 31 March.
    let filed = at("2026-03-17 10:00", Zone::Wib);
    assert_eq!(
        cal.due(filed, 1, Zone::Wib),
        at("2026-03-26 00:00", Zone::Wib)
    );
    assert_eq!(cal.due(filed, 5, Zone::Wib), utc("2026-03-31 17:00"));
    // Filed on Idul Fitri itself (a Saturday): the first working day is still 25 March.
    let on_holiday = at("2026-03-21 09:00", Zone::Wib);
    assert_eq!(cal.due(on_holiday, 1, Zone::Wib), utc("2026-03-25 17:00"));
    assert_eq!(cal.due(on_holiday, 0, Zone::Wib), utc("2026-03-21 17:00"));
}

#[test]
fn due_across_christmas_and_new_year_2025_26() {
    let cal = Calendar::indonesia();
    // Filed Wed 24 Dec: 25 Natal, 26 cuti, 27–28 weekend, 29, 30, 31, 1 Jan Tahun Baru, 2, 5.
    let filed = at("2025-12-24 09:00", Zone::Wib);
    for (n, due) in [
        (1, "2025-12-29 17:00"),
        (3, "2025-12-31 17:00"),
        (4, "2026-01-02 17:00"),
        (5, "2026-01-05 17:00"),
    ] {
        assert_eq!(cal.due(filed, n, Zone::Wib), utc(due), "n = {n}");
    }
}

#[test]
fn due_across_nyepi() {
    let cal = Calendar::indonesia();
    // Bali, Thu 27 March 2025: 28 cuti Nyepi, 29 Nyepi (Sat), 31 and 1 Apr Idul Fitri,
    // 2–4 and 7 April cuti bersama. The first working day is Tue 8 April.
    let filed = at("2025-03-27 14:00", Zone::Wita);
    assert_eq!(cal.due(filed, 1, Zone::Wita), utc("2025-04-08 16:00"));
    assert_eq!(cal.due(filed, 3, Zone::Wita), utc("2025-04-10 16:00"));
    // Fri 8 March 2024, Jakarta: Mon 11 Nyepi, Tue 12 cuti, so one day is due Wed 13.
    let filed = at("2024-03-08 10:00", Zone::Wib);
    assert_eq!(cal.due(filed, 1, Zone::Wib), utc("2024-03-13 17:00"));
}

#[test]
fn due_from_a_saturday_or_a_holiday() {
    let cal = Calendar::indonesia();
    let saturday = at("2025-10-11 10:00", Zone::Wib);
    assert_eq!(cal.due(saturday, 0, Zone::Wib), utc("2025-10-11 17:00"));
    assert_eq!(cal.due(saturday, 1, Zone::Wib), utc("2025-10-13 17:00"));
    // Independence Day 2026 is a Monday. Filing on Friday, Sunday or the holiday itself gives
    // the same deadline, since the filing day never counts.
    for filed in ["2026-08-14 08:00", "2026-08-16 12:00", "2026-08-17 10:00"] {
        assert_eq!(
            cal.due(at(filed, Zone::Wib), 2, Zone::Wib),
            utc("2026-08-19 17:00"),
            "{filed}"
        );
    }
}

#[test]
fn due_depends_on_the_local_date_of_the_filing() {
    let cal = Calendar::indonesia();
    // Friday 23:30 WIB is Friday 16:30 UTC; Saturday 00:30 WIB is still Friday in UTC.
    let friday_night = at("2025-10-10 23:30", Zone::Wib);
    let saturday_early = at("2025-10-11 00:30", Zone::Wib);
    assert_eq!(friday_night, utc("2025-10-10 16:30"));
    assert_eq!(saturday_early, utc("2025-10-10 17:30"));
    // Neither Friday nor Saturday counts, so one working day is Monday either way…
    assert_eq!(cal.due(friday_night, 1, Zone::Wib), utc("2025-10-13 17:00"));
    assert_eq!(
        cal.due(saturday_early, 1, Zone::Wib),
        utc("2025-10-13 17:00")
    );
    // …but the day of filing differs.
    assert_eq!(cal.due(friday_night, 0, Zone::Wib), utc("2025-10-10 17:00"));
    assert_eq!(
        cal.due(saturday_early, 0, Zone::Wib),
        utc("2025-10-11 17:00")
    );
    // One hour later on a Thursday night moves the deadline from Friday to Monday.
    let thursday_night = at("2025-10-09 23:30", Zone::Wib);
    let friday_early = at("2025-10-10 00:30", Zone::Wib);
    assert_eq!(
        cal.due(thursday_night, 1, Zone::Wib),
        utc("2025-10-10 17:00")
    );
    assert_eq!(cal.due(friday_early, 1, Zone::Wib), utc("2025-10-13 17:00"));
}

#[test]
fn same_instant_in_different_zones() {
    let cal = Calendar::indonesia();
    // Thursday 23:30 WIB = Friday 00:30 WITA = Friday 01:30 WIT.
    let instant = utc("2025-10-09 16:30");
    assert_eq!(
        cal.due(instant, 1, Zone::Wib),
        at("2025-10-11 00:00", Zone::Wib)
    );
    assert_eq!(
        cal.due(instant, 1, Zone::Wita),
        at("2025-10-14 00:00", Zone::Wita)
    );
    assert_eq!(
        cal.due(instant, 1, Zone::Wit),
        at("2025-10-14 00:00", Zone::Wit)
    );
    assert_eq!(cal.due(instant, 1, Zone::Wit), utc("2025-10-13 15:00"));
}

#[test]
fn cuti_bersama_setting_changes_the_deadline() {
    let with_cuti = Calendar::indonesia();
    let without_cuti = Calendar::new([], false);
    // 26 Dec 2025 is cuti bersama Natal.
    assert!(!with_cuti.is_working_day(d("2025-12-26")));
    assert!(without_cuti.is_working_day(d("2025-12-26")));
    assert!(
        !without_cuti.is_working_day(d("2025-12-25")),
        "Natal itself"
    );
    let filed = at("2025-12-24 09:00", Zone::Wib);
    assert_eq!(with_cuti.due(filed, 1, Zone::Wib), utc("2025-12-29 17:00"));
    assert_eq!(
        without_cuti.due(filed, 1, Zone::Wib),
        utc("2025-12-26 17:00")
    );
    // Idul Fitri 2026 without cuti: 18, 20, 23, 24, 25 March are working days; Nyepi is not.
    let filed = at("2026-03-17 10:00", Zone::Wib);
    assert_eq!(
        without_cuti.due(filed, 2, Zone::Wib),
        utc("2026-03-20 17:00")
    );
    assert_eq!(
        without_cuti.due(filed, 5, Zone::Wib),
        utc("2026-03-25 17:00")
    );
    assert_eq!(with_cuti.due(filed, 5, Zone::Wib), utc("2026-03-31 17:00"));
    // The setting applies to imported cuti bersama too.
    let imported = || {
        [Holiday {
            date: d("2028-01-03"),
            name: "Cuti Bersama (contoh)".into(),
            kind: HolidayKind::CutiBersama,
        }]
    };
    assert!(!Calendar::new(imported(), true).is_working_day(d("2028-01-03")));
    assert!(Calendar::new(imported(), false).is_working_day(d("2028-01-03")));
}

#[test]
fn regional_holiday_shifts_the_deadline() {
    let galungan = Holiday {
        date: d("2025-11-19"),
        name: "Hari Raya Galungan".into(),
        kind: HolidayKind::Daerah,
    };
    let national = Calendar::indonesia();
    let bali = Calendar::new([galungan.clone()], true);
    let filed = at("2025-11-18 10:00", Zone::Wita);
    assert_eq!(national.due(filed, 1, Zone::Wita), utc("2025-11-19 16:00"));
    assert_eq!(bali.due(filed, 1, Zone::Wita), utc("2025-11-20 16:00"));
    // Regional holidays stop the clock whatever the cuti bersama setting.
    let bali_no_cuti = Calendar::new([galungan], false);
    assert_eq!(
        bali_no_cuti.due(filed, 1, Zone::Wita),
        utc("2025-11-20 16:00")
    );
    // A weekend regional holiday or one repeating a national date changes nothing.
    let repeats = Calendar::new(
        [
            Holiday {
                date: d("2025-11-22"),
                name: "Sabtu".into(),
                kind: HolidayKind::Daerah,
            },
            Holiday {
                date: d("2025-12-25"),
                name: "Natal".into(),
                kind: HolidayKind::Daerah,
            },
        ],
        true,
    );
    for day in data_years() {
        assert_eq!(
            repeats.is_working_day(day),
            national.is_working_day(day),
            "{day}"
        );
    }
}

#[test]
fn covers_the_years_with_national_data() {
    let cal = Calendar::indonesia();
    for year in 2020..=2027 {
        assert!(cal.covers(year), "{year}");
    }
    assert!(!cal.covers(2019));
    assert!(!cal.covers(2028));
    let imported = Calendar::new(
        [
            Holiday {
                date: d("2028-01-01"),
                name: "Tahun Baru Masehi".into(),
                kind: HolidayKind::LiburNasional,
            },
            Holiday {
                date: d("2029-07-17"),
                name: "Hari Jadi (contoh)".into(),
                kind: HolidayKind::Daerah,
            },
        ],
        true,
    );
    assert!(imported.covers(2028));
    assert!(
        !imported.covers(2029),
        "regional holidays alone are not data"
    );
}

// ---------------------------------------------------------------- due: exhaustive

#[test]
fn due_properties_for_every_start_day() {
    for stops in [true, false] {
        let cal = Calendar::new([], stops);
        let oracle = Oracle::new(stops, &[]);
        for (i, day) in data_years().enumerate() {
            let zone = Zone::ALL[i % 3];
            // The first and the last second of the local day.
            for time in [0, 24 * 3600 - 1] {
                let start = midnight(day, zone) + TimeDelta::seconds(time);
                let mut previous = None;
                for n in 0..=30 {
                    let due = cal.due(start, n, zone);
                    // (start day, start time, zone, n, cuti bersama setting), formatted only on failure.
                    let ctx = (day, time, zone, n, stops);
                    let due_date = Calendar::local_date(due - SECOND, zone);
                    let expected = if n == 0 {
                        day
                    } else {
                        oracle.nth_after(day, n)
                    };
                    assert_eq!(due_date, expected, "{ctx:?}");
                    assert_eq!(
                        due,
                        midnight(expected + TimeDelta::days(1), zone),
                        "{ctx:?}"
                    );
                    assert_eq!(due.with_timezone(&zone.offset()).hour(), 0, "{ctx:?}");
                    assert!(due > start, "{ctx:?}");
                    assert!(n == 0 || cal.is_working_day(due_date), "{ctx:?}");
                    assert_eq!(cal.working_days_between(day, due_date), n, "{ctx:?}");
                    assert!(previous.is_none_or(|p| due > p), "{ctx:?}: monotonic");
                    assert_eq!(
                        cal.working_days_left(start, due, zone),
                        i64::from(n),
                        "{ctx:?}"
                    );
                    assert_eq!(cal.working_days_left(due - SECOND, due, zone), 0, "{ctx:?}");
                    assert_eq!(cal.working_days_left(due, due, zone), -1, "{ctx:?}");
                    assert_eq!(
                        cal.due_with_pauses(start, n, &[], zone),
                        Some(due),
                        "{ctx:?}"
                    );
                    previous = Some(due);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- working days left

#[test]
fn working_days_left_counts_down_and_then_up() {
    let cal = Calendar::indonesia();
    // Due at the end of Friday 10 October 2025 (WIB).
    let due = utc("2025-10-10 17:00");
    for (now, left) in [
        ("2025-10-08 09:00", 2),
        ("2025-10-09 09:00", 1),
        ("2025-10-10 00:00", 0),
        ("2025-10-10 23:59", 0),
        ("2025-10-11 00:00", -1), // the due instant itself
        ("2025-10-12 20:00", -1), // weekend after due: still overdue
        ("2025-10-13 08:00", -1),
        ("2025-10-14 08:00", -2),
        ("2025-10-20 08:00", -6),
    ] {
        assert_eq!(
            cal.working_days_left(at(now, Zone::Wib), due, Zone::Wib),
            left,
            "{now}"
        );
    }
    // Over the Christmas break: due end of Wed 24 Dec 2025.
    let due = utc("2025-12-24 17:00");
    assert_eq!(
        cal.working_days_left(at("2025-12-22 09:00", Zone::Wib), due, Zone::Wib),
        2
    );
    for now in ["2025-12-25 09:00", "2025-12-28 09:00", "2025-12-29 09:00"] {
        assert_eq!(
            cal.working_days_left(at(now, Zone::Wib), due, Zone::Wib),
            -1,
            "{now}"
        );
    }
    assert_eq!(
        cal.working_days_left(at("2026-01-02 09:00", Zone::Wib), due, Zone::Wib),
        -4
    );
    // Long overdue costs no more than recently overdue (closed form).
    let years_late = cal.working_days_left(utc("2027-12-31 00:00"), due, Zone::Wib);
    assert_eq!(
        years_late,
        -i64::from(cal.working_days_between(d("2025-12-24"), d("2027-12-31")))
    );
}

#[test]
fn working_days_left_is_monotonic_and_flips_sign_at_due() {
    let cal = Calendar::indonesia();
    let oracle = Oracle::new(true, &[]);
    for (i, start_day) in data_years().enumerate().step_by(3) {
        let zone = Zone::ALL[i % 3];
        let start = at(&format!("{start_day} 10:00"), zone);
        let due = cal.due(start, 5, zone);
        let due_date = Calendar::local_date(due - SECOND, zone);
        let mut previous = i64::MAX;
        for offset in -15..=15 {
            let day = due_date + TimeDelta::days(offset);
            for time in ["00:00", "13:00", "23:59"] {
                let now = at(&format!("{day} {time}"), zone);
                let left = cal.working_days_left(now, due, zone);
                let ctx = (due_date, zone, day, time);
                assert!(left <= previous, "{ctx:?}: monotonic");
                assert_eq!(left < 0, now >= due, "{ctx:?}: sign");
                let expected = if now < due {
                    i64::from(oracle.between(day, due_date))
                } else {
                    -i64::from(oracle.between(due_date, day).max(1))
                };
                assert_eq!(left, expected, "{ctx:?}");
                previous = left;
            }
        }
    }
}

// ---------------------------------------------------------------- pauses

fn pause(from: &str, until: &str) -> Pause {
    Pause {
        from: at(from, Zone::Wib),
        until: Some(at(until, Zone::Wib)),
    }
}

#[test]
fn pauses_hand_computed() {
    let cal = Calendar::indonesia();
    let wib = Zone::Wib;
    // Filed Mon 6 Oct 2025: five working days end on Mon 13 Oct.
    let filed = at("2025-10-06 09:00", wib);
    let plain = utc("2025-10-13 17:00");
    let due = |pauses: &[Pause]| cal.due_with_pauses(filed, 5, pauses, wib);
    assert_eq!(cal.due(filed, 5, wib), plain);
    assert_eq!(due(&[]), Some(plain));

    // Mon 10:00 → Thu 10:00 removes Tue, Wed, Thu: three working days later.
    let mon_thu = pause("2025-10-06 10:00", "2025-10-09 10:00");
    assert_eq!(due(&[mon_thu]), Some(utc("2025-10-16 17:00")));
    assert_eq!(due(&[mon_thu]), Some(cal.due(filed, 8, wib)));
    // A pause starting on the filing day is a re-filing when it ends.
    assert_eq!(
        due(&[mon_thu]),
        Some(cal.due(at("2025-10-09 10:00", wib), 5, wib))
    );

    // Overlapping pauses (in any order, even repeated) remove the union of their days.
    let mon_wed = pause("2025-10-06 10:00", "2025-10-08 10:00");
    let tue_thu = pause("2025-10-07 10:00", "2025-10-09 10:00");
    assert_eq!(due(&[mon_wed, tue_thu]), due(&[mon_thu]));
    assert_eq!(due(&[tue_thu, mon_wed]), due(&[mon_thu]));
    assert_eq!(due(&[tue_thu, mon_wed, tue_thu, mon_thu]), due(&[mon_thu]));
    // Adjacent pauses add up.
    let thu_fri = pause("2025-10-09 10:00", "2025-10-10 10:00");
    assert_eq!(due(&[thu_fri, mon_thu]), Some(cal.due(filed, 9, wib)));

    // Nothing: within one day, inverted, before the filing, over a weekend, after the due date.
    for nothing in [
        pause("2025-10-07 08:00", "2025-10-07 16:00"),
        pause("2025-10-09 10:00", "2025-10-07 10:00"),
        pause("2025-10-01 10:00", "2025-10-06 08:00"),
        pause("2025-10-10 17:00", "2025-10-12 20:00"),
        pause("2025-10-13 09:00", "2025-10-20 09:00"),
        pause("2025-10-14 09:00", "2025-10-20 09:00"),
    ] {
        assert_eq!(due(&[nothing]), Some(plain), "{nothing:?}");
    }
    // Day granularity: a short pause across local midnight costs the day it ends on.
    let overnight = pause("2025-10-07 23:00", "2025-10-08 07:00");
    assert_eq!(due(&[overnight]), Some(cal.due(filed, 6, wib)));
    // A pause that began before filing still removes the days after filing.
    let before = pause("2025-10-03 10:00", "2025-10-07 10:00");
    assert_eq!(due(&[before]), Some(cal.due(filed, 6, wib)));

    // Holidays inside a pause are not counted twice: 17–25 March 2026 holds one working day.
    let filed = at("2026-03-16 09:00", wib);
    assert_eq!(cal.due(filed, 3, wib), utc("2026-03-26 17:00"));
    let lebaran = pause("2026-03-17 10:00", "2026-03-25 10:00");
    assert_eq!(
        cal.due_with_pauses(filed, 3, &[lebaran], wib),
        Some(utc("2026-03-27 17:00"))
    );
}

#[test]
fn open_pause_means_no_due_date() {
    let cal = Calendar::indonesia();
    let filed = at("2025-10-06 09:00", Zone::Wib);
    let open = Pause {
        from: at("2025-10-07 10:00", Zone::Wib),
        until: None,
    };
    let closed = pause("2025-10-06 10:00", "2025-10-07 10:00");
    assert_eq!(cal.due_with_pauses(filed, 5, &[open], Zone::Wib), None);
    assert_eq!(
        cal.due_with_pauses(filed, 5, &[closed, open], Zone::Wib),
        None
    );
    assert_eq!(cal.due_with_pauses(filed, 0, &[open], Zone::Wib), None);
}

#[test]
fn a_pause_of_k_working_days_pushes_by_k_for_every_start_day() {
    let cal = Calendar::indonesia();
    let oracle = Oracle::new(true, &[]);
    let zone = Zone::Wib;
    for day in data_years() {
        let start = at(&format!("{day} 10:00"), zone);
        for n in [1, 5] {
            let plain = cal.due(start, n, zone);
            let due_date = Calendar::local_date(plain - SECOND, zone);
            for k in [1, 2, 5] {
                // Pauses beginning on any day from the filing day up to the day before the due
                // date, ending on the k-th working day after they begin.
                for paused_from in days(day, due_date - TimeDelta::days(1)) {
                    let until = oracle.nth_after(paused_from, k);
                    let p = Pause {
                        from: at(&format!("{paused_from} 15:00"), zone),
                        until: Some(at(&format!("{until} 11:00"), zone)),
                    };
                    assert_eq!(
                        cal.due_with_pauses(start, n, &[p], zone),
                        Some(cal.due(start, n + k, zone)),
                        "start {day}, n {n}, pause {paused_from}..{until}"
                    );
                }
                // Beginning on or after the due date, the pause changes nothing.
                let late = Pause {
                    from: at(&format!("{due_date} 08:00"), zone),
                    until: Some(at(
                        &format!("{} 08:00", oracle.nth_after(due_date, k)),
                        zone,
                    )),
                };
                assert_eq!(cal.due_with_pauses(start, n, &[late], zone), Some(plain));
            }
            // A pause from the filing to any later instant is a re-filing at that instant.
            for later in 0..10 {
                let until = start + TimeDelta::hours(later * 17);
                let p = Pause {
                    from: start,
                    until: Some(until),
                };
                assert_eq!(
                    cal.due_with_pauses(start, n, &[p], zone),
                    Some(cal.due(until, n, zone)),
                    "start {day}, until {until}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------- robustness

#[test]
fn extreme_instants_do_not_panic() {
    let cal = Calendar::indonesia();
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    for zone in Zone::ALL {
        assert_eq!(Calendar::local_date(max, zone), NaiveDate::MAX);
        assert_eq!(Calendar::local_date(min, zone), NaiveDate::MIN);
        assert_eq!(cal.due(max, 5, zone), max);
        assert_eq!(cal.due(max, 0, zone), max);
        assert!(cal.due(min, 0, zone) > min);
        assert!(cal.due(min, 3, zone) > cal.due(min, 0, zone));
        assert!(cal.working_days_left(min, max, zone) > 0);
        assert!(cal.working_days_left(max, min, zone) < 0);
        assert!(cal.working_days_left(min, min, zone) < 0);
        // A pause running to the end of time is jumped over, not stepped through.
        let forever = Pause {
            from: utc("2025-01-01 00:00"),
            until: Some(max),
        };
        assert_eq!(
            cal.due_with_pauses(utc("2025-01-01 00:00"), 5, &[forever], zone),
            Some(max)
        );
    }
    assert!(cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX) > 100_000_000);
    assert_eq!(cal.working_days_between(NaiveDate::MAX, NaiveDate::MIN), 0);
}

#[test]
fn calendar_is_cheap_to_share() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Calendar>();
    let a = Calendar::indonesia();
    let b = Calendar::default();
    assert!(Arc::ptr_eq(&a.inner, &b.inner));
}
