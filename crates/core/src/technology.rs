//! Technology intensity of a sector, from its ISIC Rev.4 codes: Eurostat's aggregation of
//! manufacturing by technology intensity (high, medium-high, medium-low, low technology;
//! NACE Rev. 2 at the 2- and 3-digit level) and of services by knowledge intensity
//! (high-tech knowledge-intensive services, other knowledge-intensive services, less
//! knowledge-intensive services). Source: Eurostat, "High-tech industry and
//! knowledge-intensive services" (`htec`) metadata, annex 3 (manufacturing) and annex 8
//! (services), which list the NACE Rev. 2 codes of every class; NACE Rev. 2 and ISIC Rev. 4
//! share their divisions (2 digits) and the groups used here (ISIC 252 is NACE 25.4, weapons
//! and ammunition).
//!
//! The advanced-technology feature reads it ([`Technology::weight`]): the survey's item is an
//! "advanced technology cluster" asked of a partner for a tie-up in one industry, and a
//! region's universities and R&D labs make a cluster advanced in proportion to how much the
//! industry lives on technology: fully in software or pharmaceuticals, a quarter in hotels
//! and restaurants or in clothing. The four classes sit on an even scale (1, 0.75, 0.5,
//! 0.25; no class is 0, every industry uses some technology). Activities Eurostat does not
//! classify (agriculture, mining, energy, water and waste, construction) are not limited: a
//! sector counts by its most technology-intensive code, so the environment sectors, whose
//! survey respondents looked for advanced technology most (8 of 13), keep it in full.

use serde::Serialize;

/// One class of Eurostat's technology- and knowledge-intensity aggregations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TechnologyClass {
    /// High-technology manufacturing (pharmaceuticals; computer, electronic and optical
    /// products; air and spacecraft).
    High,
    /// Medium-high-technology manufacturing (chemicals, electrical equipment, machinery,
    /// motor vehicles, other transport equipment, medical instruments, weapons).
    MediumHigh,
    /// Medium-low-technology manufacturing (rubber and plastics, non-metallic minerals,
    /// basic and fabricated metals, ships, repair, refined petroleum, recorded media).
    MediumLow,
    /// Low-technology manufacturing (food, beverages, tobacco, textiles, clothing, leather,
    /// wood, paper, printing, furniture, other manufacturing).
    Low,
    /// High-tech knowledge-intensive services (film, broadcasting, telecommunications,
    /// computer programming, information services, scientific R&D).
    HighTechServices,
    /// Other knowledge-intensive services (publishing, professional, design and technical
    /// services, finance, transport by water and air, education, health, culture).
    KnowledgeIntensiveServices,
    /// Less knowledge-intensive services (trade, land transport, accommodation and food
    /// service, real estate, rental, travel agencies, building and office services).
    LessKnowledgeIntensiveServices,
    /// Outside both aggregations (agriculture, mining, energy, water and waste,
    /// construction), or no code.
    Unclassified,
}

impl TechnologyClass {
    /// The class of one ISIC Rev.4 code prefix (2 to 4 digits); `Unclassified` for a code
    /// that is not a number.
    pub fn of_isic(code: &str) -> TechnologyClass {
        use TechnologyClass::*;
        let digits = |n: usize| code.get(..n).and_then(|d| d.parse::<u32>().ok());
        let Some(division) = digits(2) else {
            return Unclassified;
        };
        match (division, digits(3)) {
            (30, Some(303)) => High,
            (30, Some(301)) => MediumLow,
            (32, Some(325)) | (25, Some(252)) => MediumHigh,
            (18, Some(182)) => MediumLow,
            (21 | 26, _) => High,
            (20 | 27..=30, _) => MediumHigh,
            (19 | 22..=25 | 33, _) => MediumLow,
            (10..=18 | 31 | 32, _) => Low,
            (59..=63 | 72, _) => HighTechServices,
            (50 | 51 | 58 | 64..=66 | 69..=71 | 73..=75 | 78 | 80 | 84..=93, _) => {
                KnowledgeIntensiveServices
            }
            (45..=47 | 49 | 52 | 53 | 55 | 56 | 68 | 77 | 79 | 81 | 82 | 94..=99, _) => {
                LessKnowledgeIntensiveServices
            }
            _ => Unclassified,
        }
    }

