// Entry point of the bundle. A clinic's page embeds it with one tag:
//   <script src="https://assistant.example/widget/clinic-chat.js" defer
//           data-server="https://assistant.example" data-clinic-name="..."></script>
// See docs/widget.md for every data-* option.

import { ConfigError, readConfig } from "./config";
import { mountWidget } from "./widget";

// Only valid while this script runs for the first time, so read it now.
const script = document.currentScript as HTMLScriptElement | null;

function start(): void {
  if (document.getElementById("clinic-chat")) return; // the tag was added twice
  try {
    mountWidget(readConfig({ ...(script?.dataset ?? {}) }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Clinic chat widget not started: ${error.message}`);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
