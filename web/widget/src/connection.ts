// The link to Rasa's socket.io channel (session_request / session_confirm,
// user_uttered / bot_uttered). socket.io-client reconnects by itself; this class
// re-joins the conversation after every reconnection and tells the widget when
// messages can be sent.

import { io, type Socket } from "socket.io-client";
import type { WidgetConfig } from "./config";
import type { AnswerFeedback } from "./feedback";

export type LinkStatus = "connecting" | "ready" | "offline";

const RETRY_AFTER_LIMIT_MS = 60_000;

function isRateLimit(error: Error): boolean {
  const data = (error as Error & { data?: unknown }).data;
  return (
    typeof data === "object" &&
    data !== null &&
    (data as { error?: unknown }).error === "rate_limited"
  );
}

/**
 * delivered: the server confirmed it (Rasa answers after sending its replies);
 * unconfirmed: no confirmation in time, but the link stayed up, so it arrived;
 * disconnected: the link dropped first, so it must be sent again.
 */
export type SendResult = "delivered" | "unconfirmed" | "disconnected";

export interface LinkHandlers {
  status(status: LinkStatus): void;
  message(payload: unknown): void;
  /** The server gave this conversation id in place of the one proposed. */
  session(sessionId: string): void;
}

export class Connection {
  private readonly socket: Socket;
  private sessionId: string;
  private ready = false;
  private readonly pending = new Set<(result: SendResult) => void>();
  private readonly heldFeedback: AnswerFeedback[] = [];

  constructor(
    config: WidgetConfig,
    sessionId: string,
    private readonly handlers: LinkHandlers,
  ) {
    this.sessionId = sessionId;
    this.socket = io(config.server, {
      path: config.socketPath,
      autoConnect: false,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
    });
    this.socket.on("connect", () => this.requestSession());
    this.socket.on("session_confirm", (id: unknown) => this.confirmed(id));
    this.socket.on("bot_uttered", (payload: unknown) => handlers.message(payload));
    this.socket.on("disconnect", () => this.lost());
    this.socket.on("connect_error", (error: Error) => this.refusedOrLost(error));
    window.addEventListener("offline", () => this.wentOffline());
    window.addEventListener("online", () => this.cameOnline());
  }

  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    this.handlers.status(navigator.onLine ? "connecting" : "offline");
    this.socket.connect();
  }

  /** Joins another conversation: a new connection, so no old room is kept. */
  switchSession(sessionId: string): void {
    this.sessionId = sessionId;
    this.ready = false;
    this.socket.disconnect();
    this.socket.connect();
  }

  send(message: string, timeoutMs: number): Promise<SendResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: SendResult): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(settle);
        resolve(result);
      };
      this.pending.add(settle);
      this.socket
        .timeout(timeoutMs)
        .emit("user_uttered", { message, session_id: this.sessionId }, (error: unknown) =>
          settle(error ? (this.socket.connected ? "unconfirmed" : "disconnected") : "delivered"),
        );
    });
  }

  /** A rating of an answer; the server stores it and replies `feedback_saved`.
   * The server accepts it only from a socket in the conversation's room, so a
   * rating given while the link is down waits for the session to be confirmed
   * (socket.io's own buffer would send it before the room is joined). */
  sendFeedback(feedback: AnswerFeedback): void {
    if (this.ready) {
      this.socket.emit("answer_feedback", feedback);
    } else {
      this.heldFeedback.push(feedback);
    }
  }

  private requestSession(): void {
    this.socket.emit("session_request", { session_id: this.sessionId });
  }

  private confirmed(id: unknown): void {
    if (typeof id !== "string" || id === "") return;
    if (id !== this.sessionId) {
      // The server issues conversation ids and replaces one it did not issue
      // (a first visit's, or one made up): this is the visitor's now.
      this.sessionId = id;
      this.handlers.session(id);
    }
    this.ready = true;
    this.handlers.status("ready");
    const held = this.heldFeedback.splice(0);
    for (const feedback of held) {
      if (feedback.session_id === this.sessionId) this.socket.emit("answer_feedback", feedback);
    }
  }

  /** The server refuses connections from an address that opened too many in a
   * minute, with a message that carries crisis help: shown, then tried again
   * (socket.io-client does not retry a refusal by itself). */
  private refusedOrLost(error: Error): void {
    if (isRateLimit(error)) {
      this.handlers.message({ text: error.message });
      window.setTimeout(() => this.socket.connect(), RETRY_AFTER_LIMIT_MS);
    }
    this.lost();
  }

  private lost(): void {
    this.ready = false;
    for (const settle of [...this.pending]) settle("disconnected");
    this.handlers.status(navigator.onLine ? "connecting" : "offline");
  }

  // The browser knows the network is gone before the heartbeat notices: close
  // the transport now so messages typed meanwhile wait instead of being lost.
  private wentOffline(): void {
    this.socket.io.engine?.close();
    this.lost();
  }

  private cameOnline(): void {
    if (!this.socket.connected) this.handlers.status("connecting");
  }
}
