//! Deadlines written as sentences ("Trình UBTVQH xem xét, thông qua trước ngày 10/01/2025",
//! "Hoàn thành trong quý II năm 2027; sau đó cập nhật hằng năm", "Bắt đầu triển khai từ năm
//! 2026"): the first deadline phrase in the text gives the due date, or the year from which the
//! task goes on. A phrase must open like a deadline ("trước", "trong", "tháng", "quý", "năm", a
//! written date…), so a bare number is never taken for a year; and a date that belongs to a
//! document cited in the text ("Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025") is not a deadline.

use chrono::NaiveDate;

use super::{
    MAX_DATE_TOKENS, Tok, Token, day, due_date, recurring, recurring_schedule, tokenize,
    trim_edges, whole,
};

/// What the first deadline phrase of a sentence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// Due on that day.
    Due(NaiveDate),
    /// Goes on from a year: the end of its first year.
    From(NaiveDate),
}

/// Words that open a deadline phrase.
const OPENERS: &[&str] = &[
    "truoc", "trong", "nam", "thang", "quy", "qui", "ngay", "cuoi", "den", "het", "vao", "hoan",
    "cham", "giai", "tu", "nua", "sau",
];

/// The first deadline phrase in `tokens`, if any.
pub fn first_phrase(tokens: &[Token], plan_year: Option<i32>) -> Option<Phrase> {
    (0..tokens.len()).find_map(|start| {
        if !opens_phrase(tokens, start) || cites_document(&tokens[..start]) {
            return None;
        }
        let rest = &tokens[start..];
        let longest = rest.len().min(MAX_DATE_TOKENS);
        // A phrase opened by a number is a written date ("30/6/2022", "02/2025"), never a
        // bare number.
        let shortest = if matches!(rest[0].tok, Tok::Num(_)) {
            3
        } else {
            1
        };
        (shortest..=longest)
            .rev()
            .find_map(|len| phrase(&rest[..len]))
            .or_else(|| {
                let year = plan_year?;
                day_month(rest, year)
                    .or_else(|| month_only(rest, year))
                    .map(Phrase::Due)
            })
    })
}

fn phrase(window: &[Token]) -> Option<Phrase> {
    if matches!(window.first(), Some(Token { tok: Tok::Word(w), .. }) if w == "tu")
        && let Some(first) = whole(window, recurring)
    {
        return Some(Phrase::From(first));
    }
    due_date(window).map(Phrase::Due)
}

/// True when a phrase may start at `start`: an opening word, or a written date ("30/6/2022",
/// "02/2025") that no "/" or "-" joins to what comes before.
fn opens_phrase(tokens: &[Token], start: usize) -> bool {
    let previous = start
        .checked_sub(1)
        .and_then(|i| tokens.get(i))
        .map(|t| &t.tok);
    let glued = matches!(previous, Some(Tok::Punct('/' | '-' | '.')))
        && tokens[start - 1].end == tokens[start].start;
    // "đầu năm 2023", "giữa năm", "sau năm 2025" are vague; "quý 5/2023" failed as a quarter.
    let qualified = matches!(previous, Some(Tok::Word(w)) if [
        "dau", "giua", "sau", "ngoai", "quy", "qui", "thang", "nam", "ngay", "tuan"
    ].contains(&w.as_str()));
    if qualified {
        return false;
    }
    match &tokens[start].tok {
        Tok::Word(w) => OPENERS.contains(&w.as_str()),
        Tok::Num(_) => {
            !glued
                && matches!(
                    tokens.get(start + 1).map(|t| &t.tok),
                    Some(Tok::Punct('/' | '-' | '.'))
                )
        }
        Tok::Punct(_) => false,
    }
}

/// True when the words just before a phrase cite a document ("số 02-KH/…", "71/NQ-CP"): its
/// date is the document's, not a deadline.
fn cites_document(before: &[Token]) -> bool {
    let near = &before[before.len().saturating_sub(6)..];
    let numbered = near
        .windows(2)
        .any(|w| matches!((&w[0].tok, &w[1].tok), (Tok::Word(s), Tok::Num(_)) if s == "so"));
    let coded = near
        .windows(2)
        .any(|w| matches!((&w[0].tok, &w[1].tok), (Tok::Punct('/'), Tok::Word(_))));
    numbered || coded
}

/// True when a list of steps may be dated by its first phrase: the first step has a date and
/// every later step has one too or recurs ("sau đó cập nhật hằng năm"). A later step with no
/// date ("Ban hành sau khi có ý kiến") leaves the task's deadline unknown.
pub fn steps_allow_a_date(parts: &[&str], plan_year: Option<i32>) -> bool {
    parts.iter().enumerate().all(|(i, part)| {
        let tokens = tokenize(part);
        let tokens = trim_edges(&tokens);
        first_phrase(tokens, plan_year).is_some() || (i > 0 && recurring_schedule(tokens).is_some())
    })
}

/// "ngày 30/6", "trước 15/11": a day and month without a year, in the plan's year.
fn day_month(tokens: &[Token], year: i32) -> Option<NaiveDate> {
    let mut at = 0;
    while let Some(Token {
        tok: Tok::Word(w), ..
    }) = tokens.get(at)
    {
        if ![
            "truoc", "ngay", "vao", "den", "han", "hoan", "thanh", "cham", "nhat",
        ]
        .contains(&w.as_str())
        {
            return None;
        }
        at += 1;
    }
    let (Some(Tok::Num(d)), Some(Tok::Punct('/' | '-')), Some(Tok::Num(m))) = (
        tokens.get(at).map(|t| &t.tok),
        tokens.get(at + 1).map(|t| &t.tok),
        tokens.get(at + 2).map(|t| &t.tok),
    ) else {
        return None;
    };
    let continues = matches!(
        (
            tokens.get(at + 3).map(|t| &t.tok),
            tokens.get(at + 4).map(|t| &t.tok)
        ),
        (Some(Tok::Punct('/' | '-' | '.')), Some(Tok::Num(_)))
    );
    (!continues).then(|| day(year, *m, *d)).flatten()
}

/// "Trong tháng 3", "tháng 6": a month without a year, in the plan's year.
fn month_only(tokens: &[Token], year: i32) -> Option<NaiveDate> {
    let mut at = 0;
    while let Some(Token {
        tok: Tok::Word(w), ..
    }) = tokens.get(at)
    {
        match w.as_str() {
            "trong" | "cuoi" | "het" | "den" | "vao" | "hoan" | "thanh" => at += 1,
            "thang" => break,
            _ => return None,
        }
    }
    let (Some(Tok::Word(w)), Some(Tok::Num(m))) = (
        tokens.get(at).map(|t| &t.tok),
        tokens.get(at + 1).map(|t| &t.tok),
    ) else {
        return None;
    };
    let more = tokens
        .get(at + 2)
        .is_some_and(|t| !matches!(t.tok, Tok::Punct(',' | ';' | '.' | ')')));
    if w != "thang" || more {
        return None;
    }
    super::month_end(year, *m)
}
