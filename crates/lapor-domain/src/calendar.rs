//! Hari kerja: the working-day calendar behind report deadlines.
//!
//! SP4N-LAPOR! limits are counted in working days (Monday–Friday, minus national holidays,
//! cuti bersama if the deployment says so, and an agency's regional holidays), in the local time
//! of the agency's zone. All rules live here so every deadline in the product agrees.
//!
//! # Semantics
//!
//! Everything is decided on *local dates* in a [`Zone`]; the time of day only matters for which
//! local date an instant falls on.
//!
//! - **Start day.** The day a report is filed never counts, whatever the hour: a report filed
//!   Monday 08:00 or Friday 23:30 has its first working day on the next working day after that
//!   date. Filing on a weekend or holiday is the same as filing on the last day before the next
//!   working day.
//! - **Due instant.** A limit of `n` working days ends at the *end* of the `n`-th working day
//!   after the start date, i.e. at local midnight starting the following calendar day, returned
//!   as a UTC instant. `n = 0` ends with the start date itself. So exactly `n` working days lie
//!   in `(start date, due date]`, where the due date is the local date of `due - 1 ns`.
//! - **Pauses.** While a report waits on the reporter the clock stands still. A pause
//!   `[from, until)` removes the working days `d` with `local(from) < d <= local(until)`: the
//!   day the pause begins still counts (the clock ran on it), and the day it ends is free, like
//!   a filing day. A paused report therefore behaves like one re-filed at `until` for its
//!   remaining days, a pause within one local day costs nothing, and (day granularity) a pause
//!   that crosses local midnight costs one working day however short it is. Overlapping pauses
//!   remove the union of their days. A still-open pause means there is no due instant yet.
//! - **Days left.** Before `due`, [`Calendar::working_days_left`] counts working days in
//!   `(today, due date]`: `0` means due today (or nothing but non-working days remain). From
//!   `due` on it is `-k` where `k` is the number of working days in `(due date, today]`, and at
//!   least 1, so an overdue report never shows `0`.
//! - **Unknown years.** Outside the years with holiday data only weekends are non-working;
//!   [`Calendar::covers`] lets the product warn about that.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use lapor_domain::calendar::{Calendar, Zone};
//!
//! let cal = Calendar::indonesia();
//! // Filed Wednesday 24 December 2025, 09:00 WIB. Natal (25), cuti bersama (26), the weekend
//! // and Tahun Baru (1 January) do not count: the fifth working day is Monday 5 January.
//! let filed = Utc.with_ymd_and_hms(2025, 12, 24, 2, 0, 0).unwrap();
//! let due = cal.due(filed, 5, Zone::Wib);
//! assert_eq!(due, Utc.with_ymd_and_hms(2026, 1, 5, 17, 0, 0).unwrap()); // 6 Jan 00:00 WIB
//! assert_eq!(cal.working_days_left(filed, due, Zone::Wib), 5);
//! assert_eq!(cal.working_days_left(due, due, Zone::Wib), -1);
//! ```

use std::fmt;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::region::RegionCode;

mod holidays;

pub use holidays::{
    Holiday, HolidayKind, HolidayParseError, HolidayParseErrors, HolidayProblem, national_holidays,
    parse_holidays_csv,
};

/// Zona waktu: Indonesia's three time zones. None observes daylight saving time.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7 (Sumatra, Java, West and Central Kalimantan).
    Wib,
    /// Waktu Indonesia Tengah, UTC+8 (Bali, Nusa Tenggara, the rest of Kalimantan, Sulawesi).
    Wita,
    /// Waktu Indonesia Timur, UTC+9 (Maluku, Papua).
    Wit,
}

impl Zone {
    /// All zones, west to east.
    pub const ALL: [Zone; 3] = [Zone::Wib, Zone::Wita, Zone::Wit];

    fn offset_seconds(self) -> i32 {
        match self {
            Zone::Wib => 7 * 3600,
            Zone::Wita => 8 * 3600,
            Zone::Wit => 9 * 3600,
        }
    }

    /// The fixed UTC offset.
    pub fn offset(self) -> FixedOffset {
        FixedOffset::east_opt(self.offset_seconds()).expect("UTC+7..+9 is a valid offset")
    }

