"""ACLED event types by sub-event type (the enum in schemas/events.schema.json)."""

EVENT_TYPE: dict[str, str] = {
    "Armed clash": "Battles", "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Air/drone strike": "Explosions/Remote violence", "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence", "Suicide bomb": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence", "Chemical weapon": "Explosions/Remote violence",
    "Attack": "Violence against civilians", "Abduction/forced disappearance": "Violence against civilians",
    "Sexual violence": "Violence against civilians",
    "Peaceful protest": "Protests", "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests", "Violent demonstration": "Riots", "Mob violence": "Riots",
    "Agreement": "Strategic developments", "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments", "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}
# Actors that fly (a bare "struck"/"raided"/"bombed" by them is an air strike) and state actors: by kind, from the
# actor table (actor_names), so every country's forces count
from sitrep.extraction.actor_names import AIR_ACTORS, STATE_ACTORS  # noqa: E402

__all__ = ["AIR_ACTORS", "EVENT_TYPE", "STATE_ACTORS"]
