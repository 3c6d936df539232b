//! Templates of referrals: the work list, a referral's page and letter, the follow-ups.

use askama::Template;
use chrono::NaiveDate;

use super::service::TransitionInput;

use super::entity::{follow_up, placement, referral, referral_event};
use super::store::{FollowUpRow, ReferralRow};
use crate::vacancies::entity::vacancy;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::PageCtx;
use sipe_platform::web::table::Pager;

/// `/referrals`.
#[derive(Template)]
#[template(path = "intermediation/referrals.html")]
pub struct ReferralsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<ReferralRow>,
    /// Paging and sorting.
    pub pager: Pager,
    /// State filter.
    pub states: Vec<Choice>,
    /// Origin filter.
    pub origins: Vec<Choice>,
}

/// `/referrals/{id}`.
#[derive(Template)]
#[template(path = "intermediation/referral.html")]
pub struct ReferralPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The referral.
    pub referral: referral::Model,
    /// Its vacancy.
    pub vacancy: vacancy::Model,
    /// The employer's legal name.
    pub employer: String,
    /// The person's name.
    pub person: String,
    /// History.
    pub history: Vec<referral_event::Model>,
    /// Placement and follow-ups, once hired.
    pub placement: Option<(placement::Model, Vec<follow_up::Model>)>,
    /// States it may move to (empty when the caller may not).
    pub next_states: Vec<&'static str>,
    /// Rejection reasons.
    pub reasons: [&'static str; 7],
    /// Contract types.
    pub contracts: [&'static str; 6],
    /// The transition as entered (after an error).
    pub form: TransitionInput,
    /// Problems.
    pub errors: FieldErrors,
}

impl ReferralPage {
    /// The interview time in the deployment's zone.
    pub fn interview(&self) -> String {
        self.ctx.time_opt(&self.referral.interview_at)
    }
}

/// `/referrals/{id}/letter`.
#[derive(Template)]
#[template(path = "intermediation/referral_letter.html")]
pub struct LetterPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The referral.
    pub referral: referral::Model,
    /// Its vacancy.
    pub vacancy: vacancy::Model,
    /// The employer's legal name and address.
    pub employer: (String, String),
    /// The person's name and document.
    pub person: (String, String),
    /// The office's name, address and phone.
    pub office: (String, String, String),
    /// Today, as the letter is dated.
    pub today: String,
    /// Where to go for the interview (the vacancy's workplace, else the employer's).
    pub place: String,
    /// Whom to ask for at the employer: name and phone or e-mail.
    pub contact: Option<String>,
}

/// `/follow-ups`.
#[derive(Template)]
#[template(path = "intermediation/follow_ups.html")]
pub struct FollowUpsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<FollowUpRow>,
    /// Paging.
    pub pager: Pager,
    /// Showing pending ones only.
    pub pending: bool,
    /// Today, to mark overdue ones.
    pub today: NaiveDate,
    /// May record.
    pub can_record: bool,
}
