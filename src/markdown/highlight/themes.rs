//! Theme names: the bundled themes by their own names, and the names Zola 0.22 sites use
//! (giallo's), each mapped to the bundled theme it is, or the nearest one.

use syntect::highlighting::Theme;
use two_face::theme::{EmbeddedLazyThemeSet, EmbeddedThemeName as T};

/// Zola 0.22 theme names and the bundled theme Kiln uses for each; `true` where it is the same
/// theme, `false` where it is only the nearest (a warning says so).
const ZOLA_NAMES: &[(&str, T, bool)] = &[
    ("catppuccin-frappe", T::CatppuccinFrappe, true),
    ("catppuccin-latte", T::CatppuccinLatte, true),
    ("catppuccin-macchiato", T::CatppuccinMacchiato, true),
    ("catppuccin-mocha", T::CatppuccinMocha, true),
    ("dracula", T::Dracula, true),
    ("nord", T::Nord, true),
    ("solarized-dark", T::SolarizedDark, true),
    ("solarized-light", T::SolarizedLight, true),
    ("gruvbox-dark-hard", T::GruvboxDark, false),
    ("gruvbox-dark-medium", T::GruvboxDark, true),
    ("gruvbox-dark-soft", T::GruvboxDark, false),
    ("gruvbox-light-hard", T::GruvboxLight, false),
    ("gruvbox-light-medium", T::GruvboxLight, true),
    ("gruvbox-light-soft", T::GruvboxLight, false),
    ("github-light", T::Github, true),
    ("github-light-default", T::Github, false),
    ("github-light-high-contrast", T::Github, false),
    ("github-dark", T::TwoDark, false),
    ("github-dark-default", T::TwoDark, false),
    ("github-dark-dimmed", T::OneHalfDark, false),
    ("github-dark-high-contrast", T::TwoDark, false),
    ("one-dark-pro", T::TwoDark, false),
    ("one-light", T::OneHalfLight, false),
    ("monokai", T::MonokaiExtendedOrigin, false),
    ("min-light", T::InspiredGithub, false),
    ("min-dark", T::Base16OceanDark, false),
    ("vitesse-light", T::InspiredGithub, false),
    ("vitesse-dark", T::Base16OceanDark, false),
    ("vitesse-black", T::Base16OceanDark, false),
];

/// A theme found by name, and a warning when it only stands in for the theme named.
pub struct Found<'t> {
    pub theme: &'t Theme,
    pub warning: Option<String>,
}

/// The theme `name` (a bundled theme's own name, any case, or a Zola name), or an error
/// message listing what there is.
pub fn find<'t>(set: &'t EmbeddedLazyThemeSet, name: &str) -> Result<Found<'t>, String> {
    let own = EmbeddedLazyThemeSet::theme_names()
        .iter()
        .find(|t| t.as_name().eq_ignore_ascii_case(name) || kebab(t.as_name()) == name);
    if let Some(theme) = own {
        return Ok(Found {
            theme: set.get(*theme),
            warning: None,
        });
    }
    match ZOLA_NAMES.iter().find(|(zola, _, _)| *zola == name) {
        Some((_, theme, same)) => Ok(Found {
            theme: set.get(*theme),
            warning: (!same).then(|| {
                format!(
                    "Kiln does not bundle the highlighting theme `{name}`; it uses `{}`, the nearest",
                    theme.as_name()
                )
            }),
        }),
        None => Err(format!(
            "no highlighting theme `{name}`; Kiln has {}",
            names().join(", ")
        )),
    }
}

/// Every name `find` accepts, bundled themes first.
pub fn names() -> Vec<String> {
    let own = EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|t| kebab(t.as_name()));
    let zola = ZOLA_NAMES.iter().map(|(name, _, _)| name.to_string());
    let mut all: Vec<String> = own.chain(zola).collect();
    all.dedup();
    all
}

/// `Solarized (dark)` → `solarized-dark`, the spelling a config file expects.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_and_zola_names_are_found_and_stand_ins_say_so() {
        let set = two_face::theme::extra();
        assert!(find(&set, "Solarized (dark)").unwrap().warning.is_none());
        assert!(find(&set, "solarized-dark").unwrap().warning.is_none());
        assert!(find(&set, "inspiredgithub").unwrap().warning.is_none());
        let stand_in = find(&set, "github-dark").unwrap().warning.unwrap();
        assert!(stand_in.contains("github-dark"), "{stand_in}");
        let error = find(&set, "no-such-theme").err().unwrap();
        assert!(
            error.contains("nord") && error.contains("github-light"),
            "{error}"
        );
    }
}
