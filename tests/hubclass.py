"""A class on a real JupyterHub on this machine: the parts tests/test_hub.py and tests/hub_benchmark.py share.

It builds what a hub administrator builds, following the README ("Hosted classrooms"):
- an "image": a copy of this repository in its own folder and an environment in which
  binder/requirements.txt is installed from that copy and binder/postBuild has run, as
  repo2docker does (the course's dependencies are taken from this environment, not downloaded);
- a git repository students pull from, as the nbgitpuller link names it;
- JupyterHub with configurable-http-proxy, configured by hub/jupyterhub_config.py.

Students act as a browser would: log in through the login form, follow the nbgitpuller link,
and run a lesson in their own server through its REST and kernel WebSocket APIs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests
import websocket

from .jupyterlab import free_port

ROOT = Path(__file__).resolve().parent.parent
HUB_CONFIG = ROOT / "hub" / "jupyterhub_config.py"
PROXY_ENV = "SOFT_POWER_PROXY"
# Where .ci/run installs configurable-http-proxy from the npm registry.
LOCAL_PROXY = ROOT / "hub" / ".proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


class MissingPart(RuntimeError):
    """Something the hub needs is not installed here."""


def proxy_command() -> str:
    """configurable-http-proxy: $SOFT_POWER_PROXY, the copy .ci/run installs, or one on PATH."""
    for candidate in (os.environ.get(PROXY_ENV), str(LOCAL_PROXY), shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise MissingPart(
        "configurable-http-proxy was not found (looked at $SOFT_POWER_PROXY, "
        f"{LOCAL_PROXY.relative_to(ROOT)} and PATH). Install it with "
        "'npm install --prefix hub/.proxy configurable-http-proxy' (Node.js from apt: nodejs npm)."
    )


def check_parts() -> str:
    """The proxy command, once JupyterHub, nbgitpuller, the idle culler and git are known to be here."""
    for module in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler"):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingPart(f"{module} is not installed: pip install -e '.[test]' installs it ({exc})") from exc
    if shutil.which("git") is None:
        raise MissingPart("git is not installed (nbgitpuller runs it)")
    return proxy_command()


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 300) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def copy_repository(dest: Path) -> Path:
    """The files git tracks in this repository (as they are on disk), copied to ``dest``."""
    names = run(["git", "ls-files", "-z"], cwd=ROOT).split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


GIT_IDENTITY = ["-c", "user.name=Course Team", "-c", "user.email=course@example.org"]


def make_upstream(base: Path, name: str = "soft-power-companion.git") -> tuple[Path, Path]:
    """A bare repository holding this course on branch main, and a working clone to push changes from.

    The bare repository's name ends in .git, like a GitHub clone URL: the link's `targetpath`
    must keep that suffix out of the students' folder name.
    """
    work = copy_repository(base / "upstream-work")
    bare = base / name
    run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], cwd=base)
    run(["git", "init", "-q", "-b", "main"], cwd=work)
    run(["git", "add", "-A"], cwd=work)
    run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "Course"], cwd=work)
    run(["git", "push", "-q", str(bare), "HEAD:refs/heads/main"], cwd=work)
    return bare, work


def push_change(work: Path, bare: Path, message: str) -> None:
    run(["git", "add", "-A"], cwd=work)
    run(["git", *GIT_IDENTITY, "commit", "-q", "-m", message], cwd=work)
    run(["git", "push", "-q", str(bare), "HEAD:refs/heads/main"], cwd=work)


def build_image(base: Path) -> Path:
    """Install the course as repo2docker does from binder/, into a new environment; return its Python.

    The repository is copied to its own folder (repo2docker's --target-repo-dir), then
    `pip install -r binder/requirements.txt` and `binder/postBuild` run from that copy. The
    environment sees this environment's packages through a .pth file, so pip only installs the
    course itself and nothing is downloaded but the build backend.
    """
    repo = copy_repository(base / "srv" / "soft-power-companion")
    env = base / "image-env"
    run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=base)
    python = env / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=base).strip())
    # Named to sort after the course's own .pth, so the image's install comes first on sys.path.
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    # The server extensions' switches (nbgitpuller's among them) and JupyterLab's assets, as their
    # packages install them into an environment. Copied, because postBuild writes into etc/jupyter.
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", env / "etc" / "jupyter")
    (env / "share").mkdir(exist_ok=True)
    (env / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter", target_is_directory=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-r", "binder/requirements.txt"], cwd=repo, env=clean)
    env_vars = dict(clean, NB_PYTHON_PREFIX=str(env), PATH=os.pathsep.join([str(env / "bin"), clean["PATH"]]))
    run(["bash", "binder/postBuild"], cwd=repo, env=env_vars)
    return python


@dataclass
class Hub:
    url: str
    state: Path
    process: subprocess.Popen
    log: Path
    repo: str
    branch: str = "main"

    def home(self, student: str) -> Path:
        return self.state / "home" / student

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def start_hub(state: Path, image_python: Path, repo: Path, proxy: str, timeout: float = 60) -> Hub:
    state.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(
        os.environ,
        SOFT_POWER_HUB_STATE=str(state),
        SOFT_POWER_HUB_PYTHON=str(image_python),
        SOFT_POWER_HUB_REPO=str(repo),
        SOFT_POWER_HUB_PORT=str(port),
        SOFT_POWER_HUB_API_PORT=str(free_port()),
        SOFT_POWER_PROXY_API_PORT=str(free_port()),
        SOFT_POWER_PROXY=proxy,
        PATH=os.pathsep.join([str(Path(proxy).parent), str(Path(sys.executable).parent), os.environ["PATH"]]),
    )
    log = state / "jupyterhub.log"
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=state, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(url=f"http://127.0.0.1:{port}", state=state, process=proc, log=log, repo=str(repo))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with code {proc.returncode}:\n{hub.log_tail()}")
        try:
            if requests.get(f"{hub.url}/hub/api/", timeout=5).status_code == 200:
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_hub(hub)
    raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{hub.log_tail()}")


def stop_hub(hub: Hub) -> None:
    """Stop the hub (it stops the students' servers and the proxy), then anything of it still running."""
    try:
        family = psutil.Process(hub.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(timeout=10)
    for proc in family:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)


def link_query(hub: Hub, folder: str, lesson: str) -> str:
    """The query of the README's nbgitpuller link."""
    return urllib.parse.urlencode(
        {"repo": hub.repo, "branch": hub.branch, "targetpath": folder, "urlpath": f"lab/tree/{folder}/{lesson}"}
    )


class Student:
    """One student with a browser-like session: cookies, redirects, the XSRF token."""

    def __init__(self, hub: Hub, name: str):
        self.hub, self.name = hub, name
        self.http = requests.Session()
        self.server = f"{hub.url}/user/{name}/"

    def _xsrf(self) -> str:
        return self.http.cookies.get("_xsrf", path=f"/user/{self.name}/") or ""

    def log_in(self, timeout: float = 240) -> str:
        """Log in with no link; return the page path the student lands on once the server is up."""
        self.http.get(f"{self.hub.url}/hub/login", timeout=30).raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        reply = self.http.post(
            f"{self.hub.url}/hub/login", data={"username": self.name, "password": "", "_xsrf": xsrf}, timeout=60
        )
        reply.raise_for_status()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # a browser shows the spawn-pending page until the server is up
            reply = self.http.get(self.server, timeout=60)
            path = urllib.parse.urlsplit(reply.url).path
            if path.startswith(f"/user/{self.name}/"):  # the server answered (the hub's pages are under /hub/)
                return path.removeprefix(f"/user/{self.name}")
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}'s server did not start within {timeout:.0f} s:\n{self.hub.log_tail()}")

    def contents(self, path: str, content: bool = False) -> requests.Response:
        quoted = urllib.parse.quote(path)
        return self.http.get(f"{self.server}api/contents/{quoted}", params={"content": int(content)}, timeout=60)

    def notebook(self, path: str) -> dict:
        reply = self.contents(path, content=True)
        reply.raise_for_status()
        return reply.json()["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        reply = self.http.put(
            f"{self.server}api/contents/{urllib.parse.quote(path)}",
            json={"type": "notebook", "format": "json", "content": notebook},
            headers={"X-XSRFToken": self._xsrf()},
            timeout=60,
        )
        reply.raise_for_status()

    def follow_link(self, query: str, timeout: float = 120) -> tuple[list[dict], str]:
        """Click an nbgitpuller link: the pull's events and the path the page then sends the student to.

        The link opens nbgitpuller's status page; its script reads the page's data attributes,
        streams `git-pull/api` and then goes to base URL + path. This does the same.
        """
        page = self.http.get(f"{self.hub.url}/hub/user-redirect/git-pull?{query}", timeout=60)
        page.raise_for_status()
        data = {k: urllib.parse.unquote(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', page.text)}
        params = {"_xsrf": data["xsrf"], "repo": data["repo"], "targetpath": data["targetpath"]}
        if "branch" in data:
            params["branch"] = data["branch"]
        events = []
        with self.http.get(
            f"{self.hub.url}{data['base-url']}git-pull/api", params=params, stream=True, timeout=timeout
        ) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    events.append(json.loads(line.removeprefix("data: ")))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        return events, data["base-url"].removeprefix(f"/user/{self.name}/") + data["path"]

    def start_kernel(self, notebook_path: str) -> tuple[str, str]:
        """Open a notebook's kernel session as JupyterLab does; return (session id, kernel id)."""
        reply = self.http.post(
            f"{self.server}api/sessions",
            json={
                "path": notebook_path,
                "name": Path(notebook_path).name,
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
            headers={"X-XSRFToken": self._xsrf()},
            timeout=120,
        )
        reply.raise_for_status()
        session = reply.json()
        return session["id"], session["kernel"]["id"]

    def close_session(self, session_id: str) -> None:
        self.http.delete(
            f"{self.server}api/sessions/{session_id}", headers={"X-XSRFToken": self._xsrf()}, timeout=60
        ).raise_for_status()

    def kernel(self, kernel_id: str) -> KernelChannel:
        ws_url = self.server.replace("http://", "ws://", 1) + f"api/kernels/{kernel_id}/channels"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        return KernelChannel(f"{ws_url}?_xsrf={self._xsrf()}", cookies)


class KernelChannel:
    """Run code in a kernel of a Jupyter server over its WebSocket, as JupyterLab does."""

    def __init__(self, url: str, cookie: str):
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(url, cookie=cookie, timeout=300)

    def execute(self, code: str, timeout: float = 300) -> tuple[str, list[dict]]:
        """Run ``code``; return its reply status and the error outputs it produced."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "student",
            "session": self.session,
            "date": "",
            "version": "5.3",
        }
        request = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            "channel": "shell",
            "buffers": [],
        }
        self.ws.send(json.dumps(request))
        errors, streams, status, idle = [], [], None, False
        deadline = time.monotonic() + timeout
        while status is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not finish within {timeout:.0f} s: {code[:80]!r}")
            frame = self.ws.recv()
            if not isinstance(frame, str):
                continue  # binary frames carry widget buffers
            msg = json.loads(frame)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "error":
                errors.append(msg["content"])
            elif kind == "stream":
                streams.append(msg["content"]["text"])
            elif kind == "execute_reply":
                status = msg["content"]["status"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        self.last_stdout = "".join(streams)
        return status, errors

    def close(self) -> None:
        self.ws.close()


def run_notebook(student: Student, path: str) -> tuple[list[str], KernelChannel, str]:
    """Run every code cell of the student's copy of a notebook in their server; return the failures."""
    notebook = student.notebook(path)
    session_id, kernel_id = student.start_kernel(path)
    channel = student.kernel(kernel_id)
    failures = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        status, errors = channel.execute(source)
        if status != "ok" or errors:
            names = [f"{e.get('ename')}: {e.get('evalue')}" for e in errors]
            failures.append(f"cell {index} ({status}): {names}")
    return failures, channel, session_id
