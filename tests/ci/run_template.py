#!/usr/bin/env python3
"""Runs the shell steps of keyhound's CI templates the way their CI systems would, for tests.

  run_template.py github action.yml INPUTS_JSON   composite action: each `run` step in bash -eo
                                                  pipefail, with GITHUB_OUTPUT/GITHUB_PATH files,
                                                  ${{ inputs.* }}, ${{ steps.*.outputs.* }} and
                                                  simple `if:` expressions; `uses` steps are
                                                  recorded with their resolved `with:`, not run
  run_template.py gitlab TEMPLATE.yml JOB          before_script + script in one bash -eo pipefail
                                                  session with the template's variables

The working directory is the checked-out repository; the CI variables come from the environment.
Prints a JSON summary on stdout; exits 0 when every step (job) succeeded, else 1.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(expr, ctx):
    """The subset of GitHub's expression language the action uses."""
    def value(m):
        kind, rest = m.group(1), m.group(2)
        if kind == "inputs":
            return repr(ctx["inputs"].get(rest, ""))
        step, _, out = rest.partition(".outputs.")
        return repr(ctx["steps"].get(step, {}).get(out, ""))
    py = re.sub(r"\b(inputs|steps)\.([A-Za-z0-9_.-]+)", value, expr)
    py = py.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"hashFiles\(([^)]*)\)", lambda m: "_hash(%s)" % m.group(1), py)
    py = re.sub(r"!(?!=)", " not ", py)
    return eval(py, {"_hash": lambda p: "h" if os.path.exists(p) else "", "True": True})


def substitute(text, ctx):
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx)), str(text))


def run_github(action_path, inputs_json):
    action = yaml.safe_load(open(action_path))
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    inputs.update(json.loads(inputs_json))
    ctx = {"inputs": inputs, "steps": {}}
    tmp = tempfile.mkdtemp(prefix="kh-gh-")
    try:  # the runner's temp folder goes whatever a step does, as on a real runner
        return run_github_steps(action, action_path, ctx, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_github_steps(action, action_path, ctx, tmp):
    path_file = os.path.join(tmp, "path")
    open(path_file, "w").close()
    failed = False
    report = {"steps": [], "uses": []}
    for i, step in enumerate(action["runs"]["steps"]):
        cond = step.get("if")
        cond = EXPR.sub(lambda m: m.group(1), str(cond)) if cond is not None else None
        # A step without `if:` runs only while nothing failed; always() runs regardless.
        should = (not failed) if cond is None else (evaluate(cond, ctx) and (not failed or "always()" in cond))
        name = step.get("name", "step %d" % i)
        if not should:
            report["steps"].append({"name": name, "status": "skipped"})
            continue
        if "uses" in step:
            report["uses"].append({"uses": step["uses"],
                                   "with": {k: substitute(v, ctx) for k, v in step.get("with", {}).items()}})
            report["steps"].append({"name": name, "status": "recorded"})
            continue
        out_file = os.path.join(tmp, "output-%d" % i)
        open(out_file, "w").close()
        env = dict(os.environ)
        env.update({"GITHUB_ACTION_PATH": os.path.dirname(os.path.abspath(action_path)),
                    "GITHUB_OUTPUT": out_file, "GITHUB_PATH": path_file, "RUNNER_TEMP": tmp})
        extra = [l.strip() for l in open(path_file) if l.strip()]
        if extra:
            env["PATH"] = ":".join(extra) + ":" + env["PATH"]
        for k, v in step.get("env", {}).items():
            env[k] = substitute(v, ctx)
        script = os.path.join(tmp, "step-%d.sh" % i)
        with open(script, "w") as f:
            f.write(substitute(step["run"], ctx))
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env,
                             stdout=sys.stderr)
        outputs = {}
        for line in open(out_file):
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                outputs[k] = v
        if "id" in step:
            ctx["steps"][step["id"]] = outputs
        report["steps"].append({"name": name, "status": "success" if rc == 0 else "failure", "exit": rc,
                                "outputs": outputs})
        failed = failed or rc != 0
    print(json.dumps(report))
    return 1 if failed else 0


def run_gitlab(template_path, job_name):
    doc = yaml.safe_load(open(template_path))
    job = doc[job_name]
    env = dict(os.environ)
    for scope in (doc.get("variables", {}), job.get("variables", {})):
        for k, v in scope.items():
            env.setdefault(k, str(v))  # CI/CD settings and the pipeline's own variables win
    lines = list(job.get("before_script", [])) + list(job["script"])
    for line in lines:
        if not isinstance(line, str):  # e.g. an unquoted "a: b" that YAML reads as a mapping
            sys.exit("run_template: script item is not a string in GitLab's eyes: %r" % (line,))
    fd, script = tempfile.mkstemp(prefix="kh-gl-", suffix=".sh")
    try:
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env,
                             stdout=sys.stderr)
    finally:
        os.unlink(script)
    reports = job.get("artifacts", {}).get("reports", {})
    print(json.dumps({"exit": rc, "reports": reports,
                      "missing": [p for p in reports.values() if not os.path.exists(p)]}))
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    kind, path, arg = sys.argv[1:4]
    sys.exit(run_github(path, arg) if kind == "github" else run_gitlab(path, arg))
