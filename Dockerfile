# One image for every sitrep service; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY schemas ./schemas
COPY seeds ./seeds
COPY deploy ./deploy
RUN pip install --no-cache-dir -e .
ENV SITREP_METRICS_HOST=0.0.0.0 SITREP_HOME=/data
VOLUME /data
ENTRYPOINT ["sitrep"]
