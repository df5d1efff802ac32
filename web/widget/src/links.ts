// Splits message text into plain text and links. Only http(s), tel: and mailto:
// links are made; anything else (javascript:, data:, ...) stays plain text.

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string };

const SAFE_PROTOCOLS = new Set(["http:", "https:", "tel:", "mailto:"]);
// [label](url) or a bare http(s) URL.
// A target may hold one level of parentheses: javascript:alert(1) must be seen
// whole to be refused.
const LINK = /\[([^\]\n]{1,200})\]\(((?:[^()\s]|\([^()\s]*\)){1,2000})\)|https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

export function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

export function isWebLink(candidate: string): boolean {
  const href = safeHref(candidate);
  return href !== null && /^https?:/i.test(href);
}

function pushText(segments: Segment[], text: string): void {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (last?.kind === "text") last.text += text;
  else segments.push({ kind: "text", text });
}

function linkSegment(match: RegExpExecArray): { segment: Segment; rest: string } {
  const [whole, label, target] = match;
  if (label !== undefined && target !== undefined) {
    const href = safeHref(target);
    // An unsafe target keeps its label as text: the URL itself is never shown.
    return {
      segment: href ? { kind: "link", text: label, href } : { kind: "text", text: label },
      rest: "",
    };
  }
  const rest = TRAILING_PUNCTUATION.exec(whole)?.[0] ?? "";
  const url = whole.slice(0, whole.length - rest.length);
  const href = safeHref(url);
  return {
    segment: href ? { kind: "link", text: url, href } : { kind: "text", text: url },
    rest,
  };
}

export function segments(text: string): Segment[] {
  const result: Segment[] = [];
  let position = 0;
  for (const match of text.matchAll(LINK)) {
    const index = match.index ?? 0;
    pushText(result, text.slice(position, index));
    const { segment, rest } = linkSegment(match as RegExpExecArray);
    if (segment.kind === "text") pushText(result, segment.text);
    else result.push(segment);
    pushText(result, rest);
    position = index + match[0].length;
  }
  pushText(result, text.slice(position));
  return result;
}
