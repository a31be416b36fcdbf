"""The Zero to JupyterHub values file: valid for the chart, and the same set-up tests/test_hub.py runs.

hub/z2jh-values.yaml cannot be run here (no Kubernetes). It is validated against the chart's
values schema (tests/data/z2jh/, with its licence) and compared with hub/jupyterhub_config.py,
the configuration the end-to-end hub test runs, key by key.
"""

from __future__ import annotations

import copy
import json
import re
import shlex

import jsonschema
import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from .conftest import ROOT

VALUES = ROOT / "hub" / "z2jh-values.yaml"
SCHEMA = ROOT / "tests" / "data" / "z2jh" / "values.schema.json"
README = ROOT / "README.md"


def without_required(schema):
    """The schema minus the keys it requires of an object: Helm validates our values merged with the
    chart's defaults, which supply them. `required` inside oneOf/anyOf alternatives (no `properties`
    beside it) still chooses between forms, such as extraFiles' data, stringData or binaryData."""
    if isinstance(schema, dict):
        drop = "properties" in schema
        return {k: without_required(v) for k, v in schema.items() if not (drop and k == "required")}
    if isinstance(schema, list):
        return [without_required(v) for v in schema]
    return schema


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    schema = without_required(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """hub/jupyterhub_config.py as JupyterHub loads it."""
    state = tmp_path_factory.mktemp("hub-config")
    env = {"SOFT_POWER_HUB_STATE": str(state), "SOFT_POWER_HUB_REPO": str(state / "course.git")}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        loader = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hub"))
        return loader.load_config()


def test_values_match_the_charts_schema(values, validator):
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]
    assert errors == []


def test_the_schema_check_catches_a_misspelt_key(values, validator):
    broken = copy.deepcopy(values)
    broken["singleuser"]["defaultURL"] = broken["singleuser"].pop("defaultUrl")
    broken["cull"]["timeout"] = "one hour"
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("defaultURL" in m for m in messages) and any("one hour" in m for m in messages), messages


def test_students_land_on_lesson_00_in_their_home_folder_as_in_the_tested_hub(values, local):
    folder = re.search(r'^COURSE_FOLDER = "(.+)"', (ROOT / "hub" / "jupyterhub_config.py").read_text(), re.M)[1]
    assert values["singleuser"]["defaultUrl"] == local.Spawner.default_url
    assert values["singleuser"]["defaultUrl"] == f"/lab/tree/{folder}/lessons/00_start_here.ipynb"
    assert (ROOT / "lessons" / "00_start_here.ipynb").is_file()
    assert values["hub"]["config"]["Spawner"]["notebook_dir"] == local.Spawner.notebook_dir == "~"


def test_each_server_start_pulls_the_course_into_that_folder(values):
    command = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"]
    pull, _, fallback = command[2].partition(" || ")
    words = shlex.split(pull)
    assert words[0] == "gitpuller" and len(words) == 4, words  # gitpuller URL BRANCH FOLDER
    assert not words[1].endswith(".git") and words[2] == "main"
    assert words[3] == "/home/jovyan/" + values["singleuser"]["defaultUrl"].split("/")[3]
    assert fallback == "true", "a failed pull must not stop the server"


def test_culling_matches_the_tested_hub(values, local):
    culling = values["singleuser"]["extraFiles"]["kernel-culling"]
    assert culling["mountPath"].startswith("/etc/jupyter/jupyter_server_config.d/")
    assert culling["mountPath"].endswith(".json")
    args = dict(arg.lstrip("-").split("=", 1) for arg in local.Spawner.args if "=" in arg)
    kernel = culling["data"]["MappingKernelManager"]
    assert str(kernel["cull_idle_timeout"]) == args["MappingKernelManager.cull_idle_timeout"]
    assert str(kernel["cull_interval"]) == args["MappingKernelManager.cull_interval"]
    [service] = local.JupyterHub.services
    flags = dict(arg.lstrip("-").split("=", 1) for arg in service["command"] if arg.startswith("--"))
    assert values["cull"]["enabled"] is True
    assert str(values["cull"]["timeout"]) == flags["timeout"]
    assert str(values["cull"]["every"]) == flags["cull-every"]


def megabytes(quantity: str) -> float:
    """A Kubernetes memory quantity such as 400M or 1Gi, in megabytes."""
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]i?)", quantity).groups()
    power = "KMGT".index(unit[0]) + 1
    return float(number) * (1024**power if unit.endswith("i") else 1000**power) / 1e6


def test_memory_and_cpu_per_student_are_set_and_consistent(values):
    memory, cpu = values["singleuser"]["memory"], values["singleuser"]["cpu"]
    assert 0 < megabytes(memory["guarantee"]) < megabytes(memory["limit"])
    assert 0 < cpu["guarantee"] < cpu["limit"]


def test_readme_names_the_settings_it_relies_on(values):
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("### Hosted classrooms") :]
    for text in (
        "hub/z2jh-values.yaml",
        values["singleuser"]["defaultUrl"],
        "targetpath=soft-power-companion",
        "notebook_dir",
        "jupyterhub-idle-culler",
        values["singleuser"]["memory"]["guarantee"],
        values["singleuser"]["memory"]["limit"],
    ):
        assert text in section, f"README's 'Hosted classrooms' does not mention {text!r}"


def test_the_shared_hand_in_folder_is_set_as_in_the_tested_hub(values, local):
    from helpers.handin import HANDIN_ENV

    folder = values["singleuser"]["extraEnv"][HANDIN_ENV]
    mounts = {m["name"]: m["mountPath"] for m in values["singleuser"]["storage"]["extraVolumeMounts"]}
    volumes = {v["name"] for v in values["singleuser"]["storage"]["extraVolumes"]}
    assert folder in mounts.values() and set(mounts) <= volumes
    assert local.Spawner.environment[HANDIN_ENV].endswith("handin")
