// What the visitor sees: a launcher button and a chat panel. The view draws a
// ChatState and reports what the visitor does; it keeps no conversation itself.

import type { WidgetConfig } from "./config";
import type { LinkStatus } from "./connection";
import { el, externalLink, ICONS, icon, richText, srOnly, telHref, textWithCalls } from "./dom";
import { type FeedbackStatus, feedbackStatuses } from "./feedback";
import { isWebLink } from "./links";
import {
  activeButtons,
  type BotEntry,
  type Button,
  type ChatState,
  type Crisis,
  type Entry,
  isAwaitingReply,
  type Rating,
} from "./transcript";

export type PanelMode = "closed" | "open" | "minimised";

export interface ViewActions {
  send(text: string): void;
  choose(button: Button): void;
  setMode(mode: PanelMode): void;
  startOver(): void;
  rate(entryId: string, rating: Rating): void;
}

interface Drawn {
  node: HTMLElement;
  signature: string;
}

const RATE_BUTTONS: { rating: Rating; path: string; title: string; label: string }[] = [
  { rating: "up", path: ICONS.thumbsUp, title: "Helpful", label: "This answer helped" },
  { rating: "down", path: ICONS.thumbsDown, title: "Not helpful", label: "This answer did not help" },
];
const RATED_TEXT = "Thanks for telling us.";

const STATUS_TEXT: Record<LinkStatus, string> = {
  ready: "",
  connecting: "Connecting to the assistant…",
  offline: "You're offline. Messages you write will be sent when the connection is back.",
};

export class View {
  readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly crisis: HTMLElement;
  private readonly status: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly typing: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly foot: HTMLDivElement;
  private readonly confirm: HTMLDivElement;
  private readonly drawn = new Map<string, Drawn>();
  private replies: Drawn | null = null;
  private crisisSignature = "";
  private mode: PanelMode = "closed";

  constructor(
    private readonly config: WidgetConfig,
    private readonly actions: ViewActions,
  ) {
    this.badge = el("span", { class: "badge", attrs: { hidden: "" } });
    this.launcher = el(
      "button",
      {
        class: "launcher",
        attrs: { type: "button", "aria-controls": "cc-panel", "aria-expanded": "false" },
      },
      icon(ICONS.chat),
      el("span", { text: "Chat with us" }),
      this.badge,
    );
    this.toggle = this.iconButton(ICONS.minimise, "Minimise chat");
    const close = this.iconButton(ICONS.close, "Close chat");
    this.crisis = el("section", {
      class: "crisis",
      attrs: { "aria-labelledby": "cc-crisis-title", hidden: "" },
    });
    this.status = el("div", { class: "status", attrs: { role: "status" } });
    this.typing = el(
      "div",
      { class: "typing", attrs: { "aria-hidden": "true", hidden: "" } },
      el("span"),
      el("span"),
      el("span"),
    );
    this.log = el(
      "div",
      {
        class: "log",
        attrs: {
          role: "log",
          "aria-live": "polite",
          "aria-relevant": "additions",
          "aria-label": "Conversation",
          tabindex: "0",
        },
      },
      this.welcome(),
      this.typing,
    );
    this.input = el("textarea", {
      attrs: {
        id: "cc-input",
        rows: "1",
        maxlength: "1000",
        placeholder: "Type your question",
        "aria-describedby": "cc-hint",
        autocomplete: "off",
      },
    });
    this.confirm = this.confirmation();
    this.foot = el(
      "div",
      { class: "foot" },
      el("span", { text: "Not medical advice" }),
      this.button("link-button", "Start over", () => this.askStartOver()),
    );
    this.panel = el(
      "section",
      {
        class: "panel",
        attrs: { id: "cc-panel", role: "dialog", "aria-labelledby": "cc-title", hidden: "" },
      },
      el(
        "div",
        { class: "header" },
        el(
          "div",
          { class: "titles" },
          el("h2", { class: "title", text: config.clinicName, attrs: { id: "cc-title" } }),
          el("p", { class: "subtitle", text: "Virtual assistant" }),
        ),
        this.toggle,
        close,
      ),
      el(
        "div",
        { class: "body" },
        this.crisis,
        this.status,
        this.log,
        this.composer(),
        this.foot,
        this.confirm,
      ),
    );
    this.root = el(
      "div",
      { class: "cc closed", attrs: { "data-position": config.position } },
      this.launcher,
      this.panel,
    );
    this.launcher.addEventListener("click", () => actions.setMode("open"));
    this.toggle.addEventListener("click", () =>
      actions.setMode(this.mode === "open" ? "minimised" : "open"),
    );
    close.addEventListener("click", () => actions.setMode("closed"));
    this.root.addEventListener("keydown", (event) => this.onKey(event));
  }

