//! W3C Bitstring Status List: one bit per certificate (1 = revoked), the first entry
//! in the most significant bit of the first byte, GZIP-compressed and written as
//! multibase base64url (`u…`).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// Entries per published list: the specification's minimum, 16 KiB of bits, so a
/// list says nothing about how many certificates exist.
pub const LIST_SIZE: i32 = 131_072;

/// The list holding the certificate at `position`, and its index within that list.
pub fn locate(position: i32) -> (i32, i32) {
    (position / LIST_SIZE, position % LIST_SIZE)
}

/// The `encodedList` of a list whose `revoked` indexes (within the list) are set.
pub fn encode(revoked: impl IntoIterator<Item = i32>) -> std::io::Result<String> {
    let mut bits = vec![0u8; (LIST_SIZE / 8) as usize];
    for index in revoked {
        if (0..LIST_SIZE).contains(&index) {
            bits[(index / 8) as usize] |= 0x80 >> (index % 8);
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits)?;
    Ok(format!("u{}", B64.encode(gz.finish()?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn decode(list: &str) -> Vec<u8> {
        let gz = B64.decode(list.strip_prefix('u').unwrap()).unwrap();
        let mut bits = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut bits)
            .unwrap();
        bits
    }

    #[test]
    fn bits_are_set_most_significant_first() {
        let bits = decode(&encode([0, 9, LIST_SIZE - 1, LIST_SIZE, -1]).unwrap());
        assert_eq!(bits.len(), 16_384);
        assert_eq!(bits[0], 0b1000_0000);
        assert_eq!(bits[1], 0b0100_0000);
        assert_eq!(bits[16_383], 0b0000_0001);
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
    }

    #[test]
    fn positions_fall_into_lists_of_the_minimum_size() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(LIST_SIZE + 5), (1, 5));
    }
}
