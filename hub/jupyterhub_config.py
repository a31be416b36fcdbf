"""A JupyterHub on one machine that serves the course the way hub/z2jh-values.yaml does on Kubernetes.

tests/test_hub.py and tests/hub_benchmark.py run it on 127.0.0.1 with made-up students
(DummyAuthenticator: any name, no password, no system accounts) and one process per student
(SimpleLocalProcessSpawner). It is for testing and trying the set-up, not for a real class: real
students need a real authenticator and a spawner that enforces memory limits.

Every setting that matters to a student mirrors a key of hub/z2jh-values.yaml (named in the
comments); tests/test_hub_values.py checks that the two agree. Settings come from the environment:

SOFT_POWER_HUB_STATE   folder for the hub's database, secrets, the students' home folders and the shared hand-in folder
SOFT_POWER_HUB_PYTHON  the Python of the "image": the environment the course is installed in
SOFT_POWER_HUB_REPO    the git repository students pull (the nbgitpuller link's `repo`)
SOFT_POWER_HUB_BRANCH  its branch (default: main)
SOFT_POWER_HUB_PORT, SOFT_POWER_HUB_API_PORT, SOFT_POWER_PROXY_API_PORT   loopback ports
SOFT_POWER_PROXY       the configurable-http-proxy command (default: found on PATH)
"""

import asyncio
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

# The folder each student's copy of the repository lands in, inside the home folder. The
# nbgitpuller link names it with `targetpath`, so it is the same whatever the repository URL ends in.
COURSE_FOLDER = "soft-power-companion"
# z2jh: singleuser.defaultUrl. Relative to the server's folder, which is the home folder.
DEFAULT_URL = f"/lab/tree/{COURSE_FOLDER}/lessons/00_start_here.ipynb"
# Kernels idle this long are shut down by the student's own server (z2jh: singleuser.extraFiles).
KERNEL_IDLE_SECONDS = 1200
# Servers idle this long are stopped by jupyterhub-idle-culler (z2jh: cull.timeout, cull.every).
SERVER_IDLE_SECONDS = 3600
CULL_EVERY_SECONDS = 300

state = Path(os.environ["SOFT_POWER_HUB_STATE"]).resolve()
state.mkdir(parents=True, exist_ok=True)
image_python = os.environ.get("SOFT_POWER_HUB_PYTHON", sys.executable)
repo = os.environ["SOFT_POWER_HUB_REPO"]
branch = os.environ.get("SOFT_POWER_HUB_BRANCH", "main")

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("SOFT_POWER_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("SOFT_POWER_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('SOFT_POWER_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [os.environ.get("SOFT_POWER_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")

# The student's server runs in the image's environment, so its kernel is the image's Python
# with the course installed there (z2jh: singleuser.image; the chart's default cmd).
c.Spawner.cmd = [image_python, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = DEFAULT_URL
# The server's folder is the home folder, not the folder it starts in: nbgitpuller clones into
# the server's folder, and only the home folder is kept between sessions (z2jh: hub.config.Spawner).
c.Spawner.notebook_dir = "~"
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_SECONDS}",
    "--MappingKernelManager.cull_interval=120",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # the server refuses to run as root without it
# The shared hand-in folder (z2jh: singleuser.extraEnv and a shared volume): students write their hand-ins
# there from the progress view; the teacher runs `python -m helpers class-report` on it. Mode 1733, as /tmp
# without reading: every student can write a file, none can list or read or replace another's.
handin = state / "handin"
handin.mkdir(parents=True, exist_ok=True)
handin.chmod(0o1733)
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(Path(image_python).parent), os.environ.get("PATH", "")]),
    "SOFT_POWER_HANDIN": str(handin),
}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120


async def pull_course(spawner):
    """Bring the course into the home folder before the server starts (z2jh: singleuser.lifecycleHooks.postStart).

    The same pull as an nbgitpuller link: the first time it clones, later it merges upstream
    changes and keeps the student's edits. A failed pull does not stop the server (the student
    can still click the link later), as `|| true` does on Kubernetes.
    """
    home = Path(spawner.home_dir_template.format(username=spawner.user.name))
    home.mkdir(parents=True, exist_ok=True)
    command = [image_python, "-m", "nbgitpuller.pull", repo, branch, str(home / COURSE_FOLDER)]
    proc = await asyncio.create_subprocess_exec(
        *command, cwd=home, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await proc.communicate()
    if proc.returncode:
        spawner.log.warning("Pulling the course for %s failed:\n%s", spawner.user.name, output.decode())
    # Projector font sizes as the student's own JupyterLab settings (JupyterLab 4.6 applies font sizes from
    # user settings only); sizes a student has changed are kept. The image holds the rest (binder/postBuild).
    settings = [image_python, "-m", "helpers", "lab-settings", "--user-only"]
    settings.append(f"--user-settings={home / '.jupyter' / 'lab' / 'user-settings'}")
    proc = await asyncio.create_subprocess_exec(
        *settings, cwd=home, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await proc.communicate()
    if proc.returncode:
        spawner.log.warning("Classroom settings for %s failed:\n%s", spawner.user.name, output.decode())


c.Spawner.pre_spawn_hook = pull_course

# jupyterhub-idle-culler stops servers nobody has used for an hour, freeing their memory (z2jh: cull).
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={SERVER_IDLE_SECONDS}",
            f"--cull-every={CULL_EVERY_SECONDS}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
