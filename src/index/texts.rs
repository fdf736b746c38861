//! Every task's folded text (`search_text`) as a sequence of word numbers, for search.
//!
//! A text is split at its spaces into pieces (" ket noi " → "", "ket", "noi", ""), each piece
//! numbered in a dictionary shared by every copy of the index, and stored as `u16`s in chunks
//! of 4,096 tasks. At 1,000,000 tasks the texts take 155 MB so instead of 380 MB as strings, and
//! a search compares numbers instead of scanning bytes. The answers are those of the SQL's
//! `like` patterns (`crate::domain::search`): a whole word is a piece with a space on both
//! sides, the last word of a search the start of a piece with a space before it, a phrase
//! consecutive pieces. A dictionary that overflows `u16` makes every search take the SQL path.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::domain::search::SearchTerms;

/// Texts per chunk (as `Chunked`).
const CHUNK: usize = 4096;
/// The number given to a word once the dictionary is full.
const OVERFLOW: u16 = u16::MAX;

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

#[derive(Clone, Default)]
struct TextChunk {
    pieces: Vec<u16>,
    /// Text `i` of the chunk is `pieces[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<u32>,
}

impl TextChunk {
    fn get(&self, i: usize) -> &[u16] {
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.pieces[from..self.ends[i] as usize]
    }

    fn push(&mut self, pieces: &[u16]) {
        self.pieces.extend_from_slice(pieces);
        self.ends
            .push(u32::try_from(self.pieces.len()).unwrap_or(u32::MAX));
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

    /// Appends a text (while reading a whole copy).
    pub fn push(&mut self, text: &str) {
        let pieces = self.encode(text);
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(TextChunk::default()));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            Arc::make_mut(chunk).push(&pieces);
        }
        self.len += 1;
    }

    /// Replaces text `i` (which must exist), copying its chunk only when the text changed;
    /// says whether it did.
    pub fn set(&mut self, i: usize, text: &str) -> bool {
        let pieces = self.encode(text);
        if self.pieces(i) == pieces.as_slice() {
            return false;
        }
        let old = &self.chunks[i / CHUNK];
        let mut chunk = TextChunk::default();
        for j in 0..old.ends.len() {
            if j == i % CHUNK {
                chunk.push(&pieces);
            } else {
                chunk.push(old.get(j));
            }
        }
        self.chunks[i / CHUNK] = Arc::new(chunk);
        true
    }

    fn pieces(&self, i: usize) -> &[u16] {
        self.chunks[i / CHUNK].get(i % CHUNK)
    }

    fn encode(&self, text: &str) -> Vec<u16> {
        let mut words = self.words.write().unwrap_or_else(PoisonError::into_inner);
        text.split(' ').map(|piece| words.id(piece)).collect()
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
        let mut whole_words = vec![false; words.list.len()];
        for w in whole.iter().flatten() {
            whole_words[usize::from(*w)] = true;
        }
        Some(Compiled {
            whole,
            whole_words,
            prefix,
            begun,
        })
    }

    /// Whether text `i` answers the search (`SearchTerms::matches` on the text). Most texts
    /// lack the first word, so each word is looked for on its own (a vectorised scan that
    /// stops at the first missing one).
    pub fn matches(&self, i: usize, search: &Compiled) -> bool {
        let pieces = self.pieces(i);
        let n = pieces.len();
        // Pieces with a space before them (all but the first) and after them (all but the last).
        let inner = pieces.get(1..n.saturating_sub(1)).unwrap_or(&[]);
        let spaced_before = pieces.get(1..).unwrap_or(&[]);
        search
            .whole
            .iter()
            .all(|w| w.is_some_and(|w| inner.contains(&w)))
            && match &search.begun {
                Some(few) => few.iter().any(|w| spaced_before.contains(w)),
                None => spaced_before.iter().any(|&p| search.starts(p)),
            }
    }

    /// How well text `i` answers (`SearchTerms::rank` on the text): the phrase weighs as many
    /// as the words, each pair of neighbouring words one. One pass over the pieces.
    pub fn rank(&self, i: usize, search: &Compiled) -> i32 {
        let count = search.whole.len() + 1;
        if count < 2 {
            return 0;
        }
        let pieces = self.pieces(i);
        let n = pieces.len();
        let pairs = count - 1;
        // Bit k < pairs: pair k found; bit `pairs`: the phrase.
        let all = (1u32 << (pairs + 1)) - 1;
        let mut found = 0u32;
        // Pieces after a space (j ≥ 1) that have a following piece.
        for j in 1..n.saturating_sub(1) {
            // Most pieces are none of the search's words: one lookup passes them by.
            if !search.is_whole(pieces[j]) {
                continue;
            }
            let p = Some(pieces[j]);
            for pair in 0..pairs {
                if found & (1 << pair) != 0 || search.whole[pair] != p {
                    continue;
                }
                let next = pieces[j + 1];
                let hit = if pair == pairs - 1 {
                    // `% a b%`: the last word begun.
                    search.starts(next)
                } else {
                    // `% a b %`: b whole, with a space after it.
                    j + 2 < n && search.whole[pair + 1] == Some(next)
                };
                if hit {
                    found |= 1 << pair;
                }
            }
            // `% w1 … wn%`: a run starting here, all but the last whole, the last begun.
            if found & (1 << pairs) == 0
                && search.whole[0] == p
                && n - j >= count
                && search
                    .whole
                    .iter()
                    .enumerate()
                    .all(|(k, w)| *w == Some(pieces[j + k]))
                && search.starts(pieces[j + count - 1])
            {
                found |= 1 << pairs;
            }
            if found == all {
                break;
            }
        }
        let phrase = if found & (1 << pairs) != 0 {
            i32::try_from(count).unwrap_or(i32::MAX)
        } else {
            0
        };
        let pairs_found = i32::try_from((found & ((1 << pairs) - 1)).count_ones()).unwrap_or(0);
        phrase + pairs_found
    }
}

/// A search's words as numbers of the dictionary.
pub struct Compiled {
    /// Every word but the last (None: in no text).
    whole: Vec<Option<u16>>,
    /// Whether the word of each number is one of them.
    whole_words: Vec<bool>,
    /// Whether the word of each number begins with the last word.
    prefix: Vec<bool>,
    /// Those numbers, when they are few (then each is looked for like a whole word).
    begun: Option<Vec<u16>>,
}

/// Up to how many words beginning with the last word are looked for one by one.
const FEW_BEGUN: usize = 4;

impl Compiled {
    fn is_whole(&self, piece: u16) -> bool {
        self.whole_words
            .get(usize::from(piece))
            .copied()
            .unwrap_or(false)
    }

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
        ) {
            let all: Vec<String> = all
                .iter()
                .map(|w| if padded { format!(" {} ", w.join(" ")) } else { w.join(" ") })
                .collect();
            let t = texts(&all.iter().map(String::as_str).collect::<Vec<_>>());
            let terms = SearchTerms::parse(&query.join(" ")).expect("words");
            let compiled = t.compile(&terms).expect("dictionary");
            for (i, text) in all.iter().enumerate() {
                prop_assert_eq!(t.matches(i, &compiled), terms.matches(text), "{:?} in {:?}", query, text);
                prop_assert_eq!(t.rank(i, &compiled), terms.rank(text), "{:?} in {:?}", query, text);
            }
        }
    }
}
