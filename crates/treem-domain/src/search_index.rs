//! An in-memory index of the children's search text, for the search an
//! officer types into: every word must occur somewhere in a child's folded
//! names, ID number or birth year (exactly as the database search decides),
//! the results in Vietnamese name order with the whole phrase in the child's
//! own name first. The database answers the same question with a trigram
//! index; this answers it in a few milliseconds over a million children,
//! because what costs there — checking, counting and sorting thousands of
//! candidates — is a walk over bitsets here.
//!
//! Layout: children are ranked by (name_sort, child_id) once, at build; each
//! distinct token (a run of the search text between spaces) has a posting
//! list of ranks. A query word selects every token that contains it (a
//! substring scan over one string of all tokens), their postings are OR-ed
//! into a bitset, and the words' bitsets are AND-ed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use memchr::memmem;

/// What the index needs of one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub id: i64,
    pub unit_id: i64,
    pub child_id: String,
    pub name_sort: String,
    pub name_folded: String,
    pub search_text: String,
}

/// Tokens joined by `\n` (so a match never spans two), with where each starts.
#[derive(Debug, Default)]
struct Arena {
    text: String,
    starts: Vec<u32>,
    /// The token id (into the postings) of each token here.
    ids: Vec<u32>,
}

impl Arena {
    fn push(&mut self, token: &str, id: u32) {
        self.starts.push(self.text.len() as u32);
        self.text.push_str(token);
        self.text.push('\n');
        self.ids.push(id);
    }

    /// The ids of the tokens containing `word`.
    fn containing(&self, word: &str, out: &mut Vec<u32>) {
        let finder = memmem::Finder::new(word.as_bytes());
        let mut last = None;
        for pos in finder.find_iter(self.text.as_bytes()) {
            let i = self.starts.partition_point(|&s| s as usize <= pos) - 1;
            if last != Some(i) {
                out.push(self.ids[i]);
                last = Some(i);
            }
        }
    }
}

/// The index. Immutable once built; a newer one replaces it.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Database ids, by rank.
    ids: Vec<i64>,
    /// Unit slot (into `unit_ids`) by rank.
    units: Vec<u32>,
    unit_ids: Vec<i64>,
    /// Folded names by rank, `names[name_at[r]..name_at[r + 1]]`.
    names: String,
    name_at: Vec<u32>,
    /// Tokens with a letter, and tokens with a digit (a mixed token is in both).
    letters: Arena,
    digits: Arena,
    /// Postings: the ranks of token `t` are `post[post_at[t]..post_at[t + 1]]`.
    post: Vec<u32>,
    post_at: Vec<u32>,
    /// The bitsets of recent words: officers type the same family names,
    /// given names and birth years all day, and a word's bitset never
    /// changes in an immutable index. Bounded (about 16 MB at a million
    /// children); emptied when full.
    recent: Mutex<HashMap<String, Arc<Vec<u64>>>>,
}

/// How many words' bitsets are kept.
const RECENT_WORDS: usize = 128;

/// Whether the index can answer a query word exactly: letters and digits
/// only (other characters fall to the database, which matches them literally).
pub fn indexable(word: &str) -> bool {
    !word.is_empty() && word.chars().all(char::is_alphanumeric)
}

