// Visitors rate the assistant's answers (👎 "Not helpful", 👍 "Helpful"). The
// rating is kept in the stored conversation, so every tab shows "Thanks for
// telling us." instead of the buttons, and it is sent to the server as the
// socket.io event `answer_feedback` (clinic/channels/socketio.py), where staff
// review unhelpful answers. Pure functions, like transcript.ts.

import type { BotEntry, ChatState, Entry, Rating } from "./transcript";

/** The server refuses longer texts (clinic/store/answer_feedback.py). */
export const MAX_RATED_TEXT = 2000;

export interface AnswerFeedback {
  session_id: string;
  rating: Rating;
  text: string;
}

/** "open": the buttons are offered; "rated": thanks are shown instead. */
export type FeedbackStatus = "open" | "rated";

/**
 * An answer the assistant wrote itself: text, not a staff member's reply nor
 * the crisis note, and short enough for the server to accept.
 */
function isAssistantText(entry: Entry): entry is BotEntry {
  if (entry.role !== "bot" || entry.staffName) return false;
  const text = entry.text.trim();
  return text.length > 0 && text.length <= MAX_RATED_TEXT;
}

/**
 * Which answers show a rating control, and in which state. Answers to the
 * message the assistant is still replying to (the typing dots are shown) get
 * none yet: more of the reply may follow.
 */
export function feedbackStatuses(state: ChatState): Map<string, FeedbackStatus> {
  const statuses = new Map<string, FeedbackStatus>();
  let replying = false;
  for (const entry of state.entries) {
    if (entry.role === "user") {
      if (entry.status !== "queued") replying = entry.status === "sending";
      continue;
    }
    if (!isAssistantText(entry)) continue;
    if (entry.rated) statuses.set(entry.id, "rated");
    else if (!replying) statuses.set(entry.id, "open");
  }
  return statuses;
}

/** What to send for rating the answer `entryId`; null if it cannot be rated. */
export function feedbackPayload(
  state: ChatState,
  entryId: string,
  rating: Rating,
): AnswerFeedback | null {
  if (feedbackStatuses(state).get(entryId) !== "open") return null;
  const entry = state.entries.find((e) => e.id === entryId) as BotEntry;
  return { session_id: state.sessionId, rating, text: entry.text.trim() };
}

export function markRated(
  state: ChatState,
  entryId: string,
  rating: Rating,
  now: number,
): ChatState {
  const entries = state.entries.map((entry) =>
    entry.role === "bot" && entry.id === entryId ? { ...entry, rated: rating } : entry,
  );
  return { ...state, entries, updatedAt: now };
}