  setMode(mode: PanelMode, moveFocus: boolean): void {
    this.mode = mode;
    this.root.className = `cc ${mode}`;
    this.launcher.hidden = mode !== "closed";
    this.launcher.setAttribute("aria-expanded", String(mode === "open"));
    this.panel.hidden = mode === "closed";
    const open = mode === "open";
    this.toggle.setAttribute("aria-label", open ? "Minimise chat" : "Restore chat");
    this.toggle.replaceChildren(icon(open ? ICONS.minimise : ICONS.restore));
    if (open) this.scrollToEnd();
    if (!moveFocus) return;
    if (open) this.input.focus();
    else if (mode === "minimised") this.toggle.focus();
    else this.launcher.focus();
  }

  setUnread(count: number): void {
    this.badge.hidden = count === 0;
    const words = count === 1 ? " new message" : " new messages";
    this.badge.replaceChildren(String(count), srOnly(words));
  }

  focusInput(): void {
    this.input.focus();
  }

  render(state: ChatState, link: LinkStatus): void {
    const added = this.drawEntries(state.entries, link, feedbackStatuses(state));
    this.drawReplies(state);
    this.drawCrisis(state.crisis);
    this.typing.hidden = !isAwaitingReply(state);
    this.log.append(this.typing);
    this.status.textContent = STATUS_TEXT[link];
    if (added || !this.typing.hidden) this.scrollToEnd();
  }

  // ---- drawing the conversation -------------------------------------------

  private drawEntries(
    entries: Entry[],
    link: LinkStatus,
    feedback: Map<string, FeedbackStatus>,
  ): boolean {
    const wanted = new Set(entries.map((entry) => entry.id));
    for (const [id, drawn] of this.drawn) {
      if (!wanted.has(id)) {
        drawn.node.remove();
        this.drawn.delete(id);
      }
    }
    let added = false;
    let previous = this.log.firstElementChild as Element; // the welcome
    for (const entry of entries) {
      const rating = feedback.get(entry.id);
      const signature = `${this.signature(entry, link)}|${rating ?? ""}`;
      let drawn = this.drawn.get(entry.id);
      if (!drawn || drawn.signature !== signature) {
        const node = this.entryNode(entry, link, rating);
        if (drawn) drawn.node.replaceWith(node);
        else added = true;
        drawn = { node, signature };
        this.drawn.set(entry.id, drawn);
      }
      if (previous.nextSibling !== drawn.node) previous.after(drawn.node);
      previous = drawn.node;
    }
    return added;
  }

  private signature(entry: Entry, link: LinkStatus): string {
    if (entry.role === "user") return `${entry.status}:${entry.status === "queued" && link}`;
    if (entry.role === "bot") return entry.staffName ?? "";
    return "";
  }

