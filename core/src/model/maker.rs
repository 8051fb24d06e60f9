//! Android phone makers known to stop apps in the background beyond what
//! stock Android does (the list <https://dontkillmyapp.com> keeps), each
//! with the maker's own setting that lets an app run. One list, read by
//! the battery-optimisation check (to name the maker) and by its fix (to
//! name the maker's setting).

/// A maker whose Android adds its own background killer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Maker {
    /// How a person writes the maker.
    pub name: &'static str,
    /// `Build.MANUFACTURER` values (lower case) that mean this maker: the
    /// sub-brands report themselves under their own name on some models.
    pub manufacturers: &'static [&'static str],
    /// Where the maker's own setting is, as a settings path.
    pub own_setting: &'static str,
}

/// Every known background killer. Menus move between OS versions; each
/// path is the one the maker's current skin uses.
pub const BACKGROUND_KILLERS: [Maker; 16] = [
    Maker {
        name: "Xiaomi",
        manufacturers: &["xiaomi", "redmi", "poco"],
        own_setting: "Xiaomi: Settings > Apps > Manage apps > miniOrange Authenticator > Autostart: on, and Battery saver: No restrictions",
    },
    Maker {
        name: "Huawei",
        manufacturers: &["huawei"],
        own_setting: "Huawei: Settings > Battery > App launch > miniOrange Authenticator: Manage manually, with Auto-launch, Secondary launch and Run in background on",
    },
    Maker {
        name: "Honor",
        manufacturers: &["honor"],
        own_setting: "Honor: Settings > Battery > App launch > miniOrange Authenticator: Manage manually, with Auto-launch, Secondary launch and Run in background on",
    },
    Maker {
        name: "Samsung",
        manufacturers: &["samsung"],
        own_setting: "Samsung: Settings > Battery > Background usage limits > Never sleeping apps: add miniOrange Authenticator",
    },
    Maker {
        name: "OnePlus",
        manufacturers: &["oneplus"],
        own_setting: "OnePlus: Settings > Apps > miniOrange Authenticator > Battery usage > Allow background activity and Allow auto launch",
    },
    Maker {
        name: "Oppo",
        manufacturers: &["oppo"],
        own_setting: "Oppo: Settings > Apps > App management > miniOrange Authenticator > Battery usage > Allow background activity and Allow auto launch",
    },
    Maker {
        name: "Realme",
        manufacturers: &["realme"],
        own_setting: "Realme: Settings > Apps > App management > miniOrange Authenticator > Battery usage > Allow background activity and Allow auto launch",
    },
    Maker {
        name: "Vivo",
        manufacturers: &["vivo"],
        own_setting: "Vivo: Settings > Battery > Background power consumption management > miniOrange Authenticator: Allow, and i Manager > App manager > Autostart manager: on",
    },
    Maker {
        name: "Meizu",
        manufacturers: &["meizu"],
        own_setting: "Meizu: Settings > Battery > Background management > miniOrange Authenticator: Allow running in background",
    },
    Maker {
        name: "Asus",
        manufacturers: &["asus"],
        own_setting: "Asus: Mobile Manager > Auto-start Manager > miniOrange Authenticator: allow",
    },
    Maker {
        name: "Lenovo",
        manufacturers: &["lenovo"],
        own_setting: "Lenovo: Settings > Battery > Background app management > miniOrange Authenticator: allow",
    },
    Maker {
        name: "Sony",
        manufacturers: &["sony"],
        own_setting: "Sony: Settings > Battery > STAMINA mode: off, or add miniOrange Authenticator to its exceptions",
    },
    Maker {
        name: "Nokia",
        manufacturers: &["nokia", "hmd global"],
        own_setting: "Nokia: Settings > Apps > miniOrange Authenticator > Battery > Background restriction: off, and Settings > Battery > Adaptive Battery: off",
    },
    Maker {
        name: "Wiko",
        manufacturers: &["wiko"],
        own_setting: "Wiko: Phone Assist > Battery > Manual mode > miniOrange Authenticator: allow",
    },
    Maker {
        name: "Tecno",
        manufacturers: &["tecno"],
        own_setting: "Tecno: Phone Master > Toolbox > Auto-start management > miniOrange Authenticator: on",
    },
    Maker {
        name: "Infinix",
        manufacturers: &["infinix"],
        own_setting: "Infinix: Phone Master > Toolbox > Auto-start management > miniOrange Authenticator: on",
    },
];

impl Maker {
    /// The known background killer that `manufacturer` (Android's
    /// `Build.MANUFACTURER`) names, if any. Case and surrounding space do
    /// not matter, and a company suffix does not either ("Infinix Mobility
    /// Limited"); a different word that merely starts the same does
    /// ("Sonyx" is not Sony).
    pub fn background_killer(manufacturer: &str) -> Option<&'static Maker> {
        let wanted = manufacturer.trim().to_lowercase();
        BACKGROUND_KILLERS.iter().find(|maker| {
            maker.manufacturers.iter().any(|known| {
                wanted
                    .strip_prefix(known)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_manufacturer_values_name_their_maker() {
        let cases = [
            ("Xiaomi", Some("Xiaomi")),
            ("Redmi", Some("Xiaomi")),
            ("POCO", Some("Xiaomi")),
            ("HUAWEI", Some("Huawei")),
            ("HONOR", Some("Honor")),
            ("samsung", Some("Samsung")),
            (" OnePlus ", Some("OnePlus")),
            ("OPPO", Some("Oppo")),
            ("realme", Some("Realme")),
            ("vivo", Some("Vivo")),
            ("HMD Global", Some("Nokia")),
            ("Infinix Mobility Limited", Some("Infinix")),
            ("TECNO", Some("Tecno")),
            ("Google", None),
            ("motorola", None),
            ("Sonyx", None),
            ("", None),
        ];
        for (manufacturer, want) in cases {
            assert_eq!(
                Maker::background_killer(manufacturer).map(|m| m.name),
                want,
                "{manufacturer:?}"
            );
        }
    }

    #[test]
    fn every_maker_names_itself_in_its_own_setting() {
        for maker in BACKGROUND_KILLERS {
            assert!(
                maker.own_setting.starts_with(&format!("{}: ", maker.name)),
                "{}",
                maker.own_setting
            );
            for m in maker.manufacturers {
                assert_eq!(m.to_lowercase(), *m, "lower case: {m}");
            }
        }
    }
}
