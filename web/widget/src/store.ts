// localStorage, shared by every tab of the site; an in-memory stand-in when the
// browser refuses storage (private modes, blocked cookies), so the chat still
// works for the page's lifetime.

import { type ChatState, parseState } from "./transcript";

export interface Store {
  load(now: number): ChatState | null;
  save(state: ChatState): void;
  clear(): void;
  /** Calls back when another tab changed the stored conversation. */
  onExternalChange(callback: () => void): void;
}

function browserStorage(): Storage | null {
  try {
    const probe = "clinic-chat:probe";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return null;
  }
}

export function createStore(key: string, maxAgeMs: number): Store {
  let storage = browserStorage();
  let memory: string | null = null;
  const read = (): string | null => (storage ? storage.getItem(key) : memory);
  return {
    load: (now) => parseState(read(), now, maxAgeMs),
    save(state) {
      const raw = JSON.stringify(state);
      if (storage) {
        try {
          storage.setItem(key, raw);
          return;
        } catch {
          storage = null; // full: carry on in memory for this page
        }
      }
      memory = raw;
    },
    clear() {
      if (storage) storage.removeItem(key);
      memory = null;
    },
    onExternalChange(callback) {
      window.addEventListener("storage", (event) => {
        if (event.key === key || event.key === null) callback();
      });
    },
  };
}

/** Per-tab state (is the panel open?), kept across reloads of this tab only. */
export function tabValue(key: string): { get(): string | null; set(value: string): void } {
  return {
    get() {
      try {
        return window.sessionStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        window.sessionStorage.setItem(key, value);
      } catch {
        // not kept across reloads: acceptable
      }
    },
  };
}
