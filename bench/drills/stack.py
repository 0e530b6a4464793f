"""What the drills and run-all need of the local stack (bin/stack): HTTP, processes, the sandbox's counts, the load tool."""
import json
import os
import signal
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PIDS = os.path.join(ROOT, ".stack", "pids")
GATEWAY = "http://127.0.0.1:8080"
INGRESS = "http://127.0.0.1:8081"
ORDERS = "http://127.0.0.1:8083"
SANDBOX = "http://127.0.0.1:8090"
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def http(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pid(name):
    path = os.path.join(PIDS, f"{name}.pid")
    return int(open(path).read()) if os.path.exists(path) else None


def kill(name, sig=signal.SIGKILL):
    """Kills a bin/stack process (kafka, ai-worker-service, …) and forgets its pid file so that `up` restarts it."""
    process = pid(name)
    if process:
        try:
            os.kill(process, sig)
        except ProcessLookupError:
            pass
        deadline = time.time() + 30
        while time.time() < deadline and alive(process):
            time.sleep(0.1)
        os.remove(os.path.join(PIDS, f"{name}.pid"))


def alive(process):
    try:
        os.kill(process, 0)
        return True
    except OSError:
        return False


def up(env=None):
    """Starts whatever of the stack is not running (with extra environment for the services started now)."""
    environment = dict(os.environ, STACK_JVM_OPTS=os.environ.get("STACK_JVM_OPTS", ""), **(env or {}))
    result = subprocess.run([os.path.join(ROOT, "bin", "stack"), "up"], env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("bin/stack up failed: " + (result.stdout + result.stderr)[-600:])


def redis_stop():
    subprocess.run(["redis-cli", "shutdown", "nosave"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def redis_start():
    subprocess.run(REDIS_START, check=True)
    for _ in range(50):
        if subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return
        time.sleep(0.1)


def sandbox_forget():
    http("DELETE", f"{SANDBOX}/sandbox/received")


def sandbox_model(**settings):
    http("POST", f"{SANDBOX}/sandbox/model", settings)


def answered():
    """Accepted customer-service messages and distinct users answered (one message per user in every drill)."""
    stats = http("GET", f"{SANDBOX}/sandbox/stats", timeout=120)
    return stats["customMessages"], stats["usersAnswered"]


def load(command, **options):
    """Runs bench/load and returns its JSON summary; options become --name value."""
    args = [os.path.join(ROOT, "bench", "load"), command]
    for name, value in options.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    args += ["--progress", "false"]
    result = subprocess.run(args, capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"bench/load {command} printed no summary:\n{result.stderr[-2000:]}")
    return json.loads(lines[-1])


def await_answers(expected, seconds):
    """Waits until `expected` users are answered or nothing changed for `seconds`; returns (messages, users)."""
    last, since = None, time.time()
    while True:
        current = answered()
        if current[1] >= expected:
            time.sleep(3)  # late duplicates, if any, get a moment to show
            return answered()
        if current != last:
            last, since = current, time.time()
        elif time.time() - since > seconds:
            return current
        time.sleep(1)


def worker_metric(name):
    """The sum of a meter's series on the running worker (its management port, 8182), 0 when absent."""
    with urllib.request.urlopen("http://127.0.0.1:8182/actuator/prometheus", timeout=30) as response:
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name + "{") or line.startswith(name + " "))