impl SearchIndex {
    /// Builds the index; `rows` in any order.
    pub fn build(mut rows: Vec<IndexRow>) -> Self {
        rows.sort_by(|a, b| (&a.name_sort, &a.child_id).cmp(&(&b.name_sort, &b.child_id)));
        let mut idx = SearchIndex::default();
        let mut unit_slot: HashMap<i64, u32> = HashMap::new();
        let mut token_id: HashMap<String, u32> = HashMap::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        idx.name_at.push(0);
        for (rank, row) in rows.iter().enumerate() {
            let rank = rank as u32;
            idx.ids.push(row.id);
            let next = unit_slot.len() as u32;
            let slot = *unit_slot.entry(row.unit_id).or_insert_with(|| {
                idx.unit_ids.push(row.unit_id);
                next
            });
            idx.units.push(slot);
            idx.names.push_str(&row.name_folded);
            idx.name_at.push(idx.names.len() as u32);
            let mut seen: Vec<u32> = Vec::new();
            for token in row
                .search_text
                .split(' ')
                .filter(|t| !t.is_empty() && *t != "|")
            {
                let id = match token_id.get(token) {
                    Some(&id) => id,
                    None => {
                        let id = token_id.len() as u32;
                        token_id.insert(token.to_string(), id);
                        if token.chars().any(char::is_alphabetic) {
                            idx.letters.push(token, id);
                        }
                        if token.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
                            idx.digits.push(token, id);
                        }
                        id
                    }
                };
                if !seen.contains(&id) {
                    seen.push(id);
                    pairs.push((id, rank));
                }
            }
        }
        pairs.sort_unstable();
        idx.post_at = vec![0; token_id.len() + 1];
        for &(t, _) in &pairs {
            idx.post_at[t as usize + 1] += 1;
        }
        for t in 0..token_id.len() {
            idx.post_at[t + 1] += idx.post_at[t];
        }
        idx.post = pairs.into_iter().map(|(_, r)| r).collect();
        idx
    }

    /// How many children it holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// How many children lie in the units `in_scope` accepts.
    pub fn count(&self, in_scope: impl Fn(i64) -> bool) -> usize {
        let allowed: Vec<bool> = self.unit_ids.iter().map(|&u| in_scope(u)).collect();
        self.units.iter().filter(|&&u| allowed[u as usize]).count()
    }

    /// The ranks whose search text contains `word`, as a bitset (kept for
    /// the next time the word is typed).
    fn matching(&self, word: &str) -> Arc<Vec<u64>> {
        if let Some(bits) = self.recent().get(word) {
            return bits.clone();
        }
        let bits = Arc::new(self.compute(word));
        let mut recent = self.recent();
        if recent.len() >= RECENT_WORDS {
            recent.clear();
        }
        recent.insert(word.to_string(), bits.clone());
        bits
    }

    /// The cache of recent words (a poisoned lock only means a panic while
    /// inserting; the map is still sound).
    fn recent(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Vec<u64>>>> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn compute(&self, word: &str) -> Vec<u64> {
        let mut bits = vec![0u64; self.ids.len().div_ceil(64)];
        let mut tokens = Vec::new();
        if word.chars().any(char::is_alphabetic) {
            self.letters.containing(word, &mut tokens);
        } else {
            self.digits.containing(word, &mut tokens);
        }
        for t in tokens {
            let (a, b) = (
                self.post_at[t as usize] as usize,
                self.post_at[t as usize + 1] as usize,
            );
            for &r in &self.post[a..b] {
                bits[r as usize / 64] |= 1 << (r % 64);
            }
        }
        bits
    }

    /// Children whose search text contains every word (at most eight, as
    /// the database reads them), within the units `in_scope` accepts: the
    /// ids of the page `offset..offset + limit`, and how many there are.
    /// The caller has checked every word with [`indexable`].
    pub fn search(
        &self,
        words: &[String],
        phrase: &str,
        in_scope: impl Fn(i64) -> bool,
        offset: usize,
        limit: usize,
    ) -> (Vec<i64>, usize) {
        let allowed: Vec<bool> = self.unit_ids.iter().map(|&u| in_scope(u)).collect();
        let mut bits: Option<Vec<u64>> = None;
        for w in words.iter().take(8) {
            let m = self.matching(w);
            bits = Some(match bits {
                None => m.as_ref().clone(),
                Some(mut b) => {
                    b.iter_mut().zip(m.iter()).for_each(|(x, y)| *x &= y);
                    b
                }
            });
        }
        let Some(bits) = bits else {
            return (Vec::new(), 0);
        };
        // Two runs in name order: the phrase in her own name first, then the rest.
        let mut first: Vec<u32> = Vec::new();
        let mut rest: Vec<u32> = Vec::new();
        let phrase = memmem::Finder::new(phrase.as_bytes());
        for (i, &word) in bits.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let r = i * 64 + w.trailing_zeros() as usize;
                w &= w - 1;
                if !allowed[self.units[r] as usize] {
                    continue;
                }
                let name =
                    &self.names.as_bytes()[self.name_at[r] as usize..self.name_at[r + 1] as usize];
                if phrase.find(name).is_some() {
                    first.push(r as u32);
                } else {
                    rest.push(r as u32);
                }
            }
        }
        let total = first.len() + rest.len();
        let page = first
            .iter()
            .chain(&rest)
            .skip(offset)
            .take(limit)
            .map(|&r| self.ids[r as usize])
            .collect();
        (page, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{fold, name_sort_key};

    fn row(id: i64, unit: i64, name: &str, mother: &str, national_id: &str, year: i32) -> IndexRow {
        IndexRow {
            id,
            unit_id: unit,
            child_id: format!("C{id}"),
            name_sort: name_sort_key(name),
            name_folded: fold(name),
            search_text: crate::child::search_text_of(
                &[
                    Some(name),
                    Some(mother),
                    (!national_id.is_empty()).then_some(national_id),
                ],
                year,
            ),
        }
    }

    fn words(q: &str) -> Vec<String> {
        fold(q).split_whitespace().map(str::to_string).collect()
    }

    fn find(idx: &SearchIndex, q: &str) -> (Vec<i64>, usize) {
        idx.search(&words(q), &fold(q), |_| true, 0, 50)
    }

    fn sample() -> SearchIndex {
        SearchIndex::build(vec![
            row(1, 10, "Nguyễn Thị Lập", "Đỗ Thị Hoa", "012319001234", 2019),
            row(2, 10, "Lập Văn Nguyên", "Lò Thị Mai", "", 2020),
            row(3, 11, "Giàng A Páo", "Giàng Thị Mai", "", 2021),
            row(4, 11, "Vàng Thị Mai", "Sùng Thị Dua", "", 2019),
        ])
    }

    #[test]
    fn words_anywhere_any_order_accents_ignored() {
        let idx = sample();
        assert_eq!(find(&idx, "nguyen thi lap"), (vec![1, 2], 2));
        assert_eq!(find(&idx, "LẬP nguyễn"), (vec![1, 2], 2));
        assert_eq!(find(&idx, "do thi hoa"), (vec![1], 1));
        assert_eq!(find(&idx, "012319"), (vec![1], 1));
        assert_eq!(find(&idx, "2019").1, 2, "birth year and ID digits");
        assert_eq!(find(&idx, "guy"), (vec![1, 2], 2), "part of a word");
        assert_eq!(find(&idx, "xyz"), (vec![], 0));
    }

    #[test]
    fn the_phrase_in_her_own_name_ranks_first_then_name_order() {
        let idx = sample();
        // "mai" is in 4's own name, and in the mothers' names of 2 and 3.
        let (ids, total) = find(&idx, "mai");
        assert_eq!(total, 3);
        assert_eq!(ids[0], 4);
        // Name order is given name first: Páo (3) before Nguyên (2)? "nguyen lap van" < "pao giang a".
        assert_eq!(&ids[1..], &[2, 3]);
    }

    #[test]
    fn scope_and_paging() {
        let idx = sample();
        let (ids, total) = idx.search(&words("thi"), "thi", |u| u == 11, 0, 50);
        assert_eq!((ids.len(), total), (2, 2));
        let (page, total) = idx.search(&words("thi"), "thi", |_| true, 1, 2);
        assert_eq!((page.len(), total), (2, 4));
        let (all, _) = idx.search(&words("thi"), "thi", |_| true, 0, 50);
        assert_eq!(page, all[1..3].to_vec());
        assert_eq!(idx.search(&[], "", |_| true, 0, 10), (vec![], 0));
        assert_eq!(idx.count(|u| u == 11), 2);
        assert_eq!(idx.count(|_| true), idx.len());
        assert_eq!(idx.count(|_| false), 0);
    }

    #[test]
    fn only_letters_and_digits_are_indexable() {
        assert!(indexable("nguyen") && indexable("2019") && indexable("lap2"));
        assert!(!indexable("50%") && !indexable("a_b") && !indexable("|") && !indexable(""));
    }
}
