// The conversation as stored on this device: what was said, what still has to be
// sent, and whether crisis resources were given. Pure functions; the widget
// loads the stored state, applies one of these and stores the result.
//
// Every tab of the site is connected to the same conversation and receives the
// same bot messages, and all of them write to the same storage. A bot message is
// therefore stored under a key that every tab computes alike: the user message
// it answers (the anchor), a hash of the payload and how many identical payloads
// this tab already received for that anchor. The second tab to receive it finds
// the key and leaves the transcript as it is.

export interface Button {
  title: string;
  payload: string;
}

export interface Crisis {
  line: string;
  call: string;
  emergency: string;
  resources: string[];
}

export type UserStatus = "queued" | "sending" | "sent";

export interface UserEntry {
  role: "user";
  id: string;
  text: string;
  payload: string;
  status: UserStatus;
  sentAt?: number;
  /** Times the message was put back to be sent again (dropped link, closed tab). */
  tries?: number;
}

/** A visitor's verdict on one of the assistant's answers (thumbs down or up). */
export type Rating = "down" | "up";

export interface BotEntry {
  role: "bot";
  id: string;
  keys: string[];
  text: string;
  buttons: Button[];
  staffName?: string;
  /** Set once the visitor rated this answer; the rating is then not offered again. */
  rated?: Rating;
}

/** Where crisis resources were given; shown as a note pointing to the banner. */
export interface CrisisEntry {
  role: "crisis";
  id: string;
  keys: string[];
}

export type Entry = UserEntry | BotEntry | CrisisEntry;

export interface ChatState {
  version: 1;
  sessionId: string;
  /** When this conversation was started: the newest one wins between tabs. */
  startedAt?: number;
  updatedAt: number;
  entries: Entry[];
  crisis: Crisis | null;
}

export type Incoming =
  | { kind: "message"; text: string; buttons: Button[]; staffName?: string }
  | { kind: "crisis"; crisis: Crisis };

export const MAX_ENTRIES = 300;
const START = "start";

export function newState(sessionId: string, now: number): ChatState {
  return { version: 1, sessionId, startedAt: now, updatedAt: now, entries: [], crisis: null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function buttonsOf(value: unknown): Button[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isRecord)
    .map((button) => ({ title: str(button.title), payload: str(button.payload) }))
    .filter((button) => button.title && button.payload);
}

function crisisOf(payload: Record<string, unknown>): Crisis | null {
  const resources = payload.crisis_resources;
  if (!Array.isArray(resources)) return null;
  return {
    line: str(payload.crisis_line),
    call: str(payload.crisis_call),
    emergency: str(payload.emergency_number),
    resources: resources.map(str).filter(Boolean),
  };
}

/** What a bot_uttered payload asks the widget to show; unknown shapes are dropped. */
export function readPayload(payload: unknown): Incoming[] {
  if (!isRecord(payload)) return [];
  const incoming: Incoming[] = [];
  const text = str(payload.text).trim();
  const buttons = buttonsOf(payload.quick_replies ?? payload.buttons);
  const staffName = str(payload.staff_name).trim();
  if (text || buttons.length) {
    incoming.push({
      kind: "message",
      text,
      buttons,
      ...(staffName ? { staffName } : {}),
    });
  }
  const crisis = crisisOf(payload);
  if (crisis) incoming.push({ kind: "crisis", crisis });
  return incoming;
}

/** FNV-1a: a short, stable fingerprint of a payload (not a security hash). */
export function fingerprint(raw: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < raw.length; i += 1) {
    hash ^= raw.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** The user message that bot messages arriving now answer. */
export function anchorOf(entries: Entry[]): string {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i];
    if (entry.role === "user" && entry.status !== "queued") return entry.id;
  }
  return START;
}

function keysOf(entry: Entry): string[] {
  return entry.role === "user" ? [] : entry.keys;
}

export function hasKey(state: ChatState, key: string): boolean {
  return state.entries.some((entry) => keysOf(entry).includes(key));
}

/** Per-tab counts of payloads already received, rebuilt from storage on load. */
export function initialCounts(state: ChatState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of state.entries.flatMap(keysOf)) {
    const cut = key.lastIndexOf(":");
    const base = key.slice(0, cut);
    const next = Number(key.slice(cut + 1)) + 1;
    if (next > (counts.get(base) ?? 0)) counts.set(base, next);
  }
  return counts;
}

export function receiveKey(
  state: ChatState,
  counts: Map<string, number>,
  raw: string,
): string {
  const base = `${anchorOf(state.entries)}:${fingerprint(raw)}`;
  const occurrence = counts.get(base) ?? 0;
  counts.set(base, occurrence + 1);
  return `${base}:${occurrence}`;
}

/** Bot messages go before messages still waiting to be sent. */
function insertAnswer(entries: Entry[], entry: Entry): Entry[] {
  const waiting = entries.findIndex((e) => e.role === "user" && e.status === "queued");
  if (waiting < 0) return [...entries, entry];
  return [...entries.slice(0, waiting), entry, ...entries.slice(waiting)];
}

