//! How much a data set may hold once unpacked — decompressed bytes, a
//! workbook's shared strings and cells — counted while the bytes stream, so
//! that a small hostile file (a zip bomb, a workbook of twenty million
//! strings, one entry name repeated) is refused with a clear message before
//! it can fill the server's memory.

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::raw::SourceError;

/// The limits of one data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of all its files together once decompressed.
    pub max_unzipped_bytes: u64,
    /// Distinct strings of a workbook (each is held in memory while the
    /// workbook is read).
    pub max_shared_strings: u64,
    /// Cells of a workbook, all sheets together.
    pub max_cells: u64,
}

impl Default for Limits {
    /// For the operator's `treem import`: a nation's data set fits.
    fn default() -> Self {
        Limits {
            max_unzipped_bytes: 64 << 30,
            max_shared_strings: 5_000_000,
            max_cells: 500_000_000,
        }
    }
}

impl Limits {
    /// For a file uploaded through the web: a commune's or a province's
    /// data set fits (about 200,000 children with their measurements),
    /// and the server stays small whatever is sent.
    pub fn upload() -> Self {
        Limits {
            max_unzipped_bytes: 512 << 20,
            max_shared_strings: 1_000_000,
            max_cells: 40_000_000,
        }
    }
}

/// What is left of a limit, shared by the threads that read a data set.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    left: Arc<AtomicU64>,
    what: &'static str,
    limit: u64,
}

impl Budget {
    pub(crate) fn new(limit: u64, what: &'static str) -> Self {
        Budget {
            left: Arc::new(AtomicU64::new(limit)),
            what,
            limit,
        }
    }

    /// Takes `n` from what is left; an error once the limit is passed.
    pub(crate) fn take(&self, n: u64) -> Result<(), SourceError> {
        let before = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(n));
        match before {
            Ok(_) => Ok(()),
            Err(_) => Err(SourceError::TooMuch(self.what.to_string(), self.limit)),
        }
    }
}

/// A reader that takes every byte it gives from a budget.
pub(crate) struct Counted<R> {
    pub inner: R,
    pub budget: Budget,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.take(n as u64).map_err(std::io::Error::other)?;
        Ok(n)
    }
}

/// The error behind an I/O error: a passed limit stays itself, anything
/// else is a damaged zip.
pub(crate) fn from_io(e: std::io::Error) -> SourceError {
    let text = e.to_string();
    match e.into_inner().map(|inner| inner.downcast::<SourceError>()) {
        Some(Ok(limit)) => *limit,
        _ => SourceError::Zip(text),
    }
}

/// Refuses a zip in which two entries have one name (which of them would
/// be read is anyone's guess, and each may be a bomb of its own).
pub(crate) fn unique_names(zip: &mut zip::ZipArchive<Cursor<&Vec<u8>>>) -> Result<(), SourceError> {
    // The zip reader keeps one entry of a repeated name: the directory's
    // own count of entries says whether others were there.
    let bytes: &Vec<u8> = zip.clone().into_inner().into_inner();
    if let Some(listed) = directory_count(bytes)
        && listed != zip.len()
    {
        let name = zip
            .file_names()
            .next()
            .and_then(Result::ok)
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(SourceError::DuplicateEntry(name));
    }
    let mut seen = HashSet::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| SourceError::Zip(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| SourceError::Zip(e.to_string()))?
            .to_string();
        if !seen.insert(name.to_lowercase()) {
            return Err(SourceError::DuplicateEntry(name));
        }
    }
    Ok(())
}

/// The number of entries the end of a zip's central directory declares
/// (none for a zip64 archive, whose count lives elsewhere).
fn directory_count(bytes: &[u8]) -> Option<usize> {
    let start = bytes.len().saturating_sub(22 + 65_535);
    let at = memchr::memmem::rfind(&bytes[start..], b"PK\x05\x06")? + start;
    let field = bytes.get(at + 10..at + 12)?;
    let n = u16::from_le_bytes([field[0], field[1]]);
    (n != u16::MAX).then_some(usize::from(n))
}

/// Checks a workbook before it is opened (opening it reads every shared
/// string into memory): every entry decompressed and counted against the
/// byte limit, and the shared strings counted against theirs.
pub(crate) fn check_workbook(bytes: &Vec<u8>, limits: &Limits) -> Result<(), SourceError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SourceError::Zip(e.to_string()))?;
    unique_names(&mut zip)?;
    let budget = Budget::new(limits.max_unzipped_bytes, "unzipped");
    let strings = Budget::new(limits.max_shared_strings, "shared strings");
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| SourceError::Zip(e.to_string()))?;
        let shared = entry
            .name()
            .is_ok_and(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"));
        let mut reader = Counted {
            inner: entry,
            budget: budget.clone(),
        };
        let mut buf = vec![0u8; 64 * 1024];
        // The tail of the previous chunk, so a tag split across two chunks
        // is still seen.
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let n = reader.read(&mut buf).map_err(from_io)?;
            if n == 0 {
                break;
            }
            if shared {
                carry.extend_from_slice(&buf[..n]);
                let found = memchr::memmem::find_iter(&carry, b"<si").count() as u64;
                strings.take(found)?;
                let keep = carry.len().min(2);
                carry.drain(..carry.len() - keep);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_refuses_past_its_limit_across_threads() {
        let b = Budget::new(1000, "unzipped");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = b.clone();
                std::thread::spawn(move || (0..100).filter(|_| b.take(5).is_ok()).count())
            })
            .collect();
        let taken: usize = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
        assert_eq!(taken, 200);
        assert!(matches!(b.take(1), Err(SourceError::TooMuch(_, 1000))));
    }
}
