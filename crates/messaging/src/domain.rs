//! The module's vocabulary and rules, without I/O: channels, message states, purposes,
//! template variables and which channel a person can be reached on.

use serde::{Deserialize, Serialize};

/// A way to reach a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// E-mail.
    Email,
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

impl Channel {
    /// Every channel, in the order a transactional message tries them: the cheapest
    /// the person accepts first.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Whatsapp, Channel::Sms];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Do quiet hours hold it back? (E-mail waits in the inbox, a phone rings.)
    pub fn rings(self) -> bool {
        !matches!(self, Channel::Email)
    }
}

/// Where a message is in its life.
pub mod status {
    /// Waiting for its turn (or its retry).
    pub const QUEUED: &str = "queued";
    /// Handed to the provider; the answer not yet recorded.
    pub const SENDING: &str = "sending";
    /// Accepted by the provider.
    pub const SENT: &str = "sent";
    /// The handset or mailbox has it (a delivery report).
    pub const DELIVERED: &str = "delivered";
    /// Refused for good, with the reason.
    pub const FAILED: &str = "failed";
    /// The network gave up before delivering it.
    pub const EXPIRED: &str = "expired";
    /// Not sent: no consent, no address, or over the frequency cap (the reason says).
    pub const SKIPPED: &str = "skipped";
    /// Withdrawn before it was sent (a consent withdrawn, a campaign cancelled).
    pub const CANCELLED: &str = "cancelled";
    /// An inbound message.
    pub const RECEIVED: &str = "received";
    /// Every status, for filters.
    pub const ALL: [&str; 9] = [
        QUEUED, SENDING, SENT, DELIVERED, FAILED, EXPIRED, SKIPPED, CANCELLED, RECEIVED,
    ];
}

/// What a template is for: `service` (the person's own procedures: a referral, an
/// enrolment, a payment; sent on the channel's consent alone) or one of the registry's
/// consent purposes, which the person must also have given.
pub const SERVICE: &str = "service";

/// The purposes a template may have.
pub fn purposes() -> Vec<&'static str> {
    let mut all = vec![SERVICE];
    all.extend(sipe_persons::profile::CONSENT_PURPOSES);
    all
}

/// The variables a template may use, with what fills them.
pub const VARIABLES: [&str; 14] = [
    "nombre",
    "apellido",
    "oficina",
    "fecha",
    "hora",
    "codigo",
    "enlace",
    "curso",
    "programa",
    "puesto",
    "empresa",
    "monto",
    "periodo",
    "direccion",
];

/// The variables a person's record fills (the others come from the sender).
pub const PERSON_VARIABLES: [&str; 3] = ["nombre", "apellido", "oficina"];

/// The `{name}`s a text uses, in order of first use; an unknown name or an unclosed
/// brace is an error naming it.
pub fn variables_of(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(after.chars().take(20).collect());
        };
        let name = &after[..close];
        if !VARIABLES.contains(&name) {
            return Err(name.chars().take(30).collect());
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Characters a variable's value usually takes (a long name, an office's name, a link):
/// what the template page counts for it.
pub fn typical_length(variable: &str) -> usize {
    match variable {
        "fecha" => 10,
        "hora" => 5,
        "codigo" => 6,
        "periodo" => 7,
        "nombre" | "apellido" | "monto" => 12,
        "empresa" => 25,
        "enlace" => 40,
        _ => 30,
    }
}

/// The text with each known `{name}` filled with plain letters of its typical length:
/// what the template page counts (the braces would count double in GSM-7, where they
/// are extension characters). A value with an accent GSM-7 lacks still turns that
/// person's message into UCS-2 unless the template transliterates.
pub fn with_samples(text: &str) -> String {
    let mut out = text.to_owned();
    for v in VARIABLES {
        out = out.replace(&format!("{{{v}}}"), &"x".repeat(typical_length(v)));
    }
    out
}

/// Fills `{name}`s from `values`; a name without a value is an error naming it.
pub fn render(text: &str, values: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| after.chars().take(20).collect::<String>())?;
        let name = &after[..close];
        let value = values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| name.to_owned())?;
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// What the registry holds of a person for messaging.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Accepts SMS.
    pub sms: bool,
    /// Accepts WhatsApp.
    pub whatsapp: bool,
    /// Accepts e-mail.
    pub email_ok: bool,
    /// Purposes with a consent in force.
    pub purposes: Vec<String>,
}

/// Why a person cannot get a message on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// No address for the channel.
    NoAddress,
    /// No consent for the channel.
    NoChannelConsent,
    /// No consent for the template's purpose.
    NoPurposeConsent,
}