/** The bot message a staff reply repeats, when the console sent it twice. */
function plainTwin(entries: Entry[], text: string): BotEntry | null {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i];
    if (entry.role === "user") return null;
    if (entry.role === "bot") {
      return entry.text === text && !entry.staffName ? entry : null;
    }
  }
  return null;
}

function applyMessage(
  entries: Entry[],
  key: string,
  message: Extract<Incoming, { kind: "message" }>,
): Entry[] {
  const twin = message.staffName ? plainTwin(entries, message.text) : null;
  if (twin) {
    const labelled: BotEntry = {
      ...twin,
      staffName: message.staffName,
      keys: [...twin.keys, key],
    };
    return entries.map((entry) => (entry === twin ? labelled : entry));
  }
  const entry: BotEntry = {
    role: "bot",
    id: key,
    keys: [key],
    text: message.text,
    buttons: message.buttons,
    ...(message.staffName ? { staffName: message.staffName } : {}),
  };
  return insertAnswer(entries, entry);
}

export function receive(
  state: ChatState,
  key: string,
  incoming: Incoming[],
  now: number,
): ChatState {
  if (!incoming.length || hasKey(state, key)) return state;
  let { entries, crisis } = state;
  incoming.forEach((item, index) => {
    const itemKey = index === 0 ? key : `${key}/${index}`;
    if (item.kind === "message") {
      entries = applyMessage(entries, itemKey, item);
    } else {
      crisis = item.crisis;
      entries = insertAnswer(entries, { role: "crisis", id: itemKey, keys: [itemKey] });
    }
  });
  return trim({ ...state, entries, crisis, updatedAt: now });
}

export function addUserMessage(
  state: ChatState,
  entry: { id: string; text: string; payload: string },
  now: number,
): ChatState {
  const user: UserEntry = { role: "user", status: "queued", ...entry };
  return trim({ ...state, entries: [...state.entries, user], updatedAt: now });
}

export function setStatus(
  state: ChatState,
  id: string,
  status: UserStatus,
  now: number,
): ChatState {
  const entries = state.entries.map((entry) =>
    entry.role === "user" && entry.id === id ? withStatus(entry, status, now) : entry,
  );
  return { ...state, entries, updatedAt: now };
}

function withStatus(entry: UserEntry, status: UserStatus, now: number): UserEntry {
  // Going back (sending -> queued) or sending again starts a new try, so that a
  // merge with another tab's older copy cannot undo it (see mergeStates).
  const retry = entry.status === "sending" && status !== "sent";
  return {
    ...entry,
    status,
    ...(status === "sending" ? { sentAt: now } : {}),
    ...(retry ? { tries: (entry.tries ?? 0) + 1 } : {}),
  };
}

/**
 * The next message to send: the oldest queued one, or one left "sending" by a
 * tab that was closed before the server confirmed it.
 */
export function nextToSend(
  state: ChatState,
  now: number,
  staleAfterMs: number,
): UserEntry | null {
  for (const entry of state.entries) {
    if (entry.role !== "user") continue;
    if (entry.status === "queued") return entry;
    if (entry.status === "sending" && now - (entry.sentAt ?? 0) > staleAfterMs) {
      return entry;
    }
  }
  return null;
}

export function isAwaitingReply(state: ChatState): boolean {
  return state.entries.some((entry) => entry.role === "user" && entry.status === "sending");
}

/** Quick replies are offered only under the latest bot message. */
export function activeButtons(state: ChatState): { entryId: string; buttons: Button[] } | null {
  for (let i = state.entries.length - 1; i >= 0; i -= 1) {
    const entry = state.entries[i];
    if (entry.role === "user") return null;
    if (entry.role === "bot" && entry.buttons.length) {
      return { entryId: entry.id, buttons: entry.buttons };
    }
    if (entry.role === "bot") return null;
  }
  return null;
}

/** How far a message has got: "sent" is final; otherwise later tries count more. */
function progress(entry: UserEntry): number {
  if (entry.status === "sent") return Number.POSITIVE_INFINITY;
  return (entry.tries ?? 0) * 2 + (entry.status === "sending" ? 1 : 0);
}

function ratingOf(entry: Entry): Rating | undefined {
  return entry.role === "bot" ? entry.rated : undefined;
}

function mergeEntry(stored: Entry, ours: Entry): Entry {
  if (stored.role === "user" && ours.role === "user") {
    return progress(ours) > progress(stored) ? ours : stored;
  }
  if (stored.role !== "user" && ours.role !== "user") {
    // A staff reply's labelled copy names the staff member on the plain one.
    const labelled = ours.role === "bot" && ours.staffName && !(stored as BotEntry).staffName;
    const base = labelled ? ours : stored;
    const keys = [...base.keys, ...stored.keys, ...ours.keys].filter(
      (key, i, all) => all.indexOf(key) === i,
    );
    // A rating given in either tab is kept: it is never taken back.
    const rated = ratingOf(stored) ?? ratingOf(ours);
    const unchanged = keys.length === base.keys.length && base === stored;
    if (unchanged && ratingOf(stored) === rated) return stored;
    return { ...base, keys, ...(rated ? { rated } : {}) };
  }
  return stored;
}

