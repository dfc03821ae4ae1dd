#!/usr/bin/env python3
"""Runs the shell examples of the docs as written and compares the output
they show, so that README.md and docs/cli.md cannot drift from the tool.

usage: conformance/doc_examples.py VMIR SOURCE_ROOT BUILD_ROOT [DOC.md ...]
       conformance/doc_examples.py --list [SOURCE_ROOT [DOC.md ...]]
(default docs: README.md docs/cli.md; --list shows what would run, what is
skipped and what is compared, without running anything)

The conventions, for whoever writes an example:

- Every fenced block whose info string is `sh` is run, one command per
  logical line (a line ending in a backslash continues on the next).
  Blank lines and comment lines are not commands; a trailing `# comment`
  is part of the command as the shell sees it.
- Each document runs in its own fresh copy of the source tree (the files
  git knows of, committed or not), in the order the commands appear, each
  with `bash -c` from the copy's top folder, stdin empty, the built `vmir`
  first on PATH. The copy's `build/` is a folder of links to the built
  programs, not the real build folder: `build/cli/vmir` and the Check
  programs `build/conformance/test_*` work; nothing can reconfigure or
  rebuild the real build from an example. Files an example writes are seen by
  the examples after it in the same document. `../shared` is the shared
  folder (VMIR_SHARED or SOURCE_ROOT/../shared) when it exists.
- A command must exit 0, unless its trailing comment says `exit status N`:
  then it must exit N.
- A fenced block with the info string `text` that directly follows a `sh`
  block (only blank lines between) is the output of that block's commands,
  stdout and stderr together, concatenated in order. In it, `...` inside a
  line stands for any text on that line (numbers that vary: timings, code
  sizes), and a line that is only `...` stands for any number of lines.
  Blocks with no `text` block after them have their output ignored.
- A command that must not run in a test (the whole suite, benchmarks, fuzz
  campaigns, installs) carries the marker `doc-test: skip` in its trailing
  comment, or a comment line `# doc-test: skip ...` marks every command
  after it in the same block. An unmarked command that runs scripts/test,
  report, bench, fuzz or bootstrap, meson setup/test/install, ninja or apt
  fails the test without being run. Commands that read `../shared/` are
  skipped when the shared folder is absent. Every skip is counted and printed,
  never dropped silently. A block with a `text` block cannot skip any of
  its commands.

It prints one line per command and ends with the counts:
"doc examples: N run, N compared, N skipped, N failed".
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

SKIP_MARK = "doc-test: skip"
EXIT_MARK = re.compile(r"exit status (\d+)")
COMMAND_TIMEOUT_SECONDS = 120
# Set for the commands the test runs: a doc example that ran the test suite
# (an unmarked scripts/test) would run this test again, and so on.
NESTED_GUARD = "VMIR_DOC_TEST_RUNNING"
# Commands that build or run for minutes and must carry the skip marker: an
# unmarked one fails the test without being run.
MUST_SKIP = re.compile(r"(^|[\s;|&(])(scripts/(test|report|bench|fuzz|bootstrap)|apt-get|apt|"
                       r"meson (setup|test|install)|ninja)(\s|$)")


class Command:
    def __init__(self, doc, line, text, skip_reason, want_status):
        self.doc, self.line, self.text = doc, line, text
        self.skip_reason, self.want_status = skip_reason, want_status


class Block:
    def __init__(self, commands, expected, expected_line):
        self.commands, self.expected, self.expected_line = commands, expected, expected_line


def trailing_comment(line):
    """The text after an unquoted `#` that starts a word, or ''."""
    quote = None
    prev = " "
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and prev in " \t":
            return line[i + 1:]
        prev = c
    return ""


def fences(lines):
    """Yields (info, opening_line_number, body_lines, closing_line_index) for
    each fenced block."""
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start = i
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        yield m.group(1), start + 1, body, i  # i: the closing fence
        i += 1


def parse_doc(doc, text):
    lines = text.split("\n")
    blocks = []
    all_fences = list(fences(lines))
    for k, (info, start, body, end) in enumerate(all_fences):
        if info != "sh":
            continue
        commands = []
        block_skip = None
        pending, pending_line = "", 0
        for offset, raw in enumerate(body):
            number = start + 1 + offset
            if not pending and (not raw.strip() or raw.lstrip().startswith("#")):
                if SKIP_MARK in raw:
                    block_skip = raw.strip().lstrip("#").strip()
                continue
            if not pending:
                pending_line = number
            if raw.endswith("\\"):
                pending += raw[:-1] + " "
                continue
            full = pending + raw
            pending = ""
            comment = trailing_comment(full)
            skip = comment.strip() if SKIP_MARK in comment else block_skip
            m = EXIT_MARK.search(comment)
            commands.append(Command(doc, pending_line, full.strip(), skip,
                                    int(m.group(1)) if m else 0))
        expected = None
        expected_line = 0
        if k + 1 < len(all_fences) and all_fences[k + 1][0] == "text":
            _, next_start, next_body, _ = all_fences[k + 1]
            between = lines[end + 1:next_start - 1]
            if all(not s.strip() for s in between):
                expected, expected_line = next_body, next_start
        blocks.append(Block(commands, expected, expected_line))
    return blocks


def line_pattern(expected_line):
    parts = [re.escape(p) for p in expected_line.split("...")]
    return re.compile("^" + ".*".join(parts) + "$", re.S)


def output_matches(expected, actual):
    """expected: lines with `...` elisions; actual: lines."""
    # match[i][j]: expected[i:] matches actual[j:]
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            result = j == len(actual)
        elif expected[i] == "...":
            result = any(go(i + 1, jj) for jj in range(j, len(actual) + 1))
        else:
            result = j < len(actual) and bool(line_pattern(expected[i]).match(actual[j])) \
                and go(i + 1, j + 1)
        memo[key] = result
        return result

    return go(0, 0)


def source_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for top, dirs, names in os.walk(root):
            rel_top = os.path.relpath(top, root)
            dirs[:] = [d for d in dirs if not (rel_top == "." and (d.startswith("build")
                                                                   or d in (".git", "out")))]
            files += [os.path.normpath(os.path.join(rel_top, n)) for n in names]
        return files


def link_build_programs(build, copy_build, vmir):
    """copy_build is a folder of its own, never the real build folder: an
    example must not reconfigure or rebuild the build the test runs from.
    It holds links to the built programs the docs run: build/cli/vmir and
    the Check test programs (build/conformance/test_*)."""
    os.makedirs(os.path.join(copy_build, "cli"))
    os.symlink(os.path.abspath(vmir), os.path.join(copy_build, "cli", "vmir"))
    tests = os.path.join(build, "conformance")
    os.makedirs(os.path.join(copy_build, "conformance"))
    if os.path.isdir(tests):
        for name in os.listdir(tests):
            path = os.path.join(tests, name)
            if name.startswith("test_") and os.path.isfile(path) and os.access(path, os.X_OK):
                os.symlink(path, os.path.join(copy_build, "conformance", name))


def make_copy(root, build, vmir, shared, where):
    """A copy of the source tree at where/vmir, with build/ and ../shared."""
    copy = os.path.join(where, "vmir")
    for rel in source_files(root):
        src = os.path.join(root, rel)
        if not os.path.isfile(src) or rel.split("/")[0].startswith("build"):
            continue  # deleted in the worktree, a submodule, a build folder
        dst = os.path.join(copy, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    link_build_programs(build, os.path.join(copy, "build"), vmir)
    if os.path.isdir(shared):
        os.symlink(os.path.abspath(shared), os.path.join(where, "shared"))
    return copy


def run_command(text, cwd, env):
    """Runs one command in a process group of its own; returns (exit status
    or "timeout", output). On a timeout the whole group is ended (bash and
    whatever it started), while bash, not yet reaped, still owns the group
    id."""
    proc = subprocess.Popen(["bash", "-c", "set -o pipefail\n" + text], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=COMMAND_TIMEOUT_SECONDS)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return "timeout", out


def list_doc(doc_path, rel_name):
    """--list: what would run, skip and be compared, without running it."""
    for block in parse_doc(rel_name, open(doc_path, encoding="utf-8").read()):
        for cmd in block.commands:
            what = "skip" if cmd.skip_reason else "run "
            shown = " (output shown at line %d)" % block.expected_line \
                if block.expected is not None else ""
            print("%s %s:%d: %s%s" % (what, cmd.doc, cmd.line, cmd.text, shown))


def run_doc(doc_path, rel_name, vmir, root, build, shared, counts):
    blocks = parse_doc(rel_name, open(doc_path, encoding="utf-8").read())
    have_shared = os.path.isdir(shared)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(vmir)) + os.pathsep + env.get("PATH", "")
    env[NESTED_GUARD] = "1"
    # Check programs the docs run write their XML log in the copy, never
    # among the results of the run this test is part of.
    env.pop("VMIR_RESULTS_DIR", None)
    with tempfile.TemporaryDirectory(prefix="vmir-doc-") as where:
        copy = make_copy(root, build, vmir, shared, where)
        for block in blocks:
            outputs = []
            block_ok = True
            for cmd in block.commands:
                place = "%s:%d" % (cmd.doc, cmd.line)
                reason = cmd.skip_reason
                if not reason and not have_shared and "../shared/" in cmd.text:
                    reason = "the shared folder is absent"
                if reason:
                    counts["skipped"] += 1
                    print("SKIP %s: %s  (%s)" % (place, cmd.text, reason))
                    if block.expected is not None:
                        counts["failed"] += 1
                        print("FAIL %s: a block whose output the doc shows cannot skip a command"
                              % place)
                    block_ok = False
                    continue
                if MUST_SKIP.search(cmd.text):
                    counts["failed"] += 1
                    block_ok = False
                    print("FAIL %s: %s\n  builds or runs for minutes: mark it `%s`"
                          % (place, cmd.text, SKIP_MARK))
                    continue
                counts["run"] += 1
                status, out = run_command(cmd.text, copy, env)
                outputs.append(out.decode("utf-8", "replace"))
                if status != cmd.want_status:
                    counts["failed"] += 1
                    block_ok = False
                    print("FAIL %s: %s\n  exit status %s, want %d; output:\n%s"
                          % (place, cmd.text, status, cmd.want_status,
                             indent(outputs[-1][:2000])))
                else:
                    print("ok   %s: %s" % (place, cmd.text))
            if block.expected is None or not block_ok:
                continue
            counts["compared"] += len(block.commands)
            actual = "".join(outputs)
            actual_lines = actual[:-1].split("\n") if actual.endswith("\n") else \
                actual.split("\n") if actual else []
            if not output_matches(block.expected, actual_lines):
                counts["failed"] += 1
                print("FAIL %s:%d: the output differs from the doc's text block\n"
                      "  doc shows:\n%s\n  the commands wrote:\n%s"
                      % (rel_name, block.expected_line, indent("\n".join(block.expected)),
                         indent(actual[:4000])))
            else:
                print("same %s:%d: the output is the doc's" % (rel_name, block.expected_line))


def indent(text):
    return "\n".join("    " + line for line in text.split("\n"))


def main(argv):
    if len(argv) >= 2 and argv[1] == "--list":
        root = os.path.abspath(argv[2]) if len(argv) > 2 else "."
        for rel in argv[3:] or ["README.md", "docs/cli.md"]:
            list_doc(os.path.join(root, rel), rel)
        return 0
    if len(argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if os.environ.get(NESTED_GUARD):
        print("FAIL: the doc test is running inside itself: a doc example ran the test "
              "suite; mark it `doc-test: skip`")
        return 1
    vmir, root, build = argv[1], os.path.abspath(argv[2]), os.path.abspath(argv[3])
    docs = argv[4:] or ["README.md", "docs/cli.md"]
    shared = os.environ.get("VMIR_SHARED") or os.path.join(root, "..", "shared")
    counts = {"run": 0, "compared": 0, "skipped": 0, "failed": 0}
    for rel in docs:
        run_doc(os.path.join(root, rel), rel, vmir, root, build, shared, counts)
    print("doc examples: %(run)d run, %(compared)d compared, %(skipped)d skipped, "
          "%(failed)d failed" % counts)
    if counts["run"] == 0:
        print("FAIL: no command found in %s" % ", ".join(docs))
        return 1
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
