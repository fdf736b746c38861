//! The reporting period a manager picks: a month, a quarter, a year, or from–to.

use chrono::{Datelike, NaiveDate};

/// A closed range of days with its Vietnamese name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The month "YYYY-MM".
pub fn month(text: &str) -> Option<Period> {
    let (y, m) = text.trim().split_once('-')?;
    let (year, month): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1900..=2200).contains(&year) {
        return None;
    }
    Some(Period {
        from: NaiveDate::from_ymd_opt(year, month, 1)?,
        to: month_end(year, month)?,
        label: format!("Tháng {month}/{year}"),
    })
}

/// The quarter "YYYY-Qn".
pub fn quarter(text: &str) -> Option<Period> {
    let (y, q) = text
        .trim()
        .split_once("-Q")
        .or_else(|| text.trim().split_once("-q"))?;
    let (year, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
    if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
        return None;
    }
    let roman = ["I", "II", "III", "IV"][usize::try_from(q - 1).ok()?];
    Some(Period {
        from: NaiveDate::from_ymd_opt(year, q * 3 - 2, 1)?,
        to: month_end(year, q * 3)?,
        label: format!("Quý {roman}/{year}"),
    })
}

/// The year "YYYY".
pub fn year(text: &str) -> Option<Period> {
    let year: i32 = text.trim().parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    Some(Period {
        from: NaiveDate::from_ymd_opt(year, 1, 1)?,
        to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        label: format!("Năm {year}"),
    })
}

/// From–to, both included; `to` must not precede `from`.
pub fn range(from: NaiveDate, to: NaiveDate) -> Option<Period> {
    (from <= to).then(|| Period {
        from,
        to,
        label: format!(
            "Từ {} đến {}",
            crate::domain::deadline::format_vi(from),
            crate::domain::deadline::format_vi(to)
        ),
    })
}

/// The month containing a day.
pub fn month_of(day: NaiveDate) -> Option<Period> {
    month(&format!("{}-{:02}", day.year(), day.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_quarters_and_years_cover_whole_days() {
        assert_eq!(
            month("2024-02").unwrap(),
            Period {
                from: d(2024, 2, 1),
                to: d(2024, 2, 29),
                label: "Tháng 2/2024".into()
            }
        );
        assert_eq!(month("2022-12").unwrap().to, d(2022, 12, 31));
        assert_eq!(
            quarter("2022-Q2").unwrap(),
            Period {
                from: d(2022, 4, 1),
                to: d(2022, 6, 30),
                label: "Quý II/2022".into()
            }
        );
        assert_eq!(year("2023").unwrap().to, d(2023, 12, 31));
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(month("2022-13").is_none());
        assert!(month("June").is_none());
        assert!(quarter("2022-Q5").is_none());
        assert!(year("99999").is_none());
        assert!(range(d(2022, 5, 2), d(2022, 5, 1)).is_none());
    }
}
