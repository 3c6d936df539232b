//! The SLA's stored parts: each office's opening hours (a default when it set none),
//! the holidays, the targets per channel and topic; and the due times they give.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Calendar;
use crate::entity::{holiday, office_hours, sla_target};

/// Opening hours of an office that set none: Monday to Friday, 8 to 14.
pub const DEFAULT_OPENS: NaiveTime = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
/// See [`DEFAULT_OPENS`].
pub const DEFAULT_CLOSES: NaiveTime = NaiveTime::from_hms_opt(14, 0, 0).unwrap();

/// Parses `HH:MM`.
pub fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// The office's calendar: its hours (or the default), less every holiday.
pub async fn calendar(
    conn: &impl ConnectionTrait,
    tz: chrono_tz::Tz,
    office_id: Uuid,
) -> Result<Calendar, DbErr> {
    let rows = office_hours::Entity::find()
        .filter(office_hours::Column::OfficeId.eq(office_id))
        .all(conn)
        .await?;
    let mut cal = if rows.is_empty() {
        Calendar::weekdays(tz, DEFAULT_OPENS, DEFAULT_CLOSES)
    } else {
        let mut hours = [None; 7];
        for r in rows {
            if let (Ok(day), Some(o), Some(c)) =
                (usize::try_from(r.weekday), time(&r.opens), time(&r.closes))
                && day < 7
                && o < c
            {
                hours[day] = Some((o, c));
            }
        }
        Calendar {
            tz,
            hours,
            holidays: Default::default(),
        }
    };
    cal.holidays = holiday::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|h| h.day)
        .collect();
    Ok(cal)
}

/// The holidays from `from` on, in order.
pub async fn holidays_from(
    conn: &impl ConnectionTrait,
    from: chrono::NaiveDate,
) -> Result<Vec<holiday::Model>, DbErr> {
    holiday::Entity::find()
        .filter(holiday::Column::Day.gte(from))
        .order_by_asc(holiday::Column::Day)
        .limit(400)
        .all(conn)
        .await
}

/// An office's opening hours per weekday, Monday first (none: closed), or the default
/// week when it set none; and whether it set them.
pub async fn week_of(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
) -> Result<([Option<(String, String)>; 7], bool), DbErr> {
    let rows = office_hours::Entity::find()
        .filter(office_hours::Column::OfficeId.eq(office_id))
        .all(conn)
        .await?;
    let mut week: [Option<(String, String)>; 7] = Default::default();
    if rows.is_empty() {
        let day = (
            DEFAULT_OPENS.format("%H:%M").to_string(),
            DEFAULT_CLOSES.format("%H:%M").to_string(),
        );
        for d in week.iter_mut().take(5) {
            *d = Some(day.clone());
        }
        return Ok((week, false));
    }
    for r in rows {
        if let Some(d) = usize::try_from(r.weekday)
            .ok()
            .and_then(|w| week.get_mut(w))
        {
            *d = Some((r.opens, r.closes));
        }
    }
    Ok((week, true))
}

/// The targets, most specific first.
pub async fn targets(conn: &impl ConnectionTrait) -> Result<Vec<sla_target::Model>, DbErr> {
    let mut rows = sla_target::Entity::find()
        .order_by_asc(sla_target::Column::Channel)
        .order_by_asc(sla_target::Column::TopicCode)
        .all(conn)
        .await?;
    rows.sort_by_key(specificity);
    Ok(rows)
}

/// 0 for channel and topic, 1 topic, 2 channel, 3 any.
fn specificity(t: &sla_target::Model) -> u8 {
    match (t.channel.is_empty(), t.topic_code.is_empty()) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    }
}

/// The target of a consultation, as (first answer, resolution) in minutes: the row of
/// its channel and topic; else, when its channel and its topic each have a row, the
/// stricter of the two for each measure (a WhatsApp complaint is answered as fast as
/// WhatsApp asks and resolved as fast as either asks); else the one row of either;
/// else the one for any.
pub fn pick(
    targets: &[sla_target::Model],
    channel: &str,
    topic: Option<&str>,
) -> Option<(i32, i32)> {
    let topic = topic.unwrap_or_default();
    let row = |c: &str, t: &str| {
        targets
            .iter()
            .find(|x| x.channel == c && x.topic_code == t)
            .map(|x| (x.first_response_minutes, x.resolution_minutes))
    };
    if !topic.is_empty()
        && let Some(both) = row(channel, topic)
    {
        return Some(both);
    }
    let by_channel = row(channel, "");
    let by_topic = if topic.is_empty() {
        None
    } else {
        row("", topic)
    };
    match (by_channel, by_topic) {
        (Some(c), Some(t)) => Some((c.0.min(t.0), c.1.min(t.1))),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => row("", ""),
    }
}

