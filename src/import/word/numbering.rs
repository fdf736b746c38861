//! The numbers Word draws from `numbering.xml` and that are not in the text: list levels
//! (format, `lvlText` such as "%1." or "%1.%2", start), the counters that advance in document
//! order, and the formats shared with HTML's `<ol>`.

use std::collections::HashMap;

use super::styles::{NumRef, Styles};
use super::xml::Element;

/// Levels Word allows in one list.
const LEVELS: usize = 9;

/// How one level writes its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFmt {
    Decimal,
    DecimalZero,
    UpperRoman,
    LowerRoman,
    UpperLetter,
    LowerLetter,
    Bullet,
    None,
}

impl NumFmt {
    fn parse(value: &str) -> NumFmt {
        match value {
            "decimalZero" => NumFmt::DecimalZero,
            "upperRoman" => NumFmt::UpperRoman,
            "lowerRoman" => NumFmt::LowerRoman,
            "upperLetter" => NumFmt::UpperLetter,
            "lowerLetter" => NumFmt::LowerLetter,
            "bullet" => NumFmt::Bullet,
            "none" => NumFmt::None,
            // decimal, ordinal, cardinalText, decimalEnclosed… all read as plain numbers.
            _ => NumFmt::Decimal,
        }
    }

    /// The number `n` in this format ("" for bullets and "none").
    pub fn format(self, n: u32) -> String {
        match self {
            NumFmt::Decimal => n.to_string(),
            NumFmt::DecimalZero => format!("{n:02}"),
            NumFmt::UpperRoman => roman(n).unwrap_or_else(|| n.to_string()),
            NumFmt::LowerRoman => roman(n).map_or_else(|| n.to_string(), |r| r.to_lowercase()),
            NumFmt::UpperLetter => letters(n).unwrap_or_else(|| n.to_string()),
            NumFmt::LowerLetter => letters(n).map_or_else(|| n.to_string(), |r| r.to_lowercase()),
            NumFmt::Bullet | NumFmt::None => String::new(),
        }
    }
}

/// Roman numerals for 1..=3999.
fn roman(mut n: u32) -> Option<String> {
    if n == 0 || n > 3999 {
        return None;
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    Some(out)
}

/// Word's letters: A..Z, then AA, BB, … ZZ, AAA; bounded so a huge start stays short.
fn letters(n: u32) -> Option<String> {
    if n == 0 || n > 26 * 30 {
        return None;
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    Some(std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect())
}

#[derive(Debug, Clone)]
struct Level {
    start: u32,
    fmt: NumFmt,
    text: String,
    legal: bool,
}

#[derive(Debug, Default)]
struct Abstract {
    levels: [Option<Level>; LEVELS],
    /// `w:numStyleLink`: the levels live in the list style of that name.
    style_link: Option<String>,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: u32,
    starts: [Option<u32>; LEVELS],
    levels: [Option<Level>; LEVELS],
}

impl Num {
    fn restarts(&self) -> bool {
        self.starts.iter().any(Option::is_some) || self.levels.iter().any(Option::is_some)
    }
}

/// Which counters a paragraph advances: `w:num`s of one abstract list continue each other
/// (as in Word) unless one overrides a start, which makes it a list of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ListKey {
    Abstract(u32),
    Num(u32),
}

/// The list definitions of one document.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<u32, Abstract>,
    nums: HashMap<u32, Num>,
}

/// Counters per list and level, advanced in document order.
#[derive(Debug, Default)]
pub struct Counters {
    lists: HashMap<ListKey, [Option<u32>; LEVELS]>,
}

impl Numbering {
    /// Reads `numbering.xml`'s root (`w:numbering`); no part means no lists.
    pub fn read(root: Option<&Element>) -> Numbering {
        let mut numbering = Numbering::default();
        let Some(root) = root else {
            return numbering;
        };
        for element in root.elements() {
            match &*element.name {
                "abstractNum" => {
                    let Some(id) = number_attr(element, "abstractNumId") else {
                        continue;
                    };
                    let mut entry = Abstract {
                        style_link: element.child_val("numStyleLink").map(str::to_owned),
                        ..Abstract::default()
                    };
                    for lvl in element.elements().filter(|e| &*e.name == "lvl") {
                        if let Some(slot) = level_slot(lvl).and_then(|i| entry.levels.get_mut(i)) {
                            *slot = Some(read_level(lvl));
                        }
                    }
                    numbering.abstracts.insert(id, entry);
                }
                "num" => {
                    let Some(id) = number_attr(element, "numId") else {
                        continue;
                    };
                    let Some(abstract_id) = element
                        .child_val("abstractNumId")
                        .and_then(|v| v.trim().parse().ok())
                    else {
                        continue;
                    };
                    let mut entry = Num {
                        abstract_id,
                        ..Num::default()
                    };
                    for over in element.elements().filter(|e| &*e.name == "lvlOverride") {
                        let Some(i) = level_slot(over) else { continue };
                        if let Some(slot) = entry.starts.get_mut(i) {
                            *slot = over
                                .child_val("startOverride")
                                .and_then(|v| v.trim().parse().ok());
                        }
                        if let Some(slot) = entry.levels.get_mut(i) {
                            *slot = over.child("lvl").map(read_level);
                        }
                    }
                    numbering.nums.insert(id, entry);
                }
                _ => {}
            }
        }
        numbering
    }

