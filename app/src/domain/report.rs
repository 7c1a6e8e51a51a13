//! The monthly query report (五(二)2: 使用單位應指定專人每月定期產製查詢資料，陳送單位主管或其授權人
//! 核閱後備查): every look-up of a unit in a month, totals, and the anomalies to look at. The
//! report's shape is shared by browser and server; the server builds it (`build`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::Decision;

/// A calendar month (Taipei time), written `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: u32,
}

/// A month that does not read (`i18n::problems` words it for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthError {
    /// Neither `2026-11` nor ROC `115/11`, or out of range.
    Format,
}

/// For serde's `try_from` and logs (a person reads `i18n::problems::month`).
impl std::fmt::Display for MonthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a month is written 2026-11 or, in ROC years, 115/11")
    }
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Self, MonthError> {
        if !(1912..=2911).contains(&year) || !(1..=12).contains(&month) {
            return Err(MonthError::Format);
        }
        Ok(Self { year, month })
    }
    /// `2026-11`, or ROC `115/11` / `115年11月`.
    pub fn parse(s: &str) -> Result<Self, MonthError> {
        let t = s.trim().trim_end_matches('月');
        let (a, b) = t.split_once(['-', '/', '年']).ok_or(MonthError::Format)?;
        let (y, m): (i32, u32) = match (a.trim().parse(), b.trim().parse()) {
            (Ok(y), Ok(m)) => (y, m),
            _ => return Err(MonthError::Format),
        };
        // three digits or fewer: a ROC year
        Self::new(if a.trim().len() <= 3 { y + 1911 } else { y }, m)
    }
    pub fn of(t: DateTime<Utc>) -> Self {
        let d = super::taipei_date(t);
        Self { year: d.year(), month: d.month() }
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }
    /// The first instant of the month, Taipei time.
    pub fn start(self) -> DateTime<Utc> {
        super::taipei_midnight(NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default())
    }
    /// The first instant after the month.
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }
    /// Whether the month is over at `now` (only then may its report be signed: 五(二)2 reviews
    /// the whole month's look-ups).
    pub fn is_over(self, now: DateTime<Utc>) -> bool {
        now >= self.end()
    }
    /// `民國 115 年 11 月`
    pub fn roc(self) -> String {
        format!("民國 {} 年 {} 月", self.year - 1911, self.month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = MonthError;
    fn try_from(s: String) -> Result<Self, MonthError> {
        Self::parse(&s)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// What makes a look-up worth a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// 非上班時間查詢 (the working-time calendar, frozen at query time)
    AfterHours,
    /// 無比對結果紀錄
    NoDecision,
    /// 同一操作者本月查詢同一身分證號達門檻次數
    RepeatedId,
    /// 操作者本月查詢量超過前六個月中位數之倍數
    OperatorSpike,
}

impl Anomaly {
    pub const ALL: [Anomaly; 4] = [Self::AfterHours, Self::NoDecision, Self::RepeatedId, Self::OperatorSpike];
    pub fn zh(self) -> &'static str {
        match self {
            Self::AfterHours => "非上班時間",
            Self::NoDecision => "無比對結果",
            Self::RepeatedId => "同一身分證號重複查詢",
            Self::OperatorSpike => "查詢量異常增加",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::AfterHours => "Outside office hours",
            Self::NoDecision => "No recorded decision",
            Self::RepeatedId => "Same ID looked up repeatedly",
            Self::OperatorSpike => "Unusually many look-ups",
        }
    }
}

/// Thresholds of the anomalies (configurable).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// One ID looked up this many times or more in the month by one operator.
    pub repeat_id: usize,
    /// An operator's month above this many times their median of the previous six months.
    pub spike_factor: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { repeat_id: 3, spike_factor: 3.0 }
    }
}

/// One look-up as the query log has it (the server's input to [`build`]).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryLine {
    pub query_id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator_id: i64,
    pub operator_no: String,
    pub operator_name: String,
    pub business_type: super::BusinessType,
    pub case_number: String,
    pub national_id: super::NationalId,
    pub after_hours: bool,
    pub decision: Option<Decision>,
    /// 不比對: the clerk's reason for leaving it without a comparison (#39), if closed.
    pub closed_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub query_id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator_no: String,
    pub operator_name: String,
    pub business_type: super::BusinessType,
    pub case_number: String,
    pub national_id_masked: String,
    pub after_hours: bool,
    pub decision: Option<Decision>,
    /// 不比對原因 (reports made before #39 have none)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    pub anomalies: Vec<Anomaly>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorTotal {
    pub operator_no: String,
    pub operator_name: String,
    pub count: usize,
    pub after_hours: usize,
    pub no_decision: usize,
    /// Median of the previous six months' counts.
    pub median_prev: f64,
    pub spike: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub unit_code: String,
    pub unit_name: String,
    pub month: Month,
    pub generated_at: DateTime<Utc>,
    pub thresholds: Thresholds,
    pub rows: Vec<ReportRow>,
    pub by_operator: Vec<OperatorTotal>,
    /// (business type code, count)
    pub by_business_type: Vec<(String, usize)>,
    /// (anomaly, number of look-ups with it)
    pub anomaly_counts: Vec<(Anomaly, usize)>,
    /// The operators (employee numbers) whose look-ups are in it: their supervisor may not sign.
    pub operators: Vec<String>,
}

