import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, DEFAULT_COLOR, readConfig, storageKey } from "../src/config";

test("the script tag's data-* attributes configure the widget", () => {
  const config = readConfig({
    server: "https://assistant.example/ignored/path",
    clinicName: "Calm Clinic",
    color: "#ABCDEF",
    position: "left",
    crisisLine: "call 988",
    crisisCall: "988",
    emergencyNumber: "911",
  });
  assert.equal(config.server, "https://assistant.example");
  assert.equal(config.color, "#abcdef");
  assert.equal(config.position, "left");
  assert.equal(config.socketPath, "/socket.io");
  assert.equal(storageKey(config), "clinic-chat:v1:https://assistant.example");
});

test("bad values fall back to safe defaults", () => {
  const config = readConfig({
    server: "http://127.0.0.1:5005",
    color: "red; background: url(x)",
    position: "middle",
    crisisCall: "javascript:alert(1)",
    forgetAfterHours: "-3",
  });
  assert.equal(config.color, DEFAULT_COLOR);
  assert.equal(config.position, "right");
  assert.equal(config.crisisCall, "");
  assert.equal(config.forgetAfterHours, 24);
  assert.equal(config.clinicName, "our clinic");
});

test("the server must be an http(s) URL", () => {
  for (const server of [undefined, "", "assistant.example", "javascript:alert(1)", "ftp://x"]) {
    assert.throws(() => readConfig({ server }), ConfigError);
  }
});
