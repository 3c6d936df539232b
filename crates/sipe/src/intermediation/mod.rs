//! Intermediación Laboral: employers, vacancies, matching, referrals and placements
//! (issue 4). Built in slices; this one holds the rules without I/O.

pub mod domain;
