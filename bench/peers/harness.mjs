// Drives one peer for bench/peers.py, in a process of its own:
//   node bench/peers/harness.mjs '{"peer": "takumi", "scratch": DIR, "fonts_dir": DIR, "n": 100,
//                                 "warmup": 10, "title": "Card {n} ...", "subtitle": "...",
//                                 "out": "takumi.png", "cold": false}'
// and prints one JSON line: first_png_ns (CLOCK_MONOTONIC, the clock Python's time.monotonic_ns
// reads, so the parent can time process start to first PNG), the wall time of each timed render,
// CPU time of the timed loop, the first card's PNG size and the peak RSS. Statistics are
// computed in Python, once for every renderer. Each render gets a new counter in its text.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { card } from "./card.mjs";

const config = JSON.parse(process.argv[2]);

// Packages live in the scratch folder, not beside this script; an import() written in a module
// inside that folder resolves from its node_modules (ESM ignores NODE_PATH).
const importer = join(config.scratch, "og-peers-import.mjs");
if (!existsSync(importer)) writeFileSync(importer, "export default (specifier) => import(specifier);\n");
const load = (await import(pathToFileURL(importer).href)).default;

const peer = await import(`./${config.peer}.mjs`);
const fonts = {
  regular: readFileSync(join(config.fonts_dir, "DejaVuSans.ttf")),
  bold: readFileSync(join(config.fonts_dir, "DejaVuSans-Bold.ttf")),
};
const render = await peer.setup(load, fonts);

let counter = 10000;
const next = () => {
  const n = String(counter++);
  return card(config.title.replaceAll("{n}", n), config.subtitle.replaceAll("{n}", n));
};

const first = await render(next());
const firstPngNs = process.hrtime.bigint();
const result = { first_png_ns: Number(firstPngNs), png_bytes: first.length };
writeFileSync(config.out, first);

if (!config.cold) {
  for (let i = 0; i < config.warmup; i++) await render(next());
  const times = [];
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < config.n; i++) {
    const element = next();
    const start = performance.now();
    await render(element);
    times.push(performance.now() - start);
  }
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  Object.assign(result, {
    times_ms: times,
    wall_ms: wallMs,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    peak_rss_kb: peakRssKb(),
  });
}
process.stdout.write(JSON.stringify(result) + "\n");

function peakRssKb() {
  try {
    const match = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}
