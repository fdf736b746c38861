//! Every task's folded text (`search_text`) as a sequence of word numbers, for search.
//!
//! A text is split at its spaces into pieces (" ket noi " → "", "ket", "noi", ""), each piece
//! numbered in a dictionary shared by every copy of the index, most used first, and each number
//! stored as one character of a string (UTF-8: the 128 most used words take a byte, the next
//! 1,920 two, the rest three), the texts of 4,096 tasks in one string. At 1,000,000 tasks the
//! texts take 91 MB (380 MB as the folded strings, 153 MB as `u16` numbers), and a search
//! compares numbers instead of scanning bytes: UTF-8 never finds a character inside another, so
//! a word is looked for as its character's bytes (`memchr`'s SIMD search), and a rank reads only
//! the pieces after the words found. The answers are those of the SQL's `like` patterns
//! (`crate::domain::search`): a whole word is a piece with a space on both sides, the last word
//! of a search the start of a piece with a space before it, a phrase consecutive pieces. A
//! dictionary that overflows `u16` makes every search take the SQL path.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use memchr::memmem::Finder;

use crate::domain::search::SearchTerms;

/// Texts per chunk (as `Chunked`).
const CHUNK: usize = 4096;
/// The number given to a word once the dictionary is full.
const OVERFLOW: u16 = u16::MAX;

/// The character that stands for word `id` (numbers from the surrogates' range on are moved
/// past it, to stay characters).
fn char_of(id: u16) -> char {
    let code = u32::from(id);
    let code = if code < 0xD800 { code } else { code + 0x800 };
    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The word a character stands for (`char_of` turned around).
fn id_of(c: char) -> u16 {
    let code = u32::from(c);
    let code = if code < 0xD800 { code } else { code - 0x800 };
    u16::try_from(code).unwrap_or(OVERFLOW)
}

#[derive(Default)]
struct Words {
    ids: HashMap<Box<str>, u16>,
    list: Vec<Box<str>>,
    /// A word was given `OVERFLOW`: texts no longer tell every word apart.
    full: bool,
}

impl Words {
    fn id(&mut self, word: &str) -> u16 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        match u16::try_from(self.list.len()) {
            Ok(id) if id < OVERFLOW => {
                self.ids.insert(word.into(), id);
                self.list.push(word.into());
                id
            }
            _ => {
                self.full = true;
                OVERFLOW
            }
        }
    }
}

/// The texts of up to `CHUNK` tasks, one after the other.
#[derive(Clone, Default)]
struct TextChunk {
    text: String,
    /// Text `i` of the chunk is `text[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<u32>,
}

