"""Rules on links, buttons and placeholders in answers: well-formed http(s),
mailto and tel links only, payloads naming real intents, known placeholders."""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlsplit

from clinic.content.project_content import Problem, ProjectContent, answer_topic

PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]*", re.IGNORECASE)
MISTYPED_URL = re.compile(
    r"(?<![\w/.])(?:https?:/(?!/)|https?//|htps?://|https?:\\|www\.)\S*", re.IGNORECASE
)
MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()]*)\)")
# Every link target, whatever its shape: MARKDOWN_LINK skips targets holding
# parentheses, so "javascript:alert(1)" must be caught here.
LINK_TARGET = re.compile(r"\]\(\s*([^\s)]*)")
URL_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
BROKEN_MARKDOWN_LINK = re.compile(r"\[[^\[\]]*\]\s+\(|\]\([^()]*$", re.MULTILINE)
INTENT_PAYLOAD = re.compile(r"^/([A-Za-z0-9_]+)(\{.*\})?$")
LINK_SCHEMES = ("mailto:", "tel:")


def url_problem(url: str) -> str:
    """Why a link does not work, or "" if it looks right."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "it does not start with https:// and a website name"
    if "." not in host and host != "localhost":
        return "the website name is incomplete"
    if url.endswith((".", ",")):
        return "it ends with punctuation that would become part of the link"
    return ""


def link_target_problem(target: str) -> str:
    target = target.strip()
    if not target:
        return "the link has no address"
    if target.startswith(LINK_SCHEMES):
        return ""
    if PLACEHOLDER.fullmatch(target):
        return ""  # an unknown name is reported by placeholder_problems
    return url_problem(target)


def unsafe_scheme(target: str) -> bool:
    """A link target that names a scheme other than web, email or phone."""
    scheme = URL_SCHEME.match(unicodedata.normalize("NFKC", target))
    return bool(scheme) and scheme.group(1).lower() not in SAFE_SCHEMES


def link_problems_in_text(text: str) -> list[str]:
    found = []
    for match in URL.finditer(text):
        reason = url_problem(match.group(0))
        if reason:
            found.append(f'the link "{match.group(0)}": {reason}')
    found += [
        f'"{match.group(0)}" is not a complete link: write it as https://...'
        for match in MISTYPED_URL.finditer(text)
    ]
    reported = set()
    for match in MARKDOWN_LINK.finditer(text):
        title, target = match.groups()
        if not title.strip():
            found.append(f'the link "{match.group(0)}" has no words to click on')
        reason = link_target_problem(target)
        # A web address there was already checked with the others in the text.
        if reason and not URL.match(target.strip()):
            found.append(f'the link "{match.group(0)}": {reason}')
            reported.add(target.strip())
    found += [
        f'the link to "{match.group(1)}" does not go to a web page, email or '
        "phone number: write it as https://..."
        for match in LINK_TARGET.finditer(text)
        if unsafe_scheme(match.group(1)) and match.group(1) not in reported
    ]
    found += [
        f'"{match.group(0).strip()}" is a broken link: write [words](https://...)'
        for match in BROKEN_MARKDOWN_LINK.finditer(text)
    ]
    return found


def payload_problem(payload: str, intents: frozenset[str]) -> str:
    payload = payload.strip()
    if not payload:
        return "a button has no action"
    intent = INTENT_PAYLOAD.match(payload)
    if payload.startswith("/") and (not intent or intent.group(1) not in intents):
        return f'the button action "{payload}" is not something the assistant knows'
    if payload.lower().startswith(("http:", "https:", "www.")):
        reason = url_problem(payload)
        return f'the button link "{payload}": {reason}' if reason else ""
    return ""


def suggested_placeholder(name: str, placeholders: frozenset[str]) -> str:
    """ " (did you mean {clinic_phone}?)" for {phone}, or nothing."""
    containing = sorted(p for p in placeholders if name and name.lower() in p)
    close = containing or difflib.get_close_matches(name, sorted(placeholders), n=1)
    return f" (did you mean {{{close[0]}}}?)" if close else ""


def placeholder_problems(text: str, placeholders: frozenset[str]) -> list[str]:
    unknown = sorted(
        {name for name in PLACEHOLDER.findall(text) if name not in placeholders}
    )
    found = [
        f"{{{name}}} is not a clinic detail the assistant can fill in"
        + suggested_placeholder(name, placeholders)
        for name in unknown
    ]
    if text.count("{") != text.count("}"):
        found.append("a { or } is missing around a clinic detail, as in {clinic_phone}")
    return found


def answer_link_problems(
    text: str, buttons: list[dict[str, str]], content: ProjectContent
) -> list[str]:
    found = link_problems_in_text(text)
    found += placeholder_problems(text, content.placeholders)
    for button in buttons:
        title, payload = button.get("title", ""), button.get("payload", "")
        if not title.strip():
            found.append("a button has no title")
        found += placeholder_problems(title, content.placeholders)
        found += placeholder_problems(payload, content.placeholders)
        reason = payload_problem(payload, content.intents)
        if reason:
            found.append(reason)
    return found


def link_and_placeholder_problems(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            for reason in answer_link_problems(answer.text, answer.buttons, content):
                problems.append(
                    Problem(
                        f"In the answer {response.name}, {reason}. Correct it.",
                        topic=answer_topic(response.name),
                        detail=reason,
                    )
                )
    return problems
