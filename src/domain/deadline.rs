//! Reads the free-text deadline column ("Thời gian hoàn thành") of an action plan into a kind,
//! a due date and milestones; anything not clearly understood stays `Unparsed`, never guessed.

use chrono::{Datelike, Months, NaiveDate};

/// What kind of deadline a task has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// A due date (possibly the last of several milestones).
    Date,
    /// Ongoing or whenever needed, without a final due date.
    Continuous,
    /// Recurring on a schedule (yearly, quarterly...) or on request.
    Periodic,
    /// The text could not be understood.
    Unparsed,
}

impl DeadlineKind {
    /// The stable code stored in the database: "date", "continuous", "periodic" or "unparsed".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Continuous => "continuous",
            Self::Periodic => "periodic",
            Self::Unparsed => "unparsed",
        }
    }

    /// The kind whose code is `s` (the inverse of [`DeadlineKind::as_str`]).
    pub fn parse(s: &str) -> Option<DeadlineKind> {
        [Self::Date, Self::Continuous, Self::Periodic, Self::Unparsed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Date => "Có thời hạn",
            Self::Continuous => "Thường xuyên",
            Self::Periodic => "Định kỳ",
            Self::Unparsed => "Chưa xác định hạn",
        }
    }
}

/// One dated part of a deadline that lists several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    /// What is due, as written (or the date text itself when nothing else is written).
    pub label: String,
    /// The last day on which the part is on time.
    pub due_on: NaiveDate,
}

/// What a deadline text means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The kind of deadline.
    pub kind: DeadlineKind,
    /// The last day on which the task is on time; only for kind `Date` (the latest milestone).
    pub due_on: Option<NaiveDate>,
    /// The dated parts, when the text lists several.
    pub milestones: Vec<Milestone>,
    /// For "Năm 2022 và các năm tiếp theo" and alike: the end of the first period.
    pub recurs_from: Option<NaiveDate>,
}

impl Deadline {
    fn of_kind(kind: DeadlineKind) -> Self {
        Deadline {
            kind,
            due_on: None,
            milestones: Vec::new(),
            recurs_from: None,
        }
    }
}

/// Parses a deadline text. Never panics; returns kind `Unparsed` when in doubt.
pub fn parse_deadline(text: &str) -> Deadline {
    parse_deadline_in(text, None)
}

/// Parses a deadline text of a plan issued in `plan_year`: a day and month written without a
/// year ("Trước ngày 30/6") fall in that year.
pub fn parse_deadline_in(text: &str, plan_year: Option<i32>) -> Deadline {
    let tokens = tokenize(text);
    let body = trim_edges(&tokens);
    let mut d = Deadline::of_kind(DeadlineKind::Unparsed);
    if let Some(first_period_end) = whole(body, recurring) {
        (d.kind, d.recurs_from) = (DeadlineKind::Continuous, Some(first_period_end));
    } else if let Some(kind) = standing_kind(body).or_else(|| recurring_schedule(body)) {
        d.kind = kind;
    } else if let Some(due_on) = due_date(body) {
        (d.kind, d.due_on) = (DeadlineKind::Date, Some(due_on));
    } else if let Some(milestones) = milestones(text) {
        d.kind = DeadlineKind::Date;
        d.due_on = milestones.iter().map(|m| m.due_on).max();
        d.milestones = milestones;
    } else if let Some(phrase) = sentence::first_phrase(body, plan_year)
        .filter(|_| sentence::steps_allow_a_date(&split_parts(text), plan_year))
    {
        match phrase {
            sentence::Phrase::Due(due_on) => {
                (d.kind, d.due_on) = (DeadlineKind::Date, Some(due_on))
            }
            sentence::Phrase::From(first) => {
                (d.kind, d.recurs_from) = (DeadlineKind::Continuous, Some(first));
            }
        }
    }
    d
}

/// Vietnamese explanation of what was understood, dates as dd/mm/yyyy, e.g.
/// "Hạn 28/02/2022 (hết tháng 2/2022)", "Thường xuyên, không có hạn cuối", "Thường xuyên từ năm 2022 (kỳ đầu kết thúc 31/12/2022)",
/// "Định kỳ hoặc theo yêu cầu, không có hạn cuối", "2 mốc; hạn cuối 15/11/2022", "Chưa xác định được hạn từ văn bản".
pub fn describe(d: &Deadline) -> String {
    const UNKNOWN: &str = "Chưa xác định được hạn từ văn bản";
    match (d.kind, d.due_on, d.recurs_from) {
        (DeadlineKind::Date, Some(due), _) if !d.milestones.is_empty() => {
            format!("{} mốc; hạn cuối {}", d.milestones.len(), format_vi(due))
        }
        (DeadlineKind::Date, Some(due), _) => match period_ending_on(due) {
            Some(period) => format!("Hạn {} ({period})", format_vi(due)),
            None => format!("Hạn {}", format_vi(due)),
        },
        (DeadlineKind::Continuous, _, Some(first)) => format!(
            "Thường xuyên từ năm {} (kỳ đầu kết thúc {})",
            first.year(),
            format_vi(first)
        ),
        (DeadlineKind::Continuous, _, None) => "Thường xuyên, không có hạn cuối".to_string(),
        (DeadlineKind::Periodic, _, _) => {
            "Định kỳ hoặc theo yêu cầu, không có hạn cuối".to_string()
        }
        (DeadlineKind::Date | DeadlineKind::Unparsed, _, _) => UNKNOWN.to_string(),
    }
}

