// The widget: stored conversation + socket.io link + view.
//
// Storage is the single source of truth. Every change loads the stored
// conversation, applies one pure function from transcript.ts, merges the result
// with what another tab may have stored meanwhile (mergeStates), stores it and
// redraws, so every tab of the site shows the same conversation. Messages are
// stored as "queued" before they are sent and sent one at a time, in order,
// whenever the link is ready; one dropped before the server confirmed it is sent
// again on the next connection.

import { type WidgetConfig, storageKey } from "./config";
import { Connection, type LinkStatus } from "./connection";
import { palette } from "./contrast";
import { feedbackPayload, markRated } from "./feedback";
import { createStore, type Store, tabValue } from "./store";
import { css } from "./styles";
import {
  addUserMessage,
  type Button,
  type ChatState,
  initialCounts,
  mergeStates,
  newState,
  withIssuedSession,
  nextToSend,
  type Rating,
  readPayload,
  receive,
  receiveKey,
  sameConversation,
  setStatus,
} from "./transcript";
import { type PanelMode, View } from "./view";

/** Rasa confirms a message once its replies are sent; allow for a slow server. */
const ACK_TIMEOUT_MS = 60_000;
/** A message left "sending" this long by a closed tab is sent again. */
const STALE_SENDING_MS = 90_000;
const SEND_LOCK = "clinic-chat:send";
const MODES: PanelMode[] = ["closed", "open", "minimised"];

export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Runs `task` alone among this site's tabs where the browser allows it. */
function exclusively<T>(task: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? (locks.request(SEND_LOCK, task) as Promise<T>) : task();
}

export class ChatWidget {
  private readonly store: Store;
  private readonly view: View;
  private readonly link: Connection;
  private readonly panelMode: ReturnType<typeof tabValue>;
  private state: ChatState;
  private counts: Map<string, number>;
  private linkStatus: LinkStatus = "connecting";
  private mode: PanelMode = "closed";
  private unread = 0;
  private flushing = false;

  constructor(
    private readonly config: WidgetConfig,
    host: HTMLElement,
  ) {
    const key = storageKey(config);
    this.store = createStore(key, config.forgetAfterHours * 3_600_000);
    this.panelMode = tabValue(`${key}:panel`);
    this.state = this.loadOrCreate();
    this.counts = initialCounts(this.state);
    this.view = new View(config, {
      send: (text) => this.send(text, text),
      choose: (button: Button) => this.send(button.title, button.payload),
      setMode: (mode) => this.setMode(mode, true),
      startOver: () => this.startOver(),
      rate: (entryId, rating) => this.rate(entryId, rating),
    });
    this.mount(host);
    this.link = new Connection(config, this.state.sessionId, {
      status: (status) => this.onLinkStatus(status),
      message: (payload) => this.onBotMessage(payload),
      session: (sessionId) => this.commit(withIssuedSession(this.current(), sessionId, Date.now())),
    });
    this.store.onExternalChange(() => this.onExternalChange());
    // Any element of the page marked data-clinic-chat-open opens the chat.
    document.addEventListener("click", (event) => {
      if ((event.target as Element | null)?.closest?.("[data-clinic-chat-open]")) {
        event.preventDefault();
        this.setMode("open", true);
      }
    });
    const saved = this.panelMode.get() as PanelMode | null;
    this.setMode(saved && MODES.includes(saved) ? saved : "closed", false);
    this.redraw();
    this.link.start();
  }

  private mount(host: HTMLElement): void {
    const shadow = host.attachShadow({ mode: "open" });
    const styles = css(palette(this.config.color));
    if ("adoptedStyleSheets" in shadow && "replaceSync" in CSSStyleSheet.prototype) {
      // Constructed style sheets are not inline styles: a strict
      // Content-Security-Policy on the clinic's page does not block them.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(styles);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      const style = document.createElement("style");
      style.textContent = styles;
      shadow.append(style);
    }
    shadow.append(this.view.root);
  }