    /// Advances the counters for a numbered paragraph and returns the label Word draws for
    /// it; `None` for bullets, numId 0 ("no list") and lists that are not defined.
    pub fn label(&self, styles: &Styles, counters: &mut Counters, num: NumRef) -> Option<String> {
        let ilvl = usize::from(num.ilvl.unwrap_or(0)).min(LEVELS - 1);
        let instance = self.nums.get(&num.num_id)?;
        let abstract_id = self.resolve_abstract(styles, instance.abstract_id);
        let base = self.abstracts.get(&abstract_id)?;
        let level_at = |i: usize| -> Option<&Level> {
            instance
                .levels
                .get(i)?
                .as_ref()
                .or(base.levels.get(i)?.as_ref())
        };
        let start_at = |i: usize| -> u32 {
            instance
                .starts
                .get(i)
                .copied()
                .flatten()
                .or(level_at(i).map(|l| l.start))
                .unwrap_or(1)
        };
        let level = level_at(ilvl)?;
        let key = if instance.restarts() {
            ListKey::Num(num.num_id)
        } else {
            ListKey::Abstract(abstract_id)
        };
        let values = counters.lists.entry(key).or_default();
        let current = values[ilvl].map_or(start_at(ilvl), |v| v.saturating_add(1));
        values[ilvl] = Some(current);
        for deeper in values.iter_mut().skip(ilvl + 1) {
            *deeper = None;
        }
        if level.fmt == NumFmt::Bullet {
            return None;
        }
        let values = *values;
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match digit {
                Some(d @ 1..=9) if c == '%' => {
                    chars.next();
                    let i = (d - 1) as usize;
                    let value = values
                        .get(i)
                        .copied()
                        .flatten()
                        .unwrap_or_else(|| start_at(i));
                    let fmt = match level_at(i).map(|l| l.fmt) {
                        Some(NumFmt::Bullet) => NumFmt::None,
                        Some(_) if level.legal => NumFmt::Decimal,
                        Some(fmt) => fmt,
                        None => NumFmt::Decimal,
                    };
                    label.push_str(&fmt.format(value));
                }
                _ => label.push(c),
            }
        }
        let label = label.trim();
        (!label.is_empty()).then(|| label.to_owned())
    }

    /// An abstract list that only links to a list style takes its levels from the list that
    /// style names (one hop, as Word writes them).
    fn resolve_abstract(&self, styles: &Styles, abstract_id: u32) -> u32 {
        let linked = self
            .abstracts
            .get(&abstract_id)
            .filter(|a| a.levels.iter().all(Option::is_none))
            .and_then(|a| a.style_link.as_deref())
            .and_then(|style| styles.numbering(Some(style)))
            .and_then(|num| self.nums.get(&num.num_id))
            .map(|num| num.abstract_id);
        linked.unwrap_or(abstract_id)
    }
}

fn number_attr(element: &Element, name: &str) -> Option<u32> {
    element.attr(name).and_then(|v| v.trim().parse().ok())
}

fn level_slot(element: &Element) -> Option<usize> {
    let i: usize = element.attr("ilvl")?.trim().parse().ok()?;
    (i < LEVELS).then_some(i)
}

fn read_level(lvl: &Element) -> Level {
    // A custom format (w14) sits in mc:AlternateContent with a plain one as the fallback.
    let fmt = lvl.child_val("numFmt").or_else(|| {
        lvl.child("AlternateContent")
            .and_then(|a| a.child("Fallback"))
            .and_then(|f| f.child_val("numFmt"))
    });
    Level {
        start: lvl
            .child_val("start")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1),
        fmt: fmt.map_or(NumFmt::Decimal, NumFmt::parse),
        text: lvl.child_val("lvlText").unwrap_or_default().to_owned(),
        legal: lvl
            .child("isLgl")
            .is_some_and(|e| e.attr("val").is_none_or(super::styles::on)),
    }
}
