from typing import Any

from sitrep import schemas
from sitrep.extraction import extract_events


def doc(text: str, published: str = "2022-06-10", segments: list[list[int]] | None = None) -> dict[str, Any]:
    return {"id": "d1", "raw_id": "r1", "kind": "article", "source": "test", "published_at": published,
            "text": text, "segments": segments or [[0, 0, len(text)]]}


def test_air_strike_with_actors_date_place_and_count() -> None:
    text = "On Tuesday, Turkish jets struck PKK positions in Sinjar, Iraq, killing at least 7 fighters."
    events = extract_events(doc(text))
    assert len(events) == 1
    e = events[0]
    schemas.check("events", e)
    assert (e["sub_event_type"], e["event_type"]) == ("Air/drone strike", "Explosions/Remote violence")
    assert (e["event_date"], e["time_precision"]) == ("2022-06-07", 1)
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Military Forces of Turkey", "Kurdistan Workers' Party", 7)
    assert e["location"]["country"] == "Iraq" and e["location"]["geo_precision"] == 1


def test_passive_voice_swaps_actors() -> None:
    e = extract_events(doc("On 3 June, Hezbollah positions near Qusayr in Syria were struck by Israeli jets."))[0]
    assert (e["actor1"], e["actor2"]) == ("Military Forces of Israel", "Hezbollah")


def test_near_gives_geo_precision_2() -> None:
    e = extract_events(doc("On 3 June, Russian warplanes bombed positions near Saraqib in Syria."))[0]
    assert e["location"]["geo_precision"] == 2


def test_negated_and_generic_statements_are_not_events() -> None:
    assert extract_events(doc("There were no reported strikes in Syria on June 2.")) == []
    assert extract_events(doc("Over the past ten years, Israel has conducted hundreds of airstrikes in Syria.")) == []
    assert extract_events(doc("The army will shell Idlib if talks fail.")) == []


def test_evidence_points_into_raw_text_through_segments() -> None:
    raw = "HEADER\n\nOn 3 June, Russian warplanes bombed positions near Saraqib in Syria."
    clean = raw[8:]
    e = extract_events(doc(clean, segments=[[0, 8, len(clean)]]))[0]
    ev = e["evidence"][0]
    assert ev["doc_id"] == "r1"
    assert raw[ev["start"]:ev["end"]] == ev["text"] == clean


def test_never_dated_after_publication() -> None:
    e = extract_events(doc("On Sunday, gunmen clashed with police in Ramadi.", published="2022-06-10"))[0]
    assert e["event_date"] == "2022-06-05"


def one(text: str, **extra: Any) -> dict[str, Any]:
    events = extract_events({**doc(text), **extra})
    assert len(events) == 1, events
    return events[0]


def test_place_of_a_source_is_not_the_event_place() -> None:
    e = one("A military source in Beirut said Israeli jets struck a depot near Qusayr, Syria, on 3 June.")
    assert e["location"]["country"] == "Syria" and e["location"]["geo_precision"] == 2


def test_possessive_country_is_not_the_event_place() -> None:
    e = one("On 3 June, Israeli jets bombed Iran's weapons depot in Homs.")
    assert e["location"]["country"] == "Syria" and e["location"]["geo_precision"] == 1


def test_backing_actor_is_not_actor1() -> None:
    e = one("On Monday, the Syrian army, backed by Russian airstrikes, recaptured Saraqib.")
    assert (e["sub_event_type"], e["actor1"]) == ("Government regains territory", "Military Forces of Syria")


def test_coordinated_subject_takes_the_first_actor() -> None:
    e = one("On 2 June, Hezbollah and Iraqi paramilitary fighters were deployed to Qusayr in Syria.")
    assert e["actor1"] == "Hezbollah"


def test_movement_of_x_makes_x_actor1() -> None:
    e = one("On 2 June we saw the movement of PMU fighters to Sinjar.")
    assert (e["actor1"], e["actor2"]) == ("Popular Mobilization Forces", None)


