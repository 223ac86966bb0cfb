#!/usr/bin/env python3
"""Builds a synthetic organisation of bare git repositories from a seed, for keyhound audit's
tests and bench/org_bench.sh: independent repositories, one large history and forks of it
(each fork shares the large history and adds a few commits of its own). Some commits plant
fake AWS key pairs (made here at run time, never stored in the keyhound repository).

  make_org.py OUT --seed 1 --repos 180 --forks 20 --large-commits 2000

Every repository is written with `git fast-import` (thousands of commits per second). Prints
one line per repository on stdout: its path."""
import argparse
import os
import random
import subprocess

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"
WORDS = ("alpha beta gamma delta config value return import static public private class def "
         "function const let var string int bool true false null none self this server client "
         "request response handler error log debug info warn timeout retry buffer cache index").split()


def key_pair(rng):
    kid = "AKIA" + rng.choice(B32[16:]) + "".join(rng.choice(B32) for _ in range(15))
    secret = "".join(rng.choice(B64) for _ in range(40))
    return kid, secret


def text(rng, lines):
    return "".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + "\n" for _ in range(lines))


def stream(rng, name, commits, files, key_every, parent=None, start_time=1600000000, branch="main", first=()):
    """A fast-import stream of `commits` commits on refs/heads/<branch>; `first` is extra
    (path, body) pairs of the first commit."""
    out = []
    for c in range(commits):
        t = start_time + c * 3600
        msg = "%s change %d\n" % (name, c)
        out.append("commit refs/heads/%s\n" % branch)
        out.append("author Dev %d <dev%d@example.com> %d +0000\n" % (c % 7, c % 7, t))
        out.append("committer Dev %d <dev%d@example.com> %d +0000\n" % (c % 7, c % 7, t))
        out.append("data %d\n%s" % (len(msg.encode()), msg))
        if c == 0 and parent:
            out.append("from %s\n" % parent)
        for path, body in (first if c == 0 else ()):
            data = body.encode()
            out.append("M 100644 inline %s\ndata %d\n" % (path, len(data)))
            out.append(body)
        for _ in range(rng.randint(1, 3)):
            path = "src/%s/%s.txt" % (rng.choice(WORDS), "f%d" % rng.randrange(files))
            body = text(rng, rng.randint(20, 80))
            if key_every and rng.randrange(key_every) == 0:
                kid, secret = key_pair(rng)
                path = "config/%s.env" % rng.choice(["prod", "stage", "dev", "ci"])
                body += "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (kid, secret)
            data = body.encode()
            out.append("M 100644 inline %s\ndata %d\n" % (path, len(data)))
            out.append(body)
        out.append("\n")
    return "".join(out).encode()


def git(*args, **kw):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    return subprocess.run(["git", *args], check=True, env=env, capture_output=True, **kw)


def make_repo(path, data):
    git("init", "-q", "--bare", "--initial-branch=main", path)
    git("-C", path, "fast-import", "--quiet", input=data)
    git("-C", path, "symbolic-ref", "HEAD", "refs/heads/main")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repos", type=int, default=180, help="independent repositories")
    ap.add_argument("--commits", type=int, default=30, help="commits per independent repository")
    ap.add_argument("--forks", type=int, default=20, help="forks of the large repository")
    ap.add_argument("--large-commits", type=int, default=2000)
    ap.add_argument("--fork-commits", type=int, default=2, help="own commits per fork")
    ap.add_argument("--key-every", type=int, default=25, help="about one file change in N plants a key pair")
    ap.add_argument("--shared", action="store_true",
                    help="every independent repository also holds the same vendored files (a clean one; "
                         "every third, one with a key): blobs shared without shared history")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    shared_rng = random.Random(a.seed + 1000003)  # its own stream: the rest stays as without --shared
    common = text(shared_rng, 40)
    kid, secret = key_pair(shared_rng)
    leak = "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (kid, secret)
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.repos):
        p = os.path.join(a.out, "repo%03d.git" % i)
        first = []
        if a.shared:
            first.append(("vendor/common.txt", common))
            if i % 3 == 0:
                first.append(("vendor/leak.env", leak))
        make_repo(p, stream(rng, "repo%d" % i, a.commits, 8, a.key_every, first=first))
        print(p)
    if a.large_commits:
        big = os.path.join(a.out, "large.git")
        make_repo(big, stream(rng, "large", a.large_commits, 200, a.key_every))
        print(big)
        for f in range(a.forks):
            p = os.path.join(a.out, "fork%02d.git" % f)
            git("clone", "-q", "--bare", "--no-local", big, p)
            tip = git("-C", p, "rev-parse", "refs/heads/main").stdout.decode().strip()
            if a.fork_commits:
                git("-C", p, "fast-import", "--quiet", "--force",
                    input=stream(rng, "fork%d" % f, a.fork_commits, 50, 2, parent=tip,
                                 start_time=1700000000, branch="main"))
            print(p)


if __name__ == "__main__":
    main()
