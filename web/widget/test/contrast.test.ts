import assert from "node:assert/strict";
import { test } from "node:test";
import { AA_TEXT, contrast, palette, parseHex } from "../src/contrast";

test("WCAG contrast of black on white is 21:1", () => {
  assert.equal(Math.round(contrast([0, 0, 0], [255, 255, 255])), 21);
});

test("any configured colour gives AA text on it and an AA accent", () => {
  const bubble = parseHex("#f3f5f6");
  for (let i = 0; i < 500; i += 1) {
    const hex = `#${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, "0")}`;
    const colors = palette(hex);
    const onBrand = contrast(parseHex(colors.onBrand), parseHex(colors.brand));
    assert.ok(onBrand >= AA_TEXT, `${hex}: text on it ${onBrand}`);
    const accent = contrast(parseHex(colors.accent), bubble);
    assert.ok(accent >= AA_TEXT, `${hex}: accent ${accent}`);
    assert.ok(contrast(parseHex(colors.accent), [255, 255, 255]) >= AA_TEXT);
  }
});

test("a mid-tone that suits neither white nor dark text is darkened", () => {
  const colors = palette("#4f6eee");
  assert.notEqual(colors.brand, "#4f6eee");
  assert.equal(colors.onBrand, "#ffffff");
});

test("a dark enough colour is used as it is", () => {
  assert.deepEqual(palette("#1f5f66"), {
    brand: "#1f5f66",
    onBrand: "#ffffff",
    accent: "#1f5f66",
  });
});