impl Unreachable {
    /// The reason stored on a skipped message.
    pub fn as_str(self) -> &'static str {
        match self {
            Unreachable::NoAddress => "no_address",
            Unreachable::NoChannelConsent => "no_channel_consent",
            Unreachable::NoPurposeConsent => "no_purpose_consent",
        }
    }
}

/// The address to use on `channel` for a message of `purpose`, or why there is none.
pub fn address(reach: &Reach, channel: Channel, purpose: &str) -> Result<String, Unreachable> {
    let (address, consent) = match channel {
        Channel::Email => (reach.email.as_ref(), reach.email_ok),
        Channel::Sms => (reach.phone.as_ref(), reach.sms),
        Channel::Whatsapp => (reach.phone.as_ref(), reach.whatsapp),
    };
    let address = address
        .filter(|a| !a.trim().is_empty())
        .ok_or(Unreachable::NoAddress)?;
    if !consent {
        return Err(Unreachable::NoChannelConsent);
    }
    if purpose != SERVICE && !reach.purposes.iter().any(|p| p == purpose) {
        return Err(Unreachable::NoPurposeConsent);
    }
    Ok(address.clone())
}

/// Is `local` inside the quiet window `(start, end)` (which may cross midnight)?
pub fn is_quiet(
    window: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
    local: chrono::NaiveTime,
) -> bool {
    match window {
        None => false,
        Some((start, end)) if start < end => local >= start && local < end,
        Some((start, end)) => local >= start || local < end,
    }
}

/// At most `max` characters as sipe keeps text (Unicode NFC), without control
/// characters but line breaks and tabs, nor bidirectional overrides (PostgreSQL
/// refuses a NUL in text and a handset may send one; an override could make a stored
/// reply read otherwise on screen).
pub fn clip(text: &str, max: usize) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.chars()
        .filter(|c| {
            (!c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .take(max)
        .nfc()
        .collect()
}

/// An opt-out keyword in a reply: STOP or BAJA, any case, accents and punctuation
/// around it ignored (`Baja.`, `¡STOP!`, `bája`).
pub fn is_opt_out(text: &str) -> bool {
    let folded = sipe_platform::text::fold(text);
    let word: String = folded
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned();
    matches!(word.as_str(), "stop" | "baja")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn variables_are_checked_and_filled() {
        assert_eq!(
            variables_of("Hola {nombre}, te esperamos el {fecha} en {oficina}. {nombre}").unwrap(),
            vec!["nombre", "fecha", "oficina"]
        );
        assert_eq!(variables_of("Hola {nombr}").unwrap_err(), "nombr");
        assert_eq!(variables_of("Hola {nombre").unwrap_err(), "nombre");
        let values = vec![("nombre".to_owned(), "Ana".to_owned())];
        assert_eq!(render("Hola {nombre}!", &values).unwrap(), "Hola Ana!");
        assert_eq!(render("Hola {fecha}", &values).unwrap_err(), "fecha");
    }

    #[test]
    fn a_person_is_reached_only_with_address_and_consents() {
        let reach = Reach {
            phone: Some("+5493815551234".into()),
            email: None,
            sms: true,
            whatsapp: false,
            email_ok: true,
            purposes: vec!["training_offers".into()],
        };
        assert_eq!(
            address(&reach, Channel::Sms, SERVICE).unwrap(),
            "+5493815551234"
        );
        assert_eq!(
            address(&reach, Channel::Sms, "training_offers").unwrap(),
            "+5493815551234"
        );
        assert_eq!(
            address(&reach, Channel::Sms, "job_matching"),
            Err(Unreachable::NoPurposeConsent)
        );
        assert_eq!(
            address(&reach, Channel::Whatsapp, SERVICE),
            Err(Unreachable::NoChannelConsent)
        );
        assert_eq!(
            address(&reach, Channel::Email, SERVICE),
            Err(Unreachable::NoAddress)
        );
    }

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let night = Some((t(21, 0), t(8, 0)));
        assert!(is_quiet(night, t(23, 30)));
        assert!(is_quiet(night, t(7, 59)));
        assert!(!is_quiet(night, t(8, 0)));
        assert!(!is_quiet(night, t(20, 59)));
        let siesta = Some((t(13, 0), t(16, 0)));
        assert!(is_quiet(siesta, t(14, 0)));
        assert!(!is_quiet(siesta, t(16, 0)));
        assert!(!is_quiet(None, t(3, 0)));
    }

    #[test]
    fn opt_out_words_in_any_case_and_accent() {
        for yes in ["BAJA", "baja", "Bája", " Baja. ", "¡STOP!", "stop"] {
            assert!(is_opt_out(yes), "{yes}");
        }
        for no in ["bajar", "no quiero la baja", "", "STOPP", "hola"] {
            assert!(!is_opt_out(no), "{no}");
        }
    }
}
