"""deploy/kubernetes agrees with the course server `make hub` runs (nothing here needs Kubernetes).

The Zero to JupyterHub values, the course image's Jupyter config and the local
hub's layout must name the same course, exchange path, groups and nbgrader
extensions per role; these checks fail when one of them drifts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from traitlets.config.loader import PyFileConfigLoader

from course.hub.layout import exam_server_config, lab_config, page_config, server_extensions, setting_overrides
from course.paths import NBGRADER_CONFIG

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = REPO_ROOT / "deploy" / "kubernetes"


def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text())


def nbgrader_config(role: str):
    return PyFileConfigLoader("nbgrader_config.py", path=str(DEPLOY / "jupyter" / role)).load_config()


def course_id() -> str:
    config = PyFileConfigLoader(NBGRADER_CONFIG.name, path=str(NBGRADER_CONFIG.parent)).load_config()
    return config.CourseDirectory.course_id


def test_every_pod_uses_the_exchange_volume_the_chart_mounts():
    mounts = {m["name"]: m["mountPath"] for m in values()["singleuser"]["storage"]["extraVolumeMounts"]}
    for role in ("trainee", "grader"):
        config = nbgrader_config(role)
        assert config.Exchange.root == mounts["exchange"]
        assert config.Exchange.path_includes_course is True
        assert config.CourseDirectory.course_id == course_id()


def test_the_groups_and_roles_are_named_after_the_course():
    hub = values()["hub"]
    groups = hub["config"]["JupyterHub"]["load_groups"]
    assert set(groups) == {f"nbgrader-{course_id()}", f"formgrade-{course_id()}"}
    grader = f"grader-{course_id()}"
    assert grader in groups[f"formgrade-{course_id()}"]["users"]
    assert f"access:servers!user={grader}" in hub["loadRoles"][f"formgrade-{course_id()}"]["scopes"]
    assert f'"{grader}"' in hub["extraConfig"]["mesocourse"]


def test_the_grader_pod_mounts_the_course_its_config_points_at():
    extra = values()["hub"]["extraConfig"]["mesocourse"]
    mount = re.search(r'name="course", mount_path="([^"]+)"', extra).group(1)
    assert nbgrader_config("grader").CourseDirectory.root == mount
    server = json.loads((DEPLOY / "jupyter" / "grader" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["root_dir"] == mount
    assert 'value="/etc/jupyter/grader"' in extra and "/etc/jupyter/grader" in (DEPLOY / "Dockerfile").read_text()


def test_nbgrader_extensions_per_role_match_the_local_hub():
    for role in ("trainee", "grader"):
        folder = DEPLOY / "jupyter" / role
        server = json.loads((folder / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
        assert server == server_extensions(role), role
        page = folder / "labconfig" / "page_config.json"
        disabled = json.loads(page.read_text())["disabledExtensions"] if page.exists() else {}
        assert disabled == page_config(role)["disabledExtensions"], role


def test_jupyterlab_settings_per_role_match_the_local_hub():
    """The extension manager read-only, no news fetched, a trainee's Markdown opened rendered: as on one machine
    (the course's own JupyterLab extension is not in the image's config: docs/administrators.md)."""
    for role in ("trainee", "grader"):
        folder = DEPLOY / "jupyter" / role
        lab = json.loads((folder / "jupyter_lab_config.json").read_text())
        assert lab == {"LabApp": lab_config()["LabApp"]}, role
        overrides = json.loads((folder / "labconfig" / "default_setting_overrides.json").read_text())
        assert overrides == setting_overrides(role), role


def test_the_hub_database_is_postgresql_and_no_secret_is_in_the_values():
    hub = values()["hub"]
    assert hub["db"]["type"] == "postgres" and "password" not in hub["db"]
    assert not re.search(r"//[^:/@]+:[^@]+@", hub["db"]["url"])  # no password inside the URL
    assert set(hub["extraEnv"]["PGPASSWORD"]) == {"valueFrom"}
    assert "install" in (DEPLOY / "Dockerfile").read_text() and "[hub,postgres]" in (DEPLOY / "Dockerfile").read_text()


def test_the_image_installs_the_package_and_its_course_content():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (?:--\S+ )*(\S+) (\S+)$", dockerfile, flags=re.MULTILINE)
    assert ("deploy/kubernetes/jupyter/trainee/", "/etc/jupyter/trainee/") in copied
    assert all((REPO_ROOT / source).exists() for source, _ in copied if source != ".")
    assert Path(REPO_ROOT / "pyproject.toml").read_text().count("hub = [") == 1


def test_a_trainee_pod_runs_exam_notebooks_in_the_exam_kernel_as_the_local_hub_does():
    server = json.loads((DEPLOY / "jupyter" / "trainee" / "jupyter_server_config.json").read_text())
    expected = exam_server_config(course_id())
    assert {key: server["ServerApp"][key] for key in expected["ServerApp"]} == expected["ServerApp"]
    assert server["ExamKernelManager"] == expected["ExamKernelManager"]
    # exam: true in its case data
    assert expected["ExamKernelManager"]["exam_folders"] == [f"{course_id()}/certification"]


Z2JH = DEPLOY / "z2jh"  # the chart 4.4.0's schema and default values, vendored (z2jh/README.md)


def helm_merge(defaults: dict, overrides: dict) -> dict:
    """Helm's coalescing of a values file over the chart's defaults: maps merge key by key,
    anything else replaces the default, and null removes the key."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_errors(chart_values: dict) -> list[str]:
    import jsonschema

    schema = json.loads((Z2JH / "values.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(chart_values)]


def test_values_yaml_passes_the_z2jh_charts_own_schema():
    """What `helm install -f values.yaml` checks first: our values over the chart's defaults."""
    defaults = yaml.safe_load((Z2JH / "values.yaml").read_text())
    assert schema_errors(defaults) == []  # the vendored pair belongs together
    assert schema_errors(helm_merge(defaults, values())) == []


def test_the_schema_refuses_what_the_chart_would_refuse():
    """The check can fail: a misspelt key and a wrong type are each reported with their path."""
    defaults = yaml.safe_load((Z2JH / "values.yaml").read_text())
    wrong = helm_merge(values(), {"singleuser": {"startTimout": 300}, "cull": {"timeout": "an hour"}})
    errors = schema_errors(helm_merge(defaults, wrong))
    assert any(error.startswith("singleuser:") and "startTimout" in error for error in errors), errors
    assert any(error.startswith("cull.timeout:") for error in errors), errors