/// "dd/mm/yyyy"
pub fn format_vi(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

// The due date alone cannot tell "Năm 2022" from "Tháng 12/2022", so name the widest period
// that ends on it; both readings are true.
fn period_ending_on(due: NaiveDate) -> Option<String> {
    if due.month() == 12 && due.day() == 31 {
        Some(format!("hết năm {}", due.year()))
    } else if due.succ_opt().is_some_and(|next| next.day() == 1) {
        Some(format!("hết tháng {}/{}", due.month(), due.year()))
    } else {
        None
    }
}

// ---- Tokenizer: lower-cased, diacritic-free words, numbers and punctuation, with byte spans.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Num(u64),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

const FOLDS: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('d', "đ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
];

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

fn fold(c: char) -> char {
    FOLDS
        .iter()
        .find(|(_, from)| from.contains(c))
        .map_or(c, |(base, _)| *base)
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '−')
}

fn is_bullet(c: char) -> bool {
    is_dash(c) || matches!(c, '•' | '+')
}

impl Token {
    /// Extends this token by the next piece right after it when they form one word or number;
    /// otherwise gives the piece back.
    fn absorb(&mut self, piece: Option<Tok>, end: usize) -> Option<Tok> {
        match (&mut self.tok, piece) {
            // NFD accents belong to the letter before them and are dropped.
            (_, None) => {}
            (Tok::Word(w), Some(Tok::Word(more))) => w.push_str(&more),
            (Tok::Num(n), Some(Tok::Num(digit))) => {
                *n = n.saturating_mul(10).saturating_add(digit);
            }
            (_, other) => return other,
        }
        self.end = end;
        None
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    for (start, c) in text.char_indices() {
        let end = start + c.len_utf8();
        let piece = if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}') {
            continue;
        } else if is_combining(c) {
            None
        } else if c.is_alphabetic() {
            let lower = c.to_lowercase().filter(|l| !is_combining(*l));
            Some(Tok::Word(lower.map(fold).collect()))
        } else if let Some(digit) = c.to_digit(10) {
            Some(Tok::Num(u64::from(digit)))
        } else {
            Some(Tok::Punct(if is_dash(c) { '-' } else { c }))
        };
        let piece = match tokens.last_mut().filter(|t| t.end == start) {
            Some(last) => last.absorb(piece, end),
            None => piece,
        };
        if let Some(tok) = piece {
            tokens.push(Token { tok, start, end });
        }
    }
    tokens
}

fn is_punct_in(t: &Token, set: &str) -> bool {
    matches!(t.tok, Tok::Punct(p) if set.contains(p))
}

/// `tokens` without leading punctuation from `lead` and trailing punctuation from `tail`.
fn trim<'t>(tokens: &'t [Token], lead: &str, tail: &str) -> &'t [Token] {
    let start = tokens.iter().position(|t| !is_punct_in(t, lead));
    let end = tokens.iter().rposition(|t| !is_punct_in(t, tail));
    match (start, end) {
        (Some(start), Some(end)) if start <= end => tokens.get(start..=end).unwrap_or_default(),
        _ => &[],
    }
}

/// Drops list bullets in front and closing punctuation ("./." included) at the end.
fn trim_edges(tokens: &[Token]) -> &[Token] {
    trim(tokens, "-•+*", ".,;:/")
}

// ---- Pattern matching over tokens.

#[derive(Clone, Copy)]
struct Cursor<'a> {
    tokens: &'a [Token],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(tokens: &'a [Token]) -> Self {
        Cursor { tokens, pos: 0 }
    }

    fn peek(&self) -> Option<&'a Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn done(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Consumes the (space separated, folded) words of `phrase` if they all come next.
    fn eat(&mut self, phrase: &str) -> bool {
        let mut probe = *self;
        for word in phrase.split(' ') {
            match probe.peek() {
                Some(Tok::Word(w)) if w == word => probe.pos += 1,
                _ => return false,
            }
        }
        *self = probe;
        true
    }

    /// Consumes the first of the "|"-separated `phrases` that comes next and returns its
    /// 1-based position; a phrase must be listed before its own prefixes.
    fn choice(&mut self, phrases: &str) -> Option<u64> {
        phrases
            .split('|')
            .zip(1..)
            .find(|(p, _)| self.eat(p))
            .map(|(_, i)| i)
    }

    fn eat_any(&mut self, phrases: &str) -> bool {
        self.choice(phrases).is_some()
    }

    fn need(&mut self, phrase: &str) -> Option<()> {
        self.eat(phrase).then_some(())
    }

    fn num(&mut self) -> Option<u64> {
        let n = match self.peek() {
            Some(Tok::Num(n)) => *n,
            _ => return None,
        };
        self.pos += 1;
        Some(n)
    }

    fn sep(&mut self, allowed: &str) -> Option<char> {
        let p = match self.peek() {
            Some(Tok::Punct(p)) if allowed.contains(*p) => *p,
            _ => return None,
        };
        self.pos += 1;
        Some(p)
    }

    fn year(&mut self) -> Option<i32> {
        self.num().and_then(valid_year)
    }
}

type Pattern = fn(&mut Cursor) -> Option<NaiveDate>;

const DAY_PATTERNS: [Pattern; 2] = [numeric_day, worded_day];
const PERIOD_PATTERNS: [Pattern; 9] = [
    period_span,
    month_list,
    quarter_list,
    year_list,
    month,
    quarter,
    half_year,
    year_span,
    year,
];
/// Periods with their length in months, to find where one starts.
const SIZED_PERIODS: [(Pattern, u32); 4] = [(month, 1), (quarter, 3), (half_year, 6), (year, 12)];
const FILLERS: &str = "hoan thanh|cham nhat|trong|den|het|cuoi|vao";
const ON_REQUEST: &str =
    "theo yeu cau|khi co yeu cau|khi co phat sinh|khi phat sinh|khi can thiet|dot xuat";
const EVERY: &str = "hang ngay|hang tuan|hang thang|hang quy|hang nam";
const UNITS: &str = "ngay|tuan|thang|quy|nam";
/// A date phrase with its filler words is never longer than this many tokens.
const MAX_DATE_TOKENS: usize = 12;

