"""Every Kafka topic sitrep uses, in one place: search for a member to find its producers and consumers.

The README's topology table mirrors this module. A deployment may prefix every name (``SITREP_TOPIC_PREFIX``) so that
several pipelines, or several tests, share one cluster without seeing each other's messages.
"""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    RAW_ARTICLES = "raw.articles"  # fetcher, replay -> processor
    RAW_TWEETS = "raw.tweets"  # fetcher, replay -> processor
    DOCUMENTS = "documents"  # processor (clean, unique or quoted) -> storage
    DUPLICATES = "duplicates"  # processor -> storage (one verdict per document)
    EVENTS = "events"  # processor (every version) -> storage, alerter
    DEAD_LETTERS = "deadletter"  # any service -> operators
    WEBHOOK_DEAD_LETTERS = "alerts-webhook.deadletter"  # alerter, deliveries that kept failing

    @property
    def schema_name(self) -> str:
        return _SCHEMAS[self]


ALERTS_PREFIX = "alerts."  # one topic per subscription: alerts.<name>

_SCHEMAS = {
    Topic.RAW_ARTICLES: "raw.articles",
    Topic.RAW_TWEETS: "raw.tweets",
    Topic.DOCUMENTS: "documents",
    Topic.DUPLICATES: "duplicates",
    Topic.EVENTS: "events",
    Topic.DEAD_LETTERS: "deadletter",
    Topic.WEBHOOK_DEAD_LETTERS: "deadletter",
}

RAW_TOPIC_BY_KIND = {"article": Topic.RAW_ARTICLES, "tweet": Topic.RAW_TWEETS}


def topic_name(topic: Topic | str, prefix: str = "") -> str:
    return f"{prefix}{topic.value if isinstance(topic, Topic) else topic}"


def alert_topic(subscription: str, prefix: str = "") -> str:
    return f"{prefix}{ALERTS_PREFIX}{subscription}"


class InternalTopic(StrEnum):
    """The processor's repartition topics: how work meets on the right partition however many workers run."""

    DEDUP = "processor.dedup"  # clean documents with their sketches, all on partition 0: where every sketch lives
    EXTRACT = "processor.extract"  # unique and quoted documents keyed by id: extraction spread over every partition
    MERGE = "processor.merge"  # candidate events keyed by sub_event_type|country: where their matches live

    @property
    def schema_name(self) -> str:
        return self.value
