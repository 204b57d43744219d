"""The fetcher: watches news feeds, article pages, the X API and drop folders, and publishes raw documents.

Pure modules (no network, no Kafka): canonical_url, charset, politeness, robots, ssrf_guard, feeds, articles, tweets,
config, state (SQLite only). I/O shell: http_client (httpx), sources (one poll per source), publisher (kafka-python),
service (the `sitrep fetcher` command).
"""