/// Runs `pattern` and accepts its result only if it consumed every token.
fn whole(tokens: &[Token], pattern: Pattern) -> Option<NaiveDate> {
    let mut cursor = Cursor::new(tokens);
    let date = pattern(&mut cursor)?;
    cursor.done().then_some(date)
}

/// The due date of a text that is nothing but a date or period, after filler words.
fn due_date(tokens: &[Token]) -> Option<NaiveDate> {
    let mut cursor = Cursor::new(tokens);
    let mut before = false;
    loop {
        if cursor.eat("truoc") {
            before = true;
        } else if !cursor.eat_any(FILLERS) {
            break;
        }
    }
    let rest = tokens.get(cursor.pos..)?;
    if let Some(date) = DAY_PATTERNS.iter().find_map(|p| whole(rest, *p)) {
        return Some(date);
    }
    if before {
        // "trước tháng 6/2022", "trước năm 2028": the last day before the period starts.
        return SIZED_PERIODS.iter().find_map(|(p, months)| {
            let end = whole(rest, *p)?;
            end.succ_opt()?
                .checked_sub_months(Months::new(*months))?
                .pred_opt()
        });
    }
    PERIOD_PATTERNS.iter().find_map(|p| whole(rest, *p))
}

/// Eats "," / "và" / "-" between the items of a list; true when one was there.
fn list_separator(c: &mut Cursor) -> bool {
    c.sep(",-").is_some() || c.eat("va")
}

/// "Tháng 6, 12/2026", "Tháng 9-10/2025", "tháng 3 và tháng 9 năm 2026": the end of the last.
fn month_list(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("thang");
    let mut last = c.num()?;
    let mut count = 1;
    while list_separator(c) {
        c.eat("thang");
        last = c.num()?;
        count += 1;
    }
    if count < 2 || (c.sep("/").is_none() && !c.eat("nam")) {
        return None;
    }
    c.eat("nam");
    month_end(c.year()?, last)
}

/// "Quý I, II/2026", "Quý II và Quý IV năm 2026": the end of the last quarter.
fn quarter_list(c: &mut Cursor) -> Option<NaiveDate> {
    if !c.eat_any("quy|qui") {
        return None;
    }
    let quarter_number = |c: &mut Cursor| c.num().or_else(|| c.choice("i|ii|iii|iv"));
    let mut last = quarter_number(c)?;
    let mut count = 1;
    while list_separator(c) {
        c.eat_any("quy|qui");
        last = quarter_number(c)?;
        count += 1;
    }
    if count < 2 || !(1..=4).contains(&last) || (c.sep("/-").is_none() && !c.eat("nam")) {
        return None;
    }
    c.eat("nam");
    month_end(c.year()?, last * 3)
}

/// "Năm 2026, 2027", "2025, 2026", "Năm 2025 và năm 2026": the end of the last year.
fn year_list(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("nam");
    let mut last = c.year()?;
    let mut count = 1;
    while c.sep(",").is_some() || c.eat("va") {
        c.eat("nam");
        last = c.year()?;
        count += 1;
    }
    (count >= 2).then(|| day(last, 12, 31)).flatten()
}

/// "Quý IV/2025 - Quý II/2026", "Tháng 6/2022 - Tháng 12/2022": the end of the last period.
fn period_span(c: &mut Cursor) -> Option<NaiveDate> {
    let first = [month, quarter, half_year].iter().find_map(|p| {
        let mut probe = *c;
        let date = p(&mut probe)?;
        *c = probe;
        Some(date)
    })?;
    if !c.eat("den") && c.sep("-").is_none() {
        return None;
    }
    let last = [month, quarter, half_year, year]
        .iter()
        .find_map(|p| whole(c.tokens.get(c.pos..)?, *p))?;
    c.pos = c.tokens.len();
    (first < last).then_some(last)
}

fn valid_year(n: u64) -> Option<i32> {
    i32::try_from(n).ok().filter(|y| (1900..=2200).contains(y))
}