def test_evacuation_is_coded_where_people_are_taken_from() -> None:
    e = one("On 2 June, hundreds of fighters were evacuated from Arsal in Lebanon to Idlib in Syria.")
    assert e["location"]["country"] == "Lebanon"


def test_victim_who_died_in_a_strike_is_actor2() -> None:
    e = one("PKK commander Ali Rasho died in a Turkish drone strike near Sinjar in Iraq on Tuesday.")
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Military Forces of Turkey", "Kurdistan Workers' Party", 1)


def test_second_trigger_of_one_type_in_a_sentence_is_the_same_event() -> None:
    e = one("On 3 June, the US-led coalition hit regime forces near Homs with air strikes and destroyed a tank.")
    assert (e["actor1"], e["actor2"]) == ("Operation Inherent Resolve", "Military Forces of Syria")


def test_event_that_an_event_comes_after_is_dated_to_the_week_before() -> None:
    e = one("Fighters left Qusayr on Monday. This comes after a deal was struck with Hezbollah in Qusayr.")
    assert (e["sub_event_type"], e["event_date"], e["time_precision"]) == ("Agreement", "2022-06-05", 2)


def test_split_post_is_dated_from_its_own_text_not_the_page() -> None:
    text = "Posted 4 March 2015.\n\nOn Monday, Russian jets struck rebel positions near Homs."
    assert one(text, published_at="2020-05-15")["event_date"] == "2020-05-11"  # an ordinary article
    assert one(text, published_at="2020-05-15", id="p~1", parent_id="p")["event_date"] == "2015-03-02"


def test_text_before_dated_updates_is_anchored_to_the_earliest_update() -> None:
    text = ("Fighters were evacuated from Arsal on Monday.\n\nUPDATE March 6, 2015\n\nNothing new.\n\n"
            "UPDATE March 4, 2015\n\nTalks went on.")
    assert one(text, published_at="2020-05-15", id="p~1", parent_id="p")["event_date"] == "2015-03-02"


# --- generalization rules (synthetic sentences; published 2022-06-10 is a Friday) ---

def _one(text: str) -> dict[str, Any]:
    events = extract_events(doc(text))
    assert len(events) == 1, [(e["sub_event_type"], e["location"]["name"]) for e in events]
    schemas.check("events", events[0])
    return events[0]


def test_security_forces_firing_on_protesters_is_excessive_force() -> None:
    e = _one("On Wednesday, Iraqi security forces opened fire on demonstrators in Basra, killing at least 6 people.")
    assert e["sub_event_type"] == "Excessive force against protesters"
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Military Forces of Iraq", "Protesters (Iraq)", 6)


def test_peaceful_march_has_generic_protester_actor() -> None:
    e = _one("Thousands of students marched peacefully through Karbala on Thursday.")
    assert (e["sub_event_type"], e["actor1"], e["actor2"]) == ("Peaceful protest", "Protesters (Iraq)", None)
    assert e["event_date"] == "2022-06-09"


def test_rioters_setting_fire_is_violent_demonstration_not_looting() -> None:
    e = _one("Rioters threw stones and set fire to the municipal building in Sidon on Tuesday.")
    assert (e["sub_event_type"], e["actor1"]) == ("Violent demonstration", "Rioters (Lebanon)")


def test_rockets_fired_from_the_ground_are_shelling() -> None:
    e = _one("Hamas fired more than 30 rockets at Sderot on Monday.")
    assert (e["sub_event_type"], e["actor1"]) == ("Shelling/artillery/missile attack", "Hamas")
    e = _one("On Monday, rockets were fired at the airport in Erbil.")
    assert (e["sub_event_type"], e["actor1"]) == (
        "Shelling/artillery/missile attack", "Unidentified Armed Group (Iraq)")


def test_checkpoint_attack_is_armed_clash_with_generic_attacker() -> None:
    e = _one("Unidentified gunmen attacked an army checkpoint near Baqubah on Sunday, killing two soldiers.")
    assert (e["sub_event_type"], e["actor1"]) == ("Armed clash", "Unidentified Armed Group (Iraq)")
    assert e["location"]["geo_precision"] == 2 and e["fatalities"] == 2