impl TextChunk {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(from..self.ends[i] as usize).unwrap_or("")
    }

    fn push(&mut self, coded: &str) {
        self.text.push_str(coded);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// Gives back what growing left over (a full chunk takes no more texts).
    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// The texts of one copy of the index; a clone shares the dictionary and every chunk.
#[derive(Clone, Default)]
pub struct Texts {
    words: Arc<RwLock<Words>>,
    chunks: Vec<Arc<TextChunk>>,
    len: usize,
}

impl Texts {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of the texts and their dictionary (for the log).
    pub fn heap_bytes(&self) -> usize {
        let chunks: usize = self
            .chunks
            .iter()
            .map(|c| c.text.capacity() + c.ends.capacity() * size_of::<u32>())
            .sum();
        let words = self.words.read().unwrap_or_else(PoisonError::into_inner);
        let dictionary: usize = words.list.iter().map(|w| 2 * w.len()).sum::<usize>()
            + words.ids.capacity() * (size_of::<Box<str>>() + size_of::<u16>() + 1)
            + words.list.capacity() * size_of::<Box<str>>();
        chunks + dictionary
    }

    /// Appends a text (while reading a whole copy).
    pub fn push(&mut self, text: &str) {
        let coded = self.encode(text);
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(TextChunk::default()));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            let chunk = Arc::make_mut(chunk);
            chunk.push(&coded);
            if chunk.len() == CHUNK {
                chunk.shrink();
            }
        }
        self.len += 1;
    }

    /// Numbers the words again, most used first, and stores every text again with those
    /// numbers, so that the most used words take a byte. Called
    /// once a whole copy is read, before anything shares its dictionary; chunk by chunk, so
    /// that the texts are never held twice.
    pub fn renumber_by_use(&mut self) {
        let mut words = self.words.write().unwrap_or_else(PoisonError::into_inner);
        let mut uses = vec![0u64; words.list.len()];
        for chunk in &self.chunks {
            for c in chunk.text.chars() {
                if let Some(n) = uses.get_mut(usize::from(id_of(c))) {
                    *n += 1;
                }
            }
        }
        // Stable: words used as often keep the order they were met in.
        let mut order: Vec<usize> = (0..uses.len()).collect();
        order.sort_by_key(|&id| std::cmp::Reverse(uses[id]));
        let mut renumbered = vec![OVERFLOW; uses.len()];
        for (new, &old) in order.iter().enumerate() {
            renumbered[old] = u16::try_from(new).unwrap_or(OVERFLOW);
        }
        let mut list = std::mem::take(&mut words.list);
        words.list = order
            .iter()
            .map(|&old| std::mem::take(&mut list[old]))
            .collect();
        for id in words.ids.values_mut() {
            *id = renumbered[usize::from(*id)];
        }
        let mut coded = String::new();
        for chunk in &mut self.chunks {
            let mut again = TextChunk::default();
            for i in 0..chunk.len() {
                coded.clear();
                coded.extend(chunk.get(i).chars().map(|c| {
                    let id = renumbered.get(usize::from(id_of(c))).copied();
                    char_of(id.unwrap_or(OVERFLOW))
                }));
                again.push(&coded);
            }
            again.shrink();
            *chunk = Arc::new(again);
        }
    }

    /// Replaces text `i` (which must exist), copying its chunk only when the text changed;
    /// says whether it did.
    pub fn set(&mut self, i: usize, text: &str) -> bool {
        let coded = self.encode(text);
        if self.pieces(i) == coded {
            return false;
        }
        let old = &self.chunks[i / CHUNK];
        let mut chunk = TextChunk::default();
        for j in 0..old.len() {
            if j == i % CHUNK {
                chunk.push(&coded);
            } else {
                chunk.push(old.get(j));
            }
        }
        chunk.shrink();
        self.chunks[i / CHUNK] = Arc::new(chunk);
        true
    }

    /// Text `i` as it was given (a word told apart by no number once the dictionary overflowed
    /// reads as U+FFFD).
    pub fn text(&self, i: usize) -> String {
        let words = self.words.read().unwrap_or_else(PoisonError::into_inner);
        let pieces: Vec<&str> = self
            .pieces(i)
            .chars()
            .map(|c| {
                words
                    .list
                    .get(usize::from(id_of(c)))
                    .map_or("\u{fffd}", |w| w)
            })
            .collect();
        pieces.join(" ")
    }

    /// Text `i` as coded: a character a piece.
    fn pieces(&self, i: usize) -> &str {
        self.chunks[i / CHUNK].get(i % CHUNK)
    }

    fn encode(&self, text: &str) -> String {
        let mut words = self.words.write().unwrap_or_else(PoisonError::into_inner);
        text.split(' ')
            .map(|piece| char_of(words.id(piece)))
            .collect()
    }

    /// A search made ready for these texts; None when the dictionary overflowed (the caller
    /// answers from SQL).
    pub fn compile(&self, terms: &SearchTerms) -> Option<Compiled> {
        let words = self.words.read().unwrap_or_else(PoisonError::into_inner);
        if words.full {
            return None;
        }
        let typed = terms.words();
        let last = typed.last()?;
        let prefix: Vec<bool> = words
            .list
            .iter()
            .map(|w| w.starts_with(last.as_str()))
            .collect();
        let whole: Vec<Option<u16>> = typed[..typed.len() - 1]
            .iter()
            .map(|w| words.ids.get(w.as_str()).copied())
            .collect();
        let begun_ids: Vec<u16> = prefix
            .iter()
            .enumerate()
            .filter(|(_, begins)| **begins)
            .filter_map(|(id, _)| u16::try_from(id).ok())
            .collect();
        let begun = (begun_ids.len() <= FEW_BEGUN).then_some(begun_ids);
        Some(Compiled {
            whole_finders: whole.iter().map(|w| w.map(finder)).collect(),
            begun_finders: begun.map(|few| few.into_iter().map(finder).collect()),
            whole,
            prefix,
        })
    }

    /// Whether text `i` answers the search (`SearchTerms::matches` on the text). Most texts
    /// lack the first word, so each word is looked for on its own (a vectorised scan that
    /// stops at the first missing one).
    pub fn matches(&self, i: usize, search: &Compiled) -> bool {
        let coded = self.pieces(i);
        // Pieces with a space before them (all but the first) and after them (all but the last).
        let first = coded.chars().next().map_or(0, char::len_utf8);
        let last = coded.chars().next_back().map_or(0, char::len_utf8);
        let spaced_before = coded.get(first..).unwrap_or("");
        let inner = spaced_before
            .get(..spaced_before.len().saturating_sub(last))
            .unwrap_or("");
        let (inner, spaced_before) = (inner.as_bytes(), spaced_before.as_bytes());
        search
            .whole_finders
            .iter()
            .all(|w| w.as_ref().is_some_and(|w| w.find(inner).is_some()))
            && match &search.begun_finders {
                Some(few) => few.iter().any(|w| w.find(spaced_before).is_some()),
                None => any_piece(spaced_before, |id| search.starts(id)),
            }
    }

    /// How well text `i` answers (`SearchTerms::rank` on the text): the phrase weighs as many
    /// as the words, each pair of neighbouring words one. A search ranks every task it finds,
    /// so the text is not decoded: each word of the search is found where it stands (SIMD),
    /// and only the pieces after it are read.
    pub fn rank(&self, i: usize, search: &Compiled) -> i32 {
        let coded = self.pieces(i).as_bytes();
        let count = search.whole.len() + 1;
        // The first piece has no space before it: a word there counts for nothing.
        let Some((_, first)) = piece_at(coded, 0) else {
            return 0;
        };
        if count < 2 {
            return 0;
        }
        let pairs = count - 1;
        let mut score = 0;
        for k in 0..pairs {
            let Some(finder) = &search.whole_finders[k] else {
                continue;
            };
            let found = finder.find_iter(coded).any(|at| {
                let next_at = at + finder.needle().len();
                let Some((next, width)) = piece_at(coded, next_at).filter(|_| at >= first) else {
                    return false;
                };
                if k == pairs - 1 {
                    // `% a b%`: the last word begun.
                    search.starts(next)
                } else {
                    // `% a b %`: b whole, with a space after it.
                    search.whole[k + 1] == Some(next) && next_at + width < coded.len()
                }
            });
            if found {
                score += 1;
            }
        }
        // `% w1 … wn%`: a run, all but the last whole, the last begun.
        let phrase = search.whole_finders[0].as_ref().is_some_and(|finder| {
            finder.find_iter(coded).filter(|&at| at >= first).any(|at| {
                let mut pos = at;
                for word in &search.whole {
                    match piece_at(coded, pos) {
                        Some((piece, width)) if Some(piece) == *word => pos += width,
                        _ => return false,
                    }
                }
                piece_at(coded, pos).is_some_and(|(piece, _)| search.starts(piece))
            })
        });
        if phrase {
            score += i32::try_from(count).unwrap_or(i32::MAX);
        }
        score
    }
}

