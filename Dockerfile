# One image for every sitrep service; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app
# the locked, hashed dependencies first: this layer is rebuilt only when the lock changes
COPY requirements-runtime.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-runtime.lock
# then sitrep itself, as a regular (not editable) install: its schemas and gazetteer are package data
COPY pyproject.toml README.md ./
COPY services ./services
RUN pip install --no-cache-dir --no-deps . && rm -rf build
# seeds/ and deploy/ (subscriptions, fetcher config) are read from SITREP_ROOT
COPY seeds ./seeds
COPY deploy ./deploy
ENV SITREP_ROOT=/app SITREP_METRICS_HOST=0.0.0.0 SITREP_HOME=/data
VOLUME /data
ENTRYPOINT ["sitrep"]
