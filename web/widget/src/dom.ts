// DOM helpers. Message content only ever becomes text nodes or the href of a
// checked link: nothing here parses HTML.

import { type Segment, segments } from "./links";

type Child = Node | string | null | false;

export interface Props {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function srOnly(text: string): HTMLSpanElement {
  return el("span", { class: "sr", text });
}

/** A link that opens outside the page, without giving it a handle on it. */
export function externalLink(href: string, text: string, className?: string): HTMLAnchorElement {
  const link = el("a", { class: className, text });
  link.href = href;
  if (/^https?:/i.test(href)) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.append(srOnly(" (opens in a new tab)"));
  }
  return link;
}

function segmentNode(segment: Segment): Node {
  return segment.kind === "text"
    ? document.createTextNode(segment.text)
    : externalLink(segment.href, segment.text);
}

/** Text with its http(s) links (and [label](url) links) made clickable. */
export function richText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const segment of segments(text)) fragment.append(segmentNode(segment));
  return fragment;
}

/** Text in which the given phone numbers become tap-to-call links. */
export function textWithCalls(text: string, numbers: string[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const wanted = numbers.filter(Boolean);
  let rest = text;
  while (rest) {
    const hits = wanted
      .map((number) => ({ number, at: rest.indexOf(number) }))
      .filter((hit) => hit.at >= 0)
      .sort((a, b) => a.at - b.at);
    const first = hits[0];
    if (!first) {
      fragment.append(rest);
      break;
    }
    fragment.append(rest.slice(0, first.at));
    fragment.append(externalLink(telHref(first.number), first.number));
    rest = rest.slice(first.at + first.number.length);
  }
  return fragment;
}

export function telHref(number: string): string {
  return `tel:${number.replace(/[^0-9+]/g, "")}`;
}

const SVG = "http://www.w3.org/2000/svg";

/** A decorative 24x24 stroke icon (hidden from screen readers). */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "24");
  svg.setAttribute("height", "24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", path);
  shape.setAttribute("fill", "none");
  shape.setAttribute("stroke", "currentColor");
  shape.setAttribute("stroke-width", "2");
  shape.setAttribute("stroke-linecap", "round");
  shape.setAttribute("stroke-linejoin", "round");
  svg.append(shape);
  return svg;
}

export const ICONS = {
  chat: "M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12z",
  close: "M6 6l12 12M18 6L6 18",
  minimise: "M6 9l6 6 6-6",
  restore: "M6 15l6-6 6 6",
  // Thumbs from Feather icons (MIT): drawn, not emoji, which some devices lack.
  thumbsUp:
    "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3",
  thumbsDown:
    "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17",
};
