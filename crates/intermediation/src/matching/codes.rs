//! Stored codes (strings) as the small numbers matching compares.

use uuid::Uuid;

use super::score::{HOURS_ANY, HOURS_FULL, HOURS_PART, HOURS_UNKNOWN};
use crate::vacancies::input::CONTRACT_TYPES;
use sipe_persons::profile::{LANGUAGE_LEVELS, LANGUAGES, LICENCE_CLASSES};

/// The ISCO-08 unit group of an occupation code as a number (`9321.2` → 9321).
pub fn unit_group(code: &str) -> Option<u32> {
    let group = sipe_platform::taxonomy::unit_group(code);
    (group.len() == 4).then(|| group.parse().ok()).flatten()
}

/// The INDEC department code of a territory code as a number (`AR-90084` → 90084).
pub fn department(code: &str) -> Option<u32> {
    code.strip_prefix("AR-")
        .filter(|c| c.len() == 5)
        .and_then(|c| c.parse().ok())
}

/// A 64-bit key of a skill id (ids are UUIDs; their random low half is key enough).
pub fn skill(id: &str) -> u64 {
    let key = match Uuid::parse_str(id) {
        Ok(u) => u.as_u64_pair().1,
        // Not expected: skill ids are UUIDs. A stable hash keeps matching working.
        Err(_) => id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }),
    };
    key & !CERTIFIED
}

/// The bit that marks a skill key certified in the index. The low half of an RFC 4122
/// UUID starts with the variant bits `10`, so bit 62 is always clear in a skill key.
pub const CERTIFIED: u64 = 1 << 62;

/// The bit of a driving licence class.
pub fn licence_bit(class: &str) -> Option<u16> {
    LICENCE_CLASSES
        .iter()
        .position(|c| *c == class)
        .map(|i| 1 << i)
}

/// The name of a licence bit.
pub fn licence_class(bit: u16) -> &'static str {
    LICENCE_CLASSES
        .get(bit.trailing_zeros() as usize)
        .copied()
        .unwrap_or("?")
}

/// A language and its level as indexes (levels ordered, `native` highest).
pub fn language(code: &str, level: &str) -> Option<(u8, u8)> {
    let l = LANGUAGES.iter().position(|c| *c == code)?;
    let v = LANGUAGE_LEVELS.iter().position(|c| *c == level)?;
    Some((l as u8, v as u8))
}

/// The codes of a language pair.
pub fn language_codes((l, v): (u8, u8)) -> (&'static str, &'static str) {
    (
        LANGUAGES.get(usize::from(l)).copied().unwrap_or("?"),
        LANGUAGE_LEVELS.get(usize::from(v)).copied().unwrap_or("?"),
    )
}

/// The bit of a contract type.
pub fn contract_bit(kind: &str) -> Option<u8> {
    CONTRACT_TYPES
        .iter()
        .position(|c| *c == kind)
        .map(|i| 1 << i)
}

/// Working time as matching's code.
pub fn hours(value: Option<&str>) -> u8 {
    match value {
        Some("full_time") => HOURS_FULL,
        Some("part_time") => HOURS_PART,
        Some("any") => HOURS_ANY,
        _ => HOURS_UNKNOWN,
    }
}

/// An ISCED level as a number.
pub fn education(level: Option<&str>) -> Option<u8> {
    level.and_then(|l| l.parse().ok()).filter(|l| *l <= 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        assert_eq!(unit_group("9321.2"), Some(9321));
        assert_eq!(unit_group("93"), None);
        assert_eq!(department("AR-90084"), Some(90084));
        assert_eq!(department("AR-90"), None);
        let bit = licence_bit("B1").unwrap();
        assert_eq!(licence_class(bit), "B1");
        let pair = language("en", "B2").unwrap();
        assert_eq!(language_codes(pair), ("en", "B2"));
        assert!(language("en", "native").unwrap().1 > pair.1);
        assert_eq!(contract_bit("seasonal"), Some(1 << 2));
        assert_eq!(education(Some("3")), Some(3));
        assert_eq!(education(Some("9")), None);
        let id = "01a20559-667f-7394-9048-0c99ed19620b";
        assert_eq!(skill(id), skill(id));
        assert_ne!(skill(id), skill("01a20559-667f-7394-9048-0c99ed19620c"));
    }
}
