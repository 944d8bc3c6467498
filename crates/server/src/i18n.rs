//! English and Simplified Chinese from one Fluent catalogue (`locales/*.ftl`). The locale is the
//! user's choice (the `lang` cookie), then `Accept-Language`, then English.

use domain::FieldError;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::collections::BTreeSet;
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Locale {
    En,
    Zh,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Zh];

    pub fn tag(&self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh-CN",
        }
    }

    /// The short code used in the `lang` cookie and the switch link.
    pub fn code(&self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh",
        }
    }

    pub fn from_code(s: &str) -> Option<Locale> {
        let s = s.trim().to_ascii_lowercase();
        if s == "en" || s.starts_with("en-") {
            Some(Locale::En)
        } else if s == "zh" || s.starts_with("zh-") {
            Some(Locale::Zh)
        } else {
            None
        }
    }

    /// The other language, for the switch on every page.
    pub fn other(&self) -> Locale {
        match self {
            Locale::En => Locale::Zh,
            Locale::Zh => Locale::En,
        }
    }

    /// Picks the locale from a `lang` cookie value and an `Accept-Language` header.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(l) = cookie.and_then(Locale::from_code) {
            return l;
        }
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::from_code(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Locale::En)
    }
}

/// Each language's catalogue: the service's own messages, then the policy engine's rules and
/// reasons (kept apart, since they follow the rule ids of `policies/`).
const EN: &[&str] = &[
    include_str!("../locales/en.ftl"),
    include_str!("../locales/policy.en.ftl"),
];
const ZH: &[&str] = &[
    include_str!("../locales/zh-CN.ftl"),
    include_str!("../locales/policy.zh-CN.ftl"),
];

pub struct Catalog {
    en: FluentBundle<FluentResource>,
    zh: FluentBundle<FluentResource>,
}

fn bundle(tag: &str, sources: &[&'static str]) -> FluentBundle<FluentResource> {
    let lang: LanguageIdentifier = tag.parse().expect("valid language tag");
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    // Plain text out: no Unicode isolation marks around placeables.
    b.set_use_isolating(false);
    for source in sources {
        let res = FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("{tag} catalogue: {e:?}"));
        // A message defined twice is an error: the files must not overlap.
        b.add_resource(res)
            .unwrap_or_else(|e| panic!("{tag} catalogue: {e:?}"));
    }
    b
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            en: bundle("en", EN),
            zh: bundle("zh-CN", ZH),
        }
    }
}

impl Catalog {
    fn bundle(&self, l: Locale) -> &FluentBundle<FluentResource> {
        match l {
            Locale::En => &self.en,
            Locale::Zh => &self.zh,
        }
    }

    /// The message `key` in `locale`, falling back to English, then to the key itself.
    pub fn get(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        self.lookup(locale, key, args)
            .or_else(|| self.lookup(Locale::En, key, args))
            .unwrap_or_else(|| key.to_string())
    }

    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundle(locale).has_message(key)
    }

    fn lookup(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> Option<String> {
        let b = self.bundle(locale);
        let msg = b.get_message(key)?;
        let pattern = msg.value()?;
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = vec![];
        Some(
            b.format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned(),
        )
    }

    pub fn t(&self, locale: Locale, key: &str) -> String {
        self.get(locale, key, &[])
    }

    /// The label of a field for messages: its catalogue entry, else its path.
    pub fn field_label(&self, locale: Locale, field: &str) -> String {
        let last = field.rsplit('.').next().unwrap_or(field);
        let last = last.split('[').next().unwrap_or(last);
        let key = format!("field-{}", last.replace('_', "-"));
        if self.has(locale, &key) {
            self.t(locale, &key)
        } else {
            field.to_string()
        }
    }

    /// A field error as a sentence that names the field and the rule.
    pub fn field_error(&self, locale: Locale, e: &FieldError) -> String {
        let rule = self.get(
            locale,
            &format!("error-{}", e.code.replace('_', "-")),
            &e.params,
        );
        if e.field.is_empty() {
            rule
        } else {
            let sep = if locale == Locale::Zh { "：" } else { ": " };
            format!("{}{sep}{rule}", self.field_label(locale, &e.field))
        }
    }

    /// Message ids of a locale, for the test that both catalogues say the same things.
    pub fn keys(locale: Locale) -> BTreeSet<String> {
        let src = match locale {
            Locale::En => EN,
            Locale::Zh => ZH,
        };
        src.iter()
            .flat_map(|s| s.lines())
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_messages() {
        let en = Catalog::keys(Locale::En);
        let zh = Catalog::keys(Locale::Zh);
        let missing_zh: Vec<_> = en.difference(&zh).collect();
        let missing_en: Vec<_> = zh.difference(&en).collect();
        assert!(
            missing_zh.is_empty() && missing_en.is_empty(),
            "zh lacks {missing_zh:?}; en lacks {missing_en:?}"
        );
        let _ = Catalog::default();
    }

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate(Some("zh"), Some("en")), Locale::Zh);
        assert_eq!(
            Locale::negotiate(None, Some("fr, zh-CN;q=0.8, en;q=0.5")),
            Locale::Zh
        );
        assert_eq!(Locale::negotiate(None, Some("de")), Locale::En);
        assert_eq!(Locale::negotiate(Some("xx"), None), Locale::En);
    }

    #[test]
    fn field_errors_name_field_and_rule() {
        let c = Catalog::default();
        let e = FieldError::new("person.passport_number", "passport_number_format");
        let en = c.field_error(Locale::En, &e);
        let zh = c.field_error(Locale::Zh, &e);
        assert!(en.starts_with("Passport number: "), "{en}");
        assert!(zh.starts_with("护照号码："), "{zh}");
        let e = FieldError::new("name", "too_long").with("max", 100);
        assert!(c.field_error(Locale::En, &e).contains("100"));
    }

    #[test]
    fn every_error_code_of_the_domain_has_a_message() {
        // Codes the services and domain produce; the list grows with them.
        let c = Catalog::default();
        for code in crate::http::ERROR_CODES {
            for l in Locale::ALL {
                let key = format!("error-{}", code.replace('_', "-"));
                assert!(c.has(l, &key), "{} lacks {key}", l.tag());
            }
        }
    }
}
