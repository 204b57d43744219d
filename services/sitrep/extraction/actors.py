"""Actor dictionary: normalised actor name -> aliases as they appear in news (matched after `textnorm` folding).

Aliases written in capitals and at most five letters (IS, US, IDF, PMU) only match in capitals: "is" and "us"
are English words.
"""

from __future__ import annotations

ACTORS: dict[str, list[str]] = {
    "Israel": ["Israel", "Israeli Air Force", "Israeli Air Forces", "IAF", "IDF", "Israel Defense Forces",
               "Israeli Defense Forces", "Israeli military", "Israeli army", "Israeli forces", "Israeli troops",
               "Israeli jets", "Israeli aircraft", "Israeli warplanes", "Israeli drone", "Israeli drones",
               "Israeli missiles", "Israeli raid", "Israeli raids", "Israeli airstrike", "Israeli airstrikes",
               "Israeli strike", "Israeli strikes", "Israeli attack", "Israeli attacks", "Israeli helicopter",
               "Israeli F-16", "Israeli F-16I", "Israel jets", "Israeli navy", "Israeli artillery", "Israeli tanks",
               "Israeli soldiers", "IDF engineers", "IDF troops"],
    "US-led coalition": ["US-led coalition", "U.S.-led coalition", "US led coalition", "Coalition",
                         "international coalition", "Global Coalition", "anti-ISIS coalition", "CJTF-OIR", "CJTFOIR",
                         "OIR", "Operation Inherent Resolve", "Inherent Resolve",
                         "Combined Joint Task Force - Operation Inherent Resolve", "coalition warplanes",
                         "coalition aircraft", "coalition forces", "Coalition military forces", "coalition jets",
                         "coalition airstrikes", "coalition strikes"],
    "United States": ["United States", "US", "U.S.", "USA", "American forces", "US forces", "U.S. forces",
                      "US military", "U.S. military", "US troops", "Pentagon", "US Army", "US Air Force"],
    "Iraqi Security Forces": ["Iraqi Security Forces", "ISF", "Iraqi Air Force", "Iraqi air force", "Iraqi army",
                              "Iraqi Army", "Iraqi military", "Iraqi forces", "Iraqi Joint Operations Command",
                              "Iraqi Counter Terrorism Service", "CTS", "Iraqi F-16s", "Iraqi warplanes",
                              "Iraqi aircraft", "Iraqi troops", "Iraqi soldiers", "Iraqi Ministry of Defense",
                              "Iraqi command"],
    "Syrian government forces": ["Syrian government forces", "Syrian Arab Army", "SAA", "Syrian army",
                                 "Syrian Army", "Syrian military", "Syrian forces", "Syrian troops",
                                 "pro-regime forces", "pro-government forces", "pro-Syrian regime forces",
                                 "government forces", "regime forces", "Assad regime forces", "Assad regime",
                                 "forces of al-Assad", "Assad forces", "Assad's forces", "Syrian regime",
                                 "Syrian government", "regime", "pro-regime", "pro-government troops",
                                 "Syrian Arab Air Force", "SyAAF", "SyAF", "Republican Guard",
                                 "Syrian regime forces", "government fighters", "Tiger Forces",
                                 "Syrian pro-regime forces", "Syrian security forces", "government warplanes",
                                 "government aircraft", "government jets", "government helicopters",
                                 "regime warplanes", "regime aircraft", "regime jets", "regime helicopters",
                                 "government troops", "army troops", "Syrian regime troops"],
    "Hezbollah": ["Hezbollah", "Hizbullah", "Hizballah", "Hizbollah", "Hezbolla", "Lebanese Hezbollah"],
    "Islamic State": ["Islamic State", "ISIS", "ISIL", "IS", "Daesh", "Da'esh", "Daesh terrorists",
                      "ISIS fighters", "ISIS militants", "Islamic State of Iraq and the Levant"],
    "Popular Mobilization Units": ["Popular Mobilization Units", "Popular Mobilization Forces", "PMU", "PMUs", "PMF",
                                   "Hashd al-Shaabi", "Hashd al-Sha'abi", "Hashd", "al-Hashd al-Shaabi",
                                   "Popular Mobilisation Units", "Popular Mobilisation Forces", "Iraqi paramilitaries",
                                   "Iraqi paramilitary"],
    "IRGC": ["IRGC", "Islamic Revolutionary Guard Corps", "Iranian Revolutionary Guards",
             "Iranian Revolutionary Guards Corps", "Revolutionary Guards", "Quds Force", "al-Quds Force",
             "IRGC-QF", "IRGC Quds Force", "Iranian Revolutionary Guard Corps"],
    "Kata'ib Hezbollah": ["Kata'ib Hezbollah", "Kataib Hezbollah", "Kata'ib Hizbullah", "Kataeb Hezbollah",
                          "Hezbollah Brigades"],
    "Kata'ib al-Imam Ali": ["Kata'ib al-Imam Ali", "Kataib al-Imam Ali", "Kata'ib Imam Ali", "Imam Ali Brigades",
                            "IAB", "Kata'ib Al Imam Ali"],
    "Harakat Hezbollah al-Nujaba": ["Harakat Hezbollah al-Nujaba", "al-Nujaba", "Nujaba"],
    "Asa'ib Ahl al-Haq": ["Asa'ib Ahl al-Haq", "Asaib Ahl al-Haq", "Asaib al-Haq", "AAH"],
    "Badr Organisation": ["Badr Organisation", "Badr Organization", "Badr Brigade"],
    "Russia": ["Russia", "Russian forces", "Russian military", "Russian troops", "Russian aircraft",
               "Russian warplanes", "Russian Air Force", "RuAF", "Russian jets", "Russian airstrikes"],
    "Iran": ["Iran", "Iranian forces", "Iranian military", "Iranian operatives", "Iranian militia",
             "Iranian-backed militias", "Iranian militias"],
    "SDF": ["SDF", "Syrian Democratic Forces", "Coalition-backed Syrian Democratic Forces"],
    "YPG": ["YPG", "People's Protection Units"],
    "HTS": ["HTS", "Hayat Tahrir al-Sham", "Hay'at Tahrir al-Sham", "Tahrir al-Sham", "Jabhat al-Nusra",
            "al-Nusra Front", "Nusra Front"],
    "Free Syrian Army": ["Free Syrian Army", "FSA"],
    "Maghawir al-Thawra": ["Maghawir al-Thawra", "MaT", "Revolutionary Commando Army", "New Syrian Army", "NSA"],
    "Turkey": ["Turkey", "Turkish military", "Turkish forces", "Turkish army", "Turkish Armed Forces", "TSK",
               "Turkish troops", "Turkish jets", "Turkish drones", "Turkish drone", "Turkish warplanes",
               "Turkish aircraft", "Turkish artillery"],
    "Hamas": ["Hamas", "Qassam Brigades", "Izz ad-Din al-Qassam Brigades"],
    "Palestinian Islamic Jihad": ["Palestinian Islamic Jihad", "PIJ", "Islamic Jihad", "Al-Quds Brigades"],
    "Lebanese Armed Forces": ["Lebanese Armed Forces", "LAF", "Lebanese Army", "Lebanese army"],
    "Jordan": ["Jordanian Armed Forces", "Jordanian army", "Jordanian military", "Royal Jordanian Air Force"],
    "Norway": ["Norwegian soldiers", "Norwegian troops", "Norwegian forces", "Norwegian special forces"],
    "United Kingdom": ["British forces", "UK forces", "British troops", "Royal Air Force", "RAF"],
    "Liwa Fatemiyoun": ["Liwa Fatemiyoun", "Fatemiyoun", "Fatemiyoun Division"],
    "Liwa Zainabiyoun": ["Liwa Zainabiyoun", "Zainabiyoun", "Liwa Zainbiyoun"],
    "Khalid ibn al-Walid Army": ["Khalid ibn al-Walid", "Jaysh Khalid ibn al-Walid"],
    "PKK": ["PKK", "Kurdistan Workers' Party"],
    "Peshmerga": ["Peshmerga", "Kurdish Peshmerga"],
    # Generic actors (ACLED's "Protesters (Iraq)", "Police Forces of Iraq"): "{}" is filled with the event's country
    # by `generic_actor`; the template string itself is what rules compare
    "Protesters ({})": ["protesters", "protestors", "demonstrators", "marchers", "anti-government protesters"],
    "Rioters ({})": ["rioters"],
    "Civilians ({})": ["civilians", "civilian", "residents", "villagers"],
    "Unidentified Armed Group ({})": ["gunmen", "unidentified gunmen", "unknown gunmen", "armed men",
                                      "masked gunmen", "unidentified assailants", "unknown assailants"],
    "Rebels ({})": ["rebels", "rebel fighters", "opposition fighters", "opposition factions", "insurgents",
                    "Turkish-backed rebels", "Turkey-backed rebels", "Turkish-backed factions"],
    "Police Forces of {}": ["police", "policemen", "police officers", "police forces", "riot police"],
    "UNIFIL": ["UNIFIL", "UNFIL", "United Nations Interim Force in Lebanon", "United Nations Interim Force Lebanon"],
}

# Nationality adjectives that name a state actor only when followed by a military noun ("Israeli drone")
MILITARY_NOUNS = ("forces", "troops", "army", "military", "aircraft", "jets", "warplanes", "drone", "drones",
                  "missiles", "artillery", "soldiers", "navy", "helicopter", "helicopters", "airstrike", "airstrikes")

GENERIC = frozenset(a for a in ACTORS if "{}" in a)


def generic_actor(actor: str | None, country: str | None) -> str | None:
    """The generic actor template filled with the event's country ("Protesters ({})" -> "Protesters (Iraq)");
    other actors unchanged. Without a country the qualifier is dropped ("Protesters")."""
    if actor is None or "{}" not in actor:
        return actor
    if country:
        return actor.format(country)
    return actor.replace(" ({})", "").replace(" of {}", "")
