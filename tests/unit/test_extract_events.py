from typing import Any

from sitrep import schemas
from sitrep.extraction import extract_events


def doc(text: str, published: str = "2022-06-10", segments: list[list[int]] | None = None) -> dict[str, Any]:
    return {"id": "d1", "raw_id": "r1", "kind": "article", "source": "test", "published_at": published,
            "text": text, "segments": segments or [[0, 0, len(text)]]}


def test_air_strike_with_actors_date_place_and_count() -> None:
    text = "On Tuesday, Turkish jets struck PKK positions in Sinjar, killing at least 7 fighters."
    events = extract_events(doc(text))
    assert len(events) == 1
    e = events[0]
    schemas.check("events", e)
    assert (e["sub_event_type"], e["event_type"]) == ("Air/drone strike", "Explosions/Remote violence")
    assert (e["event_date"], e["time_precision"]) == ("2022-06-07", 1)
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Turkey", "PKK", 7)
    assert e["location"]["country"] == "Iraq" and e["location"]["geo_precision"] == 1


def test_passive_voice_swaps_actors() -> None:
    e = extract_events(doc("On 3 June, Hezbollah positions near Qusayr were struck by Israeli jets."))[0]
    assert (e["actor1"], e["actor2"]) == ("Israel", "Hezbollah")


def test_near_gives_geo_precision_2() -> None:
    e = extract_events(doc("On 3 June, Russian warplanes bombed positions near Saraqib."))[0]
    assert e["location"]["geo_precision"] == 2


def test_negated_and_generic_statements_are_not_events() -> None:
    assert extract_events(doc("There were no reported strikes in Syria on June 2.")) == []
    assert extract_events(doc("Over the past ten years, Israel has conducted hundreds of airstrikes in Syria.")) == []
    assert extract_events(doc("The army will shell Idlib if talks fail.")) == []


def test_evidence_points_into_raw_text_through_segments() -> None:
    raw = "HEADER\n\nOn 3 June, Russian warplanes bombed positions near Saraqib."
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
    e = one("A military source in Beirut said Israeli jets struck a depot near Qusayr on 3 June.")
    assert e["location"]["country"] == "Syria" and e["location"]["geo_precision"] == 2


def test_possessive_country_is_not_the_event_place() -> None:
    e = one("On 3 June, Israeli jets bombed Iran's weapons depot in Homs.")
    assert e["location"]["country"] == "Syria" and e["location"]["geo_precision"] == 1


def test_backing_actor_is_not_actor1() -> None:
    e = one("On Monday, the Syrian army, backed by Russian airstrikes, recaptured Saraqib.")
    assert (e["sub_event_type"], e["actor1"]) == ("Government regains territory", "Syrian government forces")


def test_coordinated_subject_takes_the_first_actor() -> None:
    assert one("On 2 June, Hezbollah and Iraqi paramilitary fighters were deployed to Qusayr.")["actor1"] == "Hezbollah"


def test_movement_of_x_makes_x_actor1() -> None:
    e = one("On 2 June we saw the movement of PMU fighters to Sinjar.")
    assert (e["actor1"], e["actor2"]) == ("Popular Mobilization Units", None)


def test_evacuation_is_coded_where_people_are_taken_from() -> None:
    e = one("On 2 June, hundreds of fighters were evacuated from Arsal to Idlib.")
    assert e["location"]["country"] == "Lebanon"


def test_victim_who_died_in_a_strike_is_actor2() -> None:
    e = one("PKK commander Ali Rasho died in a Turkish drone strike near Sinjar on Tuesday.")
    assert (e["actor1"], e["actor2"], e["fatalities"]) == ("Turkey", "PKK", 1)


def test_second_trigger_of_one_type_in_a_sentence_is_the_same_event() -> None:
    e = one("On 3 June, the US-led coalition hit regime forces near Homs with air strikes and destroyed a tank.")
    assert (e["actor1"], e["actor2"]) == ("US-led coalition", "Syrian government forces")


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
