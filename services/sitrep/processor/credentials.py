"""The processor's Kafka credentials: the same KAFKA_SECURITY_* settings the kafka-python services use, in the shape
faust wants (so a secured cluster works for every service, not only the kafka-python ones)."""

from __future__ import annotations

import ssl
from typing import Any

import faust
from faust.types.auth import CredentialsT

from sitrep.settings import ConfigError


def faust_credentials(security: dict[str, Any]) -> CredentialsT | None:
    protocol = str(security.get("security_protocol", "PLAINTEXT")).upper()
    context = None
    if protocol in ("SSL", "SASL_SSL"):
        try:
            context = ssl.create_default_context(cafile=security.get("ssl_cafile"))
            if security.get("ssl_certfile"):
                context.load_cert_chain(
                    security["ssl_certfile"], security.get("ssl_keyfile"), security.get("ssl_password")
                )
        except (OSError, ssl.SSLError) as exc:  # the message names the file, never a password
            raise ConfigError(f"Kafka TLS settings: {exc}") from None
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=security.get("sasl_plain_username"),
            password=security.get("sasl_plain_password"),
            mechanism=security.get("sasl_mechanism", "PLAIN"),
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None
