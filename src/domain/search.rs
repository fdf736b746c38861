//! What the search box asks for, and how well a task's text answers it.
//!
//! A task is searched by its folded words (`search_text`: no diacritics, lower case, padded with
//! spaces, " ket noi du lieu dan cu "). Vietnamese words are syllables separated by spaces, and
//! people type them without diacritics: "dan" finds "dân" (and "dẫn", which folds the same) but
//! not "danh", "du" finds "dữ" but not "dụng". So every word but the last is a whole syllable; the
//! last may be the beginning of one, since the user may still be typing it ("cu" → "Cục"). Tasks where the words stand
//! together, in the order typed, come before those where they are scattered.

use super::text::fold;

/// The folded words of a search, the last possibly unfinished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    words: Vec<String>,
    /// What `matches` looks for in a text, and what `rank` counts with its weight: the `like`
    /// patterns without their `%`s, made once (a search tests every task's text).
    needles: Vec<String>,
    rank_needles: Vec<(String, i32)>,
}

/// The most words a search uses (a pasted paragraph is cut, not refused).
const MAX_WORDS: usize = 16;

impl SearchTerms {
    /// The terms of a search box's text; None when it has no word at all.
    pub fn parse(text: &str) -> Option<SearchTerms> {
        let words: Vec<String> = fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(str::to_owned)
            .collect();
        if words.is_empty() {
            return None;
        }
        let mut terms = SearchTerms {
            words,
            needles: Vec::new(),
            rank_needles: Vec::new(),
        };
        terms.needles = terms.word_patterns().iter().map(|p| needle(p)).collect();
        terms.rank_needles = terms
            .rank_patterns()
            .iter()
            .map(|(p, weight)| (needle(p), *weight))
            .collect();
        Some(terms)
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// One `like` pattern per word, every one of which a match must satisfy: ` word ` for a
    /// whole syllable, ` word` for the last (a prefix).
    pub fn word_patterns(&self) -> Vec<String> {
        let last = self.words.len() - 1;
        self.words
            .iter()
            .enumerate()
            .map(|(i, word)| pattern(&[word.as_str()], i == last))
            .collect()
    }

    /// The `like` patterns that rank a match: the whole search as a phrase, then each pair of
    /// neighbouring words. Empty for a single word (nothing to rank by).
    pub fn rank_patterns(&self) -> Vec<(String, i32)> {
        if self.words.len() < 2 {
            return Vec::new();
        }
        let words: Vec<&str> = self.words.iter().map(String::as_str).collect();
        let last = words.len() - 2;
        // The phrase outweighs all pairs together, so it decides first.
        let phrase_weight = i32::try_from(words.len()).unwrap_or(i32::MAX);
        std::iter::once((pattern(&words, true), phrase_weight))
            .chain(
                words
                    .windows(2)
                    .enumerate()
                    .map(|(i, pair)| (pattern(pair, i == last), 1)),
            )
            .collect()
    }

    /// Whether a task's `search_text` matches (the same test as the SQL's `like`s).
    pub fn matches(&self, search_text: &str) -> bool {
        self.needles
            .iter()
            .all(|n| search_text.contains(n.as_str()))
    }

    /// How well a matching text answers: higher first (the same sum as the SQL's ordering).
    pub fn rank(&self, search_text: &str) -> i32 {
        self.rank_needles
            .iter()
            .filter(|(n, _)| search_text.contains(n.as_str()))
            .map(|(_, weight)| weight)
            .sum()
    }
}

/// `% w1 w2 … wn %` (or without the closing space when the last word may be unfinished), with
/// `like`'s wildcards escaped.
fn pattern(words: &[&str], open_end: bool) -> String {
    let escaped: Vec<String> = words
        .iter()
        .map(|w| {
            w.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        })
        .collect();
    let end = if open_end { "%" } else { " %" };
    format!("% {}{end}", escaped.join(" "))
}

/// What a text containing it matches a pattern made by `pattern` (the words hold no
/// wildcards, being alphanumeric, so `like` reduces to containing the text between the `%`s).
fn needle(pattern: &str) -> String {
    pattern
        .strip_prefix('%')
        .and_then(|p| p.strip_suffix('%'))
        .unwrap_or(pattern)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> SearchTerms {
        SearchTerms::parse(text).expect("words")
    }

    #[test]
    fn words_are_folded_and_punctuation_separates_them() {
        assert_eq!(
            terms("  Kết nối, DỮ-LIỆU dân cư ").words(),
            ["ket", "noi", "du", "lieu", "dan", "cu"]
        );
        assert_eq!(SearchTerms::parse(" ,;. "), None);
    }

    #[test]
    fn every_word_but_the_last_is_a_whole_syllable() {
        let search = terms("ket noi du lieu dan cu");
        assert!(search.matches(" ket noi du lieu dan cu "));
        // "cu" may still be typed into "Cục": the last word is a prefix.
        assert!(search.matches(" ket noi du lieu dan cuc "));
        // "du" is not "dụng", "dan" is not "dẫn" … as the start of another syllable.
        assert!(!search.matches(" ket noi dung lieu dan cu "));
        assert!(!search.matches(" ket noi du lieu danh cu "));
    }

    #[test]
    fn words_standing_together_rank_before_scattered_ones() {
        let search = terms("du lieu dan cu");
        let together = " ket noi co so du lieu quoc gia ve dan cu ";
        let phrase = " xay dung co so du lieu dan cu ";
        let scattered = " huong dan ve du lieu cua cuc ";
        assert!(search.matches(together) && search.matches(phrase) && search.matches(scattered));
        assert!(search.rank(phrase) > search.rank(together));
        assert!(search.rank(together) > search.rank(scattered));
        assert_eq!(terms("du").rank(phrase), 0, "one word: nothing to rank by");
    }

    #[test]
    fn patterns_escape_like_wildcards_and_leave_the_last_word_open() {
        assert_eq!(terms("ab cd").word_patterns(), ["% ab %", "% cd%"]);
        assert_eq!(
            terms("ab cd ef").rank_patterns(),
            [
                ("% ab cd ef%".to_owned(), 3),
                ("% ab cd %".to_owned(), 1),
                ("% cd ef%".to_owned(), 1)
            ]
        );
        // Folding keeps only alphanumerics, so wildcards never reach a pattern unescaped.
        assert_eq!(terms("50% _x").word_patterns(), ["% 50 %", "% x%"]);
    }

    #[test]
    fn a_pasted_paragraph_is_cut_to_the_first_words() {
        let long = "tu ".repeat(100);
        assert_eq!(terms(&long).words().len(), MAX_WORDS);
    }
}
