"""Split the real questions once, by source site, into train and held-out parts.

Run from the repository root:

    .venv/bin/python research/real_questions/split.py          # writes the `split` field
    .venv/bin/python research/real_questions/split.py --check  # only checks, exit 1 on mismatch

Rule (also in README.md):
1. Every item's site is the registered domain of its URL (see `site()`): the host
   without `www.` reduced to its last two labels (three under two-part suffixes such
   as co.uk or com.au, and under multi-tenant hosts such as blogspot.com or
   wordpress.com, where every blog is its own site). Reddit front-end mirrors (any URL
   whose path starts with /r/<subreddit>/ or /p/<subreddit>/comments/) count as
   reddit.com, and a few known aliases of one publisher count as one site (ALIASES).
2. Sites are sorted by the sha256 hex digest of the site name.
3. Walking that order, whole sites go to `heldout` until questions.yml's held-out
   part has >= 170 items, >= 4 items for each of the 20 faq topics and >= 20
   out_of_scope items. Once 170 items are reached, only sites that hold an item of a
   topic (or out_of_scope) still short of its minimum are added.
4. Every other site is `train`. crisis.yml gets the same site assignment; a site
   that occurs only in crisis.yml is held out iff the sha256 digest of its name
   sorts before that of the first site the walk skipped (the stretch of the order
   the walk took whole).
5. The walk was made once; the sites it held out are kept in heldout_sites.txt,
   and --check and the default run assign by that list, so items added later
   from new sites go to train without moving any existing site. --rebuild walks
   again over the files as they are and rewrites the list (a new held-out set).
"""
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import yaml

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.yml"
CRISIS = HERE / "crisis.yml"
# The walk's choice, made once: items added later from new sites go to train
# without moving any existing site (--rebuild walks again and rewrites it).
HELDOUT_SITES = HERE / "heldout_sites.txt"

FAQ_TOPICS = [
    "mechanism", "side_effects", "ketamine_vs_ssri", "ssri_together", "session",
    "schedule", "effectiveness", "eligibility", "trd", "safety", "consultation",
    "depression_symptoms", "cost", "preparation", "spravato", "other_conditions",
    "aftercare", "therapy", "at_home", "care_team",
]
MIN_HELDOUT = 170
MIN_PER_TOPIC = 4
MIN_OUT_OF_SCOPE = 20

TWO_PART_SUFFIXES = {
    "co.uk", "org.uk", "ac.uk", "com.au", "org.au", "net.au", "co.za", "co.nz",
    "edu.pe", "com.br", "co.jp",
}
# Hosts where each subdomain is a separate site run by a different person.
MULTI_TENANT = {
    "blogspot.com", "wordpress.com", "github.io", "medium.com", "wixsite.com",
    "livejournal.com", "blogs.com", "helpscoutdocs.com", "intercom.help",
    "vercel.app", "tumblr.com", "substack.com",
}
ALIASES = {
    # Mental Health America runs both screening sites.
    "mhanational.org": "mentalhealthamerica.net",
    # The same author's Spravato diary is posted on both.
    "feedingtrends.com": "vocal.media",
    # Wattpad's CDN host serves wattpad stories.
    "cloudfront.net": "wattpad.com",
}


def site(url: str) -> str:
    """Registered domain of a URL, with Reddit mirrors and known aliases folded."""
    p = urlparse(url)
    path = p.path
    if re.match(r"^/r/[^/]+(/|$)", path) or re.match(r"^/p/[^/]+/comments/", path):
        return "reddit.com"
    host = (p.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if re.fullmatch(r"[0-9.]+", host):
        return host
    labels = host.split(".")
    last2 = ".".join(labels[-2:])
    if last2 in TWO_PART_SUFFIXES or last2 in MULTI_TENANT:
        dom = ".".join(labels[-3:])
    else:
        dom = last2
    return ALIASES.get(dom, dom)


def topic(label: str) -> str:
    return label.split("/", 1)[1] if label.startswith("faq/") else label


def digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def assign(questions, crisis):
    """Return {site: 'heldout'|'train'} for every site in both files."""
    by_site = {}
    for it in questions:
        by_site.setdefault(site(it["url"]), []).append(it)
    order = sorted(by_site, key=digest)
    held = set()
    n = 0
    per = Counter()

    def short():
        need = {t for t in FAQ_TOPICS if per[t] < MIN_PER_TOPIC}
        if per["out_of_scope"] < MIN_OUT_OF_SCOPE:
            need.add("out_of_scope")
        return need

    last = None
    for s in order:
        need = short()
        if n >= MIN_HELDOUT and not need:
            break
        if n >= MIN_HELDOUT and not any(topic(i["label"]) in need for i in by_site[s]):
            continue
        held.add(s)
        last = s
        n += len(by_site[s])
        per.update(topic(i["label"]) for i in by_site[s])
    if n < MIN_HELDOUT or short():
        raise SystemExit(f"cannot satisfy the held-out minimums: {n} items, short: {sorted(short())}")
    result = {s: ("heldout" if s in held else "train") for s in by_site}
    # Sites that occur only in crisis.yml: held out iff they sort before the last
    # site the walk added and the walk was still taking every site at that point.
    cutoff = None  # digest below which the walk took every site
    for s in order:
        if s not in held:
            cutoff = digest(s)
            break
    for it in crisis:
        s = site(it["url"])
        if s not in result:
            result[s] = "heldout" if cutoff is not None and digest(s) < cutoff else "train"
    return result


def frozen_sites():
    """The held-out sites the walk chose once (HELDOUT_SITES), or None."""
    if not HELDOUT_SITES.exists():
        return None
    lines = HELDOUT_SITES.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def frozen_assignment(questions, crisis, held):
    """Every site of both files: held out iff the walk chose it once."""
    return {
        site(it["url"]): ("heldout" if site(it["url"]) in held else "train")
        for it in questions + crisis
    }


def main(check_only: bool, rebuild: bool = False) -> int:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    crisis = yaml.safe_load(CRISIS.read_text(encoding="utf-8"))
    held = None if rebuild else frozen_sites()
    if held is None:
        result = assign(questions, crisis)
        if not check_only:
            header = [
                line
                for line in HELDOUT_SITES.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")
            ] if HELDOUT_SITES.exists() else []
            chosen = sorted(s for s, split in result.items() if split == "heldout")
            HELDOUT_SITES.write_text("\n".join(header + chosen) + "\n", encoding="utf-8")
    else:
        result = frozen_assignment(questions, crisis, held)
    bad = 0
    for path, items in ((QUESTIONS, questions), (CRISIS, crisis)):
        changed = False
        for it in items:
            want = result[site(it["url"])]
            if it.get("split") != want:
                bad += 1
                changed = True
                it["split"] = want
        if changed and not check_only:
            text = path.read_text(encoding="utf-8")
            # Rewrite only the split lines, keeping the file's layout and quoting.
            out, i = [], 0
            for line in text.split("\n"):
                if line.startswith("  split: "):
                    line = f"  split: {items[i]['split']}"
                    i += 1
                out.append(line)
            assert i == len(items), (path, i, len(items))
            path.write_text("\n".join(out), encoding="utf-8")
    for name, items in (("questions", questions), ("crisis", crisis)):
        c = Counter(it["split"] for it in items)
        sites = {sp: len({site(it["url"]) for it in items if it["split"] == sp}) for sp in c}
        print(f"{name}: {dict(c)} items, sites {sites}")
    if check_only and bad:
        print(f"{bad} items have a split that differs from the rule")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:], "--rebuild" in sys.argv[1:]))
