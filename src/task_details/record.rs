//! A task detail as written to the file of `super::TaskDetails`: a four-byte header (the
//! packed length, with `STORED_RAW` when not deflated), then MessagePack deflated against the
//! dictionary of the first details kept.

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::db::tasks::TaskDetail;

/// The header's bit for a detail stored before the dictionary existed (not deflated).
const STORED_RAW: u32 = 1 << 31;

/// The record of a packed detail: deflated against `dictionary` when there is one.
pub(super) fn encode(raw: Vec<u8>, dictionary: Option<&[u8]>) -> Option<Vec<u8>> {
    let raw_len = u32::try_from(raw.len())
        .ok()
        .filter(|n| n & STORED_RAW == 0)?;
    let (header, body) = match dictionary {
        Some(dictionary) => (raw_len, deflate(&raw, dictionary)?),
        None => (raw_len | STORED_RAW, raw),
    };
    let mut record = Vec::with_capacity(4 + body.len());
    record.extend_from_slice(&header.to_le_bytes());
    record.extend_from_slice(&body);
    Some(record)
}

/// The detail `encode` wrote; None should it not decode (it then counts as not kept).
pub(super) fn decode(record: &[u8], dictionary: Option<&[u8]>) -> Option<TaskDetail> {
    let (header, body) = record.split_at_checked(4)?;
    let header = u32::from_le_bytes(header.try_into().ok()?);
    if header & STORED_RAW != 0 {
        return unpack(body);
    }
    let raw_len = usize::try_from(header).ok()?;
    unpack(&inflate(body, raw_len, dictionary?)?)
}

/// A detail as kept, before deflating: MessagePack with structs as arrays, not JSON, because a
/// task page decodes it on every visit and decoding JSON (keys, escapes, numbers as text) was a
/// fifth of the server's time under the writers' mix.
pub(super) fn pack(detail: &TaskDetail) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    rmp_serde::to_vec(detail)
}

/// A detail `pack` made, back; None should it not decode (it then counts as not kept).
fn unpack(raw: &[u8]) -> Option<TaskDetail> {
    rmp_serde::from_slice(raw).ok()
}

fn deflate(raw: &[u8], dictionary: &[u8]) -> Option<Vec<u8>> {
    let mut compress = Compress::new(Compression::default(), false);
    compress.set_dictionary(dictionary).ok()?;
    let mut out = Vec::with_capacity(raw.len() / 4 + 64);
    loop {
        let read = usize::try_from(compress.total_in()).ok()?;
        let status = compress
            .compress_vec(raw.get(read..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        if status == Status::StreamEnd {
            return Some(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

fn inflate(packed: &[u8], raw_len: usize, dictionary: &[u8]) -> Option<Vec<u8>> {
    // One inflater per worker thread, reset for each detail: a new one allocated and zeroed
    // its window for every task page served from memory.
    thread_local! {
        static INFLATER: RefCell<Option<Decompress>> = const { RefCell::new(None) };
    }
    INFLATER.with(|slot| {
        let mut slot = slot.borrow_mut();
        let decompress = slot.get_or_insert_with(|| Decompress::new(false));
        decompress.reset(false);
        decompress.set_dictionary(dictionary).ok()?;
        let mut out = Vec::with_capacity(raw_len);
        let status = decompress
            .decompress_vec(packed, &mut out, FlushDecompress::Finish)
            .ok()?;
        (status == Status::StreamEnd && out.len() == raw_len).then_some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task_details::tests::detail;

    fn dictionary() -> Vec<u8> {
        (1..=16)
            .filter_map(|id| pack(&detail(id, "Đã họp")).ok())
            .flatten()
            .collect()
    }

    #[test]
    fn a_record_gives_back_its_detail_deflated_or_not() {
        let dictionary = dictionary();
        for with in [None, Some(&dictionary[..])] {
            let raw = pack(&detail(42, "Đã gửi báo cáo")).unwrap_or_default();
            let record = encode(raw.clone(), with).unwrap_or_default();
            assert_eq!(
                record.len() < raw.len(),
                with.is_some(),
                "deflated only with one"
            );
            let back = decode(&record, with).map(|d| (d.task.content, d.events[0].note.clone()));
            let expected = detail(42, "Đã gửi báo cáo");
            assert_eq!(
                back,
                Some((expected.task.content, expected.events[0].note.clone()))
            );
        }
    }

    #[test]
    fn a_damaged_record_is_not_a_detail() {
        let dictionary = dictionary();
        let raw = pack(&detail(7, "Đã họp")).unwrap_or_default();
        let record = encode(raw, Some(&dictionary)).unwrap_or_default();
        let mut flipped = record.clone();
        flipped[2] ^= 0x40;
        for damaged in [&record[..3], &record[..record.len() - 5], &flipped[..]] {
            assert!(decode(damaged, Some(&dictionary)).is_none());
        }
        // A deflated record without its dictionary cannot be read either.
        assert!(decode(&record, None).is_none());
    }
}