function sameAnswer(a: Entry, b: Entry): boolean {
  if (a.role === "user" || b.role === "user" || a.role !== b.role) return false;
  if (a.keys.some((key) => b.keys.includes(key))) return true;
  if (a.role === "crisis" || b.role === "crisis") return a.role === b.role;
  return (
    a.text === b.text &&
    a.staffName === b.staffName &&
    JSON.stringify(a.buttons) === JSON.stringify(b.buttons)
  );
}

/**
 * Where `ours[index]` (a bot message or crisis note only this tab has) is
 * already stored under other keys. Tabs that learnt of a user message at
 * different moments key the answer to it differently and may place it on
 * either side of it, so the twin is looked for from the user message before
 * the one it follows, among stored entries this tab does not have: an answer
 * repeated word for word to the next question ("Sorry, I didn't get that")
 * is a new message, not a twin.
 */
function storedTwin(entries: Entry[], ours: Entry[], index: number): number {
  const oursIds = new Set(ours.map((e) => e.id));
  const users = ours.slice(0, index).filter((e) => e.role === "user");
  const from = users.length >= 2 ? users[users.length - 2].id : null;
  const start = from === null ? 0 : Math.max(0, entries.findIndex((e) => e.id === from));
  for (let i = start; i < entries.length; i += 1) {
    if (!oursIds.has(entries[i].id) && sameAnswer(entries[i], ours[index])) return i;
  }
  return -1;
}

/** After the entry before it in this tab, and after what only the other tab has there. */
function insertionPoint(entries: Entry[], ours: Entry[], index: number): number {
  if (index === 0) return 0;
  const previous = entries.findIndex((e) => e.id === ours[index - 1].id);
  if (previous < 0) return entries.length;
  const oursIds = new Set(ours.map((e) => e.id));
  let at = previous + 1;
  while (at < entries.length && !oursIds.has(entries[at].id)) at += 1;
  return at;
}

/**
 * The stored conversation with what only this tab knows added. Tabs write
 * the same storage without a lock, so one tab's save can overwrite another's
 * (a reply stored over a "sent" status). Merging on every save and every
 * outside change lets all tabs converge: statuses only move forward, entries
 * are never dropped, and each answer is kept once.
 */
export function mergeStates(stored: ChatState | null, ours: ChatState): ChatState {
  if (!stored) return ours;
  if (stored.sessionId !== ours.sessionId) {
    const started = (state: ChatState) => state.startedAt ?? state.updatedAt;
    return started(ours) > started(stored) ? ours : stored;
  }
  let entries = [...stored.entries];
  ours.entries.forEach((entry, index) => {
    const same = entries.findIndex((e) => e.id === entry.id);
    if (same >= 0) {
      entries[same] = mergeEntry(entries[same], entry);
      return;
    }
    const twin = entry.role === "user" ? -1 : storedTwin(entries, ours.entries, index);
    if (twin >= 0) {
      entries[twin] = mergeEntry(entries[twin], entry);
      return;
    }
    const at = insertionPoint(entries, ours.entries, index);
    entries = [...entries.slice(0, at), entry, ...entries.slice(at)];
  });
  return trim({
    ...stored,
    entries,
    crisis: stored.crisis ?? ours.crisis,
    updatedAt: Math.max(stored.updatedAt, ours.updatedAt),
  });
}

/**
 * The conversation under the id the server issued. It counts as started now,
 * so that merging with what another tab stored under the old id keeps it.
 */
export function withIssuedSession(state: ChatState, sessionId: string, now: number): ChatState {
  if (state.sessionId === sessionId) return state;
  return { ...state, sessionId, startedAt: now, updatedAt: now };
}

/** Whether two states show the same conversation (timestamps aside). */
export function sameConversation(a: ChatState, b: ChatState): boolean {
  const shown = (state: ChatState) => JSON.stringify([state.sessionId, state.entries, state.crisis]);
  return shown(a) === shown(b);
}

function trim(state: ChatState): ChatState {
  if (state.entries.length <= MAX_ENTRIES) return state;
  return { ...state, entries: state.entries.slice(-MAX_ENTRIES) };
}

/** A stored state, or null when it is missing, malformed or too old to keep. */
export function parseState(raw: string | null, now: number, maxAgeMs: number): ChatState | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.version !== 1 || typeof value.sessionId !== "string") {
    return null;
  }
  if (!Array.isArray(value.entries) || typeof value.updatedAt !== "number") return null;
  if (now - value.updatedAt > maxAgeMs) return null;
  return value as unknown as ChatState;
}