def test_roadside_bomb_that_struck_is_not_also_an_air_strike() -> None:
    e = _one("On Sunday, a roadside bomb struck a police patrol in Samarra.")
    assert (e["sub_event_type"], e["actor1"]) == ("Remote explosive/landmine/IED", "Unidentified Armed Group (Iraq)")


def test_ground_raid_with_arrests_is_not_an_air_strike() -> None:
    e = _one("On Thursday, Israeli troops raided a house in Nablus and arrested three men.")
    assert (e["sub_event_type"], e["actor1"]) == ("Arrests", "Military Forces of Israel")


def test_suicide_car_bomber_is_suicide_bomb() -> None:
    e = _one("On Saturday, an Islamic State suicide car bomber struck a checkpoint in Tikrit, "
             "killing 9 Iraqi soldiers.")
    assert (e["sub_event_type"], e["actor1"], e["actor2"], e["fatalities"]) == (
        "Suicide bomb", "Islamic State", "Military Forces of Iraq", 9)


def test_territory_verbs_fell_to_and_declared_control() -> None:
    e = _one("The town of Baiji fell to Islamic State fighters on Tuesday.")
    assert (e["sub_event_type"], e["actor1"]) == ("Non-state actor overtakes territory", "Islamic State")
    e = _one("On Tuesday, the Iraqi army declared full control of Qayyarah.")
    assert (e["sub_event_type"], e["actor1"]) == ("Government regains territory", "Military Forces of Iraq")


def test_ceasefire_agreement_takes_both_parties_and_earlier_date() -> None:
    e = _one("A truce between Israel and Hamas took effect in Gaza on Friday, "
             "under a deal announced by Egypt on Thursday.")
    assert (e["sub_event_type"], e["actor1"], e["actor2"]) == ("Agreement", "Military Forces of Israel", "Hamas")
    assert e["event_date"] == "2022-06-09"
    e = _one("Russia and Turkey agreed on Wednesday to a ceasefire in Syria's Idlib province.")
    assert (e["actor1"], e["actor2"], e["location"]["country"]) == (
        "Military Forces of Russia", "Military Forces of Turkey", "Syria")


def test_victims_after_the_clause_are_actor2() -> None:
    e = _one("Russian warplanes struck Ariha in Idlib province on Monday, killing 12 civilians.")
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Military Forces of Russia", "Civilians (Syria)", 12)


def test_capital_as_metonym_is_not_the_place() -> None:
    e = _one("Ankara blamed the YPG after a Turkish drone struck a car near Kobani in Syria on Friday.")
    assert e["location"]["country"] == "Syria"


def test_background_duration_and_total_are_not_events() -> None:
    assert extract_events(doc("The army entered Saraqib on Monday after weeks of heavy shelling.")) == [] or all(
        e["sub_event_type"] != "Shelling/artillery/missile attack"
        for e in extract_events(doc("The army entered Saraqib on Monday after weeks of heavy shelling.")))
    assert extract_events(doc("Iraq votes on Sunday, two years after the protest movement swept Baghdad.")) == []


def test_second_event_with_also_takes_the_previous_date() -> None:
    events = extract_events(doc("An Israeli drone struck a car in Tyre on Tuesday, killing two men.\n\n"
                                "Israeli artillery also shelled the outskirts of Khiam."))
    shelling = [e for e in events if e["sub_event_type"] == "Shelling/artillery/missile attack"]
    assert len(events) == 2 and shelling and shelling[0]["event_date"] == "2022-06-07"


def test_abduction_defaults_to_civilian_victim() -> None:
    e = _one("Gunmen abducted a teacher in Tafas, in Syria's Daraa province, on Sunday.")
    assert (e["sub_event_type"], e["actor1"], e["actor2"]) == (
        "Abduction/forced disappearance", "Unidentified Armed Group (Syria)", "Civilians (Syria)")