fn day(y: i32, m: u64, d: u64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

fn month_end(y: i32, m: u64) -> Option<NaiveDate> {
    day(y, m, 1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// "30/6/2022", "Ngày 15/3/2023", "30-6-2022", "2022-06-30".
fn numeric_day(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("ngay");
    let a = c.num()?;
    let sep = c.sep("/-.")?;
    let m = c.num()?;
    c.sep(&sep.to_string())?;
    let b = c.num()?;
    match valid_year(a) {
        Some(y) => day(y, m, b),
        None => day(valid_year(b)?, m, a),
    }
}

/// "ngày 30 tháng 6 năm 2022".
fn worded_day(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("ngay");
    let d = c.num()?;
    c.need("thang")?;
    let m = c.num()?;
    c.need("nam")?;
    day(c.year()?, m, d)
}

/// "Tháng 2/2022", "02/2022", "tháng 02 năm 2022", "Tháng 02-2022".
fn month(c: &mut Cursor) -> Option<NaiveDate> {
    let named = c.eat("thang");
    let m = c.num()?;
    if c.sep("/-.").is_some() {
        c.eat("nam");
    } else if !(named && c.eat("nam")) {
        return None;
    }
    month_end(c.year()?, m)
}

/// "Quý III/2023", "Quý 3/2023", "Quý I năm 2024".
fn quarter(c: &mut Cursor) -> Option<NaiveDate> {
    if !c.eat_any("quy|qui") {
        return None;
    }
    let q = c.num().or_else(|| c.choice("i|ii|iii|iv"))?;
    if !(1..=4).contains(&q) {
        return None;
    }
    if c.sep("/-").is_some() {
        c.eat("nam");
    } else if !c.eat("nam") {
        return None;
    }
    month_end(c.year()?, q * 3)
}

/// "6 tháng đầu năm 2023", "Sáu tháng cuối năm 2023", "nửa đầu năm 2023".
fn half_year(c: &mut Cursor) -> Option<NaiveDate> {
    let half = c.eat("nua") || ((c.eat("sau") || c.num() == Some(6)) && c.eat("thang"));
    if !half {
        return None;
    }
    let last_month = 6 * c.choice("dau|cuoi")?;
    c.eat("nam");
    month_end(c.year()?, last_month)
}

/// "2024-2025", "Năm 2025 - 2030", "Giai đoạn 2022-2025", "từ năm 2022 đến năm 2025".
fn year_span(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("giai doan");
    c.eat("tu");
    c.eat("nam");
    let first = c.year()?;
    if !c.eat("den") && c.sep("-").is_none() {
        return None;
    }
    c.eat("nam");
    let last = c.year()?;
    if first < last {
        day(last, 12, 31)
    } else {
        None
    }
}

/// "Năm 2022", "2026".
fn year(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("nam");
    day(c.year()?, 12, 31)
}

/// "Năm 2022 và các năm tiếp theo", "Từ năm 2022": the end of the first year.
fn recurring(c: &mut Cursor) -> Option<NaiveDate> {
    c.eat("trong");
    let from = c.eat("tu");
    // "Tháng 12/2025 và các năm tiếp theo": the first period may be a month or a quarter.
    let mut dated = *c;
    let first = match [month, quarter].iter().find_map(|p| {
        let mut probe = *c;
        let date = p(&mut probe)?;
        dated = probe;
        Some(date)
    }) {
        Some(date) => {
            *c = dated;
            date
        }
        None => {
            c.eat("nam");
            day(c.year()?, 12, 31)?
        }
    };
    c.sep(",");
    let onwards = c.eat_any("tro di|tro ve sau")
        || (c.eat_any("va cac nam|va nhung nam|cac nam|nhung nam")
            && c.eat_any("tiep theo|ke tiep|tiep|sau"));
    (from || onwards).then_some(first)
}

/// "Thường xuyên", "Khi có yêu cầu", "Hằng năm", "Định kỳ và đột xuất theo yêu cầu của ...".
fn standing_kind(tokens: &[Token]) -> Option<DeadlineKind> {
    let words: Vec<Token> = tokens
        .iter()
        .filter(|t| !matches!(t.tok, Tok::Punct(_)))
        .cloned()
        .collect();
    let mut c = Cursor::new(&words);
    let mut on_request = false;
    let kind = if c.eat("dinh ky") {
        let mut every_n = c;
        if every_n.num().is_some() && every_n.eat_any(UNITS) {
            c = every_n;
        }
        c.eat_any(EVERY);
        DeadlineKind::Periodic
    } else if c.eat_any(EVERY) {
        DeadlineKind::Periodic
    } else {
        c.eat_any("viec|thuc hien");
        if c.eat("thuong xuyen") {
            c.eat("lien tuc");
        } else if c.eat_any(ON_REQUEST) {
            on_request = true;
        } else if !c.eat("lien tuc") {
            return None;
        }
        DeadlineKind::Continuous
    };
    loop {
        let mut more = c;
        more.eat_any("va|hoac");
        if more.eat_any(EVERY) {
            c = more;
            continue;
        }
        if !more.eat_any(ON_REQUEST) {
            break;
        }
        on_request = true;
        c = more;
    }
    // "... theo yêu cầu của <whoever>": the requester's name is free text.
    (c.done() || (on_request && c.eat("cua"))).then_some(kind)
}

/// A schedule with no year: "Tháng 12 hằng năm", "Trước ngày 10 của tháng cuối quý", "Ngày 15
/// hằng tháng" — periodic.
fn recurring_schedule(tokens: &[Token]) -> Option<DeadlineKind> {
    let words: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Word(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    let text = words.join(" ");
    let has_year = tokens
        .iter()
        .any(|t| matches!(t.tok, Tok::Num(n) if valid_year(n).is_some()));
    // "6 tháng/lần", "01 lần/quý".
    let times = tokens.windows(3).any(|w| {
        matches!((&w[0].tok, &w[1].tok, &w[2].tok),
            (Tok::Word(a), Tok::Punct('/'), Tok::Word(b))
                if (a == "lan" && ["thang", "quy", "nam", "tuan"].contains(&b.as_str()))
                    || (b == "lan" && ["thang", "quy", "nam", "tuan"].contains(&a.as_str())))
    });
    if times && !has_year {
        return Some(DeadlineKind::Periodic);
    }
    let every = [
        "hang ngay",
        "hang tuan",
        "hang thang",
        "hang quy",
        "hang nam",
        "moi thang",
        "moi quy",
        "moi nam",
        "thang cuoi quy",
        "cuoi moi",
    ]
    .iter()
    .any(|p| text.contains(p));
    (every && !has_year && words.len() <= 12).then_some(DeadlineKind::Periodic)
}

// ---- Milestones: "- <label> trước <date> - <label> trước <date>" or ";"/line separated parts.

fn milestones(text: &str) -> Option<Vec<Milestone>> {
    let parts = split_parts(text);
    if parts.len() < 2 {
        return None;
    }
    parts.into_iter().map(milestone).collect()
}

/// Splits at line breaks and ";", and, when the text starts with a bullet, at every bullet
/// that follows a space (a dash inside "30-6-2022" is not a bullet).
fn split_parts(text: &str) -> Vec<&str> {
    let list = text.trim_start().starts_with(is_bullet);
    let mut parts = Vec::new();
    let mut start = 0;
    let mut after_space = true;
    for (i, c) in text.char_indices() {
        if matches!(c, '\n' | '\r' | ';') || (list && after_space && is_bullet(c)) {
            parts.extend(text.get(start..i));
            start = i + c.len_utf8();
        }
        after_space = c.is_whitespace();
    }
    parts.extend(text.get(start..));
    parts.retain(|p| p.chars().any(char::is_alphanumeric));
    parts
}

fn milestone(part: &str) -> Option<Milestone> {
    let tokens = tokenize(part);
    // A date in brackets after its label: "Phiên họp thứ 42 (tháng 02/2025)".
    let tokens = trim(&tokens, "-•+*", ".,;:/)");
    let (label, due_on) = dated_suffix(tokens).or_else(|| dated_prefix(tokens))?;
    let label = trim(label, "-•+*.,;:/", "-•+*.,;:/(");
    let label = span_text(part, if label.is_empty() { tokens } else { label });
    Some(Milestone { label, due_on })
}

/// "<label> trước 30/6/2022": the longest date phrase at the end and the label before it.
fn dated_suffix(tokens: &[Token]) -> Option<(&[Token], NaiveDate)> {
    let from = tokens.len().saturating_sub(MAX_DATE_TOKENS);
    let (i, date) = (from..tokens.len()).find_map(|i| Some((i, due_date(tokens.get(i..)?)?)))?;
    let label = tokens.get(..i)?;
    // A "trước" left in the label is one `due_date` refused ("trước tháng 6").
    let refused = matches!(label.last(), Some(Token { tok: Tok::Word(w), .. }) if w == "truoc");
    (!refused).then_some((label, date))
}

/// "Tháng 6/2022: <label>": the longest date phrase at the start and the label after it.
fn dated_prefix(tokens: &[Token]) -> Option<(&[Token], NaiveDate)> {
    let longest = tokens.len().min(MAX_DATE_TOKENS);
    (1..=longest)
        .rev()
        .find_map(|j| Some((tokens.get(j..)?, due_date(tokens.get(..j)?)?)))
}

/// The original text covered by `tokens`, white space squashed.
fn span_text(text: &str, tokens: &[Token]) -> String {
    let span = match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => text.get(first.start..last.end).unwrap_or_default(),
        _ => "",
    };
    span.split_whitespace().collect::<Vec<_>>().join(" ")
}

mod sentence;

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn due(text: &str) -> Option<NaiveDate> {
        let d = parse_deadline(text);
        assert_eq!(d.kind, DeadlineKind::Date, "{text:?} should be a date");
        assert!(
            d.milestones.is_empty(),
            "{text:?} should have no milestones"
        );
        d.due_on
    }

    fn parts(text: &str) -> Vec<(String, Option<NaiveDate>)> {
        let d = parse_deadline(text);
        d.milestones
            .into_iter()
            .map(|m| (m.label, Some(m.due_on)))
            .collect()
    }

    fn part(label: &str, due_on: Option<NaiveDate>) -> (String, Option<NaiveDate>) {
        (label.to_string(), due_on)
    }

    fn kind(text: &str) -> DeadlineKind {
        parse_deadline(text).kind
    }

    fn assert_unparsed(text: &str) {
        let d = parse_deadline(text);
        assert_eq!(
            d,
            Deadline::of_kind(DeadlineKind::Unparsed),
            "{text:?} should be unparsed"
        );
    }

    const III_10: &str = "- Hồ sơ đề xuất cấp độ được thẩm định, duyệt trước 30/6/2022 - Triển khai đầy đủ phương án đảm bảo theo cấp độ trước 15/11/2022";

    #[test]
    fn kind_codes_round_trip_and_have_vietnamese_labels() {
        for k in [
            DeadlineKind::Date,
            DeadlineKind::Continuous,
            DeadlineKind::Periodic,
            DeadlineKind::Unparsed,
        ] {
            assert_eq!(DeadlineKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(DeadlineKind::parse("Date"), None);
        assert_eq!(DeadlineKind::Date.label_vi(), "Có thời hạn");
        assert_eq!(DeadlineKind::Continuous.label_vi(), "Thường xuyên");
        assert_eq!(DeadlineKind::Periodic.label_vi(), "Định kỳ");
        assert_eq!(DeadlineKind::Unparsed.label_vi(), "Chưa xác định hạn");
    }

    #[test]
    fn month_form_means_last_day_of_month() {
        assert_eq!(due("Tháng 2/2022"), ymd(2022, 2, 28));
        assert_eq!(due("Tháng 3/2022"), ymd(2022, 3, 31));
        assert_eq!(due("Tháng 4/2022"), ymd(2022, 4, 30));
        assert_eq!(due("Tháng 5/2022"), ymd(2022, 5, 31));
        assert_eq!(due("Tháng 6/2022"), ymd(2022, 6, 30));
        assert_eq!(due("Tháng 12/2022"), ymd(2022, 12, 31));
        assert_eq!(due("Tháng 6/2023"), ymd(2023, 6, 30));
        assert_eq!(due("Tháng 12/2023"), ymd(2023, 12, 31));
        assert_eq!(due("tháng 02 năm 2022"), ymd(2022, 2, 28));
        assert_eq!(due("Tháng 02-2022"), ymd(2022, 2, 28));
        assert_eq!(due("Cuối tháng 6/2022"), ymd(2022, 6, 30));
    }

    #[test]
    fn bare_month_slash_year_means_last_day_of_month() {
        assert_eq!(due("01/2024"), ymd(2024, 1, 31));
        assert_eq!(due("03/2024"), ymd(2024, 3, 31));
        assert_eq!(due("12/2024"), ymd(2024, 12, 31));
        assert_eq!(due("12/2025"), ymd(2025, 12, 31));
        assert_eq!(due("02/2022"), ymd(2022, 2, 28));
    }

    #[test]
    fn february_of_a_leap_year_ends_on_the_29th() {
        assert_eq!(due("02/2024"), ymd(2024, 2, 29));
        assert_eq!(due("Tháng 2/2000"), ymd(2000, 2, 29));
        assert_eq!(due("Tháng 2/2100"), ymd(2100, 2, 28));
    }

    #[test]
    fn year_form_means_end_of_year() {
        for text in [
            "Năm 2022",
            "Trong năm 2022",
            "2022",
            "Cuối năm 2022",
            "Đến hết năm 2022",
            "năm 2022.",
        ] {
            assert_eq!(due(text), ymd(2022, 12, 31), "{text}");
        }
        assert_eq!(due("2026"), ymd(2026, 12, 31));
    }

    #[test]
    fn year_span_means_end_of_last_year() {
        assert_eq!(due("2024-2025"), ymd(2025, 12, 31));
        assert_eq!(due("Năm 2025 - 2030"), ymd(2030, 12, 31));
        assert_eq!(due("Giai đoạn 2022-2025"), ymd(2025, 12, 31));
        assert_eq!(due("2022 – 2025"), ymd(2025, 12, 31));
        assert_eq!(due("Từ năm 2022 đến năm 2025"), ymd(2025, 12, 31));
    }

    #[test]
    fn backwards_year_span_is_unparsed() {
        assert_unparsed("2025-2024");
    }

    #[test]
    fn quarter_form_means_last_day_of_quarter() {
        assert_eq!(due("Quý III/2023"), ymd(2023, 9, 30));
        assert_eq!(due("Quý 3/2023"), ymd(2023, 9, 30));
        assert_eq!(due("Quý I năm 2024"), ymd(2024, 3, 31));
        assert_eq!(due("quý IV/2022"), ymd(2022, 12, 31));
        assert_eq!(due("Quý II/2023"), ymd(2023, 6, 30));
    }

    #[test]
    fn half_year_form_means_june_30_or_december_31() {
        assert_eq!(due("6 tháng đầu năm 2023"), ymd(2023, 6, 30));
        assert_eq!(due("6 tháng cuối năm 2023"), ymd(2023, 12, 31));
        assert_eq!(due("Sáu tháng đầu năm 2023"), ymd(2023, 6, 30));
        assert_eq!(due("Trong 6 tháng cuối năm 2023"), ymd(2023, 12, 31));
    }

    #[test]
    fn day_forms_mean_that_day() {
        for text in [
            "trước 30/6/2022",
            "30/6/2022",
            "30-6-2022",
            "ngày 30 tháng 6 năm 2022",
            "2022-06-30",
            "Hoàn thành trước ngày 30/06/2022",
        ] {
            assert_eq!(due(text), ymd(2022, 6, 30), "{text}");
        }
        assert_eq!(due("Trước ngày 30/11/2025"), ymd(2025, 11, 30));
        assert_eq!(due("Ngày 15/3/2023"), ymd(2023, 3, 15));
    }

    #[test]
    fn continuous_forms_have_no_due_date() {
        for text in [
            "Thường xuyên",
            "Việc thường xuyên",
            "Khi có phát sinh",
            "Khi có yêu cầu",
            "Thường xuyên, liên tục",
        ] {
            let d = parse_deadline(text);
            assert_eq!(d, Deadline::of_kind(DeadlineKind::Continuous), "{text}");
        }
    }

    #[test]
    fn periodic_forms_have_no_due_date() {
        for text in [
            "Hằng năm",
            "Hàng năm",
            "Định kỳ hằng tháng",
            "Hằng quý",
            "Định kỳ 6 tháng",
        ] {
            let d = parse_deadline(text);
            assert_eq!(d, Deadline::of_kind(DeadlineKind::Periodic), "{text}");
        }
    }

    #[test]
    fn periodic_and_on_request_of_a_named_body_is_periodic() {
        let text = "Định kỳ và đột xuất theo yêu cầu của Tổ công tác triển khai Đề án Phát triển ứng dụng dữ liệu về dân cư định danh và xác thực điện tử";
        assert_eq!(
            parse_deadline(text),
            Deadline::of_kind(DeadlineKind::Periodic)
        );
    }

    #[test]
    fn year_and_following_years_recurs_from_end_of_first_year() {
        for text in [
            "Năm 2022 và các năm tiếp theo",
            "Từ năm 2022",
            "2022 và những năm tiếp theo",
        ] {
            let d = parse_deadline(text);
            assert_eq!(d.kind, DeadlineKind::Continuous, "{text}");
            assert_eq!(d.due_on, None, "{text}");
            assert_eq!(d.recurs_from, ymd(2022, 12, 31), "{text}");
            assert!(d.milestones.is_empty());
        }
    }

    #[test]
    fn dashed_list_with_dates_becomes_milestones_due_on_the_last() {
        let d = parse_deadline(III_10);
        assert_eq!(
            (d.kind, d.due_on, d.recurs_from),
            (DeadlineKind::Date, ymd(2022, 11, 15), None)
        );
        assert_eq!(
            parts(III_10),
            vec![
                part(
                    "Hồ sơ đề xuất cấp độ được thẩm định, duyệt",
                    ymd(2022, 6, 30)
                ),
                part(
                    "Triển khai đầy đủ phương án đảm bảo theo cấp độ",
                    ymd(2022, 11, 15)
                ),
            ]
        );
    }

    #[test]
    fn semicolon_or_line_separated_dates_become_milestones() {
        let text = "Tháng 6/2022; Tháng 12/2022";
        assert_eq!(parse_deadline(text).due_on, ymd(2022, 12, 31));
        assert_eq!(
            parts(text),
            vec![
                part("Tháng 6/2022", ymd(2022, 6, 30)),
                part("Tháng 12/2022", ymd(2022, 12, 31))
            ]
        );
        assert_eq!(
            parts("Báo cáo sơ kết: tháng 12/2022\nTổng kết trước 30/6/2023."),
            vec![
                part("Báo cáo sơ kết", ymd(2022, 12, 31)),
                part("Tổng kết", ymd(2023, 6, 30))
            ]
        );
    }

    #[test]
    fn milestone_date_may_come_before_its_label() {
        assert_eq!(
            parts("Tháng 6/2022: dự thảo; Tháng 12/2022: ban hành"),
            vec![
                part("dự thảo", ymd(2022, 6, 30)),
                part("ban hành", ymd(2022, 12, 31))
            ]
        );
    }

    #[test]
    fn milestone_labels_keep_their_brackets() {
        assert_eq!(
            parts("Báo cáo (bản cuối) trước 30/6/2022; Ban hành quý IV/2022"),
            vec![
                part("Báo cáo (bản cuối)", ymd(2022, 6, 30)),
                part("Ban hành", ymd(2022, 12, 31))
            ]
        );
    }

    #[test]
    fn milestone_list_with_an_undated_part_is_unparsed() {
        assert_unparsed("- Dự thảo trước 30/6/2022 - Ban hành sau khi có ý kiến");
        assert_unparsed("Thường xuyên; Tháng 6/2022");
    }

    #[test]
    fn a_single_labelled_date_is_a_date_not_a_milestone_list() {
        assert_eq!(
            due("- Hồ sơ đề xuất cấp độ được thẩm định, duyệt trước 30/6/2022"),
            ymd(2022, 6, 30)
        );
    }

    #[test]
    fn a_sentence_takes_the_date_of_its_first_deadline_phrase() {
        assert_eq!(
            due("Hoàn thành trong quý II năm 2027; sau đó cập nhật hằng năm"),
            ymd(2027, 6, 30)
        );
        assert_eq!(
            due("Trình UBTVQH xem xét, thông qua trước ngày 10/01/2025"),
            ymd(2025, 1, 10)
        );
        assert_eq!(
            due("Sau khi có hướng dẫn, dự kiến tháng 6/2022"),
            ymd(2022, 6, 30)
        );
        assert_eq!(due("Tháng 12/2022 (dự kiến)"), ymd(2022, 12, 31));
        assert_eq!(due("Giai đoạn 2027 - 2028"), ymd(2028, 12, 31));
    }

    #[test]
    fn a_date_of_a_cited_document_is_not_a_deadline() {
        assert_unparsed("Theo lộ trình tại Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025");
        assert_unparsed("Theo Nghị quyết 71/NQ-CP ngày 01/4/2025");
        assert_unparsed("Theo Luật số 57/2014/QH13");
    }

    #[test]
    fn before_a_period_means_the_last_day_before_it() {
        assert_eq!(due("Trước năm 2028"), ymd(2027, 12, 31));
        assert_eq!(due("Trước tháng 6/2022"), ymd(2022, 5, 31));
        assert_eq!(due("Trước quý III/2026"), ymd(2026, 6, 30));
    }

    #[test]
    fn a_span_of_periods_is_due_at_the_end_of_the_last() {
        assert_eq!(due("Quý IV/2025- Quý II/2026"), ymd(2026, 6, 30));
        assert_eq!(due("Tháng 6/2022 - Tháng 12/2022"), ymd(2022, 12, 31));
        assert_eq!(due("Quí IV-2025"), ymd(2025, 12, 31));
        assert_eq!(due("Quý III Năm 2026"), ymd(2026, 9, 30));
    }

    #[test]
    fn from_a_year_on_goes_on_from_its_first_year() {
        for text in ["Từ năm 2027", "Bắt đầu triển khai từ năm 2027"] {
            let d = parse_deadline(text);
            assert_eq!(d.kind, DeadlineKind::Continuous, "{text}");
            assert_eq!(d.recurs_from, ymd(2027, 12, 31), "{text}");
        }
    }

    #[test]
    fn schedules_without_a_year_are_periodic() {
        for text in [
            "Tháng 12 hằng năm",
            "Trước ngày 10 của tháng cuối quý",
            "Thường xuyên, hằng năm",
            "Ngày 15 hằng tháng",
        ] {
            assert!(
                matches!(
                    parse_deadline(text).kind,
                    DeadlineKind::Periodic | DeadlineKind::Continuous
                ),
                "{text}"
            );
            assert_eq!(parse_deadline(text).due_on, None, "{text}");
        }
    }

    #[test]
    fn a_list_of_periods_is_due_at_the_end_of_the_last() {
        assert_eq!(due("Quý I, II/2026"), ymd(2026, 6, 30));
        assert_eq!(due("Tháng 9-10/2025"), ymd(2025, 10, 31));
        assert_eq!(due("Tháng 6, 12/2026"), ymd(2026, 12, 31));
        assert_eq!(due("Năm 2026, 2027"), ymd(2027, 12, 31));
        assert_eq!(due("Năm 2025 và năm 2026"), ymd(2026, 12, 31));
        assert_eq!(due("2025, 2026"), ymd(2026, 12, 31));
    }

    #[test]
    fn a_month_and_the_years_after_it_go_on_from_that_month() {
        let d = parse_deadline("Tháng 12/2025 và các năm tiếp theo");
        assert_eq!(d.kind, DeadlineKind::Continuous);
        assert_eq!(d.recurs_from, ymd(2025, 12, 31));
    }

    #[test]
    fn so_many_times_a_period_is_periodic() {
        for text in ["6 tháng/lần", "01 lần/quý"] {
            assert_eq!(parse_deadline(text).kind, DeadlineKind::Periodic, "{text}");
        }
    }

    #[test]
    fn a_day_and_month_without_a_year_take_the_plans_year() {
        let d = parse_deadline_in("Trước ngày 30/6", Some(2026));
        assert_eq!((d.kind, d.due_on), (DeadlineKind::Date, ymd(2026, 6, 30)));
        assert_eq!(
            parse_deadline("Trước ngày 30/6").kind,
            DeadlineKind::Unparsed
        );
    }

    #[test]
    fn vague_or_conditional_texts_stay_unparsed() {
        for text in [
            "Theo Kế hoạch riêng",
            "Sau khi có Quy chế của TW",
            "Đầu năm 2023",
            "Giữa năm 2024",
            "Theo kết quả rà soát, đề xuất của các cơ quan",
        ] {
            assert_unparsed(text);
        }
    }

    #[test]
    fn every_deadline_in_the_seed_plans_is_understood() {
        let dates = [
            ("Tháng 2/2022", ymd(2022, 2, 28)),
            ("Tháng 4/2022", ymd(2022, 4, 30)),
            ("Tháng 5/2022", ymd(2022, 5, 31)),
            ("Tháng 6/2022", ymd(2022, 6, 30)),
            ("Tháng 3/2022", ymd(2022, 3, 31)),
            ("Tháng 12/2022", ymd(2022, 12, 31)),
            ("Năm 2022", ymd(2022, 12, 31)),
            ("Tháng 12/2023", ymd(2023, 12, 31)),
            ("Tháng 6/2023", ymd(2023, 6, 30)),
            ("Trong năm 2022", ymd(2022, 12, 31)),
            ("01/2024", ymd(2024, 1, 31)),
            ("12/2024", ymd(2024, 12, 31)),
            ("2024-2025", ymd(2025, 12, 31)),
            ("03/2024", ymd(2024, 3, 31)),
            ("12/2025", ymd(2025, 12, 31)),
            (III_10, ymd(2022, 11, 15)),
        ];
        for (text, expected) in dates {
            let d = parse_deadline(text);
            assert_eq!((d.kind, d.due_on), (DeadlineKind::Date, expected), "{text}");
        }
        assert_eq!(
            kind("Năm 2022 và các năm tiếp theo"),
            DeadlineKind::Continuous
        );
        assert_eq!(kind("Việc thường xuyên"), DeadlineKind::Continuous);
        assert_eq!(kind("Thường xuyên"), DeadlineKind::Continuous);
        assert_eq!(
            kind(
                "Định kỳ và đột xuất theo yêu cầu của Tổ công tác triển khai Đề án Phát triển ứng dụng dữ liệu về dân cư định danh và xác thực điện tử"
            ),
            DeadlineKind::Periodic
        );
    }

    #[test]
    fn case_spacing_and_trailing_punctuation_do_not_matter() {
        assert_eq!(due("  THÁNG   2 / 2022 . "), ymd(2022, 2, 28));
        assert_eq!(due("tháng 2/2022./."), ymd(2022, 2, 28));
        assert_eq!(due("QUÝ iii/2023"), ymd(2023, 9, 30));
        assert_eq!(kind("THƯỜNG XUYÊN."), DeadlineKind::Continuous);
        assert_eq!(due("Tháng\u{a0}2/2022"), ymd(2022, 2, 28));
    }

    #[test]
    fn decomposed_unicode_reads_like_composed() {
        // NFD: base letters followed by combining marks.
        assert_eq!(due("Tha\u{301}ng 2/2022"), ymd(2022, 2, 28));
        assert_eq!(
            kind("Thu\u{31b}\u{300}o\u{31b}ng xuye\u{302}n"),
            DeadlineKind::Continuous
        );
        assert_eq!(due("Quy\u{301} I na\u{306}m 2024"), ymd(2024, 3, 31));
        assert_eq!(
            kind("Ha\u{306}\u{300}ng na\u{306}m"),
            DeadlineKind::Periodic
        );
    }

    #[test]
    fn unknown_texts_are_unparsed_never_guessed() {
        for text in [
            "",
            "   ",
            "Theo tiến độ dự án",
            "Sau khi Nghị định được ban hành",
            "Thời gian hoàn thành",
            "Đầu năm 2023",
        ] {
            assert_unparsed(text);
        }
    }

    #[test]
    fn out_of_range_dates_are_unparsed() {
        for text in [
            "Tháng 13/2022",
            "13/2022",
            "31/2/2023",
            "29/2/2023",
            "Quý V/2023",
            "Quý 5/2023",
            "Quý 0/2023",
            "Năm 1899",
            "Năm 2201",
            "Tháng 0/2022",
            "0/6/2022",
        ] {
            assert_unparsed(text);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let long = "9".repeat(5000);
        let many = "- a 1/2022 ".repeat(2000);
        for text in [
            "...",
            "-",
            "- - -",
            ";;;",
            "/-/",
            "Năm 99999999999",
            "Tháng 99999999999999999999999/2022",
            "99999999999999999999/99999999999999999999/99999999999999999999",
            long.as_str(),
            many.as_str(),
            "\u{301}\u{300}",
            "ǅ İ ß ﬁ 🎉",
            "Quý",
            "ngày tháng năm",
        ] {
            let d = parse_deadline(text);
            let _ = describe(&d);
        }
        assert_unparsed("Năm 99999999999");
    }

    #[test]
    fn describe_explains_each_kind() {
        assert_eq!(
            describe(&parse_deadline("Tháng 2/2022")),
            "Hạn 28/02/2022 (hết tháng 2/2022)"
        );
        assert_eq!(
            describe(&parse_deadline("Năm 2022")),
            "Hạn 31/12/2022 (hết năm 2022)"
        );
        assert_eq!(
            describe(&parse_deadline("Ngày 15/3/2023")),
            "Hạn 15/03/2023"
        );
        assert_eq!(
            describe(&parse_deadline("Thường xuyên")),
            "Thường xuyên, không có hạn cuối"
        );
        assert_eq!(
            describe(&parse_deadline("Năm 2022 và các năm tiếp theo")),
            "Thường xuyên từ năm 2022 (kỳ đầu kết thúc 31/12/2022)"
        );
        assert_eq!(
            describe(&parse_deadline("Hằng năm")),
            "Định kỳ hoặc theo yêu cầu, không có hạn cuối"
        );
        assert_eq!(
            describe(&parse_deadline(III_10)),
            "2 mốc; hạn cuối 15/11/2022"
        );
        assert_eq!(
            describe(&parse_deadline("Theo tiến độ dự án")),
            "Chưa xác định được hạn từ văn bản"
        );
    }

    #[test]
    fn format_vi_pads_day_and_month() {
        assert_eq!(
            ymd(2022, 2, 28).map(format_vi).as_deref(),
            Some("28/02/2022")
        );
        assert_eq!(
            ymd(2025, 11, 5).map(format_vi).as_deref(),
            Some("05/11/2025")
        );
    }
}
