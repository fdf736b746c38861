//! A vector in shared chunks: a copy shares every chunk with the original until one is written,
//! and then copies that chunk alone. The task index patches a few tasks at a time into a new
//! copy while requests still read the old one; with a flat vector each patch would copy all of
//! it (38 MB at 1,000,000 tasks), with chunks it copies a few 4,096-task chunks.

use std::ops::Index;
use std::sync::Arc;

/// Items per chunk: small enough that a patch copies little, large enough that a pass over
/// every item runs as over a flat vector.
const CHUNK: usize = 4096;

#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Clone for Chunked<T> {
    fn clone(&self) -> Self {
        Chunked {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

/// Built item by item (`push`), so a copy read in batches is never also held as one flat vector.
impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut chunked = Chunked::default();
        for item in items {
            chunked.push(item);
        }
        chunked
    }
}

impl<T: Clone> Chunked<T> {
    /// Appends an item (while a copy is built: its last chunk is its own then).
    pub fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            Arc::make_mut(chunk).push(item);
            self.len += 1;
        }
    }
}

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The position of the item whose key is `key`, the items being sorted by key.
    pub fn binary_search_by_key<K: Ord>(
        &self,
        key: &K,
        f: impl Fn(&T) -> K,
    ) -> Result<usize, usize> {
        self.binary_search_in(0.., key, f)
    }

    /// `binary_search_by_key` among the items from `from.start` on.
    pub fn binary_search_in<K: Ord>(
        &self,
        from: std::ops::RangeFrom<usize>,
        key: &K,
        f: impl Fn(&T) -> K,
    ) -> Result<usize, usize> {
        let (mut low, mut high) = (from.start.min(self.len), self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            match f(&self[mid]).cmp(key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }
}

impl<T: Clone> Chunked<T> {
    /// Replaces item `i` (which must exist), copying its chunk first if it is shared.
    pub fn set(&mut self, i: usize, value: T) {
        let chunk = Arc::make_mut(&mut self.chunks[i / CHUNK]);
        chunk[i % CHUNK] = value;
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = std::iter::FlatMap<
        std::slice::Iter<'a, Arc<Vec<T>>>,
        std::slice::Iter<'a, T>,
        fn(&'a Arc<Vec<T>>) -> std::slice::Iter<'a, T>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks
            .iter()
            .flat_map(|chunk: &'a Arc<Vec<T>>| chunk.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_chunks_until_one_is_written() {
        let items: Vec<u32> = (0..10_000).collect();
        let original: Chunked<u32> = items.iter().copied().collect();
        assert_eq!(original.len(), 10_000);
        assert_eq!(original.iter().copied().collect::<Vec<_>>(), items);
        assert_eq!((&original).into_iter().count(), 10_000);
        assert_eq!(original[4096], 4096);
        assert_eq!(original.get(10_000), None);
        assert_eq!(original.binary_search_by_key(&5000, |&x| x), Ok(5000));
        assert_eq!(original.binary_search_by_key(&20_000, |&x| x), Err(10_000));
        assert_eq!(original.binary_search_in(6000.., &7000, |&x| x), Ok(7000));
        assert_eq!(original.binary_search_in(6000.., &5000, |&x| x), Err(6000));

        let mut copy = original.clone();
        copy.set(5000, 7);
        assert_eq!(copy[5000], 7);
        assert_eq!(original[5000], 5000, "the original is untouched");
        assert!(Arc::ptr_eq(&copy.chunks[0], &original.chunks[0]));
        assert!(!Arc::ptr_eq(&copy.chunks[1], &original.chunks[1]));
        assert!(Arc::ptr_eq(&copy.chunks[2], &original.chunks[2]));
    }

    #[test]
    fn an_empty_vector_has_no_chunks() {
        let empty: Chunked<u8> = Vec::new().into_iter().collect();
        assert!(empty.is_empty());
        assert_eq!(empty.iter().count(), 0);
        assert_eq!(empty.binary_search_by_key(&1, |&x| x), Err(0));
    }
}