/// When a consultation recorded at `start` must be first answered and resolved.
pub async fn due(
    conn: &impl ConnectionTrait,
    tz: chrono_tz::Tz,
    office_id: Uuid,
    channel: &str,
    topic: Option<&str>,
    start: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), DbErr> {
    let all = targets(conn).await?;
    let Some((first, resolution)) = pick(&all, channel, topic) else {
        return Ok((None, None));
    };
    let cal = calendar(conn, tz, office_id).await?;
    let minutes = |m: i32| u32::try_from(m).ok();
    Ok((
        minutes(first).and_then(|m| cal.deadline(start, m)),
        minutes(resolution).and_then(|m| cal.deadline(start, m)),
    ))
}

/// Offices' calendars read once per page, to say how long each consultation has left.
pub struct Clocks {
    tz: chrono_tz::Tz,
    calendars: std::collections::HashMap<Uuid, Calendar>,
}

impl Clocks {
    /// No calendar read yet.
    pub fn new(tz: chrono_tz::Tz) -> Self {
        Clocks {
            tz,
            calendars: Default::default(),
        }
    }

    /// Business minutes left to `due` at `now` in the office's calendar (negative once
    /// past).
    pub async fn left(
        &mut self,
        conn: &impl ConnectionTrait,
        office_id: Uuid,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbErr> {
        if !self.calendars.contains_key(&office_id) {
            let cal = calendar(conn, self.tz, office_id).await?;
            self.calendars.insert(office_id, cal);
        }
        Ok(self.calendars[&office_id].minutes_left(now, due))
    }

    /// The clock as a reader sees it ("respuesta: quedan 2 h 5 min hábiles", "resolución
    /// vencida hace 40 min hábiles") and whether it is past due.
    pub async fn describe(
        &mut self,
        conn: &impl ConnectionTrait,
        ctx: &sipe_platform::web::PageCtx,
        office_id: Uuid,
        stage: crate::interactions::service::SlaStage,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(String, bool), DbErr> {
        let left = self.left(conn, office_id, due, now).await?;
        let past = due < now;
        let stage = match stage {
            crate::interactions::service::SlaStage::FirstResponse => "first",
            crate::interactions::service::SlaStage::Resolution => "resolution",
        };
        // No business minute between now and the due time (it fell after closing, or the
        // office's hours changed since it was given): the time itself says more.
        if left == 0 {
            let key = if past {
                format!("attention-sla-{stage}-past-at")
            } else {
                format!("attention-sla-{stage}-due-at")
            };
            return Ok((ctx.t1(&key, "at", ctx.time(&due)), past));
        }
        let span = business_span(ctx, left.abs());
        let key = if past {
            format!("attention-sla-{stage}-past")
        } else {
            format!("attention-sla-{stage}-left")
        };
        Ok((ctx.t1(&key, "span", span), past))
    }
}

/// "2 h 5 min", "40 min" of business time (hours, not days: an office's day is its
/// opening hours, which differ between offices).
fn business_span(ctx: &sipe_platform::web::PageCtx, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => ctx.t1("attention-sla-minutes", "m", m),
        (h, 0) => ctx.t1("attention-sla-hours", "h", h),
        (h, m) => ctx.lang.t_args(
            "attention-sla-hours-minutes",
            &[("h", h.to_string()), ("m", m.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(channel: &str, topic: &str, first: i32, resolution: i32) -> sla_target::Model {
        sla_target::Model {
            id: Uuid::now_v7(),
            channel: channel.into(),
            topic_code: topic.into(),
            first_response_minutes: first,
            resolution_minutes: resolution,
        }
    }

    #[test]
    fn the_most_specific_target_applies_and_the_stricter_of_channel_and_topic() {
        let all = [
            target("", "", 360, 2_160),
            target("whatsapp", "", 120, 2_160),
            target("", "complaint", 360, 1_800),
            target("sms", "payments", 30, 600),
        ];
        // Both a channel's and a topic's row: the stricter of each measure.
        assert_eq!(
            pick(&all, "whatsapp", Some("complaint")),
            Some((120, 1_800))
        );
        // The combined row.
        assert_eq!(pick(&all, "sms", Some("payments")), Some((30, 600)));
        // One of them.
        assert_eq!(pick(&all, "email", Some("complaint")), Some((360, 1_800)));
        assert_eq!(pick(&all, "whatsapp", Some("jobs")), Some((120, 2_160)));
        assert_eq!(pick(&all, "whatsapp", None), Some((120, 2_160)));
        // Neither: the general one; none at all without it.
        assert_eq!(pick(&all, "phone", None), Some((360, 2_160)));
        assert_eq!(pick(&all[1..2], "phone", None), None);
    }
}
