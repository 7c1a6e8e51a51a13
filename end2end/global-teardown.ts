import * as fs from "node:fs";
import { STATE_FILE } from "./global-setup";

export default async function globalTeardown() {
  if (!fs.existsSync(STATE_FILE)) return;
  const { pid, dataDir } = JSON.parse(fs.readFileSync(STATE_FILE, "utf8"));
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