  private entryNode(entry: Entry, link: LinkStatus, rating?: FeedbackStatus): HTMLElement {
    if (entry.role === "crisis") {
      return el("div", {
        class: "note",
        text: "Crisis support lines are pinned at the top of this chat.",
      });
    }
    if (entry.role === "user") {
      const waiting =
        entry.status === "queued"
          ? el("div", {
              class: "pending",
              text: link === "ready" ? "Sending…" : "Waiting to send",
            })
          : null;
      return el(
        "div",
        { class: "row user", attrs: { "data-status": entry.status } },
        el("div", { class: "msg user" }, srOnly("You said: "), entry.text),
        waiting,
      );
    }
    if (entry.staffName) {
      return el(
        "div",
        { class: "row bot" },
        el(
          "div",
          { class: "msg staff" },
          el("span", {
            class: "who",
            text: `${entry.staffName} · clinic team`,
            attrs: { "aria-hidden": "true" },
          }),
          srOnly(`${entry.staffName}, from the clinic team, said: `),
          richText(entry.text),
        ),
      );
    }
    return el(
      "div",
      { class: "row bot" },
      el("div", { class: "msg bot" }, srOnly("Assistant: "), richText(entry.text)),
      rating ? this.feedbackNode(entry, rating) : null,
    );
  }

  private feedbackNode(entry: BotEntry, status: FeedbackStatus): HTMLElement {
    if (status === "rated") {
      // Focusable from script only: focus moves here from the pressed button.
      return el("p", { class: "rated", text: RATED_TEXT, attrs: { tabindex: "-1" } });
    }
    const group = el("div", {
      class: "rate",
      attrs: { role: "group", "aria-label": "Rate this answer" },
    });
    for (const choice of RATE_BUTTONS) {
      const button = el(
        "button",
        {
          attrs: {
            type: "button",
            "aria-label": choice.label,
            title: choice.title,
            "data-rating": choice.rating,
          },
        },
        icon(choice.path),
      );
      button.addEventListener("click", () => this.rate(entry.id, choice.rating));
      group.append(button);
    }
    return group;
  }

  private rate(entryId: string, rating: Rating): void {
    this.actions.rate(entryId, rating);
    // The pressed button is gone: keep keyboard and screen-reader users in place.
    const thanks = this.drawn.get(entryId)?.node.querySelector<HTMLElement>(".rated");
    thanks?.focus();
  }

  private drawReplies(state: ChatState): void {
    const active = activeButtons(state);
    const signature = active ? `${active.entryId}:${JSON.stringify(active.buttons)}` : "";
    if (this.replies?.signature === signature) {
      this.drawn.get(active?.entryId ?? "")?.node.after(this.replies.node);
      return;
    }
    const hadFocus = this.replies?.node.contains(this.shadowFocus()) ?? false;
    this.replies?.node.remove();
    this.replies = null;
    if (!active) {
      if (hadFocus) this.input.focus();
      return;
    }
    const node = el("div", {
      class: "replies",
      attrs: { role: "group", "aria-label": "Suggested replies" },
    });
    for (const button of active.buttons) node.append(this.replyControl(button));
    this.drawn.get(active.entryId)?.node.after(node);
    this.replies = { node, signature };
  }

  private replyControl(button: Button): HTMLElement {
    // A button whose payload is a web address (the online scheduler) is a link.
    if (isWebLink(button.payload)) return externalLink(button.payload, button.title, "reply");
    return this.button("reply", button.title, () => {
      this.actions.choose(button);
      this.input.focus();
    });
  }

  private drawCrisis(crisis: Crisis | null): void {
    const signature = crisis ? JSON.stringify(crisis) : "";
    if (signature === this.crisisSignature) return;
    this.crisisSignature = signature;
    this.crisis.hidden = !crisis;
    if (!crisis) {
      this.crisis.replaceChildren();
      return;
    }
    const line = crisis.line || this.config.crisisLine;
    const call = crisis.call || this.config.crisisCall;
    const emergency = crisis.emergency || this.config.emergencyNumber;
    const calls = el("div", { class: "calls" });
    if (call) calls.append(externalLink(telHref(call), `Call ${call}`, "call"));
    if (emergency) {
      calls.append(externalLink(telHref(emergency), `Emergency: ${emergency}`, "call"));
    }
    const more = crisis.resources.length
      ? el(
          "details",
          {},
          el("summary", { text: "More ways to get help now" }),
          el("ul", {}, ...crisis.resources.map((resource) => el("li", { text: resource }))),
        )
      : null;
    this.crisis.replaceChildren(
      el("h3", { text: "Help is available now", attrs: { id: "cc-crisis-title" } }),
      el("p", {}, textWithCalls(sentence(line), [call]), "."),
      calls,
    );
    if (more) this.crisis.append(more);
  }