    /// `"WIB"`, `"WITA"` or `"WIT"`, as written in Indonesian times ("14.00 WIB").
    pub fn code(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    /// Parses a [`code`](Self::code), ignoring ASCII case and surrounding whitespace.
    pub fn from_code(s: &str) -> Option<Zone> {
        let s = s.trim();
        Zone::ALL
            .into_iter()
            .find(|z| z.code().eq_ignore_ascii_case(s))
    }

    /// The zone of a region, from its province (the first two digits of the code). Every
    /// province lies in a single zone, so lower levels need no lookup.
    pub fn of_region(region: &RegionCode) -> Zone {
        let province = region.as_str().get(..2).and_then(|p| p.parse::<u8>().ok());
        match province {
            // Bali, NTB, NTT, Kalsel, Kaltim, Kaltara, and the six Sulawesi provinces.
            Some(51..=53 | 63..=65 | 71..=76) => Zone::Wita,
            // Maluku, Maluku Utara and the six Papua provinces.
            Some(81 | 82 | 91..=96) => Zone::Wit,
            _ => Zone::Wib,
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A span during which a report's clock stood still (e.g. waiting for the reporter to answer a
/// question), half-open: `[from, until)`. `until = None` means the report is still paused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// Which dates are working days, and deadline arithmetic on them (see the module docs).
///
/// Cloning is cheap (a reference count); build one per deployment or agency and share it.
#[derive(Clone, Debug)]
pub struct Calendar {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Monday–Friday dates that are not working days, sorted and deduplicated. Weekend
    /// holidays are left out: they change nothing, and leaving them out lets
    /// [`Calendar::working_days_between`] subtract counts without double-counting.
    closed: Vec<NaiveDate>,
    /// Years with at least one libur nasional, sorted.
    covered_years: Vec<i32>,
    cuti_bersama_stops_clock: bool,
}

impl Calendar {
    /// The compiled-in national holidays plus `extra` (imported later years, an agency's
    /// regional holidays). `cuti_bersama_stops_clock` decides whether cuti bersama days are
    /// non-working, for the national list and `extra` alike (deployment setting; usually true).
    pub fn new(extra: impl IntoIterator<Item = Holiday>, cuti_bersama_stops_clock: bool) -> Self {
        let national = national_holidays().iter().map(|h| (h.date, h.kind));
        let extra = extra.into_iter().map(|h| (h.date, h.kind));
        let mut closed = Vec::new();
        let mut covered_years = Vec::new();
        for (date, kind) in national.chain(extra) {
            if kind == HolidayKind::LiburNasional {
                covered_years.push(date.year());
            }
            let stops = kind != HolidayKind::CutiBersama || cuti_bersama_stops_clock;
            if stops && is_weekday(date) {
                closed.push(date);
            }
        }
        closed.sort_unstable();
        closed.dedup();
        covered_years.sort_unstable();
        covered_years.dedup();
        Calendar {
            inner: Arc::new(Inner {
                closed,
                covered_years,
                cuti_bersama_stops_clock,
            }),
        }
    }

    /// National holidays only, cuti bersama stopping the clock. Built once and shared.
    pub fn indonesia() -> Self {
        static INDONESIA: LazyLock<Calendar> = LazyLock::new(|| Calendar::new([], true));
        INDONESIA.clone()
    }

    /// Whether cuti bersama days are non-working in this calendar.
    pub fn cuti_bersama_stops_clock(&self) -> bool {
        self.inner.cuti_bersama_stops_clock
    }

    /// Monday–Friday and not a holiday (cuti bersama as configured).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        is_weekday(date) && self.inner.closed.binary_search(&date).is_err()
    }

    /// The local date of `at` in `zone`.
    pub fn local_date(at: DateTime<Utc>, zone: Zone) -> NaiveDate {
        at.naive_utc()
            .checked_add_signed(TimeDelta::seconds(i64::from(zone.offset_seconds())))
            .map_or(NaiveDate::MAX, |local| local.date())
    }

    /// Due instant of a limit of `n` working days from `start` (the day of `start` does not
    /// count; the limit ends at the end of the `n`-th working day after it, local midnight in
    /// `zone`). `n = 0` gives the end of the start date. Saturates at chrono's maximum instant.
    pub fn due(&self, start: DateTime<Utc>, n: u32, zone: Zone) -> DateTime<Utc> {
        let date = self.nth_working_day_after(Self::local_date(start, zone), n, &[]);
        end_of_day(date, zone)
    }

    /// Like [`due`](Self::due), but the clock stood still during `pauses` (in any order, may
    /// overlap): each removes the working days after its local start date up to and including
    /// its local end date, so a pause spanning `k` working days pushes the due date by `k`
    /// working days. `None` while any pause is still open.
    pub fn due_with_pauses(
        &self,
        start: DateTime<Utc>,
        n: u32,
        pauses: &[Pause],
        zone: Zone,
    ) -> Option<DateTime<Utc>> {
        let mut paused = Vec::with_capacity(pauses.len());
        for pause in pauses {
            let until = pause.until?;
            let first = Self::local_date(pause.from, zone).succ_opt();
            let last = Self::local_date(until, zone);
            if let Some(first) = first.filter(|first| *first <= last) {
                paused.push((first, last));
            }
        }
        let date = self.nth_working_day_after(Self::local_date(start, zone), n, &paused);
        Some(end_of_day(date, zone))
    }

    /// Working days left until `due` as seen at `now`: working days in `(today, due date]`
    /// before `due` (`0` = due today), and minus the working days in `(due date, today]`, at
    /// least one, from `due` on (`-1` = one working day overdue). Dates are local to `zone`;
    /// the due date is the local date of the last instant before `due`.
    pub fn working_days_left(&self, now: DateTime<Utc>, due: DateTime<Utc>, zone: Zone) -> i64 {
        let last_instant = due.checked_sub_signed(TimeDelta::nanoseconds(1));
        let due_date = Self::local_date(last_instant.unwrap_or(due), zone);
        let today = Self::local_date(now, zone);
        if now < due {
            i64::from(self.working_days_between(today, due_date))
        } else {
            -i64::from(self.working_days_between(due_date, today).max(1))
        }
    }

    /// Number of working days `d` with `from < d <= to`; 0 when `to <= from`. Constant time
    /// apart from two binary searches, so long-overdue reports cost nothing extra.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let closed_through = |d: NaiveDate| self.inner.closed.partition_point(|c| *c <= d);
        let weekdays = weekdays_through(to) - weekdays_through(from);
        let closed = closed_through(to) - closed_through(from);
        let days = weekdays - i64::try_from(closed).unwrap_or(i64::MAX);
        u32::try_from(days.max(0)).unwrap_or(u32::MAX)
    }

    /// Whether holiday data for `year` is known: at least one libur nasional, from the bundled
    /// list or `extra`. Regional or cuti bersama rows alone do not count, since every year has
    /// national holidays and their absence means the national list was never imported.
    pub fn covers(&self, year: i32) -> bool {
        self.inner.covered_years.binary_search(&year).is_ok()
    }

    /// The `n`-th date after `date` that is a working day and not in a `paused` inclusive range;
    /// `date` itself for `n = 0`. `None` past the end of chrono's calendar.
    ///
    /// Steps day by day (limits are at most a few hundred days, and a lookup per day is cheaper
    /// than anything clever at that size) but jumps over paused ranges, which may be long.
    fn nth_working_day_after(
        &self,
        date: NaiveDate,
        n: u32,
        paused: &[(NaiveDate, NaiveDate)],
    ) -> Option<NaiveDate> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt()?;
            if let Some((_, last)) = paused.iter().find(|(lo, hi)| *lo <= day && day <= *hi) {
                day = *last;
            } else if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::indonesia()
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    date.weekday().number_from_monday() <= 5
}

/// Mondays–Fridays from a fixed origin through `date`, so the difference of two calls counts the
/// weekdays in between. Day 1 of `num_days_from_ce` (0001-01-01) is a Monday.
fn weekdays_through(date: NaiveDate) -> i64 {
    let day = i64::from(date.num_days_from_ce());
    day.div_euclid(7) * 5 + day.rem_euclid(7).min(5)
}

/// Local midnight after `date` as a UTC instant; saturates where chrono's range ends.
fn end_of_day(date: Option<NaiveDate>, zone: Zone) -> DateTime<Utc> {
    date.and_then(|d| d.succ_opt())
        .and_then(|next| {
            next.and_time(NaiveTime::MIN)
                .checked_sub_signed(TimeDelta::seconds(i64::from(zone.offset_seconds())))
        })
        .map_or(DateTime::<Utc>::MAX_UTC, |utc| utc.and_utc())
}

#[cfg(test)]
mod tests;
