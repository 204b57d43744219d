"""deploy/k8s: the kustomization renders (in pure Python, no kubectl) and every resource is valid offline: built-in
kinds against the Kubernetes OpenAPI schemas shipped by kubernetes-validate, the Strimzi Kafka resources by shape,
and the deployment conventions (probes, scrape annotations, limits, config from ConfigMaps/Secrets) hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sitrep.endpoints import DEFAULT_PORTS

BASE = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base"
K8S_VERSION = "1.30.0"  # the oldest Kubernetes minor still supported upstream when this was written
SERVICES = ("fetcher", "processor", "storage", "alerter", "api")


def render(folder: Path) -> list[dict[str, Any]]:
    """What `kustomize build` gives for the features this kustomization uses: resources (files or folders),
    namespace, common labels (metadata only) and image rewrites."""
    kust = yaml.safe_load((folder / "kustomization.yaml").read_text())
    out: list[dict[str, Any]] = []
    for entry in kust.get("resources", []):
        path = folder / entry
        docs = render(path) if path.is_dir() else [d for d in yaml.safe_load_all(path.read_text()) if d]
        out.extend(docs)
    images = {i["name"]: i for i in kust.get("images", [])}
    labels = {k: v for group in kust.get("labels", []) for k, v in group.get("pairs", {}).items()}
    for doc in out:
        meta = doc.setdefault("metadata", {})
        if kust.get("namespace") and doc["kind"] != "Namespace":
            meta["namespace"] = kust["namespace"]
        meta["labels"] = {**meta.get("labels", {}), **labels}
        for container in _containers(doc):
            image = images.get(container["image"].split(":")[0])
            if image:
                container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    return out


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if doc.get("kind") != "Deployment":
        return []
    return list(doc["spec"]["template"]["spec"]["containers"])


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    return render(BASE)


def _by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def test_builtin_resources_match_the_kubernetes_schemas(resources: list[dict[str, Any]]) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    builtin = [r for r in resources if not r["apiVersion"].startswith("kafka.strimzi.io/")]
    assert {r["kind"] for r in builtin} >= {"Namespace", "ConfigMap", "Secret", "Deployment", "Service",
                                             "PersistentVolumeClaim"}
    for r in builtin:
        # strict: an unknown field (a typo such as `readinesProbe`) fails instead of being ignored
        kubernetes_validate.validate(r, K8S_VERSION, strict=True)


def test_the_validator_rejects_a_broken_deployment(resources: list[dict[str, Any]]) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    broken = yaml.safe_load(yaml.safe_dump(_by_kind(resources, "Deployment")["sitrep-processor"]))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_strimzi_kafka_cluster_shape(resources: list[dict[str, Any]]) -> None:
    kafka = [r for r in resources if r["kind"] == "Kafka"]
    pools = [r for r in resources if r["kind"] == "KafkaNodePool"]
    assert len(kafka) == 1 and pools
    cluster = kafka[0]
    assert cluster["apiVersion"] == "kafka.strimzi.io/v1beta2"
    assert cluster["metadata"]["annotations"].get("strimzi.io/kraft") == "enabled"
    assert cluster["metadata"]["annotations"].get("strimzi.io/node-pools") == "enabled"
    spec = cluster["spec"]["kafka"]
    assert spec["listeners"] and all({"name", "port", "type", "tls"} <= set(li) for li in spec["listeners"])
    assert "zookeeper" not in cluster["spec"]  # KRaft only
    roles: set[str] = set()
    for pool in pools:
        assert pool["apiVersion"] == "kafka.strimzi.io/v1beta2"
        assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster["metadata"]["name"]
        assert pool["spec"]["replicas"] >= 1 and pool["spec"]["storage"]["type"] in ("jbod", "persistent-claim",
                                                                                        "ephemeral")
        roles |= set(pool["spec"]["roles"])
    assert roles == {"controller", "broker"}
    # the services' bootstrap address is the one Strimzi gives this cluster's plain listener
    env = _by_kind(resources, "ConfigMap")["sitrep-env"]["data"]
    plain = next(li for li in spec["listeners"] if not li["tls"])
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == f"{cluster['metadata']['name']}-kafka-bootstrap:{plain['port']}"


def test_one_deployment_per_service_with_probes_limits_and_scraping(resources: list[dict[str, Any]]) -> None:
    deployments = _by_kind(resources, "Deployment")
    assert set(deployments) == {f"sitrep-{s}" for s in SERVICES}
    for service in SERVICES:
        d = deployments[f"sitrep-{service}"]
        pod = d["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["image"] == "ghcr.io/sitrep/sitrep:0.1.0"
        assert container["args"][0] == service
        port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["path"] == "/healthz"
            assert container[probe]["httpGet"]["port"] in ("http", port)
        limits, requests = container["resources"]["limits"], container["resources"]["requests"]
        assert {"cpu", "memory"} <= set(limits) and {"cpu", "memory"} <= set(requests)
        refs = [e.get("configMapRef", e.get("secretRef", {})).get("name") for e in container["envFrom"]]
        assert "sitrep-env" in refs
        if service in ("storage", "api"):
            assert "sitrep-db" in refs  # the database URL only from the Secret
        if service != "api":
            annotations = pod["metadata"]["annotations"]
            assert annotations["prometheus.io/scrape"] == "true"
            assert int(annotations["prometheus.io/port"]) == port == DEFAULT_PORTS[service]
            env = {e["name"]: e["value"] for e in container.get("env", [])}
            assert env["SITREP_METRICS_PORT"] == str(port)


def test_processor_replicas_fit_the_partitions(resources: list[dict[str, Any]]) -> None:
    parts = int(_by_kind(resources, "ConfigMap")["sitrep-env"]["data"]["SITREP_TOPIC_PARTITIONS"])
    assert 1 <= _by_kind(resources, "Deployment")["sitrep-processor"]["spec"]["replicas"] <= parts


def test_config_comes_from_configmaps_and_the_api_has_a_service(resources: list[dict[str, Any]]) -> None:
    maps = _by_kind(resources, "ConfigMap")
    env = maps["sitrep-env"]["data"]
    subs = yaml.safe_load(maps["sitrep-subscriptions"]["data"]["subscriptions.yaml"])
    assert subs["subscriptions"]
    fetcher = yaml.safe_load(maps["sitrep-fetcher"]["data"]["fetcher.yaml"])
    assert fetcher["sources"]
    mounts = {}
    for d in _by_kind(resources, "Deployment").values():
        (c,) = d["spec"]["template"]["spec"]["containers"]
        volumes = {v["name"]: v for v in d["spec"]["template"]["spec"]["volumes"]}
        for m in c.get("volumeMounts", []):
            if "configMap" in volumes[m["name"]]:
                mounts[volumes[m["name"]]["configMap"]["name"]] = m["mountPath"]
    assert env["SITREP_SUBSCRIPTIONS"].startswith(mounts["sitrep-subscriptions"] + "/")
    assert env["SITREP_FETCHER_CONFIG"].startswith(mounts["sitrep-fetcher"] + "/")
    secret = _by_kind(resources, "Secret")["sitrep-db"]
    assert "SITREP_DATABASE_URL" in secret["stringData"]
    service = _by_kind(resources, "Service")["sitrep-api"]
    api = _by_kind(resources, "Deployment")["sitrep-api"]
    assert service["spec"]["selector"].items() <= api["spec"]["template"]["metadata"]["labels"].items()
    assert all(r["metadata"].get("namespace") == "sitrep" for r in resources if r["kind"] != "Namespace")