  // ---- fixed parts ----------------------------------------------------------

  private welcome(): HTMLElement {
    const { clinicName, crisisLine, crisisCall, emergencyNumber } = this.config;
    const crisis = el(
      "p",
      {},
      el("strong", { text: "If you are in crisis or thinking about suicide, " }),
      textWithCalls(crisisLine, [crisisCall]),
      emergencyNumber ? ". In an emergency, call " : ".",
      emergencyNumber ? externalLink(telHref(emergencyNumber), emergencyNumber) : null,
      emergencyNumber ? "." : null,
    );
    return el(
      "div",
      { class: "welcome" },
      el("p", {
        text:
          `Hello! I'm ${clinicName}'s virtual assistant. I can answer general ` +
          "questions about ketamine treatment, the clinic and booking a consultation.",
      }),
      el("p", {
        text:
          "I'm not a clinician: what I say is general information, not medical " +
          "advice. This chat is not monitored live by staff.",
      }),
      crisis,
      el("p", {
        class: "small",
        text: "This conversation is kept on this device until you choose Start over.",
      }),
    );
  }

  private composer(): HTMLFormElement {
    const send = el("button", { class: "send", text: "Send", attrs: { type: "submit" } });
    const form = el(
      "form",
      { class: "composer" },
      el("label", { class: "sr", text: "Your message", attrs: { for: "cc-input" } }),
      this.input,
      el("span", {
        class: "sr",
        text: "Press Enter to send, Shift and Enter for a new line.",
        attrs: { id: "cc-hint" },
      }),
      send,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    return form;
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.actions.send(text);
  }

  private confirmation(): HTMLDivElement {
    const cancel = this.button("", "Keep this conversation", () => this.closeConfirm(false));
    const box = el(
      "div",
      {
        class: "confirm",
        attrs: { role: "group", "aria-labelledby": "cc-confirm-text", hidden: "" },
      },
      el("p", {
        text: "Start a new conversation? This one will be cleared from this device.",
        attrs: { id: "cc-confirm-text" },
      }),
      this.button("primary", "Start over", () => this.closeConfirm(true)),
      cancel,
    );
    return box;
  }

  private askStartOver(): void {
    this.foot.hidden = true;
    this.confirm.hidden = false;
    (this.confirm.querySelector("button:last-of-type") as HTMLButtonElement).focus();
  }

  private closeConfirm(startOver: boolean): void {
    this.confirm.hidden = true;
    this.foot.hidden = false;
    if (startOver) this.actions.startOver();
    this.input.focus();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== "Escape" || this.mode === "closed") return;
    event.preventDefault();
    if (!this.confirm.hidden) this.closeConfirm(false);
    else this.actions.setMode("closed");
  }

  private button(className: string, text: string, onClick: () => void): HTMLButtonElement {
    const button = el("button", { class: className, text, attrs: { type: "button" } });
    button.addEventListener("click", onClick);
    return button;
  }

  private iconButton(path: string, label: string): HTMLButtonElement {
    return el(
      "button",
      { class: "icon", attrs: { type: "button", "aria-label": label } },
      icon(path),
    );
  }

  private shadowFocus(): Element | null {
    const root = this.root.getRootNode() as ShadowRoot | Document;
    return root.activeElement;
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

/** "call or text 988 (...)" as the start of a sentence. */
function sentence(line: string): string {
  return line.charAt(0).toUpperCase() + line.slice(1);
}