  private loadOrCreate(): ChatState {
    const stored = this.store.load(Date.now());
    if (stored) return stored;
    const fresh = newState(newSessionId(), Date.now());
    this.store.save(fresh);
    return fresh;
  }

  /** The stored conversation, which another tab may have changed. */
  private current(): ChatState {
    this.state = mergeStates(this.store.load(Date.now()), this.state);
    return this.state;
  }

  /** Stores `next`, keeping whatever another tab stored in the meantime. */
  private commit(next: ChatState): void {
    this.state = mergeStates(this.store.load(Date.now()), next);
    this.store.save(this.state);
    this.redraw();
  }

  private redraw(): void {
    this.view.render(this.state, this.linkStatus);
  }

  private setMode(mode: PanelMode, moveFocus: boolean): void {
    this.mode = mode;
    this.panelMode.set(mode);
    if (mode === "open") {
      this.unread = 0;
      this.view.setUnread(0);
    }
    this.view.setMode(mode, moveFocus);
  }

  private send(text: string, payload: string): void {
    const entry = { id: newSessionId(), text, payload };
    this.commit(addUserMessage(this.current(), entry, Date.now()));
    void this.flush();
  }

  /** Sends waiting messages one by one, in order, while the link is ready. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.link.isReady && (await exclusively(() => this.sendNext()))) {
        // next message
      }
    } finally {
      this.flushing = false;
    }
  }

  private async sendNext(): Promise<boolean> {
    const entry = nextToSend(this.current(), Date.now(), STALE_SENDING_MS);
    if (!entry || !this.link.isReady) return false;
    this.commit(setStatus(this.state, entry.id, "sending", Date.now()));
    const result = await this.link.send(entry.payload, ACK_TIMEOUT_MS);
    const status = result === "disconnected" ? "queued" : "sent";
    this.commit(setStatus(this.current(), entry.id, status, Date.now()));
    return status === "sent";
  }

  private onBotMessage(payload: unknown): void {
    const incoming = readPayload(payload);
    if (!incoming.length) return;
    // Every tab receives every message: each counts its own unread ones, even
    // when another tab stored the message first.
    if (this.mode !== "open" && incoming.some((item) => item.kind === "message")) {
      this.unread += 1;
      this.view.setUnread(this.unread);
    }
    const state = this.current();
    const key = receiveKey(state, this.counts, JSON.stringify(payload));
    const next = receive(state, key, incoming, Date.now());
    if (next !== state) this.commit(next);
    else this.redraw(); // another tab stored it: show the stored conversation
  }

  private onLinkStatus(status: LinkStatus): void {
    this.linkStatus = status;
    this.redraw();
    if (status === "ready") void this.flush();
  }

  /** Thanks at once; the rating is sent once the link and session are ready. */
  private rate(entryId: string, rating: Rating): void {
    const state = this.current();
    const feedback = feedbackPayload(state, entryId, rating);
    if (!feedback) return;
    this.commit(markRated(state, entryId, rating, Date.now()));
    this.link.sendFeedback(feedback);
  }

  private startOver(): void {
    const fresh = newState(newSessionId(), Date.now());
    this.counts = new Map();
    this.commit(fresh);
    this.link.switchSession(fresh.sessionId);
  }

  /** Another tab wrote: show its changes; follow it to a new conversation. */
  private onExternalChange(): void {
    const previous = this.state.sessionId;
    const stored = this.store.load(Date.now());
    if (!stored) return;
    // The other tab may have saved over something only this tab had stored:
    // put it back, so that every tab ends up with the same conversation.
    this.state = mergeStates(stored, this.state);
    if (!sameConversation(this.state, stored)) this.store.save(this.state);
    if (this.state.sessionId !== previous) {
      this.counts = initialCounts(this.state);
      this.link.switchSession(this.state.sessionId);
    }
    this.redraw();
  }
}

export function mountWidget(config: WidgetConfig): ChatWidget {
  const host = document.createElement("div");
  host.id = "clinic-chat";
  document.body.append(host);
  return new ChatWidget(config, host);
}