    /// How much of a region's advanced technology counts in an industry of this class.
    pub const fn weight(self) -> f64 {
        use TechnologyClass::*;
        match self {
            High | HighTechServices | Unclassified => 1.0,
            MediumHigh => 0.75,
            MediumLow | KnowledgeIntensiveServices => 0.5,
            Low | LessKnowledgeIntensiveServices => 0.25,
        }
    }

    /// The class in words, e.g. "less knowledge-intensive services".
    pub const fn label(self) -> &'static str {
        use TechnologyClass::*;
        match self {
            High => "high-technology manufacturing",
            MediumHigh => "medium-high-technology manufacturing",
            MediumLow => "medium-low-technology manufacturing",
            Low => "low-technology manufacturing",
            HighTechServices => "high-tech knowledge-intensive services",
            KnowledgeIntensiveServices => "knowledge-intensive services",
            LessKnowledgeIntensiveServices => "less knowledge-intensive services",
            Unclassified => "not classified by technology intensity",
        }
    }
}

/// A sector's technology intensity: the class of its most technology-intensive ISIC code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Technology {
    /// The class.
    pub class: TechnologyClass,
    /// The ISIC code that sets it (empty when the sector has no code).
    pub isic: String,
}

impl Technology {
    /// The technology intensity of a sector with these ISIC Rev.4 code prefixes: the class
    /// of highest [`TechnologyClass::weight`] (the first code on a tie).
    ///
    /// ```
    /// use tieup_core::technology::{Technology, TechnologyClass};
    /// let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    /// let tourism = Technology::of_isic(&codes(&["55", "56", "79"]));
    /// assert_eq!(tourism.class, TechnologyClass::LessKnowledgeIntensiveServices);
    /// assert_eq!(tourism.weight(), 0.25);
    /// // Woody biomass: wood pellets are low-technology, power generation is not classified.
    /// let biomass = Technology::of_isic(&codes(&["3510", "1629"]));
    /// assert_eq!((biomass.class, biomass.weight()), (TechnologyClass::Unclassified, 1.0));
    /// assert_eq!(Technology::of_isic(&codes(&["266", "325"])).weight(), 1.0);
    /// ```
    pub fn of_isic(codes: &[String]) -> Technology {
        let mut best = Technology {
            class: TechnologyClass::Unclassified,
            isic: String::new(),
        };
        let mut best_weight = f64::NEG_INFINITY;
        for code in codes {
            let class = TechnologyClass::of_isic(code);
            if class.weight() > best_weight {
                best_weight = class.weight();
                best = Technology {
                    class,
                    isic: code.clone(),
                };
            }
        }
        best
    }

    /// How much of a region's advanced technology counts in the sector
    /// ([`TechnologyClass::weight`]).
    pub const fn weight(&self) -> f64 {
        self.class.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::TechnologyClass::*;
    use super::*;

    #[test]
    fn codes_fall_into_eurostats_classes_with_the_three_digit_exceptions() {
        for (code, class) in [
            ("21", High),
            ("2610", High),
            ("303", High),
            ("301", MediumLow),
            ("30", MediumHigh),
            ("29", MediumHigh),
            ("325", MediumHigh),
            ("3250", MediumHigh),
            ("32", Low),
            ("3290", Low),
            ("252", MediumHigh),
            ("2593", MediumLow),
            ("182", MediumLow),
            ("1709", Low),
            ("10", Low),
            ("62", HighTechServices),
            ("7210", HighTechServices),
            ("7410", KnowledgeIntensiveServices),
            ("5820", KnowledgeIntensiveServices),
            ("55", LessKnowledgeIntensiveServices),
            ("79", LessKnowledgeIntensiveServices),
            ("3510", Unclassified),
            ("032", Unclassified),
            ("41", Unclassified),
            ("x1", Unclassified),
        ] {
            assert_eq!(TechnologyClass::of_isic(code), class, "{code}");
        }
    }

    #[test]
    fn a_sector_counts_by_its_most_technology_intensive_code() {
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let metal = Technology::of_isic(&codes(&["24", "25", "28", "29", "30"]));
        assert_eq!((metal.class, metal.isic.as_str()), (MediumHigh, "28"));
        let design = Technology::of_isic(&codes(&["581", "59", "60", "74"]));
        assert_eq!(
            (design.class, design.isic.as_str()),
            (HighTechServices, "59")
        );
        assert_eq!(Technology::of_isic(&codes(&["7410"])).weight(), 0.5);
        assert_eq!(Technology::of_isic(&codes(&["13"])).weight(), 0.25);
        assert_eq!(Technology::of_isic(&[]).weight(), 1.0);
    }
}
