//! Outcome measures a program's policy group chooses for itself, declared
//! in its content (`measures.toml`): a code `outcomes.csv` writes, a name
//! and a sentence in each language, a kind and the windows it is recorded
//! for. The aggregation step reads them from the export and publishes them
//! in the `site_outcomes` table, one value of the `site_measure` dimension
//! each, under the same suppression as every other figure; the site draws
//! them on the outcomes page. Adding one is a change of content, not code.
//!
//! ```toml
//! [[measure]]
//! code = "shelter_nights"
//! kind = "count"
//! windows = ["pre_12m", "post_12m"]
//! name = { en = "Nights in an emergency shelter", es = "Noches en un albergue de emergencia" }
//! about = { en = "Nights a person spent…", es = "Noches que una persona pasó…" }
//! ```

use serde::Deserialize;

use crate::tables::{DerivedMeasure, Measure, Stat};
use crate::vocab::{OutcomeMeasure, Window};
use crate::vocabulary;
use crate::Lang;

/// The most measures a program may declare: each person's values are kept
/// in a fixed number of slots, so a million people fit in little memory.
pub const MAX_SITE_MEASURES: usize = 4;

vocabulary!(
    /// What a site-defined measure's value is, and so what is published.
    SiteKind, "one of count, rate, yes_no" {
        /// A number of events in the window (visits, nights, calls):
        /// totals, and the change from the year before enrollment to the
        /// year after when both are recorded.
        Count = "count", "Count of events", "Número de sucesos";
        /// A quantity per person (a score, days): the average per person.
        Rate = "rate", "Average per person", "Promedio por persona";
        /// 0 or 1 (has health coverage): the share with yes.
        YesNo = "yes_no", "Yes or no", "Sí o no";
    }
);

/// Words in each of the portal's languages, from content.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub en: String,
    pub es: String,
}

impl Words {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// One measure the policy group chose.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteMeasure {
    /// As `outcomes.csv`'s `measure` column and `cells.csv`'s
    /// `site_measure` column write it.
    pub code: String,
    pub kind: SiteKind,
    /// The windows the export records it for; a person counts for the
    /// measure once it is known for them in every one, so each window's
    /// figure is about the same people.
    pub windows: Vec<Window>,
    /// What a reader calls it (a chart's category).
    pub name: Words,
    /// What it counts, in a sentence, shown under its chart.
    pub about: Words,
}

/// The measures of one program, in the order its content declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteMeasures {
    #[serde(default)]
    pub measure: Vec<SiteMeasure>,
}

impl SiteMeasures {
    /// What is wrong with the declarations, one sentence each (empty when
    /// nothing is).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.measure.len() > MAX_SITE_MEASURES {
            out.push(format!(
                "{} measures are declared; at most {MAX_SITE_MEASURES} may be",
                self.measure.len()
            ));
        }
        for (i, m) in self.measure.iter().enumerate() {
            let code = &m.code;
            if !crate::vocab::is_identifier(code) {
                out.push(format!(
                    "measure {code:?}: a code is a-z, 0-9 and _, at most 40 characters"
                ));
            }
            if OutcomeMeasure::accepts(code) {
                out.push(format!(
                    "measure {code:?}: outcomes.csv already carries this measure for the portal's own tables"
                ));
            }
            if self.measure[..i].iter().any(|other| other.code == *code) {
                out.push(format!("measure {code:?} is declared twice"));
            }
            if m.windows.is_empty() {
                out.push(format!("measure {code:?}: name at least one window"));
            }
            for (j, w) in m.windows.iter().enumerate() {
                if m.windows[..j].contains(w) {
                    out.push(format!("measure {code:?}: window {w} is named twice"));
                }
            }
            if m.kind == SiteKind::Count && !(m.windows.contains(&Window::Pre12m) && m.windows.len() > 1) {
                out.push(format!(
                    "measure {code:?}: a count is compared before and after enrollment, so it needs pre_12m and a window after"
                ));
            }
            for (what, words) in [("name", &m.name), ("about", &m.about)] {
                for lang in Lang::ALL {
                    if words.get(lang).trim().is_empty() {
                        out.push(format!("measure {code:?}: {what}.{} is empty", lang.code()));
                    }
                }
            }
        }
        out
    }

    /// The position of the measure written `code`.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.measure.iter().position(|m| m.code == code)
    }

    /// The measure written `code`.
    pub fn get(&self, code: &str) -> Option<&SiteMeasure> {
        self.measure.iter().find(|m| m.code == code)
    }

    /// The measures of one kind, in declaration order.
    pub fn of_kind(&self, kind: SiteKind) -> impl Iterator<Item = &SiteMeasure> {
        self.measure.iter().filter(move |m| m.kind == kind)
    }
}

/// The total of a count or rate measure in `window`, over its people.
pub fn total(window: Window) -> Measure {
    match window {
        Window::Pre12m => Measure::SiteTotalPre12,
        Window::Post6m => Measure::SiteTotalPost6,
        Window::Post12m => Measure::SiteTotalPost12,
    }
}

/// The people with yes in `window`, for a yes-or-no measure.
pub fn yes(window: Window) -> Measure {
    match window {
        Window::Pre12m => Measure::SiteYesPre12,
        Window::Post6m => Measure::SiteYesPost6,
        Window::Post12m => Measure::SiteYesPost12,
    }
}