fn median(mut v: Vec<usize>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

/// Build the report from the month's look-ups and the six months before (`history`: the
/// operator and time of each earlier look-up of the unit).
pub fn build(
    unit_code: &str,
    unit_name: &str,
    month: Month,
    lines: &[QueryLine],
    history: &[(i64, DateTime<Utc>)],
    thresholds: Thresholds,
    now: DateTime<Utc>,
) -> MonthlyReport {
    // operator → ID → count
    let mut per_id: BTreeMap<(i64, &str), usize> = BTreeMap::new();
    for l in lines {
        *per_id.entry((l.operator_id, l.national_id.as_str())).or_default() += 1;
    }
    // the previous six months' counts per operator (a month without look-ups counts 0)
    let months: Vec<Month> = {
        let mut m = month;
        (0..6)
            .map(|_| {
                m = m.prev();
                m
            })
            .collect()
    };
    let mut prev: BTreeMap<i64, BTreeMap<Month, usize>> = BTreeMap::new();
    for (op, t) in history {
        let m = Month::of(*t);
        if months.contains(&m) {
            *prev.entry(*op).or_default().entry(m).or_default() += 1;
        }
    }
    let mut ops: BTreeMap<i64, OperatorTotal> = BTreeMap::new();
    for l in lines {
        let o = ops.entry(l.operator_id).or_insert_with(|| OperatorTotal {
            operator_no: l.operator_no.clone(),
            operator_name: l.operator_name.clone(),
            count: 0,
            after_hours: 0,
            no_decision: 0,
            median_prev: 0.0,
            spike: false,
        });
        o.count += 1;
        o.after_hours += usize::from(l.after_hours);
        o.no_decision += usize::from(l.decision.is_none());
    }
    for (op, o) in ops.iter_mut() {
        let counts = months.iter().map(|m| prev.get(op).and_then(|p| p.get(m)).copied().unwrap_or(0)).collect();
        o.median_prev = median(counts);
        // a median of 0 (new, or rarely active) gives no baseline to compare with
        o.spike = o.median_prev > 0.0 && o.count as f64 > thresholds.spike_factor * o.median_prev;
    }
    let rows: Vec<ReportRow> = lines
        .iter()
        .map(|l| {
            let mut a = Vec::new();
            if l.after_hours {
                a.push(Anomaly::AfterHours);
            }
            if l.decision.is_none() {
                a.push(Anomaly::NoDecision);
            }
            if per_id.get(&(l.operator_id, l.national_id.as_str())).copied().unwrap_or(0) >= thresholds.repeat_id.max(1)
            {
                a.push(Anomaly::RepeatedId);
            }
            if ops.get(&l.operator_id).is_some_and(|o| o.spike) {
                a.push(Anomaly::OperatorSpike);
            }
            ReportRow {
                query_id: l.query_id,
                queried_at: l.queried_at,
                operator_no: l.operator_no.clone(),
                operator_name: l.operator_name.clone(),
                business_type: l.business_type,
                case_number: l.case_number.clone(),
                national_id_masked: l.national_id.masked(),
                after_hours: l.after_hours,
                decision: l.decision,
                closed_reason: l.closed_reason.clone(),
                anomalies: a,
            }
        })
        .collect();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for l in lines {
        *by_type.entry(l.business_type.code().to_string()).or_default() += 1;
    }
    let anomaly_counts =
        Anomaly::ALL.iter().map(|a| (*a, rows.iter().filter(|r| r.anomalies.contains(a)).count())).collect();
    let mut operators: Vec<String> = ops.values().map(|o| o.operator_no.clone()).collect();
    operators.sort();
    MonthlyReport {
        unit_code: unit_code.into(),
        unit_name: unit_name.into(),
        month,
        generated_at: now,
        thresholds,
        rows,
        by_operator: ops.into_values().collect(),
        by_business_type: by_type.into_iter().collect(),
        anomaly_counts,
        operators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::taipei_offset;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
        taipei_offset().with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn line(id: i64, op: i64, nid: &str, t: DateTime<Utc>, after: bool, decision: Option<Decision>) -> QueryLine {
        QueryLine {
            query_id: id,
            queried_at: t,
            operator_id: op,
            operator_no: format!("C{op:04}"),
            operator_name: format!("op{op}"),
            business_type: if id % 2 == 0 {
                super::super::BusinessType::LandRegistration
            } else {
                super::super::BusinessType::ExpropriationCompensation
            },
            case_number: format!("115年大安字第{id:06}號"),
            national_id: super::super::NationalId::parse(nid).unwrap(),
            after_hours: after,
            decision,
            closed_reason: None,
        }
    }

    #[test]
    fn months_in_taipei_time() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(Month::parse("115/11").unwrap(), m);
        assert_eq!(Month::parse("115年11月").unwrap(), m);
        assert!(Month::parse("2026-13").is_err() && Month::parse("x").is_err());
        assert_eq!(m.start(), at(2026, 11, 1, 0));
        assert_eq!(m.end(), at(2026, 12, 1, 0));
        assert_eq!(Month::parse("2026-01").unwrap().prev().to_string(), "2025-12");
        // 23:30 UTC on Oct 31 is Nov 1 in Taipei
        assert_eq!(Month::of(Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).unwrap()), m);
        assert_eq!(m.roc(), "民國 115 年 11 月");
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(j, "\"2026-11\"");
    }

    #[test]
    fn anomalies_and_totals() {
        let m = Month::parse("2026-11").unwrap();
        let lines = vec![
            line(1, 1, "A123456789", at(2026, 11, 2, 10), false, Some(Decision::Match)),
            line(2, 1, "A123456789", at(2026, 11, 3, 10), false, Some(Decision::Match)),
            line(3, 1, "A123456789", at(2026, 11, 4, 20), true, None),
            line(4, 2, "A123456789", at(2026, 11, 5, 10), false, Some(Decision::Mismatch)),
            line(5, 2, "F123456784", at(2026, 11, 6, 10), false, None),
        ];
        // operator 2 looked up once a month before; operator 1 never
        let history: Vec<(i64, DateTime<Utc>)> = (5..=10).map(|mo| (2, at(2026, mo, 10, 10))).collect();
        let r = build("LO-DA", "大安所", m, &lines, &history, Thresholds::default(), at(2026, 12, 1, 1));
        assert_eq!(r.rows.len(), 5);
        let a = |i: usize| r.rows[i].anomalies.clone();
        assert_eq!(a(0), [Anomaly::RepeatedId], "3 look-ups of one ID by one operator");
        assert_eq!(a(2), [Anomaly::AfterHours, Anomaly::NoDecision, Anomaly::RepeatedId]);
        assert_eq!(a(3), [] as [Anomaly; 0], "another operator's single look-up of the same ID");
        assert_eq!(a(4), [Anomaly::NoDecision]);
        assert_eq!(r.rows[0].national_id_masked, "A12****789");
        let op1 = &r.by_operator[0];
        assert_eq!((op1.count, op1.after_hours, op1.no_decision, op1.spike), (3, 1, 1, false));
        let op2 = &r.by_operator[1];
        assert_eq!((op2.count, op2.median_prev, op2.spike), (2, 1.0, false));
        assert_eq!(
            r.by_business_type,
            vec![("expropriation_compensation".to_string(), 3), ("land_registration".to_string(), 2)]
        );
        assert_eq!(r.anomaly_counts[0], (Anomaly::AfterHours, 1));
        assert_eq!(r.anomaly_counts[1], (Anomaly::NoDecision, 2));
        assert_eq!(r.operators, ["C0001", "C0002"]);
    }

    #[test]
    fn a_month_above_three_times_the_median_is_a_spike() {
        let m = Month::parse("2026-11").unwrap();
        // six months of 2 look-ups each: median 2; 7 this month > 3 × 2
        let history: Vec<(i64, DateTime<Utc>)> =
            (5..=10).flat_map(|mo| [(1, at(2026, mo, 3, 10)), (1, at(2026, mo, 4, 10))]).collect();
        let ids = ["A123456789", "F123456784", "A223456781", "F223456786", "A100000001", "A200000003", "B123456780"];
        let lines: Vec<QueryLine> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| line(i as i64, 1, id, at(2026, 11, 2, 10), false, Some(Decision::Match)))
            .collect();
        let r = build("LO-DA", "x", m, &lines, &history, Thresholds::default(), at(2026, 12, 1, 1));
        assert!(r.by_operator[0].spike);
        assert!(r.rows.iter().all(|x| x.anomalies == [Anomaly::OperatorSpike]));
        // exactly three times is not above it
        let six = &lines[..6];
        let r = build("LO-DA", "x", m, six, &history, Thresholds::default(), at(2026, 12, 1, 1));
        assert!(!r.by_operator[0].spike);
        // configurable
        let r =
            build("LO-DA", "x", m, six, &history, Thresholds { repeat_id: 3, spike_factor: 2.5 }, at(2026, 12, 1, 1));
        assert!(r.by_operator[0].spike);
        // history older than six months does not count
        let old: Vec<(i64, DateTime<Utc>)> = (1..=4).map(|mo| (1, at(2026, mo, 3, 10))).collect();
        let r = build("LO-DA", "x", m, &lines, &old, Thresholds::default(), at(2026, 12, 1, 1));
        assert_eq!(r.by_operator[0].median_prev, 0.0);
        assert!(!r.by_operator[0].spike);
    }
}
