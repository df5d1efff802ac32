import assert from "node:assert/strict";
import { test } from "node:test";
import { feedbackPayload, feedbackStatuses, MAX_RATED_TEXT, markRated } from "../src/feedback";
import {
  addUserMessage,
  type ChatState,
  type Incoming,
  mergeStates,
  newState,
  receive,
  setStatus,
} from "../src/transcript";

const T = 1_000;

function message(text: string, staffName?: string): Incoming {
  return { kind: "message", text, buttons: [], ...(staffName ? { staffName } : {}) };
}

function asked(state: ChatState, id: string, status: "sending" | "sent"): ChatState {
  const added = addUserMessage(state, { id, text: id, payload: id }, T);
  const sending = setStatus(added, id, "sending", T);
  return status === "sent" ? setStatus(sending, id, "sent", T) : sending;
}

function answered(state: ChatState, key: string, incoming: Incoming[]): ChatState {
  return receive(state, key, incoming, T);
}

function conversation(): ChatState {
  let state = asked(newState("s1", T), "u1", "sent");
  state = answered(state, "k1", [message("Sessions take about 40 minutes.")]);
  state = answered(state, "k2", [message("Hi, I'm Dana.", "Dana")]);
  state = answered(state, "k3", [
    {
      kind: "crisis",
      crisis: { line: "988", call: "988", emergency: "911", resources: [] },
    },
  ]);
  return answered(state, "k4", [message("  ")]);
}

test("only the assistant's own text answers can be rated", () => {
  assert.deepEqual([...feedbackStatuses(conversation())], [["k1", "open"]]);
});

test("answers to a message still being answered wait until the reply is complete", () => {
  let state = asked(conversation(), "u2", "sending");
  state = answered(state, "k5", [message("It costs $450.")]);
  assert.deepEqual([...feedbackStatuses(state).keys()], ["k1"]);
  state = setStatus(state, "u2", "sent", T);
  assert.deepEqual([...feedbackStatuses(state).keys()], ["k1", "k5"]);
});

test("a message waiting to be sent does not hold back the answers before it", () => {
  const state = addUserMessage(conversation(), { id: "u2", text: "x", payload: "x" }, T);
  assert.equal(feedbackStatuses(state).get("k1"), "open");
});

test("very long answers are not offered: the server would refuse them", () => {
  const long = "a".repeat(MAX_RATED_TEXT + 1);
  const state = answered(asked(newState("s1", T), "u1", "sent"), "k1", [message(long)]);
  assert.equal(feedbackStatuses(state).size, 0);
});

test("the payload names the conversation, the rating and the answer's text", () => {
  assert.deepEqual(feedbackPayload(conversation(), "k1", "down"), {
    session_id: "s1",
    rating: "down",
    text: "Sessions take about 40 minutes.",
  });
  assert.equal(feedbackPayload(conversation(), "k2", "down"), null);
  assert.equal(feedbackPayload(conversation(), "missing", "up"), null);
});

test("a rated answer shows thanks and cannot be rated again", () => {
  const rated = markRated(conversation(), "k1", "down", T + 1);
  assert.equal(feedbackStatuses(rated).get("k1"), "rated");
  assert.equal(feedbackPayload(rated, "k1", "up"), null);
  assert.equal(rated.updatedAt, T + 1);
});

test("a rating given in one tab survives a merge with another tab's copy", () => {
  const other = conversation();
  const rated = markRated(other, "k1", "up", T + 1);
  assert.equal(feedbackStatuses(mergeStates(other, rated)).get("k1"), "rated");
  assert.equal(feedbackStatuses(mergeStates(rated, other)).get("k1"), "rated");
  assert.equal(mergeStates(other, other).entries[1], other.entries[1]);
});
