import assert from "node:assert/strict";
import { test } from "node:test";
import {
  activeButtons,
  addUserMessage,
  type ChatState,
  type Incoming,
  initialCounts,
  isAwaitingReply,
  mergeStates,
  newState,
  withIssuedSession,
  nextToSend,
  parseState,
  readPayload,
  receive,
  receiveKey,
  sameConversation,
  setStatus,
} from "../src/transcript";

const T = 1_000;

function sent(state: ChatState, id: string, text: string): ChatState {
  const added = addUserMessage(state, { id, text, payload: text }, T);
  return setStatus(setStatus(added, id, "sending", T), id, "sent", T);
}

/** One tab receiving a payload: load, key, apply (as the widget does). */
function deliver(state: ChatState, counts: Map<string, number>, payload: unknown): ChatState {
  const key = receiveKey(state, counts, JSON.stringify(payload));
  return receive(state, key, readPayload(payload), T);
}

function texts(state: ChatState): string[] {
  return state.entries.map((e) => (e.role === "crisis" ? "[crisis]" : e.text));
}

test("bot payloads: text, quick replies, staff replies, crisis data, junk", () => {
  assert.deepEqual(
    readPayload({ text: "Hi", quick_replies: [{ title: "A", payload: "/a" }, { title: "" }] }),
    [{ kind: "message", text: "Hi", buttons: [{ title: "A", payload: "/a" }] }],
  );
  assert.deepEqual(readPayload({ text: "Hello", staff_name: "Dana" }), [
    { kind: "message", text: "Hello", buttons: [], staffName: "Dana" },
  ]);
  const crisis = readPayload({ crisis_resources: ["Call 988"], crisis_call: "988" });
  assert.equal((crisis[0] as Extract<Incoming, { kind: "crisis" }>).crisis.call, "988");
  for (const junk of [null, "text", 3, [], { text: 5 }, { attachment: {} }]) {
    assert.deepEqual(readPayload(junk), []);
  }
});

test("two tabs receiving the same replies store each once", () => {
  let stored = sent(newState("s", T), "u1", "cost?");
  const tabA = initialCounts(stored);
  const tabB = initialCounts(stored);
  const replies = [{ text: "It costs $200." }, { text: "Book?" }, { text: "Book?" }];
  for (const reply of replies) {
    stored = deliver(stored, tabA, reply); // tab A writes first
    stored = deliver(stored, tabB, reply); // tab B finds the key and skips
  }
  assert.deepEqual(texts(stored), ["cost?", "It costs $200.", "Book?", "Book?"]);
});

test("a tab opened later counts what is stored, so it skips nothing new", () => {
  let stored = sent(newState("s", T), "u1", "hello");
  const tabA = initialCounts(stored);
  stored = deliver(stored, tabA, { text: "Hi!" });
  const tabB = initialCounts(stored); // opened now
  stored = deliver(stored, tabA, { text: "Hi!" });
  stored = deliver(stored, tabB, { text: "Hi!" });
  assert.deepEqual(texts(stored), ["hello", "Hi!", "Hi!"]);
});

test("answers go above messages still waiting to be sent", () => {
  let state = sent(newState("s", T), "u1", "first");
  state = addUserMessage(state, { id: "u2", text: "second", payload: "second" }, T);
  state = deliver(state, new Map(), { text: "answer to first" });
  assert.deepEqual(texts(state), ["first", "answer to first", "second"]);
});

test("a staff reply sent twice (plain, then labelled) is shown once, labelled", () => {
  let state = sent(newState("s", T), "u1", "a person please");
  const counts = new Map<string, number>();
  state = deliver(state, counts, { text: "Hi, I'm Dana." });
  state = deliver(state, counts, { text: "Hi, I'm Dana.", staff_name: "Dana" });
  assert.equal(state.entries.length, 2);
  const reply = state.entries[1];
  assert.ok(reply.role === "bot" && reply.staffName === "Dana");
  // The other tab sees both keys already stored.
  const other = deliver(deliver(state, new Map(), { text: "Hi, I'm Dana." }), new Map(), {
    text: "Hi, I'm Dana.",
    staff_name: "Dana",
  });
  assert.equal(other.entries.length, 2);
});

test("crisis data pins the resources and leaves a note in the conversation", () => {
  let state = sent(newState("s", T), "u1", "I can't go on");
  state = deliver(state, new Map(), { crisis_resources: ["Call 988"], crisis_line: "call 988" });
  assert.deepEqual(state.crisis?.resources, ["Call 988"]);
  assert.deepEqual(texts(state), ["I can't go on", "[crisis]"]);
});

test("messages are sent in order; one left 'sending' by a closed tab is retried", () => {
  let state = newState("s", T);
  state = addUserMessage(state, { id: "a", text: "a", payload: "a" }, T);
  state = addUserMessage(state, { id: "b", text: "b", payload: "b" }, T);
  assert.equal(nextToSend(state, T, 90_000)?.id, "a");
  state = setStatus(state, "a", "sending", T);
  assert.ok(isAwaitingReply(state));
  assert.equal(nextToSend(state, T + 1_000, 90_000)?.id, "b");
  assert.equal(nextToSend(setStatus(state, "b", "sending", T), T + 100_000, 90_000)?.id, "a");
});