/// The word number of the piece that starts at byte `at` of a coded text, and its width.
fn piece_at(coded: &[u8], at: usize) -> Option<(u16, usize)> {
    let b = *coded.get(at)?;
    let width = match b {
        0..0x80 => return Some((u16::from(b), 1)),
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(coded.get(at..at + width)?)
        .ok()?
        .chars()
        .next()?;
    Some((id_of(c), width))
}

/// Whether any piece of a coded text satisfies `f`; the common words (a byte) without decoding.
fn any_piece(bytes: &[u8], f: impl Fn(u16) -> bool) -> bool {
    let mut at = 0;
    while let Some((piece, width)) = piece_at(bytes, at) {
        if f(piece) {
            return true;
        }
        at += width;
    }
    false
}

/// A search's words as numbers of the dictionary.
pub struct Compiled {
    /// Every word but the last (None: in no text).
    whole: Vec<Option<u16>>,
    /// Whether the word of each number begins with the last word.
    prefix: Vec<bool>,
    /// The coded character of each of `whole` (None: in no text), made ready to be looked for
    /// in every text.
    whole_finders: Vec<Option<Finder<'static>>>,
    /// Likewise the numbers beginning with the last word, when they are few (then each is
    /// looked for like a whole word).
    begun_finders: Option<Vec<Finder<'static>>>,
}

/// A word's coded character as a ready search (SIMD, set up once per search, not per text).
fn finder(id: u16) -> Finder<'static> {
    let mut bytes = [0u8; 4];
    Finder::new(char_of(id).encode_utf8(&mut bytes).as_bytes()).into_owned()
}

