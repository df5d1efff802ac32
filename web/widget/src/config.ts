// The widget's configuration, read from the data-* attributes of its <script> tag.

export type Position = "right" | "left";

export interface WidgetConfig {
  /** Origin of the Rasa server, e.g. https://assistant.clinic.example */
  server: string;
  /** Path of Rasa's socket.io endpoint (credentials.yml: socketio_path). */
  socketPath: string;
  clinicName: string;
  /** Main colour (#rrggbb); the widget picks readable text colours for it. */
  color: string;
  position: Position;
  /** How to reach the crisis line, in words ("call or text 988 (...)"). */
  crisisLine: string;
  /** A number the crisis line answers on, for a tap-to-call link ("988"). */
  crisisCall: string;
  emergencyNumber: string;
  /** A stored conversation left alone this long is forgotten (shared devices). */
  forgetAfterHours: number;
}

export const DEFAULT_COLOR = "#1f5f66";
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const PHONE_NUMBER = /^\+?[0-9 ()-]{2,20}$/;

export class ConfigError extends Error {}

function httpOrigin(value: string | undefined): string {
  let url: URL;
  try {
    url = new URL(value ?? "");
  } catch {
    throw new ConfigError(`data-server must be the assistant's URL, got "${value ?? ""}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("data-server must be an http(s) URL");
  }
  return url.origin;
}

function text(value: string | undefined, fallback: string): string {
  const trimmed = (value ?? "").trim();
  return trimmed || fallback;
}

function phone(value: string | undefined): string {
  const trimmed = (value ?? "").trim();
  return PHONE_NUMBER.test(trimmed) ? trimmed : "";
}

function hours(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 24;
}

export function readConfig(data: Record<string, string | undefined>): WidgetConfig {
  const color = (data.color ?? "").trim();
  const socketPath = text(data.socketPath, "/socket.io");
  return {
    server: httpOrigin(data.server),
    socketPath: socketPath.startsWith("/") ? socketPath : `/${socketPath}`,
    clinicName: text(data.clinicName, "our clinic"),
    color: HEX_COLOR.test(color) ? color.toLowerCase() : DEFAULT_COLOR,
    position: data.position === "left" ? "left" : "right",
    crisisLine: text(data.crisisLine, "call your local crisis line"),
    crisisCall: phone(data.crisisCall),
    emergencyNumber: phone(data.emergencyNumber),
    forgetAfterHours: hours(data.forgetAfterHours),
  };
}

/** Where this widget keeps its conversation: one per assistant server. */
export function storageKey(config: WidgetConfig): string {
  return `clinic-chat:v1:${config.server}`;
}