test("quick replies belong to the latest bot message only", () => {
  let state = sent(newState("s", T), "u1", "hi");
  state = deliver(state, new Map(), { text: "Pick", quick_replies: [{ title: "A", payload: "/a" }] });
  assert.equal(activeButtons(state)?.buttons[0].title, "A");
  assert.equal(activeButtons(sent(state, "u2", "A")), null);
});

test("stored state: malformed or too old is forgotten", () => {
  const state = sent(newState("s", T), "u1", "hi");
  const raw = JSON.stringify(state);
  assert.deepEqual(parseState(raw, T + 10, 60_000), state);
  assert.equal(parseState(raw, T + 61_000, 60_000), null);
  assert.equal(parseState("{not json", T, 60_000), null);
  assert.equal(parseState(JSON.stringify({ version: 2 }), T, 60_000), null);
  assert.equal(parseState(null, T, 60_000), null);
});

function statuses(state: ChatState): string[] {
  return state.entries.flatMap((e) => (e.role === "user" ? [`${e.text}:${e.status}`] : []));
}

test("a reply stored over another tab's 'sent' does not undo it once merged", () => {
  const start = sent(newState("s", T), "u1", "hello");
  const answer = { text: "How long does a session take? About two hours." };
  // Tab B sends a question; tab A still sees it as queued when the answer comes.
  const queued = addUserMessage(start, { id: "u2", text: "how long?", payload: "how long?" }, T);
  const tabA = deliver(queued, initialCounts(queued), answer);
  const sending = setStatus(queued, "u2", "sending", T);
  const tabB = setStatus(deliver(sending, initialCounts(sending), answer), "u2", "sent", T);

  // A saved last, over B: B's next merge puts "sent" back, and A agrees.
  const mergedByB = mergeStates(tabA, tabB);
  assert.deepEqual(statuses(mergedByB), ["hello:sent", "how long?:sent"]);
  assert.equal(texts(mergedByB).filter((t) => t === answer.text).length, 1);
  const mergedByA = mergeStates(mergedByB, tabA);
  assert.ok(sameConversation(mergedByA, mergedByB), "the tabs converge");
  // B saved last, over A: A's merge keeps B's version (the answer now known
  // under both tabs' keys), and B's next merge changes nothing.
  const keptByA = mergeStates(tabB, tabA);
  assert.deepEqual(texts(keptByA), texts(tabB));
  assert.deepEqual(statuses(keptByA), statuses(tabB));
  assert.ok(sameConversation(mergeStates(keptByA, tabB), keptByA));
});

test("merging keeps messages only one tab has, in place, and retries win", () => {
  const base = sent(newState("s", T), "u1", "hello");
  const tabA = addUserMessage(base, { id: "a", text: "from A", payload: "from A" }, T);
  const tabB = addUserMessage(base, { id: "b", text: "from B", payload: "from B" }, T);
  assert.deepEqual(texts(mergeStates(tabA, tabB)), ["hello", "from A", "from B"]);

  // A dropped link puts a message back in the queue: an older "sending" copy
  // stored by another tab must not win, or it would wait 90 s to be retried.
  const sending = setStatus(tabA, "a", "sending", T);
  const requeued = setStatus(sending, "a", "queued", T + 1);
  assert.deepEqual(statuses(mergeStates(sending, requeued)), ["hello:sent", "from A:queued"]);
  assert.deepEqual(statuses(mergeStates(requeued, sending)), ["hello:sent", "from A:queued"]);
  const confirmed = setStatus(setStatus(requeued, "a", "sending", T + 2), "a", "sent", T + 3);
  assert.deepEqual(statuses(mergeStates(confirmed, sending)), ["hello:sent", "from A:sent"]);
});

test("a new conversation started in one tab wins over the old one", () => {
  const old = sent(newState("old", T), "u1", "hello");
  const fresh = newState("new", T + 5);
  const lateReply = deliver(old, initialCounts(old), { text: "late" });
  assert.equal(mergeStates(fresh, { ...lateReply, updatedAt: T + 9 }).sessionId, "new");
  assert.equal(mergeStates(lateReply, fresh).sessionId, "new");
});

test("the id the server issued replaces the proposed one, in every tab", () => {
  const proposed = sent(newState("proposed", T), "u1", "hello");
  const issued = withIssuedSession(proposed, "abc-signed", T + 1);
  assert.equal(issued.sessionId, "abc-signed");
  assert.deepEqual(issued.entries, proposed.entries, "what the visitor wrote stays");
  // Another tab still stores the proposed id: the issued one wins the merge.
  assert.equal(mergeStates(proposed, issued).sessionId, "abc-signed");
  assert.equal(mergeStates(issued, proposed).sessionId, "abc-signed");
  assert.equal(withIssuedSession(issued, "abc-signed", T + 2), issued, "no change");
});

test("merging keeps a staff member's name added to a reply already stored", () => {
  const start = sent(newState("s", T), "u1", "can I talk to a person?");
  const counts = initialCounts(start);
  const plain = deliver(start, counts, { text: "Hi, I'm Dana." });
  const labelled = deliver(plain, counts, { text: "Hi, I'm Dana.", staff_name: "Dana" });
  for (const merged of [mergeStates(plain, labelled), mergeStates(labelled, plain)]) {
    const bots = merged.entries.filter((e) => e.role === "bot");
    assert.equal(bots.length, 1);
    assert.equal(bots[0].role === "bot" && bots[0].staffName, "Dana");
  }
});