/// Up to how many words beginning with the last word are looked for one by one.
const FEW_BEGUN: usize = 4;

impl Compiled {
    fn starts(&self, piece: u16) -> bool {
        self.prefix
            .get(usize::from(piece))
            .copied()
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(all: &[&str]) -> Texts {
        let mut texts = Texts::default();
        for t in all {
            texts.push(t);
        }
        texts
    }

    /// Every text of `t` (which holds `all`) matches and ranks `query` as the patterns do.
    fn assert_answers_as_the_patterns(t: &Texts, all: &[&str], query: &str) {
        let terms = SearchTerms::parse(query).expect("words");
        let compiled = t.compile(&terms).expect("dictionary");
        for (i, text) in all.iter().enumerate() {
            assert_eq!(
                t.matches(i, &compiled),
                terms.matches(text),
                "{query:?} in {text:?}"
            );
            assert_eq!(
                t.rank(i, &compiled),
                terms.rank(text),
                "{query:?} in {text:?}"
            );
        }
    }

    #[test]
    fn whole_words_prefixes_and_phrases_answer_as_the_like_patterns_do() {
        let all = [
            " ket noi du lieu dan cu ",
            " ket noi du lieu dan cuc ",
            " ket noi dung lieu dan cu ",
            " huong dan ve du lieu cua cuc ",
            " du lieu, dan cu ",
            "du lieu dan cu",
        ];
        let t = texts(&all);
        for query in [
            "du lieu dan cu",
            "dan cu",
            "du",
            "lieu dan",
            "ket noi du",
            "cu",
        ] {
            assert_answers_as_the_patterns(&t, &all, query);
        }
    }

    #[test]
    fn a_changed_text_is_copied_into_its_own_chunk_only() {
        let mut t = texts(&[" a b ", " c d "]);
        let before = t.clone();
        t.set(1, " c d ");
        assert!(Arc::ptr_eq(&t.chunks[0], &before.chunks[0]), "unchanged");
        t.set(1, " c e ");
        let search = SearchTerms::parse("e").expect("words");
        assert!(t.matches(1, &t.compile(&search).expect("dictionary")));
        assert!(!before.matches(1, &before.compile(&search).expect("dictionary")));
        assert!(
            t.matches(
                0,
                &t.compile(&SearchTerms::parse("a b").expect("w"))
                    .expect("d")
            )
        );
    }

    /// Share of the texts from `from` on stored a byte a word.
    fn narrow_share(t: &Texts, from: usize) -> f64 {
        let narrow = (from..t.len()).filter(|&i| t.pieces(i).is_ascii()).count();
        narrow as f64 / (t.len() - from) as f64
    }

    #[test]
    fn words_numbered_most_used_first_take_a_byte_and_search_the_same() {
        // 300 rare words met first, each in one text; then 1,000 texts of common words (and
        // 300 words fill more than the 128 numbers of a byte).
        let rare: Vec<String> = (0..300).map(|n| format!(" hiem{n} ")).collect();
        let common: Vec<String> = (0..1000)
            .map(|n| format!(" ket noi du lieu dan cu {} ", ["a", "b", "c"][n % 3]))
            .collect();
        let all: Vec<&str> = rare.iter().chain(&common).map(String::as_str).collect();
        let mut t = texts(&all);
        assert_eq!(narrow_share(&t, 300), 0.0, "common words numbered past 127");
        let bytes = t.heap_bytes();
        t.renumber_by_use();
        assert_eq!(narrow_share(&t, 300), 1.0);
        assert!(
            t.heap_bytes() < bytes * 2 / 3,
            "{} → {}",
            bytes,
            t.heap_bytes()
        );
        for query in [
            "du lieu dan",
            "hiem29",
            "hiem299",
            "cu a",
            "noi du lieu dan cu c",
        ] {
            assert_answers_as_the_patterns(&t, &all, query);
        }
        // A text set after renumbering keeps its own words, new ones included.
        t.set(5, " du lieu moi hoan toan ");
        let terms = SearchTerms::parse("moi hoan").expect("words");
        let compiled = t.compile(&terms).expect("dictionary");
        assert!(t.matches(5, &compiled) && !t.matches(6, &compiled));
        // Every text reads back as it was given, renumbered or set.
        assert_eq!(t.text(5), " du lieu moi hoan toan ");
        for i in (0..all.len()).filter(|&i| i != 5) {
            assert_eq!(t.text(i), all[i]);
        }
    }

    #[test]
    fn every_word_number_has_its_own_character() {
        for id in 0..=u16::MAX {
            assert_eq!(id_of(char_of(id)), id);
        }
    }

    #[test]
    fn an_overflowing_dictionary_sends_searches_to_sql() {
        let mut t = Texts::default();
        for n in 0..=usize::from(OVERFLOW) {
            t.push(&format!(" w{n} "));
        }
        assert!(
            t.compile(&SearchTerms::parse("w1").expect("words"))
                .is_none()
        );
    }

    proptest! {
        #[test]
        fn random_texts_and_searches_agree_with_the_patterns(
            all in prop::collection::vec(prop::collection::vec(
                prop::sample::select(vec!["du", "dung", "lieu", "dan", "danh", "cu", "cuc", "a", "lieu,", ""]), 0..9), 1..12),
            query in prop::collection::vec(prop::sample::select(vec!["du", "lieu", "dan", "cu", "a", "d", "li"]), 1..4),
            padded in any::<bool>(),
            renumbered in any::<bool>(),
        ) {
            let all: Vec<String> = all
                .iter()
                .map(|w| if padded { format!(" {} ", w.join(" ")) } else { w.join(" ") })
                .collect();
            let mut t = texts(&all.iter().map(String::as_str).collect::<Vec<_>>());
            if renumbered {
                t.renumber_by_use();
            }
            let terms = SearchTerms::parse(&query.join(" ")).expect("words");
            let compiled = t.compile(&terms).expect("dictionary");
            for (i, text) in all.iter().enumerate() {
                prop_assert_eq!(t.matches(i, &compiled), terms.matches(text), "{:?} in {:?}", query, text);
                prop_assert_eq!(t.rank(i, &compiled), terms.rank(text), "{:?} in {:?}", query, text);
            }
        }
    }
}
