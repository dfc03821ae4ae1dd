#!/usr/bin/env python3
"""Checks .github/workflows/bench.yml, which cannot run here: it is valid
YAML with the shape GitHub Actions reads (a push-to-main trigger, jobs of
steps that each run or use something), and every project command it runs
exists, is executable, and accepts the options given to it.

usage: ci_workflow.py SOURCE_ROOT"""

import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed (scripts/bootstrap installs it)")
    sys.exit(77)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main(root):
    path = os.path.join(root, ".github", "workflows", "bench.yml")
    try:
        wf = yaml.safe_load(open(path))
    except yaml.YAMLError as e:
        fail(f"{path}: not valid YAML: {e}")
    if not isinstance(wf, dict):
        fail(f"{path}: not a mapping")
    # YAML 1.1 reads the key `on` as true
    on = wf.get("on", wf.get(True))
    if not on or "main" not in (on.get("push") or {}).get("branches", []):
        fail("the workflow does not run on pushes to main")
    jobs = wf.get("jobs") or {}
    if "bench" not in jobs:
        fail("no 'bench' job")
    commands = 0
    for name, job in jobs.items():
        if "runs-on" not in job:
            fail(f"job {name}: no runs-on")
        for need in job.get("needs", []) if isinstance(job.get("needs"), list) else [job.get("needs")] if job.get("needs") else []:
            if need not in jobs:
                fail(f"job {name} needs unknown job {need}")
        for i, step in enumerate(job.get("steps") or []):
            if ("run" in step) == ("uses" in step):
                fail(f"job {name} step {i}: needs exactly one of run / uses")
            if "uses" in step and not re.match(r"^[\w.-]+/[\w.-]+@v\d+$", step["uses"]):
                fail(f"job {name} step {i}: '{step['uses']}' is not owner/action@vN")
            for cmd in re.finditer(r"(?:vmir/)?((?:scripts|bench)/[\w./-]+)((?:[ \t]+--?[\w-]+)*)", step.get("run", "")):
                rel, opts = cmd.group(1), cmd.group(2).split()
                exe = os.path.join(root, rel)
                if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
                    fail(f"job {name} step {i}: runs {rel}, which is not an executable file in the tree")
                if opts:
                    helptext = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60).stdout
                    for o in opts:
                        if o not in helptext:
                            fail(f"job {name} step {i}: {rel} {o}: option not in '{rel} --help'")
                commands += 1
    if not commands:
        fail("the workflow runs no project command")
    print(f"ci_workflow: ok ({len(jobs)} jobs, {commands} project commands checked)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
