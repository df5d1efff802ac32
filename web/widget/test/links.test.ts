import assert from "node:assert/strict";
import { test } from "node:test";
import { isWebLink, safeHref, segments } from "../src/links";

test("bare web addresses become links, without trailing punctuation", () => {
  assert.deepEqual(segments("See https://example.org/a?b=1. Thanks"), [
    { kind: "text", text: "See " },
    { kind: "link", text: "https://example.org/a?b=1", href: "https://example.org/a?b=1" },
    { kind: "text", text: ". Thanks" },
  ]);
});

test("[label](url) becomes a link named by its label", () => {
  assert.deepEqual(segments("Book [online](https://example.org/book)!"), [
    { kind: "text", text: "Book " },
    { kind: "link", text: "online", href: "https://example.org/book" },
    { kind: "text", text: "!" },
  ]);
});

test("unsafe targets keep their label as plain text", () => {
  for (const target of ["javascript:alert(1)", "data:text/html,hi", "vbscript:x", "file:///etc"]) {
    assert.deepEqual(segments(`a [label](${target}) b`), [{ kind: "text", text: "a label b" }]);
  }
});

test("only http(s), tel: and mailto: addresses are safe", () => {
  assert.equal(safeHref("https://example.org"), "https://example.org/");
  assert.equal(safeHref("tel:988"), "tel:988");
  assert.equal(safeHref("mailto:care@example.org"), "mailto:care@example.org");
  assert.equal(safeHref("JavaScript:alert(1)"), null);
  assert.equal(safeHref("/relative"), null);
  assert.equal(isWebLink("tel:988"), false);
  assert.equal(isWebLink("https://example.org/book"), true);
});

test("HTML stays text", () => {
  assert.deepEqual(segments("<img src=x onerror=alert(1)>"), [
    { kind: "text", text: "<img src=x onerror=alert(1)>" },
  ]);
});
