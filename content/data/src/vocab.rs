//! Closed vocabularies: a value as data files write it, and its label in
//! English and Spanish, declared once with [`vocabulary!`](crate::vocabulary).
//! The published dimensions' values are here; the export's other columns
//! and the Community Leadership Team's choices use the same macro.

/// A value's label in each of the portal's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub en: &'static str,
    pub es: &'static str,
}

impl Label {
    /// The label in `lang`.
    pub fn get(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::En => self.en,
            crate::Lang::Es => self.es,
        }
    }
}

/// What every vocabulary declared with [`vocabulary!`](crate::vocabulary)
/// offers, for code that works over any of them (a form's radio buttons).
pub trait Vocabulary: Copy + PartialEq + 'static {
    /// Every value, in declaration order.
    const VALUES: &'static [Self];
    /// The value as data files write it.
    fn code(self) -> &'static str;
    /// How a person reads the value.
    fn labels(self) -> Label;
    /// The value written as `code`, if there is one.
    fn from_code(code: &str) -> Option<Self>;
}

/// Declares a closed vocabulary: an enum whose values are written as
/// `code`, parsed only from it (serde too, with `expected` as the message),
/// listed in declaration order by `ALL`, and labelled in English and
/// Spanish.
///
/// ```
/// lead_data::vocabulary!(
///     /// A colour.
///     Colour, "one of red, blue" {
///         Red = "red", "Red", "Rojo";
///         Blue = "blue", "Blue", "Azul";
///     }
/// );
/// assert_eq!(Colour::parse("blue"), Some(Colour::Blue));
/// assert_eq!(Colour::Red.label().es, "Rojo");
/// ```
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $expected:literal {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal, $en:literal, $es:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What a field of this vocabulary accepts, for error messages.
            pub const EXPECTED: &'static str = $expected;

            /// The value as data files write it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Position in [`Self::ALL`], for dense tables.
            pub fn index(self) -> usize {
                self as usize
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Whether `s` is a value of this vocabulary.
            pub fn accepts(s: &str) -> bool {
                $name::parse(s).is_some()
            }

            /// How a person reads the value.
            pub fn label(self) -> $crate::vocab::Label {
                match self { $($name::$variant => $crate::vocab::Label { en: $en, es: $es }),+ }
            }
        }

        impl $crate::vocab::Vocabulary for $name {
            const VALUES: &'static [$name] = $name::ALL;

            fn code(self) -> &'static str {
                self.as_str()
            }

            fn labels(self) -> $crate::vocab::Label {
                self.label()
            }

            fn from_code(code: &str) -> Option<$name> {
                $name::parse(code)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as $crate::serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| <D::Error as $crate::serde::de::Error>::custom($expected))
            }
        }
    };
}

vocabulary!(
    /// Which of the three doors a referral came through.
    Door, "one of arrest_diversion, social_contact, community" {
        ArrestDiversion = "arrest_diversion", "Arrest diversion", "Desvío de arresto";
        SocialContact = "social_contact", "Social contact referral", "Referido por contacto social";
        Community = "community", "Community referral", "Referido comunitario";
    }
);

impl Door {
    /// Police doors carry no priority tier.
    pub fn is_police(self) -> bool {
        matches!(self, Door::ArrestDiversion | Door::SocialContact)
    }
}

vocabulary!(
    /// Who made a referral.
    ReferrerType, "one of police, business, resident, partner_org, court, other" {
        Police = "police", "Police", "Policía";
        Business = "business", "Business owner or staff", "Dueño o personal de un negocio";
        Resident = "resident", "Resident", "Residente";
        PartnerOrg = "partner_org", "Partner organization", "Organización aliada";
        Court = "court", "Court", "Tribunal";
        Other = "other", "Other", "Otro";
    }
);

vocabulary!(
    /// Race and ethnicity as the case system records them.
    RaceEthnicity,
    "one of american_indian_alaska_native, asian, black, hispanic_latino, native_hawaiian_pacific_islander, white, multiracial, other, unknown" {
        AmericanIndianAlaskaNative = "american_indian_alaska_native", "American Indian or Alaska Native", "Indígena americano o nativo de Alaska";
        Asian = "asian", "Asian", "Asiático";
        Black = "black", "Black", "Negro o afroamericano";
        HispanicLatino = "hispanic_latino", "Hispanic or Latino", "Hispano o latino";
        NativeHawaiianPacificIslander = "native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander", "Nativo de Hawái o de las islas del Pacífico";
        White = "white", "White", "Blanco";
        Multiracial = "multiracial", "Multiracial", "Multirracial";
        Other = "other", "Another race", "Otra raza";
        Unknown = "unknown", "Not recorded", "Sin registrar";
    }
);

vocabulary!(
    /// What became of a referral.
    Outcome, "one of enrolled, declined, not_located, ineligible, waitlisted, pending" {
        Enrolled = "enrolled", "Enrolled", "Inscrito";
        Declined = "declined", "Declined", "Rechazó participar";
        NotLocated = "not_located", "Not located", "No localizado";
        Ineligible = "ineligible", "Not eligible", "No elegible";
        Waitlisted = "waitlisted", "Waitlisted", "En lista de espera";
        Pending = "pending", "Pending", "Pendiente";
    }
);

vocabulary!(
    /// A participant outcome `outcomes.csv` carries for the portal's own
    /// tables (a program declares more in `measures.toml`).
    OutcomeMeasure, "one of jail_bookings, ed_visits, housed, arrests, charges, jail_days" {
        JailBookings = "jail_bookings", "Jail bookings", "Ingresos en la cárcel";
        EdVisits = "ed_visits", "Emergency department visits", "Visitas a urgencias";
        Housed = "housed", "Housed", "Con vivienda";
        // Legal-system use: optional, a site sends them if it has them.
        Arrests = "arrests", "Arrests", "Arrestos";
        Charges = "charges", "Criminal charges filed", "Cargos penales presentados";
        JailDays = "jail_days", "Days in jail", "Días en la cárcel";
    }
);

vocabulary!(
    /// When an outcome was measured, relative to enrollment.
    Window, "one of pre_12m, post_6m, post_12m" {
        Pre12m = "pre_12m", "12 months before enrollment", "12 meses antes de la inscripción";
        Post6m = "post_6m", "6 months after enrollment", "6 meses después de la inscripción";
        Post12m = "post_12m", "12 months after enrollment", "12 meses después de la inscripción";
    }
);

/// The label of [`UNASSIGNED_TIER`]. The other tiers are the policy
/// group's (`policy.toml`), labelled by the program's content.
pub const UNASSIGNED_TIER_LABEL: Label = Label {
    en: "No tier recorded",
    es: "Sin nivel registrado",
};

/// Whether `s` is an identifier as data files write the program's own
/// values (tiers, neighborhoods, measures): a-z, 0-9 and _, at most 40
/// characters.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Tier value for a community referral exported without a tier, so the
/// tier rows still add up to the community total.
pub const UNASSIGNED_TIER: &str = "unassigned";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_nothing_else_parses() {
        for door in Door::ALL {
            assert_eq!(Door::parse(door.as_str()), Some(*door));
            assert_eq!(door.to_string(), door.as_str());
        }
        assert_eq!(Outcome::parse("Enrolled"), None);
        assert!(RaceEthnicity::ALL.iter().all(|r| !r.label().es.is_empty()));
    }
}
