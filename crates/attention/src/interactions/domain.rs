//! The codes of a consultation: channel, direction, status.

use serde::{Deserialize, Serialize};

macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the order lists show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the stored code.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
        }
    };
}

coded!(
    /// How the person reached the office (or the office reached them).
    Channel {
        /// A call.
        Phone => "phone",
        /// An e-mail.
        Email => "email",
        /// A WhatsApp message.
        Whatsapp => "whatsapp",
        /// A social network.
        Social => "social",
        /// The web form.
        Web => "web",
        /// In person, at a counter.
        Counter => "counter",
        /// An SMS.
        Sms => "sms",
    }
);

coded!(
    /// Who started it.
    Direction {
        /// The person asked.
        In => "in",
        /// The office called or wrote.
        Out => "out",
    }
);

coded!(
    /// Where a consultation stands.
    InteractionStatus {
        /// Waiting for the office.
        Open => "open",
        /// Waiting for the person.
        WaitingPerson => "waiting_person",
        /// Waiting for another area.
        WaitingArea => "waiting_area",
        /// Answered.
        Resolved => "resolved",
    }
);

impl Channel {
    /// Catalogue key of its name.
    pub fn label_key(self) -> String {
        format!("attention-channel-{}", self.as_str())
    }
}

impl InteractionStatus {
    /// Catalogue key of its name.
    pub fn label_key(self) -> String {
        format!("attention-istatus-{}", self.as_str().replace('_', "-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        for s in InteractionStatus::ALL {
            assert_eq!(InteractionStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Direction::parse(" out "), Some(Direction::Out));
        assert_eq!(Channel::parse("fax"), None);
    }
}