/// The people with no in `window` (implied: people less yes).
pub fn no(window: Window) -> Measure {
    match window {
        Window::Pre12m => Measure::SiteNoPre12,
        Window::Post6m => Measure::SiteNoPost6,
        Window::Post12m => Measure::SiteNoPost12,
    }
}

/// The average per person in `window`, for a rate.
pub fn mean(window: Window) -> DerivedMeasure {
    match window {
        Window::Pre12m => DerivedMeasure::SiteMeanPre12,
        Window::Post6m => DerivedMeasure::SiteMeanPost6,
        Window::Post12m => DerivedMeasure::SiteMeanPost12,
    }
}

/// The share with yes in `window`, for a yes-or-no measure.
pub fn share(window: Window) -> DerivedMeasure {
    match window {
        Window::Pre12m => DerivedMeasure::SiteSharePre12,
        Window::Post6m => DerivedMeasure::SiteSharePost6,
        Window::Post12m => DerivedMeasure::SiteSharePost12,
    }
}

impl SiteMeasure {
    /// Whether the `site_outcomes` table publishes `stat` for this measure:
    /// its people always, and the figures of its kind in its windows.
    pub fn publishes(&self, stat: Stat) -> bool {
        let has = |w: Window| self.windows.contains(&w);
        let in_window = |f: &dyn Fn(Window) -> Stat| Window::ALL.iter().any(|&w| has(w) && f(w) == stat);
        match self.kind {
            _ if stat == Stat::Count(Measure::SitePeople) => true,
            SiteKind::Count => {
                in_window(&|w| total(w).into())
                    || (stat == DerivedMeasure::SiteChange.into() && has(Window::Pre12m) && has(Window::Post12m))
            }
            SiteKind::Rate => in_window(&|w| total(w).into()) || in_window(&|w| mean(w).into()),
            SiteKind::YesNo => {
                in_window(&|w| yes(w).into()) || in_window(&|w| no(w).into()) || in_window(&|w| share(w).into())
            }
        }
    }

    /// The figure a chart of its kind draws for `window`.
    pub fn figure(&self, window: Window) -> Stat {
        match self.kind {
            SiteKind::Count => total(window).into(),
            SiteKind::Rate => mean(window).into(),
            SiteKind::YesNo => share(window).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(code: &str, kind: SiteKind, windows: &[Window]) -> SiteMeasure {
        SiteMeasure {
            code: code.into(),
            kind,
            windows: windows.to_vec(),
            name: Words {
                en: "Name".into(),
                es: "Nombre".into(),
            },
            about: Words {
                en: "About".into(),
                es: "Acerca".into(),
            },
        }
    }

    #[test]
    fn declarations_are_checked_and_each_kind_publishes_its_own_figures() {
        use Window::*;
        let good = SiteMeasures {
            measure: vec![
                measure("shelter_nights", SiteKind::Count, &[Pre12m, Post12m]),
                measure("wellbeing", SiteKind::Rate, &[Post6m, Post12m]),
                measure("covered", SiteKind::YesNo, &[Pre12m, Post12m]),
            ],
        };
        assert_eq!(good.problems(), Vec::<String>::new());
        assert_eq!(good.index_of("wellbeing"), Some(1));
        let [count, rate, yes_no] = [&good.measure[0], &good.measure[1], &good.measure[2]];
        assert!(count.publishes(Measure::SiteTotalPost12.into()));
        assert!(count.publishes(DerivedMeasure::SiteChange.into()));
        assert!(!count.publishes(Measure::SiteTotalPost6.into()));
        assert!(!count.publishes(Measure::SiteYesPre12.into()));
        assert!(rate.publishes(DerivedMeasure::SiteMeanPost6.into()));
        assert!(!rate.publishes(DerivedMeasure::SiteChange.into()));
        assert!(yes_no.publishes(Measure::SiteNoPre12.into()));
        assert!(yes_no.publishes(Measure::SitePeople.into()));
        assert!(!yes_no.publishes(Measure::SiteTotalPre12.into()));
        assert_eq!(yes_no.figure(Post12m), DerivedMeasure::SiteSharePost12.into());

        let mut bad = good.clone();
        bad.measure.push(measure("housed", SiteKind::YesNo, &[]));
        bad.measure
            .push(measure("wellbeing", SiteKind::Count, &[Post6m, Post6m]));
        bad.measure[0].name.es = " ".into();
        let problems = bad.problems().join("\n");
        for expected in [
            "5 measures are declared",
            "\"housed\": outcomes.csv already carries",
            "\"housed\": name at least one window",
            "\"wellbeing\" is declared twice",
            "window post_6m is named twice",
            "needs pre_12m",
            "\"shelter_nights\": name.es is empty",
        ] {
            assert!(problems.contains(expected), "{expected} in {problems}");
        }
    }

    #[test]
    fn declarations_are_read_from_their_file() {
        let json = r#"{"measure":[{"code":"covered","kind":"yes_no","windows":["post_12m"],
            "name":{"en":"Has health coverage","es":"Tiene cobertura médica"},
            "about":{"en":"a","es":"b"}}]}"#;
        let read: SiteMeasures = serde_json::from_str(json).expect("measures");
        assert_eq!(read.measure[0].kind, SiteKind::YesNo);
        assert_eq!(read.measure[0].name.get(Lang::Es), "Tiene cobertura médica");
        assert!(serde_json::from_str::<SiteMeasures>(r#"{"measure":[{"code":"x","kind":"score"}]}"#).is_err());
        assert_eq!(
            serde_json::from_str::<SiteMeasures>("{}").expect("none"),
            SiteMeasures::default()
        );
    }
}
