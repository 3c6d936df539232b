//! What the running application tells `send`, which other modules call with a database
//! connection only: the channels in use and the deployment's time zone (consents start
//! and end on local dates). Published in the settings table when the senders start;
//! until then (or in a tool that runs no senders) every channel counts as in use.

use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

use crate::domain::Channel;

const KEY: &str = "messaging.runtime";

/// The published facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// Channels with a provider.
    pub channels: Vec<Channel>,
    /// IANA time zone of the deployment.
    pub timezone: String,
}

impl Runtime {
    /// Today in the deployment's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
        chrono::Utc::now().with_timezone(&tz).date_naive()
    }
}

/// Publishes the facts (the senders' start).
pub async fn publish(conn: &impl ConnectionTrait, r: &Runtime) -> Result<(), DbErr> {
    let json = serde_json::to_string(r).map_err(|e| DbErr::Custom(e.to_string()))?;
    sipe_platform::db::settings::set(conn, KEY, &json).await
}

/// The published facts, or every channel in Buenos Aires' time when none were.
pub async fn read(conn: &impl ConnectionTrait) -> Result<Runtime, DbErr> {
    Ok(sipe_platform::db::settings::get(conn, KEY)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| Runtime {
            channels: Channel::ALL.to_vec(),
            timezone: "America/Argentina/Buenos_Aires".into(),
        }))
}
